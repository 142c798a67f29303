package cmoctable

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	cites "github.com/cmograph/cmograph/internal/citation"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// maxErrors is how many problems one read reports before it stops: enough to fix a batch,
// not so many that a wrong file floods the terminal.
const maxErrors = 50

// builder turns table rows into the document to upsert.
type builder struct {
	name      string
	lay       layout
	baseStudy map[string]*document.Study
	taken     map[string]bool // every id base uses or this table has given out
	studies   []*studyOut
	studyByID map[string]*studyOut
	// matcher finds base's study a row describes by DOI, PMID or title and year, as a
	// citation import would (built when first needed); matched caches its answers by the
	// row's study cells
	matcher *cites.Matcher
	matched map[string]string
	base    document.Document
	// constructs resolves what a <kind>_construct cell names, a construct's id or its name
	// (any case), to its id (built when first needed)
	constructs map[string]string
	// aligns are the crosswalk links the rows make, checked once every row is read;
	// rowElements are the elements the rows name
	aligns      []pendingAlign
	rowElements map[string]placed
	rep         Report
	errs        []error
}

// Report says what reading a table did beyond what its document shows.
type Report struct {
	// Matched lists the table's studies found in the knowledge base under another id, the way
	// citations match.
	Matched []StudyMatch
	// Replaced lists the elements a re-imported table took off the CMOCs it lists: the table
	// is the truth for its rows, so a CMOC whose rows name elements of a kind has those and no
	// others of that kind.
	Replaced []Replacement
}

// StudyMatch is a table's study found in the knowledge base.
type StudyMatch struct {
	Where, Study, ID, By string // the row, the study cell, the study's id, the key that matched
}

// Replacement is a CMOC's elements of one kind that a table replaced.
type Replacement struct {
	CMOC, Code string
	Kind       kb.Kind
	Removed    []string // ids of the elements the CMOC no longer has
	Now        []string // ids of the elements it has instead
}

// build reads the header and rows of a table (from CSV or XLSX) into a document.
func build(base document.Document, name string, next rowReader, opts Options) (document.Document, Report, error) {
	var header record
	for {
		rec, err := next()
		if errors.Is(err, io.EOF) {
			// a sheet may start with empty rows
			return document.Document{}, Report{}, fmt.Errorf("%s: the table is empty; it starts with a header row", name)
		}
		if err != nil {
			return document.Document{}, Report{}, fmt.Errorf("%s: %w", name, err)
		}
		if !blank(rec.cells) {
			header = rec
			break
		}
	}
	if len(header.cells) == 1 && strings.ContainsAny(header.cells[0], ";\t") {
		return document.Document{}, Report{}, fmt.Errorf("%s: the header is a single column %q; CMOC tables are comma-separated (this file seems to use ';' or tabs)",
			header.where, header.cells[0])
	}
	lay, err := resolveHeader(header.cells, opts.Mapping)
	if err != nil {
		return document.Document{}, Report{}, prefixAll(header.where, err)
	}
	b := &builder{name: name, lay: lay, baseStudy: map[string]*document.Study{}, taken: baseIDs(base),
		studyByID: map[string]*studyOut{}, base: base, matched: map[string]string{}}
	for i := range base.Studies {
		b.baseStudy[base.Studies[i].ID] = &base.Studies[i]
	}
	rowsRead, stopped := 0, false
	for {
		rec, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return document.Document{}, Report{}, fmt.Errorf("%s: %w", name, err)
		}
		if len(b.errs) >= maxErrors {
			stopped = true
			break
		}
		if blank(rec.cells) {
			continue
		}
		rowsRead++
		b.row(rec)
	}
	if rowsRead == 0 && len(b.errs) == 0 {
		return document.Document{}, Report{}, fmt.Errorf("%s: the table has a header but no rows", name)
	}
	b.keepOrReplace()
	alignments := b.checkAligns()
	if !stopped {
		b.checkCMOCs() // after a stop, rows not read may hold the elements it would miss
	}
	if len(b.errs) > 0 {
		if len(b.errs) > maxErrors {
			b.errs, stopped = b.errs[:maxErrors], true
		}
		if stopped {
			b.errs = append(b.errs, fmt.Errorf("%s: stopped after %d errors", name, maxErrors))
		}
		return document.Document{}, Report{}, errors.Join(b.errs...)
	}
	doc := document.Document{Format: document.FormatV1}
	for _, st := range b.studies {
		doc.Studies = append(doc.Studies, st.toDocument())
	}
	doc.Alignments = alignments
	return doc, b.rep, nil
}

// prefixAll puts where in front of each of a joined error's parts.
func prefixAll(where string, err error) error {
	var parts []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			parts = append(parts, fmt.Errorf("%s: %w", where, e))
		}
		return errors.Join(parts...)
	}
	return fmt.Errorf("%s: %w", where, err)
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (b *builder) fail(where, col, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if col != "" {
		b.errs = append(b.errs, fmt.Errorf("%s: column %q: %s", where, b.lay.name(col), msg))
		return
	}
	b.errs = append(b.errs, fmt.Errorf("%s: %s", where, msg))
}

// check reports err, if any, at a row's column.
// enumCell sets field (the property prop of what given tracks) from column col when the row
// fills it, as the enum spells its values or as aliases do, refusing anything else.
func enumCell[T ~string](b *builder, where, col string, cell map[string]string, enum string, aliases map[string]T, given givens, prop string, field *string) {
	v := cell[col]
	if v == "" {
		return
	}
	value, err := parseEnum[T](enum, v, aliases)
	if err != nil {
		b.fail(where, col, "%v", err)
		return
	}
	b.check(where, col, given.set(prop, field, string(value), where))
}

func (b *builder) check(where, col string, err error) {
	if err != nil {
		b.fail(where, col, "%v", err)
	}
}

// construct resolves a construct cell entry to the id of one of base's constructs: the
// entry is an id, or a name that exactly one construct has (ignoring case).
func (b *builder) construct(entry string) (string, error) {
	if b.constructs == nil {
		b.constructs = map[string]string{}
		named := map[string][]string{}
		for _, th := range b.base.Theories {
			for _, c := range th.Constructs {
				id := orDefault(c.ID, kb.ChildID(th.ID, "", c.Name))
				b.constructs[id] = id
				key := strings.ToLower(strings.TrimSpace(c.Name))
				named[key] = append(named[key], id)
			}
		}
		for name, ids := range named {
			if _, isID := b.constructs[name]; !isID && len(ids) == 1 {
				b.constructs[name] = ids[0]
			}
		}
	}
	if id, ok := b.constructs[entry]; ok {
		return id, nil
	}
	if id, ok := b.constructs[strings.ToLower(entry)]; ok {
		return id, nil
	}
	return "", fmt.Errorf("no construct has the id or the name %q: import the theory that defines it first, or write one of its constructs' ids", clip(entry))
}

// baseIDs lists every id base uses, defaulted the way document.Plan defaults them, so that a
// new node never takes an id a node of another kind or owner holds.
func baseIDs(base document.Document) map[string]bool {
	ids := map[string]bool{}
	for _, th := range base.Theories {
		ids[th.ID] = true
		for _, c := range th.Constructs {
			ids[orDefault(c.ID, kb.ChildID(th.ID, "", c.Name))] = true
		}
	}
	for _, st := range base.Studies {
		ids[st.ID] = true
		for _, s := range st.Settings {
			ids[orDefault(s.ID, kb.ChildID(st.ID, kb.ElementTag(kb.KindSetting), s.Name))] = true
		}
		for _, q := range st.Quotes {
			ids[orDefault(q.ID, kb.QuoteID(st.ID, q.Text))] = true
		}
		for _, pt := range st.ProgrammeTheories {
			ptID := orDefault(pt.ID, kb.ChildID(st.ID, "", pt.Name))
			ids[ptID] = true
			for _, c := range pt.CMOCs {
				ids[orDefault(c.ID, kb.ChildID(ptID, "", c.Code))] = true
			}
		}
	}
	for _, e := range elementsOf(base) {
		ids[e.id] = true
	}
	return ids
}

func orDefault(id, fallback string) string {
	if id != "" {
		return id
	}
	return fallback
}

// newID gives out want, or, if something already has it (two names with one slug), want
// with a hash of key, so the same table always gets the same ids.
func (b *builder) newID(want, key string) string {
	id := want
	for i := 0; b.taken[id]; i++ {
		id = want + "-" + kb.ShortHash(key+strings.Repeat("\x00", i))
	}
	b.taken[id] = true
	return id
}

// cellLimits are kb's limits on the fields each column fills, checked here so the error can
// name the row.
var cellLimits = map[string]int{
	colStudy: kb.MaxShortText, colTheory: kb.MaxShortText, colCMOC: kb.MaxCodeLength, colContext: kb.MaxShortText,
	colOutcome: kb.MaxShortText, colMechanism: kb.MaxShortText, colResource: kb.MaxLongText, colReasoning: kb.MaxLongText,
	colQuote: kb.MaxLongText, colParticipant: kb.MaxShortText, colLabel: kb.MaxShortText, colStatement: kb.MaxLongText,
	colSource: kb.MaxShortText, colIntervention: kb.MaxShortText, colStudyTitle: kb.MaxShortText, colActor: kb.MaxShortText, colStatus: kb.MaxShortText,
	colStance: kb.MaxShortText, colInformant: kb.MaxShortText, colYear: kb.MaxShortText, colDOI: kb.MaxShortText,
	colPMID: kb.MaxShortText, colPopulation: kb.MaxShortText, colCountry: kb.MaxShortText, colFraming: kb.MaxShortText,
	colInformants: kb.MaxShortText, colSampleSize: kb.MaxShortText, colDesign: kb.MaxLongText,
	colContextKind: kb.MaxShortText, colContextConstruct: kb.MaxShortText, colMechanismConstruct: kb.MaxShortText,
	colOutcomeConstruct: kb.MaxShortText, colContextAligns: kb.MaxLongText, colMechanismAligns: kb.MaxLongText,
	colOutcomeAligns: kb.MaxLongText,
}

// row adds one table row.
func (b *builder) row(rec record) {
	// A value in a column without a header (in a spreadsheet, right of the header's last
	// column) belongs to no column: refuse it rather than drop it.
	for i, v := range rec.cells {
		if (i >= b.lay.width || b.lay.unnamed[i]) && strings.TrimSpace(v) != "" {
			b.fail(rec.where, "", "column %d has no header but holds %q; give it a header (start it with %q to have it ignored)",
				i+1, clip(v), noteColumnStart)
			return
		}
	}
	cell := map[string]string{}
	tooLong := false
	for _, col := range allColumns() {
		v := b.lay.cell(rec.cells, col)
		limit := cellLimits[col]
		if col == colContext || col == colOutcome {
			limit = maxField // a list: each value is checked on its own
		}
		if len(v) > limit {
			b.fail(rec.where, col, "is %d bytes long; at most %d", len(v), limit)
			tooLong = true
		}
		cell[col] = v
	}
	missing := false
	for _, col := range requiredColumns {
		if cell[col] == "" {
			b.fail(rec.where, col, "is empty; every row needs a study, a theory and a CMOC code")
			missing = true
		}
	}
	if missing || tooLong {
		return
	}
	st := b.study(rec.where, cell)
	if st == nil {
		return
	}
	pt := b.theory(rec.where, st, cell[colTheory])
	if pt == nil {
		return
	}
	cm := b.cmoc(rec.where, pt, cell[colCMOC])
	if cm == nil {
		return
	}
	b.cmocFields(rec.where, cm, cell)
	for _, part := range []struct {
		col  string
		kind kb.Kind
	}{{colContext, kb.KindContext}, {colOutcome, kb.KindOutcome}} {
		for _, name := range splitList(cell[part.col]) {
			if len(name) > kb.MaxShortText {
				b.fail(rec.where, part.col, "%q is %d bytes long; a name is at most %d", clip(name), len(name), kb.MaxShortText)
				continue
			}
			if e := b.element(rec.where, part.col, pt, part.kind, name); e != nil {
				cm.addRef(part.kind, e.id)
				b.elementDetails(rec.where, pt, e, cell)
			}
		}
	}
	b.mechanism(rec.where, pt, cm, cell)
	b.quote(rec.where, st, cm, cell)
}

// clip shortens a value for an error message.
func clip(s string) string {
	const n = 60
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// keepOrReplace settles the elements of the CMOCs base has: of each kind, the ones the table's
// rows name if they name any (the replaced ones are reported), else the ones base gives.
func (b *builder) keepOrReplace() {
	for _, st := range b.studies {
		for _, pt := range st.pts {
			for _, c := range pt.cmocs {
				if c.baseRefs == nil {
					continue
				}
				for i, refs := range c.baseRefs {
					if len(c.refs[i]) == 0 {
						for _, ref := range refs {
							c.addRef(elementKinds[i], b.baseRef(pt, i, ref))
						}
						continue
					}
					var removed []string
					for _, ref := range refs {
						if id := b.baseRef(pt, i, ref); !c.hasRef[i][id] {
							removed = append(removed, id)
						}
					}
					if len(removed) > 0 {
						b.rep.Replaced = append(b.rep.Replaced, Replacement{CMOC: c.doc.ID, Code: c.doc.Code, Kind: elementKinds[i],
							Removed: removed, Now: slices.Clone(c.refs[i])})
					}
				}
			}
		}
	}
}

// baseRef resolves a base CMOC's reference to an element of kind index i: an element of base's
// theory (which then goes into the document with the CMOC, since a CMOC refers only to elements
// of its own theory's document entry), or else an id the store decides on.
func (b *builder) baseRef(pt *ptOut, i int, ref string) string {
	set := pt.elems[i]
	e := set.byKey["id:"+ref]
	if e == nil {
		e = set.byKey["name:"+nameKey(ref)]
	}
	if e == nil {
		return ref
	}
	return set.use(e).id
}

// checkCMOCs reports CMOCs left with no element: document.Plan would refuse them without a
// line number.
func (b *builder) checkCMOCs() {
	for _, st := range b.studies {
		for _, pt := range st.pts {
			for _, c := range pt.cmocs {
				if len(c.refs[0])+len(c.refs[1])+len(c.refs[2]) == 0 {
					b.fail(c.first, "", "CMOC %q has no context, mechanism or outcome; a CMOC needs at least one", c.doc.Code)
				}
			}
		}
	}
}
