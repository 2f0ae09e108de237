//! Conversations: `getConversationList`, `setMessageRead`,
//! `setAllMessageRead`, `clearHistoryMessage`, `deleteConversation` and
//! `translateText`.
//!
//! `setMessageRead` on a conversation the caller does not have gives 2500
//! (`CONVERSATION_NOT_FOUND`); a malformed ID gives 2503
//! (`INVALID_CONVERSATION_ID`). `deleteConversation` takes 1 to 100 valid IDs
//! (else 2503), is not synced to the caller's other instances, and skips IDs
//! the caller has no conversation for. `clearHistoryMessage` refuses a
//! malformed ID (2503) and a conversation the caller does not have (2500).
//! `translateText` checks its limits (20001) and fails with 2117 when no
//! provider is configured or the provider fails.

use super::{from_store, reject, Caller, Reply};
use crate::server::ServerContext;
use confab_proto::conversation::{
    ClearHistoryMessage, ClearHistoryMessageResponse, SetAllMessageRead, SetAllMessageReadResponse,
    TranslateText, TranslateTextResponse, MAX_TRANSLATE_CHARS, MAX_TRANSLATE_TEXTS,
};
use confab_proto::ops::{
    DeleteConversation, DeleteConversationResponse, GetConversationList,
    GetConversationListResponse, SetMessageRead, SetMessageReadResponse,
};
use confab_proto::{code, ConversationId, ConversationKind, ErrorBody};
use futures_util::FutureExt as _;

/// Most conversations one `deleteConversation` takes.
pub(crate) const MAX_DELETE: usize = 100;

fn invalid_id(id: &ConversationId) -> ErrorBody {
    ErrorBody::new(
        code::INVALID_CONVERSATION_ID,
        format!("invalid conversation ID {:?}", id.as_str()),
    )
}

fn is_valid(id: &ConversationId) -> bool {
    match id.kind() {
        Some(ConversationKind::C2c(peer)) => {
            confab_proto::account::validate_user_id(peer.as_str()).is_ok()
        }
        Some(_) => true,
        None => false,
    }
}

/// `getConversationList`.
pub(crate) fn get_conversation_list(
    ctx: &ServerContext,
    caller: &Caller,
    _request: GetConversationList,
) -> Reply<GetConversationListResponse> {
    // Group conversations come from the caller's memberships: their unread
    // counts are computed from each group's messages and the read sequence.
    let c2c = ctx.store.conversation_list(caller.user.clone());
    let groups = ctx.store.group_conversations(caller.user.clone());
    let settings = ctx.store.conversation_settings(caller.user.clone());
    let conversation_groups = ctx.store.conversation_groups(caller.user.clone());
    async move {
        let (mut conversations, inbox_seq) = c2c.await.map_err(super::store_error)?;
        let settings = settings.await.map_err(super::store_error)?;
        let conversation_groups = conversation_groups.await.map_err(super::store_error)?;
        conversations.extend(groups.await.map_err(super::store_error)?);
        conversations.sort_by(|a, b| {
            b.update_time
                .cmp(&a.update_time)
                .then_with(|| a.conversation_id.cmp(&b.conversation_id))
        });
        Ok(GetConversationListResponse { conversations, inbox_seq, settings, conversation_groups })
    }
    .boxed()
}

/// `setMessageRead`.
pub(crate) fn set_message_read(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetMessageRead,
) -> Reply<SetMessageReadResponse> {
    if !is_valid(&request.conversation_id) {
        return reject(invalid_id(&request.conversation_id));
    }
    if let Some(ConversationKind::Group(group)) = request.conversation_id.kind() {
        return from_store(
            ctx.store.set_group_read(caller.user.clone(), confab_proto::GroupId::new(group)),
            |r| r,
        );
    }
    from_store(ctx.store.set_message_read(caller.user.clone(), request.conversation_id), |r| r)
}

/// `deleteConversation`.
pub(crate) fn delete_conversation(
    ctx: &ServerContext,
    caller: &Caller,
    request: DeleteConversation,
) -> Reply<DeleteConversationResponse> {
    let ids = request.conversation_id_list;
    if ids.is_empty() || ids.len() > MAX_DELETE {
        return reject(ErrorBody::new(
            code::INVALID_CONVERSATION_ID,
            format!("conversationIDList must hold 1 to {MAX_DELETE} IDs, not {}", ids.len()),
        ));
    }
    if let Some(bad) = ids.iter().find(|id| !is_valid(id)) {
        return reject(invalid_id(bad));
    }
    let mut unique = Vec::with_capacity(ids.len());
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    let listed = unique.clone();
    from_store(
        ctx.store.delete_conversations(caller.user.clone(), unique, request.clear_history_message),
        move |()| DeleteConversationResponse { conversation_id_list: listed },
    )
}

/// `setAllMessageRead`.
pub(crate) fn set_all_message_read(
    ctx: &ServerContext,
    caller: &Caller,
    request: SetAllMessageRead,
) -> Reply<SetAllMessageReadResponse> {
    from_store(ctx.store.set_all_message_read(caller.user.clone(), request.scope), |read_list| {
        SetAllMessageReadResponse { read_list }
    })
}

/// `clearHistoryMessage`.
pub(crate) fn clear_history_message(
    ctx: &ServerContext,
    caller: &Caller,
    request: ClearHistoryMessage,
) -> Reply<ClearHistoryMessageResponse> {
    if !is_valid(&request.conversation_id) {
        return reject(invalid_id(&request.conversation_id));
    }
    from_store(ctx.store.clear_history_message(caller.user.clone(), request.conversation_id), |r| r)
}

/// Whether `language` looks like a language code (`auto`, `en`, `zh-Hans`).
fn is_language(language: &str) -> bool {
    (2..=16).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `translateText`.
pub(crate) fn translate_text(
    ctx: &ServerContext,
    _caller: &Caller,
    request: TranslateText,
) -> Reply<TranslateTextResponse> {
    let bad = |message: String| reject(ErrorBody::new(code::ERR_SVR_MSG_PKG_PARSE_FAILED, message));
    let texts = request.source_text_list;
    if texts.is_empty() || texts.len() > MAX_TRANSLATE_TEXTS {
        return bad(format!(
            "sourceTextList must hold 1 to {MAX_TRANSLATE_TEXTS} texts, not {}",
            texts.len()
        ));
    }
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    if chars > MAX_TRANSLATE_CHARS {
        return bad(format!(
            "sourceTextList holds {chars} characters; at most {MAX_TRANSLATE_CHARS} are translated at once"
        ));
    }
    for language in [&request.source_language, &request.target_language] {
        if !is_language(language) {
            return bad(format!("{language:?} is not a language code"));
        }
    }
    if request.target_language == "auto" {
        return bad("targetLanguage must name a language, not auto".into());
    }
    let Some(translator) = ctx.translator.clone() else {
        return reject(ErrorBody::new(
            code::TRANSLATE_TEXT_FAIL,
            crate::translate::TranslateError::NotConfigured.to_string(),
        ));
    };
    async move {
        match translator.translate(&texts, &request.source_language, &request.target_language).await
        {
            Ok(translated_text_list) => Ok(TranslateTextResponse { translated_text_list }),
            Err(e) => {
                tracing::warn!(error = %e, "translateText");
                Err(ErrorBody::new(code::TRANSLATE_TEXT_FAIL, e.to_string()))
            }
        }
    }
    .boxed()
}

/// Adds this area's operations to the registry.
pub(crate) fn register(registry: &mut super::Registry) -> Result<(), super::RegistryError> {
    registry.service::<confab_proto::ops::GetConversationList>(get_conversation_list)?;
    registry.service::<confab_proto::ops::SetMessageRead>(set_message_read)?;
    registry.service::<confab_proto::ops::DeleteConversation>(delete_conversation)?;
    registry.service::<SetAllMessageRead>(set_all_message_read)?;
    registry.service::<ClearHistoryMessage>(clear_history_message)?;
    registry.service::<TranslateText>(translate_text)?;
    Ok(())
}
