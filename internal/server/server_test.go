package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

type downStore struct{ kb.Store }

func (downStore) Ready(context.Context) error { return errors.New("connection refused") }

func newHandler(t *testing.T, wrap func(kb.Store) kb.Store) http.Handler {
	t.Helper()
	s, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var store kb.Store = s
	if wrap != nil {
		store = wrap(s)
	}
	return server.New(server.Options{Store: store})
}

func do(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHealthAndReadiness(t *testing.T) {
	h := newHandler(t, nil)
	if rec := do(t, h, "GET", "/healthz", ""); rec.Code != 200 {
		t.Fatalf("healthz: %d", rec.Code)
	}
	if rec := do(t, h, "GET", "/readyz", ""); rec.Code != 200 {
		t.Fatalf("readyz: %d", rec.Code)
	}
	down := newHandler(t, func(s kb.Store) kb.Store { return downStore{s} })
	rec := do(t, down, "GET", "/readyz", "")
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "refused") {
		t.Fatalf("readyz on a down store: %d %s (and it must not leak the cause)", rec.Code, rec.Body)
	}
}

func TestGraphiQLPage(t *testing.T) {
	rec := do(t, newHandler(t, nil), "GET", "/graphiql", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "graphiql") || !strings.Contains(rec.Body.String(), "/graphql") {
		t.Fatalf("GraphiQL page: %d %.200s", rec.Code, rec.Body)
	}
}

func TestIntrospectionIsOn(t *testing.T) {
	rec := do(t, newHandler(t, nil), "POST", "/graphql", `{"query":"{ __type(name: \"CMOC\") { description fields { name } } }"}`)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "context-mechanism-outcome configuration") {
		t.Fatalf("introspection: %d %s", rec.Code, rec.Body)
	}
}

func TestDepthLimit(t *testing.T) {
	// chains nest without multiplying much, so only the depth limit stops this one
	q := `{ cmoc(id: \"x\") ` + strings.Repeat(`{ chainsTo { to `, 8) + `{ id }` + strings.Repeat(` } }`, 8) + ` }`
	rec := do(t, newHandler(t, nil), "POST", "/graphql", `{"query":"`+q+`"}`)
	if !strings.Contains(rec.Body.String(), "DEPTH_LIMIT_EXCEEDED") {
		t.Fatalf("a 16-level query was not refused: %d %s", rec.Code, rec.Body)
	}
}

func TestComplexityLimitWeighsPageSize(t *testing.T) {
	h := newHandler(t, nil)
	small := `{ studies(first: 10) { nodes { cmocs { mechanisms { cmocs { id } } } } } }`
	if rec := do(t, h, "POST", "/graphql", `{"query":"`+small+`"}`); strings.Contains(rec.Body.String(), "COMPLEXITY") {
		t.Fatalf("a modest query was refused: %s", rec.Body)
	}
	big := `{ studies(first: 1000) { nodes { cmocs { mechanisms { cmocs { mechanisms { cmocs { id } } } } } } } }`
	if rec := do(t, h, "POST", "/graphql", `{"query":"`+big+`"}`); !strings.Contains(rec.Body.String(), "COMPLEXITY_LIMIT_EXCEEDED") {
		t.Fatalf("a huge query was not refused: %s", rec.Body)
	}
}

type brokenStore struct{ kb.Store }

func (brokenStore) Get(context.Context, []string) ([]kb.Node, error) {
	return nil, errors.New("bolt://secret-host:7687 connection reset")
}

func (brokenStore) Read(context.Context, kb.ReadPlan) (kb.ReadResult, error) {
	return kb.ReadResult{}, errors.New("bolt://secret-host:7687 connection reset")
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	h := newHandler(t, func(s kb.Store) kb.Store { return brokenStore{s} })
	rec := do(t, h, "POST", "/graphql", `{"query":"{ study(id: \"x\") { id } }"}`)
	body := rec.Body.String()
	if strings.Contains(body, "secret-host") || !strings.Contains(body, `"code":"INTERNAL"`) {
		t.Fatalf("internal error leaked or lacks its code: %s", body)
	}
}

// A form on another site can post multipart data without a preflight; uploads must carry a
// header only a script that asked first can set.
func TestUploadsNeedAPreflightHeader(t *testing.T) {
	h := newHandler(t, nil)
	body := "--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" +
		`{"query":"mutation($f: [Upload!]!) { importFiles(files: $f) { created } }","variables":{"f":[null]}}` +
		"\r\n--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"0\":[\"variables.f.0\"]}\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.yaml\"\r\nContent-Type: text/plain\r\n\r\nformat: cmograph/v1\n\r\n--b--\r\n"
	send := func(header string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		if header != "" {
			req.Header.Set(header, "1")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := send(""); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "GraphQL-Preflight") {
		t.Fatalf("upload without a preflight header: %d %s", rec.Code, rec.Body)
	}
	if rec := send("GraphQL-Preflight"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"created":0`) {
		t.Fatalf("upload with a preflight header: %d %s", rec.Code, rec.Body)
	}
}
