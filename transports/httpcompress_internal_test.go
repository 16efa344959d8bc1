package transports

import (
	"testing"

	"github.com/tornadio/tornadio/httpparse"
)

// acceptedCoding chooses as engine.io's negotiator does for ["gzip",
// "deflate"]; each expectation below is what accepts(req).encodings(…)
// returns in Node for the same fields.
func TestAcceptedCoding(t *testing.T) {
	for _, c := range []struct {
		fields []string
		want   contentCoding
	}{
		{nil, codingIdentity},
		{[]string{""}, codingIdentity},
		{[]string{"identity"}, codingIdentity},
		{[]string{"br"}, codingIdentity},
		{[]string{"gzip"}, codingGzip},
		{[]string{"GZIP"}, codingGzip},
		{[]string{"deflate"}, codingDeflate},
		{[]string{"gzip, deflate, br, zstd"}, codingGzip}, // Chromium's
		{[]string{"deflate, gzip"}, codingDeflate},        // equal q: the first listed
		{[]string{"gzip;q=0.5, deflate;q=0.8"}, codingDeflate},
		{[]string{"gzip;q=0.8, deflate;q=0.5"}, codingGzip},
		{[]string{"gzip ; q=0.2 , deflate;q=0.1"}, codingGzip},
		{[]string{"gzip;q=0"}, codingIdentity},
		{[]string{"gzip;q=0.000"}, codingIdentity},
		{[]string{"gzip;q=0.001"}, codingGzip},
		{[]string{"gzip;q=0, deflate"}, codingDeflate},
		{[]string{"gzip;q=abc, deflate;q=0.1"}, codingDeflate}, // not a number: not acceptable
		{[]string{"gzip;level=1;q=0.3, deflate;q=0.2"}, codingGzip},
		{[]string{"*"}, codingGzip},
		{[]string{"*;q=0"}, codingIdentity},
		{[]string{"*, gzip;q=0"}, codingDeflate},         // the exact entry wins over "*"
		{[]string{"gzip;q=0.5, *;q=0.9"}, codingDeflate}, // deflate by "*", at 0.9
		{[]string{"*;q=0.5, gzip;q=0.5"}, codingGzip},    // equal q: exact over "*"
		{[]string{"deflate;q=0.5, deflate;q=0.9, gzip;q=0.8"}, codingDeflate},
		{[]string{"identity;q=1, gzip;q=0.1"}, codingGzip}, // identity is not weighed
		{[]string{"gzip foo"}, codingIdentity},             // not an entry
		{[]string{"br", "deflate"}, codingDeflate},         // fields join into one list
		{[]string{"deflate;q=0.5", "gzip;q=0.5"}, codingDeflate},
		{[]string{",,gzip,,"}, codingGzip},
	} {
		r := &httpparse.Request{}
		for _, f := range c.fields {
			r.Headers = append(r.Headers, httpparse.Header{Name: []byte("accept-encoding"), Value: []byte(f)})
		}
		if got := acceptedCoding(r); got != c.want {
			t.Errorf("Accept-Encoding %q: %d, want %d", c.fields, got, c.want)
		}
	}
}

func TestParseQ(t *testing.T) {
	for in, want := range map[string]int{
		"1": 1000, "0": 0, "0.5": 500, "0.123": 123, "0.1239": 123, ".5": 500, "1.": 1000,
		"": -1, "abc": -1, "0.5x": 500, "2": 2000,
	} {
		if got := parseQ([]byte(in)); got != want {
			t.Errorf("parseQ(%q) = %d, want %d", in, got, want)
		}
	}
}
