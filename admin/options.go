package admin

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Mode chooses how much the UI is told (the admin-ui's mode option).
type Mode string

const (
	// Development sends the UI every socket, room change and event as it
	// happens, with the aggregated counts: the default.
	Development Mode = "development"
	// Production sends the server's statistics and aggregated counts only,
	// keeping nothing per event and no listener on the sockets' events.
	Production Mode = "production"
)

// DefaultNamespace is the admin namespace the UI connects to by default.
const DefaultNamespace = "/admin"

// Option sets one setting of Instrument.
type Option func(*config)

type config struct {
	namespace string
	auth      *basicAuth // nil with noAuth
	noAuth    bool
	readonly  bool
	mode      Mode
	serverID  string

	statsEvery time.Duration // how often server_stats goes out; 2s
	sessionTTL time.Duration // how long a login session id is valid; 24h
}

// WithNamespace sets the admin namespace (default "/admin"; "" keeps it),
// which the UI names in its connection form's advanced options.
func WithNamespace(name string) Option {
	return func(c *config) { c.namespace = name }
}

// WithBasicAuth has the UI log in with username and a password whose
// bcrypt hash is bcryptHash (as `htpasswd -nbBC 10 "" password | tr -d ':\n'` or Node's
// bcrypt.hashSync write it, prefixes $2a$, $2b$ or $2y$). A successful
// login gets a session id that the UI sends instead of the password when it
// reconnects. Instrument fails when the hash is not a bcrypt hash.
func WithBasicAuth(username, bcryptHash string) Option {
	return func(c *config) {
		c.auth = &basicAuth{username: username, hash: []byte(bcryptHash)}
		c.noAuth = false
	}
}

// WithNoAuth lets anyone who reaches the server use the UI: what Node's
// auth: false does. Authentication is not optional by default: Instrument
// fails unless WithBasicAuth or WithNoAuth is given.
func WithNoAuth() Option {
	return func(c *config) { c.auth, c.noAuth = nil, true }
}

// WithReadonly, when on, offers the UI no action (emit, join, leave,
// disconnect): it can only watch. Default off.
func WithReadonly(on bool) Option {
	return func(c *config) { c.readonly = on }
}

// WithMode sets the mode: Development (the default) or Production.
func WithMode(m Mode) Option {
	return func(c *config) { c.mode = m }
}

// WithServerID names this server in the UI's server list; default the host
// name. Give each node of a cluster on one host its own.
func WithServerID(id string) Option {
	return func(c *config) { c.serverID = id }
}

// newConfig applies opts over the defaults and checks the result.
func newConfig(opts []Option) (*config, error) {
	c := &config{
		namespace:  DefaultNamespace,
		mode:       Development,
		statsEvery: 2 * time.Second,
		sessionTTL: 24 * time.Hour,
	}
	for _, o := range opts {
		o(c)
	}
	if c.namespace == "" {
		c.namespace = DefaultNamespace
	} else if !strings.HasPrefix(c.namespace, "/") {
		c.namespace = "/" + c.namespace
	}
	if c.auth == nil && !c.noAuth {
		return nil, fmt.Errorf("admin: authentication must be chosen: WithBasicAuth(username, bcryptHash) or WithNoAuth()")
	}
	if c.auth != nil {
		if err := c.auth.check(); err != nil {
			return nil, err
		}
	}
	if c.mode != Development && c.mode != Production {
		return nil, fmt.Errorf("admin: mode %q: want %q or %q", c.mode, Development, Production)
	}
	if c.serverID == "" {
		host, err := os.Hostname()
		if err != nil {
			host = "tornadio"
		}
		c.serverID = host
	}
	return c, nil
}
