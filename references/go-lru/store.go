package main

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

const (
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 2 * time.Second
)

// backend is the database behind the store's queue: SQLite (store_sqlite.go) or Cassandra
// (store_cassandra.go). Only the store goroutine calls it, one call at a time.
type backend interface {
	// writeAll commits every write, or returns an error; after an error the same writes are
	// offered again, with the same stamps, so a write that landed before the error lands again
	// harmlessly.
	writeAll(writes []storeJob) error
	// loadAll looks up every key and calls answer once per key, in any order.
	loadAll(keys []key, answer func(at int, st ReadState, found bool, err error))
	// maxBatch bounds one writeAll, so loads queued behind a burst of write-backs wait for at
	// most one batch.
	maxBatch() int
	close()
}

// storeJob is one write (a state to upsert) or one load (a key to look up, and whom to tell).
type storeJob struct {
	write bool
	state ReadState
	// stamp orders the writes of one store: it grows with every write queued, and starts at
	// the wall clock in microseconds, above any stamp an earlier process gave. Cassandra keeps
	// the write with the highest stamp (USING TIMESTAMP), whatever order writes land in.
	stamp  int64
	k      key
	loaded func(s ReadState, found bool, err error)
}

// store is the database behind the cache, driven by one goroutine that applies jobs
// in the order they were queued: a load therefore sees every write-back of its key queued
// before it. Queueing never blocks (the queue is unbounded), so evictions under the cache
// lock never wait for the disk.
type store struct {
	db backend

	mu        sync.Mutex
	queue     []storeJob
	lastStamp int64
	closed    bool
	wake      chan struct{} // capacity 1: "the queue changed"
	done      chan struct{} // closed when the goroutine has finished every job

	queuedWrites atomic.Uint64 // states handed to the store
	persisted    atomic.Uint64 // states the store committed
	failure      atomic.Value  // storeFailure: the last write error, or "" while healthy
}

type storeFailure struct{ cause string }

func newStore(db backend) *store {
	s := &store{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.failure.Store(storeFailure{})
	return s
}

// write queues a state to be upserted.
func (s *store) write(state ReadState) {
	s.queuedWrites.Add(1)
	s.mu.Lock()
	s.lastStamp = nextStamp(s.lastStamp, time.Now())
	s.queue = append(s.queue, storeJob{write: true, state: state, stamp: s.lastStamp})
	s.mu.Unlock()
	s.signal()
}

// nextStamp is the stamp after last: the wall clock in microseconds, or last+1 when the clock
// has not moved past it, so stamps only grow.
func nextStamp(last int64, now time.Time) int64 {
	if us := now.UnixNano() / 1000; us > last {
		return us
	}
	return last + 1
}

// load queues a lookup of k; loaded is called from the store goroutine.
func (s *store) load(k key, loaded func(ReadState, bool, error)) {
	s.push(storeJob{k: k, loaded: loaded})
}

func (s *store) push(job storeJob) {
	s.mu.Lock()
	s.queue = append(s.queue, job)
	s.mu.Unlock()
	s.signal()
}

func (s *store) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// failing returns the cause while the last write batch failed, "" while healthy.
func (s *store) failing() string { return s.failure.Load().(storeFailure).cause }

// unwritten counts states handed to the store and not yet committed.
func (s *store) unwritten() uint64 { return s.queuedWrites.Load() - s.persisted.Load() }

// take moves the queued jobs out; with wait, it blocks until there are some or the store
// is closed. closed reports that the store is closed and nothing was queued.
func (s *store) take(wait bool) (jobs []storeJob, closed bool) {
	for {
		s.mu.Lock()
		jobs, s.queue = s.queue, nil
		closed = s.closed && len(jobs) == 0
		s.mu.Unlock()
		if len(jobs) > 0 || closed || !wait {
			return jobs, closed
		}
		<-s.wake
	}
}

// run applies the queued jobs in order until the store is closed and nothing is left.
// A write batch that fails stays at the head of the queue and is retried with backoff;
// loads queued behind it fail at once (they cannot be answered without breaking the
// order), so no request waits on a store that is down.
func (s *store) run() {
	defer close(s.done)
	var pending []storeJob
	backoff := time.Duration(0)
	for {
		jobs, closed := s.take(len(pending) == 0)
		if closed && len(pending) == 0 {
			return
		}
		pending = append(pending, jobs...)

		i := 0
		for i < len(pending) && !pending[i].write {
			i++
		}
		s.serveLoads(pending[:i])
		n := 0
		for i+n < len(pending) && pending[i+n].write && n < s.db.maxBatch() {
			n++
		}
		if n > 0 {
			if err := s.writeBatch(pending[i : i+n]); err != nil {
				pending = s.failLoads(pending[i:], err)
				backoff = nextBackoff(backoff)
				pending = s.backOff(pending, backoff, err)
				continue
			}
			s.recovered()
			backoff = 0
			i += n
		}
		// Copy what is left, so the backing array of a burst does not stay reachable.
		pending = append([]storeJob(nil), pending[i:]...)
	}
}

func nextBackoff(d time.Duration) time.Duration {
	if d == 0 {
		return firstBackoff
	}
	if d*2 > maxBackoff {
		return maxBackoff
	}
	return d * 2
}

// backOff waits d before the next try; jobs queued meanwhile join the pending ones, and
// their loads fail at once.
func (s *store) backOff(pending []storeJob, d time.Duration, err error) []storeJob {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
			return pending
		case <-s.wake:
			jobs, _ := s.take(false)
			pending = append(pending, s.failLoads(jobs, err)...)
		}
	}
}

// failLoads answers every load in jobs with err and returns the writes, in order.
func (s *store) failLoads(jobs []storeJob, err error) []storeJob {
	writes := jobs[:0:0]
	for _, job := range jobs {
		if job.write {
			writes = append(writes, job)
		} else {
			job.loaded(ReadState{}, false, fmt.Errorf("store failing: %v", err))
		}
	}
	return writes
}

// serveLoads answers the loads together (Cassandra sends them concurrently).
func (s *store) serveLoads(loads []storeJob) {
	if len(loads) == 0 {
		return
	}
	keys := make([]key, len(loads))
	for i, job := range loads {
		keys[i] = job.k
	}
	s.db.loadAll(keys, func(at int, st ReadState, found bool, err error) {
		if err != nil {
			loads[at].loaded(ReadState{}, false, fmt.Errorf("store load failed: %v", err))
		} else {
			loads[at].loaded(st, found, nil)
		}
	})
}

// writeBatch commits the states of jobs: all of them, or an error and they are tried again.
func (s *store) writeBatch(jobs []storeJob) error {
	if err := s.db.writeAll(jobs); err != nil {
		s.failed(err)
		return err
	}
	s.persisted.Add(uint64(len(jobs)))
	return nil
}

// failed records the cause; the first failure of a run of them is logged, once.
func (s *store) failed(err error) {
	if s.failing() == "" {
		fmt.Fprintf(os.Stderr, "store failing: %v\n", err)
	}
	s.failure.Store(storeFailure{cause: err.Error()})
}

func (s *store) recovered() {
	if s.failing() != "" {
		fmt.Fprintln(os.Stderr, "store recovered")
		s.failure.Store(storeFailure{})
	}
}

// close stops taking jobs once the queued ones are done, and waits for them until the
// deadline. It returns how many states were not committed; the database is closed only
// when that is zero (otherwise the goroutine still uses it).
func (s *store) close(deadline time.Time) uint64 {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.signal()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case <-s.done:
		s.db.close()
		return s.unwritten()
	case <-timer.C:
		return s.unwritten()
	}
}
