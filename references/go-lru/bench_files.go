package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// The files of `go-lru bench`, shared with the lab (harness/workload/bench-log-file.ts writes the
// request log, harness/run/bench-output.ts reads the records and the final states).

// benchLogMagic opens a request log file: its format and version.
const benchLogMagic = "RSLLOG1\n"

// Request types, as the lab's request log numbers them (harness/workload/request-log.ts).
const (
	reqMessage   = 0
	reqAck       = 1
	reqOpen      = 2
	reqReconnect = 3
)

// requestLog is the lab's request log, column by column, as the lab built it:
//   - message:   userID wrote messageID in channelID (and so acks it), mentioning list[listStart[i]:listStart[i+1]];
//   - ack:       userID read channelID up to messageID;
//   - open:      userID opened channelID (one read);
//   - reconnect: userID reads every channel of list[listStart[i]:listStart[i+1]].
type requestLog struct {
	types     []uint8
	userID    []uint32
	channelID []uint32
	messageID []int64
	listStart []uint32
	list      []uint32
}

func (l *requestLog) count() int { return len(l.types) }

// decodeRequestLog reads the file: the magic, uint32 count, uint32 list length, then the
// columns one after another, little-endian: type uint8[count], userId uint32[count], channelId
// uint32[count], messageId float64[count], listStart uint32[count+1], list uint32[listLength].
func decodeRequestLog(b []byte) (*requestLog, error) {
	if len(b) < 16 || string(b[:8]) != benchLogMagic {
		return nil, fmt.Errorf("not a request log file (no %q header)", benchLogMagic[:7])
	}
	n := int(binary.LittleEndian.Uint32(b[8:]))
	listLength := int(binary.LittleEndian.Uint32(b[12:]))
	want := 16 + n*(1+4+4+8) + (n+1)*4 + listLength*4
	if len(b) != want {
		return nil, fmt.Errorf("a request log of %d requests and %d list entries is %d bytes, not %d", n, listLength, want, len(b))
	}
	l := &requestLog{
		types:     make([]uint8, n),
		userID:    make([]uint32, n),
		channelID: make([]uint32, n),
		messageID: make([]int64, n),
		listStart: make([]uint32, n+1),
		list:      make([]uint32, listLength),
	}
	at := 16
	at += copy(l.types, b[at:at+n])
	at = readUint32s(b, at, l.userID)
	at = readUint32s(b, at, l.channelID)
	for i := range l.messageID {
		v := math.Float64frombits(binary.LittleEndian.Uint64(b[at:]))
		if !isInteger(v, maxMessageID) {
			return nil, fmt.Errorf("request %d: message id %v is not an integer from 0 to 2^53-1", i, v)
		}
		l.messageID[i] = int64(v)
		at += 8
	}
	at = readUint32s(b, at, l.listStart)
	readUint32s(b, at, l.list)
	for i, t := range l.types {
		if t > reqReconnect {
			return nil, fmt.Errorf("request %d has type %d, not one of 0-3", i, t)
		}
		if l.listStart[i] > l.listStart[i+1] || int(l.listStart[i+1]) > listLength {
			return nil, fmt.Errorf("request %d: its list offsets are out of order or out of range", i)
		}
	}
	return l, nil
}

func readUint32s(b []byte, at int, into []uint32) int {
	for i := range into {
		into[i] = binary.LittleEndian.Uint32(b[at:])
		at += 4
	}
	return at
}

// Records: one per request of the log, in log order, recordBytes each, little-endian: int64
// latency in ns from the request's due time, uint32 µs from the start (request 0's due time)
// to its completion, uint16 status (statusDone, or statusNotSent), uint8 outcome (outcomeHit,
// or outcomeMiss when any of its operations waited for the store), one reserved byte.
const (
	recordBytes   = 16
	statusNotSent = 0
	statusDone    = 200
	outcomeHit    = 0
	outcomeMiss   = 1
)

func putRecord(records []byte, i int, latencyNs int64, completedAtUs int64, outcome uint8) {
	r := records[i*recordBytes : (i+1)*recordBytes]
	binary.LittleEndian.PutUint64(r[0:], uint64(latencyNs))
	if completedAtUs < 0 {
		completedAtUs = 0
	}
	if completedAtUs > math.MaxUint32 {
		completedAtUs = math.MaxUint32
	}
	binary.LittleEndian.PutUint32(r[8:], uint32(completedAtUs))
	binary.LittleEndian.PutUint16(r[12:], statusDone)
	r[14] = outcome
	r[15] = 0
}

// writeStates writes states in the warm-file format (warm.go): 5 little-endian float64 each.
func writeStates(path string, each func(func(ReadState))) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var record [warmRecordBytes]byte
	var werr error
	each(func(s ReadState) {
		if werr != nil {
			return
		}
		fields := [5]float64{float64(s.UserID), float64(s.ChannelID), float64(s.LastReadMessageID), float64(s.MentionCount), s.UpdatedAt}
		for j, v := range fields {
			binary.LittleEndian.PutUint64(record[j*8:], math.Float64bits(v))
		}
		_, werr = w.Write(record[:])
	})
	if werr == nil {
		werr = w.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return werr
}
