#!/usr/bin/env bash
# npm run cluster:down [-- <dir>] — stops the control plane(s) started by cluster:up (by PID) and removes their temp dirs.
set -euo pipefail
exec node "$(dirname "${BASH_SOURCE[0]}")/controlplane.mjs" down "$@"
