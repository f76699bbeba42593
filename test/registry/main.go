// A real OCI distribution registry for kfchart's tests (test/unit/repo/oci*.test.ts), listening on 127.0.0.1 only:
// go-containerregistry's pkg/registry (in memory), optionally behind TLS (-cert/-key, -client-ca to require a client
// certificate), HTTP basic auth (-auth basic) or a docker-style bearer-token flow (-auth bearer: 401 with a
// WWW-Authenticate challenge naming this server's /token endpoint, which takes basic credentials and hands out a
// token with the requested scope). Prints "listening on http(s)://127.0.0.1:PORT" once ready.
package main

import (
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (127.0.0.1 only)")
	cert := flag.String("cert", "", "TLS certificate (PEM)")
	key := flag.String("key", "", "TLS key (PEM)")
	clientCA := flag.String("client-ca", "", "require client certificates signed by this CA (PEM)")
	auth := flag.String("auth", "none", "none | basic | bearer")
	user := flag.String("user", "kf", "user name for basic/bearer auth")
	pass := flag.String("pass", "secret", "password for basic/bearer auth")
	flag.Parse()
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		log.Fatalf("refusing to listen on %s: 127.0.0.1 only", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	base := fmt.Sprintf("%s://%s", scheme, ln.Addr().String())
	reg := registry.New(registry.Logger(log.New(os.Stderr, "registry: ", 0)))
	var tokens sync.Map
	var handler http.Handler = reg
	switch *auth {
	case "none":
	case "basic":
		handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, p, ok := r.BasicAuth()
			if !ok || u != *user || p != *pass {
				w.Header().Set("WWW-Authenticate", `Basic realm="kfchart-test"`)
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
				return
			}
			reg.ServeHTTP(w, r)
		})
	case "bearer":
		mux := http.NewServeMux()
		mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
			u, p, ok := r.BasicAuth()
			if !ok || u != *user || p != *pass {
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}`, http.StatusUnauthorized)
				return
			}
			if r.URL.Query().Get("service") != "kfchart-test" {
				http.Error(w, "unknown service", http.StatusBadRequest)
				return
			}
			b := make([]byte, 16)
			_, _ = rand.Read(b)
			t := hex.EncodeToString(b)
			tokens.Store(t, true)
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"token": t, "access_token": t, "expires_in": 300})
		})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			h := r.Header.Get("Authorization")
			if strings.HasPrefix(h, "Bearer ") {
				if _, ok := tokens.Load(strings.TrimPrefix(h, "Bearer ")); ok {
					reg.ServeHTTP(w, r)
					return
				}
			}
			scope := ""
			if parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/v2/"), "/"); len(parts) > 2 {
				// /v2/<name...>/{manifests,blobs,tags}/...
				for i, p := range parts {
					if p == "manifests" || p == "blobs" || p == "tags" {
						scope = fmt.Sprintf(`,scope="repository:%s:pull,push"`, strings.Join(parts[:i], "/"))
						break
					}
				}
			}
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/token",service="kfchart-test"%s`, base, scope))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`))
		})
		handler = mux
	default:
		log.Fatalf("-auth: %q is not none, basic or bearer", *auth)
	}
	srv := &http.Server{Handler: handler}
	fmt.Printf("listening on %s\n", base)
	if *cert != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if *clientCA != "" {
			pem, err := os.ReadFile(*clientCA)
			if err != nil {
				log.Fatal(err)
			}
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(pem)
			cfg.ClientCAs = pool
			cfg.ClientAuth = tls.RequireAndVerifyClientCert
		}
		srv.TLSConfig = cfg
		log.Fatal(srv.ServeTLS(ln, *cert, *key))
	}
	log.Fatal(srv.Serve(ln))
}
