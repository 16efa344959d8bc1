// Package chat is the server side of the chat demo: a page, the
// socket.io-client browser build, and a "chat" event broadcast to everyone.
// examples/chat runs it; interop's browser test drives it with Chromium.
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
	ns := srv.Of("/")
	ns.OnConnection(func(s *tornadio.Socket) {
		id := s.ID()
		_ = ns.Emit("joined", id)
		s.On("chat", func(text string) {
			text = strings.TrimSpace(text)
			if text == "" {
				return
			}
			if utf8.RuneCountInString(text) > MaxMessageLen {
				text = string([]rune(text)[:MaxMessageLen])
			}
			_ = ns.Emit("chat", Message{From: id, Text: text, Time: time.Now().UnixMilli()})
		})
		s.OnDisconnect(func(reason tornadio.DisconnectReason) {
			_ = ns.Emit("left", id, string(reason))
		})
	})
	return srv
}
