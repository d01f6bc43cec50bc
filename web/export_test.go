package web

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
)

// DashboardCSP is dashboardCSP, for tests.
const DashboardCSP = dashboardCSP

// SecurityHeadersOf is what securityHeaders sets on an answer over plain
// HTTP or HTTPS.
func SecurityHeadersOf(secure bool) http.Header {
	e := echo.New()
	setClientExtractors(e, false)
	req := httptest.NewRequest("GET", "/", nil)
	if secure {
		req.TLS = &tls.ConnectionState{}
	}
	rec := httptest.NewRecorder()
	_ = securityHeaders()(func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })(e.NewContext(req, rec))
	return rec.Header()
}
