package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// What a field costs beyond what it selects, in complexity points (MaxComplexity in all). The
// complexity of a selection counts fields and list sizes, which says nothing of a field that
// reads the whole graph: 20 aliased exports of the 10,000-CMOC corpus in a 731-byte query
// passed 8 GB, 200 aliased comparisons took 5 s. Each weight is set from what the field costs
// on that corpus, so that one request holds at most one export or import, a few dozen
// comparisons or suggestion lists, and a hundred or so dashboard questions.
var fieldCosts = map[string]int{
	"Query.export":            MaxComplexity/2 + 1,
	"Mutation.importFiles":    MaxComplexity/2 + 1,
	"Query.compareTheories":   200_000,
	"Query.suggestAlignments": 200_000,
	"Query.suggestCMOCs":      200_000,
	"Query.chains":            100_000,
	"Query.demiRegularities":  100_000,
	"Query.elementMatrix":     50_000,
	"Query.cmocCounts":        50_000,
	"Query.gaps":              50_000,
	"Query.evidence":          50_000,
	"Query.search":            20_000,
}

// fieldCost is what the field costs of its own: 1 for a field that reads what its parent read.
func fieldCost(typeName, field string) int {
	if c, ok := fieldCosts[typeName+"."+field]; ok {
		return c
	}
	return 1
}

// Introspection bounds. A client asks for the schema once (GraphiQL does, a code generator
// does); 500 aliased __schema fields gave a 46 MB answer after 11 s.
const (
	MaxSchemaFields = 1
	MaxTypeFields   = 50
)

// introspectionLimit refuses an operation that asks for the schema more often than a client
// needs, before anything runs. gqlgen's complexity does not count introspection.
type introspectionLimit struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = introspectionLimit{}

func (introspectionLimit) ExtensionName() string                   { return "IntrospectionLimit" }
func (introspectionLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (introspectionLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	counts := map[string]int{}
	countIntrospection(oc.Operation.SelectionSet, oc.Doc.Fragments, counts, 0)
	for name, max := range map[string]int{"__schema": MaxSchemaFields, "__type": MaxTypeFields} {
		if counts[name] > max {
			return &gqlerror.Error{Message: fmt.Sprintf("the operation asks for %s %d times; at most %d", name, counts[name], max),
				Extensions: map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED"}}
		}
	}
	return nil
}

func countIntrospection(set ast.SelectionSet, frags ast.FragmentDefinitionList, counts map[string]int, depth int) {
	if depth > 100 { // fragment cycles are a validation error already; never loop
		return
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				counts[s.Name]++
				continue
			}
			countIntrospection(s.SelectionSet, frags, counts, depth+1)
		case *ast.InlineFragment:
			countIntrospection(s.SelectionSet, frags, counts, depth+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				countIntrospection(f.SelectionSet, frags, counts, depth+1)
			}
		}
	}
}

// MaxErrors bounds the errors of one response: past it a client learns how many more there
// were, not each one.
const MaxErrors = 100

// errorCap keeps the first MaxErrors errors of a response and says how many it left out.
type errorCap struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = errorCap{}

func (errorCap) ExtensionName() string                   { return "ErrorCap" }
func (errorCap) Validate(graphql.ExecutableSchema) error { return nil }
func (errorCap) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) <= MaxErrors {
		return resp
	}
	left := len(resp.Errors) - MaxErrors
	resp.Errors = append(resp.Errors[:MaxErrors:MaxErrors], &gqlerror.Error{
		Message:    fmt.Sprintf("%d more errors left out; fix these first", left),
		Extensions: map[string]any{"code": "TOO_MANY_ERRORS", "leftOut": left},
	})
	return resp
}
