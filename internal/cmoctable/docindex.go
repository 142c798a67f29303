package cmoctable

import (
	"slices"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// docIndex is a document resolved for writing tables: every reference (by id or by name, as
// hand-written documents have them) turned into what it names.
type docIndex struct {
	studies  []*studyView
	evidence map[string][]quoteEvidence // CMOC id -> the quotes evidencing it, in document order
}

type studyView struct {
	doc *document.Study
	pts []*ptView
}

type ptView struct {
	doc   *document.ProgrammeTheory
	id    string
	ref   string // how the theory column names it: its name, or its id if the name is not unique
	cmocs []*cmocView
}

type cmocView struct {
	doc                *document.CMOC
	id                 string
	contexts, outcomes []string // names
	mechanisms         []*document.Mechanism
}

type quoteEvidence struct {
	quote  *document.Quote
	stance string
}

func newDocIndex(doc document.Document) *docIndex {
	x := &docIndex{evidence: map[string][]quoteEvidence{}}
	cmocIDs := map[string]bool{}
	for i := range doc.Studies {
		st := &doc.Studies[i]
		sv := &studyView{doc: st}
		ptNames := map[string]int{}
		for _, pt := range st.ProgrammeTheories {
			ptNames[nameKey(pt.Name)]++
		}
		codes := map[string][]string{} // code -> CMOC ids in this study
		for j := range st.ProgrammeTheories {
			pt := &st.ProgrammeTheories[j]
			pv := &ptView{doc: pt, id: orDefault(pt.ID, kb.ChildID(st.ID, "", pt.Name)), ref: pt.Name}
			if ptNames[nameKey(pt.Name)] > 1 {
				pv.ref = pv.id
			}
			ctx, mech, out := elementNames(pv.id, pt)
			for k := range pt.CMOCs {
				c := &pt.CMOCs[k]
				cv := &cmocView{doc: c, id: orDefault(c.ID, kb.ChildID(pv.id, "", c.Code))}
				for _, ref := range c.Contexts {
					cv.contexts = append(cv.contexts, nameOr(ctx, ref))
				}
				for _, ref := range c.Outcomes {
					cv.outcomes = append(cv.outcomes, nameOr(out, ref))
				}
				for _, ref := range c.Mechanisms {
					m := mech[ref]
					if m == nil {
						m = &document.Mechanism{Name: ref} // a reference outside the theory: keep what it says
					}
					cv.mechanisms = append(cv.mechanisms, m)
				}
				cmocIDs[cv.id] = true
				codes[c.Code] = append(codes[c.Code], cv.id)
				pv.cmocs = append(pv.cmocs, cv)
			}
			slices.SortStableFunc(pv.cmocs, func(a, b *cmocView) int { return kb.NaturalCompare(a.doc.Code, b.doc.Code) })
			sv.pts = append(sv.pts, pv)
		}
		for j := range st.Quotes {
			q := &st.Quotes[j]
			for _, ev := range q.Evidences {
				target := ev.CMOC
				if !cmocIDs[target] && len(codes[target]) == 1 {
					target = codes[target][0]
				}
				x.evidence[target] = append(x.evidence[target], quoteEvidence{quote: q, stance: ev.Stance})
			}
		}
		x.studies = append(x.studies, sv)
	}
	for _, evs := range x.evidence {
		slices.SortStableFunc(evs, compareEvidence)
	}
	return x
}

// elementNames maps a theory's element ids and names to contexts' and outcomes' names and
// to mechanisms.
func elementNames(ptID string, pt *document.ProgrammeTheory) (ctx map[string]string, mech map[string]*document.Mechanism, out map[string]string) {
	ctx, mech, out = map[string]string{}, map[string]*document.Mechanism{}, map[string]string{}
	for _, c := range pt.Contexts {
		ctx[orDefault(c.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindContext), c.Name))] = c.Name
		ctx[c.Name] = c.Name
	}
	for i := range pt.Mechanisms {
		m := &pt.Mechanisms[i]
		mech[orDefault(m.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindMechanism), m.Name))] = m
		mech[m.Name] = m
	}
	for _, o := range pt.Outcomes {
		out[orDefault(o.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindOutcome), o.Name))] = o.Name
		out[o.Name] = o.Name
	}
	return ctx, mech, out
}

func nameOr(names map[string]string, ref string) string {
	if n, ok := names[ref]; ok {
		return n
	}
	return ref
}

// stanceOrder puts supporting quotes first, then those that refine and refute a CMOC.
var stanceOrder = map[string]int{string(kb.StanceSupports): 0, string(kb.StanceRefines): 1, string(kb.StanceRefutes): 2}

// compareEvidence orders a CMOC's quotes for reading: by stance, then participant, then text.
func compareEvidence(a, b quoteEvidence) int {
	if c := stanceOrder[a.stance] - stanceOrder[b.stance]; c != 0 {
		return c
	}
	if c := kb.NaturalCompare(a.quote.Participant, b.quote.Participant); c != 0 {
		return c
	}
	return strings.Compare(a.quote.Text, b.quote.Text)
}
