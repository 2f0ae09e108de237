//! Messages on the wire: what a client submits ([`OutgoingMessage`]) and
//! what the server stores and delivers ([`WireMessage`]).
//!
//! Element payloads keep TIM's field names (`shared/reference/data-model.md`).
//! A [`WireMessage`] is the server's record and is the same for everyone who
//! sees it; per-viewer fields of a TIM `Message` (`flow`, `status`,
//! `isPeerRead`, `conversationID`) are derived by the SDK.

use crate::ids::{MessageId, UserId};
use serde::{Deserialize, Serialize};

/// TIM conversation types that a message can be sent in.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConversationType {
    /// `TIM.TYPES.CONV_C2C`.
    #[serde(rename = "C2C")]
    C2c,
    /// `TIM.TYPES.CONV_GROUP`.
    #[serde(rename = "GROUP")]
    Group,
    /// `TIM.TYPES.CONV_SYSTEM`: may not be sent to (code 2106).
    #[serde(rename = "@TIM#SYSTEM")]
    System,
}

/// Message priority (`TIM.TYPES.MSG_PRIORITY_*`); matters for groups over
/// their rate limit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// `High`.
    High,
    /// `Normal`, the default.
    #[default]
    Normal,
    /// `Low`.
    Low,
    /// `Lowest`.
    Lowest,
}

/// `TIMTextElem` payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPayload {
    /// The text.
    pub text: String,
}

/// `TIMCustomElem` payload: opaque strings for the application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomPayload {
    /// Custom data.
    #[serde(default)]
    pub data: String,
    /// Custom description (also the offline-push text).
    #[serde(default)]
    pub description: String,
    /// Custom extension.
    #[serde(default)]
    pub extension: String,
}

/// `TIMFaceElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacePayload {
    /// Face index.
    pub index: i64,
    /// Extra data.
    #[serde(default)]
    pub data: String,
}

/// `TIMLocationElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LocationPayload {
    /// Place description.
    #[serde(default)]
    pub description: String,
    /// Longitude in degrees.
    pub longitude: f64,
    /// Latitude in degrees.
    pub latitude: f64,
}

/// One entry of `TIMImageElem.imageInfoArray`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageInfo {
    /// 0 original, 1 big thumbnail, 2 small thumbnail.
    #[serde(rename = "type")]
    pub kind: u8,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size in bytes.
    pub size: u64,
    /// Download URL (confabd's file service).
    pub url: String,
}

/// `TIMImageElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImagePayload {
    /// The original's file ID.
    #[serde(default)]
    pub uuid: String,
    /// TIM image format: 1 JPG, 2 GIF, 3 PNG, 4 BMP, 255 other (webp…).
    #[serde(default)]
    pub image_format: i64,
    /// Original, big and small renditions.
    #[serde(default)]
    pub image_info_array: Vec<ImageInfo>,
}

/// `TIMSoundElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SoundPayload {
    /// File ID.
    #[serde(default)]
    pub uuid: String,
    /// Download URL.
    #[serde(default)]
    pub url: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Duration in seconds.
    #[serde(default)]
    pub second: u64,
    /// TIM's download flag (2: downloadable by URL).
    #[serde(default)]
    pub download_flag: i64,
}

/// `TIMVideoFileElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VideoPayload {
    /// Container format, e.g. `mp4`.
    pub video_format: String,
    /// Duration in seconds.
    pub video_second: u64,
    /// Size in bytes.
    pub video_size: u64,
    /// Download URL.
    pub video_url: String,
    /// File ID of the video.
    #[serde(rename = "videoUUID")]
    pub video_uuid: String,
    /// Width in pixels (0 when unknown).
    pub video_width: u32,
    /// Height in pixels (0 when unknown).
    pub video_height: u32,
    /// File ID of the cover image.
    #[serde(rename = "thumbUUID")]
    pub thumb_uuid: String,
    /// Cover image format, e.g. `jpg`.
    pub thumb_format: String,
    /// Cover size in bytes.
    pub thumb_size: u64,
    /// Cover width.
    pub thumb_width: u32,
    /// Cover height.
    pub thumb_height: u32,
    /// Cover URL.
    pub thumb_url: String,
    /// Snapshot (cover) URL, as TIM's upload plugin fills it.
    pub snapshot_url: String,
    /// Snapshot width.
    pub snapshot_width: u32,
    /// Snapshot height.
    pub snapshot_height: u32,
}

/// `TIMFileElem` payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilePayload {
    /// File ID.
    #[serde(default)]
    pub uuid: String,
    /// The file's name as the sender had it.
    #[serde(default)]
    pub file_name: String,
    /// Download URL.
    #[serde(default)]
    pub file_url: String,
    /// Size in bytes.
    #[serde(default)]
    pub file_size: u64,
}

/// TIM `SimplifiedMessage`: one message inside a merger message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SimplifiedMessage {
    /// The original message's ID.
    #[serde(rename = "ID")]
    pub id: String,
    /// Sender's nickname.
    pub nick: String,
    /// Sender's avatar.
    pub avatar: String,
    /// Sender.
    pub from: String,
    /// The original's elements: `[{type, payload}]`.
    pub message_body: Vec<MessageElement>,
    /// Original send time, seconds.
    pub time: i64,
    /// The original's cloudCustomData.
    pub cloud_custom_data: String,
}

/// `TIMRelayElem` payload (merged forward).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MergerPayload {
    /// Title, e.g. "Chat history of alice and bob".
    pub title: String,
    /// Summary lines, e.g. `alice: hi`.
    pub abstract_list: Vec<String>,
    /// Text shown by clients that cannot show merger messages.
    pub compatible_text: String,
    /// The merged messages; empty while `download_key` is set and the
    /// body has not been downloaded.
    pub message_list: Vec<SimplifiedMessage>,
    /// Non-empty when the body was stored server-side (too big for the
    /// 12 KB message body): fetch it with `downloadMergerMessage`.
    pub download_key: String,
    /// Layout version (1).
    pub version: i64,
}

/// A message element: `type` is the `TIM.TYPES.MSG_*` value and `payload`
/// its TIM payload object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "payload")]
pub enum MessageElement {
    /// `TIMTextElem`.
    #[serde(rename = "TIMTextElem")]
    Text(TextPayload),
    /// `TIMCustomElem`.
    #[serde(rename = "TIMCustomElem")]
    Custom(CustomPayload),
    /// `TIMFaceElem`.
    #[serde(rename = "TIMFaceElem")]
    Face(FacePayload),
    /// `TIMLocationElem`.
    #[serde(rename = "TIMLocationElem")]
    Location(LocationPayload),
    /// `TIMImageElem`.
    #[serde(rename = "TIMImageElem")]
    Image(ImagePayload),
    /// `TIMSoundElem` (`MSG_AUDIO` / `MSG_SOUND`).
    #[serde(rename = "TIMSoundElem")]
    Sound(SoundPayload),
    /// `TIMVideoFileElem`.
    #[serde(rename = "TIMVideoFileElem")]
    Video(VideoPayload),
    /// `TIMFileElem`.
    #[serde(rename = "TIMFileElem")]
    File(FilePayload),
    /// `TIMRelayElem` (merged forward).
    #[serde(rename = "TIMRelayElem")]
    Merger(MergerPayload),
    /// `TIMGroupTipElem`: a change of a group, stored on its timeline by
    /// the server (clients cannot send it).
    #[serde(rename = "TIMGroupTipElem")]
    GroupTip(crate::group::GroupTipPayload),
    /// `TIMGroupSystemNoticeElem`: a group system notice, in the
    /// `@TIM#SYSTEM` conversation. Made by the SDK from the inbox's
    /// `groupSystemNotice` events; never sent by a client.
    #[serde(rename = "TIMGroupSystemNoticeElem")]
    GroupSystemNotice(crate::group::GroupSystemNotice),
}

impl MessageElement {
    /// The `TIM.TYPES.MSG_*` value of this element.
    pub fn type_name(&self) -> &'static str {
        use crate::constants::types;
        match self {
            Self::Text(_) => types::MSG_TEXT,
            Self::Custom(_) => types::MSG_CUSTOM,
            Self::Face(_) => types::MSG_FACE,
            Self::Location(_) => types::MSG_LOCATION,
            Self::Image(_) => types::MSG_IMAGE,
            Self::Sound(_) => types::MSG_SOUND,
            Self::Video(_) => types::MSG_VIDEO,
            Self::File(_) => types::MSG_FILE,
            Self::Merger(_) => types::MSG_MERGER,
            Self::GroupTip(_) => types::MSG_GRP_TIP,
            Self::GroupSystemNotice(_) => types::MSG_GRP_SYS_NOTICE,
        }
    }

    /// Elements only the server makes (group tips and system notices): a
    /// client sending one is refused with 2106.
    pub fn is_server_made(&self) -> bool {
        matches!(self, Self::GroupTip(_) | Self::GroupSystemNotice(_))
    }

    /// The file IDs (`uuid`s of confabd's file service) this element
    /// refers to: what a receiver of the message may download. A merger's
    /// own body (`download_key`) and the files of the merged messages are
    /// included.
    pub fn file_ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        self.collect_file_ids(&mut ids);
        ids.retain(|id| !id.is_empty());
        ids
    }

    fn collect_file_ids<'a>(&'a self, ids: &mut Vec<&'a str>) {
        match self {
            Self::Image(p) => {
                ids.push(&p.uuid);
                ids.extend(p.image_info_array.iter().filter_map(|i| file_id_of_url(&i.url)));
            }
            Self::Sound(p) => ids.push(&p.uuid),
            Self::Video(p) => {
                ids.push(&p.video_uuid);
                ids.push(&p.thumb_uuid);
                ids.extend(file_id_of_url(&p.snapshot_url));
            }
            Self::File(p) => ids.push(&p.uuid),
            Self::Merger(p) => {
                ids.push(&p.download_key);
                for m in &p.message_list {
                    for e in &m.message_body {
                        e.collect_file_ids(ids);
                    }
                }
            }
            Self::Text(_)
            | Self::Custom(_)
            | Self::Face(_)
            | Self::Location(_)
            | Self::GroupTip(_)
            | Self::GroupSystemNotice(_) => {}
        }
    }
}

/// The file ID in a file-service URL (`…/files/<id>`), if it is one.
pub fn file_id_of_url(url: &str) -> Option<&str> {
    let (_, rest) = url.rsplit_once("/files/")?;
    let id = rest.split(['/', '?', '#']).next()?;
    (!id.is_empty()).then_some(id)
}

/// `messageControlInfo` of `sendMessage`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageControlInfo {
    /// Stored, but does not raise the receiver's unread count.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_unread_count: bool,
    /// Stored, but does not become the conversation's `lastMessage`.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_last_message: bool,
    /// Skips content moderation (when moderation is on).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub excluded_from_content_moderation: bool,
}

/// A message as submitted by its sender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingMessage {
    /// Conversation type; only `C2C` is served by protocol version 1.
    pub conversation_type: ConversationType,
    /// Receiver: a userID for C2C, a groupID for GROUP.
    pub to: String,
    /// The client's message ID (TIM `random`), unique per sender and at most
    /// 2^53 - 1. The server deduplicates by (sender, random): sending the
    /// same `random` again returns the first result and stores nothing new.
    pub random: u64,
    /// The content.
    #[serde(flatten)]
    pub element: MessageElement,
    /// Priority (default `Normal`).
    #[serde(default)]
    pub priority: Priority,
    /// Opaque data stored and delivered with the message.
    #[serde(default)]
    pub cloud_custom_data: String,
    /// Asks receivers for read receipts.
    #[serde(default)]
    pub need_read_receipt: bool,
    /// Makes the message extensible (TIM `isSupportExtension`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_support_extension: bool,
    /// @-mentioned userIDs (or `TIM.TYPES.MSG_AT_ALL`); group messages only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_user_list: Vec<String>,
    /// A targeted group message (TIM `receiverList`): the members who alone
    /// receive it (at most 50); empty for a message to the whole group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receiver_list: Vec<String>,
    /// Client clock at creation, in milliseconds (informational).
    #[serde(default)]
    pub client_time: i64,
}

impl OutgoingMessage {
    /// Size in bytes of the body that TIM's 12 KB limit applies to: the
    /// serialized element payload plus `cloudCustomData`.
    pub fn body_size(&self) -> usize {
        body_size(&self.element, &self.cloud_custom_data)
    }
}

/// Size of a message body as counted against the 12 KB limit.
pub fn body_size(element: &MessageElement, cloud_custom_data: &str) -> usize {
    // Serializing a plain data enum cannot fail.
    let payload = serde_json::to_vec(element).map(|v| v.len()).unwrap_or(usize::MAX);
    payload.saturating_add(cloud_custom_data.len())
}

/// A stored message, as delivered to everyone who sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMessage {
    /// Server-assigned message ID.
    #[serde(rename = "ID")]
    pub id: MessageId,
    /// Conversation type.
    pub conversation_type: ConversationType,
    /// Sender.
    pub from: UserId,
    /// Receiver (userID for C2C, groupID for GROUP).
    pub to: String,
    /// Per-conversation sequence, from 1 without gaps among stored messages;
    /// 0 for `onlineUserOnly` messages, which are not stored.
    pub sequence: u64,
    /// Server time, seconds since the Unix epoch.
    pub time: i64,
    /// The sender's client message ID.
    pub random: u64,
    /// The content.
    #[serde(flatten)]
    pub element: MessageElement,
    /// Priority.
    pub priority: Priority,
    /// Opaque data stored and delivered with the message.
    pub cloud_custom_data: String,
    /// The sender's nickname when sent.
    pub nick: String,
    /// The sender's avatar when sent.
    pub avatar: String,
    /// Whether read receipts were asked for.
    pub need_read_receipt: bool,
    /// Whether the message takes extensions (TIM `isSupportExtension`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_support_extension: bool,
    /// The sender's group name card when sent (TIM `nameCard`); group
    /// messages only, absent when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_card: String,
    /// @-mentioned userIDs (or `TIM.TYPES.MSG_AT_ALL`); group messages only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_user_list: Vec<String>,
    /// A targeted group message's receivers (TIM `receiverList`): only they
    /// and the sender ever see it, and it raises nobody's unread count.
    /// Empty (absent) for every other message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub receiver_list: Vec<String>,
    /// Does not raise the receiver's unread count.
    pub excluded_from_unread_count: bool,
    /// Does not become the conversation's last message.
    pub excluded_from_last_message: bool,
    /// Delivered only to instances online at send time; not stored.
    pub online_user_only: bool,
    /// Revoked by its sender (`revokeMessage`); a revoked message stays in
    /// history with its content.
    #[serde(default)]
    pub is_revoked: bool,
    /// How many times the message was modified (`modifyMessage`); 0 for an
    /// unmodified message. A modification names the version it was made
    /// from, so concurrent modifications are detected.
    #[serde(default)]
    pub version: u32,
}

impl WireMessage {
    /// Whether `user` may see this message: anyone for an ordinary message;
    /// the sender and the listed receivers for a targeted group message.
    pub fn visible_to(&self, user: &str) -> bool {
        self.receiver_list.is_empty()
            || self.from.as_str() == user
            || self.receiver_list.iter().any(|r| r == user)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The stored C2C text message the snapshots are taken of.
    pub(crate) fn sample() -> WireMessage {
        crate::testing::WireMessageSample::default().build()
    }

    #[test]
    fn wire_message_snapshot() {
        let m = sample();
        let json = serde_json::to_string(&m).expect("serialize");
        assert_eq!(
            json,
            r#"{"ID":"17-1764115200-42","conversationType":"C2C","from":"alice","to":"bob","sequence":17,"time":1764115200,"random":42,"type":"TIMTextElem","payload":{"text":"hi"},"priority":"Normal","cloudCustomData":"","nick":"Alice","avatar":"","needReadReceipt":false,"excludedFromUnreadCount":false,"excludedFromLastMessage":false,"onlineUserOnly":false,"isRevoked":false,"version":0}"#
        );
        assert_eq!(serde_json::from_str::<WireMessage>(&json).expect("parse"), m);
        // Records stored before revoke/modify existed read as unrevoked, version 0.
        let old = json.replace(r#","isRevoked":false,"version":0"#, "");
        assert_eq!(serde_json::from_str::<WireMessage>(&old).expect("parse old"), m);
    }

    #[test]
    fn elements_round_trip() {
        for e in [
            MessageElement::Text(TextPayload { text: "x".into() }),
            MessageElement::Custom(CustomPayload {
                data: "d".into(),
                description: "de".into(),
                extension: "e".into(),
            }),
            MessageElement::Face(FacePayload { index: 3, data: "tt00".into() }),
            MessageElement::Location(LocationPayload {
                description: "here".into(),
                longitude: 113.9,
                latitude: 22.5,
            }),
        ] {
            let json = serde_json::to_value(&e).expect("serialize");
            assert_eq!(json["type"], e.type_name());
            assert_eq!(serde_json::from_value::<MessageElement>(json).expect("parse"), e);
        }
    }

    #[test]
    fn file_elements_round_trip_and_name_their_files() {
        let image = MessageElement::Image(ImagePayload {
            uuid: "aa".into(),
            image_format: 3,
            image_info_array: vec![ImageInfo {
                kind: 1,
                width: 720,
                height: 480,
                size: 9,
                url: "http://h/files/bb?x=1".into(),
            }],
        });
        let json = serde_json::to_string(&image).expect("serialize");
        assert_eq!(
            json,
            r#"{"type":"TIMImageElem","payload":{"uuid":"aa","imageFormat":3,"imageInfoArray":[{"type":1,"width":720,"height":480,"size":9,"url":"http://h/files/bb?x=1"}]}}"#
        );
        assert_eq!(image.file_ids(), ["aa", "bb"]);
        let video = MessageElement::Video(VideoPayload {
            video_uuid: "v".into(),
            thumb_uuid: "t".into(),
            ..Default::default()
        });
        let v = serde_json::to_value(&video).expect("serialize");
        assert_eq!(v["payload"]["videoUUID"], "v");
        assert_eq!(v["payload"]["thumbUUID"], "t");
        let merger = MessageElement::Merger(MergerPayload {
            download_key: "k".into(),
            message_list: vec![SimplifiedMessage {
                message_body: vec![
                    MessageElement::File(FilePayload { uuid: "f".into(), ..Default::default() }),
                    MessageElement::Sound(SoundPayload::default()),
                ],
                ..Default::default()
            }],
            ..Default::default()
        });
        assert_eq!(merger.file_ids(), ["k", "f"]);
        for e in [image, video, merger] {
            let back: MessageElement =
                serde_json::from_value(serde_json::to_value(&e).expect("ser")).expect("parse");
            assert_eq!(back, e);
        }
        assert_eq!(file_id_of_url("http://127.0.0.1:1/files/abc/name.png"), Some("abc"));
        assert_eq!(file_id_of_url("http://127.0.0.1:1/other/abc"), None);
    }

    #[test]
    fn outgoing_snapshot_and_body_size() {
        let json = r#"{"conversationType":"C2C","to":"bob","random":7,"type":"TIMCustomElem","payload":{"data":"d"}}"#;
        let m: OutgoingMessage = serde_json::from_str(json).expect("parse");
        assert_eq!(m.priority, Priority::Normal);
        assert_eq!(
            m.element,
            MessageElement::Custom(CustomPayload { data: "d".into(), ..Default::default() })
        );
        let back = serde_json::to_value(&m).expect("serialize");
        assert_eq!(serde_json::from_value::<OutgoingMessage>(back).expect("parse"), m);
        let big = OutgoingMessage {
            element: MessageElement::Text(TextPayload { text: "x".repeat(13 * 1024) }),
            ..m
        };
        assert!(big.body_size() > crate::MAX_MESSAGE_BODY_BYTES);
    }
}
