package qda

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// The REFI-QDA parts the importer reads, each with the line it came from.

type code struct {
	guid, name, description string
	desc                    string // how errors name it: <Code name="...">
	line                    int
	index                   int // place in the codebook, for stable output order
	parent                  *code
	kind                    kb.Kind // "" when neither context, mechanism nor outcome
	element                 string  // the element's name: the code's, without a kind prefix
	category                bool    // a Context/Mechanism/Outcome category code
}

type selection struct {
	name       string
	desc       string // how errors name it: <PlainTextSelection name="...">
	line       int
	start, end int
	codes      []*code
}

type textSource struct {
	guid, altGUID string // altGUID: a PDF's text representation has a guid of its own
	name          string
	desc          string // how errors name it: <TextSource name="...">
	line          int
	path          string // plainTextPath as written, "" when the text is inline
	inline        string
	hasInline     bool
	selections    []*selection
}

type qdaSet struct {
	name, description string
	desc              string
	line              int
	codes             []*code
	sources           map[string]bool // member source guids; empty: every source
}

type project struct {
	name              string
	codes             []*code
	sources           []*textSource
	skippedSources    []string
	sets              []*qdaSet
	skippedSelections int
}

// Namespaces of the two REFI-QDA file kinds; the version after the last colon is not checked
// (exporters have written 1.0 and earlier drafts' numbers).
const (
	projectNamespace  = "urn:QDA-XML:project:"
	codebookNamespace = "urn:QDA-XML:codebook:"
)

const (
	// maxOffset bounds character positions (kb limits quote offsets the same way).
	maxOffset = 1 << 31
	// maxProjectName leaves room for " codes" in a programme theory name.
	maxProjectName = kb.MaxShortText - len(" codes")
)

// problems gathers a file's errors so a reviewer sees many at once, each at its line.
type problems struct {
	where string
	errs  []error
}

const maxProblems = 20

func (p *problems) at(e *element, format string, args ...any) {
	p.atLine(e.line, describe(e), format, args...)
}

// atLine reports a problem with an element read earlier, by its line and description.
func (p *problems) atLine(line int, what, format string, args ...any) {
	p.add(fmt.Errorf("%s:%d: %s: %s", p.where, line, what, fmt.Sprintf(format, args...)))
}

func (p *problems) add(err error) {
	switch {
	case len(p.errs) < maxProblems:
		p.errs = append(p.errs, err)
	case len(p.errs) == maxProblems:
		p.errs = append(p.errs, fmt.Errorf("%s: more problems not shown", p.where))
	}
}

func (p *problems) err() error { return errors.Join(p.errs...) }

// tooLong reports a value longer than the field it becomes can hold.
func (p *problems) tooLong(e *element, what, value string, limit int) bool {
	if len(value) <= limit {
		return false
	}
	p.at(e, "the %s is %d bytes long; at most %d", what, len(value), limit)
	return true
}

// describe names an element as a reader finds it in the file: <Code name="Trust">.
func describe(e *element) string {
	if n, ok := e.attrs["name"]; ok {
		return fmt.Sprintf("<%s name=%q>", e.name, clip(n, 60))
	}
	if g, ok := e.attrs["guid"]; ok {
		return fmt.Sprintf("<%s guid=%q>", e.name, clip(g, 60))
	}
	return "<" + e.name + ">"
}

// normGUID compares guids as the standard means them: case and braces do not matter (MAXQDA
// writes upper case).
func normGUID(g string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(g), "{}"))
}

// parseCodes reads a <Codes> element's code tree; byGUID receives every code.
func parseCodes(p *problems, codes *element, byGUID map[string]*code) []*code {
	var out []*code
	var walk func(e *element, parent *code)
	walk = func(e *element, parent *code) {
		for _, ce := range e.all("Code") {
			c := &code{guid: normGUID(ce.attr("guid")), name: strings.TrimSpace(ce.attr("name")), desc: describe(ce), line: ce.line,
				parent: parent, description: strings.TrimSpace(ce.first("Description").content())}
			switch {
			case c.guid == "":
				p.at(ce, "has no guid")
			case c.name == "":
				p.at(ce, "has no name")
			case p.tooLong(ce, "name", c.name, kb.MaxShortText), p.tooLong(ce, "Description", c.description, kb.MaxLongText):
			case byGUID[c.guid] != nil:
				p.at(ce, "guid %q is also the guid of the code at line %d", c.guid, byGUID[c.guid].line)
			default:
				c.index = len(out)
				byGUID[c.guid] = c
				out = append(out, c)
			}
			walk(ce, c)
		}
	}
	if codes != nil {
		walk(codes, nil)
	}
	return out
}

// parseProject reads project.qde's tree. where names the file for errors.
func parseProject(where string, root *element) (*project, error) {
	if root.name != "Project" || !strings.HasPrefix(root.space, projectNamespace) {
		return nil, fmt.Errorf("%s:%d: the root element is <%s> in namespace %q; a REFI-QDA project is <Project xmlns=\"%s1.0\">",
			where, root.line, root.name, root.space, projectNamespace)
	}
	p := &problems{where: where}
	proj := &project{name: strings.TrimSpace(root.attr("name"))}
	p.tooLong(root, "name", proj.name, maxProjectName)
	codes := map[string]*code{}
	if cb := root.first("CodeBook"); cb != nil {
		proj.codes = parseCodes(p, cb.first("Codes"), codes)
	}
	sourceGUIDs := map[string]int{} // every source's guid, whatever its kind -> line
	addGUID := func(e *element, g string) bool {
		if g == "" {
			p.at(e, "has no guid")
			return false
		}
		if line, dup := sourceGUIDs[g]; dup {
			p.at(e, "guid %q is also the guid of the source at line %d", g, line)
			return false
		}
		sourceGUIDs[g] = e.line
		return true
	}
	if sources := root.first("Sources"); sources != nil {
		for _, se := range sources.children {
			guid := normGUID(se.attr("guid"))
			name := strings.TrimSpace(se.attr("name"))
			switch se.name {
			case "TextSource":
				if addGUID(se, guid) {
					proj.sources = append(proj.sources, parseTextSource(p, se, se, guid, codes, proj))
				}
			case "PDFSource":
				if !addGUID(se, guid) {
					continue
				}
				rep := se.first("Representation")
				if rep == nil {
					proj.skippedSources = append(proj.skippedSources, fmt.Sprintf("PDFSource %q (no text representation)", name))
					continue
				}
				src := parseTextSource(p, se, rep, guid, codes, proj)
				if alt := normGUID(rep.attr("guid")); alt != "" && alt != guid && addGUID(rep, alt) {
					src.altGUID = alt
				}
				proj.sources = append(proj.sources, src)
			case "PictureSource", "AudioSource", "VideoSource":
				if addGUID(se, guid) {
					proj.skippedSources = append(proj.skippedSources, fmt.Sprintf("%s %q", se.name, name))
				}
			}
		}
	}
	if sets := root.first("Sets"); sets != nil {
		for _, se := range sets.all("Set") {
			s := &qdaSet{name: strings.TrimSpace(se.attr("name")), desc: describe(se), line: se.line,
				description: strings.TrimSpace(se.first("Description").content()), sources: map[string]bool{}}
			if s.name == "" {
				p.at(se, "has no name")
				continue
			}
			p.tooLong(se, "Description", s.description, kb.MaxLongText)
			for _, m := range se.all("MemberCode") {
				g := normGUID(m.attr("targetGUID"))
				c, ok := codes[g]
				if !ok {
					p.at(m, "targetGUID %q is not the guid of a <Code> in the CodeBook", m.attr("targetGUID"))
					continue
				}
				s.codes = append(s.codes, c)
			}
			for _, m := range se.all("MemberSource") {
				g := normGUID(m.attr("targetGUID"))
				if _, ok := sourceGUIDs[g]; !ok {
					p.at(m, "targetGUID %q is not the guid of a source in <Sources>", m.attr("targetGUID"))
					continue
				}
				s.sources[g] = true
			}
			proj.sets = append(proj.sets, s)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	classify(proj.codes)
	return proj, nil
}

// parseTextSource reads a TextSource, or a PDFSource's Representation (holder is the element
// that names the source, body the one that holds its text and selections).
func parseTextSource(p *problems, holder, body *element, guid string, codes map[string]*code, proj *project) *textSource {
	src := &textSource{guid: guid, name: strings.TrimSpace(holder.attr("name")), desc: describe(holder), line: holder.line,
		path: strings.TrimSpace(body.attr("plainTextPath"))}
	if src.name == "" {
		src.name = strings.TrimSpace(body.attr("name"))
	}
	if src.name == "" {
		p.at(holder, "has no name")
	}
	p.tooLong(holder, "name", src.name, kb.MaxShortText)
	if content := body.first("PlainTextContent"); content != nil {
		src.inline, src.hasInline = content.content(), true
	}
	for _, se := range body.all("PlainTextSelection") {
		sel := &selection{name: strings.TrimSpace(se.attr("name")), desc: describe(se), line: se.line}
		var ok bool
		if sel.start, ok = position(p, se, "startPosition"); !ok {
			continue
		}
		if sel.end, ok = position(p, se, "endPosition"); !ok {
			continue
		}
		if sel.end < sel.start {
			p.at(se, "endPosition %d is before startPosition %d", sel.end, sel.start)
			continue
		}
		seen := map[*code]bool{}
		for _, ce := range se.all("Coding") {
			refs := ce.all("CodeRef")
			if len(refs) == 0 {
				p.at(ce, "has no <CodeRef>")
			}
			for _, ref := range refs {
				c, ok := codes[normGUID(ref.attr("targetGUID"))]
				if !ok {
					p.at(ref, "targetGUID %q is not the guid of a <Code> in the CodeBook", ref.attr("targetGUID"))
					continue
				}
				if !seen[c] {
					seen[c] = true
					sel.codes = append(sel.codes, c)
				}
			}
		}
		if len(sel.codes) == 0 {
			proj.skippedSelections++ // a memo on a passage, not a coding
			continue
		}
		src.selections = append(src.selections, sel)
	}
	return src
}

// position reads a character position attribute.
func position(p *problems, e *element, attr string) (int, bool) {
	raw, ok := e.attrs[attr]
	if !ok {
		p.at(e, "has no %s", attr)
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 0 || n > maxOffset {
		p.at(e, "%s %q is not a character position (a whole number from 0 to %d)", attr, raw, maxOffset)
		return 0, false
	}
	return n, true
}
