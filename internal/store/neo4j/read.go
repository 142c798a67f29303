package neo4j

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Get implements kb.Store: one round trip, results in the order of ids (repeats included),
// unknown ids left out.
func (s *Store) Get(ctx context.Context, ids []string) ([]kb.Node, error) {
	out := make([]kb.Node, 0, len(ids))
	if len(ids) == 0 {
		return out, ctx.Err()
	}
	recs, err := s.read(ctx, cypher.GetNodes(), idsParams(uniqueIDs(ids)))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*decoded, len(recs))
	for _, rec := range recs {
		n, err := decodeNodeRecord(rec)
		if err != nil {
			return nil, err
		}
		byID[n.NodeID()] = &decoded{node: n}
	}
	for _, id := range ids {
		d, ok := byID[id]
		if !ok {
			continue
		}
		if d.handedOut {
			// A repeated id gets its own copy, so that callers cannot alias each other's nodes.
			n, err := kb.FromProps(d.node.NodeKind(), kb.ToProps(d.node))
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			continue
		}
		d.handedOut = true
		out = append(out, d.node)
	}
	return out, nil
}

type decoded struct {
	node      kb.Node
	handedOut bool
}

func uniqueIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// List implements kb.Store: one round trip for the page and the total.
func (s *Store) List(ctx context.Context, q kb.ListQuery) (kb.Page, error) {
	lq, err := cypher.List(q)
	if err != nil {
		return kb.Page{}, err
	}
	recs, err := s.read(ctx, lq.Statement, lq.Params)
	if err != nil {
		return kb.Page{}, err
	}
	return decodePage(recs)
}

func decodePage(recs []*drv.Record) (kb.Page, error) {
	if len(recs) != 1 {
		return kb.Page{}, fmt.Errorf("neo4j: a list query returned %d rows, want 1", len(recs))
	}
	v, err := field(recs[0], "total")
	if err != nil {
		return kb.Page{}, err
	}
	total, err := asInt64(v)
	if err != nil {
		return kb.Page{}, err
	}
	v, err = field(recs[0], "page")
	if err != nil {
		return kb.Page{}, err
	}
	entries, err := asList(v)
	if err != nil {
		return kb.Page{}, err
	}
	page := kb.Page{Total: int(total)}
	for _, e := range entries {
		n, err := decodeNodeMap(e)
		if err != nil {
			return kb.Page{}, err
		}
		page.Nodes = append(page.Nodes, n)
	}
	return page, nil
}

// Links implements kb.Store: one round trip. Only link types are read, never the ownership
// relationships, which follow from the owner fields; the result is ordered by type, from, to.
func (s *Store) Links(ctx context.Context, q kb.LinkQuery) ([]kb.Link, error) {
	types := linkTypes(q.Types)
	if (len(q.IDs) == 0 && !q.All) || len(types) == 0 {
		return nil, ctx.Err()
	}
	st, params := cypher.LinksOut(), linksParams(uniqueIDs(q.IDs), types)
	switch {
	case q.All:
		st, params = cypher.SnapshotLinks(), linksParams(nil, types)
	case q.In:
		st = cypher.LinksIn()
	}
	recs, err := s.read(ctx, st, params)
	if err != nil {
		return nil, err
	}
	var out []kb.Link
	for _, rec := range recs {
		l, err := decodeLinkRecord(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	kb.SortLinks(out)
	return out, nil
}

// linkTypes keeps the link types among asked (all of them when asked is empty), as strings
// for the $types parameter.
func linkTypes(asked []kb.RelType) []string {
	var out []string
	for _, t := range kb.LinkTypes() {
		if len(asked) == 0 || slices.Contains(asked, t) {
			out = append(out, string(t))
		}
	}
	return out
}

// Snapshot implements kb.Store: every node in kb.Kinds order then by id, every link by type,
// from, to. Nodes and links are read by two statements; a link whose end is not among the
// nodes read (made by a change that committed in between) is left out, so the snapshot
// always imports.
func (s *Store) Snapshot(ctx context.Context) (kb.Snapshot, error) {
	recs, err := s.read(ctx, cypher.SnapshotNodes(), nil)
	if err != nil {
		return kb.Snapshot{}, err
	}
	var snap kb.Snapshot
	have := make(map[string]bool, len(recs))
	for _, rec := range recs {
		n, err := decodeNodeRecord(rec)
		if err != nil {
			return kb.Snapshot{}, err
		}
		snap.Nodes = append(snap.Nodes, n)
		have[n.NodeID()] = true
	}
	rank := make(map[kb.Kind]int, len(kb.Kinds))
	for i, k := range kb.Kinds {
		rank[k] = i
	}
	slices.SortFunc(snap.Nodes, func(a, b kb.Node) int {
		if c := cmp.Compare(rank[a.NodeKind()], rank[b.NodeKind()]); c != 0 {
			return c
		}
		return strings.Compare(a.NodeID(), b.NodeID())
	})
	recs, err = s.read(ctx, cypher.SnapshotLinks(), linksParams(nil, linkTypes(nil)))
	if err != nil {
		return kb.Snapshot{}, err
	}
	for _, rec := range recs {
		l, err := decodeLinkRecord(rec)
		if err != nil {
			return kb.Snapshot{}, err
		}
		if have[l.From] && have[l.To] {
			snap.Links = append(snap.Links, l)
		}
	}
	kb.SortLinks(snap.Links)
	return snap, nil
}

// Search implements kb.Store with the node_text full-text index. The words of the text become a
// Lucene query of plain terms joined by OR, so nothing a user types is read as query syntax.
func (s *Store) Search(ctx context.Context, q kb.SearchQuery) ([]kb.SearchHit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	words := text.Words(q.Text)
	if len(words) == 0 {
		return nil, ctx.Err()
	}
	limit := q.Limit
	if limit == 0 {
		limit = kb.MaxSearchHits
	}
	kinds := make([]string, len(q.Kinds))
	for i, k := range q.Kinds {
		kinds[i] = string(k)
	}
	recs, err := s.read(ctx, cypher.SearchNodes(), map[string]any{
		"query": strings.Join(words, " OR "), "kinds": kinds, "limit": int64(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]kb.SearchHit, 0, len(recs))
	for _, rec := range recs {
		id, _ := rec.Get("id")
		kind, _ := rec.Get("kind")
		score, _ := rec.Get("score")
		sid, ok1 := id.(string)
		skind, ok2 := kind.(string)
		fscore, ok3 := score.(float64)
		if !ok1 || !ok2 || !ok3 {
			return nil, fmt.Errorf("neo4j: a search row has id %T, kind %T, score %T", id, kind, score)
		}
		out = append(out, kb.SearchHit{ID: sid, Kind: kb.Kind(skind), Score: fscore})
	}
	return out, nil
}
