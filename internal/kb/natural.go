package kb

import "strings"

// NaturalCompare orders codes and names as people number them: "CMOC 2" before "CMOC 10",
// ignoring case; runs of ASCII digits compare by their value. It is the order of NaturalKey.
func NaturalCompare(a, b string) int { return strings.Compare(NaturalKey(a), NaturalKey(b)) }

// naturalWidth is how many digits a number in a natural key takes: more than any code has.
const naturalWidth = 20

// NaturalKey is text whose byte order is natural order: lower-cased, with every run of ASCII
// digits, leading zeros dropped, padded with zeros to one width. A store sorts by it, in memory
// or (computed the same way in Cypher) in Neo4j, so both give one order.
func NaturalKey(s string) string {
	var b strings.Builder
	b.Grow(len(s) + naturalWidth)
	s = strings.ToLower(s)
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		run := strings.TrimLeft(s[i:j], "0")
		if len(run) < naturalWidth {
			b.WriteString(strings.Repeat("0", naturalWidth-len(run)))
		}
		b.WriteString(run)
		i = j
	}
	return b.String()
}

// NaturalSort reports whether lists of kind k sorted by field are in natural order (see
// NaturalKey) rather than in the order of the text: a CMOC's code.
func NaturalSort(k Kind, field string) bool { return k == KindCMOC && field == "code" }
