package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippet returns the part of body, about width characters long, that holds the most words
// matching the query's terms, with "…" where it was cut. Matching compares stems, so a query
// for "modelling" finds "models".
func Snippet(body, query string, width int) string {
	want := map[string]bool{}
	for _, t := range Terms(query) {
		want[t] = true
	}
	body = strings.Join(strings.Fields(body), " ")
	if utf8.RuneCountInString(body) <= width {
		return body
	}
	type span struct{ start, end int }
	var matches []span
	start := -1
	for i, r := range body + " " {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			if t, ok := term(strings.ToLower(body[start:i])); ok && want[t] {
				matches = append(matches, span{start, i})
			}
			start = -1
		}
	}
	if len(matches) == 0 {
		return cut(body, 0, width)
	}
	// slide a window over the matches and keep the one covering most of them
	best, bestCount := matches[0].start, 0
	for i, m := range matches {
		count := 0
		for _, n := range matches[i:] {
			if n.end-m.start > width {
				break
			}
			count++
		}
		if count > bestCount {
			best, bestCount = m.start, count
		}
	}
	from := max(0, best-width/4)
	return cut(body, from, width)
}

// cut takes about width characters of s from byte offset from, on word boundaries.
func cut(s string, from, width int) string {
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	if from > 0 {
		if i := strings.IndexByte(s[from:], ' '); i >= 0 && i < width/4 {
			from += i + 1
		}
	}
	end := from
	for n := 0; end < len(s) && n < width; n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	if end < len(s) {
		if i := strings.LastIndexByte(s[from:end], ' '); i > 0 {
			end = from + i
		}
	}
	out := s[from:end]
	if from > 0 {
		out = "…" + out
	}
	if end < len(s) {
		out += "…"
	}
	return out
}
