package redistest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// StartCluster runs a one-node Redis Cluster: a redis-server in cluster
// mode that serves every hash slot, on a free loopback port, stopped when
// the test ends. It returns once the cluster's state is ok; connect to it
// with redis.NewClusterClient and Addr.
func StartCluster(t testing.TB) *Server {
	t.Helper()
	s := start(t, func(dir string) []string {
		return []string{"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, "nodes.conf")}
	})
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", 0, 16383).Err(); err != nil {
		t.Fatalf("redistest: assigning the slots: %v", err)
	}
	for {
		info, err := c.ClusterInfo(ctx).Result()
		if err == nil && strings.Contains(info, "cluster_state:ok") {
			return s
		}
		select {
		case <-ctx.Done():
			t.Fatalf("redistest: cluster state never ok: %q, %v", info, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
