package main

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// gcEvent is one garbage collection's stop-the-world time, as /stats reports it.
type gcEvent struct {
	StartMs    float64 `json:"startMs"`
	DurationMs float64 `json:"durationMs"`
	Kind       string  `json:"kind"`
	Forced     bool    `json:"forced"`
	Thread     string  `json:"thread"`
	// Cycle is the runtime's number of the collection (NumGC after it), as GODEBUG=gctrace=1
	// numbers its line: the lab places a cycle the runtime started itself from that line.
	Cycle int64 `json:"cycle"`
}

// forcedGC is one runtime.GC() call: its wall time, during which only its own goroutine
// was blocked (the collection itself is concurrent apart from its pauses).
type forcedGC struct {
	StartMs    float64 `json:"startMs"`
	DurationMs float64 `json:"durationMs"`
	Mode       string  `json:"mode"`
}

// gcCycle is one collection as a whole, beside its pause: for a forced GC, the wall time of
// runtime.GC(), which returns once the cycle's marking, both pauses and its whole sweep are
// done. The runtime tells no start of marking for the cycles it starts itself (only
// GODEBUG=gctrace=1 prints them): the lab reads those lines itself (harness/measure/go-gctrace.ts)
// and places them by their pause's Cycle, so they have no gcCycle here.
type gcCycle struct {
	StartMs    float64 `json:"startMs"`
	DurationMs float64 `json:"durationMs"`
	// PauseMs is the cycle's two stop-the-world pauses, summed; null when its pause was not
	// among the runtime's last 256.
	PauseMs *float64 `json:"pauseMs"`
	// CPUMs is the collector's CPU over the call (gcCPU before and after): the cycle's.
	CPUMs  float64 `json:"cpuMs"`
	Forced bool    `json:"forced"`
	Thread string  `json:"thread"`
	Source string  `json:"source"`
}

// gcCPU is the collector's CPU since the program started, as the toolchain reports it
// (gcmetrics_go120.go, gcmetrics_go119.go): Seconds on every thread, its parts where known.
type gcCPU struct {
	Seconds          float64 `json:"seconds"`
	AssistSeconds    float64 `json:"assistSeconds"`
	DedicatedSeconds float64 `json:"dedicatedSeconds"`
	IdleSeconds      float64 `json:"idleSeconds"`
	PauseSeconds     float64 `json:"pauseSeconds"`
	// AvailableSeconds is GOMAXPROCS x the time the runtime has run (Go 1.19: until LastGC).
	AvailableSeconds float64 `json:"availableSeconds"`
	Cycles           uint64  `json:"cycles"`
	Source           string  `json:"source"`
}

// gcWatch collects the runtime's GC pauses and runs the forced GCs. The runtime keeps the
// last 256 pauses, with when each ended; polling every 50 ms loses none unless more than
// 256 collections run between two polls.
type gcWatch struct {
	mu        sync.Mutex
	clock     *clock
	stats     debug.GCStats
	lastCycle int64
	events    []gcEvent
	forced    []forcedGC
	cycles    []gcCycle
}

const gcPollEvery = 50 * time.Millisecond

// newGCWatch starts watching from now: collections before (the warm fill's, say) are not
// reported.
func newGCWatch(clk *clock) *gcWatch {
	g := &gcWatch{clock: clk}
	debug.ReadGCStats(&g.stats)
	g.lastCycle = g.stats.NumGC
	return g
}

// poll appends the collections completed since the last poll, oldest first. The runtime
// records one pause per cycle: the sum of its two stop-the-world phases (sweep termination
// and mark termination), ending when the second ends.
func (g *gcWatch) poll() {
	debug.ReadGCStats(&g.stats)
	fresh := g.stats.NumGC - g.lastCycle
	if fresh > int64(len(g.stats.Pause)) {
		fresh = int64(len(g.stats.Pause))
	}
	for i := fresh - 1; i >= 0; i-- {
		pause := g.stats.Pause[i]
		end := g.clock.uptimeMsAt(g.stats.PauseEnd[i])
		durationMs := float64(pause) / 1e6
		g.events = append(g.events, gcEvent{
			StartMs:    end - durationMs,
			DurationMs: durationMs,
			Kind:       "major",
			Thread:     "main",
			Cycle:      g.stats.NumGC - i,
		})
	}
	g.lastCycle = g.stats.NumGC
}

func (g *gcWatch) watch() {
	ticker := time.NewTicker(gcPollEvery)
	defer ticker.Stop()
	for range ticker.C {
		g.mu.Lock()
		g.poll()
		g.mu.Unlock()
	}
}

// forceEvery calls runtime.GC() every interval of wall time, as Discord's Go runtime forced
// a collection every 2 minutes. It runs on its own goroutine: runtime.GC() blocks only its
// caller until the cycle (and its sweep) is done.
func (g *gcWatch) forceEvery(interval time.Duration) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for range ticker.C {
		g.forceOnce()
	}
}

// forceOnce runs one forced collection and records its call (forcedGC), its pause (the newest
// gcEvent, marked forced) and its whole cycle with the collector's CPU over it (gcCycle).
func (g *gcWatch) forceOnce() {
	cpuBefore := readGCCPU()
	start := g.clock.uptimeMs()
	runtime.GC()
	end := g.clock.uptimeMs()
	cpuAfter := readGCCPU()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.poll()
	// runtime.GC() returns after the cycle it started and its sweep, so the newest completed
	// cycle is the forced one.
	var pauseMs *float64
	if n := len(g.events); n > 0 && g.events[n-1].Cycle == g.stats.NumGC {
		g.events[n-1].Forced = true
		pause := g.events[n-1].DurationMs
		pauseMs = &pause
	}
	g.forced = append(g.forced, forcedGC{StartMs: start, DurationMs: end - start, Mode: "sync"})
	g.cycles = append(g.cycles, gcCycle{
		StartMs:    start,
		DurationMs: end - start,
		PauseMs:    pauseMs,
		CPUMs:      (cpuAfter.Seconds - cpuBefore.Seconds) * 1000,
		Forced:     true,
		Thread:     "main",
		Source:     "forced-call",
	})
}

// snapshot is every event so far (polled now, so it is up to date).
func (g *gcWatch) snapshot() ([]gcEvent, []forcedGC) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.poll()
	events := append(make([]gcEvent, 0, len(g.events)), g.events...)
	forced := append(make([]forcedGC, 0, len(g.forced)), g.forced...)
	return events, forced
}

// cyclesSoFar is every whole cycle recorded so far (the forced ones).
func (g *gcWatch) cyclesSoFar() []gcCycle {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append(make([]gcCycle, 0, len(g.cycles)), g.cycles...)
}
