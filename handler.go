package tornadio

// Handler is the seed's handler style (SocketTornad.IO's on_open, on_message
// and on_close), served on the main namespace. Register it with
// Server.Handle; it works beside OnConnection and On handlers.
//
// Its methods run like every callback: on the session's event loop, or on a
// worker when WithWorkers is set.
type Handler interface {
	// OnOpen runs when a client connects. Returning an error refuses the
	// connection: the client gets a connect_error whose message is the
	// error's text.
	OnOpen(s *Socket, r *Request) error
	// OnMessage runs for each "message" event (what a client's send emits),
	// with its arguments already decoded from JSON.
	OnMessage(s *Socket, m Message)
	// OnClose runs once when the socket disconnects, with the reason.
	OnClose(s *Socket, reason DisconnectReason)
}

// Message is a "message" event as the seed's OnMessage receives it.
type Message struct {
	// Data is the first argument decoded from JSON: a string, float64, bool,
	// nil, map[string]any or []any, or []byte for a binary attachment.
	Data any
	// Args holds every argument, Data first.
	Args []any
}

// NopHandler implements Handler with methods that do nothing; embed it to
// write only the methods you need.
type NopHandler struct{}

// OnOpen accepts every connection.
func (NopHandler) OnOpen(*Socket, *Request) error { return nil }

// OnMessage ignores the message.
func (NopHandler) OnMessage(*Socket, Message) {}

// OnClose does nothing.
func (NopHandler) OnClose(*Socket, DisconnectReason) {}
