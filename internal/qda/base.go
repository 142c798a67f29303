package qda

import (
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// baseIndex finds what the knowledge base already holds by id, so that a node the import
// touches starts as it is and only what the file says changes (an upsert replaces a node's
// content whole).
type baseIndex struct {
	studies    map[string]*document.Study
	pts        map[string]*document.ProgrammeTheory
	contexts   map[string]*document.Context
	mechanisms map[string]*document.Mechanism
	outcomes   map[string]*document.Outcome
	cmocs      map[string]*document.CMOC
	quotes     map[string]*document.Quote
}

// orDefault mirrors the document planner: an empty id means the id derived from the name.
func orDefault(id, fallback string) string {
	if id != "" {
		return id
	}
	return fallback
}

func indexBase(doc document.Document) *baseIndex {
	b := &baseIndex{studies: map[string]*document.Study{}, pts: map[string]*document.ProgrammeTheory{},
		contexts: map[string]*document.Context{}, mechanisms: map[string]*document.Mechanism{},
		outcomes: map[string]*document.Outcome{}, cmocs: map[string]*document.CMOC{}, quotes: map[string]*document.Quote{}}
	for i := range doc.Studies {
		st := &doc.Studies[i]
		b.studies[st.ID] = st
		for j := range st.ProgrammeTheories {
			pt := &st.ProgrammeTheories[j]
			ptID := orDefault(pt.ID, kb.ChildID(st.ID, "", pt.Name))
			b.pts[ptID] = pt
			for k := range pt.Contexts {
				c := &pt.Contexts[k]
				b.contexts[orDefault(c.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindContext), c.Name))] = c
			}
			for k := range pt.Mechanisms {
				m := &pt.Mechanisms[k]
				b.mechanisms[orDefault(m.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindMechanism), m.Name))] = m
			}
			for k := range pt.Outcomes {
				o := &pt.Outcomes[k]
				b.outcomes[orDefault(o.ID, kb.ChildID(ptID, kb.ElementTag(kb.KindOutcome), o.Name))] = o
			}
			for k := range pt.CMOCs {
				c := &pt.CMOCs[k]
				b.cmocs[orDefault(c.ID, kb.ChildID(ptID, "", c.Code))] = c
			}
		}
		for j := range st.Quotes {
			q := &st.Quotes[j]
			b.quotes[orDefault(q.ID, kb.QuoteID(st.ID, q.Text))] = q
		}
	}
	return b
}

// The copies below keep a node's own fields and drop its children and outgoing links: an
// upsert leaves children and links it is not given alone, and re-stating them would only
// risk resolving them differently.

func (b *baseIndex) study(id, title string) (document.Study, bool) {
	if s, ok := b.studies[id]; ok {
		c := *s
		c.ID, c.Settings, c.ProgrammeTheories, c.Quotes = id, nil, nil, nil
		return c, true
	}
	return document.Study{ID: id, Title: title}, false
}

func (b *baseIndex) programmeTheory(id, name, description string) document.ProgrammeTheory {
	if pt, ok := b.pts[id]; ok {
		c := *pt
		c.ID, c.DrawsOn, c.Revises, c.Contexts, c.Mechanisms, c.Outcomes, c.CMOCs = id, nil, nil, nil, nil, nil, nil
		return c
	}
	return document.ProgrammeTheory{ID: id, Name: name, Description: description}
}

func (b *baseIndex) context(id, name, description string) document.Context {
	out := document.Context{ID: id, Name: name}
	if c, ok := b.contexts[id]; ok {
		out = *c
		out.ID, out.InstanceOf = id, nil
	}
	if description != "" {
		out.Description = description
	}
	return out
}

func (b *baseIndex) mechanism(id, name, description string) document.Mechanism {
	out := document.Mechanism{ID: id, Name: name}
	if m, ok := b.mechanisms[id]; ok {
		out = *m
		out.ID, out.InstanceOf, out.ExplainedBy = id, nil, nil
	}
	if description != "" {
		out.Description = description
	}
	return out
}

func (b *baseIndex) outcome(id, name, description string) document.Outcome {
	out := document.Outcome{ID: id, Name: name}
	if o, ok := b.outcomes[id]; ok {
		out = *o
		out.ID, out.InstanceOf = id, nil
	}
	if description != "" {
		out.Description = description
	}
	return out
}

func (b *baseIndex) cmoc(id, code, statement, source string) document.CMOC {
	out := document.CMOC{ID: id, Code: code, Source: source}
	if c, ok := b.cmocs[id]; ok {
		out = *c
		out.ID, out.Code = id, code
		out.Contexts, out.Mechanisms, out.Outcomes, out.Settings, out.ChainsTo = nil, nil, nil, nil, nil
	}
	if statement != "" {
		out.Statement = statement
	}
	return out
}

// quote starts from the stored quote; its evidence links are kept only where the import
// states them again, with the reviewer's stance and ratings as they are.
func (b *baseIndex) quote(id string) (document.Quote, []document.Evidence) {
	q, ok := b.quotes[id]
	if !ok {
		return document.Quote{ID: id}, nil
	}
	c := *q
	c.ID, c.Evidences = id, nil
	return c, q.Evidences
}
