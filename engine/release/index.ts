// Owns: the public face of engine/release: the record, its encoding and the storage drivers.
// Must not: import engine/kube at load time beyond types (secrets.ts only uses the client it is given).
export * from './record.js';
export * from './storage.js';
export { SecretsStorage, RECORD_TYPE } from './secrets.js';
