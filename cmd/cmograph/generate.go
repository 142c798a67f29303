package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/synth"
)

func runGenerate(ctx context.Context, c *cli, args []string) error {
	d := synth.Default()
	fs := newFlags(c, "generate", "generate [flags]", fmt.Sprintf(`
Generate a synthetic corpus of realistic shape for benchmarks and load tests: studies with
programme theories, CMOCs sharing their theory's contexts, mechanisms and outcomes, quotes
evidencing the CMOCs, theories with constructs, and ALIGNS links between studies, all worded
from a peer-support vocabulary so texts overlap across studies. The same flags always give the
same document. Study and theory ids start with "syn-", so the corpus never overwrites real data.

The default is %d studies, %d CMOCs, %d quotes and %d links. --cmocs alone scales the
other counts to that shape; give them too to change the shape. The document is written as JSON
(to standard output unless --out or --load is given); --load imports it into the store as one
change, without import's %d MB limit on a file.

Examples:
  cmograph generate --cmocs 1000 --out synth.json      50 studies, 5,000 quotes, 500 links
  cmograph generate --load --data bench.json            the default size, straight into a store
  cmograph generate --studies 10 --cmocs 100 --quotes 300 --links 40 --seed 7 | less`,
		d.Studies, d.CMOCs, d.Quotes, d.Links, document.MaxFileSize>>20))
	studies := fs.Int("studies", d.Studies, "number of studies")
	cmocs := fs.Int("cmocs", d.CMOCs, "number of CMOCs across all studies; alone, it scales the other counts")
	quotes := fs.Int("quotes", d.Quotes, "number of quotes across all studies")
	links := fs.Int("links", d.Links, "number of cross-study ALIGNS links")
	seed := fs.Int64("seed", d.Seed, "random seed; the same seed gives the same document")
	out := fs.String("out", "", `write the JSON document to this file ("-" for standard output)`)
	load := fs.Bool("load", false, "import the corpus into the store (--data or Neo4j flags) instead of, or as well as, writing it")
	actor := fs.String("actor", env("CMOGRAPH_ACTOR", "generate"), "who is loading, kept as createdBy/updatedBy with --load (CMOGRAPH_ACTOR)")
	storeCfg := storeFlags(fs)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(c.stderr, "generate takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	cfg := synth.Config{Studies: *studies, CMOCs: *cmocs, Quotes: *quotes, Links: *links, Seed: *seed}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["cmocs"] {
		// Counts not given follow the default shape at this size.
		scaled := cfg.Scaled(*cmocs)
		if !set["studies"] {
			cfg.Studies = scaled.Studies
		}
		if !set["quotes"] {
			cfg.Quotes = scaled.Quotes
		}
		if !set["links"] {
			cfg.Links = scaled.Links
		}
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}

	started := time.Now()
	doc, err := synth.Generate(cfg)
	if err != nil {
		return err
	}
	// The summary goes to stderr when the document itself goes to stdout.
	report := c.stdout
	if *out == "-" || (*out == "" && !*load) {
		report = c.stderr
		if err := writeJSON(c.stdout, doc); err != nil {
			return err
		}
	} else if *out != "" {
		if err := writeJSONFile(*out, doc); err != nil {
			return err
		}
	}
	fmt.Fprintf(report, "generated %d studies, %d CMOCs, %d quotes and %d alignments (seed %d)\n",
		cfg.Studies, cfg.CMOCs, cfg.Quotes, cfg.Links, cfg.Seed)
	if !*load {
		return nil
	}
	store, err := app.OpenStore(ctx, *storeCfg, true, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	r, err := synth.Import(ctx, store, *actor, doc)
	if err != nil {
		return fmt.Errorf("nothing was loaded:\n%w", err)
	}
	fmt.Fprintf(report, "loaded: %d nodes created, %d updated, %d unchanged; %d links made, %d changed, %d unchanged (%s)\n",
		r.Created, r.Updated, r.Unchanged, r.Linked, r.Relinked, r.LinksUnchanged, time.Since(started).Round(time.Millisecond))
	return nil
}

func writeJSON(w io.Writer, doc document.Document) error {
	data, err := document.MarshalJSON(doc)
	if err != nil {
		return fmt.Errorf("encoding the corpus: %w", err)
	}
	_, err = w.Write(data)
	return err
}

func writeJSONFile(path string, doc document.Document) error {
	data, err := document.MarshalJSON(doc)
	if err != nil {
		return fmt.Errorf("encoding the corpus: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing the corpus: %w", err)
	}
	return nil
}
