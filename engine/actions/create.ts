// Owns: `kfchart create NAME`: a new kfchart chart (Handlebars templates) that lints clean and renders — Chart.yaml,
// commented values.yaml and a complete values.schema.json, a Deployment, Service, optional ServiceAccount, NOTES.txt,
// a test hook and label partials — or a copy of a starter chart (`--starter`: a folder, or a name under
// <config home>/starters/) with `<CHARTNAME>` replaced. Written into a temporary folder first and renamed into place,
// so a failure leaves nothing half-written. Must not: overwrite an existing folder.

import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KfError } from '../errors.js';
import { configHome } from '../repo/config.js';

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The files of the default scaffold, for chart `name`. */
export function scaffold(name: string): Record<string, string> {
  return {
    'Chart.yaml': `apiVersion: v2
name: ${name}
description: A Kubernetes application packaged with kfchart (Handlebars templates; install with kfchart)
type: application
# The chart's own version (SemVer 2): bump it with every change to the chart.
version: 0.1.0
# The version of the application the chart deploys (the image tag by default).
appVersion: "1.27.0"
annotations:
  kfchart.io/template-engine: handlebars
`,
    'values.yaml': `# Default values of ${name}; every key is checked by values.schema.json.

# Pods of the Deployment.
replicaCount: 1

image:
  repository: nginx
  # Empty: the chart's appVersion.
  tag: ""
  pullPolicy: IfNotPresent

# Replaces <release>-${name} in object names.
fullnameOverride: ""

serviceAccount:
  # Create a ServiceAccount for the pods (named like the release).
  create: true

service:
  type: ClusterIP
  port: 80

# Container resources (requests/limits), as in a pod spec.
resources: {}

# Extra labels on every object.
labels: {}
`,
    'values.schema.json': `${JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      required: ['replicaCount', 'image', 'fullnameOverride', 'serviceAccount', 'service', 'resources', 'labels'],
      properties: {
        replicaCount: { type: 'integer', minimum: 0 },
        image: {
          type: 'object', additionalProperties: false, required: ['repository', 'tag', 'pullPolicy'],
          properties: { repository: { type: 'string', minLength: 1 }, tag: { type: 'string' }, pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] } },
        },
        fullnameOverride: { type: 'string', maxLength: 63 },
        serviceAccount: { type: 'object', additionalProperties: false, required: ['create'], properties: { create: { type: 'boolean' } } },
        service: {
          type: 'object', additionalProperties: false, required: ['type', 'port'],
          properties: { type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
        },
        resources: { type: 'object' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        global: { type: 'object' },
      },
    }, null, 2)}\n`,
    '.kfchartignore': `# Left out of loading and packaging (gitignore syntax).
.git/
*.swp
*.tmp
`,
    'templates/_fullname.hbs': `{{#if values.fullnameOverride}}{{trimSuffix "-" (trunc 63 values.fullnameOverride)}}{{else if (contains chart.name release.name)}}{{trimSuffix "-" (trunc 63 release.name)}}{{else}}{{trimSuffix "-" (trunc 63 (printf "%s-%s" release.name chart.name))}}{{/if}}
`,
    'templates/_selectorLabels.hbs': `app.kubernetes.io/name: {{chart.name}}
app.kubernetes.io/instance: {{release.name}}
`,
    'templates/_labels.hbs': `{{> selectorLabels}}
app.kubernetes.io/version: {{quote chart.appVersion}}
app.kubernetes.io/managed-by: {{release.service}}
{{#if values.labels}}{{toYaml values.labels}}{{/if}}
`,
    'templates/serviceaccount.yaml': `{{#if values.serviceAccount.create}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{include "fullname" this}}
  labels:{{nindent 4 (include "labels" this)}}
{{/if}}
`,
    'templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{include "fullname" this}}
  labels:{{nindent 4 (include "labels" this)}}
spec:
  replicas: {{values.replicaCount}}
  selector:
    matchLabels:{{nindent 6 (include "selectorLabels" this)}}
  template:
    metadata:
      labels:{{nindent 8 (include "labels" this)}}
    spec:
{{#if values.serviceAccount.create}}
      serviceAccountName: {{include "fullname" this}}
{{/if}}
      containers:
        - name: {{chart.name}}
          image: "{{values.image.repository}}:{{default chart.appVersion values.image.tag}}"
          imagePullPolicy: {{values.image.pullPolicy}}
          ports:
            - name: http
              containerPort: 80
              protocol: TCP
          readinessProbe:
            httpGet:
              path: /
              port: http
          resources:{{nindent 12 (toYaml values.resources)}}
`,
    'templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{include "fullname" this}}
  labels:{{nindent 4 (include "labels" this)}}
spec:
  type: {{values.service.type}}
  ports:
    - port: {{values.service.port}}
      targetPort: http
      protocol: TCP
      name: http
  selector:{{nindent 4 (include "selectorLabels" this)}}
`,
    'templates/tests/test-connection.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: {{include "fullname" this}}-test-connection
  labels:{{nindent 4 (include "labels" this)}}
  annotations:
    helm.sh/hook: test
spec:
  containers:
    - name: wget
      image: busybox
      command: ["wget"]
      args: ["{{include "fullname" this}}:{{values.service.port}}"]
  restartPolicy: Never
`,
    'templates/NOTES.txt': `{{chart.name}} {{chart.version}} is installed as release {{release.name}} in namespace {{release.namespace}}.

Reach it from your machine:
  kubectl --namespace {{release.namespace}} port-forward service/{{include "fullname" this}} 8080:{{values.service.port}}
  then open http://127.0.0.1:8080
`,
    'README.md': `# ${name}

A kfchart chart (Handlebars templates). Render it with \`kfchart template ${name} ./${name}\`, check it with
\`kfchart lint ./${name}\`, install it with \`kfchart install ${name} ./${name}\`.

| value | default | meaning |
|---|---|---|
| \`replicaCount\` | \`1\` | pods of the Deployment |
| \`image.repository\` / \`image.tag\` / \`image.pullPolicy\` | \`nginx\` / appVersion / \`IfNotPresent\` | the container image |
| \`fullnameOverride\` | \`""\` | replaces \`<release>-${name}\` in object names |
| \`serviceAccount.create\` | \`true\` | create a ServiceAccount for the pods |
| \`service.type\` / \`service.port\` | \`ClusterIP\` / \`80\` | the Service |
| \`resources\` | \`{}\` | container requests and limits |
| \`labels\` | \`{}\` | extra labels on every object |
`,
  };
}

async function readTree(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await readTree(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** Where --starter points: a folder, or a name under <config home>/starters/. */
async function starterDir(starter: string): Promise<string> {
  const candidates = starter.includes('/') || starter.startsWith('.') ? [starter] : [path.join(configHome(), 'starters', starter), starter];
  for (const c of candidates) if (await stat(path.join(c, 'Chart.yaml')).then(() => true, () => false)) return c;
  throw new KfError(`--starter ${starter}: no chart folder there (looked in ${candidates.join(', ')})`, { where: { file: starter } });
}

export async function createAction(target: string, opts: { starter?: string } = {}): Promise<{ dir: string; name: string; files: string[] }> {
  const name = path.basename(path.resolve(target));
  if (!NAME_RE.test(name)) {
    throw new KfError(`chart name "${name}" must be lower-case letters, digits and '-' (it names objects and archives)`, { exitCode: 2 });
  }
  const dir = path.resolve(target);
  if (await stat(dir).then(() => true, () => false)) throw new KfError(`${target}: already exists; choose another name or remove it`, { where: { file: target } });
  const tmp = `${dir}.kfchart-create-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  let files: string[];
  try {
    if (opts.starter) {
      const from = await starterDir(opts.starter);
      await cp(from, tmp, { recursive: true });
      files = await readTree(tmp);
      for (const f of files) {
        const p = path.join(tmp, f);
        const text = await readFile(p, 'utf8');
        let out = text.replaceAll('<CHARTNAME>', name);
        if (f === 'Chart.yaml') out = out.replace(/^name:.*$/m, `name: ${name}`);
        if (out !== text) await writeFile(p, out);
      }
    } else {
      const tree = scaffold(name);
      files = Object.keys(tree);
      for (const [f, text] of Object.entries(tree)) {
        await mkdir(path.dirname(path.join(tmp, f)), { recursive: true });
        await writeFile(path.join(tmp, f), text);
      }
    }
    await mkdir(path.dirname(dir), { recursive: true });
    await rename(tmp, dir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { dir: target, name, files: files.sort() };
}
