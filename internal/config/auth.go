package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Auth holds the settings of accounts, sessions and TLS.
type Auth struct {
	// AdminEmail and AdminPassword create the first admin when there are
	// no accounts (ADMIN_EMAIL, ADMIN_PASSWORD: both or neither). Without
	// them the server prints a one-time setup link instead.
	AdminEmail    string
	AdminPassword string
	// TrustProxyHeaders makes the server believe X-Forwarded-For and
	// X-Forwarded-Proto (TRUST_PROXY_HEADERS): set it only behind a proxy
	// that sets them, or clients can pick their address and scheme.
	TrustProxyHeaders bool
	// TLSCert and TLSKey are PEM files (TLS_CERT, TLS_KEY: both or
	// neither); with them the server speaks HTTPS.
	TLSCert string
	TLSKey  string
	// SessionTTL is a session's lifetime from sign-in (SESSION_TTL,
	// default 12h, from 5m to 720h).
	SessionTTL time.Duration
}

// TLS reports whether the server is to serve HTTPS itself.
func (a Auth) TLS() bool { return a.TLSCert != "" && a.TLSKey != "" }

// Session lifetime bounds.
const (
	MinSessionTTL = 5 * time.Minute
	MaxSessionTTL = 720 * time.Hour
)

// loadAuth reads the Auth settings; it returns every problem, each naming
// its variable.
func loadAuth() (Auth, []error) {
	a := Auth{SessionTTL: 12 * time.Hour}
	var errs []error
	a.AdminEmail, _ = lookup("ADMIN_EMAIL")
	a.AdminPassword, _ = lookup("ADMIN_PASSWORD")
	if (a.AdminEmail == "") != (a.AdminPassword == "") {
		errs = append(errs, fmt.Errorf("ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither"))
	}
	if v, ok := lookup("TRUST_PROXY_HEADERS"); ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("TRUST_PROXY_HEADERS=%q: must be true or false", v))
		}
		a.TrustProxyHeaders = b
	}
	a.TLSCert, _ = lookup("TLS_CERT")
	a.TLSKey, _ = lookup("TLS_KEY")
	if (a.TLSCert == "") != (a.TLSKey == "") {
		errs = append(errs, fmt.Errorf("TLS_CERT and TLS_KEY: set both or neither"))
	}
	if v, ok := lookup("SESSION_TTL"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinSessionTTL || d > MaxSessionTTL {
			errs = append(errs, fmt.Errorf("SESSION_TTL=%q: must be a duration from %v to %v such as 12h", v, MinSessionTTL, MaxSessionTTL))
		}
		a.SessionTTL = d
	}
	return a, errs
}
