package cmoctable

import (
	"encoding/csv"
	"fmt"
	"io"
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
				row[at[colActor]] = joinList(c.doc.Actors)
				row[at[colContext]] = joinList(c.contexts)
				row[at[colOutcome]] = joinList(c.outcomes)
				setMechanism := func(m *document.Mechanism) {
					row[at[colMechanism]], row[at[colResource]], row[at[colReasoning]] = "", "", ""
					if m != nil {
						row[at[colMechanism]], row[at[colResource]], row[at[colReasoning]] = m.Name, m.Resource, m.Reasoning
					}
				}
				var first *document.Mechanism
				if len(c.mechanisms) > 0 {
					first = c.mechanisms[0]
				}
				setMechanism(first)
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
				for _, m := range c.mechanisms[min(1, len(c.mechanisms)):] {
					setMechanism(m)
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
