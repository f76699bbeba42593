# Shared by the build scripts of the test programs (test/controlplane, test/auth, test/registry): Go settings for
# building pinned modules, and the cache lock. Source it; it defines functions and exports, and runs nothing else.

# Build with the Go on this machine only (no toolchain download), resolving modules from the pinned go.mod/go.sum.
gobuild_env() {
  export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
  export GOFLAGS="${GOFLAGS:--mod=mod}"
  export PATH="$PATH:/usr/local/go/bin"
}

# gobuild_lock <lock file> <who>: holds an exclusive lock on fd 9 until the script exits, waiting (and saying so)
# while another build holds it.
gobuild_lock() {
  exec 9>"$1"
  if ! flock -n 9; then
    echo "$2: another build holds $1, waiting for it" >&2
    flock 9
  fi
}
