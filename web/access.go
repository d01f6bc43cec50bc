package web

import "net/http"

// Access is who may use a route.
type Access int

// Access levels. Every route not named in accessTable is AccessStaff, so
// that a route added without thought is closed to strangers.
const (
	AccessStaff   Access = iota // any signed-in account or token
	AccessPublic                // anyone
	AccessAdmin                 // admins and admin tokens only
	AccessMetrics               // admins, admin tokens, and the metrics token (METRICS_TOKEN)
)

func (a Access) String() string {
	switch a {
	case AccessPublic:
		return "public"
	case AccessAdmin:
		return "admin"
	case AccessMetrics:
		return "metrics"
	}
	return "staff"
}

// accessTable is the one list of routes that are not staff routes, keyed
// by method and route pattern (echo's c.Path()). The route-inventory test
// checks it against the router.
var accessTable = map[string]Access{
	"GET /login":        AccessPublic,
	"POST /login":       AccessPublic,
	"GET /setup":        AccessPublic,
	"POST /setup":       AccessPublic,
	"GET /healthz":      AccessPublic,
	"GET /static/*":     AccessPublic,
	"GET /favicon.ico":  AccessPublic,
	"GET /robots.txt":   AccessPublic,
	"GET /readyz":       AccessPublic,
	"GET /metrics":      AccessMetrics,
	"GET /openapi.json": AccessPublic,

	// The public adoption page (issue 13): anyone may look at the available
	// pets and ask to meet one.
	"GET /adopt":                       AccessPublic,
	"GET /adopt/:id":                   AccessPublic,
	"POST /adopt/:id/inquiry":          AccessPublic,
	"GET /adopt/:id/thanks":            AccessPublic,
	"GET /adopt/photos/:photoId/:file": AccessPublic,

	"GET /staff":               AccessAdmin,
	"POST /staff":              AccessAdmin,
	"POST /staff/:id/disable":  AccessAdmin,
	"POST /staff/:id/enable":   AccessAdmin,
	"POST /staff/:id/password": AccessAdmin,
	"POST /api/jobs/:id/retry": AccessAdmin,
	"POST /jobs/:id/retry":     AccessAdmin,
	"POST /api/reaper/run":     AccessAdmin,
	"POST /jobs/reaper/run":    AccessAdmin,
}

// RouteAccess returns who may use the route of method and pattern. HEAD is
// treated as GET.
func RouteAccess(method, pattern string) Access {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return accessTable[method+" "+pattern]
}

// PublicRoutes lists the public routes ("METHOD /pattern"), for the
// route-inventory test.
func PublicRoutes() []string { return routesWith(AccessPublic) }

// AdminRoutes lists the admin routes, for the route-inventory test.
func AdminRoutes() []string { return routesWith(AccessAdmin) }

func routesWith(a Access) []string {
	var out []string
	for k, v := range accessTable {
		if v == a {
			out = append(out, k)
		}
	}
	return out
}
