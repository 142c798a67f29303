package graph_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/cmograph/cmograph/graph"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// countingStore counts store round trips, to hold the API to a bounded number per request.
type countingStore struct {
	kb.Store
	calls atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, ids []string) ([]kb.Node, error) {
	c.calls.Add(1)
	return c.Store.Get(ctx, ids)
}

func (c *countingStore) List(ctx context.Context, q kb.ListQuery) (kb.Page, error) {
	c.calls.Add(1)
	return c.Store.List(ctx, q)
}

func (c *countingStore) Links(ctx context.Context, q kb.LinkQuery) ([]kb.Link, error) {
	c.calls.Add(1)
	return c.Store.Links(ctx, q)
}

// Read answers as Neo4j does, with only the properties the plan asks of each kind: the
// embedded store hands out whole nodes, which would hide a property the planner forgot.
func (c *countingStore) Read(ctx context.Context, p kb.ReadPlan) (kb.ReadResult, error) {
	c.calls.Add(1)
	res, err := c.Store.Read(ctx, p)
	if err != nil {
		return res, err
	}
	narrow := func(ns []kb.Node) []kb.Node {
		out := make([]kb.Node, len(ns))
		for i, n := range ns {
			asked := kb.PlanProps(n.NodeKind(), p.Props[n.NodeKind()])
			if asked == nil {
				out[i] = n
				continue
			}
			all, kept := kb.ToProps(n), kb.Props{}
			for _, name := range asked {
				if v, ok := all[name]; ok {
					kept[name] = v
				}
			}
			nn, err := kb.FromProps(n.NodeKind(), kept)
			if err != nil {
				panic(err)
			}
			out[i] = nn
		}
		return out
	}
	res.Roots, res.Nodes = narrow(res.Roots), narrow(res.Nodes)
	return res, nil
}

func newStore(t *testing.T, docs ...document.Source) *countingStore {
	t.Helper()
	s, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) > 0 {
		if _, err := document.Import(context.Background(), s, "fixture", docs...); err != nil {
			t.Fatal(err)
		}
	}
	return &countingStore{Store: s}
}

func fixture(t *testing.T) document.Source {
	t.Helper()
	data, err := os.ReadFile("testdata/fixture.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return document.Source{Name: "fixture.yaml", Data: data}
}

// newClient drives the real HTTP handler: loaders, actor header, error presenter, limits.
func newClient(t *testing.T, s kb.Store) *client.Client {
	t.Helper()
	return client.New(server.New(server.Options{Store: s}), func(bd *client.Request) {
		bd.HTTP.URL.Path = "/graphql"
		bd.HTTP.Header.Set(graph.ActorHeader, "tester")
	})
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// raw runs a query and returns data and errors without failing on errors.
func raw(t *testing.T, c *client.Client, query string, vars map[string]any, extra ...client.Option) (map[string]any, []gqlError) {
	t.Helper()
	var opts []client.Option
	for k, v := range vars {
		opts = append(opts, client.Var(k, v))
	}
	resp, err := c.RawPost(query, append(opts, extra...)...)
	if err != nil {
		t.Fatalf("posting: %v", err)
	}
	var data map[string]any
	if resp.Data != nil {
		if err := json.Unmarshal(mustJSON(t, resp.Data), &data); err != nil {
			t.Fatal(err)
		}
	}
	var errs []gqlError
	if len(resp.Errors) > 0 {
		if err := json.Unmarshal(resp.Errors, &errs); err != nil {
			t.Fatal(err)
		}
	}
	return data, errs
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ok runs a query that must succeed and returns its data as JSON for comparison.
func ok(t *testing.T, c *client.Client, query string, vars map[string]any) map[string]any {
	t.Helper()
	data, errs := raw(t, c, query, vars)
	if len(errs) > 0 {
		t.Fatalf("query failed: %+v", errs)
	}
	return data
}

// at walks a decoded JSON value by keys and indexes: at(d, "study", "cmocs", 0, "code").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func jsonString(t *testing.T, v any) string { return string(mustJSON(t, v)) }

func wantCode(t *testing.T, errs []gqlError, code, contains string) gqlError {
	t.Helper()
	for _, e := range errs {
		if e.Extensions["code"] == code && strings.Contains(e.Message, contains) {
			return e
		}
	}
	t.Fatalf("want a %s error mentioning %q, got %+v", code, contains, errs)
	return gqlError{}
}
