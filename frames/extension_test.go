package frames

import "testing"

func TestNegotiateDeflate(t *testing.T) {
	const both = "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; client_no_context_takeover"
	for _, c := range []struct {
		name   string
		policy DeflatePolicy
		offer  string
		want   string // the answer line without CRLF; "" when declined
		bits   int    // the server's window when accepted
	}{
		{"bare", DeflatePolicy{}, "permessage-deflate", both, 15},
		{"ws client", DeflatePolicy{}, "permessage-deflate; client_max_window_bits", both, 15},
		{"chromium", DeflatePolicy{}, "permessage-deflate; client_max_window_bits", both, 15},
		{"firefox-like", DeflatePolicy{}, "permessage-deflate", both, 15},
		{"client sets its window", DeflatePolicy{}, "permessage-deflate; client_max_window_bits=10", both + "; client_max_window_bits=10", 15},
		{"server window asked", DeflatePolicy{}, "permessage-deflate; server_max_window_bits=10", both + "; server_max_window_bits=10", 10},
		{"server window 15 stated", DeflatePolicy{}, "permessage-deflate; server_max_window_bits=15", both + "; server_max_window_bits=15", 15},
		{"policy window", DeflatePolicy{ServerMaxWindowBits: 12}, "permessage-deflate", both + "; server_max_window_bits=12", 12},
		{"smaller of both", DeflatePolicy{ServerMaxWindowBits: 12}, "permessage-deflate; server_max_window_bits=9", both + "; server_max_window_bits=9", 9},
		{"client window asked", DeflatePolicy{ClientMaxWindowBits: 11}, "permessage-deflate; client_max_window_bits", both + "; client_max_window_bits=11", 15},
		{"client window smaller", DeflatePolicy{ClientMaxWindowBits: 11}, "permessage-deflate; client_max_window_bits=9", both + "; client_max_window_bits=9", 15},
		{"client window not offered", DeflatePolicy{ClientMaxWindowBits: 11}, "permessage-deflate", "", 0},
		{"no context takeover offered", DeflatePolicy{}, "permessage-deflate; server_no_context_takeover; client_no_context_takeover", both, 15},
		{"quoted value", DeflatePolicy{}, `permessage-deflate; server_max_window_bits="10"`, both + "; server_max_window_bits=10", 10},
		{"case and spaces", DeflatePolicy{}, " Permessage-Deflate ;  client_max_window_bits ", both, 15},
		{"second offer", DeflatePolicy{}, "permessage-deflate; server_max_window_bits=7, permessage-deflate", both, 15},
		{"other extension first", DeflatePolicy{}, "x-webkit-deflate-frame, permessage-deflate", both, 15},
		{"unknown parameter", DeflatePolicy{}, "permessage-deflate; foo", "", 0},
		{"repeated parameter", DeflatePolicy{}, "permessage-deflate; client_no_context_takeover; client_no_context_takeover", "", 0},
		{"value on a flag", DeflatePolicy{}, "permessage-deflate; server_no_context_takeover=1", "", 0},
		{"window too small", DeflatePolicy{}, "permessage-deflate; server_max_window_bits=7", "", 0},
		{"window too big", DeflatePolicy{}, "permessage-deflate; client_max_window_bits=16", "", 0},
		{"leading zero", DeflatePolicy{}, "permessage-deflate; server_max_window_bits=010", "", 0},
		{"server window without value", DeflatePolicy{}, "permessage-deflate; server_max_window_bits", "", 0},
		{"other extension only", DeflatePolicy{}, "x-webkit-deflate-frame", "", 0},
		{"empty", DeflatePolicy{}, "", "", 0},
		{"bad quoting", DeflatePolicy{}, `permessage-deflate; server_max_window_bits="1\0"`, "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, ok := NegotiateDeflate(c.policy, []byte(c.offer))
			if ok != (c.want != "") {
				t.Fatalf("accepted = %v, want %v", ok, c.want != "")
			}
			if !ok {
				return
			}
			if got := string(AppendDeflateAnswer(nil, a)); got != c.want+"\r\n" {
				t.Fatalf("answer %q, want %q", got, c.want+"\r\n")
			}
			if a.ServerMaxWindowBits != c.bits {
				t.Fatalf("server window %d, want %d", a.ServerMaxWindowBits, c.bits)
			}
		})
	}
}

func FuzzNegotiateDeflate(f *testing.F) {
	f.Add("permessage-deflate; client_max_window_bits", 0, 0)
	f.Add(`permessage-deflate; server_max_window_bits="10", permessage-deflate`, 12, 9)
	f.Fuzz(func(t *testing.T, offer string, server, client int) {
		p := DeflatePolicy{ServerMaxWindowBits: server&7 + 8, ClientMaxWindowBits: client&7 + 8}
		a, ok := NegotiateDeflate(p, []byte(offer))
		if !ok {
			return
		}
		if a.ServerMaxWindowBits < 8 || a.ServerMaxWindowBits > p.ServerMaxWindowBits {
			t.Fatalf("server window %d with policy %d", a.ServerMaxWindowBits, p.ServerMaxWindowBits)
		}
		if a.ClientMaxWindowBits < 8 || a.ClientMaxWindowBits > p.ClientMaxWindowBits {
			t.Fatalf("client window %d with policy %d", a.ClientMaxWindowBits, p.ClientMaxWindowBits)
		}
	})
}
