package memory

import (
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// txn applies a change to the graph, remembering how to undo each step so that a failed
// change leaves nothing behind.
type txn struct {
	g      *graph
	at     time.Time
	actor  string
	undo   []func()
	result kb.Result
	// what the change touched, for its journal record
	nodes []string
	links []kb.LinkKey
}

func (t *txn) putNode(id string, e *entry) {
	old := t.g.nodes[id]
	t.g.setNode(id, e)
	t.nodes = append(t.nodes, id)
	t.undo = append(t.undo, func() { t.g.setNode(id, old) })
}

func (t *txn) putLink(key kb.LinkKey, l *kb.Link) {
	old, had := t.g.link(key)
	t.g.setLink(key, l)
	t.links = append(t.links, key)
	t.undo = append(t.undo, func() {
		if had {
			t.g.setLink(key, &old)
		} else {
			t.g.setLink(key, nil)
		}
	})
}

func (t *txn) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
	t.undo = nil
}

func (t *txn) apply(op kb.Op) error {
	switch op.Type {
	case kb.OpCreate:
		return t.create(op.Node)
	case kb.OpUpsert:
		return t.upsert(op.Node)
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

func (t *txn) create(n kb.Node) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if err := kb.CheckNew(n, t.g.node(n.NodeID()), t.g.node(n.Owner())); err != nil {
		return err
	}
	kb.Stamp(n, kb.Meta{}, t.at, t.actor)
	t.putNode(n.NodeID(), newEntry(n))
	t.result.Created++
	return nil
}

func (t *txn) upsert(n kb.Node) error {
	if err := n.Validate(); err != nil {
		return err
	}
	existing := t.g.node(n.NodeID())
	if err := kb.CheckReplace(n, existing); err != nil {
		return err
	}
	if err := kb.CheckOwner(n, t.g.node(n.Owner())); err != nil {
		return err
	}
	switch kb.DecideUpsert(n, existing, t.at, t.actor) {
	case kb.WriteInsert:
		t.result.Created++
	case kb.WriteReplace:
		t.result.Updated++
	default:
		t.result.Unchanged++
		return nil
	}
	t.putNode(n.NodeID(), newEntry(n))
	return nil
}

func (t *txn) update(kind kb.Kind, id string, patch kb.Props, expected *int) error {
	n, write, err := kb.DecideUpdate(kind, id, t.g.node(id), patch, expected, t.at, t.actor)
	if err != nil {
		return err
	}
	if write == kb.WriteNothing {
		t.result.Unchanged++
		return nil
	}
	t.putNode(id, newEntry(n))
	t.result.Updated++
	return nil
}

func (t *txn) delete(kind kb.Kind, id string, expected *int) error {
	if err := kb.CheckDelete(kind, id, t.g.node(id), t.g.ownedCounts(id), expected); err != nil {
		return err
	}
	for _, l := range t.g.linksOf(id) {
		t.putLink(l.Key(), nil)
	}
	t.putNode(id, nil)
	t.result.Deleted++
	return nil
}

func (t *txn) link(l kb.Link, expected *int) error {
	if err := l.Validate(); err != nil {
		return err
	}
	if err := kb.CheckLinkEnds(l, t.g.node(l.From), t.g.node(l.To)); err != nil {
		return err
	}
	existing, had := t.g.link(l.Key())
	var stored *kb.Link
	if had {
		stored = &existing
	}
	l, changed, err := kb.LinkWrite(l, stored, expected)
	if err != nil || !changed {
		if err == nil {
			t.result.LinksUnchanged++
		}
		return err
	}
	if had {
		t.result.Relinked++
	} else {
		t.result.Linked++
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt, l.CreatedBy = t.at, t.actor
	}
	t.putLink(l.Key(), &l)
	return nil
}

func (t *txn) unlink(l kb.Link, expected *int) error {
	existing, had := t.g.link(l.Key())
	if !had {
		if expected != nil {
			return kb.CheckLinkRevision(l, nil, expected)
		}
		return kb.NotFound("", "no %s link from %q to %q", l.Type, l.From, l.To)
	}
	if err := kb.CheckLinkRevision(l, &existing, expected); err != nil {
		return err
	}
	t.putLink(l.Key(), nil)
	t.result.Unlinked++
	return nil
}

// try applies a change's ops, going on past failures (see kb.Checker), and tallies what each
// op did by kind and link type. The caller undoes it.
func (t *txn) try(c kb.Change, refused []kb.Node) kb.CheckReport {
	rep := kb.CheckReport{Kinds: map[kb.Kind]kb.Result{}, Links: map[kb.RelType]kb.Result{}}
	for _, n := range refused {
		if n.NodeID() != "" && t.g.node(n.NodeID()) == nil {
			t.putNode(n.NodeID(), newEntry(n))
		}
	}
	skip := map[string]bool{}
	for _, op := range c.Ops {
		if kb.DependsOnFailed(op, skip) {
			continue
		}
		before := t.result
		if err := t.apply(op); err != nil {
			rep.Problems = append(rep.Problems, kb.OpError(op, err))
			if op.Type == kb.OpCreate || op.Type == kb.OpUpsert {
				skip[op.Node.NodeID()] = true
			}
			continue
		}
		delta := t.result.Sub(before)
		switch op.Type {
		case kb.OpCreate, kb.OpUpsert:
			rep.Kinds[op.Node.NodeKind()] = rep.Kinds[op.Node.NodeKind()].Add(delta)
		case kb.OpUpdate, kb.OpDelete:
			rep.Kinds[op.Kind] = rep.Kinds[op.Kind].Add(delta)
		case kb.OpLink, kb.OpUnlink:
			rep.Links[op.Link.Type] = rep.Links[op.Link.Type].Add(delta)
		}
	}
	rep.Result = t.result
	return rep
}
