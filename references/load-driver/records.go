package main

import (
	"encoding/binary"
	"math"
)

// What became of one request, as the records file says it.
const (
	fateNotSent         = 0
	fateAnswered        = 1 // any status
	fateTimeout         = 2
	fateConnectionError = 3
)

// recordSize is the bytes of one request's record: int64 latencyNs, uint32 completedAtUs,
// uint16 status, uint8 fate, uint8 reserved, little-endian.
const recordSize = 16

// outcomes holds every request's outcome, indexed by its place in the request file. Each index
// is written by the one goroutine that owns that request at the time.
type outcomes struct {
	latencyNs     []int64 // answer read minus due time; -1 when not answered
	completedAtUs []uint32
	status        []uint16
	fate          []uint8
	sendLagNs     []int64 // write minus due time; notWritten when never written
}

// notWritten marks a request that never reached write(2).
const notWritten = math.MinInt64

func newOutcomes(n int) *outcomes {
	o := &outcomes{
		latencyNs:     make([]int64, n),
		completedAtUs: make([]uint32, n),
		status:        make([]uint16, n),
		fate:          make([]uint8, n),
		sendLagNs:     make([]int64, n),
	}
	for i := 0; i < n; i++ {
		o.latencyNs[i] = -1
		o.sendLagNs[i] = notWritten
	}
	return o
}

// answered records request i's answer, read completedNs after the origin.
func (o *outcomes) answered(i int, dueNs, completedNs int64, status int) {
	o.latencyNs[i] = completedNs - dueNs
	o.completedAtUs[i] = microsecondsClamped(completedNs)
	o.status[i] = uint16(min(status, math.MaxUint16))
	o.fate[i] = fateAnswered
}

// microsecondsClamped keeps a time after the origin within the record's uint32 (71 minutes).
func microsecondsClamped(ns int64) uint32 {
	us := ns / 1000
	if us < 0 {
		return 0
	}
	if us > math.MaxUint32 {
		return math.MaxUint32
	}
	return uint32(us)
}

// encode lays the records out one after another, request i at offset 16*i.
func (o *outcomes) encode() []byte {
	out := make([]byte, recordSize*len(o.fate))
	for i := range o.fate {
		record := out[recordSize*i : recordSize*(i+1)]
		binary.LittleEndian.PutUint64(record[0:], uint64(o.latencyNs[i]))
		binary.LittleEndian.PutUint32(record[8:], o.completedAtUs[i])
		binary.LittleEndian.PutUint16(record[12:], o.status[i])
		record[14] = o.fate[i]
		record[15] = 0
	}
	return out
}
