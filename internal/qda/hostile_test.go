package qda

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// mustFail imports data and expects an error holding every want, with the store unchanged.
func mustFail(t *testing.T, data []byte, wants ...string) {
	t.Helper()
	st := newStore(t)
	if _, _, err := importProject(t, st, "example.qdpx", exampleQDPX(t)); err != nil {
		t.Fatal(err)
	}
	before := snapshotJSON(t, st)
	_, _, err := importProject(t, st, "hostile.qdpx", data)
	if err == nil {
		t.Fatalf("no error; want one containing %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q\ndoes not contain %q", err, w)
		}
	}
	if after := snapshotJSON(t, st); after != before {
		t.Error("a failed import changed the store")
	}
}

// withQDE is the example with project.qde rewritten.
func withQDE(t *testing.T, edit func(string) string) []byte {
	t.Helper()
	files := exampleFiles(t)
	files["project.qde"] = []byte(edit(string(files["project.qde"])))
	return buildZip(t, files)
}

// replaceOnce replaces the first old with new, failing the test if old is absent.
func replaceOnce(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("fixture has no %q", old)
	}
	return strings.Replace(s, old, new, 1)
}

// lineOf is the 1-based line of the first occurrence of sub in s.
func lineOf(t *testing.T, s, sub string) int {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("no %q", sub)
	}
	return strings.Count(s[:i], "\n") + 1
}

func exampleQDE(t *testing.T) string { return string(exampleFiles(t)["project.qde"]) }

// rawEntry is a zip entry written as given, headers and all, to forge what a writer never would.
type rawEntry struct {
	name       string
	data       []byte // compressed with deflate unless store
	store      bool
	declared   uint64 // uncompressed size claimed in the headers; 0: the true size
	flags      uint16
	compressed bool
}

func rawZip(t *testing.T, entries ...rawEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		body := e.data
		method := zip.Store
		if !e.store {
			method = zip.Deflate
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, flate.BestCompression)
			_, _ = fw.Write(e.data)
			_ = fw.Close()
			body = c.Bytes()
		}
		size := uint64(len(e.data))
		if e.declared != 0 {
			size = e.declared
		}
		hdr := &zip.FileHeader{Name: e.name, Method: method, Flags: e.flags, CRC32: crc32.ChecksumIEEE(e.data),
			CompressedSize64: uint64(len(body)), UncompressedSize64: size, Modified: zipTime}
		f, err := w.CreateRaw(hdr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHostileArchives(t *testing.T) {
	qde := exampleFiles(t)["project.qde"]
	big := bytes.Repeat([]byte("a"), 17<<20) // inflates past the 16 MiB source text limit

	t.Run("not a zip", func(t *testing.T) {
		mustFail(t, []byte("project.qde is not here"), "hostile.qdpx: not a readable zip archive")
	})
	t.Run("truncated", func(t *testing.T) {
		data := exampleQDPX(t)
		mustFail(t, data[:len(data)-30], "hostile.qdpx: not a readable zip archive")
	})
	t.Run("empty", func(t *testing.T) {
		mustFail(t, nil, "hostile.qdpx: not a readable zip archive")
	})
	t.Run("over the file size limit", func(t *testing.T) {
		mustFail(t, make([]byte, document.MaxFileSize+1), fmt.Sprintf("hostile.qdpx: file is %d bytes; at most %d", document.MaxFileSize+1, document.MaxFileSize))
	})
	t.Run("too many entries", func(t *testing.T) {
		files := exampleFiles(t)
		for i := range 10_001 {
			files[fmt.Sprintf("sources/extra-%05d.txt", i)] = nil
		}
		mustFail(t, buildZip(t, files), "entries; at most 10000")
	})
	t.Run("zip bomb declared", func(t *testing.T) {
		data := rawZip(t, rawEntry{name: "project.qde", data: qde}, rawEntry{name: source1, data: big})
		mustFail(t, data, "hostile.qdpx: "+source1+": entry is 17825792 bytes once uncompressed; at most 16777216")
	})
	t.Run("zip bomb with a lying header", func(t *testing.T) {
		data := rawZip(t, rawEntry{name: "project.qde", data: qde}, rawEntry{name: source1, data: big, declared: 1000})
		mustFail(t, data, "hostile.qdpx: "+source1+": entry is corrupt or does not match its header")
	})
	t.Run("project.qde bomb", func(t *testing.T) {
		huge := append(bytes.Clone(qde), bytes.Repeat([]byte(" "), document.MaxFileSize)...)
		data := rawZip(t, rawEntry{name: "project.qde", data: huge})
		mustFail(t, data, fmt.Sprintf("hostile.qdpx: project.qde: entry is %d bytes once uncompressed; at most %d", len(huge), document.MaxFileSize))
	})
	t.Run("encrypted", func(t *testing.T) {
		data := rawZip(t, rawEntry{name: "project.qde", data: qde, flags: 0x1})
		mustFail(t, data, "hostile.qdpx: project.qde: entry is encrypted")
	})
	for _, name := range []string{"../evil.txt", "sources/../../evil.txt", `..\evil.txt`, "/etc/passwd", `C:\Windows\evil.txt`} {
		t.Run("unsafe name "+name, func(t *testing.T) {
			files := exampleFiles(t)
			files[name] = []byte("x")
			want := "climbs out of the archive"
			if !strings.Contains(name, "..") {
				want = "has an absolute path"
			}
			mustFail(t, buildZip(t, files), fmt.Sprintf("hostile.qdpx: entry %q: %s", name, want))
		})
	}
	t.Run("same file twice", func(t *testing.T) {
		files := exampleFiles(t)
		files["Project.qde"] = qde
		mustFail(t, buildZip(t, files), `hostile.qdpx: entries "Project.qde" and "project.qde" are the same file`)
	})
	t.Run("no project", func(t *testing.T) {
		files := exampleFiles(t)
		delete(files, "project.qde")
		mustFail(t, buildZip(t, files), "hostile.qdpx: no project.qde in the archive")
	})
	t.Run("missing source text", func(t *testing.T) {
		files := exampleFiles(t)
		delete(files, source2)
		mustFail(t, buildZip(t, files), `hostile.qdpx: project.qde:`, `<TextSource name="Interview 02 (peer worker)">: plainTextPath`,
			"there is no "+source2)
	})
}

func TestLimitsCountBytesRead(t *testing.T) {
	data := exampleQDPX(t)
	lim := defaultLimits()
	lim.total = int64(len(exampleFiles(t)["project.qde"])) + 100 // the first source text crosses it
	_, _, err := readProject(document.Document{}, "x.qdpx", data, lim)
	if err == nil || !strings.Contains(err.Error(), "the archive's entries come to more than") {
		t.Fatalf("error %v", err)
	}
	lim = defaultLimits()
	lim.entries = 2
	if _, _, err := readProject(document.Document{}, "x.qdpx", data, lim); err == nil || !strings.Contains(err.Error(), "at most 2") {
		t.Fatalf("error %v", err)
	}
}

func TestHostileXML(t *testing.T) {
	qde := exampleQDE(t)
	t.Run("DOCTYPE with entities", func(t *testing.T) {
		bomb := `<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>`
		files := exampleFiles(t)
		files["project.qde"] = []byte(bomb)
		mustFail(t, buildZip(t, files), "hostile.qdpx: project.qde:2: <!DOCTYPE Project", "is not allowed")
	})
	t.Run("undefined entity", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, "Interview 01 (young person)", "&xxe;") }),
			fmt.Sprintf("hostile.qdpx: project.qde:%d: malformed XML: invalid character entity &xxe;", lineOf(t, qde, "Interview 01 (young person)")))
	})
	t.Run("not UTF-8", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, "Increased hope", "Increased h\xf6pe") }),
			fmt.Sprintf("hostile.qdpx: project.qde:%d: file is not UTF-8 text", lineOf(t, qde, "Increased hope")))
	})
	t.Run("other encoding declared", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, `encoding="utf-8"`, `encoding="ISO-8859-1"`) }),
			`hostile.qdpx: project.qde:1: the file declares encoding "ISO-8859-1"; REFI-QDA files are UTF-8`)
	})
	t.Run("truncated XML", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return s[:len(s)/2] }), "hostile.qdpx: project.qde:", "malformed XML: unexpected EOF")
	})
	t.Run("not a project", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, "urn:QDA-XML:project:1.0", "urn:example") }),
			`hostile.qdpx: project.qde:2: the root element is <Project> in namespace "urn:example"`)
	})
	t.Run("deep nesting", func(t *testing.T) {
		deep := strings.Repeat("<Code>", maxDepth+5)
		mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, "<Codes>", "<Codes>"+deep) }),
			fmt.Sprintf("elements nest more than %d deep", maxDepth))
	})
	t.Run("two roots", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string { return s + `<Project xmlns="urn:QDA-XML:project:1.0"/>` }),
			"a second root element <Project>")
	})
}

func TestHostileContent(t *testing.T) {
	qde := exampleQDE(t)
	firstSel := `startPosition="171" endPosition="276"`
	selDesc := `<PlainTextSelection name="I’d stopped going to CAMHS. I...">`
	cases := []struct {
		name       string
		old, new   string
		wantLineOf string // the fixture text whose line the error names
		want       string
	}{
		{"end past the text", firstSel, `startPosition="171" endPosition="99999"`, firstSel,
			selDesc + `: positions 171 to 99999 are outside the text of <TextSource name="Interview 01 (young person)">, which has 1085 characters`},
		{"start past the text", firstSel, `startPosition="5000" endPosition="5001"`, firstSel, "positions 5000 to 5001 are outside the text"},
		{"end before start", firstSel, `startPosition="276" endPosition="171"`, firstSel, selDesc + ": endPosition 171 is before startPosition 276"},
		{"negative", firstSel, `startPosition="-1" endPosition="276"`, firstSel, `startPosition "-1" is not a character position`},
		{"not a number", firstSel, `startPosition="171" endPosition="2e3"`, firstSel, `endPosition "2e3" is not a character position`},
		{"missing position", firstSel, `endPosition="276"`, `endPosition="276"`, selDesc + ": has no startPosition"},
		{"dangling CodeRef", `<CodeRef targetGUID="4339a47b-6b58-58b2-b349-778d7b85ab9f"/>`, `<CodeRef targetGUID="00000000-dead-beef-0000-000000000000"/>`,
			`<CodeRef targetGUID="4339a47b-6b58-58b2-b349-778d7b85ab9f"/>`,
			`<CodeRef>: targetGUID "00000000-dead-beef-0000-000000000000" is not the guid of a <Code> in the CodeBook`},
		{"Coding without CodeRef", `<CodeRef targetGUID="4339a47b-6b58-58b2-b349-778d7b85ab9f"/>`, ``,
			`<Coding guid="4a3150e5`, `<Coding guid="4a3150e5-05f4-5cce-8b6f-ca1cec4cc77b">: has no <CodeRef>`},
		{"dangling MemberCode", `<MemberCode targetGUID="7cb753ce-3c38-51e6-9907-6c8371e9727a"/>`, `<MemberCode targetGUID="nope"/>`,
			`<MemberCode targetGUID="7cb753ce-3c38-51e6-9907-6c8371e9727a"/>`, `<MemberCode>: targetGUID "nope" is not the guid of a <Code>`},
		{"dangling MemberSource", `<MemberCode targetGUID="7cb753ce-3c38-51e6-9907-6c8371e9727a"/>`, `<MemberSource targetGUID="nope"/>`,
			`<MemberCode targetGUID="7cb753ce-3c38-51e6-9907-6c8371e9727a"/>`, `<MemberSource>: targetGUID "nope" is not the guid of a source`},
		{"duplicate code guid", `guid="c25f89ad-42d1-576a-86d6-0bdc3e51bb56"`, `guid="b3b1a223-0cbd-5475-a20c-de2e06cf6ae6"`,
			`guid="c25f89ad-42d1-576a-86d6-0bdc3e51bb56"`, `<Code name="Increased hope">: guid "b3b1a223-0cbd-5475-a20c-de2e06cf6ae6" is also the guid of the code at line`},
		{"code without a name", `name="Increased hope" `, ``, `guid="c25f89ad-42d1-576a-86d6-0bdc3e51bb56"`, `: has no name`},
		{"external source text", `plainTextPath="internal://0b3a2c4d-66ea-5cc5-931b-6a9b7ebca991.txt"`,
			`plainTextPath="absolute:///home/reviewer/interview01.txt"`, `name="Interview 01 (young person)"`,
			`<TextSource name="Interview 01 (young person)">: plainTextPath "absolute:///home/reviewer/interview01.txt" is outside the archive`},
		{"source path traversal", `plainTextPath="internal://0b3a2c4d-66ea-5cc5-931b-6a9b7ebca991.txt"`,
			`plainTextPath="internal://../../etc/passwd"`, `name="Interview 01 (young person)"`,
			`plainTextPath "internal://../../etc/passwd" does not name a file in the archive's sources folder`},
		{"set name too long", `name="Hope through role models"`, `name="` + strings.Repeat("Hope ", 14) + `"`, `<Set guid`,
			"it becomes a CMOC code, which is at most 64"},
		{"set names clash", `name="Hope through role models"`, `name="Trust through shared-experience"`, `name="Hope through role models"`,
			`the name makes the same CMOC id as the set "Trust through shared experience" at line`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line := lineOf(t, qde, c.wantLineOf)
			if c.wantLineOf == `<Set guid` { // the second set
				line = lineOf(t, qde, `name="Hope through role models"`)
			}
			mustFail(t, withQDE(t, func(s string) string { return replaceOnce(t, s, c.old, c.new) }),
				fmt.Sprintf("hostile.qdpx: project.qde:%d: ", line), c.want)
		})
	}
}

func TestHostileSourceText(t *testing.T) {
	t.Run("not UTF-8", func(t *testing.T) {
		files := exampleFiles(t)
		files[source1] = bytes.Replace(files[source1], []byte("CAMHS"), []byte("CAMHS caf\xe9"), 1)
		mustFail(t, buildZip(t, files), "hostile.qdpx: "+source1+":4: the text of <TextSource name=\"Interview 01 (young person)\"> (project.qde:",
			"is not UTF-8")
	})
	t.Run("UTF-16", func(t *testing.T) {
		files := exampleFiles(t)
		files[source2] = []byte("\xff\xfeI\x00n\x00")
		mustFail(t, buildZip(t, files), "hostile.qdpx: "+source2+":1: ", "is not UTF-8")
	})
	t.Run("quote too long", func(t *testing.T) {
		files := exampleFiles(t)
		files[source1] = append(files[source1], bytes.Repeat([]byte("word "), 25_000)...)
		qde := strings.Replace(string(files["project.qde"]), `startPosition="1033" endPosition="1084"`, `startPosition="0" endPosition="126000"`, 1)
		files["project.qde"] = []byte(qde)
		mustFail(t, buildZip(t, files), "the selected text is", "a quote is at most 100000")
	})
}

func TestLongNames(t *testing.T) {
	qde := exampleQDE(t)
	long := strings.Repeat("Peer support for young people in the community ", 2)
	t.Run("ids too long", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string {
			s = replaceOnce(t, s, `name="Youth Peer Support Evaluation"`, `name="`+long+`"`)
			s = replaceOnce(t, s, `name="Interview 01 (young person)"`, `name="Interview 01 `+long+`"`)
			return replaceOnce(t, s, `name="Peer worker close in age"`, `name="Peer worker close in age `+long+`"`)
		}), fmt.Sprintf("hostile.qdpx: project.qde:%d: <Code name=\"Peer worker close in age Peer support", lineOf(t, qde, `name="Peer worker close in age"`)),
			"its element's id", "characters long (at most 160); shorten the project, source or code name")
	})
	t.Run("project name", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string {
			return replaceOnce(t, s, `name="Youth Peer Support Evaluation"`, `name="`+strings.Repeat("x", 1000)+`"`)
		}), "hostile.qdpx: project.qde:2: <Project name=", "the name is 1000 bytes long; at most 994")
	})
	t.Run("source name", func(t *testing.T) {
		mustFail(t, withQDE(t, func(s string) string {
			return replaceOnce(t, s, `name="Interview 01 (young person)"`, `name="`+strings.Repeat("x", 1001)+`"`)
		}), fmt.Sprintf("hostile.qdpx: project.qde:%d: <TextSource name=", lineOf(t, qde, `name="Interview 01 (young person)"`)),
			"the name is 1001 bytes long; at most 1000")
	})
}

func TestHostileCodebook(t *testing.T) {
	cases := []struct{ name, qdc, want string }{
		{"DOCTYPE", `<?xml version="1.0"?>` + "\n" + `<!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file:///etc/passwd">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>`,
			"bad.qdc:2: <!DOCTYPE CodeBook"},
		{"wrong root", `<Project xmlns="urn:QDA-XML:project:1.0"/>`, `bad.qdc:1: the root element is <Project>`},
		{"not UTF-8", "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\">\n<Codes><Code guid=\"a\" name=\"C: caf\xe9\"/></Codes></CodeBook>", "bad.qdc:2: file is not UTF-8"},
		{"duplicate guid", "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes>\n<Code guid=\"a\" name=\"C: x\"/>\n<Code guid=\"A\" name=\"C: y\"/></Codes></CodeBook>",
			`bad.qdc:3: <Code name="C: y">: guid "a" is also the guid of the code at line 2`},
		{"truncated", `<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="a" name="C: x">`, "bad.qdc:1: malformed XML: unexpected EOF"},
		{"empty", ``, "bad.qdc: no XML element in the file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadCodebook(document.Document{}, "bad.qdc", []byte(c.qdc))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want %q", err, c.want)
			}
		})
	}
	if _, _, err := ReadCodebook(document.Document{}, "big.qdc", make([]byte, document.MaxFileSize+1)); err == nil ||
		!strings.Contains(err.Error(), "big.qdc: file is") {
		t.Errorf("oversized codebook: %v", err)
	}
}
