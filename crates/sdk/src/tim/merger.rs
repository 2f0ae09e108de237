//! Merger messages too big for the 12 KB message body (TIM's cloud-stored
//! merger messages) and `downloadMergerMessage`.
//!
//! Sending: `send_message` of a merger without a `downloadKey` whose body
//! is over the limit uploads the JSON of its `messageList` (file-service
//! kind `merger`, through the resumable upload jobs of file messages), then
//! sends the message with `downloadKey` = the file ID and an empty
//! `messageList`. The sender's store keeps the list (`merger_bodies`), so
//! its copy stays complete.
//!
//! Receiving: the message arrives with the key and no list;
//! [`Tim::download_merger_message`] fetches the body (the receiver holds a
//! grant for every file its messages name), verifies it against the key
//! (SHA-256), parses it and keeps it in the store, so the message reads
//! complete from then on.

use super::Tim;
use crate::files::{self, Rendition};
use crate::model::Message;
use crate::TimError;
use confab_proto::code;
use confab_proto::message::{body_size, MessageElement};
use confab_proto::MAX_MESSAGE_BODY_BYTES;

impl Tim {
    /// Refuses (80002) a merger message whose envelope (title, summary
    /// lines, fallback text, `cloudCustomData`) alone is over 12 KB: even
    /// with its list stored in the file service it would not fit.
    pub(super) fn check_merger_envelope(
        &self,
        element: &MessageElement,
        cloud_custom_data: &str,
    ) -> Result<(), TimError> {
        let mut envelope = element.clone();
        if let MessageElement::Merger(p) = &mut envelope {
            p.message_list.clear();
            // As long as the key it will carry.
            p.download_key = "0".repeat(64);
        }
        let size = body_size(&envelope, cloud_custom_data);
        if size > MAX_MESSAGE_BODY_BYTES {
            return Err(TimError::new(
                code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
                format!("the merger message without its list is {size} bytes; the limit is 12 KB"),
            ));
        }
        Ok(())
    }

    /// TIM `downloadMergerMessage`: completes a merger message whose body
    /// is stored in the file service (`payload.downloadKey` set): resolves
    /// with the message, `payload.messageList` filled (`downloadKey`
    /// unchanged), and keeps the list in the local store, so the message
    /// reads complete afterwards (`get_message_list`, a second call
    /// without downloading). A merger without a key is returned as is.
    ///
    /// Errors: 2450 when the message is not a merger message; 2451 when
    /// the key is malformed, unknown or not this user's to fetch (the file
    /// service's 90009, in `data.code`); 2452 when the download failed or
    /// the body is not a message list.
    pub async fn download_merger_message(&self, message: &Message) -> Result<Message, TimError> {
        let element = message.element().ok();
        let Some(MessageElement::Merger(payload)) = element else {
            return Err(TimError::new(
                code::MESSAGE_MERGER_TYPE_INVALID,
                format!("{} is not a merger message", message.r#type),
            ));
        };
        if payload.download_key.is_empty() {
            return Ok(message.clone());
        }
        let key = payload.download_key;
        if !files::is_file_id(&key) {
            return Err(TimError::new(
                code::MESSAGE_MERGER_KEY_INVALID,
                "downloadKey is not a file ID",
            ));
        }
        let session = self.session().ok_or_else(TimError::not_ready)?;
        let store = &session.core.store;
        let list = match store.merger_body(&key)? {
            Some(list) => list,
            None => {
                let path = files::download::download(&session.files, message, Rendition::Original)
                    .await
                    .map_err(|e| download_error(&e))?;
                let body = tokio::fs::read(&path).await.map_err(|e| {
                    TimError::new(code::MESSAGE_MERGER_DOWNLOAD_FAIL, format!("reading: {e}"))
                })?;
                let parsed = match files::parse_merger_body(&body) {
                    Ok(list) => list,
                    Err(e) => {
                        // Not a body: keep nothing of it.
                        if let Err(io) = tokio::fs::remove_file(&path).await {
                            tracing::debug!("removing {}: {io}", path.display());
                        }
                        return Err(e);
                    }
                };
                let text = serde_json::to_string(&parsed)?;
                store.save_merger_body(&key, &text)?;
                serde_json::to_value(&parsed)?
            }
        };
        let mut complete = message.clone();
        if let Some(p) = complete.payload.as_object_mut() {
            p.insert("messageList".into(), list);
        }
        Ok(complete)
    }
}

/// TIM's code for a failed body download: 2451 when the file service
/// refused the key (unknown, or no grant: 90009), else 2452; the original
/// code stays in `data.code`.
fn download_error(e: &TimError) -> TimError {
    let tim_code = if e.code == code::FILE_ACCESS_DENIED {
        code::MESSAGE_MERGER_KEY_INVALID
    } else {
        code::MESSAGE_MERGER_DOWNLOAD_FAIL
    };
    TimError::new(tim_code, format!("downloading the merger body: {}", e.message))
        .with_data(serde_json::json!({ "code": e.code }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_keys_are_invalid_and_other_failures_are_download_failures() {
        let refused = download_error(&TimError::new(code::FILE_ACCESS_DENIED, "no grant"));
        assert_eq!(refused.code, code::MESSAGE_MERGER_KEY_INVALID);
        assert_eq!(refused.data.as_ref().and_then(|d| d["code"].as_i64()), Some(90009));
        let network = download_error(&TimError::network("reset"));
        assert_eq!(network.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
    }

    #[test]
    fn bodies_must_be_message_lists() {
        assert!(files::parse_merger_body(b"[]").expect("empty list").is_empty());
        let e = files::parse_merger_body(b"\x89PNG").unwrap_err();
        assert_eq!(e.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
        let e = files::parse_merger_body(br#"{"a":1}"#).unwrap_err();
        assert_eq!(e.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
    }
}
