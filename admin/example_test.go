package admin_test

import (
	"log"
	"net/http"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/admin"
)

// A server instrumented for the admin UI, which it serves on /admin-ui/:
// open http://localhost:8888/admin-ui/ and log in with the server URL
// http://localhost:8888, user "admin" and password "changeit".
func ExampleInstrument() {
	mux := http.NewServeMux()
	mux.Handle("/admin-ui/", http.StripPrefix("/admin-ui", admin.UIHandler("node_modules/@socket.io/admin-ui/ui/dist")))
	srv := tornadio.NewServer(tornadio.WithHTTPHandler(mux))
	srv.OnConnection(func(s *tornadio.Socket) { s.Join("lobby") })
	in, err := admin.Instrument(srv,
		admin.WithBasicAuth("admin", "$2a$10$thtWvLywTnxnwSRSCW3uau2ZTF7yORE6MThhgQUzuRx2aT4Lcr5v6"), // "changeit"
		admin.WithServerID("node-1"),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	if err := srv.ListenAndServe("localhost:8888"); err != nil {
		log.Println(err)
	}
}

// In production, the UI gets the statistics only, and cannot act.
func ExampleWithMode() {
	srv := tornadio.NewServer()
	if _, err := admin.Instrument(srv, admin.WithNoAuth(), admin.WithMode(admin.Production), admin.WithReadonly(true)); err != nil {
		log.Fatal(err)
	}
}
