package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/cmograph/cmograph/graph/generated"
	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/vektah/gqlparser/v2/ast"
)

// team is a server that requires credentials, with a token of each role.
type team struct {
	h       http.Handler
	store   kb.Store
	tokens  *auth.FileStore
	secrets map[auth.Role]string
}

func newTeam(t *testing.T, anonymous auth.Role, tweak func(*server.Options)) *team {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.LoadDemo(ctx, s, slogDiscard()); err != nil {
		t.Fatal(err)
	}
	tokens := auth.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"), nil)
	tm := &team{store: s, tokens: tokens, secrets: map[auth.Role]string{}}
	for _, r := range auth.Roles {
		_, secret, err := tokens.Create(ctx, r.String()+"-token", r, "test")
		if err != nil {
			t.Fatal(err)
		}
		tm.secrets[r] = secret
	}
	opts := server.Options{Store: s, Tokens: tokens, Auth: &auth.Authenticator{Tokens: tokens, Anonymous: anonymous}}
	if tweak != nil {
		tweak(&opts)
	}
	tm.h = server.New(opts)
	return tm
}

// gql posts a GraphQL request as the given role (RoleNone: without credentials).
func (tm *team) gql(t *testing.T, role auth.Role, query string, headers ...string) (*httptest.ResponseRecorder, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	if role != auth.RoleNone {
		req.Header.Set("Authorization", "Bearer "+tm.secrets[role])
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	tm.h.ServeHTTP(rec, req)
	var resp gqlResponse
	_ = json.Unmarshal(rec.Body.Bytes(), &resp)
	return rec, resp
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

func (r gqlResponse) has(code string) bool {
	for _, c := range r.codes() {
		if c == code {
			return true
		}
	}
	return false
}

// mutations lists every field of the schema's Mutation type with a document that passes
// validation (each required argument given a value of its type), so that each role meets each
// mutation, including ones added after this test was written.
func mutations(t *testing.T) map[string]string {
	t.Helper()
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	out := map[string]string{}
	for _, f := range schema.Mutation.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		var args []string
		for _, a := range f.Arguments {
			if a.Type.NonNull {
				args = append(args, a.Name+": "+literal(t, schema, a.Type, 0))
			}
		}
		call := f.Name
		if len(args) > 0 {
			call += "(" + strings.Join(args, ", ") + ")"
		}
		if def := schema.Types[f.Type.Name()]; def != nil && def.Kind != ast.Scalar && def.Kind != ast.Enum {
			call += " { __typename }"
		}
		out[f.Name] = "mutation { " + call + " }"
	}
	if len(out) < 40 {
		t.Fatalf("the schema has only %d mutations; the enumeration is broken", len(out))
	}
	return out
}

// literal writes a value of type typ: the least a validator accepts.
func literal(t *testing.T, s *ast.Schema, typ *ast.Type, depth int) string {
	if typ.Elem != nil {
		return "[]"
	}
	def := s.Types[typ.NamedType]
	switch {
	case def == nil || depth > 5:
		t.Fatalf("cannot make a value of %s", typ)
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		var fields []string
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				fields = append(fields, f.Name+": "+literal(t, s, f.Type, depth+1))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	switch typ.NamedType {
	case "Int":
		return "1"
	case "Float":
		return "0.5"
	case "Boolean":
		return "false"
	case "Time":
		return `"2026-01-01T00:00:00Z"`
	}
	return `"x"`
}

func revision(t *testing.T, s kb.Store) uint64 {
	t.Helper()
	r, err := s.(kb.Revisioned).Revision(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var adminOnly = map[string]bool{"createApiToken": true, "revokeApiToken": true}

// TestEveryRoleAgainstEveryMutation runs every mutation of the schema as each role: without
// credentials it is UNAUTHENTICATED, as a reader FORBIDDEN, token administration FORBIDDEN to
// editors too; a refused mutation changes nothing. An allowed one reaches its resolver (and
// may then fail on the made-up arguments, never with FORBIDDEN).
func TestEveryRoleAgainstEveryMutation(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	muts := mutations(t)
	names := make([]string, 0, len(muts))
	for n := range muts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		doc := muts[name]
		for _, role := range []auth.Role{auth.RoleNone, auth.RoleReader, auth.RoleEditor, auth.RoleAdmin} {
			t.Run(fmt.Sprintf("%s/%s", name, role), func(t *testing.T) {
				before := revision(t, tm.store)
				rec, resp := tm.gql(t, role, doc)
				if resp.has("GRAPHQL_VALIDATION_FAILED") || resp.has("GRAPHQL_PARSE_FAILED") {
					t.Fatalf("the test's document is invalid: %s\n%s", doc, rec.Body)
				}
				var want string
				switch {
				case role == auth.RoleNone:
					want = "UNAUTHENTICATED"
				case role == auth.RoleReader, role == auth.RoleEditor && adminOnly[name]:
					want = "FORBIDDEN"
				}
				if want == "" {
					if resp.has("FORBIDDEN") || resp.has("UNAUTHENTICATED") {
						t.Fatalf("%s may run %s, got %s", role, name, rec.Body)
					}
					return
				}
				if codes := resp.codes(); len(codes) != 1 || codes[0] != want || resp.Data != nil {
					t.Fatalf("%s running %s: want only %s and no data, got %s", role, name, want, rec.Body)
				}
				if after := revision(t, tm.store); after != before {
					t.Fatalf("a refused %s changed the store (revision %d -> %d)", name, before, after)
				}
			})
		}
	}
}

func TestRefusalHidesBehindFragmentsAndAliasesToo(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	for _, doc := range []string{
		`mutation { ... on Mutation { x: deleteStudy(input: {id: "gillard-2015"}) { id } } }`,
		`mutation M { ...F } fragment F on Mutation { deleteStudy(input: {id: "gillard-2015"}) { id } }`,
		`{ viewer { role } ... on Query { apiTokens { id } } }`,
	} {
		_, resp := tm.gql(t, auth.RoleReader, doc)
		if !resp.has("FORBIDDEN") {
			t.Errorf("%s: %v", doc, resp.codes())
		}
	}
}

func TestReadsNeedAReaderAndTokensAnAdmin(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	const q = `{ studies { totalCount } }`
	if _, resp := tm.gql(t, auth.RoleNone, q); !resp.has("UNAUTHENTICATED") {
		t.Fatalf("anonymous read: %v", resp.codes())
	}
	for _, r := range auth.Roles {
		if _, resp := tm.gql(t, r, q); len(resp.Errors) > 0 {
			t.Fatalf("%s read: %v", r, resp.codes())
		}
	}
	if _, resp := tm.gql(t, auth.RoleNone, `{ __schema { queryType { name } } }`); !resp.has("UNAUTHENTICATED") {
		t.Fatalf("anonymous introspection: %v", resp.codes())
	}
	if _, resp := tm.gql(t, auth.RoleNone, `{ viewer { role via } }`); len(resp.Errors) > 0 || resp.Data["viewer"].(map[string]any)["role"] != nil {
		t.Fatalf("anonymous viewer: %+v", resp)
	}
	if _, resp := tm.gql(t, auth.RoleEditor, `{ apiTokens { id } }`); !resp.has("FORBIDDEN") {
		t.Fatalf("editor listing tokens: %v", resp.codes())
	}
	rec, resp := tm.gql(t, auth.RoleAdmin, `{ apiTokens { name role } }`)
	if len(resp.Errors) > 0 || !strings.Contains(rec.Body.String(), `"name":"editor-token","role":"EDITOR"`) {
		t.Fatalf("admin listing tokens: %s", rec.Body)
	}
}

func TestAdminCreatesAndRevokesATokenOverGraphQL(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	rec, resp := tm.gql(t, auth.RoleAdmin, `mutation { createApiToken(input: {name: "dashboard", role: READER}) { secret token { id name role createdBy } } }`)
	if len(resp.Errors) > 0 {
		t.Fatal(rec.Body)
	}
	created := resp.Data["createApiToken"].(map[string]any)
	secret := created["secret"].(string)
	tok := created["token"].(map[string]any)
	if tok["createdBy"] != "admin-token" || tok["role"] != "READER" {
		t.Fatalf("created: %s", rec.Body)
	}
	tm.secrets[auth.RoleNone+99] = secret
	if _, resp := tm.gql(t, auth.RoleNone+99, `{ viewer { actor role } }`); resp.Data["viewer"].(map[string]any)["actor"] != "dashboard" {
		t.Fatalf("the new token: %+v", resp)
	}
	if _, resp := tm.gql(t, auth.RoleAdmin, fmt.Sprintf(`mutation { revokeApiToken(input: {id: %q}) { id } }`, tok["id"])); len(resp.Errors) > 0 {
		t.Fatalf("revoke: %v", resp.Errors)
	}
	rec, _ = tm.gql(t, auth.RoleNone+99, `{ viewer { actor } }`)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "UNAUTHENTICATED") || rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("a revoked token: %d %s", rec.Code, rec.Body)
	}
	if _, resp := tm.gql(t, auth.RoleAdmin, `mutation { revokeApiToken(input: {id: "tok_nope"}) { id } }`); !resp.has("NOT_FOUND") {
		t.Fatalf("revoking an unknown token: %v", resp.codes())
	}
	if _, resp := tm.gql(t, auth.RoleAdmin, `mutation { createApiToken(input: {name: "", role: READER}) { secret } }`); !resp.has("BAD_USER_INPUT") || resp.Errors[0].Extensions["field"] != "input.name" {
		t.Fatalf("an empty name: %+v", resp)
	}
}

// TestActorComesFromTheToken: with credentials required, the header a client sets is ignored.
func TestActorComesFromTheToken(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	rec, resp := tm.gql(t, auth.RoleEditor, `mutation { createStudy(input: {id: "s-actor", title: "T", year: 2020}) { createdBy } }`,
		"X-Cmograph-Actor", "mallory")
	if len(resp.Errors) > 0 || resp.Data["createStudy"].(map[string]any)["createdBy"] != "editor-token" {
		t.Fatalf("createdBy: %s", rec.Body)
	}
	// in open development mode the header still names the actor
	open := newHandler(t, nil)
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"mutation { createStudy(input: {id: \"s2\", title: \"T\", year: 2020}) { createdBy } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Cmograph-Actor", "ana")
	w := httptest.NewRecorder()
	open.ServeHTTP(w, req)
	if !strings.Contains(w.Body.String(), `"createdBy":"ana"`) {
		t.Fatalf("open mode: %s", w.Body)
	}
}

func TestBadCredentialsAre401(t *testing.T) {
	tm := newTeam(t, auth.RoleReader, nil)
	for _, h := range []string{"Bearer cmo_not-a-real-token", "Basic dXNlcjpwdw==", "Bearer a.b.c", "Bearer"} {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ viewer { actor } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", h)
		rec := httptest.NewRecorder()
		tm.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"code":"UNAUTHENTICATED"`) {
			t.Errorf("%q: %d %s", h, rec.Code, rec.Body)
		}
	}
}

// TestPublicReadOnlyMode: anonymous clients read (a public dashboard); writes need a token.
func TestPublicReadOnlyMode(t *testing.T) {
	tm := newTeam(t, auth.RoleReader, nil)
	rec, resp := tm.gql(t, auth.RoleNone, `{ studies { totalCount } }`)
	if len(resp.Errors) > 0 || !strings.Contains(rec.Body.String(), `"totalCount":4`) {
		t.Fatalf("anonymous read in public mode: %s", rec.Body)
	}
	const write = `mutation { createStudy(input: {id: "s-pub", title: "T", year: 2020}) { id } }`
	if _, resp := tm.gql(t, auth.RoleNone, write); !resp.has("UNAUTHENTICATED") {
		t.Fatalf("anonymous write in public mode: %v", resp.codes())
	}
	if _, resp := tm.gql(t, auth.RoleNone, `{ apiTokens { id } }`); !resp.has("UNAUTHENTICATED") {
		t.Fatalf("anonymous token listing in public mode: %v", resp.codes())
	}
	if _, resp := tm.gql(t, auth.RoleEditor, write); len(resp.Errors) > 0 {
		t.Fatalf("editor write in public mode: %v", resp.Errors)
	}
}

// TestAJWTFromTheIdentityProvider: a JWT signed by a key of the configured JWKS carries its
// role and actor through the handler.
func TestAJWTFromTheIdentityProvider(t *testing.T) {
	ctx := context.Background()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "k", Algorithm: "ES256", Use: "sig"}}})
	jwks := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(jwks, set, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewJWTVerifier(ctx, auth.JWTConfig{JWKS: jwks, Issuer: "https://idp.example", RoleClaim: "roles", ActorClaim: "email"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := memory.Open(ctx, memory.Options{})
	h := server.New(server.Options{Store: s, Auth: &auth.Authenticator{JWT: v}})
	signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k"))
	for role, want := range map[string]string{"editor": `"createdBy":"ana@example.org"`, "reader": `"code":"FORBIDDEN"`} {
		tok, _ := jwt.Signed(signer).Claims(map[string]any{"iss": "https://idp.example", "sub": "u1", "email": "ana@example.org",
			"exp": time.Now().Add(time.Hour).Unix(), "roles": role}).Serialize()
		req := postQuery(`mutation { createStudy(input: {id: \"jwt-` + role + `\", title: \"T\", year: 2020}) { createdBy } }`)
		req.Header.Set("Authorization", "Bearer "+tok)
		if rec := serveReq(h, req); !strings.Contains(rec.Body.String(), want) {
			t.Errorf("a JWT with role %s: %d %s", role, rec.Code, rec.Body)
		}
	}
}
