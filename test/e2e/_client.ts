// A client that behaves as a browser does towards the gateway: a cookie jar (Path, Max-Age, Expires), redirects
// followed by hand with relative Locations resolved against the current URL, and form posts. It records every
// Location it was sent to, so tests can check that no in-cluster address ever reaches the browser.
import http from 'node:http';

interface Cookie { name: string; value: string; path: string; expires?: number }

export interface Answer { status: number; url: string; headers: http.IncomingHttpHeaders; body: string }

export class BrowserClient {
  readonly cookies = new Map<string, Cookie>();
  readonly locations: string[] = [];
  constructor(readonly origin: string) {}

  private store(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const c: Cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/' };
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        if (/^path$/i.test(k)) c.path = v || '/';
        else if (/^max-age$/i.test(k)) c.expires = Date.now() + Number(v) * 1000;
        else if (/^expires$/i.test(k) && c.expires === undefined) c.expires = Date.parse(v);
      }
      if (c.expires !== undefined && c.expires <= Date.now()) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c);
    }
  }

  cookieHeader(path: string): string | undefined {
    const now = Date.now();
    const s = [...this.cookies.values()].filter((c) => (c.expires === undefined || c.expires > now) && path.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
    return s || undefined;
  }

  /** One request, no redirect following. */
  request(method: string, url: string, opts: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const u = new URL(url, this.origin);
    const headers: Record<string, string> = { 'user-agent': 'kfchart-e2e', accept: 'text/html,application/json', ...opts.headers };
    const cookie = this.cookieHeader(u.pathname);
    if (cookie) headers.cookie = cookie;
    if (opts.body !== undefined) { headers['content-type'] ??= 'application/x-www-form-urlencoded'; headers['content-length'] = String(Buffer.byteLength(opts.body)); }
    return new Promise((resolve, reject) => {
      // agent: false — a pooled keep-alive socket to a gateway that reload() restarted would fail with ECONNRESET
      const r = http.request(u, { method, headers, timeout: 30_000, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { body += c; });
        res.on('end', () => {
          this.store(res.headers['set-cookie']);
          if (res.headers.location) this.locations.push(res.headers.location);
          resolve({ status: res.statusCode ?? 0, url: u.toString(), headers: res.headers, body });
        });
      });
      r.on('timeout', () => r.destroy(new Error(`${method} ${u}: timed out`)));
      r.on('error', reject);
      r.end(opts.body);
    });
  }

  /** Follows redirects (GET after 301/302/303, as browsers do) up to `max` hops; returns the last answer. */
  async follow(first: Answer, max = 15): Promise<Answer> {
    let a = first;
    for (let i = 0; i < max && a.status >= 300 && a.status < 400 && a.headers.location; i++) {
      a = await this.request('GET', new URL(a.headers.location, a.url).toString());
    }
    return a;
  }

  get(url: string, headers?: Record<string, string>): Promise<Answer> { return this.request('GET', url, { headers }); }

  /** Submits the first <form> of an HTML page with `fields` (its action resolved against the page URL). */
  async submit(page: Answer, fields: Record<string, string>): Promise<Answer> {
    const m = /<form[^>]*action="([^"]*)"/i.exec(page.body);
    if (!m) throw new Error(`no form on ${page.url} (HTTP ${page.status}): ${page.body.slice(0, 300)}`);
    const action = new URL(unescapeHtml(m[1]), page.url).toString();
    return this.request('POST', action, { body: new URLSearchParams(fields).toString() });
  }
}

/** HTML attribute text → the string it stands for (named, decimal and hex character references). */
export function unescapeHtml(s: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => e[0] !== '#' ? named[e.toLowerCase()] ?? all
    : String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))));
}

/** Links of an HTML page whose href matches `re` (Dex's connector list). */
export function links(page: Answer, re: RegExp): string[] {
  return [...page.body.matchAll(/href="([^"]+)"/g)].map((m) => unescapeHtml(m[1])).filter((h) => re.test(h));
}
