package runner

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The cluster point: a broadcast reaching receivers spread over the nodes
// of a cluster through Redis, against the same receivers on one node. Every
// run starts a fresh redis-server and fresh nodes, all pinned to the
// servers' CPUs, deals the receivers out over the nodes in turn (the sender
// on the first: loadgen -target a,b) and sums the CPU of every node and of
// Redis; Redis' INFO commandstats before and after the run counts the
// PUBLISH commands it executed.

// Setup names of the cluster point, as the report's ratios find them.
const (
	TornadioCluster = "tornadio cluster"
	NodeCluster     = "node cluster"
	TornadioSingle  = "tornadio single"
)

// Setup is one way of serving the cluster point's receivers: one node, or
// several sharing a Redis.
type Setup struct {
	Name string
	// Nodes are started in order, each pinned to ServerCPUs; with Redis
	// each gets BENCH_REDIS=<host:port> in its environment.
	Nodes []ServerSpec
	Redis bool
}

// ClusterConfig is a whole cluster run. Of the embedded Config, Servers
// and Scaling are unused.
type ClusterConfig struct {
	Config
	Setups      []Setup
	RedisServer string // the redis-server command; default "redis-server"
}

// ClusterCell is the median of a point's samples for one setup.
type ClusterCell struct {
	Cell // Server is the setup's name; CPUPerOp sums nodes and Redis
	// RedisCPUPerOp is Redis' part of CPUPerOp (0 without Redis).
	RedisCPUPerOp float64
	// PublishesPerBroadcast is PUBLISH commands executed per broadcast
	// sent (-1 without Redis).
	PublishesPerBroadcast float64
	// SentPerSec is broadcasts per second of the send window.
	SentPerSec float64
}

// ClusterResults are all cells, by point then setup, in config order.
type ClusterResults struct {
	Config  ClusterConfig
	Cells   [][]*ClusterCell // [point][setup]
	Started time.Time
	Elapsed time.Duration
}

// RunCluster runs every point Repeats times against every setup,
// interleaving the setups as Run interleaves servers.
func RunCluster(ctx context.Context, cfg ClusterConfig) *ClusterResults {
	cfg.Config = withDefaults(cfg.Config)
	if cfg.RedisServer == "" {
		cfg.RedisServer = "redis-server"
	}
	res := &ClusterResults{Config: cfg, Started: time.Now()}
	total := len(cfg.Points) * len(cfg.Setups) * cfg.Repeats
	n := 0
	for _, p := range cfg.Points {
		row := make([]*ClusterCell, len(cfg.Setups))
		for i, s := range cfg.Setups {
			row[i] = &ClusterCell{Cell: Cell{Server: s.Name, Point: p}}
		}
		res.Cells = append(res.Cells, row)
		for rep := 1; rep <= cfg.Repeats; rep++ {
			for i, s := range cfg.Setups {
				n++
				if ctx.Err() != nil {
					row[i].Samples = append(row[i].Samples, Sample{Err: "interrupted"})
					continue
				}
				cfg.progress("[%d/%d %s] %s · %s · rep %d/%d …", n, total, since(res.Started), p.Label(), s.Name, rep, cfg.Repeats)
				sm := clusterOnce(ctx, cfg, s, p)
				row[i].Samples = append(row[i].Samples, sm)
				if sm.Err != "" {
					cfg.progress("    %s failed: %s", s.Name, sm.Err)
				} else {
					cfg.progress("    %s, %d PUBLISH for %d broadcasts", summary(p, sm), sm.Publishes, sm.Sent)
				}
			}
		}
		for i, c := range row {
			c.reduceCluster(cfg.Setups[i].Redis)
		}
	}
	res.Elapsed = time.Since(res.Started)
	return res
}

// withDefaults fills in Run's defaults.
func withDefaults(cfg Config) Config {
	if cfg.Repeats <= 0 {
		cfg.Repeats = 3
	}
	if cfg.ServerCPUs == "" {
		cfg.ServerCPUs = "0"
	}
	if cfg.LoadCPUs == "" {
		cfg.LoadCPUs = "1"
	}
	if cfg.StartWait <= 0 {
		cfg.StartWait = 20 * time.Second
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 300 * time.Millisecond
	}
	if cfg.SampleEvery <= 0 {
		cfg.SampleEvery = 50 * time.Millisecond
	}
	return cfg
}

// clusterOnce starts Redis (when the setup has it) and the setup's nodes,
// runs the load once over the nodes, and stops everything.
func clusterOnce(ctx context.Context, cfg ClusterConfig, setup Setup, p Point) (sm Sample) {
	var procs, nodes []*server
	defer func() {
		for i := len(procs) - 1; i >= 0; i-- {
			procs[i].close()
		}
	}()
	var redis *server
	if setup.Redis {
		r, err := startRedis(ctx, cfg.RedisServer, cfg.ServerCPUs, cfg.StartWait)
		if err != nil {
			sm.Err = "start: " + oneLine(err.Error())
			return sm
		}
		redis = r
		procs = append(procs, r)
	}
	var addrs []string
	for i, spec := range setup.Nodes {
		spec.Name = fmt.Sprintf("%s node %d", setup.Name, i+1)
		if redis != nil {
			spec.Env = append(append([]string(nil), spec.Env...), "BENCH_REDIS="+redis.addr)
		}
		srv, err := startServer(ctx, spec, cfg.ServerCPUs, cfg.StartWait)
		if err != nil {
			sm.Err = "start: " + oneLine(err.Error())
			return sm
		}
		procs = append(procs, srv)
		nodes = append(nodes, srv)
		addrs = append(addrs, srv.addr)
	}
	select {
	case <-time.After(cfg.Settle):
	case <-ctx.Done():
		sm.Err = "interrupted"
		return sm
	}
	var pub0 int64
	if redis != nil {
		var err error
		if pub0, err = commandCalls(redis.addr, "publish"); err != nil {
			sm.Err = "redis: " + err.Error()
			return sm
		}
	}
	// The nodes first, Redis last: ProcCPU's last entry is Redis'.
	measured := nodes
	if redis != nil {
		measured = append(append([]*server(nil), nodes...), redis)
	}
	sm = measure(ctx, cfg.Config, measured, loadArgs(ServerSpec{}, p, strings.Join(addrs, ",")), p)
	if redis != nil && sm.Err == "" {
		pub1, err := commandCalls(redis.addr, "publish")
		if err != nil {
			sm.Err = "redis: " + err.Error()
			return sm
		}
		sm.Publishes = pub1 - pub0
	}
	return sm
}

// reduceCluster computes the medians; withRedis: the setup has a Redis,
// the last of each sample's ProcCPU.
func (c *ClusterCell) reduceCluster(withRedis bool) {
	c.reduce()
	c.PublishesPerBroadcast = -1
	var redisCPU, pubs, sent []float64
	for _, s := range c.Samples {
		if s.Err != "" {
			continue
		}
		if withRedis && len(s.ProcCPU) > 0 {
			redisCPU = append(redisCPU, perOp(s.ProcCPU[len(s.ProcCPU)-1], s.Ops))
			if s.Sent > 0 {
				pubs = append(pubs, float64(s.Publishes)/float64(s.Sent))
			}
		}
		sent = append(sent, s.SentPerSec)
	}
	if len(redisCPU) > 0 {
		c.RedisCPUPerOp = median(redisCPU)
	}
	if len(pubs) > 0 {
		c.PublishesPerBroadcast = median(pubs)
	}
	if len(sent) > 0 {
		c.SentPerSec = median(sent)
	}
}
