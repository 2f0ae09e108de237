//! Conversations (server: `handlers/conversation.rs`):
//! `getConversationList`, `getConversationProfile`, `deleteConversation`,
//! `setMessageRead`, `setAllMessageRead`, `clearHistoryMessage`,
//! `getTotalUnreadMessageCount` and `translateText`. Lists are served from
//! the local store; changes go to the server first.

use super::profile::announce_profiles;
use super::{chat_conversation, Tim};
use crate::event::Event;
use crate::model::{Conversation, ConversationListResult, DeleteConversationOptions};
use crate::TimError;
use confab_proto::constants::types;
use confab_proto::conversation::{
    ClearHistoryMessage, ReadAllScope, SetAllMessageRead, TranslateText, TranslateTextResponse,
    MAX_TRANSLATE_CHARS, MAX_TRANSLATE_TEXTS,
};
use confab_proto::ops::{DeleteConversation, GetUserProfile, SetMessageRead};
use confab_proto::ConversationKind;
use confab_proto::{code, ConversationId};

/// Most conversations per `delete_conversation` call.
const MAX_DELETE: usize = 100;

impl Tim {
    /// TIM `setMessageRead`: marks the whole conversation read.
    pub async fn set_message_read(&self, conversation_id: &str) -> Result<(), TimError> {
        let session = self.ready_session()?;
        chat_conversation(conversation_id)?;
        let request = SetMessageRead { conversation_id: ConversationId::from(conversation_id) };
        let response = self.request(&session, &request).await?;
        let core = &session.core;
        if core.store.mark_read(conversation_id, response.read_sequence)? {
            if let Some(c) = core.store.conversation(conversation_id)? {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
            core.refresh_total_unread();
        }
        Ok(())
    }

    /// TIM `setAllMessageRead`: marks every conversation in `scope` read
    /// (all of them by default; checklist 400–406): their unread counts
    /// become 0, the other scope's stay. The peers of C2C conversations
    /// learn it as from `setMessageRead`; my other instances too.
    pub async fn set_all_message_read(&self, scope: Option<ReadAllScope>) -> Result<(), TimError> {
        let session = self.ready_session()?;
        let request = SetAllMessageRead { scope: scope.unwrap_or_default() };
        let response = self.request(&session, &request).await?;
        let core = &session.core;
        let mut changed = Vec::new();
        for read in response.read_list {
            let id = read.conversation_id.as_str();
            if core.store.mark_read(id, read.read_sequence)? {
                changed.push(id.to_owned());
            }
        }
        if !changed.is_empty() {
            core.emit(Event::ConversationListUpdated(core.store.conversations(Some(&changed))?));
            core.refresh_total_unread();
        }
        Ok(())
    }

    /// TIM `clearHistoryMessage`: clears a conversation's history here and
    /// on the server without deleting it (checklist 388–392): afterwards its
    /// `unreadCount` is 0, it has no `lastMessage`, and `getMessageList`
    /// returns nothing from before the clear, on every instance of mine.
    /// The system conversation (`@TIM#SYSTEM`) is cleared on this instance
    /// only: the server keeps no history of it. Errors: 2503 a malformed
    /// ID, 2500 a conversation I do not have.
    pub async fn clear_history_message(&self, conversation_id: &str) -> Result<(), TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        let cleared = if conversation_id == types::CONV_SYSTEM {
            core.store.last_sequence(conversation_id)?.ok_or_else(|| {
                TimError::new(
                    code::CONVERSATION_NOT_FOUND,
                    format!("no conversation {conversation_id}"),
                )
            })?
        } else {
            chat_conversation(conversation_id)?;
            let request = ClearHistoryMessage { conversation_id: conversation_id.into() };
            self.request(&session, &request).await?.cleared_sequence
        };
        if core.store.clear_history(conversation_id, cleared)? {
            if let Some(c) = core.store.conversation(conversation_id)? {
                core.emit(Event::ConversationListUpdated(vec![c]));
            }
            core.refresh_total_unread();
        }
        Ok(())
    }

    /// TIM `translateText`: the texts translated by the server's provider,
    /// one per text in the same order (checklist 245–248). Errors: 20001
    /// no text, more than 20, more than 5,000 characters in all, or a
    /// language that is not a code; 2117 when the server has no provider
    /// or it failed.
    pub async fn translate_text(
        &self,
        request: TranslateText,
    ) -> Result<TranslateTextResponse, TimError> {
        let session = self.ready_session()?;
        let count = request.source_text_list.len();
        if count == 0 || count > MAX_TRANSLATE_TEXTS {
            return Err(TimError::new(
                code::ERR_SVR_MSG_PKG_PARSE_FAILED,
                format!("sourceTextList must hold 1 to {MAX_TRANSLATE_TEXTS} texts, not {count}"),
            ));
        }
        let chars: usize = request.source_text_list.iter().map(|t| t.chars().count()).sum();
        if chars > MAX_TRANSLATE_CHARS {
            return Err(TimError::new(
                code::ERR_SVR_MSG_PKG_PARSE_FAILED,
                format!(
                    "at most {MAX_TRANSLATE_CHARS} characters are translated at once, not {chars}"
                ),
            ));
        }
        self.request(&session, &request).await
    }

    /// TIM `getConversationList`: all conversations (most recent first) or
    /// just the listed ones that the local store holds.
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_conversation_list(
        &self,
        ids: Option<Vec<String>>,
    ) -> Result<ConversationListResult, TimError> {
        let session = self.ready_session()?;
        if let Some(ids) = &ids {
            if ids.is_empty() {
                return Err(TimError::new(
                    code::INVALID_CONVERSATION_ID,
                    "the conversationID list must not be empty",
                ));
            }
        }
        let list = session.core.store.conversations(ids.as_deref())?;
        Ok(ConversationListResult {
            conversation_list: list,
            is_sync_completed: session.core.is_synced(),
        })
    }

    /// TIM `getConversationProfile`: a conversation from the local store,
    /// with the peer's profile refreshed from the server when connected (a
    /// changed profile is announced as for `get_user_profile`).
    pub async fn get_conversation_profile(
        &self,
        conversation_id: &str,
    ) -> Result<Conversation, TimError> {
        let session = self.ready_session()?;
        let kind = chat_conversation(conversation_id)?;
        let store = &session.core.store;
        if store.conversation(conversation_id)?.is_none() {
            return Err(TimError::new(
                code::CONVERSATION_NOT_FOUND,
                format!("no conversation {conversation_id}"),
            ));
        }
        // A group's conversation shows the group as the local list has it.
        let ConversationKind::C2c(peer) = kind else {
            return store.conversation(conversation_id)?.ok_or_else(|| {
                TimError::new(
                    code::CONVERSATION_NOT_FOUND,
                    format!("no conversation {conversation_id}"),
                )
            });
        };
        let request = GetUserProfile { user_id_list: vec![peer] };
        match self.request(&session, &request).await {
            Ok(response) => {
                let changed = store.store_profiles(&response.profiles)?;
                announce_profiles(&session.core, changed)?;
            }
            Err(e) => session.core.log(tracing::Level::INFO, format_args!("peer profile: {e}")),
        }
        store.conversation(conversation_id)?.ok_or_else(|| {
            TimError::new(
                code::CONVERSATION_NOT_FOUND,
                format!("no conversation {conversation_id}"),
            )
        })
    }

    /// TIM `deleteConversation`: removes conversations (1 to 100) on the
    /// server and locally, with their history unless
    /// `clear_history_message` is false. CONVERSATION_LIST_UPDATED carries
    /// the remaining list.
    pub async fn delete_conversation(
        &self,
        options: DeleteConversationOptions,
    ) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        let ids = options.conversation_id_list;
        if ids.is_empty() || ids.len() > MAX_DELETE {
            return Err(TimError::new(
                code::INVALID_CONVERSATION_ID,
                format!("between 1 and {MAX_DELETE} conversationIDs are required"),
            ));
        }
        for id in &ids {
            chat_conversation(id)?;
        }
        let request = DeleteConversation {
            conversation_id_list: ids.iter().map(|id| ConversationId::from(id.as_str())).collect(),
            clear_history_message: options.clear_history_message,
        };
        let response = self.request(&session, &request).await?;
        let deleted: Vec<String> =
            response.conversation_id_list.into_iter().map(|id| id.0).collect();
        let core = &session.core;
        core.store.delete_conversations(&deleted, options.clear_history_message)?;
        core.emit(Event::ConversationListUpdated(core.store.conversations(None)?));
        core.refresh_total_unread();
        Ok(deleted)
    }

    /// TIM `getTotalUnreadMessageCount`: the sum of unread counts (0 when
    /// not logged in).
    pub fn get_total_unread_message_count(&self) -> u64 {
        let Some(session) = self.session() else { return 0 };
        match session.core.store.total_unread() {
            Ok(total) => total,
            Err(e) => {
                session
                    .core
                    .log(tracing::Level::ERROR, format_args!("getTotalUnreadMessageCount: {e}"));
                0
            }
        }
    }
}
