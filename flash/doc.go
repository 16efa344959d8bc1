// Package flash will answer Adobe Flash socket policy requests
// ("<policy-file-request/>\x00") for the legacy flashsocket transport, on
// port 843 and inline on the main port.
//
// TODO(issue 4): the legacy road (LEGACY-0.6.md) fills this package: request
// detection from the first bytes of a connection, the built-in permissive
// policy and a configurable policy file. It stays sans-IO: package loop
// serves the listener.
package flash
