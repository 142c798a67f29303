package analysis

import (
	"context"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// FieldChange is one field of a CMOC that differs between two versions, as text.
type FieldChange struct {
	Field, Before, After string
}

// CMOCChange is a CMOC present in both versions (matched by code) whose content changed.
type CMOCChange struct {
	Before, After *kb.CMOC
	Changes       []FieldChange
}

// VersionDiff is what changed from one version of a programme theory to another.
type VersionDiff struct {
	From, To *kb.ProgrammeTheory
	// Revision is the REVISES link recorded between them (either way round), nil when none is.
	Revision *kb.Link
	// CMOCs are matched by code ("CMOC 3"), ignoring case and spacing.
	Added, Removed, Unchanged []*kb.CMOC
	Changed                   []CMOCChange
	// Elements are matched by kind and name.
	AddedElements, RemovedElements []kb.Node
}

// CompareVersions says what changed from one programme theory to another: normally an earlier
// version and the one that REVISES it.
func (a *Analyst) CompareVersions(ctx context.Context, fromID, toID string) (*VersionDiff, error) {
	r := a.reader()
	if err := r.load(ctx, fromID, toID); err != nil {
		return nil, err
	}
	from, err := r.mustNode(ctx, "from", fromID, kb.KindProgrammeTheory)
	if err != nil {
		return nil, err
	}
	to, err := r.mustNode(ctx, "to", toID, kb.KindProgrammeTheory)
	if err != nil {
		return nil, err
	}
	d := &VersionDiff{From: from.(*kb.ProgrammeTheory), To: to.(*kb.ProgrammeTheory),
		Added: []*kb.CMOC{}, Removed: []*kb.CMOC{}, Unchanged: []*kb.CMOC{}, Changed: []CMOCChange{},
		AddedElements: []kb.Node{}, RemovedElements: []kb.Node{}}
	revs, err := r.links(ctx, false, []string{fromID, toID}, kb.RelRevises)
	if err != nil {
		return nil, err
	}
	for _, l := range revs {
		if (l.From == toID && l.To == fromID) || (l.From == fromID && l.To == toID) {
			d.Revision = &l
			break
		}
	}
	cmocs, err := r.owned(ctx, kb.KindCMOC, fromID, toID)
	if err != nil {
		return nil, err
	}
	var cmocIDs []string
	for _, c := range cmocs {
		cmocIDs = append(cmocIDs, c.NodeID())
	}
	uses, err := r.links(ctx, false, cmocIDs, elementRels...)
	if err != nil {
		return nil, err
	}
	var elementIDs []string
	for _, l := range uses {
		elementIDs = append(elementIDs, l.To)
	}
	if err := r.load(ctx, elementIDs...); err != nil {
		return nil, err
	}
	namesOf := map[string]map[kb.RelType][]string{}
	for _, l := range uses {
		if namesOf[l.From] == nil {
			namesOf[l.From] = map[kb.RelType][]string{}
		}
		namesOf[l.From][l.Type] = append(namesOf[l.From][l.Type], nodeName(r.node(l.To)))
	}
	before, after := map[string]*kb.CMOC{}, map[string]*kb.CMOC{}
	for _, n := range cmocs {
		c := n.(*kb.CMOC)
		if c.ProgrammeTheoryID == fromID {
			before[codeKey(c.Code)] = c
		} else {
			after[codeKey(c.Code)] = c
		}
	}
	for key, b := range before {
		if _, ok := after[key]; !ok {
			d.Removed = append(d.Removed, b)
		}
	}
	for key, c := range after {
		b, ok := before[key]
		if !ok {
			d.Added = append(d.Added, c)
			continue
		}
		changes := cmocChanges(b, c, namesOf[b.ID], namesOf[c.ID])
		if len(changes) == 0 {
			d.Unchanged = append(d.Unchanged, c)
		} else {
			d.Changed = append(d.Changed, CMOCChange{Before: b, After: c, Changes: changes})
		}
	}
	for _, list := range [][]*kb.CMOC{d.Added, d.Removed, d.Unchanged} {
		sort.SliceStable(list, func(i, j int) bool { return cmocLess(list[i], list[j]) })
	}
	sort.SliceStable(d.Changed, func(i, j int) bool { return cmocLess(d.Changed[i].After, d.Changed[j].After) })
	if err := diffElements(ctx, r, fromID, toID, d); err != nil {
		return nil, err
	}
	return d, nil
}

func codeKey(code string) string {
	return strings.Join(strings.Fields(strings.ToLower(code)), "")
}

func cmocChanges(b, a *kb.CMOC, namesBefore, namesAfter map[kb.RelType][]string) []FieldChange {
	var out []FieldChange
	add := func(field, before, after string) {
		if before != after {
			out = append(out, FieldChange{Field: field, Before: before, After: after})
		}
	}
	add("label", b.Label, a.Label)
	add("statement", b.Statement, a.Statement)
	add("status", string(b.Status), string(a.Status))
	add("actors", joinSorted(strs(b.Actors)), joinSorted(strs(a.Actors)))
	add("contexts", joinSorted(namesBefore[kb.RelHasContext]), joinSorted(namesAfter[kb.RelHasContext]))
	add("mechanisms", joinSorted(namesBefore[kb.RelHasMechanism]), joinSorted(namesAfter[kb.RelHasMechanism]))
	add("outcomes", joinSorted(namesBefore[kb.RelHasOutcome]), joinSorted(namesAfter[kb.RelHasOutcome]))
	return out
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func joinSorted(xs []string) string {
	return strings.Join(uniqueSorted(xs), "; ")
}

// diffElements lists the elements only one version has, matched by kind and name.
func diffElements(ctx context.Context, r *reader, fromID, toID string, d *VersionDiff) error {
	for _, k := range elementKindsOrder {
		nodes, err := r.owned(ctx, k, fromID, toID)
		if err != nil {
			return err
		}
		names := map[string]map[string]bool{fromID: {}, toID: {}}
		for _, n := range nodes {
			names[n.Owner()][codeKey(nodeName(n))] = true
		}
		for _, n := range nodes {
			key := codeKey(nodeName(n))
			switch {
			case n.Owner() == fromID && !names[toID][key]:
				d.RemovedElements = append(d.RemovedElements, n)
			case n.Owner() == toID && !names[fromID][key]:
				d.AddedElements = append(d.AddedElements, n)
			}
		}
	}
	return nil
}
