package qda

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"github.com/cmograph/cmograph/internal/text"
	"io"
	"unicode/utf8"
)

// element is one XML element with the line it starts on, so every later error can point at
// it. Only the local name is kept: REFI-QDA files use one namespace, checked at the root.
type element struct {
	name     string
	space    string
	line     int
	attrs    map[string]string
	children []*element
	text     []byte // character data, kept only for elements whose text is read
}

// Bounds on the element tree, far above any real project (a deep code tree has ten levels).
const (
	maxDepth    = 200
	maxElements = 2_000_000
)

// textElements are the elements whose character data the importer reads; other text (there
// is little) is dropped rather than held in memory.
func keepsText(name string) bool { return name == "Description" || name == "PlainTextContent" }

func (e *element) attr(name string) string { return e.attrs[name] }

// content is the element's text; "" for a nil element, so optional children read simply.
func (e *element) content() string {
	if e == nil {
		return ""
	}
	return string(e.text)
}

func (e *element) all(name string) []*element {
	var out []*element
	for _, c := range e.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func (e *element) first(name string) *element {
	for _, c := range e.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// parseXML reads a whole document into an element tree. where names the file in errors, as
// "project.qdpx: project.qde". A DOCTYPE (or any <!...> declaration) is refused outright:
// encoding/xml does not expand custom entities, but refusing them is clearer than the
// "invalid character entity" a billion-laughs file would otherwise meet, and REFI-QDA files
// never have one.
func parseXML(where string, data []byte) (*element, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s:%d: file is not UTF-8 text; REFI-QDA files are UTF-8", where, text.FirstInvalidLine(data))
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	charset := "" // set when the XML declaration names another encoding
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		charset = label
		return nil, errors.New("unsupported encoding")
	}
	var (
		root  *element
		stack []*element
		count int
	)
	for {
		line, _ := d.InputPos() // where the next token starts
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if charset != "" {
				return nil, fmt.Errorf("%s:%d: the file declares encoding %q; REFI-QDA files are UTF-8", where, line, charset)
			}
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%s:%d: malformed XML: %s", where, se.Line, se.Msg)
			}
			at, _ := d.InputPos()
			return nil, fmt.Errorf("%s:%d: malformed XML: %v", where, at, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, fmt.Errorf("%s:%d: <!%s> is not allowed: REFI-QDA files have no DOCTYPE, and entity declarations could expand without bound",
				where, line, clip(string(t), 40))
		case xml.StartElement:
			count++
			if count > maxElements {
				return nil, fmt.Errorf("%s:%d: more than %d elements", where, line, maxElements)
			}
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%s:%d: elements nest more than %d deep", where, line, maxDepth)
			}
			el := &element{name: t.Name.Local, space: t.Name.Space, line: line, attrs: make(map[string]string, len(t.Attr))}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
					continue
				}
				if _, dup := el.attrs[a.Name.Local]; dup {
					return nil, fmt.Errorf("%s:%d: <%s>: attribute %q appears twice", where, line, el.name, a.Name.Local)
				}
				el.attrs[a.Name.Local] = a.Value
			}
			switch {
			case len(stack) > 0:
				top := stack[len(stack)-1]
				top.children = append(top.children, el)
			case root != nil:
				return nil, fmt.Errorf("%s:%d: a second root element <%s>", where, line, el.name)
			default:
				root = el
			}
			stack = append(stack, el)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && keepsText(stack[len(stack)-1].name) {
				top := stack[len(stack)-1]
				top.text = append(top.text, t...)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%s: no XML element in the file", where)
	}
	return root, nil
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
