// Package frames implements the server side of the RFC 6455 WebSocket
// protocol without doing any I/O.
//
// It is meant to be driven by an event loop that owns the connection and its
// input buffer. The loop hands the buffered bytes to the package, which reads
// what it can and reports how much it used:
//
//	for {
//		m, n, err := dec.Next(buf)
//		if err == frames.ErrNeedMore {
//			break // wait for more bytes
//		}
//		if err != nil {
//			// Protocol violation: answer with a close frame and hang up.
//			out = frames.AppendClose(out, frames.CloseCodeOf(err), "")
//			break
//		}
//		buf = buf[n:] // or discard n bytes from the connection buffer
//		if m.Op != frames.OpContinuation {
//			handle(m)
//		}
//	}
//
// The package has four parts:
//
//   - the opening handshake: [CheckUpgrade] validates the request headers,
//     [AppendUpgradeResponse] writes the 101 answer and [AcceptKey] computes
//     the Sec-WebSocket-Accept value;
//   - decoding: a [Decoder] turns client frames into [Message] values,
//     reassembling fragmented messages and enforcing the protocol rules; a
//     violation is reported as a [*CloseError] carrying the status code the
//     connection must be closed with;
//   - encoding: [AppendFrame], [AppendFrameHeader] and [AppendClose] append
//     unmasked server frames to a buffer; [AppendMaskedFrame] writes client
//     frames for tests and clients;
//   - permessage-deflate (RFC 7692): [NegotiateDeflate] accepts a client's
//     offer and [AppendDeflateAnswer] answers it, always without context
//     takeover either way, so that one [Deflater] and one [Inflater] serve
//     every connection of a loop; [Decoder.Deflate] lets RSV1 mark
//     compressed messages, [AppendCompressedFrameHeader] sends them, and
//     the Inflater bounds what a message may inflate to.
//
// Nothing in the package starts goroutines, reads clocks or touches the
// network, and the steady-state paths do not allocate: payloads of
// single-frame messages are unmasked in place and returned as views of the
// input, and encoders append to the caller's buffer.
package frames
