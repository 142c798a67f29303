// Package analysis answers the questions that span studies: crosswalk suggestions, theory
// comparison, chains of CMOCs, the evidence behind an outcome or mechanism, demi-regularities,
// dashboard aggregates, full-text search with snippets and what changed between programme
// theory versions. It reads any kb.Store through batched calls, so each answer costs a number
// of store round trips that does not grow with the size of the graph.
package analysis

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Analyst answers cross-study questions over one store.
type Analyst struct {
	store kb.Store
	cache revisionCache[*corpus]
	// lexicons keeps what accepted links taught (see taught.go); untaught turns it off, to
	// measure what it adds
	lexicons revisionCache[*lexicon]
	untaught bool
	// terms remembers what the texts compared come to, word by word, across questions
	terms *text.TermCache
}

// termCacheSize bounds the texts an Analyst remembers the words of: the elements of the two
// largest theories at 10,000 CMOCs, each with the quotes behind it, come to about 2 MB.
const termCacheSize = 32 << 20

// New returns an Analyst over store.
func New(store kb.Store) *Analyst {
	return &Analyst{store: store, terms: text.NewTermCache(termCacheSize)}
}

// reader caches what one question has read, so that no node is fetched twice.
type reader struct {
	store kb.Store
	nodes map[string]kb.Node
	terms *text.TermCache
}

func (a *Analyst) reader() *reader {
	return &reader{store: a.store, nodes: map[string]kb.Node{}, terms: a.terms}
}

// load fetches the nodes not yet read, in one call.
func (r *reader) load(ctx context.Context, ids ...string) error {
	if len(ids) > len(r.nodes) {
		// thousands of quotes at once: the map is made the size it may grow to rather than
		// grown through every doubling, each of which moves what it held
		grown := make(map[string]kb.Node, len(r.nodes)+len(ids))
		maps.Copy(grown, r.nodes)
		r.nodes = grown
	}
	var missing []string
	for _, id := range ids {
		if _, ok := r.nodes[id]; !ok && id != "" {
			r.nodes[id] = nil // known missing unless the store returns it
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	ns, err := r.store.Get(ctx, missing)
	if err != nil {
		for _, id := range missing {
			delete(r.nodes, id)
		}
		return err
	}
	for _, n := range ns {
		r.nodes[n.NodeID()] = n
	}
	return nil
}

func (r *reader) node(id string) kb.Node { return r.nodes[id] }

// mustNode loads one node of one of the given kinds, or says what is wrong with the id.
func (r *reader) mustNode(ctx context.Context, field, id string, kinds ...kb.Kind) (kb.Node, error) {
	if err := r.load(ctx, id); err != nil {
		return nil, err
	}
	n := r.nodes[id]
	if n == nil {
		return nil, kb.NotFound(field, "no node with id %q", id)
	}
	if len(kinds) > 0 && !slices.Contains(kinds, n.NodeKind()) {
		return nil, kb.Invalid(field, "%q is a %s; want a %s", id, n.NodeKind(), kindNames(kinds))
	}
	return n, nil
}

func kindNames(ks []kb.Kind) string {
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += " or "
		}
		s += string(k)
	}
	return s
}

// links reads links of the given types at ids (out, or in).
func (r *reader) links(ctx context.Context, in bool, ids []string, types ...kb.RelType) ([]kb.Link, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return r.store.Links(ctx, kb.LinkQuery{Types: types, IDs: ids, In: in})
}

// owned lists the nodes of kind k that the owners own.
func (r *reader) owned(ctx context.Context, k kb.Kind, owners ...string) ([]kb.Node, error) {
	spec, ok := kb.OwnerOf(k)
	if !ok {
		return nil, fmt.Errorf("%s has no owner", k)
	}
	p, err := r.store.List(ctx, kb.ListQuery{Kind: k, Filters: []kb.Filter{{Field: spec.Field, Op: kb.FilterIn, Value: owners}}})
	if err != nil {
		return nil, err
	}
	for _, n := range p.Nodes {
		r.nodes[n.NodeID()] = n
	}
	return p.Nodes, nil
}

// studiesOf resolves the study of each node (element, CMOC, programme theory, quote, setting),
// loading the programme theories and studies on the way in at most two calls.
func (r *reader) studiesOf(ctx context.Context, ids []string) (map[string]string, error) {
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var pts []string
	for _, id := range ids {
		n := r.nodes[id]
		switch {
		case n == nil:
		case n.NodeKind() == kb.KindStudy:
			out[id] = id
		case n.NodeKind() == kb.KindProgrammeTheory, n.NodeKind() == kb.KindQuote, n.NodeKind() == kb.KindSetting:
			out[id] = n.Owner()
		default:
			pts = append(pts, n.Owner())
		}
	}
	if err := r.load(ctx, pts...); err != nil {
		return nil, err
	}
	for _, id := range ids {
		n := r.nodes[id]
		if n == nil || out[id] != "" {
			continue
		}
		if pt := r.nodes[n.Owner()]; pt != nil {
			out[id] = pt.Owner()
		}
	}
	return out, nil
}

// elementRel is the CMOC relationship that reaches an element of kind k.
func elementRel(k kb.Kind) kb.RelType {
	switch k {
	case kb.KindContext:
		return kb.RelHasContext
	case kb.KindMechanism:
		return kb.RelHasMechanism
	}
	return kb.RelHasOutcome
}

var elementRels = []kb.RelType{kb.RelHasContext, kb.RelHasMechanism, kb.RelHasOutcome}

// quotesBehind maps each element to the quotes that evidence the CMOCs using it, in three
// store calls for any number of elements.
func (r *reader) quotesBehind(ctx context.Context, elementIDs []string) (map[string][]*kb.Quote, error) {
	uses, err := r.links(ctx, true, elementIDs, elementRels...)
	if err != nil {
		return nil, err
	}
	cmocsOf := map[string][]string{}
	var cmocs []string
	for _, l := range uses {
		cmocsOf[l.To] = append(cmocsOf[l.To], l.From)
		cmocs = append(cmocs, l.From)
	}
	ev, err := r.links(ctx, true, cmocs, kb.RelEvidences)
	if err != nil {
		return nil, err
	}
	quotesOf := map[string][]string{}
	var quoteIDs []string
	for _, l := range ev {
		quotesOf[l.To] = append(quotesOf[l.To], l.From)
		quoteIDs = append(quoteIDs, l.From)
	}
	if err := r.load(ctx, quoteIDs...); err != nil {
		return nil, err
	}
	out := map[string][]*kb.Quote{}
	for _, e := range elementIDs {
		seen := map[string]bool{}
		for _, c := range cmocsOf[e] {
			for _, q := range quotesOf[c] {
				if quote, ok := r.nodes[q].(*kb.Quote); ok && !seen[q] {
					seen[q] = true
					out[e] = append(out[e], quote)
				}
			}
		}
	}
	return out, nil
}

// linksBothWays reads the links of the given types that leave or reach any of ids, each once.
func (r *reader) linksBothWays(ctx context.Context, ids []string, types ...kb.RelType) ([]kb.Link, error) {
	out, err := r.links(ctx, false, ids, types...)
	if err != nil {
		return nil, err
	}
	in, err := r.links(ctx, true, ids, types...)
	if err != nil {
		return nil, err
	}
	seen := make(map[kb.LinkKey]bool, len(out))
	for _, l := range out {
		seen[l.Key()] = true
	}
	for _, l := range in {
		if !seen[l.Key()] {
			out = append(out, l)
		}
	}
	return out, nil
}

// pageSize reads a "first" argument: 0 means def; anything outside 1..max is refused rather
// than quietly changed, so a client learns that its page is not the one it asked for.
func pageSize(first, def, max int) (int, error) {
	if first == 0 {
		return def, nil
	}
	if first < 1 || first > max {
		return 0, kb.Invalid("first", "must be between 1 and %d, not %d", max, first)
	}
	return first, nil
}
