package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/seed"
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

// A reviewer rejects suggestions, several at once; the rejections keep the pairs out of the
// suggestions, travel with an export into a new store, and can be taken back.
func TestRejectedSuggestionsStayRejected(t *testing.T) {
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newStore(t, sources...))
	suggested := func(c *client.Client) []string {
		d := ok(t, c, `{ suggestAlignments(elementId: "gillard-2015.change-model.m.role-modelling", first: 100) { element { id } } }`, nil)
		var ids []string
		for _, s := range at(d, "suggestAlignments").([]any) {
			ids = append(ids, at(s, "element", "id").(string))
		}
		return ids
	}
	before := suggested(c)
	if len(before) < 2 {
		t.Fatalf("suggestions %v", before)
	}
	d := ok(t, c, `mutation($a: ID!, $b: ID!) { applyBatch(input: {operations: [
		{rejectSuggestion: {fromId: "gillard-2015.change-model.m.role-modelling", toId: $a, rationale: "another mechanism"}}
		{rejectSuggestion: {fromId: $b, toId: "gillard-2015.change-model.m.role-modelling"}}]}) { operations linked } }`,
		map[string]any{"a": before[0], "b": before[1]})
	if got := jsonString(t, d["applyBatch"]); got != `{"linked":2,"operations":2}` {
		t.Fatalf("batch: %s", got)
	}
	after := suggested(c)
	if slices.Contains(after, before[0]) || slices.Contains(after, before[1]) {
		t.Fatalf("rejected suggestions come back: %v", after)
	}
	exported := ok(t, c, `{ export(format: JSON) { text } }`, nil)
	text := at(exported, "export", "text").(string)
	if !strings.Contains(text, `"rejections"`) || !strings.Contains(text, "another mechanism") {
		t.Fatalf("the export lacks the rejections")
	}
	other := newClient(t, newStore(t, document.Source{Name: "review.json", Data: []byte(text)}))
	if again := suggested(other); slices.Contains(again, before[0]) || slices.Contains(again, before[1]) {
		t.Errorf("rejections lost in the round trip: %v", again)
	}
	ok(t, c, `mutation($a: ID!) { unrejectSuggestion(input: {fromId: $a, toId: "gillard-2015.change-model.m.role-modelling"}) { id } }`, map[string]any{"a": before[0]})
	if back := suggested(c); !slices.Contains(back, before[0]) {
		t.Errorf("a rejection taken back still hides the pair: %v", back)
	}
	_, errs := raw(t, c, `mutation { rejectSuggestion(input: {fromId: "gillard-2015.change-model.m.role-modelling", toId: "gillard-2015.change-model.m.trusting-relationships"}) { id } }`, nil)
	if len(errs) == 0 {
		t.Error("a rejection within one theory was accepted")
	}
}

// What accepted links taught and whom the CMOCs are about reach a dashboard through GraphQL.
func TestSuggestionReasonsTaughtAndRoles(t *testing.T) {
	doc := `format: cmograph/v1
studies:
  - {id: a, title: A, informants: [SERVICE_USERS], programmeTheories: [{name: PT, mechanisms: [{name: Feeling validated}],
      cmocs: [{code: C1, roles: [peer supporter with diabetes], mechanisms: [Feeling validated]}]}]}
  - {id: b, title: B, informants: [SERVICE_USERS], programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement}],
      cmocs: [{code: C1, roles: [Peer supporter with diabetes], mechanisms: [Acknowledgement]}]}]}
  - {id: c, title: C, informants: [SERVICE_USERS, STAFF], programmeTheories: [{name: PT, mechanisms: [{name: Being validated}],
      cmocs: [{code: C1, roles: [peer supporter with diabetes], mechanisms: [Being validated]}]}]}
  - {id: d, title: D, programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement from peers}], cmocs: [{code: C1, mechanisms: [Acknowledgement from peers]}]}]}
  - {id: e, title: E, programmeTheories: [{name: PT, mechanisms: [{name: Validated by staff}], cmocs: [{code: C1, mechanisms: [Validated by staff]}]}]}
  - {id: f, title: F, programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement by staff}], cmocs: [{code: C1, mechanisms: [Acknowledgement by staff]}]}]}
alignments:
  - {from: a.pt.m.feeling-validated, to: d.pt.m.acknowledgement-from-peers, relation: SAME_AS}
  - {from: e.pt.m.validated-by-staff, to: f.pt.m.acknowledgement-by-staff, relation: SAME_AS}
`
	c := newClient(t, newStore(t, document.Source{Name: "taught.yaml", Data: []byte(doc)}))
	d := ok(t, c, `{
		suggestAlignments(elementId: "c.pt.m.being-validated") { element { id } reasons { bridgedTerms { left right } bridgeScore sharedRoles sharedInformants } }
		suggestCMOCs(cmocId: "c.pt.c1") { cmoc { id } sharedRoles }
	}`, nil)
	var b any
	for _, s := range at(d, "suggestAlignments").([]any) {
		if at(s, "element", "id") == "b.pt.m.acknowledgement" {
			b = at(s, "reasons")
		}
	}
	if got := jsonString(t, b); got != `{"bridgeScore":1,"bridgedTerms":[{"left":"validated","right":"acknowledgement"}],"sharedInformants":["SERVICE_USERS"],"sharedRoles":["peer supporter with diabetes"]}` {
		t.Errorf("reasons of Acknowledgement: %s", got)
	}
	if got := jsonString(t, at(d, "suggestCMOCs")); !strings.Contains(got, `"sharedRoles":["peer supporter with diabetes"]`) {
		t.Errorf("CMOC suggestions: %s", got)
	}
}
