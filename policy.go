package tornadio

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/tornadio/tornadio/flash"
	"github.com/tornadio/tornadio/internal/sioclient"
	"github.com/tornadio/tornadio/loop"
	"github.com/tornadio/tornadio/transports"
)

// flashPolicy reads the configured policy file, or gives the built-in one.
func (o *Options) flashPolicy() ([]byte, error) {
	if o.FlashPolicyFile == "" {
		return []byte(flash.DefaultPolicy), nil
	}
	b, err := os.ReadFile(o.FlashPolicyFile)
	if err != nil {
		return nil, fmt.Errorf("tornadio: flash policy file: %w", err)
	}
	return b, nil
}

// wantsPolicyListener reports whether the server starts a Flash policy
// listener: flashsocket is enabled and the user asked for the listener,
// with WithFlashPolicy or by naming flashsocket in WithTransports. The
// default transport list enables flashsocket without asking: a default
// server answers policy requests inline only, and never tries port 843.
// After validate.
func (o *Options) wantsPolicyListener() bool {
	return o.has(TransportFlashSocket) && (o.policyPortSet || !o.defaultTransports)
}

// policyAddr is the policy listener's address: the main address's host
// with the policy port.
func (o *Options) policyAddr(mainAddr string) string {
	host, _, err := net.SplitHostPort(mainAddr)
	if err != nil {
		host = ""
	}
	return net.JoinHostPort(host, strconv.Itoa(o.FlashPolicyPort))
}

// PolicyServer is a standalone Flash socket policy server, for the manual
// start of the seed (FlashPolicyServer and SocketIOServer started apart).
// Server starts its own policy listener when asked for (see
// Options.FlashPolicyPort), so most programs do not need this. It runs on
// one event loop.
type PolicyServer struct {
	opts   Options
	engine *loop.Engine
}

// NewPolicyServer returns a policy server; it reads WithFlashPolicy (port
// and file) and WithLogger.
func NewPolicyServer(opts ...Option) *PolicyServer {
	var o Options
	for _, opt := range opts {
		opt(&o)
	}
	return &PolicyServer{opts: o}
}

// Start listens on addr ("" means ":<policy port>") and returns once it
// serves.
func (p *PolicyServer) Start(addr string) error {
	o := &p.opts
	o.EventLoops = 1
	if err := o.validate(); err != nil {
		return err
	}
	policy, err := o.flashPolicy()
	if err != nil {
		return err
	}
	if addr == "" {
		addr = o.policyAddr("")
	}
	p.engine = loop.New(loop.Options{Loops: 1, Logger: o.Logger, PolicyOnly: true})
	tp := transports.NewServer(transports.Config{
		LegacyTransports: []string{TransportFlashSocket},
		FlashPolicy:      policy,
		LegacyApp:        legacyApp{},
	}, sioclient.NewApp[*Socket](socketHooks{}, nil), p.engine, 1)
	p.engine.Bind(tp)
	return p.engine.Start(addr)
}

// ListenAndServe listens on addr and serves until Shutdown.
func (p *PolicyServer) ListenAndServe(addr string) error {
	if err := p.Start(addr); err != nil {
		return err
	}
	return p.engine.Wait()
}

// Addr is the listening address after Start.
func (p *PolicyServer) Addr() string {
	if p.engine == nil || p.engine.Addr() == nil {
		return ""
	}
	return p.engine.Addr().String()
}

// Shutdown stops the server.
func (p *PolicyServer) Shutdown(ctx context.Context) error {
	if p.engine == nil {
		return nil
	}
	return p.engine.Stop(ctx)
}

// canListen reports whether addr can be listened on right now (the listener
// is closed again at once).
func canListen(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
