package diagram

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// The document a diagram is drawn from may be hand-written, so ids may be left to their
// defaults and CMOCs may name their elements and chain targets instead of giving ids. The index
// resolves them exactly as document.Plan does on import, so a diagram shows what importing
// the document would store.

// docIndex locates every programme theory and CMOC of a document.
type docIndex struct {
	pts    map[string]ptLoc
	ptIDs  []string            // sorted
	cmocs  map[string]cmocLoc  // CMOC id -> where it is
	scopes map[string]cmocRefs // study id -> the references its CMOCs' chains may use
}

type ptLoc struct {
	studyID string
	pt      *document.ProgrammeTheory
}

type cmocLoc struct {
	ptID, ptName, code string
	cmoc               *document.CMOC
}

// cmocRefs maps what a chain may say (a CMOC id, a code, or a programme theory id and a code
// joined by NUL) to the CMOC ids it can mean, as document.Plan's scope does.
type cmocRefs map[string][]string

func ptIDOf(studyID string, pt *document.ProgrammeTheory) string {
	return orDefault(pt.ID, kb.ChildID(studyID, "", pt.Name))
}

func cmocIDOf(ptID string, c *document.CMOC) string {
	return orDefault(c.ID, kb.ChildID(ptID, "", c.Code))
}

func orDefault(id, fallback string) string {
	if id != "" {
		return id
	}
	return fallback
}

func indexDocument(doc document.Document) *docIndex {
	x := &docIndex{pts: map[string]ptLoc{}, cmocs: map[string]cmocLoc{}, scopes: map[string]cmocRefs{}}
	for si := range doc.Studies {
		st := &doc.Studies[si]
		refs := x.scopes[st.ID]
		if refs == nil {
			refs = cmocRefs{}
			x.scopes[st.ID] = refs
		}
		for pi := range st.ProgrammeTheories {
			pt := &st.ProgrammeTheories[pi]
			ptID := ptIDOf(st.ID, pt)
			if _, dup := x.pts[ptID]; dup {
				continue // an invalid document; the first definition is the one drawn
			}
			x.pts[ptID] = ptLoc{studyID: st.ID, pt: pt}
			x.ptIDs = append(x.ptIDs, ptID)
			for ci := range pt.CMOCs {
				c := &pt.CMOCs[ci]
				id := cmocIDOf(ptID, c)
				if _, dup := x.cmocs[id]; !dup {
					x.cmocs[id] = cmocLoc{ptID: ptID, ptName: pt.Name, code: c.Code, cmoc: c}
				}
				refs[id] = []string{id}
				refs[c.Code] = append(refs[c.Code], id)
				refs[ptID+"\x00"+c.Code] = []string{id}
			}
		}
	}
	sort.Strings(x.ptIDs)
	return x
}

// resolveChain turns a chain's reference, written in programme theory ptID of study studyID,
// into a CMOC id: a code of that theory, a code of that study, or else an id.
func (x *docIndex) resolveChain(studyID, ptID, ref string) (string, error) {
	refs := x.scopes[studyID]
	matches := refs[ptID+"\x00"+ref]
	if matches == nil {
		matches = refs[ref]
	}
	switch len(matches) {
	case 0:
		return ref, nil
	case 1:
		return matches[0], nil
	}
	return "", fmt.Errorf("%q is the code of %d CMOCs in study %q (%s); use an id", ref, len(matches), studyID,
		strings.Join(matches, ", "))
}

// unknownPT explains a programme theory id the document does not hold.
func (x *docIndex) unknownPT(id string) error {
	if len(x.ptIDs) == 0 {
		return fmt.Errorf("programme theory %q: the document holds no programme theories", id)
	}
	return fmt.Errorf("programme theory %q is not in the document; it holds %s", id, listIDs(x.ptIDs))
}

// maxListedIDs bounds how many ids an error lists, so a big knowledge base gives a readable one.
const maxListedIDs = 25

func listIDs(ids []string) string {
	quoted := make([]string, 0, min(len(ids), maxListedIDs))
	for i, id := range ids {
		if i == maxListedIDs {
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", id))
	}
	s := strings.Join(quoted, ", ")
	if len(ids) > maxListedIDs {
		s += fmt.Sprintf(" and %d more", len(ids)-maxListedIDs)
	}
	return s
}
