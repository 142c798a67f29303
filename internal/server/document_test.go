package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// hostile builds a query of n copies of one selection, each made by sel(i).
func hostile(n int, sel func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = sel(i)
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// measure posts a query and says what answering it took: the answer, the time and the bytes
// allocated meanwhile.
func measure(t *testing.T, h http.Handler, query string) (*httptest.ResponseRecorder, time.Duration, uint64) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	rec := do(t, h, "POST", "/graphql", string(body))
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%d-byte query: %s, %d-byte answer, %.1f MB allocated", len(body), took.Round(time.Millisecond), rec.Body.Len(), float64(alloc)/(1<<20))
	return rec, took, alloc
}

// Documents that once exhausted memory or CPU are refused before validation, quickly, with a
// short answer naming the bound; the process's allocations stay small.
func TestHostileDocumentsAreRefusedCheaply(t *testing.T) {
	h := newHandler(t, nil)
	cases := map[string]string{
		"10,000 overlapping aliases": hostile(10_000, func(i int) string { return fmt.Sprintf(`a: study(id: "s%d") { id }`, i) }),
		"2,000 overlapping aliases":  hostile(2_000, func(i int) string { return fmt.Sprintf(`a: study(id: "s%d") { id }`, i) }),
		"20,000 __typename":          hostile(20_000, func(int) string { return "__typename" }),
		"3,000 distinct aliases":     hostile(3_000, func(i int) string { return fmt.Sprintf("f%d: __typename", i) }),
		"repeats through fragments": "{ " + strings.Repeat("...F ", 1) + "} fragment F on Query { " +
			strings.Repeat("... on Query { a: __typename a: __typename } ", 40) + "}",
	}
	for name, q := range cases {
		t.Run(name, func(t *testing.T) {
			rec, took, alloc := measure(t, h, q)
			if !strings.Contains(rec.Body.String(), "QUERY_TOO_LARGE") {
				t.Fatalf("not refused: %.300s", rec.Body)
			}
			if rec.Body.Len() > 2000 || took > 2*time.Second || alloc > 200<<20 {
				t.Fatalf("refused at a cost: %d-byte answer, %s, %d bytes allocated", rec.Body.Len(), took, alloc)
			}
		})
	}
}

// Real queries stay well inside the bounds: GraphiQL's introspection and a wide dashboard.
func TestOrdinaryQueriesPassTheDocumentBounds(t *testing.T) {
	h := newHandler(t, nil)
	wide := hostile(server.MaxSameName, func(i int) string {
		return fmt.Sprintf(`s%d: studies(first: 5) { nodes { id title programmeTheories { cmocs { code outcomes { name } } } } }`, i)
	})
	for name, q := range map[string]string{"introspection": introspection, "wide dashboard": wide} {
		body, _ := json.Marshal(map[string]string{"query": q})
		rec := do(t, h, "POST", "/graphql", string(body))
		if strings.Contains(rec.Body.String(), "QUERY_TOO_LARGE") || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("%s refused: %.400s", name, rec.Body)
		}
	}
}

const introspection = `query IntrospectionQuery { __schema { queryType { name } mutationType { name }
  types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue } interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

// stalledStore never answers a read until the request's context ends.
type stalledStore struct{ kb.Store }

func (stalledStore) Read(ctx context.Context, _ kb.ReadPlan) (kb.ReadResult, error) {
	<-ctx.Done()
	return kb.ReadResult{}, ctx.Err()
}

func TestARequestStopsAtItsDeadline(t *testing.T) {
	s, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Options{Store: stalledStore{s}, RequestTimeout: 200 * time.Millisecond})
	start := time.Now()
	rec := do(t, h, "POST", "/graphql", `{"query":"{ studies { totalCount } }"}`)
	if took := time.Since(start); took > 5*time.Second || !strings.Contains(rec.Body.String(), "cancelled or took too long") {
		t.Fatalf("after %s: %s", took, rec.Body)
	}
	// a client that goes away stops its request too
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"{ studies { totalCount } }"}`)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() { h.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the request went on after its client left")
	}
}
