package diagram

import (
	"fmt"
	"sort"
)

// anchors are where a chain leaves a CMOC (its first outcome: the outcome that becomes the
// next CMOC's context) and where one reaches it (its first context, else its first element).
func (b *builder) anchors(c *cmoc) (out, in string) {
	if codeNode(c) {
		k := b.ids.id("K", localPart(b.ptID, "", c.id))
		return k, k
	}
	for s := 2; s >= 0; s-- {
		if len(c.stages[s]) > 0 {
			out = b.vertexID(b.elements[c.stages[s][0]])
			break
		}
	}
	for s := 0; s < 3; s++ {
		if len(c.stages[s]) > 0 {
			in = b.vertexID(b.elements[c.stages[s][0]])
			break
		}
	}
	return out, in
}

// chains draws CHAINS_TO as dashed edges: between this theory's CMOCs, and to or from the
// CMOCs of other theories, which are drawn as nodes of their own outside the groups.
func (b *builder) chains() error {
	byID := map[string]*cmoc{}
	for _, c := range b.cmocs {
		byID[c.id] = c
	}
	external := map[string]*vertex{}
	externalVertex := func(id string) string {
		if v, ok := external[id]; ok {
			return v.id
		}
		label := id
		if loc, ok := b.idx.cmocs[id]; ok {
			label = codeLabel(loc.code) + " (" + oneLine(loc.ptName) + ")"
		}
		v := &vertex{id: b.ids.id("X", id), kind: vExternal, lines: wrapLabel(shorten(oneLine(label), maxNameRunes), wrapWidth)}
		external[id] = v
		return v.id
	}
	type chain struct{ from, to string }
	var out []chain
	for _, c := range b.cmocs {
		for _, ref := range c.chains {
			to, err := b.idx.resolveChain(b.studyID, b.ptID, ref)
			if err != nil {
				return fmt.Errorf("CMOC %q: chain: %w", c.code, err)
			}
			out = append(out, chain{c.id, to})
		}
	}
	// Chains that reach this theory from the document's other theories.
	for _, ptID := range b.idx.ptIDs {
		if ptID == b.ptID {
			continue
		}
		loc := b.idx.pts[ptID]
		for i := range loc.pt.CMOCs {
			dc := &loc.pt.CMOCs[i]
			for _, ch := range dc.ChainsTo {
				to, err := b.idx.resolveChain(loc.studyID, ptID, ch.CMOC)
				if err == nil && byID[to] != nil {
					out = append(out, chain{cmocIDOf(ptID, dc), to})
				}
			}
		}
	}
	order := func(id string) (int, string) {
		if c, ok := byID[id]; ok {
			return b.rank[c.id], ""
		}
		return len(b.cmocs), id
	}
	sort.SliceStable(out, func(i, j int) bool {
		fi, fs := order(out[i].from)
		fj, gs := order(out[j].from)
		if fi != fj || fs != gs {
			return fi < fj || (fi == fj && fs < gs)
		}
		ti, ts := order(out[i].to)
		tj, us := order(out[j].to)
		return ti < tj || (ti == tj && ts < us)
	})
	label := func(id string) string {
		if c, ok := byID[id]; ok {
			return codeLabel(c.code)
		}
		if loc, ok := b.idx.cmocs[id]; ok {
			return codeLabel(loc.code)
		}
		return shorten(oneLine(id), maxCodeRunes)
	}
	for _, ch := range out {
		var from, to string
		if c := byID[ch.from]; c != nil {
			from, _ = b.anchors(c)
		} else {
			from = externalVertex(ch.from)
		}
		if c := byID[ch.to]; c != nil {
			_, to = b.anchors(c)
		} else {
			to = externalVertex(ch.to)
		}
		b.addEdge(from, to, label(ch.from)+" → "+label(ch.to), true)
	}
	ids := make([]string, 0, len(external))
	for id := range external {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.w.loose = append(b.w.loose, external[id])
	}
	return nil
}
