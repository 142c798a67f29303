package analysis

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

// Warming an analyst builds its lexicon, which is then kept across writes that touch neither
// the accepted links nor their ends' names and rebuilt by those that do; kept or rebuilt, it
// is what a fresh build gives.
func TestLexiconIsWarmedAndKeptWhileItsLinksAndNamesAre(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(ctx) })
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(300)); err != nil {
		t.Fatal(err)
	}
	a := New(s)
	taught := func() *lexicon {
		t.Helper()
		lx, err := a.taught(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := buildLexicon(ctx, s, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(lx, fresh) {
			t.Fatal("the lexicon kept is not what a fresh build gives")
		}
		return lx
	}
	apply := func(ops ...kb.Op) {
		t.Helper()
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops}); err != nil {
			t.Fatal(err)
		}
	}
	aligns := func() []kb.Link {
		t.Helper()
		ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(ls)
	}
	before := aligns()
	if !slices.ContainsFunc(before, func(l kb.Link) bool { return l.Relation == kb.AlignContradicts }) {
		t.Fatal("the synthetic corpus has no contradicting alignment, which a lexicon leaves out")
	}
	// serve warms the analyst at start-up: the first comparison must not build the lexicon
	if err := a.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if !a.lexicons.kept {
		t.Fatal("warming the analyst built no lexicon")
	}
	warmed := a.lexicons.value
	first := taught()
	if first != warmed {
		t.Error("the first question after warming built the lexicon again")
	}
	// the embedded store lends its own list of alignments: leaving out the contradicting ones
	// must not rearrange it
	if after := aligns(); !reflect.DeepEqual(after, before) {
		t.Fatal("building a lexicon changed the store's alignments")
	}
	if len(first.madeOf) == 0 || len(first.bridged) == 0 {
		t.Fatalf("the synthetic corpus taught nothing (%d links, %d pairs)", len(first.madeOf), len(first.bridged))
	}
	ends, err := s.Get(ctx, []string{first.madeOf[0].from})
	if err != nil || len(ends) != 1 {
		t.Fatalf("reading %s: %v", first.madeOf[0].from, err)
	}
	end := ends[0]

	apply(kb.Op{Type: kb.OpUpdate, Kind: end.NodeKind(), ID: end.NodeID(), Patch: kb.Props{"description": "a description no lexicon reads"}})
	if taught() != first {
		t.Error("a write to a description rebuilt the lexicon")
	}

	apply(kb.Op{Type: kb.OpUpdate, Kind: end.NodeKind(), ID: end.NodeID(), Patch: kb.Props{"name": "Quixotic zebra bridging"}})
	renamed := taught()
	if renamed == first {
		t.Fatal("renaming an accepted link's end kept the lexicon")
	}

	l := first.madeOf[1]
	apply(kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelAligns, From: l.from, To: l.to}})
	if unlinked := taught(); unlinked == renamed || len(unlinked.madeOf) != len(renamed.madeOf)-1 {
		t.Errorf("unlinking an accepted link: %d links taught, want %d in a new lexicon", len(unlinked.madeOf), len(renamed.madeOf)-1)
	}
}
