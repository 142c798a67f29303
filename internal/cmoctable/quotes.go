package cmoctable

import (
	"slices"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// quote adds a row's quote to its study, evidencing the row's CMOC.
func (b *builder) quote(where string, st *studyOut, c *cmocOut, cell map[string]string) {
	text := cell[colQuote]
	if text == "" {
		for _, col := range []string{colParticipant, colInformant, colStance} {
			if cell[col] != "" {
				b.fail(where, col, "is given but the quote column is empty")
			}
		}
		return
	}
	participant := cell[colParticipant]
	q := b.findQuote(st, text, participant)
	b.check(where, colParticipant, q.set.set("participant", &q.doc.Participant, cell[colParticipant], where))
	if s := cell[colInformant]; s != "" {
		role, err := parseInformant(s)
		if err != nil {
			b.fail(where, colInformant, "%v", err)
		} else {
			b.check(where, colInformant, q.set.set("informant", &q.doc.InformantRole, string(role), where))
		}
	}
	var stance kb.Stance
	if s := cell[colStance]; s != "" {
		var err error
		if stance, err = parseStance(s); err != nil {
			b.fail(where, colStance, "%v", err)
			return
		}
		if prev, ok := q.stances[c.doc.ID]; ok && prev.value != string(stance) {
			b.fail(where, colStance, "%s differs from %s given for this quote and CMOC at %s", stance, prev.value, prev.where)
			return
		}
		q.stances[c.doc.ID] = given{value: string(stance), where: where}
	}
	ev := q.evidence(c.doc.ID)
	switch {
	case ev == nil:
		if stance == "" {
			stance = kb.StanceSupports
		}
		q.addEvidence(document.Evidence{CMOC: c.doc.ID, Stance: string(stance)})
	case stance != "":
		ev.Stance = string(stance)
	}
}

// findQuote finds the quote a row gives, in the table or base, or starts one. A quote is
// known by its text (white space aside) and participant: two people may say the same words.
// A row without a participant is the one quote with its text, if there is only one; a row
// with a participant is the one quote with its text that has none, if there is only one (the
// row adds the participant).
func (b *builder) findQuote(st *studyOut, text, participant string) *quoteOut {
	key := textKey(text)
	var loose []*quoteOut
	for _, q := range st.byText[key] {
		if q.doc.Participant == participant {
			return q
		}
		loose = append(loose, q)
	}
	var bases []*document.Quote
	for _, bq := range st.baseQ[key] {
		if st.fromBase[bq] != nil {
			continue
		}
		if bq.Participant == participant {
			return b.quoteFromBase(st, key, bq)
		}
		bases = append(bases, bq)
	}
	if len(loose)+len(bases) == 1 {
		switch {
		case len(loose) == 1 && (participant == "" || loose[0].doc.Participant == ""):
			return loose[0]
		case len(bases) == 1 && (participant == "" || bases[0].Participant == ""):
			return b.quoteFromBase(st, key, bases[0])
		}
	}
	q := &quoteOut{stances: map[string]given{}, set: givens{}}
	q.doc = document.Quote{ID: b.newID(kb.QuoteID(st.doc.ID, text), key+"\x00"+participant), Text: text}
	st.byText[key] = append(st.byText[key], q)
	st.quotes = append(st.quotes, q)
	return q
}

func (b *builder) quoteFromBase(st *studyOut, key string, base *document.Quote) *quoteOut {
	q := &quoteOut{stances: map[string]given{}, set: givens{}}
	q.doc = *base
	q.doc.ID = orDefault(base.ID, kb.QuoteID(st.doc.ID, base.Text))
	q.doc.Evidences = slices.Clone(base.Evidences)
	st.fromBase[base] = q
	st.byText[key] = append(st.byText[key], q)
	st.quotes = append(st.quotes, q)
	return q
}
