package kb

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const maxSlugLength = 48

// Slug turns free text into an id part: lower case, ASCII letters and digits joined by '-'.
// Long text is cut at a word boundary and given a short hash of the whole, so two long titles
// that share a beginning still get different slugs.
func Slug(text string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(text) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case unicode.Is(unicode.Mn, r): // accents dropped by the decomposition
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if len(s) > maxSlugLength {
		cut := strings.LastIndexByte(s[:maxSlugLength], '-')
		if cut < maxSlugLength/2 {
			cut = maxSlugLength
		}
		s = s[:cut] + "-" + ShortHash(text)
	}
	if s == "" {
		s = ShortHash(text)
	}
	return s
}

// ShortHash is the first eight hex digits of the SHA-256 of text: stable across runs.
func ShortHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:4])
}

// The natural keys below give a node the same id every time the same source is imported.

// StudyID derives a study id from its first author's surname, year and title.
func StudyID(firstAuthor string, year int, title string) string {
	surname := firstAuthor
	if i := strings.IndexAny(surname, ", "); i > 0 {
		surname = surname[:i]
	}
	parts := []string{}
	if surname != "" {
		parts = append(parts, Slug(surname))
	}
	if year > 0 {
		parts = append(parts, strconv.Itoa(year))
	}
	words := strings.Fields(title)
	if len(words) > 4 {
		words = words[:4]
	}
	parts = append(parts, Slug(strings.Join(words, " ")))
	return strings.Join(parts, "-")
}

// ChildID derives the id of a node owned by ownerID from its natural key (a CMOC's code, an
// element's or setting's name), with tag separating kinds that share an owner.
func ChildID(ownerID, tag, key string) string {
	if tag == "" {
		return ownerID + "." + Slug(key)
	}
	return ownerID + "." + tag + "." + Slug(key)
}

// QuoteID derives a quote's id from its study and text: the same words give the same id.
func QuoteID(studyID, text string) string {
	return studyID + ".q." + ShortHash(strings.Join(strings.Fields(text), " "))
}

// ElementTag is the id part that keeps a theory's contexts, mechanisms and outcomes apart.
func ElementTag(k Kind) string {
	switch k {
	case KindContext:
		return "c"
	case KindMechanism:
		return "m"
	case KindOutcome:
		return "o"
	case KindSetting:
		return "s"
	}
	return ""
}
