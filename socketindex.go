package tornadio

import (
	"hash/maphash"
	"sync"
)

// socketIndex finds a namespace's sockets by id from any goroutine. It is
// sharded plain maps rather than a sync.Map: an entry costs a map slot
// instead of sync.Map's nodes, which matters at hundreds of thousands of
// idle sockets, and lookups are rare next to connects and disconnects.
type socketIndex struct {
	seed   maphash.Seed
	shards [socketIndexShards]socketShard
}

const socketIndexShards = 16

type socketShard struct {
	mu sync.RWMutex
	m  map[string]*Socket
	_  [64 - 32]byte // keep shards on their own cache lines
}

func newSocketIndex() *socketIndex {
	x := &socketIndex{seed: maphash.MakeSeed()}
	for i := range x.shards {
		x.shards[i].m = make(map[string]*Socket)
	}
	return x
}

func (x *socketIndex) shard(id string) *socketShard {
	return &x.shards[maphash.String(x.seed, id)%socketIndexShards]
}

func (x *socketIndex) load(id string) *Socket {
	sh := x.shard(id)
	sh.mu.RLock()
	s := sh.m[id]
	sh.mu.RUnlock()
	return s
}

func (x *socketIndex) store(s *Socket) {
	sh := x.shard(s.id)
	sh.mu.Lock()
	sh.m[s.id] = s
	sh.mu.Unlock()
}

// delete removes s, unless another socket has taken its id since.
func (x *socketIndex) delete(s *Socket) {
	sh := x.shard(s.id)
	sh.mu.Lock()
	if sh.m[s.id] == s {
		delete(sh.m, s.id)
	}
	sh.mu.Unlock()
}

// snapshot returns every socket, for the rare walks (FetchSockets).
func (x *socketIndex) snapshot() []*Socket {
	var out []*Socket
	for i := range x.shards {
		sh := &x.shards[i]
		sh.mu.RLock()
		for _, s := range sh.m {
			out = append(out, s)
		}
		sh.mu.RUnlock()
	}
	return out
}
