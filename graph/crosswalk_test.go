package graph_test

import (
	"testing"
)

// Evidence says how each element was reached; suggestions and comparisons say what the graph
// added to their words.
func TestCrosswalkAnswersSayWhy(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		evidence(id: "youth.ipt.m.model") { matches { element { id } hops relation path { id } } }
		suggestAlignments(elementId: "youth.ipt.m.model") { element { id } score textScore
			reasons { sharedActors otherActors neighbours { left { id } right { id } score } } }
		compareTheories(left: "youth.ipt", right: "adult.cm", threshold: 0.01) { mechanisms { pairs {
			left { id } right { id } basis score rank reasons { sharedActors otherActors neighbours { left { id } right { id } } } } } }
	}`, nil)
	if got := jsonString(t, at(d, "evidence", "matches")); got != `[{"element":{"id":"youth.ipt.m.model"},"hops":0,"path":[{"id":"youth.ipt.m.model"}],"relation":null},`+
		`{"element":{"id":"adult.cm.m.role"},"hops":1,"path":[{"id":"youth.ipt.m.model"},{"id":"adult.cm.m.role"}],"relation":"NARROWER"}]` {
		t.Errorf("evidence matches: %s", got)
	}
	suggestions := at(d, "suggestAlignments").([]any)
	if len(suggestions) == 0 {
		t.Fatal("no suggestions")
	}
	for _, s := range suggestions {
		m := s.(map[string]any)
		if m["score"].(float64) <= 0 || m["textScore"].(float64) <= 0 || m["reasons"] == nil {
			t.Errorf("suggestion without its figures: %s", jsonString(t, m))
		}
	}
	pairs := at(d, "compareTheories", "mechanisms", "pairs").([]any)
	if len(pairs) == 0 {
		t.Fatal("no mechanism pairs")
	}
	first := pairs[0].(map[string]any)
	if first["basis"] != "EXPLICIT" || first["rank"].(float64) < first["score"].(float64) {
		t.Errorf("first pair: %s", jsonString(t, first))
	}
	// the two mechanisms' outcomes are both about hope
	if got := jsonString(t, at(first, "reasons", "neighbours")); got != `{"left":{"id":"youth.ipt.o.hope"},"right":{"id":"adult.cm.o.hope"}}` {
		t.Errorf("first pair's neighbours: %s", got)
	}
}

// A CMOC's counterparts come part by part; an outcome's may be contexts; a mechanism's may not.
func TestCMOCAndCrossKindSuggestions(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		suggestCMOCs(cmocId: "youth.ipt.cmoc-1") { cmoc { id } study { id } score matches { asked { id } candidate { id } score } sharedActors otherActors }
		across: suggestAlignments(elementId: "adult.cm.o.hope", kinds: [CONTEXT, MECHANISM]) { element { __typename id } }
	}`, nil)
	got := at(d, "suggestCMOCs").([]any)
	if len(got) == 0 {
		t.Fatal("no CMOC suggestions")
	}
	for _, s := range got {
		if at(s, "study", "id") == "youth" || len(at(s, "matches").([]any)) == 0 {
			t.Errorf("suggestion %s", jsonString(t, s))
		}
	}
	for _, s := range at(d, "across").([]any) {
		if k := at(s, "element", "__typename"); k != "Context" && k != "Mechanism" {
			t.Errorf("a %v among contexts and mechanisms", k)
		}
	}
	_, errs := raw(t, c, `{ suggestAlignments(elementId: "adult.cm.m.role", kinds: [CONTEXT]) { score } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "no counterparts among Contexts")
}
