package peerbench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/store/neo4j"
)

// Answers of different shapes that say the same compare equal; any changed value does not.
func TestFingerprintComparesValuesNotShapes(t *testing.T) {
	cmograph := `{"studies":{"nodes":[{"id":"s1","title":"T","programmeTheories":[{"id":"p","name":"P","cmocs":[
		{"id":"c2","code":"CMOC 2","evidence":[{"quote":{"text":"b","participant":""}}]},
		{"id":"c1","code":"CMOC 1","evidence":[{"quote":{"text":"a","participant":"#1"}}]}]}]}]}}`
	handWritten := `[{"study":{"id":"s1","title":"T","programmeTheories":[{"id":"p","name":"P","cmocs":[
		{"id":"c1","code":"CMOC 1","evidence":[{"quote":{"text":"a","participant":"#1"}}]},
		{"id":"c2","code":"CMOC 2","evidence":[{"quote":{"participant":null,"text":"b"}}]}]}]}}]`
	peer := `{"studies":[{"title":"T","id":"s1","programmeTheories":[{"name":"P","id":"p","cmocs":[
		{"code":"CMOC 1","id":"c1","evidence":[{"text":"a","participant":"#1"}]},
		{"code":"CMOC 2","id":"c2","evidence":[{"text":"b","participant":null}]}]}]}]}`
	changed := strings.Replace(peer, `"#1"`, `"#2"`, 1)
	fp := func(s string) string {
		t.Helper()
		f, err := fingerprint([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if fp(cmograph) != fp(handWritten) || fp(cmograph) != fp(peer) {
		t.Fatalf("the same answer fingerprints differently: %s, %s, %s", fp(cmograph), fp(handWritten), fp(peer))
	}
	if fp(changed) == fp(peer) {
		t.Fatal("a changed participant went unnoticed")
	}
	if _, err := fingerprint([]byte("{")); err == nil {
		t.Fatal("a broken answer was read")
	}
}

// Without a Neo4j the benchmark times cmograph embedded alone and prints its table.
func TestRunEmbeddedAlone(t *testing.T) {
	var out bytes.Buffer
	results, err := Run(context.Background(), Config{Sizes: []int{100}, Runs: 2, Warmup: 1}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(reads()) {
		t.Fatalf("%d results, want one per read (%d)", len(results), len(reads()))
	}
	for _, r := range results {
		if r.Contender != "cmograph embedded" || !r.Same || r.P50 <= 0 || r.P90 < r.P50 {
			t.Fatalf("result %+v", r)
		}
	}
	for _, want := range []string{"100 CMOCs", "| nested read | cmograph embedded |", "| filtered list | cmograph embedded |",
		"| cmocCounts(by: OUTCOME) | cmograph embedded |", "| gaps, lists | cmograph embedded |", "| demiRegularities | cmograph embedded |"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("the table lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := Run(context.Background(), Config{Sizes: []int{100}}, &out); err == nil {
		t.Fatal("zero runs were accepted")
	}
}

// With NEO4J_URI set, the benchmark runs against Neo4j at a small size: cmograph on Neo4j and
// the hand-written Cypher must answer as cmograph embedded does.
func TestRunAgainstNeo4j(t *testing.T) {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		t.Skip("NEO4J_URI not set: skipping the peer benchmark on Neo4j (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run it)")
	}
	cfg := Config{Sizes: []int{200}, Runs: 2, Warmup: 1, Wipe: os.Getenv("CMOGRAPH_NEO4J_SCRATCH") == "1",
		Neo4j: &neo4j.Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")}}
	var out bytes.Buffer
	results, err := Run(context.Background(), cfg, &out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(out.String())
	seen := map[string]bool{}
	for _, r := range results {
		seen[r.Contender] = true
		if !r.Same && !r.LowerBound {
			t.Errorf("%s answers %s differently from cmograph embedded", r.Contender, r.Read)
		}
	}
	if !seen["cmograph on Neo4j"] || !seen["hand-written Cypher"] {
		t.Fatalf("contenders %v", seen)
	}
}
