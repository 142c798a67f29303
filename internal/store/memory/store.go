// Package memory is the embedded store: the whole graph in memory, persisted to a snapshot
// (the data file) and a journal of the changes made since (see journal.go), fsynced before a
// change is acknowledged and compacted into a new snapshot as it grows. It is the zero-setup
// default and a real store, not a test double.
package memory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// Options configure a store.
type Options struct {
	// Path is the data file; empty keeps the graph in memory only (tests, throwaway demos).
	Path   string
	Logger *slog.Logger
	// Clock stamps changes; nil means time.Now.
	Clock func() time.Time
	// CompactAt is the journal size past which it is compacted into the snapshot, when the
	// journal has also outgrown the snapshot (0: DefaultCompactAt).
	CompactAt int64
	// ReadOnly reads the data file and journal as they are, without locking them, so that
	// another process may be serving the store meanwhile (an export, a check); the store
	// refuses every write.
	ReadOnly bool
}

// DefaultCompactAt is the journal size below which the journal is never compacted.
const DefaultCompactAt = 16 << 20

// Store is the embedded store.
type Store struct {
	mu sync.RWMutex
	// wmu serializes writers, so that a writer can write its journal line without holding mu
	// and readers never wait for a disk
	wmu     sync.Mutex
	g       *graph
	file    *dataFile
	journal *journal
	// snapshotSize is the data file's size when last written; the journal is compacted into a
	// new snapshot once it outgrows it (and compactAt)
	snapshotSize int64
	compactAt    int64
	clock        func() time.Time
	log          *slog.Logger
	// revision counts the writes that changed the graph; it moves under the write lock, so a
	// reader that reads it before reading the graph sees at least that revision's graph.
	revision atomic.Uint64
	// changes is which nodes the latest writes changed (kb.ChangeLog), under mu
	changes  recentChanges
	readOnly bool
}

// ErrReadOnly refuses a write to a store opened read-only.
var ErrReadOnly = errors.New("the embedded store was opened read-only")

var (
	_ kb.Store      = (*Store)(nil)
	_ kb.Revisioned = (*Store)(nil)
	_ kb.ChangeLog  = (*Store)(nil)
)

// Revision implements kb.Revisioned.
func (s *Store) Revision(context.Context) (uint64, error) { return s.revision.Load(), nil }

// Open loads the data file (creating it on first use) and locks it against other processes.
func Open(ctx context.Context, opts Options) (*Store, error) {
	s := &Store{g: newGraph(), clock: opts.Clock, log: opts.Logger}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.Path == "" {
		return s, nil
	}
	path, err := resolveDataPath(opts.Path)
	if err != nil {
		return nil, err
	}
	opts.Path = path
	if opts.ReadOnly {
		if err := s.readFiles(ctx, path); err != nil {
			return nil, err
		}
		s.readOnly = true
		return s, nil
	}
	f, err := openDataFile(opts.Path)
	if err != nil {
		return nil, err
	}
	if err := s.openFiles(ctx, f, opts); err != nil {
		f.close()
		return nil, err
	}
	s.log.InfoContext(ctx, "embedded store opened", "path", opts.Path, "nodes", len(s.g.nodes), "revision", s.revision.Load())
	return s, nil
}

// openFiles reads the snapshot and replays the journal on top of it, after removing what a
// crash may have left: temporary snapshots and a torn last journal line.
func (s *Store) openFiles(ctx context.Context, f *dataFile, opts Options) error {
	removed, err := removeTemps(opts.Path)
	if err != nil {
		return err
	}
	if removed > 0 {
		s.log.WarnContext(ctx, "removed temporary files a crash left", "path", opts.Path, "files", removed)
	}
	snap, rev, size, err := f.load()
	if err != nil {
		return err
	}
	if err := s.restore(snap); err != nil {
		return fmt.Errorf("data file %s: %w", opts.Path, err)
	}
	j, records, torn, err := openJournal(opts.Path + ".journal")
	if err != nil {
		return err
	}
	if torn > 0 {
		s.log.WarnContext(ctx, "dropped the torn end of the journal: a change that was never acknowledged", "journal", j.path, "bytes", torn)
	}
	replayed := 0
	for i, rec := range records {
		if rec.Revision <= rev {
			continue // already in the snapshot: compaction stopped before emptying the journal
		}
		e, err := decodeEffect(rec)
		if err != nil {
			j.close()
			return fmt.Errorf("journal %s: record %d: %w", j.path, i+1, err)
		}
		e.apply(s.g)
		rev = rec.Revision
		replayed++
	}
	s.file, s.journal, s.snapshotSize = f, j, size
	s.compactAt = cmp.Or(opts.CompactAt, DefaultCompactAt)
	s.revision.Store(rev)
	s.changes.forgetBefore(rev)
	if replayed > 0 {
		s.log.InfoContext(ctx, "journal replayed", "journal", j.path, "changes", replayed)
	}
	return nil
}

// readFiles loads the snapshot and the journal without the lock and without changing either.
// The process holding the lock may compact meanwhile, renaming a new snapshot in and emptying
// the journal; records are replayed only when they follow the snapshot's revision without a
// gap, and otherwise the read starts again, so what is read is always one committed revision.
func (s *Store) readFiles(ctx context.Context, path string) error {
	const attempts = 10
	for attempt := 1; ; attempt++ {
		g, rev, ok, err := readGraph(path)
		if err != nil {
			return err
		}
		if ok {
			s.g = g
			s.revision.Store(rev)
			s.changes.forgetBefore(rev)
			s.log.InfoContext(ctx, "embedded store read (read-only)", "path", path, "nodes", len(g.nodes), "revision", rev)
			return nil
		}
		if attempt == attempts {
			return fmt.Errorf("reading %s: it kept changing while being read (%d attempts); try again", path, attempts)
		}
		time.Sleep(time.Duration(attempt) * 20 * time.Millisecond)
	}
}

// readGraph reads the snapshot and the journal records after it; ok is false when the journal
// does not follow on from the snapshot (a compaction happened between the two reads).
func readGraph(path string) (g *graph, rev uint64, ok bool, err error) {
	snap, rev, _, err := (&dataFile{path: path}).load()
	if err != nil {
		return nil, 0, false, err
	}
	records, err := readJournal(path + ".journal")
	if err != nil {
		return nil, 0, false, err
	}
	tmp := &Store{g: newGraph()}
	if err := tmp.restore(snap); err != nil {
		return nil, 0, false, fmt.Errorf("data file %s: %w", path, err)
	}
	for i, rec := range records {
		if rec.Revision <= rev {
			continue
		}
		if rec.Revision != rev+1 {
			return nil, 0, false, nil
		}
		e, err := decodeEffect(rec)
		if err != nil {
			return nil, 0, false, fmt.Errorf("journal %s.journal: record %d: %w", path, i+1, err)
		}
		e.apply(tmp.g)
		rev = rec.Revision
	}
	return tmp.g, rev, true, nil
}

func (s *Store) restore(snap kb.Snapshot) error {
	for _, n := range snap.Nodes {
		if err := n.Validate(); err != nil {
			return fmt.Errorf("node %q: %w", n.NodeID(), err)
		}
		s.g.setNode(n.NodeID(), newEntry(n))
	}
	for _, l := range snap.Links {
		if s.g.node(l.From) == nil || s.g.node(l.To) == nil {
			return fmt.Errorf("link %s %q -> %q: an end is missing", l.Type, l.From, l.To)
		}
		s.g.setLink(l.Key(), &l)
	}
	return nil
}

// Get implements kb.Store.
func (s *Store) Get(ctx context.Context, ids []string) ([]kb.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]kb.Node, 0, len(ids))
	for _, id := range ids {
		if e, ok := s.g.nodes[id]; ok {
			out = append(out, e.node)
		}
	}
	return out, nil
}

// List implements kb.Store.
func (s *Store) List(ctx context.Context, q kb.ListQuery) (kb.Page, error) {
	if err := ctx.Err(); err != nil {
		return kb.Page{}, err
	}
	q, err := q.Normalize()
	if err != nil {
		return kb.Page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.listLocked(q), nil
}

// listLocked answers a normalized list query; the caller holds the read lock.
func (s *Store) listLocked(q kb.ListQuery) kb.Page {
	var matched []*entry
	if len(q.Filters) == 0 && len(q.Sort) == 0 {
		// the whole kind in id order, as kept: nothing to filter or sort
		matched = s.g.entriesByID(q.Kind)
	} else {
		m := s.newMatcher(q.Filters)
		for id := range s.candidates(q, m) {
			e := s.g.nodes[id]
			if e.node.NodeKind() == q.Kind && m.matches(e) {
				matched = append(matched, e)
			}
		}
		slices.SortFunc(matched, func(a, b *entry) int { return compareEntries(a, b, q.Sort) })
	}
	if q.Reverse {
		matched = slices.Clone(matched)
		slices.Reverse(matched)
	}
	page := kb.Page{Total: len(matched)}
	start := min(q.Offset, len(matched))
	end := len(matched)
	if q.Limit > 0 {
		end = min(start+q.Limit, end)
	}
	page.Nodes = make([]kb.Node, 0, end-start)
	for _, e := range matched[start:end] {
		page.Nodes = append(page.Nodes, e.node)
	}
	return page
}

// candidates yields the ids a list need look at: the children of the owners when a filter
// names them (listing a theory's CMOCs should not scan every CMOC), every node of the kind
// otherwise. Filters are still applied to each candidate.
func (s *Store) candidates(q kb.ListQuery, m *matcher) iter.Seq[string] {
	spec, owned := kb.OwnerOf(q.Kind)
	for _, f := range q.Filters {
		if !owned || f.Field != spec.Field || (f.Op != kb.FilterEq && f.Op != kb.FilterIn) {
			continue
		}
		var owners []any
		if f.Op == kb.FilterEq {
			owners = []any{f.Value}
		} else if vs, ok := f.Value.([]any); ok {
			owners = vs
		} else {
			continue
		}
		return func(yield func(string) bool) {
			seen := make(map[string]bool, len(owners))
			for _, o := range owners {
				id, _ := o.(string)
				if seen[id] {
					continue
				}
				seen[id] = true
				for child := range s.g.children[id] {
					if !yield(child) {
						return
					}
				}
			}
		}
	}
	for _, f := range q.Filters {
		if f.Field == kb.StudyField && kb.OwnedByTheory(q.Kind) {
			// the children of the studies' programme theories
			studies := []any{f.Value}
			if f.Op == kb.FilterIn {
				studies, _ = f.Value.([]any)
			}
			return func(yield func(string) bool) {
				seen := make(map[string]bool, len(studies))
				for _, st := range studies {
					id, _ := st.(string)
					if seen[id] {
						continue
					}
					seen[id] = true
					for pt := range s.g.children[id] {
						for child := range s.g.children[pt] {
							if !yield(child) {
								return
							}
						}
					}
				}
			}
		}
	}
	for i, f := range q.Filters {
		if rf, ok := kb.RelationFilterFor(q.Kind, f.Field); ok {
			return m.linkedToMatches(i, rf)
		}
	}
	return maps.Keys(s.g.byKind[q.Kind])
}

// Links implements kb.Store.
func (s *Store) Links(ctx context.Context, q kb.LinkQuery) ([]kb.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	index := s.g.out
	if q.In {
		index = s.g.in
	}
	var out []kb.Link
	if q.All {
		types := q.Types
		if len(types) == 0 {
			types = kb.LinkTypes()
		}
		// each type's links come sorted, and kb.SortLinks orders by type first, so one type's
		// list is the answer as it is and several are their sorted concatenation
		types = slices.Clone(types)
		slices.Sort(types)
		types = slices.Compact(types)
		if len(types) == 1 {
			return slices.Clip(s.g.linksOfType(types[0])), nil
		}
		for _, t := range types {
			out = append(out, s.g.linksOfType(t)...)
		}
		return out, nil
	}
	types := slices.Compact(slices.Sorted(slices.Values(q.Types)))
	ids := slices.Compact(slices.Sorted(slices.Values(q.IDs)))
	if len(types) == 0 {
		for _, id := range ids {
			for _, l := range index[id] {
				out = append(out, l)
			}
		}
		kb.SortLinks(out)
		return out, nil
	}
	// Each node's links of a type come sorted from the step cache. kb.SortLinks orders by
	// type, then from, then to: asked outwards, from is the node, so the lists of a type taken
	// in id order are the answer as they stand; asked inwards, to is the node, so in the lists
	// of a type taken in id order the links of one from end are already in order, and the
	// lists are merged by sorting positions in them by from end alone.
	lists := make([][]kb.Link, 0, len(ids))
	for _, t := range types {
		step := kb.LinkStep(t, q.In)
		lists = lists[:0]
		n := 0
		for _, id := range ids {
			if _, ok := s.g.nodes[id]; !ok {
				continue // no such node, no links; and nothing kept for an id a client made up
			}
			if ls := s.g.stepLinks(id, step); len(ls) > 0 {
				lists = append(lists, ls)
				n += len(ls)
			}
		}
		if !q.In || len(lists) < 2 {
			for _, ls := range lists {
				out = append(out, ls...)
			}
			continue
		}
		out = slices.Grow(out, n)
		out = appendByFrom(out, lists, n)
	}
	return out, nil
}

// appendByFrom appends the n links of lists (one type's, each list in link order, taken in
// the order of their to ends) to out in link order. The from ends are read into one array
// once: a link lies in its node's list, a cache miss away from the next, and its from end is
// all the sort reads; positions are sorted rather than links, a few hundred bytes each.
func appendByFrom(out []kb.Link, lists [][]kb.Link, n int) []kb.Link {
	froms := make([]string, 0, n)
	at := make([]*kb.Link, 0, n)
	for _, ls := range lists {
		for i := range ls {
			froms, at = append(froms, ls[i].From), append(at, &ls[i])
		}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := strings.Compare(froms[a], froms[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b) // one from end's links: in the order of their to ends
	})
	for _, i := range order {
		out = append(out, *at[i])
	}
	return out
}

// Search implements kb.Store with a BM25 index over the nodes' text fields.
func (s *Store) Search(ctx context.Context, q kb.SearchQuery) ([]kb.SearchHit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = kb.MaxSearchHits
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	s.mu.RLock()
	if s.g.search == nil {
		// building takes the write lock; search again under the read lock after
		s.mu.RUnlock()
		s.mu.Lock()
		if s.g.search == nil {
			s.g.buildSearch()
		}
		s.mu.Unlock()
		s.mu.RLock()
	}
	hits := s.g.search.Search(q.Text, kinds, limit)
	s.mu.RUnlock()
	out := make([]kb.SearchHit, len(hits))
	for i, h := range hits {
		out[i] = kb.SearchHit{ID: h.ID, Kind: kb.Kind(h.Kind), Score: h.Score}
	}
	return out, nil
}

// Apply implements kb.Store: the change is applied to memory, written to the data file, and
// undone in memory if any op or the write fails.
func (s *Store) Apply(ctx context.Context, c kb.Change) (kb.Result, error) {
	if err := ctx.Err(); err != nil {
		return kb.Result{}, err
	}
	if s.readOnly {
		return kb.Result{}, ErrReadOnly
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	at := c.At
	if at.IsZero() {
		at = s.clock()
	}
	// Readers must see only what is durable, and must not wait for the disk: the change's
	// net effect is taken and undone under the lock, written and synced with only the writer
	// lock held, and then made visible.
	result, effect, err := s.stage(c, at)
	if err != nil || effect == nil {
		return result, err
	}
	rev := s.revision.Load() + 1
	line, err := effect.encode(rev)
	if err == nil {
		err = s.journal.append(line)
	}
	if err != nil {
		return kb.Result{}, fmt.Errorf("saving the change: %w", err)
	}
	s.mu.Lock()
	effect.apply(s.g)
	s.revision.Store(rev)
	s.changes.note(rev, effect.nodeIDs)
	s.mu.Unlock()
	if s.journal.size > max(s.compactAt, s.snapshotSize) {
		s.compact(ctx)
	}
	return result, nil
}

// stage applies a change in memory under the lock and returns its net effect, undone, for
// the journal; no effect when the change changed nothing, or when there is no file (then the
// change stays applied). The lock is released even if an op panics.
func (s *Store) stage(c kb.Change, at time.Time) (kb.Result, *netEffect, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &txn{g: s.g, at: at.UTC(), actor: c.Actor}
	for _, op := range c.Ops {
		if err := t.apply(op); err != nil {
			t.rollback()
			return kb.Result{}, nil, kb.OpError(op, err)
		}
	}
	if !t.result.Changed() {
		return t.result, nil, nil
	}
	if s.journal == nil {
		s.changes.note(s.revision.Add(1), t.nodes)
		return t.result, nil, nil
	}
	effect := newNetEffect()
	effect.capture(s.g, t.nodes, t.links)
	t.rollback()
	return t.result, effect, nil
}

// compact writes a new snapshot holding everything the journal holds and empties the
// journal. The caller holds the writer lock; readers go on reading meanwhile.
func (s *Store) compact(ctx context.Context) {
	start := time.Now()
	s.mu.RLock()
	snap := s.snapshotLocked()
	rev := s.revision.Load()
	s.mu.RUnlock()
	size, err := s.file.save(snap, rev)
	if err == nil {
		err = s.journal.reset()
	}
	if err != nil {
		// the journal still holds every change: nothing is lost, compaction is tried again
		// after the next write
		s.log.ErrorContext(ctx, "compacting the journal into the data file failed", "err", err)
		return
	}
	s.snapshotSize = size
	s.log.InfoContext(ctx, "journal compacted into the data file", "path", s.file.path, "bytes", size, "revision", rev, "took", time.Since(start).Round(time.Millisecond))
}

// Snapshot implements kb.Store.
func (s *Store) Snapshot(ctx context.Context) (kb.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return kb.Snapshot{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshotLocked(), nil
}

func (s *Store) snapshotLocked() kb.Snapshot {
	var snap kb.Snapshot
	for _, k := range kb.Kinds {
		for _, id := range s.g.idsOfKind(k) {
			snap.Nodes = append(snap.Nodes, s.g.nodes[id].node)
		}
	}
	for _, m := range s.g.out {
		for _, l := range m {
			snap.Links = append(snap.Links, l)
		}
	}
	kb.SortLinks(snap.Links)
	return snap
}

// Ready implements kb.Store.
func (s *Store) Ready(ctx context.Context) error { return ctx.Err() }

// Close folds the journal into the data file, so that after a clean stop the data file alone
// holds the whole graph, closes the journal and releases the data file's lock.
func (s *Store) Close(ctx context.Context) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.journal != nil && s.journal.size > 0 {
		s.compact(ctx)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	jerr := s.journal.close()
	s.journal = nil
	if s.file != nil {
		err := s.file.close()
		s.file = nil
		return errors.Join(jerr, err)
	}
	return jerr
}

func compareEntries(a, b *entry, sorts []kb.Sort) int {
	for _, s := range sorts {
		x, y := a.props[s.Field], b.props[s.Field]
		if kb.NaturalSort(a.node.NodeKind(), s.Field) {
			// compared by their natural keys, as Neo4j orders them
			if xs, ok := x.(string); ok {
				x = kb.NaturalKey(xs)
			}
			if ys, ok := y.(string); ok {
				y = kb.NaturalKey(ys)
			}
		}
		c := compareValues(x, y)
		if s.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(a.node.NodeID(), b.node.NodeID())
}

// compareValues orders like Cypher's ORDER BY: absent values after all others when ascending.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch x := a.(type) {
	case string:
		return cmp.Compare(x, b.(string))
	case int64:
		return cmp.Compare(x, b.(int64))
	case float64:
		return cmp.Compare(x, b.(float64))
	case bool:
		return cmp.Compare(boolRank(x), boolRank(b.(bool)))
	case time.Time:
		return x.Compare(b.(time.Time))
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

var _ kb.Checker = (*Store)(nil)

// Check implements kb.Checker: the change is tried on the graph under the write lock and
// undone before the lock is released, so readers never see it and nothing reaches the disk.
func (s *Store) Check(ctx context.Context, c kb.Change, refused []kb.Node) (kb.CheckReport, error) {
	if err := ctx.Err(); err != nil {
		return kb.CheckReport{}, err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	at := c.At
	if at.IsZero() {
		at = s.clock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := &txn{g: s.g, at: at.UTC(), actor: c.Actor}
	defer t.rollback()
	return t.try(c, refused), nil
}

// FromSnapshot makes an in-memory store (no file) holding a copy of snap: a scratch copy of
// another store to try a change on.
func FromSnapshot(ctx context.Context, snap kb.Snapshot) (*Store, error) {
	s, err := Open(ctx, Options{})
	if err != nil {
		return nil, err
	}
	if err := s.restore(snap); err != nil {
		return nil, fmt.Errorf("copying the knowledge base: %w", err)
	}
	return s, nil
}
