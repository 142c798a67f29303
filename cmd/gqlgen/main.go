// Command gqlgen regenerates graph/generated from gqlgen.yml, as `go tool gqlgen generate`
// does, with these changes:
//
//   - The fields of an object are resolved one after another instead of each in a goroutine
//     of its own. A root field's read plan has already fetched what the fields below it read
//     (graph/plan.go), so their resolvers return at once, and a goroutine per field cost more
//     than the field: 30% of the nested read on 1,000 CMOCs. Root query fields are still
//     resolved concurrently; for list elements see the last change.
//
//   - An interface's type switch tries concrete types before interfaces. Every interface of the
//     schema is kb.Node in Go, so the Node switch's case for the Element interface matched
//     every node and sent CMOCs and constructs to the Element marshaler, which refused them.
//
//   - An object's marshaler does not build a @defer group it can never fill. gqlgen builds one
//     for every object it writes, and building it computes the object's response path: 15% of
//     the nested read's allocations. The schema declares no @defer, so no field fills a group;
//     regenerating refuses to drop the groups if one ever could.
//
//   - A String! or ID! field that reads a struct field as it is (a node's id, a CMOC's code, a
//     quote's text) is written at once, without a field context, the resolver middleware or a
//     recover: none of them can do anything for it. Its value cannot be null or fail, and
//     cmograph installs no field interceptor (internal/server refuses one). These are half of
//     the values of a nested read, and going through graphql.ResolveField cost each of them
//     about half a microsecond and four allocations: 3-4 ms of the nested read at 10,000 CMOCs.
//
//   - A list's elements are written by marshalSlice (graph/generated/lists.go, written by hand),
//     which writes them one after another when the request says nothing below them waits for
//     a loader (graph.WithLoaders), and a goroutine per element as gqlgen does otherwise: 5 ms
//     of the nested read at 10,000 CMOCs went on the goroutines and the growth of their stacks.
//
//   - An object's fields, resolved in order, are kept and written by objectFields
//     (graph/generated/objects.go, written by hand) instead of a graphql.FieldSet, whose writer
//     allocates a map and a copy of every field for every object it writes.
//
//   - The response is written into a buffer the transport lends (internal/server/post.go)
//     instead of a new one grown to the response's size on every request.
//
//   - A list of objects held by value writes each element where it lies in the list, not
//     through a copy on the heap.
//
//     go run ./cmd/gqlgen
package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

// fieldsInOrder is a gqlgen plugin that turns off per-field concurrency on every object but
// the query root, and orders type switches concrete types first.
type fieldsInOrder struct{}

func (fieldsInOrder) Name() string { return "fields-in-order" }

func (fieldsInOrder) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Name != "Query" {
			o.DisableConcurrency = true
		}
	}
	for _, i := range data.Interfaces {
		slices.SortStableFunc(i.Implementors, func(a, b codegen.InterfaceImplementor) int {
			return cmp.Compare(rank(a), rank(b))
		})
	}
	return nil
}

// rank puts object types before interfaces in a type switch.
func rank(i codegen.InterfaceImplementor) int {
	if i.Kind == ast.Interface {
		return 1
	}
	return 0
}

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(2)
	}
	if err := api.Generate(cfg, api.AddPlugin(fieldsInOrder{})); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
	if err := rewrite(cfg.Exec.Filename); err != nil {
		fmt.Fprintln(os.Stderr, "gqlgen:", err)
		os.Exit(1)
	}
}

var (
	deferredGroup   = []byte("deferred := graphql.NewDeferredGroup(ctx)")
	noDeferredGroup = []byte("var deferred graphql.DeferredGroup // the schema declares no @defer")
	fillsGroup      = []byte("deferred.Defers[")
	concurrentSlice = []byte("graphql.MarshalSliceConcurrently(")
	orderedSlice    = []byte("ec.marshalSlice(")
)

// rewrite makes the changes that work on the generated executor's text.
func rewrite(path string) error {
	code, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if code, err = dropDeferredGroups(code); err != nil {
		return err
	}
	if !bytes.Contains(code, concurrentSlice) {
		return errors.New("rewriting list marshalers: gqlgen no longer calls graphql.MarshalSliceConcurrently; update cmd/gqlgen")
	}
	code = bytes.ReplaceAll(code, concurrentSlice, orderedSlice)
	if code, err = writePlainLeaves(code); err != nil {
		return err
	}
	if code, err = writeObjectsInOrder(code); err != nil {
		return err
	}
	if code, err = lendResponseBuffers(code); err != nil {
		return err
	}
	if code, err = writeElementsInPlace(code); err != nil {
		return err
	}
	return os.WriteFile(path, code, 0o644)
}

var (
	newFieldSet       = []byte("out := graphql.NewFieldSet(fields)")
	newObjectFields   = []byte("out := newObjectFields(fields)")
	resolvesRootField = []byte("out.ResolveRootConcurrently(")
	funcStart         = []byte("\nfunc ")
	// what a field set does when fields of its object are resolved concurrently
	concurrentFields = [][]byte{[]byte("out.Concurrently("), []byte("out.ResolveConcurrently("), []byte("out.NewView(")}
)

// writeObjectsInOrder gives every object marshaler but the query root's the objectFields of
// graph/generated/objects.go in place of a graphql.FieldSet.
func writeObjectsInOrder(code []byte) ([]byte, error) {
	var out bytes.Buffer
	rewritten := 0
	for i, fn := range bytes.Split(code, funcStart) {
		if i > 0 {
			out.Write(funcStart)
		}
		if bytes.Contains(fn, newFieldSet) && !bytes.Contains(fn, resolvesRootField) {
			if bytes.Count(fn, newFieldSet) != 1 || slices.ContainsFunc(concurrentFields, func(c []byte) bool { return bytes.Contains(fn, c) }) {
				return nil, errors.New("writing objects in order: an object marshaler resolves fields concurrently now; update cmd/gqlgen")
			}
			fn = bytes.Replace(fn, newFieldSet, newObjectFields, 1)
			rewritten++
		}
		out.Write(fn)
	}
	if rewritten == 0 {
		return nil, errors.New("writing objects in order: gqlgen makes its field sets differently now; update cmd/gqlgen")
	}
	return out.Bytes(), nil
}

// valueMarshaler is a generated marshaler of an object taken by value, which gqlgen writes by
// taking the address of its copy: the copy then escapes to the heap.
var valueMarshaler = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (marshalN[^\s(]+)\(ctx context\.Context, sel ast\.SelectionSet, v [\w.]+\) graphql\.Marshaler \{\n\treturn ec\.(_\w+)\(ctx, sel, &v\)\n\}\n`)

// writeElementsInPlace makes a list of objects held by value write each element where it lies
// in the list, instead of through a value marshaler that copies it to the heap first: a
// CMOC's evidence is a 232-byte link copied for every quote of the nested read.
func writeElementsInPlace(code []byte) ([]byte, error) {
	marshalers := valueMarshaler.FindAllSubmatch(code, -1)
	if len(marshalers) == 0 {
		return nil, errors.New("writing list elements in place: gqlgen marshals objects by value differently now; update cmd/gqlgen")
	}
	rewritten := 0
	for _, m := range marshalers {
		byValue := []byte("return ec." + string(m[1]) + "(ctx, sel, v[i])")
		inPlace := []byte("return ec." + string(m[2]) + "(ctx, sel, &v[i])")
		rewritten += bytes.Count(code, byValue)
		code = bytes.ReplaceAll(code, byValue, inPlace)
	}
	if rewritten == 0 {
		return nil, errors.New("writing list elements in place: gqlgen's list marshalers call the value marshalers differently now; update cmd/gqlgen")
	}
	return code, nil
}

var (
	ownBuffer    = []byte("var buf bytes.Buffer\n\t\t\tdata.MarshalGQL(&buf)")
	lentBuffer   = []byte("buf := responseBuffer(ctx)\n\t\t\tdata.MarshalGQL(buf)")
	bytesImport  = []byte("\t\"bytes\"\n")
	usesBytesPkg = regexp.MustCompile(`\bbytes\.[A-Z]`)
)

// lendResponseBuffers writes the query's and the mutation's response into the buffer the
// transport lends (graph/generated/objects.go).
func lendResponseBuffers(code []byte) ([]byte, error) {
	if bytes.Count(code, ownBuffer) != 2 {
		return nil, errors.New("lending response buffers: gqlgen writes its responses differently now; update cmd/gqlgen")
	}
	code = bytes.ReplaceAll(code, ownBuffer, lentBuffer)
	if !usesBytesPkg.Match(code) {
		code = bytes.Replace(code, bytesImport, nil, 1)
	}
	return code, nil
}

// plainLeaf is the whole of a generated String! or ID! field that reads a struct field: no
// resolver, no directive, no middleware.
var plainLeaf = regexp.MustCompile(`(?m)^(func \(ec \*executionContext\) _\w+\(ctx context\.Context, field graphql\.CollectedField, obj \*[\w.]+\) \(ret graphql\.Marshaler\) \{\n)` +
	`\treturn graphql\.ResolveField\(\n` +
	`\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.fieldContext_\w+\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.(\w+), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v string\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshalN(?:String|ID)2string)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\ttrue,\n` +
	`\t\)\n\}\n`)

// writePlainLeaves makes every plain String! and ID! field write its value at once.
func writePlainLeaves(code []byte) ([]byte, error) {
	if !plainLeaf.Match(code) {
		return nil, errors.New("writing plain leaves: gqlgen writes its String! fields differently now; update cmd/gqlgen")
	}
	return plainLeaf.ReplaceAll(code, []byte("${1}\t// a struct field as it is: no field context, middleware or recover (cmd/gqlgen)\n\treturn ec.${3}(ctx, field.Selections, obj.${2})\n}\n")), nil
}

// dropDeferredGroups replaces every object's @defer group with an empty one, which its
// marshaler reads as "nothing deferred".
func dropDeferredGroups(code []byte) ([]byte, error) {
	if bytes.Contains(code, fillsGroup) {
		return nil, errors.New("dropping @defer groups: a field of the schema can be deferred now; keep the groups (cmd/gqlgen)")
	}
	return bytes.ReplaceAll(code, deferredGroup, noDeferredGroup), nil
}
