package analysis

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// view is the part of the graph a whole-corpus question needs, read in a fixed number of
// store calls: the CMOCs in scope, the elements of the kinds asked for, studies, (when asked)
// the quotes behind each CMOC, and the clusters of elements that alignments and constructs
// join across studies. Whole-corpus questions touch every CMOC, so the view keeps to plain
// maps sized up front and reads only what the question needs.
type view struct {
	r          *reader
	cmocs      []*kb.CMOC
	ptStudy    map[string]string      // programme theory id -> study id
	elements   map[kb.Kind][][]string // kind -> per CMOC (as in cmocs) -> element ids
	quotes     map[string][]*kb.Quote // CMOC id -> quotes evidencing it
	clusters   *clusters
	studies    []*kb.Study // in scope, oldest first
	allStudies bool
}

type viewNeeds struct {
	kinds            []kb.Kind
	quotes, clusters bool
}

// studyOf is the study a CMOC of the view belongs to.
func (v *view) studyOf(c *kb.CMOC) string { return v.ptStudy[c.ProgrammeTheoryID] }

// readView reads the CMOCs of the given studies (all studies when none).
func (r *reader) readView(ctx context.Context, studyIDs []string, needs viewNeeds) (*view, error) {
	v := &view{r: r, ptStudy: map[string]string{}, elements: map[kb.Kind][][]string{}, allStudies: len(studyIDs) == 0}
	ptQuery := kb.ListQuery{Kind: kb.KindProgrammeTheory}
	studyQuery := kb.ListQuery{Kind: kb.KindStudy}
	if len(studyIDs) > 0 {
		ptQuery.Filters = []kb.Filter{{Field: "studyId", Op: kb.FilterIn, Value: studyIDs}}
		studyQuery.Filters = []kb.Filter{{Field: "id", Op: kb.FilterIn, Value: studyIDs}}
	}
	studies, err := r.store.List(ctx, studyQuery)
	if err != nil {
		return nil, err
	}
	for _, n := range studies.Nodes {
		r.nodes[n.NodeID()] = n
		v.studies = append(v.studies, n.(*kb.Study))
	}
	sort.SliceStable(v.studies, func(i, j int) bool { return studyLess(v.studies[i], v.studies[j]) })
	if len(studyIDs) > 0 && len(v.studies) < len(uniqueSorted(studyIDs)) {
		for _, id := range studyIDs {
			if _, ok := r.nodes[id].(*kb.Study); !ok {
				return nil, kb.NotFound("studyIds", "no study with id %q", id)
			}
		}
	}
	pts, err := r.store.List(ctx, ptQuery)
	if err != nil {
		return nil, err
	}
	var ptIDs []string
	for _, pt := range pts.Nodes {
		r.nodes[pt.NodeID()] = pt
		v.ptStudy[pt.NodeID()] = pt.Owner()
		ptIDs = append(ptIDs, pt.NodeID())
	}
	cmocQuery := kb.ListQuery{Kind: kb.KindCMOC}
	if len(studyIDs) > 0 {
		cmocQuery.Filters = []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: ptIDs}}
	}
	var cmocs kb.Page
	if len(studyIDs) == 0 || len(ptIDs) > 0 {
		if cmocs, err = r.store.List(ctx, cmocQuery); err != nil {
			return nil, err
		}
	}
	cmocIDs := make([]string, 0, len(cmocs.Nodes))
	v.cmocs = make([]*kb.CMOC, 0, len(cmocs.Nodes))
	for _, n := range cmocs.Nodes {
		c := n.(*kb.CMOC)
		v.cmocs = append(v.cmocs, c)
		cmocIDs = append(cmocIDs, c.ID)
	}
	for _, k := range needs.kinds {
		// one type per call: the store hands out a type's links without copying them
		uses, err := v.linksOf(ctx, cmocIDs, false, elementRel(k))
		if err != nil {
			return nil, err
		}
		v.elements[k] = groupByCMOC(v.cmocs, uses)
	}
	if needs.quotes {
		ev, err := v.linksOf(ctx, cmocIDs, true, kb.RelEvidences)
		if err != nil {
			return nil, err
		}
		quoteIDs := make([]string, 0, len(ev))
		for _, l := range ev {
			quoteIDs = append(quoteIDs, l.From)
		}
		// quotes stay out of the reader's cache: there are many and nothing else asks for them
		qs, err := r.store.Get(ctx, quoteIDs)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*kb.Quote, len(qs))
		for _, n := range qs {
			if q, ok := n.(*kb.Quote); ok {
				byID[q.ID] = q
			}
		}
		v.quotes = make(map[string][]*kb.Quote, len(cmocIDs))
		for _, l := range ev {
			if q := byID[l.From]; q != nil {
				v.quotes[l.To] = append(v.quotes[l.To], q)
			}
		}
	}
	if needs.clusters {
		kindOf := map[string]kb.Kind{}
		for k, perCMOC := range v.elements {
			for _, es := range perCMOC {
				for _, e := range es {
					kindOf[e] = k
				}
			}
		}
		if v.clusters, err = r.readClusters(ctx, kindOf); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// groupByCMOC lists each CMOC's link targets, in the order of cmocs. Stores hand out CMOCs in id
// order and links in (type, from, to) order, so one merge pass pairs them without hashing a
// single id; should a store order them otherwise, a map does it.
func groupByCMOC(cmocs []*kb.CMOC, links []kb.Link) [][]string {
	out := make([][]string, len(cmocs))
	targets := make([]string, len(links))
	i, matched := 0, 0
	for j := 0; j < len(links); {
		from := links[j].From
		end := j
		for end < len(links) && links[end].From == from {
			targets[end] = links[end].To
			end++
		}
		for i < len(cmocs) && cmocs[i].ID < from {
			i++
		}
		if i < len(cmocs) && cmocs[i].ID == from {
			out[i] = targets[j:end:end]
			matched += end - j
		}
		j = end
	}
	if matched == len(links) {
		return out
	}
	index := make(map[string]int, len(cmocs))
	for i, c := range cmocs {
		index[c.ID] = i
	}
	out = make([][]string, len(cmocs))
	for _, l := range links {
		if i, ok := index[l.From]; ok {
			out[i] = append(out[i], l.To)
		}
	}
	return out
}

// linksOf reads the links at the CMOCs: every link of the types when the view holds every CMOC
// (one scan, no id list to send), the links of the listed CMOCs otherwise.
func (v *view) linksOf(ctx context.Context, cmocIDs []string, in bool, types ...kb.RelType) ([]kb.Link, error) {
	if v.allStudies {
		return v.r.allLinks(ctx, types...)
	}
	return v.r.links(ctx, in, cmocIDs, types...)
}

// clusters groups elements that stand for the same thing across studies: elements joined by
// SAME_AS, BROADER or NARROWER alignments, and elements of one kind that are instances of one
// construct. RELATED and CONTRADICTS do not join: related is not the same, and a contradiction
// is the opposite.
type clusters struct {
	uf         unionFind
	constructs map[string][]string // element id -> construct ids
	members    map[string][]string // root -> element ids (filled by resolve)
}

func joins(rel kb.AlignRelation) bool {
	return rel == kb.AlignSameAs || rel == kb.AlignBroader || rel == kb.AlignNarrower
}

func (r *reader) readClusters(ctx context.Context, kindOf map[string]kb.Kind) (*clusters, error) {
	ls, err := r.allLinks(ctx, kb.RelAligns, kb.RelInstanceOf)
	if err != nil {
		return nil, err
	}
	c := &clusters{uf: unionFind{}, constructs: map[string][]string{}}
	// an outcome aligned with a context is a chain's hinge, not the same thing: clusters hold
	// one kind, and only elements the question counts (those its CMOCs use) join them
	firstOfKind := map[string]map[kb.Kind]string{} // construct -> kind -> first instance
	for _, l := range ls {
		switch l.Type {
		case kb.RelAligns:
			kf, okf := kindOf[l.From]
			kt, okt := kindOf[l.To]
			if joins(l.Relation) && okf && okt && kf == kt {
				c.uf.union(l.From, l.To)
			}
		case kb.RelInstanceOf:
			c.constructs[l.From] = append(c.constructs[l.From], l.To)
			k, ok := kindOf[l.From]
			if !ok {
				continue
			}
			first := firstOfKind[l.To]
			if first == nil {
				first = map[kb.Kind]string{}
				firstOfKind[l.To] = first
			}
			if f, ok := first[k]; ok {
				c.uf.union(f, l.From)
			} else {
				first[k] = l.From
			}
		}
	}
	return c, nil
}

// root names the cluster of an element (the element itself when it is alone).
func (c *clusters) root(id string) string {
	if c == nil {
		return id
	}
	return c.uf.find(id)
}

// Cluster is a set of elements across studies that stand for one thing.
type Cluster struct {
	// Key is the cluster's stable id: the smallest id among its elements.
	Key string
	// Label names it: the construct it instantiates if any, else its most used element name.
	Label      string
	Elements   []kb.Node
	Constructs []*kb.Construct
}

// describe builds the clusters named by roots from their members, loading what it needs in
// one or two calls.
func (v *view) describe(ctx context.Context, members map[string][]string, uses map[string]int) (map[string]Cluster, error) {
	var ids, constructIDs []string
	for _, ms := range members {
		ids = append(ids, ms...)
		for _, m := range ms {
			if v.clusters != nil {
				constructIDs = append(constructIDs, v.clusters.constructs[m]...)
			}
		}
	}
	if err := v.r.load(ctx, append(ids, constructIDs...)...); err != nil {
		return nil, err
	}
	out := make(map[string]Cluster, len(members))
	for root, ms := range members {
		ms = uniqueSorted(ms)
		cl := Cluster{Key: ms[0]}
		// clusters are small: slices beat maps here
		var names []string
		var nameUses []int
		for _, m := range ms {
			n := v.r.node(m)
			if n == nil {
				continue
			}
			cl.Elements = append(cl.Elements, n)
			name := nodeName(n)
			if i := slices.Index(names, name); i >= 0 {
				nameUses[i] += uses[m] + 1
			} else {
				names, nameUses = append(names, name), append(nameUses, uses[m]+1)
			}
			if v.clusters == nil {
				continue
			}
			for _, cid := range v.clusters.constructs[m] {
				if c, ok := v.r.node(cid).(*kb.Construct); ok && !slices.Contains(cl.Constructs, c) {
					cl.Constructs = append(cl.Constructs, c)
				}
			}
		}
		bestName, bestUses := "", -1
		for i, name := range names {
			if nameUses[i] > bestUses || (nameUses[i] == bestUses && name < bestName) {
				bestName, bestUses = name, nameUses[i]
			}
		}
		sort.Slice(cl.Constructs, func(i, j int) bool { return cl.Constructs[i].ID < cl.Constructs[j].ID })
		if len(cl.Constructs) > 0 {
			names := make([]string, len(cl.Constructs))
			for i, c := range cl.Constructs {
				names[i] = c.Name
			}
			cl.Label = strings.Join(names, " / ")
		} else {
			cl.Label = bestName
		}
		out[root] = cl
	}
	return out, nil
}
