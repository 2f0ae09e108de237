//! The writer's sequence counters, shared by every backend: the next
//! value of a per-user inbox, per-group timeline and per-conversation
//! message sequence, and of the message row number, cached in the writer
//! and invisible to the rules. A rejected job's changes are undone
//! ([`Counters::roll_back`]); a backend forgets the cache whenever the
//! database may have moved without it (a failed batch, or, in a cluster,
//! another node's writes).

use super::StoreError;
use std::collections::HashMap;

/// Which counter an entry of the undo log restores.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum CounterKey {
    /// A user's inbox.
    Inbox(String),
    /// A group's timeline.
    Timeline(String),
    /// A conversation's message sequence.
    Conversation(String),
}

/// Cached counters plus the undo log of the job being run.
#[derive(Default)]
pub(crate) struct Counters {
    sequences: HashMap<CounterKey, u64>,
    last_message_row: Option<i64>,
    undo: Vec<Undo>,
}

enum Undo {
    Sequence(CounterKey, Option<u64>),
    MessageRow(Option<i64>),
}

impl Counters {
    /// The next value of a sequence whose stored maximum `load` reads.
    pub(crate) fn next(
        &mut self,
        key: CounterKey,
        load: impl FnOnce() -> Result<u64, StoreError>,
    ) -> Result<u64, StoreError> {
        let current = match self.sequences.get(&key) {
            Some(seq) => *seq,
            None => load()?,
        };
        let previous = self.sequences.insert(key.clone(), current + 1);
        self.undo.push(Undo::Sequence(key, previous));
        Ok(current + 1)
    }

    /// The current value of a sequence (what [`Self::next`] counts on
    /// from), without moving it.
    pub(crate) fn peek(
        &self,
        key: &CounterKey,
        load: impl FnOnce() -> Result<u64, StoreError>,
    ) -> Result<u64, StoreError> {
        match self.sequences.get(key) {
            Some(seq) => Ok(*seq),
            None => load(),
        }
    }

    /// The next message row, after the stored maximum `load` reads.
    pub(crate) fn next_row(
        &mut self,
        load: impl FnOnce() -> Result<i64, StoreError>,
    ) -> Result<i64, StoreError> {
        let current = match self.last_message_row {
            Some(row) => row,
            None => load()?,
        };
        self.undo.push(Undo::MessageRow(self.last_message_row));
        self.last_message_row = Some(current + 1);
        Ok(current + 1)
    }

    /// The job went through: keep its counter changes.
    pub(crate) fn keep(&mut self) {
        self.undo.clear();
    }

    /// The job was rejected: restore the counters.
    pub(crate) fn roll_back(&mut self) {
        while let Some(undo) = self.undo.pop() {
            match undo {
                Undo::Sequence(key, Some(v)) => {
                    self.sequences.insert(key, v);
                }
                Undo::Sequence(key, None) => {
                    self.sequences.remove(&key);
                }
                Undo::MessageRow(v) => self.last_message_row = v,
            }
        }
    }
}
