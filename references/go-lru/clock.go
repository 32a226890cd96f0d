package main

import "time"

// clock gives the service's two times: uptime (wall ms since start, for /stats and GC
// events) and scenario time (uptime times --time-scale, for updatedAt and write-back).
type clock struct {
	start time.Time
	scale float64
}

func newClock(scale float64) *clock { return &clock{start: time.Now(), scale: scale} }

// uptimeMs uses the monotonic clock, so it never goes backwards.
func (c *clock) uptimeMs() float64 { return float64(time.Since(c.start)) / 1e6 }

// now is scenario milliseconds. Callers that dirty entries read it under the cache lock, so
// updatedAt grows in the order entries are dirtied (the dirty list relies on that).
func (c *clock) now() float64 { return c.uptimeMs() * c.scale }

// uptimeMsAt places a wall-clock instant (the runtime reports GC pauses that way) on the
// uptime clock.
func (c *clock) uptimeMsAt(t time.Time) float64 {
	return float64(t.UnixNano()-c.start.UnixNano()) / 1e6
}
