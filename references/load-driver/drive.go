package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"
)

// stopGraceNs is how long a stopped run still waits for answers in flight before it writes its
// records: they are usually microseconds away, and the caller asked to stop.
const stopGraceNs = 100_000_000

// probeTimeout bounds the first connection, made before the start to learn that the service
// listens.
const probeTimeout = 5 * time.Second

// exitRefused tells the Node side that nothing listens at the URL.
const exitRefused = 3

// errRefused: nothing listens at the URL.
var errRefused = errors.New("connection refused")

// runDrive is the drive subcommand: it returns the process's exit code.
func runDrive(args []string) int {
	opts, err := parseDriveFlags(args)
	if err != nil {
		return usageError(err)
	}
	requests, err := readRequestFile(opts.requestsFile)
	if err != nil {
		return usageError(err)
	}
	outFile, err := os.Create(opts.outFile)
	if err != nil {
		return usageError(fmt.Errorf("--out %s: %v", opts.outFile, oneLine(err)))
	}
	defer outFile.Close()

	// Two threads: one for the sender, which spins before each due time, and one for the
	// connections' goroutines; more would only take CPU from the service under test.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(2)
	}
	stop := make(chan struct{})
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(signals)
	go func() {
		<-signals
		close(stop)
	}()

	out, sum, err := drive(opts, requests, stop)
	if errors.Is(err, errRefused) {
		fmt.Fprintf(os.Stderr, "connection refused: %s\n", opts.url)
		return exitRefused
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "load-driver: %v\n", oneLine(err))
		return 1
	}
	if _, err := outFile.Write(out.encode()); err != nil {
		fmt.Fprintf(os.Stderr, "load-driver: --out %s: %v\n", opts.outFile, oneLine(err))
		return 1
	}
	if err := outFile.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "load-driver: --out %s: %v\n", opts.outFile, oneLine(err))
		return 1
	}
	os.Stdout.Write(sum.jsonLine())
	return 0
}

// drive sends every request on the schedule the options fix and waits for the answers, or
// stops early when stop closes. Its only errors come before the first send: errRefused, or a
// service that cannot be reached at all.
func drive(opts driveOptions, requests *requestFile, stop <-chan struct{}) (*outcomes, summary, error) {
	probe, err := net.DialTimeout("tcp", opts.target.dialAddr, probeTimeout)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return nil, summary{}, errRefused
	}
	if err != nil {
		return nil, summary{}, fmt.Errorf("cannot connect to %s: %v", opts.url, oneLine(err))
	}
	if !isLoopbackAddr(probe.RemoteAddr()) {
		probe.Close()
		return nil, summary{}, fmt.Errorf("--url %s is not a loopback address", opts.url)
	}

	wire := serialiseRequests(requests, opts.target.hostHeader, opts.target.basePath)
	requests = nil
	out := newOutcomes(wire.count())
	defer quietGarbageCollector()()
	sched := newSchedule(opts.startUnixMs, opts.rate, time.Now())
	dialCtx, cancelDials := context.WithCancel(context.Background())
	defer cancelDials()
	p := newPool(sched, wire, out, probe.RemoteAddr().String(), opts.maxConnections,
		int64(opts.timeoutMs*1e6), dialCtx)
	p.adopt(probe)

	var stopping atomic.Bool
	sendingDone := make(chan struct{})
	go func() {
		select {
		case <-stop:
			stopping.Store(true)
		case <-sendingDone:
		}
	}()
	sweepDone := make(chan struct{})
	go sweepEvery(p, sweepInterval(opts.timeoutMs), sweepDone)

	sendAll(p, &stopping)
	close(sendingDone)

	drainEndNs := int64(0)
	if n := wire.count(); n > 0 {
		drainEndNs = sched.dueNs(n-1) + int64(opts.drainTimeoutMs*1e6)
	}
	awaitAnswers(p, drainEndNs, stop)
	close(sweepDone)
	p.abort(cancelDials)

	figures := p.figures
	figures.lastSendNs = p.lastSendNs.Load()
	return out, summarise(out, figures), nil
}

// sendAll dispatches every request at its due time, until the last one or a stop. The sender is
// not locked to a thread: Go preempts a goroutine that runs 10 ms without yielding, and a locked
// one's preemption hands its thread over twice (tens of µs), where an unlocked one's costs ~1 µs.
func sendAll(p *pool, stopping *atomic.Bool) {
	for i, n := 0, p.wire.count(); i < n; i++ {
		if !waitUntil(p.sched, p.sched.dueNs(i), stopping) {
			return
		}
		p.dispatch(i)
	}
}

// awaitAnswers waits until nothing is in flight or queued, or until drainEndNs on the schedule,
// or, after a stop, for stopGraceNs at most.
func awaitAnswers(p *pool, drainEndNs int64, stopped <-chan struct{}) {
	deadline := time.NewTimer(time.Duration(max(0, drainEndNs-p.sched.nowNs())))
	defer deadline.Stop()
	var grace <-chan time.Time
	for !p.isSettled() {
		select {
		case <-p.settled:
		case <-deadline.C:
			return
		case <-grace:
			return
		case <-stopped:
			grace = time.After(stopGraceNs)
			stopped = nil // a closed channel would fire forever
		}
	}
}

// sweepInterval finds timeouts at most a quarter of the timeout late, and at most 100 ms late.
func sweepInterval(timeoutMs float64) time.Duration {
	return time.Duration(max(1, min(100, timeoutMs/4)) * 1e6)
}

func sweepEvery(p *pool, interval time.Duration, done <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ticker.C:
			p.sweepTimeouts()
		case <-done:
			return
		}
	}
}

// gcHeadroom is how far the heap may grow during a run before the garbage collector runs at all.
const gcHeadroom = 256 << 20

// quietGarbageCollector collects the setup's garbage (the request file's bytes) now, before the
// start, and then turns the collector off (but for a memory limit) until the returned function
// turns it back on. The hot path allocates nothing, so the run needs no collection; without
// this, Go's forced collection every 2 minutes would take CPU from the sender mid-run.
func quietGarbageCollector() (restore func()) {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(int64(stats.HeapInuse) + gcHeadroom)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
