// Package auth says who a request comes from and what it may do: API tokens (kept hashed,
// shown once), optionally JWTs from an OIDC provider, and the roles reader, editor and admin.
package auth

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a principal may do; each role may do everything the ones below it may.
type Role int

// Roles, weakest first. RoleNone is an anonymous client of a server that lets no one in
// without credentials.
const (
	RoleNone Role = iota
	RoleReader
	RoleEditor
	RoleAdmin
)

// Roles lists the roles a token can carry.
var Roles = []Role{RoleReader, RoleEditor, RoleAdmin}

func (r Role) String() string {
	switch r {
	case RoleReader:
		return "reader"
	case RoleEditor:
		return "editor"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// ParseRole reads a role name (reader, editor or admin, any case).
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if strings.EqualFold(strings.TrimSpace(s), r.String()) {
			return r, nil
		}
	}
	return RoleNone, fmt.Errorf("role %q: use reader, editor or admin", s)
}

// MarshalText implements encoding.TextMarshaler, so files and JSON hold role names.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	*r = v
	return err
}

// Principal is who a request comes from.
type Principal struct {
	// Actor is recorded as createdBy/updatedBy: the token's name, or the JWT's subject.
	Actor string
	Role  Role
	// Via says how the principal was established: "token", "jwt" or "anonymous".
	Via string
	// TokenID is the token's id (for "token"), the JWT's subject (for "jwt"); the rate limit
	// keys clients by it.
	TokenID string
}

// Anonymous reports whether the request carried no credentials.
func (p Principal) Anonymous() bool { return p.Via == ViaAnonymous }

// How a principal was established.
const (
	ViaAnonymous = "anonymous"
	ViaToken     = "token"
	ViaJWT       = "jwt"
)

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
