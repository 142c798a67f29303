package graph

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// MutationGuard keeps a request's mutation fields from writing past a failure. GraphQL runs
// a request's mutation fields one after another, each its own change; when one fails, a
// non-null field turns the whole data to null, which hid that fields before it, or after it,
// had written. With the guard, the first failure stops the request: fields after it are not
// run (each answers "not applied"), and the response says in extensions.mutation which
// fields were applied, which failed and which were not applied.
//
// gqlgen hands the interceptors contexts that do not carry each other's values, so the
// reports are kept by the request's operation context, from the operation's start to its
// response.
type MutationGuard struct {
	reports sync.Map // *graphql.OperationContext -> *mutationReport
}

var (
	_ graphql.HandlerExtension     = (*MutationGuard)(nil)
	_ graphql.OperationInterceptor = (*MutationGuard)(nil)
	_ graphql.RootFieldInterceptor = (*MutationGuard)(nil)
	_ graphql.ResponseInterceptor  = (*MutationGuard)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*MutationGuard) ExtensionName() string { return "MutationGuard" }

// Validate implements graphql.HandlerExtension.
func (*MutationGuard) Validate(graphql.ExecutableSchema) error { return nil }

func (g *MutationGuard) report(ctx context.Context) (*mutationReport, bool) {
	op := operationContext(ctx)
	if op == nil {
		return nil, false
	}
	r, ok := g.reports.Load(op)
	if !ok {
		return nil, false
	}
	return r.(*mutationReport), true
}

// CodeNotApplied marks a mutation field skipped because an earlier one failed.
const CodeNotApplied = "NOT_APPLIED"

// ErrNotApplied is the error of a mutation field skipped after a failure.
var ErrNotApplied = errors.New("not applied: an earlier mutation field of this request failed, and a request stops at its first failure")

// mutationReport is what extensions.mutation says.
type mutationReport struct {
	mu         sync.Mutex
	Applied    []string `json:"applied"`
	Failed     string   `json:"failed,omitempty"`
	NotApplied []string `json:"notApplied"`
}

// InterceptOperation implements graphql.OperationInterceptor.
func (g *MutationGuard) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if op := operationContext(ctx); op != nil && op.Operation != nil && op.Operation.Operation == ast.Mutation {
		g.reports.Store(op, &mutationReport{Applied: []string{}, NotApplied: []string{}})
	}
	return next(ctx)
}

// InterceptRootField implements graphql.RootFieldInterceptor.
func (g *MutationGuard) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	// only a mutation operation has a report, so every root field here is a mutation field
	report, ok := g.report(ctx)
	rfc := graphql.GetRootFieldContext(ctx)
	if !ok || rfc == nil {
		return next(ctx)
	}
	name := rfc.Field.Alias
	report.mu.Lock()
	failed := report.Failed != ""
	if failed {
		report.NotApplied = append(report.NotApplied, name)
	}
	report.mu.Unlock()
	if failed {
		e := &notApplied{field: name, after: report.Failed}
		graphql.AddError(ctx, &gqlerror.Error{Message: e.Error(), Path: ast.Path{ast.PathName(name)}, Err: e,
			Extensions: map[string]any{"code": CodeNotApplied}})
		return graphql.Null
	}
	before := len(graphql.GetErrors(ctx))
	out := next(ctx)
	report.mu.Lock()
	if len(graphql.GetErrors(ctx)) > before {
		report.Failed = name
	} else {
		report.Applied = append(report.Applied, name)
	}
	report.mu.Unlock()
	return out
}

// InterceptResponse implements graphql.ResponseInterceptor: a request that stopped at a
// failure says what it applied.
func (g *MutationGuard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	report, ok := g.report(ctx)
	if !ok {
		return resp
	}
	g.reports.Delete(operationContext(ctx))
	if resp == nil {
		return resp
	}
	report.mu.Lock()
	defer report.mu.Unlock()
	if report.Failed == "" {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["mutation"] = map[string]any{"applied": report.Applied, "failed": report.Failed, "notApplied": report.NotApplied}
	return resp
}

// notApplied is the error a skipped field answers with, at its own path.
type notApplied struct{ field, after string }

func (e *notApplied) Error() string {
	return fmt.Sprintf("%s: %v (%s failed)", e.field, ErrNotApplied, e.after)
}

func (e *notApplied) Unwrap() error { return ErrNotApplied }
