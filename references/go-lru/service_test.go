package main

import (
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func newTestService(t *testing.T, capacity int) (*service, *store) {
	t.Helper()
	st, err := openStore(filepath.Join(t.TempDir(), "states.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	go st.run()
	svc := newService(newLRU(capacity), st, newClock(1), 30000)
	t.Cleanup(func() { st.close(time.Now().Add(5 * time.Second)) })
	return svc, st
}

// Concurrent misses of one key load it once and apply every waiting operation.
func TestConcurrentMissesLoadOnceAndLoseNothing(t *testing.T) {
	svc, _ := newTestService(t, 100)
	k := key{55, 900}
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc.run([]*op{{kind: opMention, k: k}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	o := &op{kind: opRead, k: k}
	if err := svc.run([]*op{o}); err != nil || o.result.MentionCount != 200 {
		t.Fatalf("mentions %d, err %v", o.result.MentionCount, err)
	}
}

// An evicted dirty state, loaded again at once, comes back with its update: the load is
// queued behind the write-back.
func TestLoadSeesEarlierWriteBack(t *testing.T) {
	svc, st := newTestService(t, 1)
	for round := int64(1); round <= 50; round++ {
		for user := uint32(0); user < 3; user++ {
			if err := svc.run([]*op{{kind: opAck, k: key{user, 1}, messageID: round}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for user := uint32(0); user < 3; user++ {
		o := &op{kind: opRead, k: key{user, 1}}
		if err := svc.run([]*op{o}); err != nil || o.result.LastReadMessageID != 50 {
			t.Fatalf("user %d: %+v %v", user, o.result, err)
		}
	}
	svc.closeAndFlush()
	if n := st.close(time.Now().Add(5 * time.Second)); n != 0 {
		t.Fatalf("%d unwritten", n)
	}
}
