package graphiql_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/headless"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// TestGraphiQLRendersInABrowser opens the page in headless Chromium, under the server's
// Content-Security-Policy and with nothing but this server to talk to: GraphiQL must render,
// open on the example query and load the schema from /graphql. Without Chromium it skips (the
// browser-free checks in internal/server still hold the page to its embedded assets).
func TestGraphiQLRendersInABrowser(t *testing.T) {
	chrome := headless.Chrome()
	if chrome == "" {
		t.Skip("no Chromium on PATH (set CMOGRAPH_CHROME)")
	}
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.LoadDemo(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var paths []string
	h := server.New(server.Options{Store: s})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0",
		"--virtual-time-budget=15000", "--dump-dom", srv.URL+"/graphiql")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	page := string(dom)
	if !strings.Contains(page, "graphiql-container") || !strings.Contains(page, "cmocs") || !strings.Contains(page, "Headers") {
		t.Fatalf("GraphiQL did not render with the example query and the headers editor:\n%.2000s\n%s", page, stderr.String())
	}
	if strings.Contains(stderr.String(), "Content Security Policy") || strings.Contains(stderr.String(), "Refused to") {
		t.Fatalf("the page broke its Content-Security-Policy:\n%s", stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if !contains(paths, "POST /graphql") {
		t.Fatalf("GraphiQL never asked /graphql for the schema; requests: %v", paths)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
