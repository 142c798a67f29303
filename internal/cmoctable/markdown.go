package cmoctable

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// WriteMarkdown writes doc's CMOCs as Markdown tables for a RAMESES appendix: a section per
// programme theory with a table of CMOC | Context | Mechanism | Outcome | Supporting quotes |
// Source. Quotes carry their participant ids and, unless they support the CMOC, their stance;
// Source is the study's citation (first author et al., year) and the CMOC's source field.
func WriteMarkdown(w io.Writer, doc document.Document) error {
	bw := bufio.NewWriter(w)
	x := newDocIndex(doc)
	fmt.Fprintln(bw, "# CMOC tables")
	for _, st := range x.studies {
		cite := citation(st.doc)
		for _, pt := range st.pts {
			fmt.Fprintf(bw, "\n## %s\n\n", inline(pt.doc.Name))
			if len(st.doc.Authors) > 0 {
				fmt.Fprintf(bw, "*%s. %s*\n\n", inline(cite), inline(strings.TrimRight(st.doc.Title, ". ")+"."))
			} else {
				fmt.Fprintf(bw, "*%s*\n\n", inline(strings.TrimRight(st.doc.Title, ". ")+"."))
			}
			if len(pt.cmocs) == 0 {
				fmt.Fprintln(bw, "No CMOCs.")
				continue
			}
			fmt.Fprintln(bw, "| CMOC | Context | Mechanism | Outcome | Supporting quotes | Source |")
			fmt.Fprintln(bw, "| --- | --- | --- | --- | --- | --- |")
			for _, c := range pt.cmocs {
				cells := []string{
					cmocCell(c.doc),
					itemsCell(c.contexts),
					itemsCell(mechanismItems(c.mechanisms)),
					itemsCell(c.outcomes),
					quotesCell(x.evidence[c.id]),
					sourceCell(cite, c.doc.Source),
				}
				fmt.Fprintf(bw, "| %s |\n", strings.Join(cells, " | "))
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing CMOC Markdown: %w", err)
	}
	return nil
}

// cellBreak separates items inside a table cell: Markdown tables hold one line per row.
const cellBreak = "<br>"

// inline escapes text for a table cell or a line: pipes would end the cell, line breaks the
// row, and the other characters would start emphasis, code, links or HTML.
func inline(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch r {
		case '\\', '|', '*', '_', '`', '<', '>', '[', ']':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteString(cellBreak)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func cmocCell(c *document.CMOC) string {
	s := "**" + inline(c.Code) + "**"
	if c.Label != "" {
		s += cellBreak + inline(c.Label)
	}
	return s
}

// itemsCell lists values one per line, bulleted when there are several.
func itemsCell(items []string) string {
	if len(items) == 1 {
		return inline(items[0])
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = "• " + inline(it)
	}
	return strings.Join(parts, cellBreak)
}

func mechanismItems(ms []*document.Mechanism) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		var detail []string
		if m.Resource != "" {
			detail = append(detail, "resource: "+oneLine(m.Resource))
		}
		if m.Reasoning != "" {
			detail = append(detail, "reasoning: "+oneLine(m.Reasoning))
		}
		switch {
		case len(detail) == 0:
			out[i] = m.Name
		case m.Name == mechanismName(m.Resource, m.Reasoning):
			// A name made from the resource and reasoning would only repeat them.
			out[i] = strings.Join(detail, "; ")
		default:
			out[i] = m.Name + " (" + strings.Join(detail, "; ") + ")"
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func quotesCell(evs []quoteEvidence) string {
	parts := make([]string, 0, len(evs))
	for _, e := range evs {
		s := "“" + inline(oneLine(e.quote.Text)) + "”"
		if e.quote.Participant != "" {
			s += " (" + inline(e.quote.Participant) + ")"
		}
		if e.stance != "" && e.stance != string(kb.StanceSupports) {
			s += " — " + strings.ToLower(e.stance)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, cellBreak)
}

func sourceCell(cite, source string) string {
	if source == "" {
		return inline(cite)
	}
	return inline(cite + "; " + source)
}

// citation is a study as a report cites it: "Gillard et al., 2015".
func citation(st *document.Study) string {
	year := "n.d."
	if st.Year != nil {
		year = strconv.Itoa(*st.Year)
	}
	var who string
	switch n := len(st.Authors); {
	case n == 0:
		// With no authors a study is cited by its title, as reference styles do.
		who = clipWords(st.Title, citationTitleRunes)
		if who == "" {
			who = st.ID
		}
	case n == 1:
		who = surname(st.Authors[0])
	case n == 2:
		who = surname(st.Authors[0]) + " and " + surname(st.Authors[1])
	default:
		who = surname(st.Authors[0]) + " et al."
	}
	return who + ", " + year
}

// citationTitleRunes bounds a title standing in for authors in a citation.
const citationTitleRunes = 50

// clipWords shortens s to at most n runes, cutting between words.
func clipWords(s string, n int) string {
	s = oneLine(s)
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}

// surname takes the family name from "Gillard S", "Gidugu, V." or "van der Berg AB": the part
// before a comma, or the words before trailing initials.
func surname(author string) string {
	if i := strings.IndexByte(author, ','); i > 0 {
		return strings.TrimSpace(author[:i])
	}
	words := strings.Fields(author)
	for len(words) > 1 && isInitials(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

func isInitials(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case r == '.' || r == '-':
		case unicode.IsUpper(r):
			letters++
		default:
			return false
		}
	}
	return letters > 0 && letters <= 3
}
