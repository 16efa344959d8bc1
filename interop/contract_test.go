package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
)

// The contract: tornadio's side of what node/refserver.js implements with
// socket.io 4.8.4 (its header describes every event). semantics.js and
// semantics-v2.js drive either server; differential_test.go compares them.

// contractLog is the server's log of socket lifecycles (refserver.js's log).
type contractLog struct {
	mu      sync.Mutex
	entries []map[string]any
}

func (l *contractLog) add(e map[string]any) {
	l.mu.Lock()
	l.entries = append(l.entries, e)
	l.mu.Unlock()
}

func (l *contractLog) of(ids []string) []map[string]any {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := []map[string]any{}
	for _, e := range l.entries {
		if want[e["id"].(string)] {
			out = append(out, e)
		}
	}
	return out
}

// reasons returns the disconnect reasons logged, by socket id.
func (l *contractLog) reasons() map[string][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string][]string{}
	for _, e := range l.entries {
		if e["what"] == "disconnect" {
			id := e["id"].(string)
			out[id] = append(out[id], e["reason"].(string))
		}
	}
	return out
}

type bcastSpec struct {
	Via      string   `json:"via"`
	To       []string `json:"to"`
	Except   []string `json:"except"`
	Volatile bool     `json:"volatile"`
	Event    string   `json:"event"`
	Args     []any    `json:"args"`
	Fence    *float64 `json:"fence"`
}

type socketsSpec struct {
	Op     string   `json:"op"`
	In     []string `json:"in"`
	Except []string `json:"except"`
	Rooms  []string `json:"rooms"`
	Close  bool     `json:"close"`
}

type askSpec struct {
	Event   string   `json:"event"`
	Args    []any    `json:"args"`
	Timeout float64  `json:"timeout"` // ms
	In      []string `json:"in"`
}

// multiTarget is what Namespace and BroadcastOperator share.
type multiTarget interface {
	SocketsJoin(rooms ...string)
	SocketsLeave(rooms ...string)
	DisconnectSockets(close bool)
	FetchSockets(context.Context) ([]*tornadio.RemoteSocket, error)
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// bcastSpecOf reads the spec from any, so that binary args stay []byte.
func bcastSpecOf(raw any) bcastSpec {
	m, _ := raw.(map[string]any)
	var spec bcastSpec
	spec.Via, _ = m["via"].(string)
	spec.To = toStrings(m["to"])
	spec.Except = toStrings(m["except"])
	spec.Volatile, _ = m["volatile"].(bool)
	spec.Event, _ = m["event"].(string)
	spec.Args, _ = m["args"].([]any)
	if f, ok := m["fence"].(float64); ok {
		spec.Fence = &f
	}
	return spec
}

func askSpecOf(raw any) askSpec {
	m, _ := raw.(map[string]any)
	var spec askSpec
	spec.Event, _ = m["event"].(string)
	spec.Args, _ = m["args"].([]any)
	spec.Timeout, _ = m["timeout"].(float64)
	spec.In = toStrings(m["in"])
	return spec
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

func timeoutErr(err error) any {
	if err == nil {
		return nil
	}
	if errors.Is(err, tornadio.ErrAckTimeout) {
		return "timeout"
	}
	return "error: " + err.Error()
}

// installContract wires the contract on srv and returns its log.
func installContract(srv *tornadio.Server) *contractLog {
	log := &contractLog{}
	var dyn *tornadio.Namespace

	common := func(main bool) func(s *tornadio.Socket) {
		return func(s *tornadio.Socket) {
			id := s.ID()
			nspName := s.Namespace().Name()
			log.add(map[string]any{"id": id, "nsp": nspName, "what": "connect", "recovered": s.Recovered()})
			var anyMu sync.Mutex
			anyIn, anyOut := []string{}, []string{}
			s.OnAny(func(ev string, _ tornadio.Args) {
				anyMu.Lock()
				anyIn = append(anyIn, ev)
				anyMu.Unlock()
			})
			s.OnAnyOutgoing(func(ev string, _ tornadio.Args) {
				anyMu.Lock()
				anyOut = append(anyOut, ev)
				anyMu.Unlock()
			})
			s.OnDisconnecting(func(reason tornadio.DisconnectReason) {
				log.add(map[string]any{"id": id, "nsp": nspName, "what": "disconnecting", "reason": string(reason), "rooms": s.Rooms()})
			})
			s.OnDisconnect(func(reason tornadio.DisconnectReason) {
				log.add(map[string]any{"id": id, "nsp": nspName, "what": "disconnect", "reason": string(reason)})
			})

			s.On("echo", func(args tornadio.Args, ack tornadio.Ack) {
				vals, err := args.Values()
				if err != nil {
					vals = []any{"decode error: " + err.Error()}
				}
				ack(vals...)
			})
			// Node's handler can tell whether the client asked for an ack;
			// tornadio's cannot (Ack is never nil), so the no-ack echo has
			// its own name in the contract.
			s.On("echo-event", func(args tornadio.Args) {
				vals, _ := args.Values()
				_ = s.Emit("echoed", vals...)
			})
			s.On("join", func(rooms any, ack tornadio.Ack) {
				s.Join(toStrings(rooms)...)
				ack(s.Rooms())
			})
			s.On("leave", func(room string, ack tornadio.Ack) {
				s.Leave(room)
				ack(s.Rooms())
			})
			s.On("rooms", func(ack tornadio.Ack) { ack(s.Rooms()) })
			s.On("bcast", func(raw any, ack tornadio.Ack) {
				spec := bcastSpecOf(raw)
				args := spec.Args
				ns := s.Namespace()
				switch spec.Via {
				case "self":
					if spec.Volatile {
						_ = s.Volatile().Emit(spec.Event, args...)
					} else {
						_ = s.Emit(spec.Event, args...)
					}
				default:
					var op *tornadio.BroadcastOperator
					if len(spec.To) > 0 {
						if spec.Via == "nsp" {
							op = ns.To(spec.To...)
						} else {
							op = s.To(spec.To...)
						}
					}
					if len(spec.Except) > 0 {
						switch {
						case op != nil:
							op = op.Except(spec.Except...)
						case spec.Via == "nsp":
							op = ns.Except(spec.Except...)
						default:
							op = s.Except(spec.Except...)
						}
					}
					if op == nil {
						if spec.Via == "nsp" {
							if spec.Volatile {
								_ = ns.Volatile().Emit(spec.Event, args...)
							} else {
								_ = ns.Emit(spec.Event, args...)
							}
							break
						}
						op = s.Broadcast()
					}
					if spec.Volatile {
						op = op.Volatile()
					}
					_ = op.Emit(spec.Event, args...)
				}
				if spec.Fence != nil {
					_ = ns.Emit("fence", *spec.Fence)
				}
				ack("sent")
			})
			s.On("sockets", func(spec socketsSpec, ack tornadio.Ack) {
				ns := s.Namespace()
				var target multiTarget = ns
				var op *tornadio.BroadcastOperator
				if len(spec.In) > 0 {
					op = ns.In(spec.In...)
				}
				if len(spec.Except) > 0 {
					if op != nil {
						op = op.Except(spec.Except...)
					} else {
						op = ns.Except(spec.Except...)
					}
				}
				if op != nil {
					target = op
				}
				switch spec.Op {
				case "join":
					target.SocketsJoin(spec.Rooms...)
					ack("ok")
				case "leave":
					target.SocketsLeave(spec.Rooms...)
					ack("ok")
				case "disconnect":
					ack("ok")
					target.DisconnectSockets(spec.Close)
				case "fetch":
					list := []any{}
					for _, r := range fetched(target.FetchSockets(context.Background())) {
						list = append(list, map[string]any{"id": r.ID, "rooms": r.Rooms})
					}
					ack(list)
				default:
					ack("unknown op")
				}
			})
			s.On("kick", func(close bool) {
				if close {
					_ = s.DisconnectAll()
				} else {
					_ = s.Disconnect()
				}
			})
			// The spec arrives as any: binary args (decoded into any as
			// []byte) would turn into base64 strings in a struct field.
			s.On("ask", func(raw any) {
				spec := askSpecOf(raw)
				args := append([]any(nil), spec.Args...)
				if spec.Timeout > 0 {
					// Two reply parameters: the contract's questions are
					// answered with at most two values, never null.
					args = append(args, func(err error, r0, r1 any) {
						replies := []any{}
						for _, r := range []any{r0, r1} {
							if r != nil {
								replies = append(replies, r)
							}
						}
						_ = s.Emit("ask-result", timeoutErr(err), replies)
					})
					_ = s.Timeout(time.Duration(spec.Timeout)*time.Millisecond).Emit(spec.Event, args...)
					return
				}
				args = append(args, func(a tornadio.Args) {
					vals, err := a.Values()
					if err != nil {
						vals = []any{"decode error: " + err.Error()}
					}
					_ = s.Emit("ask-result", nil, orEmpty(vals))
				})
				_ = s.Emit(spec.Event, args...)
			})
			s.On("ask-all", func(raw any) {
				spec := askSpecOf(raw)
				ns := s.Namespace()
				d := time.Duration(spec.Timeout) * time.Millisecond
				if d <= 0 {
					d = 5 * time.Second
				}
				var op *tornadio.BroadcastOperator
				if len(spec.In) > 0 {
					op = ns.In(spec.In...).Timeout(d)
				} else {
					op = ns.Timeout(d)
				}
				args := append(append([]any(nil), spec.Args...), func(err error, replies []any) {
					_ = s.Emit("ask-all-result", timeoutErr(err), orEmpty(replies))
				})
				_ = op.Emit(spec.Event, args...)
			})
			s.On("never", func() {})
			s.On("anylog", func(ack tornadio.Ack) {
				anyMu.Lock()
				res := map[string]any{"in": append([]string{}, anyIn...), "out": append([]string{}, anyOut...)}
				anyMu.Unlock()
				ack(res)
			})
			s.On("handshake", func(ack tornadio.Ack) {
				req := s.Request()
				var auth any = map[string]any{} // Node's handshake.auth without one
				if len(req.Auth) > 0 {
					_ = json.Unmarshal(req.Auth, &auth)
				}
				var q, x any
				if req.Query().Has("q") {
					q = req.Query().Get("q")
				}
				if vs := req.Header.Values("X-Test"); len(vs) > 0 {
					x = strings.Join(vs, ", ")
				}
				ack(map[string]any{"id": s.ID(), "auth": auth, "q": q, "x": x, "nsp": s.Namespace().Name(), "recovered": s.Recovered()})
			})
			s.On("log", func(ids []string, ack tornadio.Ack) { ack(log.of(ids)) })
			if main {
				s.On("parent-emit", func(spec askSpec) { _ = dyn.Emit(spec.Event, spec.Args...) })
				s.On("shutdown", func() {
					go func() {
						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						defer cancel()
						_ = srv.Shutdown(ctx)
					}()
				})
			}
		}
	}

	srv.Of("/").OnConnection(common(true))
	srv.Of("/admin").OnConnection(common(false))

	secure := srv.Of("/secure")
	secure.Use(func(s *tornadio.Socket) error {
		req := s.Request()
		var auth map[string]any
		_ = json.Unmarshal(req.Auth, &auth)
		tok, ok := auth["token"]
		if !ok {
			if req.Query().Has("token") {
				tok = req.Query().Get("token")
			}
		}
		if tok != "good" {
			return &tornadio.ConnectError{Message: "unauthorized", Data: map[string]any{"reason": "bad token", "token": tok}}
		}
		return nil
	})
	secure.Use(func(s *tornadio.Socket) error {
		if s.Request().Header.Get("X-Test") == "deny" {
			return errors.New("denied by header")
		}
		return nil
	})
	secure.OnConnection(common(false))

	dyn = srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	dyn.Use(func(s *tornadio.Socket) error {
		var auth map[string]any
		_ = json.Unmarshal(s.Request().Auth, &auth)
		if b, _ := auth["block"].(bool); b {
			return errors.New("blocked")
		}
		return nil
	})
	dynConn := common(false)
	dyn.OnConnection(func(s *tornadio.Socket) {
		dynConn(s)
		_ = s.Emit("hello", s.Namespace().Name())
	})

	srv.OfFunc(func(name string, auth []byte) bool {
		var a map[string]any
		_ = json.Unmarshal(auth, &a)
		allow, _ := a["allow"].(bool)
		return strings.HasPrefix(name, "/fn-") && allow
	}).OnConnection(common(false))
	return log
}

// contractServers are tornadio's two servers of the contract, as
// refserver.js starts them: main (short heartbeats) and recovery
// (connection state recovery, a 1s connect timeout).
type contractServers struct {
	main, recovery       *tornadio.Server
	mainURL, recoveryURL string
	mainLog, recoveryLog *contractLog
}

func startContract(t *testing.T) *contractServers {
	t.Helper()
	c := &contractServers{}
	c.main, c.mainURL = startServer(t, func(s *tornadio.Server) { c.mainLog = installContract(s) })
	c.recovery, c.recoveryURL = startServer(t, func(s *tornadio.Server) { c.recoveryLog = installContract(s) },
		tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{MaxDisconnection: 30 * time.Second, SkipMiddlewares: true}),
		tornadio.WithConnectTimeout(time.Second))
	return c
}
