package adapter

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
)

// roomIndex lists the members of each room of a namespace, for the
// selections made from any goroutine (AddSockets, DelSockets,
// FetchSockets). The loops' own indexes (loopIndex.rooms) serve broadcasts
// without a lock but can be read only on their loop, where a room change
// made elsewhere arrives later; this one changes with the member's room
// set, under its Membership's lock, so a selection sees every change made
// before it. It holds the members between Attach and Detach
// (Membership.listed).
type roomIndex struct {
	seed   maphash.Seed
	shards [roomIndexShards]roomShard
	// watch, when set, is told when a room gets its first member (true)
	// or loses its last (false), under the room's shard lock.
	watch atomic.Pointer[func(room string, exists bool)]
}

const roomIndexShards = 16

type roomShard struct {
	mu sync.RWMutex
	m  map[string]map[*Membership]struct{}
	_  [64 - 32]byte // keep shards on their own cache lines
}

func newRoomIndex() *roomIndex {
	x := &roomIndex{seed: maphash.MakeSeed()}
	for i := range x.shards {
		x.shards[i].m = make(map[string]map[*Membership]struct{})
	}
	return x
}

func (x *roomIndex) shard(room string) *roomShard {
	return &x.shards[maphash.String(x.seed, room)%roomIndexShards]
}

func (x *roomIndex) add(room string, ms *Membership) {
	sh := x.shard(room)
	sh.mu.Lock()
	set := sh.m[room]
	if set == nil {
		set = make(map[*Membership]struct{}, 1)
		sh.m[room] = set
		if w := x.watch.Load(); w != nil {
			(*w)(room, true)
		}
	}
	set[ms] = struct{}{}
	sh.mu.Unlock()
}

func (x *roomIndex) remove(room string, ms *Membership) {
	sh := x.shard(room)
	sh.mu.Lock()
	if set := sh.m[room]; set != nil {
		delete(set, ms)
		if len(set) == 0 {
			delete(sh.m, room)
			if w := x.watch.Load(); w != nil {
				(*w)(room, false)
			}
		}
	}
	sh.mu.Unlock()
}

// appendMembers appends the members of room to dst.
func (x *roomIndex) appendMembers(dst []*Membership, room string) []*Membership {
	sh := x.shard(room)
	sh.mu.RLock()
	for ms := range sh.m[room] {
		dst = append(dst, ms)
	}
	sh.mu.RUnlock()
	return dst
}

// names lists the rooms that have a member.
func (x *roomIndex) names() []string {
	var out []string
	for i := range x.shards {
		sh := &x.shards[i]
		sh.mu.RLock()
		for r := range sh.m {
			out = append(out, r)
		}
		sh.mu.RUnlock()
	}
	return out
}

// has reports whether room has a member.
func (x *roomIndex) has(room string) bool {
	sh := x.shard(room)
	sh.mu.RLock()
	_, ok := sh.m[room]
	sh.mu.RUnlock()
	return ok
}
