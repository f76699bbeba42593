// Owns: facts about Kubernetes kinds kfchart needs offline: which built-in kinds are cluster-scoped, the install
// order of kinds and the apply phases built on it (Namespaces, CRDs + Established, the rest by rank, custom
// resources last). Must not: talk to a cluster (discovery results can be passed in by the caller).

/** Built-in kinds that have no namespace (core and common API groups). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  'PriorityClass', 'RuntimeClass', 'IngressClass',
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
  'TokenReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview',
  'PodSecurityPolicy', 'ClusterTrustBundle', 'DeviceClass', 'IPAddress', 'ServiceCIDR',
]);

/**
 * Cluster-scoped kinds of well-known add-ons whose CRDs are installed outside the release (`group/Kind`), so that
 * offline `template` does not give them a namespace. Against a cluster, discovery decides.
 */
export const KNOWN_CLUSTER_SCOPED_CUSTOM_KINDS: ReadonlySet<string> = new Set([
  'cert-manager.io/ClusterIssuer',
  'gateway.networking.k8s.io/GatewayClass',
  'snapshot.storage.k8s.io/VolumeSnapshotClass',
]);

/**
 * Install order: Namespaces first, then CRDs (so custom resources of the same release can be created), then the
 * usual order of built-in kinds (identity and config before Services before workloads, webhooks last so they never
 * block the release's own objects), then anything else (custom resources) at the end.
 */
export const INSTALL_ORDER: readonly string[] = [
  'Namespace',
  'CustomResourceDefinition',
  'PriorityClass',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

const RANK = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

/** Position of a kind in the install order; unknown kinds (custom resources) come after every built-in. */
export function kindRank(kind: string): number {
  return RANK.get(kind) ?? INSTALL_ORDER.length;
}

/**
 * Apply phases of objects already in install order: a phase is a run of objects of one kind rank, and every
 * Namespace is a phase of its own. A phase is sent in parallel and finished before the next starts; a phase of CRDs
 * (phaseWaitsEstablished) also waits until the server serves them, so custom resources of the same release follow.
 * (Apply merges these phases into ordering tiers, and prune and uninstall go through the tiers the other way round:
 * engine/actions/lifecycle/apply.ts applyTiers.)
 */
export function installPhases<T extends { kind: string }>(objs: readonly T[]): T[][] {
  const phases: T[][] = [];
  let rank = -1;
  for (const o of objs) {
    const r = kindRank(o.kind);
    if (r !== rank || o.kind === 'Namespace') phases.push([]);
    rank = r;
    phases[phases.length - 1]!.push(o);
  }
  return phases;
}

/** Whether a phase of this kind must be Established (and discovery refreshed) before the next phase. */
export function phaseWaitsEstablished(kind: string): boolean {
  return kind === 'CustomResourceDefinition';
}
