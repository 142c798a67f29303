package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/server"
)

// A value that is not in an enum is refused with the values there are, whether it is written
// in the query or sent as a variable.
func TestEnumErrorsListTheAllowedValues(t *testing.T) {
	h := server.New(server.Options{Store: newStore(t)})
	post := func(query string, vars map[string]any) []gqlError {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct{ Errors []gqlError }
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return resp.Errors
	}
	const allowed = "one of CHILDREN, YOUNG_PEOPLE, ADULTS, MIXED"
	errs := post(`{ studies(where: {population: {eq: MARTIANS}}) { totalCount } }`, nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, `"MARTIANS" does not exist in "Population" enum`) || !strings.HasSuffix(errs[0].Message, allowed) {
		t.Errorf("literal: %+v", errs)
	}
	errs = post(`query($p: Population) { studies(where: {population: {eq: $p}}) { totalCount } }`, map[string]any{"p": "MARTIANS"})
	if len(errs) != 1 || errs[0].Message != "MARTIANS is not a valid Population; "+allowed {
		t.Errorf("variable: %+v", errs)
	}
}
