package cypher

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// Read builds the one statement that answers a read plan (kb.ReadPlan), in the shape of the
// hand-written nested query: the start nodes, then for each step a pattern comprehension that
// reads the relationships and far nodes and, inside it, the next steps.
//
// Every node comes back as a row map {n, k, r, f}: n the node's properties (a map projection
// of the plan's properties, or all of them), k its labels (only where the step can reach
// several kinds), r the properties of the relationship that led to it (only for link types),
// f the lists of rows of its steps, in the plan's order. Plans that start from ids return one
// record per node found, with column row; plans that start from a list return one record with
// columns total (when asked) and page, the rows in the list's order.
//
// A list without filters counts with a COUNT subquery (the count store answers it) and reads
// its page with a COLLECT subquery that sorts and pages before it projects; a filtered list
// matches once, sorts, collects the nodes and slices the page out, so the filter runs once for
// the total and the page. Labels, relationship types and property names come from kb's schema
// and are checked to be plain identifiers; ids, filter values, the offset and the limit are
// $parameters.
func Read(p kb.ReadPlan) (Query, error) {
	if err := p.Validate(); err != nil {
		return Query{}, err
	}
	q := p
	if p.IDs == nil {
		nq, err := p.List.Normalize()
		if err != nil {
			return Query{}, err
		}
		q.List = &nq
	}
	return buildRead(q, "read")
}

func buildRead(p kb.ReadPlan, name string) (Query, error) {
	b := readBuilder{props: p.Props}
	params := map[string]any{}
	if p.IDs != nil {
		label, err := ident(cmp.Or(string(p.Kind), "Node"))
		if err != nil {
			return Query{}, err
		}
		row, err := b.row("n", p.Kind, p.Follow, 0)
		if err != nil {
			return Query{}, err
		}
		params["ids"] = p.IDs
		return Query{Statement: Statement{Name: name + "/ids",
			Query: "MATCH (n:" + label + ")\nUSING INDEX n:" + label + "(id)\nWHERE n.id IN $ids\nRETURN " + row + " AS row"}, Params: params}, nil
	}
	lq := *p.List
	label, err := ident(string(lq.Kind))
	if err != nil {
		return Query{}, err
	}
	row, err := b.row("n", lq.Kind, p.Follow, 0)
	if err != nil {
		return Query{}, err
	}
	conds, err := conditions(lq, params)
	if err != nil {
		return Query{}, err
	}
	order, err := orderBy(lq)
	if err != nil {
		return Query{}, err
	}
	params["skip"] = int64(lq.Offset)
	if lq.Limit > 0 {
		params["limit"] = int64(lq.Limit)
	}
	var s strings.Builder
	if len(conds) > 0 {
		s.WriteString("MATCH (n:" + label + ")\nWHERE " + strings.Join(conds, "\n  AND "))
		s.WriteString("\nWITH n ORDER BY " + order + "\nWITH collect(n) AS matched\nRETURN ")
		if p.Total {
			s.WriteString("size(matched) AS total, ")
		}
		s.WriteString("[n IN matched[$skip..")
		if lq.Limit > 0 {
			s.WriteString("($skip + $limit)")
		}
		s.WriteString("] | " + row + "] AS page")
		return Query{Statement: Statement{Name: name + "/filtered/" + string(lq.Kind), Query: s.String()}, Params: params}, nil
	}
	s.WriteString("RETURN ")
	if p.Total {
		s.WriteString("COUNT { MATCH (n:" + label + ") } AS total, ")
	}
	s.WriteString("COLLECT {\n  MATCH (n:" + label + ")\n  WITH n ORDER BY " + order + " SKIP $skip")
	if lq.Limit > 0 {
		s.WriteString(" LIMIT $limit")
	}
	s.WriteString("\n  RETURN " + row + " AS row\n} AS page")
	return Query{Statement: Statement{Name: name + "/list/" + string(lq.Kind), Query: s.String()}, Params: params}, nil
}

type readBuilder struct {
	props map[kb.Kind][]string
}

// row is the row map of the node bound to v; kind is "" when v can be of several kinds.
func (b readBuilder) row(v string, kind kb.Kind, fs []kb.Follow, depth int) (string, error) {
	proj, err := b.projection(v, kind)
	if err != nil {
		return "", err
	}
	parts := []string{"n: " + proj}
	if kind == "" {
		parts = append(parts, "k: labels("+v+")")
	}
	if len(fs) > 0 {
		steps := make([]string, len(fs))
		for i, f := range fs {
			if steps[i], err = b.step(v, f, depth+1); err != nil {
				return "", err
			}
		}
		parts = append(parts, "f: ["+strings.Join(steps, ",\n"+strings.Repeat("  ", depth+1))+"]")
	}
	return "{" + strings.Join(parts, ", ") + "}", nil
}

// projection reads the plan's properties of kind (all of them when it can be several kinds or
// the plan reads it whole).
func (b readBuilder) projection(v string, kind kb.Kind) (string, error) {
	props := kb.PlanProps(kind, b.props[kind])
	if kind == "" || props == nil {
		return "properties(" + v + ")", nil
	}
	keys := make([]string, len(props))
	for i, p := range props {
		name, err := ident(p)
		if err != nil {
			return "", err
		}
		keys[i] = "." + name
	}
	return v + " {" + strings.Join(keys, ", ") + "}", nil
}

// step is the pattern comprehension of one step from v: the far nodes' rows.
func (b readBuilder) step(v string, f kb.Follow, depth int) (string, error) {
	rel, err := ident(string(f.Rel))
	if err != nil {
		return "", err
	}
	w, r := "m"+strconv.Itoa(depth), "r"+strconv.Itoa(depth)
	kinds := kb.StepKinds(f.Step)
	far := kb.Kind("")
	label := "Node"
	if len(kinds) == 1 {
		far = kinds[0]
		if label, err = ident(string(far)); err != nil {
			return "", err
		}
	}
	_, isLink := kb.LinkSpecFor(f.Rel)
	relPattern := "[:" + rel + "]"
	if isLink && f.LinkProps {
		relPattern = "[" + r + ":" + rel + "]"
	}
	pattern := "(" + v + ")-" + relPattern + "->(" + w + ":" + label + ")"
	if f.In {
		pattern = "(" + v + ")<-" + relPattern + "-(" + w + ":" + label + ")"
	}
	row, err := b.row(w, far, f.Follow, depth)
	if err != nil {
		return "", err
	}
	if isLink && f.LinkProps {
		row = row[:len(row)-1] + ", r: properties(" + r + ")}"
	}
	return "[" + pattern + " | " + row + "]", nil
}

// readShapes are plans that together reach every step and projection Read can produce, for
// the linter: each kind listed plain, filtered and by ids, following every step its GraphQL
// type has two levels deep.
func readShapes() []Statement {
	var out []Statement
	add := func(p kb.ReadPlan, name string) {
		q, err := buildRead(p, name)
		if err != nil {
			panic(fmt.Sprintf("cypher: read shape %s: %v", name, err))
		}
		out = append(out, q.Statement)
	}
	for _, k := range kb.Kinds {
		follows := kb.FollowEverything(k, 2)
		props := map[kb.Kind][]string{}
		for _, kk := range kb.Kinds {
			props[kk] = []string{}
		}
		list := kb.ListQuery{Kind: k, Limit: 10, Offset: 1}
		add(kb.ReadPlan{List: &list, Total: true, Props: props, Follow: follows}, "read/shape/"+string(k)+"/list")
		every := everyFragment(k)
		add(kb.ReadPlan{List: &every, Total: true, Follow: follows}, "read/shape/"+string(k)+"/filtered")
		add(kb.ReadPlan{IDs: []string{"x"}, Follow: follows}, "read/shape/"+string(k)+"/ids")
		add(kb.ReadPlan{IDs: []string{"x"}, Kind: k, Props: props, Follow: follows}, "read/shape/"+string(k)+"/ids-of-kind")
	}
	return out
}
