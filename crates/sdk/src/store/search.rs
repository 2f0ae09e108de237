//! The full-text index of local messages (`searchLocalMessages`).
//!
//! An FTS5 table, `message_search`, holds one row per searchable message
//! (rowid = the message's key). SQLite's `unicode61` tokenizer splits
//! English and other spaced scripts into words, but it would take a run of
//! Chinese (no spaces) as one word. So what goes into the index is first
//! rewritten by [`index_text`]: every run of CJK characters becomes its
//! overlapping bigrams followed by its last character ("大家你好" →
//! "大家 家你 你好 好"), and a query is rewritten the same way into a phrase
//! ([`match_expression`]): any Chinese substring of two or more characters
//! is a run of consecutive bigrams, and one character is a prefix of a
//! token. English words match by prefix ("meet" finds "meeting").
//!
//! Triggers on `messages` keep the index (migration 0017): they call the
//! SQL functions `confab_search_text(element)` ([`register`]), which picks
//! the searchable text of an element (a text's text, a file's name, a
//! custom message's description, a location's description, a merged
//! forward's title and abstracts), and `confab_search_conv(id)`, one token
//! naming the conversation, so a search inside one conversation is an
//! indexed AND rather than a filter over every hit. Beside the index
//! (never read from `messages`) each row keeps its conversation and `ord`,
//! `time << 24 | key & 0xFFFFFF`: newest first, and one value per row.
//! Revoked and deleted messages leave the index.

use super::{Result, Store};
use crate::model::Message;
use rusqlite::functions::FunctionFlags;
use rusqlite::params;
use std::collections::HashMap;

/// Registers the SQL functions the index triggers call on a connection
/// (before migrations: 0017 fills the index through them).
pub(super) fn register(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("confab_search_text", 1, flags, |ctx| {
        let element: Option<String> = ctx.get(0)?;
        Ok(element.as_deref().and_then(searchable_text).map(|t| index_text(&t)))
    })?;
    conn.create_scalar_function("confab_search_conv", 1, flags, |ctx| {
        let id: String = ctx.get(0)?;
        Ok(conversation_token(&id))
    })
}

/// The one token naming a conversation in the `conv` column: `h` and
/// the ID's bytes in hex (any ID, one word for the tokenizer).
fn conversation_token(conversation_id: &str) -> String {
    let mut token = String::with_capacity(1 + conversation_id.len() * 2);
    token.push('h');
    for b in conversation_id.bytes() {
        token.push_str(&format!("{b:02x}"));
    }
    token
}

/// The searchable text of a stored element (`{"type", "payload"}` JSON),
/// `None` when it has none.
fn searchable_text(element: &str) -> Option<String> {
    let element: serde_json::Value = serde_json::from_str(element).ok()?;
    let payload = element.get("payload")?;
    let field = |name: &str| payload.get(name).and_then(|v| v.as_str()).unwrap_or_default();
    let text = match element.get("type")?.as_str()? {
        "TIMTextElem" => field("text").to_owned(),
        "TIMFileElem" => field("fileName").to_owned(),
        "TIMCustomElem" | "TIMLocationElem" => field("description").to_owned(),
        "TIMRelayElem" => {
            let mut parts = vec![field("title").to_owned()];
            if let Some(list) = payload.get("abstractList").and_then(|v| v.as_array()) {
                parts.extend(list.iter().filter_map(|v| v.as_str()).map(str::to_owned));
            }
            parts.join("\n")
        }
        _ => String::new(),
    };
    (!text.trim().is_empty()).then_some(text)
}

/// Whether `c` is written without spaces between words (Han, kana,
/// Hangul), so it is indexed by bigrams.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3FFFF) // CJK Extensions B and later
}

/// A piece of text: a run of CJK characters, or anything else.
enum Piece<'a> {
    Cjk(Vec<char>),
    Other(&'a str),
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut run: Vec<char> = Vec::new();
    for (i, c) in text.char_indices() {
        if is_cjk(c) {
            if run.is_empty() && start < i {
                out.push(Piece::Other(&text[start..i]));
            }
            run.push(c);
            start = i + c.len_utf8();
        } else if !run.is_empty() {
            out.push(Piece::Cjk(std::mem::take(&mut run)));
            start = i;
        }
    }
    if !run.is_empty() {
        out.push(Piece::Cjk(run));
    } else if start < text.len() {
        out.push(Piece::Other(&text[start..]));
    }
    out
}

/// Appends a CJK run's tokens: its bigrams, then (`last`) its last
/// character alone.
fn push_run(out: &mut String, run: &[char], last: bool) {
    for pair in run.windows(2) {
        out.push(' ');
        out.push(pair[0]);
        out.push(pair[1]);
    }
    if last || run.len() == 1 {
        out.push(' ');
        out.extend(run.last());
    }
    out.push(' ');
}

/// The text as it goes into the index: CJK runs as bigrams and their last
/// character, the rest as it is (`unicode61` splits it into words).
pub(crate) fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for piece in pieces(text) {
        match piece {
            Piece::Cjk(run) => push_run(&mut out, &run, true),
            Piece::Other(s) => out.push_str(s),
        }
    }
    out
}

/// One keyword as an FTS5 phrase (`"…" *`), rewritten as the index is;
/// `None` when it holds no word at all (punctuation only).
fn keyword_phrase(keyword: &str) -> Option<String> {
    let parts = pieces(keyword);
    let count = parts.len();
    let mut text = String::new();
    for (i, piece) in parts.into_iter().enumerate() {
        match piece {
            // A run that ends the keyword may continue in the text: its
            // bigrams only (a single character stays, matched as a prefix).
            Piece::Cjk(run) => push_run(&mut text, &run, i + 1 < count),
            Piece::Other(s) => text.push_str(s),
        }
    }
    if !text.chars().any(char::is_alphanumeric) {
        return None;
    }
    Some(format!("\"{}\" *", text.trim().replace('"', "\"\"")))
}

/// The FTS5 `MATCH` expression for the keywords (`and`: all of them, else
/// any); `None` when no keyword holds a word.
pub(crate) fn match_expression(keywords: &[String], all: bool) -> Option<String> {
    let phrases: Vec<String> = keywords.iter().filter_map(|k| keyword_phrase(k)).collect();
    if phrases.is_empty() {
        return None;
    }
    Some(format!("{{words}} : ({})", phrases.join(if all { " AND " } else { " OR " })))
}

/// Matches in one conversation.
pub(crate) struct ConversationHits {
    /// The conversation.
    pub(crate) conversation_id: String,
    /// How many of its messages match.
    pub(crate) count: u64,
    /// Its newest matching message.
    pub(crate) newest: Message,
}

/// A page of one conversation's matches.
pub(crate) struct HitPage {
    /// How many of its messages match.
    pub(crate) total: u64,
    /// This page, newest first.
    pub(crate) messages: Vec<Message>,
    /// Where the next page starts (`"<time>.<key bits>"`), `None` at the end.
    pub(crate) next: Option<String>,
}

/// The bits of `ord` below the time.
const ORD_SHIFT: u32 = 24;

impl Store {
    /// Every conversation with matches, newest match first.
    pub(crate) fn search_conversations(&self, expression: &str) -> Result<Vec<ConversationHits>> {
        let conn = self.lock();
        // One pass over the hits (in rowid order, reading only what is kept
        // beside the index): per conversation its count and its greatest
        // `ord`, the newest match. Aggregated here rather than by a GROUP BY,
        // which would sort every hit.
        let mut by_conversation: HashMap<String, (i64, i64, i64)> = HashMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT rowid, ord, conversation_id FROM message_search
                 WHERE message_search MATCH ?1",
            )?;
            let mut rows = stmt.query(params![expression])?;
            while let Some(row) = rows.next()? {
                let (key, ord): (i64, i64) = (row.get(0)?, row.get(1)?);
                let conversation = row.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                match by_conversation.get_mut(conversation) {
                    Some((count, best, best_key)) => {
                        *count += 1;
                        if ord > *best {
                            (*best, *best_key) = (ord, key);
                        }
                    }
                    None => {
                        by_conversation.insert(conversation.to_owned(), (1, ord, key));
                    }
                }
            }
        }
        let mut groups: Vec<(String, i64, i64, i64)> = by_conversation
            .into_iter()
            .map(|(id, (count, ord, key))| (id, count, ord, key))
            .collect();
        groups.sort_by_key(|g| std::cmp::Reverse(g.2));
        let groups = groups.into_iter().map(|(id, count, _, key)| (id, count, key));
        let mut out = Vec::new();
        for (conversation_id, count, key) in groups {
            if let Some(newest) = self.message_by_key_in(&conn, key)? {
                out.push(ConversationHits {
                    conversation_id,
                    count: u64::try_from(count).unwrap_or(0),
                    newest,
                });
            }
        }
        Ok(out)
    }

    /// A page of one conversation's matches, newest first, after `cursor`
    /// (a previous page's `next`).
    pub(crate) fn search_in_conversation(
        &self,
        expression: &str,
        conversation_id: &str,
        cursor: Option<i64>,
        count: usize,
    ) -> Result<HitPage> {
        let conn = self.lock();
        let expression =
            format!("({expression}) AND {{conv}} : {}", conversation_token(conversation_id));
        let total: i64 = conn
            .prepare_cached("SELECT count(*) FROM message_search WHERE message_search MATCH ?1")?
            .query_row(params![expression], |r| r.get(0))?;
        let limit = i64::try_from(count).unwrap_or(i64::MAX).saturating_add(1);
        let rows = conn
            .prepare_cached(
                "SELECT rowid, ord FROM message_search WHERE message_search MATCH ?1 AND ord < ?2
                 ORDER BY ord DESC LIMIT ?3",
            )?
            .query_map(params![expression, cursor.unwrap_or(i64::MAX), limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next = (rows.len() > count)
            .then(|| count.checked_sub(1).and_then(|last| rows.get(last)))
            .flatten()
            .map(|(_, ord)| format!("{}.{}", ord >> ORD_SHIFT, ord & ((1 << ORD_SHIFT) - 1)));
        let mut messages = Vec::with_capacity(count.min(rows.len()));
        for (key, _) in rows.into_iter().take(count) {
            messages.extend(self.message_by_key_in(&conn, key)?);
        }
        Ok(HitPage { total: u64::try_from(total).unwrap_or(0), messages, next })
    }
}

/// Parses a cursor made by [`Store::search_in_conversation`]
/// (`"<time>.<key bits>"`) into the `ord` it stands for.
pub(crate) fn parse_cursor(cursor: &str) -> Option<i64> {
    let (time, low) = cursor.split_once('.')?;
    let (time, low): (i64, i64) = (time.parse().ok()?, low.parse().ok()?);
    if !(0..1 << (63 - ORD_SHIFT)).contains(&time) || !(0..1 << ORD_SHIFT).contains(&low) {
        return None;
    }
    Some(time << ORD_SHIFT | low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_runs_become_bigrams_and_their_last_character() {
        assert_eq!(
            index_text("大家你好").split_whitespace().collect::<Vec<_>>(),
            ["大家", "家你", "你好", "好"]
        );
        assert_eq!(
            index_text("ok我们走 now").split_whitespace().collect::<Vec<_>>(),
            ["ok", "我们", "们走", "走", "now"]
        );
        assert_eq!(index_text("猫").trim(), "猫");
    }

    #[test]
    fn keywords_become_prefix_phrases() {
        assert_eq!(match_expression(&["meet".into()], true).unwrap(), "{words} : (\"meet\" *)");
        assert_eq!(match_expression(&["你好".into()], true).unwrap(), "{words} : (\"你好\" *)");
        assert_eq!(
            match_expression(&["你好吗".into()], true).unwrap(),
            "{words} : (\"你好 好吗\" *)"
        );
        // A run inside the keyword keeps its last character: the text has it too.
        assert_eq!(
            match_expression(&["你好abc".into(), "x".into()], false).unwrap(),
            "{words} : (\"你好 好 abc\" * OR \"x\" *)"
        );
        assert_eq!(match_expression(&["a\"b".into()], true).unwrap(), "{words} : (\"a\"\"b\" *)");
        assert_eq!(match_expression(&["!!".into(), "。".into()], true), None);
    }

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let ord = 1_764_115_200_i64 << ORD_SHIFT | 77;
        assert_eq!(parse_cursor(&format!("{}.{}", 1_764_115_200, 77)), Some(ord));
        for bad in ["", "1", "a.b", "-1.2", "1.16777216", "99999999999999999.1"] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
        assert_eq!(conversation_token("C2C@b"), "h43324340 62".replace(' ', ""));
    }

    #[test]
    fn searchable_text_by_element_type() {
        let text = |t: &str, p: serde_json::Value| {
            searchable_text(&serde_json::json!({"type": t, "payload": p}).to_string())
        };
        assert_eq!(text("TIMTextElem", serde_json::json!({"text": "hi"})).as_deref(), Some("hi"));
        assert_eq!(
            text("TIMFileElem", serde_json::json!({"fileName": "plan.pdf"})).as_deref(),
            Some("plan.pdf")
        );
        assert_eq!(
            text("TIMRelayElem", serde_json::json!({"title": "T", "abstractList": ["a: b"]}))
                .as_deref(),
            Some("T\na: b")
        );
        assert_eq!(text("TIMImageElem", serde_json::json!({})), None);
        assert_eq!(text("TIMTextElem", serde_json::json!({"text": "  "})), None);
    }
}
