package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// deleteAnswer is the 202 answer to a soft delete.
type deleteAnswer struct {
	Message string `json:"message"`
	PetID   string `json:"petId"`
	PurgeAt int64  `json:"purgeAt"`
}

// handlePetDelete answers DELETE /{ns}/pets/:id: the pet is soft-deleted
// and purged after PURGE_AFTER; deleting it again keeps its purge date. The
// body may give {"reason": "..."}; If-Match works as for PUT.
func (s *Server) handlePetDelete(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		del := shelter.PetDelete{IfVersion: ifMatch(c)}
		if c.Request().ContentLength != 0 { // an optional {"reason": "..."}
			obj, err := readJSONObject(c)
			if err != nil {
				return err
			}
			for _, k := range obj.keys {
				r, ok := jsonString(obj.values[k])
				switch {
				case k != "reason":
					return shelter.InvalidPayload(shelter.FieldError{Field: k, Message: msgUnknownField})
				case !ok:
					return shelter.InvalidPayload(shelter.FieldError{Field: k, Message: msgString})
				}
				del.Reason = r
			}
		}
		p, err := s.pets.DeletePetWith(c.Request().Context(), o, c.Param("id"), del)
		if err != nil {
			return s.answerStale(c, err)
		}
		return c.JSON(http.StatusAccepted, deleteAnswer{Message: "Pet scheduled for deletion", PetID: p.ID, PurgeAt: p.PurgeAt})
	}
}
