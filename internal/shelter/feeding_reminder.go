package shelter

import "strings"

// WelcomeNote is the text the feeding reminder adds to a new pet's notes.
const WelcomeNote = "Welcome to our pet store! We'll take great care of this pet."

// WithWelcome puts the welcome note before the notes staff already wrote,
// once.
func WithWelcome(notes string) string {
	switch {
	case strings.Contains(notes, WelcomeNote):
		return notes
	case strings.TrimSpace(notes) == "":
		return WelcomeNote
	}
	return WelcomeNote + "\n\n" + notes
}
