#!/usr/bin/env bash
# Builds the test control plane's binaries (kube-apiserver, kube-controller-manager, kube-scheduler,
# etcd, kwok) from the Go modules pinned in test/controlplane/go.mod, test/controlplane/etcd/go.mod and
# test/controlplane/kwok/go.mod, into a cache folder keyed by version, outside the repository so fresh
# clones on the same machine reuse them:
#
#   ${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}/<k8s-version>/kube-apiserver
#   ${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}/<k8s-version>/kube-controller-manager
#   ${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}/<k8s-version>/kube-scheduler
#   ${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}/<k8s-version>/etcd-<etcd-version>
#   ${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}/<k8s-version>/kwok-<kwok-version>
#
# Builds only what is missing. Concurrent callers serialise on a lock file. Prints the binary
# folder on stdout as its last line; progress goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../lib/gobuild.sh"
gobuild_env

k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3 }' "$here/go.mod")"
etcd_version="$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" { print $3 }' "$here/etcd/go.mod")"
kwok_version="$(awk '$1 == "require" && $2 == "sigs.k8s.io/kwok" { print $3 }' "$here/kwok/go.mod")"
[[ -n "$k8s_version" && -n "$etcd_version" && -n "$kwok_version" ]] || { echo "build.sh: cannot read pinned versions from go.mod files" >&2; exit 1; }

cache="${KFCHART_CP_CACHE:-$HOME/.cache/kfchart/controlplane}"
out="$cache/$k8s_version"
etcd_bin="etcd-$etcd_version"
kwok_bin="kwok-$kwok_version"

have_all() {
  [[ -x "$out/kube-apiserver" && -x "$out/kube-controller-manager" && -x "$out/kube-scheduler" &&
     -x "$out/$etcd_bin" && -x "$out/$kwok_bin" ]]
}

if have_all; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is not installed (need Go >= 1.24 on PATH or in /usr/local/go/bin)" >&2; exit 1; }
mkdir -p "$out"
gobuild_lock "$cache/.build.lock" test/controlplane/build.sh

minor="${k8s_version#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

build() { # <module dir> <package> <binary name> [ldflags]
  local dir="$1" pkg="$2" name="$3" flags="${4-$ldflags}" start
  [[ -x "$out/$name" ]] && return 0
  start=$(date +%s)
  echo "build.sh: building $name ($pkg) with $(go version | cut -d' ' -f3) — a cold build takes many minutes" >&2
  (cd "$dir" && go build -trimpath -ldflags "$flags" -o "$out/.$name.tmp" "$pkg")
  mv -f "$out/.$name.tmp" "$out/$name"
  echo "build.sh: built $name in $(( $(date +%s) - start ))s" >&2
}

total_start=$(date +%s)
build "$here/etcd" kfchart.local/controlplane/etcd "$etcd_bin"
build "$here" k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver
build "$here" k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager
build "$here" k8s.io/kubernetes/cmd/kube-scheduler kube-scheduler
# kwok carries its version in its own source; no -X (its client libraries are kwok's, not v1.34.4).
build "$here/kwok" sigs.k8s.io/kwok/cmd/kwok "$kwok_bin" "-s -w"
echo "build.sh: binaries ready in $out ($(( $(date +%s) - total_start ))s)" >&2
have_all
echo "$out"
