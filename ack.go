package tornadio

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/tornadio/tornadio/internal/callplan"
)

// noAckPC identifies noAck, the Ack handed to handlers of events that asked
// for no acknowledgement.
var noAckPC = reflect.ValueOf(noAck).Pointer()

// Requested reports whether the client asked for an acknowledgement of the
// event: whether calling the Ack sends anything. A handler receives a
// non-nil Ack either way, so that calling it is always safe; Requested lets
// it choose between answering by ack and emitting, as Node code does by
// testing typeof callback:
//
//	s.On("get", func(key string, ack tornadio.Ack) {
//		if ack.Requested() {
//			ack(lookup(key))
//			return
//		}
//		s.Emit("value", lookup(key))
//	})
func (a Ack) Requested() bool {
	return a != nil && reflect.ValueOf(a).Pointer() != noAckPC
}

// ArgumentError reports arguments from the client that do not decode into
// the parameters of the function registered for them: an event's
// arguments and its On handler, or the client's answer and the ack
// callback of an emit. The function is not called, except that an ack
// callback whose first parameter is an error is called with this error
// (and zero arguments). The server's error handler (WithErrorHandler)
// receives it.
type ArgumentError struct {
	Event  string // the event's name; for an answer, the name of the emit answered
	Answer bool   // the arguments were the client's answer to an emit
	Index  int    // the argument that failed, from 0
	Err    error  // the decoding error
}

func (e *ArgumentError) Error() string {
	what := "event"
	if e.Answer {
		what = "answer to"
	}
	return fmt.Sprintf("tornadio: %s %q: argument %d: %v", what, e.Event, e.Index, e.Err)
}

func (e *ArgumentError) Unwrap() error { return e.Err }

// AckError is the single argument of the answer the server sends, instead
// of calling the handler, when an event that asked for an acknowledgement
// has arguments that do not fit the handler's parameters. On the client it
// reads as an object with one field, error, holding the error's text:
//
//	socket.emit("add", "x", 2, (res) => {
//	  if (res && res.error) { ... } // {error: 'tornadio: event "add": argument 0: …'}
//	});
//
// Socket.IO defines no error answer. An object with an "error" string is
// the shape Socket.IO's own guide to a basic CRUD application gives its
// failed acknowledgements (callback({error: …})), and one object as the
// only argument is a value a client can test without knowing what the
// handler would have answered.
type AckError struct {
	Error string `json:"error"`
}

// handlerError reports err, met calling the handler of event (or the ack
// callback of an emit of event) with the client's arguments, to the
// server's error handler, and answers ack, when the client asked for one,
// with an AckError. It returns the error reported. Where the handler runs.
func (s *Socket) handlerError(event string, answer bool, err error, ack Ack) error {
	var ae *callplan.ArgError
	if errors.As(err, &ae) {
		err = &ArgumentError{Event: event, Answer: answer, Index: ae.Index, Err: ae.Err}
	}
	if ack.Requested() {
		ack(AckError{Error: err.Error()})
	}
	opts := &s.ns.srv.opts
	if opts.ErrorHandler != nil {
		opts.ErrorHandler(s, event, err)
		return err
	}
	opts.Logger.Warn("tornadio: handler arguments", "event", event, "socket", s.id, "err", err)
	return err
}
