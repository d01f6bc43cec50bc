package web

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// OpenAPI is the OpenAPI 3.1 document of the JSON API, served at
// /openapi.json. The handler tests check every response against it.
//
//go:embed openapi.json
var OpenAPI []byte

// handleOpenAPI answers GET /openapi.json.
func (s *Server) handleOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, OpenAPI)
}
