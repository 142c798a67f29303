package storetest

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

//go:embed testdata/analysis.yaml
var analysisFixture []byte

// analysisTests are the cross-study questions, asked of a store holding three small studies
// (testdata/analysis.yaml).
var analysisTests = []struct {
	name string
	fn   func(t *testing.T, a *analysis.Analyst, s kb.Store)
}{
	{"CrosswalkReadsFromEitherSide", testCrosswalkInverse},
	{"Suggest", testSuggest},
	{"CompareTheories", testCompareTheories},
	{"CompareByConstruct", testCompareByConstruct},
	{"CompareTransitive", testCompareTransitive},
	{"SuggestImplied", testSuggestImplied},
	{"SuggestAcrossKinds", testSuggestAcrossKinds},
	{"SuggestCMOCs", testSuggestCMOCs},
	{"SuggestSharedConstruct", testSuggestSharedConstruct},
	{"SuggestTaughtByAcceptedLinks", testSuggestTaught},
	{"RejectionsAreHonoured", testRejectionsAreHonoured},
	{"Chains", testChains},
	{"ChainsSurviveCycles", testChainsCycle},
	{"ChainsToConstruct", testChainsToConstruct},
	{"Evidence", testEvidence},
	{"EvidenceForConstruct", testEvidenceForConstruct},
	{"EvidenceFollowsAlignments", testEvidenceFollowsAlignments},
	{"DemiRegularities", testDemiRegularities},
	{"SearchSnippets", testSearchSnippets},
	{"CountCMOCs", testCountCMOCs},
	{"ElementMatrix", testElementMatrix},
	{"Gaps", testGaps},
	{"DashboardLimits", testDashboardLimits},
	{"CompareVersions", testCompareVersions},
	{"AnalysisRefusals", testAnalysisRefusals},
	{"DashboardPathsAgree", testDashboardPathsAgree},
	{"ChainPathsAgree", testChainPathsAgree},
	{"ChainsCiteOneLinkPerPair", testChainsCiteOneLinkPerPair},
	{"ScopedClustersJoinWithinScope", testScopedClusters},
	{"AnswersFollowWrites", testAnswersFollowWrites},
	{"QuestionsAlongsideWriters", testQuestionsAlongsideWriters},
}

func runAnalysis(t *testing.T, newStore NewStore) {
	probe := newStore(t)
	_, revisioned := probe.(kb.Revisioned)
	_, tallies := probe.(kb.Tallier)
	_ = probe.Close(context.Background())
	for _, tc := range analysisTests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { _ = s.Close(context.Background()) })
			if _, err := document.Import(context.Background(), s, "storetest", document.Source{Name: "analysis.yaml", Data: analysisFixture}); err != nil {
				t.Fatalf("loading the analysis fixture: %v", err)
			}
			tc.fn(t, analysis.New(s), s)
		})
		// a store that reports its revision gets answers from one shared index of the corpus;
		// ask the same of it through a wrapper that hides the revision, as Neo4j would be asked
		if revisioned {
			t.Run(tc.name+"PerQuestion", func(t *testing.T) {
				s := newStore(t)
				t.Cleanup(func() { _ = s.Close(context.Background()) })
				if _, err := document.Import(context.Background(), s, "storetest", document.Source{Name: "analysis.yaml", Data: analysisFixture}); err != nil {
					t.Fatalf("loading the analysis fixture: %v", err)
				}
				tc.fn(t, analysis.New(withoutRevision{s}), withoutRevision{s})
			})
		}
		// a store that counts where the corpus lives (kb.Tallier) answers the whole-corpus
		// questions its own way; over one that does not, run the same questions through the
		// reference Tallier, so that the analyst's side of that path meets every expectation
		if !tallies {
			t.Run(tc.name+"Tallied", func(t *testing.T) {
				s := WithTallier(newStore(t))
				t.Cleanup(func() { _ = s.Close(context.Background()) })
				if _, err := document.Import(context.Background(), s, "storetest", document.Source{Name: "analysis.yaml", Data: analysisFixture}); err != nil {
					t.Fatalf("loading the analysis fixture: %v", err)
				}
				tc.fn(t, analysis.New(s), s)
			})
		}
	}
}

// withoutRevision hides a store's revision, so questions read the store afresh each time.
type withoutRevision struct{ kb.Store }

func nodeIDs[N kb.Node](nodes []N) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.NodeID()
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

func testCrosswalkInverse(t *testing.T, _ *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	// recorded as b NARROWER a: read from a's side it is a BROADER b
	in, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{"a.cm.m.role"}, In: true})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range in {
		if l.From == "b.ipt.m.modelling" {
			found = true
			if l.Relation != kb.AlignNarrower || l.Relation.Inverse() != kb.AlignBroader {
				t.Errorf("relation %s (inverse %s), want NARROWER (inverse BROADER)", l.Relation, l.Relation.Inverse())
			}
		}
	}
	if !found {
		t.Fatalf("no ALIGNS from b.ipt.m.modelling reaches a.cm.m.role: %+v", in)
	}
	// an outcome may align with a context of another study, and be RELATED to a mechanism (it
	// acts in that configuration's mechanism), never the SAME_AS one
	_, err = s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "a.cm.o.engage", To: "b.ipt.m.validation", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs}}}}})
	if !errors.Is(err, kb.ErrInvalid) {
		t.Errorf("an outcome the same as a mechanism: %v, want invalid", err)
	}
	if _, err = s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: "a.cm.o.engage", To: "b.ipt.m.validation", LinkProps: kb.LinkProps{Relation: kb.AlignRelated}}}}}); err != nil {
		t.Errorf("an outcome related to a mechanism: %v", err)
	}
}

func testSuggest(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.Suggest(context.Background(), "a.cm.m.role", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no suggestions for a.cm.m.role")
	}
	top := map[string]analysis.Suggestion{}
	for _, s := range got {
		top[s.Element.NodeID()] = s
		if s.StudyID == "a" {
			t.Errorf("suggested %s of the element's own study", s.Element.NodeID())
		}
		if s.Element.NodeKind() != kb.KindMechanism {
			t.Errorf("suggested a %s for a mechanism", s.Element.NodeKind())
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].Score > got[i-1].Score {
			t.Errorf("suggestions out of order: %v", got)
		}
	}
	s, ok := top["b.ipt.m.modelling"]
	if !ok {
		t.Fatalf("b.ipt.m.modelling (peer modelling recovery) not in the top 3: %v", nodeIDs(nodesOf(got)))
	}
	if !slices.Contains(s.SharedTerms, "recovery") || s.Aligned != kb.AlignBroader || s.Score <= 0 {
		t.Errorf("b.ipt.m.modelling: shared %q, aligned %q, score %g; want recovery among shared terms, BROADER (read from a's side), a positive score", s.SharedTerms, s.Aligned, s.Score)
	}
}

func nodesOf(ss []analysis.Suggestion) []kb.Node {
	out := make([]kb.Node, len(ss))
	for i, s := range ss {
		out[i] = s.Element
	}
	return out
}

func testCompareTheories(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	c, err := a.Compare(context.Background(), "a.cm", "b.ipt", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if c.Left.ID != "a.cm" || c.Right.ID != "b.ipt" {
		t.Fatalf("compared %s with %s", c.Left.ID, c.Right.ID)
	}
	m := c.Mechanisms
	if m.LeftCount != 2 || m.RightCount != 2 {
		t.Errorf("mechanism counts %d/%d, want 2/2", m.LeftCount, m.RightCount)
	}
	var explicit []analysis.Pair
	for _, p := range m.Pairs {
		if p.Basis == analysis.BasisExplicit {
			explicit = append(explicit, p)
		}
	}
	if len(explicit) != 2 {
		t.Fatalf("explicit mechanism pairs %+v, want role~modelling and trust~validation", m.Pairs)
	}
	if explicit[0].Left.NodeID() != "a.cm.m.role" && explicit[1].Left.NodeID() != "a.cm.m.role" {
		t.Errorf("role-modelling not paired: %+v", explicit)
	}
	for _, p := range explicit {
		switch p.Left.NodeID() {
		case "a.cm.m.role":
			if p.Right.NodeID() != "b.ipt.m.modelling" || p.Relation != kb.AlignBroader || p.Confidence == nil || *p.Confidence != 0.8 {
				t.Errorf("role-modelling pair %s %s conf %v, want b.ipt.m.modelling BROADER 0.8", p.Right.NodeID(), p.Relation, p.Confidence)
			}
		case "a.cm.m.trust":
			if p.Relation != kb.AlignContradicts {
				t.Errorf("trust pair relation %s, want CONTRADICTS", p.Relation)
			}
		}
	}
	o := c.Outcomes
	if len(o.Pairs) == 0 || o.Pairs[0].Basis != analysis.BasisExplicit || o.Pairs[0].Left.NodeID() != "a.cm.o.hope" || o.Pairs[0].Right.NodeID() != "b.ipt.o.hope" || o.Pairs[0].Relation != kb.AlignSameAs {
		t.Fatalf("outcome pairs %+v, want hope SAME_AS hope first", o.Pairs)
	}
	suggested := false
	for _, p := range o.Pairs {
		if p.Basis == analysis.BasisSuggestion && p.Left.NodeID() == "a.cm.o.engage" && p.Right.NodeID() == "b.ipt.o.engage" {
			suggested = true
			if p.Score < 0.2 || !slices.Contains(p.SharedTerms, "engagement") {
				t.Errorf("engagement suggestion score %g terms %q", p.Score, p.SharedTerms)
			}
		}
	}
	if !suggested {
		t.Errorf("engagement outcomes not suggested as a pair: %+v", o.Pairs)
	}
	sameIDs(t, "outcomes only on the right", nodeIDs(o.RightOnly), []string{"b.ipt.o.confidence"})
	if o.LeftCount != 2 || o.RightCount != 3 || o.PairedLeft != 2 || o.PairedRight != 2 || len(o.LeftOnly) != 0 {
		t.Errorf("outcome counts left %d right %d paired %d/%d leftOnly %d", o.LeftCount, o.RightCount, o.PairedLeft, o.PairedRight, len(o.LeftOnly))
	}
	if c.Contexts.LeftCount != 1 || c.Contexts.RightCount != 2 {
		t.Errorf("context counts %d/%d, want 1/2", c.Contexts.LeftCount, c.Contexts.RightCount)
	}
}

func testCompareByConstruct(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	c, err := a.Compare(context.Background(), "b.ipt", "c.pt", 0.99)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Outcomes.Pairs {
		got = append(got, string(p.Basis)+" "+p.Left.NodeID()+" "+p.Right.NodeID())
		if p.Basis == analysis.BasisConstruct && (p.Construct == nil || p.Construct.ID != "chime.hope") {
			t.Errorf("construct pair without its construct: %+v", p)
		}
	}
	sameIDs(t, "outcome pairs", got, []string{"CONSTRUCT b.ipt.o.hope c.pt.o.optimism"})
}

// testSuggestImplied: b's modelling is NARROWER than a's role-modelling, which c's is the
// SAME_AS: c's comes first among b's suggestions, with the path that implies it.
func testSuggestImplied(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.Suggest(context.Background(), "b.ipt.m.modelling", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Element.NodeID() != "c.pt.m.role" || !slices.Equal(got[0].Path, []string{"b.ipt.m.modelling", "a.cm.m.role", "c.pt.m.role"}) {
		t.Fatalf("first suggestion %+v, want c.pt.m.role through a.cm.m.role", got)
	}
	if got[0].TextScore >= got[0].Score {
		t.Errorf("an implied pair's score %g does not rank above its words' %g", got[0].Score, got[0].TextScore)
	}
}

// testSuggestAcrossKinds: a's hope outcome finds b's hopeful context, where the youth theory
// starts; a mechanism has no counterparts among contexts.
func testSuggestAcrossKinds(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	got, err := a.SuggestAcross(ctx, "a.cm.o.hope", []kb.Kind{kb.KindContext, kb.KindMechanism}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Element.NodeID() != "b.ipt.c.hopeful" {
		t.Fatalf("first suggestion %v, want b.ipt.c.hopeful", nodesOf(got))
	}
	for _, s := range got {
		if k := s.Element.NodeKind(); k != kb.KindContext && k != kb.KindMechanism {
			t.Errorf("a %s among contexts and mechanisms: %s", k, s.Element.NodeID())
		}
	}
	_, err = a.SuggestAcross(ctx, "a.cm.m.role", []kb.Kind{kb.KindContext}, 5)
	if !errors.Is(err, kb.ErrInvalid) || !strings.Contains(err.Error(), "kinds[0]") {
		t.Errorf("a mechanism's counterparts among contexts: %v, want invalid kinds[0]", err)
	}
}

// testSuggestCMOCs: b's CMOC 1 (matched peers model recovery, bringing hope) finds the
// role-modelling-to-hope configurations of a and c first, part by part.
func testSuggestCMOCs(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.SuggestCMOCs(context.Background(), "b.ipt.1", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 2 {
		t.Fatalf("%d suggestions", len(got))
	}
	var top []string
	for _, s := range got[:2] {
		top = append(top, s.CMOC.ID)
		if s.StudyID == "b" {
			t.Errorf("a suggestion from the asked CMOC's own study: %s", s.CMOC.ID)
		}
	}
	slices.Sort(top)
	sameIDs(t, "the two first", top, []string{"a.cm.1", "c.pt.1"})
	for _, s := range got {
		if s.CMOC.ID != "a.cm.1" {
			continue
		}
		var parts []string
		for _, m := range s.Matches {
			parts = append(parts, m.Asked.NodeID()+"~"+m.Candidate.NodeID())
		}
		sameIDs(t, "a.cm.1's matched parts", parts, []string{"b.ipt.c.matched~a.cm.c.shared", "b.ipt.m.modelling~a.cm.m.role", "b.ipt.o.hope~a.cm.o.hope"})
		if !slices.Equal(s.SharedActors, []kb.Actor{kb.ActorServiceUser}) {
			t.Errorf("shared actors %v", s.SharedActors)
		}
	}
	if _, err := a.SuggestCMOCs(context.Background(), "b.ipt.o.hope", 5); !errors.Is(err, kb.ErrInvalid) {
		t.Errorf("an outcome asked as a CMOC: %v", err)
	}
}

// testRejectionsAreHonoured: a pair a reviewer rejected (REJECTS, recorded either way round) is
// never suggested or implied again; taking the rejection back restores it.
func testRejectionsAreHonoured(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	has := func(ss []analysis.Suggestion, id string) bool {
		return slices.ContainsFunc(ss, func(x analysis.Suggestion) bool { return x.Element.NodeID() == id })
	}
	transitive := func() bool {
		c, err := a.Compare(ctx, "b.ipt", "c.pt", 0.99)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(c.Mechanisms.Pairs, func(p analysis.Pair) bool { return p.Basis == analysis.BasisTransitive })
	}
	before, err := a.Suggest(ctx, "b.ipt.m.modelling", analysis.MaxSuggestions)
	if err != nil {
		t.Fatal(err)
	}
	if !has(before, "c.pt.m.role") || !transitive() {
		t.Fatalf("c's role-modelling is not offered before the rejection: %v", nodesOf(before))
	}
	reject := kb.Link{Type: kb.RelRejects, From: "c.pt.m.role", To: "b.ipt.m.modelling", LinkProps: kb.LinkProps{Rationale: "peer modelling is not professional role-modelling", Reviewer: "kg"}}
	if _, err := s.Apply(ctx, kb.Change{Actor: "kg", Ops: []kb.Op{{Type: kb.OpLink, Link: reject}}}); err != nil {
		t.Fatal(err)
	}
	after, err := a.Suggest(ctx, "b.ipt.m.modelling", analysis.MaxSuggestions)
	if err != nil {
		t.Fatal(err)
	}
	if has(after, "c.pt.m.role") || transitive() {
		t.Errorf("a rejected pair is still offered: %v", nodesOf(after))
	}
	if _, err := s.Apply(ctx, kb.Change{Actor: "kg", Ops: []kb.Op{{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelRejects, From: reject.From, To: reject.To}}}}); err != nil {
		t.Fatal(err)
	}
	if again, err := a.Suggest(ctx, "b.ipt.m.modelling", analysis.MaxSuggestions); err != nil || !has(again, "c.pt.m.role") {
		t.Errorf("the pair is not offered once the rejection is taken back: %v %v", nodesOf(again), err)
	}
	_, err = s.Apply(ctx, kb.Change{Actor: "kg", Ops: []kb.Op{{Type: kb.OpLink, Link: kb.Link{Type: kb.RelRejects, From: "b.ipt.m.modelling", To: "b.ipt.m.validation"}}}})
	if !errors.Is(err, kb.ErrInvalid) {
		t.Errorf("a rejection within one theory: %v, want invalid", err)
	}
}

// testSuggestSharedConstruct: b's hope and c's optimism are both CHIME hope; the suggestion
// says so.
func testSuggestSharedConstruct(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.Suggest(context.Background(), "b.ipt.o.hope", analysis.MaxSuggestions)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range got {
		if s.Element.NodeID() == "c.pt.o.optimism" {
			if !slices.Equal(s.Reasons.SharedConstructs, []string{"chime.hope"}) || s.Score <= s.TextScore {
				t.Errorf("c's optimism: constructs %v, score %g over words %g", s.Reasons.SharedConstructs, s.Score, s.TextScore)
			}
			return
		}
	}
	t.Errorf("c's optimism is not among b's hope's suggestions: %v", nodesOf(got))
}

// testCompareTransitive: b's modelling is NARROWER than a's role-modelling, which c's is the
// SAME_AS; comparing b with c pairs the two through a's, with the path.
func testCompareTransitive(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	c, err := a.Compare(context.Background(), "b.ipt", "c.pt", 0.99)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Mechanisms.Pairs {
		got = append(got, fmt.Sprintf("%s %s %s %v", p.Basis, p.Left.NodeID(), p.Right.NodeID(), p.Path))
	}
	sameIDs(t, "mechanism pairs", got, []string{"TRANSITIVE b.ipt.m.modelling c.pt.m.role [b.ipt.m.modelling a.cm.m.role c.pt.m.role]"})
}

func chainIDs(cs []analysis.Chain) []string {
	var out []string
	for _, c := range cs {
		var parts []string
		for i, m := range c.CMOCs {
			if i > 0 {
				parts = append(parts, string(c.Links[i-1].Basis))
			}
			parts = append(parts, m.ID)
		}
		out = append(out, strings.Join(parts, " > "))
	}
	return out
}

func testChains(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	// b.ipt.2 produces engagement; a.cm.1's hope is aligned with b.ipt.2's context
	got, err := a.Chains(ctx, "b.ipt.o.engage", 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "chains to b.ipt.o.engage", chainIDs(got), []string{"a.cm.1 > ALIGNED > b.ipt.2"})
	l := got[0].Links[0]
	if l.Outcome == nil || l.Outcome.NodeID() != "a.cm.o.hope" || l.Context == nil || l.Context.NodeID() != "b.ipt.c.hopeful" {
		t.Errorf("chain link meets at %v / %v, want a.cm.o.hope / b.ipt.c.hopeful", l.Outcome, l.Context)
	}
	// the explicit link: b.ipt.1 CHAINS_TO b.ipt.3
	got, err = a.Chains(ctx, "b.ipt.o.confidence", 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "chains to b.ipt.o.confidence", chainIDs(got), []string{"b.ipt.1 > EXPLICIT > b.ipt.3"})
	if got[0].Links[0].Rationale != "hope builds confidence" {
		t.Errorf("rationale %q", got[0].Links[0].Rationale)
	}
	// depth 1 stops at one link
	got, err = a.Chains(ctx, "c.pt.o.network", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		if len(c.Links) > 1 {
			t.Errorf("chain longer than depth 1: %v", chainIDs(got))
		}
	}
}

func testChainsCycle(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	// c.pt.2 chains to c.pt.1 explicitly, and c.pt.1's optimism (CHIME hope) is c.pt.2's
	// context: a cycle, which must end the walk, not loop it
	got, err := a.Chains(context.Background(), "c.pt.o.network", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		seen := map[string]bool{}
		for _, m := range c.CMOCs {
			if seen[m.ID] {
				t.Errorf("chain visits %s twice: %v", m.ID, chainIDs([]analysis.Chain{c}))
			}
			seen[m.ID] = true
		}
		if last := c.CMOCs[len(c.CMOCs)-1].ID; last != "c.pt.2" {
			t.Errorf("chain to c.pt.o.network ends at %s", last)
		}
	}
	sameIDs(t, "chains to c.pt.o.network", chainIDs(got), []string{
		"b.ipt.1 > CONSTRUCT > c.pt.2",
		"c.pt.1 > CONSTRUCT > c.pt.2",
	})
}

func testChainsToConstruct(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.Chains(context.Background(), "chime.hope", 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	// outcomes that are CHIME hope: b.ipt.o.hope (b.ipt.1) and c.pt.o.optimism (c.pt.1)
	sameIDs(t, "chains to chime.hope", chainIDs(got), []string{
		"b.ipt.1 > CONSTRUCT > c.pt.2 > EXPLICIT > c.pt.1",
	})
}

func testEvidence(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	e, err := a.Evidence(context.Background(), "a.cm.o.hope", true)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "matched", nodeIDs(e.Matched), []string{"a.cm.o.hope", "b.ipt.c.hopeful", "b.ipt.o.hope"})
	if len(e.Studies) != 2 || e.Studies[0].Study.ID != "a" || e.Studies[1].Study.ID != "b" {
		t.Fatalf("studies %+v, want a then b (by year)", e.Studies)
	}
	b := e.Studies[1]
	var cmocs []string
	for _, c := range b.CMOCs {
		cmocs = append(cmocs, c.CMOC.ID)
	}
	sameIDs(t, "b's CMOCs", cmocs, []string{"b.ipt.1", "b.ipt.2"})
	one := b.CMOCs[0]
	if len(one.Supporting) != 1 || one.Supporting[0].Quote.ID != "b.q.1" || len(one.Refuting) != 1 || one.Refuting[0].Quote.ID != "b.q.2" {
		t.Errorf("b.ipt.1 supporting %v refuting %v", one.Supporting, one.Refuting)
	}
	if one.Refuting[0].Quote.Participant != "C1" {
		t.Errorf("refuting quote participant %q", one.Refuting[0].Quote.Participant)
	}
	sameIDs(t, "via", nodeIDs(one.Via), []string{"b.ipt.o.hope"})
	if !slices.Equal(b.Informants, []kb.Informant{kb.InformantCarers, kb.InformantServiceUsers, kb.InformantStaff}) || b.Population != kb.PopulationYoungPeople {
		t.Errorf("b informants %v population %s", b.Informants, b.Population)
	}
	if e.CMOCCount != 3 || e.QuoteCount != 4 {
		t.Errorf("counts %d CMOCs %d quotes, want 3 and 4", e.CMOCCount, e.QuoteCount)
	}
	// without alignments only the outcome's own CMOCs
	e, err = a.Evidence(context.Background(), "a.cm.o.hope", false)
	if err != nil {
		t.Fatal(err)
	}
	if e.CMOCCount != 1 || len(e.Studies) != 1 {
		t.Errorf("unaligned evidence %d CMOCs in %d studies, want 1 in 1", e.CMOCCount, len(e.Studies))
	}
}

func testEvidenceForConstruct(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	e, err := a.Evidence(context.Background(), "chime.hope", false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range e.Studies {
		for _, c := range s.CMOCs {
			got = append(got, c.CMOC.ID)
		}
	}
	// the instances' CMOCs, and those of what they are aligned with: a's hope is the same as
	// b's, and the same as b's hopeful context
	sameIDs(t, "CMOCs involving CHIME hope", got, []string{"a.cm.1", "c.pt.1", "c.pt.2", "b.ipt.1", "b.ipt.2"})
	var paths []string
	for _, m := range e.Matches {
		paths = append(paths, fmt.Sprintf("%d %s %v", m.Hops, m.Relation, m.Path))
	}
	sameIDs(t, "paths", paths, []string{"0  [b.ipt.o.hope]", "0  [c.pt.c.optimistic]", "0  [c.pt.o.optimism]",
		"1 SAME_AS [b.ipt.o.hope a.cm.o.hope]", "2 SAME_AS [b.ipt.o.hope a.cm.o.hope b.ipt.c.hopeful]"})
}

// testEvidenceFollowsAlignments: b's modelling is NARROWER than a's role-modelling, which c's
// is the SAME_AS; evidence for b's follows both hops, and says how.
func testEvidenceFollowsAlignments(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	e, err := a.Evidence(context.Background(), "b.ipt.m.modelling", true)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, m := range e.Matches {
		paths = append(paths, fmt.Sprintf("%d %s %v", m.Hops, m.Relation, m.Path))
	}
	sameIDs(t, "paths", paths, []string{"0  [b.ipt.m.modelling]", "1 NARROWER [b.ipt.m.modelling a.cm.m.role]",
		"2 SAME_AS [b.ipt.m.modelling a.cm.m.role c.pt.m.role]"})
	var studies []string
	for _, s := range e.Studies {
		studies = append(studies, s.Study.ID)
	}
	sameIDs(t, "studies (oldest first)", studies, []string{"a", "c", "b"})
}

func testDemiRegularities(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.DemiRegularities(context.Background(), 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d demi-regularities in 3 studies, want 1 (role-modelling → hope): %+v", len(got), got)
	}
	d := got[0]
	sameIDs(t, "studies", nodeIDs(d.Studies), []string{"a", "c", "b"})
	sameIDs(t, "CMOCs", nodeIDs(d.CMOCs), []string{"a.cm.1", "b.ipt.1", "c.pt.1"})
	sameIDs(t, "mechanisms", nodeIDs(d.Mechanism.Elements), []string{"a.cm.m.role", "b.ipt.m.modelling", "c.pt.m.role"})
	sameIDs(t, "outcomes", nodeIDs(d.Outcome.Elements), []string{"a.cm.o.hope", "b.ipt.o.hope", "c.pt.o.optimism"})
	if d.Outcome.Label != "Hope and optimism about the future" {
		t.Errorf("outcome cluster label %q, want the construct's name", d.Outcome.Label)
	}
	two, err := a.DemiRegularities(context.Background(), 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 1 {
		t.Errorf("%d demi-regularities in 2 studies, want 1", len(two))
	}
	one, err := a.DemiRegularities(context.Background(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(one) <= 1 || len(one[0].Studies) != 3 {
		t.Errorf("demi-regularities in 1 study: %d, first in %d studies", len(one), len(one[0].Studies))
	}
}

func testSearchSnippets(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	got, err := a.Search(context.Background(), "optimistic mentor exams", nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Node.NodeID() != "c.q.1" {
		t.Fatalf("search hits %v, want c.q.1 first", got)
	}
	if !strings.Contains(got[0].Snippet, "mentor") || got[0].Score <= 0 {
		t.Errorf("snippet %q score %g", got[0].Snippet, got[0].Score)
	}
	got, err = a.Search(context.Background(), "hope", []kb.Kind{kb.KindOutcome}, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range got {
		if h.Node.NodeKind() != kb.KindOutcome {
			t.Errorf("outcome search returned a %s", h.Node.NodeKind())
		}
	}
	if len(got) < 3 {
		t.Errorf("%d outcomes mention hope, want at least 3", len(got))
	}
}

func bucketCounts(bs []analysis.Bucket) map[string]int {
	out := map[string]int{}
	for _, b := range bs {
		out[b.Key] = b.Count
	}
	return out
}

func testCountCMOCs(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	byStudy, err := a.CountCMOCs(ctx, analysis.ByStudy, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketCounts(byStudy); got["a"] != 2 || got["b"] != 6 || got["c"] != 2 || len(got) != 3 {
		t.Errorf("by study %v", got)
	}
	if byStudy[0].Key != "b" || byStudy[0].Label != "Youth peer support" {
		t.Errorf("first bucket %+v, want b labelled by title", byStudy[0])
	}
	byOutcome, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	first := byOutcome[0]
	if first.Key != "a.cm.o.hope" || first.Count != 3 || first.StudyCount != 3 || first.Cluster == nil || len(first.Cluster.Elements) != 3 {
		t.Errorf("largest outcome bucket %+v, want the hope cluster: 3 CMOCs in 3 studies", first)
	}
	byInformant, err := a.CountCMOCs(ctx, analysis.ByInformant, []string{"b"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketCounts(byInformant); got["SERVICE_USERS"] != 1 || got["CARERS"] != 1 || got["STAFF"] != 1 || got[analysis.NotStated] != 4 {
		t.Errorf("b by informant %v", got)
	}
	byActor, err := a.CountCMOCs(ctx, analysis.ByActor, []string{"a"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketCounts(byActor); got["SERVICE_USER"] != 2 || got["STAFF"] != 1 {
		t.Errorf("a by actor %v", got)
	}
	byPopulation, err := a.CountCMOCs(ctx, analysis.ByPopulation, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketCounts(byPopulation); got["YOUNG_PEOPLE"] != 6 || got["ADULTS"] != 2 || got["CHILDREN"] != 2 {
		t.Errorf("by population %v", got)
	}
	byMechanism, err := a.CountCMOCs(ctx, analysis.ByMechanism, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := bucketCounts(byMechanism); got["a.cm.m.role"] != 3 || got["a.cm.m.trust"] != 1 || got["b.ipt.m.validation"] != 1 {
		t.Errorf("by mechanism %v (contradicting mechanisms stay apart)", got)
	}
}

func testElementMatrix(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	m, err := a.ElementMatrix(context.Background(), kb.KindMechanism, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "columns", nodeIDs(m.Studies), []string{"a", "c", "b"})
	if len(m.Rows) == 0 || m.Rows[0].Cluster.Key != "a.cm.m.role" || !slices.Equal(m.Rows[0].Counts, []int{1, 1, 1}) || m.Rows[0].StudyCount != 3 {
		t.Fatalf("first row %+v, want role-modelling used once in each study", m.Rows)
	}
	scoped, err := a.ElementMatrix(context.Background(), kb.KindOutcome, []string{"b"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(scoped.Studies) != 1 || scoped.Studies[0].ID != "b" {
		t.Errorf("scoped columns %v", nodeIDs(scoped.Studies))
	}
}

func testGaps(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	g, err := a.FindGaps(context.Background(), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "CMOCs without quote", nodeIDs(g.CMOCsWithoutQuote), []string{"b.ipt.3", "b.rpt.1", "b.rpt.3", "b.rpt.4", "c.pt.2"})
	sameIDs(t, "staff-only CMOCs", nodeIDs(g.StaffOnlyCMOCs), []string{"a.cm.2", "b.ipt.2"})
	for _, id := range nodeIDs(g.UnlinkedElements) {
		if id == "a.cm.m.role" || id == "b.ipt.o.hope" || id == "c.pt.c.optimistic" || id == "b.ipt.c.hopeful" {
			t.Errorf("%s has a crosswalk link but is listed as unlinked", id)
		}
	}
	if !slices.Contains(nodeIDs(g.UnlinkedElements), "b.ipt.o.confidence") {
		t.Errorf("b.ipt.o.confidence has no crosswalk but is not listed: %v", nodeIDs(g.UnlinkedElements))
	}
	scoped, err := a.FindGaps(context.Background(), []string{"a"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "a's staff-only CMOCs", nodeIDs(scoped.StaffOnlyCMOCs), []string{"a.cm.2"})
	sameIDs(t, "a's unlinked elements", nodeIDs(scoped.UnlinkedElements), []string{"a.cm.c.shared", "a.cm.o.engage"})
}

func testCompareVersions(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	d, err := a.CompareVersions(context.Background(), "b.ipt", "b.rpt")
	if err != nil {
		t.Fatal(err)
	}
	if d.Revision == nil || d.Revision.From != "b.rpt" || d.Revision.Change != kb.RevisionReword {
		t.Errorf("revision %+v, want b.rpt REVISES b.ipt (REWORD)", d.Revision)
	}
	sameIDs(t, "added", nodeIDs(d.Added), []string{"b.rpt.4"})
	sameIDs(t, "removed", nodeIDs(d.Removed), []string{"b.ipt.2"})
	if len(d.Changed) != 2 {
		t.Fatalf("changed %+v, want CMOC 1 and CMOC 3", d.Changed)
	}
	one := d.Changed[0]
	var fields []string
	for _, c := range one.Changes {
		fields = append(fields, c.Field)
	}
	sameIDs(t, "CMOC 1 changed fields", fields, []string{"label", "status"})
	if one.Changes[1].Before != "PROPOSED" || one.Changes[1].After != "SUPPORTED" {
		t.Errorf("status change %+v", one.Changes[1])
	}
	three := d.Changed[1]
	if three.After.ID != "b.rpt.3" {
		t.Errorf("second change %s", three.After.ID)
	}
	sameIDs(t, "added elements", nodeIDs(d.AddedElements), []string{"b.rpt.o.belonging"})
	sameIDs(t, "removed elements", nodeIDs(d.RemovedElements), []string{"b.ipt.c.hopeful", "b.ipt.m.validation", "b.ipt.o.confidence", "b.ipt.o.engage"})
}

func testAnalysisRefusals(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	cases := []struct {
		name string
		err  error
		kind error
		path string
	}{
		{"compare a study", second(a.Compare(ctx, "a", "b.ipt", 0)), kb.ErrInvalid, "left"},
		{"compare a missing theory", second(a.Compare(ctx, "a.cm", "nope", 0)), kb.ErrNotFound, "right"},
		{"compare with itself", second(a.Compare(ctx, "a.cm", "a.cm", 0)), kb.ErrInvalid, "right"},
		{"threshold", second(a.Compare(ctx, "a.cm", "b.ipt", 2)), kb.ErrInvalid, "threshold"},
		{"suggest for a CMOC", second(a.Suggest(ctx, "a.cm.1", 5)), kb.ErrInvalid, "elementId"},
		{"chains to a mechanism", second(a.Chains(ctx, "a.cm.m.role", 3, 0)), kb.ErrInvalid, "to"},
		{"chain depth", second(a.Chains(ctx, "a.cm.o.hope", 99, 0)), kb.ErrInvalid, "maxDepth"},
		{"evidence for a quote", second(a.Evidence(ctx, "a.q.1", true)), kb.ErrInvalid, "id"},
		{"min studies", second(a.DemiRegularities(ctx, -1, 0)), kb.ErrInvalid, "minStudies"},
		{"unknown study", second(a.CountCMOCs(ctx, analysis.ByStudy, []string{"zzz"}, 0)), kb.ErrNotFound, "studyIds"},
		{"versions of a missing theory", second(a.CompareVersions(ctx, "b.ipt", "nope")), kb.ErrNotFound, "to"},
		{"empty search", second(a.Search(ctx, "  ", nil, 5)), kb.ErrInvalid, "text"},
		{"too many suggestions", second(a.Suggest(ctx, "a.cm.m.role", 1000)), kb.ErrInvalid, "first"},
		{"negative chains page", second(a.Chains(ctx, "a.cm.o.hope", 3, -1)), kb.ErrInvalid, "first"},
		{"negative demi-regularities page", second(a.DemiRegularities(ctx, 2, -1)), kb.ErrInvalid, "first"},
		{"too many search hits", second(a.Search(ctx, "hope", nil, kb.MaxSearchHits+1)), kb.ErrInvalid, "first"},
	}
	for _, c := range cases {
		var e *kb.Error
		if !errors.Is(c.err, c.kind) || !errors.As(c.err, &e) || e.Path != c.path {
			t.Errorf("%s: %v, want %v at %q", c.name, c.err, c.kind, c.path)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func testDashboardLimits(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	top, err := a.CountCMOCs(ctx, analysis.ByStudy, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || top[0].Key != "b" {
		t.Errorf("top study bucket %+v, want b alone", top)
	}
	m, err := a.ElementMatrix(ctx, kb.KindOutcome, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 2 || m.Rows[0].Cluster.Key != "a.cm.o.hope" {
		t.Errorf("matrix rows %+v, want 2 with the hope cluster first", m.Rows)
	}
	g, err := a.FindGaps(ctx, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.CMOCsWithoutQuote) != 1 || g.CMOCsWithoutQuoteCount != 5 || g.StaffOnlyCMOCsCount != 2 {
		t.Errorf("gaps limited to 1: %d listed of %d; staff-only %d", len(g.CMOCsWithoutQuote), g.CMOCsWithoutQuoteCount, g.StaffOnlyCMOCsCount)
	}
	for name, err := range map[string]error{
		"counts": second(a.CountCMOCs(ctx, analysis.ByStudy, nil, -1)),
		"matrix": second(a.ElementMatrix(ctx, kb.KindOutcome, nil, 5000)),
		"gaps":   second(a.FindGaps(ctx, nil, -3)),
	} {
		var e *kb.Error
		if !errors.As(err, &e) || e.Path != "first" {
			t.Errorf("%s with a bad limit: %v, want an error at first", name, err)
		}
	}
}

// dashboardAnswers renders every dashboard answer for the given studies, element ids and
// counts included, so two ways of answering can be compared.
func dashboardAnswers(t *testing.T, a *analysis.Analyst, studies []string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	cluster := func(c analysis.Cluster) string {
		return fmt.Sprintf("%s %q %v %v", c.Key, c.Label, nodeIDs(c.Elements), nodeIDs(c.Constructs))
	}
	for _, by := range analysis.Dimensions {
		buckets, err := a.CountCMOCs(ctx, by, studies, 0)
		if err != nil {
			t.Fatalf("%s %v: %v", by, studies, err)
		}
		for _, bk := range buckets {
			fmt.Fprintf(&b, "%s: %s %q %d/%d", by, bk.Key, bk.Label, bk.Count, bk.StudyCount)
			if bk.Cluster != nil {
				b.WriteString(" " + cluster(*bk.Cluster))
			}
			b.WriteString("\n")
		}
	}
	for _, k := range []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome} {
		m, err := a.ElementMatrix(ctx, k, studies, 0)
		if err != nil {
			t.Fatalf("%s matrix %v: %v", k, studies, err)
		}
		fmt.Fprintf(&b, "%s matrix %v\n", k, nodeIDs(m.Studies))
		for _, r := range m.Rows {
			fmt.Fprintf(&b, "  %s %v %d/%d\n", cluster(r.Cluster), r.Counts, r.Total, r.StudyCount)
		}
	}
	g, err := a.FindGaps(ctx, studies, 0)
	if err != nil {
		t.Fatalf("gaps %v: %v", studies, err)
	}
	fmt.Fprintf(&b, "gaps %v %v %v %d %d %d\n", nodeIDs(g.CMOCsWithoutQuote), nodeIDs(g.StaffOnlyCMOCs), nodeIDs(g.UnlinkedElements),
		g.CMOCsWithoutQuoteCount, g.StaffOnlyCMOCsCount, g.UnlinkedElementsCount)
	for _, m := range []analysis.Missing{g.CMOCsWithoutContext, g.CMOCsWithoutMechanism, g.CMOCsWithoutOutcome} {
		fmt.Fprintf(&b, "missing %d %v\n", m.Count, nodeIDs(m.CMOCs))
	}
	if len(studies) == 0 {
		demi, err := a.DemiRegularities(ctx, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range demi {
			fmt.Fprintf(&b, "demi %s -> %s %v %v\n", cluster(d.Mechanism), cluster(d.Outcome), nodeIDs(d.Studies), nodeIDs(d.CMOCs))
		}
	}
	return b.String()
}

// testDashboardPathsAgree asks every dashboard question for every set of studies both from the
// store's shared index (when it keeps one) and read afresh: the answers must not differ.
func testDashboardPathsAgree(t *testing.T, a *analysis.Analyst, s kb.Store) {
	fresh := analysis.New(withoutRevision{s})
	for _, studies := range [][]string{nil, {"a"}, {"b"}, {"c"}, {"a", "b"}, {"b", "c"}, {"c", "a"}, {"a", "b", "c"}} {
		got, want := dashboardAnswers(t, a, studies), dashboardAnswers(t, fresh, studies)
		if got != want {
			t.Errorf("studies %v: shared index answers\n%s\nread afresh\n%s", studies, got, want)
		}
	}
}

// testScopedClusters: b's modelling and c's role-modelling are each aligned with a's
// role-modelling. Over all studies the three are one cluster; over b and c alone nothing in
// scope joins them, so they are counted apart.
func testScopedClusters(t *testing.T, a *analysis.Analyst, _ kb.Store) {
	ctx := context.Background()
	studyOf := func(id string) string { return id[:1] }
	for _, tc := range []struct {
		studies []string
		want    []string // studies that share the role-modelling cluster
	}{
		{nil, []string{"a", "b", "c"}},
		{[]string{"b", "c"}, []string{"c"}},
	} {
		buckets, err := a.CountCMOCs(ctx, analysis.ByMechanism, tc.studies, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range buckets {
			if b.Cluster == nil {
				continue
			}
			ids := nodeIDs(b.Cluster.Elements)
			if !slices.Contains(ids, "c.pt.m.role") {
				continue
			}
			for _, id := range ids {
				got = append(got, studyOf(id))
			}
		}
		slices.Sort(got)
		if got = slices.Compact(got); !slices.Equal(got, tc.want) {
			t.Errorf("studies %v: the role-modelling cluster spans %v, want %v", tc.studies, got, tc.want)
		}
	}
}

// testAnswersFollowWrites asks, writes and asks again with one Analyst: an answer must never
// come from the graph before the write.
func testAnswersFollowWrites(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	engagement := func() map[string]int {
		t.Helper()
		buckets, err := a.CountCMOCs(ctx, analysis.ByOutcome, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		return bucketCounts(buckets)
	}
	unlinked := func() int {
		t.Helper()
		g, err := a.FindGaps(ctx, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		return g.UnlinkedElementsCount
	}
	// warmed or not, the index a store keeps between writes must follow them
	if err := a.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	before, unlinkedBefore := engagement(), unlinked()
	if before["a.cm.o.engage"] != 1 || before["b.ipt.o.engage"] == 0 {
		t.Fatalf("engagement before the alignment %v", before)
	}
	align := kb.Link{Type: kb.RelAligns, From: "a.cm.o.engage", To: "b.ipt.o.engage", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs}}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpLink, Link: align}}}); err != nil {
		t.Fatal(err)
	}
	after := engagement()
	if _, apart := after["b.ipt.o.engage"]; apart || after["a.cm.o.engage"] != before["a.cm.o.engage"]+before["b.ipt.o.engage"] {
		t.Errorf("after aligning the engagement outcomes %v, want one bucket a.cm.o.engage counting both (before %v)", after, before)
	}
	if got := unlinked(); got != unlinkedBefore-2 {
		t.Errorf("unlinked elements %d after linking two of %d", got, unlinkedBefore)
	}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpUnlink, Link: align}}}); err != nil {
		t.Fatal(err)
	}
	if got := engagement(); !maps.Equal(got, before) {
		t.Errorf("after unlinking again %v, want %v", got, before)
	}
}

// testQuestionsAlongsideWriters asks dashboard questions from several goroutines while a writer
// adds CMOCs to study c one at a time: every answer must count a whole number of the writes
// (the CMOCs of c grow, never shrink, and never tear), and the last answer all of them.
func testQuestionsAlongsideWriters(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	const writes, askers = 20, 4
	countOfC := func() (int, error) {
		buckets, err := a.CountCMOCs(ctx, analysis.ByStudy, nil, 0)
		if err != nil {
			return 0, err
		}
		return bucketCounts(buckets)["c"], nil
	}
	start, err := countOfC()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, askers)
	for i := range askers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := start
			for {
				select {
				case <-done:
					return
				default:
				}
				n, err := countOfC()
				if err == nil && (n < last || n > start+writes) {
					err = fmt.Errorf("study c counted %d CMOCs after %d (between %d and %d)", n, last, start, start+writes)
				}
				if err != nil {
					errs[i] = err
					return
				}
				last = n
				if _, err := a.ElementMatrix(ctx, kb.KindOutcome, []string{"b", "c"}, 0); err != nil {
					errs[i] = err
					return
				}
			}
		}()
	}
	for i := range writes {
		cmoc := &kb.CMOC{ID: fmt.Sprintf("c.pt.w%d", i), ProgrammeTheoryID: "c.pt", Code: fmt.Sprintf("W%d", i)}
		if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{
			{Type: kb.OpCreate, Node: cmoc},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: cmoc.ID, To: "c.pt.o.network"}},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("asker %d: %v", i, err)
		}
	}
	if n, err := countOfC(); err != nil || n != start+writes {
		t.Errorf("after the writes study c has %d CMOCs (%v), want %d", n, err, start+writes)
	}
}

// testChainPathsAgree asks for the chains into every outcome and construct, whole and cut
// short by depth and by count, from the store's shared index (when it keeps one) and read
// afresh level by level: the chains, their order and each link's basis must not differ.
func testChainPathsAgree(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	fresh := analysis.New(withoutRevision{s})
	var targets []string
	for _, k := range []kb.Kind{kb.KindOutcome, kb.KindConstruct} {
		for _, n := range list(t, s, kb.ListQuery{Kind: k}).Nodes {
			targets = append(targets, n.NodeID())
		}
	}
	render := func(an *analysis.Analyst, target string, depth, limit int) string {
		chains, err := an.Chains(ctx, target, depth, limit)
		if err != nil {
			t.Fatalf("chains to %s: %v", target, err)
		}
		var b strings.Builder
		for _, c := range chains {
			for _, l := range c.Links {
				fmt.Fprintf(&b, "%s -%s", l.From.ID, l.Basis)
				for _, n := range []kb.Node{l.Outcome, l.Context} {
					if n != nil {
						fmt.Fprintf(&b, " %s", n.NodeID())
					}
				}
				if l.Construct != nil {
					fmt.Fprintf(&b, " %s", l.Construct.ID)
				}
				fmt.Fprintf(&b, " %q-> ", l.Rationale)
			}
			fmt.Fprintf(&b, "%s\n", c.CMOCs[len(c.CMOCs)-1].ID)
		}
		return b.String()
	}
	chained := 0
	for _, target := range targets {
		for _, cut := range [][2]int{{0, 0}, {1, 0}, {2, 1}, {0, 2}} {
			got, want := render(a, target, cut[0], cut[1]), render(fresh, target, cut[0], cut[1])
			if got != want {
				t.Errorf("chains to %s (depth %d, first %d): shared index\n%s\nread afresh\n%s", target, cut[0], cut[1], got, want)
			}
			if got != "" {
				chained++
			}
		}
	}
	if chained == 0 {
		t.Fatal("no target has chains: the comparison proves nothing")
	}
}

// testChainsCiteOneLinkPerPair: a.cm.1 already feeds b.ipt.2 through an alignment; once a
// reviewer records CHAINS_TO between them too, the chain shows the one link, the explicit one.
func testChainsCiteOneLinkPerPair(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	explicit := kb.Link{Type: kb.RelChainsTo, From: "a.cm.1", To: "b.ipt.2", LinkProps: kb.LinkProps{Rationale: "recorded by hand"}}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpLink, Link: explicit}}}); err != nil {
		t.Fatal(err)
	}
	got, err := a.Chains(ctx, "b.ipt.o.engage", 4, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameIDs(t, "chains to b.ipt.o.engage", chainIDs(got), []string{"a.cm.1 > EXPLICIT > b.ipt.2"})
	if len(got) == 1 && got[0].Links[0].Rationale != "recorded by hand" {
		t.Errorf("rationale %q", got[0].Links[0].Rationale)
	}
}

// taughtFixture: three more studies, the second linked to none yet.
const taughtFixture = `format: cmograph/v1
studies:
  - {id: t1, title: T1, informants: [SERVICE_USERS], programmeTheories: [{name: PT, mechanisms: [{name: Feeling validated}],
      cmocs: [{code: C1, roles: [peer supporter with diabetes], mechanisms: [Feeling validated]}]}]}
  - {id: t2, title: T2, population: YOUNG_PEOPLE, informants: [SERVICE_USERS], programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement}],
      cmocs: [{code: C1, roles: [Peer supporter with diabetes], mechanisms: [Acknowledgement]}]}]}
  - {id: t3, title: T3, population: YOUNG_PEOPLE, informants: [STAFF, SERVICE_USERS], programmeTheories: [{name: PT, mechanisms: [{name: Being validated}],
      cmocs: [{code: C1, roles: [peer supporter with diabetes], mechanisms: [Being validated]}]}]}
  - {id: t4, title: T4, programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement from peers}],
      cmocs: [{code: C1, mechanisms: [Acknowledgement from peers]}]}]}
  - {id: t5, title: T5, programmeTheories: [{name: PT, mechanisms: [{name: Validated by staff}], cmocs: [{code: C1, mechanisms: [Validated by staff]}]}]}
  - {id: t6, title: T6, programmeTheories: [{name: PT, mechanisms: [{name: Acknowledgement by staff}], cmocs: [{code: C1, mechanisms: [Acknowledgement by staff]}]}]}
alignments:
  - {from: t5.pt.m.validated-by-staff, to: t6.pt.m.acknowledgement-by-staff, relation: SAME_AS}
`

// testSuggestTaught: words alone never pair "Being validated" with "Acknowledgement", nor does
// one accepted link bridging "validated" and "acknowledgement" (one link pairs its words by
// chance); once a reviewer makes a second, linking "Feeling validated" to another study's
// "Acknowledgement from peers", the suggestion comes, saying which words the links bridged and
// which role the CMOCs share, that the studies are of one population and that both heard service
// users. The answer follows the write at once.
func testSuggestTaught(t *testing.T, a *analysis.Analyst, s kb.Store) {
	ctx := context.Background()
	if _, err := document.Import(ctx, s, "storetest", document.Source{Name: "taught.yaml", Data: []byte(taughtFixture)}); err != nil {
		t.Fatal(err)
	}
	if ns, err := s.Get(ctx, []string{"t2.pt.c1"}); err != nil || len(ns) != 1 || !slices.Equal(ns[0].(*kb.CMOC).Roles, []string{"Peer supporter with diabetes"}) {
		t.Fatalf("roles as stored: %+v %v", ns, err)
	}
	find := func() *analysis.Suggestion {
		got, err := a.Suggest(ctx, "t3.pt.m.being-validated", analysis.MaxSuggestions)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if got[i].Element.NodeID() == "t2.pt.m.acknowledgement" {
				return &got[i]
			}
		}
		return nil
	}
	if got := find(); got != nil {
		t.Fatalf("suggested before any link taught it: %+v", got)
	}
	accept := kb.Link{Type: kb.RelAligns, From: "t1.pt.m.feeling-validated", To: "t4.pt.m.acknowledgement-from-peers", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs, Reviewer: "kg"}}
	if _, err := s.Apply(ctx, kb.Change{Actor: "kg", Ops: []kb.Op{{Type: kb.OpLink, Link: accept}}}); err != nil {
		t.Fatal(err)
	}
	got := find()
	if got == nil {
		t.Fatal("the accepted link taught nothing")
	}
	if fmt.Sprint(got.Reasons.BridgedTerms) != "[[validated acknowledgement]]" || got.Reasons.BridgeScore != 1 ||
		fmt.Sprint(got.Reasons.SharedRoles) != "[peer supporter with diabetes]" || fmt.Sprint(got.Reasons.SharedInformants) != "[SERVICE_USERS]" || !got.Reasons.SamePopulation {
		t.Errorf("reasons: %+v", got.Reasons)
	}
}
