package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

func TestRecordsAreSixteenLittleEndianBytesInLogOrder(t *testing.T) {
	o := newOutcomes(3)
	o.answered(0, 500_000, 1_234_567, 200)
	o.fate[1] = fateTimeout
	o.answered(2, 1_000_000, 3_000_000_000, 503)
	got := o.encode()
	want := []byte{}
	want = binary.LittleEndian.AppendUint64(want, uint64(734_567))
	want = binary.LittleEndian.AppendUint32(want, 1234)
	want = binary.LittleEndian.AppendUint16(want, 200)
	want = append(want, fateAnswered, 0)
	want = binary.LittleEndian.AppendUint64(want, math.MaxUint64) // -1
	want = binary.LittleEndian.AppendUint32(want, 0)
	want = binary.LittleEndian.AppendUint16(want, 0)
	want = append(want, fateTimeout, 0)
	want = binary.LittleEndian.AppendUint64(want, uint64(2_999_000_000))
	want = binary.LittleEndian.AppendUint32(want, 3_000_000)
	want = binary.LittleEndian.AppendUint16(want, 503)
	want = append(want, fateAnswered, 0)
	if !bytes.Equal(got, want) {
		t.Fatalf("records\ngot  %x\nwant %x", got, want)
	}
}

func TestCompletionTimeIsClampedToTheRecord(t *testing.T) {
	if got := microsecondsClamped(5e12); got != math.MaxUint32 {
		t.Errorf("5000 s became %d µs", got)
	}
	if got := microsecondsClamped(-1); got != 0 {
		t.Errorf("-1 ns became %d µs", got)
	}
}

func TestSummaryCountsTheRecordsFates(t *testing.T) {
	o := newOutcomes(6)
	o.answered(0, 0, 1000, 200)
	o.answered(1, 0, 1000, 404)
	o.fate[2] = fateTimeout
	o.fate[3] = fateConnectionError
	for i, lag := range []int64{100, 300, 200, 400} {
		o.sendLagNs[i] = lag
	}
	s := summarise(o, poolFigures{lastCompletedNs: 1_500_000, lastSendNs: 2_000})
	if s.Sent != 4 || s.Completed != 2 || s.Non2xx != 1 || s.Timeouts != 1 || s.Errors != 1 {
		t.Errorf("counts %+v", s)
	}
	if s.ElapsedMs != 1.5 || s.LastSendMs != 0.002 {
		t.Errorf("elapsedMs %v lastSendMs %v", s.ElapsedMs, s.LastSendMs)
	}
	if lag := s.SendLagNs; lag.P50 != 200 || lag.P99 != 400 || lag.Max != 400 || lag.Mean != 250 {
		t.Errorf("send lag %+v", lag)
	}
	line := string(s.jsonLine())
	want := `{"sent":4,"completed":2,"errors":1,"timeouts":1,"non2xx":1,"elapsedMs":1.5,"peakConnections":0,"socketsOpened":0,"waited":0,"totalWaitMs":0,"longestWaitMs":0,"sendLagNs":{"p50":200,"p99":400,"p999":400,"max":400,"mean":250},"lastSendMs":0.002}` + "\n"
	if line != want {
		t.Errorf("line\ngot  %s\nwant %s", line, want)
	}
}
