package analysis

import (
	"cmp"
	"context"
	"slices"
	"sort"

	"github.com/cmograph/cmograph/internal/kb"
)

// QuoteEvidence is a quote and the judgement recorded on how it bears on a CMOC.
type QuoteEvidence struct {
	Quote *kb.Quote
	Link  kb.Link
}

// CMOCEvidence is one CMOC that involves the target, with the quotes behind it.
type CMOCEvidence struct {
	CMOC *kb.CMOC
	// Via are the CMOC's elements that stand for the target (the target itself, an aligned
	// element or an instance of the construct).
	Via                            []kb.Node
	Supporting, Refuting, Refining []QuoteEvidence
}

// StudyEvidence is what one study says about the target.
type StudyEvidence struct {
	Study *kb.Study
	CMOCs []CMOCEvidence
	// Informants are the roles of the people quoted, each once; Population is the study's.
	Informants []kb.Informant
	Population kb.Population
}

// Evidence is everything across studies that bears on an element or construct.
type Evidence struct {
	Target kb.Node
	// Matched lists the elements that stand for the target, the target first, then by hops.
	Matched []kb.Node
	// Matches says how each matched element was reached, in the same order.
	Matches    []Match
	Studies    []StudyEvidence
	CMOCCount  int
	QuoteCount int
}

// Evidence gathers, for an outcome, mechanism, context or construct, every CMOC across studies
// that involves it (or, with aligned, an element aligned with it that does not contradict it),
// grouped by study with their supporting, refuting and refining quotes.
func (a *Analyst) Evidence(ctx context.Context, targetID string, aligned bool) (*Evidence, error) {
	r := a.reader()
	target, err := r.mustNode(ctx, "id", targetID, kb.KindOutcome, kb.KindMechanism, kb.KindContext, kb.KindConstruct)
	if err != nil {
		return nil, err
	}
	matches, err := r.standIns(ctx, target, aligned)
	if err != nil {
		return nil, err
	}
	matched := make([]string, len(matches))
	for i, m := range matches {
		matched[i] = m.Element.NodeID()
	}
	uses, err := r.links(ctx, true, matched, elementRels...)
	if err != nil {
		return nil, err
	}
	via := map[string][]string{}
	var cmocIDs []string
	for _, l := range uses {
		via[l.From] = append(via[l.From], l.To)
		cmocIDs = append(cmocIDs, l.From)
	}
	cmocIDs = uniqueSorted(cmocIDs)
	ev, err := r.links(ctx, true, cmocIDs, kb.RelEvidences)
	if err != nil {
		return nil, err
	}
	var quoteIDs []string
	for _, l := range ev {
		quoteIDs = append(quoteIDs, l.From)
	}
	if err := r.load(ctx, append(cmocIDs, quoteIDs...)...); err != nil {
		return nil, err
	}
	studyOf, err := r.studiesOf(ctx, cmocIDs)
	if err != nil {
		return nil, err
	}
	var studyIDs []string
	for _, s := range studyOf {
		studyIDs = append(studyIDs, s)
	}
	if err := r.load(ctx, studyIDs...); err != nil {
		return nil, err
	}
	// ev holds each evidence link once; the CMOCs' lists are cut to size from positions in it
	// rather than grown, since a link is a few hundred bytes
	quotesOf := map[string][]int{}
	for i, l := range ev {
		if _, ok := r.node(l.From).(*kb.Quote); ok {
			quotesOf[l.To] = append(quotesOf[l.To], i)
		}
	}
	out := &Evidence{Target: target, Matches: matches}
	for _, m := range matches {
		out.Matched = append(out.Matched, m.Element)
	}
	byStudy := map[string]*StudyEvidence{}
	// every CMOC's lists of quotes are cut from one array: a quote's entry holds its link, a
	// few hundred bytes, and a list of its own for each CMOC and stance was an allocation each
	quoted := make([]QuoteEvidence, 0, len(ev))
	for _, id := range cmocIDs {
		cmoc, ok := r.node(id).(*kb.CMOC)
		if !ok {
			continue
		}
		sid := studyOf[id]
		se := byStudy[sid]
		if se == nil {
			study, _ := r.node(sid).(*kb.Study)
			if study == nil {
				continue
			}
			se = &StudyEvidence{Study: study, Population: study.Population}
			byStudy[sid] = se
		}
		ce := CMOCEvidence{CMOC: cmoc}
		for _, e := range uniqueSorted(via[id]) {
			ce.Via = append(ce.Via, r.node(e))
		}
		var stances [3]int
		for _, i := range quotesOf[id] {
			stances[stanceSlot(ev[i].Stance)]++
		}
		lists := [3]*[]QuoteEvidence{&ce.Supporting, &ce.Refuting, &ce.Refining}
		for slot, n := range stances {
			if n > 0 {
				*lists[slot] = quoted[len(quoted) : len(quoted) : len(quoted)+n]
				quoted = quoted[:len(quoted)+n]
			}
		}
		for _, i := range quotesOf[id] {
			q := QuoteEvidence{Quote: r.node(ev[i].From).(*kb.Quote), Link: ev[i]}
			list := lists[stanceSlot(q.Link.Stance)]
			*list = append(*list, q)
			if role := q.Quote.InformantRole; role != "" && !slices.Contains(se.Informants, role) {
				se.Informants = append(se.Informants, role)
			}
			out.QuoteCount++
		}
		se.CMOCs = append(se.CMOCs, ce)
		out.CMOCCount++
	}
	for _, se := range byStudy {
		slices.Sort(se.Informants)
		sort.SliceStable(se.CMOCs, func(i, j int) bool { return cmocLess(se.CMOCs[i].CMOC, se.CMOCs[j].CMOC) })
		out.Studies = append(out.Studies, *se)
	}
	sort.Slice(out.Studies, func(i, j int) bool { return studyLess(out.Studies[i].Study, out.Studies[j].Study) })
	return out, nil
}

// stanceSlot says which of a CMOC's lists a quote of the stance goes in: supporting (also
// when the link states no stance), refuting or refining.
func stanceSlot(st kb.Stance) int {
	switch st {
	case kb.StanceRefutes:
		return 1
	case kb.StanceRefines:
		return 2
	default:
		return 0
	}
}

// MaxEvidenceHops bounds how many alignments evidence follows from its target.
const MaxEvidenceHops = 6

// Match is an element that stands for the target of an evidence report, and how it was reached.
type Match struct {
	Element kb.Node
	// Hops counts the alignments between the target (or, for a construct, one of its
	// instances) and the element: 0 for the target itself or an instance.
	Hops int
	// Path lists the ids from where the walk started (the target, or the instance) to the
	// element, both included.
	Path []string
	// Relation is that of the last alignment on the path, read towards the element; "" at 0
	// hops.
	Relation kb.AlignRelation
}

// standIns lists the elements that stand for the target. For an element: itself and, with
// aligned, every element reached through SAME_AS, BROADER and NARROWER alignments between
// elements of its kind, however many hops away (each element once, by its shortest path), and
// the elements one RELATED alignment, or one joining alignment to another kind, away from any
// of those; never a contradiction. For a construct: its instances and
// what is aligned with them the same way. A walk reads one hop's links per store call.
func (r *reader) standIns(ctx context.Context, target kb.Node, aligned bool) ([]Match, error) {
	id := target.NodeID()
	var frontier []Match
	if target.NodeKind() == kb.KindConstruct {
		ls, err := r.links(ctx, true, []string{id}, kb.RelInstanceOf, kb.RelExplainedBy)
		if err != nil {
			return nil, err
		}
		var starts []string
		for _, l := range ls {
			starts = append(starts, l.From)
		}
		for _, s := range uniqueSorted(starts) {
			frontier = append(frontier, Match{Hops: 0, Path: []string{s}})
		}
		aligned = true
	} else {
		frontier = []Match{{Hops: 0, Path: []string{id}}}
	}
	seen := map[string]bool{}
	var out []Match
	for _, m := range frontier {
		seen[m.Path[0]] = true
		out = append(out, m)
	}
	for hop := 1; aligned && hop <= MaxEvidenceHops && len(frontier) > 0; hop++ {
		ends := make([]string, len(frontier))
		for i, m := range frontier {
			ends[i] = m.Path[len(m.Path)-1]
		}
		ls, err := r.linksBothWays(ctx, ends, kb.RelAligns)
		if err != nil {
			return nil, err
		}
		// in a stable order, so that a tie between two shortest paths is settled the same way
		slices.SortFunc(ls, func(a, b kb.Link) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
		touching := make(map[string][]int, len(frontier))
		for i, l := range ls {
			touching[l.From] = append(touching[l.From], i)
			if l.To != l.From {
				touching[l.To] = append(touching[l.To], i)
			}
		}
		var next []Match
		for _, m := range frontier {
			end := m.Path[len(m.Path)-1]
			for _, i := range touching[end] {
				l := &ls[i]
				other, rel := l.To, l.Relation
				if l.To == end {
					other, rel = l.From, l.Relation.Inverse()
				}
				if seen[other] || rel == kb.AlignContradicts {
					continue
				}
				// a RELATED element counts, but the walk does not go on through it
				if !joins(rel) && rel != kb.AlignRelated {
					continue
				}
				seen[other] = true
				found := Match{Hops: hop, Path: append(slices.Clone(m.Path), other), Relation: rel}
				out = append(out, found)
				if joins(rel) {
					next = append(next, found)
				}
			}
		}
		// the walk goes on only between elements of one kind: an outcome the same as a context
		// is where one configuration feeds the next, not one thing (see joins)
		if err := r.load(ctx, append(ends, pathEnds(next)...)...); err != nil {
			return nil, err
		}
		frontier = slices.DeleteFunc(next, func(m Match) bool {
			from, to := r.node(m.Path[len(m.Path)-2]), r.node(m.Path[len(m.Path)-1])
			return from == nil || to == nil || from.NodeKind() != to.NodeKind()
		})
	}
	ids := make([]string, len(out))
	for i, m := range out {
		ids[i] = m.Path[len(m.Path)-1]
	}
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	kept := out[:0]
	for i, m := range out {
		if n := r.node(ids[i]); n != nil {
			m.Element = n
			kept = append(kept, m)
		}
	}
	return kept, nil
}

func pathEnds(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Path[len(m.Path)-1]
	}
	return out
}

// cmocLess orders CMOCs by programme theory, then by code as people number them (CMOC 2
// before CMOC 10).
func cmocLess(a, b *kb.CMOC) bool {
	if a.ProgrammeTheoryID != b.ProgrammeTheoryID {
		return a.ProgrammeTheoryID < b.ProgrammeTheoryID
	}
	if c := naturalCompare(a.Code, b.Code); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// studyLess orders studies by year, then id.
func studyLess(a, b *kb.Study) bool {
	ya, yb := 0, 0
	if a.Year != nil {
		ya = *a.Year
	}
	if b.Year != nil {
		yb = *b.Year
	}
	if ya != yb {
		return ya < yb
	}
	return a.ID < b.ID
}

// naturalCompare compares strings with runs of digits compared as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(int(a[0]), int(b[0]))
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitRun(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}
