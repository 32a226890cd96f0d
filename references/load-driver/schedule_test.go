package main

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestRequestIIsDueAtIOverRate(t *testing.T) {
	cases := []struct {
		i    int
		rate float64
		want int64
	}{
		{0, 2000, 0},
		{1, 2000, 500_000},
		{2000, 2000, 1_000_000_000},
		{1, 3, 333_333_333},
		{2, 3, 666_666_667},
		{10_000_000, 15000, 666_666_666_667},
		{7, 0.5, 14_000_000_000},
	}
	for _, c := range cases {
		if got := dueNs(c.i, c.rate); got != c.want {
			t.Errorf("dueNs(%d, %v) = %d, want %d", c.i, c.rate, got, c.want)
		}
	}
}

func TestScheduleOriginIsTheSharedUnixTime(t *testing.T) {
	now := time.Now()
	ahead := newSchedule(float64(now.Add(300*time.Millisecond).UnixMilli()), 1000, now)
	if left := -ahead.nowNs(); left < 250e6 || left > 300e6 {
		t.Errorf("an origin 300 ms ahead is %d ns away", left)
	}
	// An origin already past stays where it was: the early requests are late, and say so.
	past := newSchedule(float64(now.Add(-2*time.Second).UnixMilli()), 1000, now)
	if since := past.nowNs(); since < 1.9e9 || since > 3e9 {
		t.Errorf("an origin 2 s ago is %d ns behind", since)
	}
}

func TestWaitUntilReturnsAtTheDueTimeNotBefore(t *testing.T) {
	s := newSchedule(float64(time.Now().UnixMilli()), 1000, time.Now())
	var stop atomic.Bool
	for _, due := range []int64{5e6, 5.3e6, 20e6} {
		if !waitUntil(s, due, &stop) {
			t.Fatal("waitUntil said stop")
		}
		if now := s.nowNs(); now < due {
			t.Errorf("returned %d ns before its due time", due-now)
		}
	}
	stop.Store(true)
	start := time.Now()
	if waitUntil(s, s.nowNs()+int64(time.Hour), &stop) {
		t.Error("waitUntil ignored stop")
	}
	if time.Since(start) > time.Second {
		t.Error("waitUntil took long to see stop")
	}
}
