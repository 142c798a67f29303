package server

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// noIntrospection refuses, before anything runs and with a code a client can read, an
// operation that asks for the schema when the operator switched introspection off. (gqlgen's
// own refusal surfaces as an internal error.)
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (noIntrospection) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil || !asksForSchema(oc.Operation.SelectionSet, oc.Doc.Fragments, 0) {
		return nil
	}
	return &gqlerror.Error{Message: "introspection is switched off on this server",
		Extensions: map[string]any{"code": "INTROSPECTION_DISABLED"}}
}

// asksForSchema reports whether a selection set, at any depth, selects __schema or __type.
func asksForSchema(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) bool {
	if depth > 100 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || asksForSchema(s.SelectionSet, frags, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if asksForSchema(s.SelectionSet, frags, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && asksForSchema(f.SelectionSet, frags, depth+1) {
				return true
			}
		}
	}
	return false
}
