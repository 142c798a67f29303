package memory

import (
	"iter"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cmograph/cmograph/internal/kb"
)

// matcher applies one list's normalized filters (see kb.ListQuery.Normalize). Relation filters
// remember, per linked node, whether its text matched: the elements of a theory are shared by
// many of its CMOCs, and lowering their text once per list instead of once per CMOC is most of
// a text filter's cost. An OR's groups are matchers of their own.
type matcher struct {
	s        *Store
	filters  []kb.Filter
	needles  []string          // lowered, per filter
	verdicts []map[string]bool // per filter: linked node id -> its text matched
	// judgedAll, per filter: every node the filter's relation can reach has been judged, and
	// verdicts holds the matches alone (a text filter judges thousands of elements, of which
	// few match)
	judgedAll []bool
	texts     []textReaders // per filter: how to read the text of the nodes it judges
	groups    [][]*matcher  // per filter: an OR's groups
}

func (s *Store) newMatcher(filters []kb.Filter) *matcher {
	m := &matcher{s: s, filters: filters, needles: make([]string, len(filters)), verdicts: make([]map[string]bool, len(filters)),
		judgedAll: make([]bool, len(filters)), texts: make([]textReaders, len(filters)), groups: make([][]*matcher, len(filters))}
	for i, f := range filters {
		if v, ok := f.Value.(string); ok {
			m.needles[i] = strings.ToLower(v)
		}
		m.verdicts[i] = map[string]bool{}
		for _, g := range f.Any {
			m.groups[i] = append(m.groups[i], s.newMatcher(g))
		}
	}
	return m
}

func (m *matcher) matches(e *entry) bool {
	for i, f := range m.filters {
		switch {
		case f.Any != nil:
			if !slices.ContainsFunc(m.groups[i], func(g *matcher) bool { return g.matches(e) }) {
				return false
			}
		case f.Field == kb.StudyField && kb.OwnedByTheory(e.node.NodeKind()):
			if !valueMatches(m.studyOf(e), f.Op, f.Value) {
				return false
			}
		default:
			if rf, ok := kb.RelationFilterFor(e.node.NodeKind(), f.Field); ok {
				if !m.relationMatches(i, e.node.NodeID(), rf) {
					return false
				}
				continue
			}
			if !valueMatches(e.props[f.Field], f.Op, f.Value) {
				return false
			}
		}
	}
	return true
}

// studyOf is the study of the programme theory that owns e (nil when it has none).
func (m *matcher) studyOf(e *entry) any {
	pt, ok := m.s.g.nodes[e.node.Owner()]
	if !ok {
		return nil
	}
	if study, ok := m.s.g.nodes[pt.node.Owner()]; ok {
		return study.node.NodeID()
	}
	return nil
}

// linkedToMatches yields the nodes linked by rf to a node whose text matches filter i: a text
// filter starts from the few linked nodes that match, not from every node of the kind.
func (m *matcher) linkedToMatches(i int, rf kb.RelationFilter) iter.Seq[string] {
	return func(yield func(string) bool) {
		spec, _ := kb.LinkSpecFor(rf.Rel)
		seen := map[string]bool{}
		for _, k := range spec.To {
			for _, e := range m.s.g.entriesByID(k) {
				if !m.entryMatches(i, e, rf) {
					continue
				}
				id := e.node.NodeID()
				m.verdicts[i][id] = true
				for key := range m.s.g.in[id] {
					if key.Type == rf.Rel && !seen[key.From] {
						seen[key.From] = true
						if !yield(key.From) {
							return
						}
					}
				}
			}
		}
		m.judgedAll[i] = true
	}
}

func (m *matcher) relationMatches(i int, id string, rf kb.RelationFilter) bool {
	for key := range m.s.g.out[id] {
		if key.Type != rf.Rel {
			continue
		}
		if m.textMatches(i, key.To, rf) {
			return true
		}
	}
	return false
}

// textMatches says whether the text of the linked node id matches filter i, once per node.
func (m *matcher) textMatches(i int, id string, rf kb.RelationFilter) bool {
	verdict, known := m.verdicts[i][id]
	if known || m.judgedAll[i] {
		return verdict
	}
	verdict = m.entryMatches(i, m.s.g.nodes[id], rf)
	m.verdicts[i][id] = verdict
	return verdict
}

func (m *matcher) entryMatches(i int, e *entry, rf kb.RelationFilter) bool {
	for _, read := range m.texts[i].of(e.node.NodeKind(), rf.Fields) {
		if containsLowered(read(e.node), m.needles[i]) {
			return true
		}
	}
	return false
}

// textReaders are the readers of some text fields, per kind: a text filter reads the text
// of every element of a kind, and reading it from the struct is a fraction of a map lookup.
type textReaders struct {
	kinds   []kb.Kind
	readers [][]func(kb.Node) string
}

func (t *textReaders) of(k kb.Kind, fields []string) []func(kb.Node) string {
	if i := slices.Index(t.kinds, k); i >= 0 {
		return t.readers[i]
	}
	var rs []func(kb.Node) string
	for _, f := range fields {
		if read, ok := kb.StringField(k, f); ok {
			rs = append(rs, read)
		}
	}
	t.kinds = append(t.kinds, k)
	t.readers = append(t.readers, rs)
	return rs
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

func containsFold(haystack, needle string) bool {
	return containsLowered(haystack, strings.ToLower(needle))
}

// containsLowered is strings.Contains(strings.ToLower(haystack), needle) for a needle already
// lowered, without lowering an ASCII haystack into a new string: a text filter asks it of
// every element of a kind.
func containsLowered(haystack, needle string) bool {
	for i := 0; i < len(haystack); i++ {
		if haystack[i] >= utf8.RuneSelf {
			return strings.Contains(strings.ToLower(haystack), needle)
		}
	}
	n := len(needle)
	for i := 0; i+n <= len(haystack); i++ {
		j := 0
		for j < n && lowerASCII(haystack[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}
