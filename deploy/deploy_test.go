package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// instructions returns the Dockerfile's instructions, continuation lines
// joined and comments dropped, as "KEYWORD rest".
func instructions(src string) []string {
	var out []string
	cur := ""
	for _, line := range strings.Split(src, "\n") {
		trim := strings.TrimSpace(line)
		if cur == "" && (trim == "" || strings.HasPrefix(trim, "#")) {
			continue
		}
		if strings.HasSuffix(trim, "\\") {
			cur += strings.TrimSuffix(trim, "\\") + " "
			continue
		}
		out = append(out, cur+trim)
		cur = ""
	}
	return out
}

// TestDockerfile lints the Dockerfile's essentials (there is no Docker
// engine here to build it): a build stage and a final stage, a static
// binary, a non-root user, the /data volume holding the database, a
// HEALTHCHECK that the binary itself answers.
func TestDockerfile(t *testing.T) {
	ins := instructions(read(t, "../Dockerfile"))
	var stages [][]string
	for _, in := range ins {
		if strings.HasPrefix(strings.ToUpper(in), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], in)
		}
	}
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, found %d stage(s)", len(stages))
	}
	build := strings.Join(stages[0], "\n")
	if !regexp.MustCompile(`(?i)^FROM golang:1\.\d+\S* AS \w+`).MatchString(stages[0][0]) {
		t.Errorf("the first stage should build with the golang image, named: %q", stages[0][0])
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "go build") {
		t.Error("the build stage should run go build with CGO_ENABLED=0 (a static binary)")
	}
	final := stages[len(stages)-1]
	base := final[0]
	if !strings.Contains(base, "distroless/static") && !strings.Contains(base, "scratch") {
		t.Errorf("the final stage should be a static base (distroless/static or scratch): %q", base)
	}
	has := func(prefix string) (string, bool) {
		for _, in := range final {
			if strings.HasPrefix(strings.ToUpper(in), prefix+" ") {
				return strings.TrimSpace(in[len(prefix):]), true
			}
		}
		return "", false
	}
	if u, ok := has("USER"); !ok || u == "0" || strings.HasPrefix(u, "root") || strings.HasPrefix(u, "0:") {
		t.Errorf("the final stage should run as a non-root USER, got %q", u)
	}
	if v, ok := has("VOLUME"); !ok || !strings.Contains(v, "/data") {
		t.Errorf("the final stage should declare VOLUME /data, got %q", v)
	}
	if e, ok := has("ENV"); !ok || !strings.Contains(e, "DB_PATH=/data/") {
		t.Errorf("DB_PATH should be under /data, got ENV %q", e)
	}
	if e, _ := has("ENV"); !strings.Contains(e, "LISTEN_ADDR=:") {
		t.Errorf("LISTEN_ADDR should listen on every interface of the container, got ENV %q", e)
	}
	if h, ok := has("HEALTHCHECK"); !ok || !strings.Contains(h, "healthcheck") {
		t.Errorf("the final stage should have a HEALTHCHECK running `petstore healthcheck`, got %q", h)
	}
	if _, ok := has("ENTRYPOINT"); !ok {
		t.Error("the final stage should have an ENTRYPOINT")
	}
	// The volume's directory belongs to the non-root user.
	if c, _ := has("COPY"); !strings.Contains(strings.Join(final, "\n"), "--chown=65532:65532") {
		t.Errorf("/data should be copied owned by the non-root user: %q", c)
	}
	ignore := read(t, "../.dockerignore")
	for _, p := range []string{".env", ".data/", "*.db"} {
		if !strings.Contains(ignore, p) {
			t.Errorf(".dockerignore should keep %s out of the build context", p)
		}
	}
}

// TestSystemdUnit checks the unit's hardening and that the data directory
// is the one place it may write.
func TestSystemdUnit(t *testing.T) {
	unit := read(t, "petstore.service")
	for _, want := range []string{
		"ProtectSystem=strict", "ReadWritePaths=/var/lib/petstore", "NoNewPrivileges=yes",
		"PrivateTmp=yes", "ProtectHome=yes", "CapabilityBoundingSet=\n", "ExecStart=/usr/local/bin/petstore serve",
		"Environment=DB_PATH=/var/lib/petstore/", "Environment=LISTEN_ADDR=127.0.0.1:",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("petstore.service lacks %q", strings.TrimSpace(want))
		}
	}
	if !strings.Contains(unit, "DynamicUser=yes") && !regexp.MustCompile(`(?m)^User=\w+`).MatchString(unit) {
		t.Error("petstore.service should run as DynamicUser or a dedicated User")
	}
}

// TestReverseProxies checks that both examples keep the live updates
// (text/event-stream) unbuffered.
func TestReverseProxies(t *testing.T) {
	if c := read(t, "Caddyfile"); !strings.Contains(c, "flush_interval -1") || !strings.Contains(c, "reverse_proxy 127.0.0.1:3000") {
		t.Error("Caddyfile should proxy to 127.0.0.1:3000 with flush_interval -1")
	}
	n := read(t, "nginx.conf")
	for _, want := range []string{"proxy_buffering off", "events/stream", "live", "X-Forwarded-Proto", "location = /metrics"} {
		if !strings.Contains(n, want) {
			t.Errorf("nginx.conf lacks %q", want)
		}
	}
}

// TestMakeHelp checks that every target of the Makefile has a "## " help
// text, so that `make help` lists it.
func TestMakeHelp(t *testing.T) {
	mk := read(t, "../Makefile")
	target := regexp.MustCompile(`(?m)^([a-zA-Z0-9_.-]+):(.*)$`)
	n := 0
	for _, m := range target.FindAllStringSubmatch(mk, -1) {
		if strings.HasPrefix(m[1], ".") || strings.Contains(m[2], "=") {
			continue // .PHONY, .DEFAULT_GOAL and variables
		}
		n++
		if !strings.Contains(m[2], "## ") {
			t.Errorf("make target %s has no ## help text, so make help leaves it out", m[1])
		}
	}
	if n < 8 {
		t.Errorf("found only %d targets", n)
	}
	if !strings.Contains(mk, "exec ./$(BIN)") {
		t.Error("make run should exec the binary so that Ctrl-C ends it without a make error")
	}
}

// TestSystemdUnitVerifies runs systemd's own checker on the unit when the
// machine has it (ExecStart pointed at /bin/true: the binary is not
// installed here), and its security score.
func TestSystemdUnitVerifies(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze")
	}
	unit := strings.Replace(read(t, "petstore.service"), "ExecStart=/usr/local/bin/petstore serve", "ExecStart=/bin/true serve", 1)
	path := filepath.Join(t.TempDir(), "petstore.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sa, "verify", "--man=no", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err := exec.Command(sa, "security", "--offline=true", path).CombinedOutput()
	if err != nil {
		t.Skipf("systemd-analyze security: %v", err)
	}
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Skipf("no exposure level in:\n%s", out)
	}
	if level, _ := strconv.ParseFloat(string(m[1]), 64); level > 3 {
		t.Errorf("exposure level %.1f, want at most 3 (OK)", level)
	}
}
