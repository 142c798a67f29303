package qda

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// fuzzLimits keep one fuzz input cheap; the limits' logic is the same at any size.
func fuzzLimits() limits {
	return limits{archive: 1 << 20, entries: 64, xml: 1 << 20, text: 1 << 20, total: 4 << 20}
}

// checkResult holds for any input: an error names the file; a success converts the same way
// twice (no map-order dependence) and yields a document that plans.
func checkResult(t *testing.T, name string, doc document.Document, err error, again func() (document.Document, error)) {
	t.Helper()
	if err != nil {
		if !strings.HasPrefix(err.Error(), name) {
			t.Fatalf("error does not name the file: %v", err)
		}
		return
	}
	doc2, err2 := again()
	if err2 != nil {
		t.Fatalf("second conversion failed: %v", err2)
	}
	a, _ := document.MarshalJSON(doc)
	b, _ := document.MarshalJSON(doc2)
	if !bytes.Equal(a, b) {
		t.Fatal("two conversions of the same input differ")
	}
	if _, err := document.Plan([]*document.File{document.Built(name, doc)}); err != nil {
		t.Fatalf("converted document does not plan: %v", err)
	}
}

// FuzzReadProjectXML fuzzes project.qde, with the example's source texts in the archive.
func FuzzReadProjectXML(f *testing.F) {
	files := exampleFiles(f)
	qde := string(files["project.qde"])
	f.Add([]byte(qde))
	f.Add([]byte(smallProject(smallCodes, `<TextSource guid="a" name="N"><PlainTextContent>Rural. We trust her.</PlainTextContent>`+
		sel("s1", 0, 6, "C1")+sel("s2", 7, 20, "M1", "O1")+`</TextSource>`,
		`<Set guid="x" name="S"><MemberCode targetGUID="C1"/><MemberCode targetGUID="M1"/></Set>`)))
	f.Add([]byte(strings.Replace(qde, `endPosition="276"`, `endPosition="99999"`, 1)))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Project xmlns="urn:QDA-XML:project:1.0"/>`))
	f.Add([]byte(`<Project xmlns="urn:QDA-XML:project:1.0" name="&#0;"><Sources><PDFSource guid="p"><Representation/></PDFSource></Sources></Project>`))
	f.Add([]byte{})
	zipped := buildZip(f, map[string][]byte{source1: files[source1], source2: files[source2]})
	f.Fuzz(func(t *testing.T, data []byte) {
		convert := func() (document.Document, error) {
			a, err := openArchive("fuzz.qdpx", zipped, fuzzLimits())
			if err != nil {
				t.Fatal(err)
			}
			doc, _, err := convertProject(document.Document{}, "fuzz.qdpx", "fuzz.qdpx: project.qde", data,
				func(src *textSource) (string, error) { return a.sourceText(src, "fuzz.qdpx: project.qde") })
			return doc, err
		}
		doc, err := convert()
		checkResult(t, "fuzz.qdpx", doc, err, convert)
	})
}

// FuzzReadProjectZip fuzzes the whole .qdpx: the zip reader, its limits, then the XML.
func FuzzReadProjectZip(f *testing.F) {
	f.Add(exampleQDPX(f))
	files := exampleFiles(f)
	f.Add(buildZip(f, map[string][]byte{"project.qde": files["project.qde"]}))
	f.Add(buildZip(f, map[string][]byte{"../project.qde": files["project.qde"]}))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		convert := func() (document.Document, error) {
			doc, _, err := readProject(document.Document{}, "fuzz.qdpx", data, fuzzLimits())
			return doc, err
		}
		doc, err := convert()
		checkResult(t, "fuzz.qdpx", doc, err, convert)
	})
}

// FuzzReadCodebook fuzzes a .qdc codebook.
func FuzzReadCodebook(f *testing.F) {
	qdc, err := os.ReadFile("testdata/example.qdc")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(qdc)
	f.Add([]byte(`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a" name="C: x"><Code guid="b" name="Outcomes"><Code guid="c" name="y"/></Code></Code></Codes></CodeBook>`))
	f.Add([]byte(`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a" name="M: x"/><Code guid="b" name="M:  X"/></Codes></CodeBook>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		convert := func() (document.Document, error) {
			doc, _, err := ReadCodebook(document.Document{}, "fuzz.qdc", data)
			return doc, err
		}
		doc, err := convert()
		checkResult(t, "fuzz.qdc", doc, err, convert)
	})
}
