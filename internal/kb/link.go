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
	return p
}
