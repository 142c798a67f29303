package cypher

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"sync"
	"text/template"

	"github.com/cmograph/cmograph/internal/kb"
)

// The whole-corpus questions (kb.Tallier) count where the corpus lives. Their statements are
// rendered from tally/ with one fixed fragment per dimension (tallyKeys) or kind; nothing but
// kb's schema identifiers goes into them.

//go:embed tally/*.cypher
var tallyFiles embed.FS

// elementRels names the relationship from a CMOC to each element kind.
var elementRels = map[kb.Kind]kb.RelType{
	kb.KindContext:   kb.RelHasContext,
	kb.KindMechanism: kb.RelHasMechanism,
	kb.KindOutcome:   kb.RelHasOutcome,
}

// elementKinds are the kinds a CMOC is made of, in the order the questions list them.
var elementKinds = []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome}

// tallyKeys is, per dimension, the expression listing a CMOC's keys, given s (its study), pt
// (its programme theory) and c (the CMOC).
var tallyKeys = map[kb.TallyBy]string{
	kb.TallyActor:           "coalesce(c.actors, [])",
	kb.TallyPopulation:      "CASE WHEN coalesce(s.population, '') = '' THEN [] ELSE [s.population] END",
	kb.TallyInformant:       "COLLECT { MATCH (q:Quote)-[:EVIDENCES]->(c) WHERE q.informantRole IN $roles RETURN q.informantRole }",
	kb.TallyStudy:           "[s.id]",
	kb.TallyStatus:          "CASE WHEN coalesce(c.status, '') = '' THEN [] ELSE [c.status] END",
	kb.TallyProgrammeTheory: "[pt.id]",
}

const elementKeys = "COLLECT { MATCH (c)-[:{{.Rel}}]->(e:{{.Label}}) RETURN coalesce($merge[e.id], e.id) }"

type tallyCatalog struct {
	tally          map[kb.TallyBy]Statement
	crosswalk      map[kb.Kind]Statement
	uses           map[kb.Kind]Statement
	gaps, unlinked Statement
	patterns       Statement
}

var loadTallyCatalog = sync.OnceValues(buildTallyCatalog)

func mustTallies() *tallyCatalog {
	c, err := loadTallyCatalog()
	if err != nil {
		// The files are embedded at build time and checked by this package's tests.
		panic(err)
	}
	return c
}

// Tally counts CMOCs by one dimension (see kb.TallyQuery): parameters studyIds, merge, roles,
// notStated, byStudies, limit; columns key, cmocs, studies, cells.
func Tally(by kb.TallyBy) (Statement, bool) {
	st, ok := mustTallies().tally[by]
	return st, ok
}

// Crosswalk lists the crosswalk of the used elements of kind k (see kb.Tallier.Crosswalk):
// parameters studyIds, joins; columns id, joined, constructs.
func Crosswalk(k kb.Kind) (Statement, bool) {
	st, ok := mustTallies().crosswalk[k]
	return st, ok
}

// ElementUses reads elements of kind k with their uses: parameters ids, studyIds; columns
// props, labels, uses.
func ElementUses(k kb.Kind) (Statement, bool) {
	st, ok := mustTallies().uses[k]
	return st, ok
}

// CMOCGaps lists the CMOCs with a gap: parameters studyIds, staff; columns id,
// programmeTheoryId, code, unquoted, staffOnly, noContext, noMechanism, noOutcome.
func CMOCGaps() Statement { return mustTallies().gaps }

// UnlinkedElements counts and lists elements without a crosswalk: parameters studyIds, limit;
// columns total, first.
func UnlinkedElements() Statement { return mustTallies().unlinked }

// Patterns finds mechanism -> outcome pairs: parameters mechanisms, outcomes, minStudies,
// limit; columns mechanism, outcome, studies, cmocs, cmocStudies.
func Patterns() Statement { return mustTallies().patterns }

// tallies lists every statement of the tally catalog, for All.
func tallies() []Statement {
	c := mustTallies()
	var out []Statement
	for _, by := range kb.TallyDimensions {
		out = append(out, c.tally[by])
	}
	for _, k := range elementKinds {
		out = append(out, c.crosswalk[k], c.uses[k])
	}
	return append(out, c.gaps, c.unlinked, c.patterns)
}

type tallyData struct {
	By, Keys, Label, Rel string
}

func buildTallyCatalog() (*tallyCatalog, error) {
	tmpl, err := template.New("").Option("missingkey=error").ParseFS(tallyFiles, "tally/*.cypher")
	if err != nil {
		return nil, fmt.Errorf("cypher: %w", err)
	}
	render := func(t *template.Template, file, name string, data tallyData) (Statement, error) {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, file, data); err != nil {
			return Statement{}, fmt.Errorf("cypher: rendering %s: %w", name, err)
		}
		return Statement{Name: name, Query: strings.TrimSpace(b.String())}, nil
	}
	c := &tallyCatalog{tally: map[kb.TallyBy]Statement{}, crosswalk: map[kb.Kind]Statement{}, uses: map[kb.Kind]Statement{}}
	keysOf := template.Must(template.New("keys").Option("missingkey=error").Parse(elementKeys))
	for _, k := range elementKinds {
		data, err := elementData(k)
		if err != nil {
			return nil, err
		}
		if c.crosswalk[k], err = render(tmpl, "crosswalk.cypher", "crosswalk/"+data.Label, data); err != nil {
			return nil, err
		}
		if c.uses[k], err = render(tmpl, "element_uses.cypher", "element_uses/"+data.Label, data); err != nil {
			return nil, err
		}
	}
	for _, by := range kb.TallyDimensions {
		data := tallyData{By: string(by)}
		if k, ok := by.ElementKind(); ok {
			el, err := elementData(k)
			if err != nil {
				return nil, err
			}
			var keys bytes.Buffer
			if err := keysOf.Execute(&keys, el); err != nil {
				return nil, fmt.Errorf("cypher: rendering the keys of %s: %w", by, err)
			}
			data.Keys = keys.String()
		} else if data.Keys = tallyKeys[by]; data.Keys == "" {
			return nil, fmt.Errorf("cypher: no keys for the dimension %s", by)
		}
		if c.tally[by], err = render(tmpl, "tally.cypher", "tally/"+string(by), data); err != nil {
			return nil, err
		}
	}
	for name, dst := range map[string]*Statement{"cmoc_gaps": &c.gaps, "unlinked_elements": &c.unlinked, "patterns": &c.patterns} {
		if *dst, err = render(tmpl, name+".cypher", name, tallyData{}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func elementData(k kb.Kind) (tallyData, error) {
	label, err := ident(string(k))
	if err != nil {
		return tallyData{}, err
	}
	rel, err := ident(string(elementRels[k]))
	if err != nil {
		return tallyData{}, err
	}
	return tallyData{Label: label, Rel: rel}, nil
}
