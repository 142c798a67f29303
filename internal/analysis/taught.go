package analysis

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Accepted links teach the ranking. Two studies name one thing in their own words: the youth
// paper's "acknowledgement" is Gillard's "validation". Every alignment a reviewer accepts
// bridges the words one side has and the other lacks, and a candidate whose words make a pair
// that accepted links between other elements have bridged is likelier a counterpart than its
// shared words alone say.

// minBridges is how many accepted links must have bridged a pair of words before it counts:
// one link pairs every unshared word of its two sides, most of them by chance; two links
// bridging the same words are a correspondence.
const minBridges = 2

// taughtWeight is how much the bridged term pairs of a candidate raise its score, at most: by
// half when accepted links bridged its words as strongly as one whole link does.
const taughtWeight = 0.5

// maxBridged bounds the term pairs a reason lists.
const maxBridged = 3

// lexicon is what the accepted alignments (every relation but CONTRADICTS) bridged.
type lexicon struct {
	// bridged is, per pair of stems (in order), the links that bridged it and how strongly:
	// each link spreads a weight of 1 over the pairs of its two sides' unshared terms
	bridged map[[2]string][]bridging
	word    map[string]string // stem -> a word it was seen as
	// a lexicon is shared by the questions of one revision, asked concurrently: nothing in it
	// changes once built
}

// bridging is one link's part in a term pair.
type bridging struct {
	from, to string
	weight   float64
}

// termSet is the terms of an element's name, stem -> the word first seen. Names only: a
// study's descriptions share its house style ("mental health" in one, "children" in another),
// which every pair of their elements would bridge, while names say what the element is.
type termSet map[string]string

func (lx *lexicon) terms(n kb.Node) termSet {
	out := termSet{}
	if lx == nil || n == nil {
		return out
	}
	s := kb.NameOf(n)
	for _, w := range text.Words(s) {
		if t := text.Terms(w); len(t) == 1 {
			if _, seen := out[t[0]]; !seen {
				out[t[0]] = w
			}
		}
	}
	return out
}

func stemPair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// buildLexicon reads the accepted alignments and the elements they join, in two store calls:
// rows proportional to the crosswalk, not to the corpus.
func buildLexicon(ctx context.Context, store kb.Store) (*lexicon, error) {
	lx := &lexicon{bridged: map[[2]string][]bridging{}, word: map[string]string{}}
	ls, err := store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
	if err != nil {
		return nil, fmt.Errorf("reading the accepted alignments: %w", err)
	}
	ls = slices.DeleteFunc(ls, func(l kb.Link) bool { return l.Relation == kb.AlignContradicts })
	if len(ls) == 0 {
		return lx, nil
	}
	r := &reader{store: store, nodes: map[string]kb.Node{}}
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.From, l.To)
	}
	if err := r.load(ctx, uniqueSorted(ids)...); err != nil {
		return nil, err
	}
	for _, l := range ls {
		a, b := lx.terms(r.node(l.From)), lx.terms(r.node(l.To))
		for _, ts := range []termSet{a, b} {
			for stem, w := range ts {
				if _, ok := lx.word[stem]; !ok {
					lx.word[stem] = w
				}
			}
		}
		var onlyA, onlyB []string
		for t := range a {
			if _, shared := b[t]; !shared {
				onlyA = append(onlyA, t)
			}
		}
		for t := range b {
			if _, shared := a[t]; !shared {
				onlyB = append(onlyB, t)
			}
		}
		if len(onlyA) == 0 || len(onlyB) == 0 {
			continue
		}
		w := 1 / float64(len(onlyA)*len(onlyB))
		for _, ta := range onlyA {
			for _, tb := range onlyB {
				key := stemPair(ta, tb)
				lx.bridged[key] = append(lx.bridged[key], bridging{l.From, l.To, w})
			}
		}
	}
	return lx, nil
}

// bridge is what accepted links say of elements a and b, with these terms: the summed weight
// of the bridged pairs they make (one unshared term of each), at most 1, and the strongest
// pairs as the two elements write them. Only links of other elements teach: a's or b's own
// link would have b vouch for itself ("b is like the element it is linked to, and that one
// shares words with a"), which makes any word of a pair's neighbour a bridge.
func (lx *lexicon) bridge(a, b string, ta, tb termSet) (float64, [][2]string) {
	if lx == nil || len(lx.bridged) == 0 {
		return 0, nil
	}
	weight := func(key [2]string) float64 {
		w, links := 0.0, 0
		for _, br := range lx.bridged[key] {
			if br.from != a && br.to != a && br.from != b && br.to != b {
				w += br.weight
				links++
			}
		}
		if links < minBridges {
			return 0
		}
		return w
	}
	type hit struct {
		words [2]string
		w     float64
	}
	var hits []hit
	total := 0.0
	for sa, wa := range ta {
		if _, shared := tb[sa]; shared {
			continue
		}
		for sb, wb := range tb {
			if _, shared := ta[sb]; shared {
				continue
			}
			if w := weight(stemPair(sa, sb)); w > 0 {
				total += w
				hits = append(hits, hit{[2]string{wa, wb}, w})
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].w != hits[j].w {
			return hits[i].w > hits[j].w
		}
		return hits[i].words[0]+" "+hits[i].words[1] < hits[j].words[0]+" "+hits[j].words[1]
	})
	var words [][2]string
	for _, h := range hits[:min(len(hits), maxBridged)] {
		words = append(words, h.words)
	}
	return min(total, 1), words
}

// maxExpansion bounds the words accepted links add to a suggestion search, and minExpansion
// is how strongly they must have bridged a word to add it: as strongly as a link between two
// names of two words each that share none does. Weaker pairs come from long names, whose
// every word is paired with every other, and add noise.
const (
	maxExpansion = 8
	minExpansion = 0.25
)

// expansion is the words accepted links bridged to the terms of element id's name (its own
// links aside), strongest first: a search for its counterparts looks for them too, so that
// "validated" finds "acknowledgement" once a reviewer has linked the two elsewhere.
func (lx *lexicon) expansion(id string, terms termSet) []string {
	if lx == nil || len(lx.bridged) == 0 {
		return nil
	}
	strength, links := map[string]float64{}, map[string]int{}
	for key, brs := range lx.bridged {
		var partner string
		switch _, a := terms[key[0]]; {
		case a:
			partner = key[1]
		default:
			if _, b := terms[key[1]]; !b {
				continue
			}
			partner = key[0]
		}
		if _, own := terms[partner]; own {
			continue
		}
		for _, br := range brs {
			if br.from != id && br.to != id {
				strength[partner] += br.weight
				links[partner]++
			}
		}
	}
	partners := make([]string, 0, len(strength))
	for p, w := range strength {
		if w >= minExpansion && links[p] >= minBridges {
			partners = append(partners, p)
		}
	}
	sort.Slice(partners, func(i, j int) bool {
		if strength[partners[i]] != strength[partners[j]] {
			return strength[partners[i]] > strength[partners[j]]
		}
		return partners[i] < partners[j]
	})
	out := make([]string, 0, min(len(partners), maxExpansion))
	for _, p := range partners[:min(len(partners), maxExpansion)] {
		out = append(out, lx.word[p])
	}
	return out
}

// taught returns the lexicon of the store's accepted links: kept per revision over a store
// that reports one (on Neo4j, shared by every process through the revision stamp), read afresh
// over any other.
func (a *Analyst) taught(ctx context.Context) (*lexicon, error) {
	if a.untaught {
		return nil, nil
	}
	rs, ok := a.store.(kb.Revisioned)
	if !ok {
		return buildLexicon(ctx, a.store)
	}
	return a.lexicons.get(ctx, rs, func(ctx context.Context) (*lexicon, error) { return buildLexicon(ctx, a.store) })
}

// revisionCache keeps what was built from the latest revision of a store.
type revisionCache[T any] struct {
	mu       sync.Mutex
	revision uint64
	value    T
	kept     bool
}

// get returns the value of the store's current revision, building it if none is kept. The
// revision is read before the build and after it: a build that a write overlapped (another
// process's, on Neo4j) answers the question that asked but is not kept.
func (cc *revisionCache[T]) get(ctx context.Context, rs kb.Revisioned, build func(context.Context) (T, error)) (T, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	var zero T
	rev, err := rs.Revision(ctx)
	if err != nil {
		return zero, fmt.Errorf("reading the store's revision: %w", err)
	}
	if cc.kept && cc.revision == rev {
		return cc.value, nil
	}
	v, err := build(ctx)
	if err != nil {
		return zero, err
	}
	after, err := rs.Revision(ctx)
	if err != nil {
		return zero, fmt.Errorf("reading the store's revision: %w", err)
	}
	if after == rev {
		cc.value, cc.revision, cc.kept = v, rev, true
	}
	return v, nil
}
