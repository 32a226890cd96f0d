package main

import "sync"

// memJob is one write (a state to keep), one load (a key to look up) or a barrier (closed
// once every job queued before it is done).
type memJob struct {
	write   bool
	state   ReadState
	k       key
	barrier chan struct{}
}

// loadAnswer is the store's reply to one load.
type loadAnswer struct {
	k      key
	stored ReadState
	found  bool
}

// memStore is the bench's database: states in a map on a goroutine of its own, as the lab's
// memory store keeps them in a worker thread. Jobs are applied in the order they were queued,
// so a load sees every write-back of its key queued before it; loads are answered on a
// channel, so every miss pays a round trip between goroutines. Queueing never blocks (the
// queue is unbounded, as store.go's is), so a write-back under the cache lock never waits.
type memStore struct {
	mu    sync.Mutex
	queue []memJob
	wake  chan struct{} // capacity 1: "the queue changed"
	// states has no pointers in its keys or values, so the GC never scans its buckets.
	states  map[key]ReadState
	answers chan loadAnswer
}

func newMemStore() *memStore {
	return &memStore{wake: make(chan struct{}, 1), states: make(map[key]ReadState), answers: make(chan loadAnswer, 1<<14)}
}

func (s *memStore) write(state ReadState) { s.push(memJob{write: true, state: state}) }
func (s *memStore) load(k key)            { s.push(memJob{k: k}) }

// settled returns once every job queued before it is done.
func (s *memStore) settled() {
	done := make(chan struct{})
	s.push(memJob{barrier: done})
	<-done
}

func (s *memStore) push(job memJob) {
	s.mu.Lock()
	s.queue = append(s.queue, job)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run applies jobs for ever; the bench process exits when it is done with the store.
func (s *memStore) run() {
	for {
		s.mu.Lock()
		jobs := s.queue
		s.queue = nil
		s.mu.Unlock()
		if len(jobs) == 0 {
			<-s.wake
			continue
		}
		for _, job := range jobs {
			switch {
			case job.barrier != nil:
				close(job.barrier)
			case job.write:
				s.states[job.state.key()] = job.state
			default:
				stored, found := s.states[job.k]
				s.answers <- loadAnswer{k: job.k, stored: stored, found: found}
			}
		}
	}
}
