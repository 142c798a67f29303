package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
)

const shutdownGrace = 10 * time.Second

func runServe(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "serve", "serve [flags]", `
Serve the reviewer pages at /, the GraphQL API at /graphql, GraphiQL at /graphiql, /healthz and
/readyz for health checks and /metrics for Prometheus. Stops cleanly on Ctrl-C or SIGTERM.

Who may do what: with no API tokens the server is open (anyone may write, and names itself
with X-Cmograph-Actor), so it listens only on this machine. Create a token with
"cmograph token create" and every request needs one (Authorization: Bearer …); --public lets
anyone read while writes still need a token.

Examples:
  cmograph serve --demo                       the seed corpus on the embedded store, on 127.0.0.1:8080
  cmograph serve --data review.json           your own review's data file
  cmograph serve --addr :8080 --public        for a team: tokens to write, anyone reads
  NEO4J_URI=neo4j://localhost:7687 NEO4J_PASSWORD=secret cmograph serve --demo`)
	addr := fs.String("addr", env("CMOGRAPH_ADDR", defaultAddr), "address to listen on; :8080 for every interface (CMOGRAPH_ADDR)")
	demo := fs.Bool("demo", env("CMOGRAPH_DEMO", "") == "true",
		"load the four peer-support papers if the store is empty (CMOGRAPH_DEMO=true)")
	migrate := fs.Bool("migrate", true, "on Neo4j, create constraints and indexes at start-up")
	storeCfg := storeFlags(fs)
	netCfg := networkFlags(fs, storeCfg)
	newLogger := logFlags(fs, c)
	if err := parse(fs, args); err != nil {
		return err
	}
	logger, err := newLogger()
	if err != nil {
		return err
	}
	if err := netCfg.validate(); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	defer ln.Close()
	authn, tokens, mode, err := netCfg.access(ctx, ln.Addr())
	if err != nil {
		return err
	}
	store, err := app.OpenStore(ctx, *storeCfg, *migrate, logger)
	if err != nil {
		return err
	}
	defer store.Close(context.Background())
	if *demo {
		if err := app.LoadDemo(ctx, store, logger); err != nil {
			return err
		}
	}
	analyst := analysis.New(store)
	handler := server.New(server.Options{Store: store, Analyst: analyst, Logger: logger, RequestTimeout: netCfg.timeout,
		Auth: authn, Tokens: tokens, AllowedHosts: netCfg.allowedHostList(), CORSOrigins: splitList(netCfg.corsOrigins),
		RateLimit: netCfg.rate, RateBurst: netCfg.burst, TrustProxy: netCfg.trustProxy, MaxConcurrent: netCfg.concurrent,
		NoIntrospection: !netCfg.introspect, NoGraphiQL: !netCfg.graphiql})
	timeouts := server.DefaultTimeouts
	timeouts.Write = max(timeouts.Write, netCfg.timeout+10*time.Second)
	srv := server.NewHTTPServer(handler, timeouts, logger)
	served := make(chan error, 1)
	scheme := "http"
	if netCfg.tlsCert != "" {
		scheme = "https"
		go func() { served <- srv.ServeTLS(ln, netCfg.tlsCert, netCfg.tlsKey) }()
	} else {
		go func() { served <- srv.Serve(ln) }()
	}
	go warm(ctx, store, analyst, logger)
	base := scheme + "://" + displayAddr(ln.Addr())
	logger.InfoContext(ctx, "cmograph is serving", "graphiql", base+"/graphiql", "graphql", base+"/graphql",
		"store", storeKind(*storeCfg), "access", mode, "tokens", tokens.Path(),
		"startup", time.Since(c.started).Round(time.Millisecond))
	select {
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutting down: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// defaultAddr is loopback: an open server must not be reachable from other machines unless its
// operator says so.
const defaultAddr = "127.0.0.1:8080"

func storeKind(cfg app.StoreConfig) string {
	r, err := cfg.Resolve()
	if err != nil {
		return cfg.Kind
	}
	if r.Kind == app.StoreEmbedded {
		return "embedded (" + r.DataFile + ")"
	}
	return "neo4j (" + app.RedactURI(r.Neo4j.URI) + ")"
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

// warm builds at start-up what the embedded store and the analyst otherwise build on first
// use: the full-text index (about a second for 10,000 CMOCs) and the index of the corpus the
// dashboards count over (tens of milliseconds), so a reviewer's first question does not wait.
func warm(ctx context.Context, store kb.Store, analyst *analysis.Analyst, logger *slog.Logger) {
	started := time.Now()
	if _, err := store.Search(ctx, kb.SearchQuery{Text: "warm", Limit: 1}); err != nil {
		if ctx.Err() == nil {
			logger.WarnContext(ctx, "warming the full-text index", "err", err)
		}
		return
	}
	if err := analyst.Warm(ctx); err != nil {
		if ctx.Err() == nil {
			logger.WarnContext(ctx, "warming the index of the corpus and the lexicon of accepted links", "err", err)
		}
		return
	}
	logger.DebugContext(ctx, "indexes ready", "took", time.Since(started).Round(time.Millisecond))
}
