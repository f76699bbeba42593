#!/usr/bin/env bash
# npm run cluster:up — builds the binaries if missing, starts a control plane that keeps running,
# prints `export KUBECONFIG=...` on stdout (eval "$(npm run -s cluster:up)").
set -euo pipefail
exec node "$(dirname "${BASH_SOURCE[0]}")/controlplane.mjs" up "$@"
