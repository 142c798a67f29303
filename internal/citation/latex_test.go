package citation

import (
	"reflect"
	"testing"
)

func TestDecodeLatex(t *testing.T) {
	cases := map[string]string{
		`{\"o}`:                          "ö",
		`\"o`:                            "ö",
		`\"{o}`:                          "ö",
		`M{\"u}ller`:                     "Müller",
		`{\'e}t{\'e}`:                    "été",
		`na\"{\i}ve`:                     "naïve",
		`\'{\i}`:                         "í",
		`\c{c}\c c`:                      "çç",
		`\v{S}koda`:                      "Škoda",
		`{\aa}ngstr{\"o}m`:               "ångström",
		`Stra\ss e`:                      "Straße",
		`\ss{} e`:                        "ß e",
		`{\o}re`:                         "øre",
		`\emph{mental} \textbf{health}`:  "mental health",
		`TNF-$\alpha$`:                   "TNF-α",
		`a~b`:                            "a b",
		`50\% \& \$5 \#1 a\_b`:           "50% & $5 #1 a_b",
		"{Two}\n   lines":                "Two lines",
		`\unknown{x}`:                    `\unknownx`,
		`\~{}`:                           "~",
		`\^{}`:                           "^",
		`trailing \`:                     `trailing \`,
		`{{nested {deep}}}`:              "nested deep",
		`\H{o}\k{a}\u{g}\r{u}\={a}\.{z}`: "őąğůāż",
		`close } stray`:                  "close stray",
	}
	for in, want := range cases {
		if got := decodeLatex(in); got != want {
			t.Errorf("decodeLatex(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodeLatexRoundTrip(t *testing.T) {
	for _, s := range []string{`a\b{c}d~e^f&g%h$i#j_k`, "Müller ångström", `\textbf{x}`, `{\"o}`, "tab\there", "--"} {
		if got := decodeLatex(encodeLatex(s)); got != squash(s) {
			t.Errorf("decodeLatex(encodeLatex(%q)) = %q", s, got)
		}
	}
}

func TestBibAuthors(t *testing.T) {
	cases := map[string][]string{
		"Gillard, Steve and Gibson, S.":                    {"Gillard S", "Gibson S"},
		"Steve Gillard AND E. S. Rogers":                   {"Gillard S", "Rogers ES"},
		"Gillard S and Rogers ES":                          {"Gillard S", "Rogers ES"},
		"{World Health Organization} and others":           {"World Health Organization"},
		"{Gidugu, V.}":                                     {"Gidugu, V."},
		"King, Jr, Martin Luther":                          {"King ML Jr"},
		"Jean-Paul Sartre":                                 {"Sartre JP"},
		"Ludwig van Beethoven":                             {"van Beethoven L"},
		"van Beethoven, Ludwig":                            {"van Beethoven L"},
		"{Barnes and Noble} and Plato":                     {"Barnes and Noble", "Plato"},
		`M{\"u}ller, J{\"o}rg and {\"O}zdemir, Ay{\c{s}}e`: {"Müller J", "Özdemir A"},
		" and  and ":                                       nil,
	}
	for in, want := range cases {
		if got := parseBibAuthors(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseBibAuthors(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodeNames(t *testing.T) {
	for _, n := range []string{"Gillard S", "Rogers ES", "Gidugu, V.", "World Health Organization", "van Beethoven L",
		"Smith and Sons", "Plato", "O'Brien P", "Müller J", "a{b}c", "others", "and", "X-Y Z"} {
		if got := parseBibAuthors(encodeBibName(n)); len(got) != 1 || got[0] != n {
			t.Errorf("BibTeX name %q: written %q, read back %q", n, encodeBibName(n), got)
		}
		c := encodeCSLName(n)
		if got := cslJoin(c.Literal, c.Family, squash(c.Given), "", "", ""); got != n {
			t.Errorf("CSL name %q: written %+v, read back %q", n, c, got)
		}
	}
	if got := encodeBibName("Gillard S"); got != "Gillard, S." {
		t.Errorf("encodeBibName(Gillard S) = %q", got)
	}
	if got := encodeBibName("Gidugu, V."); got != "{Gidugu, V.}" {
		t.Errorf("encodeBibName(Gidugu, V.) = %q", got)
	}
}
