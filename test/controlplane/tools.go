//go:build tools

// Package tools pins the Kubernetes commands this module builds (kube-apiserver,
// kube-controller-manager, kube-scheduler). It is never compiled; it keeps `go mod tidy` honest.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
