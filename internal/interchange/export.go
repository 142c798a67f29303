package interchange

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cmograph/cmograph/internal/citation"
	"github.com/cmograph/cmograph/internal/cmoctable"
	"github.com/cmograph/cmograph/internal/diagram"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// ExportFormat names what Export writes.
type ExportFormat string

const (
	ExportJSON     ExportFormat = "json"     // the canonical cmograph document
	ExportYAML     ExportFormat = "yaml"     // the same, as YAML
	ExportCSV      ExportFormat = "csv"      // CMOC table, the layout CSV import reads
	ExportMarkdown ExportFormat = "markdown" // CMOC tables for a RAMESES appendix
	ExportRIS      ExportFormat = "ris"
	ExportBibTeX   ExportFormat = "bibtex"
	ExportCSLJSON  ExportFormat = "csljson"
	ExportMermaid  ExportFormat = "mermaid" // one programme theory's web of CMOCs
	ExportDOT      ExportFormat = "dot"     // the same for Graphviz
	ExportGraphML  ExportFormat = "graphml" // the graph or a selection, for Gephi
)

// ExportFormats lists what Export writes.
var ExportFormats = []ExportFormat{ExportJSON, ExportYAML, ExportCSV, ExportMarkdown, ExportRIS, ExportBibTeX, ExportCSLJSON, ExportMermaid, ExportDOT, ExportGraphML}

// ParseExportFormat reads an export format name as a user types it.
func ParseExportFormat(s string) (ExportFormat, error) {
	f := ExportFormat(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case "md":
		return ExportMarkdown, nil
	case "bib":
		return ExportBibTeX, nil
	case "csl", "csl-json":
		return ExportCSLJSON, nil
	case "gv":
		return ExportDOT, nil
	case "mmd":
		return ExportMermaid, nil
	case "yml":
		return ExportYAML, nil
	}
	if !slices.Contains(ExportFormats, f) {
		return "", fmt.Errorf("unknown export format %q (one of %s)", s, joinFormats(ExportFormats))
	}
	return f, nil
}

// ContentType is the media type of a format, for HTTP answers.
func (f ExportFormat) ContentType() string {
	switch f {
	case ExportJSON, ExportCSLJSON:
		return "application/json"
	case ExportYAML:
		return "application/yaml"
	case ExportCSV:
		return "text/csv"
	case ExportMarkdown:
		return "text/markdown"
	case ExportRIS:
		return "application/x-research-info-systems"
	case ExportBibTeX:
		return "application/x-bibtex"
	case ExportMermaid:
		return "text/vnd.mermaid"
	case ExportDOT:
		return "text/vnd.graphviz"
	case ExportGraphML:
		return "application/graphml+xml"
	}
	return "text/plain"
}

// Selection is what to export: studies (all when none) and, for diagrams, one programme
// theory (Mermaid and DOT need it; GraphML takes it as a narrower selection).
type Selection struct {
	StudyIDs          []string
	ProgrammeTheoryID string
}

// Export writes the knowledge base, or the selection of it, in a format.
func Export(ctx context.Context, store kb.Store, format ExportFormat, sel Selection) ([]byte, error) {
	snap, err := store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	doc := document.FromSnapshot(snap, sel.StudyIDs...)
	if len(sel.StudyIDs) > 0 && len(doc.Studies) != len(uniqueStrings(sel.StudyIDs)) {
		return nil, kb.NotFound("studyIds", "found %d of the %d studies asked for", len(doc.Studies), len(uniqueStrings(sel.StudyIDs)))
	}
	needsTheory := format == ExportMermaid || format == ExportDOT
	if needsTheory && sel.ProgrammeTheoryID == "" {
		return nil, kb.Invalid("programmeTheoryId", "a %s diagram draws one programme theory; say which", format)
	}
	var buf bytes.Buffer
	switch format {
	case ExportJSON:
		return document.MarshalJSON(doc)
	case ExportYAML:
		return document.MarshalYAML(doc)
	case ExportCSV:
		err = cmoctable.WriteCSV(&buf, doc)
	case ExportMarkdown:
		err = cmoctable.WriteMarkdown(&buf, doc)
	case ExportRIS:
		err = citation.WriteRIS(&buf, doc.Studies)
	case ExportBibTeX:
		err = citation.WriteBibTeX(&buf, doc.Studies)
	case ExportCSLJSON:
		err = citation.WriteCSLJSON(&buf, doc.Studies)
	case ExportMermaid:
		err = diagram.Mermaid(&buf, doc, sel.ProgrammeTheoryID)
	case ExportDOT:
		err = diagram.DOT(&buf, doc, sel.ProgrammeTheoryID)
	case ExportGraphML:
		gsel := diagram.Selection{StudyIDs: sel.StudyIDs}
		if sel.ProgrammeTheoryID != "" {
			gsel.ProgrammeTheoryIDs = []string{sel.ProgrammeTheoryID}
		}
		err = diagram.GraphML(&buf, snap, gsel)
	default:
		return nil, kb.Invalid("format", "cannot export %q (one of %s)", format, joinFormats(ExportFormats))
	}
	if err != nil {
		// writing to memory cannot fail: the writer refused the selection
		return nil, inputError(err)
	}
	return buf.Bytes(), nil
}

func uniqueStrings(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}
