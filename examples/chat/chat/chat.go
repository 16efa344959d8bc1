// Package chat is the server side of the chat demo: a page, the
// socket.io-client browser build, and a "chat" event broadcast to everyone.
// examples/chat runs it on one server; interop's browser test drives it with
// Chromium. The cluster demo (adapter/redis/examples/democluster) runs it on
// several nodes sharing a Redis adapter, each with a name (see Install).
//
// The page's query string takes two options: transport=polling or
// transport=websocket keeps the client on that transport (default: polling,
// then the upgrade to websocket), and sticky=KEY sets the key the page sends
// as the "sticky" query parameter of every Engine.IO request (default: a
// random key per browser tab), which a load balancer may hash to keep each
// tab on one node.
package chat

import (
	_ "embed"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tornadio/tornadio"
)

//go:embed index.html
var indexHTML []byte

// DefaultClientJS is where `npm ci` in interop/node puts the browser build of
// socket.io-client, relative to the repository root.
const DefaultClientJS = "interop/node/node_modules/socket.io-client/dist/socket.io.min.js"

// MaxMessageLen bounds one chat message, in runes.
const MaxMessageLen = 500

// Message is what every client receives as the "chat" event.
type Message struct {
	From string `json:"from"`
	Node string `json:"node,omitempty"` // the sender's node, in a cluster
	Text string `json:"text"`
	Time int64  `json:"time"` // Unix milliseconds
}

// Handler serves the page on "/" and the client library on
// "/socket.io.min.js", read from clientJSPath on each request.
func Handler(clientJSPath string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(indexHTML)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /socket.io.min.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, clientJSPath)
	})
	return mux
}

// New returns a chat server; opts are applied after the demo's own
// WithHTTPHandler, so callers may add listeners' settings such as event loops.
func New(clientJSPath string, opts ...tornadio.Option) *tornadio.Server {
	all := append([]tornadio.Option{tornadio.WithHTTPHandler(Handler(clientJSPath))}, opts...)
	srv := tornadio.NewServer(all...)
	Install(srv.Of("/"), "")
	return srv
}

// Install puts the chat's events on ns: every client is announced to all
// ("joined" with its id, "left" with its id and reason), and each "chat" text
// it sends, trimmed and bounded by MaxMessageLen, reaches everyone as a
// Message. node, when not empty, names this server in a cluster: each client
// is told it (event "node") before anything else, and its messages carry it.
func Install(ns *tornadio.Namespace, node string) {
	ns.OnConnection(func(s *tornadio.Socket) {
		id := s.ID()
		if node != "" {
			_ = s.Emit("node", node)
		}
		_ = ns.Emit("joined", id)
		s.On("chat", func(text string) {
			text = strings.TrimSpace(text)
			if text == "" {
				return
			}
			if utf8.RuneCountInString(text) > MaxMessageLen {
				text = string([]rune(text)[:MaxMessageLen])
			}
			_ = ns.Emit("chat", Message{From: id, Node: node, Text: text, Time: time.Now().UnixMilli()})
		})
		s.OnDisconnect(func(reason tornadio.DisconnectReason) {
			_ = ns.Emit("left", id, string(reason))
		})
	})
}
