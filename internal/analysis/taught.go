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

// bridging is one link's part in a term pair: the link's place in madeOf and its weight.
type bridging struct {
	link   int32
	weight float64
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
//
// A lexicon is built after a write to the crosswalk, and when an analyst starts, over a
// heap that holds the whole corpus, where every allocation is paid again by the collector:
// so the pairs are counted first and their links, each pair's and each element's, are then
// written into one array each, in place of a slice grown per pair and per element.
func buildLexicon(ctx context.Context, store kb.Store, cache *text.TermCache, previous *lexicon) (*lexicon, error) {
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
		return &lexicon{bridged: map[uint64][]bridging{}, total: map[uint64]contribution{}, own: map[string]ownContributions{},
			partners: map[uint32][]uint32{}, ids: map[string]uint32{}}, nil
	}
	ids := make([]string, 0, 2*len(ls))
	for _, l := range ls {
		ids = append(ids, l.From, l.To)
	}
	// the reader asks for each id once
	r := &reader{store: store, nodes: make(map[string]kb.Node, len(ids))}
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	madeOf := make([]taughtBy, len(ls))
	for i, l := range ls {
		madeOf[i] = taughtBy{l.From, l.To, nameOrNone(r.node(l.From)), nameOrNone(r.node(l.To))}
	}
	if previous != nil && slices.Equal(previous.madeOf, madeOf) {
		return previous, nil
	}
	lx := teach(cache, madeOf)
	lx.madeOf = madeOf
	return lx, nil
}

// taughtLink is what one accepted link bridged: the stems (numbered as met) of each side's
// name that the other side's lacks, at onlyA[a0:a1] and onlyB[b0:b1] of the build's arrays,
// and the weight it spreads over each of their pairs.
type taughtLink struct {
	a0, a1, b0, b1 int32
	weight         float64
}

// teach makes the lexicon of the accepted links (their ends' names alone).
func teach(cache *text.TermCache, links []taughtBy) *lexicon {
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
	an := text.NewAnalyzer()
	var termsA, termsB, onlyA, onlyB []uint32
	taught := make([]taughtLink, len(links))
	counts := map[uint64]int32{}
	for i, l := range links {
		termsA, termsB = termsA[:0], termsB[:0]
		// a name's stems come once each, in order, with the word that first wrote them: the
		// word a stem is numbered with is the first link's, its first side's
		cache.EachDistinctTerm(an, l.fromName, func(stem, word string) { termsA = append(termsA, number(stem, word)) })
		cache.EachDistinctTerm(an, l.toName, func(stem, word string) { termsB = append(termsB, number(stem, word)) })
		t := taughtLink{a0: int32(len(onlyA)), b0: int32(len(onlyB))}
		for _, id := range termsA {
			if !slices.Contains(termsB, id) {
				onlyA = append(onlyA, id)
			}
		}
		for _, id := range termsB {
			if !slices.Contains(termsA, id) {
				onlyB = append(onlyB, id)
			}
		}
		t.a1, t.b1 = int32(len(onlyA)), int32(len(onlyB))
		if t.a1 == t.a0 || t.b1 == t.b0 {
			onlyA, onlyB = onlyA[:t.a0], onlyB[:t.b0]
			t.a1, t.b1 = t.a0, t.b0
		} else {
			t.weight = 1 / float64(int(t.a1-t.a0)*int(t.b1-t.b0))
			for _, ta := range onlyA[t.a0:t.a1] {
				for _, tb := range onlyB[t.b0:t.b1] {
					counts[pairKey(ta, tb)]++
				}
			}
		}
		taught[i] = t
	}
	// a pair fewer links bridged never counts, whichever links a question leaves out; the kept
	// pairs are ordered by their stems, and their stems numbered in that order, so that the
	// lexicon is the same for the same links
	type pair struct {
		key    uint64
		lo, hi string
	}
	var kept []pair
	entries := 0
	for key, n := range counts {
		if n >= minBridges {
			a, b := stems[key>>32], stems[uint32(key)]
			kept = append(kept, pair{key, min(a, b), max(a, b)})
			entries += int(n)
		}
	}
	slices.SortFunc(kept, func(a, b pair) int { return cmp.Or(cmp.Compare(a.lo, b.lo), cmp.Compare(a.hi, b.hi)) })
	lx := &lexicon{bridged: make(map[uint64][]bridging, len(kept)), total: make(map[uint64]contribution, len(kept)),
		partners: map[uint32][]uint32{}, ids: map[string]uint32{}}
	renumber := func(stem string) uint32 {
		id, ok := lx.ids[stem]
		if !ok {
			id = uint32(len(lx.words))
			lx.ids[stem] = id
			lx.words = append(lx.words, words[met[stem]])
		}
		return id
	}
	// each kept pair's links are a stretch of one array, in the order of the links; slot is,
	// per key of the first numbering, where the pair's next link goes
	type slot struct {
		key  uint64 // in the lexicon's numbering
		next int32
	}
	slots := make(map[uint64]*slot, len(kept))
	brs := make([]bridging, entries)
	bySlot := make([]slot, len(kept))
	at := int32(0)
	partnersOf := map[uint32]int{}
	for i, p := range kept {
		a, b := renumber(p.lo), renumber(p.hi)
		k := pairKey(a, b)
		n := counts[p.key]
		bySlot[i] = slot{k, at}
		slots[p.key] = &bySlot[i]
		lx.bridged[k] = brs[at : at+n : at+n]
		at += n
		partnersOf[a]++
		partnersOf[b]++
	}
	for i, t := range taught {
		for _, ta := range onlyA[t.a0:t.a1] {
			for _, tb := range onlyB[t.b0:t.b1] {
				if sl, ok := slots[pairKey(ta, tb)]; ok {
					brs[sl.next] = bridging{link: int32(i), weight: t.weight}
					sl.next++
				}
			}
		}
	}
	// the partners of each stem, and each element's own contributions, are stretches of one
	// array each too, filled in the order of the kept pairs
	partners := make([]uint32, 0, 2*len(kept))
	for id := range uint32(len(lx.words)) {
		n := partnersOf[id]
		lx.partners[id] = partners[len(partners) : len(partners) : len(partners)+n]
		partners = partners[:len(partners)+n]
	}
	// elements are numbered too, for their own contributions
	element := map[string]int32{}
	ends := make([][2]int32, len(links))
	var elements []string
	for i, l := range links {
		for j, id := range [2]string{l.from, l.to} {
			n, ok := element[id]
			if !ok {
				n = int32(len(elements))
				element[id] = n
				elements = append(elements, id)
			}
			ends[i][j] = n
		}
	}
	ownCount := make([]int, len(elements))
	for _, sl := range bySlot {
		a, b := uint32(sl.key>>32), uint32(sl.key)
		lx.partners[a] = append(lx.partners[a], b)
		lx.partners[b] = append(lx.partners[b], a)
		var c contribution
		for _, br := range lx.bridged[sl.key] {
			c = contribution{c.weight + br.weight, c.links + 1}
			ownCount[ends[br.link][0]]++
			ownCount[ends[br.link][1]]++
		}
		lx.total[sl.key] = c
	}
	own := make([]ownContributions, len(elements))
	owns := make([]ownContribution, 0, 2*entries)
	for e, n := range ownCount {
		own[e] = owns[len(owns) : len(owns) : len(owns)+n]
		owns = owns[:len(owns)+n]
	}
	// made in order of the pairs' keys, each element's contributions are in the order they are
	// looked up in
	slices.SortFunc(bySlot, func(a, b slot) int { return cmp.Compare(a.key, b.key) })
	for _, sl := range bySlot {
		for _, br := range lx.bridged[sl.key] {
			for _, e := range ends[br.link] {
				// an element's entries for one pair are made one after another
				if n := len(own[e]); n > 0 && own[e][n-1].key == sl.key {
					own[e][n-1].weight += br.weight
					own[e][n-1].links++
				} else {
					own[e] = append(own[e], ownContribution{sl.key, contribution{br.weight, 1}})
				}
			}
		}
	}
	lx.own = make(map[string]ownContributions, len(elements))
	for e, o := range own {
		if len(o) > 0 {
			lx.own[elements[e]] = slices.Clip(o)
		}
	}
	return lx
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
					if l := lx.madeOf[br.link]; l.from == a && l.to == b || l.from == b && l.to == a {
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
				if l := lx.madeOf[br.link]; l.from != id && l.to != id {
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
