package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// target is where the driver sends, taken from --url.
type target struct {
	dialAddr   string // host:port to connect to
	hostHeader string // the Host header: the URL's host and port as given
	basePath   string // the URL's own path, without its trailing slash, before every request's path
}

// parseTarget accepts only plain HTTP to a loopback host: the lab never drives anything off this
// machine.
func parseTarget(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return target{}, fmt.Errorf("--url must be http://HOST:PORT on a loopback host, got %q", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return target{}, fmt.Errorf("--url %s is not a loopback address (127.x, localhost or [::1])", raw)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	return target{
		dialAddr:   net.JoinHostPort(u.Hostname(), port),
		hostHeader: u.Host,
		basePath:   strings.TrimRight(u.EscapedPath(), "/"),
	}, nil
}

// isLoopbackHost: localhost, or a literal 127.x or ::1 address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// isLoopbackAddr checks where a connection really went (localhost is resolved by the system).
func isLoopbackAddr(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
