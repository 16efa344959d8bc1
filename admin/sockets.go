package admin

import (
	"github.com/tornadio/tornadio"
)

// socketsRequest is the server-side event by which a node asks the other
// nodes of its cluster for their sockets, for a UI that connected to it;
// each answers with its own, as the UI lists them. (Node's admin-ui uses
// fetchSockets, which does not carry what the UI shows of a client: its
// id and transport.)
const socketsRequest = "tornadio:admin:sockets"

// localViews describes every socket of this node.
func (in *Instrumentation) localViews() []socketView {
	socks := in.reg.sockets()
	out := make([]socketView, 0, len(socks))
	for _, s := range socks {
		if s.Connected() {
			out = append(out, viewOf(s))
		}
	}
	return out
}

// answerSockets answers another node's socketsRequest.
func (in *Instrumentation) answerSockets(ack tornadio.Ack) {
	ack(in.localViews())
}

// sendAllSockets sends a UI that connected the sockets of every node: at
// once on a single node, once every other node answered (or the adapter's
// request timeout passed) in a cluster.
func (in *Instrumentation) sendAllSockets(s *tornadio.Socket) {
	local := in.localViews()
	if in.alone {
		_ = s.Emit("all_sockets", local)
		return
	}
	err := in.ns.ServerSideEmit(socketsRequest, func(_ error, replies [][]socketView) {
		all := local
		for _, r := range replies {
			all = append(all, r...)
		}
		_ = s.Emit("all_sockets", all)
	})
	if err != nil {
		_ = s.Emit("all_sockets", local)
	}
}
