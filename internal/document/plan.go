package document

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// Plan turns parsed files into one change: upserts of every node, owners first, then every
// link. Applied as one kb.Change it imports all files entirely or not at all, and applying the
// same files again changes nothing. Problems a file shows on its own (a bad enum, a reference to
// a name the theory does not define) are all reported, each at its file and line; problems that
// need the store (an id used by another kind, a reference to a node in no file and not in the
// store) come back from the store with the same file and line.
func Plan(files []*File) ([]kb.Op, error) {
	ops, _, errs := PlanAll(files)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ops, nil
}

// PlanAll is Plan going on past problems, for a check that reports them all: the ops of
// everything that planned, every problem, and the nodes refused, so that what refers to them
// is not reported again as missing (see kb.Checker).
func PlanAll(files []*File) (ops []kb.Op, refused []kb.Node, errs []error) {
	p := &planner{seen: map[string]string{}}
	for _, f := range files {
		p.file(f)
	}
	return append(p.nodes, p.links...), p.failed, p.errs
}

type planner struct {
	nodes, links []kb.Op
	errs         []error
	failed       []kb.Node         // the nodes refused
	seen         map[string]string // id -> where it was first defined
	f            *File
}

func (p *planner) where(path string) string {
	if line := p.f.Line(path); line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.f.Name, line, path)
	}
	return fmt.Sprintf("%s: %s", p.f.Name, path)
}

func (p *planner) fail(path, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", p.where(path), fmt.Sprintf(format, args...)))
}

func (p *planner) node(path string, n kb.Node) {
	if err := n.Validate(); err != nil {
		for _, e := range kb.Errors(err) {
			var de *kb.Error
			if errors.As(e, &de) {
				fieldPath := path + "." + fieldInDocument(n.NodeKind(), de.Path)
				p.errs = append(p.errs, fmt.Errorf("%s: %s", p.where(fieldPath), de.Msg))
			} else {
				p.errs = append(p.errs, fmt.Errorf("%s: %v", p.where(path), e))
			}
		}
		if n.NodeID() != "" {
			p.failed = append(p.failed, n)
		}
		return
	}
	if prev, dup := p.seen[n.NodeID()]; dup {
		p.fail(path, "id %q is already defined at %s", n.NodeID(), prev)
		return
	}
	p.seen[n.NodeID()] = p.where(path)
	p.nodes = append(p.nodes, kb.Op{Type: kb.OpUpsert, Node: n, Path: p.where(path)})
}

// fieldInDocument maps a node's property to where the document holds it: owners are implied
// by nesting, so an error about them points at the node itself.
func fieldInDocument(k kb.Kind, prop string) string {
	if spec, ok := kb.OwnerOf(k); ok && strings.HasPrefix(prop, spec.Field) {
		return "id"
	}
	return prop
}

func (p *planner) link(path string, l kb.Link) {
	if err := l.Validate(); err != nil {
		for _, e := range kb.Errors(err) {
			var de *kb.Error
			if errors.As(e, &de) {
				p.errs = append(p.errs, fmt.Errorf("%s: %s: %s", p.where(path), de.Path, de.Msg))
			} else {
				p.errs = append(p.errs, fmt.Errorf("%s: %v", p.where(path), e))
			}
		}
		return
	}
	p.links = append(p.links, kb.Op{Type: kb.OpLink, Link: l, Path: p.where(path)})
}

func meta(pv Provenance) kb.Meta {
	var m kb.Meta
	if pv.CreatedAt != nil {
		m.CreatedAt = pv.CreatedAt.UTC()
	}
	if pv.UpdatedAt != nil {
		m.UpdatedAt = pv.UpdatedAt.UTC()
	}
	m.CreatedBy, m.UpdatedBy = pv.CreatedBy, pv.UpdatedBy
	return m
}

func linkProvenance(lp LinkProvenance) (time.Time, string) {
	if lp.CreatedAt == nil {
		return time.Time{}, lp.CreatedBy
	}
	return lp.CreatedAt.UTC(), lp.CreatedBy
}

func orDefault(id, fallback string) string {
	if id != "" {
		return id
	}
	return fallback
}

func enums[T ~string](xs []string) []T {
	if len(xs) == 0 {
		return nil
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = T(x)
	}
	return out
}

func (p *planner) file(f *File) {
	p.f = f
	for i, th := range f.Doc.Theories {
		path := fmt.Sprintf("theories[%d]", i)
		p.node(path, &kb.Theory{ID: th.ID, Name: th.Name, Kind: kb.TheoryKind(th.Kind), Citation: th.Citation,
			Description: th.Description, Meta: meta(th.Provenance)})
		for j, c := range th.Constructs {
			cid := orDefault(c.ID, kb.ChildID(th.ID, "", c.Name))
			p.node(fmt.Sprintf("%s.constructs[%d]", path, j), &kb.Construct{ID: cid, TheoryID: th.ID, Name: c.Name,
				Description: c.Description, Meta: meta(c.Provenance)})
		}
	}
	for i, st := range f.Doc.Studies {
		p.study(fmt.Sprintf("studies[%d]", i), st)
	}
	for i, a := range f.Doc.Alignments {
		at, by := linkProvenance(a.LinkProvenance)
		p.link(fmt.Sprintf("alignments[%d]", i), kb.Link{Type: kb.RelAligns, From: a.From, To: a.To, LinkProps: kb.LinkProps{
			Relation: kb.AlignRelation(a.Relation), Rationale: a.Rationale, Confidence: a.Confidence, Reviewer: a.Reviewer,
			CreatedAt: at, CreatedBy: by}})
	}
	for i, rj := range f.Doc.Rejections {
		at, by := linkProvenance(rj.LinkProvenance)
		p.link(fmt.Sprintf("rejections[%d]", i), kb.Link{Type: kb.RelRejects, From: rj.From, To: rj.To, LinkProps: kb.LinkProps{
			Rationale: rj.Rationale, Reviewer: rj.Reviewer, CreatedAt: at, CreatedBy: by}})
	}
}

// scope resolves the names a study's CMOCs and quotes may use instead of ids.
type scope struct {
	settings map[string]string            // name or id -> id
	cmocs    map[string][]string          // code or id -> ids (a code may repeat across theories)
	elements map[string]map[string]string // programme theory id -> name or id -> element id, per kind tag
}

func (p *planner) study(path string, st Study) {
	p.node(path, &kb.Study{ID: st.ID, Title: st.Title, Authors: st.Authors, Year: st.Year, Journal: st.Journal,
		Volume: st.Volume, Issue: st.Issue, Pages: st.Pages, DOI: st.DOI, PMID: st.PMID, PMCID: st.PMCID, URL: st.URL,
		Abstract: st.Abstract, Framing: kb.Framing(st.Framing), Country: st.Country, Population: kb.Population(st.Population),
		Informants: enums[kb.Informant](st.Informants), SampleSize: st.SampleSize, Design: st.Design, Meta: meta(st.Provenance)})
	sc := scope{settings: map[string]string{}, cmocs: map[string][]string{}, elements: map[string]map[string]string{}}
	for i, s := range st.Settings {
		id := orDefault(s.ID, kb.ChildID(st.ID, kb.ElementTag(kb.KindSetting), s.Name))
		sc.settings[id], sc.settings[s.Name] = id, id
		p.node(fmt.Sprintf("%s.settings[%d]", path, i), &kb.Setting{ID: id, StudyID: st.ID, Name: s.Name,
			ServiceType: s.ServiceType, Location: s.Location, Modality: s.Modality, Description: s.Description, Meta: meta(s.Provenance)})
	}
	// CMOC codes are collected first so that a chain may point forward to a later CMOC.
	for _, pt := range st.ProgrammeTheories {
		ptID := orDefault(pt.ID, kb.ChildID(st.ID, "", pt.Name))
		for _, c := range pt.CMOCs {
			id := orDefault(c.ID, kb.ChildID(ptID, "", c.Code))
			sc.cmocs[id] = []string{id}
			sc.cmocs[c.Code] = append(sc.cmocs[c.Code], id)
			sc.cmocs[ptID+"\x00"+c.Code] = []string{id}
		}
	}
	for i, pt := range st.ProgrammeTheories {
		p.programmeTheory(fmt.Sprintf("%s.programmeTheories[%d]", path, i), st.ID, pt, sc)
	}
	for i, q := range st.Quotes {
		qpath := fmt.Sprintf("%s.quotes[%d]", path, i)
		id := orDefault(q.ID, kb.QuoteID(st.ID, q.Text))
		p.node(qpath, &kb.Quote{ID: id, StudyID: st.ID, Text: q.Text, Participant: q.Participant,
			InformantRole: kb.Informant(q.InformantRole), Location: q.Location, StartOffset: q.StartOffset, EndOffset: q.EndOffset,
			Meta: meta(q.Provenance)})
		for j, ev := range q.Evidences {
			epath := fmt.Sprintf("%s.evidences[%d]", qpath, j)
			cmoc, ok := p.resolveCMOC(epath+".cmoc", ev.CMOC, sc.cmocs[ev.CMOC])
			if !ok {
				continue
			}
			at, by := linkProvenance(ev.LinkProvenance)
			p.link(epath, kb.Link{Type: kb.RelEvidences, From: id, To: cmoc, LinkProps: kb.LinkProps{
				Stance: kb.Stance(ev.Stance), Relevance: kb.Rating(ev.Relevance), Richness: kb.Rating(ev.Richness),
				Rigour: kb.Rating(ev.Rigour), Rationale: ev.Rationale, Reviewer: ev.Reviewer, CreatedAt: at, CreatedBy: by}})
		}
	}
}

// resolveCMOC turns a CMOC reference into an id: a code of this study's CMOCs if it names one,
// otherwise an id the store must know.
func (p *planner) resolveCMOC(path, ref string, matches []string) (string, bool) {
	switch len(matches) {
	case 0:
		return ref, true
	case 1:
		return matches[0], true
	}
	p.fail(path, "%q is the code of %d CMOCs in this study (%s); use an id", ref, len(matches), strings.Join(matches, ", "))
	return "", false
}

func (p *planner) programmeTheory(path, studyID string, pt ProgrammeTheory, sc scope) {
	ptID := orDefault(pt.ID, kb.ChildID(studyID, "", pt.Name))
	p.node(path, &kb.ProgrammeTheory{ID: ptID, StudyID: studyID, Name: pt.Name, Stage: kb.Stage(pt.Stage),
		Version: pt.Version, Description: pt.Description, Meta: meta(pt.Provenance)})
	for i, th := range pt.DrawsOn {
		p.link(fmt.Sprintf("%s.drawsOn[%d]", path, i), kb.Link{Type: kb.RelDrawsOn, From: ptID, To: th})
	}
	for i, r := range pt.Revises {
		at, by := linkProvenance(r.LinkProvenance)
		p.link(fmt.Sprintf("%s.revises[%d]", path, i), kb.Link{Type: kb.RelRevises, From: ptID, To: r.Theory,
			LinkProps: kb.LinkProps{Change: kb.RevisionChange(r.Change), Rationale: r.Rationale, CreatedAt: at, CreatedBy: by}})
	}
	names := map[kb.Kind]map[string]string{kb.KindContext: {}, kb.KindMechanism: {}, kb.KindOutcome: {}}
	element := func(epath string, k kb.Kind, id, name string, n kb.Node, instanceOf []string) {
		names[k][id], names[k][name] = id, id
		p.node(epath, n)
		for j, c := range instanceOf {
			p.link(fmt.Sprintf("%s.instanceOf[%d]", epath, j), kb.Link{Type: kb.RelInstanceOf, From: id, To: c})
		}
	}
	elementID := func(k kb.Kind, id, name string) string {
		return orDefault(id, kb.ChildID(ptID, kb.ElementTag(k), name))
	}
	for i, c := range pt.Contexts {
		id := elementID(kb.KindContext, c.ID, c.Name)
		element(fmt.Sprintf("%s.contexts[%d]", path, i), kb.KindContext, id, c.Name, &kb.Context{ID: id, ProgrammeTheoryID: ptID,
			Name: c.Name, Description: c.Description, Kind: kb.ContextKind(c.Kind), Level: kb.Level(c.Level), Meta: meta(c.Provenance)}, c.InstanceOf)
	}
	for i, m := range pt.Mechanisms {
		id := elementID(kb.KindMechanism, m.ID, m.Name)
		mpath := fmt.Sprintf("%s.mechanisms[%d]", path, i)
		element(mpath, kb.KindMechanism, id, m.Name, &kb.Mechanism{ID: id, ProgrammeTheoryID: ptID, Name: m.Name,
			Description: m.Description, Resource: m.Resource, Reasoning: m.Reasoning, Meta: meta(m.Provenance)}, m.InstanceOf)
		for j, t := range m.ExplainedBy {
			p.link(fmt.Sprintf("%s.explainedBy[%d]", mpath, j), kb.Link{Type: kb.RelExplainedBy, From: id, To: t})
		}
	}
	for i, o := range pt.Outcomes {
		id := elementID(kb.KindOutcome, o.ID, o.Name)
		element(fmt.Sprintf("%s.outcomes[%d]", path, i), kb.KindOutcome, id, o.Name, &kb.Outcome{ID: id, ProgrammeTheoryID: ptID,
			Name: o.Name, Description: o.Description, Proximity: kb.Proximity(o.Proximity), Intended: o.Intended, Meta: meta(o.Provenance)}, o.InstanceOf)
	}
	for i, c := range pt.CMOCs {
		cpath := fmt.Sprintf("%s.cmocs[%d]", path, i)
		id := orDefault(c.ID, kb.ChildID(ptID, "", c.Code))
		p.node(cpath, &kb.CMOC{ID: id, ProgrammeTheoryID: ptID, Code: c.Code, Label: c.Label, Statement: c.Statement,
			Status: kb.CMOCStatus(c.Status), Actors: enums[kb.Actor](c.Actors), Roles: c.Roles, Source: c.Source, Intervention: c.Intervention, Caveats: c.Caveats, Meta: meta(c.Provenance)})
		if len(c.Contexts)+len(c.Mechanisms)+len(c.Outcomes) == 0 {
			p.fail(cpath, "CMOC %q has no context, mechanism or outcome; a CMOC needs at least one", c.Code)
		}
		for _, part := range []struct {
			field string
			kind  kb.Kind
			rel   kb.RelType
			refs  []string
		}{
			{"contexts", kb.KindContext, kb.RelHasContext, c.Contexts},
			{"mechanisms", kb.KindMechanism, kb.RelHasMechanism, c.Mechanisms},
			{"outcomes", kb.KindOutcome, kb.RelHasOutcome, c.Outcomes},
		} {
			for j, ref := range part.refs {
				rpath := fmt.Sprintf("%s.%s[%d]", cpath, part.field, j)
				target, ok := names[part.kind][ref]
				if !ok {
					p.fail(rpath, "%q is not the name or id of a %s of programme theory %q", ref, strings.ToLower(string(part.kind)), ptID)
					continue
				}
				p.link(rpath, kb.Link{Type: part.rel, From: id, To: target})
			}
		}
		for j, ref := range c.Settings {
			rpath := fmt.Sprintf("%s.settings[%d]", cpath, j)
			target, ok := sc.settings[ref]
			if !ok {
				p.fail(rpath, "%q is not the name or id of a setting of this study", ref)
				continue
			}
			p.link(rpath, kb.Link{Type: kb.RelObservedIn, From: id, To: target})
		}
		for j, ch := range c.ChainsTo {
			rpath := fmt.Sprintf("%s.chainsTo[%d]", cpath, j)
			matches := sc.cmocs[ptID+"\x00"+ch.CMOC]
			if matches == nil {
				matches = sc.cmocs[ch.CMOC]
			}
			target, ok := p.resolveCMOC(rpath+".cmoc", ch.CMOC, matches)
			if !ok {
				continue
			}
			at, by := linkProvenance(ch.LinkProvenance)
			p.link(rpath, kb.Link{Type: kb.RelChainsTo, From: id, To: target, LinkProps: kb.LinkProps{Rationale: ch.Rationale, CreatedAt: at, CreatedBy: by}})
		}
	}
}
