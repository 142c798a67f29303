// Package memory is the embedded store: the whole graph in memory, persisted to one data file
// that is rewritten atomically after every committed change. It is the zero-setup default and
// a real store, not a test double.
package memory

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"log/slog"
	"maps"
	"slices"
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
}

// Store is the embedded store.
type Store struct {
	mu    sync.RWMutex
	g     *graph
	file  *dataFile
	clock func() time.Time
	log   *slog.Logger
	// revision counts the writes that changed the graph; it moves under the write lock, so a
	// reader that reads it before reading the graph sees at least that revision's graph.
	revision atomic.Uint64
}

var (
	_ kb.Store      = (*Store)(nil)
	_ kb.Revisioned = (*Store)(nil)
)

// Revision implements kb.Revisioned.
func (s *Store) Revision() uint64 { return s.revision.Load() }

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
	f, err := openDataFile(opts.Path)
	if err != nil {
		return nil, err
	}
	snap, err := f.load()
	if err != nil {
		f.close()
		return nil, err
	}
	if err := s.restore(snap); err != nil {
		f.close()
		return nil, fmt.Errorf("data file %s: %w", opts.Path, err)
	}
	s.file = f
	s.log.InfoContext(ctx, "embedded store opened", "path", opts.Path, "nodes", len(s.g.nodes))
	return s, nil
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
		for id := range s.candidates(q) {
			e := s.g.nodes[id]
			if e.node.NodeKind() == q.Kind && s.matches(e, q.Filters) {
				matched = append(matched, e)
			}
		}
		slices.SortFunc(matched, func(a, b *entry) int { return compareEntries(a, b, q.Sort) })
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
func (s *Store) candidates(q kb.ListQuery) iter.Seq[string] {
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
	seen := map[string]bool{}
	for _, id := range q.IDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, l := range index[id] {
			if len(q.Types) == 0 || slices.Contains(q.Types, l.Type) {
				out = append(out, l)
			}
		}
	}
	kb.SortLinks(out)
	return out, nil
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
	s.mu.Lock()
	defer s.mu.Unlock()
	at := c.At
	if at.IsZero() {
		at = s.clock()
	}
	t := &txn{g: s.g, at: at.UTC(), actor: c.Actor}
	for _, op := range c.Ops {
		if err := t.apply(op); err != nil {
			t.rollback()
			return kb.Result{}, kb.AtPath(op.Path, err)
		}
	}
	if s.file != nil && t.result.Changed() {
		if err := s.file.save(s.snapshotLocked()); err != nil {
			t.rollback()
			return kb.Result{}, fmt.Errorf("saving the change: %w", err)
		}
	}
	if t.result.Changed() {
		s.revision.Add(1)
	}
	return t.result, nil
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

// Close releases the data file's lock.
func (s *Store) Close(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != nil {
		err := s.file.close()
		s.file = nil
		return err
	}
	return nil
}

func compareEntries(a, b *entry, sorts []kb.Sort) int {
	for _, s := range sorts {
		c := compareValues(a.props[s.Field], b.props[s.Field])
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
