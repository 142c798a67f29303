package neo4j

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// Every statement of the tally catalog gets every parameter it names: Neo4j fails a
// statement that misses one, and no test here can run the Cypher itself.
func TestTallyStatementsGetEveryParameter(t *testing.T) {
	type call struct {
		st     cypher.Statement
		params map[string]any
	}
	var calls []call
	for _, by := range kb.TallyDimensions {
		st, ok := cypher.Tally(by)
		if !ok {
			t.Fatalf("no tally statement for %s", by)
		}
		calls = append(calls, call{st, tallyParams(kb.TallyQuery{By: by})}, call{st, tallyParams(kb.TallyQuery{By: by, NoNotStated: true, ByStudies: true})})
	}
	for _, k := range []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome} {
		cw, _ := cypher.Crosswalk(k)
		uses, _ := cypher.ElementUses(k)
		calls = append(calls, call{cw, crosswalkParams(kb.CrosswalkQuery{Kind: k})}, call{uses, usesParams(kb.UsesQuery{Kind: k, IDs: []string{"x"}})})
	}
	calls = append(calls, call{cypher.CMOCGaps(), gapsParams(nil)}, call{cypher.UnlinkedElements(), unlinkedParams(nil, 3)},
		call{cypher.Patterns(), patternParams(kb.PatternQuery{})})
	for _, c := range calls {
		got := slices.Sorted(maps.Keys(c.params))
		for _, name := range cypher.Params(c.st.Query) {
			if !slices.Contains(got, name) {
				t.Errorf("%s names $%s but is sent only %v", c.st.Name, name, got)
			}
		}
		// size($studyIds) = 0 means every study: the list must never be sent as null
		if ids, ok := c.params["studyIds"]; ok && ids.([]string) == nil {
			t.Errorf("%s is sent a null studyIds", c.st.Name)
		}
	}
}

func TestDecodeTallyRowsFromDriverShapes(t *testing.T) {
	rows, err := decodeTally(recordList(
		record("key", "o1", "cmocs", int64(4), "studies", int64(2), "cells", []any{
			map[string]any{"study": "a", "n": int64(3)}, map[string]any{"study": "b", "n": int64(1)}})), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%+v", rows); got != "[{Key:o1 CMOCs:4 Studies:2 Cells:map[a:3 b:1]}]" {
		t.Errorf("rows = %s", got)
	}
	if _, err := decodeTally(recordList(record("key", "o1", "cmocs", "4", "studies", int64(2), "cells", []any{})), false); err == nil {
		t.Error("a count that is not an integer is accepted")
	}
}

func TestDecodeCrosswalkGapsAndPatternsFromDriverShapes(t *testing.T) {
	cw, err := decodeCrosswalk(recordList(record("id", "e1", "joined", []any{"e2"}, "constructs", []any{})))
	if err != nil || fmt.Sprintf("%+v", cw) != "[{ID:e1 Joined:[e2] Constructs:[]}]" {
		t.Errorf("crosswalk = %+v, %v", cw, err)
	}
	gaps, err := decodeGaps(recordList(record("id", "c1", "programmeTheoryId", "pt", "code", nil, "unquoted", true,
		"staffOnly", false, "noContext", false, "noMechanism", true, "noOutcome", false)))
	if err != nil || fmt.Sprintf("%+v", gaps) != "[{ID:c1 ProgrammeTheoryID:pt Code: Unquoted:true StaffOnly:false Missing:[false true false]}]" {
		t.Errorf("gaps = %+v, %v", gaps, err)
	}
	if _, err := decodeGaps(recordList(record("id", "c1", "programmeTheoryId", "pt", "code", "1", "unquoted", nil,
		"staffOnly", false, "noContext", false, "noMechanism", true, "noOutcome", false))); err == nil {
		t.Error("a null flag is accepted")
	}
	ps, err := decodePatterns(recordList(record("mechanism", "m", "outcome", "o", "studies", int64(2),
		"cmocs", []any{"c1", "c2"}, "cmocStudies", []any{"a", "b"})))
	if err != nil || fmt.Sprintf("%+v", ps) != "[{Mechanism:m Outcome:o Studies:2 CMOCs:[c1 c2] CMOCStudies:[a b]}]" {
		t.Errorf("patterns = %+v, %v", ps, err)
	}
	if _, err := decodePatterns(recordList(record("mechanism", "m", "outcome", "o", "studies", int64(2),
		"cmocs", []any{"c1", "c2"}, "cmocStudies", []any{"a"}))); err == nil {
		t.Error("CMOCs without their studies are accepted")
	}
}

func recordList(recs ...*drv.Record) []*drv.Record { return recs }
