package tornadio

import (
	"fmt"

	"github.com/tornadio/tornadio/transports"
)

// PerMessageDeflate configures permessage-deflate (RFC 7692), the
// compression of websocket messages, negotiated with each client that
// offers it (browsers always do; socket.io-client in Node does by default):
// Node's perMessageDeflate option. It covers the websocket transport of
// socket.io 1.x to 4.x clients on every edge; the legacy road's (0.6)
// websockets stay uncompressed.
//
// Every message may be compressed unless sent with Compress(false)
// (Socket.Compress, BroadcastOperator.Compress), as in Node; messages below
// Threshold, and those that would not shrink, go uncompressed.
//
// Memory: no connection keeps compression state. Each message is
// compressed on its own by its event loop's compressor, and clients are
// told to do likewise, so the loop's one decompressor inflates every
// client's messages: the server always answers server_no_context_takeover
// and client_no_context_takeover, which RFC 7692 lets it do even when the
// client did not ask. Node's ws, whose defaults keep a zlib context per
// connection and direction, has ServerNoContextTakeover and
// ClientNoContextTakeover settings for that; here both are always on, and
// there is no setting to turn them off. A broadcast is compressed once, on
// the first loop that needs it, and that frame is written to every session
// that agreed. The cost is a compressor (about 1 MiB at the default level)
// and a decompressor (about 40 KiB) per event loop, whatever the number of
// connections; the idle and active figures measured at 10 000 sessions are
// in docs/permessage-deflate.md.
type PerMessageDeflate struct {
	// Threshold: messages smaller than this many bytes (the Engine.IO
	// packet) are sent uncompressed. 0 means 1024, as Node's engine.io; a
	// negative value compresses messages of any size.
	Threshold int
	// Level is the compression level, as compress/flate's: 1
	// (flate.BestSpeed) to 9 (flate.BestCompression), -1
	// (flate.DefaultCompression) or -2 (flate.HuffmanOnly). 0 means
	// flate.DefaultCompression, which is zlib's default (6), Node's.
	Level int
	// ServerMaxWindowBits, 8 to 15 (0 means 15), limits the window of the
	// server's messages (server_max_window_bits); a client may ask for a
	// smaller one too. Go's compress/flate cannot compress with less than
	// a 32 KiB window, so under 15 only the messages that fit in the
	// window (at most 1<<ServerMaxWindowBits bytes) are compressed: a
	// message compressed on its own refers back no further than its
	// start. Longer ones go uncompressed; the offer is not declined.
	ServerMaxWindowBits int
	// ClientMaxWindowBits, 8 to 15, asks clients to use at most this
	// window (client_max_window_bits); 0 asks nothing. As in Node's ws, an
	// offer that does not name client_max_window_bits is then declined (RFC
	// 7692 allows asking only the clients that offered it), and that
	// client's websocket goes uncompressed.
	ClientMaxWindowBits int
}

// WithPerMessageDeflate turns permessage-deflate on for websockets, with
// the settings of p (the zero value: Node's defaults with
// perMessageDeflate: true). Off by default, as in socket.io 4.
func WithPerMessageDeflate(p PerMessageDeflate) Option {
	return func(o *Options) { o.PerMessageDeflate = &p }
}

func (p *PerMessageDeflate) validate() error {
	if p == nil {
		return nil
	}
	if p.Level < -2 || p.Level > 9 {
		return fmt.Errorf("tornadio: permessage-deflate level %d out of -2..9", p.Level)
	}
	for _, b := range []struct {
		name string
		bits int
	}{{"ServerMaxWindowBits", p.ServerMaxWindowBits}, {"ClientMaxWindowBits", p.ClientMaxWindowBits}} {
		if b.bits != 0 && (b.bits < 8 || b.bits > 15) {
			return fmt.Errorf("tornadio: permessage-deflate %s %d out of 8..15", b.name, b.bits)
		}
	}
	return nil
}

// config is the machine's form of p; nil when p is.
func (p *PerMessageDeflate) config() *transports.DeflateConfig {
	if p == nil {
		return nil
	}
	return &transports.DeflateConfig{
		Threshold:           p.Threshold,
		Level:               p.Level,
		ServerMaxWindowBits: p.ServerMaxWindowBits,
		ClientMaxWindowBits: p.ClientMaxWindowBits,
	}
}
