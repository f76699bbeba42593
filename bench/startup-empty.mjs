// bench/startup.mjs's empty script, run the way kfchart runs its CLI (bench/run-script.mjs): this entry imports
// nothing else, like kfchart's launcher.
import { fileURLToPath } from 'node:url';
import { runBuilt } from './run-script.mjs';

await runBuilt(fileURLToPath(new URL('./.out/startup/startup.cjs', import.meta.url)), 'empty');
