package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Authenticator turns a request's credentials into a principal.
type Authenticator struct {
	// Tokens checks API tokens (nil: none are accepted).
	Tokens TokenStore
	// JWT checks JWTs from an OIDC provider (nil: none are accepted).
	JWT *JWTVerifier
	// Anonymous is what a request without credentials may do: RoleAdmin in open development
	// mode, RoleReader in public read-only mode, RoleNone when credentials are required.
	Anonymous Role
	// OpenWhileNoTokens makes an anonymous request an admin while Tokens holds no token: a
	// server started open closes as soon as someone creates a token, without a restart.
	OpenWhileNoTokens bool
}

// Unauthenticated is an error a client caused by its credentials: it answers 401.
type Unauthenticated struct{ Reason string }

func (e *Unauthenticated) Error() string { return e.Reason }

// IsUnauthenticated reports whether err is the client's credentials' fault.
func IsUnauthenticated(err error) bool {
	var u *Unauthenticated
	return errors.As(err, &u)
}

// Authenticate reads the Authorization header. A request without one is anonymous (with
// a.Anonymous's rights); one with a header that is not a valid token or JWT is refused, never
// treated as anonymous, so a client with a revoked token learns it.
func (a *Authenticator) Authenticate(r *http.Request) (Principal, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		role := a.Anonymous
		if a.OpenWhileNoTokens {
			open, err := a.noTokens(r.Context())
			if err != nil {
				return Principal{}, err
			}
			if open {
				role = RoleAdmin
			}
		}
		return Principal{Role: role, Via: ViaAnonymous}, nil
	}
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return Principal{}, &Unauthenticated{"the Authorization header must be `Bearer <token>`"}
	}
	return a.verify(r.Context(), cred)
}

func (a *Authenticator) noTokens(ctx context.Context) (bool, error) {
	if a.Tokens == nil {
		return true, nil
	}
	ts, err := a.Tokens.List(ctx)
	if err != nil {
		return false, fmt.Errorf("checking for tokens: %w", err)
	}
	return len(ts) == 0, nil
}

func (a *Authenticator) verify(ctx context.Context, cred string) (Principal, error) {
	if strings.HasPrefix(cred, SecretPrefix) {
		if a.Tokens == nil {
			return Principal{}, &Unauthenticated{"this server accepts no API tokens"}
		}
		t, ok, err := a.Tokens.Lookup(ctx, cred)
		if err != nil {
			return Principal{}, fmt.Errorf("checking a token: %w", err)
		}
		if !ok {
			return Principal{}, &Unauthenticated{"the token is not valid (revoked, or never issued here)"}
		}
		return Principal{Actor: t.Name, Role: t.Role, Via: ViaToken, TokenID: t.ID}, nil
	}
	if strings.Count(cred, ".") == 2 {
		if a.JWT == nil {
			return Principal{}, &Unauthenticated{"this server accepts no JWTs"}
		}
		return a.JWT.Verify(ctx, cred)
	}
	return Principal{}, &Unauthenticated{"the bearer credential is neither a cmograph token (cmo_…) nor a JWT"}
}
