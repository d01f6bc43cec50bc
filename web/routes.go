package web

import "github.com/petstore/petstore/internal/shelter"

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
		g.GET("/:id/events", s.handlePetEvents)
	}
	e.GET("/api/events", s.handleEventList)
	e.GET("/openapi.json", s.handleOpenAPI)
}
