package kb

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The checks below need the current state of the graph; each store looks the nodes up inside
// its transaction and calls them, so both stores enforce the same rules with the same words.

// CheckNew checks that a node may be created: its id is free and its owner exists.
func CheckNew(n Node, existing, owner Node) error {
	if existing != nil {
		return Conflict("id", "%q is already used by a %s", n.NodeID(), existing.NodeKind())
	}
	return CheckOwner(n, owner)
}

// CheckOwner checks that the owner a node names exists and is of the right kind.
func CheckOwner(n Node, owner Node) error {
	spec, ok := OwnerOf(n.NodeKind())
	if !ok {
		return nil
	}
	if owner == nil || owner.NodeKind() != spec.Kind {
		return NotFound(spec.Field, "no %s with id %q", spec.Kind, n.Owner())
	}
	return nil
}

// CheckReplace checks that an upsert may replace existing with n.
func CheckReplace(n Node, existing Node) error {
	if existing != nil && existing.NodeKind() != n.NodeKind() {
		return Conflict("id", "%q is already used by a %s, not a %s", n.NodeID(), existing.NodeKind(), n.NodeKind())
	}
	return nil
}

// CheckDelete refuses to delete a node that still owns others: a study with programme
// theories, a programme theory with CMOCs. owned counts them by kind.
func CheckDelete(kind Kind, id string, existing Node, owned map[Kind]int, expected *int) error {
	if existing == nil || existing.NodeKind() != kind {
		return NotFound("id", "no %s with id %q", kind, id)
	}
	if err := CheckRevision(kind, id, existing, expected); err != nil {
		return err
	}
	var parts []string
	for _, k := range Kinds {
		if c := owned[k]; c > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c, k))
		}
	}
	if len(parts) > 0 {
		return Conflict("id", "%s %q still has %s; delete those first", kind, id, strings.Join(parts, ", "))
	}
	return nil
}

// ApplyPatch returns existing with patch applied, validated. A patch may not change the id,
// the owner or the provenance.
func ApplyPatch(existing Node, patch Props) (Node, error) {
	kind := existing.NodeKind()
	props := ToProps(existing)
	owner, _ := OwnerOf(kind)
	for key, val := range patch {
		switch key {
		case "id", "createdAt", "updatedAt", "createdBy", "updatedBy", "revision":
			return nil, Invalid(key, "cannot be changed")
		case owner.Field:
			if s, _ := val.(string); s != existing.Owner() {
				return nil, Invalid(key, "cannot be changed: delete the %s and create it again under its new owner", kind)
			}
		}
		if val == nil {
			delete(props, key)
		} else {
			props[key] = val
		}
	}
	n, err := FromProps(kind, props)
	if err != nil {
		return nil, err
	}
	return n, n.Validate()
}

// CheckLinkEnds checks that a link's ends exist and fit its type: a CMOC's elements belong to
// its own programme theory, alignments join elements of different programme theories, of the
// same kind or an outcome and a context (one study's outcome as another's starting condition,
// which is how chains cross studies).
func CheckLinkEnds(l Link, from, to Node) error {
	spec, _ := LinkSpecFor(l.Type)
	if from == nil {
		return NotFound("from", "no node with id %q", l.From)
	}
	if to == nil {
		return NotFound("to", "no node with id %q", l.To)
	}
	if !slices.Contains(spec.From, from.NodeKind()) {
		return Invalid("from", "a %s link starts at a %s, not a %s (%q)", l.Type, kindList(spec.From), from.NodeKind(), l.From)
	}
	if !slices.Contains(spec.To, to.NodeKind()) {
		return Invalid("to", "a %s link ends at a %s, not a %s (%q)", l.Type, kindList(spec.To), to.NodeKind(), l.To)
	}
	switch l.Type {
	case RelHasContext, RelHasMechanism, RelHasOutcome:
		if from.Owner() != to.Owner() {
			return Invalid("to", "%s %q belongs to programme theory %q, not to the CMOC's %q; elements are shared only within one programme theory",
				to.NodeKind(), l.To, to.Owner(), from.Owner())
		}
	case RelRejects:
		if fk, tk := from.NodeKind(), to.NodeKind(); fk != tk && !AlignsAcross(fk, tk) {
			return Invalid("to", "a %s and a %s are never suggested as counterparts; there is nothing to reject", fk, tk)
		}
		if from.Owner() == to.Owner() {
			return Invalid("to", "REJECTS joins elements of different programme theories; %q and %q are both in %q", l.From, l.To, from.Owner())
		}
	case RelAligns:
		return CheckAlign(l.From, from.NodeKind(), from.Owner(), l.To, to.NodeKind(), to.Owner(), l.Relation)
	}
	return nil
}

// CheckAlign says whether an ALIGNS link with relation may join element from (of kind fk, in
// programme theory fromOwner) to element to: the rules every writer of alignments shares.
func CheckAlign(from string, fk Kind, fromOwner, to string, tk Kind, toOwner string, relation AlignRelation) error {
	if fk != tk {
		if !AlignsAcross(fk, tk) {
			return Invalid("to", "ALIGNS joins elements of the same kind, an outcome and a context, or an outcome and a mechanism: %q is a %s, %q a %s", from, fk, to, tk)
		}
		if !outcomeAndContext(fk, tk) && relation != AlignRelated {
			return Invalid("relation", "an outcome and a mechanism can only be RELATED (the outcome of one configuration acting in another's mechanism), not %s", relation)
		}
	}
	if fromOwner == toOwner {
		return Invalid("to", "ALIGNS joins elements of different programme theories; %q and %q are both in %q", from, to, fromOwner)
	}
	return nil
}

// AlignsAcross says whether ALIGNS may join an element of kind a to one of kind b, another
// kind: realist configurations chain, so the outcome of one may be the context another starts
// from (any relation: SAME_AS marks the hinge of a chain) or act in another's mechanism
// (RELATED only: a mechanism's resource or reasoning is not the same thing as an outcome).
func AlignsAcross(a, b Kind) bool {
	return outcomeAndContext(a, b) || (a == KindOutcome && b == KindMechanism) || (a == KindMechanism && b == KindOutcome)
}

func outcomeAndContext(a, b Kind) bool {
	return (a == KindOutcome && b == KindContext) || (a == KindContext && b == KindOutcome)
}

func kindList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " or ")
}

// Write is what a create, upsert or update comes to once compared with what is stored.
type Write int

const (
	// WriteNothing: the content is unchanged, so nothing is written and updatedAt stays.
	WriteNothing Write = iota
	// WriteInsert: a new node.
	WriteInsert
	// WriteReplace: new content for an existing node.
	WriteReplace
)

// Stamp sets n's provenance for a write at `at` by actor, keeping the creation of an earlier
// version (created) when there is one.
func Stamp(n Node, created Meta, at time.Time, actor string) {
	m := n.NodeMeta()
	m.CreatedAt, m.CreatedBy = created.CreatedAt, created.CreatedBy
	if m.CreatedAt.IsZero() {
		m.CreatedAt, m.CreatedBy = at, actor
	}
	m.UpdatedAt, m.UpdatedBy = at, actor
	m.Revision = created.Revision + 1
}

// CheckRevision refuses a write that stated the revision it read when the node has moved on
// since: the writer would overwrite a change it never saw.
func CheckRevision(kind Kind, id string, existing Node, expected *int) error {
	if expected == nil || existing == nil {
		return nil
	}
	if have := existing.NodeMeta().Revision; have != *expected {
		return Conflict("expectedRevision", "%s %q is at revision %d, not %d: it changed since you read it; read it again and redo your change", kind, id, have, *expected)
	}
	return nil
}

// DecideUpsert compares an upserted node with the stored one (nil if none) and stamps n for
// the write it comes to. A new node keeps provenance an import carried, so an export imports
// back unchanged.
func DecideUpsert(n, existing Node, at time.Time, actor string) Write {
	if existing == nil {
		given := *n.NodeMeta()
		switch {
		case given.CreatedAt.IsZero():
			Stamp(n, Meta{}, at, actor)
		case given.UpdatedAt.IsZero():
			n.NodeMeta().UpdatedAt, n.NodeMeta().UpdatedBy = given.CreatedAt, given.CreatedBy
		}
		if n.NodeMeta().Revision == 0 {
			n.NodeMeta().Revision = 1
		}
		return WriteInsert
	}
	if EqualProps(Content(existing), Content(n)) {
		return WriteNothing
	}
	Stamp(n, *existing.NodeMeta(), at, actor)
	return WriteReplace
}

// DecideUpdate applies a patch to the stored node of the given kind and id (nil if none) and
// returns the node to write, stamped, and whether anything changed.
func DecideUpdate(kind Kind, id string, existing Node, patch Props, expected *int, at time.Time, actor string) (Node, Write, error) {
	if existing == nil || existing.NodeKind() != kind {
		return nil, WriteNothing, NotFound("id", "no %s with id %q", kind, id)
	}
	if err := CheckRevision(kind, id, existing, expected); err != nil {
		return nil, WriteNothing, err
	}
	n, err := ApplyPatch(existing, patch)
	if err != nil {
		return nil, WriteNothing, err
	}
	if EqualProps(Content(existing), Content(n)) {
		return n, WriteNothing, nil
	}
	Stamp(n, *existing.NodeMeta(), at, actor)
	return n, WriteReplace, nil
}

// SortLinks puts links in the order every store returns them: by type, from, to.
func SortLinks(ls []Link) {
	slices.SortFunc(ls, func(a, b Link) int { return CompareLinks(&a, &b) })
}

// CompareLinks orders two links as SortLinks does.
func CompareLinks(a, b *Link) int { return CompareLinkKeys(a.Key(), b.Key()) }

// CompareLinkKeys orders the keys of two links as SortLinks orders the links.
func CompareLinkKeys(a, b LinkKey) int {
	if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
		return c
	}
	if c := strings.Compare(a.From, b.From); c != 0 {
		return c
	}
	return strings.Compare(a.To, b.To)
}
