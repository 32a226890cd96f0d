package main

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

func TestScheduleMakesRequestIDueAtStartPlusIOverRate(t *testing.T) {
	start := time.Now()
	sc := schedule{start: start, interval: float64(time.Second) / 4000}
	if got := sc.due(0); !got.Equal(start) {
		t.Fatalf("request 0 is due at %v, not the start", got.Sub(start))
	}
	if got := sc.due(4000).Sub(start); got != time.Second {
		t.Fatalf("request 4000 at 4000/s is due %v after the start, not 1s", got)
	}
	if got := sc.due(3).Sub(start); got != 750*time.Microsecond {
		t.Fatalf("request 3 at 4000/s is due %v after the start, not 750µs", got)
	}
}

func TestRecordTimesFromTheDueTimeNotTheSend(t *testing.T) {
	start := time.Now()
	sc := schedule{start: start, interval: float64(time.Millisecond)}
	records := make([]byte, 3*recordBytes)
	// Request 2 is due at 2 ms and done at 7.5 ms: 5.5 ms late, whenever it was sent.
	sc.record(records, 2, start.Add(7500*time.Microsecond), outcomeMiss)
	r := records[2*recordBytes:]
	if got := int64(binary.LittleEndian.Uint64(r[0:])); got != 5_500_000 {
		t.Fatalf("latency %d ns, want 5500000", got)
	}
	if got := binary.LittleEndian.Uint32(r[8:]); got != 7500 {
		t.Fatalf("completed at %d µs, want 7500", got)
	}
	if got := binary.LittleEndian.Uint16(r[12:]); got != statusDone {
		t.Fatalf("status %d, want %d", got, statusDone)
	}
	if r[14] != outcomeMiss || r[15] != 0 {
		t.Fatalf("outcome %d reserved %d, want %d and 0", r[14], r[15], outcomeMiss)
	}
	for _, b := range records[:2*recordBytes] {
		if b != 0 {
			t.Fatal("a record never written must stay all zero: status 0, not sent")
		}
	}
}

func TestWaitUntilNeverWakesBeforeTheDueTime(t *testing.T) {
	for _, ahead := range []time.Duration{0, 200 * time.Microsecond, 3 * time.Millisecond} {
		due := time.Now().Add(ahead)
		if woke := waitUntil(due); woke.Before(due) {
			t.Fatalf("woke %v before a due time %v ahead", due.Sub(woke), ahead)
		}
	}
}

// encodeRequestLog is harness/workload/bench-log-file.ts's format, for these tests.
func encodeRequestLog(types []uint8, users, channels []uint32, messages []float64, listStart, list []uint32) []byte {
	n := len(types)
	b := make([]byte, 0, 16+n*17+(n+1)*4+len(list)*4)
	b = append(b, benchLogMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(list)))
	b = append(b, types...)
	for _, cols := range [][]uint32{users, channels} {
		for _, v := range cols {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	for _, v := range messages {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	for _, cols := range [][]uint32{listStart, list} {
		for _, v := range cols {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	return b
}

func TestRequestLogFileDecodesColumnByColumn(t *testing.T) {
	b := encodeRequestLog(
		[]uint8{reqMessage, reqReconnect},
		[]uint32{7, 8}, []uint32{70, 0}, []float64{1 << 50, 0},
		[]uint32{0, 2, 5}, []uint32{1, 2, 10, 11, 12},
	)
	l, err := decodeRequestLog(b)
	if err != nil {
		t.Fatal(err)
	}
	if l.count() != 2 || l.userID[1] != 8 || l.channelID[0] != 70 || l.messageID[0] != 1<<50 {
		t.Fatalf("decoded %+v", l)
	}
	if got := l.list[l.listStart[1]:l.listStart[2]]; len(got) != 3 || got[0] != 10 || got[2] != 12 {
		t.Fatalf("reconnect channels %v, want [10 11 12]", got)
	}
	if _, err := decodeRequestLog(b[:len(b)-1]); err == nil {
		t.Fatal("a truncated file was accepted")
	}
}

func TestBenchServiceQueuesMissesBehindOneLoadAndFinishesTheRequestWhenAllAreApplied(t *testing.T) {
	l, err := decodeRequestLog(encodeRequestLog(
		[]uint8{reqMessage}, []uint32{1}, []uint32{9}, []float64{42}, []uint32{0, 2}, []uint32{2, 1},
	))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	svc := &benchService{
		cache: newLRU(4), loading: make(map[key][]benchOp), store: newMemStore(),
		records: make([]byte, recordBytes), waiting: make([]uint16, 1),
		clk: &clock{start: start, scale: 1}, sched: schedule{start: start, interval: 1e6},
	}
	go svc.store.run()
	// The author's ack, then mentions of users 2 and 1: keys (1,9) and (2,9), (1,9) twice.
	if svc.handle(l, 0) {
		t.Fatal("an empty cache answered at once")
	}
	if svc.misses != 3 || len(svc.loading) != 2 || svc.waiting[0] != 3 {
		t.Fatalf("misses %d loads %d waiting %d, want 3, 2, 3", svc.misses, len(svc.loading), svc.waiting[0])
	}
	go svc.answer()
	deadline := time.Now().Add(5 * time.Second)
	for {
		svc.mu.Lock()
		left := svc.outstanding
		svc.mu.Unlock()
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the request never finished")
		}
		time.Sleep(time.Millisecond)
	}
	svc.mu.Lock()
	defer svc.mu.Unlock()
	author, _ := svc.cache.read(key{1, 9})
	other, _ := svc.cache.read(key{2, 9})
	if author.LastReadMessageID != 42 || author.MentionCount != 1 || other.MentionCount != 1 {
		t.Fatalf("author %+v other %+v: the ack then the mention must both apply, in order", author, other)
	}
	if svc.records[14] != outcomeMiss || binary.LittleEndian.Uint16(svc.records[12:]) != statusDone {
		t.Fatal("the request is not recorded as a miss, done")
	}
}
