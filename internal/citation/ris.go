package citation

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// RIS: one "TAG  - value" per line, a record from "TY  - " to "ER  - ". Tags read:
//
//	TY            starts a record (its type is not kept: a study has none)
//	AU, A1        authors, in file order, kept as written ("Gillard, Steve" or "Gillard S")
//	TI, T1        title
//	PY, Y1, DA    year: the first four digits ("2015", "2015///", "2015/05/12")
//	JF, JO, T2    journal, first present in that order (then JA, J2)
//	VL, IS        volume, issue
//	SP, EP        pages: "SP-EP", or SP alone when it already holds a range
//	DO            DOI
//	AB, N2        abstract
//	UR            URL (the first)
//	AN, N1        PMID: "PMID: 123" in either, or AN that is all digits
//	ER            ends a record
//
// Other tags are ignored. A line that is not a tag line continues the previous value (wrapped
// abstracts). Spacing around the "-" is read liberally ("TI - x", "TI  -x"), CR LF and CR line
// ends and a UTF-8 byte-order mark are accepted.

// risField is one tag line's value and where it was.
type risField struct {
	value string
	line  int
	cont  []string // continuation lines, joined when the record ends (appending each would be quadratic)
	size  int
}

type risRecord struct {
	line   int
	fields map[string][]risField
	order  []string // tags in file order, with repeats, for authors given as a mix of AU and A1
	last   string
}

// risTagLine splits "TI  - value" into tag and value. The tag is a capital letter and a capital
// or digit; some space must sit next to the "-" unless nothing follows it, so "CD-ROM based
// ..." continuing an abstract is not read as a tag.
func risTagLine(line string) (tag, value string, ok bool) {
	if len(line) < 3 || line[0] < 'A' || line[0] > 'Z' || !(line[1] >= 'A' && line[1] <= 'Z' || line[1] >= '0' && line[1] <= '9') {
		return "", "", false
	}
	i := 2
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i >= len(line) || line[i] != '-' {
		return "", "", false
	}
	before := i - 2
	i++
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if before == 0 && j == i && j < len(line) {
		return "", "", false
	}
	return line[:2], strings.TrimSpace(line[j:]), true
}

// ParseRIS reads an RIS file. Errors name the file, line and record number.
func ParseRIS(name string, data []byte) ([]Record, error) {
	data, err := prepare(name, data)
	if err != nil {
		return nil, err
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))

	var errs errorList
	var records []Record
	var cur *risRecord
	finish := func() {
		rec, problems := cur.record()
		for _, p := range problems {
			errs.add("%s: %s", where(name, p.line, len(records)+1), p.msg)
		}
		records = append(records, rec)
		cur = nil
	}
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		raw := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(raw) > MaxFieldSize+16 {
			loc := fmt.Sprintf("%s:%d", name, lineNo)
			if cur != nil {
				loc = where(name, lineNo, len(records)+1)
			}
			errs.add("%s: line is %d bytes long; a value may be at most %d", loc, len(raw), MaxFieldSize)
			return nil, errs.err()
		}
		line := string(raw)
		tag, value, isTag := risTagLine(line)
		switch {
		case isTag && tag == "TY":
			if cur != nil {
				errs.add("%s: has no \"ER  - \" before the next \"TY  - \" at line %d", where(name, cur.line, len(records)+1), lineNo)
				finish()
			}
			if len(records) >= MaxRecords {
				return nil, tooMany(name, lineNo)
			}
			cur = &risRecord{line: lineNo, fields: map[string][]risField{}}
		case cur == nil && strings.TrimSpace(line) == "":
		case cur == nil && isTag && tag == "ER":
			errs.add("%s:%d: \"ER  - \" without a record: a record starts with \"TY  - \"", name, lineNo)
		case cur == nil:
			errs.add("%s:%d: expected a record starting with \"TY  - \", found %q", name, lineNo, clip(line))
			return nil, errs.err()
		case isTag && tag == "ER":
			finish()
		case isTag:
			cur.fields[tag] = append(cur.fields[tag], risField{value: value, line: lineNo})
			cur.order = append(cur.order, tag)
			cur.last = tag
		case strings.TrimSpace(line) == "":
		case cur.last == "":
			errs.add("%s:%d: expected a \"TAG  - value\" line, found %q", name, lineNo, clip(line))
		default:
			vals := cur.fields[cur.last]
			f := &vals[len(vals)-1]
			more := strings.TrimSpace(line)
			f.cont = append(f.cont, more)
			if f.size += len(more) + 1; len(f.value)+f.size > MaxFieldSize {
				errs.add("%s: %s is longer than %d bytes", where(name, f.line, len(records)+1), cur.last, MaxFieldSize)
				return nil, errs.err()
			}
		}
	}
	if cur != nil {
		errs.add("%s: ends without \"ER  - \" (the file may be truncated)", where(name, cur.line, len(records)+1))
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return records, nil
}

// clip shortens a line quoted in an error.
func clip(s string) string {
	if len(s) > 60 {
		return strings.ToValidUTF8(s[:60], "") + "..."
	}
	return s
}

type problem struct {
	line int
	msg  string
}

// first returns the first value of the first tag present.
func (r *risRecord) first(tags ...string) (risField, string) {
	for _, t := range tags {
		if vs := r.fields[t]; len(vs) > 0 && vs[0].value != "" {
			return vs[0], t
		}
	}
	return risField{}, ""
}

var notePMID = regexp.MustCompile(`(?i)\bPMID\s*:?\s*(\d{1,10})\b`)

func (r *risRecord) record() (Record, []problem) {
	rec := Record{Line: r.line}
	var probs []problem
	str := func(tags ...string) string { f, _ := r.first(tags...); return f.value }
	for tag, vs := range r.fields {
		for i := range vs {
			v := &vs[i]
			if len(v.cont) > 0 {
				v.value = strings.TrimSpace(v.value + " " + strings.Join(v.cont, " "))
				v.cont = nil
			}
			if err := checkField(tag, v.value); err != nil {
				probs = append(probs, problem{v.line, err.Error()})
			}
		}
	}
	rec.Title = str("TI", "T1")
	// Authors keep the order of the file even when AU and A1 are mixed.
	seen := map[string]int{}
	for _, tag := range r.order {
		if tag == "AU" || tag == "A1" {
			v := r.fields[tag][seen[tag]]
			seen[tag]++
			if v.value != "" {
				rec.Authors = append(rec.Authors, v.value)
			}
		}
	}
	if f, tag := r.first("PY", "Y1", "DA"); tag != "" {
		y, err := parseYear(f.value)
		if err != nil {
			probs = append(probs, problem{f.line, fmt.Sprintf("%s: %v", tag, err)})
		}
		rec.Year = y
	}
	rec.Journal = str("JF", "JO", "T2", "JA", "J2")
	rec.Volume = str("VL")
	rec.Issue = str("IS")
	sp, ep := str("SP"), str("EP")
	switch {
	case sp != "" && ep != "" && !strings.ContainsAny(sp, "-–—"):
		rec.Pages = sp + "-" + ep
	case sp != "":
		rec.Pages = sp
	default:
		rec.Pages = ep
	}
	if f, _ := r.first("DO"); f.value != "" {
		d, err := checkDOI(f.value)
		if err != nil {
			probs = append(probs, problem{f.line, "DO: " + err.Error()})
		}
		rec.DOI = d
	}
	rec.Abstract = str("AB", "N2")
	rec.URL = str("UR")
	rec.PMID = r.pmid()
	slices.SortStableFunc(probs, func(a, b problem) int { return a.line - b.line })
	return rec, probs
}

// pmid prefers an explicit "PMID: n" (in AN or a note) to a bare number in AN, which other
// databases also use for their own accession numbers.
func (r *risRecord) pmid() string {
	for _, tag := range []string{"AN", "N1"} {
		for _, v := range r.fields[tag] {
			if m := notePMID.FindStringSubmatch(v.value); m != nil {
				return m[1]
			}
		}
	}
	for _, v := range r.fields["AN"] {
		if p, err := checkPMID(v.value); err == nil && p != "" {
			return p
		}
	}
	return ""
}
