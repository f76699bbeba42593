#!/usr/bin/env bash
# Builds the test registry (main.go here: go-containerregistry v0.22.1 pkg/registry behind optional TLS, basic or
# bearer-token auth) from the Go modules pinned in go.mod/go.sum, into
#
#   ${KFCHART_REGISTRY_CACHE:-$HOME/.cache/kfchart/registry}/kfchart-test-registry-<sha256 of main.go+go.sum, 12>
#
# only when missing; concurrent callers serialise on a lock; the binary is written under a temporary name and renamed
# when complete. Prints the binary's path on stdout as its last line; the build time goes to stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../lib/gobuild.sh"
gobuild_env
out="${KFCHART_REGISTRY_CACHE:-$HOME/.cache/kfchart/registry}"
sum="$(cat "$here/main.go" "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)"
bin="$out/kfchart-test-registry-$sum"
if [[ -x $bin ]]; then echo "$bin"; exit 0; fi
command -v go >/dev/null || { echo "test/registry/build.sh: Go is not installed (need Go >= 1.25 on PATH)" >&2; exit 1; }
mkdir -p "$out"
gobuild_lock "$out/.build.lock" test/registry/build.sh
if [[ ! -x $bin ]]; then
  start=$(date +%s)
  echo "test/registry/build.sh: building the test registry (go-containerregistry v0.22.1) with $(go version | cut -d' ' -f3)" >&2
  (cd "$here" && go build -trimpath -ldflags "-s -w" -o "$bin.tmp-$$" .)
  mv -f "$bin.tmp-$$" "$bin"
  echo "test/registry/build.sh: built $bin in $(( $(date +%s) - start ))s" >&2
fi
echo "$bin"
