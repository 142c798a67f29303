package text

import (
	"math"
)

// Corpus weighs terms by TF-IDF over a fixed set of documents and compares them by cosine:
// a score from 0 (no shared weight) to 1 (the same weighted terms), comparable across pairs,
// which is what a threshold on "similar enough" needs.
type Corpus struct {
	vectors map[string]map[string]float64
	terms   map[string][]string // each document's terms, sorted
	norms   map[string]float64
	// firstWords holds each document's terms in the order they first appear, with the word
	// that first wrote them: what SharedTerms shows, without reading the text again
	firstWords map[string][]stemWord
}

type stemWord struct{ stem, word string }

// NewCorpus weighs the documents (id -> text) against each other.
func NewCorpus(docs map[string]string) *Corpus {
	an := NewAnalyzer()
	counts := make(map[string]map[string]int, len(docs))
	df := map[string]int{}
	c := &Corpus{vectors: map[string]map[string]float64{}, terms: map[string][]string{}, norms: map[string]float64{}, firstWords: map[string][]stemWord{}}
	for id, body := range docs {
		tc := map[string]int{}
		var first []stemWord
		for _, w := range words(body) {
			t, ok := an.term(w)
			if !ok {
				continue
			}
			if tc[t] == 0 {
				first = append(first, stemWord{t, w})
			}
			tc[t]++
		}
		counts[id], c.firstWords[id] = tc, first
		for t := range tc {
			df[t]++
		}
	}
	n := float64(len(docs))
	for id, tc := range counts {
		v := make(map[string]float64, len(tc))
		var norm float64
		c.terms[id] = sortedTerms(tc)
		for _, t := range c.terms[id] {
			f := tc[t]
			// smoothed idf keeps terms every document shares from weighing nothing at all
			w := (1 + math.Log(float64(f))) * math.Log(1+n/float64(df[t]))
			v[t] = w
			norm += w * w
		}
		c.vectors[id] = v
		c.norms[id] = math.Sqrt(norm)
	}
	return c
}

// Similarity is the cosine of two documents of the corpus: 0 when they share no weighted term,
// 1 for the same weighted terms. It sums in term order, so it is exact to the bit
// from run to run.
func (c *Corpus) Similarity(a, b string) float64 {
	if c.norms[a] == 0 || c.norms[b] == 0 {
		return 0
	}
	// walk the shorter document's terms; the product is the same from either side
	if len(c.terms[b]) < len(c.terms[a]) {
		a, b = b, a
	}
	va, vb := c.vectors[a], c.vectors[b]
	var dot float64
	for _, t := range c.terms[a] {
		if w2, ok := vb[t]; ok {
			dot += va[t] * w2
		}
	}
	return dot / (c.norms[a] * c.norms[b])
}

// SharedTerms lists the words two documents of the corpus have in common, matched by stem
// ("modelling" meets "models") and written as they first appear in a, in that order.
func (c *Corpus) SharedTerms(a, b string) []string {
	vb := c.vectors[b]
	var out []string
	for _, sw := range c.firstWords[a] {
		if _, ok := vb[sw.stem]; ok {
			out = append(out, sw.word)
		}
	}
	return out
}
