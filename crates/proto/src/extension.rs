//! Message extensions (TIM's `setMessageExtensions` and friends, what
//! reactions are built on): key-value pairs on a sent message that was
//! created with `isSupportExtension`, shared by everyone in its
//! conversation. Each key carries a version (`seq`): a write names the
//! version it was made from (0 for a key believed new), and a write made
//! from a stale version is not applied but answered, inside a successful
//! reply, with code 23001 and the key's current value and version (TIM's
//! per-key conflict), so two clients writing one key at once cannot both
//! win. Every participant's instances hear each change
//! (`messageExtensionsUpdated` / `messageExtensionsDeleted`). AVChatRoom
//! messages have no extensions.

use crate::ids::ConversationId;
use serde::{Deserialize, Serialize};

macro_rules! operation {
    ($req:ty, $name:literal, $resp:ty) => {
        impl crate::ops::Operation for $req {
            const NAME: &'static str = $name;
            type Response = $resp;
        }
    };
}

/// Longest extension key, in bytes (the seed: 100).
pub const MAX_EXTENSION_KEY_BYTES: usize = 100;
/// Longest extension value, in bytes (the seed: 1 KB).
pub const MAX_EXTENSION_VALUE_BYTES: usize = 1024;
/// Most extensions one call sets (the seed: 20).
pub const MAX_EXTENSIONS_PER_CALL: usize = 20;
/// Most extensions one message has (the seed: 300).
pub const MAX_EXTENSIONS_PER_MESSAGE: usize = 300;

/// One extension of a message.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageExtension {
    /// The key (1 to 100 bytes).
    pub key: String,
    /// The value (at most 1 KB).
    pub value: String,
    /// The key's version: in a write, the version it was made from (0: the
    /// key is believed new); in an answer or event, its version now.
    #[serde(default)]
    pub seq: u64,
}

/// One key of a write and what became of it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionResult {
    /// 0: written; 23001: written meanwhile by someone else (not applied;
    /// `value` and `seq` are the current ones, `""` and 0 for a deleted key).
    pub code: i32,
    /// The key.
    pub key: String,
    /// Its value now.
    pub value: String,
    /// Its version now.
    pub seq: u64,
}

/// `{extensions: [ExtensionResult]}`, in the order asked.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionResultResponse {
    /// Each key's outcome.
    pub extensions: Vec<ExtensionResult>,
}

/// `setMessageExtensions`: adds or replaces extensions of a message of the
/// caller's conversation (1 to 20 per call, key 1 to 100 bytes, value at
/// most 1 KB, at most 300 on a message; else 20001). Refused: a message not
/// in the conversation (20026), not created with `isSupportExtension` or in
/// an AVChatRoom (2905).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetMessageExtensions {
    /// The conversation, from the caller's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The extensions, each with the version it was made from.
    pub extensions: Vec<MessageExtension>,
}
operation!(SetMessageExtensions, "setMessageExtensions", ExtensionResultResponse);

/// `getMessageExtensions`: every extension of a message of the caller's
/// conversation (refusals as for `setMessageExtensions`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GetMessageExtensions {
    /// The conversation, from the caller's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
}
operation!(GetMessageExtensions, "getMessageExtensions", ExtensionListResponse);

/// `{extensions: [MessageExtension]}`, by key.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionListResponse {
    /// The extensions.
    pub extensions: Vec<MessageExtension>,
}

/// `deleteMessageExtensions`: deletes the listed keys (each with the
/// version it was made from; `value` is ignored) or, with no list, every
/// extension of the message (refusals as for `setMessageExtensions`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeleteMessageExtensions {
    /// The conversation, from the caller's side.
    #[serde(rename = "conversationID")]
    pub conversation_id: ConversationId,
    /// The message.
    #[serde(rename = "messageID")]
    pub message_id: String,
    /// The keys; empty: all of them.
    #[serde(rename = "keyList", default)]
    pub key_list: Vec<MessageExtension>,
}
operation!(DeleteMessageExtensions, "deleteMessageExtensions", ExtensionResultResponse);

/// Whether an extension's key and value are within the limits: the
/// reason when not.
pub fn check_extension(e: &MessageExtension) -> Result<(), String> {
    if e.key.is_empty() || e.key.len() > MAX_EXTENSION_KEY_BYTES {
        return Err(format!(
            "an extension key is 1 to {MAX_EXTENSION_KEY_BYTES} bytes, not {}",
            e.key.len()
        ));
    }
    if e.value.len() > MAX_EXTENSION_VALUE_BYTES {
        return Err(format!(
            "an extension value is at most {MAX_EXTENSION_VALUE_BYTES} bytes, not {}",
            e.value.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        let ok = MessageExtension { key: "k".repeat(100), value: "v".repeat(1024), seq: 0 };
        assert!(check_extension(&ok).is_ok());
        let long_key = MessageExtension { key: "k".repeat(101), ..ok.clone() };
        assert!(check_extension(&long_key).is_err());
        let empty_key = MessageExtension { key: String::new(), ..ok.clone() };
        assert!(check_extension(&empty_key).is_err());
        let long_value = MessageExtension { value: "v".repeat(1025), ..ok };
        assert!(check_extension(&long_value).is_err());
    }
}
