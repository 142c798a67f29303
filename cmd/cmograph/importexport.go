package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/document"
)

func runImport(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "import", "import [flags] FILE…", `
Import cmograph documents (YAML or JSON; see internal/document/types.go for the format). All
files go in as one change: if any file has a problem, nothing is written, and every problem is
reported with its file and line. Importing the same files again changes nothing.

Examples:
  cmograph import internal/seed/corpus/*.yaml
  cmograph import --check my-review.yaml      check a file without writing anything`)
	actor := fs.String("actor", env("CMOGRAPH_ACTOR", "import"), "who is importing, kept as createdBy/updatedBy (CMOGRAPH_ACTOR)")
	check := fs.Bool("check", false, "parse and check the files against each other; write nothing")
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	sources, err := document.ReadSources(fs.Args()...)
	if err != nil {
		return err
	}
	if *check {
		files := make([]*document.File, 0, len(sources))
		for _, s := range sources {
			f, err := document.Parse(s.Name, s.Data)
			if err != nil {
				return err
			}
			files = append(files, f)
		}
		ops, err := document.Plan(files)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%d files are well-formed: %d operations would be applied\n", len(files), len(ops))
		return nil
	}
	store, err := app.OpenStore(ctx, *storeCfg, true, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	r, err := document.Import(ctx, store, *actor, sources...)
	if err != nil {
		return fmt.Errorf("nothing was imported:\n%w", err)
	}
	fmt.Fprintf(c.stdout, "imported %d files: %d nodes created, %d updated, %d unchanged; %d links made, %d changed, %d unchanged\n",
		len(sources), r.Created, r.Updated, r.Unchanged, r.Linked, r.Relinked, r.LinksUnchanged)
	return nil
}

// repeated collects a repeatable flag.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func runExport(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "export", "export [flags]", `
Write the graph as one cmograph document: canonical JSON by default, or YAML. Importing the
export into an empty store rebuilds the same graph, provenance included.

Examples:
  cmograph export > review.json
  cmograph export --study gillard-2015 --format yaml --out gillard.yaml`)
	out := fs.String("out", "", "write to this file instead of standard output")
	format := fs.String("format", "json", "json or yaml")
	var studies repeated
	fs.Var(&studies, "study", "export only this study (repeatable); theories and the study's alignments come along")
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, *storeCfg, false, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	snap, err := store.Snapshot(ctx)
	if err != nil {
		return err
	}
	doc := document.FromSnapshot(snap, studies...)
	if len(studies) > 0 && len(doc.Studies) != len(studies) {
		return fmt.Errorf("found %d of the %d studies asked for", len(doc.Studies), len(studies))
	}
	var data []byte
	switch *format {
	case "json":
		data, err = document.MarshalJSON(doc)
	case "yaml":
		data, err = document.MarshalYAML(doc)
	default:
		return fmt.Errorf("--format %q: use json or yaml", *format)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = c.stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}

func runMigrate(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "migrate", "migrate [flags]", `
Create the Neo4j uniqueness constraints and indexes cmograph's queries use. Safe to run any
number of times; serve runs it at start-up too. The embedded store needs no migration.

Example:
  NEO4J_URI=neo4j://localhost:7687 NEO4J_PASSWORD=secret cmograph migrate`)
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	msg, err := app.Migrate(ctx, *storeCfg, logger)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, msg)
	return nil
}
