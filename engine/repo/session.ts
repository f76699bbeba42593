// Owns: the connection settings given once on the command line for this process (--plain-http,
// --insecure-skip-tls-verify, --ca-file, --cert-file, --key-file, --username/--password, --registry-config,
// --pass-credentials) that every chart download of the command uses when the caller passes none of its own: the
// flags are declared once (engine/cli/flags.ts) for every command that takes a chart reference, without threading
// them through each action.
// Must not: import anything, or hold anything but these settings.

export interface ConnectionDefaults {
  plainHttp?: boolean;
  insecureSkipTlsVerify?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  username?: string;
  password?: string;
  passCredentials?: boolean;
  registryConfig?: string;
}

const current: ConnectionDefaults = {};

export function setConnectionDefault<K extends keyof ConnectionDefaults>(key: K, value: ConnectionDefaults[K]): void {
  current[key] = value;
}

export function connectionDefaults(): Readonly<ConnectionDefaults> {
  return current;
}
