//! History bookkeeping and pages: per conversation, `[range_lo, range_hi]`
//! is a run of sequences the store holds completely, extended by the inbox
//! at the top and by server fetches at the bottom; `range_complete` says
//! nothing older exists. `get_message_list` is served locally inside that
//! run; pages fetched from the server are stored here.

use super::conversations::ensure_conversation;
use super::{sql_u64, u64_sql, Result, Store};
use crate::model::Message;
use confab_proto::message::{ConversationType, WireMessage};
use rusqlite::{params, OptionalExtension};

/// The contiguity bookkeeping of one conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct HistoryRange {
    /// Lowest sequence of the run.
    pub(super) lo: u64,
    /// Highest sequence of the run.
    pub(super) hi: u64,
    /// Nothing older than `lo` exists.
    pub(super) complete: bool,
}

/// The run of a conversation; `None` when it has none yet.
pub(super) fn load_range(
    tx: &rusqlite::Connection,
    conversation_id: &str,
) -> Result<Option<HistoryRange>> {
    let row: Option<(Option<i64>, Option<i64>, bool)> = tx
        .prepare_cached(
            "SELECT range_lo, range_hi, range_complete
            FROM conversations
            WHERE conversation_id = ?1",
        )?
        .query_row(params![conversation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(match row {
        Some((Some(lo), Some(hi), complete)) => {
            Some(HistoryRange { lo: u64_sql(lo), hi: u64_sql(hi), complete: complete || lo <= 1 })
        }
        _ => None,
    })
}

/// Replaces the run of a conversation.
pub(super) fn save_range(
    tx: &rusqlite::Connection,
    conversation_id: &str,
    range: HistoryRange,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE conversations SET range_lo = ?2, range_hi = ?3, range_complete = ?4
         WHERE conversation_id = ?1",
    )?
    .execute(params![
        conversation_id,
        sql_u64(range.lo),
        sql_u64(range.hi),
        range.complete || range.lo <= 1
    ])?;
    Ok(())
}

/// The run after a message of `sequence` arrived through the inbox: the
/// next sequence extends it, an older one changes nothing, a gap starts a
/// new run (what lies between is unknown).
fn extended(range: Option<HistoryRange>, sequence: u64) -> Option<HistoryRange> {
    let next = match range {
        None => HistoryRange { lo: sequence, hi: sequence, complete: false },
        Some(r) if sequence <= r.hi => return Some(r),
        Some(r) if sequence == r.hi + 1 => HistoryRange { hi: sequence, ..r },
        Some(_) => HistoryRange { lo: sequence, hi: sequence, complete: false },
    };
    // As `save_range` stores it and `load_range` reads it back.
    Some(HistoryRange { complete: next.complete || next.lo <= 1, ..next })
}

/// Extends the run with messages that arrived through the inbox, in the
/// order they arrived (sequence 0: not on the conversation); one read and
/// at most one write for all of them.
pub(super) fn extend_range(
    tx: &rusqlite::Connection,
    conversation_id: &str,
    sequences: &[u64],
) -> Result<()> {
    let loaded = load_range(tx, conversation_id)?;
    let mut range = loaded;
    for &sequence in sequences.iter().filter(|&&s| s != 0) {
        range = extended(range, sequence);
    }
    match range {
        Some(r) if range != loaded => save_range(tx, conversation_id, r),
        _ => Ok(()),
    }
}

impl Store {
    /// Unsent and failed messages of a conversation, oldest first.
    pub(crate) fn pending_messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        let conn = self.lock();
        self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence = 0 AND m.status != 'success'
             AND m.is_deleted = 0 ORDER BY m.key",
            params![conversation_id],
        )
    }

    /// A page of the `@TIM#SYSTEM` conversation (group system notices),
    /// oldest first: up to `count` notices below sequence `before` (the
    /// inbox sequence that brought each), and whether none is older. The
    /// notices exist on this device only (no server history pages them):
    /// those received since this store began.
    pub(crate) fn system_page(
        &self,
        before: Option<u64>,
        count: usize,
    ) -> Result<(Vec<Message>, bool)> {
        let conn = self.lock();
        let mut rows = self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence < ?2 AND m.is_deleted = 0
             ORDER BY m.sequence DESC LIMIT ?3",
            params![
                confab_proto::constants::types::CONV_SYSTEM,
                sql_u64(before.unwrap_or(u64::MAX >> 1)),
                i64::try_from(count + 1).unwrap_or(i64::MAX)
            ],
        )?;
        let completed = rows.len() <= count;
        rows.truncate(count);
        rows.reverse();
        Ok((rows, completed))
    }

    /// Up to `count` messages below `before` (or the newest), oldest first,
    /// when the local run can answer; `None` when the server must be asked.
    pub(crate) fn local_page(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        count: usize,
    ) -> Result<Option<(Vec<Message>, bool)>> {
        let conn = self.lock();
        let Some(range) = load_range(&conn, conversation_id)? else { return Ok(None) };
        let upper = match before {
            Some(b) => b.saturating_sub(1),
            None => range.hi,
        };
        if upper > range.hi || upper + 1 < range.lo {
            return Ok(None);
        }
        if before.is_none() {
            // Known messages above the run (acknowledged before the inbox
            // caught up) mean the newest page has holes: ask the server.
            let above: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sequence > ?2",
                )?
                .query_row(params![conversation_id, sql_u64(range.hi)], |r| r.get(0))?;
            if above > 0 {
                return Ok(None);
            }
        }
        let mut rows = self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence >= ?2 AND m.sequence <= ?3
             AND m.is_deleted = 0 ORDER BY m.sequence DESC LIMIT ?4",
            params![
                conversation_id,
                sql_u64(range.lo.max(1)),
                sql_u64(upper),
                i64::try_from(count + 1).unwrap_or(i64::MAX)
            ],
        )?;
        let page = if rows.len() > count {
            rows.truncate(count);
            Some((rows, false))
        } else if range.complete {
            Some((rows, true))
        } else if rows.len() == count && count > 0 {
            Some((rows, false))
        } else {
            None
        };
        Ok(page.map(|(mut rows, completed)| {
            rows.reverse();
            (rows, completed)
        }))
    }

    /// Whatever the store holds below `before`, oldest first (offline).
    pub(crate) fn any_page(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        count: usize,
    ) -> Result<Vec<Message>> {
        let conn = self.lock();
        let mut rows = self.query_messages(
            &conn,
            "m.conversation_id = ?1 AND m.sequence > 0 AND m.sequence < ?2
             AND m.is_deleted = 0 ORDER BY m.sequence DESC LIMIT ?3",
            params![
                conversation_id,
                sql_u64(before.unwrap_or(u64::MAX >> 1)),
                i64::try_from(count).unwrap_or(i64::MAX)
            ],
        )?;
        rows.reverse();
        Ok(rows)
    }

    /// Stores a page fetched from the server (`getMessageList` below
    /// `before`), extends the run, and returns the page as stored.
    pub(crate) fn store_fetched(
        &self,
        conversation_id: &str,
        before: Option<u64>,
        fetched: &[WireMessage],
        is_completed: bool,
    ) -> Result<Vec<Message>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let conv_type =
            fetched.first().map(|m| m.conversation_type).unwrap_or(ConversationType::C2c);
        ensure_conversation(&tx, conversation_id, conv_type)?;
        let mut keys = Vec::with_capacity(fetched.len());
        for m in fetched {
            let (key, _) = self.upsert_wire(&tx, conversation_id, m, false)?;
            keys.push(key);
        }
        let range = load_range(&tx, conversation_id)?;
        let min = fetched.iter().map(|m| m.sequence).filter(|s| *s > 0).min();
        let max = fetched.iter().map(|m| m.sequence).max();
        let top = match before {
            Some(b) => Some(b.saturating_sub(1)),
            None => max,
        };
        let fetched_run = match (min, top) {
            (Some(lo), Some(hi)) if lo <= hi => {
                Some(HistoryRange { lo, hi, complete: is_completed })
            }
            _ if is_completed => {
                // Nothing at or below `top`: an empty complete run.
                let last: i64 = tx
                    .prepare_cached(
                        "SELECT last_sequence FROM conversations WHERE conversation_id = ?1",
                    )?
                    .query_row(params![conversation_id], |r| r.get(0))?;
                let hi = top.unwrap_or(u64_sql(last));
                Some(HistoryRange { lo: hi + 1, hi, complete: true })
            }
            _ => None,
        };
        if let Some(f) = fetched_run {
            let merged = match range {
                None => Some(f),
                Some(r) if f.lo <= r.hi + 1 && f.hi + 1 >= r.lo => Some(HistoryRange {
                    lo: r.lo.min(f.lo),
                    hi: r.hi.max(f.hi),
                    complete: if f.lo <= r.lo { f.complete } else { r.complete },
                }),
                Some(r) if f.hi > r.hi => Some(f),
                Some(_) => None,
            };
            if let Some(m) = merged {
                save_range(&tx, conversation_id, m)?;
            }
        }
        tx.commit()?;
        self.messages_by_keys(&conn, &keys)
    }
}
