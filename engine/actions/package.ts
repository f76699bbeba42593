// Owns: `kfchart package`: lint a chart folder, then write `<name>-<version>.tgz` (reproducible: see
// engine/repo/archive.ts writeChartArchive), optionally with `--version`/`--app-version` written into the archived
// Chart.yaml and a detached Ed25519 signature (`<tgz>.sig`).
// Must not: print (the CLI does), or leave a half-written archive behind.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import semver from 'semver';
import { KfError, cannotRead } from '../errors.js';
import { readChartDir } from '../chart/files.js';
import { loadChartFromFiles, localDependencyPath } from '../chart/load.js';
import { writeChartArchive } from '../repo/archive.js';
import { atomicWrite } from '../repo/config.js';
import { sha256 } from '../repo/repoindex.js';
import { loadPrivateKey, signArchive, keyId } from '../repo/sign.js';
import type { Finding } from './lint.js';

export interface PackageOptions {
  /** Output folder (default: the working directory). */
  destination?: string;
  version?: string;
  appVersion?: string;
  /** Skip the lint step (the archive is still checked to be a loadable chart). */
  skipLint?: boolean;
  sign?: boolean;
  /** Ed25519 private key (PEM) for --sign; with `keyring`, the name (user id part or key id) of the PGP key, as Helm's --key. */
  key?: string;
  /** PGP secret keyring for --sign: writes Helm's `<tgz>.prov` (engine/repo/provenance.ts) instead of the `.sig`. */
  keyring?: string;
  /** File holding the PGP key's passphrase (else KFCHART_KEY_PASSPHRASE). */
  passphraseFile?: string;
}

export interface PackageResult {
  file: string;
  name: string;
  version: string;
  digest: string;
  bytes: number;
  signature?: string;
  findings: Finding[];
}

/** Replace (or add) a top-level `key: value` line of Chart.yaml, keeping everything else (comments included). */
function setTopLevel(text: string, key: string, value: string): string {
  const line = `${key}: ${JSON.stringify(value)}`;
  const re = new RegExp(`^${key}:.*$`, 'm');
  if (re.test(text)) return text.replace(re, line);
  return `${text.replace(/\n*$/, '\n')}${line}\n`;
}

/** Package the chart folder `dir` in memory: the archive bytes and the chart's name/version. */
export async function buildPackage(
  dir: string,
  opts: Pick<PackageOptions, 'version' | 'appVersion' | 'skipLint'> = {},
): Promise<{ data: Buffer; name: string; version: string; findings: Finding[] }> {
  const files = await readChartDir(dir);
  const chartYamlBuf = files.get('Chart.yaml');
  if (!chartYamlBuf) throw new KfError(`${dir}: not a chart: Chart.yaml is missing`, { where: { file: dir } });
  let chartYaml = chartYamlBuf.toString('utf8');
  if (opts.version !== undefined) {
    if (!semver.valid(opts.version)) throw new KfError(`--version "${opts.version}" is not a SemVer 2 version (e.g. 1.2.3)`, { exitCode: 2 });
    chartYaml = setTopLevel(chartYaml, 'version', opts.version);
  }
  if (opts.appVersion !== undefined) chartYaml = setTopLevel(chartYaml, 'appVersion', opts.appVersion);
  if (chartYaml !== chartYamlBuf.toString('utf8')) files.set('Chart.yaml', Buffer.from(chartYaml));

  // Local (`file://`) dependencies that are not vendored are packaged and vendored as charts/<name>-<version>.tgz,
  // so the archive is complete on its own (Helm needs a `dependency update` first; the loader already resolves them).
  let chart = loadChartFromFiles(files, dir);
  let vendored = false;
  for (const dep of chart.meta.dependencies ?? []) {
    if (chart.subcharts.some((s) => s.meta.name === dep.name)) continue;
    const local = localDependencyPath(dep.repository);
    if (local === undefined) continue;
    const sub = await buildPackage(path.resolve(dir, local), { skipLint: true });
    files.set(`charts/${sub.name}-${sub.version}.tgz`, sub.data);
    vendored = true;
  }
  if (vendored) chart = loadChartFromFiles(files, dir);
  for (const dep of chart.meta.dependencies ?? []) {
    if (!chart.subcharts.some((s) => s.meta.name === dep.name)) {
      throw new KfError(
        `${path.join(dir, 'Chart.yaml')}: dependency "${dep.name}"${dep.repository ? ` (${dep.repository})` : ''} is not in charts/; ` +
          `run \`kfchart dependency update ${dir}\` before packaging`,
        { where: { file: path.join(dir, 'Chart.yaml') } },
      );
    }
  }

  let findings: Finding[] = [];
  if (!opts.skipLint) {
    const { lintChart } = await import('./lint.js');
    findings = (await lintChart(dir, { chart })).findings;
    const errors = findings.filter((f) => f.severity === 'error');
    if (errors.length) {
      throw new KfError(`${dir}: lint found ${errors.length} error(s); not packaging`, {
        where: { file: dir },
        details: errors.map((f) => `  ${f.where}: ${f.message}`),
      });
    }
  }
  const data = writeChartArchive(chart.meta.name, files);
  return { data, name: chart.meta.name, version: chart.meta.version, findings };
}

export async function packageChart(dir: string, opts: PackageOptions = {}): Promise<PackageResult> {
  let key;
  if (opts.sign && opts.keyring) return packageWithProvenance(dir, opts);
  if (opts.sign) {
    if (!opts.key) throw new KfError('--sign needs --keyring <PGP secret keyring> --key <name> (Helm provenance), or --key <ed25519 private key .pem>', { exitCode: 2 });
    const pem = await readFile(opts.key, 'utf8').catch((e: unknown) => {
      throw cannotRead(opts.key!, 'signing key', e);
    });
    key = loadPrivateKey(pem, opts.key);
  }
  const { data, name, version, findings } = await buildPackage(dir, opts);
  const base = `${name}-${version}.tgz`;
  const file = path.join(opts.destination ?? '.', base);
  await atomicWrite(file, data);
  const res: PackageResult = { file, name, version, digest: sha256(data), bytes: data.length, findings };
  if (key) {
    const sigFile = `${file}.sig`;
    await atomicWrite(sigFile, signArchive(data, base, key));
    res.signature = `${sigFile} (key ${keyId(key)})`;
  }
  return res;
}

/** `package --sign --keyring secring.gpg --key NAME`: the archive plus Helm's provenance file `<tgz>.prov`. */
async function packageWithProvenance(dir: string, opts: PackageOptions): Promise<PackageResult> {
  let passphrase = process.env.KFCHART_KEY_PASSPHRASE;
  if (opts.passphraseFile) {
    passphrase = (
      await readFile(opts.passphraseFile, 'utf8').catch((e: unknown) => {
        throw cannotRead(opts.passphraseFile!, 'passphrase file', e);
      })
    ).replace(/\r?\n$/, '');
  }
  const { data, name, version, findings } = await buildPackage(dir, opts);
  const base = `${name}-${version}.tgz`;
  const { readChartArchive } = await import('../repo/archive.js');
  const { parseYaml } = await import('../yaml/index.js');
  const meta = parseYaml(readChartArchive(data, base).get('Chart.yaml')!.toString('utf8'), `${base}:Chart.yaml`) as Record<string, unknown>;
  const { signProvenance } = await import('../repo/provenance.js');
  const prov = await signProvenance(meta, data, base, { keyring: opts.keyring!, keyName: opts.key, passphrase });
  const file = path.join(opts.destination ?? '.', base);
  await atomicWrite(file, data);
  await atomicWrite(`${file}.prov`, prov.text);
  return { file, name, version, digest: sha256(data), bytes: data.length, findings, signature: `${file}.prov (${prov.signer})` };
}
