package document

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/cmograph/cmograph/internal/text"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxFileSize bounds what one import reads of a file other than a cmograph document (a CMOC
// table, citations, a QDA project: their readers hold the whole file and more), so a runaway
// file fails fast with a clear error.
const MaxFileSize = 64 << 20

// MaxDocumentSize bounds a cmograph document: room for the export of a review several times
// the 10,000-CMOC synthetic corpus (82 MB), which must import back. A large JSON document is
// decoded as a stream (see parseJSON).
const MaxDocumentSize = 512 << 20

// File is a parsed document with what is needed to point an error at its line.
type File struct {
	Name string
	Doc  Document
	root *yaml.Node
	json *jsonSource // a streamed JSON document's bytes, for Line
}

// Parse reads a YAML or JSON document. Errors name the file and line. The caller bounds the
// size (MaxDocumentSize, unless the user raised it).
func Parse(name string, data []byte) (*File, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s:%d: file is not UTF-8 text", name, text.FirstInvalidLine(data))
	}
	if len(data) > streamAbove && looksLikeJSON(data) {
		f, err := parseJSON(name, data)
		if err != nil {
			return nil, err
		}
		if f.Doc.Format != FormatV1 {
			return nil, f.errorAt("format", fmt.Sprintf("is %q; this cmograph reads %q", f.Doc.Format, FormatV1))
		}
		return f, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(err))
	}
	if root.Kind == 0 {
		return nil, fmt.Errorf("%s: file is empty", name)
	}
	if err := rejectAliases(&root); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc Document
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", name, yamlMessage(err))
	}
	f := &File{Name: name, Doc: doc, root: &root}
	if doc.Format != FormatV1 {
		return nil, f.errorAt("format", fmt.Sprintf("is %q; this cmograph reads %q", doc.Format, FormatV1))
	}
	return f, nil
}

// rejectAliases refuses YAML anchors and aliases: documents never need them, and alias
// expansion is how a small hostile file becomes a huge one.
func rejectAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return fmt.Errorf("%d: YAML anchors and aliases are not allowed", n.Line)
	}
	for _, c := range n.Content {
		if err := rejectAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// yamlMessage turns "yaml: line 3: field x not found in type document.Study" into
// "3: field x is not part of the format" style messages with the line first.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(cleanYAMLErrors(te.Errors), "; ")
	}
	return strings.Join(cleanYAMLErrors([]string{err.Error()}), "; ")
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
var goTypeName = regexp.MustCompile(`in type document\.(\w+)`)

func cleanYAMLErrors(msgs []string) []string {
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		m = goTypeName.ReplaceAllString(m, "in a $1")
		m = strings.ReplaceAll(m, "not found in a", "is not a field of a")
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			out = append(out, g[1]+": "+g[2])
			continue
		}
		out = append(out, m)
	}
	return out
}

// Built wraps a document made in code (a generator, a converter) so it can be planned like a
// parsed file; having no source text, its errors name the field path without a line.
func Built(name string, doc Document) *File { return &File{Name: name, Doc: doc} }

// errorAt formats an error at a field path such as "studies[0].programmeTheories[1].cmocs[2]".
func (f *File) errorAt(path, msg string) error {
	if f.root == nil && f.json == nil {
		return fmt.Errorf("%s: %s: %s", f.Name, path, msg)
	}
	return fmt.Errorf("%s:%d: %s: %s", f.Name, f.Line(path), path, msg)
}

// Line returns the line of the value at path, or of the nearest enclosing value that exists;
// 0 for a document built in code.
func (f *File) Line(path string) int {
	if f.json != nil {
		return f.json.line(path)
	}
	n := f.root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, step := range splitPath(path) {
		next := child(n, step)
		if next == nil {
			break
		}
		n = next
		line = n.Line
	}
	return line
}

func splitPath(path string) []string {
	var steps []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			switch {
			case i < 0:
				steps = append(steps, part)
				part = ""
			case i > 0:
				steps = append(steps, part[:i])
				part = part[i:]
			default:
				j := strings.IndexByte(part, ']')
				if j < 0 {
					return steps
				}
				steps = append(steps, part[:j+1])
				part = part[j+1:]
			}
		}
	}
	return steps
}

func child(n *yaml.Node, step string) *yaml.Node {
	if strings.HasPrefix(step, "[") {
		i, err := strconv.Atoi(strings.Trim(step, "[]"))
		if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
			return nil
		}
		return n.Content[i]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == step {
			return n.Content[i+1]
		}
	}
	return nil
}
