package legacy

import (
	"strings"
	"testing"
)

// Goldens for the transport wrappers. Each expected value was derived by
// reading socket.io-node 0.6.18; the file and function are named per case.
func TestTransportGoldens(t *testing.T) {
	t.Parallel()
	frames := []byte("~m~16~m~7394962304027448")
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		// transports/jsonp-polling.js, _write:
		// "io.JSONP["+ this._index +"]._("+ JSON.stringify(message) +");"
		{"jsonp", AppendJSONP(nil, []byte("0"), frames), `io.JSONP[0]._("~m~16~m~7394962304027448");`},
		{"jsonp empty poll", AppendJSONP(nil, []byte("3"), nil), `io.JSONP[3]._("");`},
		{"jsonp no index", AppendJSONP(nil, nil, []byte("~m~1~m~a")), `io.JSONP[0]._("~m~1~m~a");`},
		{"jsonp escaping", AppendJSONP(nil, []byte("12"), []byte("~m~25~m~~j~{\"a\":\"</script>\u2028\\\n\"}")),
			"io.JSONP[12]._(\"~m~25~m~~j~{\\\"a\\\":\\\"</script>\u2028\\\\\\n\\\"}\");"},
		// transports/xhr-multipart.js, _write: "Content-Type: text/plain"
		// + "; charset=us-ascii" for the one-character message "\u0006",
		// "\n\n", message + "\n", "--socketio\n".
		{"multipart part", AppendMultipartPart(nil, frames), "Content-Type: text/plain\n\n~m~16~m~7394962304027448\n--socketio\n"},
		{"multipart 0x06", AppendMultipartPart(nil, []byte{6}), "Content-Type: text/plain; charset=us-ascii\n\n\x06\n--socketio\n"},
		{"multipart empty", AppendMultipartPart(nil, nil), "Content-Type: text/plain\n\n\n--socketio\n"},
		// transports/htmlfile.js, _write:
		// '<script>parent.s._('+ JSON.stringify(message) +', document);</script>'
		{"htmlfile script", AppendHTMLFileScript(nil, frames), `<script>parent.s._("~m~16~m~7394962304027448", document);</script>`},
		{"htmlfile quote", AppendHTMLFileScript(nil, []byte(`~m~3~m~a"b`)), `<script>parent.s._("~m~3~m~a\"b", document);</script>`},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
	// transports/htmlfile.js, _onConnect: '<html><body>' + new Array(245).join(' ').
	if len(HTMLFilePreamble) != 256 || HTMLFilePreamble != "<html><body>"+strings.Repeat(" ", 244) {
		t.Errorf("HTMLFilePreamble = %q", HTMLFilePreamble)
	}
	// transports/xhr-multipart.js, _onConnect.
	if MultipartPreamble != "--socketio\n" || ContentTypeMultipart != `multipart/x-mixed-replace;boundary="socketio"` {
		t.Error("multipart constants")
	}
	// transports/xhr-polling.js and jsonp-polling.js, _write.
	if ContentTypePolling != "text/plain; charset=UTF-8" || ContentTypeJSONP != "text/javascript; charset=UTF-8" {
		t.Error("polling content types")
	}
	if JSONPForbidden != "alert('Cross domain security restrictions not met');" {
		t.Error("JSONPForbidden")
	}
}
