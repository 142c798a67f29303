package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServesThePageAndItsAssets(t *testing.T) {
	h := Handler()
	for path, ctype := range map[string]string{
		"/":                     "text/html; charset=utf-8",
		"/web/js/app.js":        "text/javascript; charset=utf-8",
		"/web/style.css":        "text/css; charset=utf-8",
		"/web/icon.svg":         "image/svg+xml",
		"/web/js/diagram.js":    "text/javascript; charset=utf-8",
		"/web/js/pages/edit.js": "text/javascript; charset=utf-8",
	} {
		rec := get(t, h, path)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ctype {
			t.Errorf("%s: %d %q, want 200 %q", path, rec.Code, rec.Header().Get("Content-Type"), ctype)
		}
		etag := rec.Header().Get("ETag")
		if etag == "" || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: ETag %q, Cache-Control %q", path, etag, rec.Header().Get("Cache-Control"))
		}
		if again := get(t, h, path, "If-None-Match", etag); again.Code != http.StatusNotModified {
			t.Errorf("%s revalidated: %d, want 304", path, again.Code)
		}
	}
	for _, path := range []string{"/web/", "/web/js/", "/web/nope.js", "/web/../web.go", "/index.html", "/elsewhere"} {
		if rec := get(t, h, path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
}

// TestSelfContained keeps the pages offline and within the server's Content-Security-Policy:
// no address of another host, no inline script, every module imported exists.
func TestSelfContained(t *testing.T) {
	sub, _ := fs.Sub(assets, "assets")
	external := regexp.MustCompile(`(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|import\s*\(?\s*["'](?:https?:)?//|fetch\(\s*["']https?:`)
	imports := regexp.MustCompile(`(?m)^import .* from '([^']+)';|import\('([^']+)'\)`)
	err := fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, _ := sub.Open(p)
		body, _ := io.ReadAll(f)
		f.Close()
		text := string(body)
		if m := external.FindString(text); m != "" {
			t.Errorf("%s reaches another host: %s", p, m)
		}
		if strings.HasSuffix(p, ".html") && regexp.MustCompile(`<script(?:\s+type="module")?>`).MatchString(text) {
			t.Errorf("%s has an inline script, which the CSP refuses", p)
		}
		for _, m := range imports.FindAllStringSubmatch(text, -1) {
			target := m[1] + m[2]
			var full string
			if strings.HasPrefix(target, "/web/") {
				full = strings.TrimPrefix(target, "/web/")
			} else {
				full = path.Join(path.Dir(p), target)
			}
			if _, err := fs.Stat(sub, full); err != nil {
				t.Errorf("%s imports %s, which is not embedded", p, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
