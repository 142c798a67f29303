// Package server puts cmograph on HTTP: the GraphQL endpoint, the GraphiQL page, the health
// checks an operator's orchestrator polls and /metrics, behind what a shared server needs
// (authentication, host and origin checks, limits, security headers).
package server

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/cmograph/cmograph/graph"
	"github.com/cmograph/cmograph/graph/generated"
	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server/graphiql"
	"github.com/cmograph/cmograph/internal/web"
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

	// Auth says who a request is (nil: open development mode, where every request may do
	// everything and names its actor with X-Cmograph-Actor).
	Auth *auth.Authenticator
	// Tokens keeps the API tokens the admin mutations create and revoke (nil: none).
	Tokens auth.TokenStore
	// AllowedHosts are the host names the server answers to besides IP addresses and
	// localhost ("*": any; nil: no check, as tests drive the handler).
	AllowedHosts []string
	// CORSOrigins may call the API from a browser page of theirs ("*": any origin).
	CORSOrigins []string
	// RateLimit is the requests per second one client (token or address) may make to
	// /graphql, with bursts of RateBurst (0: no limit).
	RateLimit float64
	RateBurst int
	// TrustProxy keys anonymous clients by X-Forwarded-For's last address, for a server behind
	// a reverse proxy.
	TrustProxy bool
	// MaxConcurrent bounds the GraphQL requests served at once (0: no bound).
	MaxConcurrent int
	// NoIntrospection refuses introspection queries; NoGraphiQL serves no GraphiQL page.
	NoIntrospection, NoGraphiQL bool
}

// DefaultRequestTimeout bounds one request: room for an import or an export of a large review.
const DefaultRequestTimeout = 2 * time.Minute

// NewGraphQL returns the GraphQL endpoint alone, as tests drive it.
func NewGraphQL(opts Options) *handler.Server {
	return newGraphQL(opts, nil, newAnswerPOST())
}

// use installs an extension on the endpoint, refusing one that intercepts fields: the
// generated executor writes String! and ID! properties without calling the field middleware
// (cmd/gqlgen), so such an interceptor would miss half the fields of an answer.
func use(srv *handler.Server, ext graphql.HandlerExtension) {
	if _, ok := ext.(graphql.FieldInterceptor); ok {
		panic(fmt.Sprintf("server: %s intercepts fields, which the generated executor does not call for every field (see cmd/gqlgen)", ext.ExtensionName()))
	}
	srv.Use(ext)
}

// newGraphQL builds the endpoint with post as its transport for JSON bodies.
func newGraphQL(opts Options, m *metrics, post graphql.Transport) *handler.Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	analyst := opts.Analyst
	if analyst == nil {
		analyst = analysis.New(opts.Store)
	}
	store := opts.Store
	if m != nil {
		store = timedStore{Store: store, m: m}
	}
	cfg := generated.Config{Resolvers: &graph.Resolver{Store: store, Analyst: analyst, Logger: opts.Logger, Clock: opts.Clock, Tokens: opts.Tokens}}
	weighComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(post)
	// uploads for importFiles: a body may hold files up to an import's limit; parts beyond
	// MaxUploadMemory go to temporary files rather than memory
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: MaxUploadBytes, MaxMemory: MaxUploadMemory})
	var queries graphql.Cache[*ast.QueryDocument] = lru.New[*ast.QueryDocument](1000)
	var persisted graphql.Cache[string] = lru.New[string](100)
	if m != nil {
		queries, persisted = countCache(m, "documents", queries), countCache(m, "persisted_queries", persisted)
		use(srv, operationObserver{m})
	}
	srv.SetQueryCache(queries)
	srv.SetParserTokenLimit(MaxTokens)
	use(srv, documentLimits{})
	if opts.NoIntrospection {
		use(srv, noIntrospection{})
	} else {
		use(srv, extension.Introspection{})
	}
	use(srv, extension.AutomaticPersistedQuery{Cache: persisted})
	use(srv, graph.AccessControl{})
	use(srv, extension.FixedComplexityLimit(MaxComplexity))
	use(srv, depthLimit{max: MaxDepth})
	use(srv, introspectionLimit{})
	use(srv, errorCap{})
	use(srv, &graph.MutationGuard{})
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
	authn := opts.Auth
	if authn == nil {
		authn = &auth.Authenticator{Anonymous: auth.RoleAdmin}
	}
	m := newMetrics()
	var limiter *clientLimiter
	if opts.RateLimit > 0 {
		limiter = newClientLimiter(opts.RateLimit, opts.RateBurst, time.Now)
	}
	// an anonymous client names itself, which counts only where it may write (open
	// development mode); with credentials the actor is the token's, never a header's
	var gql http.Handler = graph.WithActor(graph.WithLoaders(opts.Store, opts.LoaderWait, newGraphQL(opts, m, newAnswerPOST())))
	gql = limitBody(requirePreflightForUploads(gql))
	gql = withDeadline(cmp.Or(opts.RequestTimeout, DefaultRequestTimeout), gql)
	gql = authenticate(authn, opts.Logger, rateLimit(limiter, opts.TrustProxy, limitConcurrency(opts.MaxConcurrent, queueWait, gql)))

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	if !opts.NoGraphiQL {
		mux.Handle("GET /graphiql", graphiql.Handler("/graphql"))
		mux.Handle("GET "+graphiql.AssetPrefix, graphiql.Assets())
	}
	// the reviewers' pages, built on /graphql alone
	mux.Handle("GET /{$}", web.Handler())
	mux.Handle("GET "+web.AssetPrefix, web.Handler())
	mux.Handle("GET /metrics", authenticate(authn, opts.Logger, requireReader(m.handler())))
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
	return securityHeaders(logRequests(opts.Logger, m, checkHost(opts.AllowedHosts, cors(opts.CORSOrigins, mux))))
}

// queueWait is how long a request waits for a free slot when MaxConcurrent are running.
const queueWait = 2 * time.Second

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data")
}

// requirePreflightForUploads refuses a multipart request that carries none of the headers a
// browser cannot send cross-site without asking first: a form on another site could otherwise
// post files into the knowledge base (the same rule Apollo Server applies).
func requirePreflightForUploads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isMultipart(r) && r.Header.Get(graph.ActorHeader) == "" && r.Header.Get("Authorization") == "" &&
			r.Header.Get("GraphQL-Preflight") == "" && r.Header.Get("Apollo-Require-Preflight") == "" {
			writeStatus(w, http.StatusBadRequest, "refused", "an upload must carry an Authorization, "+graph.ActorHeader+" or GraphQL-Preflight header")
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

// Unwrap lets http.ResponseController reach the connection.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes the access log (never a header, so never a token) and counts requests.
func logRequests(logger *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
		m.requests.WithLabelValues(pathLabel(r.URL.Path), strconv.Itoa(rec.status)).Inc()
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || strings.HasPrefix(r.URL.Path, graphiql.AssetPrefix) {
			return // probes and static files would drown the log
		}
		info.mu.Lock()
		defer info.mu.Unlock()
		logger.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"operation", info.operation, "outcome", info.outcome, "actor", info.actor,
			"duration", time.Since(start).Round(time.Microsecond))
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
