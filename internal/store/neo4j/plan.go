package neo4j

import (
	"context"
	"fmt"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// Read implements kb.Store: the plan becomes one statement (cypher.Read) and one round trip,
// however deep it goes.
func (s *Store) Read(ctx context.Context, p kb.ReadPlan) (kb.ReadResult, error) {
	q, err := cypher.Read(p)
	if err != nil {
		return kb.ReadResult{}, err
	}
	recs, err := s.read(ctx, q.Statement, q.Params)
	if err != nil {
		return kb.ReadResult{}, err
	}
	return decodeRead(p, recs)
}

// decodeRead turns the records of a plan's statement into a kb.ReadResult.
func decodeRead(p kb.ReadPlan, recs []*drv.Record) (kb.ReadResult, error) {
	d := readDecoder{res: kb.ReadResult{Edges: map[kb.Edge][]kb.Link{}}, seen: map[string]bool{}}
	rootKind := p.Kind
	var rows []any
	if p.IDs != nil {
		for _, rec := range recs {
			v, err := field(rec, "row")
			if err != nil {
				return kb.ReadResult{}, err
			}
			rows = append(rows, v)
		}
	} else {
		rootKind = p.List.Kind
		if len(recs) != 1 {
			return kb.ReadResult{}, fmt.Errorf("neo4j: a list plan returned %d rows, want 1", len(recs))
		}
		if p.Total {
			v, err := field(recs[0], "total")
			if err != nil {
				return kb.ReadResult{}, err
			}
			total, err := asInt64(v)
			if err != nil {
				return kb.ReadResult{}, err
			}
			d.res.Total = int(total)
		}
		v, err := field(recs[0], "page")
		if err != nil {
			return kb.ReadResult{}, err
		}
		if rows, err = asList(v); err != nil {
			return kb.ReadResult{}, err
		}
	}
	roots := make(map[string]kb.Node, len(rows))
	var order []kb.Node
	for _, row := range rows {
		n, err := d.node(row, rootKind, p.Follow)
		if err != nil {
			return kb.ReadResult{}, err
		}
		roots[n.NodeID()] = n
		order = append(order, n)
	}
	if p.IDs == nil {
		d.res.Roots = order
	} else {
		// the statement matches each id once; the caller's order, repeats included, is restored
		for _, id := range p.IDs {
			if n, ok := roots[id]; ok {
				d.res.Roots = append(d.res.Roots, n)
			}
		}
	}
	for _, links := range d.res.Edges {
		kb.SortLinks(links)
	}
	return d.res, nil
}

type readDecoder struct {
	res  kb.ReadResult
	seen map[string]bool
}

// node decodes one row map {n, k, r, f} and, from f, the edges of the steps fs.
func (d *readDecoder) node(row any, kind kb.Kind, fs []kb.Follow) (kb.Node, error) {
	m, ok := row.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: a plan row: want a map, got %T", row)
	}
	var n kb.Node
	var err error
	if kind == "" {
		n, err = decodeNode(m["n"], m["k"])
	} else {
		n, err = decodeNodeOfKind(m["n"], kind)
	}
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return n, nil
	}
	steps, err := asList(m["f"])
	if err != nil {
		return nil, err
	}
	if len(steps) != len(fs) {
		return nil, fmt.Errorf("neo4j: node %q: %d step lists for %d steps", n.NodeID(), len(steps), len(fs))
	}
	for i, f := range fs {
		far, err := asList(steps[i])
		if err != nil {
			return nil, err
		}
		edge := kb.Edge{ID: n.NodeID(), Step: f.Step}
		kinds := kb.StepKinds(f.Step)
		farKind := kb.Kind("")
		if len(kinds) == 1 {
			farKind = kinds[0]
		}
		_, isLink := kb.LinkSpecFor(f.Rel)
		var links []kb.Link
		for _, item := range far {
			fn, err := d.node(item, farKind, f.Follow)
			if err != nil {
				return nil, err
			}
			if !d.seen[fn.NodeID()] {
				d.seen[fn.NodeID()] = true
				d.res.Nodes = append(d.res.Nodes, fn)
			}
			l := kb.Link{Type: f.Rel, From: n.NodeID(), To: fn.NodeID()}
			if f.In {
				l.From, l.To = l.To, l.From
			}
			if r := item.(map[string]any)["r"]; isLink && r != nil {
				if err := decodeLinkProps(r, &l.LinkProps); err != nil {
					return nil, fmt.Errorf("neo4j: %s link %q -> %q: %w", l.Type, l.From, l.To, err)
				}
			}
			links = append(links, l)
		}
		d.res.Edges[edge] = links
	}
	return n, nil
}

// decodeNodeOfKind builds a node of a known kind from its projected properties.
func decodeNodeOfKind(props any, kind kb.Kind) (kb.Node, error) {
	p, ok := props.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: node properties: want a map, got %T", props)
	}
	n, err := kb.FromProps(kind, kb.Props(p))
	if err != nil {
		return nil, fmt.Errorf("neo4j: node %v: stored properties do not fit a %s: %v", p["id"], kind, err)
	}
	return n, nil
}
