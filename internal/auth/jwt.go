package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// JWTConfig says which JWTs an OIDC provider issues for cmograph.
type JWTConfig struct {
	// JWKS is the provider's key set: an https:// (or http://) URL, or a file.
	JWKS string
	// Issuer and Audience must match the token's iss and aud (Audience may be empty).
	Issuer, Audience string
	// RoleClaim names the claim that holds the role: a string or a list of strings, each
	// reader, editor or admin; the strongest one named counts.
	RoleClaim string
	// ActorClaim names the claim recorded as the actor (default "sub").
	ActorClaim string
	// Client fetches a JWKS URL (nil: a client with a 10 s timeout).
	Client *http.Client
	// Clock is the time tokens are checked against (nil: time.Now).
	Clock func() time.Time
}

// jwksRefresh is how long fetched keys are kept; an unknown key id fetches sooner, at most
// once per jwksRetry, so a provider's key rotation is picked up without a restart.
const (
	jwksRefresh = 10 * time.Minute
	jwksRetry   = time.Minute
)

// JWTVerifier checks JWTs against a JWKS.
type JWTVerifier struct {
	cfg JWTConfig

	mu      sync.Mutex
	keys    jose.JSONWebKeySet
	fetched time.Time
}

var signatureAlgorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256,
	jose.PS384, jose.PS512, jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// NewJWTVerifier loads the key set once, so a wrong JWKS stops the server at start-up.
func NewJWTVerifier(ctx context.Context, cfg JWTConfig) (*JWTVerifier, error) {
	switch {
	case cfg.JWKS == "":
		return nil, errors.New("--jwt-jwks: give the provider's JWKS URL or file")
	case cfg.Issuer == "":
		return nil, errors.New("--jwt-issuer: give the issuer the tokens must name (iss)")
	case cfg.RoleClaim == "":
		return nil, errors.New("--jwt-role-claim: name the claim that holds reader, editor or admin")
	}
	if cfg.ActorClaim == "" {
		cfg.ActorClaim = "sub"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	v := &JWTVerifier{cfg: cfg}
	if err := v.load(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *JWTVerifier) isURL() bool {
	return strings.HasPrefix(v.cfg.JWKS, "https://") || strings.HasPrefix(v.cfg.JWKS, "http://")
}

// load reads the key set; the caller holds v.mu or is the constructor.
func (v *JWTVerifier) load(ctx context.Context) error {
	var raw []byte
	if v.isURL() {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, v.cfg.JWKS, nil)
		if err != nil {
			return fmt.Errorf("JWKS %s: %w", v.cfg.JWKS, err)
		}
		resp, err := v.cfg.Client.Do(req)
		if err != nil {
			return fmt.Errorf("fetching the JWKS: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("fetching the JWKS %s: %s", v.cfg.JWKS, resp.Status)
		}
		raw, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return fmt.Errorf("fetching the JWKS: %w", err)
		}
	} else {
		var err error
		if raw, err = os.ReadFile(v.cfg.JWKS); err != nil {
			return fmt.Errorf("reading the JWKS: %w", err)
		}
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return fmt.Errorf("JWKS %s: %w", v.cfg.JWKS, err)
	}
	if len(set.Keys) == 0 {
		return fmt.Errorf("JWKS %s holds no keys", v.cfg.JWKS)
	}
	v.keys, v.fetched = set, v.cfg.Clock()
	return nil
}

// key finds the verification key named kid, refetching a URL's key set when it is old or
// does not know kid.
func (v *JWTVerifier) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	find := func() *jose.JSONWebKey {
		for _, k := range v.keys.Keys {
			if (kid == "" || k.KeyID == kid) && k.Use != "enc" {
				return &k
			}
		}
		return nil
	}
	age := v.cfg.Clock().Sub(v.fetched)
	k := find()
	if v.isURL() && (age > jwksRefresh || k == nil && age > jwksRetry) {
		if err := v.load(ctx); err != nil && k == nil {
			return nil, err
		}
		k = find()
	}
	if k == nil {
		return nil, &Unauthenticated{fmt.Sprintf("the JWT is signed with key %q, which the JWKS does not hold", kid)}
	}
	return k, nil
}

// Verify checks a JWT's signature, issuer, audience and times, and reads its role and actor.
func (v *JWTVerifier) Verify(ctx context.Context, raw string) (Principal, error) {
	tok, err := jwt.ParseSigned(raw, signatureAlgorithms)
	if err != nil {
		return Principal{}, &Unauthenticated{"the JWT cannot be read: " + err.Error()}
	}
	if len(tok.Headers) != 1 {
		return Principal{}, &Unauthenticated{"the JWT must carry one signature"}
	}
	key, err := v.key(ctx, tok.Headers[0].KeyID)
	if err != nil {
		return Principal{}, err
	}
	var std jwt.Claims
	custom := map[string]any{}
	if err := tok.Claims(key.Public(), &std, &custom); err != nil {
		return Principal{}, &Unauthenticated{"the JWT's signature does not verify"}
	}
	if std.Expiry == nil {
		return Principal{}, &Unauthenticated{"the JWT has no expiry (exp)"}
	}
	want := jwt.Expected{Issuer: v.cfg.Issuer, Time: v.cfg.Clock()}
	if v.cfg.Audience != "" {
		want.AnyAudience = jwt.Audience{v.cfg.Audience}
	}
	if err := std.ValidateWithLeeway(want, 30*time.Second); err != nil {
		return Principal{}, &Unauthenticated{"the JWT is not valid here: " + err.Error()}
	}
	role := roleOf(custom[v.cfg.RoleClaim])
	if role == RoleNone {
		return Principal{}, &Unauthenticated{fmt.Sprintf("the JWT's %s claim names no role (reader, editor or admin)", v.cfg.RoleClaim)}
	}
	actor, _ := custom[v.cfg.ActorClaim].(string)
	if actor == "" {
		actor = std.Subject
	}
	return Principal{Actor: actor, Role: role, Via: ViaJWT, TokenID: "jwt:" + std.Subject}, nil
}

// roleOf reads a role claim: a role name or a list of them, the strongest winning.
func roleOf(v any) Role {
	best := RoleNone
	switch c := v.(type) {
	case string:
		if r, err := ParseRole(c); err == nil {
			best = r
		}
	case []any:
		for _, e := range c {
			best = max(best, roleOf(e))
		}
	}
	return best
}
