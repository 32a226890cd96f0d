package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// warmRecordBytes is one warm-file record: userId, channelId, lastReadMessageId,
// mentionCount, updatedAt, each a little-endian float64.
const warmRecordBytes = 5 * 8

// readWarmFile reads the states to fill the cache with before listening.
func readWarmFile(path string) ([]ReadState, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b)%warmRecordBytes != 0 {
		return nil, fmt.Errorf("%s: %d bytes is not a whole number of %d-byte records", path, len(b), warmRecordBytes)
	}
	states := make([]ReadState, len(b)/warmRecordBytes)
	for i := range states {
		var f [5]float64
		for j := range f {
			at := i*warmRecordBytes + j*8
			f[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[at : at+8]))
		}
		if !isInteger(f[0], maxUint32) || !isInteger(f[1], maxUint32) || !isInteger(f[2], maxMessageID) ||
			!isInteger(f[3], maxMessageID) || math.IsNaN(f[4]) || math.IsInf(f[4], 0) {
			return nil, fmt.Errorf("%s: record %d is not a read state: %v", path, i, f)
		}
		states[i] = ReadState{
			UserID:            uint32(f[0]),
			ChannelID:         uint32(f[1]),
			LastReadMessageID: int64(f[2]),
			MentionCount:      int64(f[3]),
			UpdatedAt:         f[4],
		}
	}
	return states, nil
}

// isInteger reports whether v is an integer from 0 to max.
func isInteger(v, max float64) bool {
	return v == math.Trunc(v) && v >= 0 && v <= max
}

// warm inserts states as clean entries, in file order (the last one ends up most recently
// used); nothing is written to the store.
func warm(cache *lruCache, states []ReadState) {
	for _, s := range states {
		cache.insert(s)
	}
}
