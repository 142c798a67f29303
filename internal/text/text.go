// Package text turns free text into terms and ranks documents against queries: the tokenizer,
// stemmer and stop words every text feature shares (search, suggestions, comparison), a BM25
// index for the embedded store's full-text search, TF-IDF cosine for comparing two sets of
// documents, and query-aware snippets.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
)

// stopWords are English function words plus words every study in this field uses so often
// that they say nothing about what an element is (Lucene's English list, lightly extended, and
// the realist vocabulary itself: every mechanism's description may say "mechanism").
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by for if in into is it no not of on or such that the
		their then there these they this to was will with we our you your i me my he she him her his its it's
		them those who whom which what when where why how all any both each few more most other some than too
		very can could should would may might must do does did done have has had having been being were am
		so also just only own same again further once here about above after before below between during
		from up down out off over under through until while because per via
		mechanism mechanisms outcome outcomes context contexts cmoc cmocs`) {
		stopWords[w] = true
	}
}

// Terms splits text into lower-case words (letters and digits; apostrophes and hyphens split
// words), drops stop words and one-letter words, and stems the rest with the Snowball (Porter2)
// English stemmer, so "modelling", "modeling" and "models" meet as "model".
func Terms(s string) []string {
	var out []string
	for _, w := range words(s) {
		if t, ok := term(w); ok {
			out = append(out, t)
		}
	}
	return out
}

func term(w string) (string, bool) {
	if len([]rune(w)) < 2 || stopWords[w] {
		return "", false
	}
	return english.Stem(w, false), true
}

// Words splits s into lower-case runs of letters and digits, unstemmed: what a search engine
// with its own analyzer should be given.
func Words(s string) []string { return words(s) }

// words splits s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// TermCounts counts the terms of s.
func TermCounts(s string) map[string]int {
	counts := map[string]int{}
	for _, t := range Terms(s) {
		counts[t]++
	}
	return counts
}

// Analyzer does what Terms and TermCounts do, and names shared words, remembering each word's stem: the
// texts of one corpus repeat their words, and stemming is most of the cost of comparing them.
// It is not safe for concurrent use.
type Analyzer struct {
	stems map[string]string // word -> stem, "" for a word that is no term
	// runs remembers ASCII runs of letters and digits as written ("Hope"), with their stem and
	// lowered word, so a text is split without lowering it into a new string
	runs map[string]stemWord
}

// NewAnalyzer returns an analyzer with an empty memory.
func NewAnalyzer() *Analyzer {
	return &Analyzer{stems: map[string]string{}, runs: map[string]stemWord{}}
}

// eachTerm calls f with the stem and the lowered word of every word of s that is a term, in
// order: what ranging over words(s) and keeping the terms gives. An ASCII run of letters and
// digits is looked up as it is written; only a run with other characters is lowered and split
// by words, as lowering may change it (Unicode lowers some letters to a letter and a mark).
func (a *Analyzer) eachTerm(s string, f func(stem, word string)) {
	start, ascii := -1, true
	flush := func(end int) {
		if start < 0 {
			return
		}
		run := s[start:end]
		start = -1
		if !ascii {
			for _, w := range words(run) {
				if t, ok := a.term(w); ok {
					f(t, w)
				}
			}
			return
		}
		sw, known := a.runs[run]
		if !known {
			lower := strings.ToLower(run)
			t, _ := a.term(lower)
			sw = stemWord{stem: t, word: lower}
			a.runs[run] = sw
		}
		if sw.stem != "" {
			f(sw.stem, sw.word)
		}
	}
	for i, r := range s {
		var inWord bool
		if r < utf8.RuneSelf {
			inWord = 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		} else {
			// a letter may lower to a letter and a mark, which words splits at: such runs go
			// through words whole
			inWord = unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		}
		if !inWord {
			flush(i)
			continue
		}
		if start < 0 {
			start, ascii = i, true
		}
		if r >= utf8.RuneSelf {
			ascii = false
		}
	}
	flush(len(s))
}

func (a *Analyzer) term(w string) (string, bool) {
	if t, ok := a.stems[w]; ok {
		return t, t != ""
	}
	t, ok := term(w)
	a.stems[w] = t
	return t, ok
}

// Terms is Terms with memory.
func (a *Analyzer) Terms(s string) []string {
	var out []string
	a.eachTerm(s, func(t, _ string) { out = append(out, t) })
	return out
}

// TermCounts is TermCounts with memory.
func (a *Analyzer) TermCounts(s string) map[string]int {
	counts := map[string]int{}
	a.eachTerm(s, func(t, _ string) { counts[t]++ })
	return counts
}

// SharedTerms lists the words x and y have in common, matched by stem and written as they first
// appear in x, in that order: what a reviewer reads.
func (a *Analyzer) SharedTerms(x, y string) []string {
	inY := a.TermCounts(y)
	seen := map[string]bool{}
	var out []string
	for _, w := range words(x) {
		if t, ok := a.term(w); ok && inY[t] > 0 && !seen[t] {
			seen[t] = true
			out = append(out, w)
		}
	}
	return out
}
