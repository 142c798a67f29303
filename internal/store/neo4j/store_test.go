package neo4j

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/storetest"
)

// TestConformance runs the store conformance suite against a real Neo4j when NEO4J_URI is set.
// Every subtest gets its own store on a wiped scratch database (see wipeScratch).
func TestConformance(t *testing.T) {
	cfg := configFromEnv(t, "conformance suite")
	var migrate sync.Once
	storetest.Run(t, func(t *testing.T) kb.Store {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var merr error
		migrate.Do(func() { merr = s.Migrate(ctx) })
		if merr != nil {
			_ = s.Close(ctx)
			t.Fatal(merr)
		}
		if err := wipeScratch(ctx, s); err != nil {
			_ = s.Close(ctx)
			t.Fatal(err)
		}
		return s
	})
}

// TestReplicas opens two stores (two drivers, as two API servers would) on the same Neo4j when
// NEO4J_URI is set: answers kept between writes must follow a write through either.
func TestReplicas(t *testing.T) {
	cfg := configFromEnv(t, "replica test")
	storetest.RunReplicas(t, func(t *testing.T) (kb.Store, kb.Store) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		one, err := Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := one.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := wipeScratch(ctx, one); err != nil {
			t.Fatal(err)
		}
		two, err := Open(ctx, cfg)
		if err != nil {
			_ = one.Close(ctx)
			t.Fatal(err)
		}
		return one, two
	})
}

// wipeScratch empties the database for a test, if it is a scratch database: empty at first
// use, marked by an earlier run, or declared with CMOGRAPH_NEO4J_SCRATCH=1. A database that
// holds someone's review fails the test instead.
func wipeScratch(ctx context.Context, s *Store) error {
	if err := s.ClaimScratch(ctx, os.Getenv("CMOGRAPH_NEO4J_SCRATCH") == "1"); err != nil {
		return err
	}
	return s.Wipe(ctx)
}

// configFromEnv is the Neo4j named by NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE,
// or a skip.
func configFromEnv(t *testing.T, what string) Config {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		t.Skipf("NEO4J_URI not set: skipping the Neo4j %s (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run it)", what)
	}
	return Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")}
}

func TestOpenNeedsAURIAndAnswers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := Open(ctx, Config{}); err == nil {
		t.Fatal("Open without a URI succeeded")
	}
	// Nothing listens on port 1: Open must fail, and say so without the password.
	_, err := Open(ctx, Config{URI: "bolt://127.0.0.1:1", User: "neo4j", Password: "s3cret-pw"})
	if err == nil {
		t.Fatal("Open succeeded with no server")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Fatalf("the error shows the password: %v", err)
	}
	if got := redact("neo4j://user:pw@db.example:7687"); strings.Contains(got, "pw@") {
		t.Fatalf("redact kept the password: %s", got)
	}
}

func record(kv ...any) *drv.Record {
	r := &drv.Record{}
	for i := 0; i < len(kv); i += 2 {
		r.Keys = append(r.Keys, kv[i].(string))
		r.Values = append(r.Values, kv[i+1])
	}
	return r
}

// The shapes below are what the driver hands back: maps as map[string]any, lists as []any,
// integers as int64, DATETIME as time.Time (in the zone the server stored, here UTC).
func TestDecodeNodeFromDriverShapes(t *testing.T) {
	created := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	loc := time.FixedZone("Offset", 3600)
	rec := record(
		"props", map[string]any{
			"id": "youth", "title": "Youth peer support", "year": int64(2023),
			"authors": []any{"Smith, A", "Jones, B"}, "informants": []any{"STAFF"},
			"sampleSize": int64(14), "createdAt": created, "updatedAt": created.In(loc), "createdBy": "test",
		},
		"labels", []any{"Node", "Study"},
	)
	n, err := decodeNodeRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := n.(*kb.Study)
	if !ok {
		t.Fatalf("want a *kb.Study, got %T", n)
	}
	if st.ID != "youth" || *st.Year != 2023 || *st.SampleSize != 14 || !slices.Equal(st.Authors, []string{"Smith, A", "Jones, B"}) ||
		!slices.Equal(st.Informants, []kb.Informant{kb.InformantStaff}) || !st.CreatedAt.Equal(created) ||
		st.UpdatedAt.Location() != time.UTC || !st.UpdatedAt.Equal(created) || st.CreatedBy != "test" {
		t.Fatalf("decoded wrong: %+v", st)
	}

	// labels come in any order; the kind is the label kb knows
	o, err := decodeNode(map[string]any{"id": "o", "programmeTheoryId": "pt", "name": "Hope", "intended": true}, []any{"Outcome", "Node"})
	if err != nil {
		t.Fatal(err)
	}
	if out := o.(*kb.Outcome); out.Intended == nil || !*out.Intended || out.ProgrammeTheoryID != "pt" {
		t.Fatalf("outcome decoded wrong: %+v", out)
	}

	for name, c := range map[string]struct{ props, labels any }{
		"no kind label":      {map[string]any{"id": "x"}, []any{"Node"}},
		"unknown property":   {map[string]any{"id": "x", "title": "t", "colour": "red"}, []any{"Node", "Study"}},
		"wrong value type":   {map[string]any{"id": "x", "title": "t", "year": "2020"}, []any{"Node", "Study"}},
		"props not a map":    {"x", []any{"Node", "Study"}},
		"labels not a list":  {map[string]any{"id": "x"}, "Study"},
		"list of non-string": {map[string]any{"id": "x", "title": "t", "authors": []any{int64(1)}}, []any{"Node", "Study"}},
	} {
		_, err := decodeNode(c.props, c.labels)
		if err == nil {
			t.Errorf("%s: decoded without error", name)
			continue
		}
		// bad stored data is an internal problem, not a bad request
		if errors.Is(err, kb.ErrInvalid) || errors.Is(err, kb.ErrNotFound) {
			t.Errorf("%s: the error passes for a domain error: %v", name, err)
		}
	}

	if n, err := decodeOptionalNode(nil, nil); n != nil || err != nil {
		t.Fatalf("a missing optional node: %v %v", n, err)
	}
}

func TestDecodeLinkAndPage(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l, err := decodeLinkRecord(record("type", "ALIGNS", "from", "a", "to", "b",
		"props", map[string]any{"relation": "SAME_AS", "confidence": 0.9, "createdAt": at, "createdBy": "test"}))
	if err != nil {
		t.Fatal(err)
	}
	if l.Type != kb.RelAligns || l.From != "a" || l.To != "b" || l.Relation != kb.AlignSameAs || *l.Confidence != 0.9 ||
		!l.CreatedAt.Equal(at) || l.CreatedBy != "test" {
		t.Fatalf("link decoded wrong: %+v", l)
	}
	if _, err := decodeLinkRecord(record("type", "ALIGNS", "from", "a", "props", map[string]any{})); err == nil {
		t.Fatal("a record without 'to' decoded")
	}

	page, err := decodePage([]*drv.Record{record("total", int64(3), "page", []any{
		map[string]any{"props": map[string]any{"id": "b", "name": "B"}, "labels": []any{"Node", "Theory"}},
		map[string]any{"props": map[string]any{"id": "a", "name": "A"}, "labels": []any{"Theory", "Node"}},
	})})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 3 || len(page.Nodes) != 2 || page.Nodes[0].NodeID() != "b" || page.Nodes[1].NodeID() != "a" {
		t.Fatalf("page decoded wrong: %+v", page)
	}
	empty, err := decodePage([]*drv.Record{record("total", int64(3), "page", []any{})})
	if err != nil || empty.Total != 3 || empty.Nodes != nil {
		t.Fatalf("a page past the end: %+v %v", empty, err)
	}
}

// Every statement gets every $parameter it uses: Neo4j refuses a statement that misses one.
func TestParametersMatchTheStatements(t *testing.T) {
	check := func(st cypher.Statement, p map[string]any) {
		t.Helper()
		for _, name := range cypher.Params(st.Query) {
			if _, ok := p[name]; !ok {
				t.Errorf("%s uses $%s but is not given it (given %v)", st.Name, name, keys(p))
			}
		}
	}
	link := kb.Link{Type: kb.RelChainsTo, From: "a", To: "b", LinkProps: kb.LinkProps{Rationale: "r"}}
	check(cypher.GetNodes(), idsParams([]string{"a"}))
	check(cypher.LockNodes(), idsParams([]string{"a"}))
	check(cypher.LinksOut(), linksParams([]string{"a"}, linkTypes(nil)))
	check(cypher.LinksIn(), linksParams([]string{"a"}, linkTypes(nil)))
	check(cypher.SnapshotLinks(), linksParams(nil, linkTypes(nil)))
	check(cypher.SnapshotNodes(), nil)
	check(cypher.Wipe(), nil)
	check(cypher.LinkState(), linkStateParams(link))
	check(cypher.LockForDelete(), idParams("a"))
	check(cypher.DeleteNode(), idParams("a"))
	for _, typ := range kb.LinkTypes() {
		l := link
		l.Type = typ
		merge, _ := cypher.MergeLink(typ)
		check(merge, linkParams(l))
		del, _ := cypher.DeleteLink(typ)
		check(del, endsParams(l))
	}
	for _, k := range kb.Kinds {
		n, _ := kb.NewNode(k)
		create, _ := cypher.CreateNode(k)
		check(create, nodeParams(n, false))
		replace, _ := cypher.ReplaceNode(k)
		check(replace, nodeParams(n, true))
	}
	for _, st := range cypher.Migrations() {
		check(st, nil)
	}

	// A batch statement takes $rows, and every row holds each key the statement reads
	// (row.<key>): Neo4j would read a missing one as null and match nothing.
	checkRow := func(st cypher.Statement, row map[string]any) {
		t.Helper()
		check(st, rowsParams([]any{row}))
		for _, key := range rowFields(st.Query) {
			if _, ok := row[key]; !ok {
				t.Errorf("%s reads row.%s but its rows do not hold it (they hold %v)", st.Name, key, keys(row))
			}
		}
		if len(rowFields(st.Query)) == 0 {
			t.Errorf("%s reads nothing from its rows", st.Name)
		}
	}
	checkRow(cypher.LinkStates(), linkStateRow(link, 0))
	for _, typ := range kb.LinkTypes() {
		l := link
		l.Type = typ
		merge, ok := cypher.MergeLinks(typ)
		if !ok {
			t.Errorf("no batch statement for %s links", typ)
		}
		checkRow(merge, linkRow(l, 0))
	}
	for _, k := range kb.Kinds {
		n, _ := kb.NewNode(k)
		create, ok1 := cypher.CreateNodes(k)
		replace, ok2 := cypher.ReplaceNodes(k)
		if !ok1 || !ok2 {
			t.Errorf("no batch statements for %s", k)
		}
		checkRow(create, nodeRow(n, false, 0))
		checkRow(replace, nodeRow(n, true, 0))
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestNodeParamsCarryTheContent(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &kb.CMOC{ID: "pt.1", ProgrammeTheoryID: "pt", Code: "CMOC 1", Actors: []kb.Actor{kb.ActorStaff},
		Meta: kb.Meta{CreatedAt: at, UpdatedAt: at, CreatedBy: "alice"}}
	p := nodeParams(c, true)
	props := p["props"].(map[string]any)
	if p["id"] != "pt.1" || p["ownerId"] != "pt" || props["code"] != "CMOC 1" || props["createdAt"] != at ||
		!slices.Equal(props["actors"].([]string), []string{"STAFF"}) {
		t.Fatalf("node params: %#v", p)
	}
	// unset fields are absent, so SET n = $props removes them
	if _, ok := props["statement"]; ok {
		t.Fatalf("an empty field is sent: %#v", props)
	}
	if _, ok := nodeParams(&kb.Study{ID: "s", Title: "S"}, false)["ownerId"]; ok {
		t.Fatal("a study is given an owner")
	}
}

func TestLinkTypesNeverIncludeOwnership(t *testing.T) {
	if got := linkTypes([]kb.RelType{kb.RelInTheory, kb.RelAligns, "LIKES"}); !slices.Equal(got, []string{"ALIGNS"}) {
		t.Fatalf("linkTypes: %v", got)
	}
	if got := linkTypes(nil); len(got) != len(kb.LinkSpecs) {
		t.Fatalf("all link types: %v", got)
	}
	if got := linkTypes([]kb.RelType{kb.RelPartOf}); len(got) != 0 {
		t.Fatalf("only ownership asked: %v", got)
	}
}

func TestApplyErrors(t *testing.T) {
	ops := []kb.Op{
		{Type: kb.OpCreate, Path: "ops[0]", Node: &kb.Theory{ID: "t", Name: "T"}},
		{Type: kb.OpCreate, Path: "ops[1]", Node: &kb.Theory{ID: "contested", Name: "C"}},
	}
	constraint := &drv.Neo4jError{Code: codeConstraint,
		Msg: "Node(12) already exists with label `Node` and property `id` = 'contested'"}

	// the op that was running is named
	err := applyError(ops, &txn{current: 1}, constraint)
	if !errors.Is(err, kb.ErrConflict) || !strings.Contains(err.Error(), `ops[1].id: "contested" is already used`) {
		t.Fatalf("constraint violation while writing: %v", err)
	}
	// at commit no op is running: the id comes from Neo4j's message
	err = applyError(ops, &txn{current: -1}, fmt.Errorf("commit: %w", constraint))
	if !errors.Is(err, kb.ErrConflict) || !strings.Contains(err.Error(), `"contested"`) {
		t.Fatalf("constraint violation at commit: %v", err)
	}
	// domain errors come back as they are
	domain := kb.AtPath("ops[0]", kb.NotFound("theoryId", "no Theory with id %q", "x"))
	if err := applyError(ops, &txn{current: 0}, domain); err != domain {
		t.Fatalf("a domain error was changed: %v", err)
	}
	joined := kb.AtPath("ops[0]", errors.Join(kb.Invalid("id", "bad"), kb.Invalid("name", "is required")))
	if err := applyError(ops, &txn{current: 0}, joined); !errors.Is(err, kb.ErrInvalid) || err != joined {
		t.Fatalf("a joined domain error was changed: %v", err)
	}
	// anything else is wrapped and is no domain error
	other := &drv.Neo4jError{Code: "Neo.TransientError.Transaction.DeadlockDetected", Msg: "deadlock"}
	err = applyError(ops, nil, other)
	var nerr *drv.Neo4jError
	if !errors.As(err, &nerr) || errors.Is(err, kb.ErrConflict) || errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("a driver error: %v", err)
	}
}

func TestIsDomain(t *testing.T) {
	if !isDomain(kb.AtPath("x", errors.Join(kb.Invalid("a", "b")))) || isDomain(errors.New("io")) ||
		isDomain(&drv.Neo4jError{Code: codeConstraint}) {
		t.Fatal("isDomain misjudges")
	}
}
