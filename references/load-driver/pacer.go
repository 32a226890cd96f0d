package main

import (
	"runtime"
	"sync/atomic"
)

// spinNs is how long before a due time the sender stops sleeping and spins on the monotonic
// clock. With the thread's timer slack at 1 ns a nanosleep wakes a few µs to a few tens of µs
// late on a quiet machine; a wider window costs CPU that the service under test shares.
const spinNs = 60_000

// maxSleepNs bounds one sleep, so a stop request is seen within it even at a slow rate.
const maxSleepNs = 10_000_000

// waitUntil returns at dueNs on the schedule (at once when it has passed), or false as soon as
// stop is set.
func waitUntil(s schedule, dueNs int64, stop *atomic.Bool) bool {
	for {
		if stop.Load() {
			return false
		}
		if dueNs-s.nowNs() <= spinNs {
			break
		}
		// Yield before sleeping: goroutines waiting for this thread run now, not during the spin,
		// and Go's scheduler, seeing the sender yield, does not preempt it in the middle of one.
		runtime.Gosched()
		left := dueNs - s.nowNs()
		if left <= spinNs {
			break
		}
		sleepPrecisely(min(left-spinNs, maxSleepNs))
	}
	for s.nowNs() < dueNs {
	}
	return true
}
