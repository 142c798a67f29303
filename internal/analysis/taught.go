package analysis

import (
	"cmp"
	"context"
	"fmt"
	"maps"
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

// lexicon is what the accepted alignments (every relation but CONTRADICTS) bridged. Stems
// are numbered (dict): a comparison asks of every pair of its two theories' elements, and
// pairs of small numbers are quick to look up. The numbers are an analyst's own, given in
// the order its lexicons met the stems; what a lexicon answers never depends on them (it
// reads stems in the order of their text), so two processes with the same links answer
// alike. A lexicon is shared by the questions of one revision, asked concurrently: nothing
// in it changes once built, and the next revision's lexicon shares what did not change.
type lexicon struct {
	dict *stemDict
	// madeOf is the accepted links the lexicon was made of, in link order (by their two ends),
	// with their ends' names; records is what each of them bridged
	madeOf  []taughtBy
	records []taughtRecord
	// pairs is, per pair of stems that any link bridged, the links that did, in link order,
	// and how strongly: each link spreads a weight of 1 over the pairs of its two sides'
	// unshared terms
	pairs map[uint64][]bridging
	// total is, per kept pair (one that at least minBridges links bridged: fewer never count,
	// whichever links a question leaves out), its weight and links over every link; own is,
	// per element, what the element's own links gave each kept pair, which a question about
	// the element leaves out
	total map[uint64]contribution
	own   map[string]ownContributions
	// partners lists, per stem, the stems it makes a kept pair with, in order of their text
	partners map[uint32][]uint32
	// words is, per stem met, the word the first link to write it wrote it as (its first
	// side's, if both), and wordFrom that link
	words    map[uint32]string
	wordFrom map[uint32]linkKey
}

// stemDict numbers stems. It only grows, and a grown one is a copy: a lexicon reads the one it
// was built with while the next is built.
type stemDict struct {
	ids   map[string]uint32
	stems []string
}

// dictBuilder numbers stems in a dictionary, copying it once, the first time it must grow,
// unless it is the builder's own.
type dictBuilder struct {
	dict  *stemDict
	owned bool
}

func (b *dictBuilder) number(stem string) uint32 {
	if id, ok := b.dict.ids[stem]; ok {
		return id
	}
	if !b.owned {
		b.dict = &stemDict{ids: maps.Clone(b.dict.ids), stems: slices.Clip(b.dict.stems)}
		if b.dict.ids == nil {
			b.dict.ids = map[string]uint32{}
		}
		b.owned = true
	}
	id := uint32(len(b.dict.stems))
	b.dict.ids[stem] = id
	b.dict.stems = append(b.dict.stems, stem)
	return id
}

// taughtBy is one accepted link as a lexicon reads it.
type taughtBy struct {
	from, to, fromName, toName string
}

func (t taughtBy) key() linkKey { return linkKey{t.from, t.to} }

// linkKey is an alignment's two ends, which order the links.
type linkKey struct{ from, to string }

func (k linkKey) compare(o linkKey) int {
	return cmp.Or(cmp.Compare(k.from, o.from), cmp.Compare(k.to, o.to))
}

// taughtRecord is what one accepted link's names hold: every stem of each, the from side's
// first (nA of them), with the word that wrote it, and the stems of each side that the other
// lacks, whose pairs the link bridges with weight each.
type taughtRecord struct {
	terms        []uint32
	words        []string
	nA           int
	onlyA, onlyB []uint32
	weight       float64
}

// writes is the word the record's names write stem as (the from side's, if both), if they do.
func (r taughtRecord) writes(stem uint32) (string, bool) {
	if i := slices.Index(r.terms, stem); i >= 0 {
		return r.words[i], true
	}
	return "", false
}

// eachPair calls f with the key of every pair the record bridges.
func (r taughtRecord) eachPair(f func(key uint64)) {
	for _, ta := range r.onlyA {
		for _, tb := range r.onlyB {
			f(pairKey(ta, tb))
		}
	}
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

func (b bridging) key() linkKey { return linkKey{b.from, b.to} }

// termSet is the stems of an element's name that the lexicon's kept pairs hold, in order of
// their text, with the words they were written as. Names only: a study's descriptions share
// its house style ("mental health" in one, "children" in another), which every pair of their
// elements would bridge, while names say what the element is.
type termSet struct {
	ids   []uint32
	words []string
}

// has says whether the set holds stem id; a name has few stems.
func (t termSet) has(id uint32) bool { return slices.Contains(t.ids, id) }

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
		id         uint32
		stem, word string
	}
	var ts []term
	for stem, w := range nameTerms(cache, an, n) {
		if id, ok := lx.dict.ids[stem]; ok && len(lx.partners[id]) > 0 {
			ts = append(ts, term{id, stem, w})
		}
	}
	slices.SortFunc(ts, func(a, b term) int { return cmp.Compare(a.stem, b.stem) })
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

// maxDelta is how many changed links a lexicon is updated by, at most, before it is built
// afresh: updating copies the maps of the lexicon before it and redoes each changed link's
// pairs, building reads every link's.
func maxDelta(links int) int { return max(64, links/16) }

// buildLexicon reads the accepted alignments and the elements they join, in two or three store
// calls (see readTaught): rows proportional to the crosswalk, not to the corpus. A lexicon is made of the accepted
// links and their ends' names alone, so where these are what previous (of revision since;
// nil: none) was made of, previous is the answer: most writes touch neither; where a few
// links differ (a reviewer accepted a suggestion, renamed an element), previous is updated by
// them, which gives what building afresh would. Names are split through cache.
func buildLexicon(ctx context.Context, store kb.Store, cache *text.TermCache, previous *lexicon, since uint64) (*lexicon, error) {
	madeOf, err := readTaught(ctx, store, previous, since)
	if err != nil {
		return nil, err
	}
	if previous != nil && !previous.dict.outgrown(len(previous.words)) {
		if lx, ok := previous.update(cache, madeOf); ok {
			return lx, nil
		}
	}
	return teach(cache, madeOf, nil), nil
}

// minDictStems is how many stems a dictionary may hold, whatever the links use.
const minDictStems = 256

// outgrown says whether the dictionary holds many more stems than the inUse of its lexicon's
// links: it keeps every stem its lexicons met, and a server whose reviewers rename elements for
// months would keep the words of every name they ever gave. Building afresh numbers only the
// stems in use.
func (d *stemDict) outgrown(inUse int) bool {
	return len(d.stems) > max(2*inUse, minDictStems)
}

// readTaught reads the accepted alignments, in link order, with their ends' names. Given the
// lexicon of an earlier revision (since) over a store that lists the nodes written since
// (kb.ChangeLog), a link previous was made of keeps the names it read unless a write since
// changed an end: after a reviewer's accept, that is a few names to read instead of one per
// end of every accepted link, most of the time of bringing the lexicon up to date.
func readTaught(ctx context.Context, store kb.Store, previous *lexicon, since uint64) ([]taughtBy, error) {
	all, err := store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
	if err != nil {
		return nil, fmt.Errorf("reading the accepted alignments: %w", err)
	}
	// what a store returns is read-only (the embedded store's is its own cache): the links
	// kept are the lexicon's own, in the store's order, which is link order
	madeOf := make([]taughtBy, 0, len(all))
	for _, l := range all {
		if l.Relation != kb.AlignContradicts {
			madeOf = append(madeOf, taughtBy{from: l.From, to: l.To})
		}
	}
	if len(madeOf) == 0 {
		return nil, nil
	}
	named, err := keepNames(ctx, store, madeOf, previous, since)
	if err != nil {
		return nil, err
	}
	// each end is asked for once, however many links it has (on Neo4j, a row each)
	var ids []string
	names := map[string]string{}
	for i, l := range madeOf {
		if named[i] {
			continue
		}
		for _, id := range [2]string{l.from, l.to} {
			if _, asked := names[id]; !asked {
				names[id] = ""
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return madeOf, nil
	}
	ns, err := store.Get(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("reading the ends of the accepted alignments: %w", err)
	}
	for _, n := range ns {
		names[n.NodeID()] = kb.NameOf(n)
	}
	for i := range madeOf {
		if !named[i] {
			// an end that is not there has no name
			madeOf[i].fromName, madeOf[i].toName = names[madeOf[i].from], names[madeOf[i].to]
		}
	}
	return madeOf, nil
}

// keepNames gives the links (in link order) that previous was made of, and whose ends no write
// since changed, the names previous read, and says which it named; nothing if the store
// cannot list the nodes written since.
func keepNames(ctx context.Context, store kb.Store, links []taughtBy, previous *lexicon, since uint64) ([]bool, error) {
	named := make([]bool, len(links))
	changes, ok := store.(kb.ChangeLog)
	if previous == nil || !ok {
		return named, nil
	}
	ids, ok, err := changes.NodesChangedSince(ctx, since)
	if err != nil {
		return nil, fmt.Errorf("reading which nodes changed: %w", err)
	}
	if !ok {
		return named, nil
	}
	changed := make(map[string]bool, len(ids))
	for _, id := range ids {
		changed[id] = true
	}
	// both lists are in link order, and mostly the same links
	was := previous.madeOf
	j := 0
	for i, l := range links {
		for j < len(was) && was[j].key().compare(l.key()) < 0 {
			j++
		}
		if j == len(was) {
			break
		}
		if was[j].key() == l.key() && !changed[l.from] && !changed[l.to] {
			links[i].fromName, links[i].toName = was[j].fromName, was[j].toName
			named[i] = true
		}
	}
	return named, nil
}

// recordOf splits one link's names into a record, numbering their stems in dict. Its slices
// are appended to into's arrays.
func recordOf(cache *text.TermCache, an *text.Analyzer, l taughtBy, dict *dictBuilder, into *recordArena) taughtRecord {
	t0, w0 := len(into.terms), len(into.words)
	number := func(stem, word string) {
		into.terms, into.words = append(into.terms, dict.number(stem)), append(into.words, word)
	}
	cache.EachDistinctTerm(an, l.fromName, number)
	r := taughtRecord{nA: len(into.terms) - t0}
	cache.EachDistinctTerm(an, l.toName, number)
	if len(into.terms) == t0 {
		return r
	}
	r.terms = into.terms[t0:len(into.terms):len(into.terms)]
	r.words = into.words[w0:len(into.words):len(into.words)]
	termsA, termsB := r.terms[:r.nA], r.terms[r.nA:]
	a0 := len(into.only)
	for _, id := range termsA {
		if !slices.Contains(termsB, id) {
			into.only = append(into.only, id)
		}
	}
	b0 := len(into.only)
	for _, id := range termsB {
		if !slices.Contains(termsA, id) {
			into.only = append(into.only, id)
		}
	}
	if b0 == a0 || len(into.only) == b0 {
		into.only = into.only[:a0]
		return r
	}
	r.onlyA, r.onlyB = into.only[a0:b0:b0], into.only[b0:len(into.only):len(into.only)]
	r.weight = 1 / float64(len(r.onlyA)*len(r.onlyB))
	return r
}

// recordArena holds the slices of many records in a few arrays: a lexicon is built over a heap
// that holds the whole corpus, where every allocation is paid again by the collector.
type recordArena struct {
	terms, only []uint32
	words       []string
}

// teach makes the lexicon of the accepted links afresh, numbering stems in dict (which it
// copies if it must add to it; nil: a new one).
func teach(cache *text.TermCache, links []taughtBy, dict *stemDict) *lexicon {
	lx := &lexicon{madeOf: links, records: make([]taughtRecord, len(links)), words: map[uint32]string{}, wordFrom: map[uint32]linkKey{}}
	an := text.NewAnalyzer()
	arena := &recordArena{}
	numbering := &dictBuilder{dict: dict}
	if dict == nil {
		numbering = &dictBuilder{dict: &stemDict{ids: map[string]uint32{}}, owned: true}
	}
	counts := map[uint64]int32{}
	entries := 0
	for i, l := range links {
		r := recordOf(cache, an, l, numbering, arena)
		lx.records[i] = r
		for j, id := range r.terms {
			if _, ok := lx.words[id]; !ok {
				lx.words[id], lx.wordFrom[id] = r.words[j], l.key()
			}
		}
		r.eachPair(func(key uint64) { counts[key]++ })
		entries += len(r.onlyA) * len(r.onlyB)
	}
	lx.dict = numbering.dict
	// each pair's links are a stretch of one array, in link order; next is, per pair, where
	// its next link goes
	lx.pairs = make(map[uint64][]bridging, len(counts))
	next := make(map[uint64]int32, len(counts))
	brs := make([]bridging, entries)
	at := int32(0)
	for key, n := range counts {
		lx.pairs[key] = brs[at : at+n : at+n]
		next[key] = at
		at += n
	}
	for i, r := range lx.records {
		l := links[i]
		r.eachPair(func(key uint64) {
			brs[next[key]] = bridging{l.from, l.to, r.weight}
			next[key]++
		})
	}
	var kept []uint64
	for key, n := range counts {
		if n >= minBridges {
			kept = append(kept, key)
		}
	}
	slices.Sort(kept)
	lx.total = make(map[uint64]contribution, len(kept))
	partnersOf := map[uint32]int{}
	for _, key := range kept {
		lx.total[key] = sum(lx.pairs[key])
		partnersOf[uint32(key>>32)]++
		partnersOf[uint32(key)]++
	}
	lx.partners = make(map[uint32][]uint32, len(partnersOf))
	partners := make([]uint32, 0, 2*len(kept))
	for id, n := range partnersOf {
		lx.partners[id] = partners[len(partners) : len(partners) : len(partners)+n]
		partners = partners[:len(partners)+n]
	}
	for _, key := range kept {
		a, b := uint32(key>>32), uint32(key)
		lx.partners[a] = append(lx.partners[a], b)
		lx.partners[b] = append(lx.partners[b], a)
	}
	for _, ps := range lx.partners {
		lx.sortByStem(ps)
	}
	lx.own = ownOf(lx.pairs, kept)
	return lx
}

// sum is what the links of one pair give it, added in link order.
func sum(brs []bridging) contribution {
	var c contribution
	for _, br := range brs {
		c = contribution{c.weight + br.weight, c.links + 1}
	}
	return c
}

func (lx *lexicon) sortByStem(ids []uint32) {
	slices.SortFunc(ids, func(a, b uint32) int { return cmp.Compare(lx.dict.stems[a], lx.dict.stems[b]) })
}

// ownOf is, per element of the links of the kept pairs among keys (in order), what its links
// gave each of them, its entries ordered by key.
func ownOf(pairs map[uint64][]bridging, keys []uint64) map[string]ownContributions {
	// the ends are numbered in one pass, which notes each link's two, so that the next finds
	// them by number: tens of thousands of entries, each a lookup by string otherwise
	number := map[string]int32{}
	var ends []string
	var count []int
	var at []int32
	for _, key := range keys {
		if brs := pairs[key]; len(brs) >= minBridges {
			for _, br := range brs {
				for _, end := range [2]string{br.from, br.to} {
					e, ok := number[end]
					if !ok {
						e = int32(len(ends))
						number[end] = e
						ends, count = append(ends, end), append(count, 0)
					}
					count[e]++
					at = append(at, e)
				}
			}
		}
	}
	owns := make([]ownContribution, len(at))
	made := make([]ownContributions, len(ends))
	next := 0
	for e, n := range count {
		made[e] = owns[next : next : next+n]
		next += n
	}
	i := 0
	for _, key := range keys {
		brs := pairs[key]
		if len(brs) < minBridges {
			continue // no longer kept: its entries go
		}
		for _, br := range brs {
			for range 2 {
				e := at[i]
				i++
				own := made[e]
				// an element's entries for one pair are made one after another
				if n := len(own); n > 0 && own[n-1].key == key {
					own[n-1].weight += br.weight
					own[n-1].links++
				} else {
					made[e] = append(own, ownContribution{key, contribution{br.weight, 1}})
				}
			}
		}
	}
	out := make(map[string]ownContributions, len(ends))
	for e, own := range made {
		out[ends[e]] = slices.Clip(own)
	}
	return out
}

// withOwnRedone is before (what each element's links gave each kept pair) with the entries of
// keys made again from pairs, for the elements of their links now and then (was: the pairs
// before); every other entry is shared with before.
func withOwnRedone(before map[string]ownContributions, pairs map[uint64][]bridging, keys []uint64, was map[uint64][]bridging) map[string]ownContributions {
	redone := ownOf(pairs, keys)
	out := maps.Clone(before)
	seen := map[string]bool{}
	for _, key := range keys {
		for _, brs := range [2][]bridging{pairs[key], was[key]} {
			for _, br := range brs {
				for _, end := range [2]string{br.from, br.to} {
					if seen[end] {
						continue
					}
					seen[end] = true
					merged := slices.Clone(redone[end])
					for _, c := range before[end] {
						if _, again := slices.BinarySearch(keys, c.key); !again {
							merged = append(merged, c)
						}
					}
					slices.SortFunc(merged, func(a, b ownContribution) int { return cmp.Compare(a.key, b.key) })
					if len(merged) == 0 {
						delete(out, end)
					} else {
						out[end] = merged
					}
				}
			}
		}
	}
	return out
}

// update is the lexicon of links (in link order), made from lx by the few links that differ,
// or false if too many do and building afresh is quicker. It equals what teach gives over lx's
// dictionary: the test holds the two to it after every kind of write.
func (lx *lexicon) update(cache *text.TermCache, links []taughtBy) (*lexicon, bool) {
	if slices.Equal(lx.madeOf, links) {
		return lx, true
	}
	// the links gone (or renamed) and the links come (or renamed), walking both in link order
	type change struct {
		link   taughtBy
		record taughtRecord
	}
	var gone, come []change
	records := make([]taughtRecord, len(links))
	an := text.NewAnalyzer()
	numbering := &dictBuilder{dict: lx.dict}
	arena := &recordArena{}
	limit := maxDelta(len(links))
	i, j := 0, 0
	for i < len(lx.madeOf) || j < len(links) {
		if len(gone)+len(come) > limit {
			return nil, false
		}
		c := 0
		switch {
		case i == len(lx.madeOf):
			c = 1
		case j == len(links):
			c = -1
		default:
			c = lx.madeOf[i].key().compare(links[j].key())
		}
		switch {
		case c == 0 && lx.madeOf[i] == links[j]:
			records[j] = lx.records[i]
			i, j = i+1, j+1
		case c <= 0:
			gone = append(gone, change{lx.madeOf[i], lx.records[i]})
			i++
			if c == 0 {
				r := recordOf(cache, an, links[j], numbering, arena)
				records[j] = r
				come = append(come, change{links[j], r})
				j++
			}
		default:
			r := recordOf(cache, an, links[j], numbering, arena)
			records[j] = r
			come = append(come, change{links[j], r})
			j++
		}
	}
	next := &lexicon{dict: numbering.dict, madeOf: links, records: records, pairs: maps.Clone(lx.pairs), total: maps.Clone(lx.total),
		partners: maps.Clone(lx.partners), words: maps.Clone(lx.words), wordFrom: maps.Clone(lx.wordFrom)}
	goneKeys := map[linkKey]bool{}
	touched := map[uint64]bool{}
	for _, g := range gone {
		goneKeys[g.link.key()] = true
		g.record.eachPair(func(key uint64) { touched[key] = true })
	}
	added := map[uint64][]bridging{}
	for _, c := range come {
		c.record.eachPair(func(key uint64) {
			touched[key] = true
			added[key] = append(added[key], bridging{c.link.from, c.link.to, c.record.weight})
		})
	}
	// each touched pair's links: those that stay, and those that come, in link order
	var keys []uint64
	was := map[uint64][]bridging{}
	for key := range touched {
		old := lx.pairs[key]
		brs := make([]bridging, 0, len(old)+len(added[key]))
		for _, br := range old {
			if !goneKeys[br.key()] {
				brs = append(brs, br)
			}
		}
		brs = append(brs, added[key]...)
		slices.SortFunc(brs, func(a, b bridging) int { return a.key().compare(b.key()) })
		if len(brs) == 0 {
			delete(next.pairs, key)
		} else {
			next.pairs[key] = brs
		}
		wasKept, isKept := len(old) >= minBridges, len(brs) >= minBridges
		if isKept {
			next.total[key] = sum(brs)
		} else {
			delete(next.total, key)
		}
		if wasKept || isKept {
			keys = append(keys, key)
			was[key] = old
		}
		if wasKept != isKept {
			for _, ends := range [2][2]uint32{{uint32(key >> 32), uint32(key)}, {uint32(key), uint32(key >> 32)}} {
				stem, partner := ends[0], ends[1]
				ps := slices.Clone(next.partners[stem])
				if isKept {
					ps = append(ps, partner)
					next.sortByStem(ps)
				} else {
					ps = slices.DeleteFunc(ps, func(p uint32) bool { return p == partner })
				}
				if len(ps) == 0 {
					delete(next.partners, stem)
				} else {
					next.partners[stem] = ps
				}
			}
		}
	}
	slices.Sort(keys)
	next.own = withOwnRedone(lx.own, next.pairs, keys, was)
	// the word of each stem the changed links write: the first link's to write it
	stems := map[uint32]bool{}
	for _, ch := range [2][]change{gone, come} {
		for _, c := range ch {
			for _, id := range c.record.terms {
				stems[id] = true
			}
		}
	}
	for id := range stems {
		from, had := next.wordFrom[id]
		if !had || goneKeys[from] {
			delete(next.words, id)
			delete(next.wordFrom, id)
			for k, r := range records {
				if w, ok := r.writes(id); ok {
					next.words[id], next.wordFrom[id] = w, links[k].key()
					break
				}
			}
			continue
		}
		for _, c := range come {
			if w, ok := c.record.writes(id); ok && c.link.key().compare(from) < 0 {
				next.words[id], next.wordFrom[id], from = w, c.link.key(), c.link.key()
			}
		}
	}
	return next, true
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
				for _, br := range lx.pairs[key] {
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
			for _, br := range lx.pairs[pairKey(stem, partner)] {
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
		return buildLexicon(ctx, a.store, a.terms, nil, 0)
	}
	return a.lexicons.get(ctx, rs, func(ctx context.Context, previous *lexicon, since uint64) (*lexicon, error) {
		return buildLexicon(ctx, a.store, a.terms, previous, since)
	})
}

// taughtMeanwhile starts finding the lexicon (see taught) and returns what waits for it: a
// question that has reading and counting of its own to do does it while a lexicon that a start
// or a write left unbuilt is built, on the other core. The lexicon is found, and the wait
// returns, even if the question gives up before asking for it.
func (a *Analyst) taughtMeanwhile(ctx context.Context) func() (*lexicon, error) {
	type found struct {
		lx  *lexicon
		err error
	}
	done := make(chan found, 1)
	go func() {
		lx, err := a.taught(ctx)
		done <- found{lx, err}
	}()
	return func() (*lexicon, error) {
		f := <-done
		return f.lx, f.err
	}
}

// revisionCache keeps what was built from the latest revision of a store.
type revisionCache[T any] struct {
	mu       sync.Mutex
	revision uint64
	value    T
	kept     bool
}

// get returns the value of the store's current revision, building it if none is kept; build
// is given the value last kept and the revision it was built from (zero if none), which it may
// return again if what it is built from has not changed. The revision is read before the build and
// after it: a build that a write overlapped (another process's, on Neo4j) answers the question
// that asked but is not kept.
func (cc *revisionCache[T]) get(ctx context.Context, rs kb.Revisioned, build func(ctx context.Context, previous T, since uint64) (T, error)) (T, error) {
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
	v, err := build(ctx, cc.value, cc.revision)
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
