package analysis

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

func TestNaturalCompare(t *testing.T) {
	codes := []string{"CMOC 10", "CMOC 2", "CMOC 1", "CMOC 02b", "Mechanism 3", "CMOC 1a"}
	sort.Slice(codes, func(i, j int) bool { return naturalCompare(codes[i], codes[j]) < 0 })
	want := []string{"CMOC 1", "CMOC 1a", "CMOC 2", "CMOC 02b", "CMOC 10", "Mechanism 3"}
	if !slices.Equal(codes, want) {
		t.Errorf("sorted %q, want %q", codes, want)
	}
}

func TestClustersAreNamedBySmallestUsedPosition(t *testing.T) {
	c := &corpus{
		elementIDs:  []string{"a", "b", "c", "d", "e", "f", "g"},
		elementKind: []uint8{1, 1, 1, 1, 1, 2, 2}, // five mechanisms, two outcomes
		// c-b, d-e, e-b join; a is joined to c but not used; f and g share a construct
		joins:      [][2]int32{{2, 1}, {3, 4}, {4, 1}, {0, 2}},
		constructs: []*kb.Construct{{ID: "k"}},
	}
	c.instanceOf = newAdjacency(7, [][2]int32{{5, 0}, {6, 0}, {3, 0}})
	used := []bool{false, true, true, true, true, true, true}
	got := c.clusterRoots(used)
	want := []int32{0, 1, 1, 1, 1, 5, 5}
	if !slices.Equal(got, want) {
		t.Errorf("roots %v, want %v (an unused element stays alone; a construct joins one kind only)", got, want)
	}
	used[2] = false // without c, b no longer reaches a; d and e still join b
	if got := c.clusterRoots(used); !slices.Equal(got, []int32{0, 1, 2, 1, 1, 5, 5}) {
		t.Errorf("roots without c: %v", got)
	}
}

func TestAdjacencyKeepsArrivalOrder(t *testing.T) {
	a := newAdjacency(3, [][2]int32{{2, 9}, {0, 4}, {2, 1}})
	if !slices.Equal(a.of(0), []int32{4}) || len(a.of(1)) != 0 || !slices.Equal(a.of(2), []int32{9, 1}) {
		t.Errorf("adjacency %v", a)
	}
}

func TestClipKeepsWords(t *testing.T) {
	if got := clip("peer modelling recovery", 12); got != "peer" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("short", 12); got != "short" {
		t.Errorf("clip = %q", got)
	}
}

func TestFirstKMatchesSorting(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 100, 1000} {
		for _, k := range []int{0, 1, 3, 50, 2000} {
			xs := make([]int, n)
			for i := range xs {
				xs[i] = rng.IntN(40) // many ties
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			want = want[:min(k, n)]
			if got := firstK(xs, k, cmp.Compare[int]); !slices.Equal(got, want) {
				t.Errorf("n=%d k=%d: %v, want %v", n, k, got, want)
			}
		}
	}
}

func TestCanonicalFeedersKeepTheFirstCitedLinkPerCMOC(t *testing.T) {
	cm := func(id string) *kb.CMOC { return &kb.CMOC{ID: id} }
	to := cm("z")
	ctxA, ctxB := &kb.Context{ID: "ctx.a"}, &kb.Context{ID: "ctx.b"}
	got := canonicalFeeders([]ChainLink{
		{From: cm("b"), To: to, Basis: ChainConstruct, Context: ctxA},
		{From: cm("a"), To: to, Basis: ChainAligned, Context: ctxB},
		{From: cm("b"), To: to, Basis: ChainAligned, Context: ctxB},
		{From: cm("a"), To: to, Basis: ChainAligned, Context: ctxA},
		{From: cm("c"), To: to, Basis: ChainConstruct, Context: ctxA},
		{From: cm("c"), To: to, Basis: ChainExplicit},
	})
	var desc []string
	for _, l := range got {
		ctx := ""
		if l.Context != nil {
			ctx = l.Context.NodeID()
		}
		desc = append(desc, l.From.ID+" "+string(l.Basis)+" "+ctx)
	}
	want := []string{"a ALIGNED ctx.a", "b ALIGNED ctx.b", "c EXPLICIT "}
	if !slices.Equal(desc, want) {
		t.Errorf("feeders %q, want %q", desc, want)
	}
}

// The terms of a name, read through an analyzer that remembers stems, are those each of its
// words gives on its own, whatever the name, and remembered they stay the same.
func FuzzNameTerms(f *testing.F) {
	for _, s := range []string{"Role-modelling recovery and living well", "Hope for personal recovery",
		"Café İstanbul ÉTÉ", "the of and", "", "12-step peer  support"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		want := map[string]string{}
		for _, w := range text.Words(name) {
			if ts := text.Terms(w); len(ts) == 1 {
				if _, seen := want[ts[0]]; !seen {
					want[ts[0]] = w
				}
			}
		}
		an, cache := text.NewAnalyzer(), text.NewTermCache(1<<20)
		for _, cache := range []*text.TermCache{nil, cache, cache} { // the last from memory
			if got := nameTerms(cache, an, &kb.Mechanism{Name: name}); !maps.Equal(got, want) {
				t.Fatalf("%q: nameTerms gives %v, its words one by one %v", name, got, want)
			}
		}
	})
}
