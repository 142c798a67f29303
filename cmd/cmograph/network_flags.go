package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/auth"
	"github.com/cmograph/cmograph/internal/server"
)

// tokensFileName is the tokens file's name, beside the embedded store's data file by default.
const tokensFileName = "cmograph-tokens.json"

// tokensFlag adds --tokens; the returned function gives the file, once the store flags are
// parsed: beside the data file unless given.
func tokensFlag(fs *flag.FlagSet, store *app.StoreConfig) func() string {
	path := fs.String("tokens", env("CMOGRAPH_TOKENS", ""),
		"the API tokens file (only hashes); default "+tokensFileName+" beside the data file (CMOGRAPH_TOKENS)")
	return func() string {
		if *path != "" {
			return *path
		}
		return filepath.Join(filepath.Dir(store.DataFile), tokensFileName)
	}
}

// networkConfig is what serve needs to be safe on a network.
type networkConfig struct {
	tokens       func() string
	public       bool
	insecureOpen bool
	allowedHosts string
	corsOrigins  string
	rate         float64
	burst        int
	concurrent   int
	timeout      time.Duration
	trustProxy   bool
	introspect   bool
	graphiql     bool
	tlsCert      string
	tlsKey       string
	jwt          auth.JWTConfig
}

func networkFlags(fs *flag.FlagSet, store *app.StoreConfig) *networkConfig {
	c := &networkConfig{tokens: tokensFlag(fs, store)}
	fs.BoolVar(&c.public, "public", envBool("CMOGRAPH_PUBLIC"),
		"public read-only: anyone may read without a token; writes still need one (CMOGRAPH_PUBLIC=true)")
	fs.BoolVar(&c.insecureOpen, "insecure-no-auth", envBool("CMOGRAPH_INSECURE_NO_AUTH"),
		"with no tokens, listen beyond loopback anyway: anyone who reaches the port may change the review (CMOGRAPH_INSECURE_NO_AUTH=true)")
	fs.StringVar(&c.allowedHosts, "allowed-hosts", env("CMOGRAPH_ALLOWED_HOSTS", ""),
		"comma-separated host names the server answers to besides IP addresses, localhost and this machine's name; .example.org allows subdomains; * any (CMOGRAPH_ALLOWED_HOSTS)")
	fs.StringVar(&c.corsOrigins, "cors-origins", env("CMOGRAPH_CORS_ORIGINS", ""),
		"comma-separated origins whose pages may call the API, e.g. https://dashboard.example.org; none by default (CMOGRAPH_CORS_ORIGINS)")
	fs.Float64Var(&c.rate, "rate-limit", envFloat("CMOGRAPH_RATE_LIMIT", 20),
		"GraphQL requests per second one client (token, or address when anonymous) may make; 0: no limit (CMOGRAPH_RATE_LIMIT)")
	fs.IntVar(&c.burst, "rate-burst", envInt("CMOGRAPH_RATE_BURST", 40), "requests a client may make at once above its rate (CMOGRAPH_RATE_BURST)")
	fs.IntVar(&c.concurrent, "max-concurrent", envInt("CMOGRAPH_MAX_CONCURRENT", 64),
		"GraphQL requests served at once; more wait up to 2 s, then answer 503 (CMOGRAPH_MAX_CONCURRENT)")
	fs.DurationVar(&c.timeout, "request-timeout", envDuration("CMOGRAPH_REQUEST_TIMEOUT", server.DefaultRequestTimeout),
		"how long one GraphQL request may work (CMOGRAPH_REQUEST_TIMEOUT)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", envBool("CMOGRAPH_TRUST_PROXY"),
		"behind a reverse proxy: rate-limit anonymous clients by X-Forwarded-For's last address (CMOGRAPH_TRUST_PROXY=true)")
	fs.BoolVar(&c.introspect, "introspection", env("CMOGRAPH_INTROSPECTION", "true") != "false",
		"answer introspection queries (CMOGRAPH_INTROSPECTION)")
	fs.BoolVar(&c.graphiql, "graphiql", env("CMOGRAPH_GRAPHIQL", "true") != "false", "serve GraphiQL at /graphiql (CMOGRAPH_GRAPHIQL)")
	fs.StringVar(&c.tlsCert, "tls-cert", env("CMOGRAPH_TLS_CERT", ""), "serve HTTPS with this certificate (PEM) (CMOGRAPH_TLS_CERT)")
	fs.StringVar(&c.tlsKey, "tls-key", env("CMOGRAPH_TLS_KEY", ""), "the certificate's private key (PEM) (CMOGRAPH_TLS_KEY)")
	fs.StringVar(&c.jwt.JWKS, "jwt-jwks", env("CMOGRAPH_JWT_JWKS", ""),
		"accept JWTs signed with a key of this JWKS (an https:// URL or a file), e.g. your OIDC provider's jwks_uri (CMOGRAPH_JWT_JWKS)")
	fs.StringVar(&c.jwt.Issuer, "jwt-issuer", env("CMOGRAPH_JWT_ISSUER", ""), "the iss a JWT must carry (CMOGRAPH_JWT_ISSUER)")
	fs.StringVar(&c.jwt.Audience, "jwt-audience", env("CMOGRAPH_JWT_AUDIENCE", ""), "an aud a JWT must carry (CMOGRAPH_JWT_AUDIENCE)")
	fs.StringVar(&c.jwt.RoleClaim, "jwt-role-claim", env("CMOGRAPH_JWT_ROLE_CLAIM", "cmograph_role"),
		"the JWT claim holding reader, editor or admin (or a list of them) (CMOGRAPH_JWT_ROLE_CLAIM)")
	fs.StringVar(&c.jwt.ActorClaim, "jwt-actor-claim", env("CMOGRAPH_JWT_ACTOR_CLAIM", "sub"),
		"the JWT claim recorded as the actor of changes (CMOGRAPH_JWT_ACTOR_CLAIM)")
	return c
}

func envBool(name string) bool { return env(name, "") == "true" }

func envInt(name string, fallback int) int {
	if n, err := strconv.Atoi(env(name, "")); err == nil {
		return n
	}
	return fallback
}

func envFloat(name string, fallback float64) float64 {
	if f, err := strconv.ParseFloat(env(name, ""), 64); err == nil {
		return f
	}
	return fallback
}

func envDuration(name string, fallback time.Duration) time.Duration {
	if d, err := time.ParseDuration(env(name, "")); err == nil {
		return d
	}
	return fallback
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Access modes, as serve's start-up log names them.
const (
	modeOpen   = "open (development: every client may write, until a token is created)"
	modeTokens = "tokens (every request needs a token)"
	modePublic = "public (anyone reads; writes need a token)"
)

// access decides who may do what: with tokens (or a JWKS) every request needs credentials, or
// in public mode only writes do; with none the server is open, which is safe only on this
// machine's loopback, so listening beyond it needs --insecure-no-auth.
func (c *networkConfig) access(ctx context.Context, ln net.Addr) (*auth.Authenticator, *auth.FileStore, string, error) {
	tokens := auth.NewFileStore(c.tokens(), nil)
	have, err := tokens.Configured(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	a := &auth.Authenticator{Tokens: tokens}
	if c.jwt.JWKS != "" {
		if a.JWT, err = auth.NewJWTVerifier(ctx, c.jwt); err != nil {
			return nil, nil, "", err
		}
		have = true
	}
	switch {
	case c.public:
		a.Anonymous = auth.RoleReader
		return a, tokens, modePublic, nil
	case have:
		a.Anonymous = auth.RoleNone
		return a, tokens, modeTokens, nil
	}
	if !isLoopback(ln) && !c.insecureOpen {
		return nil, nil, "", fmt.Errorf("%s is reachable from other machines, and no API tokens exist (%s), so anyone who can reach it could change the review.\n"+
			"Create one first (cmograph token create --name you --role admin), or serve --public for read-only, "+
			"or --addr 127.0.0.1:8080 for this machine only; --insecure-no-auth serves it open anyway", ln, tokens.Path())
	}
	// open until someone creates a token, which closes it at once
	a.OpenWhileNoTokens = true
	return a, tokens, modeOpen, nil
}

func isLoopback(a net.Addr) bool {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// allowedHosts is the Host allow-list: the flag's names and this machine's own name (which an
// attacker cannot point elsewhere).
func (c *networkConfig) allowedHostList() []string {
	hosts := []string{}
	if h, err := os.Hostname(); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	return append(hosts, splitList(c.allowedHosts)...)
}

// validate refuses flag values that make no sense, naming the flag.
func (c *networkConfig) validate() error {
	switch {
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case c.rate < 0:
		return fmt.Errorf("--rate-limit is %v: give requests per second, or 0 for no limit", c.rate)
	case c.rate > 0 && c.burst < 1:
		return fmt.Errorf("--rate-burst is %d: give at least 1", c.burst)
	case c.concurrent < 0:
		return fmt.Errorf("--max-concurrent is %d: give 0 (no bound) or more", c.concurrent)
	case c.timeout <= 0:
		return fmt.Errorf("--request-timeout is %v: give a positive duration such as 2m", c.timeout)
	}
	for _, o := range splitList(c.corsOrigins) {
		if u, err := url.Parse(o); o != "*" && (err != nil || u.Scheme == "" || u.Host == "" || u.Path != "") {
			return fmt.Errorf("--cors-origins: %q is not an origin; write it as the browser sends it, e.g. https://dashboard.example.org", o)
		}
	}
	return nil
}
