package citation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
)

// The writers export the bibliographic fields of studies (title, authors, year, journal,
// volume, issue, pages, DOI, PMID, URL, abstract) so that each format's reader gives them back:
// importing an export into the store it came from changes nothing. White space inside a value is
// collapsed to single spaces (RIS values are one line; BibTeX collapses it anyway).

// WriteRIS writes studies as RIS records, one "TAG  - value" per line. The study id goes in ID,
// the PMID in AN, the pages in SP.
func WriteRIS(w io.Writer, studies []document.Study) error {
	var b bytes.Buffer
	for i, st := range studies {
		if i > 0 {
			b.WriteByte('\n')
		}
		tag := func(t, v string) {
			if v = squash(v); v != "" {
				fmt.Fprintf(&b, "%s  - %s\n", t, v)
			}
		}
		typ := "JOUR"
		if st.Journal == "" {
			typ = "GEN"
		}
		tag("TY", typ)
		tag("ID", st.ID)
		tag("TI", st.Title)
		for _, a := range st.Authors {
			tag("AU", a)
		}
		if st.Year != nil {
			tag("PY", strconv.Itoa(*st.Year))
		}
		tag("JO", st.Journal)
		tag("VL", st.Volume)
		tag("IS", st.Issue)
		tag("SP", st.Pages)
		tag("DO", st.DOI)
		tag("AN", st.PMID)
		tag("UR", st.URL)
		tag("AB", st.Abstract)
		b.WriteString("ER  - \n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteBibTeX writes studies as BibTeX entries keyed by study id (made a valid, unique key).
// Text is escaped for LaTeX and written as UTF-8; the title is double-braced so styles keep its
// capitals; authors are "Surname, I." or, when that would not read back unchanged (a corporate
// author, a comma in the name), a braced literal.
func WriteBibTeX(w io.Writer, studies []document.Study) error {
	var b bytes.Buffer
	keys := map[string]bool{}
	for i, st := range studies {
		if i > 0 {
			b.WriteByte('\n')
		}
		typ := "article"
		if st.Journal == "" {
			typ = "misc"
		}
		fmt.Fprintf(&b, "@%s{%s,\n", typ, bibKey(st.ID, keys))
		field := func(name, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %s = {%s},\n", name, v)
			}
		}
		names := make([]string, len(st.Authors))
		for j, a := range st.Authors {
			names[j] = encodeBibName(squash(a))
		}
		field("author", strings.Join(names, " and "))
		if t := squash(st.Title); t != "" {
			field("title", "{"+encodeLatex(t)+"}")
		}
		field("journal", encodeLatex(squash(st.Journal)))
		if st.Year != nil {
			field("year", strconv.Itoa(*st.Year))
		}
		field("volume", encodeLatex(squash(st.Volume)))
		field("number", encodeLatex(squash(st.Issue)))
		pages := squash(st.Pages)
		if !strings.Contains(pages, "--") {
			pages = strings.ReplaceAll(pages, "-", "--")
		}
		field("pages", encodeLatex(pages))
		field("doi", verbatim(st.DOI))
		field("pmid", verbatim(st.PMID))
		field("url", verbatim(st.URL))
		field("abstract", encodeLatex(squash(st.Abstract)))
		b.WriteString("}\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// verbatim prepares a DOI, PMID or URL for a braced BibTeX value, which is read without LaTeX
// decoding: only braces, which would unbalance the entry, are percent-encoded.
func verbatim(s string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D").Replace(strings.TrimSpace(s))
}

// bibKey makes a study id a citation key: BibTeX and biber accept letters, digits and
// "_-.:"; anything else becomes '-'. A key already used gets a numeric suffix.
func bibKey(id string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range id {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:", r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	key := b.String()
	if key == "" {
		key = "study"
	}
	unique := key
	for n := 2; used[strings.ToLower(unique)]; n++ {
		unique = key + "-" + strconv.Itoa(n)
	}
	used[strings.ToLower(unique)] = true
	return unique
}

type cslOutName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Literal string `json:"literal,omitempty"`
}

// WriteCSLJSON writes studies as a CSL-JSON array, one field per line (names and dates on one
// line each, which json.MarshalIndent would spread over many); the study id is the item id.
// Authors are {family, given} when that reads back unchanged, else {literal}.
func WriteCSLJSON(w io.Writer, studies []document.Study) error {
	var b bytes.Buffer
	b.WriteString("[")
	for i, st := range studies {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n  {")
		first := true
		field := func(key string, v any) {
			if !first {
				b.WriteString(",")
			}
			first = false
			fmt.Fprintf(&b, "\n    %s: %s", jsonText(key), jsonText(v))
		}
		str := func(key, v string) {
			if v != "" {
				field(key, v)
			}
		}
		typ := "article-journal"
		if st.Journal == "" {
			typ = "article"
		}
		field("id", st.ID)
		field("type", typ)
		str("title", squash(st.Title))
		if len(st.Authors) > 0 {
			names := make([]string, len(st.Authors))
			for j, a := range st.Authors {
				names[j] = jsonText(encodeCSLName(squash(a)))
			}
			field("author", json.RawMessage("[\n      "+strings.Join(names, ",\n      ")+"\n    ]"))
		}
		if st.Year != nil {
			field("issued", json.RawMessage(fmt.Sprintf(`{"date-parts": [[%d]]}`, *st.Year)))
		}
		str("container-title", squash(st.Journal))
		str("volume", squash(st.Volume))
		str("issue", squash(st.Issue))
		str("page", squash(st.Pages))
		str("DOI", strings.TrimSpace(st.DOI))
		str("PMID", strings.TrimSpace(st.PMID))
		str("URL", strings.TrimSpace(st.URL))
		str("abstract", squash(st.Abstract))
		b.WriteString("\n  }")
	}
	if len(studies) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]\n")
	_, err := w.Write(b.Bytes())
	return err
}

// jsonText encodes v on one line, leaving <, > and & as they are (json.Marshal escapes them
// for HTML, which a citation file does not need). Raw JSON is written as given.
func jsonText(v any) string {
	if raw, ok := v.(json.RawMessage); ok {
		return string(raw)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // strings and cslOutName always encode
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// encodeCSLName writes "Gillard S" as {family: Gillard, given: "S."}, or a literal when the
// structured form would not read back as the same string.
func encodeCSLName(n string) cslOutName {
	if surname, inits, ok := splitVancouver(n); ok {
		given := dotted(inits)
		if cslJoin("", surname, given, "", "", "") == n {
			return cslOutName{Family: surname, Given: given}
		}
	}
	return cslOutName{Literal: n}
}
