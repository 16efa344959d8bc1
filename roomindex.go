package tornadio

import (
	"hash/maphash"
	"sync"
)

// roomIndex lists the members of each room of a namespace, for the
// selections made from any goroutine (SocketsJoin, SocketsLeave,
// FetchSockets). The loops' own indexes (nsLoop.rooms) serve broadcasts
// without a lock but can be read only on their loop, where a room change
// made elsewhere arrives later; this one changes with the socket's room set,
// under the socket's roomsMu, so a selection sees every change made before
// it. It holds the sockets between attach and detach (Socket.listed).
type roomIndex struct {
	seed   maphash.Seed
	shards [roomIndexShards]roomShard
}

const roomIndexShards = 16

type roomShard struct {
	mu sync.RWMutex
	m  map[string]map[*Socket]struct{}
	_  [64 - 32]byte // keep shards on their own cache lines
}

func newRoomIndex() *roomIndex {
	x := &roomIndex{seed: maphash.MakeSeed()}
	for i := range x.shards {
		x.shards[i].m = make(map[string]map[*Socket]struct{})
	}
	return x
}

func (x *roomIndex) shard(room string) *roomShard {
	return &x.shards[maphash.String(x.seed, room)%roomIndexShards]
}

func (x *roomIndex) add(room string, s *Socket) {
	sh := x.shard(room)
	sh.mu.Lock()
	set := sh.m[room]
	if set == nil {
		set = make(map[*Socket]struct{}, 1)
		sh.m[room] = set
	}
	set[s] = struct{}{}
	sh.mu.Unlock()
}

func (x *roomIndex) remove(room string, s *Socket) {
	sh := x.shard(room)
	sh.mu.Lock()
	if set := sh.m[room]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(sh.m, room)
		}
	}
	sh.mu.Unlock()
}

// appendMembers appends the members of room to dst.
func (x *roomIndex) appendMembers(dst []*Socket, room string) []*Socket {
	sh := x.shard(room)
	sh.mu.RLock()
	for s := range sh.m[room] {
		dst = append(dst, s)
	}
	sh.mu.RUnlock()
	return dst
}
