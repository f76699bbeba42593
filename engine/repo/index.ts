// Owns: the public entry of engine/repo (re-exports only): chart archives, the repository index, fetching,
// repository config/cache, chart resolution, signatures. (Building a repository folder is engine/actions/repo.ts repoBuildAction.)
// Must not: contain logic.

export { readChartArchive, extractChartArchive, writeChartArchive, ARCHIVE_LIMITS, ARCHIVE_MTIME } from './archive.js';
export { parseIndex, dumpIndex, buildIndex, pickVersion, sha256, type RepoIndex, type IndexVersion } from './repoindex.js';
export { fetchBytes, checkUrl, resolveUrl, FETCH_DEFAULTS } from './fetch.js';
export { configHome, cacheHome, readRepoConfig, findRepo, type RepoEntry, type RepoConfig } from './config.js';
export { resolveChart, resolveArchive, fetchIndex, updateRepoIndex, type ResolveOptions, type ResolvedArchive } from './resolve.js';
export { signArchive, verifyArchive, loadPrivateKey, loadPublicKey, keyId } from './sign.js';
