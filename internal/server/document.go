package server

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Bounds of one GraphQL document, checked before gqlgen validates it. Validation compares
// fields of the same response name pair by pair, so 10,000 aliases of one field grew the
// process past 20 GB and 2,000 gave a 480 MB list of errors; no query a reviewer or a
// dashboard writes comes near these.
const (
	// MaxTokens bounds a document's length in GraphQL tokens.
	MaxTokens = 15_000
	// MaxFields bounds the field selections of a document, fragments included.
	MaxFields = 2_000
	// MaxSameName bounds how often one response name may be selected in one selection set.
	MaxSameName = 10
)

// documentLimits refuses a document over the bounds before it is validated or run.
type documentLimits struct{}

var (
	_ graphql.HandlerExtension          = documentLimits{}
	_ graphql.OperationParameterMutator = documentLimits{}
)

func (documentLimits) ExtensionName() string                   { return "DocumentLimits" }
func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (documentLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil // a persisted query: its text was checked when it was first sent
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, MaxTokens)
	if err != nil {
		// gqlgen parses again and reports syntax errors itself; only the token limit is ours
		if ge, ok := err.(*gqlerror.Error); ok && ge.Message != "" && isTokenLimit(ge) {
			return tooLarge("the document has more than %d tokens", MaxTokens)
		}
		return nil
	}
	c := counter{doc: doc}
	for _, op := range doc.Operations {
		c.walk(op.SelectionSet)
	}
	switch {
	case c.fields > MaxFields:
		return tooLarge("the document selects %d fields; at most %d", c.fields, MaxFields)
	case c.repeated != "":
		return tooLarge("%q is selected %d times in one selection set; at most %d", c.repeated, c.repeats, MaxSameName)
	}
	return nil
}

func isTokenLimit(e *gqlerror.Error) bool {
	return e.Message == fmt.Sprintf("exceeded token limit of %d", MaxTokens)
}

func tooLarge(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: "query too large: " + fmt.Sprintf(format, args...) + "; split it into smaller requests",
		Extensions: map[string]any{"code": "QUERY_TOO_LARGE"}}
}

// counter walks a document the way validation will see it: fields of inline fragments and of
// the fragments spread into a selection set count as that set's.
type counter struct {
	doc      *ast.QueryDocument
	fields   int
	repeated string
	repeats  int
}

func (c *counter) walk(set ast.SelectionSet) {
	c.collect(set, map[string]int{}, map[string]bool{})
}

func (c *counter) collect(set ast.SelectionSet, names map[string]int, spread map[string]bool) {
	for _, sel := range set {
		if c.fields > MaxFields {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			c.fields++
			name := s.Alias
			if name == "" {
				name = s.Name
			}
			names[name]++
			if n := names[name]; n > MaxSameName && n > c.repeats {
				c.repeated, c.repeats = name, n
			}
			c.walk(s.SelectionSet)
		case *ast.InlineFragment:
			c.collect(s.SelectionSet, names, spread)
		case *ast.FragmentSpread:
			if spread[s.Name] {
				continue // validation collects a fragment once per selection set
			}
			spread[s.Name] = true
			if f := c.doc.Fragments.ForName(s.Name); f != nil {
				c.collect(f.SelectionSet, names, spread)
			}
		}
	}
}
