package metrics

import (
	"sync"

	"github.com/tornadio/tornadio"
)

// NamespaceWatcher is a Source that tells of every namespace it has and
// makes: *tornadio.Server does (Server.OnNamespace). The collector of such
// a source reports the adapter request counters of all its namespaces,
// those an OfFunc or OfRegexp parent makes when a client first connects
// included, unless WithNamespaces names them.
type NamespaceWatcher interface {
	OnNamespace(fn func(*tornadio.Namespace))
}

// namespaceSet is the namespaces whose adapters a collector reads, each
// once, in the order they came. Namespaces are added from any goroutine
// (an event loop makes the ones created on demand) and read by scrapes.
type namespaceSet struct {
	mu   sync.Mutex
	list []*tornadio.Namespace
	seen map[string]bool
}

// add records ns unless a namespace of the same name is in the set
// already (a server's namespace names are unique; OnNamespace may report
// one twice).
func (s *namespaceSet) add(ns *tornadio.Namespace) {
	if ns == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen == nil {
		s.seen = make(map[string]bool)
	}
	if s.seen[ns.Name()] {
		return
	}
	s.seen[ns.Name()] = true
	s.list = append(s.list, ns)
}

// snapshot is the set now; the caller may read it without the lock (add
// only appends, so the returned slice never changes).
func (s *namespaceSet) snapshot() []*tornadio.Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.list[:len(s.list):len(s.list)]
}
