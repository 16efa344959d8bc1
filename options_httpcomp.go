package tornadio

import (
	"compress/flate"
	"fmt"
	"net/netip"
	"strings"

	"github.com/tornadio/tornadio/transports"
)

// HTTPCompression sets how the answers to long-polling GETs are compressed,
// as Node's engine.io httpCompression option does. An answer whose body
// (the payload, or the JSONP script) has at least Threshold bytes is sent
// with gzip or deflate (the zlib format), whichever the request's
// Accept-Encoding prefers (q-values honoured; neither accepted: sent as it
// is), and says "Vary: Accept-Encoding". Both Engine.IO versions, text and
// binary payloads and JSONP are compressed; POST answers, errors and the
// legacy (0.6) road are not. Each event loop keeps one reusable compressor
// per coding, made when first needed: compression allocates nothing per
// answer and holds no state per session. The zero value is the default:
// on, threshold 1024, level 6.
type HTTPCompression struct {
	// Threshold is the smallest body, in bytes, that is compressed;
	// default 1024, as in engine.io.
	Threshold int
	// Level is the compression level, flate.BestSpeed (1) to
	// flate.BestCompression (9), or flate.HuffmanOnly (-2); 0 or
	// flate.DefaultCompression (-1) mean the default, 6 (zlib's, as in
	// Node). Another value makes Start fail.
	Level int
	// Disable turns compression off (Node's httpCompression: false).
	Disable bool
}

// WithHTTPCompression sets the compression of long-polling answers; it is
// on by default (see HTTPCompression).
func WithHTTPCompression(c HTTPCompression) Option {
	return func(o *Options) { o.HTTPCompression = c }
}

// WithTrustedProxies names the reverse proxies (IP addresses, such as
// "10.0.0.7" or "::1", or CIDR prefixes, such as "10.0.0.0/8") whose
// forwarding headers are believed. A request whose TCP peer is one of
// them gets as its RemoteAddr (Request.RemoteAddr, on both roads, and the
// http.Request of WithHTTPHandler) the client those headers name: the
// rightmost address of X-Forwarded-For (or, with no such field, of
// Forwarded's for= parameters) that is not a trusted proxy itself. It is
// written "ip:port", the port 0 unless the header gave one. The proxies
// must set the header they are read from (nginx's
// "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"), or a
// client could name any address. A malformed entry makes Start fail.
// Default: no proxy is trusted; RemoteAddr is always the TCP peer.
func WithTrustedProxies(proxies ...string) Option {
	return func(o *Options) { o.TrustedProxies = append([]string(nil), proxies...) }
}

// validateHTTPComp checks the HTTP compression and trusted proxy options
// and parses the proxies.
func (o *Options) validateHTTPComp() error {
	c := &o.HTTPCompression
	if c.Threshold < 0 {
		return fmt.Errorf("tornadio: negative HTTP compression threshold %d", c.Threshold)
	}
	if c.Level < flate.HuffmanOnly || c.Level > flate.BestCompression {
		return fmt.Errorf("tornadio: HTTP compression level %d (want %d to %d)", c.Level, flate.HuffmanOnly, flate.BestCompression)
	}
	o.trustedProxies = o.trustedProxies[:0]
	for _, p := range o.TrustedProxies {
		prefix, err := parseTrustedProxy(p)
		if err != nil {
			return fmt.Errorf("tornadio: trusted proxy %q: %w", p, err)
		}
		o.trustedProxies = append(o.trustedProxies, prefix)
	}
	return nil
}

// parseTrustedProxy reads an IP address (a prefix of its full length) or
// a CIDR prefix. IPv4-mapped IPv6 forms are taken as IPv4, as the peers
// they are matched against are.
func parseTrustedProxy(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		a = a.Unmap().WithZone("")
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a := p.Addr(); a.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("IPv4-mapped prefix shorter than /96")
		}
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// httpCompConfig is the machine's side of these options.
func (o *Options) httpCompConfig() (transports.HTTPCompression, []netip.Prefix) {
	c := o.HTTPCompression
	return transports.HTTPCompression{Threshold: c.Threshold, Level: c.Level, Disable: c.Disable}, o.trustedProxies
}
