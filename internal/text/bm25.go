package text

import (
	"math"
	"sort"
)

// BM25 parameters as Lucene uses them by default, so the embedded store ranks like Neo4j's
// full-text index does.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Index is an inverted index over documents with a kind, ranked by Okapi BM25. It is not safe
// for concurrent use; its owner guards it.
type Index struct {
	docs     map[string]indexedDoc
	postings map[string]map[string]int // term -> doc id -> term frequency
	totalLen int
}

type indexedDoc struct {
	kind   string
	length int
	terms  map[string]int
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{docs: map[string]indexedDoc{}, postings: map[string]map[string]int{}}
}

// Len is the number of documents.
func (ix *Index) Len() int { return len(ix.docs) }

// Put indexes (or re-indexes) a document.
func (ix *Index) Put(id, kind, body string) {
	ix.Remove(id)
	counts := TermCounts(body)
	if len(counts) == 0 {
		return
	}
	d := indexedDoc{kind: kind, terms: counts}
	for t, c := range counts {
		d.length += c
		p, ok := ix.postings[t]
		if !ok {
			p = map[string]int{}
			ix.postings[t] = p
		}
		p[id] = c
	}
	ix.docs[id] = d
	ix.totalLen += d.length
}

// Remove drops a document.
func (ix *Index) Remove(id string) {
	d, ok := ix.docs[id]
	if !ok {
		return
	}
	for t := range d.terms {
		if p := ix.postings[t]; p != nil {
			delete(p, id)
			if len(p) == 0 {
				delete(ix.postings, t)
			}
		}
	}
	ix.totalLen -= d.length
	delete(ix.docs, id)
}

// Hit is a ranked document.
type Hit struct {
	ID    string
	Kind  string
	Score float64
}

// Search ranks the documents of the given kinds (all when none) against query by BM25 and
// returns the best limit (all when limit <= 0), best first, ties by id.
func (ix *Index) Search(query string, kinds []string, limit int) []Hit {
	if len(ix.docs) == 0 {
		return nil
	}
	allowed := map[string]bool{}
	for _, k := range kinds {
		allowed[k] = true
	}
	n := float64(len(ix.docs))
	avg := float64(ix.totalLen) / n
	scores := map[string]float64{}
	for t, qf := range TermCounts(query) {
		p := ix.postings[t]
		if len(p) == 0 {
			continue
		}
		df := float64(len(p))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for id, tf := range p {
			d := ix.docs[id]
			if len(allowed) > 0 && !allowed[d.kind] {
				continue
			}
			f := float64(tf)
			scores[id] += float64(qf) * idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(d.length)/avg))
		}
	}
	hits := make([]Hit, 0, len(scores))
	for id, s := range scores {
		hits = append(hits, Hit{ID: id, Kind: ix.docs[id].kind, Score: s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}
