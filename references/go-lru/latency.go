package main

import (
	"sync"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// routeLatency is the service time of one route's successful requests, in integer
// nanoseconds, with the settings of the Node harness's histograms (1 ns to 2^40 ns, three
// significant digits).
type routeLatency struct {
	mu        sync.Mutex
	histogram *hdrhistogram.Histogram
}

type latencies map[string]*routeLatency

func newLatencies() latencies {
	l := make(latencies, len(routes))
	for _, route := range routes {
		l[route] = &routeLatency{histogram: hdrhistogram.New(1, 1<<40, 3)}
	}
	return l
}

func (l latencies) record(route string, took time.Duration) {
	ns := int64(took)
	if ns < 1 {
		ns = 1
	}
	r := l[route]
	r.mu.Lock()
	// A value past 2^40 ns (18 minutes) is dropped rather than fail the request.
	_ = r.histogram.RecordValue(ns)
	r.mu.Unlock()
}

// encoded gives each route's histogram in the V2 compressed (deflate) format, base64, which
// hdr-histogram-js's decodeFromCompressedBase64 reads. Encode does the base64 itself.
func (l latencies) encoded() map[string]string {
	out := make(map[string]string, len(l))
	for route, r := range l {
		r.mu.Lock()
		b, err := r.histogram.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
		r.mu.Unlock()
		if err == nil {
			out[route] = string(b)
		}
	}
	return out
}
