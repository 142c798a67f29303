package storetest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/synth"
)

// GenericTallier answers kb.Tallier from a store's generic reads, reading the whole corpus
// each time: the reference the conformance suite holds a store's own Tallier to, and the way
// the suite runs the analyst's counting-in-the-store path over a store that has none.
type GenericTallier struct{ Store kb.Store }

var _ kb.Tallier = GenericTallier{}

// WithTallier gives a store the GenericTallier, so that the analyst counts through it.
func WithTallier(s kb.Store) kb.Store { return tallied{Store: s, GenericTallier: GenericTallier{s}} }

type tallied struct {
	kb.Store
	GenericTallier
}

// graph is what every method reads: the CMOCs in scope with their study and programme theory,
// and the links the questions follow.
type graph struct {
	nodes   map[string]kb.Node
	inScope []*kb.CMOC // id order
	studyOf map[string]string
	links   map[kb.RelType][]kb.Link
}

func (g GenericTallier) read(ctx context.Context, studyIDs []string) (*graph, error) {
	gr := &graph{nodes: map[string]kb.Node{}, studyOf: map[string]string{}, links: map[kb.RelType][]kb.Link{}}
	for _, k := range kb.Kinds {
		p, err := g.Store.List(ctx, kb.ListQuery{Kind: k})
		if err != nil {
			return nil, err
		}
		for _, n := range p.Nodes {
			gr.nodes[n.NodeID()] = n
		}
	}
	ls, err := g.Store.Links(ctx, kb.LinkQuery{All: true, Types: []kb.RelType{kb.RelHasContext, kb.RelHasMechanism, kb.RelHasOutcome,
		kb.RelAligns, kb.RelInstanceOf, kb.RelEvidences}})
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		gr.links[l.Type] = append(gr.links[l.Type], l)
	}
	for _, n := range gr.nodes {
		c, ok := n.(*kb.CMOC)
		if !ok {
			continue
		}
		pt, ok := gr.nodes[c.ProgrammeTheoryID].(*kb.ProgrammeTheory)
		if !ok {
			continue
		}
		if _, ok := gr.nodes[pt.StudyID].(*kb.Study); !ok {
			continue
		}
		if len(studyIDs) == 0 || slices.Contains(studyIDs, pt.StudyID) {
			gr.inScope = append(gr.inScope, c)
			gr.studyOf[c.ID] = pt.StudyID
		}
	}
	slices.SortFunc(gr.inScope, func(a, b *kb.CMOC) int { return strings.Compare(a.ID, b.ID) })
	return gr, nil
}

var elementRel = map[kb.Kind]kb.RelType{kb.KindContext: kb.RelHasContext, kb.KindMechanism: kb.RelHasMechanism, kb.KindOutcome: kb.RelHasOutcome}

// uses lists, for each CMOC in scope, the elements of kind k it uses.
func (gr *graph) uses(k kb.Kind) map[string][]string {
	out := map[string][]string{}
	for _, l := range gr.links[elementRel[k]] {
		if _, in := gr.studyOf[l.From]; !in {
			continue
		}
		if n := gr.nodes[l.To]; n != nil && n.NodeKind() == k {
			out[l.From] = append(out[l.From], l.To)
		}
	}
	return out
}

func (gr *graph) used(k kb.Kind) map[string]bool {
	out := map[string]bool{}
	for _, es := range gr.uses(k) {
		for _, e := range es {
			out[e] = true
		}
	}
	return out
}

// Crosswalk implements kb.Tallier.
func (g GenericTallier) Crosswalk(ctx context.Context, q kb.CrosswalkQuery) ([]kb.CrosswalkRow, error) {
	gr, err := g.read(ctx, q.StudyIDs)
	if err != nil {
		return nil, err
	}
	used := gr.used(q.Kind)
	rows := map[string]*kb.CrosswalkRow{}
	row := func(id string) *kb.CrosswalkRow {
		if rows[id] == nil {
			rows[id] = &kb.CrosswalkRow{ID: id}
		}
		return rows[id]
	}
	for _, l := range gr.links[kb.RelAligns] {
		if used[l.From] && used[l.To] && slices.Contains(q.Joins, l.Relation) {
			row(l.From).Joined = append(row(l.From).Joined, l.To)
			row(l.To).Joined = append(row(l.To).Joined, l.From)
		}
	}
	for _, l := range gr.links[kb.RelInstanceOf] {
		if _, isConstruct := gr.nodes[l.To].(*kb.Construct); used[l.From] && isConstruct {
			row(l.From).Constructs = append(row(l.From).Constructs, l.To)
		}
	}
	out := make([]kb.CrosswalkRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	return out, nil
}

// Tally implements kb.Tallier.
func (g GenericTallier) Tally(ctx context.Context, q kb.TallyQuery) ([]kb.TallyRow, error) {
	gr, err := g.read(ctx, q.StudyIDs)
	if err != nil {
		return nil, err
	}
	kind, isElement := q.By.ElementKind()
	var uses map[string][]string
	if isElement {
		uses = gr.uses(kind)
	}
	roles := map[string][]string{}
	for _, l := range gr.links[kb.RelEvidences] {
		if quote, ok := gr.nodes[l.From].(*kb.Quote); ok && slices.Contains(q.Roles, quote.InformantRole) {
			roles[l.To] = append(roles[l.To], string(quote.InformantRole))
		}
	}
	type bucket struct {
		row     kb.TallyRow
		studies map[string]bool
	}
	buckets := map[string]*bucket{}
	for _, c := range gr.inScope {
		study := gr.studyOf[c.ID]
		var keys []string
		switch {
		case isElement:
			for _, e := range uses[c.ID] {
				keys = append(keys, cmp.Or(q.Merge[e], e))
			}
		case q.By == kb.TallyActor:
			for _, a := range c.Actors {
				keys = append(keys, string(a))
			}
		case q.By == kb.TallyPopulation:
			if p := gr.nodes[study].(*kb.Study).Population; p != "" {
				keys = append(keys, string(p))
			}
		case q.By == kb.TallyInformant:
			keys = roles[c.ID]
		case q.By == kb.TallyStudy:
			keys = []string{study}
		case q.By == kb.TallyStatus:
			if c.Status != "" {
				keys = append(keys, string(c.Status))
			}
		case q.By == kb.TallyProgrammeTheory:
			keys = []string{c.ProgrammeTheoryID}
		}
		if len(keys) == 0 {
			if q.NoNotStated {
				continue
			}
			keys = []string{kb.NotStatedKey}
		}
		slices.Sort(keys)
		for _, k := range slices.Compact(keys) {
			b := buckets[k]
			if b == nil {
				b = &bucket{row: kb.TallyRow{Key: k}, studies: map[string]bool{}}
				if q.ByStudies {
					b.row.Cells = map[string]int{}
				}
				buckets[k] = b
			}
			b.row.CMOCs++
			b.studies[study] = true
			if q.ByStudies {
				b.row.Cells[study]++
			}
		}
	}
	out := make([]kb.TallyRow, 0, len(buckets))
	for _, b := range buckets {
		b.row.Studies = len(b.studies)
		out = append(out, b.row)
	}
	slices.SortFunc(out, func(a, b kb.TallyRow) int {
		if q.ByStudies && a.Studies != b.Studies {
			return b.Studies - a.Studies
		}
		if a.CMOCs != b.CMOCs {
			return b.CMOCs - a.CMOCs
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out[:min(len(out), q.Limit)], nil
}

// ElementUses implements kb.Tallier.
func (g GenericTallier) ElementUses(ctx context.Context, q kb.UsesQuery) ([]kb.ElementUse, error) {
	gr, err := g.read(ctx, q.StudyIDs)
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	for _, es := range gr.uses(q.Kind) {
		for _, e := range es {
			count[e]++
		}
	}
	var out []kb.ElementUse
	for _, id := range uniqueSorted(q.IDs) {
		if n := gr.nodes[id]; n != nil && n.NodeKind() == q.Kind {
			out = append(out, kb.ElementUse{Node: n, Uses: count[id]})
		}
	}
	return out, nil
}

func uniqueSorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// CMOCGaps implements kb.Tallier.
func (g GenericTallier) CMOCGaps(ctx context.Context, studyIDs []string) ([]kb.CMOCGap, error) {
	gr, err := g.read(ctx, studyIDs)
	if err != nil {
		return nil, err
	}
	roles := map[string][]kb.Informant{}
	for _, l := range gr.links[kb.RelEvidences] {
		if quote, ok := gr.nodes[l.From].(*kb.Quote); ok {
			roles[l.To] = append(roles[l.To], quote.InformantRole)
		}
	}
	var parts [3]map[string][]string
	for i, k := range []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome} {
		parts[i] = gr.uses(k)
	}
	var out []kb.CMOCGap
	for _, c := range gr.inScope {
		rs := roles[c.ID]
		gap := kb.CMOCGap{ID: c.ID, ProgrammeTheoryID: c.ProgrammeTheoryID, Code: c.Code, Unquoted: len(rs) == 0,
			StaffOnly: len(rs) > 0 && !slices.ContainsFunc(rs, func(r kb.Informant) bool { return r != kb.InformantStaff })}
		for i := range parts {
			gap.Missing[i] = len(parts[i][c.ID]) == 0
		}
		if gap.Unquoted || gap.StaffOnly || slices.Contains(gap.Missing[:], true) {
			out = append(out, gap)
		}
	}
	return out, nil
}

// UnlinkedElements implements kb.Tallier.
func (g GenericTallier) UnlinkedElements(ctx context.Context, studyIDs []string, limit int) (int, []kb.Node, error) {
	gr, err := g.read(ctx, studyIDs)
	if err != nil {
		return 0, nil, err
	}
	linked := map[string]bool{}
	for _, l := range gr.links[kb.RelAligns] {
		linked[l.From], linked[l.To] = true, true
	}
	for _, l := range gr.links[kb.RelInstanceOf] {
		linked[l.From] = true
	}
	var ids []string
	for id, n := range gr.nodes {
		if !n.NodeKind().IsElement() || linked[id] {
			continue
		}
		pt, ok := gr.nodes[n.Owner()].(*kb.ProgrammeTheory)
		if !ok {
			continue
		}
		if _, ok := gr.nodes[pt.StudyID].(*kb.Study); ok && (len(studyIDs) == 0 || slices.Contains(studyIDs, pt.StudyID)) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := []kb.Node{}
	for _, id := range ids[:min(limit, len(ids))] {
		out = append(out, gr.nodes[id])
	}
	return len(ids), out, nil
}

// Patterns implements kb.Tallier.
func (g GenericTallier) Patterns(ctx context.Context, q kb.PatternQuery) ([]kb.PatternRow, error) {
	gr, err := g.read(ctx, nil)
	if err != nil {
		return nil, err
	}
	mechanisms, outcomes := gr.uses(kb.KindMechanism), gr.uses(kb.KindOutcome)
	type pattern struct {
		row     kb.PatternRow
		studies map[string]bool
	}
	patterns := map[[2]string]*pattern{}
	keysOf := func(es []string, merge map[string]string) []string {
		var out []string
		for _, e := range es {
			out = append(out, cmp.Or(merge[e], e))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, c := range gr.inScope {
		for _, m := range keysOf(mechanisms[c.ID], q.Mechanisms) {
			for _, o := range keysOf(outcomes[c.ID], q.Outcomes) {
				p := patterns[[2]string{m, o}]
				if p == nil {
					p = &pattern{row: kb.PatternRow{Mechanism: m, Outcome: o}, studies: map[string]bool{}}
					patterns[[2]string{m, o}] = p
				}
				p.row.CMOCs = append(p.row.CMOCs, c.ID)
				p.row.CMOCStudies = append(p.row.CMOCStudies, gr.studyOf[c.ID])
				p.studies[gr.studyOf[c.ID]] = true
			}
		}
	}
	var out []kb.PatternRow
	for _, p := range patterns {
		p.row.Studies = len(p.studies)
		if p.row.Studies >= q.MinStudies {
			out = append(out, p.row)
		}
	}
	slices.SortFunc(out, func(a, b kb.PatternRow) int {
		switch {
		case a.Studies != b.Studies:
			return b.Studies - a.Studies
		case len(a.CMOCs) != len(b.CMOCs):
			return len(b.CMOCs) - len(a.CMOCs)
		case a.Mechanism != b.Mechanism:
			return strings.Compare(a.Mechanism, b.Mechanism)
		}
		return strings.Compare(a.Outcome, b.Outcome)
	})
	return out[:min(len(out), q.Limit)], nil
}

// runSyntheticAgreement loads a synthetic corpus (alignments, constructs, partial CMOCs and
// staff-only quotes included) and asks every dashboard question of the store as the analyst
// asks it (through the store's Tallier when it has one, else the reference one) and afresh
// over the in-memory corpus path: the answers must be the same, for all studies and for a few
// of them.
func runSyntheticAgreement(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	t.Cleanup(func() { _ = s.Close(ctx) })
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(300)); err != nil {
		t.Fatalf("loading the synthetic corpus: %v", err)
	}
	counted := s
	if _, ok := s.(kb.Tallier); !ok {
		counted = WithTallier(s)
	}
	p, err := s.List(ctx, kb.ListQuery{Kind: kb.KindStudy})
	if err != nil {
		t.Fatal(err)
	}
	ids := nodeIDs(p.Nodes)
	if len(ids) < 3 {
		t.Fatalf("the synthetic corpus has %d studies", len(ids))
	}
	for _, studies := range [][]string{nil, ids[:2], {ids[len(ids)-1], ids[0]}} {
		got, want := dashboardAnswers(t, analysis.New(counted), studies), dashboardAnswers(t, analysis.New(withoutRevision{s}), studies)
		if got != want {
			t.Errorf("studies %v: counted in the store\n%s\nover the corpus in memory\n%s", studies, got, want)
		}
	}
}

// runTallierRows holds a store's own Tallier to the reference, row by row, over the analysis
// fixture (only for stores that have one).
func runTallierRows(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	t.Cleanup(func() { _ = s.Close(ctx) })
	own, ok := s.(kb.Tallier)
	if !ok {
		t.Skip("the store has no Tallier of its own; the analyst's side of that path runs in the *Tallied analysis tests")
	}
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(120)); err != nil {
		t.Fatalf("loading the synthetic corpus: %v", err)
	}
	ref := GenericTallier{withoutRevision{s}}
	same := func(what string, got, want any, err1, err2 error) {
		t.Helper()
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v / %v", what, err1, err2)
		}
		if g, w := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", want); g != w {
			t.Errorf("%s:\nstore     %s\nreference %s", what, g, w)
		}
	}
	for _, k := range []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome} {
		q := kb.CrosswalkQuery{Kind: k, Joins: []kb.AlignRelation{kb.AlignSameAs, kb.AlignBroader, kb.AlignNarrower}}
		a, err1 := own.Crosswalk(ctx, q)
		b, err2 := ref.Crosswalk(ctx, q)
		same("crosswalk "+string(k), sortedCrosswalk(a), sortedCrosswalk(b), err1, err2)
		ids := []string{}
		for _, r := range b {
			ids = append(ids, r.ID)
		}
		u1, err1 := own.ElementUses(ctx, kb.UsesQuery{Kind: k, IDs: ids})
		u2, err2 := ref.ElementUses(ctx, kb.UsesQuery{Kind: k, IDs: ids})
		same("uses "+string(k), usesOf(u1), usesOf(u2), err1, err2)
	}
	for _, by := range kb.TallyDimensions {
		for _, byStudies := range []bool{false, true} {
			q := kb.TallyQuery{By: by, Roles: []kb.Informant{kb.InformantServiceUsers, kb.InformantPeerWorkers, kb.InformantStaff, kb.InformantCarers},
				Limit: 25, ByStudies: byStudies, NoNotStated: byStudies}
			a, err1 := own.Tally(ctx, q)
			b, err2 := ref.Tally(ctx, q)
			same(fmt.Sprintf("tally %s byStudies=%v", by, byStudies), a, b, err1, err2)
		}
	}
	g1, err1 := own.CMOCGaps(ctx, nil)
	g2, err2 := ref.CMOCGaps(ctx, nil)
	byID := func(gs []kb.CMOCGap) []kb.CMOCGap {
		return slices.SortedFunc(slices.Values(gs), func(a, b kb.CMOCGap) int { return strings.Compare(a.ID, b.ID) })
	}
	same("gaps", byID(g1), byID(g2), err1, err2)
	n1, e1, err1 := own.UnlinkedElements(ctx, nil, 7)
	n2, e2, err2 := ref.UnlinkedElements(ctx, nil, 7)
	same("unlinked", fmt.Sprint(n1, nodeIDs(e1)), fmt.Sprint(n2, nodeIDs(e2)), err1, err2)
	pq := kb.PatternQuery{MinStudies: 2, Limit: 30}
	p1, err1 := own.Patterns(ctx, pq)
	p2, err2 := ref.Patterns(ctx, pq)
	same("patterns", p1, p2, err1, err2)
}

func sortedCrosswalk(rows []kb.CrosswalkRow) []kb.CrosswalkRow {
	out := slices.Clone(rows)
	for i := range out {
		out[i].Joined = uniqueSorted(out[i].Joined)
		out[i].Constructs = uniqueSorted(out[i].Constructs)
	}
	slices.SortFunc(out, func(a, b kb.CrosswalkRow) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func usesOf(us []kb.ElementUse) []string {
	var out []string
	for _, u := range us {
		out = append(out, fmt.Sprintf("%s:%d", u.Node.NodeID(), u.Uses))
	}
	slices.Sort(out)
	return out
}

// runNoCorpusReads asks every whole-corpus question through a store's Tallier (its own, or
// the reference) with the generic reads that would fetch the corpus refused: no request reads
// every link of a type or lists every CMOC, element or quote, so what crosses to the analyst
// grows with the answer.
func runNoCorpusReads(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	s := newStore(t)
	t.Cleanup(func() { _ = s.Close(ctx) })
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(120)); err != nil {
		t.Fatalf("loading the synthetic corpus: %v", err)
	}
	var counter kb.Tallier = GenericTallier{withoutRevision{s}}
	if own, ok := s.(kb.Tallier); ok {
		counter = own
	}
	guarded := corpusGuard{Store: s, Tallier: counter, t: t}
	a := analysis.New(guarded)
	dashboardAnswers(t, a, nil)
	p, err := s.List(ctx, kb.ListQuery{Kind: kb.KindOutcome, Limit: 1})
	if err != nil || len(p.Nodes) == 0 {
		t.Fatalf("no outcome to ask about: %v", err)
	}
	if _, err := a.Chains(ctx, p.Nodes[0].NodeID(), 0, 0); err != nil {
		t.Errorf("chains: %v", err)
	}
	if _, err := a.Evidence(ctx, p.Nodes[0].NodeID(), true); err != nil {
		t.Errorf("evidence: %v", err)
	}
}

// corpusGuard fails the test on a generic read of a whole kind's links or nodes (studies
// aside: a matrix has a column per study).
type corpusGuard struct {
	kb.Store
	kb.Tallier
	t *testing.T
}

func (g corpusGuard) Links(ctx context.Context, q kb.LinkQuery) ([]kb.Link, error) {
	if q.All {
		g.t.Errorf("a question read every link of %v", q.Types)
	}
	return g.Store.Links(ctx, q)
}

func (g corpusGuard) List(ctx context.Context, q kb.ListQuery) (kb.Page, error) {
	if q.Kind != kb.KindStudy {
		g.t.Errorf("a question listed %s nodes (%+v)", q.Kind, q.Filters)
	}
	return g.Store.List(ctx, q)
}
