package cmoctable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

func markdown(t *testing.T, doc document.Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestMarkdownOfExample(t *testing.T) {
	st := emptyStore(t)
	if _, err := importTable(t, st, "example.csv", readFile(t, "testdata/example.csv"), nil); err != nil {
		t.Fatal(err)
	}
	md := markdown(t, snapshotDoc(t, st))
	for _, want := range []string{
		"## Initial programme theory\n",
		"| CMOC | Context | Mechanism | Outcome | Supporting quotes | Source |\n| --- | --- | --- | --- | --- | --- |\n",
		"| **CMOC 1**<br>Shared lived experience instils hope | Peer worker discloses their own recovery story | ",
		"“When she told me she'd been sectioned too, I thought, right, if she can get here, so can I.” (P04)<br>“Seeing him",
		"| resource: A peer worker further along in their own recovery; reasoning: The service user comes to see recovery as possible for them too |",
		"(S02) — refines",
		"• Hope for recovery<br>• Peer worker wellbeing",
		"| Peer support workers in community mental health…, 2022 |",
		"*Peer support workers in community mental health teams: a realist evaluation.*",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	// Every table row has exactly the six cells of the header.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 7 {
				t.Errorf("row with %d pipes: %s", n, line)
			}
		}
	}
}

func TestMarkdownEscapesCells(t *testing.T) {
	year := 2020
	doc := document.Document{Studies: []document.Study{{
		ID: "s", Title: "T", Year: &year, Authors: []string{"Smith J", "Jones, K.", "Lee A"},
		ProgrammeTheories: []document.ProgrammeTheory{{
			ID: "s.pt", Name: "PT | one",
			Contexts:   []document.Context{{ID: "s.pt.c.a", Name: "a | b\nc"}},
			Mechanisms: []document.Mechanism{{ID: "s.pt.m.m", Name: "M", Resource: "r *bold*", Reasoning: "<script>"}},
			CMOCs: []document.CMOC{{ID: "s.pt.c1", Code: "C|1", Source: "p. 3",
				Contexts: []string{"s.pt.c.a"}, Mechanisms: []string{"s.pt.m.m"}}},
		}},
		Quotes: []document.Quote{{ID: "s.q", Text: "line one\nline | two", Participant: "P1",
			Evidences: []document.Evidence{{CMOC: "s.pt.c1", Stance: "REFUTES"}}}},
	}}}
	md := markdown(t, doc)
	for _, want := range []string{
		`## PT \| one`,
		`| **C\|1** | a \| b<br>c | M (resource: r \*bold\*; reasoning: \<script\>) |  | “line one line \| two” (P1) — refutes | Smith et al., 2020; p. 3 |`,
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestCitation(t *testing.T) {
	y := 2015
	for _, c := range []struct {
		st   document.Study
		want string
	}{
		{document.Study{Authors: []string{"Gillard S", "Gibson S", "Holley J"}, Year: &y}, "Gillard et al., 2015"},
		{document.Study{Authors: []string{"Gidugu, V.", "Rogers, E.S."}, Year: &y}, "Gidugu and Rogers, 2015"},
		{document.Study{Authors: []string{"van der Berg AB"}}, "van der Berg, n.d."},
		{document.Study{ID: "x", Title: "A short title", Year: &y}, "A short title, 2015"},
	} {
		if got := citation(&c.st); got != c.want {
			t.Errorf("citation(%v) = %q, want %q", c.st.Authors, got, c.want)
		}
	}
}
