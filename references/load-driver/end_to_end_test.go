package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// startNullServer serves the null server in this process until the test ends.
func startNullServer(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { listener.Close() })
	go serveNull(listener)
	return "http://" + listener.Addr().String()
}

// mixedRequests alternates a GET and a POST, as the lab's logs do.
func mixedRequests(n int) []fileRequest {
	requests := make([]fileRequest, n)
	for i := range requests {
		if i%2 == 0 {
			requests[i] = fileRequest{method: methodGET, path: []byte(fmt.Sprintf("/read-states/%d/7", i))}
		} else {
			requests[i] = fileRequest{method: methodPOST, kind: 1, path: []byte("/acks"),
				body: []byte(fmt.Sprintf(`{"userId":%d,"channelId":7,"messageId":%d}`, i, i))}
		}
	}
	return requests
}

type driveTest struct {
	url            string
	requests       []fileRequest
	rate           float64
	maxConnections int
	timeoutMs      float64
	drainTimeoutMs float64
	stop           chan struct{}
	origin         time.Time // the shared Unix time the schedule starts at; set by run
}

// run drives with an origin 100 ms ahead, as the Node side picks one ahead.
func (d *driveTest) run(t *testing.T) (*outcomes, summary) {
	t.Helper()
	tgt, err := parseTarget(d.url)
	if err != nil {
		t.Fatal(err)
	}
	if d.origin.IsZero() {
		d.origin = time.UnixMilli(time.Now().Add(100 * time.Millisecond).UnixMilli())
	}
	opts := driveOptions{
		url: d.url, target: tgt, rate: d.rate, startUnixMs: float64(d.origin.UnixMilli()),
		maxConnections: d.maxConnections, timeoutMs: d.timeoutMs, drainTimeoutMs: d.drainTimeoutMs,
	}
	out, sum, err := drive(opts, fileOf(t, d.requests), d.stop)
	if err != nil {
		t.Fatal(err)
	}
	return out, sum
}

func TestNullServerAnswersEveryRequestAt2000PerSecond(t *testing.T) {
	d := &driveTest{url: startNullServer(t), requests: mixedRequests(2000), rate: 2000, maxConnections: 64, timeoutMs: 2000, drainTimeoutMs: 2000}
	out, sum := d.run(t)
	if sum.Sent != 2000 || sum.Completed != 2000 || sum.Errors+sum.Timeouts+sum.Non2xx != 0 {
		t.Fatalf("summary %+v", sum)
	}
	for i := range out.fate {
		due := dueNs(i, d.rate)
		if out.fate[i] != fateAnswered || out.status[i] != 200 || out.latencyNs[i] < 0 ||
			int64(out.completedAtUs[i])*1000 < due-1000 || out.sendLagNs[i] < 0 {
			t.Fatalf("request %d: fate %d status %d latency %d ns completed at %d µs send lag %d ns",
				i, out.fate[i], out.status[i], out.latencyNs[i], out.completedAtUs[i], out.sendLagNs[i])
		}
	}
	if sum.LastSendMs < 999 || sum.ElapsedMs < sum.LastSendMs || sum.SocketsOpened < 1 || sum.PeakConnections < 1 {
		t.Errorf("summary %+v", sum)
	}
	t.Logf("null server at 2000/s: send lag %+v ns, peak connections %d", sum.SendLagNs, sum.PeakConnections)
}

// stallingServer answers at once except while a stall holds its gate: it stalls for stall at
// each of the moments given, and records when each stall really began and ended.
type stallingServer struct {
	gate   sync.RWMutex
	mu     sync.Mutex
	stalls [][2]time.Time
}

func (s *stallingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.gate.RLock()
	s.gate.RUnlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte("{}"))
}

func (s *stallingServer) stallAt(moments []time.Time, stall time.Duration) {
	for _, at := range moments {
		time.Sleep(time.Until(at))
		s.gate.Lock()
		began := time.Now()
		time.Sleep(stall)
		ended := time.Now()
		s.gate.Unlock()
		s.mu.Lock()
		s.stalls = append(s.stalls, [2]time.Time{began, ended})
		s.mu.Unlock()
	}
}

// A service that stalls 200 ms once every 500 ms: the requests due during a stall are timed
// from their due times, so their latencies fall linearly from about 200 ms to nothing, and the
// driver does not wait out the stall before sending the next ones (no coordinated omission).
func TestStallsShowAsLatenciesFallingLinearlyWithDueTime(t *testing.T) {
	server := &stallingServer{}
	ts := httptest.NewServer(server)
	defer ts.Close()
	d := &driveTest{url: ts.URL, requests: mixedRequests(1100), rate: 1000, maxConnections: 512, timeoutMs: 5000, drainTimeoutMs: 3000}
	d.origin = time.UnixMilli(time.Now().Add(100 * time.Millisecond).UnixMilli())
	stallsDone := make(chan struct{})
	go func() {
		server.stallAt([]time.Time{d.origin.Add(300 * time.Millisecond), d.origin.Add(800 * time.Millisecond)}, 200*time.Millisecond)
		close(stallsDone)
	}()
	out, sum := d.run(t)
	<-stallsDone
	if sum.Completed != 1100 || sum.Non2xx != 0 {
		t.Fatalf("summary %+v", sum)
	}
	var maxLatency int64
	for _, latency := range out.latencyNs {
		maxLatency = max(maxLatency, latency)
	}
	if maxLatency < 150e6 {
		t.Errorf("max latency %.1f ms, want at least 150 ms", float64(maxLatency)/1e6)
	}
	for _, stall := range server.stalls {
		began, ended := stall[0].Sub(d.origin).Nanoseconds(), stall[1].Sub(d.origin).Nanoseconds()
		var dues, latencies []float64
		for i := range out.fate {
			// Requests due well inside the stall: none can be answered before it ends.
			if due := dueNs(i, d.rate); due >= began+20e6 && due <= ended-20e6 {
				if completed := due + out.latencyNs[i]; completed < ended-5e6 {
					t.Errorf("request %d due %.1f ms: answered at %.1f ms, before the stall ended at %.1f ms",
						i, float64(due)/1e6, float64(completed)/1e6, float64(ended)/1e6)
				}
				dues = append(dues, float64(due))
				latencies = append(latencies, float64(out.latencyNs[i]))
			}
		}
		if len(dues) < 50 {
			t.Fatalf("only %d requests fell due during the stall %v", len(dues), stall)
		}
		// Latency falls about as fast as the due time rises (a slope of -1 when the backlog is
		// answered at once; less steep when a busy machine answers it over a while). A driver
		// that waited out the stall would time these requests from their late sends: a slope
		// near 0.
		slope := leastSquaresSlope(dues, latencies)
		if slope > -0.25 || slope < -1.5 {
			t.Errorf("during the stall %.0f-%.0f ms latency against due time has slope %.2f, want about -1",
				float64(began)/1e6, float64(ended)/1e6, slope)
		}
		t.Logf("stall %.0f-%.0f ms: latencies from %.1f ms down to %.1f ms, slope %.2f", float64(began)/1e6,
			float64(ended)/1e6, latencies[0]/1e6, latencies[len(latencies)-1]/1e6, slope)
	}
}

func leastSquaresSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return sxy / sxx
}

// The server never answers one request and drops the connection of another.
func TestTimeoutsAndDroppedConnectionsAreTheirOwnFates(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hang":
			<-r.Context().Done() // until the driver gives up and closes
		case "/drop":
			nc, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				nc.Close()
			}
		default:
			w.Write([]byte("{}"))
		}
	}))
	defer ts.Close()
	requests := mixedRequests(40)
	requests[5] = fileRequest{method: methodGET, path: []byte("/hang")}
	requests[10] = fileRequest{method: methodGET, path: []byte("/drop")}
	d := &driveTest{url: ts.URL, requests: requests, rate: 200, maxConnections: 16, timeoutMs: 150, drainTimeoutMs: 2000}
	out, sum := d.run(t)
	for i, fate := range out.fate {
		want := uint8(fateAnswered)
		switch i {
		case 5:
			want = fateTimeout
		case 10:
			want = fateConnectionError
		}
		if fate != want {
			t.Errorf("request %d: fate %d, want %d", i, fate, want)
		}
	}
	if out.latencyNs[5] != -1 || out.status[5] != 0 || out.completedAtUs[10] != 0 {
		t.Errorf("unanswered requests have answer figures: %d %d %d", out.latencyNs[5], out.status[5], out.completedAtUs[10])
	}
	if sum.Sent != 40 || sum.Completed != 38 || sum.Timeouts != 1 || sum.Errors != 1 {
		t.Errorf("summary %+v", sum)
	}
}

// At the cap, due requests wait in a FIFO queue for the next free connection, and are still
// timed from their due times.
func TestAtTheConnectionCapRequestsWaitTheirTurn(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("{}"))
	}))
	defer ts.Close()
	d := &driveTest{url: ts.URL, requests: mixedRequests(100), rate: 500, maxConnections: 4, timeoutMs: 5000, drainTimeoutMs: 5000}
	out, sum := d.run(t)
	if sum.Completed != 100 || sum.PeakConnections != 4 || sum.SocketsOpened > 4 || sum.Waited == 0 || sum.LongestWaitMs <= 0 {
		t.Fatalf("summary %+v", sum)
	}
	// Four connections answer 200/s at most: the last of 100 requests due at 500/s answers about
	// 300 ms after its due time.
	if out.latencyNs[99] < 150e6 {
		t.Errorf("the last request's latency is %.1f ms, want the backlog's", float64(out.latencyNs[99])/1e6)
	}
	if out.sendLagNs[99] < 100e6 {
		t.Errorf("the last request was written %.1f ms late, want the wait for a connection", float64(out.sendLagNs[99])/1e6)
	}
}

func TestNothingListeningIsConnectionRefused(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + listener.Addr().String()
	listener.Close()
	tgt, _ := parseTarget(url)
	_, _, err = drive(driveOptions{url: url, target: tgt, rate: 100, startUnixMs: float64(time.Now().UnixMilli()), maxConnections: 4, timeoutMs: 100, drainTimeoutMs: 100}, fileOf(t, mixedRequests(5)), nil)
	if err != errRefused {
		t.Fatalf("got %v, want %v", err, errRefused)
	}
}

func TestStopEndsTheRunAndKeepsWhatItHas(t *testing.T) {
	d := &driveTest{url: startNullServer(t), requests: mixedRequests(10_000), rate: 1000, maxConnections: 16, timeoutMs: 1000, drainTimeoutMs: 1000, stop: make(chan struct{})}
	time.AfterFunc(400*time.Millisecond, func() { close(d.stop) })
	began := time.Now()
	out, sum := d.run(t)
	if took := time.Since(began); took > 2*time.Second {
		t.Errorf("stopping took until %v", took)
	}
	if sum.Completed == 0 || sum.Sent >= 5000 || out.fate[9999] != fateNotSent || out.latencyNs[9999] != -1 {
		t.Errorf("summary %+v, last fate %d", sum, out.fate[9999])
	}
}
