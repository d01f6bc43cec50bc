package web

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// identityEncodingOnly refuses a request body sent with a content coding
// (Content-Encoding: gzip, br, …): 415. Bodies here are small JSON or form
// data, so decoding compressed ones would add a decompression-bomb guard
// for no gain; a client sends them as they are. "identity" is accepted.
func identityEncodingOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, v := range c.Request().Header.Values(echo.HeaderContentEncoding) {
			for _, coding := range strings.Split(v, ",") {
				if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, "identity") {
					return shelter.Errorf(shelter.EUNSUPPORTED, "Unsupported Content-Encoding %q: send the body uncompressed", printable(coding))
				}
			}
		}
		return next(c)
	}
}
