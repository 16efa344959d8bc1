package adapter_test

import "github.com/tornadio/tornadio/adapter"

// clusterAdapter shows the shape of a multi-node adapter: it embeds the
// namespace's Local, delivers through it, and publishes to the other nodes
// what is not meant for this node alone. A message from another node is
// handed to the same Local (Broadcast, AddSockets, ...).
type clusterAdapter struct {
	*adapter.Local
	publish func(kind string, p *adapter.Packet, opts *adapter.Options)
}

func (a *clusterAdapter) Broadcast(p *adapter.Packet, opts *adapter.Options) {
	a.Local.Broadcast(p, opts)
	if !opts.Flags.Local {
		a.publish("broadcast", p, opts)
	}
}

func (a *clusterAdapter) ServerSideEmit(event string, args [][]byte) error {
	a.publish("server-side-emit", &adapter.Packet{Event: event, Args: args}, nil)
	return nil
}

func (a *clusterAdapter) Close() error { return nil }

// A Factory wraps the Local each namespace is given; tornadio.WithAdapter
// installs it.
func Example_cluster() {
	var factory adapter.Factory = func(nsp string, local *adapter.Local) adapter.Adapter {
		return &clusterAdapter{Local: local, publish: func(string, *adapter.Packet, *adapter.Options) {}}
	}
	_ = factory
}
