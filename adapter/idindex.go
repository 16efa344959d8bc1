package adapter

import (
	"hash/maphash"
	"sync"
)

// idIndex finds a namespace's members by id from any goroutine. It is
// sharded plain maps rather than a sync.Map: an entry costs a map slot
// instead of sync.Map's nodes, which matters at hundreds of thousands of
// idle sockets, and lookups are rare next to connects and disconnects.
type idIndex struct {
	seed   maphash.Seed
	shards [idIndexShards]idShard
}

const idIndexShards = 16

type idShard struct {
	mu sync.RWMutex
	m  map[string]*Membership
	_  [64 - 32]byte // keep shards on their own cache lines
}

func newIDIndex() *idIndex {
	x := &idIndex{seed: maphash.MakeSeed()}
	for i := range x.shards {
		x.shards[i].m = make(map[string]*Membership)
	}
	return x
}

func (x *idIndex) shard(id string) *idShard {
	return &x.shards[maphash.String(x.seed, id)%idIndexShards]
}

func (x *idIndex) load(id string) *Membership {
	sh := x.shard(id)
	sh.mu.RLock()
	s := sh.m[id]
	sh.mu.RUnlock()
	return s
}

func (x *idIndex) store(id string, ms *Membership) {
	sh := x.shard(id)
	sh.mu.Lock()
	sh.m[id] = ms
	sh.mu.Unlock()
}

// delete removes ms, unless another member has taken its id since.
func (x *idIndex) delete(id string, ms *Membership) {
	sh := x.shard(id)
	sh.mu.Lock()
	if sh.m[id] == ms {
		delete(sh.m, id)
	}
	sh.mu.Unlock()
}

// snapshot returns every member, for the rare walks (FetchSockets).
func (x *idIndex) snapshot() []*Membership {
	var out []*Membership
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
