package server

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/cmograph/cmograph/internal/auth"
)

// authenticate puts the request's principal in its context. Bad credentials answer 401 in
// GraphQL's shape with extensions.code UNAUTHENTICATED; no credentials make the request
// anonymous, with what the mode lets anonymous clients do.
func authenticate(a *auth.Authenticator, logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.Authenticate(r)
		if err != nil {
			if !auth.IsUnauthenticated(err) {
				logger.ErrorContext(r.Context(), "authenticating", "err", err)
				writeGraphQLError(w, http.StatusInternalServerError, "credentials could not be checked", "INTERNAL")
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="cmograph"`)
			writeGraphQLError(w, http.StatusUnauthorized, err.Error(), "UNAUTHENTICATED")
			return
		}
		infoOf(r.Context()).set(func(i *requestInfo) { i.actor = p.Actor })
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

// requireReader lets through a principal that may read: /metrics is open where the API is.
func requireReader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, _ := auth.PrincipalFrom(r.Context()); p.Role < auth.RoleReader {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cmograph"`)
			writeStatus(w, http.StatusUnauthorized, "unauthenticated", "send Authorization: Bearer <token>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeGraphQLError(w http.ResponseWriter, code int, msg, errCode string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": msg, "extensions": map[string]string{"code": errCode}}}})
}
