package qda

import (
	"fmt"
	"strings"
)

// Report says what an import took from a REFI-QDA file and what it left out, so a reviewer
// can see which codes did not follow the context/mechanism/outcome conventions.
type Report struct {
	Project string // the project's name (the codebook's file name for a .qdc)

	Sources        int      // text sources read (a PDF's text representation counts)
	SkippedSources []string // sources with no text to quote: pictures, audio, video
	Studies        int      // studies written
	MergedStudies  int      // of those, studies the knowledge base already had

	Codes        int      // codes in the codebook
	IgnoredCodes []string // codes that are neither context, mechanism nor outcome, as "Parent / Child"

	Contexts, Mechanisms, Outcomes int // elements written, over all programme theories

	Quotes            int      // quotes written
	SkippedSelections int      // text selections with no coding or only blank text
	CMOCs             int      // CMOCs written (one per set and study)
	Evidences         int      // EVIDENCES links written
	SkippedSets       []string // sets that made no CMOC, with the reason
}

// String is a short summary for the command line.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d studies (%d already present), %d contexts, %d mechanisms, %d outcomes, %d CMOCs, %d quotes, %d evidence links",
		r.Project, r.Studies, r.MergedStudies, r.Contexts, r.Mechanisms, r.Outcomes, r.CMOCs, r.Quotes, r.Evidences)
	if r.SkippedSelections > 0 {
		fmt.Fprintf(&b, "\n  %d selections skipped (no coding or blank text)", r.SkippedSelections)
	}
	if len(r.SkippedSources) > 0 {
		fmt.Fprintf(&b, "\n  sources skipped (no text): %s", strings.Join(r.SkippedSources, "; "))
	}
	if len(r.IgnoredCodes) > 0 {
		fmt.Fprintf(&b, "\n  codes ignored (not a context, mechanism or outcome): %s", strings.Join(r.IgnoredCodes, "; "))
	}
	if len(r.SkippedSets) > 0 {
		fmt.Fprintf(&b, "\n  sets skipped: %s", strings.Join(r.SkippedSets, "; "))
	}
	return b.String()
}
