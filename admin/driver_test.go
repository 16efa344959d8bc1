package admin

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/admin/admintest"
)

// nodeDir holds the Node scripts and packages (npm ci there).
var nodeDir = filepath.Join("..", "interop", "node")

// The driver's names, shortened for the tests.
type (
	obs    = admintest.Obs
	driver = admintest.Driver
)

func startDriver(t testing.TB) *driver { return admintest.Start(t, nodeDir) }

var waitUntil = admintest.WaitUntil

// startServer starts srv on a free loopback port and shuts it down when
// the test ends; it returns its base URL.
func startServer(t testing.TB, srv *tornadio.Server) string {
	t.Helper()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return "http://" + srv.Addr()
}

// withStatsEvery sends server_stats more often, for tests.
func withStatsEvery(d time.Duration) Option {
	return func(c *config) { c.statsEvery = d }
}
