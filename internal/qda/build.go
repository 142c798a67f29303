package qda

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// textLoader returns a source's full text (the archive's sources/<guid>.txt, or the
// project's inline PlainTextContent), with errors naming where it looked.
type textLoader func(src *textSource) (string, error)

// builder turns a parsed project into studies, starting every node from the knowledge base.
type builder struct {
	base   *baseIndex
	report *Report
	p      *problems
	ptName string // "<project name> codes"
	ptDesc string
}

// elementID is where a classified code's element lives in a programme theory.
func elementID(ptID string, c *code) string {
	return kb.ChildID(ptID, kb.ElementTag(c.kind), c.element)
}

// addElement puts a code's element into pt unless one with its id is there already (two codes
// may name the same element).
func addElement(pt *document.ProgrammeTheory, ptID string, c *code, base *baseIndex, seen map[string]bool, r *Report, p *problems) {
	id := elementID(ptID, c)
	if seen[id] {
		return
	}
	if len(id) > kb.MaxIDLength {
		p.atLine(c.line, c.desc, "its element's id %q would be %d characters long (at most %d); shorten the project, source or code name",
			id, len(id), kb.MaxIDLength)
		seen[id] = true
		return
	}
	seen[id] = true
	switch c.kind {
	case kb.KindContext:
		pt.Contexts = append(pt.Contexts, base.context(id, c.element, c.description))
		r.Contexts++
	case kb.KindMechanism:
		pt.Mechanisms = append(pt.Mechanisms, base.mechanism(id, c.element, c.description))
		r.Mechanisms++
	case kb.KindOutcome:
		pt.Outcomes = append(pt.Outcomes, base.outcome(id, c.element, c.description))
		r.Outcomes++
	}
}

// reportIgnored lists the codes that are neither contexts, mechanisms nor outcomes.
func reportIgnored(codes []*code, r *Report) {
	r.Codes = len(codes)
	for _, c := range codes {
		if c.kind == "" && !c.category {
			r.IgnoredCodes = append(r.IgnoredCodes, c.path())
		}
	}
}

// cmocSet is a set that can become CMOCs: it has classified member codes.
type cmocSet struct {
	*qdaSet
	members  map[*code]bool // every member code: a quote coded with one evidences the CMOC
	elements []*code        // the classified members, in codebook order
	used     bool
}

// cmocSets picks the sets that can make CMOCs and checks their names can be CMOC codes.
func (b *builder) cmocSets(proj *project) []*cmocSet {
	var out []*cmocSet
	slugs := map[string]*qdaSet{}
	for _, s := range proj.sets {
		cs := &cmocSet{qdaSet: s, members: map[*code]bool{}}
		for _, c := range s.codes {
			if !cs.members[c] {
				cs.members[c] = true
				if c.kind != "" {
					cs.elements = append(cs.elements, c)
				}
			}
		}
		slices.SortFunc(cs.elements, func(x, y *code) int { return x.index - y.index })
		switch {
		case len(s.codes) == 0:
			b.report.SkippedSets = append(b.report.SkippedSets, fmt.Sprintf("%q (no member codes)", s.name))
			continue
		case len(cs.elements) == 0:
			b.report.SkippedSets = append(b.report.SkippedSets, fmt.Sprintf("%q (no member code is a context, mechanism or outcome)", s.name))
			continue
		case len(s.name) > kb.MaxCodeLength:
			b.p.atLine(s.line, s.desc, "the name is %d bytes long; it becomes a CMOC code, which is at most %d", len(s.name), kb.MaxCodeLength)
			continue
		}
		slug := kb.Slug(s.name)
		if prev, dup := slugs[slug]; dup {
			b.p.atLine(s.line, s.desc, "the name makes the same CMOC id as the set %q at line %d; rename one", prev.name, prev.line)
			continue
		}
		slugs[slug] = s
		out = append(out, cs)
	}
	return out
}

// quoteOf is a quote being built and the codes of the selections it came from.
type quoteOf struct {
	q        document.Quote
	codes    []*code
	baseEvid []document.Evidence
}

func (b *builder) build(proj *project, load textLoader) []document.Study {
	reportIgnored(proj.codes, b.report)
	b.report.SkippedSources = proj.skippedSources
	b.report.SkippedSelections = proj.skippedSelections
	sets := b.cmocSets(proj)
	var studies []document.Study
	taken := map[string]bool{}
	for _, src := range proj.sources {
		id := kb.Slug(src.name)
		if taken[id] {
			id += "-" + kb.ShortHash(src.guid)
		}
		taken[id] = true
		b.report.Sources++
		if st, ok := b.source(src, id, sets, load); ok {
			studies = append(studies, st)
		}
	}
	for _, s := range sets {
		if !s.used {
			b.report.SkippedSets = append(b.report.SkippedSets, fmt.Sprintf("%q (no selection is coded with its member codes)", s.name))
		}
	}
	return studies
}

// source builds one source's study.
func (b *builder) source(src *textSource, studyID string, sets []*cmocSet, load textLoader) (document.Study, bool) {
	st, merged := b.base.study(studyID, src.name)
	quotes, ok := b.quotes(src, studyID, load)
	if !ok {
		return st, false
	}
	ptID := kb.ChildID(studyID, "", b.ptName)
	pt := b.base.programmeTheory(ptID, b.ptName, b.ptDesc)
	used := map[*code]bool{}
	for _, q := range quotes {
		for _, c := range q.codes {
			used[c] = true
		}
	}
	for _, s := range sets {
		if len(s.sources) > 0 && !s.sources[src.guid] && !s.sources[src.altGUID] {
			continue
		}
		var evidencing []*quoteOf
		for _, q := range quotes {
			if slices.ContainsFunc(q.codes, func(c *code) bool { return s.members[c] }) {
				evidencing = append(evidencing, q)
			}
		}
		if len(evidencing) == 0 {
			continue
		}
		s.used = true
		cmocID := kb.ChildID(ptID, "", s.name)
		if len(cmocID) > kb.MaxIDLength {
			b.p.atLine(s.line, s.desc, "its CMOC's id %q would be %d characters long (at most %d); shorten the project, source or set name",
				cmocID, len(cmocID), kb.MaxIDLength)
			continue
		}
		cm := b.base.cmoc(cmocID, s.name, s.description, fmt.Sprintf("REFI-QDA set %q", s.name))
		for _, c := range s.elements {
			used[c] = true
			eid := elementID(ptID, c)
			switch c.kind {
			case kb.KindContext:
				cm.Contexts = appendNew(cm.Contexts, eid)
			case kb.KindMechanism:
				cm.Mechanisms = appendNew(cm.Mechanisms, eid)
			case kb.KindOutcome:
				cm.Outcomes = appendNew(cm.Outcomes, eid)
			}
		}
		pt.CMOCs = append(pt.CMOCs, cm)
		b.report.CMOCs++
		for _, q := range evidencing {
			ev := document.Evidence{CMOC: cmocID, Stance: string(kb.StanceSupports)}
			if i := slices.IndexFunc(q.baseEvid, func(e document.Evidence) bool { return e.CMOC == cmocID }); i >= 0 {
				ev = q.baseEvid[i] // keep the reviewer's stance and ratings
			}
			q.q.Evidences = append(q.q.Evidences, ev)
			b.report.Evidences++
		}
	}
	seen := map[string]bool{}
	for _, c := range b.codesInOrder(used) {
		if c.kind != "" {
			addElement(&pt, ptID, c, b.base, seen, b.report, b.p)
		}
	}
	if len(seen) > 0 {
		st.ProgrammeTheories = append(st.ProgrammeTheories, pt)
	}
	for _, q := range quotes {
		st.Quotes = append(st.Quotes, q.q)
	}
	b.report.Quotes += len(quotes)
	b.report.Studies++
	if merged {
		b.report.MergedStudies++
	}
	return st, true
}

// codesInOrder lists the used codes in codebook order, so output does not depend on map order.
func (b *builder) codesInOrder(used map[*code]bool) []*code {
	out := make([]*code, 0, len(used))
	for c := range used {
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y *code) int { return x.index - y.index })
	return out
}

func appendNew(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// quotes cuts the source's coded selections out of its text.
func (b *builder) quotes(src *textSource, studyID string, load textLoader) ([]*quoteOf, bool) {
	if len(src.selections) == 0 {
		return nil, true
	}
	text, err := load(src)
	if err != nil {
		b.p.add(err)
		return nil, false
	}
	var positions []int
	for _, sel := range src.selections {
		positions = append(positions, sel.start, sel.end)
	}
	offsets, length := byteOffsets(text, positions)
	var out []*quoteOf
	byID := map[string]*quoteOf{}
	ok := true
	for _, sel := range src.selections {
		from, ok1 := offsets[sel.start]
		to, ok2 := offsets[sel.end]
		if !ok1 || !ok2 {
			b.p.atLine(sel.line, sel.desc, "positions %d to %d are outside the text of %s, which has %d characters",
				sel.start, sel.end, src.desc, length)
			ok = false
			continue
		}
		t := text[from:to]
		if strings.TrimSpace(t) == "" {
			b.report.SkippedSelections++
			continue
		}
		if len(t) > kb.MaxLongText {
			b.p.atLine(sel.line, sel.desc, "the selected text is %d bytes long; a quote is at most %d", len(t), kb.MaxLongText)
			ok = false
			continue
		}
		id := kb.QuoteID(studyID, t)
		if q, dup := byID[id]; dup { // the same words coded twice: one quote with both codings
			for _, c := range sel.codes {
				if !slices.Contains(q.codes, c) {
					q.codes = append(q.codes, c)
				}
			}
			continue
		}
		q, evid := b.base.quote(id)
		start, end := sel.start, sel.end
		q.Text, q.StartOffset, q.EndOffset = t, &start, &end
		if loc := location(sel.name, t); loc != "" {
			q.Location = loc
		}
		qo := &quoteOf{q: q, codes: slices.Clone(sel.codes), baseEvid: evid}
		byID[id] = qo
		out = append(out, qo)
	}
	return out, ok
}

// location is a selection's name when it says something the text does not: exporters often
// name a selection with the first words of its text ("I felt like nobody…").
func location(name, text string) string {
	if name == "" || len(name) > kb.MaxShortText {
		return ""
	}
	stem := strings.TrimSpace(strings.TrimRight(name, ".…"))
	words := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if stem == "" || strings.HasPrefix(words(text), words(stem)) {
		return ""
	}
	return name
}
