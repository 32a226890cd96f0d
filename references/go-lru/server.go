package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const contender = "go-lru"

// server is the HTTP/1.1 JSON front of the service. It times every request it serves, per
// route, from the moment the handler starts to the moment the response is written.
type server struct {
	service *service
	gc      *gcWatch
	clock   *clock
	latency latencies
}

func (a *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	if err := checkRequestHead(r); err != nil {
		replyError(w, err)
		return
	}
	// The escaped path, as the Node service sees it: /read-states/%37/70 is not user 7.
	route, params, err := matchRoute(r.Method, r.URL.EscapedPath())
	if err != nil {
		replyError(w, err)
		return
	}
	status, value := a.serve(route, params, r)
	reply(w, status, value)
	if status < 400 {
		a.latency.record(route, time.Since(arrived))
	}
}

func (a *server) serve(route string, params []string, r *http.Request) (int, interface{}) {
	body, err := readBody(r)
	if err != nil {
		return errorReply(err)
	}
	c, err := parseCall(route, params, body)
	if err != nil {
		return errorReply(err)
	}
	value, err := a.perform(c)
	if err != nil {
		return errorReply(err)
	}
	return http.StatusOK, value
}

func (a *server) perform(c *call) (interface{}, error) {
	switch c.route {
	case "message":
		if err := a.refuseWritesWhileFailing(); err != nil {
			return nil, err
		}
		// The author has read their own message; each mention (repeats too) counts once more.
		ops := make([]*op, 0, 1+len(c.mentions))
		ops = append(ops, &op{kind: opAck, k: key{c.userID, c.channelID}, messageID: c.messageID})
		for _, user := range c.mentions {
			ops = append(ops, &op{kind: opMention, k: key{user, c.channelID}})
		}
		if err := a.service.run(ops); err != nil {
			return nil, err
		}
		return map[string]bool{"ok": true}, nil
	case "ack":
		if err := a.refuseWritesWhileFailing(); err != nil {
			return nil, err
		}
		o := &op{kind: opAck, k: key{c.userID, c.channelID}, messageID: c.messageID}
		if err := a.service.run([]*op{o}); err != nil {
			return nil, err
		}
		return o.result, nil
	case "read":
		o := &op{kind: opRead, k: key{c.userID, c.channelID}}
		if err := a.service.run([]*op{o}); err != nil {
			return nil, err
		}
		return o.result, nil
	case "reconnect":
		ops := make([]*op, len(c.channelIDs))
		for i, channel := range c.channelIDs {
			ops[i] = &op{kind: opRead, k: key{c.userID, channel}}
		}
		if err := a.service.run(ops); err != nil {
			return nil, err
		}
		states := make([]ReadState, len(ops))
		for i, o := range ops {
			states[i] = o.result
		}
		return map[string][]ReadState{"readStates": states}, nil
	case "health":
		if cause := a.service.store.failing(); cause != "" {
			return nil, &healthFailing{cause}
		}
		return health{Status: "ok", Contender: contender, Cached: a.service.cached()}, nil
	default:
		return a.stats(), nil
	}
}

// refuseWritesWhileFailing answers a write 503 while the store is failing, before it changes
// anything: the service will not pile up changes it cannot save.
func (a *server) refuseWritesWhileFailing() error {
	if cause := a.service.store.failing(); cause != "" {
		return storeFailingError(cause)
	}
	return nil
}

type health struct {
	Status    string `json:"status"`
	Contender string `json:"contender"`
	Cached    int    `json:"cached"`
}

// healthFailing is /health's own 503 body, which names the state rather than an error.
type healthFailing struct{ cause string }

func (h *healthFailing) Error() string { return h.cause }

type healthFailingBody struct {
	Status string `json:"status"`
	Error  string `json:"error"`
}

// stats is GET /stats. gcCycles are the forced collections as whole cycles and gcCpu the
// collector's CPU so far (gcwatch.go, gcmetrics_go1*.go).
type stats struct {
	Contender string            `json:"contender"`
	UptimeMs  float64           `json:"uptimeMs"`
	Counters  counters          `json:"counters"`
	Memory    memory            `json:"memory"`
	GCEvents  []gcEvent         `json:"gcEvents"`
	ForcedGCs []forcedGC        `json:"forcedGcs"`
	GCCycles  []gcCycle         `json:"gcCycles"`
	GCCPU     gcCPU             `json:"gcCpu"`
	Latency   map[string]string `json:"latency"`
}

func (a *server) stats() stats {
	events, forced := a.gc.snapshot()
	return stats{
		Contender: contender,
		UptimeMs:  a.clock.uptimeMs(),
		Counters:  a.service.counters(),
		Memory:    readMemory(),
		GCEvents:  events,
		ForcedGCs: forced,
		GCCycles:  a.gc.cyclesSoFar(),
		GCCPU:     readGCCPU(),
		Latency:   a.latency.encoded(),
	}
}

// readBody reads at most maxBody bytes; a longer body is refused with 413.
func readBody(r *http.Request) ([]byte, error) {
	tooLarge := &apiError{http.StatusRequestEntityTooLarge, "the body is larger than " + strconv.Itoa(maxBody) + " bytes"}
	if r.ContentLength > maxBody {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, badRequest("could not read the body: %v", err)
	}
	if len(body) > maxBody {
		return nil, tooLarge
	}
	return body, nil
}

func errorReply(err error) (int, interface{}) {
	var h *healthFailing
	if errors.As(err, &h) {
		return http.StatusServiceUnavailable, healthFailingBody{Status: "store-failing", Error: h.cause}
	}
	var e *apiError
	if errors.As(err, &e) {
		return e.status, map[string]string{"error": e.message}
	}
	return http.StatusInternalServerError, map[string]string{"error": err.Error()}
}

func replyError(w http.ResponseWriter, err error) {
	status, value := errorReply(err)
	reply(w, status, value)
}

func reply(w http.ResponseWriter, status int, value interface{}) {
	body, err := json.Marshal(value)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"could not encode the answer"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// The parts of the HTTP contract (docs/http-contract.md) that net/http does not check itself, or
// checks differently from Node's parser and hyper: the checks are the same in every service.

const (
	// maxHeaderBytes bounds the request line and headers; net/http allows 4096 bytes more.
	maxHeaderBytes = 64 * 1024
	// maxHeaderCount is hyper's limit on header fields, which every service keeps; more is 431.
	maxHeaderCount = 100
)

// knownMethods are the methods Node's parser (llhttp) reads: any other, "get" too (methods are
// case-sensitive), is 400 there before the service sees it, and so it is here.
var knownMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields("ACL BIND CHECKOUT CONNECT COPY DELETE GET HEAD LINK LOCK M-SEARCH MERGE MKACTIVITY MKCALENDAR MKCOL MOVE NOTIFY OPTIONS PATCH POST PROPFIND PROPPATCH PURGE PUT QUERY REBIND REPORT SEARCH SOURCE SUBSCRIBE TRACE UNBIND UNLINK UNLOCK UNSUBSCRIBE") {
		knownMethods[m] = true
	}
}

// checkRequestHead refuses what the contract refuses and net/http lets through.
func checkRequestHead(r *http.Request) error {
	if !knownMethods[r.Method] {
		return badRequest("the method is not one HTTP defines (methods are case-sensitive)")
	}
	// net/http serves HTTP/1.2 as 1.1 (RFC 9110 section 2.5); Node's parser refuses it, and the
	// contract answers every version but 1.0 and 1.1 as net/http answers HTTP/2.0: 505.
	if r.ProtoMajor == 1 && r.ProtoMinor > 1 {
		return &apiError{http.StatusHTTPVersionNotSupported, r.Proto + " is not supported: HTTP/1.0 and HTTP/1.1 are"}
	}
	count := 0
	for _, values := range r.Header {
		count += len(values)
	}
	if r.Host != "" {
		count++ // net/http takes Host out of the header map
	}
	if count > maxHeaderCount {
		return &apiError{http.StatusRequestHeaderFieldsTooLarge, "more than " + strconv.Itoa(maxHeaderCount) + " header fields"}
	}
	// A fragment is never sent (RFC 9110 section 7.1): a target holding '#' is not a valid
	// request-target. net/http would route "/acks#x" as the path "/acks#x".
	if strings.Contains(r.RequestURI, "#") {
		return badRequest("the request target must not contain a fragment (#)")
	}
	return nil
}

// serveHTTP serves s on listener with the contract's limits: the request line and headers at most
// maxHeaderBytes, and a connection whose first byte cannot start a request line (a TLS
// ClientHello, say) answered 400 at once, where net/http would wait for a line that never comes.
func serveHTTP(s *http.Server, listener net.Listener) error {
	s.MaxHeaderBytes = maxHeaderBytes - 4096
	return s.Serve(guardedListener{listener})
}

type guardedListener struct{ net.Listener }

func (l guardedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &guardedConn{Conn: c}, nil
}

type guardedConn struct {
	net.Conn
	once    sync.Once
	refused bool
}

func (c *guardedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.once.Do(func() {
		if n > 0 && !isTokenByte(p[0]) && p[0] != '\r' && p[0] != '\n' {
			c.refused = true
			body := `{"error":"the bytes sent are not an HTTP/1.1 request"}`
			w := bufio.NewWriter(c.Conn)
			fmt.Fprintf(w, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			_ = w.Flush()
			_ = c.Conn.Close()
		}
	})
	if c.refused {
		return 0, io.EOF
	}
	return n, err
}

// CloseWrite lets net/http half-close the connection after an error answer, as it does on a bare
// TCP connection, so that the client reads the answer rather than a reset.
func (c *guardedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// isTokenByte is whether b may appear in a method (RFC 9110 tchar).
func isTokenByte(b byte) bool {
	if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}
