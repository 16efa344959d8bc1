// Command chat is the chat demo (examples/chat) instrumented for the
// Socket.IO Admin UI: the chat page on "/", the UI's page on "/admin-ui/",
// the admin namespace on "/admin".
//
//	make demo-admin   # or, from the repository root:
//	cd admin && go run ./examples/chat -root .. -admin-password changeit
//
// then open http://localhost:8888/ in a window or two, and
// http://localhost:8888/admin-ui/ to watch them: log in with the server URL
// http://localhost:8888, user "admin" and the password. The UI's page is
// the @socket.io/admin-ui npm package's ui/dist, which `npm ci` in
// interop/node installs (-admin-ui names another directory); it loads its
// fonts and icons from public CDNs, and works without them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tornadio/tornadio"
	"github.com/tornadio/tornadio/admin"
	"github.com/tornadio/tornadio/examples/chat/chat"
	"golang.org/x/crypto/bcrypt"
)

// DefaultUIDir is where `npm ci` in interop/node puts the admin UI's
// built page, relative to the repository root.
const DefaultUIDir = "interop/node/node_modules/@socket.io/admin-ui/ui/dist"

// UIPrefix is where the demo serves the admin UI's page.
const UIPrefix = "/admin-ui/"

// config is the demo's command line.
type config struct {
	clientJS string // socket.io-client's browser build
	loops    int

	admin     bool   // instrument the server and serve the UI
	uiDir     string // the UI's built page; "" leaves it out
	user      string
	hash      string // bcrypt hash of the password
	password  string // or the password itself, hashed at start
	noAuth    bool
	readonly  bool
	mode      string
	serverID  string
	namespace string
}

func main() {
	var c config
	addr := flag.String("addr", "localhost:8888", "address to listen on")
	root := flag.String("root", ".", "the repository's root, where the default paths start")
	flag.StringVar(&c.clientJS, "client", "", "path of socket.io-client's dist/socket.io.min.js (default under -root: "+chat.DefaultClientJS+")")
	flag.IntVar(&c.loops, "loops", 0, "event loops (0: the library's default)")
	flag.BoolVar(&c.admin, "admin", true, "instrument the server for the Socket.IO Admin UI and serve the UI on "+UIPrefix)
	flag.StringVar(&c.uiDir, "admin-ui", "", "directory of the admin UI's built page (default under -root: "+DefaultUIDir+", when present)")
	flag.StringVar(&c.user, "admin-user", "admin", "the admin UI's user name")
	flag.StringVar(&c.hash, "admin-hash", "", "bcrypt hash of the admin UI's password")
	flag.StringVar(&c.password, "admin-password", "", "the admin UI's password, hashed at start (for the demo; prefer -admin-hash)")
	flag.BoolVar(&c.noAuth, "admin-noauth", false, "let anyone use the admin UI, without a password")
	flag.BoolVar(&c.readonly, "admin-readonly", false, "offer the admin UI no action: watch only")
	flag.StringVar(&c.mode, "admin-mode", string(admin.Development), "development (every socket and event) or production (statistics only)")
	flag.StringVar(&c.serverID, "admin-server-id", "", "this server's name in the admin UI (default the host name)")
	flag.StringVar(&c.namespace, "admin-namespace", admin.DefaultNamespace, "the admin namespace")
	flag.Parse()
	if c.clientJS == "" {
		c.clientJS = filepath.Join(*root, chat.DefaultClientJS)
	}
	if c.uiDir == "" {
		if dir := filepath.Join(*root, DefaultUIDir); isDir(dir) {
			c.uiDir = dir
		}
	}
	if _, err := os.Stat(c.clientJS); err != nil {
		fail(fmt.Errorf("socket.io client not found (%w); run `make node-deps` or `npm ci` in interop/node first", err))
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, in, err := newServer(c, tornadio.WithLogger(logger))
	if err != nil {
		fail(err)
	}
	if err := srv.Start(*addr); err != nil {
		fail(err)
	}
	fmt.Printf("chat: listening on http://%s/ (Ctrl-C to stop)\n", srv.Addr())
	if in != nil {
		if c.uiDir != "" {
			fmt.Printf("chat: admin UI on http://%s%s (server URL http://%s, namespace %s)\n", srv.Addr(), UIPrefix, srv.Addr(), in.Namespace().Name())
		} else {
			fmt.Printf("chat: instrumented for the admin UI (namespace %s); no UI page found to serve (-admin-ui)\n", in.Namespace().Name())
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	if in != nil {
		in.Close()
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fail(fmt.Errorf("shutdown: %w", err))
	}
}

// newServer makes the chat server, instrumented for the admin UI when
// c.admin, with the UI's page on UIPrefix when c.uiDir is set; opts come
// last.
func newServer(c config, opts ...tornadio.Option) (*tornadio.Server, *admin.Instrumentation, error) {
	if !c.admin {
		return chat.New(c.clientJS, opts...), nil, nil
	}
	auth, err := c.auth()
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/", chat.Handler(c.clientJS))
	if c.uiDir != "" {
		mux.Handle(UIPrefix, http.StripPrefix(UIPrefix[:len(UIPrefix)-1], admin.UIHandler(c.uiDir)))
	}
	all := []tornadio.Option{tornadio.WithHTTPHandler(mux)}
	if c.loops > 0 {
		all = append(all, tornadio.WithEventLoops(c.loops))
	}
	srv := chat.New(c.clientJS, append(all, opts...)...)
	in, err := admin.Instrument(srv, auth,
		admin.WithReadonly(c.readonly),
		admin.WithMode(admin.Mode(c.mode)),
		admin.WithServerID(c.serverID),
		admin.WithNamespace(c.namespace))
	if err != nil {
		return nil, nil, err
	}
	return srv, in, nil
}

// auth is the admin UI's authentication the flags ask for.
func (c config) auth() (admin.Option, error) {
	switch {
	case c.noAuth:
		return admin.WithNoAuth(), nil
	case c.hash != "":
		return admin.WithBasicAuth(c.user, c.hash), nil
	case c.password != "":
		h, err := bcrypt.GenerateFromPassword([]byte(c.password), bcrypt.DefaultCost)
		if err != nil {
			return nil, fmt.Errorf("hash the admin password: %w", err)
		}
		return admin.WithBasicAuth(c.user, string(h)), nil
	}
	return nil, errors.New("the admin UI needs -admin-hash, -admin-password or -admin-noauth (or -admin=false)")
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "chat: %v\n", err)
	os.Exit(1)
}
