package server

import (
	"context"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/graph/generated"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// NestedListWeight is what an unpaged list field (a study's CMOCs) counts as in complexity:
// a typical size, so that nesting lists multiplies the estimate as it multiplies the work.
const NestedListWeight = 5

// weighComplexity sets a complexity function on every list field of the schema: a paged list
// costs its page size (`first`) times what it selects, an unpaged one NestedListWeight times.
// It reads the schema to find list fields and sets gqlgen's per-field hooks by reflection, so a
// field added to the schema is weighed without anyone remembering to.
func weighComplexity(root *generated.ComplexityRoot) {
	schema := generated.NewExecutableSchema(generated.Config{}).Schema()
	rv := reflect.ValueOf(root).Elem()
	for i := range rv.NumField() {
		typeName := rv.Type().Field(i).Name
		def := lookupType(schema, typeName)
		if def == nil {
			continue
		}
		fields := rv.Field(i)
		for j := range fields.NumField() {
			goName := fields.Type().Field(j).Name
			fd := lookupField(def, goName)
			if fd == nil {
				continue
			}
			own := fieldCost(def.Name, fd.Name)
			list := fd.Type.Elem != nil || isConnection(fd.Type)
			if !list && own == 1 {
				continue
			}
			fn := fields.Field(j)
			paged := fd.Arguments.ForName("first") != nil || fd.Arguments.ForName("last") != nil
			fn.Set(reflect.MakeFunc(fn.Type(), func(args []reflect.Value) []reflect.Value {
				child := int(args[0].Int())
				weight := 1
				switch {
				case paged:
					weight = pageSize(args)
				case list:
					weight = NestedListWeight
				}
				return []reflect.Value{reflect.ValueOf(own + weight*max(child, 1))}
			}))
		}
	}
}

func isConnection(t *ast.Type) bool { return strings.HasSuffix(t.NamedType, "Connection") }

// pageSize finds the page size among a complexity function's arguments: the largest *int
// given (first or last), else the default page.
func pageSize(args []reflect.Value) int {
	size := 0
	for _, a := range args[1:] {
		if p, ok := a.Interface().(*int); ok && p != nil {
			size = max(size, *p, 1)
		}
	}
	if size == 0 {
		return 20
	}
	return size
}

func lookupType(s *ast.Schema, goName string) *ast.Definition {
	for name, def := range s.Types {
		if strings.EqualFold(name, goName) {
			return def
		}
	}
	return nil
}

func lookupField(def *ast.Definition, goName string) *ast.FieldDefinition {
	for _, f := range def.Fields {
		if strings.EqualFold(f.Name, goName) {
			return f
		}
	}
	return nil
}

// depthLimit refuses operations whose selections nest deeper than max, counting through
// fragments.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, oc.Doc.Fragments, 0); depth > d.max {
		err := gqlerror.Errorf("operation nests %d levels deep; at most %d are allowed", depth, d.max)
		err.Extensions = map[string]any{"code": "DEPTH_LIMIT_EXCEEDED"}
		return err
	}
	return nil
}

func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen int) int {
	if seen > 100 { // fragment cycles are a validation error already; never loop
		return seen
	}
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) > 0 {
				d = 1 + selectionDepth(s.SelectionSet, frags, seen+1)
			} else {
				d = 1
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, seen+1)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d = selectionDepth(f.SelectionSet, frags, seen+1)
			}
		}
		deepest = max(deepest, d)
	}
	return deepest
}
