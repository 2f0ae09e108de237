//! Message extensions (server: `handlers/extension.rs`):
//! `setMessageExtensions`, `getMessageExtensions` and
//! `deleteMessageExtensions`. Each write is made from the versions this
//! instance last learnt of the keys (kept in the local store from answers
//! and events), so a key someone else wrote meanwhile comes back as a
//! per-key 23001 with its current value instead of being overwritten.
//! Every instance of everyone in the conversation, this one too, hears the
//! changes as MESSAGE_EXTENSIONS_UPDATED / MESSAGE_EXTENSIONS_DELETED.

use super::Tim;
use crate::model::{Message, MessageStatus};
use crate::TimError;
use confab_proto::extension::{
    check_extension, DeleteMessageExtensions, ExtensionResult, GetMessageExtensions,
    MessageExtension, SetMessageExtensions, MAX_EXTENSIONS_PER_CALL,
};
use confab_proto::{code, ConversationId};

/// The message's conversation, refusing one TIM's conditions rule out
/// (2905): not created with `isSupportExtension`, or not sent.
fn extensible(message: &Message) -> Result<ConversationId, TimError> {
    if !message.is_support_extension {
        return Err(TimError::new(
            code::INVALID_OPERATION,
            "the message was not created with isSupportExtension",
        ));
    }
    if message.status != MessageStatus::Success {
        return Err(TimError::new(
            code::INVALID_OPERATION,
            "extensions need a message that was sent successfully",
        ));
    }
    Ok(ConversationId::from(message.conversation_id.as_str()))
}

impl Tim {
    /// TIM `setMessageExtensions`: adds or replaces `{key, value}` pairs on
    /// an extensible, sent message (1 to 20 per call, key ≤ 100 bytes,
    /// value ≤ 1 KB, ≤ 300 per message: else 20001; checklist 250–264). The
    /// answer has one result per key: code 0 written, 23001 written
    /// meanwhile by someone else (its current value; write again to
    /// replace it).
    pub async fn set_message_extensions(
        &self,
        message: &Message,
        extensions: Vec<MessageExtension>,
    ) -> Result<Vec<ExtensionResult>, TimError> {
        let session = self.ready_session()?;
        let conversation_id = extensible(message)?;
        if extensions.is_empty() || extensions.len() > MAX_EXTENSIONS_PER_CALL {
            return Err(TimError::new(
                code::ERR_SVR_MSG_PKG_PARSE_FAILED,
                format!(
                    "1 to {MAX_EXTENSIONS_PER_CALL} extensions per call, not {}",
                    extensions.len()
                ),
            ));
        }
        for e in &extensions {
            check_extension(e).map_err(|m| TimError::new(code::ERR_SVR_MSG_PKG_PARSE_FAILED, m))?;
        }
        let store = &session.core.store;
        let known = store.extension_seqs(&message.id)?;
        let extensions = extensions
            .into_iter()
            .map(|e| MessageExtension { seq: known.get(&e.key).copied().unwrap_or(0), ..e })
            .collect();
        let request =
            SetMessageExtensions { conversation_id, message_id: message.id.clone(), extensions };
        let response = self.request(&session, &request).await?;
        learn(store, &message.id, &response.extensions)?;
        Ok(response.extensions)
    }

    /// TIM `getMessageExtensions`: every extension of an extensible, sent
    /// message, by key (checklist 266–269).
    pub async fn get_message_extensions(
        &self,
        message: &Message,
    ) -> Result<Vec<MessageExtension>, TimError> {
        let session = self.ready_session()?;
        let conversation_id = extensible(message)?;
        let request = GetMessageExtensions { conversation_id, message_id: message.id.clone() };
        let response = self.request(&session, &request).await?;
        session.core.store.replace_extensions(&message.id, &response.extensions)?;
        Ok(response.extensions)
    }

    /// TIM `deleteMessageExtensions`: deletes the listed keys, or every
    /// extension with `None` (checklist 271–277); results as for
    /// `set_message_extensions`.
    pub async fn delete_message_extensions(
        &self,
        message: &Message,
        keys: Option<Vec<String>>,
    ) -> Result<Vec<ExtensionResult>, TimError> {
        let session = self.ready_session()?;
        let conversation_id = extensible(message)?;
        let store = &session.core.store;
        let known = store.extension_seqs(&message.id)?;
        let key_list = keys
            .unwrap_or_default()
            .into_iter()
            .map(|key| MessageExtension {
                seq: known.get(&key).copied().unwrap_or(0),
                key,
                value: String::new(),
            })
            .collect();
        let request =
            DeleteMessageExtensions { conversation_id, message_id: message.id.clone(), key_list };
        let response = self.request(&session, &request).await?;
        learn(store, &message.id, &response.extensions)?;
        Ok(response.extensions)
    }
}

/// Keeps what an answer says of each key: its value and version now (a
/// key whose version is 0 no longer exists).
fn learn(
    store: &crate::store::Store,
    message_id: &str,
    results: &[ExtensionResult],
) -> Result<(), TimError> {
    let (gone, now): (Vec<_>, Vec<_>) = results.iter().partition(|r| r.seq == 0);
    let now: Vec<MessageExtension> = now
        .into_iter()
        .map(|r| MessageExtension { key: r.key.clone(), value: r.value.clone(), seq: r.seq })
        .collect();
    store.save_extensions(message_id, &now)?;
    let gone: Vec<String> = gone.into_iter().map(|r| r.key.clone()).collect();
    store.forget_extensions(message_id, &gone)?;
    Ok(())
}
