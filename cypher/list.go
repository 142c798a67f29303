package cypher

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// Query is a statement with the parameters to send with it.
type Query struct {
	Statement
	Params map[string]any
}

// List builds the statement that reads one page of a list and the size of the whole list.
// It normalizes q first (kb.ListQuery.Normalize), so an unknown kind, field, operator or sort
// key comes back as that kb.Invalid error. Property names, labels and relationship types come
// from kb's schema; the filter values, the offset and the limit go in as $p0…, $skip, $limit.
//
// The statement returns one row: total, the number of matching nodes (a COUNT subquery), and
// page, a list of {props, labels} maps in the requested order, the sort keys then id (a
// COLLECT subquery, Neo4j 5.6+, whose list keeps the order of its ORDER BY). Both subqueries
// always yield a value, so a page past the end still reports the total.
func List(q kb.ListQuery) (Query, error) {
	nq, err := q.Normalize()
	if err != nil {
		return Query{}, err
	}
	return buildList(nq, "list/"+string(nq.Kind))
}

func buildList(q kb.ListQuery, name string) (Query, error) {
	if _, ok := kb.NewNode(q.Kind); !ok {
		return Query{}, fmt.Errorf("cypher: unknown kind %q", q.Kind)
	}
	label, err := ident(string(q.Kind))
	if err != nil {
		return Query{}, err
	}
	params := map[string]any{"skip": int64(q.Offset)}
	conds, err := conditions(q, params)
	if err != nil {
		return Query{}, err
	}
	order, err := orderBy(q)
	if err != nil {
		return Query{}, err
	}

	match := "\n  MATCH (n:" + label + ")"
	if len(conds) > 0 {
		match += "\n  WHERE " + strings.Join(conds, "\n    AND ")
	}
	var b strings.Builder
	b.WriteString("RETURN COUNT {")
	b.WriteString(match)
	b.WriteString("\n} AS total, COLLECT {")
	b.WriteString(match)
	b.WriteString("\n  RETURN {props: properties(n), labels: labels(n)} AS node\n  ORDER BY ")
	b.WriteString(order)
	b.WriteString("\n  SKIP $skip")
	if q.Limit > 0 {
		b.WriteString("\n  LIMIT $limit")
		params["limit"] = int64(q.Limit)
	}
	b.WriteString("\n} AS page")
	return Query{Statement: Statement{Name: name, Query: b.String()}, Params: params}, nil
}

// conditions are the WHERE conditions of a list's filters, their values added to params as
// $p0, $p1, … in the order the filters come, OR groups included.
func conditions(q kb.ListQuery, params map[string]any) ([]string, error) {
	next := 0
	return conditionsOf(q.Kind, q.Filters, params, &next)
}

func conditionsOf(k kb.Kind, fs []kb.Filter, params map[string]any, next *int) ([]string, error) {
	var conds []string
	for _, f := range fs {
		if f.Any != nil {
			cond, err := anyFragment(k, f.Any, params, next)
			if err != nil {
				return nil, err
			}
			conds = append(conds, cond)
			continue
		}
		p := "p" + strconv.Itoa(*next)
		*next++
		cond, err := filterFragment(k, f, p)
		if err != nil {
			return nil, err
		}
		conds = append(conds, cond)
		params[p] = f.Value
	}
	return conds, nil
}

// anyFragment is the condition of an OR: each group's conditions joined by AND, the groups by
// OR; an empty group holds for every node, and no group for none.
func anyFragment(k kb.Kind, groups [][]kb.Filter, params map[string]any, next *int) (string, error) {
	if len(groups) == 0 {
		return "false", nil
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		conds, err := conditionsOf(k, g, params, next)
		if err != nil {
			return "", err
		}
		if len(conds) == 0 {
			parts[i] = "true"
			continue
		}
		parts[i] = "(" + strings.Join(conds, " AND ") + ")"
	}
	return "(" + strings.Join(parts, " OR ") + ")", nil
}

// orderBy is the ORDER BY of a list: its sort keys, then the id.
func orderBy(q kb.ListQuery) (string, error) {
	var order []string
	for _, s := range q.Sort {
		spec, ok := kb.FieldFor(q.Kind, s.Field)
		if !ok || spec.Type == kb.FieldStringList {
			return "", fmt.Errorf("cypher: %s cannot be sorted by %q", q.Kind, s.Field)
		}
		prop, err := ident(spec.Name)
		if err != nil {
			return "", err
		}
		key := "n." + prop
		if kb.NaturalSort(q.Kind, s.Field) {
			key = naturalKey(key)
		}
		if s.Desc != q.Reverse {
			key += " DESC"
		}
		order = append(order, key)
	}
	if q.Reverse {
		return strings.Join(append(order, "n.id DESC"), ", "), nil
	}
	return strings.Join(append(order, "n.id"), ", "), nil
}

// naturalKey is kb.NaturalKey of a string expression, in Cypher: lower-cased, each run of
// digits padded with zeros to 20, so that ORDER BY gives the embedded store's natural order
// ("CMOC 2" before "CMOC 10"). The reduce walks the characters carrying [text so far, digits
// of the current run].
func naturalKey(expr string) string {
	const pad = "'00000000000000000000'"
	chars := "[i IN range(0, size(coalesce(" + expr + ", '')) - 1) | substring(toLower(" + expr + "), i, 1)]"
	return "[k IN [reduce(k = ['', ''], c IN " + chars + " | " +
		"CASE WHEN c >= '0' AND c <= '9' THEN [k[0], k[1] + c] " +
		"WHEN k[1] = '' THEN [k[0] + c, ''] " +
		"ELSE [k[0] + right(" + pad + " + k[1], 20) + c, ''] END)] | " +
		"k[0] + CASE WHEN k[1] = '' THEN '' ELSE right(" + pad + " + k[1], 20) END][0]"
}

// filterFragment is the condition for one normalized filter, with its value as $p.
func filterFragment(k kb.Kind, f kb.Filter, p string) (string, error) {
	if f.Field == kb.StudyField && kb.OwnedByTheory(k) {
		spec, _ := kb.OwnerOf(k)
		rel, err := ident(string(spec.Rel))
		if err != nil {
			return "", err
		}
		cmp := "s.id = $" + p
		if f.Op == kb.FilterIn {
			cmp = "s.id IN $" + p
		}
		return fmt.Sprintf("EXISTS { MATCH (n)-[:%s]->(:ProgrammeTheory)-[:REPORTED_IN]->(s:Study) WHERE %s }", rel, cmp), nil
	}
	if rf, ok := kb.RelationFilterFor(k, f.Field); ok {
		if f.Op != kb.FilterContains {
			return "", fmt.Errorf("cypher: relation filter %s takes only contains, not %q", rf.Field, f.Op)
		}
		rel, err := ident(string(rf.Rel))
		if err != nil {
			return "", err
		}
		props := make([]string, len(rf.Fields))
		for i, field := range rf.Fields {
			name, err := ident(field)
			if err != nil {
				return "", err
			}
			props[i] = "x." + name
		}
		return fmt.Sprintf("EXISTS { MATCH (n)-[:%s]->(x:Node) WHERE any(v IN [%s] WHERE toLower(v) CONTAINS toLower($%s)) }",
			rel, strings.Join(props, ", "), p), nil
	}
	spec, ok := kb.FieldFor(k, f.Field)
	if !ok {
		return "", fmt.Errorf("cypher: %s has no field %q", k, f.Field)
	}
	name, err := ident(spec.Name)
	if err != nil {
		return "", err
	}
	prop := "n." + name
	list := spec.Type == kb.FieldStringList
	switch {
	case f.Op == kb.FilterEq && !list:
		return prop + " = $" + p, nil
	case f.Op == kb.FilterIn && !list:
		return prop + " IN $" + p, nil
	case f.Op == kb.FilterContains && spec.Type == kb.FieldString:
		return "toLower(" + prop + ") CONTAINS toLower($" + p + ")", nil
	case f.Op == kb.FilterGte && !list:
		return prop + " >= $" + p, nil
	case f.Op == kb.FilterLte && !list:
		return prop + " <= $" + p, nil
	case f.Op == kb.FilterIncludes && list:
		return "$" + p + " IN " + prop, nil
	case f.Op == kb.FilterIncludesAny && list:
		return "any(x IN " + prop + " WHERE x IN $" + p + ")", nil
	}
	return "", fmt.Errorf("cypher: no fragment for %s %s", f.Field, f.Op)
}

var filterOps = []kb.FilterOp{kb.FilterEq, kb.FilterIn, kb.FilterContains, kb.FilterGte, kb.FilterLte,
	kb.FilterIncludes, kb.FilterIncludesAny}

// everyFragment is a list query of kind k with every filter kb accepts for it (each field with
// each operator, each relation filter) and every sort key both ways, so that All shows the
// linter every fragment List can produce.
func everyFragment(k kb.Kind) kb.ListQuery {
	q := kb.ListQuery{Kind: k, Offset: 1, Limit: 10, Reverse: true}
	for _, spec := range kb.FieldsOf(k) {
		for _, op := range filterOps {
			f := kb.Filter{Field: spec.Name, Op: op, Value: sampleValue(spec.Type, op)}
			if nq, err := (kb.ListQuery{Kind: k, Filters: []kb.Filter{f}}).Normalize(); err == nil {
				q.Filters = append(q.Filters, nq.Filters...)
			}
		}
		if spec.Type != kb.FieldStringList {
			q.Sort = append(q.Sort, kb.Sort{Field: spec.Name}, kb.Sort{Field: spec.Name, Desc: true})
		}
	}
	for _, rf := range kb.RelationFilters(k) {
		q.Filters = append(q.Filters, kb.Filter{Field: rf.Field, Op: kb.FilterContains, Value: "x"})
	}
	if kb.OwnedByTheory(k) {
		q.Filters = append(q.Filters, kb.Filter{Field: kb.StudyField, Op: kb.FilterEq, Value: "x"},
			kb.Filter{Field: kb.StudyField, Op: kb.FilterIn, Value: []any{"x"}})
	}
	// an OR of the first filter and of the next two, and an empty OR
	if len(q.Filters) >= 3 {
		q.Filters = append(q.Filters, kb.Filter{Any: [][]kb.Filter{q.Filters[:1], q.Filters[1:3], {}}}, kb.Filter{Any: [][]kb.Filter{}})
	}
	return q
}

// sampleValue is a value of the right shape for a filter on a field of type t with op.
func sampleValue(t kb.FieldType, op kb.FilterOp) any {
	var v any
	switch t {
	case kb.FieldInt:
		v = int64(1)
	case kb.FieldFloat:
		v = 1.0
	case kb.FieldBool:
		v = true
	case kb.FieldTime:
		v = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		v = "x"
	}
	if op == kb.FilterIn || op == kb.FilterIncludesAny {
		return []any{v}
	}
	return v
}
