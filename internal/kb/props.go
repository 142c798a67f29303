package kb

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"
)

// Props is a node's or link's properties as a graph stores them: strings, int64, float64,
// bool, []string and time.Time, keyed by the field's JSON name. Empty values are absent, so
// "unset" reads the same in every store.
type Props map[string]any

// FieldType is the shape of a property value.
type FieldType int

const (
	FieldString FieldType = iota
	FieldInt
	FieldFloat
	FieldBool
	FieldStringList
	FieldTime
)

// FieldSpec describes one property of a kind.
type FieldSpec struct {
	Name string
	Type FieldType
	// Enum names the enumeration the values come from, if any.
	Enum string
}

var timeType = reflect.TypeOf(time.Time{})

// FieldsOf lists the properties a value of kind k can carry, in declaration order.
func FieldsOf(k Kind) []FieldSpec {
	n, ok := NewNode(k)
	if !ok {
		return nil
	}
	return fieldsOfType(reflect.TypeOf(n).Elem())
}

func fieldsOfType(t reflect.Type) []FieldSpec {
	var out []FieldSpec
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != timeType {
			out = append(out, fieldsOfType(f.Type)...)
			continue
		}
		name := jsonName(f)
		if name == "" {
			continue
		}
		spec := FieldSpec{Name: name}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == timeType:
			spec.Type = FieldTime
		case ft.Kind() == reflect.String:
			spec.Type = FieldString
		case ft.Kind() == reflect.Int:
			spec.Type = FieldInt
		case ft.Kind() == reflect.Float64:
			spec.Type = FieldFloat
		case ft.Kind() == reflect.Bool:
			spec.Type = FieldBool
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			spec.Type = FieldStringList
			ft = ft.Elem()
		default:
			panic(fmt.Sprintf("kb: unsupported property type %s for %s", f.Type, name))
		}
		if _, isEnum := enumValues[ft.Name()]; isEnum && ft.PkgPath() == reflect.TypeOf(Kind("")).PkgPath() {
			spec.Enum = ft.Name()
		}
		out = append(out, spec)
	}
	return out
}

// StringField reads the string property name of kind k's nodes straight from the struct, for
// loops over every node of a kind that would otherwise look it up in ToProps' map: an empty
// string is an absent property, as in ToProps.
func StringField(k Kind, name string) (func(Node) string, bool) {
	n, ok := NewNode(k)
	if !ok {
		return nil, false
	}
	index, ok := stringFieldIndex(reflect.TypeOf(n).Elem(), name)
	if !ok {
		return nil, false
	}
	return func(n Node) string { return reflect.ValueOf(n).Elem().FieldByIndex(index).String() }, true
}

func stringFieldIndex(t reflect.Type, name string) ([]int, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != timeType {
			if sub, ok := stringFieldIndex(f.Type, name); ok {
				return append([]int{i}, sub...), true
			}
			continue
		}
		if jsonName(f) == name && f.Type.Kind() == reflect.String {
			return []int{i}, true
		}
	}
	return nil, false
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// ToProps encodes a node or LinkProps (a pointer to a struct) as properties.
func ToProps(v any) Props {
	p := Props{}
	encodeStruct(reflect.ValueOf(v).Elem(), p)
	return p
}

func encodeStruct(v reflect.Value, p Props) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != timeType {
			encodeStruct(fv, p)
			continue
		}
		name := jsonName(f)
		if name == "" {
			continue
		}
		if val, ok := encodeValue(fv); ok {
			p[name] = val
		}
	}
}

func encodeValue(v reflect.Value) (any, bool) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, false
		}
		v = v.Elem()
	}
	switch {
	case v.Type() == timeType:
		t := v.Interface().(time.Time)
		return t.UTC(), !t.IsZero()
	case v.Kind() == reflect.String:
		return v.String(), v.Len() > 0
	case v.Kind() == reflect.Int:
		return v.Int(), true
	case v.Kind() == reflect.Float64:
		return v.Float(), true
	case v.Kind() == reflect.Bool:
		return v.Bool(), true
	case v.Kind() == reflect.Slice:
		if v.Len() == 0 {
			return nil, false
		}
		out := make([]string, v.Len())
		for i := range out {
			out[i] = v.Index(i).String()
		}
		return out, true
	}
	return nil, false
}

// FromProps decodes properties into a new node of kind k. It accepts the value shapes a store
// or a JSON decoder produces (int64 or float64 for numbers, []any for lists, RFC 3339 strings
// for times) and names the property that does not fit.
func FromProps(k Kind, p Props) (Node, error) {
	n, ok := NewNode(k)
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", k)
	}
	if err := DecodeProps(p, n); err != nil {
		return nil, err
	}
	return n, nil
}

// DecodeProps sets the fields of the struct dst points to from p; unknown keys are errors.
func DecodeProps(p Props, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	seen := 0
	if err := decodeStruct(v, p, &seen); err != nil {
		return err
	}
	if seen != len(p) {
		for key := range p {
			if !hasField(v.Type(), key) {
				return Invalid(key, "unknown property")
			}
		}
	}
	return nil
}

func hasField(t reflect.Type, name string) bool {
	for _, f := range fieldsOfType(t) {
		if f.Name == name {
			return true
		}
	}
	return false
}

func decodeStruct(v reflect.Value, p Props, seen *int) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type != timeType {
			if err := decodeStruct(fv, p, seen); err != nil {
				return err
			}
			continue
		}
		name := jsonName(f)
		if name == "" {
			continue
		}
		raw, ok := p[name]
		if !ok {
			continue
		}
		*seen++
		if raw == nil {
			fv.SetZero()
			continue
		}
		if err := decodeValue(fv, raw); err != nil {
			return Invalid(name, "%v", err)
		}
	}
	return nil
}

func decodeValue(fv reflect.Value, raw any) error {
	target := fv
	if fv.Kind() == reflect.Pointer {
		target = reflect.New(fv.Type().Elem()).Elem()
	}
	switch {
	case target.Type() == timeType:
		switch x := raw.(type) {
		case time.Time:
			target.Set(reflect.ValueOf(x.UTC()))
		case string:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return fmt.Errorf("not an RFC 3339 time: %q", x)
			}
			target.Set(reflect.ValueOf(t.UTC()))
		default:
			return fmt.Errorf("want a time, got %T", raw)
		}
	case target.Kind() == reflect.String:
		s, ok := raw.(string)
		if !ok {
			return fmt.Errorf("want a string, got %T", raw)
		}
		target.SetString(s)
	case target.Kind() == reflect.Int:
		n, err := toInt(raw)
		if err != nil {
			return err
		}
		target.SetInt(n)
	case target.Kind() == reflect.Float64:
		switch x := raw.(type) {
		case float64:
			target.SetFloat(x)
		case int64:
			target.SetFloat(float64(x))
		case int:
			target.SetFloat(float64(x))
		default:
			return fmt.Errorf("want a number, got %T", raw)
		}
	case target.Kind() == reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %T", raw)
		}
		target.SetBool(b)
	case target.Kind() == reflect.Slice:
		items, err := toStrings(raw)
		if err != nil {
			return err
		}
		s := reflect.MakeSlice(target.Type(), len(items), len(items))
		for i, it := range items {
			s.Index(i).SetString(it)
		}
		target.Set(s)
	default:
		return fmt.Errorf("unsupported field type %s", target.Type())
	}
	if fv.Kind() == reflect.Pointer {
		ptr := reflect.New(fv.Type().Elem())
		ptr.Elem().Set(target)
		fv.Set(ptr)
	}
	return nil
}

func toInt(raw any) (int64, error) {
	switch x := raw.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("want a whole number, got %v", x)
		}
		return int64(x), nil
	}
	return 0, fmt.Errorf("want a whole number, got %T", raw)
}

func toStrings(raw any) ([]string, error) {
	switch x := raw.(type) {
	case []string:
		return x, nil
	case []any:
		out := make([]string, len(x))
		for i, it := range x {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("item %d: want a string, got %T", i, it)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %T", raw)
}

// Content is a node's properties without its provenance: what an import compares to decide
// whether anything changed.
func Content(n Node) Props {
	p := ToProps(n)
	for _, k := range []string{"createdAt", "updatedAt", "createdBy", "updatedBy", "revision"} {
		delete(p, k)
	}
	return p
}

// EqualProps reports whether two property sets hold the same values.
func EqualProps(a, b Props) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !reflect.DeepEqual(normalise(av), normalise(bv)) {
			return false
		}
	}
	return true
}

func normalise(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case time.Time:
		return x.UTC()
	case []any:
		if s, err := toStrings(x); err == nil {
			return s
		}
	}
	return v
}
