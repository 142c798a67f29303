package citation

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseRIS(t *testing.T) {
	data := "\uFEFFTY  - JOUR\r\n" +
		"AU  - Gillard, Steve\r\n" +
		"A1  - Gibson S\r\n" +
		"AU - Holley, J.\r\n" +
		"T1  - A change model\r\n" +
		"PY  - 2015/05/12/\r\n" +
		"JO  - Epidemiol Psychiatr Sci\r\n" +
		"JF  - Epidemiology and Psychiatric Sciences\r\n" +
		"VL  - 24\r\n" +
		"IS  - 5\r\n" +
		"SP  - 435\r\n" +
		"EP  - 445\r\n" +
		"DO  - doi:10.1017/S2045796014000407\r\n" +
		"AB  - First line of the abstract\r\n" +
		"  continues CD-ROM based here.\r\n" +
		"N1  - Some note; PMID: 25412345\r\n" +
		"UR  - https://example.org/a\r\n" +
		"UR  - https://example.org/b\r\n" +
		"ER  -\r\n" +
		"\r\n" +
		"TY  - JOUR\r\n" +
		"TI  -Second\r\n" +
		"Y1  - 2020\r\n" +
		"AN  - 12345678\r\n" +
		"T2  - Journal Two\r\n" +
		"SP  - e12-e20\r\n" +
		"EP  - e20\r\n" +
		"ER  - \r\n"
	got, err := ParseRIS("refs.ris", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{
		Title: "A change model", Authors: []string{"Gillard, Steve", "Gibson S", "Holley, J."}, Year: intp(2015),
		Journal: "Epidemiology and Psychiatric Sciences", Volume: "24", Issue: "5", Pages: "435-445",
		DOI: "10.1017/s2045796014000407", PMID: "25412345", URL: "https://example.org/a",
		Abstract: "First line of the abstract continues CD-ROM based here.", Line: 1,
	}, {
		Title: "Second", Year: intp(2020), Journal: "Journal Two", Pages: "e12-e20", PMID: "12345678", Line: 21,
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestParseRISErrors(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"no ER", "TY  - JOUR\nTI  - A\n", "refs.ris:1: record 1: ends without \"ER  - \""},
		{"TY before ER", "TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  - \n", "refs.ris:1: record 1: has no \"ER  - \" before the next \"TY  - \" at line 3"},
		{"junk first", "hello\nTY  - JOUR\nER  - \n", "refs.ris:1: expected a record starting with \"TY  - \""},
		{"bad year", "TY  - JOUR\nTI  - A\nPY  - n.d.\nER  - \n", "refs.ris:3: record 1: PY: \"n.d.\" does not start with a four-digit year"},
		{"bad doi", "TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\nTI  - B\nDO  - n/a\nER  - \n", "refs.ris:6: record 2: DO: DOI \"n/a\" is not a DOI"},
		{"stray ER", "ER  - \n", "refs.ris:1: \"ER  - \" without a record"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRIS("refs.ris", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseBibTeX(t *testing.T) {
	data := `Anything before an entry is a comment, even me@example.org.
@string{ epsy = "Epidemiology and " # {Psychiatric Sciences} }
@comment{ jabref-meta: databaseType:bibtex; }
@preamble{ "\newcommand{\noop}[1]{}" }

@Article{gillard2015,
  Author = {Gillard, Steve and Gibson, S. and Holley, J and M{\"u}ller, J{\"o}rg and {\"O}zdemir, A. and {World Health Organization} and Ludwig van Beethoven and others},
  TITLE = {{Developing} a change model for peer worker
           interventions in \emph{mental health} services: a {\v{S}}koda \& na\"{\i}ve {\c c}ase},
  journal = epsy,
  year = 2015,
  volume = "24", number = {5},
  pages = {435--445},
  doi = {https://doi.org/10.1017/S2045796014000407},
  url = {https://example.org/a\_b},
  eprinttype = {pubmed}, eprint = {25412345},
  abstract = {50\% of {peer} workers~said \textquotedblleft{}yes\textquotedblright.},
}
@inproceedings(conf2020,
  title = "A {"}quoted{"} title",
  booktitle = {Proceedings of Something},
  date = {2020-05-01},
  note = {PMID: 31234567},
)
`
	got, err := ParseBibTeX("refs.bib", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{
		Title: "Developing a change model for peer worker interventions in mental health services: a Škoda & naïve çase",
		Authors: []string{"Gillard S", "Gibson S", "Holley J", "Müller J", "Özdemir A", "World Health Organization",
			"van Beethoven L"},
		Year: intp(2015), Journal: "Epidemiology and Psychiatric Sciences", Volume: "24", Issue: "5", Pages: "435-445",
		DOI: "10.1017/s2045796014000407", PMID: "25412345", URL: "https://example.org/a_b",
		Abstract: "50% of peer workers said “yes”.", Line: 6,
	}, {
		Title: `A "quoted" title`, Year: intp(2020), Journal: "Proceedings of Something", PMID: "31234567", Line: 19,
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestParseBibTeXErrors(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"unterminated brace", "@article{a,\n  title = {A {b} c,\n  year = 2015\n}\n", "refs.bib:1: record 1: entry a is never closed with } (is a } missing in field title at line 2, or is the file truncated?)"},
		{"unterminated brace before next entry", "@article{a,\n  title = {A {{b c},\n  year = 2015\n}\n\n@article{b,\n title = {B}\n}\n", "refs.bib:2: record 1: the value of field title: the { opened here is not closed before the next entry at line 6"},
		{"unterminated entry", "@article{a,\n  title = {A},\n", "refs.bib:1: record 1: entry a is never closed with }"},
		{"missing equals", "@article{a,\n  title {A}\n}\n", "refs.bib:2: record 1: entry a: field title: expected ="},
		{"undefined macro", "@article{a, title = {A}}\n@article{b,\n  journal = jpsy,\n}\n", "refs.bib:3: record 2: field journal: \"jpsy\" is not a defined @string"},
		{"duplicate field", "@article{a,\n  title = {A},\n  Title = {B}\n}\n", "refs.bib:3: record 1: entry a: field title is given twice (lines 2 and 3)"},
		{"bad year", "@article{a,\n  title = {A},\n  year = {circa 2015}\n}\n", "refs.bib:3: record 1: year: \"circa 2015\" does not start with a four-digit year"},
		{"no key", "@article{,\n  title = {A}\n}\n", "refs.bib:1: record 1: entry has no citation key"},
		{"no brace", "@article\n", "refs.bib:1: @article must be followed by { or ("},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBibTeX("refs.bib", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestParseCSLJSON(t *testing.T) {
	data := `[
  {
    "id": "x", "type": "article-journal",
    "title": "Peer support",
    "author": [{"family": "Gillard", "given": "Steve"}, {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
               {"literal": "World Health Organization"}, {"family": "King", "given": "Martin Luther", "suffix": "Jr"}],
    "issued": {"date-parts": [["2023", 5]]},
    "container-title": ["BMC Psychiatry", "BMC Psychiatry (abbr)"],
    "volume": 24, "issue": "5", "page": "1-10",
    "DOI": "https://doi.org/10.1186/ABC", "PMID": 39138435, "URL": "https://example.org", "abstract": "Text."
  },
  {"title": "Raw date", "issued": {"raw": "2019-03"}}
]`
	got, err := ParseCSLJSON("refs.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{
		Title: "Peer support", Authors: []string{"Gillard S", "van Beethoven L", "World Health Organization", "King ML Jr"},
		Year: intp(2023), Journal: "BMC Psychiatry", Volume: "24", Issue: "5", Pages: "1-10", DOI: "10.1186/abc",
		PMID: "39138435", URL: "https://example.org", Abstract: "Text.", Line: 2,
	}, {Title: "Raw date", Year: intp(2019), Line: 12}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
	one, err := ParseCSLJSON("one.json", []byte(`{"title": "Just one", "issued": {"date-parts": [[1999]]}}`))
	if err != nil || len(one) != 1 || one[0].Title != "Just one" || *one[0].Year != 1999 {
		t.Fatalf("one item: %#v, %v", one, err)
	}
}

func TestParseCSLJSONErrors(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"title number", "[\n {\"title\": \"ok\"},\n {\n  \"title\": 42\n }\n]", "refs.json:4: record 2: \"title\": must be a string, not a number"},
		{"author string", "[{\n \"title\": \"a\",\n \"author\": \"Gillard S\"\n}]", "refs.json:3: record 1: \"author\": must be a list of names, not a string"},
		{"author item", "[{\"title\": \"a\", \"author\": [\"Gillard S\"]}]", "refs.json:1: record 1: \"author\": name 1 must be an object"},
		{"issued string", "[{\"title\": \"a\",\n\"issued\": \"2015\"}]", "refs.json:2: record 1: \"issued\": must be a date object"},
		{"year word", "[{\"title\": \"a\", \"issued\": {\"date-parts\": [[\"soon\"]]}}]", "record 1: \"issued\": date-parts year \"soon\" is not a four-digit year"},
		{"item not object", "[\n\"just a string\"\n]", "refs.json:2: record 1: must be an object, not a string"},
		{"top-level string", "\"x\"", "refs.json:1: expected a CSL-JSON array of items or one item"},
		{"syntax", "[\n{\"title\": \"a\",}\n]", "refs.json:2: not valid JSON"},
		{"truncated", "[\n{\"title\": \"a\"", "refs.json:2: JSON ends too early"},
		{"trailing", "[]\n[]", "refs.json:2: unexpected content after the CSL-JSON value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseCSLJSON("refs.json", []byte(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	cases := []struct {
		name, data string
		want       Format
	}{
		{"a.RIS", "", FormatRIS},
		{"dir.x/a.bib", "", FormatBibTeX},
		{"a.bibtex", "", FormatBibTeX},
		{"a.json", "", FormatCSLJSON},
		{"export.txt", "\uFEFF  [ {} ]", FormatCSLJSON},
		{"export.txt", "\n\nTY  - JOUR\nER  - \n", FormatRIS},
		{"export.txt", "% comment\n@Article{x,\n}", FormatBibTeX},
	}
	for _, c := range cases {
		got, err := DetectFormat(c.name, []byte(c.data))
		if err != nil || got != c.want {
			t.Errorf("DetectFormat(%q, %q) = %q, %v; want %q", c.name, c.data, got, err, c.want)
		}
	}
	if _, err := DetectFormat("notes.txt", []byte("just some notes")); err == nil || !strings.Contains(err.Error(), "notes.txt: cannot tell the citation format") {
		t.Errorf("unknown content: %v", err)
	}
	if _, err := Parse("x", nil, "endnote"); err == nil {
		t.Error("unknown format accepted")
	}
}

// The example files are what the README shows: each must parse.
func TestExampleFiles(t *testing.T) {
	for _, name := range []string{"testdata/example.ris", "testdata/example.bib", "testdata/example.json"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		format, err := DetectFormat(name, data)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := Parse(name, data, format)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 {
			t.Errorf("%s: %d records, want 2", name, len(recs))
		}
	}
}
