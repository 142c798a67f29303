// Package graphiql serves the GraphiQL page with every asset embedded in the binary, so that it
// works with no internet and its Content-Security-Policy can allow this server alone.
// fetch-assets.sh says where the assets come from and at which versions.
package graphiql

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed assets/*.js assets/*.css
var assets embed.FS

// AssetPrefix is the path the assets are served under.
const AssetPrefix = "/graphiql/assets/"

// DefaultQuery is the query the page opens on: a reviewer's first question of the demo corpus.
const DefaultQuery = `# cmograph: realist reviews' programme theories as one graph.
# Press the run button (or Ctrl-Enter). With a token, set the Authorization header below:
#   {"Authorization": "Bearer cmo_…"}
# Which CMOCs, in any study, produce hope, and through which mechanisms?
{
  cmocs(where: {outcome: {contains: "hope"}}) {
    totalCount
    nodes {
      code
      study { id title }
      mechanisms { name }
      outcomes { name }
    }
  }
}
`

// DefaultHeaders fills the headers editor, so the place for a token is in view.
const DefaultHeaders = `{}`

var page = template.Must(template.New("graphiql").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cmograph · GraphiQL</title>
<link rel="stylesheet" href="{{.Prefix}}graphiql.min.css">
<link rel="stylesheet" href="{{.Prefix}}cmograph.css">
</head>
<body>
<div id="graphiql" data-endpoint="{{.Endpoint}}" data-query="{{.Query}}" data-headers="{{.Headers}}">Loading GraphiQL…</div>
<script src="{{.Prefix}}react.production.min.js"></script>
<script src="{{.Prefix}}react-dom.production.min.js"></script>
<script src="{{.Prefix}}graphiql.min.js"></script>
<script src="{{.Prefix}}cmograph.js"></script>
</body>
</html>
`))

// Handler serves the page (at whatever path it is mounted) talking to endpoint.
func Handler(endpoint string) http.Handler {
	var buf bytes.Buffer
	if err := page.Execute(&buf, map[string]string{"Prefix": AssetPrefix, "Endpoint": endpoint,
		"Query": DefaultQuery, "Headers": DefaultHeaders}); err != nil {
		panic(err) // the template and its data are constants
	}
	body := buf.Bytes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "graphiql.html", time.Time{}, bytes.NewReader(body))
	})
}

// Assets serves the embedded assets under AssetPrefix. They change only with the binary, so
// browsers may keep them for a day.
func Assets() http.Handler {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix(strings.TrimSuffix(AssetPrefix, "/"), http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
