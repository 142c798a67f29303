package cypher

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

// nestedPlan is the plan of the peer benchmark's nested read: studies, their programme
// theories, CMOCs, elements and the quotes that evidence them.
func nestedPlan() kb.ReadPlan {
	q := kb.ListQuery{Kind: kb.KindStudy, Limit: 20}
	pt, _ := kb.OwnedStep(kb.KindProgrammeTheory)
	cmoc, _ := kb.OwnedStep(kb.KindCMOC)
	return kb.ReadPlan{List: &q, Props: map[kb.Kind][]string{
		kb.KindStudy: {"title"}, kb.KindProgrammeTheory: {"name"}, kb.KindCMOC: {"code"},
		kb.KindContext: {"name"}, kb.KindMechanism: {"name"}, kb.KindOutcome: {"name"}, kb.KindQuote: {"participant", "text"},
	}, Follow: []kb.Follow{{Step: pt, Follow: []kb.Follow{{Step: cmoc, Follow: []kb.Follow{
		{Step: kb.LinkStep(kb.RelHasContext, false)},
		{Step: kb.LinkStep(kb.RelHasMechanism, false)},
		{Step: kb.LinkStep(kb.RelHasOutcome, false)},
		{Step: kb.LinkStep(kb.RelEvidences, true), LinkProps: true},
	}}}}}}
}

func TestReadIsOneStatementShapedLikeTheHandWrittenQuery(t *testing.T) {
	q, err := Read(nestedPlan())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s\n%v", q.Query, q.Params)
	for _, want := range []string{
		"MATCH (n:Study)\n  WITH n ORDER BY n.id SKIP $skip LIMIT $limit",
		"[(n)<-[:REPORTED_IN]-(m1:ProgrammeTheory) | {n: m1 {.id, .studyId, .name}",
		"[(m1)<-[:IN_THEORY]-(m2:CMOC) | {n: m2 {.id, .programmeTheoryId, .code}",
		"[(m2)-[:HAS_CONTEXT]->(m3:Context) | {n: m3 {.id, .programmeTheoryId, .name}}]",
		"[(m2)<-[r3:EVIDENCES]-(m3:Quote) | {n: m3 {.id, .studyId, .participant, .text}, r: properties(r3)}]",
	} {
		if !strings.Contains(q.Query, want) {
			t.Errorf("the statement lacks %q", want)
		}
	}
	if strings.Contains(q.Query, "COUNT {") {
		t.Error("the statement counts the list though no total was asked")
	}
	if got := Params(q.Query); !slices.Equal(got, []string{"limit", "skip"}) {
		t.Errorf("parameters %v", got)
	}
}

func TestReadNeverPutsAValueIntoTheText(t *testing.T) {
	evil := "x\"}) DETACH DELETE n //"
	q := kb.ListQuery{Kind: kb.KindCMOC, Limit: 5, Filters: []kb.Filter{
		{Field: "outcome", Op: kb.FilterContains, Value: evil},
		{Field: "code", Op: kb.FilterIn, Value: []any{evil}},
	}}
	for _, p := range []kb.ReadPlan{
		{List: &q, Total: true, Follow: kb.FollowEverything(kb.KindCMOC, 2)},
		{IDs: []string{evil}, Follow: kb.FollowEverything(kb.KindStudy, 1)},
	} {
		st, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(st.Query, "DETACH") {
			t.Fatalf("a value reached the statement:\n%s", st.Query)
		}
		for _, name := range Params(st.Query) {
			if _, ok := st.Params[name]; !ok {
				t.Fatalf("$%s is not given", name)
			}
		}
	}
}

func TestReadFilteredListMatchesOnce(t *testing.T) {
	q := kb.ListQuery{Kind: kb.KindCMOC, Limit: 50, Filters: []kb.Filter{{Field: "outcome", Op: kb.FilterContains, Value: "hope"}}}
	st, err := Read(kb.ReadPlan{List: &q, Total: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(st.Query, "MATCH (n:CMOC)"); n != 1 {
		t.Fatalf("the filter runs %d times:\n%s", n, st.Query)
	}
	if !strings.Contains(st.Query, "size(matched) AS total") || !strings.Contains(st.Query, "matched[$skip..($skip + $limit)]") {
		t.Fatalf("the statement does not page the matched list:\n%s", st.Query)
	}
}

func TestReadRejectsWhatKbRejects(t *testing.T) {
	for _, p := range []kb.ReadPlan{
		{},
		{List: &kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "actors"}}}},
		{IDs: []string{"x"}, Props: map[kb.Kind][]string{kb.KindCMOC: {"code) DETACH DELETE (n"}}},
		{IDs: []string{"x"}, Follow: []kb.Follow{{Step: kb.Step{Rel: "HAS_CONTEXT]->() DETACH DELETE n //"}}}},
	} {
		if _, err := Read(p); err == nil {
			t.Fatalf("built a statement for %+v", p)
		}
	}
}

// A fresh database has no statistics, and its planner may then scan where it should seek
// (an import into an empty Neo4j once ran for 10 minutes on one statement): every lookup of a
// node by id names the index it must use.
func TestEveryIDLookupIsHinted(t *testing.T) {
	inline := regexp.MustCompile(`\((\w+):(\w+) \{id: `)
	where := regexp.MustCompile(`MATCH \((\w+):(\w+)\)[^\n]*\n(?:USING[^\n]*\n)*WHERE (\w+)\.id IN`)
	checked := 0
	for _, st := range All() {
		for _, m := range inline.FindAllStringSubmatch(st.Query, -1) {
			checked++
			if hint := "USING INDEX " + m[1] + ":" + m[2] + "(id)"; !strings.Contains(st.Query, hint) {
				t.Errorf("%s looks %s up by id without %q:\n%s", st.Name, m[1], hint, st.Query)
			}
		}
		for _, m := range where.FindAllStringSubmatch(st.Query, -1) {
			checked++
			if hint := "USING INDEX " + m[3] + ":"; !strings.Contains(st.Query, hint) {
				t.Errorf("%s looks %s up by ids without %q:\n%s", st.Name, m[3], hint, st.Query)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d id lookups found; the patterns no longer match the statements", checked)
	}
}
