package neo4j

import (
	"errors"
	"fmt"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// Batches. A run of consecutive creates and upserts, or of consecutive links, is applied with
// a bounded number of statements instead of two per op: one read of everything the run's rules
// need, the decisions in Go with the same kb functions as one op at a time, then one UNWIND
// write per kind (or link type). The result is the one the ops would give one at a time, in
// order:
//
//   - each op is decided in order against what is stored overlaid with what the ops before it
//     in the run decided, so an owner created earlier in the run exists, and an id given twice
//     is inserted by the first op and replaced (or left unchanged) by the second;
//   - an op that fails validation or a rule ends the run there: the ops before it are written
//     first (so a write failure of an earlier op is reported first, as it would be), then its
//     error is returned with its path;
//   - the counters and the provenance written back to the caller's nodes are those of each op.
//
// Every id (and every link) is written once per batch, with the content the last op decided,
// so a statement never holds two rows for one node or link. A node batch sends only rows whose
// node and owner it has locked or created itself, so a row comes back missing only if the graph
// changed under the locks; a link batch, like a link op on its own, does not lock the ends, so
// an end deleted by another change in between makes its row come back missing. A missing row
// is reported against the op that wrote it, with the error that op would report on its own.
// A run of one op is applied on its own, with the single-op statements.

// maxBatch is the most ops one batch takes, and so the most rows one statement carries: it
// bounds a statement's parameters to a thousand nodes' or links' properties while cutting the
// round trips of a large change about a thousandfold.
const maxBatch = 1000

func isNodeWrite(t kb.OpType) bool { return t == kb.OpCreate || t == kb.OpUpsert }

// isLink says whether an op may join a link batch: a link that states the revision it read is
// applied on its own, with its ends locked.
func isLink(op kb.Op) bool { return op.Type == kb.OpLink && op.ExpectedRevision == nil }

// isNodeWriteOp says whether an op may join a node batch.
func isNodeWriteOp(op kb.Op) bool { return isNodeWrite(op.Type) }

// runEnd is the end of the run of ops keep accepts that starts at start, at most t.batch long.
func (t *txn) runEnd(ops []kb.Op, start int, keep func(kb.Op) bool) int {
	end := start
	for end < len(ops) && end-start < t.batch && keep(ops[end]) {
		end++
	}
	return end
}

// nodeEntry is a node a batch writes: the content the last op for its id decided.
type nodeEntry struct {
	node    kb.Node // to write
	insert  bool    // new to the graph: written by CreateNodes, else by ReplaceNodes
	first   kb.Node // the node as the first op for its id wrote it
	firstOp int     // that op
	lastOp  int     // the op that decided node
}

// nodeRun holds a node batch's state: what LockNodes found and what the batch has decided.
type nodeRun struct {
	found   map[string]kb.Node
	entries []*nodeEntry
	byID    map[string]*nodeEntry
}

// lookup is the node an op of the batch sees under id: as decided earlier in the batch, else as
// stored. "" is no node.
func (r *nodeRun) lookup(id string) kb.Node {
	if id == "" {
		return nil
	}
	if e, ok := r.byID[id]; ok {
		return e.node
	}
	return r.found[id]
}

func (r *nodeRun) put(i int, n kb.Node, insert bool) {
	e, ok := r.byID[n.NodeID()]
	if !ok {
		e = &nodeEntry{insert: insert, first: n, firstOp: i}
		r.entries = append(r.entries, e)
		r.byID[n.NodeID()] = e
	}
	e.node, e.lastOp = n, i
}

// nodeBatch applies the creates and upserts ops[start:end] (at least two).
func (t *txn) nodeBatch(ops []kb.Op, start, end int) error {
	t.current = start
	failAt, failErr := end, error(nil)
	nodes := make([]kb.Node, 0, end-start)
	for i := start; i < end; i++ {
		n, err := nodeOf(ops[i])
		if err != nil {
			failAt, failErr = i, err
			break
		}
		nodes = append(nodes, n)
	}
	if len(nodes) > 0 {
		ids := make([]string, 0, 2*len(nodes))
		for _, n := range nodes {
			ids = append(ids, n.NodeID(), n.Owner())
		}
		found, err := t.lockNodes(ids...)
		if err != nil {
			return err
		}
		r := &nodeRun{found: found, byID: make(map[string]*nodeEntry, len(nodes))}
		for j, n := range nodes {
			i := start + j
			if err := t.decideInBatch(r, i, ops[i].Type, n); err != nil {
				failAt, failErr = i, err
				break
			}
		}
		if err := t.writeNodes(r); err != nil {
			return err
		}
	}
	if failErr != nil {
		t.current = failAt
		return failErr
	}
	return nil
}

// decideInBatch decides the op at i, a create or upsert (typ) of the validated node n, as put
// does, and records what it is to write.
func (t *txn) decideInBatch(r *nodeRun, i int, typ kb.OpType, n kb.Node) error {
	w, err := t.decideNode(typ, n, r.lookup(n.NodeID()), r.lookup(n.Owner()))
	if err != nil {
		return err
	}
	if w != kb.WriteNothing {
		if _, ok := cypher.CreateNodes(n.NodeKind()); !ok {
			return kb.Invalid("kind", "unknown kind %q", n.NodeKind())
		}
		r.put(i, n, w == kb.WriteInsert)
		meta := *n.NodeMeta()
		t.written[i] = &meta
	}
	t.count(w)
	return nil
}

// writeNodes sends a node batch's writes: the new nodes kind by kind in kb.Kinds order, so an
// owner created in the batch exists when the nodes it owns are created, then the replaced
// ones. A missing row is reported against the earliest op at fault.
func (t *txn) writeNodes(r *nodeRun) error {
	var missing []*nodeEntry
	for _, insert := range []bool{true, false} {
		rows := map[kb.Kind][]any{}
		for j, e := range r.entries {
			if e.insert == insert {
				rows[e.node.NodeKind()] = append(rows[e.node.NodeKind()], nodeRow(e.node, !insert, j))
			}
		}
		for _, k := range kb.Kinds {
			if len(rows[k]) == 0 {
				continue
			}
			get := cypher.ReplaceNodes
			if insert {
				get = cypher.CreateNodes
			}
			st, ok := get(k)
			if !ok {
				return kb.Invalid("kind", "unknown kind %q", k)
			}
			recs, err := t.run(st, rowsParams(rows[k]))
			if err != nil {
				if insert {
					t.blameConstraint(r, err)
				}
				return err
			}
			done, err := rowsWritten(st, recs, "written")
			if err != nil {
				return err
			}
			for _, row := range rows[k] {
				j := row.(map[string]any)["i"].(int64)
				if !done[j] {
					missing = append(missing, r.entries[j])
				}
			}
		}
	}
	var fault *nodeEntry
	faultOp := 0
	for _, e := range missing {
		if op := e.faultOp(); fault == nil || op < faultOp {
			fault, faultOp = e, op
		}
	}
	if fault == nil {
		return nil
	}
	t.current = faultOp
	if faultOp == fault.firstOp && fault.insert {
		if err := ownerGone(fault.first); err != nil {
			return err
		}
		return fmt.Errorf("neo4j: %q was not created", fault.first.NodeID())
	}
	return replacedGone(fault.node)
}

// faultOp is the op that would have failed, one at a time, had the graph changed under the
// locks as the missing row says: the first op for the id, unless a later one moved the node to
// another owner.
func (e *nodeEntry) faultOp() int {
	if e.first.Owner() == e.node.Owner() {
		return e.firstOp
	}
	return e.lastOp
}

// blameConstraint points t.current at the op that created the id a uniqueness violation names
// (another change created it at the same time), or at no op when the id is not the batch's.
func (t *txn) blameConstraint(r *nodeRun, err error) {
	var nerr *drv.Neo4jError
	if !errors.As(err, &nerr) || nerr.Code != codeConstraint {
		return
	}
	t.current = -1
	if m := constraintID.FindStringSubmatch(nerr.Msg); m != nil {
		if e, ok := r.byID[m[1]]; ok && e.insert {
			t.current = e.firstOp
		}
	}
}

// linkEntry is a link a batch writes: the content the last op for its key decided.
type linkEntry struct {
	link    kb.Link
	firstOp int // the first op of the batch that wrote it
}

// linkBatch applies the link ops ops[start:end] (at least two).
func (t *txn) linkBatch(ops []kb.Op, start, end int) error {
	t.current = start
	failAt, failErr := end, error(nil)
	links := make([]kb.Link, 0, end-start)
	for i := start; i < end; i++ {
		l := ops[i].Link
		if err := l.Validate(); err != nil {
			failAt, failErr = i, err
			break
		}
		links = append(links, l)
	}
	if len(links) > 0 {
		states, err := t.linkStates(links)
		if err != nil {
			return err
		}
		var entries []*linkEntry
		byKey := make(map[kb.LinkKey]*linkEntry, len(links))
		for j, l := range links {
			i := start + j
			e, err := t.decideLinkInBatch(l, states[int64(j)], byKey[l.Key()])
			if err != nil {
				failAt, failErr = i, err
				break
			}
			switch {
			case e == nil:
			case byKey[l.Key()] == nil:
				e.firstOp = i
				byKey[l.Key()] = e
				entries = append(entries, e)
			default:
				byKey[l.Key()].link = e.link
			}
		}
		if err := t.writeLinks(entries); err != nil {
			return err
		}
	}
	if failErr != nil {
		t.current = failAt
		return failErr
	}
	return nil
}

// linkStates reads, with one LinkStates statement, the state of every link of a batch, by
// position in links.
func (t *txn) linkStates(links []kb.Link) (map[int64]*drv.Record, error) {
	rows := make([]any, len(links))
	for j, l := range links {
		rows[j] = linkStateRow(l, j)
	}
	st := cypher.LinkStates()
	recs, err := t.run(st, rowsParams(rows))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*drv.Record, len(recs))
	for _, rec := range recs {
		v, err := field(rec, "i")
		if err != nil {
			return nil, err
		}
		j, err := asInt64(v)
		if err != nil {
			return nil, fmt.Errorf("neo4j: %s: column i: %w", st.Name, err)
		}
		if _, seen := out[j]; !seen {
			out[j] = rec
		}
	}
	return out, nil
}

// decideLinkInBatch decides a link op as link does, from its LinkStates row and, when an
// earlier op of the batch wrote the same link, from that: it returns the entry to write, nil
// when the link is unchanged.
func (t *txn) decideLinkInBatch(l kb.Link, rec *drv.Record, earlier *linkEntry) (*linkEntry, error) {
	if rec == nil {
		return nil, fmt.Errorf("neo4j: %s returned no row for the %s link %q -> %q", cypher.LinkStates().Name, l.Type, l.From, l.To)
	}
	stored, err := checkLinkState(l, rec)
	if err != nil {
		return nil, err
	}
	if earlier != nil {
		decided := earlier.link
		stored = &decided
	}
	// a link that states its revision is never batched (see applyFrom)
	l, w, err := t.decideLink(l, stored, nil)
	if err != nil {
		return nil, err
	}
	if w == linkUnchanged {
		t.result.LinksUnchanged++
		return nil, nil
	}
	if _, ok := cypher.MergeLinks(l.Type); !ok {
		return nil, kb.Invalid("type", "%q is not a link type", l.Type)
	}
	t.countLink(w)
	return &linkEntry{link: l}, nil
}

// writeLinks sends a link batch's writes, one MergeLinks per type. A missing row (an end
// deleted under the change) is reported against the earliest op at fault.
func (t *txn) writeLinks(entries []*linkEntry) error {
	rows := map[kb.RelType][]any{}
	for j, e := range entries {
		rows[e.link.Type] = append(rows[e.link.Type], linkRow(e.link, j))
	}
	var fault *linkEntry
	for _, typ := range kb.LinkTypes() {
		if len(rows[typ]) == 0 {
			continue
		}
		st, ok := cypher.MergeLinks(typ)
		if !ok {
			return kb.Invalid("type", "%q is not a link type", typ)
		}
		recs, err := t.run(st, rowsParams(rows[typ]))
		if err != nil {
			return err
		}
		done, err := rowsWritten(st, recs, "linked")
		if err != nil {
			return err
		}
		for _, row := range rows[typ] {
			j := row.(map[string]any)["i"].(int64)
			if e := entries[j]; !done[j] && (fault == nil || e.firstOp < fault.firstOp) {
				fault = e
			}
		}
	}
	if fault == nil {
		return nil
	}
	t.current = fault.firstOp
	return linkGone(fault.link)
}

// rowsParams are the parameters of the batch statements: the rows to unwind.
func rowsParams(rows []any) map[string]any { return map[string]any{"rows": rows} }

// The rows of the batch statements: each the parameters of the single-op statement, plus i,
// the row's number, which the statement hands back.

// nodeRow is a row of CreateNodes (withID false) or ReplaceNodes (withID true).
func nodeRow(n kb.Node, withID bool, i int) map[string]any {
	p := nodeParams(n, withID)
	p["i"] = int64(i)
	return p
}

// linkRow is a row of MergeLinks.
func linkRow(l kb.Link, i int) map[string]any {
	p := linkParams(l)
	p["i"] = int64(i)
	return p
}

// linkStateRow is a row of LinkStates.
func linkStateRow(l kb.Link, i int) map[string]any {
	p := linkStateParams(l)
	p["i"] = int64(i)
	return p
}

// rowsWritten reads the one row of a batch write: the list, under key, of the row numbers
// written.
func rowsWritten(st cypher.Statement, recs []*drv.Record, key string) (map[int64]bool, error) {
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: %s returned %d rows, want 1", st.Name, len(recs))
	}
	v, err := field(recs[0], key)
	if err != nil {
		return nil, err
	}
	list, err := asList(v)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
	}
	done := make(map[int64]bool, len(list))
	for _, item := range list {
		j, err := asInt64(item)
		if err != nil {
			return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
		}
		done[j] = true
	}
	return done, nil
}
