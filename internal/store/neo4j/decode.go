package neo4j

import (
	"fmt"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/internal/kb"
)

// The driver hands back maps as map[string]any, lists as []any, integers as int64, floats as
// float64 and DATETIME values as time.Time; kb.FromProps accepts all of them. A node that does
// not decode is a data problem, not the caller's mistake, so the errors below do not wrap kb's
// sentinels.

// field reads a column of a record.
func field(rec *drv.Record, key string) (any, error) {
	v, ok := rec.Get(key)
	if !ok {
		return nil, fmt.Errorf("neo4j: the result has no column %q", key)
	}
	return v, nil
}

// decodeNode builds a node from properties(n) and labels(n).
func decodeNode(props, labels any) (kb.Node, error) {
	p, ok := props.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: node properties: want a map, got %T", props)
	}
	kind, err := kindOf(labels)
	if err != nil {
		return nil, fmt.Errorf("neo4j: node %v: %w", p["id"], err)
	}
	n, err := kb.FromProps(kind, kb.Props(p))
	if err != nil {
		return nil, fmt.Errorf("neo4j: node %v: stored properties do not fit a %s: %v", p["id"], kind, err)
	}
	return n, nil
}

// decodeOptionalNode is decodeNode for an OPTIONAL MATCH: null props mean no node.
func decodeOptionalNode(props, labels any) (kb.Node, error) {
	if props == nil {
		return nil, nil
	}
	return decodeNode(props, labels)
}

// kindOf finds the kind label among a node's labels (the other one is :Node).
func kindOf(labels any) (kb.Kind, error) {
	list, ok := labels.([]any)
	if !ok {
		return "", fmt.Errorf("labels: want a list, got %T", labels)
	}
	for _, l := range list {
		s, _ := l.(string)
		if _, known := kb.NewNode(kb.Kind(s)); known {
			return kb.Kind(s), nil
		}
	}
	return "", fmt.Errorf("no kind among the labels %v", list)
}

// decodeNodeMap builds a node from a {props, labels} map, as a list query's page holds them.
func decodeNodeMap(v any) (kb.Node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: page entry: want a map, got %T", v)
	}
	return decodeNode(m["props"], m["labels"])
}

// decodeNodeRecord builds a node from a record with props and labels columns.
func decodeNodeRecord(rec *drv.Record) (kb.Node, error) {
	props, err := field(rec, "props")
	if err != nil {
		return nil, err
	}
	labels, err := field(rec, "labels")
	if err != nil {
		return nil, err
	}
	return decodeNode(props, labels)
}

// decodeLinkRecord builds a link from a record with type, from, to and props columns.
func decodeLinkRecord(rec *drv.Record) (kb.Link, error) {
	typ, err := stringField(rec, "type")
	if err != nil {
		return kb.Link{}, err
	}
	l := kb.Link{Type: kb.RelType(typ)}
	if l.From, err = stringField(rec, "from"); err != nil {
		return kb.Link{}, err
	}
	if l.To, err = stringField(rec, "to"); err != nil {
		return kb.Link{}, err
	}
	props, err := field(rec, "props")
	if err != nil {
		return kb.Link{}, err
	}
	if err := decodeLinkProps(props, &l.LinkProps); err != nil {
		return kb.Link{}, fmt.Errorf("neo4j: %s link %q -> %q: %w", l.Type, l.From, l.To, err)
	}
	return l, nil
}

func stringField(rec *drv.Record, key string) (string, error) {
	v, err := field(rec, key)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("neo4j: column %s: want a string, got %T", key, v)
	}
	return s, nil
}

// decodeLinkProps fills dst from properties(r).
func decodeLinkProps(props any, dst *kb.LinkProps) error {
	p, ok := props.(map[string]any)
	if !ok {
		return fmt.Errorf("link properties: want a map, got %T", props)
	}
	if err := kb.DecodeProps(kb.Props(p), dst); err != nil {
		return fmt.Errorf("stored properties do not fit: %v", err)
	}
	return nil
}

// asInt64 reads a count.
func asInt64(v any) (int64, error) {
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("neo4j: want an integer, got %T", v)
	}
	return n, nil
}

// asList reads a list column.
func asList(v any) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("neo4j: want a list, got %T", v)
	}
	return l, nil
}

// params converts kb properties to the plain map the driver packs. Lists of strings stay
// []string, times stay time.Time (sent as DATETIME in UTC), numbers int64 or float64.
func params(p kb.Props) map[string]any { return map[string]any(p) }
