package server

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what /metrics exposes, in a registry of the server's own (no global state).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	ops        *prometheus.CounterVec
	opDuration *prometheus.HistogramVec
	store      *prometheus.HistogramVec
	cache      *prometheus.CounterVec

	mu    sync.Mutex
	names map[string]bool
}

// maxOperationNames bounds the operation names kept as label values: clients choose them, and
// each distinct one is a time series. Past the bound, new names count as "other".
const maxOperationNames = 200

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cmograph_http_requests_total",
			Help: "HTTP requests by path and status code."}, []string{"path", "code"}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cmograph_graphql_operations_total",
			Help: "GraphQL operations by operation name (unnamed when the document names none) and outcome (ok, or the first error's code in lower case)."},
			[]string{"operation", "outcome"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cmograph_graphql_operation_duration_seconds",
			Help: "How long GraphQL operations take, by operation name.", Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)},
			[]string{"operation"}),
		store: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "cmograph_store_call_duration_seconds",
			Help:    "How long store calls take, by call (on Neo4j a read plan is one statement) and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.0002, 2.5, 13)}, []string{"call", "outcome"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "cmograph_cache_requests_total",
			Help: "Lookups in the server's caches (parsed documents, persisted queries), by cache and result (hit or miss)."},
			[]string{"cache", "result"}),
		names: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.ops, m.opDuration, m.store, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// label bounds an operation name as a label value.
func (m *metrics) label(name string) string {
	switch {
	case name == "":
		return "unnamed"
	case !operationName.MatchString(name):
		return "other"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.names[name] {
		return name
	}
	if len(m.names) >= maxOperationNames {
		return "other"
	}
	m.names[name] = true
	return name
}

// pathLabel bounds a request path as a label value.
func pathLabel(p string) string {
	switch {
	case p == "/graphql", p == "/graphiql", p == "/metrics", p == "/healthz", p == "/readyz", p == "/":
		return p
	case strings.HasPrefix(p, "/graphiql/"):
		return "/graphiql/assets"
	}
	return "other"
}

// requestInfo is what the access log and the metrics learn of a request as it is served.
type requestInfo struct {
	mu        sync.Mutex
	operation string
	outcome   string
	actor     string
}

type requestInfoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if i, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{}
}

func (i *requestInfo) set(f func(*requestInfo)) {
	i.mu.Lock()
	defer i.mu.Unlock()
	f(i)
}

// knownCodes are the error codes an outcome may name; anything else is "error".
var knownCodes = map[string]bool{"NOT_FOUND": true, "BAD_USER_INPUT": true, "CONFLICT": true, "FORBIDDEN": true,
	"UNAUTHENTICATED": true, "INTERNAL": true, "NOT_APPLIED": true, "QUERY_TOO_LARGE": true, "DEPTH_LIMIT_EXCEEDED": true,
	"COMPLEXITY_LIMIT_EXCEEDED": true, "GRAPHQL_VALIDATION_FAILED": true, "GRAPHQL_PARSE_FAILED": true,
	"PERSISTED_QUERY_NOT_FOUND": true, "PERSISTED_QUERY_NOT_SUPPORTED": true, "INTROSPECTION_DISABLED": true}

// operationObserver is the GraphQL extension that counts and times operations and tells the
// access log their names and outcomes.
type operationObserver struct{ m *metrics }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = operationObserver{}

func (operationObserver) ExtensionName() string                   { return "OperationObserver" }
func (operationObserver) Validate(graphql.ExecutableSchema) error { return nil }

func (o operationObserver) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	name := ""
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if oc.Operation != nil && oc.Operation.Name != "" {
			name = oc.Operation.Name
		}
	}
	outcome := "ok"
	if resp != nil && len(resp.Errors) > 0 {
		outcome = "error"
		if code, _ := resp.Errors[0].Extensions["code"].(string); knownCodes[code] {
			outcome = strings.ToLower(code)
		}
	}
	label := o.m.label(name)
	o.m.ops.WithLabelValues(label, outcome).Inc()
	o.m.opDuration.WithLabelValues(label).Observe(time.Since(start).Seconds())
	infoOf(ctx).set(func(i *requestInfo) { i.operation, i.outcome = name, outcome })
	return resp
}

// countingCache counts a cache's hits and misses.
type countingCache[T any] struct {
	graphql.Cache[T]
	hits, misses prometheus.Counter
}

func countCache[T any](m *metrics, name string, c graphql.Cache[T]) graphql.Cache[T] {
	return countingCache[T]{Cache: c, hits: m.cache.WithLabelValues(name, "hit"), misses: m.cache.WithLabelValues(name, "miss")}
}

func (c countingCache[T]) Get(ctx context.Context, key string) (T, bool) {
	v, ok := c.Cache.Get(ctx, key)
	if ok {
		c.hits.Inc()
	} else {
		c.misses.Inc()
	}
	return v, ok
}

// timedStore times the store calls the GraphQL resolvers make. It embeds the store, so a call
// it does not time still reaches the store.
type timedStore struct {
	kb.Store
	m *metrics
}

func (s timedStore) observe(call string, start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	s.m.store.WithLabelValues(call, outcome).Observe(time.Since(start).Seconds())
}

func (s timedStore) Get(ctx context.Context, ids []string) (_ []kb.Node, err error) {
	defer func(t time.Time) { s.observe("get", t, err) }(time.Now())
	return s.Store.Get(ctx, ids)
}

func (s timedStore) List(ctx context.Context, q kb.ListQuery) (_ kb.Page, err error) {
	defer func(t time.Time) { s.observe("list", t, err) }(time.Now())
	return s.Store.List(ctx, q)
}

func (s timedStore) Links(ctx context.Context, q kb.LinkQuery) (_ []kb.Link, err error) {
	defer func(t time.Time) { s.observe("links", t, err) }(time.Now())
	return s.Store.Links(ctx, q)
}

func (s timedStore) Read(ctx context.Context, p kb.ReadPlan) (_ kb.ReadResult, err error) {
	defer func(t time.Time) { s.observe("read", t, err) }(time.Now())
	return s.Store.Read(ctx, p)
}

func (s timedStore) Search(ctx context.Context, q kb.SearchQuery) (_ []kb.SearchHit, err error) {
	defer func(t time.Time) { s.observe("search", t, err) }(time.Now())
	return s.Store.Search(ctx, q)
}

func (s timedStore) Apply(ctx context.Context, c kb.Change) (_ kb.Result, err error) {
	defer func(t time.Time) { s.observe("apply", t, err) }(time.Now())
	return s.Store.Apply(ctx, c)
}

func (s timedStore) Snapshot(ctx context.Context) (_ kb.Snapshot, err error) {
	defer func(t time.Time) { s.observe("snapshot", t, err) }(time.Now())
	return s.Store.Snapshot(ctx)
}
