package main

import (
	"context"
	"fmt"
	"os/user"
	"text/tabwriter"
	"time"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/auth"
)

const tokenUsage = `Usage:
  cmograph token create --name NAME --role reader|editor|admin   make a token; its secret is shown once
  cmograph token list                                            list the tokens (never their secrets)
  cmograph token revoke ID                                       revoke a token at once

Tokens live in the tokens file (--tokens, default cmograph-tokens.json beside the data file),
which keeps only their SHA-256; a running serve picks up every change at once. With at least one
token, serve requires one on every request (Authorization: Bearer cmo_…), or only on writes
with --public. A reader reads, an editor also writes, an admin also manages tokens (over
GraphQL too: createApiToken, revokeApiToken, apiTokens). The token's name is recorded as the
actor of its changes.`

func runToken(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(c.stderr, tokenUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	fs := newFlags(c, "token "+sub, "token "+sub+" [flags]", tokenUsage)
	var store app.StoreConfig
	fs.StringVar(&store.DataFile, "data", env("CMOGRAPH_DATA", defaultDataFile), "the data file the tokens file sits beside (CMOGRAPH_DATA)")
	path := tokensFlag(fs, &store)
	switch sub {
	case "create":
		name := fs.String("name", "", "who or what uses the token; recorded as the actor of its changes")
		roleName := fs.String("role", "", "reader, editor or admin")
		if err := parse(fs, rest); err != nil {
			return err
		}
		role, err := auth.ParseRole(*roleName)
		if err != nil {
			return fmt.Errorf("--role: %w", err)
		}
		t, secret, err := auth.NewFileStore(path(), nil).Create(ctx, *name, role, "cli:"+osUser())
		if err != nil {
			return fmt.Errorf("--%w", err)
		}
		fmt.Fprintf(c.stdout, "created %s %q (%s) in %s\n", t.ID, t.Name, t.Role, path())
		fmt.Fprintf(c.stdout, "its secret, shown this once (send it as Authorization: Bearer …):\n%s\n", secret)
		return nil
	case "list":
		if err := parse(fs, rest); err != nil {
			return err
		}
		ts, err := auth.NewFileStore(path(), nil).List(ctx)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			fmt.Fprintf(c.stdout, "no tokens in %s: serve is open, on loopback only\n", path())
			return nil
		}
		w := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tROLE\tCREATED\tBY")
		for _, t := range ts {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), t.CreatedBy)
		}
		return w.Flush()
	case "revoke":
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("give the id of the token to revoke (cmograph token list shows them)")
		}
		t, err := auth.NewFileStore(path(), nil).Revoke(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "revoked %s %q (%s)\n", t.ID, t.Name, t.Role)
		return nil
	}
	return fmt.Errorf("unknown subcommand %q: use create, list or revoke", sub)
}

func osUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}
