package citation

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

func baseDoc() document.Document {
	return document.Document{Format: document.FormatV1, Studies: []document.Study{
		{ID: "a-2015", Title: "Peer support: a review.", Year: intp(2015), DOI: "10.1000/ABC", Authors: []string{"Smith J"},
			Framing: "REALIST_EVALUATION", Population: "ADULTS", Journal: "Old Journal", Abstract: "Kept abstract.",
			ProgrammeTheories: []document.ProgrammeTheory{{Name: "IPT"}}},
		{ID: "b-2018", Title: "Mechanisms of hope", Year: intp(2018), PMID: "111", Country: "UK"},
		{ID: "c-2020", Title: "Peer Workers in Mental Health", Year: intp(2020)},
		{ID: "d-2020", Title: "Peer workers in mental health", Year: intp(2021), DOI: "10.1000/d"},
	}}
}

func TestMergeMatching(t *testing.T) {
	base := baseDoc()
	recs := []Record{
		{Line: 1, Title: "Peer support: a review", DOI: "10.1000/abc", Journal: "New Journal", Authors: []string{"Smith, J."}},
		{Line: 10, Title: "Mechanisms of Hope!", PMID: "111", Volume: "3"},
		{Line: 20, Title: "peer workers in mental-health", Year: intp(2020), Pages: "1-9"},
		{Line: 30, Title: "Brand new paper on peer support", Year: intp(2022), Authors: []string{"Ōtani, Kenji", "Doe J"}, DOI: "https://doi.org/10.1000/NEW"},
		// Same title and year as d-2020 but another DOI: a different paper.
		{Line: 40, Title: "Peer workers in mental health", Year: intp(2021), DOI: "10.1000/other"},
	}
	doc, rep, err := Merge(base, recs)
	if err != nil {
		t.Fatal(err)
	}
	wantMatched := map[string]string{"a-2015": ByDOI, "b-2018": ByPMID, "c-2020": ByTitleYear}
	if !reflect.DeepEqual(rep.Matched, wantMatched) {
		t.Errorf("matched %v, want %v", rep.Matched, wantMatched)
	}
	if want := []string{"otani-2022-brand-new-paper-on", "2021-peer-workers-in-mental"}; !slices.Equal(rep.Created, want) {
		t.Errorf("created %v, want %v", rep.Created, want)
	}
	if want := []string{"a-2015", "b-2018", "c-2020"}; !slices.Equal(rep.Updated, want) {
		t.Errorf("updated %v, want %v", rep.Updated, want)
	}
	a := studyByID(doc, "a-2015")
	if a == nil || a.Journal != "New Journal" || a.Title != "Peer support: a review" || a.DOI != "10.1000/ABC" ||
		a.Abstract != "Kept abstract." || a.Framing != "REALIST_EVALUATION" || a.Population != "ADULTS" ||
		!slices.Equal(a.Authors, []string{"Smith J"}) || len(a.ProgrammeTheories) != 0 {
		t.Errorf("a-2015 merged wrong: %+v", a)
	}
	if b := studyByID(doc, "b-2018"); b.Volume != "3" || b.Country != "UK" || b.Title != "Mechanisms of Hope!" {
		t.Errorf("b-2018 merged wrong: %+v", b)
	}
	n := studyByID(doc, rep.Created[0])
	if n.DOI != "10.1000/new" || *n.Year != 2022 || n.Title != "Brand new paper on peer support" {
		t.Errorf("new study wrong: %+v", n)
	}
	if base.Studies[0].Journal != "Old Journal" || len(base.Studies[0].ProgrammeTheories) != 1 {
		t.Error("Merge changed its base")
	}
	if doc.Format != document.FormatV1 || len(doc.Studies) != 5 {
		t.Errorf("document: %d studies, format %q", len(doc.Studies), doc.Format)
	}
}

func TestMergeErrors(t *testing.T) {
	cases := []struct {
		name string
		recs []Record
		want string
	}{
		{"two records one study", []Record{{Line: 3, DOI: "10.1000/abc"}, {Line: 9, Title: "Peer support - a review", Year: intp(2015)}},
			`line 9: record 2: matches study "a-2015" by title+year, which record 1 (line 3) already matched`},
		{"duplicate new records", []Record{{Line: 3, Title: "New", DOI: "10.1/x"}, {Line: 9, Title: "New again", DOI: "10.1/X"}},
			`line 9: record 2: matches study "new" by doi, which record 1 (line 3) already created`},
		{"no title", []Record{{Line: 4, Authors: []string{"Smith J"}}}, "line 4: record 1: has no title"},
		{"implausible year", []Record{{Line: 4, Title: "Old", Year: intp(1066)}}, "line 4: record 1: year: 1066 is not a plausible publication year"},
		{"long title", []Record{{Line: 4, Title: strings.Repeat("x", 1200)}}, "line 4: record 1: title: is 1200 bytes long; at most 1000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Merge(baseDoc(), c.recs)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
		})
	}
	base := baseDoc()
	base.Studies = append(base.Studies, document.Study{ID: "dup", Title: "Dup", DOI: "10.1000/abc"})
	if _, _, err := Merge(base, []Record{{Line: 2, DOI: "10.1000/abc"}}); err == nil || !strings.Contains(err.Error(), `matches 2 studies by doi ("a-2015", "dup")`) {
		t.Errorf("ambiguous match: %v", err)
	}
}

func TestMergeIDCollision(t *testing.T) {
	base := document.Document{Studies: []document.Study{{ID: "smith-2020-peer-support-in-mental", Title: "Peer support in mental health: a review", Year: intp(2020), DOI: "10.1/a"}}}
	doc, rep, err := Merge(base, []Record{{Line: 1, Title: "Peer support in mental health: outcomes", Year: intp(2020), Authors: []string{"Smith J"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != 1 || !strings.HasPrefix(rep.Created[0], "smith-2020-peer-support-in-mental-") || doc.Studies[0].ID != rep.Created[0] {
		t.Errorf("created %v", rep.Created)
	}
}

func TestMergeCapsAuthors(t *testing.T) {
	authors := make([]string, 300)
	for i := range authors {
		authors[i] = "Author A"
	}
	doc, _, err := Merge(document.Document{}, []Record{{Title: "Consortium paper", Authors: authors}})
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Studies[0].Authors; len(got) != 200 || got[199] != etAl {
		t.Errorf("%d authors, last %q", len(got), got[len(got)-1])
	}
}

// The example files against the seed corpus: each matches one seed study and creates one, and
// importing it again changes nothing.
func TestExampleFilesIntoSeed(t *testing.T) {
	cases := []struct {
		file, matched, how string
		updated            bool
		created            string
	}{
		{"testdata/example.ris", "gillard-2015", ByDOI, true, "pawson-2005-realist-review-a"},
		{"testdata/example.bib", "gillard-2015", ByDOI, false, "dalkin-2015-what-s-in-a-mechanism"},
		{"testdata/example.json", "peer-trial-2024", ByPMID, false, "wong-2013-rameses-publication-standards-realist"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			store := seedStore(t)
			data, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			before := baseOf(t, store)
			res, rep, err := importFile(t, store, c.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Matched[c.matched] != c.how || len(rep.Matched) != 1 {
				t.Errorf("matched %v, want %s by %s", rep.Matched, c.matched, c.how)
			}
			if !slices.Equal(rep.Created, []string{c.created}) {
				t.Errorf("created %v, want %s", rep.Created, c.created)
			}
			if (len(rep.Updated) == 1) != c.updated {
				t.Errorf("updated %v", rep.Updated)
			}
			if !res.Changed() {
				t.Error("first import changed nothing")
			}
			// The matched study keeps everything it had: its framing, population, children.
			after := baseOf(t, store)
			old, now := studyByID(before, c.matched), studyByID(after, c.matched)
			if now.Framing != old.Framing || now.SampleSize == nil || *now.SampleSize != *old.SampleSize ||
				len(now.ProgrammeTheories) != len(old.ProgrammeTheories) || len(now.Quotes) != len(old.Quotes) ||
				len(now.Settings) != len(old.Settings) || !slices.Equal(now.Authors, old.Authors) {
				t.Errorf("%s lost data:\nbefore %+v\nafter  %+v", c.matched, old, now)
			}
			res, rep, err = importFile(t, store, c.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed() || len(rep.Created) != 0 || len(rep.Updated) != 0 || len(rep.Matched) != 2 {
				t.Errorf("second import: %+v, report %+v", res, rep)
			}
		})
	}
}

func TestNewStudyIDs(t *testing.T) {
	base := document.Document{Theories: []document.Theory{{ID: "chime", Name: "CHIME"}}}
	doc, rep, err := Merge(base, []Record{
		{Line: 1, Title: "Symphonies", Year: intp(1808), Authors: []string{"van Beethoven L"}},
		{Line: 2, Title: "Guidance", Year: intp(2020), Authors: []string{"World Health Organization"}},
		{Line: 3, Title: "Smith study", Year: intp(2020), Authors: []string{"Smith, John"}},
		{Line: 4, Title: "CHIME"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"van-beethoven-1808-symphonies", "world-health-organization-2020-guidance", "smith-2020-smith-study"}
	if !slices.Equal(rep.Created[:3], want) {
		t.Errorf("created %v, want %v", rep.Created, want)
	}
	if id := rep.Created[3]; id == "chime" || !strings.HasPrefix(id, "chime-") || doc.Studies[3].ID != id {
		t.Errorf("study titled CHIME got id %q, which must not be the theory's", id)
	}
}
