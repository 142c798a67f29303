// Package storetest is the conformance suite every kb.Store passes: the same calls, the same
// answers and the same refusals on the embedded store and on Neo4j.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/synth"
)

// NewStore returns an empty store for one subtest; the suite closes it.
type NewStore func(t *testing.T) kb.Store

// Run runs the whole suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s kb.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"DuplicateID", testDuplicateID},
		{"DanglingOwner", testDanglingOwner},
		{"InvalidNode", testInvalidNode},
		{"UpsertIsIdempotent", testUpsertIsIdempotent},
		{"Update", testUpdate},
		{"UpdateRefusals", testUpdateRefusals},
		{"DeleteRestrictsOwners", testDeleteRestrictsOwners},
		{"DeleteDetachesLinks", testDeleteDetachesLinks},
		{"LinksBothDirections", testLinksBothDirections},
		{"LinksOfManyNodes", testLinksOfManyNodes},
		{"LinkRules", testLinkRules},
		{"LinkPropertiesUpdate", testLinkPropertiesUpdate},
		{"Unlink", testUnlink},
		{"ChangeIsAtomic", testChangeIsAtomic},
		{"ListFiltersAndSorts", testListFiltersAndSorts},
		{"ListPaging", testListPaging},
		{"ListRelationFilters", testListRelationFilters},
		{"ListRejectsUnknownFields", testListRejectsUnknownFields},
		{"Snapshot", testSnapshot},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Provenance", testProvenance},
		{"Ready", testReady},
		{"WritesAreCopied", testWritesAreCopied},
		{"Search", testSearch},
		{"SearchFollowsWrites", testSearchFollowsWrites},
		{"AllLinksOfATypes", testAllLinks},
		{"RevisionsKeepConcurrentWrites", testRevisionsKeepConcurrentWrites},
		{"LinkRevisionsKeepConcurrentWrites", testLinkRevisionsKeepConcurrentWrites},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			tc.fn(t, s)
		})
	}
	t.Run("ReadPlans", func(t *testing.T) { runPlans(t, newStore) })
	t.Run("Analysis", func(t *testing.T) { runAnalysis(t, newStore) })
	t.Run("SyntheticDashboardsAgree", func(t *testing.T) { runSyntheticAgreement(t, newStore) })
	t.Run("TallierRows", func(t *testing.T) { runTallierRows(t, newStore) })
	t.Run("CountingReadsNoCorpus", func(t *testing.T) { runNoCorpusReads(t, newStore) })
}

func ptr[T any](v T) *T { return &v }

// fixture is a small graph with two studies whose elements can be aligned.
func fixture() []kb.Op {
	nodes := []kb.Node{
		&kb.Theory{ID: "chime", Name: "CHIME", Kind: kb.TheoryFramework},
		&kb.Construct{ID: "chime.hope", TheoryID: "chime", Name: "Hope and optimism"},
		&kb.Study{ID: "adult", Title: "Adult peer workers", Year: ptr(2015), Population: kb.PopulationAdults,
			Framing: kb.FramingGroundedTheory, Informants: []kb.Informant{kb.InformantPeerWorkers, kb.InformantStaff}},
		&kb.Study{ID: "youth", Title: "Youth peer support", Year: ptr(2023), Population: kb.PopulationChildren,
			Framing: kb.FramingRealistEvaluation, Informants: []kb.Informant{kb.InformantStaff}},
		&kb.Study{ID: "trial", Title: "PEER trial", Year: ptr(2024), Population: kb.PopulationAdults, Framing: kb.FramingTrial},
		&kb.ProgrammeTheory{ID: "adult.cm", StudyID: "adult", Name: "Change model", Stage: kb.StageChangeModel},
		&kb.ProgrammeTheory{ID: "youth.ipt", StudyID: "youth", Name: "Initial programme theory", Stage: kb.StageInitial},
		&kb.Mechanism{ID: "adult.cm.m.role", ProgrammeTheoryID: "adult.cm", Name: "Role-modelling recovery",
			Resource: "a peer worker in recovery", Reasoning: "recovery seems possible"},
		&kb.Outcome{ID: "adult.cm.o.hope", ProgrammeTheoryID: "adult.cm", Name: "Hope"},
		&kb.Context{ID: "youth.ipt.c.matched", ProgrammeTheoryID: "youth.ipt", Name: "Peer matched on lived experience"},
		&kb.Mechanism{ID: "youth.ipt.m.model", ProgrammeTheoryID: "youth.ipt", Name: "Peer modelling recovery"},
		&kb.Outcome{ID: "youth.ipt.o.hope", ProgrammeTheoryID: "youth.ipt", Name: "Hope for the future"},
		&kb.Outcome{ID: "youth.ipt.o.engage", ProgrammeTheoryID: "youth.ipt", Name: "Service engagement"},
		&kb.CMOC{ID: "adult.cm.1", ProgrammeTheoryID: "adult.cm", Code: "Mechanism 2", Status: kb.StatusSupported,
			Actors: []kb.Actor{kb.ActorPeerWorker}},
		&kb.CMOC{ID: "youth.ipt.cmoc-1", ProgrammeTheoryID: "youth.ipt", Code: "CMOC 1", Status: kb.StatusProposed,
			Actors: []kb.Actor{kb.ActorServiceUser}, Statement: "When matched, children gain hope because peers model recovery",
			Intervention: "Peer-led group session", Roles: []string{"young person newly referred"}},
		&kb.CMOC{ID: "youth.ipt.cmoc-2", ProgrammeTheoryID: "youth.ipt", Code: "CMOC 2", Status: kb.StatusProposed,
			Actors: []kb.Actor{kb.ActorServiceUser, kb.ActorPeerWorker}},
		&kb.Quote{ID: "youth.q.1", StudyID: "youth", Text: "They see that you can get better", Participant: "#13",
			InformantRole: kb.InformantStaff},
		&kb.Setting{ID: "youth.s.1", StudyID: "youth", Name: "School service", Modality: []string{"face-to-face"}},
	}
	var ops []kb.Op
	for _, n := range nodes {
		ops = append(ops, kb.Op{Type: kb.OpCreate, Node: n})
	}
	links := []kb.Link{
		{Type: kb.RelHasMechanism, From: "adult.cm.1", To: "adult.cm.m.role"},
		{Type: kb.RelHasOutcome, From: "adult.cm.1", To: "adult.cm.o.hope"},
		{Type: kb.RelHasContext, From: "youth.ipt.cmoc-1", To: "youth.ipt.c.matched"},
		{Type: kb.RelHasMechanism, From: "youth.ipt.cmoc-1", To: "youth.ipt.m.model"},
		{Type: kb.RelHasOutcome, From: "youth.ipt.cmoc-1", To: "youth.ipt.o.hope"},
		{Type: kb.RelHasOutcome, From: "youth.ipt.cmoc-2", To: "youth.ipt.o.engage"},
		{Type: kb.RelChainsTo, From: "youth.ipt.cmoc-1", To: "youth.ipt.cmoc-2", LinkProps: kb.LinkProps{Rationale: "hope draws children into services"}},
		{Type: kb.RelEvidences, From: "youth.q.1", To: "youth.ipt.cmoc-1", LinkProps: kb.LinkProps{Stance: kb.StanceSupports, Relevance: kb.RatingHigh}},
		{Type: kb.RelAligns, From: "youth.ipt.m.model", To: "adult.cm.m.role", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs, Confidence: ptr(0.9), Rationale: "both model recovery"}},
		{Type: kb.RelInstanceOf, From: "youth.ipt.o.hope", To: "chime.hope"},
		{Type: kb.RelDrawsOn, From: "youth.ipt", To: "chime"},
		{Type: kb.RelObservedIn, From: "youth.ipt.cmoc-1", To: "youth.s.1"},
	}
	for _, l := range links {
		ops = append(ops, kb.Op{Type: kb.OpLink, Link: l})
	}
	return ops
}

func load(t *testing.T, s kb.Store) {
	t.Helper()
	if _, err := s.Apply(context.Background(), kb.Change{Actor: "test", Ops: fixture()}); err != nil {
		t.Fatalf("loading the fixture: %v", err)
	}
}

func apply(s kb.Store, ops ...kb.Op) (kb.Result, error) {
	return s.Apply(context.Background(), kb.Change{Actor: "test", Ops: ops})
}

func mustApply(t *testing.T, s kb.Store, ops ...kb.Op) kb.Result {
	t.Helper()
	r, err := apply(s, ops...)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return r
}

func get(t *testing.T, s kb.Store, id string) kb.Node {
	t.Helper()
	ns, err := s.Get(context.Background(), []string{id})
	if err != nil {
		t.Fatalf("get %s: %v", id, err)
	}
	if len(ns) == 0 {
		return nil
	}
	return ns[0]
}

func wantErr(t *testing.T, err error, sentinel error, contains string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %v error mentioning %q, got none", sentinel, contains)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("want a %v error, got %v", sentinel, err)
	}
	if contains != "" && !containsText(err.Error(), contains) {
		t.Fatalf("error %q does not mention %q", err, contains)
	}
}

func containsText(s, sub string) bool {
	return len(sub) == 0 || (len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0))
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func ids(ns []kb.Node) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.NodeID()
	}
	return out
}

func linkKeys(ls []kb.Link) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = fmt.Sprintf("%s %s->%s", l.Type, l.From, l.To)
	}
	return out
}

func testCreateAndGet(t *testing.T, s kb.Store) {
	load(t, s)
	n := get(t, s, "youth")
	st, ok := n.(*kb.Study)
	if !ok {
		t.Fatalf("get youth: want *kb.Study, got %T", n)
	}
	if st.Title != "Youth peer support" || *st.Year != 2023 || st.Population != kb.PopulationChildren ||
		!slices.Equal(st.Informants, []kb.Informant{kb.InformantStaff}) {
		t.Fatalf("study read back wrong: %+v", st)
	}
	m := get(t, s, "adult.cm.m.role").(*kb.Mechanism)
	if m.Resource != "a peer worker in recovery" || m.Reasoning != "recovery seems possible" || m.ProgrammeTheoryID != "adult.cm" {
		t.Fatalf("mechanism read back wrong: %+v", m)
	}
	// ICAMO's intervention and the roles a review extends the actors with
	if c := get(t, s, "youth.ipt.cmoc-1").(*kb.CMOC); c.Intervention != "Peer-led group session" ||
		!slices.Equal(c.Roles, []string{"young person newly referred"}) || !slices.Equal(c.Actors, []kb.Actor{kb.ActorServiceUser}) {
		t.Fatalf("CMOC read back wrong: %+v", c)
	}
	q := get(t, s, "youth.q.1").(*kb.Quote)
	if q.Participant != "#13" || q.InformantRole != kb.InformantStaff || q.StudyID != "youth" {
		t.Fatalf("quote read back wrong: %+v", q)
	}
	ns, err := s.Get(context.Background(), []string{"chime", "nope", "youth.s.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(ns); !slices.Equal(got, []string{"chime", "youth.s.1"}) {
		t.Fatalf("batch get: got %v", got)
	}
	if set := ns[1].(*kb.Setting); !slices.Equal(set.Modality, []string{"face-to-face"}) {
		t.Fatalf("setting modality: %v", set.Modality)
	}
}

func testDuplicateID(t *testing.T, s kb.Store) {
	load(t, s)
	_, err := apply(s, kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "youth", Title: "again"}})
	wantErr(t, err, kb.ErrConflict, `"youth" is already used by a Study`)
	// ids are global: a theory may not take a study's id either
	_, err = apply(s, kb.Op{Type: kb.OpCreate, Node: &kb.Theory{ID: "adult", Name: "x"}})
	wantErr(t, err, kb.ErrConflict, "already used")
	_, err = apply(s, kb.Op{Type: kb.OpUpsert, Node: &kb.Theory{ID: "adult", Name: "x"}})
	wantErr(t, err, kb.ErrConflict, "not a Theory")
}

func testDanglingOwner(t *testing.T, s kb.Store) {
	load(t, s)
	_, err := apply(s, kb.Op{Type: kb.OpCreate, Path: "input", Node: &kb.CMOC{ID: "x.1", ProgrammeTheoryID: "missing", Code: "CMOC 9"}})
	wantErr(t, err, kb.ErrNotFound, "input.programmeTheoryId")
	// an owner of the wrong kind is as good as missing
	_, err = apply(s, kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: "x.1", ProgrammeTheoryID: "youth", Code: "CMOC 9"}})
	wantErr(t, err, kb.ErrNotFound, "no ProgrammeTheory")
	if get(t, s, "x.1") != nil {
		t.Fatal("a refused create left a node behind")
	}
}

func testInvalidNode(t *testing.T, s kb.Store) {
	_, err := apply(s, kb.Op{Type: kb.OpCreate, Path: "input", Node: &kb.Study{ID: "Bad Id", Year: ptr(3000), Framing: "NOVEL"}})
	wantErr(t, err, kb.ErrInvalid, "input.id")
	for _, want := range []string{"input.title: is required", "input.year", "input.framing"} {
		if !containsText(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func testUpsertIsIdempotent(t *testing.T, s kb.Store) {
	load(t, s)
	before := get(t, s, "youth").(*kb.Study)
	again := &kb.Study{ID: "youth", Title: "Youth peer support", Year: ptr(2023), Population: kb.PopulationChildren,
		Framing: kb.FramingRealistEvaluation, Informants: []kb.Informant{kb.InformantStaff}}
	r := mustApply(t, s, kb.Op{Type: kb.OpUpsert, Node: again},
		kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "youth.ipt.cmoc-2", To: "youth.ipt.o.engage"}})
	if r.Changed() || r.Unchanged != 1 || r.LinksUnchanged != 1 {
		t.Fatalf("re-upserting the same content changed something: %+v", r)
	}
	after := get(t, s, "youth").(*kb.Study)
	if !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("updatedAt moved on an unchanged upsert: %v -> %v", before.UpdatedAt, after.UpdatedAt)
	}
	again.Country = "England"
	r = mustApply(t, s, kb.Op{Type: kb.OpUpsert, Node: again})
	if r.Updated != 1 {
		t.Fatalf("changed upsert: %+v", r)
	}
	if got := get(t, s, "youth").(*kb.Study); got.Country != "England" || !got.CreatedAt.Equal(before.CreatedAt) {
		t.Fatalf("upsert did not keep createdAt or set country: %+v", got)
	}
}

func testUpdate(t *testing.T, s kb.Store) {
	load(t, s)
	r := mustApply(t, s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "youth.ipt.cmoc-1",
		Patch: kb.Props{"status": "SUPPORTED", "statement": nil, "caveats": []string{"not in eating-disorder services"}}})
	if r.Updated != 1 {
		t.Fatalf("update result %+v", r)
	}
	c := get(t, s, "youth.ipt.cmoc-1").(*kb.CMOC)
	if c.Status != kb.StatusSupported || c.Statement != "" || len(c.Caveats) != 1 || c.Code != "CMOC 1" {
		t.Fatalf("update applied wrong: %+v", c)
	}
}

func testUpdateRefusals(t *testing.T, s kb.Store) {
	load(t, s)
	_, err := apply(s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "nope", Patch: kb.Props{"label": "x"}})
	wantErr(t, err, kb.ErrNotFound, `no CMOC with id "nope"`)
	_, err = apply(s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "youth.ipt", Patch: kb.Props{"title": "x"}})
	wantErr(t, err, kb.ErrNotFound, "no Study")
	_, err = apply(s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "youth.ipt.cmoc-1", Patch: kb.Props{"status": "MAYBE"}})
	wantErr(t, err, kb.ErrInvalid, "status")
	_, err = apply(s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "youth.ipt.cmoc-1", Patch: kb.Props{"programmeTheoryId": "adult.cm"}})
	wantErr(t, err, kb.ErrInvalid, "programmeTheoryId")
	_, err = apply(s, kb.Op{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "youth.ipt.cmoc-1", Patch: kb.Props{"code": ""}})
	wantErr(t, err, kb.ErrInvalid, "code: is required")
}

func testDeleteRestrictsOwners(t *testing.T, s kb.Store) {
	load(t, s)
	_, err := apply(s, kb.Op{Type: kb.OpDelete, Kind: kb.KindProgrammeTheory, ID: "youth.ipt"})
	wantErr(t, err, kb.ErrConflict, "2 CMOC")
	_, err = apply(s, kb.Op{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "youth"})
	wantErr(t, err, kb.ErrConflict, "1 ProgrammeTheory")
	_, err = apply(s, kb.Op{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "ghost"})
	wantErr(t, err, kb.ErrNotFound, "ghost")
	r := mustApply(t, s, kb.Op{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "trial"})
	if r.Deleted != 1 || get(t, s, "trial") != nil {
		t.Fatalf("deleting an empty study: %+v", r)
	}
}

func testDeleteDetachesLinks(t *testing.T, s kb.Store) {
	load(t, s)
	mustApply(t, s, kb.Op{Type: kb.OpDelete, Kind: kb.KindMechanism, ID: "youth.ipt.m.model"})
	ls, err := s.Links(context.Background(), kb.LinkQuery{IDs: []string{"youth.ipt.m.model"}, In: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Links(context.Background(), kb.LinkQuery{IDs: []string{"youth.ipt.m.model", "youth.ipt.cmoc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 0 || slices.Contains(linkKeys(out), "ALIGNS youth.ipt.m.model->adult.cm.m.role") ||
		slices.Contains(linkKeys(out), "HAS_MECHANISM youth.ipt.cmoc-1->youth.ipt.m.model") {
		t.Fatalf("links survived their node: in %v, out %v", linkKeys(ls), linkKeys(out))
	}
}

func testLinksBothDirections(t *testing.T, s kb.Store) {
	load(t, s)
	ctx := context.Background()
	out, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasMechanism, kb.RelHasOutcome},
		IDs: []string{"youth.ipt.cmoc-1", "adult.cm.1", "youth.ipt.cmoc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"HAS_MECHANISM adult.cm.1->adult.cm.m.role",
		"HAS_MECHANISM youth.ipt.cmoc-1->youth.ipt.m.model",
		"HAS_OUTCOME adult.cm.1->adult.cm.o.hope",
		"HAS_OUTCOME youth.ipt.cmoc-1->youth.ipt.o.hope",
	}
	if got := linkKeys(out); !slices.Equal(got, want) {
		t.Fatalf("out links:\n got %v\nwant %v", got, want)
	}
	in, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{"adult.cm.m.role"}, In: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 1 || in[0].Relation != kb.AlignSameAs || *in[0].Confidence != 0.9 || in[0].Rationale != "both model recovery" || in[0].CreatedBy != "test" {
		t.Fatalf("in links: %+v", in)
	}
	ev, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelEvidences}, IDs: []string{"youth.ipt.cmoc-1"}, In: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 1 || ev[0].Stance != kb.StanceSupports || ev[0].Relevance != kb.RatingHigh {
		t.Fatalf("evidence links: %+v", ev)
	}
	all, err := s.Links(ctx, kb.LinkQuery{IDs: []string{"youth.ipt.cmoc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 5 {
		t.Fatalf("all out links of cmoc-1: %v", linkKeys(all))
	}
}

// testLinksOfManyNodes asks for the links of many nodes at once, as the analyst does, and holds
// every answer to the store's whole link set filtered by hand: same links, same properties, in
// kb.SortLinks order, with duplicate and unknown ids ignored.
func testLinksOfManyNodes(t *testing.T, s kb.Store) {
	ctx := context.Background()
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(60)); err != nil {
		t.Fatalf("loading the synthetic corpus: %v", err)
	}
	every, err := s.Links(ctx, kb.LinkQuery{All: true})
	if err != nil {
		t.Fatal(err)
	}
	var ends []string
	for _, l := range every {
		ends = append(ends, l.From, l.To)
	}
	ends = slices.Compact(slices.Sorted(slices.Values(ends)))
	// every third end, asked out of order, twice, and beside an id no node has
	var asked []string
	for i := len(ends) - 1; i >= 0; i -= 3 {
		asked = append(asked, ends[i], "no-such-node")
	}
	asked = append(asked, asked[:len(asked)/2]...)
	isAsked := map[string]bool{}
	for _, id := range asked {
		isAsked[id] = true
	}
	typeSets := [][]kb.RelType{nil, {kb.RelEvidences}, {kb.RelHasOutcome, kb.RelAligns, kb.RelHasOutcome},
		{kb.RelInstanceOf, kb.RelEvidences, kb.RelChainsTo}}
	for _, types := range typeSets {
		for _, in := range []bool{false, true} {
			var want []kb.Link
			for _, l := range every {
				end := l.From
				if in {
					end = l.To
				}
				if isAsked[end] && (types == nil || slices.Contains(types, l.Type)) {
					want = append(want, l)
				}
			}
			got, err := s.Links(ctx, kb.LinkQuery{Types: types, IDs: asked, In: in})
			if err != nil {
				t.Fatal(err)
			}
			if len(want) < 10 {
				t.Fatalf("types %v, in %v: only %d links to compare", types, in, len(want))
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("types %v, in %v: %d links\n got %v\nwant %v", types, in, len(got), linkKeys(got), linkKeys(want))
			}
		}
	}
}

func testLinkRules(t *testing.T, s kb.Store) {
	load(t, s)
	cases := []struct {
		link     kb.Link
		sentinel error
		contains string
	}{
		{kb.Link{Type: kb.RelHasMechanism, From: "youth.ipt.cmoc-1", To: "missing"}, kb.ErrNotFound, `no node with id "missing"`},
		{kb.Link{Type: kb.RelHasMechanism, From: "youth.ipt.cmoc-1", To: "adult.cm.m.role"}, kb.ErrInvalid, "within one programme theory"},
		{kb.Link{Type: kb.RelHasMechanism, From: "youth.ipt.cmoc-1", To: "youth.ipt.o.hope"}, kb.ErrInvalid, "not a Outcome"},
		{kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "youth.ipt.o.engage", LinkProps: kb.LinkProps{Relation: kb.AlignRelated}}, kb.ErrInvalid, "different programme theories"},
		{kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope"}, kb.ErrInvalid, "relation: is required"},
		{kb.Link{Type: kb.RelEvidences, From: "youth.q.1", To: "youth.ipt.cmoc-2"}, kb.ErrInvalid, "stance: is required"},
		{kb.Link{Type: kb.RelHasContext, From: "youth.ipt.cmoc-1", To: "youth.ipt.c.matched", LinkProps: kb.LinkProps{Stance: kb.StanceSupports}}, kb.ErrInvalid, "has no stance"},
		{kb.Link{Type: "LIKES", From: "youth", To: "adult"}, kb.ErrInvalid, "not a link type"},
		{kb.Link{Type: kb.RelChainsTo, From: "youth.ipt.cmoc-1", To: "youth.ipt.cmoc-1"}, kb.ErrInvalid, "itself"},
		{kb.Link{Type: kb.RelAligns, From: "adult.cm.o.hope", To: "youth.ipt.m.model", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs}}, kb.ErrInvalid, "can only be RELATED"},
		{kb.Link{Type: kb.RelAligns, From: "adult.cm.m.role", To: "youth.ipt.c.matched", LinkProps: kb.LinkProps{Relation: kb.AlignRelated}}, kb.ErrInvalid, "ALIGNS joins"},
	}
	for _, c := range cases {
		_, err := apply(s, kb.Op{Type: kb.OpLink, Link: c.link})
		wantErr(t, err, c.sentinel, c.contains)
	}
	// an outcome acting in another configuration's mechanism
	mustApply(t, s, kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "adult.cm.o.hope", To: "youth.ipt.m.model",
		LinkProps: kb.LinkProps{Relation: kb.AlignRelated, Rationale: "hope gained is what the youth peer's modelling works through"}}})
}

func testLinkPropertiesUpdate(t *testing.T, s kb.Store) {
	load(t, s)
	l := kb.Link{Type: kb.RelAligns, From: "youth.ipt.m.model", To: "adult.cm.m.role",
		LinkProps: kb.LinkProps{Relation: kb.AlignNarrower, Rationale: "youth version is narrower", Reviewer: "kg"}}
	r := mustApply(t, s, kb.Op{Type: kb.OpLink, Link: l})
	if r.Relinked != 1 {
		t.Fatalf("relink result %+v", r)
	}
	ls, err := s.Links(context.Background(), kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{"youth.ipt.m.model"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].Relation != kb.AlignNarrower || ls[0].Confidence != nil || ls[0].Reviewer != "kg" {
		t.Fatalf("link properties after relink: %+v", ls)
	}
}

func testUnlink(t *testing.T, s kb.Store) {
	load(t, s)
	mustApply(t, s, kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelChainsTo, From: "youth.ipt.cmoc-1", To: "youth.ipt.cmoc-2"}})
	ls, err := s.Links(context.Background(), kb.LinkQuery{Types: []kb.RelType{kb.RelChainsTo}, IDs: []string{"youth.ipt.cmoc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 0 {
		t.Fatalf("unlinked chain still there: %v", linkKeys(ls))
	}
	_, err = apply(s, kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelChainsTo, From: "youth.ipt.cmoc-1", To: "youth.ipt.cmoc-2"}})
	wantErr(t, err, kb.ErrNotFound, "CHAINS_TO")
}

func testChangeIsAtomic(t *testing.T, s kb.Store) {
	load(t, s)
	before, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = apply(s,
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "new-study", Title: "New"}},
		kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "youth", Patch: kb.Props{"country": "England"}},
		kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelChainsTo, From: "youth.ipt.cmoc-1", To: "youth.ipt.cmoc-2"}},
		kb.Op{Type: kb.OpDelete, Kind: kb.KindQuote, ID: "youth.q.1"},
		kb.Op{Type: kb.OpCreate, Path: "ops[4]", Node: &kb.Study{ID: "adult", Title: "duplicate"}},
	)
	wantErr(t, err, kb.ErrConflict, "ops[4].id")
	after, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !sameSnapshot(before, after) {
		t.Fatalf("a failed change left traces: %d nodes/%d links before, %d/%d after",
			len(before.Nodes), len(before.Links), len(after.Nodes), len(after.Links))
	}
}

func sameSnapshot(a, b kb.Snapshot) bool {
	if len(a.Nodes) != len(b.Nodes) || len(a.Links) != len(b.Links) {
		return false
	}
	for i := range a.Nodes {
		if a.Nodes[i].NodeID() != b.Nodes[i].NodeID() || !kb.EqualProps(kb.ToProps(a.Nodes[i]), kb.ToProps(b.Nodes[i])) {
			return false
		}
	}
	for i := range a.Links {
		if a.Links[i].Key() != b.Links[i].Key() || !kb.EqualProps(kb.ToProps(&a.Links[i].LinkProps), kb.ToProps(&b.Links[i].LinkProps)) {
			return false
		}
	}
	return true
}

func list(t *testing.T, s kb.Store, q kb.ListQuery) kb.Page {
	t.Helper()
	p, err := s.List(context.Background(), q)
	if err != nil {
		t.Fatalf("list %+v: %v", q, err)
	}
	return p
}

func testListFiltersAndSorts(t *testing.T, s kb.Store) {
	load(t, s)
	cases := []struct {
		name string
		q    kb.ListQuery
		want []string
	}{
		{"all studies by id", kb.ListQuery{Kind: kb.KindStudy}, []string{"adult", "trial", "youth"}},
		{"year desc", kb.ListQuery{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "year", Desc: true}}}, []string{"trial", "youth", "adult"}},
		{"population eq", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "population", Op: kb.FilterEq, Value: kb.PopulationAdults}}}, []string{"adult", "trial"}},
		{"framing in", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "framing", Op: kb.FilterIn, Value: []kb.Framing{kb.FramingTrial, kb.FramingRealistEvaluation}}}}, []string{"trial", "youth"}},
		{"year range", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "year", Op: kb.FilterGte, Value: 2016}, {Field: "year", Op: kb.FilterLte, Value: 2023}}}, []string{"youth"}},
		{"title contains ignores case", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "title", Op: kb.FilterContains, Value: "PEER"}}}, []string{"adult", "trial", "youth"}},
		{"informants includes", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "informants", Op: kb.FilterIncludes, Value: kb.InformantPeerWorkers}}}, []string{"adult"}},
		{"actor includesAny", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "actors", Op: kb.FilterIncludesAny, Value: []string{"PEER_WORKER"}}}}, []string{"adult.cm.1", "youth.ipt.cmoc-2"}},
		{"status eq", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "status", Op: kb.FilterEq, Value: "PROPOSED"}}}, []string{"youth.ipt.cmoc-1", "youth.ipt.cmoc-2"}},
		{"children of owners", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: []string{"adult.cm"}}}}, []string{"adult.cm.1"}},
		{"quote participant", kb.ListQuery{Kind: kb.KindQuote, Filters: []kb.Filter{{Field: "participant", Op: kb.FilterEq, Value: "#13"}}}, []string{"youth.q.1"}},
		{"quote text", kb.ListQuery{Kind: kb.KindQuote, Filters: []kb.Filter{{Field: "text", Op: kb.FilterContains, Value: "get BETTER"}}}, []string{"youth.q.1"}},
		{"sort by code desc", kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "code", Desc: true}}}, []string{"adult.cm.1", "youth.ipt.cmoc-2", "youth.ipt.cmoc-1"}},
		{"CMOCs of a study", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterEq, Value: "youth"}}}, []string{"youth.ipt.cmoc-1", "youth.ipt.cmoc-2"}},
		{"CMOCs of studies", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterIn, Value: []string{"adult", "trial", "adult"}}}}, []string{"adult.cm.1"}},
		{"outcomes of a study", kb.ListQuery{Kind: kb.KindOutcome, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterEq, Value: "adult"}}}, []string{"adult.cm.o.hope"}},
		{"studies of one population or after 2020", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Any: [][]kb.Filter{
			{{Field: "population", Op: kb.FilterEq, Value: kb.PopulationChildren}},
			{{Field: "year", Op: kb.FilterGte, Value: 2020}}}}}}, []string{"trial", "youth"}},
		{"an OR beside other filters", kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterEq, Value: "youth"},
			{Any: [][]kb.Filter{{{Field: "outcome", Op: kb.FilterContains, Value: "hope"}}, {{Field: "code", Op: kb.FilterEq, Value: "no such code"}}}}}}, []string{"youth.ipt.cmoc-1"}},
		{"an OR of ORs", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Any: [][]kb.Filter{
			{{Any: [][]kb.Filter{{{Field: "id", Op: kb.FilterEq, Value: "adult"}}, {{Field: "id", Op: kb.FilterEq, Value: "trial"}}}}},
			{{Field: "id", Op: kb.FilterEq, Value: "adult"}, {Field: "year", Op: kb.FilterGte, Value: 3000}}}}}}, []string{"adult", "trial"}},
		{"an empty OR holds for none", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Any: [][]kb.Filter{}}}}, nil},
		{"an OR of an empty group holds for all", kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Any: [][]kb.Filter{{}}}}}, []string{"adult", "trial", "youth"}},
		{"missing values sort last", kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "statement"}}}, []string{"youth.ipt.cmoc-1", "adult.cm.1", "youth.ipt.cmoc-2"}},
	}
	for _, c := range cases {
		if got := ids(list(t, s, c.q).Nodes); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	// codes sort as people number them, on both stores: CMOC 2 before CMOC 10
	mustApply(t, s, kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: "youth.ipt.cmoc-10", ProgrammeTheoryID: "youth.ipt", Code: "CMOC 10"}})
	for _, c := range []struct {
		desc bool
		want []string
	}{
		{false, []string{"youth.ipt.cmoc-1", "youth.ipt.cmoc-2", "youth.ipt.cmoc-10", "adult.cm.1"}},
		{true, []string{"adult.cm.1", "youth.ipt.cmoc-10", "youth.ipt.cmoc-2", "youth.ipt.cmoc-1"}},
	} {
		if got := ids(list(t, s, kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "code", Desc: c.desc}}}).Nodes); !slices.Equal(got, c.want) {
			t.Errorf("by code (desc %v): got %v, want %v", c.desc, got, c.want)
		}
	}
	_, err := s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterEq, Value: "adult"}}})
	wantErr(t, err, kb.ErrInvalid, "studyId")
	_, err = s.List(context.Background(), kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Any: [][]kb.Filter{{{Field: "colour", Op: kb.FilterEq, Value: "red", Path: "where.OR[0].colour"}}}}}})
	wantErr(t, err, kb.ErrInvalid, "where.OR[0].colour")
	deep := kb.Filter{Field: "code", Op: kb.FilterEq, Value: "x"}
	for range kb.MaxFilterDepth + 1 {
		deep = kb.Filter{Any: [][]kb.Filter{{deep}}}
	}
	_, err = s.List(context.Background(), kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{deep}})
	wantErr(t, err, kb.ErrInvalid, "deep")
}

func testListPaging(t *testing.T, s kb.Store) {
	load(t, s)
	q := kb.ListQuery{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "year"}}, Limit: 2}
	p1 := list(t, s, q)
	q.Offset = 2
	p2 := list(t, s, q)
	if p1.Total != 3 || p2.Total != 3 || !slices.Equal(ids(p1.Nodes), []string{"adult", "youth"}) || !slices.Equal(ids(p2.Nodes), []string{"trial"}) {
		t.Fatalf("paging: %v (%d) then %v (%d)", ids(p1.Nodes), p1.Total, ids(p2.Nodes), p2.Total)
	}
	q.Offset = 10
	if p := list(t, s, q); len(p.Nodes) != 0 || p.Total != 3 {
		t.Fatalf("past the end: %v %d", ids(p.Nodes), p.Total)
	}
	// backwards: every key and the id reversed, so missing values come first
	for _, c := range []struct {
		q    kb.ListQuery
		want []string
	}{
		{kb.ListQuery{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "year"}}, Limit: 2, Reverse: true}, []string{"trial", "youth"}},
		{kb.ListQuery{Kind: kb.KindStudy, Reverse: true}, []string{"youth", "trial", "adult"}},
		{kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "statement"}}, Reverse: true}, []string{"youth.ipt.cmoc-2", "adult.cm.1", "youth.ipt.cmoc-1"}},
		{kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterEq, Value: "youth"}}, Sort: []kb.Sort{{Field: "code", Desc: true}}, Reverse: true, Limit: 1},
			[]string{"youth.ipt.cmoc-1"}},
	} {
		if got := ids(list(t, s, c.q).Nodes); !slices.Equal(got, c.want) {
			t.Errorf("reversed %+v: got %v, want %v", c.q, got, c.want)
		}
	}
}

func testListRelationFilters(t *testing.T, s kb.Store) {
	load(t, s)
	for _, c := range []struct {
		field, text string
		want        []string
	}{
		{"outcome", "HOPE", []string{"adult.cm.1", "youth.ipt.cmoc-1"}},
		{"mechanism", "recovery seems", []string{"adult.cm.1"}},
		{"context", "lived experience", []string{"youth.ipt.cmoc-1"}},
		{"outcome", "nothing like this", nil},
	} {
		p := list(t, s, kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: c.field, Op: kb.FilterContains, Value: c.text}}})
		if got := ids(p.Nodes); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s contains %q: got %v, want %v", c.field, c.text, got, c.want)
		}
	}
}

func testListRejectsUnknownFields(t *testing.T, s kb.Store) {
	_, err := s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "colour", Op: kb.FilterEq, Value: "red"}}})
	wantErr(t, err, kb.ErrInvalid, "colour")
	_, err = s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "year", Op: kb.FilterContains, Value: "20"}}})
	wantErr(t, err, kb.ErrInvalid, "contains")
	_, err = s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "authors"}}})
	wantErr(t, err, kb.ErrInvalid, "sort")
}

func testSnapshot(t *testing.T, s kb.Store) {
	load(t, s)
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) != 18 || len(snap.Links) != 12 {
		t.Fatalf("snapshot has %d nodes and %d links, want 18 and 12", len(snap.Nodes), len(snap.Links))
	}
	// owners come before what they own, so a snapshot replays in order
	seen := map[string]bool{}
	for _, n := range snap.Nodes {
		if o := n.Owner(); o != "" && !seen[o] {
			t.Fatalf("%s comes before its owner %s", n.NodeID(), o)
		}
		seen[n.NodeID()] = true
	}
}

func testConcurrentWriters(t *testing.T, s kb.Store) {
	load(t, s)
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// every writer adds its own CMOC, and all race to create the same one
			_, err := apply(s, kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: fmt.Sprintf("youth.ipt.w%d", i), ProgrammeTheoryID: "youth.ipt", Code: fmt.Sprintf("W%d", i)}})
			if err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = apply(s, kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: "youth.ipt.contested", ProgrammeTheoryID: "youth.ipt", Code: "C"}})
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case errors.Is(err, kb.ErrConflict):
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d writers created the contested CMOC, want exactly 1", won)
	}
	p := list(t, s, kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterEq, Value: "youth.ipt"}}})
	if p.Total != 2+writers+1 {
		t.Fatalf("after concurrent writes the theory has %d CMOCs, want %d", p.Total, 2+writers+1)
	}
}

func testProvenance(t *testing.T, s kb.Store) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := s.Apply(context.Background(), kb.Change{Actor: "alice", At: at, Ops: []kb.Op{{Type: kb.OpCreate, Node: &kb.Theory{ID: "t", Name: "T"}}}}); err != nil {
		t.Fatal(err)
	}
	later := at.Add(time.Hour)
	if _, err := s.Apply(context.Background(), kb.Change{Actor: "bob", At: later, Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindTheory, ID: "t", Patch: kb.Props{"citation": "x"}}}}); err != nil {
		t.Fatal(err)
	}
	m := get(t, s, "t").NodeMeta()
	if !m.CreatedAt.Equal(at) || m.CreatedBy != "alice" || !m.UpdatedAt.Equal(later) || m.UpdatedBy != "bob" {
		t.Fatalf("provenance: %+v", m)
	}
}

func testReady(t *testing.T, s kb.Store) {
	if err := s.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func searchIDs(t *testing.T, s kb.Store, q kb.SearchQuery) []string {
	t.Helper()
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
		if i > 0 && h.Score > hits[i-1].Score {
			t.Fatalf("hits are not ranked best first: %+v", hits)
		}
		if n := get(t, s, h.ID); n == nil || n.NodeKind() != h.Kind {
			t.Fatalf("hit %+v does not name a node of its kind", h)
		}
	}
	return out
}

func testSearch(t *testing.T, s kb.Store) {
	load(t, s)
	if got := searchIDs(t, s, kb.SearchQuery{Text: "seems possible", Kinds: []kb.Kind{kb.KindMechanism}}); !slices.Equal(got, []string{"adult.cm.m.role"}) {
		t.Errorf("reasoning text: %v", got)
	}
	got := searchIDs(t, s, kb.SearchQuery{Text: "HOPE", Kinds: []kb.Kind{kb.KindOutcome}})
	slices.Sort(got)
	if !slices.Equal(got, []string{"adult.cm.o.hope", "youth.ipt.o.hope"}) {
		t.Errorf("outcomes about hope: %v", got)
	}
	// stemming: "getting better" finds "get better"
	if got := searchIDs(t, s, kb.SearchQuery{Text: "getting better"}); len(got) == 0 || got[0] != "youth.q.1" {
		t.Errorf("quote by stem: %v", got)
	}
	// the better match ranks first: both mechanisms mention recovery, one also modelling
	if got := searchIDs(t, s, kb.SearchQuery{Text: "modelling recovery peer", Kinds: []kb.Kind{kb.KindMechanism}}); len(got) != 2 || got[0] != "youth.ipt.m.model" {
		t.Errorf("ranking: %v", got)
	}
	if got := searchIDs(t, s, kb.SearchQuery{Text: "hope", Limit: 1}); len(got) != 1 {
		t.Errorf("limit: %v", got)
	}
	if got := searchIDs(t, s, kb.SearchQuery{Text: "zebra"}); len(got) != 0 {
		t.Errorf("no match: %v", got)
	}
	_, err := s.Search(context.Background(), kb.SearchQuery{Text: "  "})
	wantErr(t, err, kb.ErrInvalid, "text")
}

func testSearchFollowsWrites(t *testing.T, s kb.Store) {
	load(t, s)
	if got := searchIDs(t, s, kb.SearchQuery{Text: "hope"}); len(got) == 0 {
		t.Fatal("nothing found before the writes")
	}
	mustApply(t, s,
		kb.Op{Type: kb.OpUpdate, Kind: kb.KindQuote, ID: "youth.q.1", Patch: kb.Props{"text": "A kaleidoscope of feelings"}},
		kb.Op{Type: kb.OpDelete, Kind: kb.KindSetting, ID: "youth.s.1"},
		kb.Op{Type: kb.OpCreate, Node: &kb.Theory{ID: "attachment", Name: "Attachment theory", Description: "secure base"}})
	if got := searchIDs(t, s, kb.SearchQuery{Text: "kaleidoscope"}); !slices.Equal(got, []string{"youth.q.1"}) {
		t.Errorf("updated text: %v", got)
	}
	if got := searchIDs(t, s, kb.SearchQuery{Text: "better"}); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if got := searchIDs(t, s, kb.SearchQuery{Text: "school service"}); slices.Contains(got, "youth.s.1") {
		t.Errorf("deleted node still found: %v", got)
	}
	if got := searchIDs(t, s, kb.SearchQuery{Text: "secure base", Kinds: []kb.Kind{kb.KindTheory}}); !slices.Equal(got, []string{"attachment"}) {
		t.Errorf("new node: %v", got)
	}
}

func testAllLinks(t *testing.T, s kb.Store) {
	load(t, s)
	ls, err := s.Links(context.Background(), kb.LinkQuery{All: true, Types: []kb.RelType{kb.RelHasOutcome, kb.RelAligns}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ALIGNS youth.ipt.m.model->adult.cm.m.role",
		"HAS_OUTCOME adult.cm.1->adult.cm.o.hope",
		"HAS_OUTCOME youth.ipt.cmoc-1->youth.ipt.o.hope",
		"HAS_OUTCOME youth.ipt.cmoc-2->youth.ipt.o.engage",
	}
	if got := linkKeys(ls); !slices.Equal(got, want) {
		t.Fatalf("all links:\n got %v\nwant %v", got, want)
	}
}

func testWritesAreCopied(t *testing.T, s kb.Store) {
	n := &kb.Theory{ID: "t", Name: "Before"}
	mustApply(t, s, kb.Op{Type: kb.OpCreate, Node: n})
	if n.CreatedAt.IsZero() || n.CreatedBy != "test" {
		t.Fatalf("the written node does not carry the provenance it was written with: %+v", n.Meta)
	}
	n.Name = "changed behind the store's back"
	if got := get(t, s, "t").(*kb.Theory); got.Name != "Before" {
		t.Fatalf("changing a node after Apply changed the store: %q", got.Name)
	}
}
