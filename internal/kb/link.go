package kb

import "time"

// Link is a relationship that is made and removed on its own: its identity is (Type, From, To).
type Link struct {
	Type RelType `json:"type"`
	From string  `json:"from"`
	To   string  `json:"to"`
	LinkProps
}

// LinkProps are a link's properties; which ones a type takes is checked by Validate.
type LinkProps struct {
	Stance     Stance         `json:"stance,omitempty"`
	Relevance  Rating         `json:"relevance,omitempty"`
	Richness   Rating         `json:"richness,omitempty"`
	Rigour     Rating         `json:"rigour,omitempty"`
	Change     RevisionChange `json:"change,omitempty"`
	Relation   AlignRelation  `json:"relation,omitempty"`
	Confidence *float64       `json:"confidence,omitempty"`
	Rationale  string         `json:"rationale,omitempty"`
	Reviewer   string         `json:"reviewer,omitempty"`
	CreatedAt  time.Time      `json:"createdAt"`
	CreatedBy  string         `json:"createdBy,omitempty"`
	// Revision counts the writes that changed the link's content: 1 when made. A link or
	// unlink may state the revision it read (Op.ExpectedRevision) and is refused with a
	// conflict if the link moved on.
	Revision int `json:"revision,omitempty"`
}

// Key identifies a link.
type LinkKey struct {
	Type     RelType
	From, To string
}

func (l Link) Key() LinkKey { return LinkKey{l.Type, l.From, l.To} }

// linkPropsAllowed says which properties each type carries besides provenance.
var linkPropsAllowed = map[RelType][]string{
	RelChainsTo:  {"rationale"},
	RelEvidences: {"stance", "relevance", "richness", "rigour", "rationale", "reviewer"},
	RelRevises:   {"change", "rationale"},
	RelAligns:    {"relation", "rationale", "confidence", "reviewer"},
	RelRejects:   {"rationale", "reviewer"},
}

// LinkContent is a link's properties without provenance.
func LinkContent(l Link) Props {
	p := ToProps(&l.LinkProps)
	delete(p, "createdAt")
	delete(p, "createdBy")
	delete(p, "revision")
	return p
}

// LinkWrite decides a link op against the link stored (nil when there is none): whether it
// changes anything, and the revision and provenance the written link keeps. A link that
// stated the revision it read (expected) is refused when the stored one is at another; 0
// means the writer saw no link.
func LinkWrite(l Link, stored *Link, expected *int) (Link, bool, error) {
	if err := CheckLinkRevision(l, stored, expected); err != nil {
		return l, false, err
	}
	if stored == nil {
		l.Revision = 1
		return l, true, nil
	}
	if EqualProps(LinkContent(*stored), LinkContent(l)) {
		return *stored, false, nil
	}
	l.CreatedAt, l.CreatedBy, l.Revision = stored.CreatedAt, stored.CreatedBy, max(stored.Revision, 1)+1
	return l, true, nil
}

// CheckLinkRevision refuses a link or unlink that stated the revision it read when the
// stored link is at another (0: no link).
func CheckLinkRevision(l Link, stored *Link, expected *int) error {
	if expected == nil {
		return nil
	}
	have := 0
	if stored != nil {
		have = max(stored.Revision, 1)
	}
	if have != *expected {
		if have == 0 {
			return Conflict("expectedRevision", "there is no %s link from %q to %q, not one at revision %d: it was removed since you read it", l.Type, l.From, l.To, *expected)
		}
		return Conflict("expectedRevision", "the %s link from %q to %q is at revision %d, not %d: it changed since you read it; read it again and redo your change", l.Type, l.From, l.To, have, *expected)
	}
	return nil
}
