package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// TestHandlerAPI: socket.io-client 4.8 against the handler-level API: the
// {error} answer to an ack whose arguments do not fit the handler,
// received Args acked back unchanged with their binary attachments,
// Ack.Requested choosing between ack and emit, and the server's
// Socket.EmitWithAck and BroadcastOperator.EmitWithAck answered by the
// client (binary in the answer included). On both transports.
func TestHandlerAPI(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			reported := make(chan string, 4)
			_, url := startServer(t, func(srv *tornadio.Server) {
				srv.Of("/").OnConnection(func(s *tornadio.Socket) {
					s.On("add", func(a, b int, ack tornadio.Ack) { ack(a + b) })
					s.On("relay", func(args tornadio.Args, ack tornadio.Ack) { ack(args) })
					s.On("maybe", func(v string, ack tornadio.Ack) {
						if ack.Requested() {
							ack("ack:" + v)
							return
						}
						s.Emit("maybe", "emit:"+v)
					})
					s.On("ask-me", func() {
						go func() { s.Emit("asked", askBack(srv, s)) }() // a handler on the loop must not wait
					})
				})
			}, tornadio.WithErrorHandler(func(s *tornadio.Socket, event string, err error) {
				reported <- event + ": " + err.Error()
			}))
			r := runScript(t, 30*time.Second, "handlerapi.js", "handlerapi", url, fmt.Sprintf(`{"transport":%q}`, tr))
			r.requireOK(t)
			select {
			case got := <-reported:
				if want := `add: tornadio: event "add": argument 1: json: cannot unmarshal string into Go value of type int`; got != want {
					t.Errorf("error handler got %q, want %q", got, want)
				}
			default:
				t.Error("the error handler was not called")
			}
		})
	}
}

// askBack asks the client with EmitWithAck, alone and by a broadcast, and
// says what came back.
func askBack(srv *tornadio.Server, s *tornadio.Socket) map[string]any {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args, err := s.EmitWithAck(ctx, "question", "q1")
	if err != nil {
		return map[string]any{"ok": false, "err": err.Error()}
	}
	var text string
	var bin []byte
	if args.Len() != 2 || args.Decode(0, &text) != nil || args.Decode(1, &bin) != nil ||
		text != "answer to q1" || !bytes.Equal(bin, []byte{1, 2, 3}) {
		return map[string]any{"ok": false, "answer": text, "bin": bin, "n": args.Len()}
	}
	replies, err := srv.Of("/").To(s.ID()).Timeout(5*time.Second).EmitWithAck(ctx, "poll")
	if err != nil || len(replies) != 1 || string(replies[0].Raw(0)) != `"vote"` {
		return map[string]any{"ok": false, "replies": len(replies), "err": fmt.Sprint(err)}
	}
	return map[string]any{"ok": true}
}
