package tornadio_test

import (
	"testing"

	"github.com/tornadio/tornadio"
)

func TestWithMaxConnectionsNegative(t *testing.T) {
	srv := tornadio.NewServer(tornadio.WithMaxConnections(-1))
	if err := srv.Start("127.0.0.1:0"); err == nil {
		t.Fatal("a negative connection cap was accepted")
	}
}
