package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// Read plans are checked against the store's own generic reads: whatever a plan reads along a
// step must be exactly what Links, List and the owner fields say is there, and every node it
// returns must carry the properties asked as Get has them.

var planTests = []struct {
	name string
	fn   func(t *testing.T, s kb.Store)
}{
	{"EveryStepOfEveryKind", testPlanEveryStep},
	{"NarrowProjection", testPlanNarrowProjection},
	{"FromIDs", testPlanFromIDs},
	{"FilteredSortedPaged", testPlanFilteredSortedPaged},
	{"Refusals", testPlanRefusals},
	{"AfterWrites", testPlanAfterWrites},
}

func runPlans(t *testing.T, newStore NewStore) {
	for _, tc := range planTests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			if _, err := document.Import(context.Background(), s, "storetest", document.Source{Name: "analysis.yaml", Data: analysisFixture}); err != nil {
				t.Fatalf("loading the analysis fixture: %v", err)
			}
			tc.fn(t, s)
		})
	}
}

func read(t *testing.T, s kb.Store, p kb.ReadPlan) kb.ReadResult {
	t.Helper()
	res, err := s.Read(context.Background(), p)
	if err != nil {
		t.Fatalf("read plan: %v", err)
	}
	return res
}

// checkRead compares everything a plan read with the generic reads of the same store.
func checkRead(t *testing.T, s kb.Store, p kb.ReadPlan, res kb.ReadResult) {
	t.Helper()
	got := map[string]kb.Node{}
	for _, n := range append(slices.Clone(res.Roots), res.Nodes...) {
		got[n.NodeID()] = n
	}
	checked := map[string]bool{}
	var walk func(n kb.Node, fs []kb.Follow, path string)
	walk = func(n kb.Node, fs []kb.Follow, path string) {
		checkProps(t, s, p, n, path)
		for _, f := range fs {
			where := fmt.Sprintf("%s -%s(in %t, %s)-> ", path, f.Rel, f.In, f.Kind)
			edge := kb.Edge{ID: n.NodeID(), Step: f.Step}
			have, ok := res.Edges[edge]
			if !ok {
				t.Fatalf("%sthe plan read no edge", where)
			}
			want := expectedLinks(t, s, n, f.Step)
			if strings.Join(linkKeys(have), ";") != strings.Join(linkKeys(want), ";") {
				t.Fatalf("%sread %v, the store holds %v", where, linkKeys(have), linkKeys(want))
			}
			for i := range want {
				if !f.LinkProps {
					break
				}
				if !kb.EqualProps(kb.LinkContent(have[i]), kb.LinkContent(want[i])) {
					t.Fatalf("%slink %v: properties %v, the store holds %v", where, linkKeys(have[i:i+1]), kb.LinkContent(have[i]), kb.LinkContent(want[i]))
				}
			}
			for _, l := range have {
				far := l.To
				if f.In {
					far = l.From
				}
				fn, ok := got[far]
				if !ok {
					t.Fatalf("%s%q is not among the nodes read", where, far)
				}
				key := fmt.Sprintf("%p/%s", fs, far)
				if !checked[key] {
					checked[key] = true
					walk(fn, f.Follow, where+far)
				}
			}
		}
	}
	for _, n := range res.Roots {
		walk(n, p.Follow, n.NodeID())
	}
}

// expectedLinks is what the generic reads say lies along a step from n.
func expectedLinks(t *testing.T, s kb.Store, n kb.Node, step kb.Step) []kb.Link {
	t.Helper()
	ctx := context.Background()
	if _, isLink := kb.LinkSpecFor(step.Rel); isLink {
		// every link of the type, not the node's: a store may answer a node's links from what
		// its reads keep, and this is what they are checked against
		all, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{step.Rel}, All: true})
		if err != nil {
			t.Fatal(err)
		}
		var ls []kb.Link
		for _, l := range all {
			if step.In && l.To == n.NodeID() || !step.In && l.From == n.NodeID() {
				ls = append(ls, l)
			}
		}
		kb.SortLinks(ls)
		return ls
	}
	if !step.In {
		spec, ok := kb.OwnerOf(n.NodeKind())
		if !ok || spec.Rel != step.Rel || spec.Kind != step.Kind {
			return nil
		}
		return []kb.Link{{Type: step.Rel, From: n.NodeID(), To: n.Owner()}}
	}
	spec, _ := kb.OwnerOf(step.Kind)
	page := list(t, s, kb.ListQuery{Kind: step.Kind, Filters: []kb.Filter{{Field: spec.Field, Op: kb.FilterEq, Value: n.NodeID()}}})
	var out []kb.Link
	for _, c := range page.Nodes {
		out = append(out, kb.Link{Type: step.Rel, From: c.NodeID(), To: n.NodeID()})
	}
	return out
}

// checkProps checks that n carries every property the plan asks of its kind as Get has it.
func checkProps(t *testing.T, s kb.Store, p kb.ReadPlan, n kb.Node, path string) {
	t.Helper()
	full := kb.ToProps(get(t, s, n.NodeID()))
	have := kb.ToProps(n)
	asked := kb.PlanProps(n.NodeKind(), p.Props[n.NodeKind()])
	if asked == nil {
		if !kb.EqualProps(have, full) {
			t.Fatalf("%s: read %v, the store holds %v", path, have, full)
		}
		return
	}
	for _, name := range asked {
		if !kb.EqualProps(kb.Props{name: have[name]}, kb.Props{name: full[name]}) {
			t.Fatalf("%s: %s read as %v, the store holds %v", path, name, have[name], full[name])
		}
	}
}

func testPlanEveryStep(t *testing.T, s kb.Store) {
	for _, k := range kb.Kinds {
		q := kb.ListQuery{Kind: k}
		p := kb.ReadPlan{List: &q, Total: true, Follow: kb.FollowEverything(k, 3)}
		res := read(t, s, p)
		page := list(t, s, q)
		if strings.Join(ids(res.Roots), ",") != strings.Join(ids(page.Nodes), ",") || res.Total != page.Total {
			t.Fatalf("%s: plan read %v (total %d), the list is %v (total %d)", k, ids(res.Roots), res.Total, ids(page.Nodes), page.Total)
		}
		checkRead(t, s, p, res)
	}
}

func testPlanNarrowProjection(t *testing.T, s kb.Store) {
	props := map[kb.Kind][]string{
		kb.KindStudy: {"year"}, kb.KindCMOC: {"statement", "status"}, kb.KindMechanism: {"resource"},
		kb.KindQuote: {"text", "participant"}, kb.KindContext: {}, kb.KindOutcome: {},
	}
	q := kb.ListQuery{Kind: kb.KindStudy}
	p := kb.ReadPlan{List: &q, Props: props, Follow: kb.FollowEverything(kb.KindStudy, 3)}
	res := read(t, s, p)
	if len(res.Roots) == 0 || len(res.Nodes) == 0 {
		t.Fatalf("the plan read %d studies and %d other nodes", len(res.Roots), len(res.Nodes))
	}
	checkRead(t, s, p, res)
}

func testPlanFromIDs(t *testing.T, s kb.Store) {
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, n := range snap.Nodes {
		all = append(all, n.NodeID())
	}
	asked := append([]string{"no-such-node", all[len(all)-1]}, all...)
	// steps of several kinds from nodes of every kind: a step a node's kind does not take
	// finds nothing
	cmocOwner, _ := kb.OwnerStep(kb.KindCMOC)
	contextOwner, _ := kb.OwnerStep(kb.KindContext)
	ownedOutcomes, _ := kb.OwnedStep(kb.KindOutcome)
	p := kb.ReadPlan{IDs: asked, Follow: []kb.Follow{{Step: kb.LinkStep(kb.RelAligns, false)}, {Step: kb.LinkStep(kb.RelEvidences, true)},
		{Step: cmocOwner}, {Step: contextOwner}, {Step: ownedOutcomes}}}
	res := read(t, s, p)
	if want := append([]string{all[len(all)-1]}, all...); strings.Join(ids(res.Roots), ",") != strings.Join(want, ",") {
		t.Fatalf("roots %v, want the ids asked in order, repeats kept, the unknown left out: %v", ids(res.Roots), want)
	}
	checkRead(t, s, p, res)

	// of one kind: nodes of other kinds are left out
	for _, k := range kb.Kinds {
		p := kb.ReadPlan{IDs: all, Kind: k, Follow: kb.FollowEverything(k, 2)}
		res := read(t, s, p)
		var want []string
		for _, n := range snap.Nodes {
			if n.NodeKind() == k {
				want = append(want, n.NodeID())
			}
		}
		if strings.Join(ids(res.Roots), ",") != strings.Join(want, ",") {
			t.Fatalf("%s by ids: roots %v, want %v", k, ids(res.Roots), want)
		}
		checkRead(t, s, p, res)
	}
	if res := read(t, s, kb.ReadPlan{IDs: []string{}}); len(res.Roots) != 0 {
		t.Fatalf("no ids read %v", ids(res.Roots))
	}
}

func testPlanFilteredSortedPaged(t *testing.T, s kb.Store) {
	queries := []kb.ListQuery{
		{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "outcome", Op: kb.FilterContains, Value: "HOPE"}}},
		{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "code", Desc: true}}, Offset: 1, Limit: 2},
		{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "year", Op: kb.FilterGte, Value: 2016}}, Sort: []kb.Sort{{Field: "year"}}, Limit: 1},
		{Kind: kb.KindMechanism, Filters: []kb.Filter{{Field: "name", Op: kb.FilterContains, Value: "e"}}, Offset: 1},
		{Kind: kb.KindQuote, Offset: 1000, Limit: 5},
		{Kind: kb.KindContext, Filters: []kb.Filter{{Field: "name", Op: kb.FilterEq, Value: "nothing is called this"}}},
		{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "statement"}}, Reverse: true, Limit: 2},
		{Kind: kb.KindOutcome, Filters: []kb.Filter{{Field: kb.StudyField, Op: kb.FilterIn, Value: []string{"youth", "adult"}},
			{Any: [][]kb.Filter{{{Field: "name", Op: kb.FilterContains, Value: "hope"}}, {{Field: "name", Op: kb.FilterContains, Value: "engage"}}}}}},
	}
	for i, q := range queries {
		for _, total := range []bool{true, false} {
			p := kb.ReadPlan{List: &q, Total: total, Follow: kb.FollowEverything(q.Kind, 2)}
			res := read(t, s, p)
			page := list(t, s, q)
			wantTotal := page.Total
			if !total {
				wantTotal = 0
			}
			if strings.Join(ids(res.Roots), ",") != strings.Join(ids(page.Nodes), ",") || res.Total != wantTotal {
				t.Fatalf("query %d (total %t): plan read %v (total %d), the list is %v (total %d)", i, total, ids(res.Roots), res.Total, ids(page.Nodes), wantTotal)
			}
			checkRead(t, s, p, res)
		}
	}
}

// testPlanAfterWrites reads the whole graph, changes it in every way that alters what lies
// along a step, and checks each time that a plan reads the graph as it is now: a store that
// keeps what its reads walked must forget it when a write changes it.
func testPlanAfterWrites(t *testing.T, s kb.Store) {
	readAll := func(when string) {
		t.Helper()
		for _, k := range kb.Kinds {
			q := kb.ListQuery{Kind: k}
			p := kb.ReadPlan{List: &q, Follow: kb.FollowEverything(k, 3)}
			res := read(t, s, p)
			if page := list(t, s, q); strings.Join(ids(res.Roots), ",") != strings.Join(ids(page.Nodes), ",") {
				t.Fatalf("%s, %s: plan read %v, the list is %v", when, k, ids(res.Roots), ids(page.Nodes))
			}
			checkRead(t, s, p, res)
		}
	}
	readAll("before any write")
	writes := []struct {
		what string
		ops  []kb.Op
	}{
		{"a CMOC created with a mechanism", []kb.Op{
			{Type: kb.OpCreate, Node: &kb.CMOC{ID: "a.cm.9", ProgrammeTheoryID: "a.cm", Code: "9"}},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasMechanism, From: "a.cm.9", To: "a.cm.m.trust"}},
		}},
		{"an alignment written", []kb.Op{{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "a.cm.m.trust", To: "b.ipt.m.validation",
			LinkProps: kb.LinkProps{Relation: kb.AlignRelated, Rationale: "both are trust", Reviewer: "test"}}}}},
		{"a mechanism unlinked", []kb.Op{{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelHasMechanism, From: "a.cm.9", To: "a.cm.m.trust"}}}},
		{"a quote created", []kb.Op{{Type: kb.OpCreate, Node: &kb.Quote{ID: "a.q.9", StudyID: "a", Text: "new words"}}}},
		{"a linked mechanism deleted", []kb.Op{{Type: kb.OpDelete, Kind: kb.KindMechanism, ID: "a.cm.m.trust"}}},
		{"a CMOC deleted", []kb.Op{{Type: kb.OpDelete, Kind: kb.KindCMOC, ID: "a.cm.9"}}},
		{"a quote deleted", []kb.Op{{Type: kb.OpDelete, Kind: kb.KindQuote, ID: "a.q.9"}}},
	}
	for _, w := range writes {
		if _, err := s.Apply(context.Background(), kb.Change{Actor: "test", Ops: w.ops}); err != nil {
			t.Fatalf("%s: %v", w.what, err)
		}
		readAll("after " + w.what)
	}
}

func testPlanRefusals(t *testing.T, s kb.Store) {
	ctx := context.Background()
	bad := []kb.ReadPlan{
		{},
		{IDs: []string{"x"}, Kind: "Nope"},
		{List: &kb.ListQuery{Kind: "Nope"}},
		{List: &kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{{Field: "nope", Op: kb.FilterEq, Value: "x"}}}},
		{IDs: []string{"x"}, Props: map[kb.Kind][]string{kb.KindStudy: {"nope"}}},
		{IDs: []string{"x"}, Follow: []kb.Follow{{Step: kb.Step{Rel: "NOPE"}}}},
		{IDs: []string{"x"}, Follow: []kb.Follow{{Step: kb.Step{Rel: kb.RelInTheory, In: true, Kind: kb.KindStudy}}}},
	}
	for i, p := range bad {
		if _, err := s.Read(ctx, p); err == nil {
			t.Fatalf("plan %d was read: %+v", i, p)
		}
	}
}
