package server

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// hostAllowed reports whether a Host header names this server. An IP address cannot be
// DNS-rebound (a page's origin is then that address itself) and localhost resolves only to this
// machine; any other name must be on the allow-list, so that a page at attacker.example whose
// name an attacker points at 127.0.0.1 is refused. "*" allows any host.
func hostAllowed(host string, allowed []string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
	if h == "" {
		return false
	}
	if net.ParseIP(h) != nil || h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	for _, a := range allowed {
		a = strings.ToLower(a)
		if a == "*" || a == h || strings.HasPrefix(a, ".") && strings.HasSuffix(h, a) {
			return true
		}
	}
	return false
}

// checkHost refuses requests for a host name this server does not answer to. The health
// checks are exempt: an orchestrator probes them by whatever name it likes, and they reveal
// nothing.
func checkHost(allowed []string, next http.Handler) http.Handler {
	if allowed == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" && r.URL.Path != "/readyz" && !hostAllowed(r.Host, allowed) {
			writeStatus(w, http.StatusMisdirectedRequest, "refused",
				"this server does not answer to the host name "+quoteHost(r.Host)+"; its operator can allow it with --allowed-hosts")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100]
	}
	return `"` + strings.ToValidUTF8(h, "?") + `"`
}

// corsHeaders are the request headers a browser client may send cross-origin.
const corsHeaders = "Authorization, Content-Type, GraphQL-Preflight, Apollo-Require-Preflight"

// cors answers cross-origin requests from the allowed origins and refuses the others with
// 403, preflights included. A request from the server's own origin (GraphiQL's) or without
// Origin (curl, a server-side client) is not cross-origin and passes.
func cors(origins []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		w.Header().Add("Vary", "Origin")
		if origin == "" || sameOrigin(origin, r) {
			next.ServeHTTP(w, r)
			return
		}
		if !slices.Contains(origins, origin) && !slices.Contains(origins, "*") {
			writeStatus(w, http.StatusForbidden, "refused", "cross-origin requests from "+quoteHost(origin)+
				" are not allowed; the operator can allow the origin with --cors-origins")
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		if preflight {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", "600")
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", "Retry-After")
		next.ServeHTTP(w, r)
	})
}

// sameOrigin reports whether origin is this server's own (scheme and host as requested).
func sameOrigin(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// contentSecurityPolicy lets a page load only this server's own scripts, styles and fonts and
// talk only to this server. GraphiQL sets element styles and embeds its fonts as data: URLs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sends on every response what keeps browsers from framing, sniffing or
// leaking it.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
