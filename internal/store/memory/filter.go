package memory

import (
	"slices"
	"strings"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// matches evaluates normalized filters (see kb.ListQuery.Normalize) on one entry.
func (s *Store) matches(e *entry, filters []kb.Filter) bool {
	for _, f := range filters {
		if rf, ok := kb.RelationFilterFor(e.node.NodeKind(), f.Field); ok {
			if !s.relationMatches(e.node.NodeID(), rf, f.Value.(string)) {
				return false
			}
			continue
		}
		if !valueMatches(e.props[f.Field], f.Op, f.Value) {
			return false
		}
	}
	return true
}

func (s *Store) relationMatches(id string, rf kb.RelationFilter, needle string) bool {
	for key := range s.g.out[id] {
		if key.Type != rf.Rel {
			continue
		}
		target := s.g.nodes[key.To]
		for _, field := range rf.Fields {
			if v, ok := target.props[field].(string); ok && containsFold(v, needle) {
				return true
			}
		}
	}
	return false
}

func containsFold(haystack, needle string) bool {
	return strings.Contains(strings.ToLower(haystack), strings.ToLower(needle))
}

func valueMatches(have any, op kb.FilterOp, want any) bool {
	if have == nil {
		return false // as in Cypher, a missing property matches no comparison
	}
	switch op {
	case kb.FilterEq:
		return compareValues(have, want) == 0
	case kb.FilterIn:
		return slices.ContainsFunc(want.([]any), func(w any) bool { return compareValues(have, w) == 0 })
	case kb.FilterContains:
		return containsFold(have.(string), want.(string))
	case kb.FilterGte:
		return compareNumbers(have, want) >= 0
	case kb.FilterLte:
		return compareNumbers(have, want) <= 0
	case kb.FilterIncludes:
		return slices.Contains(have.([]string), want.(string))
	case kb.FilterIncludesAny:
		return slices.ContainsFunc(want.([]any), func(w any) bool { return slices.Contains(have.([]string), w.(string)) })
	}
	return false
}

func compareNumbers(a, b any) int {
	if t, ok := a.(time.Time); ok {
		return t.Compare(b.(time.Time))
	}
	return compareValues(toFloat(a), toFloat(b))
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}
