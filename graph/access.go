package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeUnauthenticated marks a request that needs credentials and carried none.
const CodeUnauthenticated = "UNAUTHENTICATED"

// openPrincipal is who a request is when nothing authenticated it: a handler without the
// server's authentication in front (tests, benchmarks) is open development mode.
var openPrincipal = auth.Principal{Role: auth.RoleAdmin, Via: auth.ViaAnonymous}

func principalOf(ctx context.Context) auth.Principal {
	if p, ok := auth.PrincipalFrom(ctx); ok {
		return p
	}
	return openPrincipal
}

// adminFields are the root fields only an admin may use; every other mutation field needs an
// editor and every other query field a reader, so a mutation added to the schema is closed to
// readers without anyone remembering to.
var adminFields = map[string]bool{"createApiToken": true, "revokeApiToken": true, "apiTokens": true}

// openFields anyone may ask, even without credentials: they reveal nothing of the review.
var openFields = map[string]bool{"viewer": true, "__typename": true}

// RequiredRole is the role a root field of an operation of the given type needs.
func RequiredRole(op ast.Operation, field string) auth.Role {
	switch {
	case adminFields[field]:
		return auth.RoleAdmin
	case openFields[field]:
		return auth.RoleNone
	case op == ast.Mutation || op == ast.Subscription:
		return auth.RoleEditor
	}
	return auth.RoleReader
}

// AccessControl refuses, before anything runs, an operation with a root field the request's
// principal may not use: FORBIDDEN for a principal whose role is too weak, UNAUTHENTICATED
// for a request without credentials.
type AccessControl struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = AccessControl{}

// ExtensionName implements graphql.HandlerExtension.
func (AccessControl) ExtensionName() string { return "AccessControl" }

// Validate implements graphql.HandlerExtension.
func (AccessControl) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext implements graphql.OperationContextMutator.
func (AccessControl) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	p := principalOf(ctx)
	for _, name := range rootFields(oc.Operation.SelectionSet, oc.Doc.Fragments, 0) {
		need := RequiredRole(oc.Operation.Operation, name)
		if p.Role >= need {
			continue
		}
		if p.Anonymous() {
			return &gqlerror.Error{Message: fmt.Sprintf("%s needs credentials: send a token of the %s role or stronger as Authorization: Bearer cmo_…", name, need),
				Extensions: map[string]any{"code": CodeUnauthenticated}}
		}
		return &gqlerror.Error{Message: fmt.Sprintf("%s needs the %s role; %q is a %s", name, need, p.Actor, p.Role),
			Extensions: map[string]any{"code": CodeForbidden}}
	}
	return nil
}

// rootFields names the fields of a selection set, through fragments.
func rootFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) []string {
	if depth > 100 { // fragment cycles fail validation already; never loop
		return nil
	}
	var out []string
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			out = append(out, s.Name)
		case *ast.InlineFragment:
			out = append(out, rootFields(s.SelectionSet, frags, depth+1)...)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				out = append(out, rootFields(f.SelectionSet, frags, depth+1)...)
			}
		}
	}
	return out
}

// viewer says who the request is.
func viewer(ctx context.Context) *model.Viewer {
	p := principalOf(ctx)
	v := &model.Viewer{Actor: p.Actor, Via: strings.ToUpper(p.Via)}
	if p.Role != auth.RoleNone {
		r := roleToModel(p.Role)
		v.Role = &r
	}
	return v
}

func roleToModel(r auth.Role) model.Role { return model.Role(strings.ToUpper(r.String())) }

func roleFromModel(r model.Role) (auth.Role, error) { return auth.ParseRole(string(r)) }

var errNoTokens = errors.New("this server keeps no API tokens: start it with a tokens file (--tokens)")

func (r *Resolver) createToken(ctx context.Context, in model.CreateAPITokenInput) (*model.CreatedAPIToken, error) {
	if r.Tokens == nil {
		return nil, errNoTokens
	}
	role, err := roleFromModel(in.Role)
	if err != nil {
		return nil, badInput("input.role", err)
	}
	t, secret, err := r.Tokens.Create(ctx, in.Name, role, actorOf(ctx))
	if err != nil {
		return nil, badInput("input.name", err)
	}
	return &model.CreatedAPIToken{Token: &t, Secret: secret}, nil
}

func (r *Resolver) revokeToken(ctx context.Context, in model.RevokeAPITokenInput) (*auth.Token, error) {
	if r.Tokens == nil {
		return nil, errNoTokens
	}
	t, err := r.Tokens.Revoke(ctx, in.ID)
	if errors.Is(err, auth.ErrNotFound) {
		return nil, &gqlerror.Error{Message: "input.id: " + err.Error(), Extensions: map[string]any{"code": CodeNotFound, "field": "input.id"}}
	}
	return &t, err
}

func (r *Resolver) listTokens(ctx context.Context) ([]auth.Token, error) {
	if r.Tokens == nil {
		return nil, errNoTokens
	}
	return r.Tokens.List(ctx)
}

// badInput reports a refused input field: the auth package's errors name the field first.
func badInput(field string, err error) error {
	msg := err.Error()
	if !strings.HasPrefix(msg, strings.TrimPrefix(field, "input.")) {
		msg = field + ": " + msg
	} else {
		msg = "input." + msg
	}
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeBadUserInput, "field": field}}
}
