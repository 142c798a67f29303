package cmoctable

import (
	"maps"
	"slices"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// element finds a programme theory's element by name (or id), in the table or base, or makes
// a new one.
func (b *builder) element(where, col string, pt *ptOut, k kb.Kind, name string) *elemOut {
	set := pt.elems[kindIndex(k)]
	if e := set.byKey["name:"+nameKey(name)]; e != nil {
		return set.use(e)
	}
	if e := set.byKey["id:"+name]; e != nil {
		return set.use(e)
	}
	want := kb.ChildID(pt.doc.ID, kb.ElementTag(k), name)
	if err := kb.ValidateID("", want); err != nil {
		b.fail(where, col, "%q makes the id %q: %v", clip(name), want, err)
		return nil
	}
	e := &elemOut{kind: k, id: b.newID(want, name), name: name, set: givens{}}
	switch k {
	case kb.KindContext:
		e.ctx = document.Context{ID: e.id, Name: name}
	case kb.KindMechanism:
		e.mech = document.Mechanism{ID: e.id, Name: name}
	case kb.KindOutcome:
		e.out = document.Outcome{ID: e.id, Name: name}
	}
	set.add(e)
	return set.use(e)
}

// mechanism adds a row's mechanism: named by the mechanism column, or else the one with the
// same resource and reasoning, or else a new one named after them.
func (b *builder) mechanism(where string, pt *ptOut, c *cmocOut, cell map[string]string) {
	name, res, rea := cell[colMechanism], cell[colResource], cell[colReasoning]
	if name == "" && res == "" && rea == "" {
		return
	}
	var e *elemOut
	col := colMechanism
	if name == "" {
		col = colResource
		if res == "" {
			col = colReasoning
		}
		if m := pt.elems[1].rr[rrKey(res, rea)]; m != nil {
			e = pt.elems[1].use(m)
		} else {
			name = mechanismName(res, rea)
		}
	}
	if e == nil {
		if e = b.element(where, col, pt, kb.KindMechanism, name); e == nil {
			return
		}
	}
	old := rrKey(e.mech.Resource, e.mech.Reasoning)
	b.check(where, colResource, e.set.set("resource", &e.mech.Resource, res, where))
	b.check(where, colReasoning, e.set.set("reasoning", &e.mech.Reasoning, rea, where))
	pt.elems[1].reindex(e, old)
	c.addRef(kb.KindMechanism, e.id)
	b.elementDetails(where, pt, e, cell)
}

// constructColumns names, per element kind, the column of the constructs its elements in a row
// are instances of.
var constructColumns = map[kb.Kind]string{kb.KindContext: colContextConstruct, kb.KindMechanism: colMechanismConstruct,
	kb.KindOutcome: colOutcomeConstruct}

// elementDetails sets what a row says of one of its elements besides its name: a context's kind
// (context_kind) and the constructs it is an instance of (<kind>_construct, construct ids),
// for every element of that kind the row names.
func (b *builder) elementDetails(where string, pt *ptOut, e *elemOut, cell map[string]string) {
	var instanceOf *[]string
	switch e.kind {
	case kb.KindContext:
		enumCell[kb.ContextKind](b, where, colContextKind, cell, "ContextKind", nil, e.set, "kind", &e.ctx.Kind)
		instanceOf = &e.ctx.InstanceOf
	case kb.KindMechanism:
		instanceOf = &e.mech.InstanceOf
	case kb.KindOutcome:
		instanceOf = &e.out.InstanceOf
	}
	col := constructColumns[e.kind]
	for _, entry := range splitList(cell[col]) {
		id, err := b.construct(entry)
		if err != nil {
			b.fail(where, col, "%v", err)
			continue
		}
		if !slices.Contains(*instanceOf, id) {
			*instanceOf = append(*instanceOf, id)
		}
	}
	if b.rowElements == nil {
		b.rowElements = map[string]placed{}
	}
	b.rowElements[e.id] = placed{e.kind, pt.doc.ID, pt.st.doc.ID, e.name}
	col = alignColumns[e.kind]
	for _, entry := range splitList(cell[col]) {
		rel, to, ok := strings.Cut(strings.TrimSpace(entry), " ")
		to = strings.TrimSpace(to)
		if !ok || to == "" {
			b.fail(where, col, "%q is not \"RELATION study-id: element name\" or \"RELATION element-id\", e.g. \"SAME_AS gillard-2021: Hope\"", clip(entry))
			continue
		}
		relation, err := parseEnum[kb.AlignRelation]("AlignRelation", rel, nil)
		if err != nil {
			b.fail(where, col, "%v", err)
			continue
		}
		b.aligns = append(b.aligns, pendingAlign{where: where, col: col, from: e.id, to: to, relation: relation})
	}
}

// alignColumns names, per element kind, the column of the crosswalk links its elements make.
var alignColumns = map[kb.Kind]string{kb.KindContext: colContextAligns, kb.KindMechanism: colMechanismAligns,
	kb.KindOutcome: colOutcomeAligns}

// placed is an element's kind, programme theory, study and name.
type placed struct {
	kind         kb.Kind
	owner, study string
	name         string
}

// pendingAlign is a crosswalk link a row makes, from one of its elements.
type pendingAlign struct {
	where, col string
	from, to   string
	relation   kb.AlignRelation
}

// checkAligns checks the links the rows make, now that every element the table names is
// known, and gives the new ones as the document's alignments: a link the knowledge base already
// has is left as it is (with its rationale, reviewer and confidence), and a table without a
// link takes none away.
func (b *builder) checkAligns() []document.Alignment {
	if len(b.aligns) == 0 {
		return nil
	}
	elements := map[string]placed{}
	for _, e := range elementsOf(b.base) {
		elements[e.id] = e.placed
	}
	maps.Copy(elements, b.rowElements)
	// "study-id: name" finds the element of that name in the study (the table's own first)
	byName := map[string][]string{}
	for id, p := range elements {
		key := p.study + ": " + nameKey(p.name)
		if !slices.Contains(byName[key], id) {
			byName[key] = append(byName[key], id)
		}
	}
	type key struct{ from, to string }
	has := map[key]kb.AlignRelation{}
	for _, a := range b.base.Alignments {
		has[key{a.From, a.To}] = kb.AlignRelation(a.Relation)
	}
	var out []document.Alignment
	for _, a := range b.aligns {
		if study, name, named := strings.Cut(a.to, ":"); named {
			ids := byName[strings.TrimSpace(study)+": "+nameKey(strings.TrimSpace(name))]
			switch len(ids) {
			case 0:
				b.fail(a.where, a.col, "study %q has no context, mechanism or outcome named %q", clip(strings.TrimSpace(study)), clip(strings.TrimSpace(name)))
				continue
			case 1:
				a.to = ids[0]
			default:
				slices.Sort(ids)
				b.fail(a.where, a.col, "%q names %d elements of study %q (%s): write the id of the one meant", clip(strings.TrimSpace(name)), len(ids), clip(strings.TrimSpace(study)), strings.Join(ids, ", "))
				continue
			}
		}
		to, ok := elements[a.to]
		if !ok {
			b.fail(a.where, a.col, "no context, mechanism or outcome has the id %q", clip(a.to))
			continue
		}
		from := elements[a.from]
		if err := kb.CheckAlign(a.from, from.kind, from.owner, a.to, to.kind, to.owner, a.relation); err != nil {
			b.fail(a.where, a.col, "%v", err)
			continue
		}
		if rel, ok := has[key{a.from, a.to}]; ok && rel == a.relation {
			continue
		}
		has[key{a.from, a.to}] = a.relation
		out = append(out, document.Alignment{From: a.from, To: a.to, Relation: string(a.relation)})
	}
	return out
}

// mechanismNameRunes bounds a mechanism name made from its resource and reasoning.
const mechanismNameRunes = 120

// mechanismName names a mechanism the table gives only as resource and reasoning.
func mechanismName(res, rea string) string {
	s := res
	switch {
	case res != "" && rea != "":
		s = res + " → " + rea
	case res == "":
		s = rea
	}
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= mechanismNameRunes {
		return s
	}
	cut := string(r[:mechanismNameRunes])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
