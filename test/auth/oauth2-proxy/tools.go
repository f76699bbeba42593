//go:build tools

// Package tools pins the oauth2-proxy command this module builds (test/auth/build.sh). Never compiled.
package tools

import _ "github.com/oauth2-proxy/oauth2-proxy/v7"
