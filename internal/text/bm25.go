package text

import (
	"container/heap"
	"math"
	"slices"
	"sync"
)

// BM25 parameters as Lucene uses them by default, so the embedded store ranks like Neo4j's
// full-text index does.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Index is an inverted index over documents with a kind, ranked by Okapi BM25. Documents are
// numbered inside the index so that scoring a query that touches most of a large corpus adds
// into a slice rather than hashing ids. It is not safe for concurrent use; its owner guards it.
type Index struct {
	analyzer *Analyzer
	number   map[string]int32 // document id -> number
	docs     []indexedDoc     // by number; a removed document's slot waits in free
	free     []int32
	kinds    map[string]uint8 // kind -> small number, for filtering without hashing
	kindList []string
	// postings lists, per term, the documents holding it: a slice, since a query walks every
	// document of each of its terms, and walking a map of them cost the suggestion search
	// most of its time
	postings map[string][]posting
	// docKind and docLen repeat each document's kind and length in dense slices: a query
	// reads them for every posting it walks, and reading them from docs, a slice of large
	// structs, missed the cache on most postings (half the suggestion search at 10,000 CMOCs)
	docKind  []uint8
	docLen   []int32
	totalLen int
	live     int
	// scores lends each search a score per document, all zero: searches under a read lock
	// run side by side, and a new slice a search was a megabyte to clear at 10,000 CMOCs
	scores sync.Pool
}

// posting is a document holding a term, with the term's frequency in it.
type posting struct {
	doc, tf int32
}

type indexedDoc struct {
	id     string
	kind   uint8
	length int32
	terms  []string
	at     []int32 // where in terms[i]'s postings the document is
}

// NewIndex returns an empty index.
func NewIndex() *Index {
	return &Index{analyzer: NewAnalyzer(), number: map[string]int32{}, kinds: map[string]uint8{}, postings: map[string][]posting{}}
}

// Len is the number of documents.
func (ix *Index) Len() int { return ix.live }

// Put indexes (or re-indexes) a document.
func (ix *Index) Put(id, kind, body string) {
	ix.Remove(id)
	counts := ix.analyzer.TermCounts(body)
	if len(counts) == 0 {
		return
	}
	k, ok := ix.kinds[kind]
	if !ok {
		k = uint8(len(ix.kindList))
		ix.kinds[kind] = k
		ix.kindList = append(ix.kindList, kind)
	}
	var n int32
	if len(ix.free) > 0 {
		n, ix.free = ix.free[len(ix.free)-1], ix.free[:len(ix.free)-1]
	} else {
		n = int32(len(ix.docs))
		ix.docs = append(ix.docs, indexedDoc{})
		ix.docKind = append(ix.docKind, 0)
		ix.docLen = append(ix.docLen, 0)
	}
	d := indexedDoc{id: id, kind: k, terms: make([]string, 0, len(counts)), at: make([]int32, 0, len(counts))}
	for t, c := range counts {
		d.length += int32(c)
		d.terms = append(d.terms, t)
		d.at = append(d.at, int32(len(ix.postings[t])))
		ix.postings[t] = append(ix.postings[t], posting{doc: n, tf: int32(c)})
	}
	ix.docs[n] = d
	ix.docKind[n], ix.docLen[n] = d.kind, d.length
	ix.number[id] = n
	ix.totalLen += int(d.length)
	ix.live++
}

// Remove drops a document.
func (ix *Index) Remove(id string) {
	n, ok := ix.number[id]
	if !ok {
		return
	}
	d := ix.docs[n]
	for i, t := range d.terms {
		// the last posting of the term takes the removed one's place
		p := ix.postings[t]
		j, last := d.at[i], int32(len(p)-1)
		if j != last {
			moved := p[last]
			p[j] = moved
			md := &ix.docs[moved.doc]
			md.at[slices.Index(md.terms, t)] = j
		}
		if last == 0 {
			delete(ix.postings, t)
		} else {
			ix.postings[t] = p[:last]
		}
	}
	ix.totalLen -= int(d.length)
	ix.live--
	ix.docs[n] = indexedDoc{}
	ix.free = append(ix.free, n)
	delete(ix.number, id)
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
	if ix.live == 0 {
		return nil
	}
	allowed := make([]bool, len(ix.kindList))
	for i := range allowed {
		allowed[i] = len(kinds) == 0
	}
	for _, k := range kinds {
		if n, ok := ix.kinds[k]; ok {
			allowed[n] = true
		}
	}
	n := float64(ix.live)
	avg := float64(ix.totalLen) / n
	scores := ix.lendScores()
	defer ix.returnScores(scores)
	touched := scores.touched
	// terms in a fixed order: float sums depend on their order, and the same search should
	// give the same scores to the last bit
	qfs := TermCounts(query)
	for _, t := range sortedTerms(qfs) {
		p := ix.postings[t]
		if len(p) == 0 {
			continue
		}
		qf := float64(qfs[t])
		df := float64(len(p))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, e := range p {
			doc := e.doc
			if !allowed[ix.docKind[doc]] {
				continue
			}
			f := float64(e.tf)
			if scores.of[doc] == 0 {
				touched = append(touched, doc)
			}
			scores.of[doc] += qf * idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*float64(ix.docLen[doc])/avg))
		}
	}
	scores.touched = touched
	if limit <= 0 || limit > len(touched) {
		limit = len(touched)
	}
	// keep the best limit in a min-heap of document numbers, whose id is read only to settle
	// a tie: a search touches far more documents than it returns
	h := docHeap{docs: slices.Clone(touched[:limit]), scores: scores.of, ix: ix}
	heap.Init(&h)
	for _, doc := range touched[limit:] {
		if h.better(doc, h.docs[0]) {
			h.docs[0] = doc
			heap.Fix(&h, 0)
		}
	}
	slices.SortFunc(h.docs, func(a, b int32) int {
		switch {
		case a == b:
			return 0
		case h.better(a, b):
			return -1
		default:
			return 1 // two documents never tie: their ids differ
		}
	})
	out := make([]Hit, len(h.docs))
	for i, doc := range h.docs {
		out[i] = Hit{ID: ix.docs[doc].id, Kind: ix.kindList[ix.docs[doc].kind], Score: scores.of[doc]}
	}
	return out
}

// searchScores is a score per document and the documents a search touched.
type searchScores struct {
	of      []float64
	touched []int32
}

func (ix *Index) lendScores() *searchScores {
	s, _ := ix.scores.Get().(*searchScores)
	if s == nil {
		s = &searchScores{}
	}
	if len(s.of) < len(ix.docs) {
		s.of = make([]float64, len(ix.docs))
	}
	return s
}

// returnScores zeroes what a search wrote and keeps the slices for the next.
func (ix *Index) returnScores(s *searchScores) {
	for _, doc := range s.touched {
		s.of[doc] = 0
	}
	s.touched = s.touched[:0]
	ix.scores.Put(s)
}

// docHeap is a min-heap of documents by their hits' order: its root is the worst kept.
type docHeap struct {
	docs   []int32
	scores []float64
	ix     *Index
}

// better says whether document a's hit goes before b's: a higher score, then a smaller id.
func (h *docHeap) better(a, b int32) bool {
	if h.scores[a] != h.scores[b] {
		return h.scores[a] > h.scores[b]
	}
	return h.ix.docs[a].id < h.ix.docs[b].id
}

func (h *docHeap) Len() int           { return len(h.docs) }
func (h *docHeap) Less(i, j int) bool { return h.better(h.docs[j], h.docs[i]) }
func (h *docHeap) Swap(i, j int)      { h.docs[i], h.docs[j] = h.docs[j], h.docs[i] }
func (h *docHeap) Push(x any)         { h.docs = append(h.docs, x.(int32)) }
func (h *docHeap) Pop() any {
	x := h.docs[len(h.docs)-1]
	h.docs = h.docs[:len(h.docs)-1]
	return x
}

func sortedTerms[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}
