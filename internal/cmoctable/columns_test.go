package cmoctable

import (
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping(" cmoc = CMOC code , Mechanism Resource=M (resource),outcome=O")
	if err != nil {
		t.Fatal(err)
	}
	want := Mapping{"cmoc": "CMOC code", "mechanism_resource": "M (resource)", "outcome": "O"}
	if len(m) != len(want) {
		t.Fatalf("mapping = %v", m)
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("mapping[%s] = %q, want %q", k, m[k], v)
		}
	}
	if m, err := ParseMapping("  "); err != nil || len(m) != 0 {
		t.Errorf("empty spec: %v, %v", m, err)
	}
}

func TestParseMappingErrors(t *testing.T) {
	for spec, want := range map[string]string{
		"outcomes=O":         `mapping "outcomes=O": "outcomes" is not a column; the columns are study, theory, cmoc, context`,
		"cmoc":               `mapping "cmoc": write column=header`,
		"cmoc=":              `mapping "cmoc=": the header is empty`,
		"cmoc=A,CMOC=B":      `column cmoc is mapped twice`,
		"cmoc=A,outcome=a":   `header "a" is already mapped to cmoc`,
		"cmoc=A,bogus=B,x=Y": `"bogus" is not a column`,
	} {
		_, err := ParseMapping(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMapping(%q) = %v; want %q", spec, err, want)
		}
	}
}

func TestHeaderMatching(t *testing.T) {
	l, err := resolveHeader([]string{" Study ", "THEORY", "cMoC", "Mechanism Resource", "mechanism-reasoning", "# notes", "Study_Title"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for col, i := range map[string]int{colStudy: 0, colTheory: 1, colCMOC: 2, colResource: 3, colReasoning: 4, colStudyTitle: 6, colQuote: -1} {
		if l.index[col] != i {
			t.Errorf("%s is at %d, want %d", col, l.index[col], i)
		}
	}
}

func TestMappingTakesAHeaderFromItsDefaultColumn(t *testing.T) {
	// The file's "context" column holds outcomes; its "C" column holds contexts.
	doc, err := Read(document.Document{}, []byte("study,theory,cmoc,context,C\ns,PT,C1,Hope,Matched peer\n"),
		Options{Name: "t.csv", Mapping: Mapping{"outcome": "context", "context": "C"}})
	if err != nil {
		t.Fatal(err)
	}
	pt := doc.Studies[0].ProgrammeTheories[0]
	if pt.Contexts[0].Name != "Matched peer" || pt.Outcomes[0].Name != "Hope" {
		t.Errorf("contexts %+v, outcomes %+v", pt.Contexts, pt.Outcomes)
	}
}

func TestMappingErrorsInRead(t *testing.T) {
	for _, c := range []struct {
		m    Mapping
		want string
	}{
		{Mapping{"cmoc": "Code"}, `t.csv:1: mapping cmoc="Code": the file has no column "Code"`},
		{Mapping{"nope": "x"}, `t.csv:1: mapping: "nope" is not a column`},
		{Mapping{"cmoc": "x", "outcome": "X"}, `mapping: header "X" is mapped to both cmoc and outcome`},
	} {
		_, err := Read(document.Document{}, []byte("study,theory,cmoc,outcome\ns,PT,C1,O\n"), Options{Name: "t.csv", Mapping: c.m})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("mapping %v: error %v; want %q", c.m, err, c.want)
		}
	}
}

func TestListEscapesRoundTrip(t *testing.T) {
	for _, vals := range [][]string{
		{"a", "b"}, {"a;b"}, {`back\slash`}, {`ends\`, "next"}, {`\;`, `\\`}, {`a\\;b`},
	} {
		if got := splitList(joinList(vals)); !slices.Equal(got, vals) {
			t.Errorf("splitList(joinList(%q)) = %q (written %q)", vals, got, joinList(vals))
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	codes := []string{"CMOC 10", "CMOC 2", "cmoc 1", "Theme 1", "CMOC 2a", "CMOC 02", "A"}
	slices.SortStableFunc(codes, kb.NaturalCompare)
	want := []string{"A", "cmoc 1", "CMOC 2", "CMOC 02", "CMOC 2a", "CMOC 10", "Theme 1"}
	if !slices.Equal(codes, want) {
		t.Errorf("sorted = %q, want %q", codes, want)
	}
}

func TestMechanismName(t *testing.T) {
	if got := mechanismName("Time", "Trust"); got != "Time → Trust" {
		t.Errorf("got %q", got)
	}
	if got := mechanismName("", "  Feels   understood "); got != "Feels understood" {
		t.Errorf("got %q", got)
	}
	long := mechanismName(strings.Repeat("word ", 100), "")
	if n := len([]rune(long)); n > mechanismNameRunes+1 || !strings.HasSuffix(long, "word…") {
		t.Errorf("long name (%d runes) = %q", n, long)
	}
}
