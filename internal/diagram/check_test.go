package diagram

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The checks below are the tests' stand-ins for Mermaid's and Graphviz's parsers: each reads
// an output strictly enough that a label escaping mistake or an undeclared node fails it.

const mmLabel = `"((?:[^"#&<>` + "`" + `|;\\%:]|: |#[0-9]+;|<br/>)*)"`

var (
	mmID   = `([A-Za-z][A-Za-z0-9_]*)`
	mmNode = regexp.MustCompile(`^ +` + mmID + `(\[\[|\(\[|\{\{|\[|\()` + mmLabel + `(\]\]|\]\)|\}\}|\]|\)):::([a-z]+)$`)
	mmSub  = regexp.MustCompile(`^  subgraph ` + mmID + `\[` + mmLabel + `\]$`)
	mmEdge = regexp.MustCompile(`^  ` + mmID + ` (-->|-\.->)\|` + mmLabel + `\| ` + mmID + `$`)
	mmDef  = regexp.MustCompile(`^  classDef [a-z]+ [a-z0-9#:,\- ]+$`)
	// brackets each shape opens and closes with
	mmShapes = map[string]string{"[": "]", "(": ")", "([": "])", "{{": "}}", "[[": "]]"}
)

// mermaidGraph is what checkMermaid read: declared nodes and their groups, and the edges.
type mermaidGraph struct {
	nodes  map[string]string // id -> group id ("" outside every group)
	labels map[string]string // id -> label as written
	groups []string
	edges  [][3]string // from, to, label
	dashed int
}

// checkMermaid reads a flowchart as Mermaid writes it: front matter with a JSON-quoted title,
// then node, subgraph and edge lines. Every label is quoted and holds no character Mermaid
// could read as syntax; every node is declared once; every edge joins declared nodes.
func checkMermaid(out string) (*mermaidGraph, error) {
	g := &mermaidGraph{nodes: map[string]string{}, labels: map[string]string{}}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 4 || lines[0] != "---" || lines[2] != "---" || lines[3] != "flowchart LR" {
		return nil, fmt.Errorf("want front matter then 'flowchart LR', got %q", lines[:min(4, len(lines))])
	}
	var title string
	if t, ok := strings.CutPrefix(lines[1], "title: "); !ok || json.Unmarshal([]byte(t), &title) != nil {
		return nil, fmt.Errorf("line 2: title is not a JSON string: %q", lines[1])
	}
	if strings.ContainsAny(lines[1][len("title: "):], "%#;") {
		return nil, fmt.Errorf("line 2: title holds a character Mermaid rewrites: %q", lines[1])
	}
	group := ""
	groupIDs := map[string]bool{}
	for i, line := range lines[4:] {
		n := i + 5
		switch {
		case mmDef.MatchString(line):
		case line == "  end":
			if group == "" {
				return nil, fmt.Errorf("line %d: 'end' outside a subgraph", n)
			}
			group = ""
		case mmSub.MatchString(line):
			if group != "" {
				return nil, fmt.Errorf("line %d: nested subgraph", n)
			}
			group = mmSub.FindStringSubmatch(line)[1]
			if groupIDs[group] {
				return nil, fmt.Errorf("line %d: subgraph %s declared twice", n, group)
			}
			groupIDs[group] = true
			g.groups = append(g.groups, group)
		case mmNode.MatchString(line):
			m := mmNode.FindStringSubmatch(line)
			if mmShapes[m[2]] != m[4] {
				return nil, fmt.Errorf("line %d: shape opens %s but closes %s", n, m[2], m[4])
			}
			if _, dup := g.nodes[m[1]]; dup {
				return nil, fmt.Errorf("line %d: node %s declared twice", n, m[1])
			}
			if len(g.edges) > 0 {
				return nil, fmt.Errorf("line %d: node %s declared after the edges", n, m[1])
			}
			g.nodes[m[1]], g.labels[m[1]] = group, m[3]
		case mmEdge.MatchString(line):
			m := mmEdge.FindStringSubmatch(line)
			for _, id := range []string{m[1], m[4]} {
				if _, ok := g.nodes[id]; !ok {
					return nil, fmt.Errorf("line %d: edge end %s is not a declared node", n, id)
				}
			}
			if m[2] == "-.->" {
				g.dashed++
			}
			g.edges = append(g.edges, [3]string{m[1], m[4], m[3]})
		default:
			return nil, fmt.Errorf("line %d: not a line Mermaid output may hold: %q", n, line)
		}
	}
	if group != "" {
		return nil, fmt.Errorf("subgraph %s is not closed", group)
	}
	for id := range groupIDs {
		if _, clash := g.nodes[id]; clash {
			return nil, fmt.Errorf("subgraph id %s is also a node id", id)
		}
	}
	return g, nil
}

type dotToken struct {
	kind byte // 'i' identifier, 's' quoted string, 'p' punctuation, 'a' arrow
	text string
}

// lexDOT splits DOT into tokens. Quoted strings must close and may hold only the escapes the
// writer makes (\" \\ \n) and no raw newline.
func lexDOT(s string) ([]dotToken, error) {
	var toks []dotToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t':
			i++
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				switch s[j] {
				case '\\':
					if j+1 >= len(s) || !strings.ContainsRune(`"\n`, rune(s[j+1])) {
						return nil, fmt.Errorf("offset %d: unexpected escape in string", j)
					}
					j++
				case '\n':
					return nil, fmt.Errorf("offset %d: raw newline in string", j)
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("offset %d: string never closes", i)
			}
			toks = append(toks, dotToken{'s', s[i+1 : j]})
			i = j + 1
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			toks = append(toks, dotToken{'i', s[i:j]})
			i = j
		case strings.HasPrefix(s[i:], "->"):
			toks = append(toks, dotToken{'a', "->"})
			i += 2
		case strings.ContainsRune("{}[];,=", rune(c)):
			toks = append(toks, dotToken{'p', string(c)})
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
				j++
			}
			toks = append(toks, dotToken{'i', s[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("offset %d: unexpected %q outside a string", i, c)
		}
	}
	return toks, nil
}

// dotGraph is what checkDOT read.
type dotGraph struct {
	nodes    map[string]string // id -> cluster ("" outside)
	labels   map[string]string // id -> label as written
	clusters []string
	edges    [][2]string
	dashed   int
}

// checkDOT parses the DOT subset the writer produces: one digraph of attribute statements,
// node statements, clusters and edge statements. Braces and brackets balance, attribute lists
// are name=value pairs, every node is declared once, and every edge joins declared nodes.
func checkDOT(out string) (*dotGraph, error) {
	toks, err := lexDOT(out)
	if err != nil {
		return nil, err
	}
	g := &dotGraph{nodes: map[string]string{}, labels: map[string]string{}}
	p := 0
	next := func() (dotToken, error) {
		if p >= len(toks) {
			return dotToken{}, errors.New("unexpected end")
		}
		p++
		return toks[p-1], nil
	}
	expect := func(kind byte, text string) error {
		t, err := next()
		if err != nil {
			return err
		}
		if t.kind != kind || (text != "" && t.text != text) {
			return fmt.Errorf("token %d: want %q, got %q", p, text, t.text)
		}
		return nil
	}
	attrs := func() (map[string]string, error) {
		if err := expect('p', "["); err != nil {
			return nil, err
		}
		a := map[string]string{}
		for {
			name, err := next()
			if err != nil {
				return nil, err
			}
			if name.kind != 'i' {
				return nil, fmt.Errorf("token %d: attribute name expected, got %q", p, name.text)
			}
			if err := expect('p', "="); err != nil {
				return nil, err
			}
			val, err := next()
			if err != nil {
				return nil, err
			}
			if val.kind != 'i' && val.kind != 's' {
				return nil, fmt.Errorf("token %d: attribute value expected, got %q", p, val.text)
			}
			a[name.text] = val.text
			sep, err := next()
			if err != nil {
				return nil, err
			}
			if sep.text == "]" {
				return a, expect('p', ";")
			}
			if sep.text != "," {
				return nil, fmt.Errorf("token %d: ',' or ']' expected, got %q", p, sep.text)
			}
		}
	}
	if err := expect('i', "digraph"); err != nil {
		return nil, err
	}
	if err := expect('i', ""); err != nil {
		return nil, err
	}
	if err := expect('p', "{"); err != nil {
		return nil, err
	}
	cluster, depth := "", 1
	for depth > 0 {
		t, err := next()
		if err != nil {
			return nil, err
		}
		switch {
		case t.text == "}":
			depth--
			cluster = ""
		case t.text == "subgraph":
			id, err := next()
			if err != nil {
				return nil, err
			}
			if cluster != "" || !strings.HasPrefix(id.text, "cluster_") {
				return nil, fmt.Errorf("token %d: bad subgraph %q", p, id.text)
			}
			cluster = id.text
			g.clusters = append(g.clusters, cluster)
			depth++
			if err := expect('p', "{"); err != nil {
				return nil, err
			}
		case t.text == "graph" || t.text == "node" || t.text == "edge":
			if _, err := attrs(); err != nil {
				return nil, err
			}
		case t.kind == 'i' && p < len(toks) && toks[p].kind == 'a':
			p++
			to, err := next()
			if err != nil {
				return nil, err
			}
			a, err := attrs()
			if err != nil {
				return nil, err
			}
			for _, id := range []string{t.text, to.text} {
				if _, ok := g.nodes[id]; !ok {
					return nil, fmt.Errorf("edge end %s is not a declared node", id)
				}
			}
			if a["style"] == "dashed" {
				g.dashed++
			}
			g.edges = append(g.edges, [2]string{t.text, to.text})
		case t.kind == 'i':
			if _, dup := g.nodes[t.text]; dup {
				return nil, fmt.Errorf("node %s declared twice", t.text)
			}
			a, err := attrs()
			if err != nil {
				return nil, err
			}
			if _, ok := a["label"]; !ok {
				return nil, fmt.Errorf("node %s has no label", t.text)
			}
			g.nodes[t.text], g.labels[t.text] = cluster, a["label"]
		default:
			return nil, fmt.Errorf("token %d: unexpected %q", p, t.text)
		}
	}
	if p != len(toks) {
		return nil, fmt.Errorf("token %d: text after the graph", p)
	}
	return g, nil
}

// decodeGraphML reads GraphML back with encoding/xml, checking the whole input is one
// well-formed document and that every data key, edge end and id is declared and unique.
func decodeGraphML(data []byte) (*gmlDoc, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var doc gmlDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if cd, ok := tok.(xml.CharData); !ok || len(bytes.TrimSpace(cd)) > 0 {
			return nil, fmt.Errorf("content after the root element: %v", tok)
		}
	}
	if doc.XMLNS != graphmlNS {
		return nil, fmt.Errorf("namespace %q", doc.XMLNS)
	}
	keys := map[string]string{}
	for _, k := range doc.Keys {
		if _, dup := keys[k.ID]; dup {
			return nil, fmt.Errorf("key %q declared twice", k.ID)
		}
		keys[k.ID] = k.For
	}
	nodes := map[string]bool{}
	for _, n := range doc.Graph.Nodes {
		if nodes[n.ID] {
			return nil, fmt.Errorf("node %q declared twice", n.ID)
		}
		nodes[n.ID] = true
		for _, d := range n.Data {
			if keys[d.Key] != "node" {
				return nil, fmt.Errorf("node %q: data key %q is not a node key", n.ID, d.Key)
			}
		}
	}
	edges := map[string]bool{}
	for _, e := range doc.Graph.Edges {
		if edges[e.ID] {
			return nil, fmt.Errorf("edge %q declared twice", e.ID)
		}
		edges[e.ID] = true
		if !nodes[e.Source] || !nodes[e.Target] {
			return nil, fmt.Errorf("edge %q joins undeclared nodes %q -> %q", e.ID, e.Source, e.Target)
		}
		for _, d := range e.Data {
			if keys[d.Key] != "edge" {
				return nil, fmt.Errorf("edge %q: data key %q is not an edge key", e.ID, d.Key)
			}
		}
	}
	return &doc, nil
}

// data returns the value of key among a node's or edge's data.
func data(ds []gmlData, key string) string {
	for _, d := range ds {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}
