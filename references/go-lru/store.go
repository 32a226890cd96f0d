package main

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

const (
	schema = `CREATE TABLE IF NOT EXISTS read_states (
  user_id INTEGER NOT NULL,
  channel_id INTEGER NOT NULL,
  last_read_message_id INTEGER NOT NULL,
  mention_count INTEGER NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (user_id, channel_id)
) WITHOUT ROWID`
	upsertSQL = `INSERT INTO read_states VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (user_id, channel_id) DO UPDATE SET
    last_read_message_id = excluded.last_read_message_id,
    mention_count = excluded.mention_count,
    updated_at = excluded.updated_at`
	selectSQL = `SELECT last_read_message_id, mention_count, updated_at FROM read_states
  WHERE user_id = ? AND channel_id = ?`

	// maxWriteBatch bounds one transaction, so loads queued behind a burst of write-backs
	// wait for at most one batch.
	maxWriteBatch = 1000
	firstBackoff  = 50 * time.Millisecond
	maxBackoff    = 2 * time.Second
)

// storeJob is one write (a state to upsert) or one load (a key to look up, and whom to tell).
type storeJob struct {
	write  bool
	state  ReadState
	k      key
	loaded func(s ReadState, found bool, err error)
}

// store is the SQLite database behind the cache, driven by one goroutine that applies jobs
// in the order they were queued: a load therefore sees every write-back of its key queued
// before it. Queueing never blocks (the queue is unbounded), so evictions under the cache
// lock never wait for the disk.
type store struct {
	db     *sql.DB
	upsert *sql.Stmt
	lookup *sql.Stmt

	mu     sync.Mutex
	queue  []storeJob
	closed bool
	wake   chan struct{} // capacity 1: "the queue changed"
	done   chan struct{} // closed when the goroutine has finished every job

	queuedWrites atomic.Uint64 // states handed to the store
	persisted    atomic.Uint64 // states the store committed
	failure      atomic.Value  // storeFailure: the last write error, or "" while healthy
}

type storeFailure struct{ cause string }

// openStore opens (creating if missing) the database and proves it can write and read a row
// inside a transaction it rolls back, so a broken path fails at startup rather than at the
// first write-back.
func openStore(path string) (*store, error) {
	// Every connection gets the pragmas from the DSN; there is only one anyway.
	dsn := path + "?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=1000"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("the store %s cannot be used: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &store{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.failure.Store(storeFailure{})
	if err := s.prepare(); err != nil {
		db.Close()
		// SQLite's own message names no file.
		return nil, fmt.Errorf("the store %s cannot be used: %w", path, err)
	}
	return s, nil
}

func (s *store) prepare() error {
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal_mode is %q, not wal", mode)
	}
	if _, err := s.db.Exec(schema); err != nil {
		return err
	}
	var err error
	if s.upsert, err = s.db.Prepare(upsertSQL); err != nil {
		return err
	}
	if s.lookup, err = s.db.Prepare(selectSQL); err != nil {
		return err
	}
	return s.checkWriteRead()
}

// checkWriteRead writes a sentinel row (ids outside the 32-bit range, so it can never be a
// real state), reads it back and rolls the transaction back.
func (s *store) checkWriteRead() error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Stmt(s.upsert).Exec(-1, -1, 42, 7, 1.5); err != nil {
		return fmt.Errorf("test write: %w", err)
	}
	var lastRead, mentions int64
	var updatedAt float64
	if err := tx.Stmt(s.lookup).QueryRow(-1, -1).Scan(&lastRead, &mentions, &updatedAt); err != nil {
		return fmt.Errorf("test read: %w", err)
	}
	if lastRead != 42 || mentions != 7 || updatedAt != 1.5 {
		return errors.New("test read gave back a different row")
	}
	return nil
}

// write queues a state to be upserted.
func (s *store) write(state ReadState) {
	s.queuedWrites.Add(1)
	s.push(storeJob{write: true, state: state})
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
			s.serveLoad(pending[i])
			i++
		}
		n := 0
		for i+n < len(pending) && pending[i+n].write && n < maxWriteBatch {
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

func (s *store) serveLoad(job storeJob) {
	st := ReadState{UserID: job.k.userID, ChannelID: job.k.channelID}
	err := s.lookup.QueryRow(int64(job.k.userID), int64(job.k.channelID)).Scan(&st.LastReadMessageID, &st.MentionCount, &st.UpdatedAt)
	switch {
	case err == nil:
		job.loaded(st, true, nil)
	case errors.Is(err, sql.ErrNoRows):
		job.loaded(ReadState{}, false, nil)
	default:
		job.loaded(ReadState{}, false, fmt.Errorf("store load failed: %v", err))
	}
}

// writeBatch upserts the states of jobs in one transaction: all of them or none.
func (s *store) writeBatch(jobs []storeJob) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	upsert := tx.Stmt(s.upsert)
	for _, job := range jobs {
		st := job.state
		if _, err := upsert.Exec(int64(st.UserID), int64(st.ChannelID), st.LastReadMessageID, st.MentionCount, st.UpdatedAt); err != nil {
			tx.Rollback()
			s.failed(err)
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
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
		s.upsert.Close()
		s.lookup.Close()
		s.db.Close()
		return s.unwritten()
	case <-timer.C:
		return s.unwritten()
	}
}
