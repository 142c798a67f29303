package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/99designs/gqlgen/client"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

func TestStudyLifecycle(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s)
	d := ok(t, c, `mutation { createStudy(input: {title: "Peer support in schools", authors: ["Smith, J"], year: 2021, population: CHILDREN, informants: [STAFF]}) { id title createdBy updatedBy population } }`, nil)
	if got := jsonString(t, d["createStudy"]); got != `{"createdBy":"tester","id":"smith-2021-peer-support-in-schools","population":"CHILDREN","title":"Peer support in schools","updatedBy":"tester"}` {
		t.Fatalf("created: %s", got)
	}
	// only the fields given change; null clears
	d = ok(t, c, `mutation { updateStudy(input: {id: "smith-2021-peer-support-in-schools", country: "England", population: null, year: 2022}) { country population year title } }`, nil)
	if got := jsonString(t, d["updateStudy"]); got != `{"country":"England","population":null,"title":"Peer support in schools","year":2022}` {
		t.Fatalf("updated: %s", got)
	}
	ok(t, c, `mutation { createProgrammeTheory(input: {studyId: "smith-2021-peer-support-in-schools", name: "IPT", stage: INITIAL}) { id } }`, nil)
	_, errs := raw(t, c, `mutation { deleteStudy(input: {id: "smith-2021-peer-support-in-schools"}) { id } }`, nil)
	e := wantCode(t, errs, "CONFLICT", "still has 1 ProgrammeTheory")
	if e.Extensions["field"] != "input.id" || len(e.Path) != 1 || e.Path[0] != "deleteStudy" {
		t.Fatalf("conflict error lacks its field or path: %+v", e)
	}
	ok(t, c, `mutation { deleteProgrammeTheory(input: {id: "smith-2021-peer-support-in-schools.ipt"}) { id } }`, nil)
	d = ok(t, c, `mutation { deleteStudy(input: {id: "smith-2021-peer-support-in-schools"}) { id kind } }`, nil)
	if got := jsonString(t, d["deleteStudy"]); got != `{"id":"smith-2021-peer-support-in-schools","kind":"Study"}` {
		t.Fatalf("deleted: %s", got)
	}
	_, errs = raw(t, c, `mutation { deleteStudy(input: {id: "smith-2021-peer-support-in-schools"}) { id } }`, nil)
	wantCode(t, errs, "NOT_FOUND", "no Study")
}

func TestValidationErrorsCarryCodeAndField(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	_, errs := raw(t, c, `mutation { createStudy(input: {id: "Bad Id", title: " ", year: 3000}) { id } }`, nil)
	for _, field := range []string{"input.id", "input.title", "input.year"} {
		found := false
		for _, e := range errs {
			if e.Extensions["code"] == "BAD_USER_INPUT" && e.Extensions["field"] == field {
				found = true
			}
		}
		if !found {
			t.Errorf("no BAD_USER_INPUT error for %s in %+v", field, errs)
		}
	}
	_, errs = raw(t, c, `mutation { createStudy(input: {id: "youth", title: "again"}) { id } }`, nil)
	wantCode(t, errs, "CONFLICT", `"youth" is already used by a Study`)
	_, errs = raw(t, c, `mutation { createCMOC(input: {programmeTheoryId: "nowhere", code: "X", outcomeIds: ["youth.ipt.o.hope"]}) { id } }`, nil)
	wantCode(t, errs, "NOT_FOUND", "no ProgrammeTheory")
	_, errs = raw(t, c, `mutation { updateCMOC(input: {id: "youth.ipt.cmoc-1", status: null, code: ""}) { id } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "code: is required")
}

func TestCreateCMOCIsAtomic(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	d := ok(t, c, `mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 3", statement: "When matched, children engage", contextIds: ["youth.ipt.c.matched"], outcomeIds: ["youth.ipt.o.engage"], actors: [SERVICE_USER]}) {
		id code contexts { id } outcomes { id } mechanisms { id } study { id } } }`, nil)
	if got := jsonString(t, d["createCMOC"]); got != `{"code":"CMOC 3","contexts":[{"id":"youth.ipt.c.matched"}],"id":"youth.ipt.cmoc-3","mechanisms":[],"outcomes":[{"id":"youth.ipt.o.engage"}],"study":{"id":"youth"}}` {
		t.Fatalf("created CMOC: %s", got)
	}
	// an element of another programme theory: refused, and the CMOC is not left behind
	_, errs := raw(t, c, `mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 4", mechanismIds: ["adult.cm.m.role"]}) { id } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "within one programme theory")
	if n, _ := s.Get(context.Background(), []string{"youth.ipt.cmoc-4"}); len(n) != 0 {
		t.Fatal("a refused createCMOC left the CMOC behind")
	}
	_, errs = raw(t, c, `mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 5"}) { id } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "at least one")
}

func TestLinkAndUnlink(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `mutation {
		linkCMOCElements(input: {cmocId: "youth.ipt.cmoc-2", contextIds: ["youth.ipt.c.matched"], mechanismIds: ["youth.ipt.m.model"]}) { contexts { id } mechanisms { id } }
	}`, nil)
	if got := jsonString(t, d["linkCMOCElements"]); got != `{"contexts":[{"id":"youth.ipt.c.matched"}],"mechanisms":[{"id":"youth.ipt.m.model"}]}` {
		t.Fatalf("linked: %s", got)
	}
	d = ok(t, c, `mutation {
		unlinkCMOCElements(input: {cmocId: "youth.ipt.cmoc-2", mechanismIds: ["youth.ipt.m.model"]}) { mechanisms { id } }
	}`, nil)
	if got := jsonString(t, d["unlinkCMOCElements"]); got != `{"mechanisms":[]}` {
		t.Fatalf("unlinked: %s", got)
	}
	_, errs := raw(t, c, `mutation { unlinkCMOCElements(input: {cmocId: "youth.ipt.cmoc-10", outcomeIds: ["youth.ipt.o.engage"]}) { id } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "left with no context, mechanism or outcome")

	d = ok(t, c, `mutation { linkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-2", stance: REFINES, rigour: LOW, reviewer: "kg"}) {
		stance rigour reviewer quote { id } cmoc { code evidence { quote { id } stance } } } }`, nil)
	if got := jsonString(t, d["linkEvidence"]); got != `{"cmoc":{"code":"CMOC 2","evidence":[{"quote":{"id":"youth.q.13"},"stance":"REFINES"}]},"quote":{"id":"youth.q.13"},"reviewer":"kg","rigour":"LOW","stance":"REFINES"}` {
		t.Fatalf("evidence: %s", got)
	}
	ok(t, c, `mutation { unlinkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-2"}) { id } }`, nil)
	_, errs = raw(t, c, `mutation { unlinkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-2"}) { id } }`, nil)
	wantCode(t, errs, "NOT_FOUND", "EVIDENCES")

	d = ok(t, c, `mutation { alignElements(input: {fromId: "adult.cm.o.hope", toId: "youth.ipt.o.hope", relation: BROADER, confidence: 0.6, rationale: "hope in general vs for the future"}) {
		relation direction confidence element { id } } }`, nil)
	if got := jsonString(t, d["alignElements"]); got != `{"confidence":0.6,"direction":"OUTGOING","element":{"id":"youth.ipt.o.hope"},"relation":"BROADER"}` {
		t.Fatalf("aligned: %s", got)
	}
	d = ok(t, c, `{ outcome(id: "youth.ipt.o.hope") { alignments { relation direction element { id } } } }`, nil)
	if got := jsonString(t, d["outcome"]); got != `{"alignments":[{"direction":"INCOMING","element":{"id":"adult.cm.o.hope"},"relation":"NARROWER"}]}` {
		t.Fatalf("inverse read: %s", got)
	}
	_, errs = raw(t, c, `mutation { alignElements(input: {fromId: "adult.cm.o.hope", toId: "youth.ipt.m.model", relation: SAME_AS}) { relation } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "can only be RELATED")
	_, errs = raw(t, c, `mutation { alignElements(input: {fromId: "adult.cm.m.role", toId: "youth.ipt.c.matched", relation: RELATED}) { relation } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "same kind")
	_, errs = raw(t, c, `mutation { alignElements(input: {fromId: "adult.cm.o.hope", toId: "youth.ipt.o.hope", relation: SAME_AS, confidence: 1.5}) { relation } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "confidence")
	ok(t, c, `mutation { unalignElements(input: {fromId: "youth.ipt.o.hope", toId: "adult.cm.o.hope"}) { id } }`, nil)
	d = ok(t, c, `{ outcome(id: "youth.ipt.o.hope") { alignments { relation } } }`, nil)
	if got := jsonString(t, d["outcome"]); got != `{"alignments":[]}` {
		t.Fatalf("after unalign (given the other way round): %s", got)
	}

	d = ok(t, c, `mutation { reviseProgrammeTheory(input: {fromId: "youth.ipt", toId: "adult.cm", change: REWORD, rationale: "test"}) { revises { to { id } change } } }`, nil)
	if got := jsonString(t, d["reviseProgrammeTheory"]); got != `{"revises":[{"change":"REWORD","to":{"id":"adult.cm"}}]}` {
		t.Fatalf("revises: %s", got)
	}
	d = ok(t, c, `mutation { chainCMOCs(input: {fromId: "youth.ipt.cmoc-2", toId: "youth.ipt.cmoc-10", rationale: "r"}) { chainsTo { to { code } } } }`, nil)
	if got := jsonString(t, d["chainCMOCs"]); got != `{"chainsTo":[{"to":{"code":"CMOC 10"}}]}` {
		t.Fatalf("chain: %s", got)
	}
}

func TestUpdatesEveryKind(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `mutation {
		a: updateProgrammeTheory(input: {id: "youth.ipt", version: "v2"}) { version }
		b: updateContext(input: {id: "youth.ipt.c.matched", level: INTERPERSONAL, kind: CONDITION}) { level kind }
		c: updateMechanism(input: {id: "youth.ipt.m.model", resource: "a matched peer", reasoning: "I could get better too"}) { resource reasoning }
		d: updateOutcome(input: {id: "youth.ipt.o.hope", proximity: PROXIMAL, intended: true}) { proximity intended }
		e: updateQuote(input: {id: "youth.q.13", location: "Results, hope", startOffset: 10, endOffset: 20}) { location startOffset endOffset }
		f: updateTheory(input: {id: "chime", citation: "Leamy et al. 2011"}) { citation }
		g: updateConstruct(input: {id: "chime.hope", description: "hope and optimism about the future"}) { description }
		h: updateSetting(input: {id: "youth.s.school", modality: ["face-to-face", "group"]}) { modality }
		i: updateCMOC(input: {id: "youth.ipt.cmoc-1", status: SUPPORTED, caveats: ["not in eating-disorder services"]}) { status caveats }
	}`, nil)
	want := `{"a":{"version":"v2"},"b":{"kind":"CONDITION","level":"INTERPERSONAL"},"c":{"reasoning":"I could get better too","resource":"a matched peer"},"d":{"intended":true,"proximity":"PROXIMAL"},"e":{"endOffset":20,"location":"Results, hope","startOffset":10},"f":{"citation":"Leamy et al. 2011"},"g":{"description":"hope and optimism about the future"},"h":{"modality":["face-to-face","group"]},"i":{"caveats":["not in eating-disorder services"],"status":"SUPPORTED"}}`
	if got := jsonString(t, d); got != want {
		t.Fatalf("updates:\n got %s\nwant %s", got, want)
	}
	_, errs := raw(t, c, `mutation { updateQuote(input: {id: "youth.q.13", startOffset: 30}) { id } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "endOffset")
}

func TestCreatesEveryKind(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `mutation {
		t: createTheory(input: {name: "Social Learning Theory", kind: SUBSTANTIVE}) { id }
		k: createConstruct(input: {theoryId: "chime", name: "Connectedness"}) { id theory { id } }
		s: createSetting(input: {studyId: "adult", name: "Ward A", modality: ["face-to-face"]}) { id study { id } }
		q: createQuote(input: {studyId: "adult", text: "It gave me hope", participant: "P4", informantRole: SERVICE_USERS}) { id study { id } }
		c: createContext(input: {programmeTheoryId: "adult.cm", name: "Shared lived experience"}) { id programmeTheory { id } }
		m: createMechanism(input: {programmeTheoryId: "adult.cm", name: "Trusting relationship"}) { id }
		o: createOutcome(input: {programmeTheoryId: "adult.cm", name: "Engagement with services"}) { id study { id } }
	}`, nil)
	want := `{"c":{"id":"adult.cm.c.shared-lived-experience","programmeTheory":{"id":"adult.cm"}},"k":{"id":"chime.connectedness","theory":{"id":"chime"}},"m":{"id":"adult.cm.m.trusting-relationship"},"o":{"id":"adult.cm.o.engagement-with-services","study":{"id":"adult"}},"q":{"id":"` + kb.QuoteID("adult", "It gave me hope") + `","study":{"id":"adult"}},"s":{"id":"adult.s.ward-a","study":{"id":"adult"}},"t":{"id":"social-learning-theory"}}`
	if got := jsonString(t, d); got != want {
		t.Fatalf("creates:\n got %s\nwant %s", got, want)
	}
	d = ok(t, c, `mutation {
		a: linkConstruct(input: {elementId: "adult.cm.o.hope", targetId: "chime.hope"}) { id ... on Outcome { instanceOf { id } } }
		b: linkExplanation(input: {elementId: "adult.cm.m.role", targetId: "social-learning-theory"}) { explainedBy { __typename ... on Theory { id } } }
		c: drawOnTheory(input: {programmeTheoryId: "adult.cm", theoryId: "social-learning-theory"}) { drawsOn { id } }
		d: observeCMOCIn(input: {cmocId: "adult.cm.2", settingId: "adult.s.ward-a"}) { settings { id } }
	}`, nil)
	want = `{"a":{"id":"adult.cm.o.hope","instanceOf":[{"id":"chime.hope"}]},"b":{"explainedBy":[{"__typename":"Theory","id":"social-learning-theory"}]},"c":{"drawsOn":[{"id":"social-learning-theory"}]},"d":{"settings":[{"id":"adult.s.ward-a"}]}}`
	if got := jsonString(t, d); got != want {
		t.Fatalf("links:\n got %s\nwant %s", got, want)
	}
	d = ok(t, c, `{ theory(id: "social-learning-theory") { explains { id } programmeTheories { id } } setting(id: "adult.s.ward-a") { cmocs { id } } }`, nil)
	if got := jsonString(t, d); got != `{"setting":{"cmocs":[{"id":"adult.cm.2"}]},"theory":{"explains":[{"id":"adult.cm.m.role"}],"programmeTheories":[{"id":"adult.cm"}]}}` {
		t.Fatalf("read back: %s", got)
	}
}

// A request's mutation fields stop at the first failure, and the response says which were
// applied: nothing is written that the response does not show.
func TestMutationFieldsStopAtTheFirstFailure(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	q := `mutation {
		a: updateContext(input: {id: "youth.ipt.c.matched", name: "Matched on lived experience"}) { id }
		b: updateContext(input: {id: "no-such-context", name: "x"}) { id }
		c: updateContext(input: {id: "youth.ipt.c.matched", name: "Written after a failure"}) { id }
	}`
	resp, err := c.RawPost(q)
	if err != nil {
		t.Fatal(err)
	}
	var ext struct {
		Mutation struct {
			Applied    []string `json:"applied"`
			Failed     string   `json:"failed"`
			NotApplied []string `json:"notApplied"`
		} `json:"mutation"`
	}
	if err := json.Unmarshal(mustJSON(t, resp.Extensions), &ext); err != nil {
		t.Fatal(err)
	}
	if m := ext.Mutation; !slices.Equal(m.Applied, []string{"a"}) || m.Failed != "b" || !slices.Equal(m.NotApplied, []string{"c"}) {
		t.Fatalf("extensions.mutation %+v (errors %s)", m, resp.Errors)
	}
	var errs []gqlError
	if err := json.Unmarshal(resp.Errors, &errs); err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, e := range errs {
		codes[fmt.Sprint(e.Path)] = fmt.Sprint(e.Extensions["code"])
	}
	if codes["[b]"] != "NOT_FOUND" || codes["[c]"] != "NOT_APPLIED" {
		t.Fatalf("errors by path %v", codes)
	}
	d := ok(t, c, `{ context(id: "youth.ipt.c.matched") { name } }`, nil)
	if got := at(d, "context", "name"); got != "Matched on lived experience" {
		t.Fatalf("the context is %q: a field after the failure was written, or the one before was not", got)
	}
	// a request without a failure says nothing more
	resp, err = c.RawPost(`mutation { a: updateContext(input: {id: "youth.ipt.c.matched", name: "Again"}) { id } }`)
	if err != nil || len(resp.Errors) > 0 || len(resp.Extensions) > 0 {
		t.Fatalf("%v %s %v", err, resp.Errors, resp.Extensions)
	}
}

// Linking a linked pair again changes what it gives and keeps the rest; the reviewer is the
// actor unless one is given.
func TestRelinkingPatchesWhatIsGiven(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	first := ok(t, c, `mutation { alignElements(input: {fromId: "youth.ipt.o.hope", toId: "adult.cm.o.hope", relation: NARROWER,
		rationale: "hope for recovery, for children and adults", confidence: 0.8}) { relation rationale confidence reviewer } }`, nil)
	if at(first, "alignElements", "reviewer") != "tester" {
		t.Fatalf("the reviewer is not the actor: %v", first)
	}
	again := ok(t, c, `mutation { alignElements(input: {fromId: "youth.ipt.o.hope", toId: "adult.cm.o.hope", relation: RELATED}) {
		relation rationale confidence reviewer } }`, nil)
	want := map[string]any{"relation": "RELATED", "rationale": "hope for recovery, for children and adults", "confidence": 0.8, "reviewer": "tester"}
	for k, v := range want {
		if at(again, "alignElements", k) != v {
			t.Fatalf("after aligning again with another relation, %s is %v; want %v (%v)", k, at(again, "alignElements", k), v, again)
		}
	}
	ok(t, c, `mutation { linkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-2", stance: SUPPORTS, relevance: HIGH, rationale: "names the peer", reviewer: "ana"}) { stance } }`, nil)
	ev := ok(t, c, `mutation { linkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-2", stance: REFINES}) { stance relevance rationale reviewer } }`, nil)
	if at(ev, "linkEvidence", "stance") != "REFINES" || at(ev, "linkEvidence", "relevance") != "HIGH" ||
		at(ev, "linkEvidence", "rationale") != "names the peer" || at(ev, "linkEvidence", "reviewer") != "ana" {
		t.Fatalf("evidence linked again: %v", ev)
	}
}

// Deleting an element or a quote that CMOCs use is refused, naming them, unless detach; and a
// CMOC is never left with no context, mechanism or outcome.
func TestDeletingWhatCMOCsUse(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	refused := func(q, code, mention string) {
		t.Helper()
		_, errs := raw(t, c, q, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != code || !strings.Contains(errs[0].Message, mention) {
			t.Fatalf("%s: %+v", q, errs)
		}
	}
	refused(`mutation { deleteMechanism(input: {id: "youth.ipt.m.model"}) { id } }`, "CONFLICT", "youth.ipt.cmoc-1")
	refused(`mutation { deleteQuote(input: {id: "youth.q.13"}) { id } }`, "CONFLICT", "youth.ipt.cmoc-1")
	refused(`mutation { deleteNode(input: {id: "youth.ipt.o.engage", detach: true}) { id } }`, "CONFLICT", "youth.ipt.cmoc-10")

	ok(t, c, `mutation { deleteMechanism(input: {id: "youth.ipt.m.model", detach: true}) { id } }`, nil)
	ok(t, c, `mutation { deleteQuote(input: {id: "youth.q.13", detach: true}) { id } }`, nil)
	d := ok(t, c, `{ cmoc(id: "youth.ipt.cmoc-1") { mechanisms { id } contexts { id } outcomes { id } evidence { stance } } }`, nil)
	if got := jsonString(t, d); got != `{"cmoc":{"contexts":[{"id":"youth.ipt.c.matched"}],"evidence":[],"mechanisms":[],"outcomes":[{"id":"youth.ipt.o.hope"}]}}` {
		t.Fatalf("after detaching: %s", got)
	}
}

// A mistyped id is named by the input field that holds it.
func TestLinkErrorsNameTheInputField(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	for q, field := range map[string]string{
		`mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 99", contextIds: ["youth.ipt.c.matched"], outcomeIds: ["youth.ipt.o.hope", "youth.ipt.o.typo"]}) { id } }`: "input.outcomeIds[1]",
		`mutation { linkCMOCElements(input: {cmocId: "youth.ipt.cmoc-2", contextIds: ["nope"]}) { id } }`:                                                                                     "input.contextIds[0]",
		`mutation { linkCMOCElements(input: {cmocId: "youth.ipt.cmoc-typo", contextIds: ["youth.ipt.c.matched"]}) { id } }`:                                                                   "input.cmocId",
		`mutation { linkEvidence(input: {quoteId: "youth.q.typo", cmocId: "youth.ipt.cmoc-2", stance: SUPPORTS}) { stance } }`:                                                                "input.quoteId",
		`mutation { alignElements(input: {fromId: "youth.ipt.o.hope", toId: "adult.cm.o.typo", relation: SAME_AS}) { relation } }`:                                                            "input.toId",
	} {
		_, errs := raw(t, c, q, nil)
		if len(errs) != 1 || errs[0].Extensions["field"] != field {
			t.Errorf("%s\n  errors %+v, want the field %s", q, errs, field)
		}
	}
}

// A batch is one change: a bad operation anywhere writes nothing and is named; a good batch
// writes every operation.
func TestBatchIsOneChange(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	const batch = `mutation($ops: [BatchOperation!]!) { applyBatch(input: {operations: $ops}) { operations linked relinked unchanged unlinked } }`
	align := func(from, to string) map[string]any {
		return map[string]any{"alignElements": map[string]any{"fromId": from, "toId": to, "relation": "SAME_AS", "rationale": "accepted suggestion"}}
	}
	bad := []any{
		align("youth.ipt.o.hope", "adult.cm.o.hope"),
		map[string]any{"linkEvidence": map[string]any{"quoteId": "youth.q.13", "cmocId": "youth.ipt.cmoc-2", "stance": "SUPPORTS"}},
		align("youth.ipt.o.engage", "adult.cm.o.typo"),
	}
	_, errs := raw(t, c, batch, map[string]any{"ops": bad})
	if len(errs) != 1 || errs[0].Extensions["field"] != "input.operations[2].alignElements.toId" {
		t.Fatalf("errors %+v", errs)
	}
	d := ok(t, c, `{ outcome(id: "youth.ipt.o.hope") { alignments { element { id } } } cmoc(id: "youth.ipt.cmoc-2") { evidence { stance } } }`, nil)
	if got := jsonString(t, d); got != `{"cmoc":{"evidence":[]},"outcome":{"alignments":[]}}` {
		t.Fatalf("a refused batch wrote: %s", got)
	}
	_, errs = raw(t, c, batch, map[string]any{"ops": []any{map[string]any{}}})
	if len(errs) != 1 || errs[0].Extensions["field"] != "input.operations[0]" {
		t.Fatalf("an empty operation: %+v", errs)
	}
	d = ok(t, c, batch, map[string]any{"ops": bad[:2]})
	if got := jsonString(t, d); got != `{"applyBatch":{"linked":2,"operations":2,"relinked":0,"unchanged":0,"unlinked":0}}` {
		t.Fatalf("batch: %s", got)
	}
	d = ok(t, c, `{ outcome(id: "youth.ipt.o.hope") { alignments { element { id } reviewer } } }`, nil)
	if got := jsonString(t, d); got != `{"outcome":{"alignments":[{"element":{"id":"adult.cm.o.hope"},"reviewer":"tester"}]}}` {
		t.Fatalf("after the batch: %s", got)
	}
}

// Writers that send the revision they read never lose each other's changes: eight clients
// appending to one CMOC's caveats, retrying on CONFLICT, keep every append.
func TestRevisionsKeepConcurrentAppends(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	const writers, appends = 8, 15
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range appends {
				for {
					var read struct {
						Cmoc struct {
							Revision int
							Caveats  []string
						}
					}
					if err := c.Post(`{ cmoc(id: "youth.ipt.cmoc-2") { revision caveats } }`, &read); err != nil {
						errc <- err
						return
					}
					caveats := append(read.Cmoc.Caveats, fmt.Sprintf("writer %d note %d", w, i))
					resp, err := c.RawPost(`mutation($c: [String!], $r: Int) { updateCMOC(input: {id: "youth.ipt.cmoc-2", caveats: $c, expectedRevision: $r}) { revision } }`,
						client.Var("c", caveats), client.Var("r", read.Cmoc.Revision))
					if err != nil {
						errc <- err
						return
					}
					if len(resp.Errors) == 0 {
						break
					}
					if !strings.Contains(string(resp.Errors), `"CONFLICT"`) {
						errc <- fmt.Errorf("%s", resp.Errors)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	d := ok(t, c, `{ cmoc(id: "youth.ipt.cmoc-2") { revision caveats } }`, nil)
	if n := len(at(d, "cmoc", "caveats").([]any)); n != writers*appends {
		t.Fatalf("%d of %d acknowledged appends kept", n, writers*appends)
	}
	// a stale revision is refused with the current one
	_, errs := raw(t, c, `mutation { updateCMOC(input: {id: "youth.ipt.cmoc-2", label: "x", expectedRevision: 1}) { id } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "CONFLICT" || !strings.Contains(errs[0].Message, "not 1") {
		t.Fatalf("a stale revision: %+v", errs)
	}
	_, errs = raw(t, c, `mutation { deleteCMOC(input: {id: "youth.ipt.cmoc-10", expectedRevision: 7}) { id } }`, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != "CONFLICT" {
		t.Fatalf("a stale delete: %+v", errs)
	}
}

// Two reviewers editing one alignment: the one who read an old revision is refused with the
// current one, and reading again lets the change through.
func TestLinkRevisionsRefuseStaleEdits(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	read := func() float64 {
		d := ok(t, c, `{ mechanism(id: "youth.ipt.m.model") { alignments { revision rationale } } }`, nil)
		return at(d, "mechanism", "alignments", 0, "revision").(float64)
	}
	rev := read()
	const edit = `mutation($r: Int) { alignElements(input: {fromId: "youth.ipt.m.model", toId: "adult.cm.m.role", relation: NARROWER, rationale: "edited", expectedRevision: $r}) { revision } }`
	d := ok(t, c, edit, map[string]any{"r": rev})
	if got := at(d, "alignElements", "revision"); got != rev+1 {
		t.Fatalf("revision after an edit: %v, want %v", got, rev+1)
	}
	_, errs := raw(t, c, edit, map[string]any{"r": rev})
	wantCode(t, errs, "CONFLICT", "changed since you read it")
	_, errs = raw(t, c, `mutation($r: Int) { unalignElements(input: {fromId: "youth.ipt.m.model", toId: "adult.cm.m.role", expectedRevision: $r}) { id } }`, map[string]any{"r": rev})
	wantCode(t, errs, "CONFLICT", "revision")
	ok(t, c, `mutation($r: Int) { unalignElements(input: {fromId: "youth.ipt.m.model", toId: "adult.cm.m.role", expectedRevision: $r}) { id } }`, map[string]any{"r": rev + 1})
	// two reviewers both saw no evidence link and both add one: the second learns of the first
	const add = `mutation { linkEvidence(input: {quoteId: "youth.q.13", cmocId: "youth.ipt.cmoc-10", stance: SUPPORTS, expectedRevision: 0}) { revision } }`
	if d := ok(t, c, add, nil); at(d, "linkEvidence", "revision") != 1.0 {
		t.Fatalf("a new evidence link: %s", jsonString(t, d))
	}
	_, errs = raw(t, c, add, nil)
	wantCode(t, errs, "CONFLICT", "revision 1, not 0")
	// and so for every other link: a construct instance, a chain
	for _, m := range []string{
		`mutation { linkConstruct(input: {elementId: "youth.ipt.o.hope", targetId: "chime.hope", expectedRevision: 0}) { id } }`,
		`mutation { chainCMOCs(input: {fromId: "youth.ipt.cmoc-1", toId: "youth.ipt.cmoc-10", expectedRevision: 0}) { id } }`,
	} {
		if _, errs := raw(t, c, m, nil); len(errs) > 0 {
			wantCode(t, errs, "CONFLICT", "not 0")
			continue
		}
		_, errs := raw(t, c, m, nil)
		wantCode(t, errs, "CONFLICT", "revision 1, not 0")
	}
}

// ICAMO: a CMOC records the intervention it is about, which can be changed and filtered on.
func TestCMOCIntervention(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 20", intervention: "Peer-led group session",
		outcomeIds: ["youth.ipt.o.hope"]}) { id intervention } }`, nil)
	id := at(d, "createCMOC", "id").(string)
	if at(d, "createCMOC", "intervention") != "Peer-led group session" {
		t.Fatalf("created: %s", jsonString(t, d))
	}
	ok(t, c, `mutation($id: ID!) { updateCMOC(input: {id: $id, intervention: "One-to-one mentoring"}) { id } }`, map[string]any{"id": id})
	d = ok(t, c, `{ cmocs(where: {intervention: {contains: "mentoring"}}) { nodes { id intervention } } }`, nil)
	if got := jsonString(t, at(d, "cmocs", "nodes")); got != `[{"id":"`+id+`","intervention":"One-to-one mentoring"}]` {
		t.Errorf("filtered: %s", got)
	}
}

// Roles extend the actor categories: a CMOC records them as the study names them, they can be
// replaced and filtered on, and a role repeated (case ignored) is refused with its path.
func TestCMOCRoles(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `mutation { createCMOC(input: {programmeTheoryId: "youth.ipt", code: "CMOC 21", actors: [PEER_WORKER],
		roles: ["peer supporter with diabetes"], outcomeIds: ["youth.ipt.o.hope"]}) { id actors roles } }`, nil)
	id := at(d, "createCMOC", "id").(string)
	if got := jsonString(t, at(d, "createCMOC", "roles")); got != `["peer supporter with diabetes"]` {
		t.Fatalf("created: %s", jsonString(t, d))
	}
	ok(t, c, `mutation($id: ID!) { updateCMOC(input: {id: $id, roles: ["peer supporter with diabetes", "volunteer mentor"]}) { id } }`, map[string]any{"id": id})
	d = ok(t, c, `{ cmocs(where: {roles: {includes: "volunteer mentor"}}) { nodes { id roles } } }`, nil)
	if got := jsonString(t, at(d, "cmocs", "nodes")); got != `[{"id":"`+id+`","roles":["peer supporter with diabetes","volunteer mentor"]}]` {
		t.Errorf("filtered: %s", got)
	}
	_, errs := raw(t, c, `mutation($id: ID!) { updateCMOC(input: {id: $id, roles: ["Mentor", "mentor"]}) { id } }`, map[string]any{"id": id})
	wantCode(t, errs, "BAD_USER_INPUT", `repeats roles[0] ("Mentor")`)
}
