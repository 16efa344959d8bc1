//go:build !nethttp

package main

import (
	"fmt"

	"github.com/tornadio/tornadio"
)

// listen starts srv on its gnet edge; this build has no net/http edge
// (build with -tags nethttp for -edge nethttp and serve).
func listen(edge string, srv *tornadio.Server, addr string) (string, error) {
	if edge != "gnet" {
		return "", fmt.Errorf("edge %q: built without the net/http edge (go build -tags nethttp)", edge)
	}
	if err := srv.Start(addr); err != nil {
		return "", err
	}
	return srv.Addr(), nil
}
