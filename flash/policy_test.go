package flash

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

func TestIsPolicyRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in              string
		complete, maybe bool
	}{
		{"<policy-file-request/>\x00", true, false},
		{"<policy-file-request/>\x00trailing", true, false},
		{"<policy-file-request/>", false, true}, // the NUL is still to come
		{"<", false, true},
		{"<policy", false, true},
		{"", false, false},
		{"GET / HTTP/1.1\r\n", false, false},
		{"<policy-file-request/>\n", false, false},
		{"<policy-file-request/>\x00"[:22] + "x", false, false},
		{"<POLICY-file-request/>\x00", false, false},
		{"<html>", false, false},
	}
	for _, tt := range tests {
		c, m := IsPolicyRequest([]byte(tt.in))
		if c != tt.complete || m != tt.maybe {
			t.Errorf("IsPolicyRequest(%q) = %v, %v; want %v, %v", tt.in, c, m, tt.complete, tt.maybe)
		}
	}
	if len(Request) != 23 {
		t.Fatal(len(Request))
	}
	// Fed one byte at a time, the request is "maybe" until the last byte.
	for i := 1; i <= len(Request); i++ {
		c, m := IsPolicyRequest([]byte(Request[:i]))
		if c != (i == len(Request)) || m != (i < len(Request)) {
			t.Errorf("prefix %d: %v %v", i, c, m)
		}
	}
}

// Golden: socket.io-node 0.6.18, lib/socket.io/transports/flashsocket.js,
// policy(), for the default origins '*:*'.
const goldenDefault = "<?xml version=\"1.0\"?>\n" +
	"<!DOCTYPE cross-domain-policy SYSTEM \"http://www.macromedia.com/xml/dtds/cross-domain-policy.dtd\">\n" +
	"<cross-domain-policy>\n" +
	"<allow-access-from domain=\"*\" to-ports=\"*\"/>\n" +
	"</cross-domain-policy>\n"

func TestPolicy(t *testing.T) {
	t.Parallel()
	if DefaultPolicy != goldenDefault {
		t.Fatalf("DefaultPolicy = %q", DefaultPolicy)
	}
	if got := Policy([]string{"*:*"}); string(got) != goldenDefault {
		t.Fatalf("Policy(*:*) = %q", got)
	}
	got := string(Policy([]string{"example.com:80", "*.example.org:*", "a\"<&'>:1-9", "nohost"}))
	want := "<?xml version=\"1.0\"?>\n" +
		"<!DOCTYPE cross-domain-policy SYSTEM \"http://www.macromedia.com/xml/dtds/cross-domain-policy.dtd\">\n" +
		"<cross-domain-policy>\n" +
		"<allow-access-from domain=\"example.com\" to-ports=\"80\"/>\n" +
		"<allow-access-from domain=\"*.example.org\" to-ports=\"*\"/>\n" +
		"<allow-access-from domain=\"a&quot;&lt;&amp;&apos;&gt;\" to-ports=\"1-9\"/>\n" +
		"<allow-access-from domain=\"nohost\" to-ports=\"*\"/>\n" +
		"</cross-domain-policy>\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(Policy(nil)); got != "<?xml version=\"1.0\"?>\n<!DOCTYPE cross-domain-policy SYSTEM \"http://www.macromedia.com/xml/dtds/cross-domain-policy.dtd\">\n<cross-domain-policy>\n</cross-domain-policy>\n" {
		t.Fatalf("Policy(nil) = %q", got)
	}
	// Every rendering is well-formed XML with the attributes we meant.
	type rule struct {
		Domain string `xml:"domain,attr"`
		Ports  string `xml:"to-ports,attr"`
	}
	var doc struct {
		Rules []rule `xml:"allow-access-from"`
	}
	d := xml.NewDecoder(bytes.NewReader([]byte(want)))
	d.Strict = false
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Rules) != 4 || doc.Rules[2].Domain != `a"<&'>` || doc.Rules[2].Ports != "1-9" {
		t.Fatalf("%+v", doc.Rules)
	}
}

func TestAnswer(t *testing.T) {
	t.Parallel()
	a := Answer([]byte(DefaultPolicy))
	if string(a) != goldenDefault+"\x00" {
		t.Fatalf("%q", a)
	}
	if string(Answer(a)) != string(a) {
		t.Fatal("second NUL")
	}
	if string(Answer(nil)) != "\x00" {
		t.Fatal("empty policy")
	}
	if got := AppendAnswer([]byte("x"), []byte("p")); string(got) != "xp\x00" {
		t.Fatalf("%q", got)
	}
}

func TestAllocs(t *testing.T) {
	b := []byte("<policy-file-request/>\x00")
	dst := make([]byte, 0, 512)
	p := []byte(DefaultPolicy)
	if n := testing.AllocsPerRun(100, func() {
		IsPolicyRequest(b)
		IsPolicyRequest(b[:7])
		dst = AppendAnswer(dst[:0], p)
	}); n != 0 {
		t.Fatalf("%v allocs", n)
	}
}

func FuzzIsPolicyRequest(f *testing.F) {
	f.Add([]byte(Request))
	f.Add([]byte(Request[:22]))
	f.Add([]byte("<"))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, m := IsPolicyRequest(b)
		if c && m {
			t.Fatal("complete and maybe")
		}
		if c != bytes.HasPrefix(b, []byte(Request)) {
			t.Fatalf("%q: complete %v", b, c)
		}
		if m != (len(b) > 0 && len(b) < len(Request) && bytes.HasPrefix([]byte(Request), b)) {
			t.Fatalf("%q: maybe %v", b, m)
		}
		// Split feeding: every prefix of a request-to-be says maybe.
		if c {
			for i := 1; i < len(Request); i++ {
				if _, m := IsPolicyRequest(b[:i]); !m {
					t.Fatalf("prefix %d not maybe", i)
				}
			}
		}
	})
}

func FuzzPolicy(f *testing.F) {
	f.Add("*:*")
	f.Add("a\"b:<&>")
	f.Add("nohost")
	f.Fuzz(func(t *testing.T, origin string) {
		p := Policy([]string{origin})
		if !bytes.HasPrefix(p, []byte(policyHead)) || !bytes.HasSuffix(p, []byte(policyTail)) {
			t.Fatalf("%q", p)
		}
		for i := 0; i < len(origin); i++ {
			if origin[i] < 0x20 || origin[i] > 0x7e {
				return // not a host:port pattern; XML has no room for it
			}
		}
		host, port := origin, "*"
		if i := strings.LastIndexByte(origin, ':'); i >= 0 {
			host, port = origin[:i], origin[i+1:]
		}
		var doc struct {
			Rules []struct {
				Domain string `xml:"domain,attr"`
				Ports  string `xml:"to-ports,attr"`
			} `xml:"allow-access-from"`
		}
		d := xml.NewDecoder(bytes.NewReader(p))
		d.Strict = false
		if err := d.Decode(&doc); err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		if len(doc.Rules) != 1 || doc.Rules[0].Domain != host || doc.Rules[0].Ports != port {
			t.Fatalf("%q: %+v", p, doc.Rules)
		}
	})
}

func BenchmarkIsPolicyRequest(b *testing.B) {
	req := []byte(Request)
	b.ReportAllocs()
	for b.Loop() {
		if c, _ := IsPolicyRequest(req); !c {
			b.Fatal("not a request")
		}
	}
}
