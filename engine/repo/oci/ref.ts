// Owns: parsing `oci://REGISTRY/PATH[:TAG][@sha256:DIGEST]` references, and Helm's tag spelling of versions
// (`+` is not allowed in an OCI tag, so `1.0.0+build` is tagged `1.0.0_build`).
// Must not: touch the network.

import { KfError } from '../../errors.js';

export interface OciRef {
  /** host[:port] */
  registry: string;
  /** repository path inside the registry, e.g. `charts/demo` */
  repository: string;
  tag?: string;
  digest?: string;
}

const REPO_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function isOci(ref: string | undefined): boolean {
  return typeof ref === 'string' && ref.startsWith('oci://');
}

export function parseOciRef(ref: string, opts: { allowEmptyPath?: boolean } = {}): OciRef {
  if (!isOci(ref)) throw new KfError(`${ref}: not an OCI reference (expected oci://REGISTRY/PATH)`, { exitCode: 2 });
  let rest = ref.slice('oci://'.length).replace(/\/+$/, '');
  if (/^[^/]*@[^/]*\//.test(rest) || /^[^/]*:[^/@]*@/.test(rest.split('/')[0] ?? '')) {
    throw new KfError(`oci://…: credentials in the reference are not accepted; use \`kfchart registry login\``, { exitCode: 2 });
  }
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[a-f0-9]{64}$/.test(digest)) throw new KfError(`${ref}: digest must be sha256:<64 hex>`, { exitCode: 2 });
  }
  const slash = rest.indexOf('/');
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  let repository = slash < 0 ? '' : rest.slice(slash + 1);
  let tag: string | undefined;
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new KfError(`${ref}: "${tag}" is not a valid OCI tag`, { exitCode: 2 });
  }
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry)) {
    throw new KfError(`${ref}: "${registry}" is not a registry host[:port]`, { exitCode: 2 });
  }
  if (!(repository === '' && opts.allowEmptyPath) && !REPO_RE.test(repository)) {
    throw new KfError(`${ref}: "${repository}" is not a valid repository path (lower-case letters, digits, . _ - and /)`, { exitCode: 2 });
  }
  return { registry, repository, tag, digest };
}

export function formatRef(r: OciRef): string {
  return `oci://${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** Helm's tag for a chart version. */
export const versionToTag = (v: string): string => v.replace(/\+/g, '_');
export const tagToVersion = (t: string): string => t.replace(/_/g, '+');
