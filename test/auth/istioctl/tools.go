//go:build tools

// Package tools pins the istioctl command this module builds (test/auth/build.sh). Never compiled.
package tools

import _ "istio.io/istio/istioctl/cmd/istioctl"
