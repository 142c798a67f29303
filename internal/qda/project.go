package qda

import (
	"bytes"
	"fmt"
	"github.com/cmograph/cmograph/internal/text"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/cmograph/cmograph/internal/document"
)

// ReadProject converts a REFI-QDA project (data: the .qdpx zip; name: its file name, for
// errors) into the document to import, given the knowledge base as it is (base, from
// document.FromSnapshot). See the package comment for the mapping. On error nothing should be
// imported; the error names the archive, the file inside it and the line.
func ReadProject(base document.Document, name string, data []byte) (document.Document, Report, error) {
	return readProject(base, name, data, defaultLimits())
}

func readProject(base document.Document, name string, data []byte, lim limits) (document.Document, Report, error) {
	a, err := openArchive(name, data, lim)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	f, err := a.projectEntry()
	if err != nil {
		return document.Document{}, Report{}, err
	}
	qde, err := a.readEntry(f, lim.xml)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	where := name + ": " + f.Name
	return convertProject(base, name, where, qde, func(src *textSource) (string, error) {
		return a.sourceText(src, where)
	})
}

// convertProject is ReadProject once project.qde is out of the archive; where names it in
// errors ("x.qdpx: project.qde").
func convertProject(base document.Document, name, where string, qde []byte, load textLoader) (document.Document, Report, error) {
	root, err := parseXML(where, qde)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	proj, err := parseProject(where, root)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	if proj.name == "" {
		proj.name = fileStem(name)
	}
	report := Report{Project: proj.name}
	b := &builder{base: indexBase(base), report: &report, p: &problems{where: where}, ptName: proj.name + " codes",
		ptDesc: fmt.Sprintf("Contexts, mechanisms, outcomes and CMOCs coded in the REFI-QDA project %q.", proj.name)}
	studies := b.build(proj, load)
	if err := b.p.err(); err != nil {
		return document.Document{}, Report{}, err
	}
	return finish(name, document.Document{Format: document.FormatV1, Studies: studies}, report)
}

// finish checks the document plans (valid ids, lengths, enums, references) so a caller never
// gets a document that will fail at import time.
func finish(name string, doc document.Document, report Report) (document.Document, Report, error) {
	if _, err := document.Plan([]*document.File{document.Built(name, doc)}); err != nil {
		return document.Document{}, Report{}, fmt.Errorf("%s: the converted data is not valid: %w", name, err)
	}
	return doc, report, nil
}

// fileStem is a file name without directories or extension: "exports/Youth.qdpx" -> "Youth".
func fileStem(name string) string {
	base := filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// sourceText reads a source's text from the archive (sources/<file>, or <file> at the top
// level), or takes its inline PlainTextContent when it has no file inside the archive.
func (a *archive) sourceText(src *textSource, where string) (string, error) {
	at := fmt.Sprintf("%s:%d: %s", where, src.line, src.desc)
	const scheme = "internal://"
	p := src.path
	if p == "" || !strings.HasPrefix(strings.ToLower(p), scheme) {
		if src.hasInline {
			return src.inline, nil
		}
		if p == "" {
			return "", fmt.Errorf("%s: has coded selections but neither a plainTextPath nor a <PlainTextContent>", at)
		}
		return "", fmt.Errorf("%s: plainTextPath %q is outside the archive; export the project with its sources embedded (internal://)", at, p)
	}
	file := p[len(scheme):]
	if file == "" || strings.ContainsAny(file, `/\`) || file == "." || file == ".." || strings.ContainsRune(file, 0) {
		return "", fmt.Errorf("%s: plainTextPath %q does not name a file in the archive's sources folder", at, p)
	}
	f, ok := a.lookup("sources/" + file)
	if !ok {
		f, ok = a.lookup(file)
	}
	if !ok {
		if src.hasInline {
			return src.inline, nil
		}
		return "", fmt.Errorf("%s: plainTextPath %q: there is no sources/%s in the archive", at, p, file)
	}
	data, err := a.readEntry(f, a.lim.text)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(data) {
		return "", fmt.Errorf("%s: %s:%d: the text of %s (%s:%d) is not UTF-8; REFI-QDA source texts are UTF-8",
			a.name, f.Name, text.FirstInvalidLine(data), src.desc, strings.TrimPrefix(where, a.name+": "), src.line)
	}
	return string(bytes.TrimPrefix(data, utf8BOM)), nil
}
