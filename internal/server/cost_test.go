package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Fields that read the whole graph are weighed by what they cost, introspection is counted,
// and a response holds at most MaxErrors errors: each hostile document below is refused (or
// cut short) quickly and cheaply, while the one-field version of it is served.
func TestCostlyFieldsIntrospectionAndErrorsAreBounded(t *testing.T) {
	h := newHandler(t, nil)
	for _, tc := range []struct {
		name, query, want string
	}{
		{"20 aliased exports", hostile(20, func(i int) string { return fmt.Sprintf("e%d: export(format: JSON) { text }", i) }), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"200 aliased comparisons", hostile(200, func(i int) string {
			return fmt.Sprintf(`c%d: compareTheories(left: "a", right: "b") { threshold }`, i)
		}), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"200 aliased suggestion lists", hostile(200, func(i int) string {
			return fmt.Sprintf(`s%d: suggestAlignments(elementId: "x") { score }`, i)
		}), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"500 aliased introspections", hostile(500, func(i int) string { return fmt.Sprintf("i%d: __schema { types { name } }", i) }), "COMPLEXITY_LIMIT_EXCEEDED"},
		{"introspection hidden in fragments", "{ ...A ...B } fragment A on Query { a: __schema { queryType { name } } } fragment B on Query { b: __schema { queryType { name } } }", "COMPLEXITY_LIMIT_EXCEEDED"},
		{"300 failing aliases", hostile(300, func(i int) string { return fmt.Sprintf("l%d: cmocs(first: -1) { totalCount }", i) }), "TOO_MANY_ERRORS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, took, alloc := measure(t, h, tc.query)
			if !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("want %s: %.400s", tc.want, rec.Body)
			}
			if rec.Body.Len() > 64<<10 || took > 3*time.Second || alloc > 200<<20 {
				t.Fatalf("bounded at a cost: %d-byte answer, %s, %d bytes allocated", rec.Body.Len(), took, alloc)
			}
		})
	}
	var resp struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	body, _ := json.Marshal(map[string]string{"query": hostile(300, func(i int) string { return fmt.Sprintf("l%d: cmocs(first: -1) { totalCount }", i) })})
	if err := json.Unmarshal(do(t, h, "POST", "/graphql", string(body)).Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if last := resp.Errors[len(resp.Errors)-1].Extensions; len(resp.Errors) != 101 || last["leftOut"] != float64(200) {
		t.Fatalf("%d errors, the last %v; want 100 and one saying 200 were left out", len(resp.Errors), last)
	}
	for _, q := range []string{
		"{ export(format: JSON) { text } }",
		`{ a: compareTheories(left: "a", right: "b") { threshold } b: compareTheories(left: "a", right: "c") { threshold } }`,
		"{ __schema { queryType { name } } a: __type(name: \"CMOC\") { name } b: __type(name: \"Study\") { name } }",
	} {
		body, _ := json.Marshal(map[string]string{"query": q})
		if rec := do(t, h, "POST", "/graphql", string(body)); strings.Contains(rec.Body.String(), "COMPLEXITY_LIMIT_EXCEEDED") {
			t.Errorf("refused %s: %.300s", q, rec.Body)
		}
	}
}
