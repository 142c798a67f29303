package citation

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// Hostile and broken files: each is refused with an error naming the file and line, and the
// store is left exactly as it was.
func TestHostileInput(t *testing.T) {
	huge := strings.Repeat("a", MaxFieldSize+1)
	latin1 := func(prefix string) []byte {
		// "Müller" as Latin-1: 0xFC is not UTF-8.
		return append([]byte(prefix), 'M', 0xFC, 'l', 'l', 'e', 'r', '\n')
	}
	cases := []struct {
		name string
		file string
		data []byte
		want string
	}{
		{"bibtex unterminated brace", "refs.bib",
			[]byte("@article{gillard2015,\n  title = {Developing a {change model,\n  year = 2015,\n}\n"),
			"refs.bib:2: record 1: the value of field title: the { opened here is never closed"},
		{"bibtex unterminated quote", "refs.bib",
			[]byte("@article{a,\n  title = \"Developing,\n  year = 2015\n}\n"),
			`refs.bib:2: record 1: field title: the " opened here is not closed before the } at line 4`},
		{"bibtex huge field", "refs.bib", []byte("@article{a,\n  title = {A},\n  abstract = {" + huge + "}\n}\n"),
			"refs.bib:3: record 1: field abstract is longer than 1048576 bytes"},
		{"bibtex huge concatenation", "refs.bib",
			[]byte("@string{big = {" + huge[:MaxFieldSize/2+1] + "}}\n@article{a,\n  title = big # big\n}\n"),
			"refs.bib:3: record 1: field title is longer than 1048576 bytes"},
		{"ris huge field", "refs.ris", []byte("TY  - JOUR\nTI  - A\nAB  - " + huge + "\nER  - \n"),
			"refs.ris:3: record 1: AB is 1048577 bytes long; at most 1048576"},
		{"ris huge continued field", "refs.ris",
			[]byte("TY  - JOUR\nTI  - A\nAB  - x\n" + strings.Repeat(huge[:1000]+"\n", MaxFieldSize/1000+1) + "ER  - \n"),
			"refs.ris:3: record 1: AB is longer than 1048576 bytes"},
		{"csl huge field", "refs.json", []byte("[\n{\"title\": \"A\",\n\"abstract\": \"" + huge + "\"}]"),
			"refs.json:3: record 1: \"abstract\": abstract is 1048577 bytes long; at most 1048576"},
		{"bibtex latin-1", "refs.bib", latin1("@article{a,\n  title = {A},\n  author = {"), "refs.bib:3: byte 0xFC is not valid UTF-8"},
		{"ris latin-1", "refs.ris", latin1("TY  - JOUR\nTI  - A\nAU  - "), "refs.ris:3: byte 0xFC is not valid UTF-8"},
		{"csl latin-1", "refs.json", latin1("[{\"title\": \"A\",\n \"author\": [{\"family\": \""), "refs.json:2: byte 0xFC is not valid UTF-8"},
		{"utf-16", "refs.ris", []byte{0xFF, 0xFE, 'T', 0, 'Y', 0}, "refs.ris:1: file is UTF-16; save it as UTF-8"},
		{"nul byte", "refs.ris", []byte("TY  - JOUR\nTI  - A\x00\nER  - \n"), "refs.ris:2: file contains a NUL byte"},
		{"ris without ER", "refs.ris",
			[]byte("TY  - JOUR\nTI  - Complete\nER  - \n\nTY  - JOUR\nTI  - Cut off here\nAU  - Smith, J.\n"),
			"refs.ris:5: record 2: ends without \"ER  - \" (the file may be truncated)"},
		{"json wrong types", "refs.json",
			[]byte("[\n  {\n    \"title\": [\"ok\"],\n    \"issued\": {\"date-parts\": \"2015\"},\n    \"volume\": true\n  }\n]\n"),
			"refs.json:4: record 1: \"issued\": date-parts must be a list of lists"},
		{"json truncated", "refs.json", []byte("[\n  {\"title\": \"A\", \"DOI\": \"10.1/x\"},\n  {\"title\": \"B\""),
			"refs.json:3: JSON ends too early"},
		{"bibtex truncated", "refs.bib", []byte("@article{a,\n  title = {A},\n  year = "), "refs.bib:3: record 1: field year has no value"},
		{"new record without title", "refs.ris", []byte("TY  - JOUR\nAU  - Smith, J.\nPY  - 2020\nER  - \n"),
			"refs.ris:1: record 1: has no title"},
		{"duplicate records", "refs.bib",
			[]byte("@article{a, title = {X}, doi = {10.1017/S2045796014000407}}\n\n@article{b,\n title = {Y},\n doi = {https://doi.org/10.1017/s2045796014000407}\n}\n"),
			`refs.bib:3: record 2: matches study "gillard-2015" by doi, which record 1 (line 1) already matched`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := seedStore(t)
			before := dump(t, store)
			_, _, err := importFile(t, store, c.file, c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v\nwant it to contain %q", clipErr(err), c.want)
			}
			if dump(t, store) != before {
				t.Error("a refused file changed the store")
			}
		})
	}
}

func TestJSONWrongTypesAllReported(t *testing.T) {
	data := "[\n  {\n    \"title\": 7,\n    \"author\": {\"family\": \"X\"},\n    \"DOI\": 10.1,\n    \"URL\": null\n  }\n]\n"
	_, err := ParseCSLJSON("refs.json", []byte(data))
	for _, want := range []string{
		`refs.json:3: record 1: "title": must be a string, not a number`,
		`refs.json:4: record 1: "author": must be a list of names, not an object`,
		`refs.json:5: record 1: "DOI": must be a string, not a number`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nwant it to contain %q", err, want)
		}
	}
}

func TestOversizedFile(t *testing.T) {
	data := bytes.Repeat([]byte(" "), document.MaxFileSize+1)
	for _, f := range []Format{FormatRIS, FormatBibTeX, FormatCSLJSON} {
		if _, err := Parse("big", data, f); err == nil || !strings.Contains(err.Error(), "big: file is 67108865 bytes; at most 67108864") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestManyErrorsCapped(t *testing.T) {
	var b strings.Builder
	for range 100 {
		b.WriteString("TY  - JOUR\nPY  - never\nER  - \n")
	}
	_, err := ParseRIS("refs.ris", []byte(b.String()))
	if err == nil || strings.Count(err.Error(), "\n") != maxErrors || !strings.Contains(err.Error(), "... and 80 more problems") {
		t.Errorf("error %v", err)
	}
}

func clipErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}
