package main

import (
	"math"
	"testing"
)

func TestLRUEvictsLeastRecentlyUsedAndWritesBackOnlyDirty(t *testing.T) {
	c := newLRU(2)
	var written []ReadState
	c.onEvict = func(s ReadState) { written = append(written, s) }
	a, b, d := key{1, 1}, key{2, 2}, key{3, 3}
	c.insert(freshState(a, 0))
	c.insert(freshState(b, 0))
	c.ack(a, 5, 1) // a dirty and most recently used: b is now the oldest
	c.insert(freshState(d, 2))
	if _, ok := c.read(b); ok {
		t.Fatal("b should have been evicted")
	}
	if len(written) != 0 {
		t.Fatalf("clean b was written back: %v", written)
	}
	c.read(d) // a is now the oldest
	c.insert(freshState(b, 3))
	if len(written) != 1 || written[0].key() != a || written[0].LastReadMessageID != 5 {
		t.Fatalf("dirty a should have been written back, got %v", written)
	}
	if c.evictions != 2 || c.len() != 2 {
		t.Fatalf("evictions %d len %d", c.evictions, c.len())
	}
}

func TestAckNeverMovesBackAndClearsMentions(t *testing.T) {
	c := newLRU(4)
	k := key{7, 70}
	c.insert(freshState(k, 0))
	c.ack(k, 100, 1)
	c.mention(k, 2)
	c.mention(k, 3)
	s, _ := c.ack(k, 50, 4)
	if s.LastReadMessageID != 100 || s.MentionCount != 0 || s.UpdatedAt != 4 {
		t.Fatalf("got %+v", s)
	}
}

func TestDrainDueTakesOldestUpdatesFirstUpToMax(t *testing.T) {
	c := newLRU(10)
	for i := uint32(0); i < 5; i++ {
		c.insert(freshState(key{i, 0}, 0))
	}
	c.mention(key{3, 0}, 1)
	c.mention(key{1, 0}, 2)
	c.mention(key{4, 0}, 3)
	c.mention(key{3, 0}, 4) // moves 3 behind 4
	var got []uint32
	sink := func(s ReadState) { got = append(got, s.UserID) }
	if n := c.drainDue(3, 1, sink); n != 1 {
		t.Fatalf("drained %d, want 1 (max)", n)
	}
	c.drainDue(3, -1, sink)
	if len(got) != 2 || got[0] != 1 || got[1] != 4 {
		t.Fatalf("drained %v, want [1 4]", got)
	}
	c.drainDue(math.Inf(1), -1, sink)
	if len(got) != 3 || got[2] != 3 || c.dirty.Len() != 0 {
		t.Fatalf("drained %v", got)
	}
}

func TestInsertReplacesAndCleans(t *testing.T) {
	c := newLRU(2)
	k := key{1, 2}
	c.insert(freshState(k, 0))
	c.mention(k, 1)
	c.insert(ReadState{UserID: 1, ChannelID: 2, LastReadMessageID: 9})
	if c.len() != 1 || c.dirty.Len() != 0 {
		t.Fatalf("len %d dirty %d", c.len(), c.dirty.Len())
	}
	if s, _ := c.read(k); s.LastReadMessageID != 9 || s.MentionCount != 0 {
		t.Fatalf("got %+v", s)
	}
}
