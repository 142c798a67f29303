package generated

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestObjectFieldsWriteWhatFieldSetWrites holds objectFields to graphql.FieldSet's JSON for the
// same fields and values: repeated aliases written once, in first place, and objects small
// enough to look back over their aliases and large enough to need a map.
func TestObjectFieldsWriteWhatFieldSetWrites(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	many := func(n int, repeatEvery int) []graphql.CollectedField {
		var fs []graphql.CollectedField
		for i := range n {
			alias := fmt.Sprintf("f%d", i)
			if repeatEvery > 0 && i%repeatEvery == repeatEvery-1 {
				alias = fmt.Sprintf("f%d", i/2)
			}
			fs = append(fs, field(alias))
		}
		return fs
	}
	cases := map[string][]graphql.CollectedField{
		"no fields":                       nil,
		"one field":                       {field("id")},
		"a repeated alias":                {field("id"), field("title"), field("id"), field("__typename")},
		"every alias twice":               {field("a"), field("b"), field("a"), field("b")},
		"as many as are looked back over": many(lookBackLimit, 5),
		"more than are looked back over":  many(3*lookBackLimit, 7),
	}
	for name, fields := range cases {
		t.Run(name, func(t *testing.T) {
			theirs := graphql.NewFieldSet(fields)
			ours := newObjectFields(fields)
			for i := range fields {
				v := graphql.MarshalString(fmt.Sprintf("value %d of %s", i, fields[i].Alias))
				theirs.Values[i], ours.Values[i] = v, v
			}
			var want, got bytes.Buffer
			theirs.MarshalGQL(&want)
			ours.MarshalGQL(&got)
			if got.String() != want.String() {
				t.Errorf("objectFields wrote\n%s\ngraphql.FieldSet wrote\n%s", &got, &want)
			}
		})
	}
}

// TestAResponseBufferIsLentOnce: the first response of an operation writes into the lent
// buffer, a second one into a buffer of its own, and a reset buffer is lent again.
func TestAResponseBufferIsLentOnce(t *testing.T) {
	lent := new(ResponseBuffer)
	lent.buf.WriteString("left over from the last request")
	ctx := WithResponseBuffer(context.Background(), lent)
	first := responseBuffer(ctx)
	if first != &lent.buf || first.Len() != 0 {
		t.Fatalf("the first response got %p holding %q, want the lent buffer %p, empty", first, first, &lent.buf)
	}
	first.WriteString("first")
	if second := responseBuffer(ctx); second == &lent.buf {
		t.Fatal("a second response was lent the buffer the first wrote into")
	}
	if lent.buf.String() != "first" {
		t.Fatalf("the lent buffer holds %q after a second response, want %q", lent.buf.String(), "first")
	}
	lent.Reset()
	if again := responseBuffer(ctx); again != &lent.buf {
		t.Fatal("a reset buffer was not lent again")
	}
	if own := responseBuffer(context.Background()); own == nil {
		t.Fatal("a response with no buffer lent got none")
	}
}
