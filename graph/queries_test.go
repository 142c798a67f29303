package graph_test

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/cmograph/cmograph/internal/kb"
)

func TestQueriesByIDAndNode(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		study(id: "youth") { id title year framing population informants journal createdBy }
		node(id: "youth.ipt.m.model") { id __typename ... on Mechanism { name programmeTheory { id } } }
		nodes(ids: ["chime", "nope", "youth.q.13"]) { id __typename }
		missing: study(id: "adult.cm") { id }
	}`, nil)
	if got := jsonString(t, d["study"]); got != `{"createdBy":"fixture","framing":"REALIST_EVALUATION","id":"youth","informants":["STAFF"],"journal":"","population":"CHILDREN","title":"Youth peer support initial programme theory","year":2023}` {
		t.Errorf("study: %s", got)
	}
	if got := jsonString(t, d["node"]); got != `{"__typename":"Mechanism","id":"youth.ipt.m.model","name":"Peer modelling recovery","programmeTheory":{"id":"youth.ipt"}}` {
		t.Errorf("node: %s", got)
	}
	if got := jsonString(t, d["nodes"]); got != `[{"__typename":"Theory","id":"chime"},null,{"__typename":"Quote","id":"youth.q.13"}]` {
		t.Errorf("nodes: %s", got)
	}
	if d["missing"] != nil {
		t.Errorf("a programme theory's id asked as a study should be null, got %v", d["missing"])
	}
}

func TestListsFilterSortAndPage(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		byYear: studies(sort: [{field: YEAR, direction: DESC}]) { totalCount nodes { id } }
		children: studies(where: {population: {eq: CHILDREN}}) { totalCount nodes { id } }
		range: studies(where: {year: {gte: 2010, lte: 2016}, framing: {in: [GROUNDED_THEORY, TRIAL]}}) { nodes { id } }
		informants: studies(where: {informants: {includes: PEER_WORKERS}}) { nodes { id } }
		hope: cmocs(where: {outcome: {contains: "HOPE"}}) { totalCount nodes { id } }
		modelling: cmocs(where: {mechanism: {contains: "modelling"}, actors: {includes: SERVICE_USER}}) { nodes { id } }
		proposed: cmocs(where: {status: {eq: PROPOSED}}, sort: [{field: CODE}]) { nodes { code } }
		quotes(where: {participant: {eq: "#13"}, text: {contains: "get better"}}) { nodes { id informantRole } }
	}`, nil)
	for name, want := range map[string]string{
		"byYear":     `{"nodes":[{"id":"youth"},{"id":"adult"}],"totalCount":2}`,
		"children":   `{"nodes":[{"id":"youth"}],"totalCount":1}`,
		"range":      `{"nodes":[{"id":"adult"}]}`,
		"informants": `{"nodes":[{"id":"adult"}]}`,
		"hope":       `{"nodes":[{"id":"adult.cm.2"},{"id":"youth.ipt.cmoc-1"}],"totalCount":2}`,
		"modelling":  `{"nodes":[{"id":"youth.ipt.cmoc-1"}]}`,
		"proposed":   `{"nodes":[{"code":"CMOC 1"},{"code":"CMOC 2"}]}`,
		"quotes":     `{"nodes":[{"id":"youth.q.13","informantRole":"STAFF"}]}`,
	} {
		if got := jsonString(t, d[name]); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
}

func TestPagingWithCursors(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	q := `query($after: String) { cmocs(first: 2, after: $after, sort: [{field: CODE}]) {
		totalCount edges { cursor node { code } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
	first := ok(t, c, q, nil)
	// natural order: CMOC 1, CMOC 2, CMOC 10, Mechanism 2
	if got := jsonString(t, at(first, "cmocs", "edges", 1, "node")); got != `{"code":"CMOC 2"}` {
		t.Fatalf("page 1 ends with %s", got)
	}
	if at(first, "cmocs", "pageInfo", "hasNextPage") != true || at(first, "cmocs", "totalCount") != float64(4) {
		t.Fatalf("page 1 info: %s", jsonString(t, first))
	}
	second := ok(t, c, q, map[string]any{"after": at(first, "cmocs", "pageInfo", "endCursor")})
	if got := jsonString(t, at(second, "cmocs", "edges")); !contains(got, `"code":"CMOC 10"`) || !contains(got, `"code":"Mechanism 2"`) {
		t.Fatalf("page 2: %s", got)
	}
	if at(second, "cmocs", "pageInfo", "hasNextPage") != false || at(second, "cmocs", "pageInfo", "hasPreviousPage") != true {
		t.Fatalf("page 2 info: %s", jsonString(t, second))
	}
	_, errs := raw(t, c, q, map[string]any{"after": "not-a-cursor"})
	wantCode(t, errs, "BAD_USER_INPUT", "not a cursor")
}

func contains(s, sub string) bool { return len(s) >= len(sub) && (s == sub || index(s, sub) >= 0) }

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestNestedNavigationBothWays(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	d := ok(t, c, `{
		study(id: "youth") {
			programmeTheories { id drawsOn { id } cmocs { code contexts { name } mechanisms { name } outcomes { name instanceOf { name theory { name } } } settings { name } } }
			cmocs { code }
			quotes { participant evidences { stance relevance cmoc { code } } }
		}
		mechanism(id: "adult.cm.m.role") {
			cmocs { code study { id } }
			alignments { relation direction confidence rationale element { id ... on Mechanism { study { id } cmocs { code } } } }
		}
		cmoc(id: "youth.ipt.cmoc-1") { study { id } evidence { quote { participant } } chainsTo { to { code } rationale } }
		construct(id: "chime.hope") { instances { id } }
		theory(id: "chime") { programmeTheories { id } constructs { name } }
	}`, nil)
	pt := at(d, "study", "programmeTheories", 0)
	if got := jsonString(t, at(pt, "cmocs")); got != `[{"code":"CMOC 1","contexts":[{"name":"Matched on lived experience"}],"mechanisms":[{"name":"Peer modelling recovery"}],"outcomes":[{"instanceOf":[{"name":"Hope and optimism","theory":{"name":"CHIME"}}],"name":"Hope for the future"}],"settings":[{"name":"School service"}]},{"code":"CMOC 2","contexts":[],"mechanisms":[],"outcomes":[{"instanceOf":[],"name":"Service engagement"}],"settings":[]},{"code":"CMOC 10","contexts":[],"mechanisms":[],"outcomes":[{"instanceOf":[],"name":"Service engagement"}],"settings":[]}]` {
		t.Errorf("theory's CMOCs (natural order, CMOC 2 before CMOC 10):\n%s", got)
	}
	if got := jsonString(t, at(d, "study", "quotes")); got != `[{"evidences":[{"cmoc":{"code":"CMOC 1"},"relevance":"HIGH","stance":"SUPPORTS"}],"participant":"#13"}]` {
		t.Errorf("quotes: %s", got)
	}
	// The alignment was recorded youth -> adult as NARROWER; read from the adult side it is BROADER.
	if got := jsonString(t, at(d, "mechanism", "alignments")); got != `[{"confidence":0.8,"direction":"INCOMING","element":{"cmocs":[{"code":"CMOC 1"}],"id":"youth.ipt.m.model","study":{"id":"youth"}},"rationale":"the youth theory's modelling is one form of Gillard's role-modelling","relation":"BROADER"}]` {
		t.Errorf("alignments from the adult side: %s", got)
	}
	if got := jsonString(t, at(d, "mechanism", "cmocs")); got != `[{"code":"Mechanism 2","study":{"id":"adult"}}]` {
		t.Errorf("mechanism -> cmocs -> study: %s", got)
	}
	if got := jsonString(t, d["cmoc"]); got != `{"chainsTo":[{"rationale":"hope draws children into services","to":{"code":"CMOC 2"}}],"evidence":[{"quote":{"participant":"#13"}}],"study":{"id":"youth"}}` {
		t.Errorf("cmoc: %s", got)
	}
	if got := jsonString(t, d["construct"]); got != `{"instances":[{"id":"youth.ipt.o.hope"}]}` {
		t.Errorf("construct instances: %s", got)
	}
	if got := jsonString(t, d["theory"]); got != `{"constructs":[{"name":"Hope and optimism"}],"programmeTheories":[{"id":"youth.ipt"}]}` {
		t.Errorf("theory: %s", got)
	}
}

func TestBadFiltersAreUserErrors(t *testing.T) {
	c := newClient(t, newStore(t, fixture(t)))
	_, errs := raw(t, c, `{ studies(first: 5000) { totalCount } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "first")
	if _, err := c.RawPost(`{ studies(where: {framing: {eq: NOVEL}}) { totalCount } }`); err == nil ||
		!contains(err.Error(), `Value \"NOVEL\" does not exist in \"Framing\" enum`) || !contains(err.Error(), "GRAPHQL_VALIDATION_FAILED") {
		t.Fatalf("an unknown enum value: %v", err)
	}
}

// node(id:), nodes(ids:) and search hits must work for every kind, CMOCs and constructs
// included (an interface case once caught them first and failed them as internal errors).
func TestNodeAndSearchForEveryKind(t *testing.T) {
	s := newStore(t, fixture(t))
	c := newClient(t, s)
	snap, err := s.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	one := map[kb.Kind]kb.Node{}
	for _, n := range snap.Nodes {
		if one[n.NodeKind()] == nil {
			one[n.NodeKind()] = n
		}
	}
	var ids []any
	for _, k := range kb.Kinds {
		n := one[k]
		if n == nil {
			t.Fatalf("the fixture has no %s", k)
		}
		ids = append(ids, n.NodeID())
		d := ok(t, c, `query($id: ID!) { node(id: $id) { id __typename ... on Tracked { createdBy } } }`, map[string]any{"id": n.NodeID()})
		if at(d, "node", "id") != n.NodeID() || at(d, "node", "__typename") != string(k) || at(d, "node", "createdBy") == "" {
			t.Fatalf("node(id: %q): %v", n.NodeID(), d)
		}
		// a search for the node's own words finds it, whatever its kind
		text := kb.SearchText(n)
		if len(text) > 200 {
			text = text[:200]
		}
		if text == "" {
			continue
		}
		d = ok(t, c, `query($t: String!, $k: SearchKind!) { search(text: $t, kinds: [$k], first: 50) { node { id __typename } } }`,
			map[string]any{"t": text, "k": searchKind(k)})
		found := false
		for _, hit := range at(d, "search").([]any) {
			if at(hit, "node", "id") == n.NodeID() && at(hit, "node", "__typename") == string(k) {
				found = true
			}
		}
		if !found {
			t.Errorf("searching %q did not find %s %q: %v", text, k, n.NodeID(), d)
		}
	}
	d := ok(t, c, `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, map[string]any{"ids": ids})
	for i, n := range at(d, "nodes").([]any) {
		if at(n, "id") != ids[i] {
			t.Fatalf("nodes: %v", d)
		}
	}
}

// searchKind is the SearchKind enum value of a kind: ProgrammeTheory is PROGRAMME_THEORY.
func searchKind(k kb.Kind) string {
	var b strings.Builder
	for i, r := range string(k) {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(string(k)[i-1])) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}
