package main_test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeStaysOnLoopbackWithoutTokens: an open server listens beyond loopback only when
// told so in as many words.
func TestServeStaysOnLoopbackWithoutTokens(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := cmograph(t, dir, "serve", "--addr", ":0")
	if code != 1 || !strings.Contains(stderr, "no API tokens exist") || !strings.Contains(stderr, "--insecure-no-auth") {
		t.Fatalf("serve --addr :0 without tokens: exit %d\n%s", code, stderr)
	}
	s := serve(t, dir, "--addr", ":0", "--insecure-no-auth")
	if !strings.Contains(s.stderr.buf.String(), "access=\"open") {
		t.Fatalf("the start-up log should say the server is open:\n%s", s.stderr.buf.String())
	}
	s.stop(t)
	s = serve(t, dir) // the default address is loopback, and open
	if !strings.Contains(s.url, "127.0.0.1:") {
		t.Fatalf("serve listens on %s by default", s.url)
	}
	s.stop(t)
}

func post(t *testing.T, url, query string, headers ...string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d: not JSON: %s", resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

func firstCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

var secretRE = regexp.MustCompile(`cmo_[A-Za-z0-9_-]{43}`)

// TestATeamServer walks the README's "Running it for a team": tokens from the CLI, a public
// read-only server, a dashboard origin, a revocation that takes effect at once.
func TestATeamServer(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := cmograph(t, dir, "token", "create", "--name", "ana", "--role", "editor")
	editor := secretRE.FindString(out)
	if code != 0 || editor == "" {
		t.Fatalf("token create: %d %s %s", code, out, stderr)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "cmograph-tokens.json"))
	if strings.Contains(string(raw), editor) {
		t.Fatal("the tokens file holds the secret")
	}
	out, _, _ = cmograph(t, dir, "token", "list")
	id := regexp.MustCompile(`tok_[0-9a-f]{12}`).FindString(out)
	if !strings.Contains(out, "ana") || !strings.Contains(out, "editor") || id == "" || strings.Contains(out, "cmo_") {
		t.Fatalf("token list: %s", out)
	}
	const dash = "https://dashboard.example.org"
	s := serve(t, dir, "--demo", "--public", "--cors-origins", dash)
	gql := s.url + "/graphql"

	if c, body := post(t, gql, `{ studies { totalCount } }`); c != 200 || firstCode(body) != "" {
		t.Fatalf("anonymous read: %d %v", c, body)
	}
	const write = `mutation { createStudy(input: {id: "team-study", title: "A team's study", year: 2026}) { createdBy } }`
	if _, body := post(t, gql, write, "X-Cmograph-Actor", "mallory"); firstCode(body) != "UNAUTHENTICATED" {
		t.Fatalf("anonymous write: %v", body)
	}
	_, body := post(t, gql, write, "Authorization", "Bearer "+editor, "X-Cmograph-Actor", "mallory")
	if by := body["data"].(map[string]any)["createStudy"].(map[string]any)["createdBy"]; by != "ana" {
		t.Fatalf("the actor should be the token's: %v", body)
	}

	pre, _ := http.NewRequest("OPTIONS", gql, nil)
	pre.Header.Set("Origin", dash)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != dash {
		t.Fatalf("preflight from the dashboard: %d %v", resp.StatusCode, resp.Header)
	}

	if _, _, code := cmograph(t, dir, "token", "revoke", id); code != 0 {
		t.Fatal("token revoke failed")
	}
	if c, body := post(t, gql, `{ viewer { actor } }`, "Authorization", "Bearer "+editor); c != 401 || firstCode(body) != "UNAUTHENTICATED" {
		t.Fatalf("a revoked token: %d %v", c, body)
	}
	log := s.stop(t)
	if strings.Contains(log, editor) {
		t.Fatal("the log shows a token")
	}
	if !strings.Contains(log, "actor=ana") {
		t.Fatalf("the access log should name the actor:\n%s", log)
	}
}

func TestVersionAndHealthcheck(t *testing.T) {
	out, _, code := cmograph(t, t.TempDir(), "--version")
	if code != 0 || !strings.HasPrefix(out, "cmograph ") || !strings.Contains(out, "go1.") {
		t.Fatalf("--version: %d %q", code, out)
	}
	dir := t.TempDir()
	s := serve(t, dir)
	addr := strings.TrimPrefix(s.url, "http://")
	if out, stderr, code := cmograph(t, dir, "healthcheck", "--addr", addr); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("healthcheck of a running serve: %d %s %s", code, out, stderr)
	}
	s.stop(t)
	if _, _, code := cmograph(t, dir, "healthcheck", "--addr", addr, "--timeout", "1s"); code != 1 {
		t.Fatalf("healthcheck of a stopped serve: exit %d", code)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	go func() {
		_ = http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	}()
	if _, _, code := cmograph(t, dir, "healthcheck", "--addr", ln.Addr().String()); code != 1 {
		t.Fatalf("healthcheck of an unhealthy server: exit %d", code)
	}
}

func TestAnUnparsableNeo4jURIDoesNotPrintItsPassword(t *testing.T) {
	for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"export"}, {"migrate"}} {
		// serve on a port of its own: a newcomer's `serve --demo` may hold 8080 while the suite runs
		_, stderr, code := cmograph(t, t.TempDir(), append(cmd, "--neo4j-uri", "bolt://neo4j:secret@[::1:7687")...)
		if code == 0 || strings.Contains(stderr, "secret") || !strings.Contains(stderr, "cannot be parsed") {
			t.Errorf("%s: exit %d\n%s", cmd, code, stderr)
		}
	}
}

// TestServeOverTLS: --tls-cert and --tls-key serve HTTPS, and healthcheck follows.
func TestServeOverTLS(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cmograph.example.org"},
		DNSNames: []string{"cmograph.example.org"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)

	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile)
	cmd.Dir, cmd.Env = dir, cleanEnv()
	pipe, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	re := regexp.MustCompile(`graphql=https://(\S+)/graphql`)
	sc := bufio.NewScanner(pipe)
	var addr string
	for addr == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatal("serve --tls-cert did not say it serves https")
	}
	go func() { _, _ = io.Copy(io.Discard, pipe) }()
	pool := x509.NewCertPool()
	pool.AddCert(must(x509.ParseCertificate(der)))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "cmograph.example.org"}}}
	resp, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("https /healthz: %d %v", resp.StatusCode, resp.Header)
	}
	if out, stderr, code := cmograph(t, dir, "healthcheck", "--addr", addr, "--tls"); code != 0 {
		t.Fatalf("healthcheck --tls: %d %s %s", code, out, stderr)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestServeRefusesNonsenseNetworkFlags(t *testing.T) {
	for _, c := range [][]string{
		{"--cors-origins", "https://dash.example/", "--cors-origins"},
		{"--rate-limit", "-1", "--rate-limit"},
		{"--tls-cert", "cert.pem", "--tls-key"},
		{"--max-concurrent", "-2", "--max-concurrent"},
	} {
		_, stderr, code := cmograph(t, t.TempDir(), "serve", c[0], c[1])
		if code != 1 || !strings.Contains(stderr, c[2]) {
			t.Errorf("serve %s %s: exit %d, %s", c[0], c[1], code, stderr)
		}
	}
}
