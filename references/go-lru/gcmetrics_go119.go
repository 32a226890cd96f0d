//go:build !go1.20

package main

import (
	"runtime"
	"time"
)

// gcCPUSource says what gcCPU counts on this toolchain (Go 1.19, before runtime/metrics had
// CPU classes).
const gcCPUSource = "go MemStats.GCCPUFraction x GOMAXPROCS x (LastGC - start) (Go < 1.20): the runtime's own GC CPU total (assist, dedicated and fractional marking, both pauses x their threads; idle marking not counted), updated at each cycle's mark termination, so a window holds the cycles that ended in it"

// processStart stands for the runtime's start, when it begins counting available CPU (off by
// the time before main's package init: microseconds).
var processStart = time.Now()

// readGCCPU derives the collector's CPU since the program started from MemStats: the runtime
// sets GCCPUFraction at each mark termination to its GC CPU total over the CPU available
// (GOMAXPROCS x the time since it started) at that moment, LastGC. ReadMemStats stops the world
// for a few microseconds.
func readGCCPU() gcCPU {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	c := gcCPU{Cycles: uint64(ms.NumGC), Source: gcCPUSource}
	if ms.LastGC == 0 {
		return c
	}
	available := float64(runtime.GOMAXPROCS(0)) * time.Unix(0, int64(ms.LastGC)).Sub(processStart).Seconds()
	if available < 0 {
		available = 0
	}
	c.AvailableSeconds = available
	c.Seconds = ms.GCCPUFraction * available
	return c
}
