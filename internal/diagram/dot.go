package diagram

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
)

// DOT writes the web of CMOCs of one programme theory in Graphviz DOT, laid out as Mermaid
// does: contexts -> mechanisms -> outcomes left to right, one cluster per outcome holding the
// CMOCs whose first outcome it is, edges labelled with CMOC codes, CHAINS_TO dashed. Render
// with `dot -Tsvg`.
func DOT(w io.Writer, doc document.Document, programmeTheoryID string) error {
	wb, err := buildWeb(doc, programmeTheoryID)
	if err != nil {
		return fmt.Errorf("dot: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("digraph cmocs {\n")
	fmt.Fprintf(&b, "  graph [label=%s, labelloc=t, rankdir=LR, fontname=\"Helvetica\", fontsize=14];\n",
		dotString(shorten(oneLine(wb.title), 2*maxNameRunes)))
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=10, margin=\"0.15,0.07\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n")
	for _, v := range wb.loose {
		writeDOTVertex(&b, "  ", v)
	}
	for _, g := range wb.groups {
		fmt.Fprintf(&b, "  subgraph %s {\n", "cluster_"+strings.TrimPrefix(g.id, "G_"))
		fmt.Fprintf(&b, "    graph [label=%s, style=\"rounded\", color=\"#9e9e9e\", fontsize=12];\n", dotString(g.title))
		for _, v := range g.vertices {
			writeDOTVertex(&b, "    ", v)
		}
		b.WriteString("  }\n")
	}
	// Edges come after every node is declared, so that no edge moves a node out of its cluster.
	for _, e := range wb.edges {
		style := ""
		if e.dashed {
			style = ", style=dashed"
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%s%s];\n", e.from, e.to, dotString(strings.Join(e.labels, ", ")), style)
	}
	b.WriteString("}\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("dot: writing: %w", err)
	}
	return nil
}

// dotShapes gives each kind of vertex its Graphviz attributes.
var dotShapes = map[vertexKind]string{
	vContext:   `shape=box, style="filled", fillcolor="#e8f0fe", color="#3b6fb6"`,
	vMechanism: `shape=box, style="rounded,filled", fillcolor="#fff4e0", color="#c47f00"`,
	vOutcome:   `shape=ellipse, style="filled", fillcolor="#e6f4ea", color="#2e7d32"`,
	vCMOC:      `shape=hexagon, style="dashed", color="#777777"`,
	vExternal:  `shape=box, style="dashed,filled", fillcolor="#f3f3f3", color="#777777"`,
}

func writeDOTVertex(b *bytes.Buffer, indent string, v *vertex) {
	lines := make([]string, len(v.lines))
	for i, l := range v.lines {
		lines[i] = dotText(l)
	}
	fmt.Fprintf(b, "%s%s [label=\"%s\", %s];\n", indent, v.id, strings.Join(lines, `\n`), dotShapes[v.kind])
}

func dotString(s string) string { return `"` + dotText(s) + `"` }

// dotText escapes text for a DOT quoted string used as a label. DOT itself only needs '"'
// escaped, but Graphviz then reads backslash sequences (\n, \N, \G...) and HTML entities in
// labels, so a backslash is doubled and '&' written as an entity to show as typed. Plain
// (not HTML-like) labels are used, so '<', '>', '{', '}' and '|' are literal.
func dotText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '&':
			b.WriteString("&amp;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
