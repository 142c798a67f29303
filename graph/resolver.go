// Package graph is cmograph's GraphQL API: the schema in schema/, resolvers here, gqlgen's
// generated code in generated/. Resolvers read through request-scoped loaders so that a nested
// query costs a bounded number of store round trips, and write through one kb.Change per
// mutation so a mutation happens entirely or not at all.
package graph

import (
	"log/slog"
	"time"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/kb"
)

// Resolver is the root resolver; it holds what every request shares.
type Resolver struct {
	Store kb.Store
	// Analyst answers the cross-study questions; one per server, so that what it keeps of the
	// corpus between writes serves every request (nil: one per question).
	Analyst *analysis.Analyst
	Logger  *slog.Logger
	// Clock stamps changes; nil means the store's clock.
	Clock func() time.Time
	// Tokens keeps the API tokens that admins create and revoke (nil: none).
	Tokens auth.TokenStore
}

func (r *Resolver) analyst() *analysis.Analyst {
	if r.Analyst != nil {
		return r.Analyst
	}
	return analysis.New(r.Store)
}
