package document_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
)

const sample = `format: cmograph/v1
theories:
  - id: chime
    name: CHIME
    kind: FRAMEWORK
    constructs:
      - name: Hope
studies:
  - id: s1
    title: A study
    year: 2020
    framing: REALIST_EVALUATION
    settings:
      - name: School service
    programmeTheories:
      - id: s1.ipt
        name: IPT
        stage: INITIAL
        drawsOn: [chime]
        contexts:
          - name: Matched peer
        mechanisms:
          - name: Modelling recovery
            resource: a peer in recovery
            reasoning: recovery seems possible
        outcomes:
          - name: Hope
            instanceOf: [chime.hope]
        cmocs:
          - code: CMOC 1
            contexts: [Matched peer]
            mechanisms: [Modelling recovery]
            outcomes: [Hope]
            settings: [School service]
            chainsTo:
              - cmoc: CMOC 2
                rationale: hope leads to engagement
          - code: CMOC 2
            outcomes: [Hope]
    quotes:
      - text: You can get better
        participant: "#13"
        informantRole: STAFF
        evidences:
          - cmoc: CMOC 1
            stance: SUPPORTS
`

func newStore(t *testing.T) kb.Store {
	t.Helper()
	s, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestImportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	r, err := document.Import(ctx, s, "test", document.Source{Name: "s1.yaml", Data: []byte(sample)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Created != 11 || r.Linked != 9 {
		t.Fatalf("first import: %+v", r)
	}
	r, err = document.Import(ctx, s, "test", document.Source{Name: "s1.yaml", Data: []byte(sample)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Changed() {
		t.Fatalf("second import changed something: %+v", r)
	}
	ns, _ := s.Get(ctx, []string{"s1.ipt.cmoc-1", "s1.ipt.m.modelling-recovery", "chime.hope", "s1.s.school-service"})
	if len(ns) != 4 {
		t.Fatalf("derived ids: got %d of 4 nodes", len(ns))
	}
}

func TestExportRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	if _, err := document.Import(ctx, s, "test", document.Source{Name: "s1.yaml", Data: []byte(sample)}); err != nil {
		t.Fatal(err)
	}
	first, err := document.Export(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	s2 := newStore(t)
	if _, err := document.Import(ctx, s2, "someone-else", document.Source{Name: "export.json", Data: first}); err != nil {
		t.Fatalf("re-importing the export: %v", err)
	}
	second, err := document.Export(ctx, s2)
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Fatalf("export -> import -> export differs:\n%s\n---\n%s", first, second)
	}
}

func TestErrorsNameFileAndLine(t *testing.T) {
	cases := []struct {
		name, doc, want string
	}{
		{"unknown field", strings.Replace(sample, "    year: 2020", "    yeer: 2020", 1), "bad.yaml: 11: field yeer is not a field of a Study"},
		{"bad enum", strings.Replace(sample, "REALIST_EVALUATION", "REALISTIC", 1), "bad.yaml:12: studies[0].framing: \"REALISTIC\" is not a Framing"},
		{"unknown element", strings.Replace(sample, "contexts: [Matched peer]", "contexts: [Unmatched peer]", 1), "bad.yaml:31: studies[0].programmeTheories[0].cmocs[0].contexts[0]: \"Unmatched peer\" is not the name or id of a context"},
		{"empty cmoc", strings.Replace(sample, "          - code: CMOC 2\n            outcomes: [Hope]\n", "          - code: CMOC 2\n", 1), "bad.yaml:38: studies[0].programmeTheories[0].cmocs[1]: CMOC \"CMOC 2\" has no context"},
		{"wrong format", strings.Replace(sample, "cmograph/v1", "cmograph/v9", 1), "bad.yaml:1: format: is \"cmograph/v9\""},
		{"syntax", sample + "\n  - : : :\n", "bad.yaml: "},
		{"alias bomb", "format: cmograph/v1\na: &a [x, x]\nb: [*a, *a]\n", "anchors and aliases are not allowed"},
		{"not utf-8", "format: cmograph/v1\nstudies:\n  - id: \xff\n", "bad.yaml:3: file is not UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			_, err := document.Import(context.Background(), s, "test", document.Source{Name: "bad.yaml", Data: []byte(c.doc)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
			snap, _ := s.Snapshot(context.Background())
			if len(snap.Nodes) != 0 {
				t.Fatalf("a failed import left %d nodes", len(snap.Nodes))
			}
		})
	}
}

func TestStoreErrorsNameFileAndLine(t *testing.T) {
	doc := strings.Replace(sample, "drawsOn: [chime]", "drawsOn: [no-such-theory]", 1)
	_, err := document.Import(context.Background(), newStore(t), "test", document.Source{Name: "bad.yaml", Data: []byte(doc)})
	if err == nil || !strings.Contains(err.Error(), "bad.yaml:19: studies[0].programmeTheories[0].drawsOn[0].to: no node with id \"no-such-theory\"") {
		t.Fatalf("got %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("format: cmograph/v1\n"))
	f.Add([]byte(`{"format":"cmograph/v1","studies":[{"id":"x","title":"y"}]}`))
	f.Add([]byte("a: &a [x]\nb: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := document.Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// planning must never panic, whatever parsed
		_, _ = document.Plan([]*document.File{file})
	})
}
