//! My settings of conversations (server: `handlers/conversation_settings.rs`):
//! `pinConversation`, `setMessageRemindType`, `markConversation`,
//! `setConversationCustomData`, the conversation groups (folders), and the
//! filtered form of `getConversationList`. The server tells every instance of mine, this one
//! too, through the inbox (`conversationSettingsUpdated`); the store keeps
//! the settings and CONVERSATION_LIST_UPDATED announces the conversations
//! they changed (and the unread total, which leaves muted ones out).

use super::Tim;
use crate::model::{Conversation, ConversationListResult};
use crate::TimError;
use confab_proto::conversation::{
    AddConversationsToGroup, ConversationGroupNameResponse, ConversationIdResponse,
    ConversationResultResponse, CreateConversationGroup, DeleteConversationGroup,
    DeleteConversationsFromGroup, MarkConversation, PinConversation, RemindTypeResponse,
    RenameConversationGroup, SetConversationCustomData, SetMessageRemindType,
};
use confab_proto::message::ConversationType;
use confab_proto::ConversationId;

/// The object form of TIM `getConversationList`: conversations of a type,
/// carrying a mark, or both.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationFilter {
    /// Only conversations of this type.
    pub conversation_type: Option<ConversationType>,
    /// Only conversations carrying this mark.
    pub mark_type: Option<u64>,
    /// Only conversations in this conversation group.
    pub group_name: Option<String>,
}

impl ConversationFilter {
    /// Whether `conversation` passes.
    pub fn accepts(&self, conversation: &Conversation) -> bool {
        self.conversation_type.is_none_or(|t| conversation.conversation_type == t)
            && self.mark_type.is_none_or(|m| conversation.mark_list.contains(&m))
            && self
                .group_name
                .as_ref()
                .is_none_or(|g| conversation.conversation_group_list.contains(g))
    }
}

fn ids(list: Vec<String>) -> Vec<ConversationId> {
    list.iter().map(|id| ConversationId::from(id.as_str())).collect()
}

impl Tim {
    /// TIM `getConversationList({type, markType})`: the conversations that
    /// pass `filter`, pinned first (checklist 363–371, 444).
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_conversation_list_filtered(
        &self,
        filter: ConversationFilter,
    ) -> Result<ConversationListResult, TimError> {
        let session = self.ready_session()?;
        let list = session.core.store.conversations(None)?;
        Ok(ConversationListResult {
            conversation_list: list.into_iter().filter(|c| filter.accepts(c)).collect(),
            is_sync_completed: session.core.is_synced(),
        })
    }

    /// TIM `pinConversation`: pins (or unpins) a conversation; pinned ones
    /// come first, the most recently pinned first (checklist 394–398).
    /// Errors: 2503 a malformed ID, 2500 a conversation I do not have.
    pub async fn pin_conversation(
        &self,
        conversation_id: &str,
        is_pinned: bool,
    ) -> Result<ConversationIdResponse, TimError> {
        let session = self.ready_session()?;
        let request = PinConversation { conversation_id: conversation_id.into(), is_pinned };
        self.request(&session, &request).await
    }

    /// TIM `setMessageRemindType`: for a group of mine or for C2C peers (at
    /// most 30). AcceptNotNotify leaves the conversation out of the unread
    /// total; Discard announces none of its new messages (checklist
    /// 408–417).
    pub async fn set_message_remind_type(
        &self,
        options: SetMessageRemindType,
    ) -> Result<RemindTypeResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &options).await
    }

    /// TIM `markConversation`: sets (or clears) a mark (1 star, 2 unread, 4
    /// fold, 8 hide, or a custom `2^n`, `32 <= n < 64`) on conversations
    /// (checklist 438–444). A conversation marked unread counts as one
    /// unread message in the total while nothing in it is unread.
    pub async fn mark_conversation(
        &self,
        conversation_ids: Vec<String>,
        mark_type: u64,
        enable_mark: bool,
    ) -> Result<ConversationResultResponse, TimError> {
        let session = self.ready_session()?;
        let request = MarkConversation {
            conversation_id_list: ids(conversation_ids),
            mark_type,
            enable_mark,
        };
        self.request(&session, &request).await
    }

    /// TIM `setConversationCustomData`: my data (at most 256 bytes; `""`
    /// clears it) on conversations (checklist 432–436).
    pub async fn set_conversation_custom_data(
        &self,
        conversation_ids: Vec<String>,
        custom_data: String,
    ) -> Result<ConversationResultResponse, TimError> {
        let session = self.ready_session()?;
        let request =
            SetConversationCustomData { conversation_id_list: ids(conversation_ids), custom_data };
        self.request(&session, &request).await
    }
}

impl Tim {
    /// TIM `getConversationGroupList`: my conversation group names, in the
    /// order made (checklist 446).
    #[expect(clippy::unused_async, reason = "asynchronous like TIM's; served from the local store")]
    pub async fn get_conversation_group_list(&self) -> Result<Vec<String>, TimError> {
        let session = self.ready_session()?;
        Ok(session.core.store.conversation_groups()?.into_iter().map(|g| g.name).collect())
    }

    /// TIM `createConversationGroup`: a group (name ≤ 32 bytes) holding those
    /// of the conversations I have; CONVERSATION_GROUP_LIST_UPDATED and
    /// CONVERSATION_LIST_UPDATED follow (checklist 449–453). Errors: 90017
    /// the name is taken, 90016 past 50 groups, 20001 a bad name or list.
    pub async fn create_conversation_group(
        &self,
        group_name: String,
        conversation_ids: Vec<String>,
    ) -> Result<ConversationResultResponse, TimError> {
        let session = self.ready_session()?;
        let request =
            CreateConversationGroup { group_name, conversation_id_list: ids(conversation_ids) };
        self.request(&session, &request).await
    }

    /// TIM `deleteConversationGroup` (its conversations stay; 90018 when
    /// there is none).
    pub async fn delete_conversation_group(
        &self,
        group_name: String,
    ) -> Result<ConversationGroupNameResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &DeleteConversationGroup { group_name }).await
    }

    /// TIM `renameConversationGroup` (90018 no such group, 90017 the new
    /// name is taken).
    pub async fn rename_conversation_group(
        &self,
        old_name: String,
        new_name: String,
    ) -> Result<ConversationGroupNameResponse, TimError> {
        let session = self.ready_session()?;
        self.request(&session, &RenameConversationGroup { old_name, new_name }).await
    }

    /// TIM `addConversationsToGroup`: CONVERSATION_IN_GROUP_UPDATED follows
    /// (checklist 465–468).
    pub async fn add_conversations_to_group(
        &self,
        conversation_ids: Vec<String>,
        group_name: String,
    ) -> Result<ConversationResultResponse, TimError> {
        let session = self.ready_session()?;
        let request =
            AddConversationsToGroup { conversation_id_list: ids(conversation_ids), group_name };
        self.request(&session, &request).await
    }

    /// TIM `deleteConversationsFromGroup`: CONVERSATION_IN_GROUP_UPDATED
    /// follows; a conversation not in the group is a failure (2500).
    pub async fn delete_conversations_from_group(
        &self,
        conversation_ids: Vec<String>,
        group_name: String,
    ) -> Result<ConversationResultResponse, TimError> {
        let session = self.ready_session()?;
        let request = DeleteConversationsFromGroup {
            conversation_id_list: ids(conversation_ids),
            group_name,
        };
        self.request(&session, &request).await
    }
}
