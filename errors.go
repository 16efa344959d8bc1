package tornadio

import "net/http"

// ErrServerClosed is what ListenAndServe returns once Shutdown has been
// called (and what Start returns after Shutdown): the server stopped
// because it was asked to, not because it failed. It is
// http.ErrServerClosed itself, so code written for net/http servers
// (errors.Is(err, http.ErrServerClosed)) works unchanged:
//
//	if err := srv.ListenAndServe(":8888"); !errors.Is(err, tornadio.ErrServerClosed) {
//		log.Fatal(err)
//	}
var ErrServerClosed = http.ErrServerClosed
