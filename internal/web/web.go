// Package web serves the reviewers' pages: studies, programme theories as diagrams, comparisons,
// suggestions, evidence, dashboards, search and editing. The pages are plain ES modules, CSS
// and hand-drawn SVG embedded in the binary, so they work with no internet and no build step,
// and they read and write only through the public GraphQL API, as any dashboard would.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// AssetPrefix is the path the scripts, styles and images are served under.
const AssetPrefix = "/web/"

// Handler serves the page at / and the assets under AssetPrefix. Every response carries an
// ETag of its content, and the browser revalidates each time (no-cache): a new binary's
// assets are picked up at once, and an unchanged one costs a 304.
func Handler() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is a constant
	}
	files := map[string]file{}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		files[p] = file{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: contentType(p)}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := "index.html"
		if r.URL.Path != "/" {
			name = strings.TrimPrefix(r.URL.Path, AssetPrefix)
			if name == r.URL.Path || name != path.Clean(name) {
				http.NotFound(w, r)
				return
			}
		}
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
	})
}

type file struct {
	body        []byte
	etag, ctype string
}

// contentType is fixed per extension: the server sends nosniff, so a module served with a
// wrong type would not run.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	return "application/octet-stream"
}
