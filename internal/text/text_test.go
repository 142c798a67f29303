package text

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

func TestTermsStemAndDropStopWords(t *testing.T) {
	got := strings.Join(Terms("Role-modelling recovery and living well: the peer models it"), " ")
	if got != "role model recoveri live well peer model" {
		t.Fatalf("got %q", got)
	}
}

func TestBM25RanksTheBetterMatchFirst(t *testing.T) {
	ix := NewIndex()
	ix.Put("a", "Mechanism", "Inspired by a similar peer modelling recovery")
	ix.Put("b", "Mechanism", "Validation of feelings by a peer")
	ix.Put("c", "Outcome", "Hope for recovery")
	ix.Put("d", "Mechanism", "Recovery college courses")
	hits := ix.Search("role-modelling recovery", []string{"Mechanism"}, 10)
	if len(hits) != 2 || hits[0].ID != "a" || hits[1].ID != "d" {
		t.Fatalf("hits: %+v", hits)
	}
	if all := ix.Search("recovery", nil, 0); len(all) != 3 {
		t.Fatalf("without a kind filter: %+v", all)
	}
	ix.Remove("a")
	ix.Put("d", "Mechanism", "nothing relevant")
	if hits := ix.Search("modelling recovery", []string{"Mechanism"}, 10); len(hits) != 0 {
		t.Fatalf("after removal and re-indexing: %+v", hits)
	}
	if ix.Len() != 3 {
		t.Fatalf("len %d", ix.Len())
	}
}

func TestCosine(t *testing.T) {
	c := NewCorpus(map[string]string{
		"x": "peer modelling recovery gives hope",
		"y": "role-modelling recovery",
		"z": "practical support with housing",
	})
	xy, shared := c.Similarity("x", "y"), c.SharedTerms("x", "y")
	xz := c.Similarity("x", "z")
	if xy <= 0.3 || xz != 0 || strings.Join(shared, " ") == "" {
		t.Fatalf("xy=%v (%v) xz=%v", xy, shared, xz)
	}
	if self := c.Similarity("x", "x"); self < 0.999 {
		t.Fatalf("self-similarity %v", self)
	}
}

func TestSnippetCentresOnMatches(t *testing.T) {
	body := strings.Repeat("filler words here ", 20) + "they are there to model hope for children " + strings.Repeat("more filler ", 20)
	s := Snippet(body, "modelling hope", 60)
	if !strings.Contains(s, "model hope") || !strings.HasPrefix(s, "…") || !strings.HasSuffix(s, "…") || len([]rune(s)) > 64 {
		t.Fatalf("snippet %q", s)
	}
	if got := Snippet("short text", "x", 60); got != "short text" {
		t.Fatalf("short: %q", got)
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("they are there to model hope", "hope", 10)
	f.Add("ñandú über café", "cafe", 3)
	f.Fuzz(func(t *testing.T, body, query string, width int) {
		if width < 1 || width > 1000 {
			return
		}
		_ = Snippet(body, query, width)
		_ = Terms(body)
	})
}

// An index that documents were put into, re-put and removed from in any order ranks as one
// built from the documents it holds at the end: removal moves postings around, and no
// document may be lost, duplicated or scored with another's frequencies.
func TestIndexAfterRemovalsRanksAsBuiltFresh(t *testing.T) {
	words := []string{"peer", "hope", "trust", "recovery", "engagement", "stigma", "staff", "group"}
	rng := rand.New(rand.NewPCG(7, 11))
	text := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		return b.String()
	}
	live := map[string]string{}
	ix := NewIndex()
	for range 2000 {
		id := fmt.Sprintf("d%d", rng.IntN(60))
		if rng.IntN(3) == 0 {
			ix.Remove(id)
			delete(live, id)
			continue
		}
		body := text()
		ix.Put(id, []string{"A", "B"}[rng.IntN(2)], body)
		live[id] = body
	}
	fresh := NewIndex()
	for id, body := range live {
		fresh.Put(id, "A", body)
	}
	if ix.Len() != fresh.Len() {
		t.Fatalf("%d documents, want %d", ix.Len(), fresh.Len())
	}
	for _, q := range append(words, "hope trust", "peer peer staff", "group recovery stigma") {
		got, want := ix.Search(q, nil, 0), fresh.Search(q, nil, 0)
		if len(got) != len(want) {
			t.Fatalf("%q: %d hits, want %d", q, len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID || math.Abs(got[i].Score-want[i].Score) > 1e-9 {
				t.Fatalf("%q: hit %d is %+v, want %+v", q, i, got[i], want[i])
			}
		}
	}
}

// A search keeps the best hits, in order (higher score, then smaller id), whatever its limit
// and kinds; searches side by side, and one after another, give the same scores: each borrows
// its scores from the index and must give them back zeroed.
func TestSearchKeepsTheBestInOrder(t *testing.T) {
	words := []string{"peer", "hope", "trust", "recovery", "engagement", "stigma", "staff", "group"}
	rng := rand.New(rand.NewPCG(3, 5))
	ix := NewIndex()
	for d := range 400 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		ix.Put(fmt.Sprintf("d%03d", d), []string{"A", "B", "C"}[rng.IntN(3)], b.String())
	}
	queries := append(words, "hope trust", "peer peer staff", "group recovery stigma")
	type asked struct {
		query string
		kinds []string
		limit int
	}
	var all []asked
	for _, q := range queries {
		for _, kinds := range [][]string{nil, {"B"}, {"A", "C"}, {"none"}} {
			for _, limit := range []int{0, 1, 7, 50, 1000} {
				all = append(all, asked{q, kinds, limit})
			}
		}
	}
	want := map[int][]Hit{}
	for i, a := range all {
		every := ix.Search(a.query, a.kinds, 0)
		if !slices.IsSortedFunc(every, func(x, y Hit) int {
			return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.ID, y.ID))
		}) {
			t.Fatalf("%+v: hits out of order: %v", a, every)
		}
		for _, h := range every {
			if a.kinds != nil && !slices.Contains(a.kinds, h.Kind) {
				t.Fatalf("%+v: a hit of kind %s", a, h.Kind)
			}
		}
		if a.limit > 0 && len(every) > a.limit {
			every = every[:a.limit]
		}
		want[i] = every
	}
	if len(want[0]) == 0 {
		t.Fatal("the first search finds nothing: the test tests nothing")
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i, a := range all {
				if got := ix.Search(a.query, a.kinds, a.limit); !slices.Equal(got, want[i]) {
					t.Errorf("%+v:\n got %v\nwant %v", a, got, want[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

// An analyzer's terms are those of the words words(s) gives, whatever the text: ASCII,
// accents, marks, the dotted capital I.
func FuzzAnalyzerTerms(f *testing.F) {
	for _, s := range []string{"Peer workers' Role-modelling of HOPE", "İstanbul İİ", "Café résumé naïve",
		"e\u0301te\u0301 ÉTÉ", "ΣΟΦΙΑ σοφία", "12 steps, 3rd-sector", "", "日本語のテキスト", "a\u00a0b\u2028c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []string
		for _, w := range words(s) {
			if st, ok := term(w); ok {
				want = append(want, st+"/"+w)
			}
		}
		an := NewAnalyzer()
		for range 2 { // the second time from memory
			var got []string
			an.eachTerm(s, func(st, w string) { got = append(got, st+"/"+w) })
			if !slices.Equal(got, want) {
				t.Fatalf("%q: terms %q, words and term give %q", s, got, want)
			}
		}
	})
}

// The shared words a cache gives are the analyzer's, whatever the texts, counted or remembered.
func FuzzTermCacheSharedTerms(f *testing.F) {
	f.Add("Peer workers role-model HOPE for recovery", "hope is modelled; peers recover, Hope again")
	f.Add("Café résumé İstanbul", "cafe resume istanbul İstanbul CAFÉ")
	f.Add("", "hope")
	f.Add("the of and", "the of and")
	f.Fuzz(func(t *testing.T, x, y string) {
		want := NewAnalyzer().SharedTerms(x, y)
		cache := NewTermCache(1 << 20)
		for _, tc := range []*TermCache{nil, cache, cache} { // the last from memory
			if got := tc.SharedTerms(NewAnalyzer(), x, y); !slices.Equal(got, want) {
				t.Fatalf("SharedTerms(%q, %q) = %q, the analyzer says %q", x, y, got, want)
			}
		}
	})
}

// The corpus as it was written first, with a map per document: the reference the numbered
// corpus must agree with to the bit.
type mapCorpus struct {
	vectors map[string]map[string]float64
	terms   map[string][]string // each document's terms, sorted
	norms   map[string]float64
	// firstWords holds each document's terms in the order they first appear, with the word
	// that first wrote them: what SharedTerms shows, without reading the text again
	firstWords map[string][]stemWord
}

func newMapCorpus(docs map[string]string) *mapCorpus {
	an := NewAnalyzer()
	counts := make(map[string]map[string]int, len(docs))
	df := map[string]int{}
	c := &mapCorpus{vectors: map[string]map[string]float64{}, terms: map[string][]string{}, norms: map[string]float64{}, firstWords: map[string][]stemWord{}}
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
func (c *mapCorpus) Similarity(a, b string) float64 {
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
func (c *mapCorpus) SharedTerms(a, b string) []string {
	vb := c.vectors[b]
	var out []string
	for _, sw := range c.firstWords[a] {
		if _, ok := vb[sw.stem]; ok {
			out = append(out, sw.word)
		}
	}
	return out
}

// TestCorpusAgreesWithMaps compares every pair of random documents through both corpora, and
// through corpora whose texts a TermCache counted: one small enough to forget them now and
// then, so that texts come from it, from counting and from counting again.
func TestCorpusAgreesWithMaps(t *testing.T) {
	cache := NewTermCache(24 << 10)
	hits, clears := 0, 0
	vocabulary := strings.Fields("peer support hope recovery modelling models trust validation being validated " +
		"belonging engagement services staff carers the of and workers lived experience Role-modelling " +
		"acknowledgement empowerment advocacy 12 stigma stigmatised connection connected café")
	rng := rand.New(rand.NewPCG(9, 9))
	var previous map[string]string
	for round := range 20 {
		docs := map[string]string{}
		for d := range 2 + rng.IntN(30) {
			var words []string
			for range rng.IntN(25) {
				words = append(words, vocabulary[rng.IntN(len(vocabulary))])
			}
			docs[fmt.Sprintf("d%d", d)] = strings.Join(words, " ")
		}
		// the documents of the round before come again, as an element's text does in the next
		// comparison of its theory
		for _, id := range sortedTerms(previous)[:min(8, len(previous))] {
			docs["again-"+id] = previous[id]
		}
		previous = maps.Clone(docs)
		for _, text := range docs {
			if cache.get(text) != nil {
				hits++
			}
		}
		held := cache.held
		ref := newMapCorpus(docs)
		for name, ours := range map[string]*Corpus{"NewCorpus": NewCorpus(docs), "TermCache.Corpus": cache.Corpus(docs)} {
			ids := sortedTerms(docs)
			for _, a := range append(ids, "missing") {
				for _, b := range append(ids, "missing") {
					got, want := ours.Similarity(a, b), ref.Similarity(a, b)
					if math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("round %d, %s: Similarity(%s, %s) = %v, the map corpus says %v", round, name, a, b, got, want)
					}
					if got, want := ours.SharedTerms(a, b), ref.SharedTerms(a, b); !slices.Equal(got, want) {
						t.Fatalf("round %d, %s: SharedTerms(%s, %s) = %v, the map corpus says %v", round, name, a, b, got, want)
					}
				}
			}
		}
		if cache.held > cache.limit {
			t.Fatalf("round %d: the cache holds %d bytes, more than its %d", round, cache.held, cache.limit)
		}
		if cache.held < held {
			clears++
		}
	}
	t.Logf("%d texts came from the cache, which was emptied %d times", hits, clears)
	if hits < 50 || clears < 2 {
		t.Fatalf("%d texts came from the cache and it was emptied %d times: the rounds test too little of it", hits, clears)
	}
}

// TestTermCacheRemembersAndForgets: a text is counted once while the cache keeps it, the cache
// forgets everything rather than grow past its size, and it is safe to share.
func TestTermCacheRemembersAndForgets(t *testing.T) {
	cache := NewTermCache(1 << 10)
	text := "peers model hope; hope is modelled by peers"
	cache.Corpus(map[string]string{"a": text})
	first := cache.get(text)
	if first == nil {
		t.Fatal("a counted text was not remembered")
	}
	cache.Corpus(map[string]string{"b": text})
	if cache.get(text) != first {
		t.Fatal("a remembered text was counted again")
	}
	if want := sortedTerms(TermCounts(text)); !slices.Equal(first.terms, want) {
		t.Fatalf("the cache counted terms %v of %q, TermCounts gives %v", first.terms, text, want)
	}
	cache.Corpus(map[string]string{"huge": strings.Repeat("stigma ", 500)})
	if cache.get(strings.Repeat("stigma ", 500)) != nil {
		t.Fatal("a text larger than the cache was kept")
	}
	for i := range 100 {
		cache.Corpus(map[string]string{"x": fmt.Sprintf("text number %d about trust", i)})
		if cache.held > cache.limit {
			t.Fatalf("the cache holds %d bytes, more than its %d", cache.held, cache.limit)
		}
	}
	if cache.get(text) != nil {
		t.Fatal("the cache kept a text through more than its size of others")
	}
	// the analyzer meets "Hope" and "trust" in the long text first; what the cache keeps for
	// the short one must not be slices of the long one, which it would keep alive uncounted
	long, short := strings.Repeat("Hope and trust grow between peers. ", 40), "Hope trust"
	cache.Corpus(map[string]string{"a": long, "b": short})
	inLong := func(s string) bool {
		start, p := uintptr(unsafe.Pointer(unsafe.StringData(long))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= start && p < start+uintptr(len(long))
	}
	for _, sw := range cache.get(short).first {
		if inLong(sw.stem) || inLong(sw.word) {
			t.Fatalf("the cache keeps %q of %q as a slice of another text", sw.word, short)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				c := cache.Corpus(map[string]string{"a": text, "b": fmt.Sprintf("hope %d", (w+i)%7)})
				if s := c.Similarity("a", "b"); s <= 0 || s >= 1 {
					t.Errorf("Similarity = %v, want between 0 and 1: both name hope", s)
					return
				}
			}
		})
	}
	wg.Wait()
}
