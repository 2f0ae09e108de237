//! `searchLocalMessages`: search the messages this computer holds (a
//! Confab extension; TIM Web 2.27 has no message search, and the shapes
//! are those of TIM's later `searchCloudMessages`).
//!
//! The search runs on the local store's full-text index
//! (`store/search.rs`): no request leaves the machine, and it works
//! offline. What is found is what the store holds: messages synced or
//! loaded here, not a conversation's history never fetched.

use super::Tim;
use crate::model::Message;
use crate::store::search::{match_expression, parse_cursor};
use crate::TimError;
use confab_proto::code;
use serde::{Deserialize, Serialize};

/// Most keywords in one search.
pub const MAX_SEARCH_KEYWORDS: usize = 5;
/// Largest page of one conversation's matches.
pub const MAX_SEARCH_PAGE: u32 = 100;
/// The default page of one conversation's matches.
pub const DEFAULT_SEARCH_PAGE: u32 = 20;

/// How keywords combine.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeywordMatchType {
    /// A message must hold every keyword (the default).
    #[default]
    And,
    /// A message may hold any keyword.
    Or,
}

/// Options of [`Tim::search_local_messages`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchLocalMessagesOptions {
    /// 1 to 5 keywords, none empty. English words match by prefix
    /// (case-insensitive); Chinese and other unspaced scripts match any
    /// substring.
    pub keyword_list: Vec<String>,
    /// `and` (default): every keyword; `or`: any.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub keyword_list_match_type: Option<KeywordMatchType>,
    /// Only this conversation: `messageList` is then a page of its
    /// matches, newest first. Without it, one item per conversation.
    #[serde(default, rename = "conversationID")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub conversation_id: Option<String>,
    /// The previous page's `cursor` (with `conversationID`).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub cursor: Option<String>,
    /// Page size with `conversationID`: 1 to 100, default 20.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub count: Option<u32>,
}

/// One conversation's matches.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultItem {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// How many of its messages match.
    pub message_count: u64,
    /// Across conversations: its newest match. In one conversation: this
    /// page of matches, newest first.
    pub message_list: Vec<Message>,
}

/// `searchLocalMessages`' `imResponse.data`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// How many messages match (in every conversation, or the one).
    pub total_count: u64,
    /// Across conversations: one item per conversation with matches, the
    /// newest match first. In one conversation: that one item (none when
    /// nothing matches).
    pub search_result_list: Vec<SearchResultItem>,
    /// Where the next page starts; empty at the end.
    pub cursor: String,
}

impl SearchResult {
    fn empty() -> Self {
        Self { total_count: 0, search_result_list: Vec::new(), cursor: String::new() }
    }
}

impl Tim {
    /// Searches the local messages (Confab extension; see the module
    /// docs). Fails with 2905 for no keyword, an empty one, more than 5,
    /// a count out of 1..=100 or a malformed cursor, and 2503 for a
    /// malformed `conversationID`. Keywords of punctuation only find
    /// nothing. Revoked and deleted messages are never found.
    pub fn search_local_messages(
        &self,
        options: SearchLocalMessagesOptions,
    ) -> Result<SearchResult, TimError> {
        let session = self.ready_session()?;
        let invalid = |message: &str| TimError::new(code::INVALID_OPERATION, message);
        if options.keyword_list.is_empty() {
            return Err(invalid("keywordList needs at least one keyword"));
        }
        if options.keyword_list.len() > MAX_SEARCH_KEYWORDS {
            return Err(invalid("keywordList holds at most 5 keywords"));
        }
        if options.keyword_list.iter().any(|k| k.trim().is_empty()) {
            return Err(invalid("a keyword is empty"));
        }
        let count = options.count.unwrap_or(DEFAULT_SEARCH_PAGE);
        if count == 0 || count > MAX_SEARCH_PAGE {
            return Err(invalid("count must be 1 to 100"));
        }
        let cursor = match options.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(parse_cursor(c).ok_or_else(|| invalid("malformed cursor"))?),
        };
        if let Some(id) = &options.conversation_id {
            super::chat_conversation(id)?;
        }
        let all = options.keyword_list_match_type != Some(KeywordMatchType::Or);
        let Some(expression) = match_expression(&options.keyword_list, all) else {
            return Ok(SearchResult::empty());
        };
        let store = &session.core.store;
        let Some(conversation_id) = options.conversation_id else {
            let hits = store.search_conversations(&expression)?;
            return Ok(SearchResult {
                total_count: hits.iter().map(|h| h.count).sum(),
                search_result_list: hits
                    .into_iter()
                    .map(|h| SearchResultItem {
                        conversation_id: h.conversation_id,
                        message_count: h.count,
                        message_list: vec![h.newest],
                    })
                    .collect(),
                cursor: String::new(),
            });
        };
        let page = store.search_in_conversation(
            &expression,
            &conversation_id,
            cursor,
            usize::try_from(count).unwrap_or(usize::MAX),
        )?;
        if page.total == 0 {
            return Ok(SearchResult::empty());
        }
        Ok(SearchResult {
            total_count: page.total,
            search_result_list: vec![SearchResultItem {
                conversation_id,
                message_count: page.total,
                message_list: page.messages,
            }],
            cursor: page.next.unwrap_or_default(),
        })
    }
}
