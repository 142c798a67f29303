package graph_test

import (
	"os"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/cmograph/cmograph/internal/seed"
)

const importMutation = `mutation($files: [Upload!]!, $check: Boolean) {
	importFiles(files: $files, check: $check) { checked operations created updated unchanged linked notes } }`

func upload(t *testing.T, c *client.Client, path string, check bool) (map[string]any, []gqlError) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return raw(t, c, importMutation, map[string]any{"files": []*os.File{f}, "check": check}, client.WithFiles())
}

func TestImportFilesUploadsACMOCTableOnce(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s)
	d, errs := upload(t, c, "../internal/cmoctable/testdata/example.csv", true)
	if len(errs) > 0 {
		t.Fatalf("check: %+v", errs)
	}
	if at(d, "importFiles", "checked") != true || at(d, "importFiles", "operations").(float64) == 0 {
		t.Fatalf("check %s", jsonString(t, d))
	}
	if got := ok(t, c, `{ cmocs { totalCount } }`, nil); at(got, "cmocs", "totalCount") != 0.0 {
		t.Fatalf("a check wrote %v CMOCs", at(got, "cmocs", "totalCount"))
	}
	d, errs = upload(t, c, "../internal/cmoctable/testdata/example.csv", false)
	if len(errs) > 0 {
		t.Fatalf("import: %+v", errs)
	}
	if at(d, "importFiles", "created").(float64) == 0 {
		t.Fatalf("import created nothing: %s", jsonString(t, d))
	}
	got := ok(t, c, `{ cmocs { totalCount nodes { code evidence { stance quote { participant } } } } }`, nil)
	if at(got, "cmocs", "totalCount").(float64) < 2 {
		t.Errorf("CMOCs after import: %s", jsonString(t, got))
	}
	d, errs = upload(t, c, "../internal/cmoctable/testdata/example.csv", false)
	if len(errs) > 0 {
		t.Fatalf("re-import: %+v", errs)
	}
	if at(d, "importFiles", "created") != 0.0 || at(d, "importFiles", "updated") != 0.0 || at(d, "importFiles", "linked") != 0.0 {
		t.Errorf("re-importing changed something: %s", jsonString(t, d))
	}
}

func TestImportFilesRefusesABadFileWhole(t *testing.T) {
	s := newStore(t)
	c := newClient(t, s)
	bad := t.TempDir() + "/bad.csv"
	content := "study,theory,cmoc,outcome,quote,stance\nx-2020,T,CMOC 1,Hope,\"yes\",maybe\n"
	if err := os.WriteFile(bad, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := upload(t, c, bad, false)
	if len(errs) == 0 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(errs[0].Message, "bad.csv:2") || !strings.Contains(errs[0].Message, "maybe") {
		t.Fatalf("want a BAD_USER_INPUT naming bad.csv:2 and the value, got %+v", errs)
	}
	if got := ok(t, c, `{ studies { totalCount } }`, nil); at(got, "studies", "totalCount") != 0.0 {
		t.Errorf("a refused import wrote studies")
	}
}

func TestExportFormats(t *testing.T) {
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newStore(t, sources...))
	cases := map[string]string{
		`{ export(format: MERMAID, programmeTheoryId: "youth-peer-support-2023.ipt") { contentType text } }`: "flowchart",
		`{ export(format: DOT, programmeTheoryId: "youth-peer-support-2023.ipt") { contentType text } }`:     "digraph",
		`{ export(format: CSV, studyIds: ["gillard-2015"]) { contentType text } }`:                           "study,theory,cmoc",
		`{ export(format: MARKDOWN, studyIds: ["youth-peer-support-2023"]) { text } }`:                       "| CMOC |",
		`{ export(format: RIS) { text } }`:                                 "TY  - ",
		`{ export(format: BIBTEX) { text } }`:                              "@article{",
		`{ export(format: GRAPHML, studyIds: ["gillard-2015"]) { text } }`: "<graphml",
	}
	for q, want := range cases {
		d := ok(t, c, q, nil)
		if text, _ := at(d, "export", "text").(string); !strings.Contains(text, want) {
			t.Errorf("%s: want %q in\n%.300s", q, want, text)
		}
	}
	_, errs := raw(t, c, `{ export(format: MERMAID) { text } }`, nil)
	e := wantCode(t, errs, "BAD_USER_INPUT", "programme theory")
	if e.Extensions["field"] != "programmeTheoryId" {
		t.Errorf("field %v", e.Extensions["field"])
	}
	_, errs = raw(t, c, `{ export(format: DOT, programmeTheoryId: "nope") { text } }`, nil)
	wantCode(t, errs, "BAD_USER_INPUT", "nope")
}

// importFiles(check: true) resolves references against the store: a file whose alignment
// points at an id nobody holds is answered with the problem the import refuses it with, and
// nothing is written; a good file says what it would do kind by kind.
func TestImportFilesCheckResolvesReferences(t *testing.T) {
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, newStore(t, sources...))
	dir := t.TempDir()
	doc := "format: cmograph/v1\nstudies:\n  - id: check-2024\n    title: A study to check\n    year: 2024\n" +
		"    programmeTheories:\n      - id: check-2024.pt\n        name: T\n        outcomes:\n          - name: Recovery\n" +
		"        cmocs:\n          - code: CMOC 1\n            outcomes: [Recovery]\nalignments:\n" +
		"  - from: check-2024.pt.o.recovery\n    to: %s\n    relation: SAME_AS\n"
	const query = `mutation($files: [Upload!]!) { importFiles(files: $files, check: true) {
		checked problems kinds { kind created updated unchanged } links { type linked } } }`
	send := func(name, to string) (map[string]any, []gqlError) {
		path := dir + "/" + name
		if err := os.WriteFile(path, []byte(strings.Replace(doc, "%s", to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return raw(t, c, query, map[string]any{"files": []*os.File{f}}, client.WithFiles())
	}
	d, errs := send("bad2.yaml", "no-such-element")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := `bad2.yaml:15: alignments[0].to: no node with id "no-such-element"`
	if probs := at(d, "importFiles", "problems").([]any); len(probs) != 1 || probs[0] != want {
		t.Fatalf("problems = %v; want [%s]", probs, want)
	}
	d, errs = send("good.yaml", "gillard-2015.change-model.o.hope-for-recovery")
	if len(errs) > 0 || len(at(d, "importFiles", "problems").([]any)) != 0 {
		t.Fatalf("check of a good file: %v %s", errs, jsonString(t, d))
	}
	if got := jsonString(t, at(d, "importFiles", "links")); !strings.Contains(got, `{"linked":1,"type":"ALIGNS"}`) {
		t.Errorf("links: %s", got)
	}
	if got := jsonString(t, at(d, "importFiles", "kinds")); !strings.Contains(got, `{"created":1,"kind":"Study","unchanged":0,"updated":0}`) {
		t.Errorf("kinds: %s", got)
	}
	if got := ok(t, c, `{ study(id: "check-2024") { id } }`, nil); at(got, "study") != nil {
		t.Errorf("the check wrote the study")
	}
}
