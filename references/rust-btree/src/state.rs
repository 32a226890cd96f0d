//! A read state: what one user has read in one channel.

use serde_json::{json, Value};

/// (userId, channelId). Ordered by user first, so one user's channels sit side by side in
/// every BTreeMap keyed by it (a reconnect touches neighbouring leaves).
pub type Key = (u32, u32);

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadState {
    pub user_id: u32,
    pub channel_id: u32,
    /// Integer in 0..=2^53-1, so it survives the trip through a JSON (JavaScript) number.
    pub last_read_message_id: u64,
    pub mention_count: u64,
    /// Scenario milliseconds of the last change; drives the write-back timer.
    pub updated_at: f64,
}

impl ReadState {
    /// A state the store does not have: nothing read, no mentions.
    pub fn fresh((user_id, channel_id): Key, now: f64) -> ReadState {
        ReadState { user_id, channel_id, last_read_message_id: 0, mention_count: 0, updated_at: now }
    }

    pub fn key(&self) -> Key {
        (self.user_id, self.channel_id)
    }

    /// The contract's JSON: {"userId","channelId","lastReadMessageId","mentionCount","updatedAt"}.
    pub fn to_json(self) -> Value {
        json!({
            "userId": self.user_id,
            "channelId": self.channel_id,
            "lastReadMessageId": self.last_read_message_id,
            "mentionCount": self.mention_count,
            "updatedAt": self.updated_at,
        })
    }
}
