//go:build go1.20

package main

import "runtime/metrics"

// gcCPUSource says what gcCPU counts on this toolchain (Go >= 1.20).
const gcCPUSource = "go runtime/metrics: /cpu/classes/gc/mark/{assist,dedicated,idle} + /cpu/classes/gc/pause (pause = stop-the-world wall x GOMAXPROCS), cpu-seconds, every thread; the runtime updates them at each cycle's mark termination, so a window holds the cycles that ended in it"

var gcCPUMetrics = []string{
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/mark/assist:cpu-seconds",
	"/cpu/classes/gc/mark/dedicated:cpu-seconds",
	"/cpu/classes/gc/mark/idle:cpu-seconds",
	"/cpu/classes/gc/pause:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
}

// readGCCPU reads the collector's CPU since the program started from runtime/metrics, without
// a stop-the-world. A metric this toolchain lacks reads as 0.
func readGCCPU() gcCPU {
	samples := make([]metrics.Sample, len(gcCPUMetrics))
	for i, name := range gcCPUMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	f := func(i int) float64 {
		if samples[i].Value.Kind() == metrics.KindFloat64 {
			return samples[i].Value.Float64()
		}
		return 0
	}
	c := gcCPU{
		AssistSeconds:    f(1),
		DedicatedSeconds: f(2),
		IdleSeconds:      f(3),
		PauseSeconds:     f(4),
		AvailableSeconds: f(5),
		Source:           gcCPUSource,
	}
	if samples[0].Value.Kind() == metrics.KindUint64 {
		c.Cycles = samples[0].Value.Uint64()
	}
	c.Seconds = c.AssistSeconds + c.DedicatedSeconds + c.IdleSeconds + c.PauseSeconds
	return c
}
