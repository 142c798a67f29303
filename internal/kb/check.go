package kb

import "context"

// CheckReport is what a change would do, found by trying it and undoing it: the totals and the
// same counts per kind of node and per type of link, and every problem an op raised.
type CheckReport struct {
	Result Result
	Kinds  map[Kind]Result
	Links  map[RelType]Result
	// Problems holds every op's error as Apply would report it (see OpError), in op order.
	Problems []error
}

// Checker is a store that can try a change without making it. Unlike Apply, which stops at the
// first failing op, Check goes on past failures so that a user fixing a file sees every problem
// at once: a failing op is reported and skipped, and the ops that depend on a node that failed
// (a link to it, a node it owns, an update of it) are skipped unreported, since they would only
// repeat the first problem. Refused holds nodes refused before the store saw them (a planner
// found them invalid and has reported why): the trial holds them as they are, unchecked and
// uncounted, so that what refers to them is checked as if they were fixed. Nothing is
// written, and readers never see the trial.
type Checker interface {
	Check(ctx context.Context, c Change, refused []Node) (CheckReport, error)
}

// Add sums two results.
func (r Result) Add(o Result) Result {
	return Result{
		Created: r.Created + o.Created, Updated: r.Updated + o.Updated, Unchanged: r.Unchanged + o.Unchanged,
		Deleted: r.Deleted + o.Deleted, Linked: r.Linked + o.Linked, Relinked: r.Relinked + o.Relinked,
		LinksUnchanged: r.LinksUnchanged + o.LinksUnchanged, Unlinked: r.Unlinked + o.Unlinked,
	}
}

// Sub is what r counts beyond o.
func (r Result) Sub(o Result) Result {
	return Result{
		Created: r.Created - o.Created, Updated: r.Updated - o.Updated, Unchanged: r.Unchanged - o.Unchanged,
		Deleted: r.Deleted - o.Deleted, Linked: r.Linked - o.Linked, Relinked: r.Relinked - o.Relinked,
		LinksUnchanged: r.LinksUnchanged - o.LinksUnchanged, Unlinked: r.Unlinked - o.Unlinked,
	}
}

// DependsOnFailed reports whether op touches a node in failed (its node, its owner, or an end
// of its link); an upsert or create that does is added to failed, so what it owns is skipped
// too.
func DependsOnFailed(op Op, failed map[string]bool) bool {
	switch op.Type {
	case OpCreate, OpUpsert:
		if failed[op.Node.NodeID()] || failed[op.Node.Owner()] {
			failed[op.Node.NodeID()] = true
			return true
		}
	case OpUpdate, OpDelete:
		return failed[op.ID]
	case OpLink, OpUnlink:
		return failed[op.Link.From] || failed[op.Link.To]
	}
	return false
}
