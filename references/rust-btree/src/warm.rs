//! The --warm-file: records of 5 little-endian float64 each (userId, channelId,
//! lastReadMessageId, mentionCount, updatedAt), inserted clean, first record least recent.

use std::fs::File;
use std::io::{BufReader, ErrorKind, Read};
use std::path::Path;

use crate::state::ReadState;

const RECORD_BYTES: usize = 5 * 8;

/// Calls `each` with every record in file order; returns how many. Errors are one line.
pub fn read(path: &Path, mut each: impl FnMut(ReadState)) -> Result<usize, String> {
    let fail = |what: String| format!("warm file {}: {what}", path.display());
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut record = [0u8; RECORD_BYTES];
    let mut count = 0;
    loop {
        match read_record(&mut reader, &mut record) {
            Ok(false) => return Ok(count),
            Ok(true) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => {
                return Err(fail(format!("its size is not a multiple of {RECORD_BYTES} bytes")));
            }
            Err(e) => return Err(fail(e.to_string())),
        }
        let field = |i: usize| f64::from_le_bytes(record[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
        let state = decode([field(0), field(1), field(2), field(3), field(4)])
            .ok_or_else(|| fail(format!("record {count} is not a valid read state")))?;
        each(state);
        count += 1;
    }
}

/// Fills `record`; Ok(false) at a clean end of file.
fn read_record(reader: &mut impl Read, record: &mut [u8; RECORD_BYTES]) -> std::io::Result<bool> {
    let mut filled = 0;
    while filled < RECORD_BYTES {
        match reader.read(&mut record[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

fn decode([user, channel, last_read, mentions, updated_at]: [f64; 5]) -> Option<ReadState> {
    let whole = |v: f64, max: f64| (v.fract() == 0.0 && (0.0..=max).contains(&v)).then_some(v);
    Some(ReadState {
        user_id: whole(user, u32::MAX as f64)? as u32,
        channel_id: whole(channel, u32::MAX as f64)? as u32,
        last_read_message_id: whole(last_read, ((1u64 << 53) - 1) as f64)? as u64,
        mention_count: whole(mentions, ((1u64 << 53) - 1) as f64)? as u64,
        updated_at: updated_at.is_finite().then_some(updated_at)?,
    })
}
