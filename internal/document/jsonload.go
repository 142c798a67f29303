package document

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// streamAbove is the size past which a JSON document is decoded as a stream of its top-level
// items rather than through a YAML node tree: the tree costs some hundred bytes per value, over
// a gigabyte for the export of a 10,000-CMOC review, where the stream holds one item at a time
// beside the document it builds. Smaller files, most of them written by hand, keep the tree,
// whose exact positions every error message uses.
const streamAbove = 4 << 20

// looksLikeJSON reports whether data is a JSON object (every cmograph document in JSON is).
func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

// jsonSource is what a streamed JSON document keeps to point an error at its line: its bytes
// and where each top-level item starts, so that finding a path scans one item, not the file.
type jsonSource struct {
	data  []byte
	items map[string][]itemPos // "studies" -> where each study starts
	keys  map[string]int       // "studies" -> the line its value starts on
	// the positions within the item last asked about (see line)
	cur     map[string]int
	curKey  string
	curItem int
	// the last position lineAt counted up to, so that counting is not quadratic
	counted, countedLine int
}

type itemPos struct{ off, line int }

// parseJSON decodes a JSON document item by item (each theory, study and alignment is read
// and decoded on its own), refusing unknown fields as the YAML path does.
func parseJSON(name string, data []byte) (*File, error) {
	src := &jsonSource{data: data, items: map[string][]itemPos{}, keys: map[string]int{}, countedLine: 1}
	f := &File{Name: name, json: src}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	fail := func(off int64, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = syntaxOffset(data, off)
		}
		return fmt.Errorf("%s:%d: %s", name, src.lineAt(off), jsonMessage(err))
	}
	if err := expectDelim(dec, '{'); err != nil {
		return nil, fail(dec.InputOffset(), err)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail(dec.InputOffset(), err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fail(dec.InputOffset(), fmt.Errorf("key %q appears twice", key))
		}
		seen[key] = true
		src.keys[key] = src.lineAt(src.valueStart(dec.InputOffset()))
		switch key {
		case "format":
			if err := dec.Decode(&f.Doc.Format); err != nil {
				return nil, fail(dec.InputOffset(), err)
			}
		case "theories":
			err = decodeItems(dec, src, key, func(d *json.Decoder) error {
				var th Theory
				err := d.Decode(&th)
				f.Doc.Theories = append(f.Doc.Theories, th)
				return err
			})
		case "studies":
			err = decodeItems(dec, src, key, func(d *json.Decoder) error {
				var st Study
				err := d.Decode(&st)
				f.Doc.Studies = append(f.Doc.Studies, st)
				return err
			})
		case "alignments":
			err = decodeItems(dec, src, key, func(d *json.Decoder) error {
				var a Alignment
				err := d.Decode(&a)
				f.Doc.Alignments = append(f.Doc.Alignments, a)
				return err
			})
		case "rejections":
			err = decodeItems(dec, src, key, func(d *json.Decoder) error {
				var rj Rejection
				err := d.Decode(&rj)
				f.Doc.Rejections = append(f.Doc.Rejections, rj)
				return err
			})
		default:
			return nil, fail(dec.InputOffset(), fmt.Errorf("field %s is not a field of a Document", key))
		}
		if err != nil {
			var at *offsetError
			if errors.As(err, &at) {
				return nil, fail(at.off, at.err)
			}
			return nil, fail(dec.InputOffset(), err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fail(dec.InputOffset(), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fail(dec.InputOffset(), errors.New("the document goes on after its closing brace"))
	}
	return f, nil
}

// offsetError is an error inside an item, with where the item starts.
type offsetError struct {
	off int64
	err error
}

func (e *offsetError) Error() string { return e.err.Error() }

// decodeItems reads the array of a top-level key, one item at a time, recording where each
// starts.
func decodeItems(dec *json.Decoder, src *jsonSource, key string, decode func(*json.Decoder) error) error {
	if err := expectDelim(dec, '['); err != nil {
		return err
	}
	for dec.More() {
		start := src.valueStart(dec.InputOffset())
		src.items[key] = append(src.items[key], itemPos{off: int(start), line: src.lineAt(start)})
		if err := decode(dec); err != nil {
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			switch {
			case errors.As(err, &se):
				return &offsetError{off: start + syntaxOffset(src.data[start:], se.Offset), err: err}
			case errors.As(err, &te):
				// the offset is within the item's value
				return &offsetError{off: start + te.Offset, err: err}
			}
			return &offsetError{off: start, err: fmt.Errorf("%s[%d]: %s", key, len(src.items[key])-1, jsonMessage(err))}
		}
	}
	_, err := dec.Token()
	return err
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", string(want), tok)
	}
	return nil
}

// syntaxOffset finds where the first syntax error in data is: the decoder's own offset is
// counted from where its buffer started, json.Unmarshal's from the start of what it is given.
func syntaxOffset(data []byte, fallback int64) int64 {
	var raw json.RawMessage
	var se *json.SyntaxError
	if err := json.Unmarshal(data, &raw); errors.As(err, &se) {
		return se.Offset
	}
	return fallback
}

// jsonMessage words encoding/json's errors as the YAML path words its own.
func jsonMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "json: ")
	msg = goTypeName.ReplaceAllString(msg, "in a $1")
	return strings.Replace(msg, "cannot unmarshal", "cannot read", 1)
}

// valueStart skips the separators after off (white space, a comma or colon) to where the next
// value starts.
func (s *jsonSource) valueStart(off int64) int64 {
	for int(off) < len(s.data) {
		switch s.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// lineAt is the line of the byte at off; counting goes on from the last offset asked, as
// offsets mostly come in order.
func (s *jsonSource) lineAt(off int64) int {
	o := int(min(max(off, 0), int64(len(s.data))))
	if o < s.counted {
		s.counted, s.countedLine = 0, 1
	}
	s.countedLine += bytes.Count(s.data[s.counted:o], []byte{'\n'})
	s.counted = o
	return s.countedLine
}

// line finds the line of the value at path, or of the nearest enclosing value there is. The
// planner asks for the line of every node and link, item by item, so the positions of one
// top-level item are indexed at once, with a scan of that item alone, and kept until the
// planner moves on to another.
func (s *jsonSource) line(path string) int {
	steps := splitPath(path)
	if len(steps) == 0 {
		return 1
	}
	top, ok := s.keys[steps[0]]
	if !ok {
		return 1
	}
	if len(steps) < 2 || !strings.HasPrefix(steps[1], "[") {
		return top
	}
	i, err := strconv.Atoi(strings.Trim(steps[1], "[]"))
	items := s.items[steps[0]]
	if err != nil || i < 0 || i >= len(items) {
		return top
	}
	if s.cur == nil || s.curKey != steps[0] || s.curItem != i {
		s.cur = indexValue(s.data, items[i].off, items[i].line)
		s.curKey, s.curItem = steps[0], i
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(path, steps[0]+steps[1]), ".")
	for {
		if line, ok := s.cur[rest]; ok {
			return line
		}
		cut := strings.LastIndexAny(rest, ".[")
		if cut < 0 {
			return items[i].line
		}
		rest = rest[:cut]
	}
}

// indexValue scans the JSON value at data[start:] (already decoded, so well-formed) and
// returns the line of every value in it by its path within it ("" for itself,
// "programmeTheories[0].cmocs[2]" for one inside).
func indexValue(data []byte, start, line int) map[string]int {
	x := &indexer{data: data, pos: start, line: line, lines: map[string]int{}}
	x.value("")
	return x.lines
}

type indexer struct {
	data      []byte
	pos, line int
	lines     map[string]int
}

func (x *indexer) space() {
	for x.pos < len(x.data) {
		switch x.data[x.pos] {
		case '\n':
			x.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		x.pos++
	}
}

// str reads a string (JSON strings hold no raw line breaks) and returns its raw text.
func (x *indexer) str() string {
	x.pos++ // the opening quote
	from := x.pos
	for x.pos < len(x.data) && x.data[x.pos] != '"' {
		if x.data[x.pos] == '\\' {
			x.pos++
		}
		x.pos++
	}
	s := string(x.data[from:min(x.pos, len(x.data))])
	x.pos++ // the closing quote
	return s
}

func (x *indexer) value(path string) {
	x.space()
	if x.pos >= len(x.data) {
		return
	}
	x.lines[path] = x.line
	join := func(step string) string {
		if path == "" || strings.HasPrefix(step, "[") {
			return path + step
		}
		return path + "." + step
	}
	switch x.data[x.pos] {
	case '{':
		x.pos++
		for x.space(); x.pos < len(x.data) && x.data[x.pos] != '}'; x.space() {
			if x.data[x.pos] == ',' {
				x.pos++
				continue
			}
			key := x.str()
			x.space()
			x.pos++ // the colon
			x.value(join(key))
		}
		x.pos++
	case '[':
		x.pos++
		for n := 0; ; n++ {
			x.space()
			if x.pos >= len(x.data) || x.data[x.pos] == ']' {
				break
			}
			x.value(join("[" + strconv.Itoa(n) + "]"))
			x.space()
			if x.pos < len(x.data) && x.data[x.pos] == ',' {
				x.pos++
			}
		}
		x.pos++
	case '"':
		x.str()
	default: // a number, true, false or null
		for x.pos < len(x.data) && !strings.ContainsRune(",}] \t\r\n", rune(x.data[x.pos])) {
			x.pos++
		}
	}
}
