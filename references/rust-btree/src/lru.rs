//! The LRU cache of read states, built from BTreeMaps only (Discord's Rust read-states service
//! kept its states in a BTreeMap-based LRU; this is one honest way to make one).
//!
//! Three ordered maps, all touched in O(log n) per operation:
//! - `entries`: (userId, channelId) -> the state, with the tick it was last used and the tick
//!   it was last dirtied (0 = clean).
//! - `recency`: last-use tick -> key. Its first entry is the least recently used one, so
//!   eviction is `pop_first`; marking an entry used moves it to a fresh, larger tick.
//! - `dirty`: last-update tick -> key, for dirty entries only. The service's clock never goes
//!   backwards and every update happens under the cache lock, so this order is also `updatedAt`
//!   order: the write-back timer drains from the front and stops at the first state not yet due,
//!   instead of scanning the whole cache.
//!
//! Ticks come from one counter that only grows, so they are unique across both maps.

use std::collections::BTreeMap;

use crate::state::{Key, ReadState};

/// What a request does to one read state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    /// Mark it most recently used.
    Read,
    /// lastRead = max(lastRead, messageId), mentions = 0, updatedAt = now, dirty.
    Ack(u64),
    /// mentions += 1, updatedAt = now, dirty.
    Mention,
}

struct Entry {
    last_read_message_id: u64,
    mention_count: u64,
    updated_at: f64,
    /// Key of this entry in `recency`.
    used: u64,
    /// Key of this entry in `dirty`, or 0 when it is clean.
    dirtied: u64,
}

impl Entry {
    fn state(&self, (user_id, channel_id): Key) -> ReadState {
        ReadState {
            user_id,
            channel_id,
            last_read_message_id: self.last_read_message_id,
            mention_count: self.mention_count,
            updated_at: self.updated_at,
        }
    }
}

pub struct BTreeLru {
    capacity: usize,
    entries: BTreeMap<Key, Entry>,
    recency: BTreeMap<u64, Key>,
    dirty: BTreeMap<u64, Key>,
    tick: u64,
    evictions: u64,
}

impl BTreeLru {
    pub fn new(capacity: usize) -> BTreeLru {
        assert!(capacity >= 1, "capacity must be at least 1");
        BTreeLru { capacity, entries: BTreeMap::new(), recency: BTreeMap::new(), dirty: BTreeMap::new(), tick: 0, evictions: 0 }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Entries that left to make room: the cache never drops an entry any other way.
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// Applies `op` to a cached state and marks it most recently used; returns the state after
    /// it, or None on a miss (nothing changes then).
    pub fn apply(&mut self, key: Key, op: Op, now: f64) -> Option<ReadState> {
        let entry = self.entries.get_mut(&key)?;
        self.tick += 1;
        let tick = self.tick;
        self.recency.remove(&entry.used);
        entry.used = tick;
        self.recency.insert(tick, key);
        match op {
            Op::Read => return Some(entry.state(key)),
            Op::Ack(message_id) => {
                entry.last_read_message_id = entry.last_read_message_id.max(message_id);
                entry.mention_count = 0;
            }
            Op::Mention => entry.mention_count = entry.mention_count.saturating_add(1),
        }
        entry.updated_at = now;
        if entry.dirtied != 0 {
            self.dirty.remove(&entry.dirtied);
        }
        entry.dirtied = tick;
        self.dirty.insert(tick, key);
        Some(entry.state(key))
    }

    /// Adds a clean state (loaded from the store, or warm) as the most recently used entry,
    /// replacing any entry with the same key, whose dirty mark is dropped on purpose (the
    /// contract's `insert`). When full, evicts the least recently used entry first and returns
    /// it if it was dirty, for the caller to write back.
    pub fn insert(&mut self, state: ReadState) -> Option<ReadState> {
        let key = state.key();
        if let Some(old) = self.entries.remove(&key) {
            self.recency.remove(&old.used);
            if old.dirtied != 0 {
                self.dirty.remove(&old.dirtied);
            }
        }
        let evicted = if self.entries.len() >= self.capacity { self.evict_lru() } else { None };
        let tick = self.next_tick();
        self.entries.insert(
            key,
            Entry {
                last_read_message_id: state.last_read_message_id,
                mention_count: state.mention_count,
                updated_at: state.updated_at,
                used: tick,
                dirtied: 0,
            },
        );
        self.recency.insert(tick, key);
        evicted
    }

    fn evict_lru(&mut self) -> Option<ReadState> {
        let (_, key) = self.recency.pop_first()?;
        let entry = self.entries.remove(&key).expect("every recency tick names a cached entry");
        self.evictions += 1;
        if entry.dirtied == 0 {
            return None;
        }
        self.dirty.remove(&entry.dirtied);
        Some(entry.state(key))
    }

    /// Every cached state, in key order (the bench's final dump).
    pub fn states(&self) -> impl Iterator<Item = ReadState> + '_ {
        self.entries.iter().map(|(&key, entry)| entry.state(key))
    }

    /// Marks clean and returns the dirty states with updatedAt <= `older_than`, oldest update
    /// first, at most `max` of them. LRU order does not change.
    pub fn drain_due(&mut self, older_than: f64, max: usize) -> Vec<ReadState> {
        let mut due = Vec::new();
        while due.len() < max {
            let Some((&tick, &key)) = self.dirty.first_key_value() else { break };
            let entry = self.entries.get_mut(&key).expect("every dirty tick names a cached entry");
            if entry.updated_at > older_than {
                break;
            }
            self.dirty.remove(&tick);
            entry.dirtied = 0;
            due.push(entry.state(key));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(user: u32, channel: u32, last_read: u64) -> ReadState {
        ReadState { user_id: user, channel_id: channel, last_read_message_id: last_read, mention_count: 0, updated_at: 0.0 }
    }

    #[test]
    fn evicts_the_least_recently_used_and_returns_it_only_if_dirty() {
        let mut lru = BTreeLru::new(2);
        assert_eq!(lru.insert(state(1, 1, 0)), None);
        assert_eq!(lru.insert(state(2, 2, 0)), None);
        lru.apply((1, 1), Op::Ack(5), 10.0).unwrap(); // (1,1) is now MRU and dirty
        assert_eq!(lru.insert(state(3, 3, 0)), None, "(2,2) was clean");
        let evicted = lru.insert(state(4, 4, 0)).expect("(1,1) was dirty");
        assert_eq!((evicted.key(), evicted.last_read_message_id, evicted.updated_at), ((1, 1), 5, 10.0));
        assert_eq!(lru.apply((1, 1), Op::Read, 11.0), None);
        assert_eq!((lru.len(), lru.evictions()), (2, 2));
    }

    #[test]
    fn ack_and_mention_follow_the_contract() {
        let mut lru = BTreeLru::new(4);
        lru.insert(state(7, 70, 100));
        assert_eq!(lru.apply((7, 70), Op::Mention, 1.0).unwrap().mention_count, 1);
        assert_eq!(lru.apply((7, 70), Op::Mention, 2.0).unwrap().mention_count, 2);
        let acked = lru.apply((7, 70), Op::Ack(50), 3.0).unwrap();
        assert_eq!(
            (acked.last_read_message_id, acked.mention_count, acked.updated_at),
            (100, 0, 3.0),
            "lastRead never goes back"
        );
    }

    #[test]
    fn drains_due_states_oldest_first_and_keeps_lru_order() {
        let mut lru = BTreeLru::new(3);
        for user in 1..=3 {
            lru.insert(state(user, 0, 0));
        }
        lru.apply((2, 0), Op::Mention, 1.0);
        lru.apply((1, 0), Op::Mention, 2.0);
        lru.apply((3, 0), Op::Mention, 3.0);
        lru.apply((2, 0), Op::Read, 4.0); // a read does not make it newer to write back
        let due: Vec<Key> = lru.drain_due(2.0, 10).iter().map(ReadState::key).collect();
        assert_eq!(due, vec![(2, 0), (1, 0)]);
        assert_eq!(lru.drain_due(f64::INFINITY, 10).len(), 1);
        assert!(lru.drain_due(f64::INFINITY, 10).is_empty(), "drained states are clean");
        // LRU order is still 1, 3, 2: inserting evicts (1, 0), clean, so nothing to write.
        assert_eq!(lru.insert(state(9, 9, 0)), None);
        assert_eq!(lru.apply((1, 0), Op::Read, 5.0), None);
    }

    #[test]
    fn drain_respects_its_limit() {
        let mut lru = BTreeLru::new(10);
        for user in 0..10 {
            lru.insert(state(user, 0, 0));
            lru.apply((user, 0), Op::Ack(1), user as f64);
        }
        assert_eq!(lru.drain_due(100.0, 4).len(), 4);
        assert_eq!(lru.drain_due(100.0, 100).len(), 6);
    }

    #[test]
    fn insert_replaces_and_drops_the_dirty_mark() {
        let mut lru = BTreeLru::new(2);
        lru.insert(state(1, 1, 0));
        lru.apply((1, 1), Op::Ack(9), 1.0);
        lru.insert(state(1, 1, 3));
        assert_eq!(lru.len(), 1);
        assert!(lru.drain_due(f64::INFINITY, 10).is_empty());
        assert_eq!(lru.apply((1, 1), Op::Read, 2.0).unwrap().last_read_message_id, 3);
    }
}
