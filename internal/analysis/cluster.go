package analysis

import (
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// clusterRoots groups the used elements that stand for one thing (see joins) and names each
// group by its smallest position; an element not used stays alone. Elements of one kind that
// are instances of one construct are one thing too.
func (c *corpus) clusterRoots(used []bool) []int32 {
	return rootsOf(len(c.elementIDs), func(union func(a, b int32)) {
		for _, j := range c.joins {
			if used[j[0]] && used[j[1]] {
				union(j[0], j[1])
			}
		}
		// first used instance of each construct, per element kind
		first := make([]int32, 3*len(c.constructs))
		for i := range first {
			first[i] = -1
		}
		for e := range c.elementIDs {
			if !used[e] {
				continue
			}
			for _, k := range c.instanceOf.of(int32(e)) {
				slot := 3*k + int32(c.elementKind[e])
				if first[slot] < 0 {
					first[slot] = int32(e)
				} else {
					union(first[slot], int32(e))
				}
			}
		}
	})
}

// rootsOf joins the positions 0..n-1 that join calls union on and names each group by its
// smallest position, so that groups are named the same on every run: out[i] is i's root.
func rootsOf(n int, join func(union func(a, b int32))) []int32 {
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		root := x
		for parent[root] != root {
			root = parent[root]
		}
		for parent[x] != root {
			parent[x], x = root, parent[x]
		}
		return root
	}
	join(func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra
	})
	for i := range parent {
		parent[i] = find(int32(i))
	}
	return parent
}

// joins says whether an alignment makes two elements one: SAME_AS, BROADER and NARROWER do;
// related is not the same, and a contradiction is the opposite.
func joins(rel kb.AlignRelation) bool {
	return rel == kb.AlignSameAs || rel == kb.AlignBroader || rel == kb.AlignNarrower
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

// name orders the cluster's constructs and labels it: by its constructs' names, else by the
// name its elements use most (nameUses; ties to the first name in order).
func (cl *Cluster) name(nameUses map[string]int32) {
	bestName, bestUses := "", int32(-1)
	for name, n := range nameUses {
		if n > bestUses || (n == bestUses && name < bestName) {
			bestName, bestUses = name, n
		}
	}
	sort.Slice(cl.Constructs, func(i, j int) bool { return cl.Constructs[i].ID < cl.Constructs[j].ID })
	if len(cl.Constructs) == 0 {
		cl.Label = bestName
		return
	}
	names := make([]string, len(cl.Constructs))
	for i, c := range cl.Constructs {
		names[i] = c.Name
	}
	cl.Label = strings.Join(names, " / ")
}
