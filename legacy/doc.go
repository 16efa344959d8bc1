// Package legacy implements the Socket.IO 0.6 wire protocol of tornadio's
// legacy road (docs/legacy-0.6.md): the six 2010 transports spoken by the 0.6.3
// browser client, as served by socket.io-node 0.6.18 and SocketTornad.IO.
//
// It is sans-IO: it turns bytes and times into bytes, events and deadlines,
// and never touches the network, starts goroutines or reads the clock.
// Package transports does the HTTP and websocket work around it.
//
// # Framing (section 3)
//
// Every transport carries the same messages: "~m~" LEN "~m~" DATA, where LEN
// counts UTF-16 code units (JavaScript's String.length), concatenated. DATA
// starting with "~j~" is JSON, "~h~<n>" is a heartbeat. [AppendMessage],
// [AppendText], [AppendJSON], [AppendHeartbeat] and [AppendEncode] write
// frames; [Next], [Decode] and [Decoder] read them, strictly: where the
// reference decoders silently stop at the first broken frame, these return
// an error wrapping [ErrFraming] so that the transport can refuse the request
// (HTTP 400) or close the websocket.
//
// # Sessions (sections 2 and 4)
//
// A [Session] holds a session id, the outbound queue, the heartbeat counter
// and the timers of one client, as a table-driven state machine: streaming
// transports (websocket, flashsocket, htmlfile, xhr-multipart) send a
// heartbeat 10 s after connecting or after the last echo and close 8 s after
// an unanswered one; polling transports (xhr-polling, jsonp-polling) hold a
// GET for 20 s and close 8 s after an answer with no new GET.
//
// # URLs and transport bytes (sections 1 and 5)
//
// [ParsePath] takes a legacy path apart. The remaining functions write the
// exact bytes each transport wraps around the frames: [AppendJSONP],
// [MultipartPreamble] and [AppendMultipartPart], [HTMLFilePreamble] and
// [AppendHTMLFileScript], the content types, and the CORS rules with the
// host:port [Origins] matcher.
//
// Hot paths (framing, decoding, JavaScript string escaping, routing, origin
// matching, the session's Send/Flush/Receive) do not allocate once their
// buffers have grown.
package legacy
