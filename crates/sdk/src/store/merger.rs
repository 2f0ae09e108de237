//! Bodies of merger messages stored in the file service
//! (`merger_bodies`, migration 0004): a message's row keeps the wire form
//! (`downloadKey` set, empty `messageList`); reading it fills the list in
//! once the body is known here (uploaded by this user, or fetched by
//! `downloadMergerMessage`).

use super::{Result, Store};
use crate::model::Message;
use confab_proto::constants::types;
use rusqlite::{params, OptionalExtension};

impl Store {
    /// Keeps the body (JSON array of `SimplifiedMessage`) of the merger
    /// file `download_key`.
    pub(crate) fn save_merger_body(&self, download_key: &str, body: &str) -> Result<()> {
        self.lock()
            .prepare_cached(
                "INSERT INTO merger_bodies (download_key, body) VALUES (?1, ?2)
                 ON CONFLICT (download_key) DO UPDATE SET body = excluded.body",
            )?
            .execute(params![download_key, body])?;
        Ok(())
    }

    /// The stored body of the merger file `download_key`, parsed.
    pub(crate) fn merger_body(&self, download_key: &str) -> Result<Option<serde_json::Value>> {
        merger_body_in(&self.lock(), download_key)
    }
}

/// The stored body of the merger file `download_key`, parsed.
fn merger_body_in(
    conn: &rusqlite::Connection,
    download_key: &str,
) -> Result<Option<serde_json::Value>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM merger_bodies WHERE download_key = ?1")?
        .query_row(params![download_key], |r| r.get(0))
        .optional()?;
    Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
}

/// The `downloadKey` of a merger message whose `messageList` is missing.
pub(crate) fn missing_body(message: &Message) -> Option<&str> {
    if message.r#type != types::MSG_MERGER {
        return None;
    }
    let key = message.payload.get("downloadKey")?.as_str()?;
    let empty = match message.payload.get("messageList") {
        None | Some(serde_json::Value::Null) => true,
        Some(serde_json::Value::Array(list)) => list.is_empty(),
        Some(_) => false,
    };
    (!key.is_empty() && empty).then_some(key)
}

/// Fills the `messageList` of a merger message read from the store when
/// its body is known.
pub(super) fn fill_in(conn: &rusqlite::Connection, message: &mut Message) -> Result<()> {
    let Some(key) = missing_body(message) else { return Ok(()) };
    if let Some(list) = merger_body_in(conn, key)? {
        if let Some(payload) = message.payload.as_object_mut() {
            payload.insert("messageList".into(), list);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::sample_message;
    use confab_proto::message::{MergerPayload, MessageElement, SimplifiedMessage, TextPayload};

    #[test]
    fn stored_bodies_fill_merger_messages_read_from_the_store() {
        let store = Store::open_in_memory("bob").expect("store");
        let key = "a".repeat(64);
        let mut message = sample_message();
        message.set_element(&MessageElement::Merger(MergerPayload {
            title: "t".into(),
            download_key: key.clone(),
            version: 1,
            ..MergerPayload::default()
        }));
        assert_eq!(missing_body(&message), Some(key.as_str()));
        let list = vec![SimplifiedMessage {
            id: "1".into(),
            from: "alice".into(),
            message_body: vec![MessageElement::Text(TextPayload { text: "hi".into() })],
            ..SimplifiedMessage::default()
        }];
        let conn = store.lock();
        fill_in(&conn, &mut message).expect("nothing stored yet");
        assert_eq!(missing_body(&message), Some(key.as_str()));
        drop(conn);
        store.save_merger_body(&key, &serde_json::to_string(&list).expect("json")).expect("save");
        fill_in(&store.lock(), &mut message).expect("fill");
        assert_eq!(missing_body(&message), None);
        let MessageElement::Merger(p) = message.element().expect("element") else {
            panic!("not a merger")
        };
        assert_eq!((p.message_list, p.download_key), (list, key));
    }
}
