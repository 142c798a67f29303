// Package citation reads and writes the bibliographic records reference managers exchange
// (RIS, BibTeX, CSL-JSON) and turns them into cmograph studies: Parse reads a file into
// Records, Merge matches them against the studies already in the knowledge base (by DOI, then
// PMID, then title and year) and returns the document to upsert, and WriteRIS, WriteBibTeX and
// WriteCSLJSON export studies so that reading the export back changes nothing.
package citation

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cmograph/cmograph/internal/document"
)

// Record is one reference as a citation file gives it. DOI is normalised (lower case, without
// a https://doi.org/ or doi: prefix); Line is where the record starts in its file (1-based).
type Record struct {
	Title    string
	Authors  []string
	Year     *int
	Journal  string
	Volume   string
	Issue    string
	Pages    string
	DOI      string
	PMID     string
	URL      string
	Abstract string
	Line     int
}

// Format names a citation file format.
type Format string

const (
	FormatRIS     Format = "ris"
	FormatBibTeX  Format = "bibtex"
	FormatCSLJSON Format = "csljson"
)

// MaxFieldSize bounds one field's value. Real abstracts are a few KiB; a field larger than
// this is a broken or hostile file, refused before it is copied around.
const MaxFieldSize = 1 << 20

// MaxRecords bounds the records of one file. A review's included studies number in the tens
// or hundreds and a whole database search in the thousands; a file of millions of empty records
// is an attack on memory, refused as soon as it is counted.
const MaxRecords = 100_000

// maxMacroExpansion bounds the text BibTeX @string macros may expand to in one file, since
// macros that repeat macros can grow a small file into gigabytes.
const maxMacroExpansion = 16 << 20

// tooMany is the error for a file over MaxRecords.
func tooMany(name string, line int) error {
	return fmt.Errorf("%s:%d: more than %d records in one file; split it", name, line, MaxRecords)
}

// maxErrors caps how many problems one error lists: enough to fix a file in one pass without
// a broken 60 MB file producing a 60 MB message.
const maxErrors = 20

// Parse reads data in the given format. name is used in errors ("refs.bib:12: record 3: ...").
func Parse(name string, data []byte, format Format) ([]Record, error) {
	switch format {
	case FormatRIS:
		return ParseRIS(name, data)
	case FormatBibTeX:
		return ParseBibTeX(name, data)
	case FormatCSLJSON:
		return ParseCSLJSON(name, data)
	}
	return nil, fmt.Errorf("%s: unknown citation format %q (want ris, bibtex or csljson)", name, format)
}

// Convert detects the format of one citation file, parses it and merges it into base (see
// Merge), with every error naming the file and line. It is what an import command calls.
func Convert(name string, data []byte, base document.Document) (document.Document, Report, error) {
	format, err := DetectFormat(name, data)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	records, err := Parse(name, data, format)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	return MergeFile(name, base, records)
}

var (
	risSniff    = regexp.MustCompile(`(?m)^TY\s*-`)
	bibtexSniff = regexp.MustCompile(`(?m)^\s*@[A-Za-z]+\s*[{(]`)
)

// sniffLimit is how much of a file DetectFormat looks at when the extension does not tell.
const sniffLimit = 1 << 20

// DetectFormat tells the format from the file extension (.ris; .bib or .bibtex; .json), or
// failing that from the content: a JSON array or object, an RIS "TY  -" line, or a BibTeX
// "@type{" entry.
func DetectFormat(name string, data []byte) (Format, error) {
	lower := strings.ToLower(path.Base(name))
	switch {
	case strings.HasSuffix(lower, ".ris"):
		return FormatRIS, nil
	case strings.HasSuffix(lower, ".bib"), strings.HasSuffix(lower, ".bibtex"):
		return FormatBibTeX, nil
	case strings.HasSuffix(lower, ".json"):
		return FormatCSLJSON, nil
	}
	head := bytes.TrimPrefix(data, utf8BOM)
	if len(head) > sniffLimit {
		head = head[:sniffLimit]
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{'):
		return FormatCSLJSON, nil
	case risSniff.Match(head):
		return FormatRIS, nil
	case bibtexSniff.Match(head):
		return FormatBibTeX, nil
	}
	return "", fmt.Errorf("%s: cannot tell the citation format: name the file .ris, .bib or .json, "+
		"or start it with an RIS \"TY  - \" line, a BibTeX \"@article{\" entry or a CSL-JSON array", name)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// prepare checks what every format needs of a file (bounded size, UTF-8 text) and drops a
// byte-order mark. Errors name the line of the first bad byte, so a Latin-1 file exported by an
// old reference manager is easy to find and re-save.
func prepare(name string, data []byte) ([]byte, error) {
	if len(data) > document.MaxFileSize {
		return nil, fmt.Errorf("%s: file is %d bytes; at most %d", name, len(data), document.MaxFileSize)
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, fmt.Errorf("%s:1: file is UTF-16; save it as UTF-8", name)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, fmt.Errorf("%s:%d: byte 0x%02X is not valid UTF-8 (is the file Latin-1 or Windows-1252?); save it as UTF-8",
				name, line, data[i])
		case r == 0:
			return nil, fmt.Errorf("%s:%d: file contains a NUL byte; it is not a text file", name, line)
		case r == '\n':
			line++
		}
		i += size
	}
	return data, nil
}

// errorList gathers a file's problems so the user sees all of them (up to maxErrors) at once.
type errorList struct {
	msgs    []string
	dropped int
}

func (e *errorList) add(format string, args ...any) {
	if len(e.msgs) >= maxErrors {
		e.dropped++
		return
	}
	e.msgs = append(e.msgs, fmt.Sprintf(format, args...))
}

func (e *errorList) err() error {
	if len(e.msgs) == 0 {
		return nil
	}
	msg := strings.Join(e.msgs, "\n")
	if e.dropped > 0 {
		msg += fmt.Sprintf("\n... and %d more problems", e.dropped)
	}
	return fmt.Errorf("%s", msg)
}

// where formats an error location: "refs.ris:12: record 3".
func where(name string, line, record int) string {
	switch {
	case name != "" && line > 0:
		return fmt.Sprintf("%s:%d: record %d", name, line, record)
	case name != "":
		return fmt.Sprintf("%s: record %d", name, record)
	case line > 0:
		return fmt.Sprintf("line %d: record %d", line, record)
	}
	return fmt.Sprintf("record %d", record)
}
