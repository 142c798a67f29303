package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/cmoctable"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/kb"
)

func runImport(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "import", "import [flags] FILE…", `
Import files into the knowledge base: cmograph documents (YAML or JSON), CMOC tables (CSV or
XLSX, one row per CMOC), citations (RIS, BibTeX, CSL-JSON: they create or update studies,
matched on DOI, then PMID, then title and year) and REFI-QDA projects (.qdpx) or codebooks
(.qdc) from NVivo, ATLAS.ti, MAXQDA or QualCoder. The format comes from each file's name (or
--format). All files go in as one change: if any file has a problem, nothing is written, and
every problem is reported with its file and line. Importing the same files again changes
nothing; a table, citation or QDA import adds to what is there and never blanks a field the
file does not carry.

Examples:
  cmograph import internal/seed/corpus/*.yaml
  cmograph import --check my-review.yaml                   check, write nothing
  cmograph import internal/cmoctable/testdata/example.csv
  cmograph import --map "cmoc=CMOC code,outcome=O" table.csv
  cmograph import refs.ris project.qdpx`)
	actor := fs.String("actor", env("CMOGRAPH_ACTOR", "import"), "who is importing, kept as createdBy/updatedBy (CMOGRAPH_ACTOR)")
	check := fs.Bool("check", false, "read and check the files against each other and the store; write nothing")
	formatName := fs.String("format", "", "format of every file: "+joinNames(interchange.Formats)+" (default: from each file's name)")
	mapping := fs.String("map", "", `CMOC table columns under other headers, e.g. "cmoc=CMOC code,outcome=Outcome (O)"`)
	maxRows := fs.String("max-rows", env("CMOGRAPH_MAX_ROWS", ""), fmt.Sprintf("most rows one CMOC table may have (default %d) (CMOGRAPH_MAX_ROWS)", cmoctable.DefaultMaxRows))
	maxSize := fs.String("max-file-size", env("CMOGRAPH_MAX_FILE_SIZE", ""), fmt.Sprintf("largest cmograph document to read, in bytes or with a unit (512MiB, 2GiB; default %d MiB); tables, citations and QDA files are at most %d MiB (CMOGRAPH_MAX_FILE_SIZE)", document.MaxDocumentSize>>20, document.MaxFileSize>>20))
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	format, err := interchange.ParseFormat(*formatName)
	if err != nil {
		return err
	}
	opts := interchange.Options{}
	if *mapping != "" {
		if opts.Mapping, err = cmoctable.ParseMapping(*mapping); err != nil {
			return fmt.Errorf("--map: %w", err)
		}
	}
	if *maxRows != "" {
		if opts.MaxTableRows, err = strconv.Atoi(*maxRows); err != nil || opts.MaxTableRows <= 0 {
			return fmt.Errorf("--max-rows: %q is not a positive number of rows", *maxRows)
		}
	}
	if *maxSize != "" {
		if opts.MaxDocumentSize, err = parseSize(*maxSize); err != nil {
			return fmt.Errorf("--max-file-size: %w", err)
		}
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	read, err := document.ReadSources(opts.MaxSize(), interchange.TooLarge, fs.Args()...)
	if err != nil {
		return err
	}
	sources := make([]interchange.Source, len(read))
	for i, r := range read {
		sources[i] = interchange.Source{Name: r.Name, Data: r.Data, Format: format}
	}
	if *check {
		return checkImport(ctx, c, *storeCfg, logger, sources, opts)
	}
	store, err := app.OpenStore(ctx, *storeCfg, true, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	r, converted, err := interchange.Import(ctx, store, *actor, sources, opts)
	if err != nil {
		return fmt.Errorf("nothing was imported:\n%w", err)
	}
	printNotes(c, converted)
	fmt.Fprintf(c.stdout, "imported %d files: %d nodes created, %d updated, %d unchanged; %d links made, %d changed, %d unchanged%s\n",
		len(sources), r.Created, r.Updated, r.Unchanged, r.Linked, r.Relinked, r.LinksUnchanged, removed(r.Unlinked))
	return nil
}

// checkImport tries the files against the store as the import would and prints what they would
// do, kind by kind, or every problem the import would refuse them for.
func checkImport(ctx context.Context, c *cli, cfg app.StoreConfig, logger *slog.Logger, sources []interchange.Source, opts interchange.Options) error {
	store, err := app.OpenStoreReadOnly(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	rep, err := interchange.Check(ctx, store, sources, opts)
	if err != nil {
		return err
	}
	printNotes(c, rep.Converted)
	if !rep.OK() {
		for _, p := range rep.Problems {
			fmt.Fprintln(c.stdout, p)
		}
		return fmt.Errorf("check: %d problems; the import would refuse these files (nothing was written)", len(rep.Problems))
	}
	files := "the 1 file"
	if len(sources) > 1 {
		files = fmt.Sprintf("the %d files", len(sources))
	}
	fmt.Fprintf(c.stdout, "check: %s would import as one change of %d operations (nothing was written):\n", files, rep.Operations)
	printCounts(c.stdout, rep.CheckReport)
	return nil
}

// printCounts writes what a change does per kind of node and per type of link, the kinds and
// types it does not touch left out.
func printCounts(w io.Writer, rep kb.CheckReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range kb.Kinds {
		if r, ok := rep.Kinds[k]; ok {
			fmt.Fprintf(tw, "  %s\t%d created\t%d updated\t%d unchanged\n", k, r.Created, r.Updated, r.Unchanged)
		}
	}
	for _, t := range kb.LinkTypes() {
		if r, ok := rep.Links[t]; ok {
			fmt.Fprintf(tw, "  %s links\t%d made\t%d changed\t%d unchanged%s\n", t, r.Linked, r.Relinked, r.LinksUnchanged, removed(r.Unlinked))
		}
	}
	_ = tw.Flush()
}

// removed mentions links an import removed (a re-imported table's replaced elements), and
// stays silent when there are none, as there are in most imports.
func removed(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d removed", n)
}

// parseSize reads a size as a user types it: bytes, or a number with KiB, MiB, GiB (or KB, MB,
// GB, read as the same powers of two).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("%q is not a size (bytes, or e.g. 512MiB, 2GiB)", s)
	}
	return n * mult, nil
}

func printNotes(c *cli, converted []interchange.Converted) {
	for _, cv := range converted {
		for _, n := range cv.Notes {
			fmt.Fprintln(c.stdout, n)
		}
	}
}

func joinNames[T ~string](xs []T) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// repeated collects a repeatable flag.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

func runExport(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "export", "export [flags]", `
Write the knowledge base, or some studies of it, in a format: the canonical cmograph document
(json, yaml: importing it into an empty store rebuilds the same graph, provenance included), a
CMOC table (csv, the layout import reads), RAMESES appendix tables (markdown), citations (ris,
bibtex, csljson), one programme theory's web of CMOCs (mermaid, dot; --theory), or the graph
for Gephi (graphml).

Examples:
  cmograph export > review.json
  cmograph export --study gillard-2015 --format yaml --out gillard.yaml
  cmograph export --format markdown --study youth-peer-support-2023
  cmograph export --format mermaid --theory youth-peer-support-2023.ipt > youth.mmd
  cmograph export --format graphml --out review.graphml`)
	out := fs.String("out", "", "write to this file instead of standard output")
	formatName := fs.String("format", "json", joinNames(interchange.ExportFormats))
	theory := fs.String("theory", "", "the programme theory to draw (mermaid, dot) or to narrow graphml to")
	var studies repeated
	fs.Var(&studies, "study", "export only this study (repeatable); theories and the study's alignments come along")
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	format, err := interchange.ParseExportFormat(*formatName)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	if err := app.MustHoldData(*storeCfg); err != nil {
		return err
	}
	// read-only: an export may run while cmograph serve holds the data file
	store, err := app.OpenStoreReadOnly(ctx, *storeCfg, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	data, err := interchange.Export(ctx, store, format, interchange.Selection{StudyIDs: studies, ProgrammeTheoryID: *theory})
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
