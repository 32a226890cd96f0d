package main

// key identifies one read state: a user in a channel.
type key struct {
	userID    uint32
	channelID uint32
}

// ReadState is what a user has read in one channel, in the shape the API answers with.
type ReadState struct {
	UserID    uint32 `json:"userId"`
	ChannelID uint32 `json:"channelId"`
	// LastReadMessageID is at most 2^53-1, so it survives a trip through a JavaScript number.
	LastReadMessageID int64 `json:"lastReadMessageId"`
	MentionCount      int64 `json:"mentionCount"`
	// UpdatedAt is in scenario milliseconds; it drives the write-back timer.
	UpdatedAt float64 `json:"updatedAt"`
}

func (s ReadState) key() key { return key{s.UserID, s.ChannelID} }

// freshState is a state the store has never seen: nothing read, no mentions.
func freshState(k key, now float64) ReadState {
	return ReadState{UserID: k.userID, ChannelID: k.channelID, UpdatedAt: now}
}
