package graph

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/graph/generated"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes clients can rely on, in extensions.code.
const (
	CodeNotFound     = "NOT_FOUND"
	CodeBadUserInput = "BAD_USER_INPUT"
	CodeConflict     = "CONFLICT"
	CodeForbidden    = "FORBIDDEN"
	CodeInternal     = "INTERNAL"
)

// ErrorPresenter gives every error a code and, for domain errors, the input field at fault
// (extensions.field, e.g. "input.year"); anything unexpected is logged and shown only as an
// internal error, so internals never leak.
func ErrorPresenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		wasGQL := errors.As(err, &gqlErr)
		out := graphql.DefaultErrorPresenter(ctx, err)
		var de *kb.Error
		switch {
		case errors.As(err, &de):
			out.Message = de.Error()
			out.Extensions = map[string]any{"code": codeOf(de.Kind)}
			if de.Path != "" {
				out.Extensions["field"] = de.Path
			}
		case wasGQL && gqlErr.Extensions != nil && gqlErr.Extensions["code"] != nil:
			// gqlgen's own (validation, parsing) already carry a code; a wrong enum value is
			// told which values there are
			out.Message = withEnumValues(out.Message)
		case wasGQL && gqlErr.Err == nil:
			// argument coercion: the client sent a value the schema refuses
			if out.Extensions == nil {
				out.Extensions = map[string]any{}
			}
			out.Extensions["code"] = CodeBadUserInput
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			out.Message = "the request was cancelled or took too long"
			out.Extensions = map[string]any{"code": CodeInternal}
		default:
			logger.ErrorContext(ctx, "resolver failed", "path", out.Path.String(), "err", err)
			out.Message = "internal error"
			out.Extensions = map[string]any{"code": CodeInternal}
		}
		return out
	}
}

// Where gqlparser names an enum a value is not in: a literal in the query, or a variable.
var (
	enumLiteral  = regexp.MustCompile(`^Value "[^"]*" does not exist in "(\w+)" enum\.`)
	enumVariable = regexp.MustCompile(`^\S+ is not a valid (\w+)$`)
)

// withEnumValues adds the allowed values to a message saying a value is not in an enum, so a
// client need not look the enum up.
func withEnumValues(msg string) string {
	m := enumLiteral.FindStringSubmatch(msg)
	if m == nil {
		m = enumVariable.FindStringSubmatch(msg)
	}
	if m == nil {
		return msg
	}
	def := generated.NewExecutableSchema(generated.Config{}).Schema().Types[m[1]]
	if def == nil || def.Kind != ast.Enum {
		return msg
	}
	names := make([]string, len(def.EnumValues))
	for i, v := range def.EnumValues {
		names[i] = v.Name
	}
	return strings.TrimSuffix(msg, ".") + "; one of " + strings.Join(names, ", ")
}

func codeOf(sentinel error) string {
	switch sentinel {
	case kb.ErrNotFound:
		return CodeNotFound
	case kb.ErrConflict:
		return CodeConflict
	case kb.ErrInvalid:
		return CodeBadUserInput
	}
	return CodeInternal
}
