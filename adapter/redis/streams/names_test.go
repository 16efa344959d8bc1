package streams

import "testing"

// The expected values are JavaScript's: the Node adapter's hashCode (h =
// h*31 + charCode, h |= 0) and name + "-" + (hash % count).
func TestHashCodeMatchesJavaScript(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int32
	}{
		{"", 0},
		{"/", 47},
		{"/chat", 46457863},
		{"/admin", 1438238848},
		{"/a-much-longer-namespace-name", 776179900},
		{"/negative-namespace", -1951057870},
		{"/rooms-and-more", -874925393},
		{"/é", 1690},
		{"/😀", 1818066}, // a surrogate pair: two code units
	} {
		if got := hashCode(c.s); got != c.want {
			t.Errorf("hashCode(%q) = %d, want %d", c.s, got, c.want)
		}
	}
}

func TestStreamNameKeepsTheSignOfTheHash(t *testing.T) {
	for _, c := range []struct {
		nsp   string
		count int
		want  string
	}{
		{"/chat", 1, "socket.io"},
		{"/", 3, "socket.io-2"},
		{"/chat", 3, "socket.io-1"},
		{"/admin", 4, "socket.io-0"},
		{"/a-much-longer-namespace-name", 10, "socket.io-0"},
		{"/negative-namespace", 3, "socket.io--1"},
		{"/rooms-and-more", 3, "socket.io--2"},
		{"/rooms-and-more", 10, "socket.io--3"},
		{"/negative-namespace", 10, "socket.io-0"}, // -0 in JavaScript, printed "0"
	} {
		if got := streamName("socket.io", c.count, c.nsp); got != c.want {
			t.Errorf("streamName(%q, %d) = %q, want %q", c.nsp, c.count, got, c.want)
		}
	}
}

func TestChannels(t *testing.T) {
	if got := publicChannel("socket.io", "/chat"); got != "socket.io#/chat#" {
		t.Errorf("public = %q", got)
	}
	if got := privateChannel("socket.io", "/", "0123456789abcdef"); got != "socket.io#/#0123456789abcdef#" {
		t.Errorf("private = %q", got)
	}
}
