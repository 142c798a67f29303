package cmoctable

import (
	"fmt"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// The builder's view of what a table touches. Each node starts as a copy of base's (so
// upserting it keeps what the table does not mention) or empty, and records which of its
// fields the table set and where, so two rows that disagree are reported.

// given is a value a table gave for one field and the row that gave it.
type given struct{ value, where string }

// givens remembers, per field, the first value a table gave.
type givens map[string]given

// set stores value into *dst unless it is empty. A different value given before for the same
// field is a conflict; the message names the row that gave it.
func (g givens) set(field string, dst *string, value, where string) error {
	if value == "" {
		return nil
	}
	if prev, ok := g[field]; ok {
		if prev.value != value {
			return fmt.Errorf("%q differs from %q given at %s", value, prev.value, prev.where)
		}
		return nil
	}
	g[field] = given{value: value, where: where}
	*dst = value
	return nil
}

type studyOut struct {
	doc   document.Study // fields only; children are rebuilt from the lists below
	isNew bool
	set   givens

	pts      []*ptOut
	ptKeys   map[string]*ptOut // "id:"+id and "name:"+nameKey
	basePTs  map[string]*document.ProgrammeTheory
	quotes   []*quoteOut
	byText   map[string][]*quoteOut        // textKey -> the table's quotes with that text
	baseQ    map[string][]*document.Quote  // textKey -> base quotes with that text
	fromBase map[*document.Quote]*quoteOut // base quote -> the quote the table made of it
}

type ptOut struct {
	st        *studyOut
	doc       document.ProgrammeTheory
	elems     [3]*elemSet
	cmocs     []*cmocOut
	cmocKeys  map[string]*cmocOut       // "code:"+nameKey(code) and "id:"+id
	baseCMOCs map[string]*document.CMOC // base's CMOCs, keyed the same way
}

// kinds of element, in the order elemSet arrays use.
var elementKinds = [3]kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome}

func kindIndex(k kb.Kind) int {
	for i, x := range elementKinds {
		if x == k {
			return i
		}
	}
	panic("cmoctable: not an element kind: " + string(k))
}

// elemSet is one kind of a programme theory's elements: those the table uses (out, in the
// order first used) and those base has, any of which a row may name.
type elemSet struct {
	out   []*elemOut
	byKey map[string]*elemOut // "name:"+nameKey(name) and "id:"+id, over base's and new elements
	rr    map[string]*elemOut // mechanisms by rrKey, for rows that give no mechanism name
}

// rrKey is how a mechanism without a name is matched: by its resource and reasoning.
func rrKey(resource, reasoning string) string { return textKey(resource) + "\x00" + textKey(reasoning) }

// reindex keeps rr current after a mechanism's resource or reasoning changed from old.
func (s *elemSet) reindex(e *elemOut, old string) {
	now := rrKey(e.mech.Resource, e.mech.Reasoning)
	if now == old {
		return
	}
	if s.rr[old] == e {
		delete(s.rr, old)
	}
	if _, taken := s.rr[now]; !taken {
		s.rr[now] = e
	}
}

type elemOut struct {
	kind     kb.Kind
	id, name string
	used     bool // emitted in the document
	ctx      document.Context
	mech     document.Mechanism
	out      document.Outcome
	set      givens
}

func newElemSet() *elemSet { return &elemSet{byKey: map[string]*elemOut{}, rr: map[string]*elemOut{}} }

func (s *elemSet) add(e *elemOut) {
	if _, dup := s.byKey["name:"+nameKey(e.name)]; !dup {
		s.byKey["name:"+nameKey(e.name)] = e
	}
	s.byKey["id:"+e.id] = e
	if e.kind == kb.KindMechanism && (e.mech.Resource != "" || e.mech.Reasoning != "") {
		if _, taken := s.rr[rrKey(e.mech.Resource, e.mech.Reasoning)]; !taken {
			s.rr[rrKey(e.mech.Resource, e.mech.Reasoning)] = e
		}
	}
}

func (s *elemSet) use(e *elemOut) *elemOut {
	if !e.used {
		e.used = true
		s.out = append(s.out, e)
	}
	return e
}

type cmocOut struct {
	pt     *ptOut
	doc    document.CMOC
	refs   [3][]string
	hasRef [3]map[string]bool
	// baseRefs are the element references of base's CMOC, per kind (nil for a new CMOC);
	// they are kept for a kind the rows name nothing of (see keepOrReplace)
	baseRefs [][]string
	actors   []string // as the table gives them; nil keeps base's
	roles    []string // likewise
	set      givens
	first    string // where the table first names it
}

func (c *cmocOut) addRef(k kb.Kind, id string) {
	i := kindIndex(k)
	if c.hasRef[i] == nil {
		c.hasRef[i] = map[string]bool{}
	}
	if !c.hasRef[i][id] {
		c.hasRef[i][id] = true
		c.refs[i] = append(c.refs[i], id)
	}
}

type quoteOut struct {
	doc     document.Quote
	stances map[string]given // CMOC id -> stance the table gave
	set     givens
	evIndex map[string]int // CMOC id -> index in doc.Evidences
}

// evidence returns the quote's evidence for a CMOC, or nil.
func (q *quoteOut) evidence(cmocID string) *document.Evidence {
	if q.evIndex == nil {
		q.evIndex = map[string]int{}
		for i, ev := range q.doc.Evidences {
			if _, dup := q.evIndex[ev.CMOC]; !dup {
				q.evIndex[ev.CMOC] = i
			}
		}
	}
	if i, ok := q.evIndex[cmocID]; ok {
		return &q.doc.Evidences[i]
	}
	return nil
}

func (q *quoteOut) addEvidence(ev document.Evidence) {
	q.doc.Evidences = append(q.doc.Evidences, ev)
	q.evIndex[ev.CMOC] = len(q.doc.Evidences) - 1
}

// toDocument writes what the table touched as a document for import.
func (st *studyOut) toDocument() document.Study {
	out := st.doc
	out.ProgrammeTheories = nil
	out.Quotes = nil
	for _, pt := range st.pts {
		out.ProgrammeTheories = append(out.ProgrammeTheories, pt.toDocument())
	}
	for _, q := range st.quotes {
		out.Quotes = append(out.Quotes, q.doc)
	}
	return out
}

func (pt *ptOut) toDocument() document.ProgrammeTheory {
	out := pt.doc
	out.Contexts, out.Mechanisms, out.Outcomes, out.CMOCs = nil, nil, nil, nil
	for _, e := range pt.elems[0].out {
		out.Contexts = append(out.Contexts, e.ctx)
	}
	for _, e := range pt.elems[1].out {
		out.Mechanisms = append(out.Mechanisms, e.mech)
	}
	for _, e := range pt.elems[2].out {
		out.Outcomes = append(out.Outcomes, e.out)
	}
	for _, c := range pt.cmocs {
		d := c.doc
		d.Contexts, d.Mechanisms, d.Outcomes = c.refs[0], c.refs[1], c.refs[2]
		if c.actors != nil || c.roles != nil {
			d.Actors, d.Roles = c.actors, c.roles
		}
		out.CMOCs = append(out.CMOCs, d)
	}
	return out
}
