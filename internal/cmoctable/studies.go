package cmoctable

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	cites "github.com/cmograph/cmograph/internal/citation"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// study finds or starts the row's study. A study base has keeps its fields: study_title and
// year only describe a study the table introduces.
func (b *builder) study(where string, cell map[string]string) *studyOut {
	raw := cell[colStudy]
	id := raw
	if kb.ValidateID("", id) != nil {
		id = kb.Slug(raw)
		if id == kb.ShortHash(raw) {
			// Slug falls back to a hash for text with no letters or digits: no id a reviewer
			// would recognise.
			b.fail(where, colStudy, "%q has no letters or digits to make a study id from", clip(raw))
			return nil
		}
	}
	var year *int
	if y := cell[colYear]; y != "" {
		n, err := parseYear(y)
		if err != nil {
			b.fail(where, colYear, "%v", err)
			return nil
		}
		year = &n
	}
	if b.studyByID[id] == nil && b.baseStudy[id] == nil {
		if found, ok := b.matchStudy(where, raw, year, cell); !ok {
			return nil
		} else if found != "" {
			id = found
		}
	}
	st := b.studyByID[id]
	if st == nil {
		st = b.startStudy(where, raw, id)
		if st == nil {
			return nil
		}
	}
	if !st.isNew {
		return st
	}
	b.check(where, colStudyTitle, st.set.set("title", &st.doc.Title, cell[colStudyTitle], where))
	b.check(where, colDOI, st.set.set("doi", &st.doc.DOI, cell[colDOI], where))
	b.check(where, colPMID, st.set.set("pmid", &st.doc.PMID, cell[colPMID], where))
	b.studyDetails(where, st, cell)
	if year != nil {
		ys := strconv.Itoa(*year)
		var dummy string
		if err := st.set.set("year", &dummy, ys, where); err != nil {
			b.fail(where, colYear, "%v", err)
		} else {
			st.doc.Year = year
		}
	}
	return st
}

// matchStudy finds the study of base that a row's study cells describe, the way citations match
// (DOI, then PMID, then title and year), so that a paper imported from a citation file and then
// from a table is one study whichever came first; "" when none matches, and ok false when the
// row matches several (reported).
func (b *builder) matchStudy(where, raw string, year *int, cell map[string]string) (id string, ok bool) {
	title := cmp.Or(cell[colStudyTitle], raw)
	key := strings.Join([]string{title, cell[colYear], cell[colDOI], cell[colPMID]}, "\x00")
	if id, seen := b.matched[key]; seen {
		return id, true
	}
	if b.matcher == nil {
		b.matcher = cites.NewMatcher(b.base)
	}
	id, how, err := b.matcher.Find(cites.Record{Title: title, Year: year, DOI: cell[colDOI], PMID: cell[colPMID]})
	if err != nil {
		b.fail(where, colStudy, "%v", err)
		return "", false
	}
	b.matched[key] = id
	if id != "" {
		b.rep.Matched = append(b.rep.Matched, StudyMatch{Where: where, Study: raw, ID: id, By: how})
	}
	return id, true
}

// Publication years kb accepts (kb keeps its bounds unexported).
const (
	minYear = 1800
	maxYear = 2100
)

func parseYear(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		// Spreadsheets store numbers as floats: "2015.0" is a year too.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int(f)) {
			return 0, fmt.Errorf("%q is not a year", s)
		}
		n = int(f)
	}
	if n < minYear || n > maxYear {
		return 0, fmt.Errorf("%d is not a plausible publication year (%d to %d)", n, minYear, maxYear)
	}
	return n, nil
}

func (b *builder) startStudy(where, raw, id string) *studyOut {
	if err := kb.ValidateID("", id); err != nil {
		b.fail(where, colStudy, "%q does not make a study id: %v", clip(raw), err)
		return nil
	}
	st := &studyOut{set: givens{}, ptKeys: map[string]*ptOut{}, basePTs: map[string]*document.ProgrammeTheory{},
		byText: map[string][]*quoteOut{}, baseQ: map[string][]*document.Quote{}, fromBase: map[*document.Quote]*quoteOut{}}
	if base := b.baseStudy[id]; base != nil {
		st.doc = *base
		for i := range base.ProgrammeTheories {
			pt := &base.ProgrammeTheories[i]
			ptID := orDefault(pt.ID, kb.ChildID(id, "", pt.Name))
			st.basePTs["id:"+ptID] = pt
			if _, dup := st.basePTs["name:"+nameKey(pt.Name)]; !dup {
				st.basePTs["name:"+nameKey(pt.Name)] = pt
			}
		}
		for i := range base.Quotes {
			k := textKey(base.Quotes[i].Text)
			st.baseQ[k] = append(st.baseQ[k], &base.Quotes[i])
		}
	} else {
		if b.taken[id] {
			b.fail(where, colStudy, "%q is the id of something other than a study", id)
			return nil
		}
		b.taken[id] = true
		st.isNew = true
		st.doc = document.Study{ID: id, Title: raw}
	}
	b.studyByID[id] = st
	b.studies = append(b.studies, st)
	return st
}

// theory finds the programme theory a row names (by id or name), in the table or in base, or
// starts one.
func (b *builder) theory(where string, st *studyOut, raw string) *ptOut {
	if pt := st.ptKeys["id:"+raw]; pt != nil {
		return pt
	}
	if pt := st.ptKeys["name:"+nameKey(raw)]; pt != nil {
		return pt
	}
	pt := &ptOut{st: st, cmocKeys: map[string]*cmocOut{}, baseCMOCs: map[string]*document.CMOC{}}
	for i := range pt.elems {
		pt.elems[i] = newElemSet()
	}
	base := st.basePTs["id:"+raw]
	if base == nil {
		base = st.basePTs["name:"+nameKey(raw)]
	}
	if base != nil {
		pt.doc = *base
		pt.doc.ID = orDefault(base.ID, kb.ChildID(st.doc.ID, "", base.Name))
		b.indexBasePT(pt, base)
	} else {
		id := kb.ChildID(st.doc.ID, "", raw)
		if err := kb.ValidateID("", id); err != nil {
			b.fail(where, colTheory, "%q makes the id %q: %v", clip(raw), id, err)
			return nil
		}
		pt.doc = document.ProgrammeTheory{ID: b.newID(id, raw), Name: raw}
	}
	st.ptKeys["id:"+pt.doc.ID] = pt
	if _, dup := st.ptKeys["name:"+nameKey(pt.doc.Name)]; !dup {
		st.ptKeys["name:"+nameKey(pt.doc.Name)] = pt
	}
	st.ptKeys["name:"+nameKey(raw)] = pt
	st.pts = append(st.pts, pt)
	return pt
}

// indexBasePT makes base's elements and CMOCs of a programme theory findable by name.
func (b *builder) indexBasePT(pt *ptOut, base *document.ProgrammeTheory) {
	for _, c := range base.Contexts {
		id := orDefault(c.ID, kb.ChildID(pt.doc.ID, kb.ElementTag(kb.KindContext), c.Name))
		c.ID = id
		pt.elems[0].add(&elemOut{kind: kb.KindContext, id: id, name: c.Name, ctx: c, set: givens{}})
	}
	for _, m := range base.Mechanisms {
		id := orDefault(m.ID, kb.ChildID(pt.doc.ID, kb.ElementTag(kb.KindMechanism), m.Name))
		m.ID = id
		pt.elems[1].add(&elemOut{kind: kb.KindMechanism, id: id, name: m.Name, mech: m, set: givens{}})
	}
	for _, o := range base.Outcomes {
		id := orDefault(o.ID, kb.ChildID(pt.doc.ID, kb.ElementTag(kb.KindOutcome), o.Name))
		o.ID = id
		pt.elems[2].add(&elemOut{kind: kb.KindOutcome, id: id, name: o.Name, out: o, set: givens{}})
	}
	for i := range base.CMOCs {
		c := &base.CMOCs[i]
		id := orDefault(c.ID, kb.ChildID(pt.doc.ID, "", c.Code))
		pt.baseCMOCs["id:"+id] = c
		if _, dup := pt.baseCMOCs["code:"+nameKey(c.Code)]; !dup {
			pt.baseCMOCs["code:"+nameKey(c.Code)] = c
		}
	}
}

// cmoc finds the CMOC a row names (by code, or id) or starts one.
func (b *builder) cmoc(where string, pt *ptOut, code string) *cmocOut {
	if c := pt.cmocKeys["code:"+nameKey(code)]; c != nil {
		return c
	}
	if c := pt.cmocKeys["id:"+code]; c != nil {
		return c
	}
	c := &cmocOut{pt: pt, set: givens{}, first: where}
	base := pt.baseCMOCs["code:"+nameKey(code)]
	if base == nil {
		base = pt.baseCMOCs["id:"+code]
	}
	if base != nil {
		c.doc = *base
		c.doc.ID = orDefault(base.ID, kb.ChildID(pt.doc.ID, "", base.Code))
		// which of its elements the CMOC keeps is known once every row is read
		c.baseRefs = [][]string{base.Contexts, base.Mechanisms, base.Outcomes}
	} else {
		id := kb.ChildID(pt.doc.ID, "", code)
		if err := kb.ValidateID("", id); err != nil {
			b.fail(where, colCMOC, "%q makes the id %q: %v", clip(code), id, err)
			return nil
		}
		c.doc = document.CMOC{ID: b.newID(id, code), Code: code}
	}
	pt.cmocKeys["code:"+nameKey(c.doc.Code)] = c
	pt.cmocKeys["code:"+nameKey(code)] = c
	pt.cmocKeys["id:"+c.doc.ID] = c
	pt.cmocs = append(pt.cmocs, c)
	return c
}

// cmocFields sets the CMOC's own fields from a row.
func (b *builder) cmocFields(where string, c *cmocOut, cell map[string]string) {
	b.check(where, colLabel, c.set.set("label", &c.doc.Label, cell[colLabel], where))
	b.check(where, colStatement, c.set.set("statement", &c.doc.Statement, cell[colStatement], where))
	b.check(where, colSource, c.set.set("source", &c.doc.Source, cell[colSource], where))
	b.check(where, colIntervention, c.set.set("intervention", &c.doc.Intervention, cell[colIntervention], where))
	if s := cell[colStatus]; s != "" {
		status, err := parseStatus(s)
		if err != nil {
			b.fail(where, colStatus, "%v", err)
		} else {
			b.check(where, colStatus, c.set.set("status", &c.doc.Status, string(status), where))
		}
	}
	for _, a := range splitList(cell[colActor]) {
		actor, role := parseActorOrRole(a)
		if actor != "" && !slices.Contains(c.actors, string(actor)) {
			c.actors = append(c.actors, string(actor))
		}
		if role != "" && !slices.ContainsFunc(c.roles, func(r string) bool { return kb.RoleKey(r) == kb.RoleKey(role) }) {
			c.roles = append(c.roles, role)
		}
	}
}

// parseActorOrRole reads an actor cell entry: an actor category as the enum spells it or as
// reviewers type it ("service user"), or else a role as the study names it, with its category
// in brackets when given: "peer supporter with diabetes (peer worker)".
func parseActorOrRole(s string) (kb.Actor, string) {
	if actor, err := parseActor(s); err == nil {
		return actor, ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if open := strings.LastIndexByte(s, '('); open > 0 && strings.HasSuffix(s, ")") {
		if actor, err := parseActor(s[open+1 : len(s)-1]); err == nil {
			return actor, strings.TrimSpace(s[:open])
		}
	}
	return "", s
}

// studyDetails sets what a table says of a study besides its citation: population, framing
// and informants (as the enums spell them, or as reviewers type them), country, sample size
// and design.
func (b *builder) studyDetails(where string, st *studyOut, cell map[string]string) {
	enumCell(b, where, colPopulation, cell, "Population", populationAliases, st.set, "population", &st.doc.Population)
	enumCell[kb.Framing](b, where, colFraming, cell, "Framing", nil, st.set, "framing", &st.doc.Framing)
	b.check(where, colCountry, st.set.set("country", &st.doc.Country, cell[colCountry], where))
	b.check(where, colDesign, st.set.set("design", &st.doc.Design, cell[colDesign], where))
	if v := cell[colInformants]; v != "" {
		var roles []string
		for _, r := range splitList(v) {
			role, err := parseInformant(r)
			if err != nil {
				b.fail(where, colInformants, "%v", err)
				return
			}
			roles = append(roles, string(role))
		}
		var joined string
		if err := st.set.set("informants", &joined, joinList(roles), where); err != nil {
			b.fail(where, colInformants, "%v", err)
		} else if joined != "" {
			st.doc.Informants = roles
		}
	}
	if v := cell[colSampleSize]; v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			b.fail(where, colSampleSize, "%q is not a number of participants", v)
			return
		}
		var given string
		if err := st.set.set("sampleSize", &given, strconv.Itoa(n), where); err != nil {
			b.fail(where, colSampleSize, "%v", err)
		} else if given != "" {
			st.doc.SampleSize = &n
		}
	}
}

// populationAliases are the populations as reviewers type them.
var populationAliases = map[string]kb.Population{
	"CHILD": kb.PopulationChildren, "YOUNG_PERSON": kb.PopulationYoungPeople, "YOUTH": kb.PopulationYoungPeople,
	"ADULT": kb.PopulationAdults,
}
