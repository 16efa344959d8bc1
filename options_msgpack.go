package tornadio

import "github.com/tornadio/tornadio/socketio"

// WithParser sets the encoding of Socket.IO packets for every session of
// the server, as Node's `parser` option does; the clients must use the same
// one. nil keeps the default, socketio.TextParser (socket.io-parser's
// encoding). msgpackparser.Parser{} speaks socket.io-msgpack-parser's:
//
//	srv := tornadio.NewServer(tornadio.WithParser(msgpackparser.Parser{}))
//
// The parser only changes the bytes on the wire: handlers, Args and
// broadcasts work alike (a broadcast is still encoded once for all its
// receivers), and arguments reach the handlers as JSON either way. One
// difference: a parser that transcodes the JSON (msgpack) needs every
// json.RawMessage argument to be valid JSON, where the text parser copies
// it as it is: an emit with an invalid one returns the error, an ack is
// logged and not sent, a broadcast reaches no one.
func WithParser(p socketio.Parser) Option { return func(o *Options) { o.Parser = p } }

// parser is the server's parser: Options.Parser, or the default.
func (o *Options) parser() socketio.Parser {
	if o.Parser == nil {
		return socketio.TextParser{}
	}
	return o.Parser
}
