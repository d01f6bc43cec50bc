package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// Accounts is what the server needs of accounts: staff, sessions, tokens
// and the first-run setup. *auth.Service implements it.
type Accounts interface {
	shelter.UserService
	shelter.SessionService
	shelter.TokenService
	shelter.SetupService
	// SessionTTL is a new session's lifetime, for the cookie's Max-Age.
	SessionTTL() time.Duration
}

// Cookie names. The session cookie gets the __Host- prefix over HTTPS,
// which browsers accept only with Secure, Path=/ and no Domain.
const (
	sessionCookie       = "petstore_session"
	secureSessionCookie = "__Host-petstore_session"
	csrfCookie          = "petstore_csrf"
	csrfField           = "_csrf"
	csrfHeader          = "X-CSRF-Token"
)

// dashboardCSP keeps every script and style to the app's own files, so text
// that slips into a page can never run. It is sent on every answer.
const dashboardCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// errAuthRequired is the answer to an API request without valid
// credentials.
func errAuthRequired() error {
	return shelter.Errorf(shelter.EUNAUTHORIZED, "Authentication required")
}

// errAdminOnly is the answer to a staff member on an admin route.
func errAdminOnly() error {
	return shelter.Errorf(shelter.EFORBIDDEN, "Only an admin may do this.")
}

// errCSRF is the answer to an unsafe dashboard request without a valid
// CSRF token, or from another site.
func errCSRF() *shelter.Error {
	return shelter.Errorf(shelter.EFORBIDDEN, "This form expired or came from another site: reload the page and try again.")
}

// setClientExtractors decides where the client's address and scheme come
// from: the connection itself, unless the server sits behind a proxy
// trusted by configuration (then X-Forwarded-For and X-Forwarded-Proto,
// from loopback and private addresses only).
func setClientExtractors(e *echo.Echo, trustProxy bool) {
	if trustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
		e.SchemeExtractor = echo.ExtractSchemeFromHeaders()
		return
	}
	e.IPExtractor = echo.ExtractIPDirect()
	e.SchemeExtractor = echo.ExtractSchemeDirect()
}

// isSecure reports whether the client talks HTTPS to us (directly, or to
// the trusted proxy).
func isSecure(c echo.Context) bool { return c.Scheme() == "https" }

// securityHeaders sets the headers every answer carries; HSTS only over
// HTTPS.
// They are what echo's SecureWithConfig set with ContentTypeNosniff
// "nosniff", XFrameOptions "DENY", HSTSMaxAge 31536000 with
// HSTSExcludeSubdomains, ContentSecurityPolicy dashboardCSP and
// ReferrerPolicy "same-origin", put into the header map directly (the keys
// are canonical) with one allocation for the values instead of one per
// header.
func securityHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			v := make([]string, 4)
			// Each value is its own slice with no room after it, so an
			// Add to one copies it rather than writing over the next.
			v[0], v[1], v[2], v[3] = "nosniff", "DENY", dashboardCSP, "same-origin"
			h[echo.HeaderXContentTypeOptions] = v[0:1:1]
			h[echo.HeaderXFrameOptions] = v[1:2:2]
			if isSecure(c) {
				h[echo.HeaderStrictTransportSecurity] = []string{"max-age=31536000"}
			}
			h[echo.HeaderContentSecurityPolicy] = v[2:3:3]
			h[echo.HeaderReferrerPolicy] = v[3:4:4]
			return next(c)
		}
	}
}

// principal is the request's signed-in account or token, or nil.
func principal(c echo.Context) *shelter.Principal {
	return shelter.PrincipalFromContext(c.Request().Context())
}

// origin is the origin of the events a request causes in namespace ns:
// its actor is the signed-in staff member's email or the token's name.
func origin(c echo.Context, ns string) (shelter.Origin, error) {
	p := principal(c)
	if p == nil || p.Actor() == "" {
		return shelter.Origin{}, errAuthRequired()
	}
	return p.Origin(ns), nil
}

// sessionCookieName is the name of the session cookie for this request's
// scheme.
func sessionCookieName(c echo.Context) string {
	if isSecure(c) {
		return secureSessionCookie
	}
	return sessionCookie
}

// sessionSecret is the session id the request's cookie carries, or "".
func sessionSecret(c echo.Context) string {
	ck, err := c.Cookie(sessionCookieName(c))
	if err != nil {
		return ""
	}
	return ck.Value
}

// setSessionCookie hands the browser a new session id.
func (s *Server) setSessionCookie(c echo.Context, secret string) {
	c.SetCookie(&http.Cookie{Name: sessionCookieName(c), Value: secret, Path: "/", HttpOnly: true,
		Secure: isSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: int(s.accounts.SessionTTL().Seconds())})
}

// clearSessionCookie tells the browser to forget its session id.
func clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookieName(c), Value: "", Path: "/", HttpOnly: true,
		Secure: isSecure(c), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// bearer returns the token of an "Authorization: Bearer" header; ok is
// false when the header is absent, and bad is true when it is present
// but not a bearer token.
func bearer(r *http.Request) (token string, present, bad bool) {
	h := strings.TrimSpace(r.Header.Get(echo.HeaderAuthorization))
	scheme, tok, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		// None, or another scheme's: a reverse proxy's Basic sign-in, say,
		// which it passes on. Not ours to judge: the session decides.
		return "", false, false
	}
	if strings.TrimSpace(tok) == "" {
		return "", true, true
	}
	return strings.TrimSpace(tok), true, false
}

// authenticate finds who makes the request (a bearer token, else the
// session cookie), puts the principal into the request's context, and
// applies the access table. A request with an Authorization header is
// judged by it alone: a bad token is refused even with a good cookie.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if len(c.Request().Header.Values(echo.HeaderAuthorization)) > 1 {
			// Proxies and clients disagree on which of two would win.
			return shelter.Errorf(shelter.EINVALID, "Send one Authorization header, not several")
		}
		access := RouteAccess(c.Request().Method, c.Path())
		if access == AccessPublic {
			return next(c)
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		if access == AccessMetrics && s.metricsToken != "" {
			if tok, present, _ := bearer(c.Request()); present &&
				subtle.ConstantTimeCompare([]byte(tok), []byte(s.metricsToken)) == 1 {
				return next(c) // the scraper's token: no account behind it
			}
		}
		p, err := s.identify(c)
		if err != nil {
			return err
		}
		if p == nil {
			return s.unauthenticated(c)
		}
		c.SetRequest(c.Request().WithContext(shelter.NewContextWithPrincipal(c.Request().Context(), p)))
		if (access == AccessAdmin || access == AccessMetrics) && p.Role() != shelter.RoleAdmin {
			return errAdminOnly()
		}
		return next(c)
	}
}

// identify returns the request's principal, nil when it has no valid
// credentials, or an error when they cannot be checked.
func (s *Server) identify(c echo.Context) (*shelter.Principal, error) {
	if s.accounts == nil {
		return nil, nil // no accounts wired: nobody gets in
	}
	ctx := c.Request().Context()
	if tok, present, bad := bearer(c.Request()); present {
		if bad {
			return nil, nil
		}
		p, err := s.accounts.AuthenticateToken(ctx, tok)
		return knownOrNil(p, err)
	}
	secret := sessionSecret(c)
	if secret == "" {
		return nil, nil
	}
	p, err := s.accounts.Authenticate(ctx, secret)
	return knownOrNil(p, err)
}

func knownOrNil(p *shelter.Principal, err error) (*shelter.Principal, error) {
	if shelter.ErrorCode(err) == shelter.EUNAUTHORIZED {
		return nil, nil
	}
	return p, err
}

// wantsAPIAnswer reports whether an unauthenticated request gets a 401
// rather than the sign-in page: the JSON API, the live streams, any
// request that sent credentials of its own (a script's token that no
// longer works), and a photo's file asked for by anything but a browser
// opening it as a page (an <img>, a script: not a page to sign in from).
func wantsAPIAnswer(c echo.Context) bool {
	r := c.Request()
	accept := r.Header.Get(echo.HeaderAccept)
	_, sentToken, _ := bearer(r)
	return isAPIPath(r.URL.Path) || strings.HasPrefix(r.URL.Path, "/api/") || sentToken ||
		strings.HasPrefix(r.URL.Path, "/photos/") && !strings.Contains(accept, "text/html") ||
		strings.Contains(accept, "text/event-stream")
}

// unauthenticated answers a request without valid credentials: 401 JSON
// for the API, HX-Redirect for htmx, else a redirect to the sign-in page
// that comes back here afterwards.
func (s *Server) unauthenticated(c echo.Context) error {
	if wantsAPIAnswer(c) {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="petstore"`)
		return errAuthRequired()
	}
	to := "/login"
	if c.Request().Method == http.MethodGet && c.Request().URL.Path != "/" {
		to += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
	}
	if isHTMX(c) {
		// htmx's page may be stale; send it to where it came from.
		if cur, err := url.Parse(c.Request().Header.Get("HX-Current-URL")); err == nil && localPath(cur.RequestURI()) && cur.Path != "/" {
			to = "/login?next=" + url.QueryEscape(cur.RequestURI())
		}
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusUnauthorized)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// localPath reports whether p is a path on this site, safe to redirect
// to after sign-in: it starts with one slash and names no other host.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || len(p) > 2048 {
		return false
	}
	if strings.ContainsAny(p, "\\\r\n\t") {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// csrf checks every unsafe request from a browser: the Sec-Fetch-Site
// header when the browser sends it (same-origin passes, cross-site is
// refused), else the token from the X-CSRF-Token header (htmx) or the
// _csrf form field (plain forms) against the token cookie. Requests
// authenticated by a bearer token carry no cookies and are exempt.
func csrf() echo.MiddlewareFunc {
	build := func(secure bool) echo.MiddlewareFunc {
		return middleware.CSRFWithConfig(middleware.CSRFConfig{
			Skipper: func(c echo.Context) bool {
				if p := principal(c); p != nil && p.Token != nil {
					return true
				}
				switch c.Path() {
				case "/healthz", "/readyz", "/metrics", "/static/*", "/openapi.json", "/favicon.ico", "/robots.txt":
					return true
				}
				return false
			},
			TokenLookup:    "header:" + csrfHeader + ",form:" + csrfField,
			CookieName:     csrfCookie,
			CookiePath:     "/",
			CookieHTTPOnly: true,
			CookieSameSite: http.SameSiteStrictMode,
			CookieSecure:   secure,
			ErrorHandler:   func(error, echo.Context) error { return errCSRF() },
		})
	}
	plain, tls := build(false), build(true)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		next = withCSRFToken(next)
		plainNext, tlsNext := plain(next), tls(next)
		return func(c echo.Context) error {
			if isSecure(c) {
				return tlsNext(c)
			}
			return plainNext(c)
		}
	}
}

// withCSRFToken hands the CSRF token to the views (the layout's
// hx-headers, the forms' hidden field) through the request's context.
func withCSRFToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if tok, ok := c.Get("csrf").(string); ok {
			c.SetRequest(c.Request().WithContext(views.WithCSRFToken(c.Request().Context(), tok)))
		}
		return next(c)
	}
}
