package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/cmograph/cmograph/internal/auth"
)

func TestFileStoreKeepsOnlyHashesAndRevokes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tokens.json")
	s := auth.NewFileStore(path, nil)
	tok, secret, err := s.Create(ctx, "alice", auth.RoleEditor, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, auth.SecretPrefix) || len(secret) < 40 {
		t.Fatalf("secret %q", secret)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), secret) || !strings.Contains(string(raw), auth.HashSecret(secret)) {
		t.Fatalf("the file must hold the hash, not the secret:\n%s", raw)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("tokens file mode %v, want 0600", st.Mode().Perm())
	}
	// a second store on the same file (another process: the CLI) sees it, and the first sees
	// the second's revocation without a restart
	other := auth.NewFileStore(path, nil)
	got, ok, err := other.Lookup(ctx, secret)
	if err != nil || !ok || got.Name != "alice" || got.Role != auth.RoleEditor {
		t.Fatalf("lookup: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s.Lookup(ctx, secret+"x"); ok {
		t.Fatal("a wrong secret was accepted")
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := other.Revoke(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Lookup(ctx, secret); ok {
		t.Fatal("a revoked token was still accepted")
	}
	if _, err := s.Revoke(ctx, tok.ID); err == nil {
		t.Fatal("revoking twice should say there is no such token")
	}
	if _, _, err := s.Create(ctx, " ", auth.RoleReader, "cli"); err == nil || !strings.Contains(err.Error(), "name") {
		t.Fatalf("an empty name: %v", err)
	}
}

func TestFileStoreRefusesAFileOthersCanRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(path, []byte(`{"tokens":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := auth.NewFileStore(path, nil).List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("want a chmod hint, got %v", err)
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range auth.Roles {
		got, err := auth.ParseRole(strings.ToUpper(r.String()))
		if err != nil || got != r {
			t.Errorf("%v: %v %v", r, got, err)
		}
	}
	if _, err := auth.ParseRole("owner"); err == nil {
		t.Error("owner is no role")
	}
}

func TestJWTVerifier(t *testing.T) {
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	jwk := jose.JSONWebKey{Key: key.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{jwk}})
	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, set, 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	v, err := auth.NewJWTVerifier(ctx, auth.JWTConfig{JWKS: file, Issuer: "https://idp.example", Audience: "cmograph",
		RoleClaim: "cmograph_roles", ActorClaim: "email", Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	sign := func(claims map[string]any) string {
		s, err := jwt.Signed(signer).Claims(claims).Serialize()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := func() map[string]any {
		return map[string]any{"iss": "https://idp.example", "aud": "cmograph", "sub": "u1", "email": "ana@example.org",
			"exp": now.Add(time.Hour).Unix(), "cmograph_roles": []string{"reader", "editor"}}
	}
	p, err := v.Verify(ctx, sign(base()))
	if err != nil || p.Role != auth.RoleEditor || p.Actor != "ana@example.org" || p.Via != auth.ViaJWT {
		t.Fatalf("a good JWT: %+v %v", p, err)
	}
	for name, change := range map[string]func(map[string]any){
		"expired":      func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() },
		"no expiry":    func(c map[string]any) { delete(c, "exp") },
		"other issuer": func(c map[string]any) { c["iss"] = "https://evil.example" },
		"other aud":    func(c map[string]any) { c["aud"] = "other" },
		"no role":      func(c map[string]any) { c["cmograph_roles"] = "owner" },
	} {
		c := base()
		change(c)
		if _, err := v.Verify(ctx, sign(c)); !auth.IsUnauthenticated(err) {
			t.Errorf("%s: want unauthenticated, got %v", name, err)
		}
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	forger, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: other}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
	forged, _ := jwt.Signed(forger).Claims(base()).Serialize()
	if _, err := v.Verify(ctx, forged); !auth.IsUnauthenticated(err) {
		t.Errorf("a JWT signed with another key: %v", err)
	}
}

// TestAnOpenServerClosesWhenATokenIsCreated: open development mode lasts while no token
// exists; the first token closes it without a restart.
func TestAnOpenServerClosesWhenATokenIsCreated(t *testing.T) {
	ctx := context.Background()
	tokens := auth.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"), nil)
	a := &auth.Authenticator{Tokens: tokens, OpenWhileNoTokens: true}
	req := httptest.NewRequest("GET", "/graphql", nil)
	if p, err := a.Authenticate(req); err != nil || p.Role != auth.RoleAdmin || !p.Anonymous() {
		t.Fatalf("no tokens: %+v %v", p, err)
	}
	tok, secret, _ := tokens.Create(ctx, "ana", auth.RoleReader, "test")
	if p, err := a.Authenticate(req); err != nil || p.Role != auth.RoleNone {
		t.Fatalf("with a token, anonymous must be nobody: %+v %v", p, err)
	}
	withToken := httptest.NewRequest("GET", "/graphql", nil)
	withToken.Header.Set("Authorization", "Bearer "+secret)
	if p, err := a.Authenticate(withToken); err != nil || p.Role != auth.RoleReader || p.Actor != "ana" || p.TokenID != tok.ID {
		t.Fatalf("the token: %+v %v", p, err)
	}
}
