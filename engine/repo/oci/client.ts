// Owns: talking to an OCI distribution registry (the distribution spec's /v2/ API): manifests, blobs (monolithic
// upload), tag lists (with Link paging), and authentication as Docker and Helm do it: anonymous first, then on a 401
// the WWW-Authenticate challenge — `Basic` (credentials from `registry login` or --username/--password), or `Bearer
// realm=…,service=…,scope=…` (a token fetched from the realm, with the credentials when there are any); tokens are
// kept per scope for the process. https by default; `plainHttp` for http registries; TLS options as for chart
// repositories (--ca-file, --cert-file/--key-file, --insecure-skip-tls-verify).
// Must not: print, or put a credential or token into an error message.

import { createHash } from 'node:crypto';
import { KfError } from '../../errors.js';
import { request, type Response } from '../transport.js';
import { tlsFor, type RepoAuth } from '../auth.js';
import { getCredential, type Credential } from './credentials.js';

export interface RegistryOptions extends RepoAuth {
  plainHttp?: boolean;
  /** Credentials file (default registryConfigFile()). */
  registryConfig?: string;
  timeoutMs?: number;
}

export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.cncf.helm.config.v1+json',
  chart: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
  prov: 'application/vnd.cncf.helm.chart.provenance.v1.prov',
  /** Charts pushed by Helm before 3.8 (OCI support's experimental days). */
  legacyChart: 'application/tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export const sha256Digest = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function parseChallenge(h: string | undefined): { scheme: string; params: Record<string, string> } | undefined {
  if (!h) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/.exec(h);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2]!))) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

function timeoutMs(o: RegistryOptions): number {
  const env = Number(process.env.KFCHART_HTTP_TIMEOUT_MS);
  return o.timeoutMs ?? (Number.isFinite(env) && env > 0 ? env : 30_000);
}

export class RegistryClient {
  readonly base: string;
  private tokens = new Map<string, string>();
  private cred: Credential | undefined | null = null;

  constructor(
    readonly host: string,
    private readonly opts: RegistryOptions = {},
  ) {
    this.base = `${opts.plainHttp ? 'http' : 'https'}://${host}`;
  }

  private async credential(): Promise<Credential | undefined> {
    if (this.cred === null) {
      this.cred = this.opts.username
        ? { username: this.opts.username, password: this.opts.password ?? '' }
        : await getCredential(this.host, this.opts.registryConfig);
    }
    return this.cred;
  }

  private basic(c: Credential): string {
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  /** One request with the authentication dance; `scope` e.g. `repository:charts/demo:pull`. */
  async send(
    method: string,
    pathOrUrl: string,
    o: { scope: string; what: string; headers?: Record<string, string>; body?: Buffer | string; maxBytes?: number; followRedirects?: boolean },
  ): Promise<Response> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
    if (new URL(url).host !== this.host) throw new KfError(`${url}: the registry sent kfchart to another host; refused`);
    const tls = await tlsFor(this.opts);
    const go = (auth?: string) =>
      request(url, {
        method,
        what: o.what,
        timeoutMs: timeoutMs(this.opts),
        maxBytes: o.maxBytes ?? 64 * 1024 * 1024,
        tls,
        body: o.body,
        followRedirects: o.followRedirects,
        headers: { ...o.headers, ...(auth ? { authorization: auth } : {}) },
      });
    const cached = this.tokens.get(o.scope);
    let res = await go(cached);
    if (res.status !== 401) return res;
    const ch = parseChallenge(headerOf(res, 'www-authenticate'));
    const cred = await this.credential();
    if (ch?.scheme === 'basic') {
      if (!cred) throw this.authError(url, o.what, false);
      const auth = this.basic(cred);
      res = await go(auth);
      if (res.status === 401) throw this.authError(url, o.what, true);
      this.tokens.set(o.scope, auth);
      return res;
    }
    if (ch?.scheme === 'bearer' && ch.params.realm) {
      const token = await this.token(ch.params, o.scope, cred, url, o.what);
      res = await go(`Bearer ${token}`);
      if (res.status === 401) throw this.authError(url, o.what, Boolean(cred));
      this.tokens.set(o.scope, `Bearer ${token}`);
      return res;
    }
    throw this.authError(url, o.what, Boolean(cred));
  }

  private async token(p: Record<string, string>, scope: string, cred: Credential | undefined, url: string, what: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(p.realm!);
    } catch {
      throw new KfError(`${url}: the registry's token realm "${p.realm}" is not a URL`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && this.opts.plainHttp)) {
      throw new KfError(`${url}: the registry's token realm ${realm.origin} is not https (use --plain-http only for a plain-http registry)`);
    }
    if (p.service) realm.searchParams.set('service', p.service);
    const scopes = new Set([scope, ...(p.scope ? [p.scope] : [])]);
    for (const s of scopes) realm.searchParams.append('scope', s);
    const res = await request(realm, {
      what: 'registry token',
      timeoutMs: timeoutMs(this.opts),
      maxBytes: 1024 * 1024,
      tls: await tlsFor(this.opts),
      headers: cred ? { authorization: this.basic(cred) } : {},
    });
    if (res.status === 401 || res.status === 403) throw this.authError(url, what, Boolean(cred));
    if (res.status !== 200) throw new KfError(`${realm.origin}${realm.pathname}: token request failed: HTTP ${res.status} ${res.statusText}`);
    let body: { token?: string; access_token?: string };
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new KfError(`${realm.origin}${realm.pathname}: token response is not JSON`);
    }
    const t = body.token ?? body.access_token;
    if (!t) throw new KfError(`${realm.origin}${realm.pathname}: token response has no token`);
    return t;
  }

  private authError(url: string, what: string, hadCredentials: boolean): KfError {
    return new KfError(
      hadCredentials
        ? `${url}: the registry ${this.host} refused the credentials while fetching ${what} (HTTP 401); check \`kfchart registry login ${this.host}\``
        : `${url}: the registry ${this.host} needs credentials for ${what} (HTTP 401); run \`kfchart registry login ${this.host} --username …\``,
      { where: { file: url } },
    );
  }

  private fail(res: Response, what: string): never {
    let detail = '';
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: string; message?: string }[] };
      if (j.errors?.length) detail = `: ${j.errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`.trim()).join('; ')}`;
    } catch {
      /* not JSON */
    }
    throw new KfError(`${res.url}: ${what} failed: HTTP ${res.status} ${res.statusText}${detail}`, { where: { file: res.url } });
  }

  async ping(): Promise<void> {
    const res = await this.send('GET', '/v2/', { scope: '', what: 'registry check' });
    if (res.status !== 200) this.fail(res, 'registry check');
  }

  async tags(repo: string): Promise<string[]> {
    const out: string[] = [];
    let next: string | undefined = `/v2/${repo}/tags/list`;
    for (let page = 0; next && page < 100; page++) {
      const res = await this.send('GET', next, { scope: `repository:${repo}:pull`, what: `the tags of ${repo}` });
      if (res.status === 404) throw new KfError(`oci://${this.host}/${repo}: no such chart in the registry (HTTP 404)`);
      if (res.status !== 200) this.fail(res, `listing the tags of ${repo}`);
      const body = JSON.parse(res.body.toString('utf8')) as { tags?: string[] | null };
      out.push(...(body.tags ?? []));
      const link = headerOf(res, 'link');
      const m = link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link) : null;
      next = m ? new URL(m[1]!, this.base).toString() : undefined;
    }
    return out;
  }

  /** The manifest bytes and digest for a tag or digest. */
  async manifest(repo: string, reference: string): Promise<{ bytes: Buffer; digest: string; manifest: Manifest }> {
    const res = await this.send('GET', `/v2/${repo}/manifests/${reference}`, {
      scope: `repository:${repo}:pull`,
      what: `the manifest of ${repo}:${reference}`,
      headers: { accept: `${MEDIA.manifest}, application/vnd.oci.artifact.manifest.v1+json;q=0.5` },
      maxBytes: 4 * 1024 * 1024,
    });
    if (res.status === 404) throw new KfError(`oci://${this.host}/${repo}:${reference}: not found in the registry (HTTP 404)`);
    if (res.status !== 200) this.fail(res, `fetching the manifest of ${repo}:${reference}`);
    const digest = sha256Digest(res.body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new KfError(`oci://${this.host}/${repo}@${reference}: the registry sent a manifest with digest ${digest}; refused`);
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(res.body.toString('utf8')) as Manifest;
    } catch {
      throw new KfError(`oci://${this.host}/${repo}:${reference}: the manifest is not JSON`);
    }
    if (manifest.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
      throw new KfError(`oci://${this.host}/${repo}:${reference}: not an OCI image manifest (schemaVersion 2 with config and layers)`);
    }
    return { bytes: res.body, digest, manifest };
  }

  /** A blob, checked against its digest and size before it is returned. */
  async blob(repo: string, d: Descriptor, what: string, maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    if (!/^sha256:[a-f0-9]{64}$/.test(d.digest)) throw new KfError(`oci://${this.host}/${repo}: ${what} has an unsupported digest ${d.digest}`);
    if (d.size > maxBytes) throw new KfError(`oci://${this.host}/${repo}: ${what} is larger than ${maxBytes} bytes`);
    const res = await this.sendBlob(repo, d.digest, what, maxBytes);
    const got = sha256Digest(res);
    if (got !== d.digest || res.length !== d.size) {
      throw new KfError(`oci://${this.host}/${repo}: ${what} digest mismatch: the manifest says ${d.digest}, the download is ${got}; refused`);
    }
    return res;
  }

  private async sendBlob(repo: string, digest: string, what: string, maxBytes: number): Promise<Buffer> {
    // A registry may redirect blob downloads to storage on another host: follow it without our credentials.
    const res = await this.send('GET', `/v2/${repo}/blobs/${digest}`, { scope: `repository:${repo}:pull`, what, maxBytes, followRedirects: false });
    if ([301, 302, 303, 307, 308].includes(res.status) && headerOf(res, 'location')) {
      const loc = new URL(headerOf(res, 'location')!, this.base);
      const r2 = await request(loc, { what, timeoutMs: timeoutMs(this.opts), maxBytes, tls: await tlsFor(this.opts) });
      if (r2.status !== 200) this.fail(r2, `fetching ${what}`);
      return r2.body;
    }
    if (res.status !== 200) this.fail(res, `fetching ${what}`);
    return res.body;
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.send('HEAD', `/v2/${repo}/blobs/${digest}`, { scope: `repository:${repo}:pull,push`, what: 'a blob check', maxBytes: 1024 });
    return res.status === 200;
  }

  async pushBlob(repo: string, data: Buffer, what: string): Promise<Descriptor & { existed: boolean }> {
    const digest = sha256Digest(data);
    const scope = `repository:${repo}:pull,push`;
    if (await this.hasBlob(repo, digest)) return { mediaType: '', digest, size: data.length, existed: true };
    const start = await this.send('POST', `/v2/${repo}/blobs/uploads/`, { scope, what: `starting the upload of ${what}`, body: '' });
    if (start.status !== 202 && start.status !== 201) this.fail(start, `starting the upload of ${what}`);
    if (start.status === 201) return { mediaType: '', digest, size: data.length, existed: false };
    const loc = headerOf(start, 'location');
    if (!loc) throw new KfError(`${this.base}: the registry started an upload without a Location header`);
    const u = new URL(loc, this.base);
    u.searchParams.set('digest', digest);
    const put = await this.send('PUT', u.toString(), {
      scope,
      what: `uploading ${what}`,
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201 && put.status !== 204) this.fail(put, `uploading ${what}`);
    return { mediaType: '', digest, size: data.length, existed: false };
  }

  async pushManifest(repo: string, tag: string, bytes: Buffer, mediaType: string): Promise<string> {
    const res = await this.send('PUT', `/v2/${repo}/manifests/${tag}`, {
      scope: `repository:${repo}:pull,push`,
      what: `the manifest of ${repo}:${tag}`,
      body: bytes,
      headers: { 'content-type': mediaType },
    });
    if (res.status !== 201 && res.status !== 200) this.fail(res, `pushing the manifest of ${repo}:${tag}`);
    return sha256Digest(bytes);
  }
}

export function headerOf(res: Response, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}
