package adapter_test

import "github.com/tornadio/tornadio/adapter"

// clusterAdapter shows the shape of a multi-node adapter: it embeds the
// namespace's Local (here through InMemory, for the methods it does not
// extend), delivers through it, and publishes to the other nodes what is
// not meant for this node alone. A message from another node is handed to
// the same Local (Broadcast, AddSockets, ServerSideEmitted, ...). The Redis
// adapters in the adapter/redis module are complete ones.
type clusterAdapter struct {
	adapter.InMemory
	publish func(kind string, p *adapter.Packet, opts *adapter.Options)
}

func (a *clusterAdapter) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	a.Local.Broadcast(p, opts)
	if !opts.Flags.Local {
		a.publish("broadcast", p, opts)
	}
}

func (a *clusterAdapter) ServerSideEmit(p *adapter.Packet, done func(error, []adapter.Reply)) error {
	a.publish("server-side-emit", p, nil)
	if done != nil {
		done(nil, nil) // a real adapter waits for the other nodes' answers
	}
	return nil
}

// A Factory wraps the Local each namespace is given; tornadio.WithAdapter
// installs it.
func Example_cluster() {
	var factory adapter.Factory = func(nsp string, local *adapter.Local) adapter.Adapter {
		return &clusterAdapter{InMemory: adapter.InMemory{Local: local}, publish: func(string, *adapter.Packet, *adapter.Options) {}}
	}
	_ = factory
}
