package neo4j

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// fakeGraph answers the write path's statements by name, the way Neo4j would answer their
// text, so that Apply's logic (rules, counters, provenance, retries) is tested without a
// server. Values come back in the driver's shapes: lists as []any, maps as map[string]any.
// The conformance suite on a real Neo4j remains the test of the Cypher itself.
type fakeGraph struct {
	nodes map[string]fakeNode
	links map[kb.LinkKey]map[string]any
	sent  []string // statement names, in order
	// revision is the value of the revision node
	revision int64
	fail     func(string) error // injects a driver error before a statement runs
	// tamper changes the graph an attempt works on before a statement runs, as another change
	// committing in between would (were it not for the locks)
	tamper func(g *fakeGraph, name string)
}

type fakeNode struct {
	kind  kb.Kind
	props map[string]any
}

func newFakeGraph() *fakeGraph {
	return &fakeGraph{nodes: map[string]fakeNode{}, links: map[kb.LinkKey]map[string]any{}}
}

// snapshot copies the graph, so that a test can drop an attempt's writes as a rollback does.
func (g *fakeGraph) snapshot() *fakeGraph {
	c := newFakeGraph()
	maps.Copy(c.nodes, g.nodes)
	maps.Copy(c.links, g.links)
	c.revision = g.revision
	return c
}

func driverShape(p map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range p {
		if l, ok := v.([]string); ok {
			items := make([]any, len(l))
			for i, s := range l {
				items[i] = s
			}
			v = items
		}
		out[k] = v
	}
	return out
}

func (g *fakeGraph) nodeRow(id string) (any, any) {
	n, ok := g.nodes[id]
	if !ok {
		return nil, nil
	}
	return driverShape(n.props), []any{"Node", string(n.kind)}
}

func (g *fakeGraph) run(st cypher.Statement, p map[string]any) ([]*drv.Record, error) {
	g.sent = append(g.sent, st.Name)
	if g.fail != nil {
		if err := g.fail(st.Name); err != nil {
			return nil, err
		}
	}
	if g.tamper != nil {
		g.tamper(g, st.Name)
	}
	for _, name := range cypher.Params(st.Query) {
		if _, ok := p[name]; !ok {
			return nil, &drv.Neo4jError{Code: "Neo.ClientError.Statement.ParameterMissing", Msg: "missing $" + name}
		}
	}
	kind, arg, _ := strings.Cut(st.Name, "/")
	if rows, ok := p["rows"]; ok {
		return g.runBatch(st, kind, arg, rows)
	}
	switch kind {
	case "lock_nodes":
		var out []*drv.Record
		for _, id := range p["ids"].([]string) {
			if props, labels := g.nodeRow(id); props != nil {
				out = append(out, record("props", props, "labels", labels))
			}
		}
		return out, nil
	case "create_node", "replace_node":
		ok, err := g.writeNode(kind == "create_node", kb.Kind(arg), p)
		if err != nil || !ok {
			return nil, err
		}
		return []*drv.Record{record("id", p["props"].(map[string]any)["id"])}, nil
	case "lock_for_delete":
		id := p["id"].(string)
		props, labels := g.nodeRow(id)
		if props == nil {
			return nil, nil
		}
		var owned []any
		for _, n := range g.nodes {
			if spec, ok := kb.OwnerOf(n.kind); ok && n.props[spec.Field] == id {
				owned = append(owned, []any{string(n.kind), "Node"})
			}
		}
		return []*drv.Record{record("props", props, "labels", labels, "owned", owned)}, nil
	case "delete_node":
		id := p["id"].(string)
		delete(g.nodes, id)
		for key := range g.links {
			if key.From == id || key.To == id {
				delete(g.links, key)
			}
		}
		return []*drv.Record{record("deleted", int64(1))}, nil
	case "link_state":
		return []*drv.Record{g.linkState(p)}, nil
	case "merge_link":
		if !g.mergeLink(kb.RelType(arg), p) {
			return []*drv.Record{record("linked", int64(0))}, nil
		}
		return []*drv.Record{record("linked", int64(1))}, nil
	case "delete_link":
		key := kb.LinkKey{Type: kb.RelType(arg), From: p["from"].(string), To: p["to"].(string)}
		n := int64(0)
		if _, ok := g.links[key]; ok {
			delete(g.links, key)
			n = 1
		}
		return []*drv.Record{record("unlinked", n)}, nil
	case "bump_revision":
		g.revision++
		return []*drv.Record{record("revision", g.revision)}, nil
	}
	return nil, fmt.Errorf("the fake does not know %s", st.Name)
}

// writeNode answers a create (or replace) of a node of kind k from its parameters: props,
// ownerId and, for a replace, id. ok is false when the owner, or the node replaced, is missing.
func (g *fakeGraph) writeNode(create bool, k kb.Kind, p map[string]any) (ok bool, err error) {
	props := p["props"].(map[string]any)
	id := props["id"].(string)
	if spec, owned := kb.OwnerOf(k); owned {
		if o, ok := g.nodes[p["ownerId"].(string)]; !ok || o.kind != spec.Kind {
			return false, nil
		}
	}
	if create {
		if _, taken := g.nodes[id]; taken {
			return false, &drv.Neo4jError{Code: codeConstraint,
				Msg: fmt.Sprintf("Node(1) already exists with label `Node` and property `id` = '%s'", id)}
		}
	} else if n, ok := g.nodes[p["id"].(string)]; !ok || n.kind != k {
		return false, nil
	}
	g.nodes[id] = fakeNode{kind: k, props: props}
	return true, nil
}

// linkState answers a link_state from its parameters: from, to, type.
func (g *fakeGraph) linkState(p map[string]any) *drv.Record {
	key := kb.LinkKey{Type: kb.RelType(p["type"].(string)), From: p["from"].(string), To: p["to"].(string)}
	fp, fl := g.nodeRow(key.From)
	tp, tl := g.nodeRow(key.To)
	var lp any
	if l, ok := g.links[key]; ok && fp != nil && tp != nil {
		lp = driverShape(l)
	}
	return record("fromProps", fp, "fromLabels", fl, "toProps", tp, "toLabels", tl, "linkProps", lp)
}

// mergeLink answers a merge_link of type typ from its parameters: from, to, props. It reports
// whether both ends exist.
func (g *fakeGraph) mergeLink(typ kb.RelType, p map[string]any) bool {
	key := kb.LinkKey{Type: typ, From: p["from"].(string), To: p["to"].(string)}
	_, a := g.nodes[key.From]
	_, b := g.nodes[key.To]
	if !a || !b {
		return false
	}
	g.links[key] = p["props"].(map[string]any)
	return true
}

var rowField = regexp.MustCompile(`\brow\.([A-Za-z_][A-Za-z0-9_]*)`)

// runBatch answers the batch statements: each row of $rows as the single-op statement would
// answer its parameters, row by row in order (a uniqueness violation fails the whole
// statement), and one row listing the i of the rows written.
func (g *fakeGraph) runBatch(st cypher.Statement, kind, arg string, rows any) ([]*drv.Record, error) {
	list, ok := rows.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: $rows is a %T, not a list", st.Name, rows)
	}
	fields := rowFields(st.Query)
	var out []*drv.Record
	written := []any{}
	seen := map[string]bool{}
	for _, r := range list {
		row, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: a row is a %T, not a map", st.Name, r)
		}
		// Neo4j reads a missing key as null, which would match nothing: a row must hold every
		// key the statement reads.
		for _, f := range fields {
			if _, ok := row[f]; !ok {
				return nil, fmt.Errorf("%s: a row has no %q: %v", st.Name, f, keys(row))
			}
		}
		var ok2 bool
		var err error
		switch kind {
		case "create_nodes", "replace_nodes":
			// the store never sends two rows for one node in a statement
			id := row["props"].(map[string]any)["id"].(string)
			if seen[id] {
				return nil, fmt.Errorf("%s: two rows for %q", st.Name, id)
			}
			seen[id] = true
			ok2, err = g.writeNode(kind == "create_nodes", kb.Kind(arg), row)
		case "merge_links":
			key := fmt.Sprint(row["from"], "->", row["to"])
			if seen[key] {
				return nil, fmt.Errorf("%s: two rows for %s", st.Name, key)
			}
			seen[key] = true
			ok2 = g.mergeLink(kb.RelType(arg), row)
		case "link_states":
			rec := g.linkState(row)
			rec.Keys = append([]string{"i"}, rec.Keys...)
			rec.Values = append([]any{row["i"]}, rec.Values...)
			out = append(out, rec)
			continue
		default:
			return nil, fmt.Errorf("the fake does not know %s", st.Name)
		}
		if err != nil {
			return nil, err
		}
		if ok2 {
			written = append(written, row["i"])
		}
	}
	switch kind {
	case "link_states":
		return out, nil
	case "merge_links":
		return []*drv.Record{record("linked", written)}, nil
	}
	return []*drv.Record{record("written", written)}, nil
}

// rowFields lists the keys a batch statement reads from each row (row.<key>), comments aside.
func rowFields(query string) []string {
	var out []string
	for _, line := range strings.Split(query, "\n") {
		if j := strings.Index(line, "//"); j >= 0 {
			line = line[:j]
		}
		for _, m := range rowField.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// applyFake runs a change the way Apply does: attempts on a copy of the graph, retried on a
// retriable driver error, kept only when an attempt succeeds.
func applyFake(g *fakeGraph, at time.Time, actor string, ops ...kb.Op) (kb.Result, *fakeGraph, error) {
	r, _, g, err := applyFakeBatched(g, maxBatch, at, actor, ops...)
	return r, g, err
}

// applyFakeBatched is applyFake with batches of at most batch ops (1: every op on its own); it
// also returns the provenance written per op, which Apply copies into the caller's nodes.
func applyFakeBatched(g *fakeGraph, batch int, at time.Time, actor string, ops ...kb.Op) (kb.Result, []*kb.Meta, *fakeGraph, error) {
	for attempt := 0; attempt < 3; attempt++ {
		work := g.snapshot()
		work.fail, work.tamper = g.fail, g.tamper
		t := newTxn(work.run, at, actor, len(ops))
		t.batch = batch
		err := t.commit(ops)
		g.sent = append(g.sent, work.sent...)
		var nerr *drv.Neo4jError
		if errors.As(err, &nerr) && nerr.IsRetriable() {
			continue
		}
		if err != nil {
			return kb.Result{}, nil, g, applyError(ops, t, err)
		}
		work.fail, work.tamper, work.sent = g.fail, g.tamper, g.sent
		return t.result, t.written, work, nil
	}
	return kb.Result{}, nil, g, errors.New("retries exhausted")
}

func fakeFixture() []kb.Op {
	nodes := []kb.Node{
		&kb.Theory{ID: "chime", Name: "CHIME"},
		&kb.Construct{ID: "chime.hope", TheoryID: "chime", Name: "Hope"},
		&kb.Study{ID: "youth", Title: "Youth", Year: ptr(2023)},
		&kb.Study{ID: "adult", Title: "Adult", Year: ptr(2015)},
		&kb.ProgrammeTheory{ID: "youth.ipt", StudyID: "youth", Name: "IPT"},
		&kb.ProgrammeTheory{ID: "adult.cm", StudyID: "adult", Name: "CM"},
		&kb.Outcome{ID: "youth.ipt.o.hope", ProgrammeTheoryID: "youth.ipt", Name: "Hope"},
		&kb.Outcome{ID: "adult.cm.o.hope", ProgrammeTheoryID: "adult.cm", Name: "Hope"},
		&kb.CMOC{ID: "youth.ipt.1", ProgrammeTheoryID: "youth.ipt", Code: "CMOC 1", Actors: []kb.Actor{kb.ActorStaff}},
	}
	var ops []kb.Op
	for i, n := range nodes {
		ops = append(ops, kb.Op{Type: kb.OpCreate, Path: fmt.Sprintf("nodes[%d]", i), Node: n})
	}
	return append(ops,
		kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "youth.ipt.1", To: "youth.ipt.o.hope"}},
		kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope",
			LinkProps: kb.LinkProps{Relation: kb.AlignSameAs, Confidence: ptr(0.9)}}},
	)
}

func ptr[T any](v T) *T { return &v }

func TestApplyWritePath(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	g := newFakeGraph()
	r, g, err := applyFake(g, t0, "alice", fakeFixture()...)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created != 9 || r.Linked != 2 || r.Changed() != true {
		t.Fatalf("fixture result %+v", r)
	}
	if g.nodes["youth.ipt.1"].props["createdBy"] != "alice" || !g.nodes["youth.ipt.1"].props["createdAt"].(time.Time).Equal(t0) {
		t.Fatalf("provenance not written: %v", g.nodes["youth.ipt.1"].props)
	}

	// the same content again changes nothing, and updatedAt stays
	t1 := t0.Add(time.Hour)
	again := []kb.Op{
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "youth", Title: "Youth", Year: ptr(2023)}},
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "youth.ipt.1", To: "youth.ipt.o.hope"}},
		{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "youth.ipt.1", Patch: kb.Props{"code": "CMOC 1"}},
	}
	r, g, err = applyFake(g, t1, "bob", again...)
	if err != nil {
		t.Fatal(err)
	}
	if r.Changed() || r.Unchanged != 2 || r.LinksUnchanged != 1 {
		t.Fatalf("unchanged re-apply: %+v", r)
	}
	if !g.nodes["youth"].props["updatedAt"].(time.Time).Equal(t0) {
		t.Fatalf("updatedAt moved: %v", g.nodes["youth"].props)
	}

	// a changed upsert keeps createdAt, drops removed fields and stamps the caller's node
	study := &kb.Study{ID: "youth", Title: "Youth peer support"}
	r, g, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpUpsert, Node: study})
	if err != nil || r.Updated != 1 {
		t.Fatalf("changed upsert: %+v %v", r, err)
	}
	props := g.nodes["youth"].props
	if _, ok := props["year"]; ok || props["createdBy"] != "alice" || !props["updatedAt"].(time.Time).Equal(t1) || props["updatedBy"] != "bob" {
		t.Fatalf("after upsert: %v", props)
	}

	// relinking keeps the link's createdAt and replaces its properties
	r, g, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope",
		To: "adult.cm.o.hope", LinkProps: kb.LinkProps{Relation: kb.AlignNarrower}}})
	if err != nil || r.Relinked != 1 {
		t.Fatalf("relink: %+v %v", r, err)
	}
	lp := g.links[kb.LinkKey{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope"}]
	if _, ok := lp["confidence"]; ok || lp["relation"] != "NARROWER" || lp["createdBy"] != "alice" || !lp["createdAt"].(time.Time).Equal(t0) {
		t.Fatalf("relinked props: %v", lp)
	}

	// refusals read the same as in the embedded store, prefixed with the op's path
	_, _, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpDelete, Path: "input", Kind: kb.KindProgrammeTheory, ID: "youth.ipt"})
	if !errors.Is(err, kb.ErrConflict) || !strings.Contains(err.Error(), "input.id") || !strings.Contains(err.Error(), "1 Outcome, 1 CMOC") {
		t.Fatalf("deleting an owner: %v", err)
	}
	_, _, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelChainsTo, From: "youth.ipt.1", To: "youth.ipt.1"}})
	if !errors.Is(err, kb.ErrNotFound) || !strings.Contains(err.Error(), "CHAINS_TO") {
		t.Fatalf("unlinking a missing link: %v", err)
	}
	_, _, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelInTheory, From: "youth.ipt.1", To: "youth.ipt"}})
	if !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("unlinking an ownership relationship: %v", err)
	}
	_, _, err = applyFake(g, t1, "bob", kb.Op{Type: kb.OpCreate, Path: "x", Node: &kb.CMOC{ID: "y.1", ProgrammeTheoryID: "youth", Code: "C"}})
	if !errors.Is(err, kb.ErrNotFound) || !strings.Contains(err.Error(), "x.programmeTheoryId") {
		t.Fatalf("an owner of the wrong kind: %v", err)
	}

	// delete detaches links; unlink then reports what it did
	r, g, err = applyFake(g, t1, "bob",
		kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelHasOutcome, From: "youth.ipt.1", To: "youth.ipt.o.hope"}},
		kb.Op{Type: kb.OpDelete, Kind: kb.KindOutcome, ID: "youth.ipt.o.hope"})
	if err != nil || r.Unlinked != 1 || r.Deleted != 1 || len(g.links) != 0 {
		t.Fatalf("unlink and delete: %+v %v %v", r, err, g.links)
	}
}

// A retried attempt starts from scratch: counters are fresh and the caller's nodes are not
// stamped by the failed attempt. One op at a time and in a batch.
func TestApplyRetriesFromScratch(t *testing.T) {
	for _, c := range []struct {
		batch int
		fail  string
	}{{1, "create_node/Construct"}, {maxBatch, "create_nodes/Construct"}} {
		t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		g := newFakeGraph()
		failures := 1
		g.fail = func(name string) error {
			if name == c.fail && failures > 0 {
				failures--
				return &drv.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
			}
			return nil
		}
		given := kb.Meta{CreatedAt: t0.Add(-24 * time.Hour), CreatedBy: "import"}
		theory := &kb.Theory{ID: "t", Name: "T", Meta: given}
		ops := []kb.Op{
			{Type: kb.OpUpsert, Node: theory},
			{Type: kb.OpCreate, Node: &kb.Construct{ID: "t.c", TheoryID: "t", Name: "C"}},
		}
		r, _, g, err := applyFakeBatched(g, c.batch, t0, "bob", ops...)
		if err != nil {
			t.Fatal(err)
		}
		if r.Created != 2 || failures != 0 {
			t.Fatalf("batch %d: after a retry: %+v (failures left %d)", c.batch, r, failures)
		}
		// the import's provenance is kept: createdAt as given, updatedAt from it
		props := g.nodes["t"].props
		if !props["createdAt"].(time.Time).Equal(given.CreatedAt) || !props["updatedAt"].(time.Time).Equal(given.CreatedAt) || props["updatedBy"] != "import" {
			t.Fatalf("batch %d: import provenance: %v", c.batch, props)
		}
		if !theory.CreatedAt.Equal(given.CreatedAt) || theory.CreatedBy != "import" || !theory.UpdatedAt.IsZero() {
			t.Fatalf("batch %d: the caller's node was changed by an attempt: %+v", c.batch, theory.Meta)
		}
	}
}

func TestApplyReportsARaceForAnIDAsAConflict(t *testing.T) {
	g := newFakeGraph()
	_, g, err := applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpCreate, Node: &kb.Theory{ID: "t", Name: "T"}})
	if err != nil {
		t.Fatal(err)
	}
	// another change commits "c" between this change's check and its write
	g.fail = func(name string) error {
		if name == "create_node/Theory" {
			return &drv.Neo4jError{Code: codeConstraint, Msg: "Node(7) already exists with label `Node` and property `id` = 'c'"}
		}
		return nil
	}
	_, _, err = applyFake(g, time.Now(), "b", kb.Op{Type: kb.OpCreate, Path: "input", Node: &kb.Theory{ID: "c", Name: "C"}})
	if !errors.Is(err, kb.ErrConflict) || !strings.Contains(err.Error(), `input.id: "c" is already used`) {
		t.Fatalf("a lost race: %v", err)
	}
}

func TestApplySendsOnlyKnownStatements(t *testing.T) {
	g := newFakeGraph()
	if _, g, _ = applyFake(g, time.Now(), "a", fakeFixture()...); len(g.sent) == 0 {
		t.Fatal("nothing sent")
	}
	known := map[string]bool{}
	for _, st := range cypher.All() {
		known[st.Name] = true
	}
	for _, name := range slices.Compact(slices.Sorted(slices.Values(g.sent))) {
		if !known[name] {
			t.Errorf("Apply sent %s, which cypher.All does not list (so the linter never saw it)", name)
		}
	}
}

// Every change that changes the graph advances the revision once, last, in its own
// transaction; a change that changes nothing or fails leaves it as it was.
func TestApplyAdvancesTheRevisionInItsTransaction(t *testing.T) {
	g := newFakeGraph()
	_, g, err := applyFake(g, time.Now(), "a", fakeFixture()...)
	if err != nil {
		t.Fatal(err)
	}
	if g.revision != 1 || g.sent[len(g.sent)-1] != "bump_revision" {
		t.Fatalf("revision %d; last statement %s", g.revision, g.sent[len(g.sent)-1])
	}
	if _, g, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpUpsert, Node: &kb.Theory{ID: "chime", Name: "CHIME"}}); err != nil || g.revision != 1 {
		t.Fatalf("an import that changed nothing moved the revision to %d (%v)", g.revision, err)
	}
	_, g, err = applyFake(g, time.Now(), "a",
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "new", Title: "New"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "youth", Title: "Again"}})
	if err == nil || g.revision != 1 {
		t.Fatalf("a refused change: revision %d, err %v", g.revision, err)
	}
	if _, g, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "new", Title: "New"}}); err != nil || g.revision != 2 {
		t.Fatalf("revision %d after a second change (%v)", g.revision, err)
	}
}

// A link op that states the revision it read locks both ends, is refused when the link moved
// on, and writes one more revision when it changes the link; it is never batched.
func TestLinkRevisionsOnTheWritePath(t *testing.T) {
	g := newFakeGraph()
	_, g, err := applyFake(g, time.Now(), "a", fakeFixture()...)
	if err != nil {
		t.Fatal(err)
	}
	l := kb.Link{Type: kb.RelAligns, From: "youth.ipt.o.hope", To: "adult.cm.o.hope", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs, Rationale: "both hope"}}
	if got := fmt.Sprint(g.links[l.Key()]["revision"]); got != "1" {
		t.Fatalf("a new link's stored revision is %s", got)
	}
	zero, one, two := 0, 1, 2
	if _, _, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpLink, Link: l, ExpectedRevision: &zero}); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("a link read as absent: %v, want a conflict", err)
	}
	g.sent = nil
	_, g, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpLink, Link: l, ExpectedRevision: &one},
		kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelInstanceOf, From: "youth.ipt.o.hope", To: "chime.hope"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(g.sent, "lock_nodes") || slices.ContainsFunc(g.sent, func(s string) bool { return strings.HasPrefix(s, "merge_links/") }) {
		t.Errorf("statements %v: want the ends locked and no batch", g.sent)
	}
	if got := fmt.Sprint(g.links[l.Key()]["revision"]); got != "2" {
		t.Errorf("revision after a change: %s", got)
	}
	if _, _, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: l.Type, From: l.From, To: l.To}, ExpectedRevision: &one}); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("removing a link that moved on: %v, want a conflict", err)
	}
	if _, _, err = applyFake(g, time.Now(), "a", kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: l.Type, From: l.From, To: l.To}, ExpectedRevision: &two}); err != nil {
		t.Fatalf("removing the link at its revision: %v", err)
	}
}
