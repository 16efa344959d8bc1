package transports

import "testing"

// countRefusedAs is how admission limits count their refusals: by the name
// Counts.Refused lists them under.
func TestCountRefusedAs(t *testing.T) {
	srv := NewServer(Config{}, nil, nil, 2)
	srv.countRefusedAs(0, "rate")
	srv.countRefusedAs(1, "rate")
	srv.countRefusedAs(1, "concurrency")
	srv.countRefusedAs(0, "no such reason")
	got := srv.Counts().Refused
	want := map[string]uint64{"rate": 2, "concurrency": 1, "forbidden": 0, "bad request": 0}
	if len(got) != len(want) {
		t.Fatalf("Refused %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Fatalf("Refused %v, want %v", got, want)
		}
	}
}
