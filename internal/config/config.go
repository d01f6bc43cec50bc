// Package config reads the server's settings from the environment and an
// optional .env file.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/joho/godotenv"
)

// Config holds every setting. Each field names its environment variable.
type Config struct {
	Port       int           // PORT
	DBPath     string        // DB_PATH
	PurgeAfter time.Duration // PURGE_AFTER
	LogFormat  string        // LOG_FORMAT: text or json
	// Auth holds ADMIN_EMAIL, ADMIN_PASSWORD, TRUST_PROXY_HEADERS,
	// TLS_CERT, TLS_KEY and SESSION_TTL (see auth.go).
	Auth Auth
}

// Load reads .env (when envFile exists; variables already set win) and then
// the environment. An invalid value is an error that names its variable.
func Load(envFile string) (Config, error) {
	if envFile != "" {
		if err := godotenv.Load(envFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Config{}, fmt.Errorf("read %s: %w", envFile, err)
		}
	}
	c := Config{Port: 3000, DBPath: ".data/petstore.db", PurgeAfter: 720 * time.Hour, LogFormat: "text"}
	var errs []error
	if v, ok := lookup("PORT"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("PORT=%q: must be a port number from 0 to 65535", v))
		}
		c.Port = n
	}
	if v, ok := lookup("DB_PATH"); ok {
		c.DBPath = v
	}
	if v, ok := lookup("PURGE_AFTER"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("PURGE_AFTER=%q: must be a positive duration such as 720h", v))
		}
		c.PurgeAfter = d
	}
	if v, ok := lookup("LOG_FORMAT"); ok {
		if v != "text" && v != "json" {
			errs = append(errs, fmt.Errorf("LOG_FORMAT=%q: must be text or json", v))
		}
		c.LogFormat = v
	}
	var authErrs []error
	c.Auth, authErrs = loadAuth()
	errs = append(errs, authErrs...)
	return c, errors.Join(errs...)
}

// lookup returns a variable that is set and not empty.
func lookup(name string) (string, bool) {
	v, ok := os.LookupEnv(name)
	return v, ok && v != ""
}
