package tornadio_test

import (
	"fmt"
	"log"
	"sort"
	"sync"

	"github.com/tornadio/tornadio"
)

// OnNamespace reports the namespaces there are and every one made later:
// a tool that watches the server (the admin UI) sees them all without the
// application's help.
func ExampleServer_OnNamespace() {
	srv := tornadio.NewServer()
	srv.Of("/chat")
	var mu sync.Mutex
	var names []string
	srv.OnNamespace(func(ns *tornadio.Namespace) {
		mu.Lock()
		names = append(names, ns.Name())
		mu.Unlock()
	})
	srv.Of("/news")
	mu.Lock()
	sort.Strings(names)
	fmt.Println(names)
	mu.Unlock()
	// Output: [/ /chat /news]
}

// OnJoinRoom and OnLeaveRoom follow the rooms of a namespace's sockets on
// this node, as Node's adapter "join-room" and "leave-room" events do.
func ExampleNamespace_OnJoinRoom() {
	srv := tornadio.NewServer()
	chat := srv.Of("/chat")
	chat.OnJoinRoom(func(room, id string) { log.Printf("%s joined %s", id, room) })
	chat.OnLeaveRoom(func(room, id string) { log.Printf("%s left %s", id, room) })
	chat.OnConnection(func(s *tornadio.Socket) {
		log.Printf("socket %s of session %s", s.ID(), s.SessionID())
		s.Join("lobby") // logs "<id> joined lobby"
	})
}

// OnSocketData hears each value a socket of the namespace stores with
// SetData, wherever it is stored (here in a middleware): the admin UI
// shows a socket's data so as it changes.
func ExampleNamespace_OnSocketData() {
	srv := tornadio.NewServer()
	chat := srv.Of("/chat")
	chat.OnSocketData(func(s *tornadio.Socket, data any) {
		log.Printf("socket %s now holds %v", s.ID(), data)
	})
	chat.Use(func(s *tornadio.Socket) error {
		s.SetData(map[string]string{"user": "ann"}) // logs "socket <id> now holds map[user:ann]"
		return nil
	})
}
