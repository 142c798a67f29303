// Package neo4j is the Neo4j store: kb.Store on Neo4j 5.13 to 5.26 through the official Go
// driver. Every statement it sends comes from the cypher package. Reads go through
// neo4j.ExecuteQuery routed to readers; a change runs in one managed write transaction whose
// work function may be retried by the driver and so recomputes everything from scratch.
package neo4j

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
)

// Config says where the database is.
type Config struct {
	// URI is a neo4j:// (routing), neo4j+s://, bolt:// or bolt+s:// address.
	URI      string
	User     string // empty: no authentication
	Password string
	// Database is the database to use; empty means the user's home database.
	Database string
	Logger   *slog.Logger
	// Clock stamps changes that carry no time; nil means time.Now.
	Clock func() time.Time
}

// Store is kb.Store on Neo4j. It holds one driver, safe for concurrent use.
type Store struct {
	driver drv.DriverWithContext
	db     string
	log    *slog.Logger
	clock  func() time.Time
}

var (
	_ kb.Store      = (*Store)(nil)
	_ kb.Revisioned = (*Store)(nil)
)

// Revision implements kb.Revisioned with one lookup of the revision node, which every change
// advances in its own transaction, whichever cmograph process made it.
func (s *Store) Revision(ctx context.Context) (uint64, error) {
	recs, err := s.read(ctx, cypher.ReadRevision(), nil)
	if err != nil {
		return 0, err
	}
	if len(recs) != 1 {
		return 0, fmt.Errorf("neo4j: %s returned %d rows, want 1", cypher.ReadRevision().Name, len(recs))
	}
	v, err := field(recs[0], "revision")
	if err != nil {
		return 0, err
	}
	n, err := asInt64(v)
	if err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// Open creates the driver and checks that the database answers. It does not change the
// schema: run Migrate for that.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("neo4j: no URI given")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	auth := drv.NoAuth()
	if cfg.User != "" {
		auth = drv.BasicAuth(cfg.User, cfg.Password, "")
	}
	where := redact(cfg.URI)
	// the driver's own parse error quotes the whole URI, password and all
	if _, err := url.Parse(cfg.URI); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("neo4j: the URI cannot be parsed: %w", err)
	}
	d, err := drv.NewDriverWithContext(cfg.URI, auth, func(c *drv.Config) {
		c.Log = driverLogger{logger}
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j: driver for %s: %w", where, err)
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(ctx)
		return nil, fmt.Errorf("neo4j: connecting to %s: %w", where, err)
	}
	s := &Store{driver: d, db: cfg.Database, log: logger, clock: cfg.Clock}
	if s.clock == nil {
		s.clock = time.Now
	}
	logger.InfoContext(ctx, "neo4j store opened", "uri", where, "database", cfg.Database)
	return s, nil
}

// redact drops any credentials from a URI before it is logged or put in an error.
func redact(uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "the configured URI"
	}
	return u.Redacted()
}

// Migrate creates the constraints and indexes the store relies on. Every statement is
// idempotent, so it is safe to run on every start.
func (s *Store) Migrate(ctx context.Context) error {
	for _, st := range cypher.Migrations() {
		if _, err := s.write(ctx, st, nil); err != nil {
			return err
		}
	}
	s.log.InfoContext(ctx, "neo4j schema migrated", "statements", len(cypher.Migrations()))
	return nil
}

// ErrNotScratch is returned when a database holds a graph that tests or benchmarks did not make.
var ErrNotScratch = errors.New("the Neo4j database holds a graph that cmograph's tests and benchmarks did not make")

// ClaimScratch makes sure the database may be emptied: it may when it is empty (it is then
// marked as scratch), when an earlier test or benchmark marked it, or when force says so.
// Otherwise it refuses, so that pointing the tests at a real review never deletes it.
func (s *Store) ClaimScratch(ctx context.Context, force bool) error {
	recs, err := s.read(ctx, cypher.ScratchState(), nil)
	if err != nil {
		return err
	}
	if len(recs) != 1 {
		return fmt.Errorf("neo4j: %s returned %d rows", cypher.ScratchState().Name, len(recs))
	}
	nodes, _ := recs[0].Get("nodes")
	marked, _ := recs[0].Get("marked")
	if n, _ := nodes.(int64); n > 0 && !force {
		if m, _ := marked.(int64); m == 0 {
			return fmt.Errorf("%w (%d nodes): use an empty or dedicated database, or set CMOGRAPH_NEO4J_SCRATCH=1 if this one may be emptied", ErrNotScratch, n)
		}
	}
	_, err = s.write(ctx, cypher.MarkScratch(), nil)
	return err
}

// Wipe deletes the whole graph: for tests and benchmarks on a scratch database (see
// ClaimScratch).
func (s *Store) Wipe(ctx context.Context) error {
	_, err := s.write(ctx, cypher.Wipe(), nil)
	return err
}

// Ready implements kb.Store.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return fmt.Errorf("neo4j: %w", err)
	}
	return nil
}

// Close implements kb.Store: it closes the driver and its connections.
func (s *Store) Close(ctx context.Context) error {
	if err := s.driver.Close(ctx); err != nil {
		return fmt.Errorf("neo4j: closing the driver: %w", err)
	}
	return nil
}

// read runs a read-only statement on a reader.
func (s *Store) read(ctx context.Context, st cypher.Statement, params map[string]any) ([]*drv.Record, error) {
	res, err := drv.ExecuteQuery(ctx, s.driver, st.Query, params, drv.EagerResultTransformer,
		drv.ExecuteQueryWithDatabase(s.db), drv.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
	}
	return res.Records, nil
}

// write runs one statement in its own transaction on the writer.
func (s *Store) write(ctx context.Context, st cypher.Statement, params map[string]any) ([]*drv.Record, error) {
	res, err := drv.ExecuteQuery(ctx, s.driver, st.Query, params, drv.EagerResultTransformer,
		drv.ExecuteQueryWithDatabase(s.db), drv.ExecuteQueryWithWritersRouting())
	if err != nil {
		return nil, fmt.Errorf("neo4j: %s: %w", st.Name, err)
	}
	return res.Records, nil
}

// driverLogger hands the driver's log to slog. The driver logs errors it will retry, so they
// go out as warnings; its info and debug chatter goes out at debug level.
type driverLogger struct{ l *slog.Logger }

func (d driverLogger) Error(name, id string, err error) {
	d.l.Warn("neo4j driver", "component", name, "id", id, "err", err)
}

func (d driverLogger) Warnf(name, id, msg string, args ...any) {
	d.logf(slog.LevelWarn, name, id, msg, args)
}

func (d driverLogger) Infof(name, id, msg string, args ...any) {
	d.logf(slog.LevelDebug, name, id, msg, args)
}

func (d driverLogger) Debugf(name, id, msg string, args ...any) {
	d.logf(slog.LevelDebug, name, id, msg, args)
}

func (d driverLogger) logf(level slog.Level, name, id, msg string, args []any) {
	ctx := context.Background()
	if !d.l.Enabled(ctx, level) {
		return
	}
	d.l.Log(ctx, level, "neo4j driver: "+fmt.Sprintf(msg, args...), "component", name, "id", id)
}
