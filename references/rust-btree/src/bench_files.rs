//! The files of `rust-btree bench`, shared with the lab (harness/workload/bench-log-file.ts
//! writes the request log; harness/run/bench-output.ts reads the records and the final states),
//! in the same formats as go-lru's bench.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::lru::Op;
use crate::state::{Key, ReadState};

const MAGIC: &[u8; 8] = b"RSLLOG1\n";
const MESSAGE: u8 = 0;
const ACK: u8 = 1;
const OPEN: u8 = 2;
const RECONNECT: u8 = 3;

/// One record per request, in log order, little-endian: i64 latency in ns from its due time,
/// u32 µs from the start to its completion, u16 status (STATUS_DONE; 0: not sent), u8 outcome,
/// one reserved byte.
pub const RECORD_BYTES: usize = 16;
pub const STATUS_DONE: u16 = 200;
pub const OUTCOME_HIT: u8 = 0;
/// Any of the request's operations waited for the store.
pub const OUTCOME_MISS: u8 = 1;

pub fn put_record(record: &mut [u8], latency_ns: i64, completed_us: u32, outcome: u8) {
    record[0..8].copy_from_slice(&latency_ns.to_le_bytes());
    record[8..12].copy_from_slice(&completed_us.to_le_bytes());
    record[12..14].copy_from_slice(&STATUS_DONE.to_le_bytes());
    record[14] = outcome;
    record[15] = 0;
}

/// The lab's request log, column by column (harness/workload/request-log.ts says what each
/// request type means).
pub struct RequestLog {
    types: Vec<u8>,
    user_id: Vec<u32>,
    channel_id: Vec<u32>,
    message_id: Vec<u64>,
    list_start: Vec<u32>,
    list: Vec<u32>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let slice = &self.bytes[self.at..self.at + n];
        self.at += n;
        slice
    }
    fn u32s(&mut self, n: usize) -> Vec<u32> {
        self.take(n * 4).chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))).collect()
    }
}

impl RequestLog {
    /// The magic, u32 count, u32 list length, then the columns: type u8[count], userId
    /// u32[count], channelId u32[count], messageId f64[count], listStart u32[count + 1], list
    /// u32[listLength].
    pub fn decode(bytes: &[u8]) -> Result<RequestLog, String> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err("not a request log file (no RSLLOG1 header)".to_string());
        }
        let n = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
        let list_length = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
        let want = 16 + n * 17 + (n + 1) * 4 + list_length * 4;
        if bytes.len() != want {
            return Err(format!(
                "a request log of {n} requests and {list_length} list entries is {want} bytes, not {}",
                bytes.len()
            ));
        }
        let mut r = Reader { bytes, at: 16 };
        let types = r.take(n).to_vec();
        let user_id = r.u32s(n);
        let channel_id = r.u32s(n);
        let mut message_id = Vec::with_capacity(n);
        for (i, c) in r.take(n * 8).chunks_exact(8).enumerate() {
            let v = f64::from_le_bytes(c.try_into().expect("8 bytes"));
            if !(v.fract() == 0.0 && (0.0..=((1u64 << 53) - 1) as f64).contains(&v)) {
                return Err(format!("request {i}: message id {v} is not an integer from 0 to 2^53-1"));
            }
            message_id.push(v as u64);
        }
        let list_start = r.u32s(n + 1);
        let list = r.u32s(list_length);
        for i in 0..n {
            if types[i] > RECONNECT {
                return Err(format!("request {i} has type {}, not one of 0-3", types[i]));
            }
            if list_start[i] > list_start[i + 1] || list_start[i + 1] as usize > list_length {
                return Err(format!("request {i}: its list offsets are out of order or out of range"));
            }
        }
        Ok(RequestLog { types, user_id, channel_id, message_id, list_start, list })
    }

    pub fn count(&self) -> usize {
        self.types.len()
    }

    /// Calls `each` with request i's cache operations, in the order the Node service applies
    /// them: a message is the author's ack then a mention per mentioned user; an ack; an open
    /// reads; a reconnect reads each of its channels. Nothing is allocated per request.
    pub fn for_each_operation(&self, i: usize, mut each: impl FnMut(Op, Key)) {
        let (user, channel) = (self.user_id[i], self.channel_id[i]);
        let list = &self.list[self.list_start[i] as usize..self.list_start[i + 1] as usize];
        match self.types[i] {
            MESSAGE => {
                each(Op::Ack(self.message_id[i]), (user, channel));
                for &mentioned in list {
                    each(Op::Mention, (mentioned, channel));
                }
            }
            ACK => each(Op::Ack(self.message_id[i]), (user, channel)),
            OPEN => each(Op::Read, (user, channel)),
            _ => {
                for &c in list {
                    each(Op::Read, (user, c));
                }
            }
        }
    }
}

/// Writes states in the warm-file format: 5 little-endian f64 each (userId, channelId,
/// lastReadMessageId, mentionCount, updatedAt).
pub fn write_states(path: &Path, states: &[ReadState]) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    for s in states {
        for v in [s.user_id as f64, s.channel_id as f64, s.last_read_message_id as f64, s.mention_count as f64, s.updated_at] {
            out.write_all(&v.to_le_bytes())?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_columns_and_expands_a_message_into_its_ack_and_mentions() {
        let mut b = MAGIC.to_vec();
        b.extend(2u32.to_le_bytes());
        b.extend(4u32.to_le_bytes());
        b.extend([MESSAGE, RECONNECT]);
        for v in [7u32, 8, 70, 0] {
            b.extend(v.to_le_bytes());
        }
        for v in [42f64, 0.0] {
            b.extend(v.to_le_bytes());
        }
        for v in [0u32, 1, 4, 5, 10, 11, 12] {
            b.extend(v.to_le_bytes());
        }
        let log = RequestLog::decode(&b).expect("a valid log");
        assert_eq!(log.count(), 2);
        let operations = |i| {
            let mut all = Vec::new();
            log.for_each_operation(i, |op, key| all.push((op, key)));
            all
        };
        assert_eq!(operations(0), vec![(Op::Ack(42), (7, 70)), (Op::Mention, (5, 70))]);
        assert_eq!(operations(1), vec![(Op::Read, (8, 10)), (Op::Read, (8, 11)), (Op::Read, (8, 12))]);
        assert!(RequestLog::decode(&b[..b.len() - 1]).is_err(), "a truncated file is refused");
    }
}
