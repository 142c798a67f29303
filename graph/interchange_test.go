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
