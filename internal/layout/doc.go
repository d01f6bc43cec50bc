// Package layout holds the test of the project's import rules (README,
// "Project structure"): adapters meet in interfaces they declare, only the
// wiring knows the store, and only the store knows the database.
package layout
