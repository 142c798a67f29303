package cmoctable

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Column names: what the documentation, a Mapping's keys and WriteCSV's header call them.
const (
	colStudy        = "study"
	colTheory       = "theory"
	colCMOC         = "cmoc"
	colContext      = "context"
	colResource     = "mechanism_resource"
	colReasoning    = "mechanism_reasoning"
	colOutcome      = "outcome"
	colActor        = "actor"
	colQuote        = "quote"
	colParticipant  = "participant"
	colStance       = "stance"
	colLabel        = "label"
	colStatement    = "statement"
	colStatus       = "status"
	colSource       = "source"
	colIntervention = "intervention"
	colPopulation   = "population"
	colCountry      = "country"
	colFraming      = "framing"
	colInformants   = "informants"
	colSampleSize   = "sample_size"
	colDesign       = "design"
	colContextKind  = "context_kind"
	// the constructs (by id) the row's elements of one kind are instances of
	colContextConstruct   = "context_construct"
	colMechanismConstruct = "mechanism_construct"
	colOutcomeConstruct   = "outcome_construct"
	// the crosswalk links the row's elements of one kind make: "RELATION element-id" entries
	colContextAligns   = "context_aligns"
	colMechanismAligns = "mechanism_aligns"
	colOutcomeAligns   = "outcome_aligns"
	colMechanism       = "mechanism"
	colInformant       = "informant"
	colStudyTitle      = "study_title"
	colYear            = "year"
	colDOI             = "doi"
	colPMID            = "pmid"
	noteColumnStart    = "#"
)

// defaultColumns is the documented layout, in order.
var defaultColumns = []string{colStudy, colTheory, colCMOC, colContext, colResource, colReasoning, colOutcome,
	colActor, colQuote, colParticipant, colStance}

// optionalColumns may follow or be mixed with the default ones; WriteCSV writes them after.
var optionalColumns = []string{colLabel, colStatement, colStatus, colSource, colIntervention, colMechanism, colInformant,
	colStudyTitle, colYear, colDOI, colPMID, colPopulation, colCountry, colFraming, colInformants, colSampleSize, colDesign,
	colContextKind, colContextConstruct, colMechanismConstruct, colOutcomeConstruct,
	colContextAligns, colMechanismAligns, colOutcomeAligns}

var requiredColumns = []string{colStudy, colTheory, colCMOC}

// DefaultColumns lists the documented layout's columns, in order.
func DefaultColumns() []string { return slices.Clone(defaultColumns) }

func allColumns() []string { return append(slices.Clone(defaultColumns), optionalColumns...) }

func isColumn(name string) bool {
	return slices.Contains(defaultColumns, name) || slices.Contains(optionalColumns, name)
}

// Mapping says which header of a file holds one of our columns: our column name -> the file's
// header. Both sides are matched ignoring case, spaces, '_' and '-'.
type Mapping map[string]string

// Options are how to read one file.
type Options struct {
	// Mapping renames columns; columns it does not name keep their default headers.
	Mapping Mapping
	// Name is the file's name, which every error starts with.
	Name string
	// MaxRows bounds the rows read after the header (0: DefaultMaxRows).
	MaxRows int
}

// headerKey is how headers compare: "Mechanism Resource", "mechanism_resource" and
// "MECHANISM-RESOURCE" are one header.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '\t', '\n', '\r', '_', '-', '\u00a0', '\ufeff':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// column resolves a user-written column name ("Mechanism resource") to ours, or "".
func column(name string) string {
	k := headerKey(name)
	for _, c := range allColumns() {
		if headerKey(c) == k {
			return c
		}
	}
	return ""
}

func unknownColumn(name string) error {
	return fmt.Errorf("%q is not a column; the columns are %s", name, strings.Join(allColumns(), ", "))
}

// ParseMapping reads a mapping written as a command-line flag: "cmoc=CMOC code,outcome=O".
// Header names cannot contain ',' here; rename such a column in the file instead.
func ParseMapping(spec string) (Mapping, error) {
	m := Mapping{}
	if strings.TrimSpace(spec) == "" {
		return m, nil
	}
	var errs []error
	usedHeaders := map[string]string{}
	for part := range strings.SplitSeq(spec, ",") {
		ours, theirs, ok := strings.Cut(part, "=")
		ours, theirs = strings.TrimSpace(ours), strings.TrimSpace(theirs)
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("mapping %q: write column=header", strings.TrimSpace(part)))
			continue
		case theirs == "":
			errs = append(errs, fmt.Errorf("mapping %q: the header is empty", strings.TrimSpace(part)))
			continue
		}
		col := column(ours)
		if col == "" {
			errs = append(errs, fmt.Errorf("mapping %q: %w", strings.TrimSpace(part), unknownColumn(ours)))
			continue
		}
		if _, dup := m[col]; dup {
			errs = append(errs, fmt.Errorf("mapping %q: column %s is mapped twice", strings.TrimSpace(part), col))
			continue
		}
		if prev, dup := usedHeaders[headerKey(theirs)]; dup {
			errs = append(errs, fmt.Errorf("mapping %q: header %q is already mapped to %s", strings.TrimSpace(part), theirs, prev))
			continue
		}
		usedHeaders[headerKey(theirs)] = col
		m[col] = theirs
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// layout is where each of our columns sits in a file's rows (-1: absent) and what the file
// calls it, for errors.
type layout struct {
	index   map[string]int
	header  map[string]string
	width   int
	unnamed []bool // per column: its header is empty, so its cells must be empty too
}

// cell returns a row's value of a column, trimmed; "" if the file has no such column.
func (l layout) cell(row []string, col string) string {
	i := l.index[col]
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// name is how errors refer to a column: by the header the file uses.
func (l layout) name(col string) string {
	if h := l.header[col]; h != "" {
		return h
	}
	return col
}

// canonical turns a mapping's keys into our column names.
func (m Mapping) canonical() (map[string]string, error) {
	out := map[string]string{}
	var errs []error
	for ours, theirs := range m {
		col := column(ours)
		switch {
		case col == "":
			errs = append(errs, fmt.Errorf("mapping: %w", unknownColumn(ours)))
		case strings.TrimSpace(theirs) == "":
			errs = append(errs, fmt.Errorf("mapping %s: the header is empty", col))
		case out[col] != "":
			errs = append(errs, fmt.Errorf("mapping: column %s is mapped twice", col))
		default:
			out[col] = theirs
		}
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// resolveHeader matches a file's header row against the mapping and the default names.
func resolveHeader(header []string, m Mapping) (layout, error) {
	l := layout{index: map[string]int{}, header: map[string]string{}, width: len(header), unnamed: make([]bool, len(header))}
	for _, c := range allColumns() {
		l.index[c] = -1
	}
	mapped, err := m.canonical()
	if err != nil {
		return l, err
	}
	wanted := map[string]string{} // header key -> our column
	for _, c := range allColumns() {
		if h, ok := mapped[c]; ok {
			if prev, dup := wanted[headerKey(h)]; dup {
				return l, fmt.Errorf("mapping: header %q is mapped to both %s and %s", h, prev, c)
			}
			wanted[headerKey(h)] = c
		}
	}
	// A default name is only used for a column the mapping leaves alone, and only if the
	// mapping did not give that header to another column.
	for _, c := range allColumns() {
		if _, ok := mapped[c]; ok {
			continue
		}
		if _, taken := wanted[headerKey(c)]; !taken {
			wanted[headerKey(c)] = c
		}
	}
	var errs []error
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			l.unnamed[i] = true
			continue
		}
		if strings.HasPrefix(h, noteColumnStart) {
			continue
		}
		col, ok := wanted[headerKey(h)]
		if !ok && len(errs) >= maxErrors {
			continue
		}
		if !ok {
			errs = append(errs, fmt.Errorf("column %q is not a CMOC table column (the columns are %s); map it, or start its header with %q to have it ignored",
				h, strings.Join(allColumns(), ", "), noteColumnStart))
			continue
		}
		if l.index[col] >= 0 {
			errs = append(errs, fmt.Errorf("columns %q and %q are both the %s column", l.header[col], h, col))
			continue
		}
		l.index[col], l.header[col] = i, h
	}
	for _, c := range allColumns() {
		if h, ok := mapped[c]; ok && l.index[c] < 0 {
			errs = append(errs, fmt.Errorf("mapping %s=%q: the file has no column %q", c, h, h))
		}
	}
	for _, c := range requiredColumns {
		if _, ok := mapped[c]; !ok && l.index[c] < 0 {
			errs = append(errs, fmt.Errorf("the %s column is missing; it is required", c))
		}
	}
	if len(errs) > 0 {
		return l, errors.Join(errs...)
	}
	return l, nil
}
