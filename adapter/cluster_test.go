package adapter_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/tornadio/tornadio/adapter"
)

// TestWatchRooms: the watcher hears a room when it gets its first member
// and when it loses its last, never for socket ids, and Rooms lists the
// rooms with members and every socket id.
func TestWatchRooms(t *testing.T) {
	r := newRig(t, 2)
	var events []string
	r.local.WatchRooms(func(room string, exists bool) { events = append(events, fmt.Sprintf("%s %v", room, exists)) })
	a, b := r.connect(0, "a"), r.connect(1, "b")
	r.local.Join(&a.ms, "x")
	r.local.Join(&b.ms, "x", "y")
	r.local.Join(&a.ms, "b") // a room named like b's id is still a room a joined
	if !r.local.HasRoom("x") || r.local.HasRoom("a") {
		t.Errorf("HasRoom(x) = %v, HasRoom(a) = %v", r.local.HasRoom("x"), r.local.HasRoom("a"))
	}
	rooms := r.local.Rooms()
	sort.Strings(rooms)
	if want := []string{"a", "b", "b", "x", "y"}; !slices.Equal(rooms, want) {
		t.Errorf("Rooms = %v, want %v", rooms, want)
	}
	r.local.Leave(&a.ms, "x")
	r.local.DelSockets(&adapter.Options{}, []string{"x", "y"})
	if want := []string{"x true", "y true", "b true", "x false", "y false"}; !slices.Equal(events, want) {
		t.Errorf("watched %v, want %v", events, want)
	}
}

// TestWatchMembers: the member watcher hears each member attach and detach
// (the rooms named by socket ids).
func TestWatchMembers(t *testing.T) {
	r := newRig(t, 2)
	var events []string
	r.local.WatchMembers(func(id string, attached bool) { events = append(events, fmt.Sprintf("%s %v", id, attached)) })
	a := r.connect(0, "a")
	r.connect(1, "b")
	r.detach(a)
	r.run()
	if want := []string{"a true", "b true", "a false"}; !slices.Equal(events, want) {
		t.Errorf("watched %v, want %v", events, want)
	}
}
