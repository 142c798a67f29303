package citation

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// Report says what Merge did with each record's study.
type Report struct {
	Created []string // new studies, in record order
	// Updated lists matched studies whose bibliographic fields the file changed; a matched study
	// the file agrees with is in Matched only.
	Updated []string
	Matched map[string]string // study id -> what matched it: "doi", "pmid" or "title+year"
}

// Match keys, in the order they are tried.
const (
	ByDOI       = "doi"
	ByPMID      = "pmid"
	ByTitleYear = "title+year"
)

// candidate is a study a record may match: one of base, or one a previous record created.
type candidate struct {
	study     *document.Study
	created   bool
	doi, pmid string
	claimLine int // line of the record that matched or created it; 0 while unclaimed
	claimRec  int
}

// Merge turns records into the document to upsert. Each record updates the base study it
// matches (by DOI, else PMID, else title and year ignoring case, accents and punctuation; a
// study whose DOI or PMID differs from the record's is never matched by a weaker key) or
// creates a study with id kb.StudyID(first author's surname, year, title).
//
// A matched study is copied from base with everything kept: only the bibliographic fields the
// record gives are replaced. A field the record leaves empty keeps its value, and a value that
// differs only in white space, DOI case, page-range dash, or (for an author) anything but
// surname and initials is kept as stored, so re-importing an export changes nothing. Its
// settings, programme theories and quotes are left out of the document, which leaves them as
// they are.
//
// Two records matching the same study, or a new record without a title, are errors naming the
// records and lines; any error means nothing is to be imported.
func Merge(base document.Document, records []Record) (document.Document, Report, error) {
	return merge("", base, records)
}

// MergeFile is Merge with errors naming the file the records came from ("refs.bib:12: record
// 3: ..."), as every import error should; Merge alone can only say "line 12: record 3".
func MergeFile(name string, base document.Document, records []Record) (document.Document, Report, error) {
	return merge(name, base, records)
}

func merge(name string, base document.Document, records []Record) (document.Document, Report, error) {
	m := newMatcher(base)
	out := document.Document{Format: document.FormatV1}
	rep := Report{Matched: map[string]string{}}
	var errs errorList
	for i, rec := range records {
		recNo := i + 1
		loc := where(name, rec.Line, recNo)
		rec.DOI = NormaliseDOI(rec.DOI)
		rec.PMID = strings.TrimSpace(rec.PMID)
		c, how, err := m.find(rec)
		if err != nil {
			errs.add("%s: %v", loc, err)
			continue
		}
		if c != nil && c.claimLine != 0 {
			verb := "matched"
			if c.created {
				verb = "created"
			}
			errs.add("%s: matches study %q by %s, which record %d (line %d) already %s; remove the duplicate record",
				loc, c.study.ID, how, c.claimRec, c.claimLine, verb)
			continue
		}
		var st document.Study
		if c != nil {
			st = copyBibliographic(*c.study)
		} else {
			if strings.TrimSpace(rec.Title) == "" {
				errs.add("%s: has no title, and a new study needs one (it matches no existing study by DOI, PMID or title)", loc)
				continue
			}
			id, err := m.newID(rec)
			if err != nil {
				errs.add("%s: %v", loc, err)
				continue
			}
			st.ID = id
		}
		changed := apply(&st, rec)
		if err := validate(st); err != nil {
			for _, e := range kb.Errors(err) {
				var ke *kb.Error
				if errors.As(e, &ke) {
					errs.add("%s: %s: %s", loc, ke.Path, ke.Msg)
				} else {
					errs.add("%s: %v", loc, e)
				}
			}
			continue
		}
		line := max(rec.Line, 1) // a record built in code has no line; claims still need one
		if c != nil {
			c.claimLine, c.claimRec = line, recNo
			rep.Matched[st.ID] = how
			if changed {
				rep.Updated = append(rep.Updated, st.ID)
			}
		} else {
			m.add(&candidate{study: &st, created: true, claimLine: line, claimRec: recNo})
			rep.Created = append(rep.Created, st.ID)
		}
		out.Studies = append(out.Studies, st)
	}
	if err := errs.err(); err != nil {
		return document.Document{}, Report{}, err
	}
	return out, rep, nil
}

// matcher indexes studies by each match key.
type matcher struct {
	ids                 map[string]bool
	byDOI, byPMID, byTY map[string][]*candidate
}

func newMatcher(base document.Document) *matcher {
	m := &matcher{ids: map[string]bool{}, byDOI: map[string][]*candidate{}, byPMID: map[string][]*candidate{},
		byTY: map[string][]*candidate{}}
	for i := range base.Studies {
		m.add(&candidate{study: &base.Studies[i]})
	}
	// A new study must not take the id of a theory either: ids are unique across kinds.
	for _, th := range base.Theories {
		m.ids[th.ID] = true
	}
	return m
}

func titleYearKey(title string, year *int) string {
	k := titleKey(title)
	if k == "" {
		// A title of punctuation alone ("?") still matches itself.
		if k = squash(strings.ToLower(title)); k == "" {
			return ""
		}
	}
	if year == nil {
		return k + "|"
	}
	return k + "|" + strconv.Itoa(*year)
}

func (m *matcher) add(c *candidate) {
	st := c.study
	m.ids[st.ID] = true
	c.doi = NormaliseDOI(st.DOI)
	c.pmid = strings.TrimSpace(st.PMID)
	if c.doi != "" {
		m.byDOI[c.doi] = append(m.byDOI[c.doi], c)
	}
	if c.pmid != "" {
		m.byPMID[c.pmid] = append(m.byPMID[c.pmid], c)
	}
	if k := titleYearKey(st.Title, st.Year); k != "" {
		m.byTY[k] = append(m.byTY[k], c)
	}
}

// find returns the study rec matches and by which key; nil if none. A record matching two
// studies by the same key is an error: the knowledge base holds a duplicate to resolve first.
func (m *matcher) find(rec Record) (*candidate, string, error) {
	conflicts := func(c *candidate, pmidToo bool) bool {
		return rec.DOI != "" && c.doi != "" && rec.DOI != c.doi ||
			pmidToo && rec.PMID != "" && c.pmid != "" && rec.PMID != c.pmid
	}
	try := func(how string, cands []*candidate, pmidToo bool) (*candidate, error) {
		var ok []*candidate
		for _, c := range cands {
			if !conflicts(c, pmidToo) {
				ok = append(ok, c)
			}
		}
		switch len(ok) {
		case 0:
			return nil, nil
		case 1:
			return ok[0], nil
		}
		ids := make([]string, len(ok))
		for i, c := range ok {
			ids[i] = strconv.Quote(c.study.ID)
		}
		return nil, fmt.Errorf("matches %d studies by %s (%s); merge or correct them first", len(ok), how, strings.Join(ids, ", "))
	}
	steps := []struct {
		how     string
		cands   []*candidate
		pmidToo bool
	}{
		{ByDOI, m.byDOI[rec.DOI], false},
		{ByPMID, m.byPMID[rec.PMID], false},
		{ByTitleYear, m.byTY[titleYearKey(rec.Title, rec.Year)], true},
	}
	for _, s := range steps {
		if s.how == ByDOI && rec.DOI == "" || s.how == ByPMID && rec.PMID == "" || s.how == ByTitleYear && rec.Title == "" {
			continue
		}
		c, err := try(s.how, s.cands, s.pmidToo)
		if c != nil || err != nil {
			return c, s.how, err
		}
	}
	return nil, "", nil
}

// newID derives a new study's id; if another study already has it (two papers by one author
// in one year whose titles start alike), a short hash of the title and DOI tells them apart.
func (m *matcher) newID(rec Record) (string, error) {
	first := ""
	if len(rec.Authors) > 0 {
		first = kb.Slug(surname(rec.Authors[0]))
	}
	year := 0
	if rec.Year != nil {
		year = *rec.Year
	}
	id := kb.StudyID(first, year, rec.Title)
	if !m.ids[id] {
		return id, nil
	}
	alt := id + "-" + kb.ShortHash(titleKey(rec.Title)+"|"+rec.DOI+"|"+rec.PMID)
	if !m.ids[alt] {
		return alt, nil
	}
	return "", fmt.Errorf("the study id %q (and %q) is already taken by another study; give the record a DOI or a distinct title", id, alt)
}

// surname finds the surname in an author as stored: before the comma of "Last, First", before
// the initials of "van Beethoven L", else the whole name ("World Health Organization"). It is
// slugged before kb.StudyID sees it, which would otherwise cut "van Beethoven" at the space.
func surname(author string) string {
	if i := strings.IndexByte(author, ','); i > 0 {
		return author[:i]
	}
	if s, _, ok := splitVancouver(author); ok {
		return s
	}
	return author
}

// copyBibliographic copies a base study, keeping every field and leaving out its children
// (upsert leaves children a document does not mention as they are).
func copyBibliographic(st document.Study) document.Study {
	st.Authors = slices.Clone(st.Authors)
	st.Informants = slices.Clone(st.Informants)
	if st.Year != nil {
		y := *st.Year
		st.Year = &y
	}
	if st.SampleSize != nil {
		n := *st.SampleSize
		st.SampleSize = &n
	}
	st.Settings, st.ProgrammeTheories, st.Quotes = nil, nil, nil
	return st
}

// etAl stands for the authors past the store's list limit (consortium papers list hundreds).
const etAl = "et al."

// apply writes rec's bibliographic fields onto st and reports whether anything changed.
func apply(st *document.Study, rec Record) bool {
	changed := false
	set := func(dst *string, v string, same func(a, b string) bool) {
		v = strings.TrimSpace(v)
		if v != "" && !same(*dst, v) {
			*dst, changed = v, true
		}
	}
	sameText := func(a, b string) bool { return squash(a) == squash(b) }
	set(&st.Title, rec.Title, sameText)
	set(&st.Journal, rec.Journal, sameText)
	set(&st.Volume, rec.Volume, sameText)
	set(&st.Issue, rec.Issue, sameText)
	set(&st.Pages, rec.Pages, func(a, b string) bool { return pagesKey(a) == pagesKey(b) })
	set(&st.DOI, rec.DOI, func(a, b string) bool { return NormaliseDOI(a) == NormaliseDOI(b) })
	set(&st.PMID, rec.PMID, sameText)
	set(&st.URL, rec.URL, sameText)
	set(&st.Abstract, rec.Abstract, sameText)
	sameName := func(a, b string) bool { return nameKey(a) == nameKey(b) }
	if authors := capAuthors(rec.Authors); len(authors) > 0 && !slices.EqualFunc(st.Authors, authors, sameName) {
		st.Authors, changed = authors, true
	}
	if rec.Year != nil && (st.Year == nil || *st.Year != *rec.Year) {
		y := *rec.Year
		st.Year, changed = &y, true
	}
	return changed
}

// nameKey compares author names by surname and initials, so "Gillard, S.", "Gillard, Steve"
// and "Gillard S" are one person: a file that spells a stored author differently (RIS keeps names
// as written) does not rewrite the store's spelling.
func nameKey(a string) string {
	a = squash(a)
	if i := strings.IndexByte(a, ','); i >= 0 {
		a = joinName(a[:i], a[i+1:], "")
	}
	return titleKey(a)
}

func capAuthors(authors []string) []string {
	var out []string
	for _, a := range authors {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	if len(out) > kb.MaxListItems {
		out = append(out[:kb.MaxListItems-1], etAl)
	}
	return out
}

// validate checks the study as the store will, so a bad record is reported at its line
// rather than by the store without one.
func validate(st document.Study) error {
	informants := make([]kb.Informant, len(st.Informants))
	for i, x := range st.Informants {
		informants[i] = kb.Informant(x)
	}
	n := &kb.Study{ID: st.ID, Title: st.Title, Authors: st.Authors, Year: st.Year, Journal: st.Journal,
		Volume: st.Volume, Issue: st.Issue, Pages: st.Pages, DOI: st.DOI, PMID: st.PMID, PMCID: st.PMCID, URL: st.URL,
		Abstract: st.Abstract, Framing: kb.Framing(st.Framing), Country: st.Country,
		Population: kb.Population(st.Population), Informants: informants, SampleSize: st.SampleSize, Design: st.Design}
	return n.Validate()
}

// Matcher finds which study of a knowledge base a bibliographic description is, the way Merge
// matches records, for importers of other formats (a CMOC table's study columns): a study
// imported from a citation file and later from a table of the same paper is one study,
// whichever came first.
type Matcher struct{ m *matcher }

// NewMatcher indexes base's studies.
func NewMatcher(base document.Document) *Matcher { return &Matcher{m: newMatcher(base)} }

// Find returns the id of the study rec describes and the key that matched it (ByDOI, ByPMID,
// ByTitleYear); "" when none does. Matching two studies by one key is an error.
func (m *Matcher) Find(rec Record) (id, how string, err error) {
	rec.DOI = NormaliseDOI(rec.DOI)
	rec.PMID = strings.TrimSpace(rec.PMID)
	c, how, err := m.m.find(rec)
	if c == nil || err != nil {
		return "", "", err
	}
	return c.study.ID, how, nil
}
