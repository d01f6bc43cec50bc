package auth_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
)

func runToken(t *testing.T, e *env, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := auth.TokenCommand(ctx, e.svc, args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestTokenCommandCreateListRevoke(t *testing.T) {
	e := newEnv(t, auth.Options{})
	out, msg, err := runToken(t, e, "create", "--name", "ci", "--role", "admin")
	if err != nil {
		t.Fatalf("create: %v\n%s", err, msg)
	}
	if !regexp.MustCompile(`^pst_[a-z2-7]{52}\n$`).MatchString(out) {
		t.Fatalf("stdout %q: want the token alone on one line", out)
	}
	if !strings.Contains(msg, "ci (admin, id 1, never expires)") || !strings.Contains(msg, "shown only this once") {
		t.Fatalf("stderr %q", msg)
	}
	secret := strings.TrimSpace(out)
	p, err := e.svc.AuthenticateToken(ctx, secret)
	if err != nil || p.Role() != shelter.RoleAdmin || p.Actor() != "ci" {
		t.Fatalf("printed token does not authenticate: %+v %v", p, err)
	}
	if _, msg, err := runToken(t, e, "create", "-name=nightly", "-expires", "720h"); err != nil || !strings.Contains(msg, "nightly (staff, id 2, expires 2026-03-31T09:00:00Z)") {
		t.Fatalf("create with defaults: %v %q", err, msg)
	}

	out, _, err = runToken(t, e, "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[1], "nightly") || !strings.Contains(lines[2], "ci") || !strings.Contains(lines[2], "active") {
		t.Fatalf("list:\n%s", out)
	}
	if strings.Contains(out, secret) || !strings.Contains(lines[2], secret[:8]+"…") {
		t.Fatalf("list must show the hint, never the token:\n%s", out)
	}

	if _, msg, err := runToken(t, e, "revoke", "1"); err != nil || !strings.Contains(msg, "ci (id 1) revoked") {
		t.Fatalf("revoke: %v %q", err, msg)
	}
	if _, err := e.svc.AuthenticateToken(ctx, secret); shelter.ErrorCode(err) != shelter.EUNAUTHORIZED {
		t.Fatalf("revoked token: %v", err)
	}
	if out, _, _ := runToken(t, e, "list"); !strings.Contains(out, "revoked 2026-03-01 09:00Z") {
		t.Fatalf("list after revoke:\n%s", out)
	}
}

func TestTokenCommandErrors(t *testing.T) {
	e := newEnv(t, auth.Options{})
	if _, _, err := runToken(t, e, "create", "--name", "ci"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "subcommand is required"},
		{[]string{"delete"}, `unknown subcommand "delete"`},
		{[]string{"create"}, "--name is required"},
		{[]string{"create", "--name", "x", "--role", "root"}, "role: Role must be staff or admin"},
		{[]string{"create", "--name", "has space"}, "Invalid token name"},
		{[]string{"create", "--name", "ci"}, "exists or existed"},
		{[]string{"create", "--name", "x", "--expires", "soon"}, "invalid value"},
		{[]string{"create", "--name", "x", "extra"}, `unexpected argument "extra"`},
		{[]string{"create", "--bogus"}, "flag provided but not defined"},
		{[]string{"list", "all"}, "unexpected argument"},
		{[]string{"revoke"}, "exactly one token id"},
		{[]string{"revoke", "42"}, "Not found"},
		{[]string{"revoke", "abc"}, "Not found"},
	} {
		out, _, err := runToken(t, e, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("token %q: %v, want an error with %q", tc.args, err, tc.want)
		}
		if out != "" {
			t.Errorf("token %q printed %q on stdout", tc.args, out)
		}
	}
	if _, msg, err := runToken(t, e, "help"); err != nil || !strings.Contains(msg, "petstore token create") {
		t.Fatalf("help: %v %q", err, msg)
	}
}
