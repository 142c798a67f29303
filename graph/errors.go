package graph

import (
	"context"
	"errors"
	"log/slog"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/internal/kb"
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
			// gqlgen's own (validation, parsing) already carry a code
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
