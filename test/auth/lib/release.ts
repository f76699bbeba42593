// Owns: reading what a release put into the cluster, live, for the auth harness: the release's object list
// (its manifest, as `kfchart get manifest` prints it) and each object as the API server has it now, plus
// any Secret or ConfigMap those objects refer to by name.
// Must not: read chart files or values: the harness runs what the CLUSTER holds, never what a chart says.
import { getAction } from '../../../engine/actions/get.js';
import { connect, Objects, type KubeClient } from '../../../engine/kube/index.js';
import fs from 'node:fs';
import { parseYaml, parseYamlAll } from '../../../engine/yaml/index.js';
import type { KObject } from '../../../engine/manifest/index.js';

export interface ReleaseRef { kubeconfig: string; release: string; namespace: string }

export class LiveRelease {
  private constructor(readonly ref: ReleaseRef, readonly client: KubeClient, readonly objects: Objects, readonly items: KObject[]) {}

  /** Reads the release's manifest, then every object in it from the API server. */
  static async read(ref: ReleaseRef): Promise<LiveRelease> {
    const client = await connect({ kubeconfig: ref.kubeconfig });
    const objects = new Objects(client);
    const r = await getAction({ kubeconfig: ref.kubeconfig, namespace: ref.namespace, what: 'manifest', name: ref.release });
    const listed = (parseYamlAll(r.text!, `release ${ref.namespace}/${ref.release}`) as KObject[]).filter((o) => o && o.kind);
    const items: KObject[] = [];
    for (const o of listed) {
      const got = await objects.get(o);
      if (!got) throw new Error(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name} of release ${ref.release} is not in the cluster`);
      items.push(got);
    }
    return new LiveRelease(ref, client, objects, items);
  }

  /** Objects of the release of that kind (and namespace, when given). */
  ofKind(kind: string, namespace?: string): KObject[] {
    return this.items.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
  }

  find(kind: string, namespace: string | undefined, name: string): KObject | undefined {
    return this.items.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  }

  /** A Secret or ConfigMap by name, live (the release's own, or any other the pod refers to). */
  async data(kind: 'Secret' | 'ConfigMap', namespace: string, name: string): Promise<Record<string, string>> {
    const o = this.find(kind, namespace, name) ?? (await this.objects.get({ apiVersion: 'v1', kind, metadata: { name, namespace } }));
    if (!o) throw new Error(`${kind} ${namespace}/${name} (referenced by the release) does not exist`);
    const out: Record<string, string> = {};
    const raw = (o as any).data ?? {};
    for (const [k, v] of Object.entries(raw)) out[k] = kind === 'Secret' ? Buffer.from(String(v), 'base64').toString('utf8') : String(v);
    if (kind === 'Secret') for (const [k, v] of Object.entries((o as any).stringData ?? {})) out[k] = String(v);
    return out;
  }

  /** The API server's CA (base64 PEM) from the kubeconfig's current cluster, when it names one. */
  caData(): string | undefined {
    const kc = parseYaml(fs.readFileSync(this.ref.kubeconfig, 'utf8'), this.ref.kubeconfig) as any;
    const ctx = kc.contexts?.find((c: any) => c.name === kc['current-context'])?.context;
    const cl = kc.clusters?.find((c: any) => c.name === ctx?.cluster)?.cluster;
    if (cl?.['certificate-authority-data']) return cl['certificate-authority-data'];
    if (cl?.['certificate-authority']) return fs.readFileSync(cl['certificate-authority']).toString('base64');
    return undefined;
  }

  /** A token of a ServiceAccount (TokenRequest API): the credentials a pod of that account would have. */
  async serviceAccountToken(namespace: string, name: string, seconds = 3600): Promise<string> {
    const r = await this.client.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
    });
    return r.status.token as string;
  }
}
