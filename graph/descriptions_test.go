package graph_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/introspection"
)

// introspected is the part of the standard introspection answer that carries descriptions.
type introspected struct {
	Schema struct {
		Types []struct {
			Kind        string  `json:"kind"`
			Name        string  `json:"name"`
			Description *string `json:"description"`
			Fields      []struct {
				Name        string  `json:"name"`
				Description *string `json:"description"`
				Args        []struct {
					Name        string  `json:"name"`
					Description *string `json:"description"`
				} `json:"args"`
			} `json:"fields"`
			InputFields []struct {
				Name        string  `json:"name"`
				Description *string `json:"description"`
			} `json:"inputFields"`
			EnumValues []struct {
				Name        string  `json:"name"`
				Description *string `json:"description"`
			} `json:"enumValues"`
		} `json:"types"`
		Directives []struct {
			Name        string  `json:"name"`
			Description *string `json:"description"`
			Args        []struct {
				Name        string  `json:"name"`
				Description *string `json:"description"`
			} `json:"args"`
		} `json:"directives"`
	} `json:"__schema"`
}

// builtinScalars are the scalars the GraphQL specification defines; their descriptions are
// the specification's, not ours.
var builtinScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

// builtinDirectives are those of the specification and gqlgen.
var builtinDirectives = map[string]bool{"skip": true, "include": true, "deprecated": true,
	"specifiedBy": true, "oneOf": true, "defer": true, "stream": true}

// descriptionTally counts what carries a description, by what it is.
type descriptionTally struct{ described, total int }

// TestSchemaDescriptions holds the schema to what the README promises: it is the
// documentation a dashboard author reads first, so every type, field, argument, input field
// and enum value of ours carries a description. It asks through the real handler with the
// standard introspection query, as GraphiQL and code generators do, and lists every one
// without a description.
func TestSchemaDescriptions(t *testing.T) {
	c := newClient(t, newStore(t))
	r, err := c.RawPost(introspection.Query)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		t.Fatalf("introspection failed: %s", r.Errors)
	}
	var got introspected
	if err := json.Unmarshal(mustJSON(t, r.Data), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Schema.Types) == 0 {
		t.Fatal("introspection returned no types")
	}

	described := func(d *string) bool { return d != nil && strings.TrimSpace(*d) != "" }
	tally := map[string]*descriptionTally{}
	for _, k := range []string{"types", "fields", "arguments", "input fields", "enum values"} {
		tally[k] = &descriptionTally{}
	}
	var missing []string
	check := func(what, path string, d *string) {
		tally[what].total++
		if described(d) {
			tally[what].described++
			return
		}
		missing = append(missing, what+" "+path)
	}
	for _, ty := range got.Schema.Types {
		if strings.HasPrefix(ty.Name, "__") || (ty.Kind == "SCALAR" && builtinScalars[ty.Name]) {
			continue
		}
		check("types", ty.Name, ty.Description)
		for _, f := range ty.Fields {
			check("fields", ty.Name+"."+f.Name, f.Description)
			for _, a := range f.Args {
				check("arguments", ty.Name+"."+f.Name+"("+a.Name+":)", a.Description)
			}
		}
		for _, f := range ty.InputFields {
			check("input fields", ty.Name+"."+f.Name, f.Description)
		}
		for _, v := range ty.EnumValues {
			check("enum values", ty.Name+"."+v.Name, v.Description)
		}
	}
	for _, d := range got.Schema.Directives {
		if builtinDirectives[d.Name] {
			continue
		}
		check("types", "@"+d.Name, d.Description)
		for _, a := range d.Args {
			check("arguments", "@"+d.Name+"("+a.Name+":)", a.Description)
		}
	}

	var counts []string
	for _, k := range []string{"types", "fields", "arguments", "input fields", "enum values"} {
		counts = append(counts, fmt.Sprintf("%s %d of %d", k, tally[k].described, tally[k].total))
	}
	t.Logf("described: %s", strings.Join(counts, ", "))
	if len(missing) > 0 {
		sort.Strings(missing)
		t.Errorf("%d without a description (add one in graph/schema/*.graphqls, then go run ./cmd/gqlgen):\n  %s",
			len(missing), strings.Join(missing, "\n  "))
	}
}
