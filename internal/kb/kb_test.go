package kb_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

func ptr[T any](v T) *T { return &v }

func TestSlugAndIDs(t *testing.T) {
	cases := map[string]string{
		"CMOC 3":                           "cmoc-3",
		"  Hope for the future! ":          "hope-for-the-future",
		"Bordin's working alliance":        "bordin-s-working-alliance",
		"Café résumé":                      "cafe-resume",
		"#13":                              "13",
		"":                                 kb.ShortHash(""),
		"Role-modelling recovery & living": "role-modelling-recovery-living",
	}
	for in, want := range cases {
		if got := kb.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if err := kb.ValidateID("id", kb.Slug(in)); err != nil {
			t.Errorf("Slug(%q) is not a valid id: %v", in, err)
		}
	}
	long := strings.Repeat("peer support for children and young people ", 5)
	if s := kb.Slug(long); len(s) > 60 || s == kb.Slug(long+"x") {
		t.Errorf("long slugs must be short and keep apart texts that share a beginning: %q", s)
	}
	if got := kb.StudyID("Gillard, S.", 2015, "Developing a change model for peer worker interventions"); got != "gillard-2015-developing-a-change-model" {
		t.Errorf("StudyID = %q", got)
	}
	if kb.QuoteID("s", "You  can\nget better") != kb.QuoteID("s", "You can get better") {
		t.Error("QuoteID must not depend on line wrapping")
	}
	if got := kb.ChildID("youth.ipt", kb.ElementTag(kb.KindMechanism), "Peer modelling"); got != "youth.ipt.m.peer-modelling" {
		t.Errorf("ChildID = %q", got)
	}
}

func TestValidateIDRefusesWhatIsNotASlug(t *testing.T) {
	for _, bad := range []string{"", "Upper", "with space", "-leading", "é", strings.Repeat("a", kb.MaxIDLength+1)} {
		if err := kb.ValidateID("id", bad); !errors.Is(err, kb.ErrInvalid) {
			t.Errorf("ValidateID(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestValidateReportsEveryProblemWithItsField(t *testing.T) {
	s := &kb.Study{ID: "x", Title: "", Year: ptr(1200), Framing: "NOPE", Informants: []kb.Informant{"STAFF", "ROBOTS"}}
	err := s.Validate()
	var fields []string
	for _, e := range kb.Errors(err) {
		var de *kb.Error
		if !errors.As(e, &de) || !errors.Is(e, kb.ErrInvalid) {
			t.Fatalf("not a domain error: %v", e)
		}
		fields = append(fields, de.Path)
	}
	want := "title year framing informants[1]"
	if got := strings.Join(fields, " "); got != want {
		t.Fatalf("fields: got %q, want %q (%v)", got, want, err)
	}
	if err := (&kb.Quote{ID: "q", StudyID: "s", Text: "t", StartOffset: ptr(10), EndOffset: ptr(5)}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "endOffset") {
		t.Fatalf("offsets: %v", err)
	}
	if err := (&kb.Mechanism{ID: "m", ProgrammeTheoryID: "p", Name: "n", Reasoning: strings.Repeat("x", kb.MaxLongText+1)}).Validate(); err == nil ||
		!strings.Contains(err.Error(), "reasoning") {
		t.Fatalf("a huge field: %v", err)
	}
}

func TestLinkValidation(t *testing.T) {
	cases := []struct {
		link kb.Link
		want string
	}{
		{kb.Link{Type: kb.RelEvidences, From: "q", To: "c"}, "stance: is required"},
		{kb.Link{Type: kb.RelAligns, From: "a", To: "b", LinkProps: kb.LinkProps{Relation: "SAME_AS", Confidence: ptr(2.0)}}, "confidence"},
		{kb.Link{Type: kb.RelHasContext, From: "c", To: "x", LinkProps: kb.LinkProps{Rationale: "why"}}, "has no rationale"},
		{kb.Link{Type: kb.RelRevises, From: "a", To: "a", LinkProps: kb.LinkProps{Change: "SPLIT"}}, "itself"},
		{kb.Link{Type: "LOVES", From: "a", To: "b"}, "not a link type"},
	}
	for _, c := range cases {
		if err := c.link.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: want %q, got %v", c.link, c.want, err)
		}
	}
	ok := kb.Link{Type: kb.RelEvidences, From: "q", To: "c", LinkProps: kb.LinkProps{Stance: kb.StanceRefutes, Rigour: kb.RatingLow}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestPropsRoundTrip(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	in := &kb.Study{ID: "s", Title: "T", Authors: []string{"A", "B"}, Year: ptr(2020), SampleSize: ptr(0),
		Informants: []kb.Informant{kb.InformantStaff}, Population: kb.PopulationMixed, Meta: kb.Meta{CreatedAt: at, CreatedBy: "me"}}
	p := kb.ToProps(in)
	if _, has := p["journal"]; has {
		t.Error("empty strings must be absent")
	}
	if p["year"] != int64(2020) || p["sampleSize"] != int64(0) {
		t.Errorf("ints: %v %v", p["year"], p["sampleSize"])
	}
	// the shapes a driver or a JSON decoder hands back
	p["authors"] = []any{"A", "B"}
	p["year"] = float64(2020)
	p["createdAt"] = at.Format(time.RFC3339Nano)
	out, err := kb.FromProps(kb.KindStudy, p)
	if err != nil {
		t.Fatal(err)
	}
	if !kb.EqualProps(kb.ToProps(out), kb.ToProps(in)) {
		t.Fatalf("round trip:\n%v\n%v", kb.ToProps(out), kb.ToProps(in))
	}
	if _, err := kb.FromProps(kb.KindStudy, kb.Props{"id": "s", "colour": "red"}); err == nil || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("an unknown property: %v", err)
	}
	if _, err := kb.FromProps(kb.KindStudy, kb.Props{"year": 20.5}); err == nil || !strings.Contains(err.Error(), "year") {
		t.Fatalf("a fractional year: %v", err)
	}
}

func TestContentIgnoresProvenance(t *testing.T) {
	a := &kb.Theory{ID: "t", Name: "T", Meta: kb.Meta{CreatedAt: time.Now(), CreatedBy: "a"}}
	b := &kb.Theory{ID: "t", Name: "T", Meta: kb.Meta{CreatedBy: "b"}}
	if !kb.EqualProps(kb.Content(a), kb.Content(b)) {
		t.Fatal("content must not depend on provenance")
	}
}

func TestAtPathNamesNestedPlaces(t *testing.T) {
	err := kb.AtPath("input", errors.Join(kb.Invalid("year", "bad"), kb.Invalid("[2]", "worse"), kb.Invalid("", "whole")))
	got := []string{}
	for _, e := range kb.Errors(err) {
		got = append(got, e.Error())
	}
	if strings.Join(got, "|") != "input.year: bad|input[2]: worse|input: whole" {
		t.Fatalf("got %q", got)
	}
	if !errors.Is(err, kb.ErrInvalid) {
		t.Fatal("the sentinel must survive AtPath")
	}
}

func TestAlignInverse(t *testing.T) {
	for r, want := range map[kb.AlignRelation]kb.AlignRelation{
		kb.AlignBroader: kb.AlignNarrower, kb.AlignNarrower: kb.AlignBroader, kb.AlignSameAs: kb.AlignSameAs,
		kb.AlignRelated: kb.AlignRelated, kb.AlignContradicts: kb.AlignContradicts,
	} {
		if got := r.Inverse(); got != want || got.Inverse() != r {
			t.Errorf("%s inverse = %s", r, got)
		}
	}
}

func TestCheckLinkEndsKeepsElementsInTheirTheory(t *testing.T) {
	cmoc := &kb.CMOC{ID: "c", ProgrammeTheoryID: "p1", Code: "1"}
	own := &kb.Mechanism{ID: "m1", ProgrammeTheoryID: "p1", Name: "m"}
	other := &kb.Mechanism{ID: "m2", ProgrammeTheoryID: "p2", Name: "m"}
	if err := kb.CheckLinkEnds(kb.Link{Type: kb.RelHasMechanism, From: "c", To: "m1"}, cmoc, own); err != nil {
		t.Fatal(err)
	}
	if err := kb.CheckLinkEnds(kb.Link{Type: kb.RelHasMechanism, From: "c", To: "m2"}, cmoc, other); !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("cross-theory element: %v", err)
	}
	if err := kb.CheckLinkEnds(kb.Link{Type: kb.RelAligns, From: "m1", To: "m2"}, own, other); err != nil {
		t.Fatalf("cross-theory alignment: %v", err)
	}
	if err := kb.CheckLinkEnds(kb.Link{Type: kb.RelAligns, From: "m1", To: "x"}, own, nil); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("missing end: %v", err)
	}
}

func TestEnumsMarshalForGraphQL(t *testing.T) {
	var b strings.Builder
	kb.Framing("").MarshalGQL(&b)
	kb.FramingTrial.MarshalGQL(&b)
	if b.String() != `null"TRIAL"` {
		t.Fatalf("got %s", b.String())
	}
	var f kb.Framing
	if err := f.UnmarshalGQL("NOVEL"); err == nil {
		t.Fatal("an unknown value was accepted")
	}
}

func TestStampAndDecide(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	created := kb.Meta{CreatedAt: at.Add(-time.Hour), CreatedBy: "alice"}
	n := &kb.Theory{ID: "t", Name: "T"}
	kb.Stamp(n, created, at, "bob")
	if !n.CreatedAt.Equal(created.CreatedAt) || n.CreatedBy != "alice" || !n.UpdatedAt.Equal(at) || n.UpdatedBy != "bob" {
		t.Fatalf("stamp: %+v", n.Meta)
	}
	stored := &kb.Theory{ID: "t", Name: "T", Meta: created}
	if w := kb.DecideUpsert(&kb.Theory{ID: "t", Name: "T"}, stored, at, "bob"); w != kb.WriteNothing {
		t.Fatalf("same content: %v", w)
	}
	changed := &kb.Theory{ID: "t", Name: "T2"}
	if w := kb.DecideUpsert(changed, stored, at, "bob"); w != kb.WriteReplace || changed.CreatedBy != "alice" || changed.UpdatedBy != "bob" {
		t.Fatalf("changed content: %v %+v", w, changed.Meta)
	}
	imported := &kb.Theory{ID: "u", Name: "U", Meta: kb.Meta{CreatedAt: created.CreatedAt, CreatedBy: "alice"}}
	if w := kb.DecideUpsert(imported, nil, at, "bob"); w != kb.WriteInsert || !imported.UpdatedAt.Equal(created.CreatedAt) || imported.UpdatedBy != "alice" {
		t.Fatalf("an import's provenance must be kept: %+v", imported.Meta)
	}
	if _, _, err := kb.DecideUpdate(kb.KindStudy, "t", stored, kb.Props{"name": "x"}, nil, at, "bob"); !errors.Is(err, kb.ErrNotFound) {
		t.Fatalf("updating a theory as a study: %v", err)
	}
	n2, w, err := kb.DecideUpdate(kb.KindTheory, "t", stored, kb.Props{"citation": "c"}, nil, at, "bob")
	if err != nil || w != kb.WriteReplace || n2.(*kb.Theory).Citation != "c" || n2.NodeMeta().UpdatedBy != "bob" {
		t.Fatalf("update: %v %v %+v", w, err, n2)
	}
}

func TestTextRefusesControlCharacters(t *testing.T) {
	for name, c := range map[string]struct {
		node kb.Node
		path string
	}{
		"NUL in a code":     {&kb.CMOC{ID: "p.c", ProgrammeTheoryID: "p", Code: "\u0000"}, "code"},
		"escape in a title": {&kb.Study{ID: "s", Title: "A \x1b[31mred\x1b[0m title"}, "title"},
		"bad UTF-8":         {&kb.Study{ID: "s", Title: "caf\xe9"}, "title"},
		"in a list":         {&kb.Study{ID: "s", Title: "T", Authors: []string{"Smith, A", "Jones\u0007"}}, "authors[1]"},
	} {
		err := c.node.Validate()
		if !errors.Is(err, kb.ErrInvalid) || !strings.Contains(err.Error(), c.path) {
			t.Errorf("%s: %v", name, err)
		}
	}
	ok := &kb.Quote{ID: "s.q", StudyID: "s", Text: "line one\n\tline two\r\n"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("tabs and line breaks refused: %v", err)
	}
}

// StringField reads every string property of every kind as ToProps has it, and refuses what
// is not a string property.
func TestStringFieldReadsAsToProps(t *testing.T) {
	for _, k := range kb.Kinds {
		n, _ := kb.NewNode(k)
		specs := kb.FieldsOf(k)
		// every string property set to a value of its own, through the codec
		props := kb.Props{}
		for _, f := range specs {
			if f.Type == kb.FieldString && f.Enum == "" {
				props[f.Name] = "value of " + f.Name
			}
		}
		if err := kb.DecodeProps(props, n); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		have := kb.ToProps(n)
		for _, f := range specs {
			read, ok := kb.StringField(k, f.Name)
			if f.Type != kb.FieldString {
				if ok {
					t.Errorf("%s.%s is a %v, not a string, and StringField reads it", k, f.Name, f.Type)
				}
				continue
			}
			if !ok {
				t.Errorf("%s.%s: StringField cannot read it", k, f.Name)
				continue
			}
			want, _ := have[f.Name].(string)
			if got := read(n); got != want {
				t.Errorf("%s.%s: StringField reads %q, ToProps %q", k, f.Name, got, want)
			}
		}
		if _, ok := kb.StringField(k, "no-such-field"); ok {
			t.Errorf("%s: StringField reads a field that does not exist", k)
		}
	}
}
