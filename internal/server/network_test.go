package server_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

func slogDiscard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func serveReq(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func postQuery(q string) *http.Request {
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(`{"query":"`+q+`"}`))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func TestCORS(t *testing.T) {
	const dash = "https://dashboard.example.org"
	tm := newTeam(t, auth.RoleReader, func(o *server.Options) { o.CORSOrigins = []string{dash} })

	pre := httptest.NewRequest("OPTIONS", "/graphql", nil)
	pre.Header.Set("Origin", dash)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	rec := serveReq(tm.h, pre)
	h := rec.Header()
	if rec.Code != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != dash ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") ||
		!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Fatalf("preflight from an allowed origin: %d %v", rec.Code, h)
	}

	req := postQuery(`{ studies { totalCount } }`)
	req.Header.Set("Origin", dash)
	rec = serveReq(tm.h, req)
	if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != dash || !strings.Contains(rec.Body.String(), `"totalCount":4`) {
		t.Fatalf("request from an allowed origin: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}

	for _, r := range []*http.Request{pre.Clone(context.Background()), req.Clone(context.Background())} {
		r.Header.Set("Origin", "https://evil.example")
		if r.Body != nil {
			r.Body = io.NopCloser(strings.NewReader(`{"query":"{ studies { totalCount } }"}`))
		}
		rec := serveReq(tm.h, r)
		if rec.Code != http.StatusForbidden || rec.Header().Get("Access-Control-Allow-Origin") != "" || strings.Contains(rec.Body.String(), "totalCount") {
			t.Fatalf("%s from another origin: %d %v %s", r.Method, rec.Code, rec.Header(), rec.Body)
		}
	}

	// none allowed by default; the page's own origin (GraphiQL) is not cross-origin
	def := newHandler(t, nil)
	pre2 := pre.Clone(context.Background())
	if rec := serveReq(def, pre2); rec.Code != http.StatusForbidden || rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("default: a preflight was allowed: %d %v", rec.Code, rec.Header())
	}
	own := postQuery(`{ studies { totalCount } }`)
	own.Host = "localhost:8080"
	own.Header.Set("Origin", "http://localhost:8080")
	if rec := serveReq(def, own); rec.Code != 200 {
		t.Fatalf("same-origin request: %d %s", rec.Code, rec.Body)
	}
}

func TestRateLimitPerClient(t *testing.T) {
	tm := newTeam(t, auth.RoleReader, func(o *server.Options) { o.RateLimit, o.RateBurst = 0.5, 2 })
	from := func(addr string, role auth.Role) *httptest.ResponseRecorder {
		req := postQuery(`{ viewer { actor } }`)
		req.RemoteAddr = addr
		if role != auth.RoleNone {
			req.Header.Set("Authorization", "Bearer "+tm.secrets[role])
		}
		return serveReq(tm.h, req)
	}
	for i := range 2 {
		if rec := from("192.0.2.1:1000", auth.RoleNone); rec.Code != 200 {
			t.Fatalf("request %d within the burst: %d", i, rec.Code)
		}
	}
	rec := from("192.0.2.1:1001", auth.RoleNone)
	retry, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	if rec.Code != http.StatusTooManyRequests || retry < 1 || retry > 2 {
		t.Fatalf("over the rate: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := from("192.0.2.2:1000", auth.RoleNone); rec.Code != 200 {
		t.Fatalf("another address shares no bucket: %d", rec.Code)
	}
	// a token is its own client wherever it calls from
	for i := range 2 {
		if rec := from("192.0.2.1:1002", auth.RoleEditor); rec.Code != 200 {
			t.Fatalf("token request %d: %d", i, rec.Code)
		}
	}
	if rec := from("192.0.2.3:1000", auth.RoleEditor); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("a token over its rate from another address: %d", rec.Code)
	}
}

func TestConcurrencyCap(t *testing.T) {
	s, _ := memory.Open(context.Background(), memory.Options{})
	h := server.New(server.Options{Store: s, MaxConcurrent: 1})
	slow := make(chan struct{})
	// a request whose body never finishes holds the slot while its handler reads it
	pr, pw := io.Pipe()
	go func() {
		req := httptest.NewRequest("POST", "/graphql", pr)
		req.Header.Set("Content-Type", "application/json")
		serveReq(h, req)
		close(slow)
	}()
	_, _ = pw.Write([]byte(`{"query":`))
	time.Sleep(100 * time.Millisecond)
	rec := serveReq(h, postQuery(`{ viewer { actor } }`))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a request beyond the cap: %d %s", rec.Code, rec.Body)
	}
	_, _ = pw.Write([]byte(`"{ viewer { actor } }"}`))
	pw.Close()
	<-slow
	if rec := serveReq(h, postQuery(`{ viewer { actor } }`)); rec.Code != 200 {
		t.Fatalf("after the slot freed: %d", rec.Code)
	}
}

// TestSlowClientsAreCutOff: on the http.Server serve runs, a client that sends its headers
// slowly (slowloris), or its body, or keeps a connection idle, loses the connection after the
// timeout for that phase.
func TestSlowClientsAreCutOff(t *testing.T) {
	if server.DefaultTimeouts.ReadHeader <= 0 || server.DefaultTimeouts.Read <= 0 || server.DefaultTimeouts.Idle <= 0 ||
		server.DefaultTimeouts.Write <= server.DefaultRequestTimeout {
		t.Fatalf("serve's timeouts are unset or too short: %+v", server.DefaultTimeouts)
	}
	// dribble writes a byte now and then, as slowloris does
	dribble := func(conn net.Conn) {
		for range 30 {
			time.Sleep(100 * time.Millisecond)
			if _, err := conn.Write([]byte("X")); err != nil {
				return
			}
		}
	}
	for _, c := range []struct {
		name  string
		set   func(*server.Timeouts)
		start string
		slow  bool
	}{
		{"headers", func(t *server.Timeouts) { t.ReadHeader = 300 * time.Millisecond }, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n", true},
		{"body", func(t *server.Timeouts) { t.Read = 500 * time.Millisecond },
			"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", true},
		{"idle", func(t *server.Timeouts) { t.Idle = 300 * time.Millisecond }, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _ := memory.Open(context.Background(), memory.Options{})
			tmo := server.DefaultTimeouts
			c.set(&tmo)
			srv := server.NewHTTPServer(server.New(server.Options{Store: s}), tmo, nil)
			if srv.ReadHeaderTimeout != tmo.ReadHeader || srv.ReadTimeout != tmo.Read || srv.WriteTimeout != tmo.Write ||
				srv.IdleTimeout != tmo.Idle || srv.MaxHeaderBytes == 0 {
				t.Fatalf("the server does not carry the timeouts: %+v", srv)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go srv.Serve(ln)
			defer srv.Close()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			_, _ = conn.Write([]byte(c.start))
			if c.slow {
				go dribble(conn)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.ReadAll(conn) // until the server closes the connection
			// a server that closes while the client is still sending may reset rather than end
			// the connection: either way it is cut off
			if errors.Is(err, syscall.ECONNRESET) {
				err = nil
			}
			if took := time.Since(start); err != nil || took > 2*time.Second {
				t.Fatalf("the connection was held %v (err %v); want it closed after the timeout", took, err)
			}
		})
	}
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	h := newHandler(t, nil)
	big := `{"query":"{ viewer { actor } }","variables":{"x":"` + strings.Repeat("a", server.MaxBodyBytes) + `"}}`
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/json")
	if rec := serveReq(h, req); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("with Content-Length: %d %.200s", rec.Code, rec.Body)
	}
	// chunked: no Content-Length, the cap is met while reading
	req = httptest.NewRequest("POST", "/graphql", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	if rec := serveReq(h, req); rec.Code != http.StatusRequestEntityTooLarge || strings.Contains(rec.Body.String(), "viewer") {
		t.Fatalf("chunked: %d %.200s", rec.Code, rec.Body)
	}
}

func TestHostCheckStopsDNSRebinding(t *testing.T) {
	s, _ := memory.Open(context.Background(), memory.Options{})
	h := server.New(server.Options{Store: s, AllowedHosts: []string{"cmograph.example.org"}})
	for host, want := range map[string]int{
		"attacker.example":          http.StatusMisdirectedRequest,
		"attacker.example:8080":     http.StatusMisdirectedRequest,
		"localhost:8080":            200,
		"127.0.0.1:8080":            200,
		"[::1]:8080":                200,
		"cmograph.example.org":      200,
		"CMOGRAPH.example.org:443":  200,
		"evil.cmograph.example.org": http.StatusMisdirectedRequest,
	} {
		req := postQuery(`{ viewer { actor } }`)
		req.Host = host
		if rec := serveReq(h, req); rec.Code != want {
			t.Errorf("Host %s: %d, want %d (%s)", host, rec.Code, want, rec.Body)
		}
	}
	probe := httptest.NewRequest("GET", "/healthz", nil)
	probe.Host = "10-0-0-7.pod.internal"
	if rec := serveReq(h, probe); rec.Code != 200 {
		t.Errorf("health checks answer any host: %d", rec.Code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHandler(t, nil)
	for _, r := range []*http.Request{httptest.NewRequest("GET", "/graphiql", nil), postQuery(`{ viewer { actor } }`),
		httptest.NewRequest("GET", "/", nil)} {
		rec := serveReq(h, r)
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-eval") ||
			hd.Get("X-Frame-Options") != "DENY" || hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: %v", r.Method, r.URL.Path, hd)
		}
	}
}

func TestIntrospectionAndGraphiQLCanBeSwitchedOff(t *testing.T) {
	s, _ := memory.Open(context.Background(), memory.Options{})
	h := server.New(server.Options{Store: s, NoIntrospection: true, NoGraphiQL: true})
	rec := serveReq(h, postQuery(`{ __schema { queryType { name } } }`))
	if strings.Contains(rec.Body.String(), `"Query"`) || !strings.Contains(rec.Body.String(), "introspection") {
		t.Fatalf("introspection off: %s", rec.Body)
	}
	for _, p := range []string{"/graphiql", "/graphiql/assets/graphiql.min.js"} {
		if rec := serveReq(h, httptest.NewRequest("GET", p, nil)); rec.Code != http.StatusNotFound {
			t.Errorf("GraphiQL off: %s answers %d", p, rec.Code)
		}
	}
	if rec := serveReq(h, postQuery(`{ studies { totalCount } }`)); rec.Code != 200 {
		t.Fatalf("queries still work: %d", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	tm := newTeam(t, auth.RoleNone, nil)
	for range 2 {
		tm.gql(t, auth.RoleReader, `query Hope { cmocs(where: {outcome: {contains: "hope"}}) { totalCount } }`)
	}
	tm.gql(t, auth.RoleReader, `mutation Sneaky { deleteStudy(input: {id: "gillard-2015"}) { id } }`)
	get := func(role auth.Role) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/metrics", nil)
		if role != auth.RoleNone {
			req.Header.Set("Authorization", "Bearer "+tm.secrets[role])
		}
		return serveReq(tm.h, req)
	}
	if rec := get(auth.RoleNone); rec.Code != http.StatusUnauthorized {
		t.Fatalf("/metrics without credentials on a closed server: %d", rec.Code)
	}
	rec := get(auth.RoleReader)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %v", rec.Code, rec.Header())
	}
	for _, want := range []string{
		`cmograph_graphql_operations_total{operation="Hope",outcome="ok"} 2`,
		`cmograph_graphql_operations_total{operation="Sneaky",outcome="forbidden"} 1`,
		`cmograph_graphql_operation_duration_seconds_count{operation="Hope"} 2`,
		`cmograph_http_requests_total{code="200",path="/graphql"} 3`,
		`cmograph_cache_requests_total{cache="documents",result="hit"} 1`,
		`cmograph_cache_requests_total{cache="documents",result="miss"} 2`,
		`cmograph_store_call_duration_seconds_count{call="read",outcome="ok"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, tm.secrets[auth.RoleReader]) {
		t.Fatal("/metrics shows a token")
	}
}

// TestAccessLogNamesTheOperationNeverTheToken: one line per request with operation, outcome,
// actor and duration; no secret.
func TestAccessLogNamesTheOperationNeverTheToken(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	tm := newTeam(t, auth.RoleNone, func(o *server.Options) { o.Logger = logger })
	tm.gql(t, auth.RoleEditor, `query Counting { studies { totalCount } }`)
	line := buf.String()
	for _, want := range []string{"operation=Counting", "outcome=ok", "actor=editor-token", "duration=", "status=200"} {
		if !strings.Contains(line, want) {
			t.Errorf("the access log lacks %s: %s", want, line)
		}
	}
	if strings.Contains(line, tm.secrets[auth.RoleEditor]) || strings.Contains(line, "cmo_") {
		t.Fatalf("the access log shows a token: %s", line)
	}
}

// TestGraphiQLIsOffline: the page loads only what the binary embeds, each asset answers with
// its content type, and nothing asks another host for anything.
func TestGraphiQLIsOffline(t *testing.T) {
	h := newHandler(t, nil)
	rec := serveReq(h, httptest.NewRequest("GET", "/graphiql", nil))
	page := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %v", rec.Code, rec.Header())
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+`).FindString(page); m != "" {
		t.Fatalf("the page names another host: %s", m)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Fatal("the page has an inline script, which its CSP forbids")
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	types := map[string]string{".js": "text/javascript", ".css": "text/css"}
	if len(refs) < 5 {
		t.Fatalf("the page references %d assets: %s", len(refs), page)
	}
	for _, ref := range refs {
		u := ref[1]
		if !strings.HasPrefix(u, "/graphiql/assets/") {
			t.Fatalf("the page references %s, not an embedded asset", u)
		}
		rec := serveReq(h, httptest.NewRequest("GET", u, nil))
		want := types[u[strings.LastIndex(u, "."):]]
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), want) || rec.Body.Len() == 0 {
			t.Fatalf("%s: %d %q (%d bytes)", u, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
		// an asset fetching from elsewhere (a CSS import of web fonts) would break offline
		if strings.HasSuffix(u, ".css") && regexp.MustCompile(`url\(\s*['"]?https?:|@import`).MatchString(rec.Body.String()) {
			t.Fatalf("%s loads from another host", u)
		}
	}
	// it opens on a cmograph example query, with the headers editor for a token
	if !strings.Contains(page, "cmocs(where: {outcome: {contains: &#34;hope&#34;}})") || !strings.Contains(page, "Authorization") {
		t.Fatalf("the page's default query: %s", page)
	}
	js := serveReq(h, httptest.NewRequest("GET", "/graphiql/assets/cmograph.js", nil)).Body.String()
	for _, want := range []string{"isHeadersEditorEnabled: true", "defaultQuery: d.query", "defaultEditorToolsVisibility: 'headers'"} {
		if !strings.Contains(js, want) {
			t.Errorf("cmograph.js lacks %s", want)
		}
	}
	if rec := serveReq(h, httptest.NewRequest("GET", "/graphiql/assets/", nil)); rec.Code != http.StatusNotFound {
		t.Errorf("the asset folder lists itself: %d", rec.Code)
	}
}
