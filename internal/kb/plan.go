package kb

import (
	"fmt"
	"slices"
)

// A ReadPlan is one read of the graph, planned whole before it runs: the nodes to start from
// (by id or as one page of a list), the relationships to follow from them level by level, and
// which properties of each kind to read. A GraphQL root field and its whole selection become
// one plan, which a store answers in one round trip (Neo4j: one Cypher statement), so a nested
// query costs the same however deep it goes and however many rows it returns.
type ReadPlan struct {
	// IDs starts from these nodes, of any kind (unknown ids are left out). When nil, List does.
	IDs []string
	// Kind is the kind of the nodes IDs names, when only one kind is wanted ("" for any): a
	// node of another kind is left out.
	Kind Kind
	List *ListQuery
	// Total asks for the size of the whole list, not just the page.
	Total bool
	// Props names the properties to read of each kind; a kind not named is read whole. A store
	// may read more than asked, never less: ids, owner fields and what NameOf reads are always
	// among them (see PlanProps).
	Props map[Kind][]string
	// Follow lists the steps taken from every start node.
	Follow []Follow
}

// Step is one relationship followed from a node: its type and direction, and, for the
// ownership relationships whose far end can be of several kinds (a programme theory defines
// contexts, mechanisms and outcomes), the kind wanted. Kind "" takes any kind.
type Step struct {
	Rel  RelType
	In   bool
	Kind Kind
}

// OwnedStep is the step from an owner to the nodes of kind k it owns.
func OwnedStep(k Kind) (Step, bool) {
	spec, ok := OwnerOf(k)
	return Step{Rel: spec.Rel, In: true, Kind: k}, ok
}

// OwnerStep is the step from a node of kind k to its owner.
func OwnerStep(k Kind) (Step, bool) {
	spec, ok := OwnerOf(k)
	return Step{Rel: spec.Rel, Kind: spec.Kind}, ok
}

// LinkStep is the step along the links of type t, out of a node or (in) into it.
func LinkStep(t RelType, in bool) Step { return Step{Rel: t, In: in} }

// Follow is a step taken from each node a plan reaches, and what to follow from the nodes at
// its far end.
type Follow struct {
	Step
	// LinkProps asks for the properties of the links along the step (an evidence's stance, an
	// alignment's rationale); without it a store may return the links' ends alone.
	LinkProps bool
	Follow    []Follow
}

// Edge names what a plan read from one node along one step.
type Edge struct {
	ID string
	Step
}

// ReadResult is what a plan read: the start nodes in order (from ids: in the order of the ids,
// repeats kept, unknown ids left out), the total of the list (when asked; 0 otherwise), every other
// node reached, and for every node a step was taken from, all of that node's relationships
// along the step. Ownership relationships come as links too (From the owned node, To the
// owner). Links of an edge are in SortLinks order.
type ReadResult struct {
	Roots []Node
	Total int
	Nodes []Node
	Edges map[Edge][]Link
}

// Bounds of one plan: a GraphQL query deeper than MaxDepth is refused before it is planned.
const (
	MaxPlanDepth   = 16
	MaxPlanFollows = 300
)

// Validate checks a plan before any store runs it.
func (p ReadPlan) Validate() error {
	if p.IDs == nil && p.List == nil {
		return fmt.Errorf("read plan: neither ids nor a list to start from")
	}
	if p.Kind != "" {
		if _, ok := NewNode(p.Kind); !ok {
			return fmt.Errorf("read plan: unknown kind %q", p.Kind)
		}
	}
	for k, props := range p.Props {
		for _, name := range props {
			if _, ok := FieldFor(k, name); !ok {
				return fmt.Errorf("read plan: %s has no property %q", k, name)
			}
		}
	}
	count := 0
	var walk func(fs []Follow, depth int) error
	walk = func(fs []Follow, depth int) error {
		if depth > MaxPlanDepth {
			return fmt.Errorf("read plan: deeper than %d steps", MaxPlanDepth)
		}
		for _, f := range fs {
			count++
			if count > MaxPlanFollows {
				return fmt.Errorf("read plan: more than %d steps", MaxPlanFollows)
			}
			if !validStep(f.Step) {
				return fmt.Errorf("read plan: no step %s (in: %t, kind %q)", f.Rel, f.In, f.Kind)
			}
			if err := walk(f.Follow, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(p.Follow, 1)
}

func validStep(s Step) bool {
	if _, ok := LinkSpecFor(s.Rel); ok {
		return s.Kind == ""
	}
	for k, spec := range owners {
		if spec.Rel != s.Rel {
			continue
		}
		if s.In && s.Kind == k || !s.In && s.Kind == spec.Kind {
			return true
		}
	}
	return false
}

// StepKinds lists the kinds a step can reach.
func StepKinds(s Step) []Kind {
	if s.Kind != "" {
		return []Kind{s.Kind}
	}
	spec, _ := LinkSpecFor(s.Rel)
	if s.In {
		return spec.From
	}
	return spec.To
}

// PlanProps completes the properties asked of kind k with those every reader relies on: the
// id, the owner field and the name NameOf sorts by. Nil (read whole) stays nil.
func PlanProps(k Kind, asked []string) []string {
	if asked == nil {
		return nil
	}
	out := []string{"id"}
	if spec, ok := OwnerOf(k); ok {
		out = append(out, spec.Field)
	}
	for _, p := range append([]string{nameField[k]}, asked...) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

var nameField = map[Kind]string{
	KindStudy: "title", KindProgrammeTheory: "name", KindCMOC: "code", KindContext: "name",
	KindMechanism: "name", KindOutcome: "name", KindQuote: "id", KindTheory: "name",
	KindConstruct: "name", KindSetting: "name",
}

// StepsFrom lists every step a node of kind k can take: to its owner, to each kind it owns,
// and along every link type it can be an end of, each way it can.
func StepsFrom(k Kind) []Step {
	var out []Step
	if s, ok := OwnerStep(k); ok {
		out = append(out, s)
	}
	for _, child := range Kinds {
		if spec, ok := OwnerOf(child); ok && spec.Kind == k {
			s, _ := OwnedStep(child)
			out = append(out, s)
		}
	}
	for _, spec := range LinkSpecs {
		if spec.Type == RelRejects {
			// a reviewer's rejections are read by the questions that honour them, not walked
			continue
		}
		if slices.Contains(spec.From, k) {
			out = append(out, LinkStep(spec.Type, false))
		}
		if slices.Contains(spec.To, k) {
			out = append(out, LinkStep(spec.Type, true))
		}
	}
	return out
}

// FollowEverything follows every step from kind k, depth levels deep (a step that can reach
// several kinds is not followed further): the widest plan of that depth.
func FollowEverything(k Kind, depth int) []Follow {
	if depth == 0 {
		return nil
	}
	var out []Follow
	for _, s := range StepsFrom(k) {
		var next []Follow
		if kinds := StepKinds(s); len(kinds) == 1 {
			next = FollowEverything(kinds[0], depth-1)
		}
		_, isLink := LinkSpecFor(s.Rel)
		out = append(out, Follow{Step: s, LinkProps: isLink, Follow: next})
	}
	return out
}
