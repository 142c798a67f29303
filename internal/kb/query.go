package kb

import (
	"fmt"
	"reflect"
	"slices"
	"time"
)

// MaxPageSize bounds one page of a list.
const MaxPageSize = 1000

// FieldFor returns the spec of a property of kind k.
func FieldFor(k Kind, name string) (FieldSpec, bool) {
	for _, f := range FieldsOf(k) {
		if f.Name == name {
			return f, true
		}
	}
	return FieldSpec{}, false
}

// RelationFilterFor returns a relation filter of kind k.
func RelationFilterFor(k Kind, name string) (RelationFilter, bool) {
	for _, f := range relationFilters[k] {
		if f.Field == name {
			return f, true
		}
	}
	return RelationFilter{}, false
}

var opsByType = map[FieldType][]FilterOp{
	FieldString:     {FilterEq, FilterIn, FilterContains},
	FieldInt:        {FilterEq, FilterIn, FilterGte, FilterLte},
	FieldFloat:      {FilterEq, FilterGte, FilterLte},
	FieldBool:       {FilterEq},
	FieldStringList: {FilterIncludes, FilterIncludesAny},
	FieldTime:       {FilterGte, FilterLte},
}

// Normalize checks a list query against the kind's properties and returns it with values in
// the shapes every store compares: string, int64, float64, bool, time, or lists of those.
func (q ListQuery) Normalize() (ListQuery, error) {
	if _, ok := NewNode(q.Kind); !ok {
		return q, Invalid("kind", "unknown kind %q", q.Kind)
	}
	if q.Offset < 0 {
		return q, Invalid("after", "offset must not be negative")
	}
	if q.Limit < 0 || q.Limit > MaxPageSize {
		return q, Invalid("first", "must be between 0 and %d", MaxPageSize)
	}
	out := q
	filters, err := normalizeFilters(q.Kind, q.Filters, 0)
	if err != nil {
		return q, err
	}
	out.Filters = filters
	for _, s := range q.Sort {
		spec, ok := FieldFor(q.Kind, s.Field)
		if !ok || spec.Type == FieldStringList {
			return q, Invalid("sort", "%s cannot be sorted by %q", q.Kind, s.Field)
		}
	}
	return out, nil
}

func normalizeFilters(k Kind, fs []Filter, depth int) ([]Filter, error) {
	out := make([]Filter, 0, len(fs))
	for _, f := range fs {
		nf, err := normalizeFilter(k, f, depth)
		if err != nil {
			return nil, err
		}
		out = append(out, nf)
	}
	return out, nil
}

func normalizeFilter(k Kind, f Filter, depth int) (Filter, error) {
	path := f.Path
	if path == "" {
		path = "where." + f.Field
	}
	if f.Any != nil {
		if depth >= MaxFilterDepth {
			return f, Invalid(path, "nests OR more than %d deep", MaxFilterDepth)
		}
		groups := make([][]Filter, len(f.Any))
		for i, g := range f.Any {
			ng, err := normalizeFilters(k, g, depth+1)
			if err != nil {
				return f, err
			}
			groups[i] = ng
		}
		f.Any = groups
		return f, nil
	}
	if f.Field == StudyField && OwnedByTheory(k) {
		if f.Op != FilterEq && f.Op != FilterIn {
			return f, Invalid(path, "%s takes eq or in, not %q", StudyField, f.Op)
		}
		return normalizeValues(f, path, FieldString)
	}
	if rf, ok := RelationFilterFor(k, f.Field); ok {
		if f.Op != FilterContains {
			return f, Invalid(path, "%s filters by the text of linked nodes and takes only contains", rf.Field)
		}
		s, ok := scalar(f.Value).(string)
		if !ok {
			return f, Invalid(path, "wants a string")
		}
		f.Value = s
		return f, nil
	}
	spec, ok := FieldFor(k, f.Field)
	if !ok {
		return f, Invalid(path, "%s has no field %q", k, f.Field)
	}
	if !slices.Contains(opsByType[spec.Type], f.Op) {
		return f, Invalid(path, "%s does not take %q", f.Field, f.Op)
	}
	elem := spec.Type
	if elem == FieldStringList {
		elem = FieldString
	}
	return normalizeValues(f, path, elem)
}

// normalizeValues puts a filter's value (a list of them for in and includesAny) in the shape
// of elem.
func normalizeValues(f Filter, path string, elem FieldType) (Filter, error) {
	if f.Op == FilterIn || f.Op == FilterIncludesAny {
		rv := reflect.ValueOf(f.Value)
		if rv.Kind() != reflect.Slice {
			return f, Invalid(path+"."+string(f.Op), "wants a list")
		}
		var vals []any
		for i := range rv.Len() {
			v, err := normalizeValue(elem, rv.Index(i).Interface())
			if err != nil {
				return f, Invalid(fmt.Sprintf("%s.%s[%d]", path, f.Op, i), "%v", err)
			}
			vals = append(vals, v)
		}
		f.Value = vals
		return f, nil
	}
	v, err := normalizeValue(elem, f.Value)
	if err != nil {
		return f, Invalid(path+"."+string(f.Op), "%v", err)
	}
	f.Value = v
	return f, nil
}

// scalar unwraps named string types (enums) to plain strings and ints to int64.
func scalar(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return scalar(rv.Elem().Interface())
	}
	return v
}

func normalizeValue(t FieldType, v any) (any, error) {
	v = scalar(v)
	switch t {
	case FieldString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("wants a string, got %T", v)
	case FieldInt:
		return toInt(v)
	case FieldFloat:
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
		return nil, fmt.Errorf("wants a number, got %T", v)
	case FieldBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("wants true or false, got %T", v)
	case FieldTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC(), nil
		case string:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, fmt.Errorf("wants an RFC 3339 time, got %q", x)
			}
			return t.UTC(), nil
		}
		return nil, fmt.Errorf("wants a time, got %T", v)
	}
	return nil, fmt.Errorf("unsupported filter value %T", v)
}
