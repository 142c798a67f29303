package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/peerbench"
	"github.com/cmograph/cmograph/internal/store/neo4j"
)

func runBench(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "bench", "bench [flags]", `
Time cmograph's two reference reads against its peers on the synthetic corpus, interleaved in
one run, and print a table of p50 and p90 with ratios: the nested read of 20 studies down to
their evidence quotes, and a page of 50 CMOCs whose outcome mentions "hope", with the total.

Without a Neo4j it times cmograph on the embedded store alone. Given one (--neo4j-uri or
NEO4J_URI), it loads the same corpus into it and adds cmograph on Neo4j, the same reads written
by hand in Cypher, and @neo4j/graphql 7.2.0 (from --graphql-js, when node and its npm packages
are there). Every answer is checked against cmograph embedded's first ("same answer"). The
Neo4j database must be empty unless --wipe says it is a scratch database it may empty.

Examples:
  cmograph bench --cmocs 1000,10000
  NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=… cmograph bench --wipe --runs 40`)
	sizes := fs.String("cmocs", "1000,10000", "corpus sizes in CMOCs, comma-separated")
	runs := fs.Int("runs", 40, "timed runs of each read by each contender")
	warmup := fs.Int("warmup", 3, "untimed runs first")
	uri := fs.String("neo4j-uri", env("NEO4J_URI", ""), "Neo4j URI; empty: the embedded store alone (NEO4J_URI)")
	user := fs.String("neo4j-user", env("NEO4J_USER", "neo4j"), "Neo4j user (NEO4J_USER)")
	password := fs.String("neo4j-password", env("NEO4J_PASSWORD", ""), "Neo4j password (NEO4J_PASSWORD)")
	database := fs.String("neo4j-database", env("NEO4J_DATABASE", "neo4j"), "Neo4j database (NEO4J_DATABASE)")
	wipe := fs.Bool("wipe", false, "empty the Neo4j database first: only for a scratch database")
	graphqlJS := fs.String("graphql-js", env("CMOGRAPH_GRAPHQL_JS", filepath.Join("internal", "peerbench", "graphqljs")),
		`the @neo4j/graphql runner's directory; "" leaves @neo4j/graphql out (CMOGRAPH_GRAPHQL_JS)`)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := peerbench.Config{Runs: *runs, Warmup: *warmup, Wipe: *wipe}
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			return fmt.Errorf("--cmocs: %q is not a size of at least 100 CMOCs", f)
		}
		cfg.Sizes = append(cfg.Sizes, n)
	}
	if *runs < 1 || *warmup < 0 {
		return fmt.Errorf("--runs must be at least 1 and --warmup at least 0")
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	cfg.Logger = logger
	if *uri != "" {
		cfg.Neo4j = &neo4j.Config{URI: *uri, User: *user, Password: *password, Database: *database, Logger: logger}
		if *graphqlJS != "" {
			if _, err := exec.LookPath("node"); err != nil {
				logger.WarnContext(ctx, "node not found: @neo4j/graphql left out", "err", err)
			} else if _, err := os.Stat(filepath.Join(*graphqlJS, "runner.mjs")); err != nil {
				logger.WarnContext(ctx, "no @neo4j/graphql runner: left out", "dir", *graphqlJS)
			} else if err := installRunner(ctx, *graphqlJS); err != nil {
				return err
			} else {
				cfg.GraphQLJS = *graphqlJS
			}
		}
	}
	_, err = peerbench.Run(ctx, cfg, c.stdout)
	return err
}

// installRunner installs the @neo4j/graphql runner's pinned packages on first use, so that the
// benchmark runs unattended on a fresh clone.
func installRunner(ctx context.Context, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@neo4j", "graphql")); err == nil {
		return nil
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("installing @neo4j/graphql (npm ci --prefix %s): %v\n%s", dir, err, out)
	}
	return nil
}
