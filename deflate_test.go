package tornadio_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/frames"
)

// dfConn is a websocket client that offers permessage-deflate and reads
// RSV1.
type dfConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	ext  string // the server's Sec-WebSocket-Extensions
}

func dfDial(t *testing.T, addr string, offer string) *dfConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, tcIOTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	req := "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
		"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	if offer != "" {
		req += "Sec-WebSocket-Extensions: " + offer + "\r\n"
	}
	c.SetDeadline(time.Now().Add(tcIOTimeout))
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	d := &dfConn{t: t, conn: c, br: bufio.NewReader(c)}
	resp, err := http.ReadResponse(d.br, nil)
	if err != nil || resp.StatusCode != 101 {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	d.ext = resp.Header.Get("Sec-WebSocket-Extensions")
	return d
}

// next reads the next data frame: its payload inflated, and whether it was
// compressed. It answers pings.
func (d *dfConn) next() (string, bool) {
	d.t.Helper()
	for {
		d.conn.SetDeadline(time.Now().Add(tcIOTimeout))
		var hdr [2]byte
		if _, err := io.ReadFull(d.br, hdr[:]); err != nil {
			d.t.Fatal(err)
		}
		n := uint64(hdr[1] & 0x7f)
		switch n {
		case 126:
			var ext [2]byte
			io.ReadFull(d.br, ext[:])
			n = uint64(binary.BigEndian.Uint16(ext[:]))
		case 127:
			var ext [8]byte
			io.ReadFull(d.br, ext[:])
			n = binary.BigEndian.Uint64(ext[:])
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(d.br, p); err != nil {
			d.t.Fatal(err)
		}
		m := frames.Message{Op: frames.OpCode(hdr[0] & 0x0f), Payload: p, Compressed: hdr[0]&0x40 != 0}
		var inf frames.Inflater
		out, err := inf.Inflate(m, 0)
		if err != nil {
			d.t.Fatal(err)
		}
		if string(out.Payload) == "2" {
			d.write("3", false)
			continue
		}
		return string(out.Payload), m.Compressed
	}
}

func (d *dfConn) write(msg string, compress bool) {
	d.t.Helper()
	payload := []byte(msg)
	if compress {
		z, _ := frames.NewDeflater(6)
		z.Begin(nil)
		z.Write(payload)
		payload = z.Finish()
	}
	f := frames.AppendMaskedFrame(nil, frames.OpText, true, [4]byte{1, 2, 3, 4}, payload)
	if compress {
		f[0] |= 0x40
	}
	d.conn.SetDeadline(time.Now().Add(tcIOTimeout))
	if _, err := d.conn.Write(f); err != nil {
		d.t.Fatal(err)
	}
}

// Compressed and uncompressed emits on one connection: the default may
// compress, Compress(false) does not, small ones are not; broadcasts too;
// and the client's compressed messages arrive inflated. With connection
// state recovery, emits take the recorded path (they carry an offset) and
// keep their flag.
func TestPerMessageDeflateEmits(t *testing.T) {
	for _, recovery := range []bool{false, true} {
		t.Run(fmt.Sprintf("recovery=%v", recovery), func(t *testing.T) {
			opts := []tornadio.Option{tornadio.WithPerMessageDeflate(tornadio.PerMessageDeflate{})}
			if recovery {
				opts = append(opts, tornadio.WithConnectionStateRecovery(tornadio.RecoveryOptions{}))
			}
			testDeflateEmits(t, recovery, opts...)
		})
	}
}

func testDeflateEmits(t *testing.T, recovery bool, opts ...tornadio.Option) {
	big := strings.Repeat("tornadio ", 300)
	srv := tcStartServer(t, func(srv *tornadio.Server) {
		ns := srv.Of("/")
		ns.OnConnection(func(s *tornadio.Socket) {
			s.On("go", func() {
				_ = s.Emit("big", big)
				_ = s.Compress(false).Emit("big", big)
				_ = s.Emit("small", "x")
				ns.Emit("all", big)
				ns.Compress(false).Emit("all", big)
				_ = s.Emit("bin", []byte(big))
			})
			s.On("echo", func(v string) { _ = s.Emit("len", len(v)) })
		})
	}, opts...)

	d := dfDial(t, srv.Addr(), "permessage-deflate; client_max_window_bits")
	if d.ext != "permessage-deflate; server_no_context_takeover; client_no_context_takeover" {
		t.Fatalf("Sec-WebSocket-Extensions %q", d.ext)
	}
	if open, z := d.next(); !strings.HasPrefix(open, "0{") || z {
		t.Fatalf("open %q compressed %v", open, z)
	}
	d.write("40", false)
	if connect, _ := d.next(); !strings.HasPrefix(connect, "40{") {
		t.Fatalf("connect %q", connect)
	}
	d.write(`42["go"]`, true)
	quoted := fmt.Sprintf("%q", big)
	for i, want := range []struct {
		prefix     string // the message, but for the offset recovery adds
		compressed bool
	}{
		{`42["big",` + quoted, true},
		{`42["big",` + quoted, false},
		{`42["small","x"`, false},
		{`42["all",` + quoted, true},
		{`42["all",` + quoted, false},
		{`451-["bin",{"_placeholder":true,"num":0}`, false},
		{big, true}, // the attachment, a binary frame
	} {
		got, z := d.next()
		if !strings.HasPrefix(got, want.prefix) || z != want.compressed {
			t.Fatalf("message %d: compressed %v, %.60q; want compressed %v, %.60q", i, z, got, want.compressed, want.prefix)
		}
		if i < 5 && (got != want.prefix+"]") != recovery {
			t.Fatalf("message %d: %.40q…%q, with an offset: %v", i, got, got[len(got)-30:], recovery)
		}
	}
	d.write(`42["echo",`+quoted+`]`, true)
	if got, _ := d.next(); !strings.HasPrefix(got, fmt.Sprintf(`42["len",%d`, len(big))) {
		t.Fatalf("echo: %q", got)
	}
}

// Without the option nothing is agreed, and an offer changes nothing.
func TestPerMessageDeflateOffByDefault(t *testing.T) {
	srv := tcStartServer(t, nil)
	d := dfDial(t, srv.Addr(), "permessage-deflate; client_max_window_bits")
	if d.ext != "" {
		t.Fatalf("Sec-WebSocket-Extensions %q", d.ext)
	}
}

func TestPerMessageDeflateOptionChecked(t *testing.T) {
	for _, p := range []tornadio.PerMessageDeflate{{Level: 10}, {ServerMaxWindowBits: 7}, {ClientMaxWindowBits: 16}} {
		srv := tornadio.NewServer(tornadio.WithPerMessageDeflate(p))
		if err := srv.Start("127.0.0.1:0"); err == nil {
			srv.Shutdown(t.Context())
			t.Fatalf("%+v accepted", p)
		}
	}
}
