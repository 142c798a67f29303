package cmoctable

import (
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
