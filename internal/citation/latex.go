package citation

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// BibTeX values are LaTeX. decodeLatex turns the common markup into plain text: grouping braces
// go, accents compose ({\"o}, \"{o}, \"o -> ö; \c{c} -> ç; \'{\i} -> í), escaped specials become
// the character (\& -> &), named symbols become their character (\ss -> ß), formatting commands
// keep their argument (\emph{x} -> x), '~' is a space, '$' is dropped, and white space is
// collapsed. Commands it does not know are kept as written ("\foo"). Dashes ("--") are left as
// they are, except in page ranges (see the BibTeX reader).

// accentMarks maps an accent command to the combining mark it puts on the next letter.
var accentMarks = map[string]rune{
	"`": '\u0300', "'": '\u0301', "^": '\u0302', "~": '\u0303', "=": '\u0304', ".": '\u0307', "\"": '\u0308',
	"u": '\u0306', "r": '\u030A', "H": '\u030B', "v": '\u030C', "d": '\u0323', "c": '\u0327', "k": '\u0328',
	"b": '\u0331',
}

// latexSymbols are control words that stand for one character.
var latexSymbols = map[string]string{
	"ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
	"l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
	"textbackslash": `\`, "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~",
	"textasciicircum": "^", "textunderscore": "_", "textdollar": "$", "textendash": "–", "textemdash": "—",
	"textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
	"textregistered": "®", "texttrademark": "™", "textcopyright": "©", "copyright": "©", "textdegree": "°",
	"S": "§", "P": "¶", "dag": "†", "ddag": "‡", "pounds": "£", "euro": "€", "texteuro": "€", "ldots": "…",
	"dots": "…", "textellipsis": "…", "textbullet": "•", "textperiodcentered": "·", "textbar": "|",
	"textless": "<", "textgreater": ">", "textasciigrave": "`", "guillemotleft": "«", "guillemotright": "»",
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
	"eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
	"rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
	"Omega": "Ω", "pm": "±", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠",
	"approx": "≈", "infty": "∞", "textmu": "µ", "textpm": "±", "texttimes": "×",
}

// latexFormatting are commands that only style their argument: the argument is kept.
var latexFormatting = map[string]bool{
	"emph": true, "textit": true, "textbf": true, "textsc": true, "textrm": true, "textsf": true, "texttt": true,
	"textup": true, "textsl": true, "textmd": true, "textnormal": true, "mathrm": true, "mathit": true,
	"mathbf": true, "mathsf": true, "mathtt": true, "mathcal": true, "text": true, "mbox": true, "hbox": true,
	"textsuperscript": true, "textsubscript": true, "uppercase": true, "lowercase": true, "MakeUppercase": true,
	"MakeLowercase": true, "it": true, "bf": true, "em": true, "sc": true, "rm": true, "sl": true, "tt": true,
	"sf": true, "itshape": true, "bfseries": true, "scshape": true, "upshape": true, "normalfont": true,
	"protect": true, "relax": true, "NoCaseChange": true, "url": true, "nolinkurl": true,
}

// decodeLatex turns a BibTeX value into plain text (see above).
func decodeLatex(s string) string {
	if !strings.ContainsAny(s, "{}\\~$") {
		return squash(s)
	}
	d := latexDecoder{s: []rune(s)}
	return squash(d.run(false))
}

type latexDecoder struct {
	s     []rune
	i     int
	depth int
}

// maxLatexDepth bounds brace nesting: deeper groups are read flat rather than by recursion, so
// a value of a million '{' cannot exhaust the stack.
const maxLatexDepth = 64

// run decodes up to the end, or up to the '}' closing the group it was called for.
func (d *latexDecoder) run(inGroup bool) string {
	var b strings.Builder
	for d.i < len(d.s) {
		r := d.s[d.i]
		switch r {
		case '{':
			d.i++
			if d.depth < maxLatexDepth {
				d.depth++
				b.WriteString(d.run(true))
				d.depth--
			}
		case '}':
			d.i++
			if inGroup {
				return b.String()
			}
		case '\\':
			b.WriteString(d.command())
		case '~':
			d.i++
			b.WriteByte(' ')
		case '$':
			d.i++
		default:
			d.i++
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// command decodes the command starting at the backslash under d.i.
func (d *latexDecoder) command() string {
	d.i++
	if d.i >= len(d.s) {
		return `\`
	}
	c := d.s[d.i]
	if !isASCIILetter(c) {
		d.i++
		switch c {
		case '&', '%', '$', '#', '_', '{', '}':
			return string(c)
		case ' ', '\\', ',', ';', ':', '\n', '\t':
			return " "
		case '!', '/', '-', '@':
			return ""
		}
		if mark, ok := accentMarks[string(c)]; ok {
			return d.accent(mark, string(c))
		}
		return `\` + string(c)
	}
	start := d.i
	for d.i < len(d.s) && isASCIILetter(d.s[d.i]) {
		d.i++
	}
	word := string(d.s[start:d.i])
	if mark, ok := accentMarks[word]; ok {
		return d.accent(mark, "")
	}
	if sym, ok := latexSymbols[word]; ok {
		d.skipSpace() // a control word swallows the spaces after it
		return sym
	}
	if latexFormatting[word] {
		d.skipSpace()
		return ""
	}
	return `\` + word
}

func (d *latexDecoder) skipSpace() {
	for d.i < len(d.s) && unicode.IsSpace(d.s[d.i]) {
		d.i++
	}
}

// accent puts mark on the first letter of the command's argument: a group, a dotless \i or \j,
// or one character. With an empty argument ("\~{}") it stands for the accent character itself.
func (d *latexDecoder) accent(mark rune, symbol string) string {
	d.skipSpace()
	if d.i >= len(d.s) {
		return symbol
	}
	var arg string
	switch d.s[d.i] {
	case '{':
		d.i++
		if d.depth >= maxLatexDepth {
			return symbol
		}
		d.depth++
		arg = d.run(true)
		d.depth--
	case '\\':
		if d.depth >= maxLatexDepth { // \"\"\"... would recurse once per accent
			return symbol
		}
		d.depth++
		arg = d.command()
		d.depth--
	case '}':
		return symbol
	default:
		arg = string(d.s[d.i])
		d.i++
	}
	if arg == "" {
		return symbol
	}
	runes := []rune(arg)
	base := runes[0]
	switch base {
	case 'ı':
		base = 'i'
	case 'ȷ':
		base = 'j'
	}
	return norm.NFC.String(string(base)+string(mark)) + string(runes[1:])
}

// encodeLatex writes text so that decodeLatex gives it back (with white space collapsed):
// LaTeX specials are escaped, everything else is written as UTF-8, which BibTeX 0.99+, biber and
// every reference manager read.
func encodeLatex(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '{':
			b.WriteString(`\textbraceleft{}`)
		case '}':
			b.WriteString(`\textbraceright{}`)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		case '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainValue reads a value that is not prose (a DOI, a URL, a number): braces are dropped and
// escaped specials unescaped, nothing else is interpreted (a URL's '~' stays).
func plainValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '{' || c == '}':
		case c == '\\' && i+1 < len(s) && strings.IndexByte("_%#&$~", s[i+1]) >= 0:
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}
