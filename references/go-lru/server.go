package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
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

type stats struct {
	Contender string            `json:"contender"`
	UptimeMs  float64           `json:"uptimeMs"`
	Counters  counters          `json:"counters"`
	Memory    memory            `json:"memory"`
	GCEvents  []gcEvent         `json:"gcEvents"`
	ForcedGCs []forcedGC        `json:"forcedGcs"`
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
