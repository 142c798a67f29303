package citation

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// Each parser fuzzer checks that the parser never panics, that every error names the file, and
// that whatever it accepts survives export: records -> studies -> write -> parse -> merge into
// those studies finds every one of them and changes nothing.

func addSeeds(f *testing.F, example string, more ...string) {
	data, err := os.ReadFile(example)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, m := range more {
		f.Add([]byte(m))
	}
}

func fuzzParser(t *testing.T, name string, data []byte, parse func(string, []byte) ([]Record, error),
	write func(io.Writer, []document.Study) error) {
	recs, err := parse(name, data)
	if err != nil {
		if !strings.HasPrefix(err.Error(), name) {
			t.Fatalf("error does not name the file: %v", err)
		}
		return
	}
	doc, _, err := Merge(document.Document{}, recs)
	if err != nil {
		return // e.g. a record without a title: refused, with its line
	}
	var buf bytes.Buffer
	if err := write(&buf, doc.Studies); err != nil {
		t.Fatal(err)
	}
	again, err := parse(name, buf.Bytes())
	if err != nil {
		t.Fatalf("export does not read back: %v\n%s", err, buf.String())
	}
	_, rep, err := Merge(doc, again)
	if err != nil {
		t.Fatalf("export does not merge back: %v\n%s", err, buf.String())
	}
	if len(rep.Created) != 0 || len(rep.Updated) != 0 || len(rep.Matched) != len(doc.Studies) {
		t.Fatalf("export is not lossless: %+v\nstudies %+v\nexport:\n%s\nread back %+v", rep, doc.Studies, buf.String(), again)
	}
}

func FuzzParseRIS(f *testing.F) {
	addSeeds(f, "testdata/example.ris",
		"TY  - JOUR\r\nTI  - A\r\nAU  - Smith, J.\r\nPY  - 2020///\r\nSP  - 1\r\nEP  - 9\r\nN1  - PMID: 123\r\nER  - \r\n",
		"TY  - JOUR\nTI - x\n continued\nER  -", "TY  - JOUR\n", "ER  - \n", "\uFEFFTY  - GEN\nTI  - é\nER  - \n")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, "f.ris", data, ParseRIS, WriteRIS) })
}

func FuzzParseBibTeX(f *testing.F) {
	addSeeds(f, "testdata/example.bib",
		`@article{a, title = {M{\"u}ller \& {Co}}, author = {van Beethoven, L. and {WHO} and others}, year = 2020}`,
		`@string{j = "J" # {x}} @misc(b, title = "a {"} b" # j, pages = {1--2})`,
		"@article{a,\n title = {unclosed\n", `@comment{x} @preamble{"y"} text @ x`, `@article{k, title={\'{\i}\c c\v{s}~$\alpha$}}`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, "f.bib", data, ParseBibTeX, WriteBibTeX) })
}

func FuzzParseCSLJSON(f *testing.F) {
	addSeeds(f, "testdata/example.json",
		`{"title": ["T"], "author": [{"literal": "WHO"}, {"family": "Smith", "given": "J", "suffix": "Jr"}], "issued": {"raw": "2020"}, "volume": 3}`,
		`[{"title": 1}]`, `[`, `[{"title": "a", "issued": {"date-parts": [["2020"]]}}]`, `null`)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParser(t, "f.json", data, ParseCSLJSON, WriteCSLJSON) })
}

// FuzzLatex checks that decodeLatex never panics and that encodeLatex is its inverse (up to
// white space), which is what makes the BibTeX export lossless.
func FuzzLatex(f *testing.F) {
	for _, s := range []string{`{\"o}`, `\'{\i}`, `a\b{c}~^&%$#_`, `\emph{x} \ss{}`, `\`, `{{}`, "Zürich -- 50%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = decodeLatex(s)
		_ = parseBibAuthors(s)
		if !strings.ContainsRune(s, '\uFFFD') && strings.ToValidUTF8(s, "") == s {
			if got := decodeLatex(encodeLatex(s)); got != squash(s) {
				t.Fatalf("decodeLatex(encodeLatex(%q)) = %q", s, got)
			}
		}
	})
}
