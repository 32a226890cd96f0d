package main

import (
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

type memory struct {
	HeapUsedBytes     uint64 `json:"heapUsedBytes"`
	HeapTotalBytes    uint64 `json:"heapTotalBytes"`
	RSSBytes          uint64 `json:"rssBytes"`
	ExternalBytes     uint64 `json:"externalBytes"`
	CacheOffHeapBytes uint64 `json:"cacheOffHeapBytes"`
}

// The runtime/metrics names for MemStats.HeapAlloc (objects) and MemStats.HeapSys (the sum
// of all four). They are read without the stop-the-world that runtime.ReadMemStats costs,
// which would add a pause of its own to every /stats.
var heapMetrics = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
}

func readMemory() memory {
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		samples[i].Name = name
	}
	metrics.Read(samples)
	var m memory
	for i, s := range samples {
		if s.Value.Kind() != metrics.KindUint64 {
			continue
		}
		if i == 0 {
			m.HeapUsedBytes = s.Value.Uint64()
		}
		m.HeapTotalBytes += s.Value.Uint64()
	}
	m.RSSBytes = residentBytes()
	return m
}

// residentBytes is the second field of /proc/self/statm (resident pages) in bytes; 0 where
// there is no /proc.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
