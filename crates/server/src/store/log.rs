//! What both backends' logs (inboxes and group timelines) share: the
//! columns a record is stored in, and the byte-capped page a reader gets,
//! sized as its entries will be encoded in the response frame.

use super::{EventRecord, StoreError};
use confab_proto::inbox::InboxEvent;

/// Bytes a `sync` response frame spends besides its entries (`{"t":"ok",
/// "id":…,"data":{"entries":[…],"head":…}}` with 20-digit numbers), rounded up.
pub(crate) const SYNC_FRAME_OVERHEAD: usize = 128;

/// The `message_row` and `event` columns of a record (exactly one is set).
pub(crate) fn record_columns(
    record: EventRecord<'_>,
) -> Result<(Option<i64>, Option<String>), StoreError> {
    Ok(match record {
        EventRecord::Message(row) => (Some(row.0), None),
        EventRecord::Event(event) => (None, Some(serde_json::to_string(event)?)),
    })
}

/// Encoded length of an entry `{"seq":N,"event":E}` whose event encodes to
/// `event_len` bytes.
fn entry_len(seq: u64, event_len: usize) -> usize {
    // `{"seq":` + digits + `,"event":` + event + `}`
    17 + seq.to_string().len() + event_len
}

/// Encoded length of a `message` event (`{"kind":"message","message":M}`)
/// whose message encodes to `message_len` bytes.
fn message_event_len(message_len: usize) -> usize {
    29 + message_len
}

/// A page of a log being read, capped in encoded bytes: at least one entry
/// (so a reader always moves on; one entry is far below any accepted cap),
/// then entries while they fit `max_bytes` after `overhead` bytes of the
/// frame.
pub(crate) struct CappedPage {
    entries: Vec<(u64, InboxEvent)>,
    used: usize,
    max_bytes: usize,
}

impl CappedPage {
    /// An empty page.
    pub(crate) fn new(max_bytes: usize, overhead: usize) -> Self {
        Self { entries: Vec::new(), used: overhead, max_bytes }
    }

    /// Adds the stored entry `seq` of the log `key` (its `event` column, or
    /// the stored `message` a `message` entry refers to); `false` (and not
    /// added) when it would not fit.
    pub(crate) fn push(
        &mut self,
        key: &str,
        seq: u64,
        event: Option<String>,
        message: Option<String>,
    ) -> Result<bool, StoreError> {
        let (event, len) = match (event, message) {
            (Some(event), _) => (serde_json::from_str(&event)?, entry_len(seq, event.len())),
            (None, Some(message)) => (
                InboxEvent::Message { message: serde_json::from_str(&message)? },
                entry_len(seq, message_event_len(message.len())),
            ),
            (None, None) => {
                return Err(StoreError::Corrupt(format!("log entry {seq} of {key} is empty")))
            }
        };
        // One comma between entries.
        let cost = len + usize::from(!self.entries.is_empty());
        if !self.entries.is_empty() && self.used + cost > self.max_bytes {
            return Ok(false);
        }
        self.used += cost;
        self.entries.push((seq, event));
        Ok(true)
    }

    /// The entries and the bytes they take with the frame.
    pub(crate) fn finish(self) -> (Vec<(u64, InboxEvent)>, usize) {
        (self.entries, self.used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::inbox::InboxEntry;

    #[test]
    fn entry_lengths_are_the_encoded_lengths() {
        let mut message = confab_proto::testing::WireMessageSample::new("alice", "bob")
            .id("1-2-3")
            .sequence(1)
            .time(2)
            .random(3)
            .text("héllo \"quoted\" ✓\n")
            .nick("")
            .build();
        message.cloud_custom_data = "{\"r\":\"👍\"}".into();
        let stored = serde_json::to_string(&message).expect("encode");
        let entry = InboxEntry { seq: 12_345, event: InboxEvent::Message { message } };
        let wire = serde_json::to_string(&entry).expect("encode");
        assert_eq!(entry_len(12_345, message_event_len(stored.len())), wire.len());
        let event =
            InboxEvent::ConversationRead { conversation_id: "C2Cbob".into(), read_sequence: 4 };
        let stored = serde_json::to_string(&event).expect("encode");
        let wire = serde_json::to_string(&InboxEntry { seq: 7, event }).expect("encode");
        assert_eq!(entry_len(7, stored.len()), wire.len());
    }
}
