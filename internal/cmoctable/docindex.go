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
	// aligns are the crosswalk links each element makes, as alignment cells write them
	aligns map[string][]string
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
	// the context and outcome elements themselves, one per name (nil where the theory does
	// not define it)
	contextDocs []*document.Context
	outcomeDocs []*document.Outcome
	// the links each context, mechanism and outcome makes, one list per name
	contextAligns, mechanismAligns, outcomeAligns [][]string
}

type quoteEvidence struct {
	quote  *document.Quote
	stance string
}

func newDocIndex(doc document.Document) *docIndex {
	x := &docIndex{evidence: map[string][]quoteEvidence{}, aligns: map[string][]string{}}
	targets := alignTargets(doc)
	for _, a := range doc.Alignments {
		x.aligns[a.From] = append(x.aligns[a.From], a.Relation+" "+orDefault(targets[a.To], a.To))
	}
	for _, entries := range x.aligns {
		slices.Sort(entries)
	}
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
			ctxDocs, outDocs := map[string]*document.Context{}, map[string]*document.Outcome{}
			for i := range pt.Contexts {
				c := &pt.Contexts[i]
				ctxDocs[orDefault(c.ID, kb.ChildID(pv.id, kb.ElementTag(kb.KindContext), c.Name))], ctxDocs[c.Name] = c, c
			}
			for i := range pt.Outcomes {
				o := &pt.Outcomes[i]
				outDocs[orDefault(o.ID, kb.ChildID(pv.id, kb.ElementTag(kb.KindOutcome), o.Name))], outDocs[o.Name] = o, o
			}
			for k := range pt.CMOCs {
				c := &pt.CMOCs[k]
				cv := &cmocView{doc: c, id: orDefault(c.ID, kb.ChildID(pv.id, "", c.Code))}
				for _, ref := range c.Contexts {
					cv.contexts = append(cv.contexts, nameOr(ctx, ref))
					d := ctxDocs[ref]
					cv.contextDocs = append(cv.contextDocs, d)
					if d != nil {
						ref = orDefault(d.ID, kb.ChildID(pv.id, kb.ElementTag(kb.KindContext), d.Name))
					}
					cv.contextAligns = append(cv.contextAligns, x.aligns[ref])
				}
				for _, ref := range c.Outcomes {
					cv.outcomes = append(cv.outcomes, nameOr(out, ref))
					d := outDocs[ref]
					cv.outcomeDocs = append(cv.outcomeDocs, d)
					if d != nil {
						ref = orDefault(d.ID, kb.ChildID(pv.id, kb.ElementTag(kb.KindOutcome), d.Name))
					}
					cv.outcomeAligns = append(cv.outcomeAligns, x.aligns[ref])
				}
				for _, ref := range c.Mechanisms {
					m := mech[ref]
					if m == nil {
						m = &document.Mechanism{Name: ref} // a reference outside the theory: keep what it says
					} else {
						ref = orDefault(m.ID, kb.ChildID(pv.id, kb.ElementTag(kb.KindMechanism), m.Name))
					}
					cv.mechanisms = append(cv.mechanisms, m)
					cv.mechanismAligns = append(cv.mechanismAligns, x.aligns[ref])
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

// documentElement is a context, mechanism or outcome of a document, with its id defaulted the
// way document.Plan defaults it.
type documentElement struct {
	placed
	id string
}

// elementsOf lists every context, mechanism and outcome of doc's studies, study by study.
func elementsOf(doc document.Document) []documentElement {
	var out []documentElement
	for _, st := range doc.Studies {
		for _, pt := range st.ProgrammeTheories {
			ptID := orDefault(pt.ID, kb.ChildID(st.ID, "", pt.Name))
			add := func(kind kb.Kind, id, name string) {
				out = append(out, documentElement{placed{kind, ptID, st.ID, name}, orDefault(id, kb.ChildID(ptID, kb.ElementTag(kind), name))})
			}
			for _, c := range pt.Contexts {
				add(kb.KindContext, c.ID, c.Name)
			}
			for _, m := range pt.Mechanisms {
				add(kb.KindMechanism, m.ID, m.Name)
			}
			for _, o := range pt.Outcomes {
				add(kb.KindOutcome, o.ID, o.Name)
			}
		}
	}
	return out
}

// alignTargets names every element an alignment cell may point to the way a table can find it
// again, "study-id: element name", since a table keeps study ids but not element ids; an
// element whose name another element of its study has is left to its id.
func alignTargets(doc document.Document) map[string]string {
	out := map[string]string{}
	named := map[string][]string{} // "study: name" -> ids
	for _, e := range elementsOf(doc) {
		key := e.study + ": " + nameKey(e.name)
		named[key] = append(named[key], e.id)
		out[e.id] = e.study + ": " + e.name
	}
	for _, ids := range named {
		if len(ids) > 1 {
			for _, id := range ids {
				delete(out, id)
			}
		}
	}
	return out
}
