package analysis

import (
	"cmp"
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

// lexicon is what the accepted alignments (every relation but CONTRADICTS) bridged. Stems are
// numbered: a comparison asks of every pair of its two theories' elements, and pairs of small
// numbers are quick to look up. A lexicon is shared by the questions of one revision, asked
// concurrently: nothing in it changes once built.
type lexicon struct {
	// bridged is, per pair of stems, the links that bridged it and how strongly: each link
	// spreads a weight of 1 over the pairs of its two sides' unshared terms. Only pairs that
	// enough links bridged are kept
	bridged map[uint64][]bridging
	// total is, per kept pair, its weight and links over every link; own is, per element, what
	// the element's own links gave each pair, which a question about the element leaves out
	total map[uint64]contribution
	own   map[string]ownContributions
	// partners lists, per stem, the stems it is bridged with
	partners map[uint32][]uint32
	ids      map[string]uint32 // stem -> number, for the stems of kept pairs
	words    []string          // number -> a word the stem was seen as
	// madeOf is the accepted links the lexicon was made of, in order, with their ends' names
	madeOf []taughtBy
}

// taughtBy is one accepted link as a lexicon reads it.
type taughtBy struct {
	from, to, fromName, toName string
}

// contribution is weight and a number of links.
type contribution struct {
	weight float64
	links  int
}

// ownContributions is what one element's links gave each pair, ordered by the pair's key: a
// sorted slice rather than a map, since an element's entries are made together and read by
// key only a few at a time, and a map per element was most of building a lexicon.
type ownContributions []ownContribution

type ownContribution struct {
	key uint64
	contribution
}

// of is what the element's links gave the pair key (nothing, if none of them bridged it).
func (o ownContributions) of(key uint64) contribution {
	i, found := slices.BinarySearchFunc(o, key, func(e ownContribution, key uint64) int { return cmp.Compare(e.key, key) })
	if !found {
		return contribution{}
	}
	return o[i].contribution
}

// bridging is one link's part in a term pair.
type bridging struct {
	from, to string
	weight   float64
}

// termSet is the stems of an element's name that the lexicon knows, in order of their numbers,
// with the words they were written as. Names only: a study's descriptions share its house
// style ("mental health" in one, "children" in another), which every pair of their elements
// would bridge, while names say what the element is.
type termSet struct {
	ids   []uint32
	words []string
}

func (t termSet) has(id uint32) bool {
	_, found := slices.BinarySearch(t.ids, id)
	return found
}

// nameTerms lists the stems of n's name with the word each was first written as. A name is
// split once for as long as cache keeps it (nil: every time); an stems what it has not seen.
func nameTerms(cache *text.TermCache, an *text.Analyzer, n kb.Node) map[string]string {
	out := map[string]string{}
	if n == nil {
		return out
	}
	cache.EachDistinctTerm(an, kb.NameOf(n), func(stem, word string) { out[stem] = word })
	return out
}

// nameOrNone is n's name, or nothing for a node that is not there.
func nameOrNone(n kb.Node) string {
	if n == nil {
		return ""
	}
	return kb.NameOf(n)
}

func (lx *lexicon) terms(cache *text.TermCache, an *text.Analyzer, n kb.Node) termSet {
	var out termSet
	if lx == nil || n == nil {
		return out
	}
	type term struct {
		id   uint32
		word string
	}
	var ts []term
	for stem, w := range nameTerms(cache, an, n) {
		if id, ok := lx.ids[stem]; ok {
			ts = append(ts, term{id, w})
		}
	}
	slices.SortFunc(ts, func(a, b term) int { return cmp.Compare(a.id, b.id) })
	for _, t := range ts {
		out.ids, out.words = append(out.ids, t.id), append(out.words, t.word)
	}
	return out
}

func pairKey(a, b uint32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// buildLexicon reads the accepted alignments and the elements they join, in two store calls:
// rows proportional to the crosswalk, not to the corpus. A lexicon is made of the accepted
// links and their ends' names alone, so where these are what previous (of an earlier
// revision; nil: none) was made of, previous is the answer: most writes touch neither. Names
// are split through cache, so a lexicon that must be rebuilt splits only names it has not seen.
func buildLexicon(ctx context.Context, store kb.Store, cache *text.TermCache, previous *lexicon) (*lexicon, error) {
	lx := &lexicon{bridged: map[uint64][]bridging{}, total: map[uint64]contribution{}, own: map[string]ownContributions{},
		partners: map[uint32][]uint32{}, ids: map[string]uint32{}}
	all, err := store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
	if err != nil {
		return nil, fmt.Errorf("reading the accepted alignments: %w", err)
	}
	// what a store returns is read-only (the embedded store's is its own cache): filtered
	// into a slice of the lexicon's own, never in place
	ls := make([]kb.Link, 0, len(all))
	for _, l := range all {
		if l.Relation != kb.AlignContradicts {
			ls = append(ls, l)
		}
	}
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
	lx.madeOf = make([]taughtBy, len(ls))
	for i, l := range ls {
		lx.madeOf[i] = taughtBy{l.From, l.To, nameOrNone(r.node(l.From)), nameOrNone(r.node(l.To))}
	}
	if previous != nil && slices.Equal(previous.madeOf, lx.madeOf) {
		return previous, nil
	}
	// stems are numbered as they are met while the links are read, so that the pairs are keyed
	// by two numbers rather than two strings, and renumbered in order of the kept pairs below
	met := map[string]uint32{}
	var stems, words []string
	number := func(stem, word string) uint32 {
		id, ok := met[stem]
		if !ok {
			id = uint32(len(stems))
			met[stem] = id
			stems, words = append(stems, stem), append(words, word)
		}
		return id
	}
	bridged := map[uint64][]bridging{}
	an := text.NewAnalyzer()
	var onlyA, onlyB []uint32
	for _, l := range ls {
		a, b := nameTerms(cache, an, r.node(l.From)), nameTerms(cache, an, r.node(l.To))
		onlyA, onlyB = onlyA[:0], onlyB[:0]
		for t, w := range a {
			id := number(t, w)
			if _, shared := b[t]; !shared {
				onlyA = append(onlyA, id)
			}
		}
		for t, w := range b {
			id := number(t, w)
			if _, shared := a[t]; !shared {
				onlyB = append(onlyB, id)
			}
		}
		if len(onlyA) == 0 || len(onlyB) == 0 {
			continue
		}
		w := 1 / float64(len(onlyA)*len(onlyB))
		for _, ta := range onlyA {
			for _, tb := range onlyB {
				key := pairKey(ta, tb)
				bridged[key] = append(bridged[key], bridging{l.From, l.To, w})
			}
		}
	}
	// a pair fewer links bridged never counts, whichever links a question leaves out; the kept
	// pairs are ordered by their stems, and their stems numbered in that order, so that the
	// lexicon is the same for the same links
	type pair struct {
		key    uint64
		lo, hi string
	}
	kept := make([]pair, 0, len(bridged))
	for key, brs := range bridged {
		if len(brs) >= minBridges {
			a, b := stems[key>>32], stems[uint32(key)]
			kept = append(kept, pair{key, min(a, b), max(a, b)})
		}
	}
	slices.SortFunc(kept, func(a, b pair) int { return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.hi, b.hi)) })
	renumber := func(stem string) uint32 {
		id, ok := lx.ids[stem]
		if !ok {
			id = uint32(len(lx.words))
			lx.ids[stem] = id
			lx.words = append(lx.words, words[met[stem]])
		}
		return id
	}
	add := func(m map[uint64]contribution, key uint64, w float64) {
		c := m[key]
		m[key] = contribution{c.weight + w, c.links + 1}
	}
	for _, p := range kept {
		a, b := renumber(p.lo), renumber(p.hi)
		k := pairKey(a, b)
		brs := bridged[p.key]
		lx.bridged[k] = brs
		lx.partners[a] = append(lx.partners[a], b)
		lx.partners[b] = append(lx.partners[b], a)
		for _, br := range brs {
			add(lx.total, k, br.weight)
			for _, end := range [2]string{br.from, br.to} {
				// an element's entries for one pair are made one after another
				own := lx.own[end]
				if n := len(own); n > 0 && own[n-1].key == k {
					own[n-1].weight += br.weight
					own[n-1].links++
					continue
				}
				lx.own[end] = append(own, ownContribution{k, contribution{br.weight, 1}})
			}
		}
	}
	for _, own := range lx.own {
		slices.SortFunc(own, func(a, b ownContribution) int { return cmp.Compare(a.key, b.key) })
	}
	return lx, nil
}

// bridge is what accepted links say of elements a and b, with these terms: the summed weight
// of the bridged pairs they make (one unshared term of each), at most 1, and, with words, the
// strongest pairs as the two elements write them. Only links of other elements teach: a's or
// b's own link would have b vouch for itself ("b is like the element it is linked to, and
// that one shares words with a"), which makes any word of a pair's neighbour a bridge.
func (lx *lexicon) bridge(a, b string, ta, tb termSet, words bool) (float64, [][2]string) {
	if lx == nil || len(ta.ids) == 0 || len(tb.ids) == 0 {
		return 0, nil
	}
	ownA, ownB := lx.own[a], lx.own[b]
	type hit struct {
		words [2]string
		w     float64
	}
	var hits []hit
	total := 0.0
	for i, sa := range ta.ids {
		if tb.has(sa) || len(lx.partners[sa]) == 0 {
			continue
		}
		for j, sb := range tb.ids {
			if ta.has(sb) {
				continue
			}
			key := pairKey(sa, sb)
			c, ok := lx.total[key]
			if !ok {
				continue
			}
			// leave out a's and b's own links (a link between them counted once)
			byA, byB := ownA.of(key), ownB.of(key)
			w, links := c.weight-byA.weight-byB.weight, c.links-byA.links-byB.links
			if byA.links > 0 && byB.links > 0 {
				for _, br := range lx.bridged[key] {
					if br.from == a && br.to == b || br.from == b && br.to == a {
						w, links = w+br.weight, links+1
					}
				}
			}
			if links < minBridges || w <= 0 {
				continue
			}
			total += w
			if words {
				hits = append(hits, hit{[2]string{ta.words[i], tb.words[j]}, w})
			}
		}
	}
	if len(hits) == 0 {
		return min(total, 1), nil
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].w != hits[j].w {
			return hits[i].w > hits[j].w
		}
		return hits[i].words[0]+" "+hits[i].words[1] < hits[j].words[0]+" "+hits[j].words[1]
	})
	out := make([][2]string, 0, min(len(hits), maxBridged))
	for _, h := range hits[:min(len(hits), maxBridged)] {
		out = append(out, h.words)
	}
	return min(total, 1), out
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
// "validated" finds "acknowledgement" once reviewers have linked the two elsewhere.
func (lx *lexicon) expansion(id string, terms termSet) []string {
	if lx == nil || len(terms.ids) == 0 {
		return nil
	}
	strength, links := map[uint32]float64{}, map[uint32]int{}
	for _, stem := range terms.ids {
		for _, partner := range lx.partners[stem] {
			if terms.has(partner) {
				continue
			}
			for _, br := range lx.bridged[pairKey(stem, partner)] {
				if br.from != id && br.to != id {
					strength[partner] += br.weight
					links[partner]++
				}
			}
		}
	}
	partners := make([]uint32, 0, len(strength))
	for p, w := range strength {
		if w >= minExpansion && links[p] >= minBridges {
			partners = append(partners, p)
		}
	}
	sort.Slice(partners, func(i, j int) bool {
		if strength[partners[i]] != strength[partners[j]] {
			return strength[partners[i]] > strength[partners[j]]
		}
		return lx.words[partners[i]] < lx.words[partners[j]]
	})
	out := make([]string, 0, min(len(partners), maxExpansion))
	for _, p := range partners[:min(len(partners), maxExpansion)] {
		out = append(out, lx.words[p])
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
		return buildLexicon(ctx, a.store, a.terms, nil)
	}
	return a.lexicons.get(ctx, rs, func(ctx context.Context, previous *lexicon) (*lexicon, error) {
		return buildLexicon(ctx, a.store, a.terms, previous)
	})
}

// revisionCache keeps what was built from the latest revision of a store.
type revisionCache[T any] struct {
	mu       sync.Mutex
	revision uint64
	value    T
	kept     bool
}

// get returns the value of the store's current revision, building it if none is kept; build
// is given the value last kept (of an earlier revision; zero if none), which it may return
// again if what it is built from has not changed. The revision is read before the build and
// after it: a build that a write overlapped (another process's, on Neo4j) answers the question
// that asked but is not kept.
func (cc *revisionCache[T]) get(ctx context.Context, rs kb.Revisioned, build func(ctx context.Context, previous T) (T, error)) (T, error) {
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
	v, err := build(ctx, cc.value)
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
