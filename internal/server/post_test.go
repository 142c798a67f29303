package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// brokenBody fails part way, as a body over the size limit does.
type brokenBody struct{ r io.Reader }

func (b brokenBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		return n, errors.New("http: request body too large")
	}
	return n, err
}

func (brokenBody) Close() error { return nil }

// seededStore is an embedded store holding the seed corpus.
func seededStore(t *testing.T) *memory.Store {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Import(ctx, s, "seed"); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAnswerPOSTWritesWhatPOSTWrites sends the same requests through gqlgen's POST transport
// and through answerPOST: status, content type and the JSON written must be the same.
func TestAnswerPOSTWritesWhatPOSTWrites(t *testing.T) {
	opts := Options{Store: seededStore(t)}
	gqlgenPOST := newGraphQL(opts, nil, transport.POST{})
	ours := newGraphQL(opts, nil, newAnswerPOST())

	type request struct {
		name, body, accept string
		broken, cancelled  bool
	}
	requests := []request{
		{name: "data", body: `{"query":"{ studies(first: 2) { totalCount nodes { id title } } }"}`},
		{name: "nested data, then shorter answers in the buffer it grew", body: `{"query":"{ studies { nodes { id title programmeTheories { id name cmocs { id code contexts { name } mechanisms { name } outcomes { name } evidence { quote { text participant } } } } } } }"}`},
		{name: "repeated and aliased fields", body: `{"query":"{ studies(first: 2) { nodes { id id t: title __typename t: title } } s: studies(first: 1) { totalCount } }"}`},
		{name: "<, > and & in an error", body: `{"query":"query($id: ID!) { suggestAlignments(elementId: $id) { score } }","variables":{"id":"<b>&"}}`},
		{name: "variables with numbers", body: `{"query":"query($n: Int) { studies(first: $n) { nodes { id } } }","variables":{"n":1}}`},
		{name: "a field error beside data", body: `{"query":"{ studies(first: 1) { totalCount } suggestAlignments(elementId: \"no-such-element\") { score } }"}`},
		{name: "operation name", body: `{"query":"query A { studies(first: 1) { totalCount } } query B { cmocs(first: 1) { totalCount } }","operationName":"B"}`},
		{name: "unknown operation name", body: `{"query":"query A { studies(first: 1) { totalCount } }","operationName":"Z"}`},
		{name: "parse error", body: `{"query":"{"}`},
		{name: "validation error", body: `{"query":"{ nope }"}`},
		{name: "validation error, graphql-response+json", body: `{"query":"{ nope }"}`, accept: "application/graphql-response+json"},
		{name: "validation error, any type", body: `{"query":"{ nope }"}`, accept: "*/*"},
		{name: "validation error, no type the server writes", body: `{"query":"{ nope }"}`, accept: "text/html"},
		{name: "data, application/* then json", body: `{"query":"{ studies(first: 1) { totalCount } }"}`, accept: "text/plain;q=0.9, application/*"},
		{name: "persisted query not found", body: `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"0000000000000000000000000000000000000000000000000000000000000000"}}}`},
		{name: "no query", body: `{}`},
		{name: "body not JSON", body: `{"query": `},
		{name: "body not an object", body: `[1, 2]`},
		{name: "body unreadable", body: `{"query":"{ studies { totalCount } }"}`, broken: true},
		{name: "client gone before the operation ran", body: `{"query":"{ studies { totalCount } }"}`, cancelled: true},
	}
	send := func(h http.Handler, rq request) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(rq.body))
		if rq.broken {
			req.Body = brokenBody{strings.NewReader(rq.body)}
		}
		if rq.cancelled {
			ctx, cancel := context.WithCancel(req.Context())
			cancel()
			req = req.WithContext(ctx)
		}
		req.Header.Set("Content-Type", "application/json")
		if rq.accept != "" {
			req.Header.Set("Accept", rq.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	decode := func(t *testing.T, rec *httptest.ResponseRecorder) any {
		t.Helper()
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("not JSON (%v): %s", err, rec.Body)
		}
		return v
	}
	for _, rq := range requests {
		t.Run(rq.name, func(t *testing.T) {
			want, got := send(gqlgenPOST, rq), send(ours, rq)
			if got.Code != want.Code {
				t.Errorf("status %d, gqlgen's POST gives %d", got.Code, want.Code)
			}
			if g, w := got.Header().Values("Content-Type"), want.Header().Values("Content-Type"); !reflect.DeepEqual(g, w) {
				t.Errorf("Content-Type %q, gqlgen's POST gives %q", g, w)
			}
			if g, w := decode(t, got), decode(t, want); !reflect.DeepEqual(g, w) {
				t.Errorf("wrote\n%s\ngqlgen's POST writes\n%s", got.Body, want.Body)
			}
		})
	}
}

// TestLentBuffersAreNotShared sends different requests through answerPOST at once, over and
// over: each must get its own answer, never a part of another's from a buffer lent twice.
func TestLentBuffersAreNotShared(t *testing.T) {
	h := newGraphQL(Options{Store: seededStore(t)}, nil, newAnswerPOST())
	send := func(body string) string {
		req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	bodies := []string{
		`{"query":"{ studies { nodes { id title programmeTheories { id name cmocs { id code statement } } } } }"}`,
		`{"query":"{ studies(first: 1) { totalCount nodes { id } } }"}`,
		`{"query":"{ cmocs(first: 3) { nodes { code outcomes { name } } } }"}`,
		`{"query":"{ nope }"}`,
	}
	want := make([]string, len(bodies))
	for i, b := range bodies {
		want[i] = send(b)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for round := range 25 {
				i := (w + round) % len(bodies)
				if got := send(bodies[i]); got != want[i] {
					t.Errorf("request %d answered\n%.300s\nwant\n%.300s", i, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

type fieldSpy struct{}

func (fieldSpy) ExtensionName() string                   { return "fieldSpy" }
func (fieldSpy) Validate(graphql.ExecutableSchema) error { return nil }
func (fieldSpy) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	return next(ctx)
}

// A field interceptor would not see the String! and ID! fields the generated executor writes
// at once: the endpoint refuses to install one.
func TestNoFieldInterceptorIsInstalled(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "fieldSpy intercepts fields") {
			t.Fatalf("installing a field interceptor: %v", r)
		}
	}()
	use(NewGraphQL(Options{Store: nil}), fieldSpy{})
}
