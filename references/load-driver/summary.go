package main

import (
	"encoding/json"
	"math"
	"slices"
)

// summary is the one JSON line the driver prints at the end, its fields in the order the Node
// side documents.
type summary struct {
	Sent            int          `json:"sent"`
	Completed       int          `json:"completed"`
	Errors          int          `json:"errors"`
	Timeouts        int          `json:"timeouts"`
	Non2xx          int          `json:"non2xx"`
	ElapsedMs       float64      `json:"elapsedMs"`
	PeakConnections int          `json:"peakConnections"`
	SocketsOpened   int          `json:"socketsOpened"`
	Waited          int          `json:"waited"`
	TotalWaitMs     float64      `json:"totalWaitMs"`
	LongestWaitMs   float64      `json:"longestWaitMs"`
	SendLagNs       sendLagStats `json:"sendLagNs"`
	LastSendMs      float64      `json:"lastSendMs"`
}

type sendLagStats struct {
	P50  int64   `json:"p50"`
	P99  int64   `json:"p99"`
	P999 int64   `json:"p999"`
	Max  int64   `json:"max"`
	Mean float64 `json:"mean"`
}

// poolFigures are the connection pool's own counts, which the records cannot tell.
type poolFigures struct {
	peakConnections int
	socketsOpened   int
	waited          int
	totalWaitNs     int64
	longestWaitNs   int64
	lastCompletedNs int64
	lastSendNs      int64
}

// summarise counts the records' fates (so the line and the file always agree) and adds the pool's
// figures. Sent is every request the driver took up: answered, timed out or failed.
func summarise(o *outcomes, pool poolFigures) summary {
	s := summary{
		PeakConnections: pool.peakConnections,
		SocketsOpened:   pool.socketsOpened,
		Waited:          pool.waited,
		TotalWaitMs:     nsToMs(pool.totalWaitNs),
		LongestWaitMs:   nsToMs(pool.longestWaitNs),
		ElapsedMs:       nsToMs(pool.lastCompletedNs),
		LastSendMs:      nsToMs(pool.lastSendNs),
		SendLagNs:       sendLagOf(o.sendLagNs),
	}
	for i, fate := range o.fate {
		switch fate {
		case fateAnswered:
			s.Completed++
			if o.status[i] < 200 || o.status[i] >= 300 {
				s.Non2xx++
			}
		case fateTimeout:
			s.Timeouts++
		case fateConnectionError:
			s.Errors++
		}
	}
	s.Sent = s.Completed + s.Timeouts + s.Errors
	return s
}

// sendLagOf gives nearest-rank percentiles of the lags of the requests that were written.
func sendLagOf(lags []int64) sendLagStats {
	written := make([]int64, 0, len(lags))
	var sum float64
	for _, lag := range lags {
		if lag != notWritten {
			written = append(written, lag)
			sum += float64(lag)
		}
	}
	if len(written) == 0 {
		return sendLagStats{}
	}
	slices.Sort(written)
	rank := func(q float64) int64 {
		k := int(math.Ceil(q*float64(len(written)))) - 1
		return written[max(0, min(k, len(written)-1))]
	}
	return sendLagStats{
		P50:  rank(0.5),
		P99:  rank(0.99),
		P999: rank(0.999),
		Max:  written[len(written)-1],
		Mean: math.Round(sum/float64(len(written))*10) / 10,
	}
}

// nsToMs rounds to the microsecond, enough for every figure of the line.
func nsToMs(ns int64) float64 { return math.Round(float64(ns)/1e3) / 1e3 }

func (s summary) jsonLine() []byte {
	b, _ := json.Marshal(s) // plain numbers only: it cannot fail
	return append(b, '\n')
}
