package engineio

import (
	"encoding/json"
	"testing"
)

func TestAppendOpen(t *testing.T) {
	o := OpenInfo{
		SID:          "lv_VI97HAXpY6yYWAAAC",
		Upgrades:     []string{"websocket"},
		PingInterval: 25000,
		PingTimeout:  5000,
		MaxPayload:   1000000,
	}
	// v3 example from the protocol README (history).
	want3 := `0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":5000}`
	if got := AppendOpen(nil, 3, o); string(got) != want3 {
		t.Errorf("v3 open = %s\nwant       %s", got, want3)
	}
	// v4 example from the protocol README.
	o.SID = "lV3bTPrtHuomGoqBAAAA"
	o.PingTimeout = 20000
	want4 := `0{"sid":"lV3bTPrtHuomGoqBAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`
	got := AppendOpen([]byte("x"), 4, o)
	if string(got) != "x"+want4 {
		t.Errorf("v4 open = %s\nwant        x%s", got, want4)
	}
	// The v3 polling handshake frames it with its UTF-16 length.
	p, _ := ParseText(AppendOpen(nil, 3, OpenInfo{SID: "lv_VI97HAXpY6yYWAAAC", Upgrades: []string{"websocket"}, PingInterval: 25000, PingTimeout: 5000}))
	if got := AppendPayload(nil, 3, true, []Packet{p}); string(got) != "96:"+want3 {
		t.Errorf("v3 handshake payload = %s", got)
	}
}

func TestAppendOpenJSON(t *testing.T) {
	o := OpenInfo{SID: "a\"b\\c\n\x01\u2028é\xff", PingInterval: 1, PingTimeout: 2, MaxPayload: 3}
	got := AppendOpen(nil, 4, o)
	if got[0] != '0' {
		t.Fatalf("open packet %q", got)
	}
	var v struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int64    `json:"pingInterval"`
		PingTimeout  int64    `json:"pingTimeout"`
		MaxPayload   int64    `json:"maxPayload"`
	}
	if err := json.Unmarshal(got[1:], &v); err != nil {
		t.Fatalf("%s: %v", got, err)
	}
	if v.SID != "a\"b\\c\n\x01\u2028é\uFFFD" || v.Upgrades == nil || len(v.Upgrades) != 0 ||
		v.PingInterval != 1 || v.PingTimeout != 2 || v.MaxPayload != 3 {
		t.Errorf("decoded %+v from %s", v, got)
	}
	want := `0{"sid":"a\"b\\c\n\u0001\u2028é\ufffd","upgrades":[],"pingInterval":1,"pingTimeout":2,"maxPayload":3}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	two := AppendOpen(nil, 3, OpenInfo{SID: "s", Upgrades: []string{"websocket", "flashsocket"}})
	if string(two) != `0{"sid":"s","upgrades":["websocket","flashsocket"],"pingInterval":0,"pingTimeout":0}` {
		t.Errorf("got %s", two)
	}
}
