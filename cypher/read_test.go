package cypher

import (
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
