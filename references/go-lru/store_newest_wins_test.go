package main

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// lwwTable is Cassandra's rule for one table, in memory: per key the write with the highest
// stamp is kept, whatever order the writes arrive in.
type lwwTable struct {
	mu     sync.Mutex
	rows   map[key]storeJob
	fails  int // writeAll calls still to fail
	writes [][]storeJob
}

func (b *lwwTable) writeAll(jobs []storeJob) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.writes = append(b.writes, append([]storeJob(nil), jobs...))
	if b.fails > 0 {
		b.fails--
		// Half the batch lands before the error, as concurrent writes can.
		b.apply(jobs[:len(jobs)/2])
		return errors.New("write timed out")
	}
	// Newest first: the order of landing must not matter.
	for i := len(jobs) - 1; i >= 0; i-- {
		b.apply(jobs[i : i+1])
	}
	return nil
}

func (b *lwwTable) apply(jobs []storeJob) {
	for _, job := range jobs {
		if old, ok := b.rows[job.state.key()]; !ok || job.stamp > old.stamp {
			b.rows[job.state.key()] = job
		}
	}
}

func (b *lwwTable) loadAll(keys []key, answer func(int, ReadState, bool, error)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for at, k := range keys {
		row, ok := b.rows[k]
		answer(at, row.state, ok, nil)
	}
}

func (b *lwwTable) maxBatch() int { return 1000 }
func (b *lwwTable) close()        {}

func (b *lwwTable) row(k key) ReadState {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rows[k].state
}

// Stamps grow with every write even when the wall clock stands still or steps back.
func TestStampsOnlyGrow(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	first := nextStamp(0, now)
	if first != now.UnixNano()/1000 {
		t.Fatalf("first stamp %d is not the clock in microseconds", first)
	}
	second := nextStamp(first, now)
	third := nextStamp(second, now.Add(-time.Second))
	if !(first < second && second < third) {
		t.Fatalf("stamps %d %d %d do not grow", first, second, third)
	}
}

// Two writes of one key in one batch, landing newest first: the table keeps the newest, so the
// last read message id does not go backwards.
func TestNewestWriteWinsWhateverOrderItLands(t *testing.T) {
	table := &lwwTable{rows: map[key]storeJob{}}
	st := newStore(table)
	k := key{7, 9}
	st.write(ReadState{UserID: 7, ChannelID: 9, LastReadMessageID: 100, MentionCount: 3})
	st.write(ReadState{UserID: 7, ChannelID: 9, LastReadMessageID: 120, MentionCount: 0})
	go st.run()
	if n := st.close(time.Now().Add(5 * time.Second)); n != 0 {
		t.Fatalf("%d unwritten", n)
	}
	if got := table.row(k); got.LastReadMessageID != 120 || got.MentionCount != 0 {
		t.Fatalf("table kept %+v, not the newest write", got)
	}
}

// A batch that fails is retried with the same stamps until it lands; nothing is dropped, the
// store says it is failing meanwhile (so writes are answered 503) and recovers after.
func TestFailedWritesAreRetriedWithTheirStampsNeverDropped(t *testing.T) {
	table := &lwwTable{rows: map[key]storeJob{}, fails: 2}
	st := newStore(table)
	for user := uint32(1); user <= 10; user++ {
		st.write(ReadState{UserID: user, ChannelID: 1, LastReadMessageID: int64(user)})
	}
	go st.run()
	sawFailing := false
	deadline := time.Now().Add(10 * time.Second)
	for st.persisted.Load() < 10 && time.Now().Before(deadline) {
		sawFailing = sawFailing || st.failing() != ""
		time.Sleep(5 * time.Millisecond)
	}
	if n := st.close(time.Now().Add(5 * time.Second)); n != 0 {
		t.Fatalf("%d unwritten", n)
	}
	if !sawFailing {
		t.Error("the store never said it was failing")
	}
	if st.failing() != "" {
		t.Errorf("still failing after the retry landed: %s", st.failing())
	}
	table.mu.Lock()
	tries := table.writes
	table.mu.Unlock()
	if len(tries) != 3 {
		t.Fatalf("%d tries, want 3 (two failures, then the batch)", len(tries))
	}
	for i, job := range tries[2] {
		if job.stamp != tries[0][i].stamp {
			t.Fatalf("write %d retried with stamp %d, first sent with %d", i, job.stamp, tries[0][i].stamp)
		}
	}
	for user := uint32(1); user <= 10; user++ {
		if got := table.row(key{user, 1}); got.LastReadMessageID != int64(user) {
			t.Fatalf("user %d: table holds %+v", user, got)
		}
	}
}

// A load queued while a write batch fails is refused at once (503), not kept waiting.
func TestLoadsFailWhileWritesAreFailing(t *testing.T) {
	table := &lwwTable{rows: map[key]storeJob{}, fails: 1000}
	st := newStore(table)
	st.write(ReadState{UserID: 1, ChannelID: 1, LastReadMessageID: 5})
	go st.run()
	for st.failing() == "" {
		time.Sleep(5 * time.Millisecond)
	}
	answered := make(chan error, 1)
	st.load(key{2, 2}, func(_ ReadState, _ bool, err error) { answered <- err })
	select {
	case err := <-answered:
		if err == nil {
			t.Fatal("a load behind a failing write was answered as if the store were healthy")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a load behind a failing write waited")
	}
	table.mu.Lock()
	table.fails = 0
	table.mu.Unlock()
	if n := st.close(time.Now().Add(10 * time.Second)); n != 0 {
		t.Fatalf("%d unwritten after the table recovered", n)
	}
}
