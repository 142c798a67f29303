package citation

import (
	"bytes"
	"context"
	"io"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

var writers = []struct {
	format Format
	name   string
	write  func(io.Writer, []document.Study) error
}{
	{FormatRIS, "export.ris", WriteRIS},
	{FormatBibTeX, "export.bib", WriteBibTeX},
	{FormatCSLJSON, "export.json", WriteCSLJSON},
}

// awkward studies exercise what a writer must escape or fall back on.
func awkward() []document.Study {
	return []document.Study{{
		ID: "odd-2019", Title: `Costs of 50% & more: {braces}, \backslash, a_b, #1, $5, ~tilde^ and "quotes" -- in Zürich`,
		Authors: []string{"Gidugu, V.", "World Health Organization", "van Beethoven L", "Smith and Sons", "Müller J", "O'Brien P"},
		Year:    intp(2019), Journal: "J. Ment. Health & Soc.", Volume: "12", Issue: "Suppl 1", Pages: "e12-e20",
		DOI: "10.1000/ABC(def)_ghi", PMID: "12345678", URL: "https://example.org/~user/a%20b?x=1&y=2#frag_1",
		Abstract: "Line one. Line two with @ sign, 100% sure.",
	}, {
		ID: "no-year", Title: "A study without a year or journal",
	}}
}

// bibliographic is what an export must keep of a study.
type bibliographic struct {
	Title, Journal, Volume, Issue, Pages, DOI, PMID, URL, Abstract string
	Authors                                                        []string
	Year                                                           int
}

func bibOf(st document.Study) bibliographic {
	b := bibliographic{Title: st.Title, Journal: st.Journal, Volume: st.Volume, Issue: st.Issue, Pages: st.Pages,
		DOI: NormaliseDOI(st.DOI), PMID: st.PMID, URL: st.URL, Abstract: st.Abstract, Authors: st.Authors}
	if st.Year != nil {
		b.Year = *st.Year
	}
	return b
}

// Seed corpus -> export -> import into the seed store: nothing changes, every study matches.
func TestRoundTripIntoSeed(t *testing.T) {
	for _, w := range writers {
		t.Run(string(w.format), func(t *testing.T) {
			store := seedStore(t)
			base := baseOf(t, store)
			var buf bytes.Buffer
			if err := w.write(&buf, base.Studies); err != nil {
				t.Fatal(err)
			}
			before := dump(t, store)
			res, rep, err := importFile(t, store, w.name, buf.Bytes())
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			if res.Changed() {
				t.Errorf("re-importing the export changed the store: %+v", res)
			}
			if len(rep.Created) != 0 || len(rep.Updated) != 0 || len(rep.Matched) != len(base.Studies) {
				t.Errorf("report %+v", rep)
			}
			for id, how := range rep.Matched {
				if how != ByDOI {
					t.Errorf("%s matched by %s, want doi", id, how)
				}
			}
			if after := dump(t, store); after != before {
				t.Error("store differs after an import that reported no change")
			}
		})
	}
}

// Export -> import into an empty knowledge base recreates the same bibliographic fields, and
// importing the same file again changes nothing.
func TestRoundTripIntoEmpty(t *testing.T) {
	seedBase := baseOf(t, seedStore(t))
	studies := append(slices.Clone(seedBase.Studies), awkward()...)
	for _, w := range writers {
		t.Run(string(w.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, studies); err != nil {
				t.Fatal(err)
			}
			recs, err := Parse(w.name, buf.Bytes(), w.format)
			if err != nil {
				t.Fatalf("%v\n%s", err, buf.String())
			}
			doc, rep, err := Merge(document.Document{Format: document.FormatV1}, recs)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Created) != len(studies) || len(doc.Studies) != len(studies) {
				t.Fatalf("created %d studies from %d", len(rep.Created), len(studies))
			}
			for i, st := range studies {
				if got, want := bibOf(doc.Studies[i]), bibOf(st); !equalBib(got, want) {
					t.Errorf("study %s:\ngot  %+v\nwant %+v", st.ID, got, want)
				}
			}
			store := emptyStore(t)
			ctx := context.Background()
			if _, err := document.ImportFiles(ctx, store, "test", document.Built(w.name, doc)); err != nil {
				t.Fatal(err)
			}
			res, _, err := importFile(t, store, w.name, buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if res.Changed() {
				t.Errorf("second import changed the store: %+v", res)
			}
		})
	}
}

func equalBib(a, b bibliographic) bool {
	return a.Title == b.Title && a.Journal == b.Journal && a.Volume == b.Volume && a.Issue == b.Issue &&
		a.Pages == b.Pages && a.DOI == b.DOI && a.PMID == b.PMID && a.URL == b.URL && a.Abstract == b.Abstract &&
		a.Year == b.Year && slices.Equal(a.Authors, b.Authors)
}

func TestBibKeys(t *testing.T) {
	used := map[string]bool{}
	got := []string{bibKey("gillard-2015", used), bibKey("Gillard-2015", used), bibKey("a b{c}", used), bibKey("", used), bibKey("", used)}
	want := []string{"gillard-2015", "Gillard-2015-2", "a-b-c-", "study", "study-2"}
	if !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q", got, want)
	}
}
