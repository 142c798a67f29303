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
	// Matched lists the elements that stand for the target, the target first.
	Matched    []kb.Node
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
	matched, err := r.standIns(ctx, target, aligned)
	if err != nil {
		return nil, err
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
	quotesOf := map[string][]QuoteEvidence{}
	for _, l := range ev {
		if q, ok := r.node(l.From).(*kb.Quote); ok {
			quotesOf[l.To] = append(quotesOf[l.To], QuoteEvidence{Quote: q, Link: l})
		}
	}
	out := &Evidence{Target: target}
	for _, id := range matched {
		if n := r.node(id); n != nil {
			out.Matched = append(out.Matched, n)
		}
	}
	byStudy := map[string]*StudyEvidence{}
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
		for _, q := range quotesOf[id] {
			switch q.Link.Stance {
			case kb.StanceRefutes:
				ce.Refuting = append(ce.Refuting, q)
			case kb.StanceRefines:
				ce.Refining = append(ce.Refining, q)
			default:
				ce.Supporting = append(ce.Supporting, q)
			}
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

// standIns lists the elements that stand for the target: the element itself and, with
// aligned, those aligned with it without contradicting it; or a construct's instances.
func (r *reader) standIns(ctx context.Context, target kb.Node, aligned bool) ([]string, error) {
	id := target.NodeID()
	if target.NodeKind() == kb.KindConstruct {
		ls, err := r.links(ctx, true, []string{id}, kb.RelInstanceOf, kb.RelExplainedBy)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, l := range ls {
			out = append(out, l.From)
		}
		out = uniqueSorted(out)
		return out, r.load(ctx, out...)
	}
	var others []string
	if aligned {
		ls, err := r.linksBothWays(ctx, []string{id}, kb.RelAligns)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if l.Relation != kb.AlignContradicts {
				others = append(others, otherEnd(l, id))
			}
		}
	}
	out := append([]string{id}, uniqueSorted(others)...)
	return out, r.load(ctx, out...)
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
