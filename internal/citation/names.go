package citation

import (
	"strings"
	"unicode"
)

// BibTeX author lists: names separated by "and" (at brace depth 0); each name is "Last, First",
// "Last, Jr, First" or "First von Last". They are stored as "Last F" (surname and initials, the
// form the seed corpus uses). A name wholly in braces ({World Health Organization}) is a literal
// and kept as written; "and others" (et al.) is dropped. A name already in Vancouver form
// ("Gillard S": one to three capitals last) is kept, though BibTeX would read "S" as a surname.

// bibWords splits s into words at brace depth 0; a braced group is part of its word.
func bibWords(s string) []string {
	var words []string
	depth, start := 0, -1
	for i, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}':
			if depth > 0 {
				depth--
			}
		case depth == 0 && unicode.IsSpace(r):
			if start >= 0 {
				words = append(words, s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// splitTop splits s at sep where the brace depth is 0.
func splitTop(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case sep:
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// wholeGroup reports whether s is one braced group: "{World Health Organization}".
func wholeGroup(s string) bool {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 && i != len(s)-1 {
				return false
			}
		}
	}
	return depth == 0
}

// parseBibAuthors reads a raw BibTeX author (or editor) field.
func parseBibAuthors(raw string) []string {
	var names []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			if n, ok := parseBibName(strings.Join(cur, " ")); ok {
				names = append(names, n)
			}
		}
		cur = nil
	}
	for _, w := range bibWords(raw) {
		if strings.EqualFold(w, "and") {
			flush()
			continue
		}
		cur = append(cur, w)
	}
	flush()
	return names
}

// parseBibName reads one raw name; ok is false for "others" and empty names.
func parseBibName(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "others" || raw == "" {
		return "", false
	}
	if wholeGroup(raw) {
		n := decodeLatex(raw)
		return n, n != ""
	}
	parts := splitTop(raw, ',')
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var n string
	switch len(parts) {
	case 1:
		n = firstVonLast(bibWords(parts[0]))
	case 2:
		n = joinName(decodeLatex(parts[0]), decodeLatex(parts[1]), "")
	default:
		n = joinName(decodeLatex(parts[0]), decodeLatex(strings.Join(parts[2:], " ")), decodeLatex(parts[1]))
	}
	return n, n != ""
}

// firstVonLast reads "First von Last": the surname starts at the first word beginning with a
// lower-case letter ("Ludwig van Beethoven"), else it is the last word.
func firstVonLast(words []string) string {
	var raw, dec []string
	for _, w := range words {
		if d := decodeLatex(w); d != "" {
			raw, dec = append(raw, w), append(dec, d)
		}
	}
	switch len(dec) {
	case 0:
		return ""
	case 1:
		return dec[0]
	}
	if isInitials(dec[len(dec)-1]) {
		return strings.Join(dec, " ")
	}
	cut := len(dec) - 1
	for i, w := range raw[:len(raw)-1] {
		if r := []rune(w); unicode.IsLower(r[0]) {
			cut = i
			break
		}
	}
	return joinName(strings.Join(dec[cut:], " "), strings.Join(dec[:cut], " "), "")
}

// isInitials reports whether w is one to three capital letters: "S", "ES", "JPM".
func isInitials(w string) bool {
	r := []rune(w)
	if len(r) == 0 || len(r) > 3 {
		return false
	}
	for _, c := range r {
		if !unicode.IsUpper(c) {
			return false
		}
	}
	return true
}

// encodeBibName writes a stored name so parseBibAuthors reads it back unchanged: "Gillard S"
// as "Gillard, S.", anything else that would not survive (a comma, "and", a corporate author)
// as a braced literal.
func encodeBibName(n string) string {
	if surname, inits, ok := splitVancouver(n); ok {
		candidate := encodeLatex(surname) + ", " + dotted(inits)
		if got := parseBibAuthors(candidate); len(got) == 1 && got[0] == n {
			return candidate
		}
	}
	candidate := encodeLatex(n)
	if got := parseBibAuthors(candidate); len(got) == 1 && got[0] == n {
		return candidate
	}
	return "{" + encodeLatex(n) + "}"
}
