// Owns: `kfchart install` — an upgrade of a release that must not exist yet (engine/actions/upgrade.ts does the work).
// Must not: print.
export { installAction, type DeployOptions as InstallOptions } from './upgrade.js';
