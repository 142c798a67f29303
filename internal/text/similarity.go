package text

import (
	"math"
	"slices"
	"strings"
	"sync"
)

// Corpus weighs terms by TF-IDF over a fixed set of documents and compares them by cosine:
// a score from 0 (no shared weight) to 1 (the same weighted terms), comparable across pairs,
// which is what a threshold on "similar enough" needs.
//
// Terms are numbered in their sorted order and each document is a list of term numbers with
// their weights, sorted: comparing two documents is one merge of two short lists rather than a
// map lookup per term, and it adds the shared terms in term order, so a score is exact to the
// bit from run to run. A comparison of two theories compares every element with every other.
type Corpus struct {
	termNumber map[string]int32
	docNumber  map[string]int32
	docs       []weighedDoc
}

type weighedDoc struct {
	terms   []int32 // sorted
	weights []float64
	norm    float64
	// firstWords holds the document's terms in the order they first appear, with the word
	// that first wrote them: what SharedTerms shows, without reading the text again
	firstWords []stemWord
}

type stemWord struct{ stem, word string }

// NewCorpus weighs the documents (id -> text) against each other.
func NewCorpus(docs map[string]string) *Corpus { return newCorpus(docs, nil) }

func newCorpus(docs map[string]string, cache *TermCache) *Corpus {
	an := NewAnalyzer()
	ids := sortedTerms(docs)
	counted := make([]*countedText, len(ids))
	c := &Corpus{termNumber: map[string]int32{}, docNumber: make(map[string]int32, len(ids)), docs: make([]weighedDoc, len(ids))}
	df := map[string]int{}
	for i, id := range ids {
		c.docNumber[id] = int32(i)
		ct := cache.counted(an, docs[id])
		counted[i], c.docs[i].firstWords = ct, ct.first
		for _, t := range ct.terms {
			df[t]++
		}
	}
	for i, t := range sortedTerms(df) {
		c.termNumber[t] = int32(i)
	}
	n := float64(len(docs))
	for i, ct := range counted {
		d := &c.docs[i]
		terms := ct.terms
		d.terms, d.weights = make([]int32, len(terms)), make([]float64, len(terms))
		var norm float64
		for j, t := range terms {
			f := ct.counts[j]
			// smoothed idf keeps terms every document shares from weighing nothing at all
			w := (1 + math.Log(float64(f))) * math.Log(1+n/float64(df[t]))
			d.terms[j], d.weights[j] = c.termNumber[t], w
			norm += w * w
		}
		d.norm = math.Sqrt(norm)
	}
	return c
}

// countedText is what a text's words come to: its terms sorted, how often each occurs, and the
// words that first wrote each term, in order. Once counted it is only read.
type countedText struct {
	terms  []string
	counts []int
	first  []stemWord
}

func countTerms(an *Analyzer, s string) *countedText {
	counts := map[string]int{}
	ct := &countedText{}
	an.eachTerm(s, func(t, w string) {
		if counts[t] == 0 {
			// the analyzer's words may be slices of another text it split: kept in a cache,
			// they would keep that text too, uncounted
			ct.first = append(ct.first, stemWord{strings.Clone(t), strings.Clone(w)})
		}
		counts[t]++
	})
	ct.terms = make([]string, len(ct.first))
	for i, sw := range ct.first {
		ct.terms[i] = sw.stem
	}
	slices.Sort(ct.terms)
	ct.counts = make([]int, len(ct.terms))
	for i, t := range ct.terms {
		ct.counts[i] = counts[t]
	}
	return ct
}

// size is about how many bytes ct and the text it was counted from hold.
func (ct *countedText) size(text string) int {
	n := len(text) + 64
	for _, t := range ct.terms {
		// a term, its count and the word that first wrote it
		n += 2*len(t) + 48
	}
	return n
}

// TermCache remembers what texts' words come to, for corpora built again and again from much
// the same texts: a comparison of two theories weighs their elements' texts (each with the
// quotes behind it) on every request, and splitting and stemming them was two fifths of it.
// A text is its own key, so nothing cached can go stale; the cache forgets everything once it
// holds more than its size. It is safe for concurrent use.
type TermCache struct {
	mu    sync.Mutex
	texts map[string]*countedText
	held  int
	limit int
}

// NewTermCache returns a cache that holds about limit bytes at most.
func NewTermCache(limit int) *TermCache {
	return &TermCache{texts: map[string]*countedText{}, limit: limit}
}

// Corpus is NewCorpus, counting each text's words once for as long as the cache keeps it; a
// nil cache counts them every time.
func (tc *TermCache) Corpus(docs map[string]string) *Corpus { return newCorpus(docs, tc) }

// SharedTerms is Analyzer.SharedTerms, counting each text's words once for as long as the cache
// keeps it; an uses its memory for the texts the cache has not seen.
func (tc *TermCache) SharedTerms(an *Analyzer, x, y string) []string {
	cx, cy := tc.counted(an, x), tc.counted(an, y)
	var out []string
	// first holds each of x's terms once, with the word that first wrote it, in order
	for _, sw := range cx.first {
		if _, found := slices.BinarySearch(cy.terms, sw.stem); found {
			out = append(out, sw.word)
		}
	}
	return out
}

// EachDistinctTerm calls f once with each stem of s's terms and the lowered word that first
// wrote it, in the order they first appear, counting s's words once for as long as the cache
// keeps it; an uses its memory for a text the cache has not seen.
func (tc *TermCache) EachDistinctTerm(an *Analyzer, s string, f func(stem, word string)) {
	for _, sw := range tc.counted(an, s).first {
		f(sw.stem, sw.word)
	}
}

// counted is what text's words come to, from the cache or counted by an (and kept).
func (tc *TermCache) counted(an *Analyzer, text string) *countedText {
	if ct := tc.get(text); ct != nil {
		return ct
	}
	ct := countTerms(an, text)
	tc.put(text, ct)
	return ct
}

func (tc *TermCache) get(text string) *countedText {
	if tc == nil {
		return nil
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	return tc.texts[text]
}

func (tc *TermCache) put(text string, ct *countedText) {
	if tc == nil {
		return
	}
	size := ct.size(text)
	if size > tc.limit {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if _, ok := tc.texts[text]; ok {
		return
	}
	if tc.held+size > tc.limit {
		clear(tc.texts)
		tc.held = 0
	}
	tc.texts[text] = ct
	tc.held += size
}

func (c *Corpus) doc(id string) *weighedDoc {
	if i, ok := c.docNumber[id]; ok {
		return &c.docs[i]
	}
	return nil
}

// Similarity is the cosine of two documents of the corpus: 0 when they share no weighted term,
// 1 for the same weighted terms.
func (c *Corpus) Similarity(a, b string) float64 {
	da, db := c.doc(a), c.doc(b)
	if da == nil || db == nil || da.norm == 0 || db.norm == 0 {
		return 0
	}
	var dot float64
	i, j := 0, 0
	for i < len(da.terms) && j < len(db.terms) {
		switch ta, tb := da.terms[i], db.terms[j]; {
		case ta < tb:
			i++
		case ta > tb:
			j++
		default:
			dot += da.weights[i] * db.weights[j]
			i++
			j++
		}
	}
	return dot / (da.norm * db.norm)
}

// SharedTerms lists the words two documents of the corpus have in common, matched by stem
// ("modelling" meets "models") and written as they first appear in a, in that order.
func (c *Corpus) SharedTerms(a, b string) []string {
	da, db := c.doc(a), c.doc(b)
	if da == nil || db == nil {
		return nil
	}
	var out []string
	for _, sw := range da.firstWords {
		if _, found := slices.BinarySearch(db.terms, c.termNumber[sw.stem]); found {
			out = append(out, sw.word)
		}
	}
	return out
}
