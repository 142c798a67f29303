package seed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// This check reads the seed corpus the way the import format defines it (strict YAML into
// document.Document) and checks what a file can get wrong on its own or across the corpus:
// format, ids (given or defaulted as types.go documents), enums, and that every reference
// resolves to a node of the right kind. It stands in for the importer until that exists.

type node struct {
	kind  string // study, setting, pt, context, mechanism, outcome, cmoc, quote, theory, construct
	study string // owning study id ("" for theories and constructs)
	pt    string // owning programme theory id (elements and CMOCs)
	where string
}

type corpus struct {
	t     *testing.T
	nodes map[string]node
	docs  map[string]document.Document
	errs  []string
}

func (c *corpus) fail(where, format string, args ...any) {
	c.errs = append(c.errs, where+": "+fmt.Sprintf(format, args...))
}

func (c *corpus) define(id, kind, study, pt, where string) {
	if err := kb.ValidateID(where, id); err != nil {
		c.fail(where, "%v", err)
	}
	if prev, dup := c.nodes[id]; dup {
		c.fail(where, "id %q is already defined at %s", id, prev.where)
		return
	}
	c.nodes[id] = node{kind: kind, study: study, pt: pt, where: where}
}

func (c *corpus) enum(where, enum, value string) {
	if value != "" && !slices.Contains(kb.EnumValues(enum), value) {
		c.fail(where, "%q is not a %s (one of %v)", value, enum, kb.EnumValues(enum))
	}
}

func (c *corpus) required(where, value string) {
	if strings.TrimSpace(value) == "" {
		c.fail(where, "is required")
	}
}

func orDefault(id, fallback string) string {
	if id != "" {
		return id
	}
	return fallback
}

func loadCorpus(t *testing.T) *corpus {
	t.Helper()
	c := &corpus{t: t, nodes: map[string]node{}, docs: map[string]document.Document{}}
	names, err := fs.Glob(Corpus(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no corpus files embedded")
	}
	for _, name := range names {
		data, err := fs.ReadFile(Corpus(), name)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		var doc document.Document
		if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
			t.Fatalf("%s: %v", name, err)
		}
		var extra document.Document
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			t.Fatalf("%s: more than one YAML document in the file", name)
		}
		if doc.Format != document.FormatV1 {
			t.Fatalf("%s: format is %q, want %q", name, doc.Format, document.FormatV1)
		}
		c.docs[name] = doc
	}
	return c
}

// ptIDs gives each programme theory's id, given or defaulted.
func ptID(studyID string, pt document.ProgrammeTheory) string {
	return orDefault(pt.ID, kb.ChildID(studyID, "", pt.Name))
}

func studyID(s document.Study) string {
	year := 0
	if s.Year != nil {
		year = *s.Year
	}
	first := ""
	if len(s.Authors) > 0 {
		first = s.Authors[0]
	}
	return orDefault(s.ID, kb.StudyID(first, year, s.Title))
}

// defineAll registers every node of every file, checking ids, required fields and enums.
func (c *corpus) defineAll() {
	for _, name := range sortedKeys(c.docs) {
		doc := c.docs[name]
		for i, th := range doc.Theories {
			w := fmt.Sprintf("%s: theories[%d]", name, i)
			c.required(w+".id", th.ID)
			c.required(w+".name", th.Name)
			c.enum(w+".kind", "TheoryKind", th.Kind)
			c.define(th.ID, "theory", "", "", w)
			for j, co := range th.Constructs {
				cw := fmt.Sprintf("%s.constructs[%d]", w, j)
				c.required(cw+".name", co.Name)
				c.define(orDefault(co.ID, kb.ChildID(th.ID, "", co.Name)), "construct", "", "", cw)
			}
		}
		for i, s := range doc.Studies {
			w := fmt.Sprintf("%s: studies[%d]", name, i)
			sid := studyID(s)
			c.required(w+".title", s.Title)
			c.enum(w+".framing", "Framing", s.Framing)
			c.enum(w+".population", "Population", s.Population)
			for k, inf := range s.Informants {
				c.enum(fmt.Sprintf("%s.informants[%d]", w, k), "Informant", inf)
			}
			if s.Year != nil && (*s.Year < 1800 || *s.Year > 2100) {
				c.fail(w+".year", "%d is not a plausible year", *s.Year)
			}
			c.define(sid, "study", sid, "", w)
			for j, st := range s.Settings {
				sw := fmt.Sprintf("%s.settings[%d]", w, j)
				c.required(sw+".name", st.Name)
				c.define(orDefault(st.ID, kb.ChildID(sid, "s", st.Name)), "setting", sid, "", sw)
			}
			for j, pt := range s.ProgrammeTheories {
				pw := fmt.Sprintf("%s.programmeTheories[%d]", w, j)
				pid := ptID(sid, pt)
				c.required(pw+".name", pt.Name)
				c.enum(pw+".stage", "Stage", pt.Stage)
				c.define(pid, "pt", sid, pid, pw)
				for k, r := range pt.Revises {
					c.enum(fmt.Sprintf("%s.revises[%d].change", pw, k), "RevisionChange", r.Change)
				}
				for k, e := range pt.Contexts {
					ew := fmt.Sprintf("%s.contexts[%d]", pw, k)
					c.required(ew+".name", e.Name)
					c.enum(ew+".kind", "ContextKind", e.Kind)
					c.enum(ew+".level", "Level", e.Level)
					c.define(orDefault(e.ID, kb.ChildID(pid, "c", e.Name)), "context", sid, pid, ew)
				}
				for k, e := range pt.Mechanisms {
					ew := fmt.Sprintf("%s.mechanisms[%d]", pw, k)
					c.required(ew+".name", e.Name)
					c.define(orDefault(e.ID, kb.ChildID(pid, "m", e.Name)), "mechanism", sid, pid, ew)
				}
				for k, e := range pt.Outcomes {
					ew := fmt.Sprintf("%s.outcomes[%d]", pw, k)
					c.required(ew+".name", e.Name)
					c.enum(ew+".proximity", "Proximity", e.Proximity)
					c.define(orDefault(e.ID, kb.ChildID(pid, "o", e.Name)), "outcome", sid, pid, ew)
				}
				for k, cm := range pt.CMOCs {
					cw := fmt.Sprintf("%s.cmocs[%d]", pw, k)
					c.required(cw+".code", cm.Code)
					if len(cm.Code) > kb.MaxCodeLength {
						c.fail(cw+".code", "is longer than %d", kb.MaxCodeLength)
					}
					c.enum(cw+".status", "CMOCStatus", cm.Status)
					for a, actor := range cm.Actors {
						c.enum(fmt.Sprintf("%s.actors[%d]", cw, a), "Actor", actor)
					}
					c.define(orDefault(cm.ID, kb.ChildID(pid, "", cm.Code)), "cmoc", sid, pid, cw)
				}
			}
			for j, q := range s.Quotes {
				qw := fmt.Sprintf("%s.quotes[%d]", w, j)
				c.required(qw+".text", q.Text)
				c.enum(qw+".informantRole", "Informant", q.InformantRole)
				c.define(orDefault(q.ID, kb.QuoteID(sid, q.Text)), "quote", sid, "", qw)
			}
		}
	}
}

// resolveElement finds a CMOC's element reference (id or name) in its own programme theory.
func resolveElement(ref, kind, pid string, byName map[string]string, nodes map[string]node) (string, bool) {
	if n, ok := nodes[ref]; ok {
		return ref, n.kind == kind && n.pt == pid
	}
	id, ok := byName[ref]
	return id, ok
}

func (c *corpus) checkRefs() {
	used := map[string]bool{}
	for _, name := range sortedKeys(c.docs) {
		doc := c.docs[name]
		for i, s := range doc.Studies {
			w := fmt.Sprintf("%s: studies[%d]", name, i)
			sid := studyID(s)
			settingByName := map[string]string{}
			for _, st := range s.Settings {
				settingByName[st.Name] = orDefault(st.ID, kb.ChildID(sid, "s", st.Name))
			}
			cmocByCode := map[string]string{} // codes within the study
			for _, pt := range s.ProgrammeTheories {
				pid := ptID(sid, pt)
				for _, cm := range pt.CMOCs {
					id := orDefault(cm.ID, kb.ChildID(pid, "", cm.Code))
					if prev, dup := cmocByCode[cm.Code]; dup {
						c.fail(w, "CMOC code %q is used by %s and %s", cm.Code, prev, id)
					}
					cmocByCode[cm.Code] = id
				}
			}
			for j, pt := range s.ProgrammeTheories {
				pw := fmt.Sprintf("%s.programmeTheories[%d]", w, j)
				pid := ptID(sid, pt)
				for k, th := range pt.DrawsOn {
					if c.nodes[th].kind != "theory" {
						c.fail(fmt.Sprintf("%s.drawsOn[%d]", pw, k), "%q is not a theory id", th)
					}
				}
				for k, r := range pt.Revises {
					if c.nodes[r.Theory].kind != "pt" {
						c.fail(fmt.Sprintf("%s.revises[%d]", pw, k), "%q is not a programme theory id", r.Theory)
					}
				}
				names := map[string]map[string]string{"context": {}, "mechanism": {}, "outcome": {}}
				constructRefs := func(ew string, field string, refs []string) {
					for r, ref := range refs {
						if k := c.nodes[ref].kind; k != "construct" && k != "theory" {
							c.fail(fmt.Sprintf("%s.%s[%d]", ew, field, r), "%q is not a construct or theory id", ref)
						}
					}
				}
				for k, e := range pt.Contexts {
					names["context"][e.Name] = orDefault(e.ID, kb.ChildID(pid, "c", e.Name))
					constructRefs(fmt.Sprintf("%s.contexts[%d]", pw, k), "instanceOf", e.InstanceOf)
				}
				for k, e := range pt.Mechanisms {
					names["mechanism"][e.Name] = orDefault(e.ID, kb.ChildID(pid, "m", e.Name))
					ew := fmt.Sprintf("%s.mechanisms[%d]", pw, k)
					constructRefs(ew, "instanceOf", e.InstanceOf)
					constructRefs(ew, "explainedBy", e.ExplainedBy)
				}
				for k, e := range pt.Outcomes {
					names["outcome"][e.Name] = orDefault(e.ID, kb.ChildID(pid, "o", e.Name))
					constructRefs(fmt.Sprintf("%s.outcomes[%d]", pw, k), "instanceOf", e.InstanceOf)
				}
				for k, cm := range pt.CMOCs {
					cw := fmt.Sprintf("%s.cmocs[%d]", pw, k)
					if len(cm.Contexts)+len(cm.Mechanisms)+len(cm.Outcomes) == 0 {
						c.fail(cw, "a CMOC needs at least one context, mechanism or outcome")
					}
					for _, f := range []struct {
						field, kind string
						refs        []string
					}{{"contexts", "context", cm.Contexts}, {"mechanisms", "mechanism", cm.Mechanisms}, {"outcomes", "outcome", cm.Outcomes}} {
						seen := map[string]bool{}
						for r, ref := range f.refs {
							id, ok := resolveElement(ref, f.kind, pid, names[f.kind], c.nodes)
							if !ok {
								c.fail(fmt.Sprintf("%s.%s[%d]", cw, f.field, r), "%q is not a %s of %s", ref, f.kind, pid)
								continue
							}
							if seen[id] {
								c.fail(fmt.Sprintf("%s.%s[%d]", cw, f.field, r), "%q is listed twice", ref)
							}
							seen[id] = true
							used[id] = true
						}
					}
					for r, ref := range cm.Settings {
						n, ok := c.nodes[ref]
						if !(ok && n.kind == "setting" && n.study == sid) && settingByName[ref] == "" {
							c.fail(fmt.Sprintf("%s.settings[%d]", cw, r), "%q is not a setting of %s", ref, sid)
						}
					}
					for r, ch := range cm.ChainsTo {
						n, ok := c.nodes[ch.CMOC]
						byCode := false
						for _, other := range pt.CMOCs {
							byCode = byCode || other.Code == ch.CMOC
						}
						if !(ok && n.kind == "cmoc") && !byCode {
							c.fail(fmt.Sprintf("%s.chainsTo[%d]", cw, r), "%q is not a CMOC id or a code in %s", ch.CMOC, pid)
						}
					}
				}
			}
			for j, q := range s.Quotes {
				qw := fmt.Sprintf("%s.quotes[%d]", w, j)
				if len(q.Evidences) == 0 {
					c.fail(qw, "quote evidences no CMOC")
				}
				for k, ev := range q.Evidences {
					ew := fmt.Sprintf("%s.evidences[%d]", qw, k)
					if n, ok := c.nodes[ev.CMOC]; !(ok && n.kind == "cmoc") && cmocByCode[ev.CMOC] == "" {
						c.fail(ew+".cmoc", "%q is not a CMOC id or a CMOC code of %s", ev.CMOC, sid)
					}
					c.required(ew+".stance", ev.Stance)
					c.enum(ew+".stance", "Stance", ev.Stance)
					c.enum(ew+".relevance", "Rating", ev.Relevance)
					c.enum(ew+".richness", "Rating", ev.Richness)
					c.enum(ew+".rigour", "Rating", ev.Rigour)
				}
			}
		}
		for i, a := range doc.Alignments {
			w := fmt.Sprintf("%s: alignments[%d]", name, i)
			from, fok := c.nodes[a.From]
			to, tok := c.nodes[a.To]
			isElement := func(k string) bool { return k == "context" || k == "mechanism" || k == "outcome" }
			switch {
			case !fok || !isElement(from.kind):
				c.fail(w+".from", "%q is not a context, mechanism or outcome id", a.From)
			case !tok || !isElement(to.kind):
				c.fail(w+".to", "%q is not a context, mechanism or outcome id", a.To)
			case from.kind != to.kind:
				c.fail(w, "aligns a %s with a %s", from.kind, to.kind)
			case from.study == to.study:
				c.fail(w, "aligns two elements of the same study %s", from.study)
			}
			c.required(w+".relation", a.Relation)
			c.enum(w+".relation", "AlignRelation", a.Relation)
			if a.Confidence != nil && (*a.Confidence < 0 || *a.Confidence > 1) {
				c.fail(w+".confidence", "%v is outside 0 to 1", *a.Confidence)
			}
		}
	}
	// Every element belongs to at least one CMOC: an element no CMOC uses is a loose end.
	for id, n := range c.nodes {
		if (n.kind == "context" || n.kind == "mechanism" || n.kind == "outcome") && !used[id] {
			c.fail(n.where, "%s %q is used by no CMOC", n.kind, id)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestCorpus(t *testing.T) {
	c := loadCorpus(t)
	c.defineAll()
	c.checkRefs()
	slices.Sort(c.errs)
	for _, e := range c.errs {
		t.Error(e)
	}

	count := map[string]int{}
	for _, n := range c.nodes {
		count[n.kind]++
	}
	links := map[string]int{}
	for _, doc := range c.docs {
		links["alignments"] += len(doc.Alignments)
		for _, s := range doc.Studies {
			for _, q := range s.Quotes {
				links["evidences"] += len(q.Evidences)
			}
			for _, pt := range s.ProgrammeTheories {
				for _, cm := range pt.CMOCs {
					links["chains"] += len(cm.ChainsTo)
				}
			}
		}
	}
	t.Logf("nodes %v; links %v", count, links)
}

// TestCorpusShape pins what the seed corpus promises (DESIGN.md, "Seed corpus"), so an edit
// that drops part of it fails loudly.
func TestCorpusShape(t *testing.T) {
	c := loadCorpus(t)
	c.defineAll()
	want := map[string]string{
		"youth-peer-support-2023":                    "study",
		"gillard-2015":                               "study",
		"peer-trial-2024":                            "study",
		"individual-peer-support-2015":               "study",
		"youth-peer-support-2023.ipt":                "pt",
		"gillard-2015.change-model":                  "pt",
		"gillard-2015.change-model.m.role-modelling": "mechanism",
		"youth-peer-support-2023.ipt.m.similar-peer-modelling-recovery": "mechanism",
		"chime.hope":               "construct",
		"social-comparison-theory": "theory",
		"social-learning-theory":   "theory",
		"bordin-working-alliance":  "theory",
		"attachment-theory":        "theory",
		"chime":                    "theory",
	}
	for id, kind := range want {
		if got := c.nodes[id].kind; got != kind {
			t.Errorf("%s: got kind %q, want %q", id, got, kind)
		}
	}
	for i := 1; i <= 12; i++ {
		id := fmt.Sprintf("youth-peer-support-2023.ipt.cmoc-%d", i)
		if c.nodes[id].kind != "cmoc" {
			t.Errorf("youth CMOC %d missing (%s)", i, id)
		}
	}
	settings := 0
	for _, n := range c.nodes {
		if n.kind == "setting" && n.study == "youth-peer-support-2023" {
			settings++
		}
	}
	if settings != 14 {
		t.Errorf("youth study has %d settings, want the 14 services of Table 1", settings)
	}
}
