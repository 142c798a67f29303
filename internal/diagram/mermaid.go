package diagram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
)

// Mermaid writes the web of CMOCs of one programme theory as a Mermaid flowchart, left to
// right: contexts -> mechanisms -> outcomes, one subgraph per outcome holding the CMOCs whose
// first outcome it is, edges labelled with CMOC codes, CHAINS_TO as dashed edges. It is
// meant to be pasted into Markdown, which GitHub renders. The document is read as import
// reads it: ids may be defaulted and CMOCs may name their elements.
func Mermaid(w io.Writer, doc document.Document, programmeTheoryID string) error {
	wb, err := buildWeb(doc, programmeTheoryID)
	if err != nil {
		return fmt.Errorf("mermaid: %w", err)
	}
	var b bytes.Buffer
	title, err := mermaidTitle(shorten(oneLine(wb.title), 2*maxNameRunes))
	if err != nil {
		return fmt.Errorf("mermaid: %w", err)
	}
	fmt.Fprintf(&b, "---\ntitle: %s\n---\nflowchart LR\n", title)
	for _, c := range mermaidClasses {
		fmt.Fprintf(&b, "  classDef %s\n", c)
	}
	for _, v := range wb.loose {
		writeMermaidVertex(&b, "  ", v)
	}
	for _, g := range wb.groups {
		fmt.Fprintf(&b, "  subgraph %s[%s]\n", g.id, mermaidString(g.title))
		for _, v := range g.vertices {
			writeMermaidVertex(&b, "    ", v)
		}
		b.WriteString("  end\n")
	}
	// Edges come after every node is declared, so that no edge moves a node out of its group.
	for _, e := range wb.edges {
		arrow := "-->"
		if e.dashed {
			arrow = "-.->"
		}
		fmt.Fprintf(&b, "  %s %s|%s| %s\n", e.from, arrow, mermaidString(strings.Join(e.labels, ", ")), e.to)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("mermaid: writing: %w", err)
	}
	return nil
}

// mermaidClasses colour the kinds of node; the class names are those writeMermaidVertex uses.
var mermaidClasses = []string{
	"context fill:#e8f0fe,stroke:#3b6fb6,color:#0b1f3a",
	"mechanism fill:#fff4e0,stroke:#c47f00,color:#3a2600",
	"outcome fill:#e6f4ea,stroke:#2e7d32,color:#0f2e12",
	"cmoc fill:#ffffff,stroke:#777777,stroke-dasharray:3 3,color:#222222",
	"external fill:#f3f3f3,stroke:#777777,stroke-dasharray:3 3,color:#333333",
}

// mermaidShapes gives each kind of vertex its shape's brackets and its class.
var mermaidShapes = map[vertexKind][3]string{
	vContext:   {"[", "]", "context"},
	vMechanism: {"(", ")", "mechanism"},
	vOutcome:   {"([", "])", "outcome"},
	vCMOC:      {"{{", "}}", "cmoc"},
	vExternal:  {"[[", "]]", "external"},
}

func writeMermaidVertex(b *bytes.Buffer, indent string, v *vertex) {
	shape := mermaidShapes[v.kind]
	lines := make([]string, len(v.lines))
	for i, l := range v.lines {
		lines[i] = mermaidText(l)
	}
	fmt.Fprintf(b, "%s%s%s\"%s\"%s:::%s\n", indent, v.id, shape[0], strings.Join(lines, "<br/>"), shape[1], shape[2])
}

func mermaidString(s string) string { return `"` + mermaidText(s) + `"` }

// mermaidText escapes text for a quoted Mermaid label. Inside quotes Mermaid takes brackets
// and most punctuation literally, but a quote would end the label and '#...;' is its entity
// syntax, so those and every character that HTML, Markdown strings or edge-label pipes give a
// meaning are written as numeric entities ('#34;'), which Mermaid turns back into the
// character. Two more are escaped because Mermaid rewrites the whole text before parsing it:
// '%' (it deletes "%%{...}%%" directives wherever they stand) and a ':' not followed by a
// space (a line matching /style.*:\S*#.*;/ loses its last ';', which would break the
// entity). The text has been through oneLine, so it holds no newline or control character.
func mermaidText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case strings.ContainsRune(`"#&<>`+"`"+`|;\\%`, r), r == ':' && !strings.HasPrefix(s[i+1:], " "):
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mermaidTitle quotes the theory's name for the front matter: a JSON string is a YAML
// double-quoted scalar, and the characters Mermaid's text rewriting acts on are written as
// \u escapes so that no rewriting can touch them.
func mermaidTitle(s string) (string, error) {
	j, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	return strings.NewReplacer("%", `\u0025`, "#", `\u0023`, ";", `\u003b`, ":", `\u003a`).Replace(string(j)), nil
}
