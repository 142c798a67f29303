package web_test

// The reviewer pages in a real browser: headless Chromium driven by chromedp against the real
// HTTP handler over an in-memory store holding the demo corpus. Without Chromium the whole
// group skips with one line.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/headless"
	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
)

const (
	youth   = "youth-peer-support-2023.ipt"
	gillard = "gillard-2015.change-model"
	cmoc1   = youth + ".cmoc-1"
)

// site is the real handler over a fresh demo store.
type site struct {
	srv    *httptest.Server
	tokens map[auth.Role]string
}

// newSite serves the demo; with tokens, one of each role exists and a request without one may
// do what anonymous says (auth.RoleNone: nothing, auth.RoleReader: the public read-only mode).
func newSite(t *testing.T, withTokens bool, anonymous auth.Role) *site {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.LoadDemo(ctx, s, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	st := &site{tokens: map[auth.Role]string{}}
	opts := server.Options{Store: s}
	if withTokens {
		tokens := auth.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"), nil)
		for _, r := range auth.Roles {
			_, secret, err := tokens.Create(ctx, r.String()+"-token", r, "test")
			if err != nil {
				t.Fatal(err)
			}
			st.tokens[r] = secret
		}
		opts.Tokens = tokens
		opts.Auth = &auth.Authenticator{Tokens: tokens, Anonymous: anonymous}
	}
	st.srv = httptest.NewServer(server.New(opts))
	t.Cleanup(st.srv.Close)
	return st
}

// gql asks the API directly, as the tests check what the pages wrote.
func (st *site) gql(t *testing.T, query string, vars map[string]any) map[string]any {
	t.Helper()
	data, errs := st.try(t, query, vars)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", query, errs)
	}
	return data
}

// try is gql for a request that may be refused.
func (st *site) try(t *testing.T, query string, vars map[string]any) (map[string]any, []any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest("POST", st.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if s := st.tokens[auth.RoleAdmin]; s != "" {
		req.Header.Set("Authorization", "Bearer "+s)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Data, out.Errors
}

// browser is one Chromium for the whole run; each check opens its own tab.
type browser struct{ ctx context.Context }

func newBrowser(t *testing.T, chrome string) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(cancelB)
	if err := chromedp.Do(bctx); err != nil { // start it now, so a broken install fails here
		t.Fatalf("starting %s: %v", chrome, err)
	}
	return &browser{ctx: bctx}
}

// tab is one page with the console messages it printed.
type tab struct {
	t     *testing.T
	ctx   context.Context
	base  string
	mu    sync.Mutex
	logs  []string
	allow []string // console messages expected, e.g. the browser's own line for a refused token's 401
}

func (b *browser) open(t *testing.T, st *site, width, height int64) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancel() })
	tb := &tab{t: t, ctx: ctx, base: st.srv.URL}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleType("error") || m.Type == chromedp.ConsoleType("warning") {
				tb.mu.Lock()
				if slices.ContainsFunc(tb.allow, func(a string) bool { return strings.Contains(m.Text, a) }) {
					tb.mu.Unlock()
					continue
				}
				tb.logs = append(tb.logs, fmt.Sprintf("%s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line))
				tb.mu.Unlock()
			}
		}
	}()
	tb.do(chromedp.EmulateViewport(width, height))
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// goTo loads a page afresh and waits until it is drawn.
func (tb *tab) goTo(hash, page string) {
	tb.t.Helper()
	// about:blank first: a change of hash alone would keep the old page's ready mark a moment
	tb.do(chromedp.Navigate("about:blank"), chromedp.Navigate(tb.base+"/"+hash), chromedp.WaitVisible(fmt.Sprintf(`html[data-state="ready"][data-page="%s"]`, page)))
}

// wait polls a JavaScript condition.
func (tb *tab) wait(cond string) {
	tb.t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		tb.t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// clean fails on console errors or warnings (CSP refusals among them), a page's error card,
// horizontal overflow, or a control without a label.
func (tb *tab) clean(what string) {
	tb.t.Helper()
	time.Sleep(100 * time.Millisecond) // let the last console events arrive
	tb.mu.Lock()
	logs := slices.Clone(tb.logs)
	tb.logs = nil
	tb.mu.Unlock()
	if len(logs) > 0 {
		tb.t.Errorf("%s: console:\n%s", what, strings.Join(logs, "\n"))
	}
	if msg := eval[string](tb, `document.querySelector('.card.error')?.textContent || ''`); msg != "" {
		tb.t.Errorf("%s: the page shows an error: %s", what, msg)
	}
	if over := eval[string](tb, `(() => { const d = document.documentElement;
		return d.scrollWidth > window.innerWidth ? d.scrollWidth + ' > ' + window.innerWidth + ' (widest: ' +
		[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, .diagram-frame'))
		.slice(0, 3).map((e) => e.tagName + '.' + e.className).join(', ') + ')' : ''; })()`); over != "" {
		tb.t.Errorf("%s: the page overflows horizontally: %s", what, over)
	}
	if bad := eval[[]string](tb, unlabelled); len(bad) > 0 {
		tb.t.Errorf("%s: controls without a label: %v", what, bad)
	}
	if eval[int](tb, `document.querySelectorAll('main h1').length`) != 1 {
		tb.t.Errorf("%s: the page should have one h1", what)
	}
}

// unlabelled lists the form controls a screen reader could not name.
const unlabelled = `[...document.querySelectorAll('input, select, textarea, button')].filter((el) => {
	if (el.type === 'hidden' || el.closest('[hidden]')) return false;
	if (el.labels && el.labels.length) return false;
	if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
	if (el.tagName === 'BUTTON' && el.textContent.trim()) return false;
	return true;
}).map((el) => el.outerHTML.slice(0, 80))`

// pages are every page of the web view, with the page name the app reports.
var pages = []struct{ hash, page string }{
	{"#/", "studies"},
	{"#/studies?population=CHILDREN", "studies"},
	{"#/study/youth-peer-support-2023", "study"},
	{"#/theory/" + youth, "theory"},
	{"#/compare?left=" + gillard + "&right=" + youth, "compare"},
	{"#/suggestions?theory=" + youth, "suggestions"},
	{"#/evidence", "evidence"},
	{"#/evidence?q=hope", "evidence"},
	{"#/evidence/" + youth + ".o.hope", "evidence"},
	{"#/dashboard", "dashboard"},
	{"#/dashboard?kind=MECHANISM", "dashboard"},
	{"#/dashboard?studies=youth-peer-support-2023,gillard-2015", "dashboard"},
	{"#/search?q=lived+experience", "search"},
	{"#/edit/cmoc/" + cmoc1, "edit"},
	{"#/edit/element/" + youth + ".m.similar-peer-modelling-recovery", "edit"},
	{"#/edit/quote/{quote}", "edit"}, // a quote of CMOC 1: quote ids are derived from their text
}

func TestBrowser(t *testing.T) {
	chrome := headless.Chrome()
	if chrome == "" {
		t.Skip("browser tests skipped: no Chromium found (Debian: apt-get install chromium; or set CMOGRAPH_CHROME)")
	}
	b := newBrowser(t, chrome)
	st := newSite(t, false, auth.RoleNone)
	data := st.gql(t, `query($id: ID!) { cmoc(id: $id) { evidence { quote { id } } } }`, map[string]any{"id": cmoc1})
	quoteID := data["cmoc"].(map[string]any)["evidence"].([]any)[0].(map[string]any)["quote"].(map[string]any)["id"].(string)
	resolve := func(hash string) string { return strings.Replace(hash, "{quote}", quoteID, 1) }

	// fresh opens a page on a store of its own, for checks that write
	fresh := func(t *testing.T, hash, page string) (*site, *tab) {
		st := newSite(t, false, auth.RoleNone)
		tb := b.open(t, st, 1280, 800)
		tb.goTo(hash, page)
		return st, tb
	}

	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		t.Run("EveryPageLoadsCleanly/"+size.name, func(t *testing.T) {
			tb := b.open(t, st, size.width, size.height)
			var took []string
			for _, p := range pages {
				tb.goTo(resolve(p.hash), p.page)
				ms := eval[float64](tb, `performance.now()`) // from the navigation's start to the page drawn
				took = append(took, fmt.Sprintf("%s %.0f ms", p.hash, ms))
				tb.clean(p.hash)
			}
			t.Logf("navigation start to page drawn (at most: it includes the test's polling):\n%s", strings.Join(took, "\n"))
		})
	}

	t.Run("DiagramDrawsEveryYouthCMOC", func(t *testing.T) {
		data := st.gql(t, `query($id: ID!) { programmeTheory(id: $id) { cmocs { code } } }`, map[string]any{"id": youth})
		var want []string
		for _, c := range data["programmeTheory"].(map[string]any)["cmocs"].([]any) {
			want = append(want, c.(map[string]any)["code"].(string))
		}
		if len(want) != 12 {
			t.Fatalf("the youth theory has %d CMOCs in the demo corpus, want 12", len(want))
		}
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/theory/"+youth, "theory")
		drawn := eval[[]string](tb, `[...new Set([...document.querySelectorAll('svg.diagram [data-cmocs]')].flatMap((e) => e.dataset.cmocs.split('|')))]`)
		for _, code := range want {
			if !slices.Contains(drawn, code) {
				t.Errorf("%s is not drawn; drawn: %v", code, drawn)
			}
		}
		groups := eval[int](tb, `document.querySelectorAll('svg.diagram g.band').length`)
		if groups < 5 { // hope, service engagement, confidence, resilience, wellbeing
			t.Errorf("%d groups drawn, want one per outcome (at least 5)", groups)
		}
		// clicking an element shows its CMOCs, quotes and alignments
		tb.do(chromedp.Click(`g.node[data-id="` + youth + `.o.hope"]`))
		tb.wait(`!!document.querySelector('aside.detail h2') && document.querySelector('aside.detail h2').textContent === 'Hope for personal recovery'`)
		text := eval[string](tb, `document.querySelector('aside.detail').textContent`)
		for _, want := range []string{"CMOC 1", "#13", "Hope for recovery", "Same as"} {
			if !strings.Contains(text, want) {
				t.Errorf("the detail of hope lacks %q: %s", want, text)
			}
		}
		// zoom
		before := eval[string](tb, `document.querySelector('svg.diagram').getAttribute('viewBox')`)
		tb.do(chromedp.Click(`button[aria-label="Zoom in"]`))
		if after := eval[string](tb, `document.querySelector('svg.diagram').getAttribute('viewBox')`); after == before {
			t.Errorf("zooming in left the viewBox at %s", after)
		}
		// the two download buttons save files a reader can open
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
			t.Fatal(err)
		}
		tb.do(chromedp.Click(`//button[text()="Download SVG"]`), chromedp.Click(`//button[text()="Download PNG"]`))
		for _, name := range []string{youth + ".svg", youth + ".png"} {
			var body []byte
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if body, _ = os.ReadFile(filepath.Join(dir, name)); len(body) > 0 {
					break
				}
			}
			switch {
			case len(body) == 0:
				t.Errorf("%s was not downloaded", name)
			case strings.HasSuffix(name, ".svg") && !bytes.Contains(body, []byte("CMOC 12")):
				t.Errorf("the downloaded SVG lacks CMOC 12")
			case strings.HasSuffix(name, ".png"):
				if img, err := png.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() < 1000 {
					t.Errorf("the downloaded PNG does not decode or is small: %v", err)
				}
			}
		}
		tb.clean("diagram")
	})

	t.Run("DiagramDrawsChains", func(t *testing.T) {
		st := newSite(t, false, auth.RoleNone)
		st.gql(t, `mutation { chainCMOCs(input: {fromId: "`+cmoc1+`", toId: "`+youth+`.cmoc-3", rationale: "hope feeds trust"}) { id } }`, nil)
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/theory/"+youth, "theory")
		if n := eval[int](tb, `document.querySelectorAll('svg.diagram path[data-chain="CMOC 1 → CMOC 3"][stroke-dasharray]').length`); n != 1 {
			t.Errorf("%d dashed chain edges from CMOC 1 to CMOC 3, want 1", n)
		}
		tb.clean("chains")
	})

	t.Run("CompareShowsThePapersOwnAlignments", func(t *testing.T) {
		// the alignments the youth paper draws to Gillard's model, as the API holds them
		data := st.gql(t, `query($id: ID!) { programmeTheory(id: $id) {
			contexts { id alignments { element { id study { id } } } }
			mechanisms { id alignments { element { id study { id } } } }
			outcomes { id alignments { element { id study { id } } } } } }`, map[string]any{"id": gillard})
		var want []string
		for _, kind := range []string{"contexts", "mechanisms", "outcomes"} {
			for _, e := range data["programmeTheory"].(map[string]any)[kind].([]any) {
				el := e.(map[string]any)
				for _, a := range el["alignments"].([]any) {
					other := a.(map[string]any)["element"].(map[string]any)
					if other["study"].(map[string]any)["id"] == "youth-peer-support-2023" {
						want = append(want, el["id"].(string)+" → "+other["id"].(string))
					}
				}
			}
		}
		if len(want) < 4 {
			t.Fatalf("the demo corpus holds %d Gillard–youth alignments; expected the paper's own", len(want))
		}
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/compare?left="+gillard+"&right="+youth, "compare")
		shown := eval[[]string](tb, `[...document.querySelectorAll('tr.basis-explicit')].map((r) => r.dataset.left + ' → ' + r.dataset.right)`)
		slices.Sort(want)
		slices.Sort(shown)
		if !slices.Equal(shown, want) {
			t.Errorf("explicit pairs shown:\n%v\nwant the paper's alignments:\n%v", shown, want)
		}
		if text := eval[string](tb, `document.querySelector('tr.basis-explicit .rationale')?.textContent || ''`); !strings.Contains(text, "youth paper") {
			t.Errorf("the pair's rationale is not shown: %q", text)
		}
		tb.clean("compare")
	})

	t.Run("ComparedSuggestionsCanBeDecided", func(t *testing.T) {
		peer := "peer-trial-2024.program-theory"
		_, tb := fresh(t, "#/compare?left="+gillard+"&right="+peer, "compare")
		pairs := eval[[][]string](tb, `[...document.querySelectorAll('tr.basis-suggestion')].map((r) => [r.dataset.left, r.dataset.right])`)
		if len(pairs) < 2 {
			t.Fatalf("Gillard and the PEER trial should have two suggested pairs, got %v", pairs)
		}
		row := func(p []string) string {
			return fmt.Sprintf(`tr.basis-suggestion[data-left=%q][data-right=%q]`, p[0], p[1])
		}
		tb.do(chromedp.Click(row(pairs[0]) + ` button[aria-label$="as the same"]`))
		tb.wait(`document.querySelector('tr.basis-suggestion .decide .ok')?.textContent === 'Recorded as the same.'`)
		tb.do(chromedp.Click(row(pairs[1]) + ` button[aria-label^="Reject"]`))
		tb.wait(`[...document.querySelectorAll('tr.basis-suggestion .decide .ok')].length === 2`)
		tb.goTo("#/compare?left="+gillard+"&right="+peer, "compare")
		explicit := eval[[][]string](tb, `[...document.querySelectorAll('tr.basis-explicit')].map((r) => [r.dataset.left, r.dataset.right])`)
		left := eval[[][]string](tb, `[...document.querySelectorAll('tr[data-left]')].map((r) => [r.dataset.left, r.dataset.right])`)
		if !slices.ContainsFunc(explicit, func(p []string) bool { return slices.Equal(p, pairs[0]) }) {
			t.Errorf("the accepted pair %v is not explicit now: %v", pairs[0], explicit)
		}
		if slices.ContainsFunc(left, func(p []string) bool { return slices.Equal(p, pairs[1]) }) {
			t.Errorf("the rejected pair %v is still offered", pairs[1])
		}
		tb.clean("compare decisions")
	})

	t.Run("SuggestionsSayWhy", func(t *testing.T) {
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/suggestions?theory="+youth, "suggestions")
		// the youth paper heard staff, as Gillard's did
		text := eval[string](tb, `document.querySelector('table.suggestions').innerText`)
		for _, want := range []string{"Shared words: ", "Both studies heard: Staff"} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q among the suggestions' reasons", want)
			}
		}
	})

	t.Run("RolesShowOnTheStudyPage", func(t *testing.T) {
		st, tb := fresh(t, "#/", "studies")
		st.gql(t, `mutation($id: ID!) { updateCMOC(input: {id: $id, roles: ["peer supporter aged 16-25"]}) { id } }`, map[string]any{"id": cmoc1})
		tb.goTo("#/study/youth-peer-support-2023", "study")
		if got := eval[string](tb, `document.querySelector('tr[id="cmoc-`+cmoc1+`"] .actors').textContent`); !strings.Contains(got, "peer supporter aged 16-25") {
			t.Errorf("CMOC 1's actors read %q, without its role", got)
		}
	})

	t.Run("AcceptingSuggestionsCreatesTheLinks", func(t *testing.T) {
		st, tb := fresh(t, "#/suggestions?theory="+youth, "suggestions")
		pairs := eval[[][]string](tb, `[...document.querySelectorAll('table.suggestions tbody tr')].slice(0, 2).map((r) => [r.dataset.from, r.dataset.to])`)
		if len(pairs) != 2 {
			t.Fatalf("want at least two suggestions, got %v", pairs)
		}
		tb.do(chromedp.Click(`table.suggestions tbody tr:nth-child(1) input[type=checkbox]`),
			chromedp.Click(`table.suggestions tbody tr:nth-child(2) input[type=checkbox]`),
			chromedp.Click(`//button[text()="Accept selected"]`))
		tb.wait(`document.querySelector('.status-line').textContent.startsWith('Accepted 2')`)
		for _, p := range pairs {
			data := st.gql(t, `query($id: ID!) { node(id: $id) { ... on Element { alignments { relation element { id } } } } }`, map[string]any{"id": p[0]})
			found := false
			for _, a := range data["node"].(map[string]any)["alignments"].([]any) {
				a := a.(map[string]any)
				found = found || (a["element"].(map[string]any)["id"] == p[1] && a["relation"] == "SAME_AS")
			}
			if !found {
				t.Errorf("accepting %s → %s made no SAME_AS alignment", p[0], p[1])
			}
		}
		// a reload no longer offers them
		tb.goTo("#/suggestions?theory="+youth, "suggestions")
		again := eval[[][]string](tb, `[...document.querySelectorAll('table.suggestions tbody tr')].map((r) => [r.dataset.from, r.dataset.to])`)
		for _, p := range pairs {
			if slices.ContainsFunc(again, func(q []string) bool { return slices.Equal(p, q) }) {
				t.Errorf("%v is still suggested after it was accepted", p)
			}
		}
		// rejecting records a REJECTS link: the API no longer suggests the pair, for anyone
		first := eval[[]string](tb, `[...document.querySelectorAll('table.suggestions tbody tr')].slice(0, 1).map((r) => [r.dataset.from, r.dataset.to]).flat()`)
		tb.do(chromedp.Click(`table.suggestions tbody tr:nth-child(1) input[type=checkbox]`), chromedp.SendKeys(`#sg-reason`, "different populations"),
			chromedp.Click(`//button[text()="Reject selected"]`))
		tb.wait(`document.querySelector('.status-line').textContent.startsWith('Rejected 1')`)
		data := st.gql(t, `query($id: ID!) { suggestAlignments(elementId: $id, first: 50) { element { id } } }`, map[string]any{"id": first[0]})
		for _, sg := range data["suggestAlignments"].([]any) {
			if sg.(map[string]any)["element"].(map[string]any)["id"] == first[1] {
				t.Errorf("a rejected suggestion %v is still suggested by the API", first)
			}
		}
		// a batch refused as a whole: the row at fault says why, and nothing is recorded. The
		// second row's counterpart is deleted meanwhile (the first whose deletion leaves every
		// CMOC whole)
		tb.goTo("#/suggestions?theory="+youth, "suggestions")
		all := eval[[][]string](tb, `[...document.querySelectorAll('table.suggestions tbody tr')].map((r) => [r.dataset.from, r.dataset.to])`)
		var rows [][]string
		for i := 1; i < len(all) && rows == nil; i++ {
			if all[i][1] == all[0][1] {
				continue
			}
			if _, errs := st.try(t, `mutation($id: ID!) { deleteNode(input: {id: $id, detach: true}) { id } }`, map[string]any{"id": all[i][1]}); len(errs) == 0 {
				rows = [][]string{all[0], all[i]}
				tb.do(chromedp.Click(fmt.Sprintf(`table.suggestions tbody tr:nth-child(%d) input[type=checkbox]`, i+1)))
			}
		}
		if rows == nil {
			t.Fatal("no suggested counterpart could be deleted to refuse a batch")
		}
		tb.do(chromedp.Click(`table.suggestions tbody tr:nth-child(1) input[type=checkbox]`), chromedp.Click(`//button[text()="Accept selected"]`))
		tb.wait(`document.querySelector('.status-line').textContent.startsWith('Nothing was recorded')`)
		if bad := eval[string](tb, `[...document.querySelectorAll('tr.row-error')].map((r) => r.dataset.to).join()`); bad != rows[1][1] {
			t.Errorf("the row marked at fault is %q, want %q", bad, rows[1][1])
		}
		data = st.gql(t, `query($id: ID!) { node(id: $id) { ... on Element { alignments { element { id } } } } }`, map[string]any{"id": rows[0][0]})
		for _, a := range data["node"].(map[string]any)["alignments"].([]any) {
			if a.(map[string]any)["element"].(map[string]any)["id"] == rows[0][1] {
				t.Errorf("a refused batch still recorded %v", rows[0])
			}
		}
		tb.clean("suggestions")
	})

	t.Run("ABadEditShowsTheErrorAtItsField", func(t *testing.T) {
		st, tb := fresh(t, "#/edit/cmoc/"+cmoc1, "edit")
		eval[chromedp.Void](tb, `document.querySelector('#ed-code').value = ''`)
		tb.do(chromedp.Click(`//button[text()="Save"]`))
		tb.wait(`!document.querySelector('#ed-code-error').hidden || document.querySelector('.form-status').textContent !== ''`)
		if st := eval[string](tb, `document.querySelector('.form-status').textContent`); st != "" {
			t.Fatalf("the form says %q, not an error at the code", st)
		}
		if msg := eval[string](tb, `document.querySelector('#ed-code-error').textContent`); !strings.Contains(msg, "required") {
			t.Errorf("the code's error says %q", msg)
		}
		if eval[string](tb, `document.querySelector('#ed-code').getAttribute('aria-invalid')`) != "true" || eval[string](tb, `document.activeElement.id`) != "ed-code" {
			t.Errorf("the refused field is not marked invalid and focused")
		}
		// the quote's offsets: the API's refusal of a value, and a number that is not one
		tb.goTo("#/edit/quote/"+quoteID, "edit")
		for _, c := range []struct{ value, want string }{{"-1", "-1 is out of range"}, {"abc", "whole number"}} {
			eval[chromedp.Void](tb, `document.querySelector('#ed-startOffset').value = '`+c.value+`'`)
			tb.do(chromedp.Click(`//button[text()="Save"]`))
			tb.wait(`!document.querySelector('#ed-startOffset-error').hidden || document.querySelector('.form-status').textContent !== ''`)
			if msg := eval[string](tb, `document.querySelector('#ed-startOffset-error').textContent`); !strings.Contains(msg, c.want) {
				t.Errorf("start offset %q: the field says %q, want %q (form: %s)", c.value, msg, c.want, eval[string](tb, `document.querySelector('.form-status').textContent`))
			}
		}
		// a good edit saves and moves the revision
		tb.goTo("#/edit/cmoc/"+cmoc1, "edit")
		tb.do(chromedp.SetValue(`#ed-label`, "Matched peer as a role model"), chromedp.Click(`//button[text()="Save"]`))
		tb.wait(`document.querySelector('.form-status .ok')?.textContent.includes('revision 2')`)
		if got := st.gql(t, `query($id: ID!) { cmoc(id: $id) { label } }`, map[string]any{"id": cmoc1})["cmoc"].(map[string]any)["label"]; got != "Matched peer as a role model" {
			t.Errorf("saved label is %q", got)
		}
		tb.clean("edit")
	})

	t.Run("AConflictIsExplained", func(t *testing.T) {
		st, tb := fresh(t, "#/edit/cmoc/"+cmoc1, "edit")
		st.gql(t, `mutation($id: ID!) { updateCMOC(input: {id: $id, label: "Changed by a colleague"}) { revision } }`, map[string]any{"id": cmoc1})
		tb.do(chromedp.SetValue(`#ed-label`, "My label"), chromedp.Click(`//button[text()="Save"]`))
		tb.wait(`!!document.querySelector('.conflict')`)
		text := eval[string](tb, `document.querySelector('.conflict').textContent`)
		for _, want := range []string{"revision 1", "revision 2", "Changed by a colleague", "My label"} {
			if !strings.Contains(text, want) {
				t.Errorf("the conflict does not say %q: %s", want, text)
			}
		}
		tb.do(chromedp.Click(`//button[text()="Keep my edits and save over theirs"]`), chromedp.Click(`//button[text()="Save"]`))
		tb.wait(`document.querySelector('.form-status .ok')?.textContent.includes('revision 3')`)
		if got := st.gql(t, `query($id: ID!) { cmoc(id: $id) { label } }`, map[string]any{"id": cmoc1})["cmoc"].(map[string]any)["label"]; got != "My label" {
			t.Errorf("after the conflict the label is %q", got)
		}
		tb.clean("conflict")
	})

	t.Run("DashboardOverChosenStudies", func(t *testing.T) {
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/dashboard", "dashboard")
		tb.do(chromedp.Click(`input[value="youth-peer-support-2023"]`), chromedp.Click(`//button[text()="Apply"]`))
		tb.wait(`location.hash.includes('studies=youth-peer-support-2023') && document.documentElement.dataset.state === 'ready'`)
		chart := eval[string](tb, `[...document.querySelectorAll('figure.chart-card')].find((f) => f.textContent.includes('by population')).querySelector('svg').getAttribute('aria-label')`)
		if chart != "CMOCs by population: Children 12" {
			t.Errorf("over the youth study alone, the population chart reads %q", chart)
		}
		if cols := eval[int](tb, `document.querySelectorAll('table.heat thead th').length`); cols != 3 { // element, the study, total
			t.Errorf("the heat map has %d header cells over one study, want 3", cols)
		}
		tb.clean("dashboard")
	})

	t.Run("Keyboard", func(t *testing.T) {
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/", "studies")
		tb.do(chromedp.KeyEvent("\t"))
		if got := eval[string](tb, `document.activeElement.textContent`); got != "Skip to content" {
			t.Errorf("the first Tab reaches %q, want the skip link", got)
		}
		// following a link by keyboard moves focus to the new page's heading
		tb.do(chromedp.Focus(`a[href="#/study/youth-peer-support-2023"]`), chromedp.KeyEvent("\r"))
		tb.wait(`document.documentElement.dataset.page === 'study' && document.documentElement.dataset.state === 'ready'`)
		if eval[string](tb, `document.activeElement.tagName`) != "H1" {
			t.Errorf("after navigating, focus is on %s, not the heading", eval[string](tb, `document.activeElement.outerHTML.slice(0, 60)`))
		}
		// a diagram element opens with Enter
		tb.goTo("#/theory/"+youth, "theory")
		tb.do(chromedp.Focus(`g.node[data-kind="mechanism"]`), chromedp.KeyEvent("\r"))
		tb.wait(`document.querySelector('aside.detail .kind')?.textContent === 'Mechanism'`)
		tb.do(chromedp.Focus(`g.node[data-kind="outcome"]`), chromedp.KeyEvent("+"))
		if z := eval[string](tb, `document.querySelector('.zoom-level').textContent`); z != "125%" {
			t.Errorf("+ on a focused element zooms to %s, want 125%%", z)
		}
		tb.clean("keyboard")
	})

	t.Run("SignIn", func(t *testing.T) {
		st := newSite(t, true, auth.RoleNone)
		tb := b.open(t, st, 1280, 800)
		tb.mu.Lock()
		tb.allow = []string{"status of 401 (Unauthorized)"} // Chromium logs the refused token's answer itself
		tb.mu.Unlock()
		tb.goTo("#/study/youth-peer-support-2023", "signin")
		tb.do(chromedp.SendKeys(`#token`, "cmo_wrong"), chromedp.Click(`form.signin button[type=submit]`))
		tb.wait(`document.documentElement.dataset.page === 'signin' && !document.querySelector('#token-error').hidden`)
		if who := eval[string](tb, `document.querySelector('#who').textContent + (sessionStorage.getItem('cmograph.token') || '')`); who != "" {
			t.Errorf("a refused token is kept or shown as signed in: %q", who)
		}
		tb.do(chromedp.SetValue(`#token`, st.tokens[auth.RoleReader]), chromedp.Click(`form.signin button[type=submit]`))
		tb.wait(`document.documentElement.dataset.page === 'study' && document.documentElement.dataset.state === 'ready'`)
		if n := eval[int](tb, `document.querySelectorAll('a.edit').length`); n != 0 {
			t.Errorf("a reader sees %d edit links", n)
		}
		tb.goTo("#/suggestions?theory="+youth, "suggestions")
		if n := eval[int](tb, `document.querySelectorAll('table.suggestions input, button.primary:not([type=submit])').length`); n != 0 {
			t.Errorf("a reader sees %d controls to accept suggestions", n)
		}
		if eval[string](tb, `sessionStorage.getItem('cmograph.token')`) != st.tokens[auth.RoleReader] || eval[int](tb, `localStorage.length`) != 0 {
			t.Errorf("the token should be kept in sessionStorage only")
		}
		tb.do(chromedp.Click(`//button[text()="Sign out"]`))
		tb.wait(`document.documentElement.dataset.page === 'signin'`)
		tb.do(chromedp.SetValue(`#token`, st.tokens[auth.RoleEditor]), chromedp.Click(`form.signin button[type=submit]`))
		tb.goTo("#/study/youth-peer-support-2023", "study")
		if n := eval[int](tb, `document.querySelectorAll('a.edit').length`); n == 0 {
			t.Errorf("an editor sees no edit links")
		}
		tb.clean("sign-in")
	})

	t.Run("PublicReadOnly", func(t *testing.T) {
		st := newSite(t, true, auth.RoleReader)
		tb := b.open(t, st, 1280, 800)
		tb.goTo("#/study/youth-peer-support-2023", "study")
		if n := eval[int](tb, `document.querySelectorAll('a.edit').length`); n != 0 {
			t.Errorf("an anonymous reader sees %d edit links", n)
		}
		tb.goTo("#/edit/cmoc/"+cmoc1, "edit")
		if eval[int](tb, `document.querySelectorAll('form.edit-form').length`) != 0 {
			t.Errorf("an anonymous reader is offered the edit form")
		}
		tb.do(chromedp.Click(`//button[text()="Sign in to edit"]`))
		tb.wait(`document.documentElement.dataset.page === 'signin'`)
		tb.do(chromedp.SendKeys(`#token`, st.tokens[auth.RoleEditor]), chromedp.Click(`form.signin button[type=submit]`))
		tb.wait(`document.documentElement.dataset.page === 'edit' && document.documentElement.dataset.state === 'ready'`)
		if eval[int](tb, `document.querySelectorAll('form.edit-form').length`) != 1 {
			t.Errorf("signed in as an editor, the edit form is not shown")
		}
		tb.clean("public")
	})

	if dir := os.Getenv("CMOGRAPH_SCREENSHOTS"); dir != "" {
		t.Run("Screenshots", func(t *testing.T) { screenshots(t, b, st, dir) })
	}
}

// screenshots writes the README's pictures: CMOGRAPH_SCREENSHOTS=../../docs/web go test -run TestBrowser/Screenshots ./internal/web
func screenshots(t *testing.T, b *browser, st *site, dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct {
		name, hash, page string
		width, height    int64
		prepare          string
	}{
		{"studies", "#/", "studies", 1280, 800, ""},
		{"study", "#/study/youth-peer-support-2023", "study", 1280, 800, `document.querySelector('section.theory h2').scrollIntoView()`},
		{"diagram", "#/theory/" + youth, "theory", 1280, 800, `document.querySelector('g.node[data-id="` + youth + `.o.hope"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))`},
		{"compare", "#/compare?left=" + gillard + "&right=" + youth, "compare", 1280, 800, `document.getElementById('cmp-Mechanisms').scrollIntoView()`},
		{"suggestions", "#/suggestions?theory=" + youth, "suggestions", 1280, 800, ""},
		{"evidence", "#/evidence/" + youth + ".o.hope", "evidence", 1280, 800, ""},
		{"dashboard", "#/dashboard", "dashboard", 1280, 800, ""},
		{"search", "#/search?q=lived+experience", "search", 1280, 800, ""},
		{"edit", "#/edit/cmoc/" + cmoc1, "edit", 1280, 800, `document.querySelector('#ed-code').value = ''; document.querySelector('form.edit-form button[type=submit]').click()`},
		{"phone-study", "#/study/youth-peer-support-2023", "study", 390, 844, ""},
		{"phone-diagram", "#/theory/" + youth, "theory", 390, 844, ""},
		{"phone-dashboard", "#/dashboard", "dashboard", 390, 844, ""},
	}
	for _, s := range shots {
		tb := b.open(t, st, s.width, s.height)
		tb.goTo(s.hash, s.page)
		if s.prepare != "" {
			eval[chromedp.Void](tb, s.prepare)
			time.Sleep(500 * time.Millisecond)
		}
		img, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".png"), img, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
