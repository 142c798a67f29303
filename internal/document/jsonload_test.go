package document

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedJSON is the whole seed corpus as one exported JSON document.
func seedJSON(t *testing.T) []byte {
	t.Helper()
	paths, err := filepath.Glob("../seed/corpus/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed files: %v", err)
	}
	all := Document{Format: FormatV1}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		all.Theories = append(all.Theories, f.Doc.Theories...)
		all.Studies = append(all.Studies, f.Doc.Studies...)
		all.Alignments = append(all.Alignments, f.Doc.Alignments...)
	}
	data, err := MarshalJSON(all)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The streamed JSON path reads the same document as the YAML node tree does and points every
// path the planner names at the same line.
func TestStreamedJSONReadsAndPlacesAsTheTreeDoes(t *testing.T) {
	data := seedJSON(t)
	tree, err := Parse("export.json", data) // small: the tree
	if err != nil {
		t.Fatal(err)
	}
	stream, err := parseJSON("export.json", data)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := MarshalJSON(tree.Doc)
	b, _ := MarshalJSON(stream.Doc)
	if !bytes.Equal(a, b) {
		t.Fatal("the streamed document differs from the tree's")
	}
	var paths []string
	for i, st := range tree.Doc.Studies {
		sp := fmt.Sprintf("studies[%d]", i)
		paths = append(paths, sp, sp+".title", sp+".year", sp+".nothing-here")
		for j, pt := range st.ProgrammeTheories {
			pp := fmt.Sprintf("%s.programmeTheories[%d]", sp, j)
			paths = append(paths, pp)
			for k, c := range pt.CMOCs {
				cp := fmt.Sprintf("%s.cmocs[%d]", pp, k)
				paths = append(paths, cp, cp+".code")
				for l := range c.Outcomes {
					paths = append(paths, fmt.Sprintf("%s.outcomes[%d]", cp, l))
				}
			}
		}
		for j := range st.Quotes {
			paths = append(paths, fmt.Sprintf("%s.quotes[%d].evidences[0]", sp, j))
		}
	}
	for i := range tree.Doc.Alignments {
		paths = append(paths, fmt.Sprintf("alignments[%d].to", i))
	}
	paths = append(paths, "theories[0].constructs[1]", "format", "studies[999]")
	for _, p := range paths {
		if got, want := stream.Line(p), tree.Line(p); got != want {
			t.Errorf("Line(%s) = %d; the tree says %d", p, got, want)
		}
	}
}

// A streamed document's own errors name the file and the line.
func TestStreamedJSONErrorsNameTheLine(t *testing.T) {
	data := seedJSON(t)
	at := bytes.Index(data, []byte(`"title"`))
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	cases := map[string]struct{ from, to, want string }{
		"unknown field": {`"title"`, `"titel"`, `export.json:%d: studies[0]: unknown field "titel"`},
		"wrong type":    {`"year": 2024`, `"year": "2024"`, `export.json:%d: cannot read string into Go struct field Study.year of type int`},
		"syntax":        {`"title"`, `"title" "x",`, `export.json:%d: invalid character '"' after object key`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bad := bytes.Replace(data, []byte(c.from), []byte(c.to), 1)
			l := line
			if name == "wrong type" {
				l = 1 + bytes.Count(bad[:bytes.Index(bad, []byte(c.to))], []byte("\n"))
			}
			_, err := parseJSON("export.json", bad)
			want := fmt.Sprintf(c.want, l)
			if name == "unknown field" {
				// the line of the study the field is in
				want = fmt.Sprintf(c.want, 1+bytes.Count(bad[:bytes.Index(bad, []byte(`"studies"`))], []byte("\n"))+1)
			}
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error = %v; want %q", err, want)
			}
		})
	}
}

// The streamed reader never panics, and a document it reads answers Line for any path.
func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"format": "cmograph/v1", "studies": [{"id": "s", "title": "T", "programmeTheories": [{"name": "P", "cmocs": [{"code": "C1", "outcomes": ["O"]}]}]}]}`), "studies[0].programmeTheories[0].cmocs[0].outcomes[0]")
	f.Add([]byte(`{"format": "cmograph/v1", "alignments": [{"from": "a\"b", "to": "c"}]}`), "alignments[0].to")
	f.Add([]byte(`{"studies": [{"id": 1}]}`), "studies[0].id")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		file, err := parseJSON("f.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.json:") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if line := file.Line(path); line < 1 || line > 1+bytes.Count(data, []byte("\n")) {
			t.Fatalf("Line(%q) = %d, outside the file", path, line)
		}
	})
}
