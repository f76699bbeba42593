#!/usr/bin/env bash
# Builds the real programs the charts configure, for the e2e suite and `npm run auth:up`:
#
#   dex          github.com/dexidp/dex/cmd/dex              (test/auth/dex/go.mod, v2.45.1)
#   oauth2-proxy github.com/oauth2-proxy/oauth2-proxy/v7    (test/auth/oauth2-proxy/go.mod, v7.15.6)
#   istioctl     istio.io/istio/istioctl/cmd/istioctl       (test/auth/istioctl/go.mod, 1.29.1)
#
# from the Go modules pinned in those go.mod files, into a cache folder beside the control plane's:
#
#   ${KFCHART_AUTH_CACHE:-$HOME/.cache/kfchart/auth}/<name>-<version>
#
# Builds only what is missing (or only the names given as arguments); concurrent callers serialise
# on a lock file; each binary is written under a temporary name and renamed when complete. Prints
# the binary folder on stdout as its last line; progress and build times go to stderr.
# OpenLDAP (slapd, ldapadd) is not built: it comes from Debian's slapd and ldap-utils packages.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../lib/gobuild.sh"
gobuild_env

out="${KFCHART_AUTH_CACHE:-$HOME/.cache/kfchart/auth}"

# name | module dir | package | version (for the file name and -X) | -X variable
components=(
  "dex|dex|github.com/dexidp/dex/cmd/dex|v2.45.1|main.version"
  "oauth2-proxy|oauth2-proxy|github.com/oauth2-proxy/oauth2-proxy/v7|v7.15.6|github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION"
  "istioctl|istioctl|istio.io/istio/istioctl/cmd/istioctl|1.29.1|istio.io/istio/pkg/version.buildVersion"
)

wanted=("$@")
want() { ((${#wanted[@]} == 0)) && return 0; local w; for w in "${wanted[@]}"; do [[ $w == "$1" ]] && return 0; done; return 1; }

missing() {
  local c name dir pkg ver var
  for c in "${components[@]}"; do
    IFS='|' read -r name dir pkg ver var <<<"$c"
    want "$name" || continue
    [[ -x "$out/$name-$ver" ]] || return 0
  done
  return 1
}

if ! missing; then echo "$out"; exit 0; fi

command -v go >/dev/null || { echo "test/auth/build.sh: Go is not installed (need Go >= 1.26 on PATH)" >&2; exit 1; }
mkdir -p "$out"
gobuild_lock "$out/.build.lock" test/auth/build.sh

total_start=$(date +%s)
for c in "${components[@]}"; do
  IFS='|' read -r name dir pkg ver var <<<"$c"
  want "$name" || continue
  [[ -x "$out/$name-$ver" ]] && continue
  start=$(date +%s)
  echo "test/auth/build.sh: building $name $ver ($pkg) with $(go version | cut -d' ' -f3)" >&2
  (cd "$here/$dir" && go build -trimpath -ldflags "-s -w -X $var=$ver" -o "$out/.$name-$ver.tmp" "$pkg")
  mv -f "$out/.$name-$ver.tmp" "$out/$name-$ver"
  echo "test/auth/build.sh: built $name $ver in $(( $(date +%s) - start ))s" >&2
done
echo "test/auth/build.sh: auth binaries ready in $out ($(( $(date +%s) - total_start ))s)" >&2
if missing; then echo "test/auth/build.sh: a binary is still missing after the build" >&2; exit 1; fi
echo "$out"
