//go:build tools

// Package tools pins the kwok command this wrapper module builds (sigs.k8s.io/kwok/cmd/kwok, at the
// version required in go.mod). It is never compiled; it keeps `go mod tidy` from dropping the requirement.
// kwok has a module of its own because its Kubernetes libraries need not match the control plane's.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
