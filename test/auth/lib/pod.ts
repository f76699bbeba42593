// Owns: turning one container of a live workload (Deployment / StatefulSet pod template) into what the
// kubelet would give the process: its mounted Secret/ConfigMap files (written under a local root folder),
// its environment (value, secretKeyRef, configMapKeyRef, fieldRef, envFrom) and its command line.
// Must not: change any value: address and path substitutions are the caller's (lib/addresses.ts), listed in docs.
import fs from 'node:fs';
import path from 'node:path';
import type { KObject } from '../../../engine/manifest/index.js';
import type { LiveRelease } from './release.js';

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: any[];
  envFrom?: any[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  readinessProbe?: { httpGet?: { path?: string; port: number | string } };
}

export interface Materialised {
  workload: KObject;
  container: Container;
  /** Local folder that stands for the container's file system root. */
  root: string;
  /** command + args, as the pod would run them (an image's default entrypoint is not known: argv[0] may be absent). */
  command: string[];
  args: string[];
  env: Record<string, string>;
  /** mountPath → local path, longest first. */
  mounts: [string, string][];
}

export const podSpecOf = (w: KObject): any => (w as any).spec?.template?.spec ?? {};

/** Maps a path inside the container to the local file that stands for it (unchanged when no mount covers it). */
export function localPath(m: Pick<Materialised, 'mounts'>, p: string): string {
  for (const [mountPath, local] of m.mounts) {
    if (p === mountPath) return local;
    if (p.startsWith(mountPath.endsWith('/') ? mountPath : `${mountPath}/`)) return path.join(local, p.slice(mountPath.length));
  }
  return p;
}

export async function materialise(rel: LiveRelease, workload: KObject, containerName: string | undefined, root: string): Promise<Materialised> {
  const ns = workload.metadata.namespace!;
  const spec = podSpecOf(workload);
  const containers: Container[] = spec.containers ?? [];
  const c = containerName ? containers.find((x) => x.name === containerName) : containers[0];
  if (!c) throw new Error(`${workload.kind} ${ns}/${workload.metadata.name} has no container ${containerName ?? ''}`);
  fs.mkdirSync(root, { recursive: true });

  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  const mounts: [string, string][] = [];
  for (const vm of c.volumeMounts ?? []) {
    const v = volumes.get(vm.name);
    const local = path.join(root, vm.mountPath);
    const src = v?.secret ? { kind: 'Secret' as const, name: v.secret.secretName, items: v.secret.items }
      : v?.configMap ? { kind: 'ConfigMap' as const, name: v.configMap.name, items: v.configMap.items } : undefined;
    if (src) {
      const data = await rel.data(src.kind, ns, src.name);
      const files: [string, string][] = src.items?.length
        ? src.items.map((it: any) => [it.path, data[it.key] ?? ''])
        : Object.entries(data);
      if (vm.subPath) {
        const hit = files.find(([p]) => p === vm.subPath);
        if (!hit) throw new Error(`${workload.metadata.name}: ${src.kind} ${src.name} has no key ${vm.subPath} (subPath of ${vm.mountPath})`);
        fs.mkdirSync(path.dirname(local), { recursive: true });
        fs.writeFileSync(local, hit[1], { mode: 0o600 });
      } else {
        for (const [p, text] of files) {
          fs.mkdirSync(path.dirname(path.join(local, p)), { recursive: true });
          fs.writeFileSync(path.join(local, p), text, { mode: 0o600 });
        }
      }
    } else {
      fs.mkdirSync(local, { recursive: true }); // emptyDir, PVC: an empty writable folder
    }
    mounts.push([vm.mountPath, local]);
  }
  mounts.sort((a, b) => b[0].length - a[0].length);

  const env: Record<string, string> = {};
  for (const ef of c.envFrom ?? []) {
    const kind = ef.secretRef ? 'Secret' : 'ConfigMap';
    const ref = ef.secretRef ?? ef.configMapRef;
    for (const [k, v] of Object.entries(await rel.data(kind, ns, ref.name))) env[`${ef.prefix ?? ''}${k}`] = v;
  }
  const field = (p: string): string => {
    if (p === 'metadata.name') return `${workload.metadata.name}-harness`;
    if (p === 'metadata.namespace') return ns;
    if (p === 'spec.nodeName') return 'harness-node';
    if (p === 'status.podIP' || p === 'status.hostIP') return '127.0.0.1';
    if (p === 'spec.serviceAccountName') return spec.serviceAccountName ?? 'default';
    const m = /^metadata\.labels\['(.+)'\]$/.exec(p);
    if (m) return (workload as any).spec?.template?.metadata?.labels?.[m[1]] ?? '';
    throw new Error(`${workload.metadata.name}: env fieldRef ${p} is not supported by the harness`);
  };
  const expand = (s: string) => s.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, k) => (k in env ? env[k] : all));
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(String(e.value));
    else if (e.valueFrom?.secretKeyRef || e.valueFrom?.configMapKeyRef) {
      const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
      const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
      const data = await rel.data(kind, ns, ref.name);
      if (!(ref.key in data) && !ref.optional) throw new Error(`${workload.metadata.name}: env ${e.name}: ${kind} ${ref.name} has no key ${ref.key}`);
      if (ref.key in data) env[e.name] = data[ref.key];
    } else if (e.valueFrom?.fieldRef) env[e.name] = field(e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom) throw new Error(`${workload.metadata.name}: env ${e.name}: this kind of valueFrom is not supported by the harness`);
    else env[e.name] = '';
  }
  return {
    workload, container: c, root, env, mounts,
    command: (c.command ?? []).map(expand),
    args: (c.args ?? []).map(expand),
  };
}

/** The container's HTTP readiness probe: its path, and the container port it names (by number or port name). */
export function httpReadiness(c: Container): { path: string; port?: number } | undefined {
  const g = c.readinessProbe?.httpGet;
  if (!g) return undefined;
  return { path: g.path ?? '/', port: typeof g.port === 'number' ? g.port : c.ports?.find((p) => p.name === g.port)?.containerPort };
}

/** The container port a Service port sends to (targetPort by number or by the container port's name). */
export function targetContainerPort(servicePort: any, c: Container): number | undefined {
  const t = servicePort.targetPort ?? servicePort.port;
  if (typeof t === 'number') return t;
  if (/^\d+$/.test(String(t))) return Number(t);
  return c.ports?.find((p) => p.name === t)?.containerPort;
}

/** Every label of `selector` is on `labels` (an empty selector matches all: callers needing "none" check that). */
export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** The pod labels of a workload's template. */
export const podLabels = (w: KObject): Record<string, string> => (w as any).spec?.template?.metadata?.labels ?? {};

/** A Service selects the workload's pods: same namespace, and a non-empty selector they match (as Kubernetes). */
export function serviceSelects(service: KObject, workload: KObject): boolean {
  const sel: Record<string, string> = (service as any).spec?.selector ?? {};
  return service.metadata.namespace === workload.metadata.namespace && Object.keys(sel).length > 0 && labelsMatch(sel, podLabels(workload));
}

/** Workloads (Deployment, StatefulSet) of the release whose pods a Service selects. */
export function workloadsOf(rel: LiveRelease, service: KObject): KObject[] {
  return rel.items.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && serviceSelects(service, o));
}
