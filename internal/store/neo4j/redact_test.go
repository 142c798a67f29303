package neo4j_test

import (
	"context"
	"strings"
	"testing"

	neo4jstore "github.com/cmograph/cmograph/internal/store/neo4j"
)

// TestAnUnparsableURIKeepsItsPassword: the driver's parse error quotes the URI whole.
func TestAnUnparsableURIKeepsItsPassword(t *testing.T) {
	_, err := neo4jstore.Open(context.Background(), neo4jstore.Config{URI: "bolt://neo4j:secret@[::1:7687", User: "neo4j"})
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "cannot be parsed") {
		t.Fatalf("want a parse error without the password, got %v", err)
	}
}
