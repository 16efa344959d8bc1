package interop_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// upstreamMode is how nginx talks to tornadio.
type upstreamMode struct {
	name string
	// http11: proxy_http_version 1.1 with Upgrade and Connection forwarded
	// for websocket; otherwise nginx's defaults: HTTP/1.0, "Connection:
	// close", a new upstream connection per request, and no websocket
	// (nginx forwards an upgrade only over HTTP/1.1).
	http11 bool
	// keepalive: Connection is left out when the client sent no Upgrade,
	// and a pool keeps idle upstream connections for reuse. Without it
	// (Socket.IO's documented nginx setup) every request says "Connection:
	// upgrade" and nginx closes the upstream connection after it.
	keepalive bool
	// bind, when set, is the loopback address nginx connects to tornadio
	// from (proxy_bind), so that tornadio can tell it from the clients,
	// which connect from 127.0.0.1.
	bind string
}

var upstreamModes = []upstreamMode{
	{name: "http1.0"},
	{name: "http1.1", http11: true, keepalive: true},
	{name: "http1.1-upgrade-always", http11: true},
}

// nginxConf is the whole configuration: one worker, everything it writes
// inside its prefix directory, /socket.io/ proxied to tornadio.
var nginxConf = template.Must(template.New("nginx.conf").Parse(`
{{if .Root}}user root;{{end}}
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log info;
events { worker_connections 1024; }
http {
    log_format upstream '$status $request_method $request_uri upstream=$upstream_status $upstream_addr';
    access_log {{.Dir}}/access.log upstream;
    client_body_temp_path {{.Dir}}/client_body;
    proxy_temp_path {{.Dir}}/proxy;
    fastcgi_temp_path {{.Dir}}/fastcgi;
    uwsgi_temp_path {{.Dir}}/uwsgi;
    scgi_temp_path {{.Dir}}/scgi;
    client_max_body_size 2m;
{{if .KeepAlive}}
    # An empty Upgrade gives an empty Connection: nginx then leaves the
    # header out and the upstream connection can go back to the pool.
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      '';
    }
{{end}}
    upstream tornadio {
        server {{.Upstream}};
{{if .KeepAlive}}
        keepalive 8;
        # Below tornadio's HTTPIdleTimeout (30s), so that nginx never picks
        # a connection that tornadio is closing as idle.
        keepalive_timeout 20s;
{{end}}
    }
    server {
        listen 127.0.0.1:{{.Port}};
        location /socket.io/ {
            proxy_pass http://tornadio;
{{template "upstream" .}}
        }
        # The same without buffering (a common setting for long-polling):
        # nginx reads tornadio's answer only as fast as the client reads it.
        location /unbuffered/ {
            proxy_pass http://tornadio/;
            proxy_buffering off;
{{template "upstream" .}}
        }
    }
}
{{define "upstream"}}
            # The client's address, appended to what it sent (nginx's
            # usual setup; read by tornadio when it trusts nginx).
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;{{if .Bind}}
            proxy_bind {{.Bind}};{{end}}{{if .HTTP11}}
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection {{if .KeepAlive}}$connection_upgrade{{else}}upgrade{{end}};
{{end}}{{end}}`))

// nginxProc is a running nginx.
type nginxProc struct {
	dir  string
	url  string // http://127.0.0.1:port
	cmd  *exec.Cmd
	done chan struct{} // closed when the master process has exited
}

// requireNginx returns the path of nginx. Outside CI a missing nginx skips
// the test; under CI it fails it.
func requireNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx" // not on a non-root PATH
	}
	if inCI() {
		t.Fatal("CI is set and nginx is not installed (Debian package nginx; .ci/run installs it)")
	}
	t.Skip("nginx is not installed: apt-get install nginx (set CI=true to make this a failure)")
	return ""
}

// startNginx runs nginx in the foreground on a free loopback port, proxying
// /socket.io/ to upstream (host:port). It is stopped when the test ends.
func startNginx(t *testing.T, upstream string, mode upstreamMode) *nginxProc {
	t.Helper()
	bin := requireNginx(t)
	dir := t.TempDir()
	// As root nginx runs its worker as "nobody", which could not enter the
	// test's private temporary directory.
	root := os.Geteuid() == 0
	var lastErr error
	for range 3 { // another process may take the free port first
		port, err := freePort()
		if err != nil {
			t.Fatalf("nginx: free port: %v", err)
		}
		var conf bytes.Buffer
		err = nginxConf.Execute(&conf, map[string]any{
			"Root": root, "Dir": dir, "Upstream": upstream, "Port": port,
			"HTTP11": mode.http11, "KeepAlive": mode.keepalive, "Bind": mode.bind,
		})
		if err != nil {
			t.Fatalf("nginx.conf: %v", err)
		}
		confPath := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
			t.Fatalf("nginx.conf: %v", err)
		}
		p := &nginxProc{dir: dir, url: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan struct{})}
		p.cmd = exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
		// Its own process group, so that a worker cannot outlive the test.
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var stderr bytes.Buffer
		p.cmd.Stdout, p.cmd.Stderr = &stderr, &stderr
		if err := p.cmd.Start(); err != nil {
			t.Fatalf("nginx: %v", err)
		}
		go func() { _ = p.cmd.Wait(); close(p.done) }()
		if lastErr = p.waitListening(port, 10*time.Second); lastErr == nil {
			t.Cleanup(func() { p.stop(t) })
			return p
		}
		p.kill()
		lastErr = fmt.Errorf("%w; stderr: %s; error.log: %s", lastErr, strings.TrimSpace(stderr.String()), p.errorLog())
		if !strings.Contains(lastErr.Error(), "Address already in use") {
			break
		}
	}
	t.Fatalf("nginx did not start: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitListening returns once the port accepts connections.
func (p *nginxProc) waitListening(port int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			return fmt.Errorf("nginx exited: %v", p.cmd.ProcessState)
		default:
		}
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("nginx not listening on port %d after %v", port, within)
}

// stop asks nginx for a fast shutdown (SIGTERM), then kills its group.
func (p *nginxProc) stop(t *testing.T) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Errorf("nginx did not exit within 10s of SIGTERM; killed")
		p.kill()
	}
	if t.Failed() || os.Getenv("INTEROP_LOG") == "debug" {
		t.Logf("nginx error.log:\n%s\nnginx access.log:\n%s", p.errorLog(), p.read("access.log"))
	}
}

func (p *nginxProc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

func (p *nginxProc) read(name string) string {
	b, _ := os.ReadFile(filepath.Join(p.dir, name))
	return string(b)
}

func (p *nginxProc) errorLog() string { return p.read("error.log") }

// problems returns the lines of nginx's logs that show a failure between
// nginx and tornadio: error.log entries at level error or worse, and
// requests answered 5xx (nginx answers 502 or 504 when its upstream fails).
func (p *nginxProc) problems() []string {
	var out []string
	for _, l := range strings.Split(p.errorLog(), "\n") {
		if nginxBadLevel.MatchString(l) {
			out = append(out, l)
		}
	}
	for _, l := range strings.Split(p.read("access.log"), "\n") {
		if strings.HasPrefix(l, "5") {
			out = append(out, "access.log: "+l)
		}
	}
	return out
}

var nginxBadLevel = regexp.MustCompile(`\[(error|crit|alert|emerg)\]`)
