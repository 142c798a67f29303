package cmoctable

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/cmograph/cmograph/internal/kb"
)

// enumAliases maps the friendly forms reviewers type ("service users", "peer-worker") to kb
// enum values. Keys are enumKey forms; the enum values themselves are always accepted.
var (
	actorAliases = map[string]kb.Actor{
		"SERVICE_USERS": kb.ActorServiceUser, "PEER_WORKERS": kb.ActorPeerWorker, "PEER": kb.ActorPeerWorker,
		"PEERS": kb.ActorPeerWorker, "CARERS": kb.ActorCarer, "ORGANISATIONS": kb.ActorOrganisation,
		"ORGANIZATION": kb.ActorOrganisation, "ORGANIZATIONS": kb.ActorOrganisation, "COMMUNITIES": kb.ActorCommunity,
	}
	informantAliases = map[string]kb.Informant{
		"SERVICE_USER": kb.InformantServiceUsers, "PEER_WORKER": kb.InformantPeerWorkers, "PEER": kb.InformantPeerWorkers,
		"PEERS": kb.InformantPeerWorkers, "CARER": kb.InformantCarers,
	}
	stanceAliases = map[string]kb.Stance{
		"SUPPORT": kb.StanceSupports, "SUPPORTING": kb.StanceSupports, "REFUTE": kb.StanceRefutes,
		"REFUTING": kb.StanceRefutes, "REFINE": kb.StanceRefines, "REFINING": kb.StanceRefines,
	}
)

// enumKey is a value as enums spell it: upper case, words joined by '_'.
func enumKey(s string) string {
	f := strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, "_")
}

func parseEnum[T ~string](enum, value string, aliases map[string]T) (T, error) {
	k := enumKey(value)
	for _, v := range kb.EnumValues(enum) {
		if v == k {
			return T(v), nil
		}
	}
	if v, ok := aliases[k]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%q is not one of %s", value, strings.Join(kb.EnumValues(enum), ", "))
}

func parseActor(s string) (kb.Actor, error) { return parseEnum("Actor", s, actorAliases) }
func parseInformant(s string) (kb.Informant, error) {
	return parseEnum("Informant", s, informantAliases)
}
func parseStance(s string) (kb.Stance, error) { return parseEnum("Stance", s, stanceAliases) }
func parseStatus(s string) (kb.CMOCStatus, error) {
	return parseEnum[kb.CMOCStatus]("CMOCStatus", s, nil)
}

// listSeparator separates the values of a context, outcome or actor cell.
const listSeparator = ';'

// splitList reads a list cell: values separated by ';', where "\;" is a ';' inside a value and
// "\\" a backslash; every other backslash is itself. Values are trimmed; empty ones dropped.
func splitList(cell string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if v := strings.TrimSpace(cur.String()); v != "" {
			out = append(out, v)
		}
		cur.Reset()
	}
	for i := 0; i < len(cell); i++ {
		c := cell[i]
		switch {
		case c == '\\' && i+1 < len(cell) && (cell[i+1] == listSeparator || cell[i+1] == '\\'):
			cur.WriteByte(cell[i+1])
			i++
		case c == listSeparator:
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// joinList writes values so that splitList reads them back.
func joinList(values []string) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = escapeListValue(v)
	}
	return strings.Join(parts, string(listSeparator)+" ")
}

func escapeListValue(v string) string {
	if !strings.ContainsAny(v, `\;`) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case listSeparator:
			b.WriteString(`\;`)
		case '\\':
			// A backslash only needs doubling where splitList would take it as an escape.
			if i+1 == len(v) || v[i+1] == listSeparator || v[i+1] == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte('\\')
			}
		default:
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// nameKey is how names, codes and quote texts compare: case and runs of white space ignored.
func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// textKey compares quotes: white space runs ignored, case kept (it is someone's words).
func textKey(s string) string { return strings.Join(strings.Fields(s), " ") }
