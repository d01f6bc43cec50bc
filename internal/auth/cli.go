package auth

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// TokenUsage is the help of the token command.
const TokenUsage = `usage:
  petstore token create --name NAME [--role staff|admin] [--expires DURATION]
      prints a new API token on standard output, once; it is stored hashed
  petstore token list
      lists every token: id, name, role, owner, created, last used, state
  petstore token revoke ID
      revokes a token at once`

// errUsage is a command line that does not parse; the help is printed.
var errUsage = errors.New("see usage above")

// TokenCommand runs "petstore token ..." with the arguments after "token".
// Only the secret of a new token goes to stdout, so that a script can
// capture it; everything else goes to stderr.
func TokenCommand(ctx context.Context, svc shelter.TokenService, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, TokenUsage)
		return fmt.Errorf("token: a subcommand is required: %w", errUsage)
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, svc, args[1:], stdout, stderr)
	case "list":
		return tokenList(ctx, svc, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevoke(ctx, svc, args[1:], stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stderr, TokenUsage)
		return nil
	}
	fmt.Fprintln(stderr, TokenUsage)
	return fmt.Errorf("token: unknown subcommand %q: %w", args[0], errUsage)
}

func tokenCreate(ctx context.Context, svc shelter.TokenService, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "the token's name, recorded as the actor of its changes (required)")
	role := fs.String("role", string(shelter.RoleStaff), "staff or admin")
	expires := fs.Duration("expires", 0, "lifetime such as 720h; 0 never expires")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("token create: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token create: unexpected argument %q", fs.Arg(0))
	}
	if *name == "" {
		fs.Usage()
		return errors.New("token create: --name is required")
	}
	secret, t, err := svc.CreateToken(ctx, shelter.TokenInput{Name: *name, Role: shelter.Role(*role), TTL: *expires})
	if err != nil {
		return fmt.Errorf("token create: %s", describe(err))
	}
	exp := "never expires"
	if t.ExpiresAt != 0 {
		exp = "expires " + time.UnixMilli(t.ExpiresAt).UTC().Format(time.RFC3339)
	}
	fmt.Fprintf(stderr, "✅ Token %s (%s, id %s, %s) created. It is shown only this once: store it now.\n", t.Name, t.Role, t.ID, exp)
	fmt.Fprintln(stdout, secret)
	return nil
}

func tokenList(ctx context.Context, svc shelter.TokenService, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		fmt.Fprintln(stderr, TokenUsage)
		return fmt.Errorf("token list: unexpected argument %q", args[0])
	}
	ts, err := svc.FindTokens(ctx, "")
	if err != nil {
		return fmt.Errorf("token list: %s", describe(err))
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tROLE\tOWNER\tHINT\tCREATED\tLAST USED\tSTATE")
	for _, t := range ts {
		owner := t.UserID
		if owner == "" {
			owner = "-"
		}
		state := "active"
		switch {
		case t.RevokedAt != 0:
			state = "revoked " + stamp(t.RevokedAt)
		case t.ExpiresAt != 0:
			state = "expires " + stamp(t.ExpiresAt)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, owner, t.Hint, stamp(t.CreatedAt), stamp(t.LastUsedAt), state)
	}
	return w.Flush()
}

func tokenRevoke(ctx context.Context, svc shelter.TokenService, args []string, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, TokenUsage)
		return errors.New("token revoke: give exactly one token id (see petstore token list)")
	}
	t, err := svc.FindTokenByID(ctx, args[0])
	if err != nil {
		return fmt.Errorf("token revoke %s: %s", args[0], describe(err))
	}
	if err := svc.RevokeToken(ctx, t.ID); err != nil {
		return fmt.Errorf("token revoke %s: %s", args[0], describe(err))
	}
	fmt.Fprintf(stderr, "✅ Token %s (id %s) revoked.\n", t.Name, t.ID)
	return nil
}

// describe turns a service error into a line for the console: the
// message and field problems of a *shelter.Error, else the error itself.
func describe(err error) string {
	if shelter.ErrorCode(err) == shelter.EINTERNAL {
		return err.Error()
	}
	msg := shelter.ErrorMessage(err)
	for _, f := range shelter.ErrorFields(err) {
		msg += fmt.Sprintf("; %s: %s", f.Field, f.Message)
	}
	return msg
}

func stamp(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04Z")
}
