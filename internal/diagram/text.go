package diagram

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Label sizes. A diagram is read at a glance: names are wrapped into short lines and long
// texts (a mechanism's resource and reasoning) are cut, the full text staying in the data.
const (
	wrapWidth      = 32  // runes per label line
	maxNameRunes   = 160 // an element's name, before wrapping
	maxDetailRunes = 72  // a mechanism's resource or reasoning, before wrapping
	maxCodeRunes   = 40  // a CMOC code used as an edge label
)

// oneLine makes s safe to place in any label: valid UTF-8, every run of whitespace (newlines,
// tabs, U+2028) one space, other control characters dropped, trimmed.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case unicode.IsControl(r), r == '\uFFFE', r == '\uFFFF':
			// dropped: no syntax here can show them and XML 1.0 cannot even carry them
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shorten cuts s to at most max runes, at a word boundary when one is near, marking the cut
// with an ellipsis.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)[:max-1]
	cut := len(runes)
	for i := len(runes) - 1; i > max/2; i-- {
		if runes[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(runes[:cut]), " ,;:.") + "…"
}

// wrap breaks s into lines of at most width runes, at spaces where it can and inside a word
// that is longer than a line.
func wrap(s string, width int) []string {
	var lines []string
	var line []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		for len(w) > 0 {
			room := width - len(line)
			if len(line) > 0 {
				room-- // the space before the word
			}
			switch {
			case len(w) <= room:
				if len(line) > 0 {
					line = append(line, ' ')
				}
				line = append(line, w...)
				w = nil
			case len(line) > 0:
				lines = append(lines, string(line))
				line = line[:0]
			default: // a word longer than a whole line
				lines = append(lines, string(w[:width]))
				w = w[width:]
			}
		}
	}
	if len(line) > 0 {
		lines = append(lines, string(line))
	}
	return lines
}

// naturalLess orders CMOC codes as people number them: "CMOC 2" before "CMOC 10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return len(ta) < len(tb)
			}
			if ta != tb {
				return ta < tb
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}
