package neo4j

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// codeConstraint is the error Neo4j raises when a write breaks a uniqueness constraint: here,
// two changes creating the same id at the same time.
const codeConstraint = "Neo.ClientError.Schema.ConstraintValidationFailed"

// Apply implements kb.Store. All operations run in one managed write transaction, so a change
// happens entirely or not at all. Each operation reads what the rules need inside the
// transaction (write-locking the nodes it checks, so the checks still hold when it writes),
// calls the same kb rule functions as the embedded store and then writes. Consecutive creates
// and upserts, and consecutive links, go in batches (see batch.go): one read for the batch,
// then one write per kind or link type, instead of two statements per operation.
//
// The driver may run the work function again after a transient failure (a deadlock, a lost
// leader), so it starts from scratch every time: fresh counters, fresh copies of the given
// nodes. A domain error ends the transaction at once and comes back unchanged.
func (s *Store) Apply(ctx context.Context, c kb.Change) (kb.Result, error) {
	if err := ctx.Err(); err != nil || len(c.Ops) == 0 {
		return kb.Result{}, err
	}
	at := c.At
	if at.IsZero() {
		at = s.clock()
	}
	at = at.UTC()
	// The session shares ExecuteQuery's bookmark manager, so a read after Apply sees the change
	// even on a cluster member that was lagging behind.
	session := s.driver.NewSession(ctx, drv.SessionConfig{
		AccessMode:      drv.AccessModeWrite,
		DatabaseName:    s.db,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
	defer func() {
		if err := session.Close(ctx); err != nil {
			s.log.WarnContext(ctx, "neo4j: closing a session", "err", err)
		}
	}()
	var last *txn
	_, err := session.ExecuteWrite(ctx, func(tx drv.ManagedTransaction) (any, error) {
		last = newTxn(managedRunner(ctx, tx), at, c.Actor, len(c.Ops))
		return nil, last.commit(c.Ops)
	})
	if err != nil {
		return kb.Result{}, applyError(c.Ops, last, err)
	}
	// As in the embedded store, the nodes given to create and upsert carry the provenance
	// they were written with.
	for i, m := range last.written {
		if m != nil {
			*c.Ops[i].Node.NodeMeta() = *m
		}
	}
	s.log.DebugContext(ctx, "change applied", "ops", len(c.Ops), "actor", c.Actor)
	return last.result, nil
}

// isDomain reports whether err holds a kb domain error (not found, conflict, invalid).
func isDomain(err error) bool {
	var de *kb.Error
	return errors.As(err, &de)
}

var constraintID = regexp.MustCompile("property `id` = '([^']*)'")

// applyError turns what ExecuteWrite returned into the error Apply reports: domain errors as
// they are, a uniqueness violation as a kb conflict naming the id, anything else wrapped.
func applyError(ops []kb.Op, t *txn, err error) error {
	if isDomain(err) {
		return err
	}
	var nerr *drv.Neo4jError
	if errors.As(err, &nerr) && nerr.Code == codeConstraint {
		id, path := "", ""
		if t != nil && t.current >= 0 && t.current < len(ops) {
			op := ops[t.current]
			path = op.Path
			if op.Node != nil {
				id = op.Node.NodeID()
			}
		}
		if id == "" {
			if m := constraintID.FindStringSubmatch(nerr.Msg); m != nil {
				id = m[1]
			}
		}
		return kb.AtPath(path, kb.Conflict("id", "%q is already used: another change created it at the same time", id))
	}
	return fmt.Errorf("neo4j: applying a change of %d operations: %w", len(ops), err)
}

// runner sends one statement inside the transaction and reads all its rows. Errors from the
// driver come back as they are.
type runner func(st cypher.Statement, p map[string]any) ([]*drv.Record, error)

func managedRunner(ctx context.Context, tx drv.ManagedTransaction) runner {
	return func(st cypher.Statement, p map[string]any) ([]*drv.Record, error) {
		res, err := tx.Run(ctx, st.Query, p)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	}
}

// txn is one attempt at a change inside a managed transaction.
type txn struct {
	run     runner
	at      time.Time
	actor   string
	batch   int // the most ops one batch takes; 1 or less applies every op on its own
	result  kb.Result
	current int        // the op being applied, or at fault when an error comes back; -1 when none
	written []*kb.Meta // per op: the provenance a create or upsert wrote
}

func newTxn(run runner, at time.Time, actor string, ops int) *txn {
	return &txn{run: run, at: at, actor: actor, batch: maxBatch, current: -1, written: make([]*kb.Meta, ops)}
}

// applyAll applies every op in order, runs of creates and upserts and runs of links in
// batches. Domain errors come back prefixed with the failing op's path; driver errors come back
// as they are, so that the driver can tell whether to retry.
func (t *txn) applyAll(ops []kb.Op) error {
	for i := 0; i < len(ops); {
		next, err := t.applyFrom(ops, i)
		if err != nil {
			if isDomain(err) {
				at := t.current
				if at < 0 || at >= len(ops) {
					at = i
				}
				return kb.OpError(ops[at], err)
			}
			return err
		}
		i = next
	}
	t.current = -1
	return nil
}

// applyFrom applies the op at i, or the batch of ops that starts there, and says where the
// next op is. When it fails, t.current is the op at fault.
func (t *txn) applyFrom(ops []kb.Op, i int) (int, error) {
	switch {
	case isNodeWrite(ops[i].Type):
		if end := t.runEnd(ops, i, isNodeWriteOp); end-i > 1 {
			return end, t.nodeBatch(ops, i, end)
		}
	case isLink(ops[i]):
		if end := t.runEnd(ops, i, isLink); end-i > 1 {
			return end, t.linkBatch(ops, i, end)
		}
	}
	t.current = i
	return i + 1, t.apply(i, ops[i])
}

func (t *txn) apply(i int, op kb.Op) error {
	switch op.Type {
	case kb.OpCreate, kb.OpUpsert:
		n, err := nodeOf(op)
		if err != nil {
			return err
		}
		return t.put(i, op.Type, n)
	case kb.OpUpdate:
		return t.update(op.Kind, op.ID, op.Patch, op.ExpectedRevision)
	case kb.OpDelete:
		return t.delete(op.Kind, op.ID, op.ExpectedRevision)
	case kb.OpLink:
		return t.link(op.Link, op.ExpectedRevision)
	case kb.OpUnlink:
		return t.unlink(op.Link, op.ExpectedRevision)
	}
	return kb.Invalid("", "unknown operation %q", op.Type)
}

// nodeOf is the node a create or upsert writes, validated: a copy, since the caller's node
// must look the same on every attempt.
func nodeOf(op kb.Op) (kb.Node, error) {
	if op.Node == nil {
		return nil, kb.Invalid("", "a %s operation needs a node", op.Type)
	}
	n, err := kb.FromProps(op.Node.NodeKind(), kb.ToProps(op.Node))
	if err != nil {
		return nil, err
	}
	return n, n.Validate()
}

// lockNodes reads the nodes with the given ids ("" skipped), write-locking them until the
// change commits.
func (t *txn) lockNodes(ids ...string) (map[string]kb.Node, error) {
	want := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			want = append(want, id)
		}
	}
	found := map[string]kb.Node{}
	if len(want) == 0 {
		return found, nil
	}
	recs, err := t.run(cypher.LockNodes(), idsParams(want))
	if err != nil {
		return nil, err
	}
	for _, rec := range recs {
		n, err := decodeNodeRecord(rec)
		if err != nil {
			return nil, err
		}
		found[n.NodeID()] = n
	}
	return found, nil
}

// put applies one create or upsert (typ) of the validated node n, the op at i.
func (t *txn) put(i int, typ kb.OpType, n kb.Node) error {
	found, err := t.lockNodes(n.NodeID(), n.Owner())
	if err != nil {
		return err
	}
	w, err := t.decideNode(typ, n, found[n.NodeID()], found[n.Owner()])
	if err != nil {
		return err
	}
	switch w {
	case kb.WriteInsert:
		if err := t.insert(i, n); err != nil {
			return err
		}
	case kb.WriteReplace:
		if err := t.replace(n); err != nil {
			return err
		}
		meta := *n.NodeMeta()
		t.written[i] = &meta
	}
	t.count(w)
	return nil
}

// decideNode checks a create or upsert (typ) of n against the node stored under its id and its
// owner (nil where none) with kb's rules, stamps n for the write it comes to and says which.
// A create always inserts.
func (t *txn) decideNode(typ kb.OpType, n, existing, owner kb.Node) (kb.Write, error) {
	if typ == kb.OpCreate {
		if err := kb.CheckNew(n, existing, owner); err != nil {
			return kb.WriteNothing, err
		}
		kb.Stamp(n, kb.Meta{}, t.at, t.actor)
		return kb.WriteInsert, nil
	}
	if err := kb.CheckReplace(n, existing); err != nil {
		return kb.WriteNothing, err
	}
	if err := kb.CheckOwner(n, owner); err != nil {
		return kb.WriteNothing, err
	}
	return kb.DecideUpsert(n, existing, t.at, t.actor), nil
}

// count adds a node write to the result.
func (t *txn) count(w kb.Write) {
	switch w {
	case kb.WriteInsert:
		t.result.Created++
	case kb.WriteReplace:
		t.result.Updated++
	default:
		t.result.Unchanged++
	}
}

func (t *txn) update(kind kb.Kind, id string, patch kb.Props, expected *int) error {
	found, err := t.lockNodes(id)
	if err != nil {
		return err
	}
	n, write, err := kb.DecideUpdate(kind, id, found[id], patch, expected, t.at, t.actor)
	if err != nil {
		return err
	}
	if write == kb.WriteNothing {
		t.result.Unchanged++
		return nil
	}
	if err := t.replace(n); err != nil {
		return err
	}
	t.result.Updated++
	return nil
}

// insert writes a new node, with its ownership relationship.
func (t *txn) insert(i int, n kb.Node) error {
	st, ok := cypher.CreateNode(n.NodeKind())
	if !ok {
		return kb.Invalid("kind", "unknown kind %q", n.NodeKind())
	}
	recs, err := t.run(st, nodeParams(n, false))
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		// The owner was checked under a lock, so this means it vanished all the same.
		return ownerGone(n)
	}
	meta := *n.NodeMeta()
	t.written[i] = &meta
	return nil
}

// replace writes an existing node's new content and keeps its ownership relationship in step.
func (t *txn) replace(n kb.Node) error {
	st, ok := cypher.ReplaceNode(n.NodeKind())
	if !ok {
		return kb.Invalid("kind", "unknown kind %q", n.NodeKind())
	}
	recs, err := t.run(st, nodeParams(n, true))
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return replacedGone(n)
	}
	return nil
}

// ownerGone is the error of a new node whose owner vanished between the check and the write.
func ownerGone(n kb.Node) error { return kb.CheckOwner(n, nil) }

// replacedGone is the error of a replaced node that, or whose owner, vanished between the
// check and the write.
func replacedGone(n kb.Node) error {
	return kb.Conflict("id", "%q or its owner was deleted by another change at the same time; try again", n.NodeID())
}

// nodeParams are the parameters of CreateNode (withID false) or ReplaceNode (withID true).
func nodeParams(n kb.Node, withID bool) map[string]any {
	p := map[string]any{"props": params(kb.ToProps(n))}
	if withID {
		p["id"] = n.NodeID()
	}
	if _, owned := kb.OwnerOf(n.NodeKind()); owned {
		p["ownerId"] = n.Owner()
	}
	return p
}

func (t *txn) delete(kind kb.Kind, id string, expected *int) error {
	recs, err := t.run(cypher.LockForDelete(), idParams(id))
	if err != nil {
		return err
	}
	var existing kb.Node
	owned := map[kb.Kind]int{}
	if len(recs) > 0 {
		if existing, err = decodeNodeRecord(recs[0]); err != nil {
			return err
		}
		v, err := field(recs[0], "owned")
		if err != nil {
			return err
		}
		children, err := asList(v)
		if err != nil {
			return err
		}
		for _, labels := range children {
			k, err := kindOf(labels)
			if err != nil {
				return fmt.Errorf("neo4j: a node owned by %q: %w", id, err)
			}
			owned[k]++
		}
	}
	if err := kb.CheckDelete(kind, id, existing, owned, expected); err != nil {
		return err
	}
	if _, err := t.run(cypher.DeleteNode(), idParams(id)); err != nil {
		return err
	}
	t.result.Deleted++
	return nil
}

func (t *txn) link(l kb.Link, expected *int) error {
	if err := l.Validate(); err != nil {
		return err
	}
	stored, err := t.linkState(l, expected != nil)
	if err != nil {
		return err
	}
	l, w, err := t.decideLink(l, stored, expected)
	if err != nil {
		return err
	}
	if w == linkUnchanged {
		t.result.LinksUnchanged++
		return nil
	}
	st, ok := cypher.MergeLink(l.Type)
	if !ok {
		return kb.Invalid("type", "%q is not a link type", l.Type)
	}
	recs, err := t.run(st, linkParams(l))
	if err != nil {
		return err
	}
	if n, err := countOf(recs, "linked"); err != nil {
		return err
	} else if n == 0 {
		return linkGone(l)
	}
	t.countLink(w)
	return nil
}

// linkState reads the link stored between l's ends (nil when none), checking the ends. With
// lock, it first holds both ends until the change commits: a writer that states the revision
// it read must not have another change slip in between reading the link and writing it.
func (t *txn) linkState(l kb.Link, lock bool) (*kb.Link, error) {
	if lock {
		if _, err := t.lockNodes(l.From, l.To); err != nil {
			return nil, err
		}
	}
	recs, err := t.run(cypher.LinkState(), linkStateParams(l))
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("neo4j: %s returned %d rows, want 1", cypher.LinkState().Name, len(recs))
	}
	return checkLinkState(l, recs[0])
}

// checkLinkState reads a LinkState (or LinkStates) row for l: it checks l's ends with kb's
// rules and returns the link stored between them, nil when there is none.
func checkLinkState(l kb.Link, rec *drv.Record) (*kb.Link, error) {
	state := map[string]any{}
	for _, key := range []string{"fromProps", "fromLabels", "toProps", "toLabels", "linkProps"} {
		v, err := field(rec, key)
		if err != nil {
			return nil, err
		}
		state[key] = v
	}
	from, err := decodeOptionalNode(state["fromProps"], state["fromLabels"])
	if err != nil {
		return nil, err
	}
	to, err := decodeOptionalNode(state["toProps"], state["toLabels"])
	if err != nil {
		return nil, err
	}
	if err := kb.CheckLinkEnds(l, from, to); err != nil {
		return nil, err
	}
	if state["linkProps"] == nil {
		return nil, nil
	}
	stored := &kb.Link{Type: l.Type, From: l.From, To: l.To}
	if err := decodeLinkProps(state["linkProps"], &stored.LinkProps); err != nil {
		return nil, fmt.Errorf("neo4j: %s link %q -> %q: %w", l.Type, l.From, l.To, err)
	}
	return stored, nil
}

// linkWrite is what a link op comes to once compared with the stored link.
type linkWrite int

const (
	linkUnchanged linkWrite = iota // same properties: nothing to write
	linkNew                        // no link yet
	linkChanged                    // new properties for a stored link
)

// decideLink compares l with the link stored (nil if none) and returns l as it is to be
// written (see kb.LinkWrite): a changed link keeps the stored link's creation and counts one
// more revision, a new one without a creation gets this change's.
func (t *txn) decideLink(l kb.Link, stored *kb.Link, expected *int) (kb.Link, linkWrite, error) {
	l, changed, err := kb.LinkWrite(l, stored, expected)
	switch {
	case err != nil:
		return l, linkUnchanged, err
	case !changed:
		return l, linkUnchanged, nil
	}
	w := linkNew
	if stored != nil {
		w = linkChanged
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt, l.CreatedBy = t.at, t.actor
	}
	return l, w, nil
}

// countLink adds a link write to the result.
func (t *txn) countLink(w linkWrite) {
	switch w {
	case linkNew:
		t.result.Linked++
	case linkChanged:
		t.result.Relinked++
	default:
		t.result.LinksUnchanged++
	}
}

// linkGone is the error of a link whose end vanished between the check and the write.
func linkGone(l kb.Link) error {
	return kb.Conflict("", "%q or %q was deleted by another change at the same time; try again", l.From, l.To)
}

// The parameters of each statement, kept here so that a test can hold them against the
// $parameters the statements use.

// linkParams are the parameters of MergeLink.
func linkParams(l kb.Link) map[string]any {
	p := endsParams(l)
	p["props"] = params(kb.ToProps(&l.LinkProps))
	return p
}

// endsParams are the parameters of DeleteLink.
func endsParams(l kb.Link) map[string]any { return map[string]any{"from": l.From, "to": l.To} }

// linkStateParams are the parameters of LinkState.
func linkStateParams(l kb.Link) map[string]any {
	p := endsParams(l)
	p["type"] = string(l.Type)
	return p
}

// idParams are the parameters of LockForDelete and DeleteNode.
func idParams(id string) map[string]any { return map[string]any{"id": id} }

// idsParams are the parameters of GetNodes and LockNodes.
func idsParams(ids []string) map[string]any { return map[string]any{"ids": ids} }

// linksParams are the parameters of LinksOut, LinksIn and SnapshotLinks.
func linksParams(ids []string, types []string) map[string]any {
	p := map[string]any{"types": types}
	if ids != nil {
		p["ids"] = ids
	}
	return p
}

func (t *txn) unlink(l kb.Link, expected *int) error {
	missing := kb.NotFound("", "no %s link from %q to %q", l.Type, l.From, l.To)
	st, ok := cypher.DeleteLink(l.Type)
	if !ok {
		return missing
	}
	if expected != nil {
		stored, err := t.linkState(l, true)
		if err != nil {
			return err
		}
		if err := kb.CheckLinkRevision(l, stored, expected); err != nil {
			return err
		}
	}
	recs, err := t.run(st, endsParams(l))
	if err != nil {
		return err
	}
	n, err := countOf(recs, "unlinked")
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	t.result.Unlinked++
	return nil
}

// countOf reads the count column of a one-row result.
func countOf(recs []*drv.Record, key string) (int64, error) {
	if len(recs) != 1 {
		return 0, fmt.Errorf("neo4j: want one row holding %s, got %d", key, len(recs))
	}
	v, err := field(recs[0], key)
	if err != nil {
		return 0, err
	}
	return asInt64(v)
}

// commit is the whole work of a change's transaction: its operations, then the revision.
func (t *txn) commit(ops []kb.Op) error {
	if err := t.applyAll(ops); err != nil {
		return err
	}
	return t.bumpRevision()
}

// bumpRevision advances the graph's revision in the change's transaction when the change
// changed anything, so that every process reading the revision sees it move with the change.
func (t *txn) bumpRevision() error {
	if !t.result.Changed() {
		return nil
	}
	recs, err := t.run(cypher.BumpRevision(), nil)
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("neo4j: %s returned %d rows, want 1", cypher.BumpRevision().Name, len(recs))
	}
	return nil
}
