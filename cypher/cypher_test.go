package cypher

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

var (
	scopedCall    = regexp.MustCompile(`(?i)\bCALL\s*\(`)
	importingWith = regexp.MustCompile(`(?i)\bCALL\s*\{\s*WITH\b`)
	dynamicLabel  = regexp.MustCompile(`:\s*\$(?:any|all)?\s*\(`)
)

func TestAllStatementsAreNamedAndPortable(t *testing.T) {
	all := All()
	if len(all) == 0 {
		t.Fatal("All returned no statements")
	}
	seen := map[string]bool{}
	for _, st := range all {
		q := stripComments(st.Query)
		switch {
		case st.Name == "":
			t.Errorf("a statement has no name: %q", st.Query)
		case seen[st.Name]:
			t.Errorf("two statements are named %q", st.Name)
		case strings.TrimSpace(q) == "":
			t.Errorf("%s: empty statement", st.Name)
		case scopedCall.MatchString(q):
			t.Errorf("%s: uses a scoped CALL (…) { } subquery, which Neo4j 5.13–5.22 lack", st.Name)
		case importingWith.MatchString(q):
			t.Errorf("%s: uses an importing-WITH CALL subquery, deprecated since Neo4j 5.23", st.Name)
		case dynamicLabel.MatchString(q):
			t.Errorf("%s: uses a dynamic label or type, which Neo4j 5.13 lacks", st.Name)
		case strings.Contains(strings.ToLower(q), "apoc."):
			t.Errorf("%s: uses APOC", st.Name)
		case strings.Contains(q, ";"):
			t.Errorf("%s: holds a ';' (one statement per driver call)", st.Name)
		case regexp.MustCompile(`(?i)^\s*CYPHER\b`).MatchString(q):
			t.Errorf("%s: starts with a CYPHER version prefix", st.Name)
		}
		seen[st.Name] = true
	}
}

func TestEveryKindAndLinkTypeHasItsStatements(t *testing.T) {
	for _, k := range kb.Kinds {
		for what, get := range map[string]func(kb.Kind) (Statement, bool){"create": CreateNode, "replace": ReplaceNode,
			"batch create": CreateNodes, "batch replace": ReplaceNodes} {
			st, ok := get(k)
			if !ok || !strings.Contains(st.Query, ":"+string(k)) {
				t.Errorf("%s statement of %s: %v %q", what, k, ok, st.Query)
			}
			if spec, owned := kb.OwnerOf(k); owned && !strings.Contains(st.Query, "[:"+string(spec.Rel)+"]") {
				t.Errorf("%s statement of %s does not keep its %s relationship: %s", what, k, spec.Rel, st.Query)
			}
		}
	}
	for _, typ := range kb.LinkTypes() {
		for what, get := range map[string]func(kb.RelType) (Statement, bool){"merge": MergeLink, "delete": DeleteLink,
			"batch merge": MergeLinks} {
			st, ok := get(typ)
			if !ok || !strings.Contains(st.Query, ":"+string(typ)+"]") {
				t.Errorf("%s statement of %s: %v %q", what, typ, ok, st.Query)
			}
		}
	}
	for _, own := range []kb.RelType{kb.RelReportedIn, kb.RelInTheory, kb.RelDefinedIn, kb.RelFrom, kb.RelPartOf} {
		if _, ok := MergeLink(own); ok {
			t.Errorf("ownership relationship %s must not be made as a link", own)
		}
		if _, ok := MergeLinks(own); ok {
			t.Errorf("ownership relationship %s must not be made as a batch of links", own)
		}
		if !strings.Contains(LockForDelete().Query, string(own)) {
			t.Errorf("lock_for_delete does not count children owned through %s", own)
		}
	}
	if _, ok := CreateNode("Person"); ok {
		t.Error("a statement exists for an unknown kind")
	}
	if _, ok := CreateNodes("Person"); ok {
		t.Error("a batch statement exists for an unknown kind")
	}
}

func TestMigrationsCoverTheSchema(t *testing.T) {
	var text []string
	for _, st := range Migrations() {
		if !strings.Contains(st.Query, " IF NOT EXISTS ") {
			t.Errorf("%s is not idempotent: %s", st.Name, st.Query)
		}
		text = append(text, st.Query)
	}
	all := strings.Join(text, "\n")
	want := []string{"FOR (n:Node) REQUIRE n.id IS UNIQUE"}
	for _, k := range kb.Kinds {
		want = append(want, "FOR (n:"+string(k)+") REQUIRE n.id IS UNIQUE")
		if spec, ok := kb.OwnerOf(k); ok {
			want = append(want, "FOR (n:"+string(k)+") ON (n."+spec.Field+")")
		}
	}
	want = append(want, "FOR (n:Study) ON (n.year)", "FOR (n:CMOC) ON (n.status)", "FOR (n:CMOC) ON (n.code)",
		"FOR (n:Quote) ON (n.participant)")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no migration says %q", w)
		}
	}
	for _, forbidden := range []string{"IS NOT NULL", "IS NODE KEY", "IS ::", "IS TYPED"} {
		if strings.Contains(all, forbidden) {
			t.Errorf("migrations use %q, an Enterprise-only constraint", forbidden)
		}
	}
}

func TestListBuildsFixedTextAndParameters(t *testing.T) {
	cases := []struct {
		name   string
		q      kb.ListQuery
		text   string
		params map[string]any
	}{
		{
			name: "everything, by id",
			q:    kb.ListQuery{Kind: kb.KindStudy},
			text: "RETURN COUNT {\n  MATCH (n:Study)\n} AS total, COLLECT {\n  MATCH (n:Study)\n" +
				"  RETURN {props: properties(n), labels: labels(n)} AS node\n  ORDER BY n.id\n  SKIP $skip\n} AS page",
			params: map[string]any{"skip": int64(0)},
		},
		{
			name: "filters, sort and page",
			q: kb.ListQuery{Kind: kb.KindStudy, Offset: 20, Limit: 10,
				Filters: []kb.Filter{
					{Field: "year", Op: kb.FilterGte, Value: 2015},
					{Field: "title", Op: kb.FilterContains, Value: "peer"},
					{Field: "framing", Op: kb.FilterIn, Value: []kb.Framing{kb.FramingTrial}},
					{Field: "informants", Op: kb.FilterIncludes, Value: kb.InformantStaff},
				},
				Sort: []kb.Sort{{Field: "year", Desc: true}}},
			text: "RETURN COUNT {\n  MATCH (n:Study)\n  WHERE n.year >= $p0\n    AND toLower(n.title) CONTAINS toLower($p1)\n" +
				"    AND n.framing IN $p2\n    AND $p3 IN n.informants\n} AS total, COLLECT {\n  MATCH (n:Study)\n" +
				"  WHERE n.year >= $p0\n    AND toLower(n.title) CONTAINS toLower($p1)\n    AND n.framing IN $p2\n    AND $p3 IN n.informants\n" +
				"  RETURN {props: properties(n), labels: labels(n)} AS node\n  ORDER BY n.year DESC, n.id\n  SKIP $skip\n  LIMIT $limit\n} AS page",
			params: map[string]any{"skip": int64(20), "limit": int64(10), "p0": int64(2015), "p1": "peer",
				"p2": []any{"TRIAL"}, "p3": "STAFF"},
		},
		{
			name: "relation filter and list overlap",
			q: kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{
				{Field: "outcome", Op: kb.FilterContains, Value: "hope"},
				{Field: "actors", Op: kb.FilterIncludesAny, Value: []string{"PEER_WORKER", "STAFF"}},
			}, Sort: []kb.Sort{{Field: "code"}}},
			text: "RETURN COUNT {\n  MATCH (n:CMOC)\n" +
				"  WHERE EXISTS { MATCH (n)-[:HAS_OUTCOME]->(x:Node) WHERE any(v IN [x.name, x.description] WHERE toLower(v) CONTAINS toLower($p0)) }\n" +
				"    AND any(x IN n.actors WHERE x IN $p1)\n} AS total, COLLECT {\n  MATCH (n:CMOC)\n" +
				"  WHERE EXISTS { MATCH (n)-[:HAS_OUTCOME]->(x:Node) WHERE any(v IN [x.name, x.description] WHERE toLower(v) CONTAINS toLower($p0)) }\n" +
				"    AND any(x IN n.actors WHERE x IN $p1)\n" +
				"  RETURN {props: properties(n), labels: labels(n)} AS node\n  ORDER BY " + naturalCodeKey + ", n.id\n  SKIP $skip\n} AS page",
			params: map[string]any{"skip": int64(0), "p0": "hope", "p1": []any{"PEER_WORKER", "STAFF"}},
		},
		{
			name: "times and booleans",
			q: kb.ListQuery{Kind: kb.KindOutcome, Filters: []kb.Filter{
				{Field: "intended", Op: kb.FilterEq, Value: true},
				{Field: "updatedAt", Op: kb.FilterLte, Value: "2026-01-02T03:04:05Z"},
			}},
			text: "RETURN COUNT {\n  MATCH (n:Outcome)\n  WHERE n.intended = $p0\n    AND n.updatedAt <= $p1\n} AS total, COLLECT {\n" +
				"  MATCH (n:Outcome)\n  WHERE n.intended = $p0\n    AND n.updatedAt <= $p1\n" +
				"  RETURN {props: properties(n), labels: labels(n)} AS node\n  ORDER BY n.id\n  SKIP $skip\n} AS page",
			params: map[string]any{"skip": int64(0), "p0": true, "p1": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := List(c.q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Query != c.text {
				t.Errorf("text:\n%s\nwant:\n%s", got.Query, c.text)
			}
			if !equalParams(got.Params, c.params) {
				t.Errorf("params: %#v, want %#v", got.Params, c.params)
			}
			if p := Params(got.Query); !slices.Equal(p, sortedKeys(got.Params)) {
				t.Errorf("the statement uses %v but gets %v", p, sortedKeys(got.Params))
			}
		})
	}
}

func equalParams(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		if at, ok := av.(time.Time); ok {
			if bt, ok := bv.(time.Time); !ok || !at.Equal(bt) {
				return false
			}
			continue
		}
		if !kb.EqualProps(kb.Props{"v": av}, kb.Props{"v": bv}) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Values, however hostile, travel only as parameters.
func TestListNeverPutsAValueIntoTheText(t *testing.T) {
	hostile := "x') } DETACH DELETE n //"
	q := kb.ListQuery{Kind: kb.KindCMOC, Filters: []kb.Filter{
		{Field: "code", Op: kb.FilterEq, Value: hostile},
		{Field: "label", Op: kb.FilterContains, Value: hostile},
		{Field: "status", Op: kb.FilterIn, Value: []string{hostile}},
		{Field: "actors", Op: kb.FilterIncludes, Value: hostile},
		{Field: "mechanism", Op: kb.FilterContains, Value: hostile},
	}}
	got, err := List(q)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.Query, "DETACH") || strings.Contains(got.Query, "x')") {
		t.Fatalf("a value reached the statement text:\n%s", got.Query)
	}
	if got.Params["p0"] != hostile {
		t.Fatalf("the value did not travel as $p0: %#v", got.Params)
	}
}

func TestListRejectsWhatKbRejects(t *testing.T) {
	for _, q := range []kb.ListQuery{
		{Kind: "Person"},
		{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "title) DETACH DELETE n //", Op: kb.FilterEq, Value: "x"}}},
		{Kind: kb.KindStudy, Filters: []kb.Filter{{Field: "year", Op: kb.FilterContains, Value: "20"}}},
		{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "authors"}}},
		{Kind: kb.KindStudy, Sort: []kb.Sort{{Field: "year DESC, n.abstract"}}},
		{Kind: kb.KindStudy, Limit: kb.MaxPageSize + 1},
	} {
		if _, err := List(q); !errors.Is(err, kb.ErrInvalid) {
			t.Errorf("%+v: want an invalid error, got %v", q, err)
		}
	}
}

// Every filter kb accepts has a fragment, and All's list queries show each to the linter.
func TestEveryFilterKbAcceptsHasAFragmentInAll(t *testing.T) {
	for _, k := range kb.Kinds {
		every := everyFragment(k)
		for _, spec := range kb.FieldsOf(k) {
			for _, op := range filterOps {
				f := kb.Filter{Field: spec.Name, Op: op, Value: sampleValue(spec.Type, op)}
				if _, err := (kb.ListQuery{Kind: k, Filters: []kb.Filter{f}}).Normalize(); err != nil {
					continue
				}
				if _, err := List(kb.ListQuery{Kind: k, Filters: []kb.Filter{f}}); err != nil {
					t.Errorf("%s.%s %s: kb accepts it but List fails: %v", k, spec.Name, op, err)
				}
				if !slices.ContainsFunc(every.Filters, func(g kb.Filter) bool { return g.Field == f.Field && g.Op == f.Op }) {
					t.Errorf("%s.%s %s: missing from All's every-fragment query", k, spec.Name, op)
				}
			}
		}
		for _, rf := range kb.RelationFilters(k) {
			if !slices.ContainsFunc(every.Filters, func(g kb.Filter) bool { return g.Field == rf.Field }) {
				t.Errorf("%s relation filter %s: missing from All's every-fragment query", k, rf.Field)
			}
		}
	}
}

func TestParams(t *testing.T) {
	got := Params("// $ignored in a comment\nMATCH (n {id: $id}) WHERE n.x IN $ids AND n.y = $id RETURN n")
	if !slices.Equal(got, []string{"id", "ids"}) {
		t.Fatalf("Params: %v", got)
	}
	st, _ := CreateNode(kb.KindCMOC)
	if got := Params(st.Query); !slices.Equal(got, []string{"ownerId", "props"}) {
		t.Fatalf("create_node/CMOC params: %v", got)
	}
	// a batch takes one list of rows; each row's values are read as row.<key>, never spliced
	batches := []Statement{LinkStates()}
	for _, k := range kb.Kinds {
		create, _ := CreateNodes(k)
		replace, _ := ReplaceNodes(k)
		batches = append(batches, create, replace)
	}
	for _, typ := range kb.LinkTypes() {
		merge, _ := MergeLinks(typ)
		batches = append(batches, merge)
	}
	for _, st := range batches {
		if got := Params(st.Query); !slices.Equal(got, []string{"rows"}) {
			t.Errorf("%s params: %v", st.Name, got)
		}
		if !strings.Contains(st.Query, "UNWIND $rows AS row") {
			t.Errorf("%s does not unwind $rows: %s", st.Name, st.Query)
		}
	}
}

// The full-text index must cover what the embedded store searches: every kind's label and
// every text field, so search answers the same on both stores.
func TestFullTextIndexMatchesKB(t *testing.T) {
	var ft string
	for _, m := range Migrations() {
		if m.Name == "migrate/node_text" {
			ft = m.Query
		}
	}
	if ft == "" {
		t.Fatal("no node_text full-text index among the migrations")
	}
	for _, k := range kb.Kinds {
		if !strings.Contains(ft, string(k)+"|") && !strings.Contains(ft, "|"+string(k)+")") {
			t.Errorf("the full-text index misses label %s", k)
		}
	}
	for _, f := range kb.AllTextFields() {
		if !strings.Contains(ft, "n."+f+",") && !strings.Contains(ft, "n."+f+"]") {
			t.Errorf("the full-text index misses field %s", f)
		}
	}
}

// naturalCodeKey is the ORDER BY key of a CMOC's code: its natural key (see kb.NaturalKey).
const naturalCodeKey = "[k IN [reduce(k = ['', ''], c IN [i IN range(0, size(coalesce(n.code, '')) - 1) | substring(toLower(n.code), i, 1)] | " +
	"CASE WHEN c >= '0' AND c <= '9' THEN [k[0], k[1] + c] WHEN k[1] = '' THEN [k[0] + c, ''] " +
	"ELSE [k[0] + right('00000000000000000000' + k[1], 20) + c, ''] END)] | " +
	"k[0] + CASE WHEN k[1] = '' THEN '' ELSE right('00000000000000000000' + k[1], 20) END][0]"
