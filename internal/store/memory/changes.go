package memory

import (
	"cmp"
	"context"
	"slices"
)

// keptChanges is how many of the latest writes the store remembers the nodes of: enough for
// a reviewer's burst of accepts between two questions, few enough that the memory is nothing.
const keptChanges = 256

// maxNotedNodes is how many nodes a write may change and still be remembered by their ids: an
// import of thousands is remembered only as "too many", and a reader reads everything again,
// which it would do about as fast.
const maxNotedNodes = 1024

// recentChanges remembers the nodes each of the latest writes changed, for kb.ChangeLog. It
// is read and written under the store's lock, beside the graph it describes.
type recentChanges struct {
	// after is the revision the oldest note follows: what changed up to it is forgotten
	after uint64
	notes []changeNote
}

// changeNote is one write: its revision and the nodes it changed, unless they were too many.
type changeNote struct {
	revision uint64
	nodes    []string
	tooMany  bool
}

// forgetBefore starts the record afresh at revision: the store was opened at it.
func (rc *recentChanges) forgetBefore(revision uint64) {
	rc.after, rc.notes = revision, nil
}

// note records that the write of revision changed nodes (ids, possibly repeated); the slice
// is kept, not copied.
func (rc *recentChanges) note(revision uint64, nodes []string) {
	n := changeNote{revision: revision, nodes: nodes}
	if len(nodes) > maxNotedNodes {
		n = changeNote{revision: revision, tooMany: true}
	}
	if len(rc.notes) == keptChanges {
		rc.after = rc.notes[0].revision
		// moved down rather than resliced, so that the array does not creep along memory
		rc.notes = append(rc.notes[:0], rc.notes[1:]...)
	}
	rc.notes = append(rc.notes, n)
}

// since lists the nodes written after revision since, up to current; false if they are not
// all remembered.
func (rc *recentChanges) since(since, current uint64) ([]string, bool) {
	if since > current || since < rc.after {
		return nil, false
	}
	i, _ := slices.BinarySearchFunc(rc.notes, since+1, func(n changeNote, rev uint64) int {
		return cmp.Compare(n.revision, rev)
	})
	var ids []string
	for _, n := range rc.notes[i:] {
		if n.tooMany {
			return nil, false
		}
		ids = append(ids, n.nodes...)
	}
	return ids, true
}

// NodesChangedSince implements kb.ChangeLog.
func (s *Store) NodesChangedSince(ctx context.Context, since uint64) ([]string, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids, ok := s.changes.since(since, s.revision.Load())
	return ids, ok, nil
}
