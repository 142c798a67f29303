package storetest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/synth"
)

// DefaultBenchSizes are the corpus sizes (in CMOCs) the analysis benchmarks run at; set
// CMOGRAPH_BENCH_CMOCS (e.g. "1000,3000,10000,20000") to trace the growth curve more finely.
var DefaultBenchSizes = []int{1_000, 10_000}

func benchSizes(b *testing.B) []int {
	env := os.Getenv("CMOGRAPH_BENCH_CMOCS")
	if env == "" {
		return DefaultBenchSizes
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			b.Fatalf("CMOGRAPH_BENCH_CMOCS: %q is not a size of at least 100 CMOCs", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// OpenEmpty returns an empty store for a benchmark; the benchmark closes it.
type OpenEmpty func(tb testing.TB) kb.Store

// loadSynthetic opens a store and loads the synthetic corpus scaled to size CMOCs into it; the
// benchmark closes it.
func loadSynthetic(b *testing.B, open OpenEmpty, size int) kb.Store {
	ctx := context.Background()
	s := open(b)
	b.Cleanup(func() { _ = s.Close(ctx) })
	start := time.Now()
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(size)); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d CMOCs in %s", size, time.Since(start).Round(time.Millisecond))
	return s
}

// BenchAnalysis loads a synthetic corpus of each size (synth.Default scaled) into a store made
// by open and times the cross-study questions on it. Besides ns/op (a mean) each reports
// ms/median, the figure the targets are set in, since a shared machine's outliers drag a mean.
func BenchAnalysis(b *testing.B, open OpenEmpty) {
	for _, size := range benchSizes(b) {
		b.Run(fmt.Sprintf("cmocs=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s := loadSynthetic(b, open, size)
			a := analysis.New(s)
			t := pickTargets(b, a, s)
			writes := 0
			// each question reports the size of its answer next to its time, so that a time can
			// be read against the work it stands for
			questions := []struct {
				name, unit string
				ask        func() (int, error)
			}{
				{"CompareTheories", "pairs", func() (int, error) {
					c, err := a.Compare(ctx, t.left, t.right, 0)
					if err != nil {
						return 0, err
					}
					return len(c.Contexts.Pairs) + len(c.Mechanisms.Pairs) + len(c.Outcomes.Pairs), nil
				}},
				// a first comparison: an analyst that has remembered nothing yet, as after a start
				{"CompareTheoriesFirst", "pairs", func() (int, error) {
					c, err := analysis.New(s).Compare(ctx, t.left, t.right, 0)
					if err != nil {
						return 0, err
					}
					return len(c.Contexts.Pairs) + len(c.Mechanisms.Pairs) + len(c.Outcomes.Pairs), nil
				}},
				// what a reviewer who has just accepted a suggestion (or undone one) waits for
				// when comparing: the write, then a comparison by an analyst that has answered
				// one before it
				{"AlignThenCompareTheories", "pairs", func() (int, error) {
					op := kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelAligns, From: t.aligned.From, To: t.aligned.To}}
					if aligned, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{t.aligned.From}}); err != nil {
						return 0, err
					} else if !slices.ContainsFunc(aligned, func(l kb.Link) bool { return l.To == t.aligned.To }) {
						op = kb.Op{Type: kb.OpLink, Link: t.aligned}
					}
					if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{op}}); err != nil {
						return 0, err
					}
					c, err := a.Compare(ctx, t.left, t.right, 0)
					if err != nil {
						return 0, err
					}
					return len(c.Contexts.Pairs) + len(c.Mechanisms.Pairs) + len(c.Outcomes.Pairs), nil
				}},
				{"Evidence", "cmocs", func() (int, error) { e, err := a.Evidence(ctx, t.outcome, true); return evidenceSize(e), err }},
				{"EvidenceForConstruct", "cmocs", func() (int, error) { e, err := a.Evidence(ctx, t.construct, true); return evidenceSize(e), err }},
				{"Chains", "chains", func() (int, error) {
					ch, err := a.Chains(ctx, t.chainEnd, analysis.DefaultChainDepth, 0)
					return len(ch), err
				}},
				{"Search", "hits", func() (int, error) {
					hits, err := a.Search(ctx, "hope for recovery through shared lived experience", nil, 20)
					return len(hits), err
				}},
				{"Suggest", "suggestions", func() (int, error) { ss, err := a.Suggest(ctx, t.mechanism, 10); return len(ss), err }},
				{"DashboardByOutcome", "buckets", func() (int, error) {
					bs, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 100)
					return len(bs), err
				}},
				{"DashboardByInformant", "buckets", func() (int, error) {
					bs, err := a.CountCMOCs(ctx, analysis.ByInformant, nil, 100)
					return len(bs), err
				}},
				{"ElementMatrix", "rows", func() (int, error) {
					m, err := a.ElementMatrix(ctx, kb.KindMechanism, nil, 50)
					if err != nil {
						return 0, err
					}
					return len(m.Rows), nil
				}},
				{"Gaps", "gaps", func() (int, error) {
					g, err := a.FindGaps(ctx, nil, 100)
					if err != nil {
						return 0, err
					}
					return g.CMOCsWithoutQuoteCount + g.StaffOnlyCMOCsCount + g.UnlinkedElementsCount, nil
				}},
				{"DemiRegularities", "cmocs", func() (int, error) {
					ds, err := a.DemiRegularities(ctx, 2, 50)
					n := 0
					for _, d := range ds {
						n += len(d.CMOCs)
					}
					return n, err
				}},
				// what a dashboard pays when the graph has just changed: a store that keeps an
				// index of the corpus between writes rebuilds it here
				{"WriteThenDashboardByOutcome", "buckets", func() (int, error) {
					writes++
					patch := kb.Props{"volume": fmt.Sprintf("benchmark write %d", writes)}
					if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: t.study, Patch: patch}}}); err != nil {
						return 0, err
					}
					bs, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 100)
					return len(bs), err
				}},
				{"DashboardForOneStudy", "buckets", func() (int, error) {
					bs, err := a.CountCMOCs(ctx, analysis.ByOutcome, []string{t.study}, 100)
					return len(bs), err
				}},
			}
			for _, q := range questions {
				b.Run(q.name, func(b *testing.B) {
					var took []time.Duration
					size := 0
					for b.Loop() {
						start := time.Now()
						n, err := q.ask()
						if err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(start))
						size = n
					}
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms/median")
					b.ReportMetric(float64(size), q.unit)
				})
			}
		})
	}
}

// targets are the nodes the benchmark asks about: the two largest programme theories, the
// outcome most CMOCs share, a mechanism with alignments, and the outcome explicit chains lead
// to that has the most chains; and an accepted alignment to undo and accept again.
type targets struct {
	left, right, outcome, construct, mechanism, chainEnd, study string
	aligned                                                     kb.Link
}

func pickTargets(b *testing.B, a *analysis.Analyst, s kb.Store) targets {
	ctx := context.Background()
	var t targets
	pts, err := a.CountCMOCs(ctx, analysis.ByProgrammeTheory, nil, 0)
	if err != nil || len(pts) < 2 {
		b.Fatalf("programme theories: %v (%d)", err, len(pts))
	}
	t.left, t.right = pts[0].Key, pts[1].Key
	studies, err := a.CountCMOCs(ctx, analysis.ByStudy, nil, 1)
	if err != nil || len(studies) == 0 {
		b.Fatalf("studies: %v", err)
	}
	t.study = studies[0].Key
	outcomes, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 0)
	if err != nil || len(outcomes) == 0 {
		b.Fatalf("outcomes: %v", err)
	}
	t.outcome = outcomes[0].Cluster.Key
	instances, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelInstanceOf}, All: true})
	if err != nil || len(instances) == 0 {
		b.Fatalf("constructs: %v", err)
	}
	perConstruct := map[string]int{}
	for _, l := range instances {
		perConstruct[l.To]++
		if n := perConstruct[l.To]; n > perConstruct[t.construct] || (n == perConstruct[t.construct] && l.To < t.construct) {
			t.construct = l.To
		}
	}
	aligns, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
	if err != nil {
		b.Fatalf("alignments: %v", err)
	}
	if i := slices.IndexFunc(aligns, func(l kb.Link) bool { return l.Relation != kb.AlignContradicts }); i >= 0 {
		t.aligned = aligns[i]
	} else {
		b.Fatal("the synthetic corpus has no accepted alignment")
	}
	mechanisms, err := a.CountCMOCs(ctx, analysis.ByMechanism, nil, 0)
	if err != nil || len(mechanisms) == 0 {
		b.Fatalf("mechanisms: %v", err)
	}
	t.mechanism = mechanisms[0].Cluster.Key
	chains, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelChainsTo}, All: true})
	if err != nil || len(chains) == 0 {
		b.Fatalf("chains: %v (%d)", err, len(chains))
	}
	// of the outcomes explicit chains lead to (the first 50), the one with the most chains: the
	// same kind of question at every size, and the hardest of its kind
	var ends []string
	for _, l := range chains[:min(50, len(chains))] {
		ends = append(ends, l.To)
	}
	produce, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasOutcome}, IDs: ends})
	if err != nil || len(produce) == 0 {
		b.Fatalf("the outcomes of %v: %v", ends, err)
	}
	most := -1
	for _, l := range produce {
		found, err := a.Chains(ctx, l.To, analysis.DefaultChainDepth, 0)
		if err != nil {
			b.Fatal(err)
		}
		if len(found) > most || (len(found) == most && l.To < t.chainEnd) {
			t.chainEnd, most = l.To, len(found)
		}
	}
	// say how big each answer is, so the timings can be read against the work they stand for
	c, err := a.Compare(ctx, t.left, t.right, 0)
	if err != nil {
		b.Fatal(err)
	}
	e, err := a.Evidence(ctx, t.outcome, true)
	if err != nil {
		b.Fatal(err)
	}
	ec, err := a.Evidence(ctx, t.construct, true)
	if err != nil {
		b.Fatal(err)
	}
	ch, err := a.Chains(ctx, t.chainEnd, analysis.DefaultChainDepth, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("compare %s (%d elements) with %s (%d); evidence for %s: %d CMOCs, %d quotes in %d studies; for %s: %d CMOCs, %d quotes in %d studies; chains to %s: %d",
		t.left, c.Contexts.LeftCount+c.Mechanisms.LeftCount+c.Outcomes.LeftCount, t.right, c.Contexts.RightCount+c.Mechanisms.RightCount+c.Outcomes.RightCount,
		t.outcome, e.CMOCCount, e.QuoteCount, len(e.Studies), t.construct, ec.CMOCCount, ec.QuoteCount, len(ec.Studies), t.chainEnd, len(ch))
	return t
}

func evidenceSize(e *analysis.Evidence) int {
	if e == nil {
		return 0
	}
	return e.CMOCCount
}
