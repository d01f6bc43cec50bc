package config

import (
	"strings"
	"testing"
	"time"
)

var authVars = []string{"ADMIN_EMAIL", "ADMIN_PASSWORD", "TRUST_PROXY_HEADERS", "TLS_CERT", "TLS_KEY", "SESSION_TTL"}

func clearAuth(t *testing.T) {
	for _, k := range authVars {
		t.Setenv(k, "")
	}
}

func TestAuthDefaults(t *testing.T) {
	clearAuth(t)
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := Auth{SessionTTL: 12 * time.Hour}
	if c.Auth != want || c.Auth.TLS() {
		t.Fatalf("auth defaults %+v, want %+v", c.Auth, want)
	}
}

func TestAuthValues(t *testing.T) {
	clearAuth(t)
	t.Setenv("ADMIN_EMAIL", "ana@example.org")
	t.Setenv("ADMIN_PASSWORD", "a long pass phrase")
	t.Setenv("TRUST_PROXY_HEADERS", "true")
	t.Setenv("TLS_CERT", "/etc/petstore/cert.pem")
	t.Setenv("TLS_KEY", "/etc/petstore/key.pem")
	t.Setenv("SESSION_TTL", "8h")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := Auth{AdminEmail: "ana@example.org", AdminPassword: "a long pass phrase", TrustProxyHeaders: true,
		TLSCert: "/etc/petstore/cert.pem", TLSKey: "/etc/petstore/key.pem", SessionTTL: 8 * time.Hour}
	if c.Auth != want || !c.Auth.TLS() {
		t.Fatalf("auth %+v, want %+v", c.Auth, want)
	}
}

func TestAuthInvalidValuesNameTheirVariables(t *testing.T) {
	for _, tc := range []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"ADMIN_EMAIL": "ana@example.org"}, "ADMIN_PASSWORD"},
		{map[string]string{"ADMIN_PASSWORD": "a long pass phrase"}, "ADMIN_EMAIL"},
		{map[string]string{"TRUST_PROXY_HEADERS": "maybe"}, "TRUST_PROXY_HEADERS"},
		{map[string]string{"TLS_CERT": "cert.pem"}, "TLS_KEY"},
		{map[string]string{"TLS_KEY": "key.pem"}, "TLS_CERT"},
		{map[string]string{"SESSION_TTL": "forever"}, "SESSION_TTL"},
		{map[string]string{"SESSION_TTL": "1m"}, "SESSION_TTL"},
		{map[string]string{"SESSION_TTL": "1000h"}, "SESSION_TTL"},
		{map[string]string{"SESSION_TTL": "-12h"}, "SESSION_TTL"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			clearAuth(t)
			for k, v := range tc.set {
				t.Setenv(k, v)
			}
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%v: err %v, want one naming %s", tc.set, err, tc.want)
			}
		})
	}
}
