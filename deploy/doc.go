// Package deploy holds no code: the folder has the files that run Petstore
// on a server (the systemd unit, reverse-proxy examples) and the tests that
// check them, and the repository's Dockerfile and Makefile, for their
// essentials, since no Docker engine runs where the tests do.
package deploy
