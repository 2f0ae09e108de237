//! TIM's message operations on [`Tim`]: `revokeMessage`, `modifyMessage`,
//! `deleteMessage`, `getMessageListHopping`, and the message factories that
//! build on existing messages (`createForwardMessage`,
//! `createMergerMessage`) or are group-only (`createTextAtMessage`).
//!
//! Revokes and modifications are the server's to decide (window, sender,
//! version conflicts); this instance learns the outcome from its response
//! and does not announce its own change as MESSAGE_REVOKED /
//! MESSAGE_MODIFIED (its other instances and the peer get those through
//! their inboxes, the members of a group through its timeline, also after
//! being offline). Revoke, modify and delete work in C2C and group
//! conversations; hopping serves C2C (by time) and groups (by sequence).

use super::{chat_conversation, Tim};
use crate::event::Event;
use crate::model::{CreateMessageOptions, IntoElement, Message, MessageStatus};
use crate::TimError;
use confab_proto::message::{
    body_size, ConversationType, MergerPayload, MessageElement, SimplifiedMessage, TextPayload,
    WireMessage,
};
use confab_proto::ops::{
    DeleteMessages, GetMessageListHopping, ModifyMessage, RevokeMessage, MAX_DELETE_MESSAGES,
    MAX_HOPPING_COUNT,
};
use confab_proto::{code, ConversationId, MAX_MESSAGE_BODY_BYTES};
use serde::{Deserialize, Serialize};

/// Smallest gap between two accepted `delete_message` calls (TIM: once
/// per second, else 2996).
const DELETE_INTERVAL_MS: i64 = 1000;

/// Options of [`Tim::get_message_list_hopping`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMessageListHoppingOptions {
    /// `C2C<userID>` or `GROUP<groupID>`.
    #[serde(rename = "conversationID")]
    pub conversation_id: String,
    /// C2C: the server time (seconds) to start from; `None` starts at the
    /// newest end (direction 0) or the oldest (direction 1). Passing the
    /// previous page's `nextMessageTime` continues exactly where it ended.
    #[serde(default)]
    pub time: Option<i64>,
    /// The message sequence to start from, included (TIM's start for
    /// groups; for C2C a Confab extension that wins over `time`).
    #[serde(default)]
    pub sequence: Option<u64>,
    /// 0 (default): older messages, "up"; 1: newer, "down".
    #[serde(default)]
    pub direction: u8,
    /// Page size, default and at most 15.
    #[serde(default)]
    pub count: Option<u32>,
}

/// Result of [`Tim::get_message_list_hopping`] (TIM `imResponse.data` for
/// C2C).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HoppingPage {
    /// Messages, oldest first.
    pub message_list: Vec<Message>,
    /// Nothing further exists in the requested direction.
    pub is_completed: bool,
    /// Where to continue (a server time, seconds; C2C's continuation);
    /// `''` when completed.
    #[serde(with = "number_or_empty")]
    #[cfg_attr(feature = "ts", ts(type = "number | \"\""))]
    pub next_message_time: Option<i64>,
    /// Where to continue (a message sequence; a group's continuation, to
    /// pass as `sequence`); `''` when completed.
    #[serde(with = "number_or_empty")]
    #[cfg_attr(feature = "ts", ts(type = "number | \"\""))]
    pub next_message_seq: Option<i64>,
}

/// TIM's "a number, or `''` for none".
mod number_or_empty {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(n) => s.serialize_i64(*n),
            None => s.serialize_str(""),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(i64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Number(n) => Ok(Some(n)),
            Either::Text(t) if t.is_empty() => Ok(None),
            Either::Text(t) => t.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// Payload of [`Tim::create_merger_message`].
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MergerMessagePayload {
    /// The messages to merge (each sent successfully), in display order.
    pub message_list: Vec<Message>,
    /// Title, e.g. "Chat history of alice and bob".
    pub title: String,
    /// Summary lines, e.g. `alice: hi`.
    pub abstract_list: Vec<String>,
    /// Text for clients that cannot show merger messages.
    pub compatible_text: String,
}

/// Payload of [`Tim::create_text_at_message`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TextAtPayload {
    /// The text.
    pub text: String,
    /// Mentioned userIDs, and/or `TIM.TYPES.MSG_AT_ALL`.
    pub at_user_list: Vec<String>,
}

impl IntoElement for MessageElement {
    fn into_element(self) -> MessageElement {
        self
    }
}

/// A stored message: sent or received successfully, with a server
/// sequence (not `onlineUserOnly`).
fn is_stored(message: &Message) -> bool {
    message.status == MessageStatus::Success && message.sequence > 0
}

impl Tim {
    /// TIM `revokeMessage`: withdraws a message this user sent, within the
    /// server's revoke window (default 2 minutes; later: 2110). Resolves
    /// with the message, `is_revoked` true; it stays in history on both
    /// sides. The peer and this user's other instances get
    /// MESSAGE_REVOKED; CONVERSATION_LIST_UPDATED follows when it is the
    /// last message.
    pub async fn revoke_message(&self, message: &Message) -> Result<Message, TimError> {
        let session = self.ready_session()?;
        chat_conversation(&message.conversation_id)?;
        if !is_stored(message) {
            return Err(TimError::new(
                code::MESSAGE_REVOKE_FAIL,
                "only messages stored by the server can be revoked",
            ));
        }
        let request = RevokeMessage {
            conversation_id: ConversationId::from(message.conversation_id.as_str()),
            message_id: message.id.clone(),
        };
        let core = &session.core;
        core.start_acting_on(&message.id);
        let outcome = match self.request(&session, &request).await {
            Ok(response) => core.store.record_update(&response.message).map_err(TimError::from),
            Err(e) => Err(e),
        };
        core.stop_acting_on(&message.id);
        let (revoked, conversation) = outcome?;
        if let Some(c) = conversation {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        Ok(revoked)
    }

    /// TIM `modifyMessage`: the caller changed `payload` (text, custom,
    /// location and face messages, also their `type` among those) and/or
    /// `cloudCustomData` of a stored message and passes it in. Resolves
    /// with the latest message (`is_modified`, a new `version`); this
    /// instance, everyone else in the conversation and this user's other
    /// instances get MESSAGE_MODIFIED, once each. Errors: 2480 when someone modified it meanwhile,
    /// with `data.message` the latest version (as a [`Message`]); 20026
    /// for a message that was never stored (`onlineUserOnly`, unsent) or
    /// does not exist; 80002 over 12 KB; 80001 when the profanity filter
    /// refuses the text.
    pub async fn modify_message(&self, message: &Message) -> Result<Message, TimError> {
        let session = self.ready_session()?;
        chat_conversation(&message.conversation_id)?;
        if !is_stored(message) {
            return Err(TimError::new(
                code::ERR_SVR_MSG_NOT_FOUND,
                "only messages stored by the server can be modified",
            ));
        }
        let element = message.element().map_err(|e| {
            TimError::new(
                code::INVALID_OPERATION,
                format!("bad payload for {}: {e}", message.r#type),
            )
        })?;
        // A merger whose body is stored goes as the server keeps it,
        // without its list: changing only `cloudCustomData` of a large
        // merger is no content change and stays within 12 KB (checklist 283).
        let element = crate::files::wire_element(element);
        let size = body_size(&element, &message.cloud_custom_data);
        if size > MAX_MESSAGE_BODY_BYTES {
            return Err(TimError::new(
                code::ERR_SVR_COMM_BODY_SIZE_LIMIT,
                format!("the message body is {size} bytes; the limit is 12 KB"),
            ));
        }
        let request = ModifyMessage {
            conversation_id: ConversationId::from(message.conversation_id.as_str()),
            message_id: message.id.clone(),
            version: message.version,
            element,
            cloud_custom_data: message.cloud_custom_data.clone(),
        };
        let core = &session.core;
        core.start_acting_on(&message.id);
        let outcome = match self.request(&session, &request).await {
            Ok(response) => core.store.record_update(&response.message).map_err(TimError::from),
            Err(e) if e.code == code::MESSAGE_MODIFY_CONFLICT => Err(self.conflict(&session, e)),
            Err(e) => Err(e),
        };
        core.stop_acting_on(&message.id);
        let (modified, conversation) = outcome?;
        // TIM fires MESSAGE_MODIFIED for self too (自己和对端用户都会收到).
        // The inbox echo of this change brings no newer version, so this
        // instance announces it once, here.
        core.emit(Event::MessageModified(vec![modified.clone()]));
        if let Some(c) = conversation {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        Ok(modified)
    }

    /// A 2480 error whose `data.message` (the server's latest record) is
    /// stored and handed out as a TIM [`Message`].
    fn conflict(&self, session: &super::Session, error: TimError) -> TimError {
        let latest = error
            .data
            .as_ref()
            .and_then(|d| d.get("message"))
            .and_then(|m| serde_json::from_value::<WireMessage>(m.clone()).ok());
        let Some(latest) = latest else { return error };
        let message = match session.core.store.record_update(&latest) {
            Ok((message, _)) => message,
            Err(e) => {
                session
                    .core
                    .log(tracing::Level::WARN, format_args!("storing the latest version: {e}"));
                crate::model::message_from_wire(&latest, &session.core.user_id)
            }
        };
        match serde_json::to_value(&message) {
            Ok(value) => error.with_data(serde_json::json!({ "message": value })),
            Err(_) => error,
        }
    }

    /// TIM `deleteMessage`: deletes up to 30 messages (more: only the first
    /// 30, without error) of the first message's conversation (messages
    /// of other conversations in the list are left alone) for this user:
    /// they carry `is_deleted` and are gone from this user's history pulls,
    /// here and after any later login. Not synced to other instances; the
    /// peer keeps them. At most one call per second (else 2996).
    pub async fn delete_message(&self, messages: Vec<Message>) -> Result<Vec<Message>, TimError> {
        let session = self.ready_session()?;
        let core = &session.core;
        let Some(first) = messages.first() else {
            return Err(TimError::new(code::MESSAGE_DELETE_FAIL, "messageList is empty"));
        };
        let conversation_id = first.conversation_id.clone();
        chat_conversation(&conversation_id)?;
        {
            let now = core.now_millis();
            let mut last =
                core.last_delete_ms.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|at| now.saturating_sub(at) < DELETE_INTERVAL_MS) {
                return Err(TimError::new(
                    code::OVER_FREQUENCY_LIMIT,
                    "deleteMessage may be called once per second",
                ));
            }
            *last = Some(now);
        }
        let mut list = messages;
        list.truncate(MAX_DELETE_MESSAGES);
        list.retain(|m| m.conversation_id == conversation_id);
        let on_server: Vec<String> =
            list.iter().filter(|m| is_stored(m)).map(|m| m.id.clone()).collect();
        if !on_server.is_empty() {
            let request = DeleteMessages {
                conversation_id: ConversationId::from(conversation_id.as_str()),
                message_id_list: on_server,
            };
            self.request(&session, &request).await?;
        }
        let ids: Vec<String> = list.iter().map(|m| m.id.clone()).collect();
        let (stored, conversation) = core.store.mark_deleted(&conversation_id, &ids)?;
        if let Some(c) = conversation {
            core.emit(Event::ConversationListUpdated(vec![c]));
        }
        Ok(list
            .into_iter()
            .map(|m| {
                stored
                    .iter()
                    .find(|s| s.id == m.id)
                    .cloned()
                    .unwrap_or(Message { is_deleted: true, ..m })
            })
            .collect())
    }

    /// TIM `getMessageListHopping` for C2C and group conversations: up to
    /// `count` (default and at most 15) messages from the server starting
    /// at `sequence` (a group's start; its continuation is
    /// `nextMessageSeq`) or `time` (C2C), older (direction 0) or newer (1), oldest
    /// first, with where to continue. Messages deleted by this user are
    /// left out.
    ///
    /// Pages are cut by sequence, not by second: TIM's continuation is a
    /// time, which cannot tell apart messages sent in one second, so this
    /// instance remembers where each conversation's last page in each
    /// direction ended, and a call whose `time` is that page's
    /// `nextMessageTime` continues from the exact message (checklist 322).
    pub async fn get_message_list_hopping(
        &self,
        options: GetMessageListHoppingOptions,
    ) -> Result<HoppingPage, TimError> {
        let session = self.ready_session()?;
        let group = matches!(
            chat_conversation(&options.conversation_id)?,
            confab_proto::ConversationKind::Group(_)
        );
        if options.direction > 1 {
            return Err(TimError::new(
                code::INVALID_OPERATION,
                "direction must be 0 (older) or 1 (newer)",
            ));
        }
        let count = match options.count {
            None | Some(0) => MAX_HOPPING_COUNT,
            Some(n) => n.min(MAX_HOPPING_COUNT),
        };
        let position =
            (session.core.user_id.clone(), options.conversation_id.clone(), options.direction);
        // A group starts from a sequence (checklist 317), never a time.
        let time = if group { None } else { options.time };
        let sequence = options.sequence.or_else(|| {
            let time = time?;
            self.hopping_continuations()
                .get(&position)
                .filter(|(next_time, _)| *next_time == time)
                .map(|(_, next_sequence)| *next_sequence)
        });
        let request = GetMessageListHopping {
            conversation_id: ConversationId::from(options.conversation_id.as_str()),
            time,
            sequence,
            direction: options.direction,
            count,
        };
        let response = self.request(&session, &request).await?;
        {
            let mut continuations = self.hopping_continuations();
            match (response.is_completed, response.next_message_time, response.next_message_seq) {
                (false, Some(time), Some(next)) => {
                    continuations.insert(position, (time, next));
                }
                _ => {
                    continuations.remove(&position);
                }
            }
        }
        let message_list =
            session.core.store.store_hopping(&options.conversation_id, &response.messages)?;
        Ok(HoppingPage {
            message_list,
            is_completed: response.is_completed,
            next_message_time: if response.is_completed {
                None
            } else {
                response.next_message_time
            },
            next_message_seq: if response.is_completed {
                None
            } else {
                response.next_message_seq.and_then(|s| i64::try_from(s).ok())
            },
        })
    }

    /// TIM `createForwardMessage`: a new message to `to` with the type and
    /// payload of `payload`, a message this user received or sent. Only
    /// messages that were sent successfully and are not revoked can be
    /// forwarded (else 2453).
    pub fn create_forward_message(
        &self,
        options: CreateMessageOptions<Message>,
    ) -> Result<Message, TimError> {
        let source = &options.payload;
        if source.status != MessageStatus::Success || source.is_revoked {
            return Err(TimError::new(
                code::MESSAGE_FORWARD_TYPE_INVALID,
                "only successfully sent, unrevoked messages can be forwarded",
            ));
        }
        let element = source.element().map_err(|e| {
            TimError::new(code::MESSAGE_FORWARD_TYPE_INVALID, format!("cannot forward: {e}"))
        })?;
        let CreateMessageOptions {
            to,
            conversation_type,
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
            ..
        } = options;
        self.create_message(CreateMessageOptions {
            to,
            conversation_type,
            payload: element,
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
        })
    }

    /// TIM `createMergerMessage`: a merged-forward message (type
    /// `TIMRelayElem`) holding the listed messages as `SimplifiedMessage`s
    /// with the title, summary lines and fallback text. Every listed
    /// message must have been sent successfully (else 2450). The message
    /// holds the whole list; when its body is over 12 KB, `send_message`
    /// stores the list in the file service and sends the message with a
    /// `downloadKey` and an empty list (receivers call
    /// `download_merger_message`); only a title, summary and fallback
    /// text over 12 KB on their own fail (80002).
    pub fn create_merger_message(
        &self,
        options: CreateMessageOptions<MergerMessagePayload>,
    ) -> Result<Message, TimError> {
        let CreateMessageOptions {
            to,
            conversation_type,
            payload,
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
        } = options;
        if payload.message_list.is_empty() {
            return Err(TimError::new(code::MESSAGE_MERGER_TYPE_INVALID, "messageList is empty"));
        }
        let mut merged = Vec::with_capacity(payload.message_list.len());
        for m in &payload.message_list {
            if m.status != MessageStatus::Success {
                return Err(TimError::new(
                    code::MESSAGE_MERGER_TYPE_INVALID,
                    format!("message {} was not sent successfully", m.id),
                ));
            }
            let element = m.element().map_err(|e| {
                TimError::new(code::MESSAGE_MERGER_TYPE_INVALID, format!("message {}: {e}", m.id))
            })?;
            merged.push(SimplifiedMessage {
                id: m.id.clone(),
                nick: m.nick.clone(),
                avatar: m.avatar.clone(),
                from: m.from.clone(),
                message_body: vec![element],
                time: m.time,
                cloud_custom_data: m.cloud_custom_data.clone(),
            });
        }
        let element = MessageElement::Merger(MergerPayload {
            title: payload.title,
            abstract_list: payload.abstract_list,
            compatible_text: payload.compatible_text,
            message_list: merged,
            download_key: String::new(),
            version: 1,
        });
        // Over 12 KB, `send_message` stores the list in the file service;
        // what remains must fit.
        self.check_merger_envelope(&element, &cloud_custom_data)?;
        self.create_message(CreateMessageOptions {
            to,
            conversation_type,
            payload: element,
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
        })
    }

    /// TIM `createTextAtMessage`: a text message mentioning group members.
    /// Group conversations only: any other conversation type fails with
    /// 2106 (`MESSAGE_SEND_INVALID_CONVERSATION_TYPE`).
    pub fn create_text_at_message(
        &self,
        options: CreateMessageOptions<TextAtPayload>,
    ) -> Result<Message, TimError> {
        if options.conversation_type != ConversationType::Group {
            return Err(TimError::new(
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
                "@ messages can only be sent in group conversations",
            ));
        }
        let CreateMessageOptions {
            to,
            conversation_type,
            payload,
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
        } = options;
        let mut message = self.create_message(CreateMessageOptions {
            to,
            conversation_type,
            payload: TextPayload { text: payload.text },
            priority,
            cloud_custom_data,
            need_read_receipt,
            is_support_extension,
            receiver_list,
            identity,
        })?;
        message.at_user_list = payload.at_user_list;
        Ok(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hopping_page_uses_an_empty_string_when_completed() {
        let done = HoppingPage {
            message_list: vec![],
            is_completed: true,
            next_message_time: None,
            next_message_seq: None,
        };
        let value = serde_json::to_value(&done).expect("serialize");
        assert_eq!(
            value,
            json!({"messageList": [], "isCompleted": true, "nextMessageTime": "", "nextMessageSeq": ""})
        );
        assert_eq!(serde_json::from_value::<HoppingPage>(value).expect("parse"), done);
        let more = HoppingPage {
            next_message_time: Some(7),
            next_message_seq: Some(3),
            is_completed: false,
            ..done
        };
        let value = serde_json::to_value(&more).expect("serialize");
        assert_eq!(value["nextMessageTime"], 7);
        assert_eq!(value["nextMessageSeq"], 3);
        assert_eq!(serde_json::from_value::<HoppingPage>(value).expect("parse"), more);
    }

    #[test]
    fn option_objects_take_tim_field_names() {
        let o: GetMessageListHoppingOptions =
            serde_json::from_value(json!({"conversationID": "C2Cbob", "time": 5, "direction": 1}))
                .expect("parse");
        assert_eq!(o.time, Some(5));
        assert_eq!(o.direction, 1);
        assert_eq!(o.count, None);
        let m: MergerMessagePayload = serde_json::from_value(json!({
            "messageList": [], "title": "t", "abstractList": ["a: b"], "compatibleText": "c"
        }))
        .expect("parse");
        assert_eq!(m.abstract_list, ["a: b"]);
        let t: TextAtPayload =
            serde_json::from_value(json!({"text": "hi @bob", "atUserList": ["bob"]}))
                .expect("parse");
        assert_eq!(t.at_user_list, ["bob"]);
    }
}
