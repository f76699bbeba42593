// Owns: standing in for the LDAP demo's osixia/openldap container with Debian's real slapd: the container's env
// (LDAP_DOMAIN → base DN, LDAP_ORGANISATION, LDAP_ADMIN_PASSWORD → rootpw of cn=admin,<base DN>) and the seed
// LDIF files the release mounts at the image's custom-bootstrap folder are loaded as the image does at its first
// start (it creates the base entry, then adds each *.ldif in name order). slapd listens on 127.0.0.1.
// Must not: add people or groups of its own: the directory holds exactly the release's seed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { KObject } from '../../../engine/manifest/index.js';
import { freePort, note, type AddressMap } from './addresses.js';
import { debianTool } from './bins.js';
import { Component, registerServices } from './component.js';
import { localPath, materialise, podSpecOf, type Materialised } from './pod.js';
import { Proc, tcpOpen } from './proc.js';
import type { LiveRelease } from './release.js';

/** The image's folder for custom bootstrap LDIF (osixia/openldap 1.x). */
const SEED_DIR = '/container/service/slapd/assets/config/bootstrap/ldif/custom';

export function findLdap(rel: LiveRelease): { workload: KObject; container: string } | undefined {
  for (const w of [...rel.ofKind('StatefulSet'), ...rel.ofKind('Deployment')]) {
    for (const c of podSpecOf(w).containers ?? []) {
      if (/openldap/.test(c.image ?? '') && (c.env ?? []).some((e: any) => e.name === 'LDAP_DOMAIN')) return { workload: w, container: c.name };
    }
  }
  return undefined;
}

export class SlapdComponent extends Component {
  private m!: Materialised;
  private port = 0;

  constructor(rel: LiveRelease, private readonly found: { workload: KObject; container: string }, dir: string) { super('slapd', rel, dir); }

  async plan(addresses: AddressMap): Promise<void> {
    this.m = await materialise(this.rel, this.found.workload, this.found.container, path.join(this.dir, 'root'));
    this.port = await freePort();
    note(addresses.log, 'slapd listen address', '0.0.0.0:389 (the image\'s)', `127.0.0.1:${this.port}`);
    registerServices(this.rel, this.m, new Map([[389, this.port]]), addresses);
  }

  async start(): Promise<void> {
    const env = this.m.env;
    const domain = env.LDAP_DOMAIN;
    if (!domain || !env.LDAP_ADMIN_PASSWORD) throw new Error('the LDAP container has no LDAP_DOMAIN or LDAP_ADMIN_PASSWORD');
    const base = domain.split('.').map((p) => `dc=${p}`).join(',');
    const data = path.join(this.dir, 'data');
    fs.rmSync(data, { recursive: true, force: true });
    fs.mkdirSync(data, { recursive: true });
    const conf = path.join(this.dir, 'slapd.conf');
    fs.writeFileSync(conf, [
      ...['core', 'cosine', 'nis', 'inetorgperson'].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `pidfile ${path.join(this.dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'maxsize 67108864',
      `suffix "${base}"`,
      `rootdn "cn=admin,${base}"`,
      `rootpw ${env.LDAP_ADMIN_PASSWORD}`,
      `directory ${data}`,
      'index objectClass eq',
      '',
    ].join('\n'), { mode: 0o600 });
    const first = domain.split('.')[0];
    const ldif = [`dn: ${base}`, 'objectClass: top', 'objectClass: dcObject', 'objectClass: organization', `o: ${env.LDAP_ORGANISATION ?? domain}`, `dc: ${first}`, ''].join('\n');
    const seedDir = localPath(this.m, SEED_DIR);
    const seeds = fs.existsSync(seedDir) ? fs.readdirSync(seedDir).filter((f) => f.endsWith('.ldif')).sort() : [];
    const all = [ldif, ...seeds.map((f) => fs.readFileSync(path.join(seedDir, f), 'utf8'))].join('\n');
    const allFile = path.join(this.dir, 'seed.ldif');
    fs.writeFileSync(allFile, all, { mode: 0o600 });
    execFileSync(debianTool('slapadd', 'slapd'), ['-f', conf, '-l', allFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = new Proc('slapd', debianTool('slapd', 'slapd'), ['-f', conf, '-h', `ldap://127.0.0.1:${this.port}/`, '-d', '0'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, logFile: path.join(this.dir, 'slapd.log') });
    await this.proc.ready(tcpOpen(this.port), 20_000);
  }
}
