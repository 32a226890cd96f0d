package main

import (
	"math"
	"time"
)

// schedule is the open-loop plan fixed before the first send: request i is due at
// start + i/rate, whatever happened to the requests before it.
type schedule struct {
	start time.Time // carries a monotonic reading, so offsets from it never jump with the wall clock
	rate  float64
}

// newSchedule places the origin at the Unix time startUnixMs (which the caller shares with
// other processes) on this process's monotonic clock, read once at now.
func newSchedule(startUnixMs float64, rate float64, now time.Time) schedule {
	wallStart := time.Unix(0, int64(math.Round(startUnixMs*1e6)))
	return schedule{start: now.Add(wallStart.Sub(now)), rate: rate}
}

// dueNs is when request i falls due, in ns after the origin.
func (s schedule) dueNs(i int) int64 { return dueNs(i, s.rate) }

func dueNs(i int, rate float64) int64 { return int64(math.Round(float64(i) * 1e9 / rate)) }

// nowNs is the time on the monotonic clock, in ns after the origin (negative before it).
func (s schedule) nowNs() int64 { return int64(time.Since(s.start)) }
