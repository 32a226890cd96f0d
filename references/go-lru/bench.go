package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"time"
)

// `go-lru bench`: the lab's request log replayed in process, open loop, on the service's own
// cache (lru.go) under its one mutex, with a memory store on another goroutine and the
// scenario's forced GCs. The lab (harness/run/bench-row.ts) turns what it writes into a row of
// `readstate-lab run`, beside the Node contenders, on the same log and schedule.

const benchUsage = `usage: go-lru bench --requests FILE --scenario FILE --warm FILE --out DIR [--plant-lost-writeback]`

const (
	// spinLast is how much of the wait for a request's due time is spun rather than slept, so a
	// send is not late by a timer's granularity.
	spinLast = time.Millisecond
	// settle is the pause between the warm fill and request 0, as the lab's SETTLE_MS.
	settle = 200 * time.Millisecond
	// drainTimeout bounds the wait for the last answers after the last send.
	drainTimeout = 30 * time.Second
	// fullGcSamples is how many back-to-back forced GCs time the full-GC pause after the load.
	fullGcSamples = 3
)

// benchScenario is what the bench reads of the lab's scenario file (harness/results/scenario-schema.ts).
type benchScenario struct {
	Rate                  float64 `json:"rate"`
	Capacity              int     `json:"capacity"`
	TimeScale             float64 `json:"timeScale"`
	WriteBackDelaySeconds float64 `json:"writeBackDelaySeconds"`
	WindowSeconds         float64 `json:"windowSeconds"`
	ForcedGc              *struct {
		IntervalSeconds float64 `json:"intervalSeconds"`
	} `json:"forcedGc"`
}

type benchOptions struct {
	requests, scenario, warm, out string
	// plantLostWriteBack drops every evicted dirty state instead of writing it back: a bug the
	// lab's nothing-lost check must catch (its tests use it, nothing else).
	plantLostWriteBack bool
}

func parseBenchFlags(args []string) (benchOptions, error) {
	fs := flag.NewFlagSet("go-lru bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o benchOptions
	fs.StringVar(&o.requests, "requests", "", "the request log file")
	fs.StringVar(&o.scenario, "scenario", "", "the scenario JSON")
	fs.StringVar(&o.warm, "warm", "", "the warm file")
	fs.StringVar(&o.out, "out", "", "the folder to write into")
	fs.BoolVar(&o.plantLostWriteBack, "plant-lost-writeback", false, "drop evicted write-backs (tests only)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.requests == "" || o.scenario == "" || o.warm == "" || o.out == "" {
		return o, errors.New("--requests, --scenario, --warm and --out are all required")
	}
	return o, nil
}

func readBenchScenario(path string) (benchScenario, error) {
	var s benchScenario
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, err
	}
	ok := s.Rate > 0 && s.Capacity >= 1 && s.TimeScale > 0 && s.WriteBackDelaySeconds >= 0 && s.WindowSeconds > 0 &&
		(s.ForcedGc == nil || s.ForcedGc.IntervalSeconds > 0)
	if !ok {
		return s, errors.New("needs rate, capacity, timeScale, windowSeconds above 0, writeBackDelaySeconds of 0 or more, forcedGc null or with intervalSeconds above 0")
	}
	return s, nil
}

// runBench is `go-lru bench ARGS`; its errors are one line on stderr (exit 2 for flags, 1 else).
func runBench(args []string) int {
	opts, err := parseBenchFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Println(benchUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-lru bench: %v\n%s\n", err, benchUsage)
		return 2
	}
	if err := bench(opts); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", oneLine(err))
		return 1
	}
	return 0
}

// benchService is the service's request path (service.go) without HTTP: one mutex over the
// cache, the loads in flight and the counters; a miss queues its operation behind the load of
// its key, and the goroutine that receives the store's answer inserts the state and applies
// every operation that waited for it, in order.
type benchService struct {
	mu      sync.Mutex
	cache   *lruCache
	loading map[key][]benchOp
	hits    uint64
	misses  uint64
	writes  uint64
	dropped uint64
	clk     *clock
	store   *memStore
	sched   schedule
	records []byte
	// waiting[i] counts request i's operations still waiting for a load; outstanding counts
	// requests with any.
	waiting     []uint16
	outstanding int
}

type benchOp struct {
	req       int32
	kind      opKind
	k         key
	messageID int64
}

func (s *benchService) writeBack(st ReadState) {
	s.writes++
	s.store.write(st)
}

func (s *benchService) apply(o benchOp, now float64) bool {
	var ok bool
	switch o.kind {
	case opRead:
		_, ok = s.cache.read(o.k)
	case opAck:
		_, ok = s.cache.ack(o.k, o.messageID, now)
	default:
		_, ok = s.cache.mention(o.k, now)
	}
	return ok
}

// handle applies request i's operations, as service.go's run does for an HTTP request, and
// reports whether all of them hit (the request is then done).
func (s *benchService) handle(l *requestLog, i int) bool {
	from, to := l.listStart[i], l.listStart[i+1]
	user, channel := l.userID[i], l.channelID[i]
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clk.now()
	waits := 0
	do := func(o benchOp) {
		if s.apply(o, now) {
			s.hits++
			return
		}
		s.misses++
		waits++
		if ops, ok := s.loading[o.k]; ok {
			s.loading[o.k] = append(ops, o)
			return
		}
		s.loading[o.k] = []benchOp{o}
		s.store.load(o.k)
	}
	req := int32(i)
	switch l.types[i] {
	case reqMessage:
		do(benchOp{req: req, kind: opAck, k: key{user, channel}, messageID: l.messageID[i]})
		for _, mentioned := range l.list[from:to] {
			do(benchOp{req: req, kind: opMention, k: key{mentioned, channel}})
		}
	case reqAck:
		do(benchOp{req: req, kind: opAck, k: key{user, channel}, messageID: l.messageID[i]})
	case reqOpen:
		do(benchOp{req: req, kind: opRead, k: key{user, channel}})
	default:
		for _, c := range l.list[from:to] {
			do(benchOp{req: req, kind: opRead, k: key{user, c}})
		}
	}
	if waits > 0 {
		if waits > math.MaxUint16 {
			panic("a request with more than 65535 operations waiting")
		}
		s.waiting[i] = uint16(waits)
		s.outstanding++
	}
	return waits == 0
}

// answer runs on its own goroutine: each load the store answers is inserted and its waiting
// operations applied, in order; a request whose last waiting operation this was is done.
func (s *benchService) answer() {
	for a := range s.store.answers {
		s.mu.Lock()
		ops := s.loading[a.k]
		delete(s.loading, a.k)
		now := s.clk.now()
		stored := a.stored
		if !a.found {
			stored = freshState(a.k, now)
		}
		s.cache.insert(stored)
		for _, o := range ops {
			if !s.apply(o, now) {
				panic("a state just inserted is not cached")
			}
			s.waiting[o.req]--
			if s.waiting[o.req] == 0 {
				s.outstanding--
				s.sched.record(s.records, int(o.req), time.Now(), outcomeMiss)
			}
		}
		s.mu.Unlock()
	}
}

// writeBackTimer is service.go's: every writeBackEvery, the dirty states last updated at least
// the write-back delay (scenario ms) ago, at most writeBackBatch of them.
func (s *benchService) writeBackTimer(delayMs float64, stop <-chan struct{}) {
	ticker := time.NewTicker(writeBackEvery)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			s.mu.Lock()
			s.cache.drainDue(s.clk.now()-delayMs, writeBackBatch, s.writeBack)
			s.mu.Unlock()
		}
	}
}

// schedule is the open loop's time: request i is due at start + i/rate.
type schedule struct {
	start    time.Time
	interval float64 // ns between due times
}

func (sc schedule) due(i int) time.Time {
	return sc.start.Add(time.Duration(float64(i) * sc.interval))
}

// record writes request i's record: done at t, timed from its due time.
func (sc schedule) record(records []byte, i int, t time.Time, outcome uint8) {
	putRecord(records, i, int64(t.Sub(sc.due(i))), int64(t.Sub(sc.start)/time.Microsecond), outcome)
}

// waitUntil sleeps until spinLast before due, then spins to it; it returns the time it woke.
func waitUntil(due time.Time) time.Time {
	now := time.Now()
	if wait := due.Sub(now); wait > spinLast {
		time.Sleep(wait - spinLast)
		now = time.Now()
	}
	for now.Before(due) {
		now = time.Now()
	}
	return now
}

// benchWindow is the process once a window, as the service itself sees it.
type benchWindow struct {
	AtMs           float64 `json:"atMs"`
	HeapUsedBytes  uint64  `json:"heapUsedBytes"`
	HeapTotalBytes uint64  `json:"heapTotalBytes"`
	RSSBytes       uint64  `json:"rssBytes"`
	Misses         uint64  `json:"misses"`
	// GcCPUMs is the collector's CPU over the window (gcCPU's Seconds, the difference), in ms.
	GcCPUMs float64 `json:"gcCpuMs"`
}

type benchSummary struct {
	Runtime   string     `json:"runtime"`
	GcEvents  []gcEvent  `json:"gcEvents"`
	ForcedGcs []forcedGC `json:"forcedGcs"`
	// GcCycles is each forced collection as a whole (gcwatch.go's gcCycle).
	GcCycles []gcCycle `json:"gcCycles"`
	// GcCPU is the collector's CPU from request 0 to the end of the load, and what it counts.
	GcCPU   gcCPU         `json:"gcCpu"`
	Windows []benchWindow `json:"windows"`
	Memory  struct {
		CachedStates   int     `json:"cachedStates"`
		BytesPerEntry  float64 `json:"bytesPerEntry"`
		HeapBytes      uint64  `json:"heapBytes"`
		HeapInUseBytes uint64  `json:"heapInUseBytes"`
		RSSBytes       uint64  `json:"rssBytes"`
		FullGcPauseMs  float64 `json:"fullGcPauseMs"`
		FullGcWallMs   float64 `json:"fullGcWallMs"`
	} `json:"memory"`
	Counters      counters `json:"counters"`
	Sent          int      `json:"sent"`
	LastSendMs    float64  `json:"lastSendMs"`
	MaxSendLagMs  float64  `json:"maxSendLagMs"`
	ElapsedMs     float64  `json:"elapsedMs"`
	WarmMs        float64  `json:"warmMs"`
	DroppedWrites uint64   `json:"droppedWriteBacks"`
}

func bench(opts benchOptions) error {
	sc, err := readBenchScenario(opts.scenario)
	if err != nil {
		return fmt.Errorf("--scenario %s: %v", opts.scenario, err)
	}
	raw, err := os.ReadFile(opts.requests)
	if err != nil {
		return err
	}
	l, err := decodeRequestLog(raw)
	raw = nil
	if err != nil {
		return fmt.Errorf("--requests %s: %v", opts.requests, err)
	}
	if err := os.MkdirAll(opts.out, 0o755); err != nil {
		return err
	}
	n := l.count()
	svc := &benchService{
		loading: make(map[key][]benchOp),
		store:   newMemStore(),
		records: make([]byte, n*recordBytes),
		waiting: make([]uint16, n),
	}
	var summary benchSummary
	summary.Runtime = runtime.Version()
	go svc.store.run()

	fmt.Printf("warming %d read states\n", sc.Capacity)
	warmStart := time.Now()
	runtime.GC()
	before := heapAlloc()
	svc.cache = newLRU(sc.Capacity)
	svc.cache.onEvict = func(st ReadState) {
		if opts.plantLostWriteBack {
			svc.dropped++
			return
		}
		svc.writeBack(st)
	}
	states, err := readWarmFile(opts.warm)
	if err != nil {
		return fmt.Errorf("--warm %s: %v", opts.warm, oneLine(err))
	}
	warm(svc.cache, states)
	states = nil
	runtime.GC()
	after := heapAlloc()
	summary.Memory.CachedStates = svc.cache.len()
	summary.Memory.HeapBytes = after - before
	if svc.cache.len() > 0 {
		summary.Memory.BytesPerEntry = float64(after-before) / float64(svc.cache.len())
	}
	summary.WarmMs = float64(time.Since(warmStart)) / 1e6
	time.Sleep(settle)

	// Request 0 is due now: every time the bench reports is from here.
	start := time.Now()
	svc.clk = &clock{start: start, scale: sc.TimeScale}
	svc.sched = schedule{start: start, interval: float64(time.Second) / sc.Rate}
	fmt.Printf("measuring %d requests at %g/s\n", n, sc.Rate)
	gc := newGCWatch(svc.clk)
	gcCPUAtStart := readGCCPU()
	stop := make(chan struct{})
	var background sync.WaitGroup
	background.Add(3)
	go func() { defer background.Done(); pollGC(gc, stop) }()
	go func() { defer background.Done(); svc.writeBackTimer(sc.WriteBackDelaySeconds*1000, stop) }()
	windows := make(chan []benchWindow, 1)
	go func() { defer background.Done(); windows <- sampleWindows(svc, sc.WindowSeconds, gcCPUAtStart, stop) }()
	if sc.ForcedGc != nil {
		background.Add(1)
		interval := time.Duration(sc.ForcedGc.IntervalSeconds / sc.TimeScale * float64(time.Second))
		go func() { defer background.Done(); forceGCs(gc, interval, stop) }()
	}
	go svc.answer()

	giveUp := time.Duration(float64(n)/sc.Rate*3*float64(time.Second)) + 5*time.Second
	var maxLag time.Duration
	var lastSend time.Time
	sent := 0
	for i := 0; i < n; i++ {
		due := svc.sched.due(i)
		t := waitUntil(due)
		if t.Sub(start) > giveUp {
			break
		}
		if lag := t.Sub(due); lag > maxLag {
			maxLag = lag
		}
		lastSend = t
		sent++
		if svc.handle(l, i) {
			svc.sched.record(svc.records, i, time.Now(), outcomeHit)
		}
	}
	drained := time.Now().Add(drainTimeout)
	for {
		svc.mu.Lock()
		left := svc.outstanding
		svc.mu.Unlock()
		if left == 0 {
			break
		}
		if time.Now().After(drained) {
			return fmt.Errorf("%d requests were still unanswered %v after the last send", left, drainTimeout)
		}
		time.Sleep(time.Millisecond)
	}
	summary.ElapsedMs = float64(time.Since(start)) / 1e6
	summary.Sent = sent
	summary.LastSendMs = float64(lastSend.Sub(start)) / 1e6
	summary.MaxSendLagMs = float64(maxLag) / 1e6
	close(stop)
	background.Wait()
	summary.Windows = <-windows

	fmt.Println("flushing and dumping the read states")
	summary.GcEvents, summary.ForcedGcs = gc.snapshot()
	summary.GcCycles = gc.cyclesSoFar()
	summary.GcCPU = readGCCPU()
	summary.GcCPU.Seconds -= gcCPUAtStart.Seconds
	summary.GcCPU.AssistSeconds -= gcCPUAtStart.AssistSeconds
	summary.GcCPU.DedicatedSeconds -= gcCPUAtStart.DedicatedSeconds
	summary.GcCPU.IdleSeconds -= gcCPUAtStart.IdleSeconds
	summary.GcCPU.PauseSeconds -= gcCPUAtStart.PauseSeconds
	summary.GcCPU.AvailableSeconds -= gcCPUAtStart.AvailableSeconds
	summary.GcCPU.Cycles -= gcCPUAtStart.Cycles
	for i := range summary.GcCycles {
		summary.GcCycles[i].Thread = "go"
	}
	summary.Memory.FullGcPauseMs, summary.Memory.FullGcWallMs = timeFullGC()
	for i := range summary.GcEvents {
		summary.GcEvents[i].Thread = "go"
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	summary.Memory.HeapInUseBytes = ms.HeapInuse
	summary.Memory.RSSBytes = residentBytes()

	svc.mu.Lock()
	svc.cache.drainDue(math.Inf(1), -1, svc.writeBack)
	summary.Counters.Hits, summary.Counters.Misses = svc.hits, svc.misses
	summary.Counters.Evictions, summary.Counters.WriteBacks = svc.cache.evictions, svc.writes
	summary.Counters.CacheSize = svc.cache.len()
	summary.DroppedWrites = svc.dropped
	svc.mu.Unlock()
	svc.store.settled()
	summary.Counters.Persisted = svc.writes

	// The store's goroutine is idle after settled(), and nothing changes the cache any more.
	if err := writeStates(filepath.Join(opts.out, "final-store.bin"), func(emit func(ReadState)) {
		for _, st := range svc.store.states {
			emit(st)
		}
	}); err != nil {
		return err
	}
	if err := writeStates(filepath.Join(opts.out, "final-cache.bin"), func(emit func(ReadState)) {
		for el := svc.cache.order.Front(); el != nil; el = el.Next() {
			emit(el.Value.(*entry).state)
		}
	}); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(opts.out, "records.bin"), svc.records, 0o644); err != nil {
		return err
	}
	b, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(opts.out, "summary.json"), b, 0o644); err != nil {
		return err
	}
	fmt.Println("done")
	return nil
}

// heapAlloc is the bytes of live heap objects (after a GC: what is reachable).
func heapAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func pollGC(g *gcWatch, stop <-chan struct{}) {
	ticker := time.NewTicker(gcPollEvery)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			g.mu.Lock()
			g.poll()
			g.mu.Unlock()
		}
	}
}

// forceGCs is gcwatch.go's forceEvery, stoppable: runtime.GC() every interval of wall time,
// the first one interval after the start (as the lab's Node rows force theirs).
func forceGCs(g *gcWatch, interval time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
		}
		g.forceOnce()
	}
}

// sampleWindows reads the heap (runtime/metrics: no stop-the-world), the resident set, the
// misses so far and the collector's CPU over the window at the end of every window, until stop.
func sampleWindows(s *benchService, windowSeconds float64, gcCPUAtStart gcCPU, stop <-chan struct{}) []benchWindow {
	lastGcCPU := gcCPUAtStart.Seconds
	ticker := time.NewTicker(time.Duration(windowSeconds * float64(time.Second)))
	defer ticker.Stop()
	var windows []benchWindow
	for {
		stopping := false
		select {
		case <-stop:
			// A last (shorter) window when the load ends.
			stopping = true
		case <-ticker.C:
		}
		m := readMemory()
		s.mu.Lock()
		misses := s.misses
		s.mu.Unlock()
		gcSeconds := readGCCPU().Seconds
		windows = append(windows, benchWindow{
			AtMs: s.clk.uptimeMs(), HeapUsedBytes: m.HeapUsedBytes, HeapTotalBytes: m.HeapTotalBytes, RSSBytes: m.RSSBytes, Misses: misses,
			GcCPUMs: (gcSeconds - lastGcCPU) * 1000,
		})
		lastGcCPU = gcSeconds
		if stopping {
			return windows
		}
	}
}

// timeFullGC forces fullGcSamples collections back to back with the churned cache in place and
// returns the median of their stop-the-world pauses and of their wall times, in ms. The pause
// is what stops every goroutine; the wall time is the concurrent mark and sweep as well.
func timeFullGC() (pauseMs, wallMs float64) {
	pauses := make([]float64, 0, fullGcSamples)
	walls := make([]float64, 0, fullGcSamples)
	var stats debug.GCStats
	for i := 0; i < fullGcSamples; i++ {
		debug.ReadGCStats(&stats)
		before := stats.PauseTotal
		start := time.Now()
		runtime.GC()
		walls = append(walls, float64(time.Since(start))/1e6)
		debug.ReadGCStats(&stats)
		pauses = append(pauses, float64(stats.PauseTotal-before)/1e6)
	}
	sort.Float64s(pauses)
	sort.Float64s(walls)
	return pauses[fullGcSamples/2], walls[fullGcSamples/2]
}
