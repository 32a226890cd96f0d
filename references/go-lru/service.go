package main

import (
	"math"
	"sync"
	"time"
)

const (
	// writeBackEvery is how often (wall time) the write-back timer runs.
	writeBackEvery = 100 * time.Millisecond
	// writeBackBatch bounds one timer run, so one run cannot hold the lock for long.
	writeBackBatch = 5000
)

type opKind int

const (
	opRead opKind = iota
	opAck
	opMention
)

// op is one cache operation of a request. When it has to wait for a load, the goroutine
// that applies it after the load fills in result or err before waking the request.
type op struct {
	kind      opKind
	k         key
	messageID int64
	result    ReadState
	err       error
}

// loading is a key being loaded from the store and the operations waiting for it, in the
// order they arrived.
type loading struct {
	ops  []*op
	done chan struct{}
}

// service turns requests into cache operations. One mutex guards the cache, the loads in
// flight and the counters, as in Discord's service.
type service struct {
	mu       sync.Mutex
	cache    *lruCache
	inFlight map[key]*loading
	hits     uint64
	misses   uint64
	closed   bool

	store *store
	clock *clock
	// writeBackDelay is in scenario ms.
	writeBackDelay float64
	stopTimer      chan struct{}
}

func newService(cache *lruCache, st *store, clk *clock, writeBackDelay float64) *service {
	s := &service{
		cache:          cache,
		inFlight:       make(map[key]*loading),
		store:          st,
		clock:          clk,
		writeBackDelay: writeBackDelay,
		stopTimer:      make(chan struct{}),
	}
	// Evicted dirty states are queued while the lock is held, so a load of the same key
	// queued later is applied after the write (the store keeps queue order).
	cache.onEvict = st.write
	return s
}

// apply performs o, or queues it behind the load of its key. It returns nil when o is done
// (result or err set), or a channel that is closed once it is.
func (s *service) apply(o *op) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		o.err = errShuttingDown
		return nil
	}
	if s.tryApply(o, s.clock.now()) {
		s.hits++
		return nil
	}
	s.misses++
	if l, ok := s.inFlight[o.k]; ok {
		l.ops = append(l.ops, o)
		return l.done
	}
	if cause := s.store.failing(); cause != "" {
		o.err = storeFailingError(cause)
		return nil
	}
	l := &loading{ops: []*op{o}, done: make(chan struct{})}
	s.inFlight[o.k] = l
	k := o.k
	s.store.load(k, func(stored ReadState, found bool, err error) { s.loaded(k, stored, found, err) })
	return l.done
}

// loaded inserts a state the store answered with and applies every operation that waited
// for it, in order; or fails them all.
func (s *service) loaded(k key, stored ReadState, found bool, err error) {
	s.mu.Lock()
	l := s.inFlight[k]
	delete(s.inFlight, k)
	switch {
	case err != nil:
		for _, o := range l.ops {
			o.err = unavailable(err.Error())
		}
	case s.closed:
		// The shutdown flush has run: a change now would never be written back.
		for _, o := range l.ops {
			o.err = errShuttingDown
		}
	default:
		// Stamped when applied, not when asked, so entries are dirtied in clock order.
		now := s.clock.now()
		if !found {
			stored = freshState(k, now)
		}
		s.cache.insert(stored)
		// Nothing else is inserted while the lock is held, so every op finds the entry.
		for _, o := range l.ops {
			s.tryApply(o, now)
		}
	}
	s.mu.Unlock()
	close(l.done)
}

func (s *service) tryApply(o *op, now float64) bool {
	var ok bool
	switch o.kind {
	case opRead:
		o.result, ok = s.cache.read(o.k)
	case opAck:
		o.result, ok = s.cache.ack(o.k, o.messageID, now)
	default:
		o.result, ok = s.cache.mention(o.k, now)
	}
	return ok
}

// run applies ops together (their misses load concurrently) and waits for all of them.
func (s *service) run(ops []*op) error {
	var waits []<-chan struct{}
	for _, o := range ops {
		if w := s.apply(o); w != nil {
			waits = append(waits, w)
		}
	}
	for _, w := range waits {
		<-w
	}
	for _, o := range ops {
		if o.err != nil {
			return o.err
		}
	}
	return nil
}

// writeBackTimer writes back, every 100 ms, the dirty states last updated at least
// writeBackDelay scenario ms ago.
func (s *service) writeBackTimer() {
	ticker := time.NewTicker(writeBackEvery)
	defer ticker.Stop()
	for {
		select {
		case <-s.stopTimer:
			return
		case <-ticker.C:
			s.mu.Lock()
			s.cache.drainDue(s.clock.now()-s.writeBackDelay, writeBackBatch, s.store.write)
			s.mu.Unlock()
		}
	}
}

// closeAndFlush refuses further operations and hands every dirty state to the store.
func (s *service) closeAndFlush() {
	close(s.stopTimer)
	s.mu.Lock()
	s.closed = true
	s.cache.drainDue(math.Inf(1), -1, s.store.write)
	s.mu.Unlock()
}

type counters struct {
	Hits       uint64 `json:"hits"`
	Misses     uint64 `json:"misses"`
	Evictions  uint64 `json:"evictions"`
	WriteBacks uint64 `json:"writeBacks"`
	Persisted  uint64 `json:"persisted"`
	CacheSize  int    `json:"cacheSize"`
}

func (s *service) counters() counters {
	s.mu.Lock()
	c := counters{Hits: s.hits, Misses: s.misses, Evictions: s.cache.evictions, CacheSize: s.cache.len()}
	s.mu.Unlock()
	c.WriteBacks = s.store.queuedWrites.Load()
	c.Persisted = s.store.persisted.Load()
	return c
}

func (s *service) cached() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cache.len()
}
