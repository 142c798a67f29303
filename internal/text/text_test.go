package text

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
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
