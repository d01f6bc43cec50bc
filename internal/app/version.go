package app

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// BuildInfo is what the binary knows of its build (debug.ReadBuildInfo):
// the module version and the VCS revision and time the go command
// stamped (go build in a git checkout; -buildvcs=false leaves them out).
type BuildInfo struct {
	Version  string // the module's version, "(devel)" for a local build
	Revision string // the commit, empty when not stamped
	Time     string // the commit's time (RFC 3339)
	Modified bool   // the work tree had uncommitted changes
	Go       string
}

// ReadBuildInfo reads the running binary's build information.
func ReadBuildInfo() BuildInfo {
	b := BuildInfo{Version: "(devel)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if v := bi.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// Short is one word for /healthz and the metrics: the version, and the
// first 12 digits of the commit when known ("(devel)+1a2b3c4d5e6f").
func (b BuildInfo) Short() string {
	s := b.Version
	if b.Revision != "" {
		s += "+" + b.Revision[:min(12, len(b.Revision))]
		if b.Modified {
			s += "-dirty"
		}
	}
	return s
}

// String is the line `petstore version` prints.
func (b BuildInfo) String() string {
	parts := []string{"petstore", b.Version}
	if b.Revision != "" {
		rev := "commit " + b.Revision
		if b.Time != "" {
			rev += " (" + b.Time + ")"
		}
		if b.Modified {
			rev += " with uncommitted changes"
		}
		parts = append(parts, rev)
	} else {
		parts = append(parts, "(no commit recorded: built without VCS information)")
	}
	parts = append(parts, b.Go)
	return strings.Join(parts, " ")
}
