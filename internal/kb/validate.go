package kb

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits keep one value from swamping the store or a page.
const (
	MaxIDLength    = 160
	MaxShortText   = 1_000
	MaxLongText    = 100_000
	MaxListItems   = 200
	minYear        = 1800
	maxYear        = 2100
	MaxCodeLength  = 64
	maxConfidence  = 1.0
	minConfidence  = 0.0
	maxOffset      = 1 << 31
	longTextFields = "abstract statement description text design reasoning resource rationale citation"
)

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidateID checks a user-given or generated id: lower-case letters, digits, '.', '_' and '-'.
func ValidateID(path, id string) error {
	switch {
	case id == "":
		return Invalid(path, "is required")
	case len(id) > MaxIDLength:
		return Invalid(path, "is %d characters long; ids are at most %d", len(id), MaxIDLength)
	case !idPattern.MatchString(id):
		return Invalid(path, "%q is not a valid id: use lower-case letters, digits, '.', '_' and '-', starting with a letter or digit", id)
	}
	return nil
}

// validator gathers every problem of one value so a user sees them all at once.
type validator struct{ errs []error }

func (v *validator) add(err error) {
	if err != nil {
		v.errs = append(v.errs, err)
	}
}

func (v *validator) err() error { return errors.Join(v.errs...) }

func (v *validator) required(path, value string) {
	if strings.TrimSpace(value) == "" {
		v.add(Invalid(path, "is required"))
	}
}

func (v *validator) id(path, value string) { v.add(ValidateID(path, value)) }

func (v *validator) enum(path, enum, value string) {
	if err := checkEnum(enum, value); err != nil {
		v.add(Invalid(path, "%v", err))
	}
}

func (v *validator) enums(path, enum string, values []string) {
	v.list(path, len(values))
	for i, s := range values {
		v.enum(fmt.Sprintf("%s[%d]", path, i), enum, s)
	}
}

func (v *validator) list(path string, n int) {
	if n > MaxListItems {
		v.add(Invalid(path, "has %d items; at most %d", n, MaxListItems))
	}
}

// texts checks the length of every string property of n.
func (v *validator) texts(n any) {
	for key, val := range ToProps(n) {
		limit := MaxShortText
		if strings.Contains(" "+longTextFields+" ", " "+key+" ") {
			limit = MaxLongText
		}
		switch x := val.(type) {
		case string:
			v.text(key, x, limit)
		case []string:
			v.list(key, len(x))
			for i, s := range x {
				v.text(fmt.Sprintf("%s[%d]", key, i), s, limit)
			}
		}
	}
}

// text checks one string: its length, that it is UTF-8, and that it holds no control
// characters but tabs and line breaks (a NUL in a CMOC code breaks every export format).
func (v *validator) text(path, s string, limit int) {
	if len(s) > limit {
		v.add(Invalid(path, "is %d bytes long; at most %d", len(s), limit))
	}
	if !utf8.ValidString(s) {
		v.add(Invalid(path, "is not valid UTF-8 text"))
		return
	}
	for i, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			v.add(Invalid(path, "holds the control character %U at byte %d; only tabs and line breaks are allowed", r, i))
			return
		}
	}
}

func asStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (n *Study) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.required("title", n.Title)
	v.texts(n)
	if n.Year != nil && (*n.Year < minYear || *n.Year > maxYear) {
		v.add(Invalid("year", "%d is not a plausible publication year (%d to %d)", *n.Year, minYear, maxYear))
	}
	if n.SampleSize != nil && *n.SampleSize < 0 {
		v.add(Invalid("sampleSize", "must not be negative"))
	}
	v.enum("framing", "Framing", string(n.Framing))
	v.enum("population", "Population", string(n.Population))
	v.enums("informants", "Informant", asStrings(n.Informants))
	return v.err()
}

func (n *ProgrammeTheory) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("studyId", n.StudyID)
	v.required("name", n.Name)
	v.texts(n)
	v.enum("stage", "Stage", string(n.Stage))
	return v.err()
}

func (n *CMOC) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("programmeTheoryId", n.ProgrammeTheoryID)
	v.required("code", n.Code)
	if len(n.Code) > MaxCodeLength {
		v.add(Invalid("code", "is %d characters long; at most %d", len(n.Code), MaxCodeLength))
	}
	v.texts(n)
	v.enum("status", "CMOCStatus", string(n.Status))
	v.enums("actors", "Actor", asStrings(n.Actors))
	seen := map[string]int{}
	for i, r := range n.Roles {
		key := RoleKey(r)
		if key == "" {
			v.add(Invalid(fmt.Sprintf("roles[%d]", i), "is empty; name the role, e.g. \"peer supporter with diabetes\""))
			continue
		}
		if j, dup := seen[key]; dup {
			v.add(Invalid(fmt.Sprintf("roles[%d]", i), "repeats roles[%d] (%q)", j, n.Roles[j]))
			continue
		}
		seen[key] = i
	}
	return v.err()
}

func (n *Context) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("programmeTheoryId", n.ProgrammeTheoryID)
	v.required("name", n.Name)
	v.texts(n)
	v.enum("kind", "ContextKind", string(n.Kind))
	v.enum("level", "Level", string(n.Level))
	return v.err()
}

func (n *Mechanism) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("programmeTheoryId", n.ProgrammeTheoryID)
	v.required("name", n.Name)
	v.texts(n)
	return v.err()
}

func (n *Outcome) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("programmeTheoryId", n.ProgrammeTheoryID)
	v.required("name", n.Name)
	v.texts(n)
	v.enum("proximity", "Proximity", string(n.Proximity))
	return v.err()
}

func (n *Quote) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("studyId", n.StudyID)
	v.required("text", n.Text)
	v.texts(n)
	v.enum("informantRole", "Informant", string(n.InformantRole))
	for _, o := range []struct {
		path string
		val  *int
	}{{"startOffset", n.StartOffset}, {"endOffset", n.EndOffset}} {
		if o.val != nil && (*o.val < 0 || *o.val > maxOffset) {
			v.add(Invalid(o.path, "%d is out of range", *o.val))
		}
	}
	if n.StartOffset != nil && n.EndOffset != nil && *n.EndOffset < *n.StartOffset {
		v.add(Invalid("endOffset", "%d is before startOffset %d", *n.EndOffset, *n.StartOffset))
	}
	return v.err()
}

func (n *Theory) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.required("name", n.Name)
	v.texts(n)
	v.enum("kind", "TheoryKind", string(n.Kind))
	return v.err()
}

func (n *Construct) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("theoryId", n.TheoryID)
	v.required("name", n.Name)
	v.texts(n)
	return v.err()
}

func (n *Setting) Validate() error {
	var v validator
	v.id("id", n.ID)
	v.id("studyId", n.StudyID)
	v.required("name", n.Name)
	v.texts(n)
	return v.err()
}

// Validate checks a link's own fields: its type, ids and the properties its type takes. That
// its ends exist and are of the right kinds is the store's to check.
func (l *Link) Validate() error {
	var v validator
	if _, ok := LinkSpecFor(l.Type); !ok {
		v.add(Invalid("type", "%q is not a link type (one of %v)", l.Type, LinkTypes()))
		return v.err()
	}
	v.id("from", l.From)
	v.id("to", l.To)
	if l.From == l.To && l.From != "" {
		v.add(Invalid("to", "a %s link cannot join %q to itself", l.Type, l.From))
	}
	v.texts(&l.LinkProps)
	allowed := linkPropsAllowed[l.Type]
	for key := range LinkContent(*l) {
		if !slices.Contains(allowed, key) {
			v.add(Invalid(key, "a %s link has no %s", l.Type, key))
		}
	}
	v.enum("stance", "Stance", string(l.Stance))
	v.enum("relevance", "Rating", string(l.Relevance))
	v.enum("richness", "Rating", string(l.Richness))
	v.enum("rigour", "Rating", string(l.Rigour))
	v.enum("change", "RevisionChange", string(l.Change))
	v.enum("relation", "AlignRelation", string(l.Relation))
	if l.Confidence != nil && (*l.Confidence < minConfidence || *l.Confidence > maxConfidence) {
		v.add(Invalid("confidence", "%v is outside 0 to 1", *l.Confidence))
	}
	switch l.Type {
	case RelEvidences:
		if l.Stance == "" {
			v.add(Invalid("stance", "is required on an EVIDENCES link (SUPPORTS, REFUTES or REFINES)"))
		}
	case RelRevises:
		if l.Change == "" {
			v.add(Invalid("change", "is required on a REVISES link (SPLIT, MERGE, REWORD, REFUTE or RETIRE)"))
		}
	case RelAligns:
		if l.Relation == "" {
			v.add(Invalid("relation", "is required on an ALIGNS link (SAME_AS, BROADER, NARROWER, RELATED or CONTRADICTS)"))
		}
	}
	return v.err()
}

// RoleKey is how roles compare: ignoring case and runs of white space.
func RoleKey(role string) string { return strings.ToLower(strings.Join(strings.Fields(role), " ")) }
