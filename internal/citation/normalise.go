package citation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// doiPrefixes are the spellings a DOI comes with; they are not part of the DOI itself.
var doiPrefixes = []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/",
	"doi.org/", "dx.doi.org/", "doi:"}

// NormaliseDOI returns the DOI in the form records are matched on: lower case (DOIs are
// case-insensitive), without a resolver or "doi:" prefix, trimmed.
func NormaliseDOI(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for changed := true; changed; {
		changed = false
		for _, p := range doiPrefixes {
			if strings.HasPrefix(s, p) {
				s = strings.TrimSpace(s[len(p):])
				changed = true
			}
		}
	}
	return s
}

// checkDOI normalises a DOI from a file and refuses values that are not DOIs: the DOI is the
// first key records are matched on, so a placeholder such as "n/a" would merge unrelated papers.
func checkDOI(s string) (string, error) {
	d := NormaliseDOI(s)
	if d == "" {
		return "", nil
	}
	if !strings.HasPrefix(d, "10.") || !strings.Contains(d, "/") || strings.ContainsAny(d, " \t\n") {
		return "", fmt.Errorf("DOI %q is not a DOI (expected 10.<prefix>/<suffix>)", s)
	}
	return d, nil
}

var pmidPattern = regexp.MustCompile(`(?i)^\s*(?:pmid\s*:?\s*)?(\d{1,10})\s*$`)

// checkPMID accepts "12345678" and "PMID: 12345678" and returns the digits.
func checkPMID(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	m := pmidPattern.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("PMID %q is not a PubMed id (digits)", s)
	}
	return m[1], nil
}

var yearPattern = regexp.MustCompile(`^\s*(\d{4})(?:\D|$)`)

// parseYear reads the year at the start of a date as formats write it: "2015", "2015///",
// "2015/05/12", "2015-05". An empty value is no year.
func parseYear(s string) (*int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	m := yearPattern.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("%q does not start with a four-digit year", s)
	}
	y, _ := strconv.Atoi(m[1])
	return &y, nil
}

// squash collapses runs of white space into one space and trims: how formats that wrap lines
// (BibTeX, RIS continuation lines) are compared with what the store holds.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// titleKey is a title for matching: accents, case, punctuation and spacing ignored, so
// "Peer support: a review." and "Peer Support - A Review" meet.
func titleKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// pagesKey compares page ranges whatever dash they use: "435-445", "435--445", "435–445".
func pagesKey(s string) string {
	s = squash(s)
	for _, d := range []string{"---", "--", "–", "—"} {
		s = strings.ReplaceAll(s, d, "-")
	}
	return strings.ReplaceAll(s, " - ", "-")
}

// checkField refuses a value over MaxFieldSize.
func checkField(tag, value string) error {
	if len(value) > MaxFieldSize {
		return fmt.Errorf("%s is %d bytes long; at most %d", tag, len(value), MaxFieldSize)
	}
	return nil
}

// initials turns given names into initials: "Steven" -> "S", "E.S." -> "ES", "Jean-Paul" -> "JP".
func initials(given string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(given, func(r rune) bool {
		return unicode.IsSpace(r) || r == '.' || r == '-' || r == '‐'
	}) {
		for _, r := range part {
			if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
				break
			}
		}
	}
	return b.String()
}

// joinName builds the stored form of a structured name: "Surname INITIALS" (Vancouver style,
// as the seed corpus writes authors), or the surname alone.
func joinName(surname, given, suffix string) string {
	parts := []string{}
	for _, p := range []string{squash(surname), initials(given), squash(suffix)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

// splitVancouver splits "Gillard S" or "van Beethoven LW" into surname and initials; ok is false
// if the last word is not one to four capital letters.
func splitVancouver(name string) (surname, inits string, ok bool) {
	words := strings.Fields(name)
	if len(words) < 2 {
		return "", "", false
	}
	last := words[len(words)-1]
	if len([]rune(last)) > 4 {
		return "", "", false
	}
	for _, r := range last {
		if !unicode.IsUpper(r) {
			return "", "", false
		}
	}
	return strings.Join(words[:len(words)-1], " "), last, true
}

// dotted writes initials as given names a parser turns back into the same initials: "ES" -> "E. S.".
func dotted(inits string) string {
	parts := []string{}
	for _, r := range inits {
		parts = append(parts, string(r)+".")
	}
	return strings.Join(parts, " ")
}
