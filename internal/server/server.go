// Package server puts cmograph on HTTP: the GraphQL endpoint, the GraphiQL page and the health
// checks an operator's orchestrator polls.
package server

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/cmograph/cmograph/graph"
	"github.com/cmograph/cmograph/graph/generated"
	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/vektah/gqlparser/v2/ast"
)

// Limits a client's query is held to.
const (
	// MaxComplexity bounds the estimated work of one operation: a list field counts its page
	// size (or NestedListWeight for unpaged lists) times what it selects.
	MaxComplexity = 5_000_000
	// MaxDepth bounds how deeply selections nest.
	MaxDepth = 15
	// MaxBodyBytes bounds a request body.
	MaxBodyBytes = 2 << 20
)

// Upload bounds: a request may carry a few files of an import's size.
const (
	MaxUploadBytes  = 4 * document.MaxFileSize
	MaxUploadMemory = 32 << 20
)

// Options configure the handler.
type Options struct {
	Store kb.Store
	// Analyst answers the cross-study questions (nil: one over Store); pass one to warm it.
	Analyst *analysis.Analyst
	Logger  *slog.Logger
	Clock   func() time.Time
	// LoaderWait is how long request loaders gather keys before a batched read (0: default).
	LoaderWait time.Duration
	// RequestTimeout bounds the work of one GraphQL request (0: DefaultRequestTimeout); a
	// request whose client goes away stops too.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout bounds one request: room for an import or an export of a large review.
const DefaultRequestTimeout = 2 * time.Minute

// NewGraphQL returns the GraphQL endpoint alone, as tests drive it.
func NewGraphQL(opts Options) *handler.Server {
	analyst := opts.Analyst
	if analyst == nil {
		analyst = analysis.New(opts.Store)
	}
	cfg := generated.Config{Resolvers: &graph.Resolver{Store: opts.Store, Analyst: analyst, Logger: opts.Logger, Clock: opts.Clock}}
	weighComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	// uploads for importFiles: a body may hold files up to an import's limit; parts beyond
	// MaxUploadMemory go to temporary files rather than memory
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: MaxUploadBytes, MaxMemory: MaxUploadMemory})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(MaxTokens)
	srv.Use(documentLimits{})
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(extension.FixedComplexityLimit(MaxComplexity))
	srv.Use(depthLimit{max: MaxDepth})
	srv.Use(introspectionLimit{})
	srv.Use(errorCap{})
	srv.Use(&graph.MutationGuard{})
	srv.SetErrorPresenter(graph.ErrorPresenter(opts.Logger))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		opts.Logger.ErrorContext(ctx, "resolver panicked", "panic", p)
		return graphql.ErrorOnPath(ctx, errInternal)
	})
	return srv
}

type internalError struct{}

func (internalError) Error() string { return "internal error" }

var errInternal error = internalError{}

// New returns the whole HTTP handler.
func New(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	gql := graph.WithActor(graph.WithLoaders(opts.Store, opts.LoaderWait, NewGraphQL(opts)))
	mux.Handle("/graphql", withDeadline(cmp.Or(opts.RequestTimeout, DefaultRequestTimeout), limitBody(requirePreflightForUploads(gql))))
	mux.Handle("GET /{$}", playground.Handler("cmograph", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusOK, "ok", "")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := opts.Store.Ready(ctx); err != nil {
			opts.Logger.WarnContext(ctx, "not ready", "err", err)
			writeStatus(w, http.StatusServiceUnavailable, "unavailable", "the store does not answer")
			return
		}
		writeStatus(w, http.StatusOK, "ok", "")
	})
	return logRequests(opts.Logger, mux)
}

// limitBody caps a request body: a plain GraphQL request at MaxBodyBytes, an upload at
// MaxUploadBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(MaxBodyBytes)
		if isMultipart(r) {
			limit = MaxUploadBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// requirePreflightForUploads refuses a multipart request that carries none of the headers a
// browser cannot send cross-site without asking first: a form on another site could otherwise
// post files into the knowledge base (the same rule Apollo Server applies).
func requirePreflightForUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isMultipart(r) && r.Header.Get(graph.ActorHeader) == "" && r.Header.Get("GraphQL-Preflight") == "" && r.Header.Get("Apollo-Require-Preflight") == "" {
			writeStatus(w, http.StatusBadRequest, "refused", "an upload must carry an "+graph.ActorHeader+" or GraphQL-Preflight header")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeStatus(w http.ResponseWriter, code int, status, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	body := map[string]string{"status": status}
	if detail != "" {
		body["detail"] = detail
	}
	_ = json.NewEncoder(w).Encode(body)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		logger.DebugContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"duration", time.Since(start))
	})
}

// withDeadline gives a request's work a deadline. Its context also ends when the client goes
// away, so every store call and every question stops with it.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
