package cmoctable

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/cmograph/cmograph/internal/document"
)

// WriteCSV writes every CMOC of doc as a CMOC table: the default columns, then the optional
// ones; one row per CMOC and quote evidencing it (one row with empty quote cells for a CMOC no
// quote evidences), and a row without a quote for each mechanism after a CMOC's first. Read
// reads it back to the same CMOCs. CMOCs are in order of their codes' numbers within each
// programme theory.
func WriteCSV(w io.Writer, doc document.Document) error {
	cw := csv.NewWriter(w)
	cols := allColumns()
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("writing CMOC table: %w", err)
	}
	x := newDocIndex(doc)
	row := make([]string, len(cols))
	at := map[string]int{}
	for i, c := range cols {
		at[c] = i
	}
	for _, st := range x.studies {
		for _, pt := range st.pts {
			for _, c := range pt.cmocs {
				clear(row)
				row[at[colStudy]] = st.doc.ID
				row[at[colStudyTitle]] = st.doc.Title
				if st.doc.Year != nil {
					row[at[colYear]] = strconv.Itoa(*st.doc.Year)
				}
				row[at[colDOI]], row[at[colPMID]] = st.doc.DOI, st.doc.PMID
				row[at[colPopulation]], row[at[colCountry]], row[at[colFraming]] = st.doc.Population, st.doc.Country, st.doc.Framing
				row[at[colInformants]], row[at[colDesign]] = joinList(st.doc.Informants), st.doc.Design
				if st.doc.SampleSize != nil {
					row[at[colSampleSize]] = strconv.Itoa(*st.doc.SampleSize)
				}
				row[at[colTheory]] = pt.ref
				row[at[colCMOC]] = c.doc.Code
				row[at[colLabel]] = c.doc.Label
				row[at[colStatement]] = c.doc.Statement
				row[at[colStatus]] = c.doc.Status
				row[at[colSource]] = c.doc.Source
				row[at[colIntervention]] = c.doc.Intervention
				row[at[colActor]] = joinList(append(slices.Clone(c.doc.Actors), c.doc.Roles...))
				contexts := groupDetails(c.contexts, c.contextDocs, c.contextAligns, func(d *document.Context) (string, []string) { return d.Kind, d.InstanceOf })
				outcomes := groupDetails(c.outcomes, c.outcomeDocs, c.outcomeAligns, func(d *document.Outcome) (string, []string) { return "", d.InstanceOf })
				setElements := func(i int) {
					row[at[colContext]], row[at[colContextKind]], row[at[colContextConstruct]], row[at[colContextAligns]] = "", "", "", ""
					row[at[colOutcome]], row[at[colOutcomeConstruct]], row[at[colOutcomeAligns]] = "", "", ""
					if i < len(contexts) {
						g := contexts[i]
						row[at[colContext]], row[at[colContextKind]], row[at[colContextConstruct]] = joinList(g.names), g.kind, joinList(g.constructs)
						row[at[colContextAligns]] = joinList(g.aligns)
					}
					if i < len(outcomes) {
						g := outcomes[i]
						row[at[colOutcome]], row[at[colOutcomeConstruct]], row[at[colOutcomeAligns]] = joinList(g.names), joinList(g.constructs), joinList(g.aligns)
					}
				}
				setElements(0)
				setMechanism := func(i int) {
					row[at[colMechanism]], row[at[colResource]], row[at[colReasoning]] = "", "", ""
					row[at[colMechanismConstruct]], row[at[colMechanismAligns]] = "", ""
					if i >= 0 && i < len(c.mechanisms) {
						m := c.mechanisms[i]
						row[at[colMechanism]], row[at[colResource]], row[at[colReasoning]] = m.Name, m.Resource, m.Reasoning
						row[at[colMechanismConstruct]], row[at[colMechanismAligns]] = joinList(m.InstanceOf), joinList(c.mechanismAligns[i])
					}
				}
				setMechanism(0)
				setQuote := func(e quoteEvidence) {
					row[at[colQuote]], row[at[colParticipant]], row[at[colInformant]], row[at[colStance]] =
						e.quote.Text, e.quote.Participant, e.quote.InformantRole, e.stance
				}
				evs := x.evidence[c.id]
				if len(evs) == 0 {
					evs = []quoteEvidence{{quote: &document.Quote{}}}
				}
				for _, e := range evs {
					setQuote(e)
					if err := cw.Write(row); err != nil {
						return fmt.Errorf("writing CMOC table: %w", err)
					}
				}
				setQuote(quoteEvidence{quote: &document.Quote{}})
				for i := 1; i < len(c.mechanisms); i++ {
					setMechanism(i)
					if err := cw.Write(row); err != nil {
						return fmt.Errorf("writing CMOC table: %w", err)
					}
				}
				// contexts or outcomes whose kind or constructs differ from the first ones' go on
				// rows of their own, since a row's detail cells speak for all its elements
				setMechanism(-1)
				for i := 1; i < max(len(contexts), len(outcomes)); i++ {
					setElements(i)
					if err := cw.Write(row); err != nil {
						return fmt.Errorf("writing CMOC table: %w", err)
					}
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CMOC table: %w", err)
	}
	return nil
}

// detailGroup is elements of one kind named on the same rows: they have the same kind (for
// contexts), the same constructs and the same crosswalk links.
type detailGroup struct {
	names      []string
	kind       string
	constructs []string
	aligns     []string
}

// groupDetails groups names by what their elements say beyond their names, in order of first
// appearance; names with no element of their own join the first group.
func groupDetails[T any](names []string, docs []*T, aligns [][]string, of func(*T) (string, []string)) []detailGroup {
	var groups []detailGroup
	for i, name := range names {
		var kind string
		var constructs, links []string
		if i < len(docs) && docs[i] != nil {
			kind, constructs = of(docs[i])
		}
		if i < len(aligns) {
			links = aligns[i]
		}
		at := slices.IndexFunc(groups, func(g detailGroup) bool {
			return g.kind == kind && slices.Equal(g.constructs, constructs) && slices.Equal(g.aligns, links)
		})
		if at < 0 && (i >= len(docs) || docs[i] == nil) && len(groups) > 0 {
			at = 0
		}
		if at < 0 {
			groups = append(groups, detailGroup{kind: kind, constructs: constructs, aligns: links})
			at = len(groups) - 1
		}
		groups[at].names = append(groups[at].names, name)
	}
	return groups
}
