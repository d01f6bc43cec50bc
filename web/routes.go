package web

// routes registers every route of the server, in one place.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.handleHealth)
}
