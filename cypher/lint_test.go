package cypher

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintWithNeo4jsOwnAnalyser runs every statement of All through Neo4j's own parser and
// semantic analysis (cypher/lint, @neo4j-cypher/language-support). It installs the linter's
// pinned dependencies on first use, so that `go test ./...` works on a fresh clone, and fails
// (never skips) when node or npm is missing or any statement has an error.
func TestLintWithNeo4jsOwnAnalyser(t *testing.T) {
	dir, err := filepath.Abs("lint")
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "lint.mjs")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("the Cypher linter is missing: %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed to lint the Cypher statements (install Node.js 20 or later): %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@neo4j-cypher", "language-support")); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			t.Fatalf("npm is needed to install the Cypher linter's dependencies: %v", err)
		}
		cmd := exec.Command(npm, "ci", "--prefix", dir, "--no-audit", "--no-fund")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci --prefix %s: %v\n%s", dir, err, out)
		}
	}

	data, err := json.Marshal(All())
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "statements.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, script, file).CombinedOutput()
	report := strings.TrimSpace(string(out))
	if err != nil {
		t.Fatalf("the Cypher linter found errors (%v):\n%s", err, report)
	}
	t.Logf("%s", report)
}
