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
// client did not ask. Node's ws keeps a zlib context per connection and
// direction unless told otherwise, and has ServerNoContextTakeover and
// ClientNoContextTakeover settings for that; here both are always on, and
// there are no such settings. A broadcast is compressed once, on the first
// loop that needs it, and that frame is written to every session that
// agreed. The cost is one compressor (0.8 to 1.2 MiB, by level) and one
// decompressor (about 40 KiB) per event loop, whatever the number of
// connections; a compress/flate context per connection would cost as much
// per connection (some 10 GiB for 10 000).
//
// Measured with bench/cmd/deflatemem (the server in a process of its own
// with 2 event loops and the default settings, 10 000 websocket sessions
// from another process, each offering the extension as browsers do;
// active: 5 rounds of one 4 KiB JSON-like message from every client,
// compressed, each answered by an emit of 4 KiB, and one 4 KiB broadcast
// per round), the server's resident set, both modes in one run:
//
//	                 idle       active (after)   active (peak)
//	without deflate  22.5 MiB   43.3 MiB         59.3 MiB
//	with deflate     22.5 MiB   39.5 MiB         39.5 MiB
//
// that is 1.5 KiB per idle session either way (within 1 MiB in all across
// three runs), and less with deflate once active (38.8 to 40.5 MiB after,
// against 43.3 to 54.7 MiB without): the compressed messages (about 800
// bytes for 4 KiB) take less room in the outbound buffers than the loops'
// compressors take once.
type PerMessageDeflate struct {
	// Threshold: messages smaller than this many bytes (the Engine.IO
	// packet) are sent uncompressed. 0 means 1024, as Node's engine.io; a
	// negative value compresses messages of any size.
	Threshold int
	// Level is the compression level, as compress/flate's: 1
	// (flate.BestSpeed) to 9 (flate.BestCompression), -1
	// (flate.DefaultCompression) or -2 (flate.HuffmanOnly). 0 means
	// flate.BestSpeed, where Node uses zlib's default (6): as every message
	// is compressed on its own, levels 2 to 9 clear 640 KiB of hash tables
	// before each, and on 4 KiB of JSON-like text level 6 took 2.5 to 3.5
	// times the CPU of level 1 for the same size (792 bytes against 789;
	// BenchmarkDeflate4K in package frames).
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
// perMessageDeflate: true, but for Level). Off by default, as in
// socket.io 4.
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
