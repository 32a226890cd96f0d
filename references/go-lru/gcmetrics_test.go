package main

import (
	"runtime"
	"testing"
)

// node is a pointer-rich object, so that a heap of them takes the collector time to mark.
type node struct {
	next  *node
	value [4]int64
}

// A forced collection of a large live heap is a whole cycle (marking, both pauses, the sweep)
// at least 10 times its stop-the-world pause, and the collector's CPU grows over it: the two
// figures beside the pause that this toolchain's source (gcmetrics_go120.go or
// gcmetrics_go119.go) must give.
func TestForcedCycleOfALargeHeapIsLongerThanItsPauseAndUsesCPU(t *testing.T) {
	heap := make([]*node, 3_000_000)
	for i := range heap {
		heap[i] = &node{value: [4]int64{int64(i)}}
		if i > 0 {
			heap[i].next = heap[i-1]
		}
	}
	runtime.GC()
	g := newGCWatch(newClock(1))
	before := readGCCPU()
	g.forceOnce()
	after := readGCCPU()
	runtime.KeepAlive(heap)

	if len(g.cycles) != 1 || len(g.forced) != 1 {
		t.Fatalf("one forced GC should give one cycle and one call: %d cycles, %d calls", len(g.cycles), len(g.forced))
	}
	c := g.cycles[0]
	if c.PauseMs == nil {
		t.Fatal("the forced cycle's pause was not found among the runtime's pauses")
	}
	t.Logf("%s: cycle %.3f ms, pause %.3f ms, GC CPU %.3f ms (%s)", runtime.Version(), c.DurationMs, *c.PauseMs, c.CPUMs, before.Source)
	if !(c.DurationMs >= 10**c.PauseMs) {
		t.Errorf("cycle %.3f ms is not at least 10 times its pause %.3f ms", c.DurationMs, *c.PauseMs)
	}
	if !(c.CPUMs > 0) || !(after.Seconds > before.Seconds) {
		t.Errorf("the collector's CPU did not grow over the cycle: %.6f s then %.6f s", before.Seconds, after.Seconds)
	}
	if after.Cycles <= before.Cycles {
		t.Errorf("the cycle count did not grow: %d then %d", before.Cycles, after.Cycles)
	}
	if !c.Forced || c.Source != "forced-call" {
		t.Errorf("the cycle should be forced, from the call: %+v", c)
	}
}
