package analysis

import (
	"context"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// SearchResult is a ranked hit with the passage that matched.
type SearchResult struct {
	Node    kb.Node
	Score   float64
	Snippet string
}

// Search bounds.
const (
	DefaultSearchHits = 20
	SnippetWidth      = 160
)

// SearchableKinds are what full-text search covers by default: studies, the parts of CMOCs,
// CMOCs themselves and quotes.
var SearchableKinds = []kb.Kind{kb.KindStudy, kb.KindCMOC, kb.KindContext, kb.KindMechanism, kb.KindOutcome, kb.KindQuote}

// Search runs a full-text search (the store's index: BM25 in the embedded store, Lucene on
// Neo4j) and cuts from each hit the passage that matches best.
func (a *Analyst) Search(ctx context.Context, query string, kinds []kb.Kind, limit int) ([]SearchResult, error) {
	limit, err := pageSize(limit, DefaultSearchHits, kb.MaxSearchHits)
	if err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		kinds = SearchableKinds
	}
	hits, err := a.store.Search(ctx, kb.SearchQuery{Text: query, Kinds: kinds, Limit: limit})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	r := a.reader()
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	out := make([]SearchResult, 0, len(hits))
	for _, h := range hits {
		if n := r.node(h.ID); n != nil {
			out = append(out, SearchResult{Node: n, Score: h.Score, Snippet: text.Snippet(kb.SearchText(n), query, SnippetWidth)})
		}
	}
	return out, nil
}
