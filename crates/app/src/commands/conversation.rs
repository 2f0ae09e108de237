//! The conversation commands (`tim.getConversationList`,
//! `tim.getConversationProfile`, `tim.deleteConversation`,
//! `tim.setMessageRead`, `tim.setAllMessageRead`, `tim.clearHistoryMessage`,
//! `tim.getTotalUnreadMessageCount`, `tim.translateText`, the conversation
//! settings) and `tim.registerPlugin`: their argument and result types and
//! handlers, one SDK call each.

use crate::commands::Empty;
use crate::core::AppCore;
use crate::error::from_tim;
use confab_proto::ErrorBody;
use confab_sdk::{Conversation, ConversationListResult, DeleteConversationOptions};
use serde::{Deserialize, Serialize};

/// `tim.getConversationList` arguments: TIM's array form
/// (`conversationIDList`) or its filter form (`type`, `markType`,
/// `groupName`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetConversationListArgs {
    /// Only these conversations; all when absent.
    #[serde(rename = "conversationIDList", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub conversation_id_list: Option<Vec<String>>,
    /// Only conversations of this type (`C2C`, `GROUP`).
    #[serde(rename = "type", default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub conversation_type: Option<confab_sdk::ConversationType>,
    /// Only conversations carrying this mark.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub mark_type: Option<u64>,
    /// Only conversations in this conversation group.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub group_name: Option<String>,
}

/// `tim.pinConversation` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PinConversationArgs {
    /// The conversation.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// Pin (true) or unpin.
    pub is_pinned: bool,
}

/// Arguments naming one conversation (`tim.getConversationProfile`,
/// `tim.setMessageRead`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationArgs {
    /// The conversation, e.g. `C2Cbob`.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
}

/// `tim.getConversationProfile` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConversationProfileResult {
    /// The conversation.
    pub conversation: Conversation,
}

/// `tim.deleteConversation` arguments.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteConversationArgs {
    /// 1 to 100 conversations.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
    /// Also delete the history (default true).
    #[serde(default = "default_true")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub clear_history_message: bool,
}

fn default_true() -> bool {
    true
}

/// `tim.registerPlugin` arguments: the plugin names (TIM's object keys).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPluginArgs {
    /// E.g. `tim-upload-plugin`.
    pub plugins: Vec<String>,
}

/// `tim.deleteConversation` result.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteConversationResult {
    /// The conversations deleted.
    #[serde(rename = "conversationIDList")]
    pub conversation_id_list: Vec<String>,
}

impl AppCore {
    pub(crate) async fn get_conversation_list(
        &self,
        args: GetConversationListArgs,
    ) -> Result<ConversationListResult, ErrorBody> {
        let tim = self.tim()?;
        if args.conversation_type.is_some() || args.mark_type.is_some() || args.group_name.is_some()
        {
            let filter = confab_sdk::ConversationFilter {
                conversation_type: args.conversation_type,
                mark_type: args.mark_type,
                group_name: args.group_name,
            };
            return tim.get_conversation_list_filtered(filter).await.map_err(from_tim);
        }
        tim.get_conversation_list(args.conversation_id_list).await.map_err(from_tim)
    }

    pub(crate) async fn pin_conversation(
        &self,
        args: PinConversationArgs,
    ) -> Result<confab_sdk::ConversationIdResponse, ErrorBody> {
        self.tim()?.pin_conversation(&args.conversation_id, args.is_pinned).await.map_err(from_tim)
    }

    pub(crate) async fn set_message_remind_type(
        &self,
        args: confab_sdk::SetMessageRemindType,
    ) -> Result<confab_sdk::RemindTypeResponse, ErrorBody> {
        self.tim()?.set_message_remind_type(args).await.map_err(from_tim)
    }

    pub(crate) async fn mark_conversation(
        &self,
        args: confab_proto::conversation::MarkConversation,
    ) -> Result<confab_sdk::ConversationResultResponse, ErrorBody> {
        let ids = args.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
        self.tim()?.mark_conversation(ids, args.mark_type, args.enable_mark).await.map_err(from_tim)
    }

    pub(crate) async fn set_conversation_custom_data(
        &self,
        args: confab_proto::conversation::SetConversationCustomData,
    ) -> Result<confab_sdk::ConversationResultResponse, ErrorBody> {
        let ids = args.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
        self.tim()?.set_conversation_custom_data(ids, args.custom_data).await.map_err(from_tim)
    }

    pub(crate) async fn get_conversation_group_list(
        &self,
        _: crate::commands::Empty,
    ) -> Result<Vec<String>, ErrorBody> {
        self.tim()?.get_conversation_group_list().await.map_err(from_tim)
    }

    pub(crate) async fn create_conversation_group(
        &self,
        args: confab_proto::conversation::CreateConversationGroup,
    ) -> Result<confab_sdk::ConversationResultResponse, ErrorBody> {
        let ids = args.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
        self.tim()?.create_conversation_group(args.group_name, ids).await.map_err(from_tim)
    }

    pub(crate) async fn delete_conversation_group(
        &self,
        args: confab_proto::conversation::DeleteConversationGroup,
    ) -> Result<confab_proto::conversation::ConversationGroupNameResponse, ErrorBody> {
        self.tim()?.delete_conversation_group(args.group_name).await.map_err(from_tim)
    }

    pub(crate) async fn rename_conversation_group(
        &self,
        args: confab_proto::conversation::RenameConversationGroup,
    ) -> Result<confab_proto::conversation::ConversationGroupNameResponse, ErrorBody> {
        self.tim()?.rename_conversation_group(args.old_name, args.new_name).await.map_err(from_tim)
    }

    pub(crate) async fn add_conversations_to_group(
        &self,
        args: confab_proto::conversation::AddConversationsToGroup,
    ) -> Result<confab_sdk::ConversationResultResponse, ErrorBody> {
        let ids = args.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
        self.tim()?.add_conversations_to_group(ids, args.group_name).await.map_err(from_tim)
    }

    pub(crate) async fn delete_conversations_from_group(
        &self,
        args: confab_proto::conversation::DeleteConversationsFromGroup,
    ) -> Result<confab_sdk::ConversationResultResponse, ErrorBody> {
        let ids = args.conversation_id_list.iter().map(|c| c.as_str().to_owned()).collect();
        self.tim()?.delete_conversations_from_group(ids, args.group_name).await.map_err(from_tim)
    }

    pub(crate) async fn get_conversation_profile(
        &self,
        args: ConversationArgs,
    ) -> Result<ConversationProfileResult, ErrorBody> {
        let conversation =
            self.tim()?.get_conversation_profile(&args.conversation_id).await.map_err(from_tim)?;
        Ok(ConversationProfileResult { conversation })
    }

    pub(crate) async fn delete_conversation(
        &self,
        args: DeleteConversationArgs,
    ) -> Result<DeleteConversationResult, ErrorBody> {
        let options = DeleteConversationOptions {
            conversation_id_list: args.conversation_id_list,
            clear_history_message: args.clear_history_message,
        };
        let deleted = self.tim()?.delete_conversation(options).await.map_err(from_tim)?;
        Ok(DeleteConversationResult { conversation_id_list: deleted })
    }

    pub(crate) async fn set_message_read(
        &self,
        args: ConversationArgs,
    ) -> Result<Empty, ErrorBody> {
        self.tim()?.set_message_read(&args.conversation_id).await.map_err(from_tim)?;
        Ok(Empty {})
    }

    pub(crate) async fn set_all_message_read(
        &self,
        args: confab_proto::conversation::SetAllMessageRead,
    ) -> Result<Empty, ErrorBody> {
        self.tim()?.set_all_message_read(Some(args.scope)).await.map_err(from_tim)?;
        Ok(Empty {})
    }

    pub(crate) async fn clear_history_message(
        &self,
        args: ConversationArgs,
    ) -> Result<Empty, ErrorBody> {
        self.tim()?.clear_history_message(&args.conversation_id).await.map_err(from_tim)?;
        Ok(Empty {})
    }

    pub(crate) async fn translate_text(
        &self,
        args: confab_proto::conversation::TranslateText,
    ) -> Result<confab_proto::conversation::TranslateTextResponse, ErrorBody> {
        self.tim()?.translate_text(args).await.map_err(from_tim)
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn register_plugin(
        &self,
        args: RegisterPluginArgs,
    ) -> Result<Empty, ErrorBody> {
        let names: Vec<&str> = args.plugins.iter().map(String::as_str).collect();
        self.tim()?.register_plugin(&names).map_err(from_tim)?;
        Ok(Empty {})
    }

    #[expect(clippy::unused_async, reason = "every command handler is async")]
    pub(crate) async fn get_total_unread_message_count(&self, _: Empty) -> Result<u64, ErrorBody> {
        Ok(self.tim()?.get_total_unread_message_count())
    }
}
