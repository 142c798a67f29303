// Command cmograph keeps realist reviews' programme theories as one graph and serves them over
// GraphQL. Run `cmograph help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const usage = `cmograph keeps realist reviews' programme theories (studies, CMOCs, contexts,
mechanisms, outcomes, quotes and the theories behind them) as one graph, served over GraphQL.

Usage:
  cmograph serve [flags]          serve the GraphQL API and GraphiQL
  cmograph token create|list|revoke   API tokens and their roles (reader, editor, admin)
  cmograph import [flags] FILE…   import cmograph documents (YAML or JSON), all or nothing
  cmograph export [flags]         write the graph as a cmograph document
  cmograph migrate [flags]        create Neo4j's constraints and indexes (idempotent)
  cmograph generate [flags]       write (or --load) a synthetic corpus for benchmarks
  cmograph bench [flags]          time the reference reads against Neo4j, Cypher, @neo4j/graphql
  cmograph healthcheck            exit 0 if a running serve answers /healthz
  cmograph help [COMMAND]         explain a command and its flags
  cmograph --version              the version, revision and Go it was built with

Start here:
  cmograph serve --demo           the four peer-support papers on the embedded store;
                                  open http://localhost:8080/ (GraphiQL at /graphiql); this
                                  machine only until you create a token (cmograph help token)

Stores: the embedded store (one data file, no setup) is the default; give --neo4j-uri (or set
NEO4J_URI) to use Neo4j 5. Every flag can also be set from the environment variable shown in
its help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// cli carries what every command shares: output streams and the process start time.
type cli struct {
	stdout, stderr io.Writer
	started        time.Time
}

func commands() []command {
	return []command{
		{"serve", "serve the GraphQL API", runServe},
		{"import", "import cmograph documents", runImport},
		{"export", "export the graph", runExport},
		{"migrate", "create Neo4j constraints and indexes", runMigrate},
		{"generate", "generate a synthetic corpus", runGenerate},
		{"bench", "time the reference reads against their peers", runBench},
		{"token", "create, list and revoke API tokens", runToken},
		{"healthcheck", "ask a running serve whether it is alive", runHealthcheck},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, started: time.Now()}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if args[0] == "--version" || args[0] == "version" {
		printVersion(c)
		return 0
	}
	name, rest := args[0], args[1:]
	if name == "help" {
		if len(rest) == 0 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		name, rest = rest[0], []string{"--help"}
	}
	for _, cmd := range commands() {
		if cmd.name == name {
			err := cmd.run(ctx, c, rest)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "cmograph %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "cmograph: unknown command %q\n\n%s", name, usage)
	return 2
}

var errUsage = errors.New("usage")

// env returns the environment variable or a default, for flag defaults.
func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

// newFlags makes a flag set whose --help prints what the command does, an example and every
// flag with its environment variable.
func newFlags(c *cli, name, synopsis, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: cmograph %s\n\n%s\n\nFlags:\n", synopsis, strings.TrimSpace(about))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning a usage error into errUsage (the flag package has printed it).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// logFlags adds the logging flags and returns a function that builds the logger.
func logFlags(fs *flag.FlagSet, c *cli) func() (*slog.Logger, error) {
	level := fs.String("log-level", env("CMOGRAPH_LOG_LEVEL", "info"), "debug, info, warn or error (CMOGRAPH_LOG_LEVEL)")
	format := fs.String("log-format", env("CMOGRAPH_LOG_FORMAT", "text"), "text or json (CMOGRAPH_LOG_FORMAT)")
	return func() (*slog.Logger, error) {
		var lv slog.Level
		if err := lv.UnmarshalText([]byte(*level)); err != nil {
			return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", *level)
		}
		opts := &slog.HandlerOptions{Level: lv}
		switch *format {
		case "text":
			return slog.New(slog.NewTextHandler(c.stderr, opts)), nil
		case "json":
			return slog.New(slog.NewJSONHandler(c.stderr, opts)), nil
		}
		return nil, fmt.Errorf("--log-format %q: use text or json", *format)
	}
}
