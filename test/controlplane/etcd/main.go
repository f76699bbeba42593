// Command etcd is the etcd server, built from the go.etcd.io/etcd/server/v3 module at the
// version pinned in go.mod. kfchart's test control plane uses it because Debian's etcd 3.4.23
// is older than what kube-apiserver 1.34 expects (see docs/controlplane.md).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
