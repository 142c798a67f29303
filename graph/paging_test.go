package graph_test

import (
	"testing"
)

// Filters combine with AND and OR, and CMOCs and elements filter by their study.
func TestWhereCombinesAndOrAndStudy(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		youth: cmocs(where: {studyId: {eq: "youth"}}) { totalCount }
		either: studies(where: {OR: [{population: {eq: CHILDREN}}, {year: {lte: 2015}}]}) { nodes { id } }
		both: studies(where: {AND: [{title: {contains: "peer"}}, {year: {gte: 2020}}]}) { nodes { id } }
		hopeInYouth: cmocs(where: {studyId: {in: ["youth"]}, OR: [{outcome: {contains: "hope"}}, {code: {eq: "nothing"}}]}) { nodes { id } }
		none: studies(where: {OR: []}) { totalCount }
		adultOutcomes: outcomes(where: {studyId: {eq: "adult"}}, first: 100) { nodes { programmeTheory { study { id } } } }
	}`, nil)
	if n := at(d, "youth", "totalCount"); n != float64(3) {
		t.Errorf("youth CMOCs: %v", n)
	}
	for name, want := range map[string]string{
		"either":      `{"nodes":[{"id":"adult"},{"id":"youth"}]}`,
		"both":        `{"nodes":[{"id":"youth"}]}`,
		"hopeInYouth": `{"nodes":[{"id":"youth.ipt.cmoc-1"}]}`,
		"none":        `{"totalCount":0}`,
	} {
		if got := jsonString(t, d[name]); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	outcomes := at(d, "adultOutcomes", "nodes").([]any)
	if len(outcomes) == 0 {
		t.Fatal("no outcomes of the adult study")
	}
	for _, o := range outcomes {
		if got := jsonString(t, o); got != `{"programmeTheory":{"study":{"id":"adult"}}}` {
			t.Errorf("an outcome of another study: %s", got)
		}
	}
	deep := `{code: {eq: "x"}}`
	for range 7 {
		deep = `{OR: [` + deep + `]}`
	}
	_, errs := raw(t, c, `{ cmocs(where: `+deep+`) { totalCount } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "deep")
}

// Pages forwards with first/after and backwards with last/before cover the list once each way,
// and a cursor of one list is refused by a list with another sort or filter.
func TestPagingBothWaysWithBoundCursors(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	all := ok(t, c, `{ cmocs(first: 100, sort: [{field: CODE}]) { nodes { id } } }`, nil)
	var want []string
	for _, n := range at(all, "cmocs", "nodes").([]any) {
		want = append(want, n.(map[string]any)["id"].(string))
	}
	if len(want) < 3 {
		t.Fatalf("only %d CMOCs", len(want))
	}
	page := func(q string, vars map[string]any) ([]string, map[string]any) {
		d := ok(t, c, q, vars)
		var ids []string
		for _, e := range at(d, "cmocs", "edges").([]any) {
			ids = append(ids, e.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		return ids, at(d, "cmocs", "pageInfo").(map[string]any)
	}
	const fwd = `query($after: String) { cmocs(first: 2, after: $after, sort: [{field: CODE}]) {
		edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	const back = `query($before: String) { cmocs(last: 2, before: $before, sort: [{field: CODE}]) {
		edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	var forwards []string
	vars := map[string]any{}
	for range 10 {
		ids, info := page(fwd, vars)
		forwards = append(forwards, ids...)
		if info["hasNextPage"] != true {
			break
		}
		vars = map[string]any{"after": info["endCursor"]}
	}
	var backwards []string
	vars = map[string]any{}
	for range 10 {
		ids, info := page(back, vars)
		backwards = append(ids, backwards...)
		if info["hasPreviousPage"] != true {
			break
		}
		vars = map[string]any{"before": info["startCursor"]}
	}
	if got := jsonString(t, forwards); got != jsonString(t, want) {
		t.Errorf("forwards %s, want %s", got, jsonString(t, want))
	}
	if got := jsonString(t, backwards); got != jsonString(t, want) {
		t.Errorf("backwards %s, want %s", got, jsonString(t, want))
	}
	last, info := page(`{ cmocs(last: 1, sort: [{field: CODE}]) { edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`, nil)
	if len(last) != 1 || last[0] != want[len(want)-1] || info["hasNextPage"] != false || info["hasPreviousPage"] != true {
		t.Errorf("last: 1 gives %v %v, want %s", last, info, want[len(want)-1])
	}
	// the cursor before the last one, handed to the list sorted another way
	_, errs := raw(t, c, `query($after: String) { cmocs(first: 2, after: $after, sort: [{field: CODE, direction: DESC}]) { totalCount } }`,
		map[string]any{"after": info["startCursor"]})
	wantCode(t, errs, "BAD_USER_INPUT", "another sort")
	_, errs = raw(t, c, `query($after: String) { cmocs(first: 2, after: $after, where: {studyId: {eq: "youth"}}, sort: [{field: CODE}]) { totalCount } }`,
		map[string]any{"after": info["startCursor"]})
	wantCode(t, errs, "BAD_USER_INPUT", "other filters")
	_, errs = raw(t, c, `{ cmocs(first: 1, last: 1) { totalCount } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "first or last")
}
