package memory

import (
	"context"

	"github.com/cmograph/cmograph/internal/kb"
)

// Read implements kb.Store: the plan is walked over the in-memory indexes under one read lock,
// so what it returns is one consistent state of the graph. Nodes are read whole whatever the
// plan's Props ask: they are shared, not copied, so a narrower read would cost more.
func (s *Store) Read(ctx context.Context, p kb.ReadPlan) (kb.ReadResult, error) {
	if err := ctx.Err(); err != nil {
		return kb.ReadResult{}, err
	}
	if err := p.Validate(); err != nil {
		return kb.ReadResult{}, err
	}
	var list kb.ListQuery
	if p.IDs == nil {
		var err error
		if list, err = p.List.Normalize(); err != nil {
			return kb.ReadResult{}, err
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	res := kb.ReadResult{Edges: map[kb.Edge][]kb.Link{}}
	if p.IDs != nil {
		for _, id := range p.IDs {
			if e, ok := s.g.nodes[id]; ok && (p.Kind == "" || e.node.NodeKind() == p.Kind) {
				res.Roots = append(res.Roots, e.node)
			}
		}
	} else {
		page := s.listLocked(list)
		res.Roots = page.Nodes
		if p.Total {
			res.Total = page.Total
		}
	}
	w := walker{g: s.g, res: &res, seen: map[string]bool{}}
	for _, n := range res.Roots {
		w.seen[n.NodeID()] = true
	}
	for _, n := range res.Roots {
		if err := w.follow(ctx, n, p.Follow); err != nil {
			return kb.ReadResult{}, err
		}
	}
	return res, nil
}

type walker struct {
	g    *graph
	res  *kb.ReadResult
	seen map[string]bool
}

// follow takes every step of fs from n, recording each edge once per node and step; a node
// reached twice by the same step is not walked again from there.
func (w *walker) follow(ctx context.Context, n kb.Node, fs []kb.Follow) error {
	for _, f := range fs {
		edge := kb.Edge{ID: n.NodeID(), Step: f.Step}
		links, walked := w.res.Edges[edge]
		if !walked {
			links = w.g.stepLinks(n.NodeID(), f.Step)
			w.res.Edges[edge] = links
		}
		for _, l := range links {
			far := l.To
			if f.In {
				far = l.From
			}
			e := w.g.nodes[far]
			if !w.seen[far] {
				w.seen[far] = true
				w.res.Nodes = append(w.res.Nodes, e.node)
			}
			if len(f.Follow) > 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := w.follow(ctx, e.node, f.Follow); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
