package neo4j

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// baseGraph is the fake graph after the fixture, committed at t0 by alice.
func baseGraph(t *testing.T) *fakeGraph {
	t.Helper()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, g, err := applyFake(newFakeGraph(), t0, "alice", fakeFixture()...)
	if err != nil {
		t.Fatal(err)
	}
	g.sent = nil
	return g
}

// withPaths names each op ops[i], as an import would.
func withPaths(ops []kb.Op) []kb.Op {
	for i := range ops {
		ops[i].Path = fmt.Sprintf("ops[%d]", i)
	}
	return ops
}

// bothWays applies ops to two copies of g, one op at a time and in batches, and fails unless
// both give the same result, graph, provenance and error. It returns the batched outcome.
func bothWays(t *testing.T, g *fakeGraph, at time.Time, ops []kb.Op) (kb.Result, []*kb.Meta, *fakeGraph, error) {
	t.Helper()
	one, batched := g.snapshot(), g.snapshot()
	one.tamper, batched.tamper = g.tamper, g.tamper
	r1, w1, g1, err1 := applyFakeBatched(one, 1, at, "bob", ops...)
	r2, w2, g2, err2 := applyFakeBatched(batched, maxBatch, at, "bob", ops...)
	known := map[string]bool{}
	for _, st := range cypher.All() {
		known[st.Name] = true
	}
	for _, name := range slices.Concat(g1.sent, g2.sent) {
		if !known[name] {
			t.Errorf("Apply sent %s, which cypher.All does not list (so the linter never saw it)", name)
		}
	}
	if fmt.Sprint(err1) != fmt.Sprint(err2) {
		t.Fatalf("errors differ:\none at a time: %v\nbatched:       %v", err1, err2)
	}
	if err1 != nil {
		for _, sentinel := range []error{kb.ErrInvalid, kb.ErrNotFound, kb.ErrConflict} {
			if errors.Is(err1, sentinel) != errors.Is(err2, sentinel) {
				t.Fatalf("the errors wrap different sentinels: %v / %v", err1, err2)
			}
		}
		return r2, w2, g2, err2
	}
	if r1 != r2 {
		t.Fatalf("results differ:\none at a time: %+v\nbatched:       %+v", r1, r2)
	}
	if !reflect.DeepEqual(w1, w2) {
		t.Fatalf("written provenance differs:\none at a time: %s\nbatched:       %s", metas(w1), metas(w2))
	}
	if !reflect.DeepEqual(g1.nodes, g2.nodes) {
		t.Fatalf("nodes differ:\none at a time: %v\nbatched:       %v", g1.nodes, g2.nodes)
	}
	if !reflect.DeepEqual(g1.links, g2.links) {
		t.Fatalf("links differ:\none at a time: %v\nbatched:       %v", g1.links, g2.links)
	}
	if len(g2.sent) > len(g1.sent) {
		t.Errorf("batches sent %d statements, one at a time %d", len(g2.sent), len(g1.sent))
	}
	return r2, w2, g2, err2
}

func metas(ms []*kb.Meta) string {
	var b strings.Builder
	for i, m := range ms {
		if m != nil {
			fmt.Fprintf(&b, "[%d]%+v ", i, *m)
		}
	}
	return b.String()
}

func TestBatchMatchesOneAtATime(t *testing.T) {
	g := baseGraph(t)
	t1 := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	ops := withPaths([]kb.Op{
		// one run of creates and upserts
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "s2", Title: "New"}},                                            // 0 new
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "youth", Title: "Youth", Year: ptr(2023)}},                      // 1 unchanged
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "adult", Title: "Adult, revised", Year: ptr(2015)}},             // 2 changed
		{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "s2.pt", StudyID: "s2", Name: "PT"}},                  // 3 owner new in the run
		{Type: kb.OpUpsert, Node: &kb.Outcome{ID: "s2.pt.o", ProgrammeTheoryID: "s2.pt", Name: "Hope"}},         // 4 new
		{Type: kb.OpUpsert, Node: &kb.Outcome{ID: "s2.pt.o", ProgrammeTheoryID: "s2.pt", Name: "Hope again"}},   // 5 same id: replaces 4
		{Type: kb.OpUpsert, Node: &kb.Outcome{ID: "s2.pt.o", ProgrammeTheoryID: "s2.pt", Name: "Hope again"}},   // 6 same id: unchanged
		{Type: kb.OpCreate, Node: &kb.CMOC{ID: "s2.pt.1", ProgrammeTheoryID: "s2.pt", Code: "CMOC 1"}},          // 7 create
		{Type: kb.OpUpsert, Node: &kb.CMOC{ID: "youth.ipt.1", ProgrammeTheoryID: "youth.ipt", Code: "CMOC 1b"}}, // 8 changed
		{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "adult.cm", StudyID: "s2", Name: "CM"}},               // 9 new owner
		{Type: kb.OpUpsert, Node: &kb.Construct{ID: "chime.c2", TheoryID: "chime", Name: "Connectedness"}},      // 10 new
		// one run of links
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "s2.pt.1", To: "s2.pt.o"}},              // 11 new
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "youth.ipt.1", To: "youth.ipt.o.hope"}}, // 12 unchanged
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope",
			LinkProps: kb.LinkProps{Relation: kb.AlignNarrower}}}, // 13 changed
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "s2.pt.o", To: "youth.ipt.o.hope",
			LinkProps: kb.LinkProps{Relation: kb.AlignSameAs}}}, // 14 new
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "s2.pt.o", To: "youth.ipt.o.hope",
			LinkProps: kb.LinkProps{Relation: kb.AlignBroader}}}, // 15 same link: changes 14
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "s2.pt.o", To: "youth.ipt.o.hope",
			LinkProps: kb.LinkProps{Relation: kb.AlignBroader}}}, // 16 same link: unchanged
		// one op on its own, then another run
		{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "s2.pt.1", Patch: kb.Props{"label": "L"}}, // 17
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "s3", Title: "Third"}},                       // 18
		{Type: kb.OpUpsert, Node: &kb.Setting{ID: "s3.set", StudyID: "s3", Name: "Clinic"}},  // 19
	})
	r, written, after, err := bothWays(t, g, t1, ops)
	if err != nil {
		t.Fatal(err)
	}
	want := kb.Result{Created: 7, Updated: 5, Unchanged: 2, Linked: 2, Relinked: 2, LinksUnchanged: 2}
	if r != want {
		t.Fatalf("result %+v, want %+v", r, want)
	}
	wantSent := []string{
		"lock_nodes", "create_nodes/Construct", "create_nodes/Study", "create_nodes/ProgrammeTheory",
		"create_nodes/Outcome", "create_nodes/CMOC", "replace_nodes/Study", "replace_nodes/ProgrammeTheory",
		"replace_nodes/CMOC",
		"link_states", "merge_links/HAS_OUTCOME", "merge_links/ALIGNS",
		"lock_nodes", "replace_node/CMOC",
		"lock_nodes", "create_nodes/Study", "create_nodes/Setting",
		"bump_revision",
	}
	if !slices.Equal(after.sent, wantSent) {
		t.Fatalf("sent %v\nwant %v", after.sent, wantSent)
	}

	// provenance: as each op would have written it
	for i, m := range written {
		wrote := i != 1 && i != 6 && i < 11 || i >= 18
		if (m != nil) != wrote {
			t.Errorf("op %d: written provenance %v", i, m)
		}
	}
	if !written[0].CreatedAt.Equal(t1) || written[0].CreatedBy != "bob" {
		t.Errorf("a new node's provenance: %+v", *written[0])
	}
	if written[2].CreatedBy != "alice" || !written[2].UpdatedAt.Equal(t1) || written[2].UpdatedBy != "bob" {
		t.Errorf("a replaced node keeps its creation: %+v", *written[2])
	}
	if *written[5] != (kb.Meta{CreatedAt: t1, CreatedBy: "bob", UpdatedAt: t1, UpdatedBy: "bob", Revision: 2}) {
		t.Errorf("the second upsert of an id: %+v", *written[5])
	}
	if after.nodes["s2.pt.o"].props["name"] != "Hope again" || after.nodes["adult.cm"].props["studyId"] != "s2" {
		t.Errorf("the last op for an id wins: %v %v", after.nodes["s2.pt.o"].props, after.nodes["adult.cm"].props)
	}
	aligns := after.links[kb.LinkKey{Type: kb.RelAligns, From: "s2.pt.o", To: "youth.ipt.o.hope"}]
	if aligns["relation"] != "BROADER" || !aligns["createdAt"].(time.Time).Equal(t1) {
		t.Errorf("a link written twice in a run: %v", aligns)
	}
	relinked := after.links[kb.LinkKey{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope"}]
	if relinked["relation"] != "NARROWER" || relinked["createdBy"] != "alice" {
		t.Errorf("a relinked link keeps its creation: %v", relinked)
	}

	// the same change again changes nothing, in batches as one at a time
	r, _, _, err = bothWays(t, after, t1.Add(time.Hour), ops)
	if err == nil {
		t.Fatal("creating s2.pt.1 again succeeded")
	}
	if !errors.Is(err, kb.ErrConflict) || !strings.HasPrefix(err.Error(), `ops[7].id: "s2.pt.1" is already used`) {
		t.Fatalf("a create of an existing id: %v", err)
	}
	ops[7].Type = kb.OpUpsert
	r, _, _, err = bothWays(t, after, t1.Add(time.Hour), ops)
	if err != nil {
		t.Fatal(err)
	}
	// 4 and 5 switch the outcome's name back and forth, 14 and 15 the alignment's relation; 7
	// clears the label that 17 then sets again
	if want := (kb.Result{Updated: 4, Unchanged: 10, Relinked: 2, LinksUnchanged: 4}); r != want {
		t.Fatalf("the change again: %+v, want %+v", r, want)
	}
}

func TestBatchErrorsNameTheFailingOp(t *testing.T) {
	study := func(id, title string) kb.Op { return kb.Op{Type: kb.OpUpsert, Node: &kb.Study{ID: id, Title: title}} }
	pt := func(id, studyID string) kb.Op {
		return kb.Op{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: id, StudyID: studyID, Name: "PT"}}
	}
	link := func(typ kb.RelType, from, to string, rel kb.AlignRelation) kb.Op {
		return kb.Op{Type: kb.OpLink, Link: kb.Link{Type: typ, From: from, To: to, LinkProps: kb.LinkProps{Relation: rel}}}
	}
	deleteOn := func(names []string, id string) func(*fakeGraph, string) {
		return func(g *fakeGraph, name string) {
			if slices.Contains(names, name) {
				delete(g.nodes, id)
			}
		}
	}
	cases := []struct {
		name   string
		ops    []kb.Op
		tamper func(*fakeGraph, string)
		is     error
		want   string
	}{
		{name: "owner missing", is: kb.ErrNotFound, want: `ops[1].studyId: no Study with id "nope"`,
			ops: []kb.Op{study("s2", "S2"), pt("x.pt", "nope"), study("s3", "")}},
		{name: "owner of the wrong kind", is: kb.ErrNotFound, want: `ops[2].studyId: no Study with id "s2.pt"`,
			ops: []kb.Op{study("s2", "S2"), pt("s2.pt", "s2"), pt("s2.pt2", "s2.pt")}},
		{name: "invalid after valid ops", is: kb.ErrInvalid, want: `ops[2].title: is required`,
			ops: []kb.Op{study("s2", "S2"), pt("s2.pt", "s2"), study("s3", "")}},
		{name: "no node", is: kb.ErrInvalid, want: `ops[1]: a upsert operation needs a node`,
			ops: []kb.Op{study("s2", "S2"), {Type: kb.OpUpsert}}},
		{name: "id of another kind", is: kb.ErrConflict, want: `ops[1].id: "s2" is already used by a Study, not a Theory`,
			ops: []kb.Op{study("s2", "S2"), {Type: kb.OpUpsert, Node: &kb.Theory{ID: "s2", Name: "T"}}}},
		// the owner vanishes between the check and the write; the earlier op's failure is
		// reported before the later op's missing owner
		{name: "owner vanished", is: kb.ErrNotFound, want: `ops[1].studyId: no Study with id "youth"`,
			tamper: deleteOn([]string{"create_node/ProgrammeTheory", "create_nodes/ProgrammeTheory"}, "youth"),
			ops:    []kb.Op{study("s2", "S2"), pt("youth.pt2", "youth"), pt("s2.pt", "s2"), pt("x.pt", "nope")}},
		{name: "replaced node vanished", is: kb.ErrConflict,
			want:   `ops[0].id: "adult" or its owner was deleted by another change at the same time; try again`,
			tamper: deleteOn([]string{"replace_node/Study", "replace_nodes/Study"}, "adult"),
			ops:    []kb.Op{study("adult", "Adult, revised"), study("youth", "Youth, revised")}},
		{name: "link end missing", is: kb.ErrNotFound, want: `ops[1].to: no node with id "nope"`,
			ops: []kb.Op{link(kb.RelHasOutcome, "youth.ipt.1", "youth.ipt.o.hope", ""),
				link(kb.RelAligns, "youth.ipt.o.hope", "nope", kb.AlignSameAs),
				link(kb.RelAligns, "adult.cm.o.hope", "youth.ipt.o.hope", "")}},
		{name: "invalid link", is: kb.ErrInvalid, want: `ops[2].relation: is required on an ALIGNS link`,
			ops: []kb.Op{link(kb.RelHasOutcome, "youth.ipt.1", "youth.ipt.o.hope", ""),
				link(kb.RelAligns, "youth.ipt.o.hope", "adult.cm.o.hope", kb.AlignRelated),
				link(kb.RelAligns, "adult.cm.o.hope", "youth.ipt.o.hope", "")}},
		{name: "link end vanished", is: kb.ErrConflict,
			want:   `ops[0]: "youth.ipt.o.hope" or "adult.cm.o.hope" was deleted by another change at the same time; try again`,
			tamper: deleteOn([]string{"merge_link/ALIGNS", "merge_links/ALIGNS"}, "adult.cm.o.hope"),
			ops: []kb.Op{link(kb.RelAligns, "youth.ipt.o.hope", "adult.cm.o.hope", kb.AlignRelated),
				link(kb.RelHasOutcome, "youth.ipt.1", "youth.ipt.o.hope", "")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := baseGraph(t)
			g.tamper = c.tamper
			_, _, _, err := bothWays(t, g, time.Now(), withPaths(c.ops))
			if !errors.Is(err, c.is) || !strings.HasPrefix(err.Error(), c.want) {
				t.Fatalf("got %v\nwant %v: %s", err, c.is, c.want)
			}
		})
	}
}

// Another change creates an id between this change's check and its write: the batch's
// uniqueness violation names the op that created the id.
func TestBatchReportsARaceForAnIDAsAConflict(t *testing.T) {
	g := newFakeGraph()
	g.fail = func(name string) error {
		if name == "create_nodes/Theory" {
			return &drv.Neo4jError{Code: codeConstraint, Msg: "Node(7) already exists with label `Node` and property `id` = 'c'"}
		}
		return nil
	}
	_, _, err := applyFake(g, time.Now(), "b", withPaths([]kb.Op{
		{Type: kb.OpCreate, Node: &kb.Theory{ID: "b", Name: "B"}},
		{Type: kb.OpCreate, Node: &kb.Theory{ID: "c", Name: "C"}},
		{Type: kb.OpCreate, Node: &kb.Theory{ID: "d", Name: "D"}},
	})...)
	if !errors.Is(err, kb.ErrConflict) || !strings.Contains(err.Error(), `ops[1].id: "c" is already used`) {
		t.Fatalf("a lost race: %v", err)
	}
}

// cmocOps are n upserts of CMOCs under the programme theory pt, with the given code prefix.
func cmocOps(n int, pt, code string) []kb.Op {
	ops := make([]kb.Op, n)
	for i := range ops {
		ops[i] = kb.Op{Type: kb.OpUpsert, Path: fmt.Sprintf("cmocs[%d]", i),
			Node: &kb.CMOC{ID: fmt.Sprintf("%s.%d", pt, i), ProgrammeTheoryID: pt, Code: fmt.Sprintf("%s %d", code, i)}}
	}
	return ops
}

// The statements a change sends grow with the number of batches, not of ops.
func TestBatchStatementsGrowWithBatchesNotOps(t *testing.T) {
	const n = 10_000
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, g, err := applyFake(newFakeGraph(), t0, "a",
		kb.Op{Type: kb.OpUpsert, Node: &kb.Study{ID: "s", Title: "S"}},
		kb.Op{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}})
	if err != nil {
		t.Fatal(err)
	}
	batches := (n + maxBatch - 1) / maxBatch
	for _, c := range []struct {
		name string
		code string
		want kb.Result
		sent int // statements per batch
		once int // statements per change: bump_revision when it changed anything
	}{
		{"new", "CMOC", kb.Result{Created: n}, 2, 1},         // lock_nodes, create_nodes/CMOC
		{"unchanged", "CMOC", kb.Result{Unchanged: n}, 1, 0}, // lock_nodes
		{"changed", "Code", kb.Result{Updated: n}, 2, 1},     // lock_nodes, replace_nodes/CMOC
	} {
		g.sent = nil
		var r kb.Result
		r, g, err = applyFake(g, t0, "a", cmocOps(n, "s.pt", c.code)...)
		if err != nil {
			t.Fatal(err)
		}
		if r != c.want {
			t.Fatalf("%s: %+v, want %+v", c.name, r, c.want)
		}
		if len(g.sent) != c.sent*batches+c.once {
			t.Fatalf("%s: %d upserts sent %d statements, want %d: %v", c.name, n, len(g.sent), c.sent*batches+c.once, g.sent)
		}
		t.Logf("%d upserts, %s: %d statements", n, c.name, len(g.sent))
	}

	// a CMOC table's import: per row a context, a mechanism, an outcome and the CMOC, then the
	// CMOC's three links
	const rows = n / 4
	var ops []kb.Op
	var links []kb.Op
	for i := range rows {
		id := fmt.Sprintf("s.pt.row%d", i)
		ops = append(ops,
			kb.Op{Type: kb.OpUpsert, Node: &kb.Context{ID: id + ".c", ProgrammeTheoryID: "s.pt", Name: "C"}},
			kb.Op{Type: kb.OpUpsert, Node: &kb.Mechanism{ID: id + ".m", ProgrammeTheoryID: "s.pt", Name: "M"}},
			kb.Op{Type: kb.OpUpsert, Node: &kb.Outcome{ID: id + ".o", ProgrammeTheoryID: "s.pt", Name: "O"}},
			kb.Op{Type: kb.OpUpsert, Node: &kb.CMOC{ID: id, ProgrammeTheoryID: "s.pt", Code: "R"}})
		links = append(links,
			kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasContext, From: id, To: id + ".c"}},
			kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasMechanism, From: id, To: id + ".m"}},
			kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: id, To: id + ".o"}})
	}
	ops = append(ops, links...)
	g.sent = nil
	r, g, err := applyFake(g, t0, "a", ops...)
	if err != nil {
		t.Fatal(err)
	}
	if want := (kb.Result{Created: n, Linked: 3 * rows}); r != want {
		t.Fatalf("table import: %+v, want %+v", r, want)
	}
	// per batch: one read and a write per kind (4) or link type (3)
	nodeBatches, linkBatches := n/maxBatch, (3*rows+maxBatch-1)/maxBatch
	if want := nodeBatches*5 + linkBatches*4 + 1; len(g.sent) != want {
		t.Fatalf("table import of %d ops sent %d statements, want %d", len(ops), len(g.sent), want)
	}
	t.Logf("a %d-row CMOC table (%d ops): %d statements, one at a time about %d", rows, len(ops), len(g.sent), 2*len(ops))
}

// A transient error in a batch retries the whole change from scratch: fresh counters, no
// trace of the failed attempt's writes, and the caller's nodes untouched.
func TestBatchRetriesFromScratch(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	given := kb.Meta{CreatedAt: t0.Add(-time.Hour), CreatedBy: "import"}
	ops := func() []kb.Op {
		return withPaths([]kb.Op{
			{Type: kb.OpUpsert, Node: &kb.Study{ID: "s", Title: "S", Meta: given}},
			{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
			{Type: kb.OpUpsert, Node: &kb.CMOC{ID: "s.pt.1", ProgrammeTheoryID: "s.pt", Code: "C1"}},
			{Type: kb.OpUpsert, Node: &kb.Outcome{ID: "s.pt.o", ProgrammeTheoryID: "s.pt", Name: "O"}},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "s.pt.1", To: "s.pt.o"}},
			{Type: kb.OpUpsert, Node: &kb.Outcome{ID: "s.pt.o2", ProgrammeTheoryID: "s.pt", Name: "O2"}},
			{Type: kb.OpUpsert, Node: &kb.CMOC{ID: "s.pt.2", ProgrammeTheoryID: "s.pt", Code: "C2"}},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "s.pt.2", To: "s.pt.o2"}},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "s.pt.1", To: "s.pt.o2"}},
		})
	}
	r0, w0, clean, err := applyFakeBatched(newFakeGraph(), maxBatch, t0, "bob", ops()...)
	if err != nil {
		t.Fatal(err)
	}

	// fail the first attempt's last statement, the batch of links, after all its other writes
	g := newFakeGraph()
	failures := 1
	g.fail = func(name string) error {
		if name == "merge_links/HAS_OUTCOME" && failures > 0 {
			failures--
			return &drv.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
		}
		return nil
	}
	given2 := ops()
	r, w, after, err := applyFakeBatched(g, maxBatch, t0, "bob", given2...)
	if err != nil {
		t.Fatal(err)
	}
	if failures != 0 {
		t.Fatal("the injected failure never happened")
	}
	if r != r0 || !reflect.DeepEqual(w, w0) {
		t.Fatalf("after a retry: %+v %s\nclean run:   %+v %s", r, metas(w), r0, metas(w0))
	}
	if !reflect.DeepEqual(after.nodes, clean.nodes) || !reflect.DeepEqual(after.links, clean.links) {
		t.Fatalf("after a retry the graph differs from a clean run's:\n%v\n%v", after.nodes, clean.nodes)
	}
	// both attempts started from the first statement
	if n := occurrences(after.sent, "lock_nodes"); n != 4 {
		t.Fatalf("lock_nodes sent %d times over two attempts, want 4: %v", n, after.sent)
	}
	if s := given2[0].Node.(*kb.Study); s.Meta != given || given2[2].Node.NodeMeta().CreatedBy != "" {
		t.Fatalf("an attempt changed the caller's nodes: %+v %+v", s.Meta, given2[2].Node.NodeMeta())
	}
}

func occurrences(names []string, name string) int {
	n := 0
	for _, s := range names {
		if s == name {
			n++
		}
	}
	return n
}
