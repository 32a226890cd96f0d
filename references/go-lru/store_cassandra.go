package main

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gocql/gocql"
)

const (
	// cassandraInFlight bounds the requests one store has outstanding: enough to hide a round
	// trip, few enough that a burst of write-backs does not queue inside the driver.
	cassandraInFlight = 32
	// maxCassandraBatch bounds one writeAll, as a transaction bounds SQLite's.
	maxCassandraBatch = 1000
	// A request that takes longer counts as failed (and is retried, for a write): a frozen
	// node is noticed in this time.
	cassandraRequestTimeout = 2 * time.Second
	cassandraConnectTimeout = 5 * time.Second
)

// cassandraTarget is where --store cassandra:HOSTS keeps the read states.
type cassandraTarget struct {
	hosts       []string // host or host:port
	table       string   // keyspace.table
	consistency gocql.Consistency
}

// cassandraBackend writes and reads the lab's read-state table, the one the lab's Node store
// creates (user_id bigint, channel_id bigint, last_read_message_id bigint, mention_count int,
// updated_at double). Every write is a whole-row INSERT stamped USING TIMESTAMP with its job's
// stamp, so the newest state of a row wins even when an older write lands after it (a retry, or
// two writes of one key in one concurrent batch).
type cassandraBackend struct {
	session *gocql.Session
	target  cassandraTarget
	insert  string
	lookup  string
}

// openCassandraStore connects, and proves it can write, read back and delete a row under a key
// no request can name (ids are unsigned), so a missing table fails at startup.
func openCassandraStore(target cassandraTarget) (*store, error) {
	cluster := gocql.NewCluster(target.hosts...)
	cluster.Consistency = target.consistency
	cluster.Timeout = cassandraRequestTimeout
	cluster.ConnectTimeout = cassandraConnectTimeout
	cluster.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.RoundRobinHostPolicy())
	// The store retries a failed write itself, with backoff and the same stamp; the driver's
	// retries would only hide a failing database for longer.
	cluster.RetryPolicy = &gocql.SimpleRetryPolicy{NumRetries: 0}
	// The driver's own log lines (reconnects, dial errors) would interleave with the service's
	// one-line messages; the store reports a failing database itself, once.
	cluster.Logger = quietLogger{}
	session, err := cluster.CreateSession()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", target.describe(), err)
	}
	b := &cassandraBackend{
		session: session,
		target:  target,
		insert:  "INSERT INTO " + target.table + " (user_id, channel_id, last_read_message_id, mention_count, updated_at) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?",
		lookup:  "SELECT last_read_message_id, mention_count, updated_at FROM " + target.table + " WHERE user_id = ? AND channel_id = ?",
	}
	if err := b.checkWriteRead(); err != nil {
		session.Close()
		return nil, fmt.Errorf("%s: %v", target.describe(), err)
	}
	return newStore(b), nil
}

func (t cassandraTarget) describe() string {
	return fmt.Sprintf("cassandra at %s (%s, %s)", strings.Join(t.hosts, ","), t.table, t.consistency)
}

func (b *cassandraBackend) checkWriteRead() error {
	stamp := nextStamp(0, time.Now())
	if err := b.session.Query(b.insert, -1, -1, 42, 7, 1.5, stamp).Exec(); err != nil {
		return fmt.Errorf("test write: %v", err)
	}
	var lastRead, mentions int64
	var updatedAt float64
	if err := b.session.Query(b.lookup, -1, -1).Scan(&lastRead, &mentions, &updatedAt); err != nil {
		return fmt.Errorf("test read: %v", err)
	}
	if lastRead != 42 || mentions != 7 || updatedAt != 1.5 {
		return errors.New("test read gave back a different row")
	}
	del := "DELETE FROM " + b.target.table + " USING TIMESTAMP ? WHERE user_id = ? AND channel_id = ?"
	if err := b.session.Query(del, stamp+1, -1, -1).Exec(); err != nil {
		return fmt.Errorf("test delete: %v", err)
	}
	return nil
}

func (b *cassandraBackend) maxBatch() int { return maxCassandraBatch }

// writeAll sends every write concurrently and waits for all; the first error is returned, and
// the store offers the whole batch again (writes that landed land again, with the same stamp).
func (b *cassandraBackend) writeAll(jobs []storeJob) error {
	sent, err := forEachConcurrently(len(jobs), func(at int) error {
		st := jobs[at].state
		return b.session.Query(b.insert, int64(st.UserID), int64(st.ChannelID), st.LastReadMessageID, st.MentionCount, st.UpdatedAt, jobs[at].stamp).Exec()
	})
	if err != nil {
		return fmt.Errorf("%d of %d writes not acknowledged: %v", len(jobs)-sent, len(jobs), err)
	}
	return nil
}

// loadAll reads every key concurrently, and answers on the store goroutine once all are read.
func (b *cassandraBackend) loadAll(keys []key, answer func(int, ReadState, bool, error)) {
	states := make([]ReadState, len(keys))
	found := make([]bool, len(keys))
	errs := make([]error, len(keys))
	read := make([]bool, len(keys))
	_, first := forEachConcurrently(len(keys), func(at int) error {
		k := keys[at]
		st := ReadState{UserID: k.userID, ChannelID: k.channelID}
		err := b.session.Query(b.lookup, int64(k.userID), int64(k.channelID)).Scan(&st.LastReadMessageID, &st.MentionCount, &st.UpdatedAt)
		switch {
		case err == nil:
			states[at], found[at], read[at] = st, true, true
		case errors.Is(err, gocql.ErrNotFound):
			read[at] = true
		default:
			errs[at] = err
			return err
		}
		return nil
	})
	for at := range keys {
		if !read[at] && errs[at] == nil {
			errs[at] = first // not sent: an earlier load failed
		}
		answer(at, states[at], found[at], errs[at])
	}
}

// forEachConcurrently runs do(0..n-1) with at most cassandraInFlight at once. After the first
// error it starts no more, so a frozen node costs one request timeout, not one per state. It
// returns how many calls succeeded and the first error.
func forEachConcurrently(n int, do func(at int) error) (int, error) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	succeeded := 0
	slots := make(chan struct{}, cassandraInFlight)
	for at := 0; at < n; at++ {
		slots <- struct{}{}
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop {
			break
		}
		wg.Add(1)
		go func(at int) {
			defer func() { <-slots; wg.Done() }()
			err := do(at)
			mu.Lock()
			if err == nil {
				succeeded++
			} else if first == nil {
				first = err
			}
			mu.Unlock()
		}(at)
	}
	wg.Wait()
	return succeeded, first
}

func (b *cassandraBackend) close() { b.session.Close() }

type quietLogger struct{}

func (quietLogger) Print(...interface{})          {}
func (quietLogger) Printf(string, ...interface{}) {}
func (quietLogger) Println(...interface{})        {}
