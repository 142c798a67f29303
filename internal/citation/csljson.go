package citation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSL-JSON (what Zotero, Mendeley and citeproc exchange): an array of items, or one item.
// Fields read:
//
//	title                    title
//	author                   [{family, given, non-dropping-particle, suffix} or {literal}]:
//	                         "family G" (given names as initials), or the literal as written
//	issued                   {"date-parts": [[2023, 5]]} (numbers or strings), or {"raw": "2023"}
//	container-title          journal
//	volume, issue, page      volume, issue, pages (strings or numbers)
//	DOI, PMID, URL, abstract
//
// type and id are accepted and not kept; other fields are ignored. Where Crossref writes a
// list of strings for title or container-title, the first is taken. A value of the wrong type
// is an error naming the field and its line.

// ParseCSLJSON reads a CSL-JSON file. Errors name the file, line and record (item) number.
func ParseCSLJSON(name string, data []byte) ([]Record, error) {
	data, err := prepare(name, data)
	if err != nil {
		return nil, err
	}
	lines := newLineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var items []json.RawMessage
	var offsets []int64
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(name, lines, dec, err)
	}
	switch tok {
	case json.Delim('['):
		for dec.More() {
			off := dec.InputOffset()
			if len(items) >= MaxRecords {
				return nil, tooMany(name, lines.line(off))
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, jsonError(name, lines, dec, err)
			}
			items = append(items, raw)
			offsets = append(offsets, off+leadingSpace(data[off:], " \t\r\n,"))
		}
		if _, err := dec.Token(); err != nil {
			return nil, jsonError(name, lines, dec, err)
		}
	case json.Delim('{'):
		// One item: decode it again whole from the start.
		dec = json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		off := leadingSpace(data, " \t\r\n")
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(name, lines, dec, err)
		}
		items, offsets = append(items, raw), append(offsets, off)
	default:
		return nil, fmt.Errorf("%s:%d: expected a CSL-JSON array of items or one item (an object), found %s",
			name, lines.line(dec.InputOffset()), describeToken(tok))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s:%d: unexpected content after the CSL-JSON value", name, lines.line(dec.InputOffset()))
	}
	var errs errorList
	records := make([]Record, 0, len(items))
	for i, raw := range items {
		rec, probs := cslRecord(raw, offsets[i], lines)
		for _, p := range probs {
			errs.add("%s: %s", where(name, p.line, i+1), p.msg)
		}
		records = append(records, rec)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return records, nil
}

// leadingSpace is how many bytes of b are in cut: the separators before an array element.
func leadingSpace(b []byte, cut string) int64 {
	return int64(len(b) - len(bytes.TrimLeft(b, cut)))
}

// lineIndex maps byte offsets to 1-based lines.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) line(off int64) int {
	lo, hi := 0, len(l)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if int64(l[mid]) <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// jsonError places a decoding error on its line.
func jsonError(name string, lines lineIndex, dec *json.Decoder, err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s:%d: not valid JSON: %v", name, lines.line(syn.Offset), err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s:%d: JSON ends too early (the file may be truncated)", name, len(lines))
	}
	return fmt.Errorf("%s:%d: %v", name, lines.line(dec.InputOffset()), err)
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("%v", t)
	}
}

// kindOf names a JSON value's type for errors.
func kindOf(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// cslItem is an item's fields, each with the line it is on.
type cslItem struct {
	fields map[string]json.RawMessage
	line   map[string]int
	start  int
}

func (it cslItem) at(key string) int {
	if l, ok := it.line[key]; ok {
		return l
	}
	return it.start
}

// readItem splits an item into its fields, noting each field's line.
func readItem(raw json.RawMessage, off int64, lines lineIndex) (cslItem, error) {
	it := cslItem{fields: map[string]json.RawMessage{}, line: map[string]int{}, start: lines.line(off)}
	if kindOf(raw) != "an object" {
		return it, fmt.Errorf("must be an object, not %s", kindOf(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return it, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return it, err
		}
		key, _ := tok.(string)
		keyOff := dec.InputOffset()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return it, err
		}
		it.fields[key] = v
		it.line[key] = lines.line(off + keyOff)
	}
	return it, nil
}

func cslRecord(raw json.RawMessage, off int64, lines lineIndex) (Record, []problem) {
	it, err := readItem(raw, off, lines)
	rec := Record{Line: it.start}
	if err != nil {
		return rec, []problem{{it.start, err.Error()}}
	}
	var probs []problem
	bad := func(key string, err error) {
		probs = append(probs, problem{it.at(key), fmt.Sprintf("%q: %v", key, err)})
	}
	// Titles may come as Crossref's lists; volume, issue, page and PMID as numbers.
	str := func(key string, listOK, numberOK bool) string {
		v, ok := it.fields[key]
		if !ok {
			return ""
		}
		if !numberOK && kindOf(v) == "a number" {
			bad(key, fmt.Errorf("must be a string, not a number"))
			return ""
		}
		s, err := cslString(v, listOK)
		if err == nil {
			err = checkField(key, s)
		}
		if err != nil {
			bad(key, err)
		}
		return strings.TrimSpace(s)
	}
	if v, ok := it.fields["type"]; ok && kindOf(v) != "a string" {
		bad("type", fmt.Errorf("must be a string, not %s", kindOf(v)))
	}
	rec.Title = str("title", true, false)
	rec.Journal = str("container-title", true, false)
	rec.Volume = str("volume", false, true)
	rec.Issue = str("issue", false, true)
	rec.Pages = str("page", false, true)
	rec.URL = str("URL", false, false)
	rec.Abstract = str("abstract", false, false)
	if d, err := checkDOI(str("DOI", false, false)); err != nil {
		bad("DOI", err)
	} else {
		rec.DOI = d
	}
	if p, err := checkPMID(str("PMID", false, true)); err != nil {
		bad("PMID", err)
	} else {
		rec.PMID = p
	}
	if v, ok := it.fields["author"]; ok {
		names, err := cslNames(v)
		if err != nil {
			bad("author", err)
		}
		rec.Authors = names
	}
	if v, ok := it.fields["issued"]; ok {
		y, err := cslYear(v)
		if err != nil {
			bad("issued", err)
		}
		rec.Year = y
	}
	return rec, probs
}

// cslString reads a string, a number (volumes are often numbers), null, or when listOK the
// first string of a list.
func cslString(v json.RawMessage, listOK bool) (string, error) {
	switch kindOf(v) {
	case "a string":
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case "a number":
		return string(bytes.TrimSpace(v)), nil
	case "null":
		return "", nil
	case "an array":
		if listOK {
			var list []json.RawMessage
			if err := json.Unmarshal(v, &list); err != nil {
				return "", err
			}
			if len(list) == 0 {
				return "", nil
			}
			if kindOf(list[0]) == "a string" {
				return cslString(list[0], false)
			}
			return "", fmt.Errorf("must be a string or a list of strings, not a list of %s", strings.TrimPrefix(kindOf(list[0]), "a "))
		}
	}
	return "", fmt.Errorf("must be a string, not %s", kindOf(v))
}

// cslName is one CSL name object.
type cslName struct {
	Family   json.RawMessage `json:"family"`
	Given    json.RawMessage `json:"given"`
	Particle json.RawMessage `json:"non-dropping-particle"`
	Dropping json.RawMessage `json:"dropping-particle"`
	Suffix   json.RawMessage `json:"suffix"`
	Literal  json.RawMessage `json:"literal"`
}

func cslNames(v json.RawMessage) ([]string, error) {
	if kindOf(v) != "an array" {
		return nil, fmt.Errorf("must be a list of names, not %s", kindOf(v))
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, err
	}
	var out []string
	for i, raw := range list {
		if kindOf(raw) != "an object" {
			return nil, fmt.Errorf("name %d must be an object such as {\"family\": \"Gillard\", \"given\": \"Steve\"}, not %s", i+1, kindOf(raw))
		}
		var n cslName
		if err := json.Unmarshal(raw, &n); err != nil {
			return nil, fmt.Errorf("name %d: %v", i+1, err)
		}
		part := func(field string, r json.RawMessage) (string, error) {
			if r == nil {
				return "", nil
			}
			s, err := cslString(r, false)
			if err != nil {
				return "", fmt.Errorf("name %d: %s %v", i+1, field, err)
			}
			return squash(s), checkField("name", s)
		}
		var parts [6]string
		for j, f := range []struct {
			name string
			raw  json.RawMessage
		}{{"literal", n.Literal}, {"family", n.Family}, {"given", n.Given}, {"non-dropping-particle", n.Particle},
			{"dropping-particle", n.Dropping}, {"suffix", n.Suffix}} {
			s, err := part(f.name, f.raw)
			if err != nil {
				return nil, err
			}
			parts[j] = s
		}
		if name := cslJoin(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]); name != "" {
			out = append(out, name)
		}
	}
	return out, nil
}

// cslJoin is the stored form of a CSL name: the literal as written, else "family G" (with any
// particles before the family name and a suffix after the initials), else the given name.
func cslJoin(literal, family, given, particle, dropping, suffix string) string {
	switch {
	case literal != "":
		return literal
	case family != "":
		surname := squash(strings.Join([]string{dropping, particle, family}, " "))
		return joinName(surname, given, suffix)
	}
	return given
}

// cslYear reads the year of a CSL date: date-parts first, then raw or literal.
func cslYear(v json.RawMessage) (*int, error) {
	if kindOf(v) != "an object" {
		return nil, fmt.Errorf("must be a date object such as {\"date-parts\": [[2023]]}, not %s", kindOf(v))
	}
	var d struct {
		Parts   json.RawMessage `json:"date-parts"`
		Raw     json.RawMessage `json:"raw"`
		Literal json.RawMessage `json:"literal"`
	}
	if err := json.Unmarshal(v, &d); err != nil {
		return nil, err
	}
	if d.Parts != nil {
		var parts [][]json.RawMessage
		if err := json.Unmarshal(d.Parts, &parts); err != nil {
			return nil, fmt.Errorf("date-parts must be a list of lists such as [[2023, 5]]")
		}
		if len(parts) > 0 && len(parts[0]) > 0 {
			s, err := cslString(parts[0][0], false)
			if err != nil {
				return nil, fmt.Errorf("date-parts year %v", err)
			}
			if _, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || len(strings.TrimSpace(s)) != 4 {
				return nil, fmt.Errorf("date-parts year %q is not a four-digit year", s)
			}
			return parseYear(s)
		}
	}
	for _, r := range []json.RawMessage{d.Raw, d.Literal} {
		if r == nil {
			continue
		}
		s, err := cslString(r, false)
		if err != nil {
			return nil, err
		}
		if s != "" {
			return parseYear(s)
		}
	}
	return nil, nil
}
