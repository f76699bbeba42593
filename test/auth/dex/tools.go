//go:build tools

// Package tools pins the Dex command this module builds (test/auth/build.sh). Never compiled.
package tools

import _ "github.com/dexidp/dex/cmd/dex"
