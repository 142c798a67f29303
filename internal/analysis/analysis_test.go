package analysis_test

import (
	"context"
	"testing"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

func seeded(t testing.TB) *analysis.Analyst { return analysis.New(seededStore(t)) }

// seededStore is an embedded store holding the seed corpus.
func seededStore(t testing.TB) *memory.Store {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Import(ctx, s, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

// The acceptance example: Gillard's role-modelling finds the youth CMOC 1 mechanism.
func TestSuggestRoleModellingOnSeed(t *testing.T) {
	a := seeded(t)
	got, err := a.Suggest(context.Background(), "gillard-2015.change-model.m.role-modelling", 3)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
		t.Logf("%d %s %.2f %v", i+1, s.Element.NodeID(), s.Score, s.SharedTerms)
		if s.Element.NodeID() == "youth-peer-support-2023.ipt.m.similar-peer-modelling-recovery" {
			return
		}
	}
	t.Fatal("youth CMOC 1 mechanism not in the top 3")
}

func TestDemiRegularityOnSeed(t *testing.T) {
	a := seeded(t)
	d, err := a.DemiRegularities(context.Background(), 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) == 0 {
		t.Fatal("no pattern shared by two studies; the youth paper aligns its modelling and hope with Gillard's")
	}
	if d[0].Mechanism.Key != "gillard-2015.change-model.m.role-modelling" || d[0].Outcome.Key != "gillard-2015.change-model.o.hope-for-recovery" {
		t.Errorf("first demi-regularity %s → %s", d[0].Mechanism.Key, d[0].Outcome.Key)
	}
}
