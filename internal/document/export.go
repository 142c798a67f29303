package document

import (
	"bytes"
	"encoding/json"

	"github.com/cmograph/cmograph/internal/kb"
	"gopkg.in/yaml.v3"
)

// FromSnapshot builds one document holding the whole graph, every reference written as an id
// so that importing it into an empty store rebuilds the same graph. If studyIDs is not empty,
// only those studies are written (with the theories they draw on and the alignments that leave
// them).
func FromSnapshot(snap kb.Snapshot, studyIDs ...string) Document {
	x := newExporter(snap)
	keep := func(id string) bool { return len(studyIDs) == 0 || contains(studyIDs, id) }
	doc := Document{Format: FormatV1}
	for _, n := range snap.Nodes {
		if th, ok := n.(*kb.Theory); ok {
			doc.Theories = append(doc.Theories, x.theory(th))
		}
	}
	kept := map[string]bool{}
	for _, n := range snap.Nodes {
		if st, ok := n.(*kb.Study); ok && keep(st.ID) {
			doc.Studies = append(doc.Studies, x.study(st))
			kept[st.ID] = true
		}
	}
	for _, l := range x.links[kb.RelAligns] {
		if len(studyIDs) > 0 && !kept[x.studyOf(l.From)] {
			continue
		}
		doc.Alignments = append(doc.Alignments, Alignment{From: l.From, To: l.To, Relation: string(l.Relation),
			Rationale: l.Rationale, Confidence: l.Confidence, Reviewer: l.Reviewer, LinkProvenance: linkProv(l)})
	}
	for _, l := range x.links[kb.RelRejects] {
		if len(studyIDs) > 0 && !kept[x.studyOf(l.From)] {
			continue
		}
		doc.Rejections = append(doc.Rejections, Rejection{From: l.From, To: l.To, Rationale: l.Rationale, Reviewer: l.Reviewer,
			LinkProvenance: linkProv(l)})
	}
	return doc
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

type exporter struct {
	byID     map[string]kb.Node
	children map[string][]kb.Node
	links    map[kb.RelType][]kb.Link
	out      map[kb.RelType]map[string][]kb.Link
}

func newExporter(snap kb.Snapshot) *exporter {
	x := &exporter{byID: map[string]kb.Node{}, children: map[string][]kb.Node{}, links: map[kb.RelType][]kb.Link{},
		out: map[kb.RelType]map[string][]kb.Link{}}
	for _, n := range snap.Nodes {
		x.byID[n.NodeID()] = n
		if o := n.Owner(); o != "" {
			x.children[o] = append(x.children[o], n)
		}
	}
	for _, l := range snap.Links {
		x.links[l.Type] = append(x.links[l.Type], l)
		if x.out[l.Type] == nil {
			x.out[l.Type] = map[string][]kb.Link{}
		}
		x.out[l.Type][l.From] = append(x.out[l.Type][l.From], l)
	}
	return x
}

func (x *exporter) studyOf(id string) string {
	for n := x.byID[id]; n != nil; n = x.byID[n.Owner()] {
		if n.NodeKind() == kb.KindStudy {
			return n.NodeID()
		}
	}
	return ""
}

func (x *exporter) targets(rel kb.RelType, from string) []string {
	var out []string
	for _, l := range x.out[rel][from] {
		out = append(out, l.To)
	}
	return out
}

func prov(m *kb.Meta) Provenance {
	p := Provenance{CreatedBy: m.CreatedBy, UpdatedBy: m.UpdatedBy}
	if !m.CreatedAt.IsZero() {
		t := m.CreatedAt
		p.CreatedAt = &t
	}
	if !m.UpdatedAt.IsZero() {
		t := m.UpdatedAt
		p.UpdatedAt = &t
	}
	return p
}

func linkProv(l kb.Link) LinkProvenance {
	lp := LinkProvenance{CreatedBy: l.CreatedBy}
	if !l.CreatedAt.IsZero() {
		t := l.CreatedAt
		lp.CreatedAt = &t
	}
	return lp
}

func strs[T ~string](xs []T) []string {
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (x *exporter) theory(th *kb.Theory) Theory {
	out := Theory{ID: th.ID, Name: th.Name, Kind: string(th.Kind), Citation: th.Citation, Description: th.Description,
		Provenance: prov(&th.Meta)}
	for _, n := range x.children[th.ID] {
		c := n.(*kb.Construct)
		out.Constructs = append(out.Constructs, Construct{ID: c.ID, Name: c.Name, Description: c.Description, Provenance: prov(&c.Meta)})
	}
	return out
}

func (x *exporter) study(st *kb.Study) Study {
	out := Study{ID: st.ID, Title: st.Title, Authors: st.Authors, Year: st.Year, Journal: st.Journal, Volume: st.Volume,
		Issue: st.Issue, Pages: st.Pages, DOI: st.DOI, PMID: st.PMID, PMCID: st.PMCID, URL: st.URL, Abstract: st.Abstract,
		Framing: string(st.Framing), Country: st.Country, Population: string(st.Population), Informants: strs(st.Informants),
		SampleSize: st.SampleSize, Design: st.Design, Provenance: prov(&st.Meta)}
	for _, n := range x.children[st.ID] {
		switch c := n.(type) {
		case *kb.Setting:
			out.Settings = append(out.Settings, Setting{ID: c.ID, Name: c.Name, ServiceType: c.ServiceType, Location: c.Location,
				Modality: c.Modality, Description: c.Description, Provenance: prov(&c.Meta)})
		case *kb.ProgrammeTheory:
			out.ProgrammeTheories = append(out.ProgrammeTheories, x.programmeTheory(c))
		case *kb.Quote:
			out.Quotes = append(out.Quotes, x.quote(c))
		}
	}
	return out
}

func (x *exporter) programmeTheory(pt *kb.ProgrammeTheory) ProgrammeTheory {
	out := ProgrammeTheory{ID: pt.ID, Name: pt.Name, Stage: string(pt.Stage), Version: pt.Version, Description: pt.Description,
		DrawsOn: x.targets(kb.RelDrawsOn, pt.ID), Provenance: prov(&pt.Meta)}
	for _, l := range x.out[kb.RelRevises][pt.ID] {
		out.Revises = append(out.Revises, Revision{Theory: l.To, Change: string(l.Change), Rationale: l.Rationale, LinkProvenance: linkProv(l)})
	}
	for _, n := range x.children[pt.ID] {
		switch c := n.(type) {
		case *kb.Context:
			out.Contexts = append(out.Contexts, Context{ID: c.ID, Name: c.Name, Description: c.Description, Kind: string(c.Kind),
				Level: string(c.Level), InstanceOf: x.targets(kb.RelInstanceOf, c.ID), Provenance: prov(&c.Meta)})
		case *kb.Mechanism:
			out.Mechanisms = append(out.Mechanisms, Mechanism{ID: c.ID, Name: c.Name, Description: c.Description, Resource: c.Resource,
				Reasoning: c.Reasoning, ExplainedBy: x.targets(kb.RelExplainedBy, c.ID), InstanceOf: x.targets(kb.RelInstanceOf, c.ID),
				Provenance: prov(&c.Meta)})
		case *kb.Outcome:
			out.Outcomes = append(out.Outcomes, Outcome{ID: c.ID, Name: c.Name, Description: c.Description, Proximity: string(c.Proximity),
				Intended: c.Intended, InstanceOf: x.targets(kb.RelInstanceOf, c.ID), Provenance: prov(&c.Meta)})
		case *kb.CMOC:
			cm := CMOC{ID: c.ID, Code: c.Code, Label: c.Label, Statement: c.Statement, Status: string(c.Status), Actors: strs(c.Actors),
				Roles: c.Roles, Source: c.Source, Intervention: c.Intervention, Caveats: c.Caveats, Contexts: x.targets(kb.RelHasContext, c.ID),
				Mechanisms: x.targets(kb.RelHasMechanism, c.ID), Outcomes: x.targets(kb.RelHasOutcome, c.ID),
				Settings: x.targets(kb.RelObservedIn, c.ID), Provenance: prov(&c.Meta)}
			for _, l := range x.out[kb.RelChainsTo][c.ID] {
				cm.ChainsTo = append(cm.ChainsTo, Chain{CMOC: l.To, Rationale: l.Rationale, LinkProvenance: linkProv(l)})
			}
			out.CMOCs = append(out.CMOCs, cm)
		}
	}
	return out
}

func (x *exporter) quote(q *kb.Quote) Quote {
	out := Quote{ID: q.ID, Text: q.Text, Participant: q.Participant, InformantRole: string(q.InformantRole), Location: q.Location,
		StartOffset: q.StartOffset, EndOffset: q.EndOffset, Provenance: prov(&q.Meta)}
	for _, l := range x.out[kb.RelEvidences][q.ID] {
		out.Evidences = append(out.Evidences, Evidence{CMOC: l.To, Stance: string(l.Stance), Relevance: string(l.Relevance),
			Richness: string(l.Richness), Rigour: string(l.Rigour), Rationale: l.Rationale, Reviewer: l.Reviewer, LinkProvenance: linkProv(l)})
	}
	return out
}

// MarshalJSON writes the canonical JSON form: indented, times in RFC 3339 UTC.
func MarshalJSON(doc Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MarshalYAML writes the YAML form reviewers edit by hand.
func MarshalYAML(doc Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
