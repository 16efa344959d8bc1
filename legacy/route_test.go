package legacy

import "testing"

func TestParsePath(t *testing.T) {
	t.Parallel()
	type want struct {
		ok                      bool
		transport               Transport
		extra, sid, rest, index string
		send                    bool
	}
	tests := []struct {
		path, resource string
		want           want
	}{
		// The URLs of the 0.6.3 client (docs/legacy-0.6.md section 1).
		{"/socket.io/websocket", "", want{ok: true, transport: WebSocket}},
		{"/socket.io/flashsocket", "socket.io", want{ok: true, transport: FlashSocket}},
		{"/socket.io/xhr-polling//1300000000000", "", want{ok: true, transport: XHRPolling, rest: "1300000000000", index: "1300000000000"}},
		{"/socket.io/xhr-polling/7394962304027448/1300000000000", "", want{ok: true, transport: XHRPolling, sid: "7394962304027448", rest: "1300000000000", index: "1300000000000"}},
		{"/socket.io/xhr-polling/7394962304027448/send", "", want{ok: true, transport: XHRPolling, sid: "7394962304027448", rest: "send", send: true}},
		{"/socket.io/htmlfile/123/send/", "", want{ok: true, transport: HTMLFile, sid: "123", rest: "send/", send: true}},
		{"/socket.io/xhr-multipart/123/send", "", want{ok: true, transport: XHRMultipart, sid: "123", rest: "send", send: true}},
		{"/socket.io/jsonp-polling//1300000000000/0", "", want{ok: true, transport: JSONPPolling, rest: "1300000000000/0", index: "0"}},
		{"/socket.io/jsonp-polling/77/1300000000000/12/", "", want{ok: true, transport: JSONPPolling, sid: "77", rest: "1300000000000/12/", index: "12"}},
		{"/socket.io/jsonp-polling/77/1300000000000/x12", "", want{ok: true, transport: JSONPPolling, sid: "77", rest: "1300000000000/x12"}},
		{"/socket.io/xhr-multipart/", "", want{ok: true, transport: XHRMultipart}},
		{"/socket.io/htmlfile//1300000000000", "", want{ok: true, transport: HTMLFile, rest: "1300000000000", index: "1300000000000"}},
		// SocketTornad.IO's extra segment.
		{"/socket.io/tok3n/xhr-polling/abcDEF123/1", "", want{ok: true, transport: XHRPolling, extra: "tok3n", sid: "abcDEF123", rest: "1", index: "1"}},
		{"/socket.io/tok3n/websocket", "", want{ok: true, transport: WebSocket, extra: "tok3n"}},
		// Another resource.
		{"/api/rt/websocket", "/api/rt/", want{ok: true, transport: WebSocket}},
		// Not ours.
		{"/socket.io/", "", want{}},
		{"/socket.io", "", want{}},
		{"/socket.io/socket.io.js", "", want{}},
		{"/socket.io/WebSocketMain.swf", "", want{}},
		{"/socket.io/lib/vendor/web-socket-js/WebSocketMain.swf", "", want{}},
		{"/socket.iox/websocket", "", want{}},
		{"/other/websocket", "", want{}},
		{"socket.io/websocket", "", want{}},
		{"/socket.io//websocket", "", want{}},         // empty extra
		{"/socket.io/a/b/websocket", "", want{}},      // one extra segment only
		{"/socket.io/WebSocket", "", want{}},          // case-sensitive names
		{"/socket.io/xhr-polling/12-3/1", "", want{}}, // bad sid
		{"/socket.io/xhr-polling/" + string(make([]byte, 65)), "", want{}},
	}
	for _, tt := range tests {
		r, ok := ParsePath([]byte(tt.path), tt.resource)
		got := want{ok, r.Transport, string(r.Extra), string(r.SessionID), string(r.Rest), string(r.Index), r.Send}
		if got != tt.want {
			t.Errorf("ParsePath(%q, %q)\n got %+v\nwant %+v", tt.path, tt.resource, got, tt.want)
		}
	}
}

func TestTransportNames(t *testing.T) {
	t.Parallel()
	for tr := WebSocket; tr <= JSONPPolling; tr++ {
		if ParseTransport([]byte(tr.String())) != tr {
			t.Errorf("%v does not round-trip", tr)
		}
		if tr.Polling() == tr.Streaming() {
			t.Errorf("%v: polling %v streaming %v", tr, tr.Polling(), tr.Streaming())
		}
	}
	if !XHRPolling.Polling() || !JSONPPolling.Polling() || !HTMLFile.Streaming() || NoTransport.Streaming() || NoTransport.Polling() {
		t.Error("kinds")
	}
	if Transport(42).String() != "Transport(42)" || ParseTransport(nil) != NoTransport {
		t.Error("unknown")
	}
}
