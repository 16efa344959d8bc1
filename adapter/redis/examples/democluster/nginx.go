package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/tornadio/tornadio/adapter/redis/internal/redisserver"
)

// stickyParam is the query parameter the chat page adds to every Engine.IO
// request (see examples/chat/chat): nginx hashes it to pick the node.
const stickyParam = "sticky"

// nodeHeader is the response header in which nginx names the node that
// served a /socket.io/ request.
const nodeHeader = "X-Chat-Node"

// nginxConf is the demo's whole nginx configuration, Socket.IO's documented
// deployment behind nginx with one change: the sticky key. Open source nginx
// has no sticky cookie, and ip_hash or a hash of $remote_addr would send
// every window of one machine to one node, so the upstream hashes a key that
// each browser tab sends instead. Every request of an Engine.IO session
// (polling GETs and POSTs, the websocket upgrade) carries the same key and
// reaches the node that holds the session.
var nginxConf = template.Must(template.New("nginx.conf").Parse(`{{if .Root}}user root;
{{end}}worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log warn;
events { worker_connections 1024; }
http {
    access_log {{.Dir}}/access.log;
    client_body_temp_path {{.Dir}}/client_body;
    proxy_temp_path {{.Dir}}/proxy;
    fastcgi_temp_path {{.Dir}}/fastcgi;
    uwsgi_temp_path {{.Dir}}/uwsgi;
    scgi_temp_path {{.Dir}}/scgi;

    # Socket.IO: every node, chosen by the tab's sticky key.
    upstream socketio {
        hash $arg_{{.Param}} consistent;
{{- range .Nodes}}
        server {{.Addr}}; # {{.Name}}
{{- end}}
    }
    # The page and the client library: any node that serves them.
    upstream pages {
{{- range .Pages}}
        server {{.Addr}}; # {{.Name}}
{{- end}}
    }
    # Which node answered, for the {{.Header}} response header.
    map $upstream_addr $chat_node {
        default "";
{{- range .Nodes}}
        {{.Addr}} {{.Name}};
{{- end}}
    }

    server {
        listen {{.Listen}};
        location /socket.io/ {
            proxy_pass http://socketio;
            # WebSocket: nginx forwards the upgrade over HTTP/1.1 only.
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            add_header {{.Header}} $chat_node always;
        }
        location / {
            proxy_pass http://pages;
            proxy_set_header Host $host;
        }
    }
}
`))

// startNginx runs nginx in the foreground, listening on listen (host:port;
// port 0: a free one), configured in dir. It returns with nginx accepting
// connections, and the address it listens on.
func startNginx(dir, listen string, nodes, pages []node, logw io.Writer) (*process, string, error) {
	bin, err := findBinary("nginx", "/usr/sbin/nginx")
	if err != nil {
		return nil, "", err
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, "", fmt.Errorf("nginx listen address %q: %w", listen, err)
	}
	if port != "0" {
		// Another server on the port would answer in nginx's place.
		l, err := net.Listen("tcp", listen)
		if err != nil {
			return nil, "", fmt.Errorf("nginx cannot listen on %s: %w", listen, err)
		}
		l.Close()
	}
	var lastErr error
	for range 3 { // another process may take the free port first
		addr := listen
		if port == "0" {
			p, err := redisserver.FreePort()
			if err != nil {
				return nil, "", err
			}
			addr = net.JoinHostPort(host, fmt.Sprint(p))
		}
		var conf bytes.Buffer
		err := nginxConf.Execute(&conf, map[string]any{
			// As root nginx runs its worker as "nobody", which could not
			// enter a private temporary directory.
			"Root": os.Geteuid() == 0, "Dir": dir, "Listen": addr,
			"Param": stickyParam, "Header": nodeHeader, "Nodes": nodes, "Pages": pages,
		})
		if err != nil {
			return nil, "", fmt.Errorf("nginx.conf: %w", err)
		}
		confPath := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
			return nil, "", fmt.Errorf("nginx.conf: %w", err)
		}
		cmd := exec.Command(bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
		p, err := startProcess("nginx", cmd, logw, nil)
		if err != nil {
			return nil, "", err
		}
		if lastErr = waitListening(p, addr, 10*time.Second); lastErr == nil {
			return p, addr, nil
		}
		_ = p.stop(time.Second)
		log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		lastErr = fmt.Errorf("%w; error.log: %s", lastErr, strings.TrimSpace(string(log)))
		if port != "0" || !strings.Contains(lastErr.Error(), "Address already in use") {
			break
		}
	}
	return nil, "", fmt.Errorf("nginx did not start: %w", lastErr)
}

// waitListening returns once addr accepts connections.
func waitListening(p *process, addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		if done, err := p.exited(); done {
			return fmt.Errorf("nginx exited: %v", err)
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listening on %s after %v", addr, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
