package citation

import (
	"fmt"
	"strings"
)

// BibTeX: entries "@type{key, field = value, ...}" (or with parentheses). A value is {braced}
// (braces nest), "quoted", a number, or an @string macro, joined with '#'. Text outside entries
// is a comment, as in BibTeX; @comment and @preamble are skipped. Fields read (names are
// case-insensitive):
//
//	title                          title (LaTeX decoded, see latex.go)
//	author                         authors (see names.go)
//	year, or date (biblatex)       year: the first four digits
//	journal, journaltitle, booktitle  journal, first present in that order
//	volume; number or issue        volume, issue
//	pages                          pages ("435--445" -> "435-445")
//	doi, url                       taken as written (braces and \_ style escapes removed)
//	pmid, or eprint with eprinttype = pubmed, or "PMID: n" in note
//	abstract                       abstract
//
// No Go BibTeX library was usable (github.com/nickng/bibtex is not served by the module proxy,
// and none reports line numbers), so this is a small reader written for the job.

// bibField is one field of an entry: its raw (undecoded) value and line.
type bibField struct {
	raw  string
	line int
}

type bibParser struct {
	name   string
	s      string
	i      int
	line   int
	macros map[string]string
	record int // number of the entry being read, for errors
	// expanded counts bytes copied out of @string macros, against maxMacroExpansion.
	expanded int
}

// bibError is a syntax error: reading stops there, as nothing after it can be trusted.
type bibError struct{ msg string }

func (e *bibError) Error() string { return e.msg }

func (p *bibParser) fail(line int, format string, args ...any) error {
	loc := fmt.Sprintf("%s:%d", p.name, line)
	if p.record > 0 {
		loc = where(p.name, line, p.record)
	}
	return &bibError{loc + ": " + fmt.Sprintf(format, args...)}
}

var monthMacros = map[string]string{"jan": "January", "feb": "February", "mar": "March", "apr": "April",
	"may": "May", "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
	"nov": "November", "dec": "December"}

// ParseBibTeX reads a BibTeX file. Errors name the file, line and record (entry) number.
func ParseBibTeX(name string, data []byte) ([]Record, error) {
	data, err := prepare(name, data)
	if err != nil {
		return nil, err
	}
	p := &bibParser{name: name, s: string(data), line: 1, macros: map[string]string{}}
	for k, v := range monthMacros {
		p.macros[k] = v
	}
	var records []Record
	var errs errorList
	entries := 0
	for {
		if !p.skipTo('@') {
			break
		}
		p.record = 0 // errors before an entry's key belong to no record
		line, atStart := p.line, p.atLineStart()
		p.i++
		p.skipSpace()
		kind := strings.ToLower(p.ident())
		p.skipSpace()
		opened := p.i < len(p.s) && (p.s[p.i] == '{' || p.s[p.i] == '(')
		switch {
		case kind != "" && opened:
		case !atStart:
			continue // an '@' in comment text, such as an e-mail address
		case kind == "":
			return nil, p.fail(line, "@ must be followed by an entry type such as article")
		default:
			return nil, p.fail(line, "@%s must be followed by { or (", kind)
		}
		switch kind {
		case "comment", "preamble":
			if err := p.skipGroup(line, kind); err != nil {
				return nil, err
			}
		case "string":
			if err := p.stringMacro(line); err != nil {
				return nil, err
			}
		default:
			if entries >= MaxRecords {
				return nil, tooMany(name, line)
			}
			entries++
			p.record = entries
			fields, err := p.entry(line)
			if err != nil {
				return nil, err
			}
			rec, probs := bibRecord(fields)
			rec.Line = line
			for _, pr := range probs {
				errs.add("%s: %s", where(name, pr.line, entries), pr.msg)
			}
			records = append(records, rec)
		}
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return records, nil
}

// atLineStart reports whether only blanks precede p.i on its line: an '@' there starts an
// entry, elsewhere it may be part of comment text.
func (p *bibParser) atLineStart() bool {
	j := p.i - 1
	for j >= 0 && (p.s[j] == ' ' || p.s[j] == '\t') {
		j--
	}
	return j < 0 || p.s[j] == '\n' || p.s[j] == '\r'
}

// skipTo moves to the next c, counting lines; false at the end of the input.
func (p *bibParser) skipTo(c byte) bool {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case c:
			return true
		case '\n':
			p.line++
		}
		p.i++
	}
	return false
}

func (p *bibParser) skipSpace() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case '\n':
			p.line++
		case ' ', '\t', '\r', '\f', '\v':
		default:
			return
		}
		p.i++
	}
}

// ident reads an entry type, field or macro name.
func (p *bibParser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-:.+/", c) >= 0 {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func closer(open byte) byte {
	if open == '(' {
		return ')'
	}
	return '}'
}

// skipGroup skips a balanced @comment{...} or @preamble{...}.
func (p *bibParser) skipGroup(line int, kind string) error {
	open := p.s[p.i]
	if open == '{' {
		_, err := p.braced(line, "@"+kind)
		return err
	}
	p.i++
	for depth := 0; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '\n':
			p.line++
		case '{':
			depth++
		case '}':
			depth--
		case ')':
			if depth <= 0 {
				p.i++
				return nil
			}
		}
	}
	return p.fail(line, "@%s( is never closed with )", kind)
}

// stringMacro reads @string{name = value}.
func (p *bibParser) stringMacro(line int) error {
	end := closer(p.s[p.i])
	p.i++
	p.skipSpace()
	name := strings.ToLower(p.ident())
	if name == "" {
		return p.fail(p.line, "@string: expected a macro name")
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '=' {
		return p.fail(p.line, "@string %s: expected =", name)
	}
	p.i++
	value, err := p.value("@string " + name)
	if err != nil {
		return err
	}
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != end {
		return p.fail(line, "@string %s is not closed with %c", name, end)
	}
	p.i++
	p.macros[name] = value
	return nil
}

// entry reads "{key, field = value, ...}" with p.i at the opening delimiter.
func (p *bibParser) entry(line int) (map[string]bibField, error) {
	end := closer(p.s[p.i])
	p.i++
	p.skipSpace()
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(",{}()\" \t\r\n=", p.s[p.i]) < 0 {
		p.i++
	}
	key := p.s[start:p.i]
	if key == "" {
		return nil, p.fail(p.line, "entry has no citation key")
	}
	fields := map[string]bibField{}
	lastField, lastLine := "", 0
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			if lastField != "" {
				return nil, p.fail(line, "entry %s is never closed with %c (is a } missing in field %s at line %d, or is the file truncated?)",
					key, end, lastField, lastLine)
			}
			return nil, p.fail(line, "entry %s is never closed with %c (the file may be truncated)", key, end)
		}
		switch c := p.s[p.i]; {
		case c == end:
			p.i++
			return fields, nil
		case c == ',':
			p.i++
			continue
		}
		fline := p.line
		field := strings.ToLower(p.ident())
		if field == "" {
			return nil, p.fail(p.line, "entry %s: expected a field name or %c, found %q", key, end, clip(p.rest()))
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] != '=' {
			return nil, p.fail(p.line, "entry %s: field %s: expected =, found %q", key, field, clip(p.rest()))
		}
		p.i++
		value, err := p.value(field)
		if err != nil {
			return nil, err
		}
		if prev, dup := fields[field]; dup {
			return nil, p.fail(fline, "entry %s: field %s is given twice (lines %d and %d)", key, field, prev.line, fline)
		}
		fields[field] = bibField{raw: value, line: fline}
		lastField, lastLine = field, fline
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != end {
			return nil, p.fail(p.line, "entry %s: after field %s expected , or %c, found %q", key, field, end, clip(p.rest()))
		}
	}
}

func (p *bibParser) rest() string {
	if i := strings.IndexByte(p.s[p.i:], '\n'); i >= 0 {
		return p.s[p.i : p.i+i]
	}
	return p.s[p.i:]
}

// value reads pieces joined by '#' and returns their raw text, concatenated.
func (p *bibParser) value(field string) (string, error) {
	var b strings.Builder
	for {
		p.skipSpace()
		if p.i >= len(p.s) {
			return "", p.fail(p.line, "field %s has no value (the file may be truncated)", field)
		}
		line := p.line
		switch c := p.s[p.i]; {
		case c == '{':
			v, err := p.braced(line, "the value of field "+field)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
		case c == '"':
			v, err := p.quoted(line, field)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
		case c >= '0' && c <= '9':
			start := p.i
			for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
				p.i++
			}
			b.WriteString(p.s[start:p.i])
		default:
			name := strings.ToLower(p.ident())
			if name == "" {
				return "", p.fail(line, "field %s: expected a {value}, \"value\", number or @string name, found %q", field, clip(p.rest()))
			}
			v, ok := p.macros[name]
			if !ok {
				return "", p.fail(line, "field %s: %q is not a defined @string (quote or brace text values)", field, name)
			}
			if p.expanded += len(v); p.expanded > maxMacroExpansion {
				return "", p.fail(line, "field %s: @string macros expand to more than %d bytes in this file", field, maxMacroExpansion)
			}
			b.WriteString(v)
		}
		if b.Len() > MaxFieldSize {
			return "", p.fail(line, "field %s is longer than %d bytes", field, MaxFieldSize)
		}
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '#' {
			p.i++
			continue
		}
		return b.String(), nil
	}
}

// braced reads a {group} with p.i at '{' and returns what is inside. Braces nest; a backslash
// does not escape a brace, as in BibTeX itself.
func (p *bibParser) braced(line int, what string) (string, error) {
	p.i++
	start := p.i
	for depth := 1; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '\n':
			p.line++
			if p.entryStartsAt(p.i + 1) {
				return "", p.fail(line, "%s: the { opened here is not closed before the next entry at line %d", what, p.line)
			}
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				v := p.s[start:p.i]
				p.i++
				return v, nil
			}
		}
		if p.i-start > MaxFieldSize {
			return "", p.fail(line, "%s is longer than %d bytes (is a } missing?)", what, MaxFieldSize)
		}
	}
	return "", p.fail(line, "%s: the { opened here is never closed (unbalanced braces, or the file is truncated)", what)
}

// entryStartsAt reports whether a line starting at i opens an entry ("@article{"): inside a
// value that means a '}' is missing, which is better said here than at the end of the file.
func (p *bibParser) entryStartsAt(i int) bool {
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t') {
		i++
	}
	if i >= len(p.s) || p.s[i] != '@' {
		return false
	}
	j := i + 1
	for j < len(p.s) && (p.s[j] >= 'a' && p.s[j] <= 'z' || p.s[j] >= 'A' && p.s[j] <= 'Z') {
		j++
	}
	return j > i+1 && j < len(p.s) && (p.s[j] == '{' || p.s[j] == '(')
}

// quoted reads a "quoted" value; braces inside must balance and protect a '"'.
func (p *bibParser) quoted(line int, field string) (string, error) {
	p.i++
	start := p.i
	for depth := 0; p.i < len(p.s); p.i++ {
		switch p.s[p.i] {
		case '\n':
			p.line++
		case '{':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return "", p.fail(line, "field %s: the \" opened here is not closed before the } at line %d", field, p.line)
			}
		case '"':
			if depth == 0 {
				v := p.s[start:p.i]
				p.i++
				return v, nil
			}
		}
		if p.i-start > MaxFieldSize {
			return "", p.fail(line, "field %s is longer than %d bytes (is a \" missing?)", field, MaxFieldSize)
		}
	}
	return "", p.fail(line, "field %s: the \" opened here is never closed", field)
}

// bibRecord turns an entry's fields into a Record.
func bibRecord(fields map[string]bibField) (Record, []problem) {
	var rec Record
	var probs []problem
	first := func(names ...string) (bibField, string) {
		for _, n := range names {
			if f, ok := fields[n]; ok && strings.TrimSpace(f.raw) != "" {
				return f, n
			}
		}
		return bibField{}, ""
	}
	text := func(names ...string) string { f, _ := first(names...); return decodeLatex(f.raw) }
	rec.Title = text("title")
	if f, ok := fields["author"]; ok {
		rec.Authors = parseBibAuthors(f.raw)
	}
	if f, n := first("year", "date"); n != "" {
		y, err := parseYear(decodeLatex(f.raw))
		if err != nil {
			probs = append(probs, problem{f.line, n + ": " + err.Error()})
		}
		rec.Year = y
	}
	rec.Journal = text("journal", "journaltitle", "booktitle")
	rec.Volume = text("volume")
	rec.Issue = text("number", "issue")
	rec.Pages = strings.ReplaceAll(strings.ReplaceAll(text("pages"), "---", "-"), "--", "-")
	if f, n := first("doi"); n != "" {
		d, err := checkDOI(plainValue(f.raw))
		if err != nil {
			probs = append(probs, problem{f.line, "doi: " + err.Error()})
		}
		rec.DOI = d
	}
	if f, _ := first("url"); f.raw != "" {
		rec.URL = plainValue(f.raw)
	}
	rec.Abstract = text("abstract")
	pm, pmName := first("pmid")
	if pmName == "" {
		if t, _ := first("eprinttype"); strings.EqualFold(plainValue(t.raw), "pubmed") {
			pm, pmName = first("eprint")
		}
	}
	if pmName != "" {
		id, err := checkPMID(plainValue(pm.raw))
		if err != nil {
			probs = append(probs, problem{pm.line, pmName + ": " + err.Error()})
		}
		rec.PMID = id
	} else if f, _ := first("note"); f.raw != "" {
		if m := notePMID.FindStringSubmatch(decodeLatex(f.raw)); m != nil {
			rec.PMID = m[1]
		}
	}
	return rec, probs
}
