// Owns: the public face of engine/kube, the only folder that talks to the API server.
// Must not: import @kubernetes/client-node at module load (client.ts imports it inside connect()).
export { ApiError, KubeClient, connect, isNotFound, type ConnectOptions, type RequestStats } from './client.js';
export { Discovery, resourcePath, type ResourceInfo } from './discovery.js';
export { ClusterObjects, FIELD_MANAGER, Objects, explainApplyError, type DiscoveryApi, type ObjectMeta, type ApplyOptions, type MetadataOptions } from './objects.js';
export { readiness, waitReady, waitDeleted, type Readiness, type WaitProgress } from './ready.js';
