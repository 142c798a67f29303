package storetest

import (
	"context"
	"maps"
	"testing"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// OpenReplicas returns two stores over one database, as two API replicas behind a load
// balancer hold them, on an empty graph; the suite closes both.
type OpenReplicas func(t *testing.T) (kb.Store, kb.Store)

// RunReplicas checks that two replicas, each with its own analyst and the index of the corpus
// it keeps between writes, answer alike right after a write through either of them.
func RunReplicas(t *testing.T, open OpenReplicas) {
	ctx := context.Background()
	one, two := open(t)
	t.Cleanup(func() { _ = one.Close(ctx); _ = two.Close(ctx) })
	if _, err := document.Import(ctx, one, "storetest", document.Source{Name: "analysis.yaml", Data: analysisFixture}); err != nil {
		t.Fatalf("loading the analysis fixture: %v", err)
	}
	a1, a2 := analysis.New(one), analysis.New(two)
	counts := func(a *analysis.Analyst) map[string]int {
		t.Helper()
		buckets, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		return bucketCounts(buckets)
	}
	for _, a := range []*analysis.Analyst{a1, a2} {
		if err := a.Warm(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := counts(a2)
	if !maps.Equal(before, counts(a1)) {
		t.Fatalf("the replicas disagree before any write: %v and %v", counts(a1), before)
	}
	align := kb.Link{Type: kb.RelAligns, From: "a.cm.o.engage", To: "b.ipt.o.engage", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs}}
	for i, step := range []struct {
		through kb.Store
		op      kb.OpType
	}{{one, kb.OpLink}, {two, kb.OpUnlink}, {two, kb.OpLink}, {one, kb.OpUnlink}} {
		if _, err := step.through.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: step.op, Link: align}}}); err != nil {
			t.Fatal(err)
		}
		got1, got2 := counts(a1), counts(a2)
		if !maps.Equal(got1, got2) {
			t.Fatalf("write %d (%s): the replicas disagree right after it: %v and %v", i, step.op, got1, got2)
		}
		_, apart := got1["b.ipt.o.engage"]
		if aligned := step.op == kb.OpLink; aligned == apart {
			t.Fatalf("write %d (%s): the answer %v does not follow it (before any write %v)", i, step.op, got1, before)
		}
	}
}
