package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// runHealthcheck asks a running serve whether it is alive, for container health checks: the
// image has no HTTP client of its own.
func runHealthcheck(ctx context.Context, c *cli, args []string) error {
	fs := newFlags(c, "healthcheck", "healthcheck [flags]", `
GET /healthz of a running cmograph serve; exit 0 if it answers 200, 1 otherwise. Reads the same
CMOGRAPH_ADDR and CMOGRAPH_TLS_CERT as serve, so in a container it needs no flags.

Examples:
  cmograph healthcheck
  cmograph healthcheck --addr 127.0.0.1:9090 --path /readyz`)
	addr := fs.String("addr", env("CMOGRAPH_ADDR", defaultAddr), "the address serve listens on (CMOGRAPH_ADDR)")
	path := fs.String("path", "/healthz", "/healthz (the process answers) or /readyz (the store answers too)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	useTLS := fs.Bool("tls", env("CMOGRAPH_TLS_CERT", "") != "", "serve uses HTTPS (default when CMOGRAPH_TLS_CERT is set)")
	if err := parse(fs, args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1" // serve listens on every interface; ask it on this machine's
	}
	scheme, client := "http", &http.Client{Timeout: *timeout}
	if *useTLS {
		// checking our own process by address: the certificate names the public host
		scheme = "https"
		client.Transport = &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // liveness only
	}
	url := scheme + "://" + net.JoinHostPort(host, port) + *path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	fmt.Fprintf(c.stdout, "%s: ok\n", url)
	return nil
}
