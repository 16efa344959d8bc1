package admin

import (
	"net/http"
)

// UIHandler serves the admin UI's built files from dir: the ui/dist
// directory of the @socket.io/admin-ui npm package (installed by `npm ci`
// in interop/node, node_modules/@socket.io/admin-ui/ui/dist), or a build of
// its sources. The page loads its scripts by relative paths, so it can be
// mounted under any prefix with http.StripPrefix:
//
//	mux.Handle("/admin-ui/", http.StripPrefix("/admin-ui", admin.UIHandler(dir)))
//
// The page asks for the server's URL; a page served by the server itself
// connects back to it without CORS. The handler only reads files under dir.
func UIHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
