package web

import (
	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/static"
)

// routes registers every route of the server, in one place.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.handleHealth)

	// The JSON API, the same under every namespace: the route prefix names
	// the events a request causes.
	for _, ns := range shelter.Namespaces {
		o := shelter.Origin{Namespace: ns, Actor: shelter.ActorAPI}
		g := e.Group("/" + ns + "/pets")
		g.POST("", s.handlePetCreate(o))
		g.GET("", s.handlePetList)
		g.GET("/:id", s.handlePetGet)
		g.PUT("/:id", s.handlePetUpdate(o))
		g.DELETE("/:id", s.handlePetDelete(o))
		g.POST("/:id/restore", s.handlePetRestore(o))
		g.POST("/:id/profile", s.handlePetProfile(o))
		g.GET("/:id/events", s.handlePetEvents)
	}
	e.GET("/api/events", s.handleEventList)
	e.GET("/api/jobs", s.handleJobList)
	e.POST("/api/jobs/:id/retry", s.handleJobRetry)
	e.GET("/openapi.json", s.handleOpenAPI)

	// The staff dashboard: HTML pages and htmx fragments.
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	e.GET("/", s.handlePageBoard)
	e.GET("/pets/new", s.handlePageNewPet)
	e.POST("/pets/new", s.handlePagePetCreate)
	e.GET("/pets/:id", s.handlePagePet)
	e.GET("/pets/:id/live", s.handlePagePetLive)
	e.POST("/pets/:id/status", s.handlePagePetStatus)
	e.POST("/pets/:id/edit", s.handlePagePetEdit)
	e.POST("/pets/:id/delete", s.handlePagePetDelete)
	e.POST("/pets/:id/restore", s.handlePagePetRestore)
	e.POST("/pets/:id/profile", s.handlePagePetProfile)
	e.GET("/deleted", s.handlePageDeleted)
	e.GET("/workflow", s.handlePageWorkflow)
	e.GET("/events/stream", s.handleEventStream)
	e.GET("/jobs", s.handlePageJobs)
	e.POST("/jobs/:id/retry", s.handlePageJobRetry)
}
