package graph_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/seed"
)

func seedClient(t *testing.T) (*countingStore, func(query string, vars map[string]any) map[string]any) {
	t.Helper()
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	s := newStore(t, sources...)
	c := newClient(t, s)
	return s, func(query string, vars map[string]any) map[string]any { return ok(t, c, query, vars) }
}

const (
	gillardModel   = "gillard-2015.change-model"
	youthIPT       = "youth-peer-support-2023.ipt"
	roleModelling  = "gillard-2015.change-model.m.role-modelling"
	youthModelling = "youth-peer-support-2023.ipt.m.similar-peer-modelling-recovery"
)

func TestSuggestAlignmentsRanksYouthModellingInTopThree(t *testing.T) {
	_, q := seedClient(t)
	d := q(`query($id: ID!) { suggestAlignments(elementId: $id, first: 3) {
		element { id name ... on Mechanism { resource } } study { id } score sharedTerms aligned } }`,
		map[string]any{"id": roleModelling})
	list, _ := d["suggestAlignments"].([]any)
	if len(list) != 3 {
		t.Fatalf("want 3 suggestions, got %s", jsonString(t, d))
	}
	found := false
	for i, s := range list {
		if at(s, "study", "id") == "gillard-2015" {
			t.Errorf("suggestion %d is from Gillard's own study", i)
		}
		if at(s, "element", "id") == youthModelling {
			found = true
			terms := at(s, "sharedTerms").([]any)
			if !slices.Contains(terms, any("modelling")) || at(s, "aligned") != "BROADER" {
				t.Errorf("youth modelling suggestion %s: want 'modelling' shared and the seed's BROADER alignment", jsonString(t, s))
			}
		}
	}
	if !found {
		t.Fatalf("youth CMOC 1 mechanism not in Gillard role-modelling's top 3: %s", jsonString(t, d))
	}
}

func TestCompareTheoriesGillardAgainstYouth(t *testing.T) {
	s, q := seedClient(t)
	s.calls.Store(0)
	d := q(`query($l: ID!, $r: ID!) { compareTheories(left: $l, right: $r) {
		left { name } right { name } threshold
		mechanisms { leftCount rightCount pairedLeft pairedRight
			pairs { left { id } right { id } basis relation score sharedTerms }
			leftOnly { id } rightOnly { id } }
		outcomes { pairs { left { id } right { id } basis relation } leftOnly { name } }
		contexts { leftCount rightCount } } }`, map[string]any{"l": gillardModel, "r": youthIPT})
	m := at(d, "compareTheories", "mechanisms")
	if at(m, "leftCount") != 3.0 || at(m, "rightCount") != 11.0 || at(m, "pairedLeft") != 3.0 {
		t.Errorf("mechanism counts %s: want Gillard's 3 mechanisms all paired with the youth theory's 11", jsonString(t, m))
	}
	pairs := at(m, "pairs").([]any)
	var role any
	for _, p := range pairs {
		if at(p, "left", "id") == roleModelling && at(p, "right", "id") == youthModelling {
			role = p
		}
	}
	if role == nil || at(role, "basis") != "EXPLICIT" || at(role, "relation") != "BROADER" || at(role, "score").(float64) <= 0 {
		t.Errorf("role-modelling pair %s, want the youth paper's own alignment (BROADER from Gillard's side) with a score", jsonString(t, role))
	}
	hope := at(d, "compareTheories", "outcomes", "pairs", 0)
	if at(hope, "left", "id") != "gillard-2015.change-model.o.hope-for-recovery" || at(hope, "relation") != "SAME_AS" {
		t.Errorf("first outcome pair %s, want hope SAME_AS hope", jsonString(t, hope))
	}
	t.Logf("compareTheories: %d store round trips", s.calls.Load())
	// a fixed number whatever the theories' size, plus two per hop of the walk along recorded
	// alignments (at most analysis.MaxEvidenceHops)
	if n := s.calls.Load(); n > 15+2*analysis.MaxEvidenceHops {
		t.Errorf("compareTheories took %d store round trips", n)
	}
}

func TestEvidenceForHopeAcrossStudies(t *testing.T) {
	_, q := seedClient(t)
	d := q(`query($id: ID!) { evidence(id: $id) { target { id } matched { id } cmocCount quoteCount
		studies { study { id } population informants
			cmocs { cmoc { code } via { id } supporting { quote { participant text } stance } refuting { quote { id } } } } } }`,
		map[string]any{"id": "youth-peer-support-2023.ipt.o.hope"})
	e := at(d, "evidence")
	studies := at(e, "studies").([]any)
	if len(studies) != 2 || at(studies[0], "study", "id") != "gillard-2015" || at(studies[1], "study", "id") != "youth-peer-support-2023" {
		t.Fatalf("studies %s, want Gillard (2015) then the youth study", jsonString(t, studies))
	}
	youth := at(studies[1], "cmocs", 0)
	if at(youth, "cmoc", "code") != "CMOC 1" || len(at(youth, "supporting").([]any)) == 0 || at(youth, "supporting", 0, "quote", "participant") == "" {
		t.Errorf("youth CMOC 1 evidence %s: want supporting quotes with participant ids", jsonString(t, youth))
	}
	if at(studies[1], "population") != "CHILDREN" {
		t.Errorf("youth population %v", at(studies[1], "population"))
	}
}

func TestChainsThroughGraphQL(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	// the fixture's youth CMOC 1 CHAINS_TO CMOC 2, which produces engagement
	d := ok(t, c, `{ chains(to: "youth.ipt.o.engage") { cmocs { id } links { from { id } to { id } basis rationale } } }`, nil)
	got := jsonString(t, d)
	if !strings.Contains(got, `"cmocs":[{"id":"youth.ipt.cmoc-1"},{"id":"youth.ipt.cmoc-2"}]`) || !strings.Contains(got, `"basis":"EXPLICIT"`) {
		t.Errorf("chains %s", got)
	}
	_, errs := raw(t, c, `{ chains(to: "youth.ipt.o.engage", maxDepth: 50) { cmocs { id } } }`, nil)
	e := wantCode(t, errs, "BAD_USER_INPUT", "maxDepth")
	if e.Extensions["field"] != "maxDepth" {
		t.Errorf("error field %v", e.Extensions["field"])
	}
}

func TestDemiRegularitiesSearchAndDashboards(t *testing.T) {
	_, q := seedClient(t)
	d := q(`{ demiRegularities(minStudies: 2) { studyCount studies { id }
		mechanism { label elements { id } } outcome { label constructs { name } } cmocs { id } } }`, nil)
	list := at(d, "demiRegularities").([]any)
	if len(list) == 0 || at(list[0], "studyCount") != 2.0 {
		t.Fatalf("demi-regularities %s", jsonString(t, d))
	}
	mechs := jsonString(t, at(list[0], "mechanism", "elements"))
	if !strings.Contains(mechs, roleModelling) || !strings.Contains(mechs, youthModelling) {
		t.Errorf("first demi-regularity's mechanisms %s, want role-modelling across both studies", mechs)
	}

	d = q(`{ search(text: "role model recovery", kinds: [MECHANISM, QUOTE], first: 5) { node { id } kind score snippet } }`, nil)
	hits := at(d, "search").([]any)
	if len(hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range hits {
		if k := at(h, "kind"); k != "Mechanism" && k != "Quote" {
			t.Errorf("hit of kind %v", k)
		}
		if at(h, "snippet") == "" {
			t.Errorf("hit without snippet: %s", jsonString(t, h))
		}
	}

	d = q(`{ cmocCounts(by: STUDY) { key label count studyCount } }`, nil)
	counts := map[any]any{}
	for _, b := range at(d, "cmocCounts").([]any) {
		counts[at(b, "key")] = at(b, "count")
	}
	if counts["youth-peer-support-2023"] != 12.0 {
		t.Errorf("CMOC counts by study %v, want 12 for the youth study", counts)
	}
	d = q(`{ cmocCounts(by: OUTCOME) { key label count cluster { elements { id } } } }`, nil)
	if len(at(d, "cmocCounts").([]any)) == 0 {
		t.Errorf("no outcome buckets")
	}
	d = q(`query($s: [ID!]) { elementMatrix(kind: MECHANISM, studyIds: $s) { studies { id } rows { cluster { label } counts total studyCount } } }`,
		map[string]any{"s": []string{"gillard-2015", "youth-peer-support-2023"}})
	m := at(d, "elementMatrix")
	if len(at(m, "studies").([]any)) != 2 || at(m, "rows", 0, "studyCount") != 2.0 {
		t.Errorf("matrix %s: want two columns and a first row both studies share", jsonString(t, m))
	}
	d = q(`{ gaps { cmocsWithoutQuote { id } staffOnlyCmocs { id } unlinkedElements { id } } }`, nil)
	if len(at(d, "gaps", "cmocsWithoutQuote").([]any)) == 0 {
		t.Errorf("gaps %s: the seed has CMOCs no quote backs", jsonString(t, d))
	}
}

func TestCompareVersionsThroughGraphQL(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	// a refined theory made over GraphQL: one CMOC reworded, one added
	ok(t, c, `mutation {
		createProgrammeTheory(input: {id: "youth.rpt", studyId: "youth", name: "Refined programme theory", stage: REFINED}) { id }
		createOutcome(input: {id: "youth.rpt.o.hope", programmeTheoryId: "youth.rpt", name: "Hope for the future"}) { id }
		a: createCMOC(input: {id: "youth.rpt.1", programmeTheoryId: "youth.rpt", code: "CMOC 1", label: "Matched peers model recovery", status: SUPPORTED, outcomeIds: ["youth.rpt.o.hope"]}) { id }
		b: createCMOC(input: {id: "youth.rpt.9", programmeTheoryId: "youth.rpt", code: "CMOC 9", outcomeIds: ["youth.rpt.o.hope"]}) { id }
		reviseProgrammeTheory(input: {fromId: "youth.rpt", toId: "youth.ipt", change: REWORD, rationale: "tested with young people"}) { id }
	}`, nil)
	d := ok(t, c, `{ compareVersions(from: "youth.ipt", to: "youth.rpt") {
		revision { change rationale } added { code } removed { code }
		changed { before { code } after { code } changes { field before after } } } }`, nil)
	v := at(d, "compareVersions")
	if at(v, "revision", "change") != "REWORD" || at(v, "added", 0, "code") != "CMOC 9" {
		t.Errorf("version diff %s", jsonString(t, v))
	}
	if len(at(v, "removed").([]any)) != 2 {
		t.Errorf("removed %s, want CMOC 2 and CMOC 10", jsonString(t, at(v, "removed")))
	}
	if at(v, "changed", 0, "after", "code") != "CMOC 1" {
		t.Errorf("changed %s", jsonString(t, at(v, "changed")))
	}
}

// gaps names the partial CMOCs: those with no context, no mechanism or no outcome.
func TestGapsListCMOCsMissingAPart(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{ gaps(studyIds: ["youth"]) {
		cmocsWithoutContext { count cmocs { id } }
		cmocsWithoutMechanism { count cmocs { id } }
		cmocsWithoutOutcome { count cmocs { id } } } }`, nil)
	want := `{"gaps":{"cmocsWithoutContext":{"cmocs":[{"id":"youth.ipt.cmoc-2"},{"id":"youth.ipt.cmoc-10"}],"count":2},` +
		`"cmocsWithoutMechanism":{"cmocs":[{"id":"youth.ipt.cmoc-2"},{"id":"youth.ipt.cmoc-10"}],"count":2},` +
		`"cmocsWithoutOutcome":{"cmocs":[],"count":0}}}`
	if got := jsonString(t, d); got != want {
		t.Fatalf("gaps:\n got %s\nwant %s", got, want)
	}
	d = ok(t, c, `{ gaps(studyIds: ["youth"], first: 1) { cmocsWithoutContext { count cmocs { id } } } }`, nil)
	if got := jsonString(t, d); got != `{"gaps":{"cmocsWithoutContext":{"cmocs":[{"id":"youth.ipt.cmoc-2"}],"count":2}}}` {
		t.Fatalf("first: 1: %s", got)
	}
}
