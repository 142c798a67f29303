package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Token is an API token as kept: its secret is never stored, only its SHA-256. A token's
// secret is 32 random bytes, so a plain hash (not a slow password hash) cannot be guessed back.
type Token struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Hash      string    `json:"sha256"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy string    `json:"createdBy"`
}

// SecretPrefix starts every token secret, so that one pasted into a chat or committed to a
// repository is recognisable (and scanners can look for it).
const SecretPrefix = "cmo_"

// ErrNotFound is returned for a token id that does not exist.
var ErrNotFound = errors.New("no such token")

// TokenStore keeps API tokens.
type TokenStore interface {
	// Create makes a token and returns it with its secret, which is shown once and kept by
	// nobody.
	Create(ctx context.Context, name string, role Role, by string) (Token, string, error)
	// List returns every token, oldest first.
	List(ctx context.Context) ([]Token, error)
	// Revoke deletes a token; requests carrying it are refused from then on.
	Revoke(ctx context.Context, id string) (Token, error)
	// Lookup finds the token whose secret this is.
	Lookup(ctx context.Context, secret string) (Token, bool, error)
}

// NewToken makes a token's record and its secret. Stores call it so that every store makes
// tokens alike.
func NewToken(name string, role Role, by string, now time.Time) (Token, string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return Token{}, "", errors.New("name: give the token a name (who or what uses it); it is recorded as the actor of its changes")
	case utf8.RuneCountInString(name) > 100 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return Token{}, "", errors.New("name: at most 100 characters and no control characters")
	case role < RoleReader || role > RoleAdmin:
		return Token{}, "", fmt.Errorf("role: use reader, editor or admin")
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Token{}, "", fmt.Errorf("making a token: %w", err)
	}
	var id [6]byte
	if _, err := rand.Read(id[:]); err != nil {
		return Token{}, "", fmt.Errorf("making a token: %w", err)
	}
	secret := SecretPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	return Token{ID: "tok_" + hex.EncodeToString(id[:]), Name: name, Role: role, Hash: HashSecret(secret),
		CreatedAt: now.UTC().Truncate(time.Second), CreatedBy: by}, secret, nil
}

// HashSecret is what a store keeps of a secret.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
