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
	e.GET("/readyz", s.handleReady)
	e.GET("/metrics", s.handleMetrics)

	// The JSON API, the same under every namespace: the route prefix names
	// the events a request causes.
	// Their actor is the signed-in staff member or the token (origin).
	for _, ns := range shelter.Namespaces {
		g := e.Group("/" + ns + "/pets")
		g.POST("", s.handlePetCreate(ns))
		g.GET("", s.handlePetList)
		g.GET("/:id", s.handlePetGet)
		g.PUT("/:id", s.handlePetUpdate(ns))
		g.DELETE("/:id", s.handlePetDelete(ns))
		g.POST("/:id/restore", s.handlePetRestore(ns))
		g.POST("/:id/profile", s.handlePetProfile(ns))
		g.GET("/:id/events", s.handlePetEvents)
		g.POST("/:id/feedings", s.handlePetFeedingCreate(ns))
		g.GET("/:id/feedings", s.handlePetFeedingList)
		g.POST("/:id/photos", s.handlePhotoCreate(ns))
		g.GET("/:id/photos", s.handlePhotoList)
		g.PUT("/:id/photos/:photoId", s.handlePhotoUpdate(ns))
		g.DELETE("/:id/photos/:photoId", s.handlePhotoDelete(ns))
	}
	e.GET("/api/pets/export", s.handlePetExport)
	e.GET("/api/events", s.handleEventList)
	e.GET("/api/today", s.handleToday)
	e.GET("/api/jobs", s.handleJobList)
	e.POST("/api/jobs/:id/retry", s.handleJobRetry)
	e.POST("/api/reaper/run", s.handleReaperRun)
	e.GET("/openapi.json", s.handleOpenAPI)

	// The staff dashboard: HTML pages and htmx fragments.
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	e.GET("/favicon.ico", echo.WrapHandler(static.RootHandler(static.FaviconICO)))
	e.GET("/robots.txt", echo.WrapHandler(static.RootHandler(static.Robots)))
	e.GET("/", s.handlePageToday)
	e.GET("/today/count", s.handleTodayCount)
	e.POST("/today/fed", s.handlePageFed)
	e.GET("/pets", s.handlePageBoard)
	e.POST("/pets/bulk-status", s.handlePageBulkStatus)
	e.GET("/pets/new", s.handlePageNewPet)
	e.POST("/pets/new", s.handlePagePetCreate)
	e.GET("/pets/:id", s.handlePagePet)
	e.GET("/pets/:id/live", s.handlePagePetLive)
	e.POST("/pets/:id/status", s.handlePagePetStatus)
	e.POST("/pets/:id/fed", s.handlePagePetFed)
	e.GET("/pets/:id/card", s.handlePagePetCard)
	e.POST("/pets/:id/edit", s.handlePagePetEdit)
	e.GET("/pets/:id/edit", s.handlePagePetEditForm)
	e.POST("/pets/:id/delete", s.handlePagePetDelete)
	e.POST("/pets/:id/restore", s.handlePagePetRestore)
	e.POST("/pets/:id/profile", s.handlePagePetProfile)
	e.POST("/pets/:id/photos", s.handlePagePhotoCreate)
	e.POST("/pets/:id/photos/:photoId/delete", s.handlePagePhotoDelete)
	e.POST("/pets/:id/photos/:photoId/primary", s.handlePagePhotoPrimary)
	e.GET("/photos/:photoId/:file", s.handlePhotoFile)
	e.GET("/inquiries", s.handlePageInquiries)
	e.GET("/inquiries/count", s.handlePageInquiryCount)
	e.POST("/inquiries/:id/adopt", s.handlePageInquiryAdopt)
	e.POST("/inquiries/:id/decline", s.handlePageInquiryDecline)
	e.GET("/api/inquiries", s.handleInquiryList)
	e.POST("/api/inquiries/:id/close", s.handleInquiryClose)

	// The public adoption page: no sign-in (see access.go), its own
	// read-only queries and its own Content-Security-Policy.
	e.GET("/adopt", s.handleAdoptList)
	e.GET("/adopt/:id", s.handleAdoptPet)
	e.POST("/adopt/:id/inquiry", s.handleAdoptInquiry)
	e.GET("/adopt/:id/thanks", s.handleAdoptThanks)
	e.GET("/adopt/photos/:photoId/:file", s.handleAdoptPhoto)
	e.GET("/deleted", s.handlePageDeleted)
	e.GET("/workflow", s.handlePageWorkflow)
	e.GET("/events/stream", s.handleEventStream)
	e.GET("/jobs", s.handlePageJobs)
	e.POST("/jobs/:id/retry", s.handlePageJobRetry)
	e.POST("/jobs/reaper/run", s.handlePageReaperRun)

	// Accounts. Who may use each route is in access.go's table.
	e.GET("/login", s.handlePageLogin)
	e.POST("/login", s.handleLogin)
	e.POST("/logout", s.handleLogout)
	e.GET("/setup", s.handlePageSetup)
	e.POST("/setup", s.handleSetup)
	e.GET("/staff", s.handlePageStaff)
	e.POST("/staff", s.handleStaffCreate)
	e.POST("/staff/:id/disable", s.handleStaffDisable)
	e.POST("/staff/:id/enable", s.handleStaffEnable)
	e.POST("/staff/:id/password", s.handleStaffPassword)
	e.GET("/tokens", s.handlePageTokens)
	e.POST("/tokens", s.handleTokenCreate)
	e.POST("/tokens/:id/revoke", s.handleTokenRevoke)
	e.GET("/account", s.handlePageAccount)
	e.POST("/account/password", s.handleAccountPassword)
}
