package neo4j

import (
	"context"
	"fmt"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// The whole-corpus questions run as one statement each where the corpus lives (kb.Tallier):
// what crosses the network is the answer's rows, not the corpus.

var _ kb.Tallier = (*Store)(nil)

// scopeParams names the studies a question is about; an empty list means all of them, and
// must be a list, not null, for size($studyIds) = 0.
func scopeParams(studyIDs []string) map[string]any {
	if studyIDs == nil {
		studyIDs = []string{}
	}
	return map[string]any{"studyIds": studyIDs}
}

// Crosswalk implements kb.Tallier.
func (s *Store) Crosswalk(ctx context.Context, q kb.CrosswalkQuery) ([]kb.CrosswalkRow, error) {
	st, ok := cypher.Crosswalk(q.Kind)
	if !ok {
		return nil, kb.Invalid("kind", "%q is not a context, mechanism or outcome", q.Kind)
	}
	recs, err := s.read(ctx, st, crosswalkParams(q))
	if err != nil {
		return nil, err
	}
	return decodeCrosswalk(recs)
}

func crosswalkParams(q kb.CrosswalkQuery) map[string]any {
	p := scopeParams(q.StudyIDs)
	joins := make([]string, len(q.Joins))
	for i, j := range q.Joins {
		joins[i] = string(j)
	}
	p["joins"] = joins
	return p
}

func decodeCrosswalk(recs []*drv.Record) ([]kb.CrosswalkRow, error) {
	out := make([]kb.CrosswalkRow, 0, len(recs))
	for _, rec := range recs {
		var row kb.CrosswalkRow
		var err error
		if row.ID, err = stringField(rec, "id"); err != nil {
			return nil, err
		}
		if row.Joined, err = stringsField(rec, "joined"); err != nil {
			return nil, err
		}
		if row.Constructs, err = stringsField(rec, "constructs"); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// Tally implements kb.Tallier.
func (s *Store) Tally(ctx context.Context, q kb.TallyQuery) ([]kb.TallyRow, error) {
	st, ok := cypher.Tally(q.By)
	if !ok {
		return nil, kb.Invalid("by", "%q is not a dimension", q.By)
	}
	recs, err := s.read(ctx, st, tallyParams(q))
	if err != nil {
		return nil, err
	}
	return decodeTally(recs, q.ByStudies)
}

func tallyParams(q kb.TallyQuery) map[string]any {
	p := scopeParams(q.StudyIDs)
	roles := make([]string, len(q.Roles))
	for i, r := range q.Roles {
		roles[i] = string(r)
	}
	p["merge"], p["roles"], p["byStudies"], p["limit"] = stringMap(q.Merge), roles, q.ByStudies, int64(q.Limit)
	p["notStated"] = kb.NotStatedKey
	if q.NoNotStated {
		p["notStated"] = nil
	}
	return p
}

// stringMap is a map parameter in the shape the driver packs.
func stringMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func decodeTally(recs []*drv.Record, cells bool) ([]kb.TallyRow, error) {
	out := make([]kb.TallyRow, 0, len(recs))
	for _, rec := range recs {
		var row kb.TallyRow
		var err error
		if row.Key, err = stringField(rec, "key"); err != nil {
			return nil, err
		}
		if row.CMOCs, err = intField(rec, "cmocs"); err != nil {
			return nil, err
		}
		if row.Studies, err = intField(rec, "studies"); err != nil {
			return nil, err
		}
		if cells {
			v, err := field(rec, "cells")
			if err != nil {
				return nil, err
			}
			list, err := asList(v)
			if err != nil {
				return nil, fmt.Errorf("neo4j: cells: %w", err)
			}
			row.Cells = make(map[string]int, len(list))
			for _, item := range list {
				m, ok := item.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("neo4j: cell: want a map, got %T", item)
				}
				study, _ := m["study"].(string)
				n, err := asInt64(m["n"])
				if err != nil {
					return nil, fmt.Errorf("neo4j: cell of %q: %w", study, err)
				}
				row.Cells[study] = int(n)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// ElementUses implements kb.Tallier.
func (s *Store) ElementUses(ctx context.Context, q kb.UsesQuery) ([]kb.ElementUse, error) {
	st, ok := cypher.ElementUses(q.Kind)
	if !ok {
		return nil, kb.Invalid("kind", "%q is not a context, mechanism or outcome", q.Kind)
	}
	if len(q.IDs) == 0 {
		return nil, ctx.Err()
	}
	recs, err := s.read(ctx, st, usesParams(q))
	if err != nil {
		return nil, err
	}
	out := make([]kb.ElementUse, 0, len(recs))
	for _, rec := range recs {
		n, err := decodeNodeRecord(rec)
		if err != nil {
			return nil, err
		}
		uses, err := intField(rec, "uses")
		if err != nil {
			return nil, err
		}
		out = append(out, kb.ElementUse{Node: n, Uses: uses})
	}
	return out, nil
}

func usesParams(q kb.UsesQuery) map[string]any {
	p := scopeParams(q.StudyIDs)
	p["ids"] = uniqueIDs(q.IDs)
	return p
}

// CMOCGaps implements kb.Tallier.
func (s *Store) CMOCGaps(ctx context.Context, studyIDs []string) ([]kb.CMOCGap, error) {
	recs, err := s.read(ctx, cypher.CMOCGaps(), gapsParams(studyIDs))
	if err != nil {
		return nil, err
	}
	return decodeGaps(recs)
}

func gapsParams(studyIDs []string) map[string]any {
	p := scopeParams(studyIDs)
	p["staff"] = string(kb.InformantStaff)
	return p
}

func decodeGaps(recs []*drv.Record) ([]kb.CMOCGap, error) {
	out := make([]kb.CMOCGap, 0, len(recs))
	for _, rec := range recs {
		var g kb.CMOCGap
		var err error
		if g.ID, err = stringField(rec, "id"); err != nil {
			return nil, err
		}
		if g.ProgrammeTheoryID, err = stringField(rec, "programmeTheoryId"); err != nil {
			return nil, err
		}
		if g.Code, err = optionalStringField(rec, "code"); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			key string
			dst *bool
		}{{"unquoted", &g.Unquoted}, {"staffOnly", &g.StaffOnly}, {"noContext", &g.Missing[0]},
			{"noMechanism", &g.Missing[1]}, {"noOutcome", &g.Missing[2]}} {
			v, err := field(rec, f.key)
			if err != nil {
				return nil, err
			}
			b, ok := v.(bool)
			if !ok {
				return nil, fmt.Errorf("neo4j: %s: want a boolean, got %T", f.key, v)
			}
			*f.dst = b
		}
		out = append(out, g)
	}
	return out, nil
}

// UnlinkedElements implements kb.Tallier.
func (s *Store) UnlinkedElements(ctx context.Context, studyIDs []string, limit int) (int, []kb.Node, error) {
	recs, err := s.read(ctx, cypher.UnlinkedElements(), unlinkedParams(studyIDs, limit))
	if err != nil {
		return 0, nil, err
	}
	if len(recs) != 1 {
		return 0, nil, fmt.Errorf("neo4j: %s: want one row, got %d", cypher.UnlinkedElements().Name, len(recs))
	}
	total, err := intField(recs[0], "total")
	if err != nil {
		return 0, nil, err
	}
	v, err := field(recs[0], "first")
	if err != nil {
		return 0, nil, err
	}
	list, err := asList(v)
	if err != nil {
		return 0, nil, fmt.Errorf("neo4j: first: %w", err)
	}
	nodes := make([]kb.Node, 0, len(list))
	for _, item := range list {
		n, err := decodeNodeMap(item)
		if err != nil {
			return 0, nil, err
		}
		nodes = append(nodes, n)
	}
	return total, nodes, nil
}

func unlinkedParams(studyIDs []string, limit int) map[string]any {
	p := scopeParams(studyIDs)
	p["limit"] = int64(limit)
	return p
}

// Patterns implements kb.Tallier.
func (s *Store) Patterns(ctx context.Context, q kb.PatternQuery) ([]kb.PatternRow, error) {
	recs, err := s.read(ctx, cypher.Patterns(), patternParams(q))
	if err != nil {
		return nil, err
	}
	return decodePatterns(recs)
}

func patternParams(q kb.PatternQuery) map[string]any {
	return map[string]any{"mechanisms": stringMap(q.Mechanisms), "outcomes": stringMap(q.Outcomes),
		"minStudies": int64(q.MinStudies), "limit": int64(q.Limit)}
}

func decodePatterns(recs []*drv.Record) ([]kb.PatternRow, error) {
	out := make([]kb.PatternRow, 0, len(recs))
	for _, rec := range recs {
		var row kb.PatternRow
		var err error
		if row.Mechanism, err = stringField(rec, "mechanism"); err != nil {
			return nil, err
		}
		if row.Outcome, err = stringField(rec, "outcome"); err != nil {
			return nil, err
		}
		if row.Studies, err = intField(rec, "studies"); err != nil {
			return nil, err
		}
		if row.CMOCs, err = stringsField(rec, "cmocs"); err != nil {
			return nil, err
		}
		if row.CMOCStudies, err = stringsField(rec, "cmocStudies"); err != nil {
			return nil, err
		}
		if len(row.CMOCs) != len(row.CMOCStudies) {
			return nil, fmt.Errorf("neo4j: pattern %s -> %s: %d CMOCs but %d studies", row.Mechanism, row.Outcome, len(row.CMOCs), len(row.CMOCStudies))
		}
		out = append(out, row)
	}
	return out, nil
}

// optionalStringField reads a string column; null reads as "".
func optionalStringField(rec *drv.Record, key string) (string, error) {
	v, err := field(rec, key)
	if err != nil || v == nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("neo4j: %s: want a string, got %T", key, v)
	}
	return s, nil
}

// stringsField reads a list-of-strings column; nulls in it read as "".
func stringsField(rec *drv.Record, key string) ([]string, error) {
	v, err := field(rec, key)
	if err != nil {
		return nil, err
	}
	list, err := asList(v)
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", key, err)
	}
	out := make([]string, len(list))
	for i, item := range list {
		if item == nil {
			continue
		}
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf("neo4j: %s[%d]: want a string, got %T", key, i, item)
		}
		out[i] = s
	}
	return out, nil
}

func intField(rec *drv.Record, key string) (int, error) {
	v, err := field(rec, key)
	if err != nil {
		return 0, err
	}
	n, err := asInt64(v)
	if err != nil {
		return 0, fmt.Errorf("neo4j: %s: %w", key, err)
	}
	return int(n), nil
}
