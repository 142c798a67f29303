// Package peerbench times cmograph's reference reads — a nested read of 20 studies down to
// their evidence, a filtered page of CMOCs, and the dashboards' cross-study questions —
// against its peers on the same synthetic corpus, interleaved in one run: cmograph on the
// embedded store, and, given a Neo4j, cmograph on Neo4j, the same answers written by hand in
// Cypher (where one statement can give them), and @neo4j/graphql 7 (for the two reads it can
// express). Every contender's answer is checked against cmograph embedded's before any time
// counts.
package peerbench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/cypher"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/store/neo4j"
	"github.com/cmograph/cmograph/internal/synth"
)

// Config says what to run.
type Config struct {
	// Sizes are the corpus sizes, in CMOCs.
	Sizes []int
	// Runs is how many timed runs each contender makes of each read, after Warmup untimed ones.
	Runs, Warmup int
	// Neo4j, when set, adds cmograph on Neo4j, hand-written Cypher and (with GraphQLJS) the
	// @neo4j/graphql runner. The database must be empty, or marked as scratch by an earlier
	// test or benchmark, unless Wipe says it may be emptied.
	Neo4j *neo4j.Config
	Wipe  bool
	// GraphQLJS is the directory of the @neo4j/graphql runner (runner.mjs, with its npm
	// packages installed); empty leaves @neo4j/graphql out.
	GraphQLJS string
	Logger    *slog.Logger
}

// The two reads, as cmograph, hand-written Cypher and @neo4j/graphql 7 ask them.
const (
	NestedQuery = `{ studies(first: 20) { nodes { id title programmeTheories { id name cmocs { id code
    contexts { name } mechanisms { name } outcomes { name } evidence { quote { text participant } } } } } } }`
	FilteredQuery = `query($w: String!) { cmocs(first: 50, where: {outcome: {contains: $w}}) { totalCount
    nodes { id code mechanisms { name } outcomes { name } } } }`

	nestedPeer = `{ studies(limit: 20, sort: [{id: ASC}]) { id title programmeTheories { id name cmocs { id code
    contexts { name } mechanisms { name } outcomes { name } evidence { text participant } } } } }`
	filteredPeer = `query($w: String!) { cmocsConnection(first: 50, sort: [{id: ASC}],
    where: {outcomes: {some: {OR: [{name: {contains: $w}}, {description: {contains: $w}}]}}}) {
    totalCount edges { node { id code mechanisms { name } outcomes { name } } } } }`

	filterWord = "hope"
)

// read is one request as each contender asks it; a contender with nothing to ask (no
// hand-written floor, no @neo4j/graphql query) sits it out.
type read struct {
	name        string
	graphql     string
	vars        map[string]any
	floor       cypher.Statement
	floorParams map[string]any
	// lowerBound says the floor answers less than the question (it cannot be checked for the
	// same answer): counting outcomes one by one where cmograph merges aligned ones.
	lowerBound bool
	peer       string
}

// The cross-study questions, as a dashboard asks them.
const (
	OutcomeCountsQuery   = `{ cmocCounts(by: OUTCOME) { key count studyCount } }`
	InformantCountsQuery = `{ cmocCounts(by: INFORMANT) { key count studyCount } }`
	MatrixQuery          = `{ elementMatrix(kind: MECHANISM) { studies { id } rows { cluster { key label elements { id } constructs { id } } counts total studyCount } } }`
	GapCountsQuery       = `{ gaps { cmocsWithoutQuoteCount staffOnlyCmocsCount unlinkedElementsCount
    cmocsWithoutContext { count } cmocsWithoutMechanism { count } cmocsWithoutOutcome { count } } }`
	GapListsQuery = `{ gaps { cmocsWithoutQuote { id } staffOnlyCmocs { id } unlinkedElements { id }
    cmocsWithoutContext { cmocs { id } } cmocsWithoutMechanism { cmocs { id } } cmocsWithoutOutcome { cmocs { id } } } }`
	DemiQuery = `{ demiRegularities { mechanism { key label elements { id } } outcome { key label elements { id } } studies { id } cmocs { id } } }`
)

func reads() []read {
	return []read{
		{name: "nested read", graphql: NestedQuery, floor: cypher.FloorNested(), peer: nestedPeer},
		{name: "filtered list", graphql: FilteredQuery, vars: map[string]any{"w": filterWord},
			floor: cypher.FloorFiltered(), floorParams: map[string]any{"w": filterWord, "first": int64(50)},
			peer: filteredPeer},
		{name: "cmocCounts(by: OUTCOME)", graphql: OutcomeCountsQuery, floor: cypher.FloorOutcomeCounts(), lowerBound: true},
		{name: "cmocCounts(by: INFORMANT)", graphql: InformantCountsQuery, floor: cypher.FloorInformantCounts()},
		{name: "elementMatrix(kind: MECHANISM)", graphql: MatrixQuery},
		{name: "gaps, counts", graphql: GapCountsQuery, floor: cypher.FloorGapCounts()},
		{name: "gaps, lists", graphql: GapListsQuery},
		{name: "demiRegularities", graphql: DemiQuery},
	}
}

// errSitsOut is a contender's answer to a read it has no way to ask.
var errSitsOut = errors.New("no way to ask this read")

// Result is one contender's times for one read at one size.
type Result struct {
	Size      int
	Read      string
	Contender string
	P50, P90  time.Duration
	// Same says whether its answer held the same values as cmograph embedded's.
	Same bool
	// LowerBound marks a floor that answers less than the question (see read.lowerBound).
	LowerBound bool
}

// contender answers a read; the time counted is the call's, the answer (JSON) is checked once.
type contender struct {
	name  string
	ask   func(ctx context.Context, r read) ([]byte, error)
	close func()
}

// Run loads the synthetic corpus at each size, times every contender and writes the table.
func Run(ctx context.Context, cfg Config, out io.Writer) ([]Result, error) {
	if cfg.Runs < 1 {
		return nil, errors.New("peerbench: runs must be at least 1")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var all []Result
	for _, size := range cfg.Sizes {
		results, err := runSize(ctx, cfg, logger, size)
		if err != nil {
			return all, fmt.Errorf("%d CMOCs: %w", size, err)
		}
		all = append(all, results...)
		writeTable(out, size, results)
	}
	return all, nil
}

func runSize(ctx context.Context, cfg Config, logger *slog.Logger, size int) ([]Result, error) {
	var contenders []contender
	defer func() {
		for _, c := range contenders {
			c.close()
		}
	}()
	embedded, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := synth.Load(ctx, embedded, synth.Default().Scaled(size)); err != nil {
		return nil, fmt.Errorf("loading the embedded store: %w", err)
	}
	logger.InfoContext(ctx, "corpus loaded", "store", "embedded", "cmocs", size, "took", time.Since(start).Round(time.Millisecond))
	contenders = append(contenders, graphQLContender("cmograph embedded", embedded))
	if cfg.Neo4j != nil {
		more, err := neo4jContenders(ctx, cfg, logger, size)
		contenders = append(contenders, more...)
		if err != nil {
			return nil, err
		}
	}

	// every answer must match cmograph embedded's before anything is timed
	same := make([][]bool, len(reads()))
	sitsOut := make([][]bool, len(reads()))
	for i, r := range reads() {
		var want string
		for _, c := range contenders {
			answer, err := c.ask(ctx, r)
			sitsOut[i] = append(sitsOut[i], errors.Is(err, errSitsOut))
			if errors.Is(err, errSitsOut) {
				same[i] = append(same[i], false)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", c.name, r.name, err)
			}
			got, err := fingerprint(answer)
			if err != nil {
				return nil, fmt.Errorf("%s, %s: %w", c.name, r.name, err)
			}
			if want == "" {
				want = got
			}
			same[i] = append(same[i], got == want)
			if got != want && !(r.lowerBound && c.name == floorName) {
				logger.WarnContext(ctx, "an answer differs from cmograph embedded's", "contender", c.name, "read", r.name)
			}
		}
	}
	times := make([][][]time.Duration, len(reads()))
	for i := range times {
		times[i] = make([][]time.Duration, len(contenders))
	}
	for run := range cfg.Warmup + cfg.Runs {
		for i, r := range reads() {
			for j, c := range contenders {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if sitsOut[i][j] {
					continue
				}
				t0 := time.Now()
				if _, err := c.ask(ctx, r); err != nil {
					return nil, fmt.Errorf("%s, %s: %w", c.name, r.name, err)
				}
				if run >= cfg.Warmup {
					times[i][j] = append(times[i][j], time.Since(t0))
				}
			}
		}
	}
	var results []Result
	for i, r := range reads() {
		for j, c := range contenders {
			if sitsOut[i][j] {
				continue
			}
			ts := times[i][j]
			slices.Sort(ts)
			results = append(results, Result{Size: size, Read: r.name, Contender: c.name,
				P50: ts[len(ts)/2], P90: ts[len(ts)*9/10], Same: same[i][j],
				LowerBound: r.lowerBound && c.name == floorName})
		}
	}
	return results, nil
}

// graphQLContender asks cmograph's real handler in-process: what it costs to serve, not to
// cross a network.
func graphQLContender(name string, s kb.Store) contender {
	h := server.New(server.Options{Store: s})
	return contender{name: name, close: func() { _ = s.Close(context.Background()) },
		ask: func(ctx context.Context, r read) ([]byte, error) {
			body, err := json.Marshal(map[string]any{"query": r.graphql, "variables": r.vars})
			if err != nil {
				return nil, err
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				return nil, fmt.Errorf("HTTP %d: %.300s", rec.Code, rec.Body)
			}
			return graphQLData(rec.Body.Bytes())
		}}
}

// graphQLData is a response's data, or its first error.
func graphQLData(raw []byte) ([]byte, error) {
	var resp struct {
		Data   json.RawMessage   `json:"data"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(resp.Errors) > 0 {
		return nil, fmt.Errorf("the answer has errors: %s", resp.Errors[0])
	}
	return resp.Data, nil
}

func neo4jContenders(ctx context.Context, cfg Config, logger *slog.Logger, size int) ([]contender, error) {
	var out []contender
	s, err := neo4j.Open(ctx, *cfg.Neo4j)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}
	if err := prepare(ctx, s, cfg.Wipe); err != nil {
		_ = s.Close(ctx)
		return nil, err
	}
	start := time.Now()
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(size)); err != nil {
		_ = s.Close(ctx)
		return nil, fmt.Errorf("loading Neo4j: %w", err)
	}
	logger.InfoContext(ctx, "corpus loaded", "store", "neo4j", "cmocs", size, "took", time.Since(start).Round(time.Millisecond))
	out = append(out, graphQLContender("cmograph on Neo4j", s))

	floor, err := floorContender(ctx, *cfg.Neo4j)
	if err != nil {
		return out, err
	}
	out = append(out, floor)
	if cfg.GraphQLJS != "" {
		peer, err := peerContender(ctx, cfg)
		if err != nil {
			return out, err
		}
		out = append(out, peer)
	}
	return out, nil
}

// prepare empties the database for the corpus, if it is a scratch database (or wipe says so).
func prepare(ctx context.Context, s *neo4j.Store, wipe bool) error {
	if err := s.ClaimScratch(ctx, wipe); err != nil {
		return fmt.Errorf("%w; or pass --wipe", err)
	}
	return s.Wipe(ctx)
}

const floorName = "hand-written Cypher"

// floorContender runs the hand-written statements with the official driver.
func floorContender(ctx context.Context, cfg neo4j.Config) (contender, error) {
	auth := drv.NoAuth()
	if cfg.User != "" {
		auth = drv.BasicAuth(cfg.User, cfg.Password, "")
	}
	d, err := drv.NewDriverWithContext(cfg.URI, auth)
	if err != nil {
		return contender{}, fmt.Errorf("hand-written Cypher: %w", err)
	}
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(ctx)
		return contender{}, fmt.Errorf("hand-written Cypher: %w", err)
	}
	return contender{name: floorName, close: func() { _ = d.Close(context.Background()) },
		ask: func(ctx context.Context, r read) ([]byte, error) {
			if r.floor.Query == "" {
				return nil, errSitsOut
			}
			res, err := drv.ExecuteQuery(ctx, d, r.floor.Query, r.floorParams, drv.EagerResultTransformer,
				drv.ExecuteQueryWithDatabase(cfg.Database), drv.ExecuteQueryWithReadersRouting())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", r.floor.Name, err)
			}
			rows := make([]map[string]any, len(res.Records))
			for i, rec := range res.Records {
				rows[i] = rec.AsMap()
			}
			return json.Marshal(rows)
		}}, nil
}

// peerContender starts the @neo4j/graphql runner and asks it over its standard streams.
func peerContender(ctx context.Context, cfg Config) (contender, error) {
	script := filepath.Join(cfg.GraphQLJS, "runner.mjs")
	if _, err := os.Stat(filepath.Join(cfg.GraphQLJS, "node_modules", "@neo4j", "graphql")); err != nil {
		return contender{}, fmt.Errorf("@neo4j/graphql is not installed: run npm ci --prefix %s", cfg.GraphQLJS)
	}
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Env = append(os.Environ(), "NEO4J_URI="+cfg.Neo4j.URI, "NEO4J_USER="+cfg.Neo4j.User,
		"NEO4J_PASSWORD="+cfg.Neo4j.Password, "NEO4J_DATABASE="+cfg.Neo4j.Database)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return contender{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return contender{}, err
	}
	if err := cmd.Start(); err != nil {
		return contender{}, fmt.Errorf("starting the @neo4j/graphql runner: %w", err)
	}
	lines := bufio.NewReaderSize(stdout, 1<<20)
	stop := func() { _ = stdin.Close(); _ = cmd.Wait() }
	if ready, err := lines.ReadBytes('\n'); err != nil || !bytes.Contains(ready, []byte(`"ready"`)) {
		stop()
		return contender{}, fmt.Errorf("the @neo4j/graphql runner did not start: %v %s", err, ready)
	}
	return contender{name: "@neo4j/graphql 7", close: stop,
		ask: func(ctx context.Context, r read) ([]byte, error) {
			if r.peer == "" {
				return nil, errSitsOut
			}
			req, err := json.Marshal(map[string]any{"query": r.peer, "variables": r.vars})
			if err != nil {
				return nil, err
			}
			if _, err := stdin.Write(append(req, '\n')); err != nil {
				return nil, err
			}
			line, err := lines.ReadBytes('\n')
			if err != nil {
				return nil, fmt.Errorf("the @neo4j/graphql runner: %w", err)
			}
			return graphQLData(line)
		}}, nil
}

// fingerprint sums up an answer by its values: every scalar with the name of the field that
// holds it, counted and sorted, so that answers of different shapes (a connection's nodes or
// edges, an evidence's quote or the quote itself, lists in any order, a missing value as null
// or as "") compare by what they say.
func fingerprint(answer []byte) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(answer))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("reading the answer: %w", err)
	}
	var leaves []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				walk(k, child)
			}
		case []any:
			for _, child := range x {
				walk(key, child)
			}
		case nil:
			// a property a node lacks: cmograph answers "" for a non-null string, Cypher's map
			// projection null
			leaves = append(leaves, key+"=")
		default:
			leaves = append(leaves, fmt.Sprintf("%s=%v", key, x))
		}
	}
	walk("", v)
	slices.Sort(leaves)
	sum := sha256.Sum256([]byte(strings.Join(leaves, "\x00")))
	return fmt.Sprintf("%d values %x", len(leaves), sum[:8]), nil
}

// writeTable prints one size's results with ratios to the hand-written Cypher where it ran.
func writeTable(out io.Writer, size int, results []Result) {
	fmt.Fprintf(out, "\n%d CMOCs\n\n| read | contender | p50 | p90 | p50 ratio | same answer |\n|---|---|---:|---:|---:|---|\n", size)
	base := map[string]time.Duration{}
	for _, r := range results {
		if r.Contender == floorName {
			base[r.Read] = r.P50
		}
	}
	for _, r := range results {
		if _, ok := base[r.Read]; !ok && r.Contender == "cmograph embedded" {
			base[r.Read] = r.P50
		}
	}
	for _, r := range results {
		ratio := float64(r.P50) / float64(base[r.Read])
		same := "yes"
		switch {
		case r.LowerBound:
			same = "lower bound"
		case !r.Same:
			same = "NO"
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %.2f× | %s |\n", r.Read, r.Contender, ms(r.P50), ms(r.P90), ratio, same)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
