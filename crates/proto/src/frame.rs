//! The frame layer: every WebSocket text frame is one JSON object.
//!
//! - Client → server: [`RequestFrame`] `{"id": 7, "op": "sendMessage", "data": {…}}`.
//!   `id` is chosen by the client and unique among its requests in flight.
//! - Server → client, for each request exactly one of
//!   `{"t":"ok","id":7,"data":{…}}` or
//!   `{"t":"err","id":7,"error":{"code":80002,"message":"…"}}`;
//!   `id` is `null` only when the frame is not a request: not JSON, or
//!   without a numeric `id` or a string `op`.
//! - Server → client, unprompted: `{"t":"push","push":{"kind":…}}`.

use crate::error::ErrorBody;
use crate::inbox::InboxEntry;
use crate::message::WireMessage;
use crate::ops::Operation;
use serde::{Deserialize, Serialize};

/// A request from a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestFrame {
    /// Client-chosen request ID, echoed in the response.
    pub id: u64,
    /// The operation's name ([`Operation::NAME`]).
    pub op: String,
    /// The operation's request object.
    #[serde(default)]
    pub data: serde_json::Value,
}

impl RequestFrame {
    /// Builds the frame for an operation.
    pub fn new<O: Operation>(id: u64, request: &O) -> Result<Self, serde_json::Error> {
        Ok(Self { id, op: O::NAME.to_owned(), data: serde_json::to_value(request)? })
    }
}

/// A frame from the server.
// Frames live only between decoding and handling, one at a time; boxing the
// push would cost an allocation per push for no memory saved.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "camelCase")]
pub enum ServerFrame {
    /// A successful response.
    Ok {
        /// The request's ID.
        id: u64,
        /// The operation's response object.
        data: serde_json::Value,
    },
    /// A failed request.
    Err {
        /// The request's ID, when it could be read.
        id: Option<u64>,
        /// What went wrong.
        error: ErrorBody,
    },
    /// An unprompted message.
    Push {
        /// The push.
        push: Push,
    },
}

impl ServerFrame {
    /// A successful response carrying `data`.
    pub fn ok<T: Serialize>(id: u64, data: &T) -> Result<Self, serde_json::Error> {
        Ok(Self::Ok { id, data: serde_json::to_value(data)? })
    }
}

/// Serializes a successful response as its `{"t":"ok","id":…,"data":…}`
/// frame straight from `data`: the same JSON as [`ServerFrame::ok`] (keys
/// in `data`'s field order rather than sorted), without building its
/// [`serde_json::Value`] tree first, which a large `sync` answer would
/// otherwise pay for twice.
pub fn ok_frame_json<T: Serialize>(id: u64, data: &T) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct OkFrame<'a, T> {
        t: &'static str,
        id: u64,
        data: &'a T,
    }
    serde_json::to_string(&OkFrame { t: "ok", id, data })
}

/// Serializes a push as its `{"t":"push","push":…}` frame, byte for byte what
/// [`ServerFrame::Push`] gives, without cloning the push (a push may be
/// shared by every session it goes to).
pub fn push_frame_json(push: &Push) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct PushFrame<'a> {
        t: &'static str,
        push: &'a Push,
    }
    serde_json::to_string(&PushFrame { t: "push", push })
}

/// Serializes a [`Push::Room`] frame of `entries` (borrowed: a room's
/// broadcaster encodes one frame for every member, and another only for a
/// sender, without its own entries), byte for byte what
/// [`push_frame_json`] gives for the same push.
pub fn room_frame_json(
    group_id: &crate::ids::GroupId,
    entries: &[&crate::inbox::TimelineEntry],
) -> Result<String, serde_json::Error> {
    #[derive(Serialize)]
    struct RoomPush<'a> {
        kind: &'static str,
        #[serde(rename = "groupID")]
        group_id: &'a crate::ids::GroupId,
        entries: &'a [&'a crate::inbox::TimelineEntry],
    }
    #[derive(Serialize)]
    struct RoomFrame<'a> {
        t: &'static str,
        push: RoomPush<'a>,
    }
    serde_json::to_string(&RoomFrame {
        t: "push",
        push: RoomPush { kind: "room", group_id, entries },
    })
}

/// Pushes from the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Push {
    /// A new inbox entry of the logged-in user, in sequence order.
    Inbox(InboxEntry),
    /// A new entry of a group's timeline (a message, a tip), pushed to the
    /// group's online members in sequence order. An entry more than one
    /// past the client's cursor for the group reveals a gap: the client
    /// asks `sync` with its cursors. AVChatRoom messages come with `seq` 0
    /// (they are not stored and have no place on a timeline).
    #[serde(rename_all = "camelCase")]
    Timeline {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: crate::ids::GroupId,
        /// The entry.
        entry: crate::inbox::TimelineEntry,
    },
    /// A group's broadcast-only messages, merged: an AVChatRoom's messages
    /// and the `onlineUserOnly` messages of any group, every one broadcast
    /// to the group's online members since the group's last `room` push,
    /// oldest first. Each entry's `seq` is 0 (none is on a timeline). A
    /// session never gets the entries it sent itself (their answers carry
    /// them). Merging is what lets a room of thousands take messages faster
    /// than one frame per member per message.
    #[serde(rename_all = "camelCase")]
    Room {
        /// The group.
        #[serde(rename = "groupID")]
        group_id: crate::ids::GroupId,
        /// The entries, oldest first; never empty.
        entries: Vec<crate::inbox::TimelineEntry>,
    },
    /// An `onlineUserOnly` message: not stored, not in the inbox, delivered
    /// only to instances online when it was sent.
    #[serde(rename_all = "camelCase")]
    Transient {
        /// The message (its `sequence` is 0).
        message: WireMessage,
    },
    /// Users the logged-in user subscribed to (or the user themselves, after
    /// `setSelfStatus`) changed status (`USER_STATUS_UPDATED`). Not stored:
    /// a client that was away asks `getUserStatus`.
    #[serde(rename_all = "camelCase")]
    UserStatus {
        /// The statuses now.
        user_status_list: Vec<crate::status::UserStatus>,
    },
    /// This session is being closed by the server; the client must not
    /// reconnect with the same UserSig on its own.
    #[serde(rename_all = "camelCase")]
    KickedOut {
        /// `TIM.TYPES.KICKED_OUT_*` value: `multipleAccount`,
        /// `multipleDevice`, `userSigExpired` or `REST_API_Kick`.
        #[serde(rename = "type")]
        kick_type: String,
        /// Human-readable reason.
        message: String,
    },
}

/// WebSocket close codes the server uses (private range 4000–4999), with a
/// reason text.
pub mod close {
    /// The session was kicked out (see the preceding `kickedOut` push).
    pub const KICKED_OUT: u16 = 4001;
    /// The client did not log in first, or login failed.
    pub const LOGIN_FAILED: u16 = 4002;
    /// The server is shutting down; reconnect later.
    pub const SHUTTING_DOWN: u16 = 4003;
    /// The client logged out.
    pub const LOGGED_OUT: u16 = 4004;
    /// No heartbeat or request within the idle timeout.
    pub const IDLE: u16 = 4005;
    /// No `login` frame within the server's login timeout after the
    /// WebSocket opened; reconnect and log in at once.
    pub const LOGIN_TIMEOUT: u16 = 4006;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::InboxEvent;

    #[test]
    fn request_frame_snapshot() {
        let frame = RequestFrame::new(7, &crate::ops::Heartbeat {}).expect("frame");
        let json = serde_json::to_string(&frame).expect("serialize");
        assert_eq!(json, r#"{"id":7,"op":"heartbeat","data":{}}"#);
        assert_eq!(serde_json::from_str::<RequestFrame>(&json).expect("parse"), frame);
        let no_data: RequestFrame =
            serde_json::from_str(r#"{"id":1,"op":"logout"}"#).expect("parse");
        assert_eq!(no_data.data, serde_json::Value::Null);
    }

    #[test]
    fn an_ok_frame_encoded_directly_reads_back_as_the_same_frame() {
        let data = crate::ops::HeartbeatResponse { server_time: 5 };
        let text = ok_frame_json(3, &data).expect("encode");
        assert_eq!(text, r#"{"t":"ok","id":3,"data":{"serverTime":5}}"#);
        let frame: ServerFrame = serde_json::from_str(&text).expect("decode");
        assert_eq!(frame, ServerFrame::ok(3, &data).expect("ok"));
    }

    #[test]
    fn a_room_frame_encoded_from_borrowed_entries_is_the_room_push() {
        let entries: Vec<crate::inbox::TimelineEntry> = (1..=2)
            .map(|n| crate::inbox::TimelineEntry {
                seq: 0,
                event: InboxEvent::ConversationRead {
                    conversation_id: "GROUPlive".into(),
                    read_sequence: n,
                },
            })
            .collect();
        let group_id = crate::ids::GroupId::new("live");
        let borrowed: Vec<&crate::inbox::TimelineEntry> = entries.iter().collect();
        let text = room_frame_json(&group_id, &borrowed).expect("encode");
        let push = Push::Room { group_id, entries };
        assert_eq!(text, push_frame_json(&push).expect("encode"));
        assert!(
            text.starts_with(r#"{"t":"push","push":{"kind":"room","groupID":"live","entries":[{"#)
        );
        let frame: ServerFrame = serde_json::from_str(&text).expect("decode");
        assert_eq!(frame, ServerFrame::Push { push });
    }

    #[test]
    fn server_frames_snapshot() {
        let cases = [
            (
                ServerFrame::ok(3, &crate::ops::HeartbeatResponse { server_time: 5 }).expect("ok"),
                r#"{"t":"ok","id":3,"data":{"serverTime":5}}"#,
            ),
            (
                ServerFrame::Err { id: None, error: ErrorBody::new(20001, "bad frame") },
                r#"{"t":"err","id":null,"error":{"code":20001,"message":"bad frame"}}"#,
            ),
            (
                ServerFrame::Push {
                    push: Push::KickedOut {
                        kick_type: "multipleAccount".into(),
                        message: "m".into(),
                    },
                },
                r#"{"t":"push","push":{"kind":"kickedOut","type":"multipleAccount","message":"m"}}"#,
            ),
            (
                ServerFrame::Push {
                    push: Push::Inbox(InboxEntry {
                        seq: 2,
                        event: InboxEvent::ConversationRead {
                            conversation_id: "C2Cbob".into(),
                            read_sequence: 1,
                        },
                    }),
                },
                r#"{"t":"push","push":{"kind":"inbox","seq":2,"event":{"kind":"conversationRead","conversationID":"C2Cbob","readSequence":1}}}"#,
            ),
            (
                ServerFrame::Push {
                    push: Push::Timeline {
                        group_id: "g".into(),
                        entry: crate::inbox::TimelineEntry {
                            seq: 4,
                            event: InboxEvent::GroupLeft {
                                group_id: "g".into(),
                                reason: crate::group::LeftReason::Quit,
                            },
                        },
                    },
                },
                r#"{"t":"push","push":{"kind":"timeline","groupID":"g","entry":{"seq":4,"event":{"kind":"groupLeft","groupID":"g","reason":"quit"}}}}"#,
            ),
        ];
        for (frame, expected) in cases {
            let json = serde_json::to_string(&frame).expect("serialize");
            assert_eq!(json, expected);
            assert_eq!(serde_json::from_str::<ServerFrame>(&json).expect("parse"), frame);
        }
        let push = Push::Transient { message: crate::message::tests::sample() };
        let transient = ServerFrame::Push { push: push.clone() };
        assert_eq!(
            push_frame_json(&push).expect("borrowed frame"),
            serde_json::to_string(&transient).expect("owned frame")
        );
        let json = serde_json::to_string(&transient).expect("serialize");
        assert_eq!(serde_json::from_str::<ServerFrame>(&json).expect("parse"), transient);
    }
}
