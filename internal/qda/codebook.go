package qda

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// CodebookTheory is the name of the programme theory a codebook's elements go into.
const CodebookTheory = "Codebook"

// ReadCodebook converts a REFI-QDA codebook (.qdc: <CodeBook xmlns="urn:QDA-XML:codebook:1.0">)
// into the document to import: every code that is a context, mechanism or outcome becomes an
// element of the programme theory "Codebook" of the study "codebook-<slug of the file's base
// name>", copied from base where it already exists. A codebook with no such code yields an
// empty document (see Report.IgnoredCodes).
func ReadCodebook(base document.Document, name string, data []byte) (document.Document, Report, error) {
	if len(data) > document.MaxFileSize {
		return document.Document{}, Report{}, fmt.Errorf("%s: file is %d bytes; at most %d", name, len(data), document.MaxFileSize)
	}
	root, err := parseXML(name, data)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	if root.name != "CodeBook" || !(strings.HasPrefix(root.space, codebookNamespace) || strings.HasPrefix(root.space, projectNamespace)) {
		return document.Document{}, Report{}, fmt.Errorf("%s:%d: the root element is <%s> in namespace %q; a REFI-QDA codebook is <CodeBook xmlns=\"%s1.0\">",
			name, root.line, root.name, root.space, codebookNamespace)
	}
	p := &problems{where: name}
	codes := parseCodes(p, root.first("Codes"), map[string]*code{})
	if err := p.err(); err != nil {
		return document.Document{}, Report{}, err
	}
	classify(codes)
	file := filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	report := Report{Project: file}
	reportIgnored(codes, &report)
	doc := document.Document{Format: document.FormatV1}
	bi := indexBase(base)
	studyID := "codebook-" + kb.Slug(fileStem(name))
	ptID := kb.ChildID(studyID, "", CodebookTheory)
	pt := bi.programmeTheory(ptID, CodebookTheory,
		fmt.Sprintf("Contexts, mechanisms and outcomes of the REFI-QDA codebook %q.", file))
	seen := map[string]bool{}
	for _, c := range codes {
		if c.kind != "" {
			addElement(&pt, ptID, c, bi, seen, &report, p)
		}
	}
	if err := p.err(); err != nil {
		return document.Document{}, Report{}, err
	}
	if len(seen) == 0 {
		return doc, report, nil
	}
	st, merged := bi.study(studyID, "REFI-QDA codebook "+file)
	st.ProgrammeTheories = []document.ProgrammeTheory{pt}
	doc.Studies = []document.Study{st}
	report.Studies = 1
	if merged {
		report.MergedStudies = 1
	}
	return finish(name, doc, report)
}
