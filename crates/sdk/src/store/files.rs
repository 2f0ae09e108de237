//! The store's side of file messages: messages waiting for their upload
//! (`uploads`, migration 0002). Such a message is stored like any outgoing
//! message but stays out of the outbox until [`Store::finish_upload`] puts
//! the uploaded payload in and queues it, in one transaction.

use super::conversations::ensure_conversation;
use super::messages::insert_unsent;
use super::{Result, Store};
use crate::model::{Conversation, Message};
use confab_proto::message::MessageElement;
use rusqlite::{params, OptionalExtension};

/// `uploads.state` of a job to run.
const ACTIVE: &str = "active";
/// `uploads.state` of a cancelled or refused job.
const STOPPED: &str = "stopped";

impl Store {
    /// Persists a new outgoing file message (status `unSend`) with its
    /// upload job and no outbox row; makes it the conversation's last
    /// message. Returns its key and the conversation.
    pub(crate) fn insert_upload<J: serde::Serialize>(
        &self,
        message: &Message,
        job: &J,
        now_millis: i64,
    ) -> Result<(i64, Option<Conversation>)> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        ensure_conversation(&tx, &message.conversation_id, message.conversation_type)?;
        let key = insert_unsent(&tx, message, false, false)?;
        tx.prepare_cached("INSERT INTO uploads (message_key, job, state) VALUES (?1, ?2, ?3)")?
            .execute(params![key, serde_json::to_string(job)?, ACTIVE])?;
        tx.prepare_cached(
            "UPDATE conversations SET visible = 1, update_time = MAX(update_time, ?2),
               last_message_key = ?3
             WHERE conversation_id = ?1",
        )?
        .execute(params![message.conversation_id, now_millis, key])?;
        tx.commit()?;
        let conversation = self.conversation_in(&conn, &message.conversation_id)?;
        Ok((key, conversation))
    }

    /// The upload job of a message and whether it is active; `None` when
    /// the message has no unfinished upload.
    pub(crate) fn upload_job<J: serde::de::DeserializeOwned>(
        &self,
        key: i64,
    ) -> Result<Option<(J, bool)>> {
        let row: Option<(String, String)> = self
            .lock()
            .prepare_cached("SELECT job, state FROM uploads WHERE message_key = ?1")?
            .query_row(params![key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(job, state)| Ok((serde_json::from_str(&job)?, state == ACTIVE))).transpose()
    }

    /// Saves a job's progress (upload IDs, finished files); false when the
    /// message no longer waits for an upload.
    pub(crate) fn save_upload_job<J: serde::Serialize>(&self, key: i64, job: &J) -> Result<bool> {
        let changed = self
            .lock()
            .prepare_cached("UPDATE uploads SET job = ?2 WHERE message_key = ?1")?
            .execute(params![key, serde_json::to_string(job)?])?;
        Ok(changed > 0)
    }

    /// Stops an upload (cancelled or refused): the message becomes `fail`.
    /// Returns the message and its conversation when this changed its
    /// status; `None` when it has no unfinished upload or was already
    /// stopped.
    pub(crate) fn stop_upload(&self, key: i64) -> Result<Option<(Message, Option<Conversation>)>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let stopped = tx
            .prepare_cached("UPDATE uploads SET state = ?2 WHERE message_key = ?1 AND state = ?3")?
            .execute(params![key, STOPPED, ACTIVE])?;
        if stopped == 0 {
            return Ok(None);
        }
        tx.prepare_cached("UPDATE messages SET status = 'fail' WHERE key = ?1")?
            .execute(params![key])?;
        tx.commit()?;
        let Some(message) = self.message_by_key_in(&conn, key)? else { return Ok(None) };
        let conversation = self.conversation_in(&conn, &message.conversation_id)?;
        Ok(Some((message, conversation)))
    }

    /// Makes a stopped upload active again (resend): status `unSend`.
    /// Returns the conversation; `None` when there is no unfinished upload.
    pub(crate) fn restart_upload(
        &self,
        key: i64,
        now_millis: i64,
    ) -> Result<Option<Option<Conversation>>> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let changed = tx
            .prepare_cached("UPDATE uploads SET state = ?2 WHERE message_key = ?1")?
            .execute(params![key, ACTIVE])?;
        if changed == 0 {
            return Ok(None);
        }
        let conversation_id: String = tx
            .prepare_cached(
                "UPDATE messages SET status = 'unSend' WHERE key = ?1 RETURNING conversation_id",
            )?
            .query_row(params![key], |r| r.get(0))?;
        tx.prepare_cached(
            "UPDATE conversations SET visible = 1, update_time = MAX(update_time, ?2)
             WHERE conversation_id = ?1",
        )?
        .execute(params![conversation_id, now_millis])?;
        tx.commit()?;
        Ok(Some(self.conversation_in(&conn, &conversation_id)?))
    }

    /// The upload finished: stores the payload with its file IDs and URLs,
    /// drops the job and queues the message in the outbox. False when the
    /// job was gone (message deleted) or not active (cancelled meanwhile).
    pub(crate) fn finish_upload(
        &self,
        key: i64,
        element: &MessageElement,
        control_info: Option<&str>,
    ) -> Result<bool> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let removed = tx
            .prepare_cached("DELETE FROM uploads WHERE message_key = ?1 AND state = ?2")?
            .execute(params![key, ACTIVE])?;
        if removed == 0 {
            return Ok(false);
        }
        tx.prepare_cached("UPDATE messages SET element = ?2 WHERE key = ?1")?
            .execute(params![key, serde_json::to_string(element)?])?;
        tx.prepare_cached("INSERT INTO outbox (message_key, control_info) VALUES (?1, ?2)")?
            .execute(params![key, control_info])?;
        tx.commit()?;
        Ok(true)
    }

    /// Keys of the messages whose upload is active (to resume at login),
    /// oldest first.
    pub(crate) fn active_uploads(&self) -> Result<Vec<i64>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT message_key FROM uploads WHERE state = ?1 ORDER BY message_key",
        )?;
        let keys =
            stmt.query_map(params![ACTIVE], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::tests::sample_message;
    use crate::model::MessageStatus;
    use confab_proto::message::FilePayload;

    #[test]
    fn an_upload_waits_outside_the_outbox_until_finished() {
        let store = Store::open_in_memory("alice").expect("store");
        let mut message = sample_message();
        message.id = "local-9".into();
        message.random = 9;
        message.from = "alice".into();
        message.status = MessageStatus::UnSend;
        message.set_element(&MessageElement::File(FilePayload {
            file_name: "a.txt".into(),
            file_size: 3,
            ..FilePayload::default()
        }));
        let (key, conversation) =
            store.insert_upload(&message, &serde_json::json!({"n": 1}), 5).expect("insert");
        assert!(conversation.is_some());
        assert!(store.outbox().expect("outbox").is_empty());
        assert_eq!(store.active_uploads().expect("active"), [key]);
        let pending = store.pending_messages(&message.conversation_id).expect("pending");
        assert_eq!(pending.len(), 1);
        assert!(store.save_upload_job(key, &serde_json::json!({"n": 2})).expect("save"));
        let (job, active): (serde_json::Value, bool) =
            store.upload_job(key).expect("job").expect("present");
        assert_eq!((job["n"].as_i64(), active), (Some(2), true));

        let (failed, _) = store.stop_upload(key).expect("stop").expect("stopped");
        assert_eq!(failed.status, MessageStatus::Fail);
        assert!(store.stop_upload(key).expect("again").is_none());
        assert!(store.active_uploads().expect("active").is_empty());
        let uploaded = MessageElement::File(FilePayload {
            uuid: "u".into(),
            file_name: "a.txt".into(),
            file_url: "http://h/files/u".into(),
            file_size: 3,
        });
        assert!(!store.finish_upload(key, &uploaded, None).expect("stopped jobs do not finish"));

        assert!(store.restart_upload(key, 6).expect("restart").is_some());
        assert_eq!(
            store.message_by_key(key).expect("m").expect("present").status,
            MessageStatus::UnSend
        );
        assert!(store.finish_upload(key, &uploaded, None).expect("finish"));
        let outbox = store.outbox().expect("outbox");
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].request.message.element, uploaded);
        assert!(store.upload_job::<serde_json::Value>(key).expect("job").is_none());
    }
}
