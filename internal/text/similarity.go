package text

import (
	"math"
	"slices"
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
func NewCorpus(docs map[string]string) *Corpus {
	an := NewAnalyzer()
	ids := sortedTerms(docs)
	counts := make([]map[string]int, len(ids))
	c := &Corpus{termNumber: map[string]int32{}, docNumber: make(map[string]int32, len(ids)), docs: make([]weighedDoc, len(ids))}
	df := map[string]int{}
	for i, id := range ids {
		c.docNumber[id] = int32(i)
		tc := map[string]int{}
		var first []stemWord
		an.eachTerm(docs[id], func(t, w string) {
			if tc[t] == 0 {
				first = append(first, stemWord{t, w})
			}
			tc[t]++
		})
		counts[i], c.docs[i].firstWords = tc, first
		for t := range tc {
			df[t]++
		}
	}
	for i, t := range sortedTerms(df) {
		c.termNumber[t] = int32(i)
	}
	n := float64(len(docs))
	for i, tc := range counts {
		d := &c.docs[i]
		terms := sortedTerms(tc)
		d.terms, d.weights = make([]int32, len(terms)), make([]float64, len(terms))
		var norm float64
		for j, t := range terms {
			f := tc[t]
			// smoothed idf keeps terms every document shares from weighing nothing at all
			w := (1 + math.Log(float64(f))) * math.Log(1+n/float64(df[t]))
			d.terms[j], d.weights[j] = c.termNumber[t], w
			norm += w * w
		}
		d.norm = math.Sqrt(norm)
	}
	return c
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
