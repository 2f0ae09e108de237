//! Entry points for the fuzz targets in `fuzz/` (`cargo fuzz`, run by
//! `scripts/fuzz.sh`; see `docs/security.md`). Not part of the server's API:
//! hidden from the docs, and nothing else calls it.
//!
//! Each function runs one parser of untrusted input exactly as the server
//! does — the gateway's frame decoding, the file service's request headers,
//! the download `Range` header, the upload content sniffer — and returns
//! what it made of it in plain types, so a target can check invariants
//! besides "does not panic". (The UserSig parser, [`crate::usersig`], is
//! public already.)

use crate::files::{self, range, sniff, uploads};
use crate::gateway::{self, Incoming};
use crate::handlers::message::validate_send;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use confab_proto::account::validate_user_id;
use confab_proto::frame::{RequestFrame, ServerFrame};
use confab_proto::ops::{
    ChangePassword, DeleteConversation, DeleteMessages, GetConversationList, GetMessageList,
    GetMessageListHopping, GetUserProfile, Heartbeat, Login, Logout, ModifyMessage, Operation,
    RenewUserSig, RevokeMessage, SendMessage, SetMessageRead, SignOutEverywhere, Sync,
    UpdateMyProfile,
};
use confab_proto::{code, ErrorBody, UserId};

/// What the gateway makes of one WebSocket text frame from a logged-in
/// session.
#[derive(Debug)]
pub enum FrameOutcome {
    /// A request its operation decoded (and, for `sendMessage`, the send
    /// checks passed): it goes on to its service.
    Decoded {
        /// The request's ID.
        id: u64,
        /// The operation's name.
        op: &'static str,
    },
    /// Answered with an error frame.
    Refused {
        /// The ID the error frame carries (`None` when it could not be read).
        id: Option<u64>,
        /// The error's code.
        code: i32,
        /// The error frame as sent, or why it could not be encoded.
        frame: serde_json::Result<String>,
    },
    /// Not a request at all (the gateway does not answer it).
    Other,
}

/// Decodes `text` as the gateway decodes a text frame: the frame layer,
/// then the operation's request (every operation of the dispatch table,
/// `login` included), then the checks that need no database.
pub fn decode_frame(text: &str) -> FrameOutcome {
    match gateway::parse_request(text) {
        Incoming::Request(frame) => {
            let id = frame.id;
            match decode_operation(frame) {
                Ok(op) => FrameOutcome::Decoded { id, op },
                Err(error) => refused(Some(id), error),
            }
        }
        Incoming::Malformed(id, error) => refused(id, error),
        _ => FrameOutcome::Other,
    }
}

fn refused(id: Option<u64>, error: ErrorBody) -> FrameOutcome {
    let code = error.code;
    FrameOutcome::Refused {
        id,
        code,
        frame: serde_json::to_string(&ServerFrame::Err { id, error }),
    }
}

fn decode_as<O: Operation>(data: serde_json::Value) -> Result<&'static str, ErrorBody> {
    gateway::decode::<O>(data).map(|_| O::NAME)
}

/// The decoding half of the gateway's dispatch table; a test below keeps it
/// covering every operation.
fn decode_operation(frame: RequestFrame) -> Result<&'static str, ErrorBody> {
    use confab_proto::{conversation, extension, group, receipt, relation, status, topic};
    let data = frame.data;
    match frame.op.as_str() {
        Login::NAME => {
            let login: Login = gateway::decode(data)?;
            validate_user_id(login.user_id.as_str())
                .map_err(|why| ErrorBody::new(code::INVALID_USER_ID, why))?;
            Ok(Login::NAME)
        }
        SendMessage::NAME => {
            let request: SendMessage = gateway::decode(data)?;
            validate_send(&UserId::new("fuzzer"), &request)?;
            Ok(SendMessage::NAME)
        }
        Heartbeat::NAME => decode_as::<Heartbeat>(data),
        Logout::NAME => decode_as::<Logout>(data),
        Sync::NAME => decode_as::<Sync>(data),
        GetMessageList::NAME => decode_as::<GetMessageList>(data),
        GetConversationList::NAME => decode_as::<GetConversationList>(data),
        SetMessageRead::NAME => decode_as::<SetMessageRead>(data),
        DeleteConversation::NAME => decode_as::<DeleteConversation>(data),
        GetUserProfile::NAME => decode_as::<GetUserProfile>(data),
        UpdateMyProfile::NAME => decode_as::<UpdateMyProfile>(data),
        RevokeMessage::NAME => decode_as::<RevokeMessage>(data),
        ModifyMessage::NAME => decode_as::<ModifyMessage>(data),
        DeleteMessages::NAME => decode_as::<DeleteMessages>(data),
        GetMessageListHopping::NAME => decode_as::<GetMessageListHopping>(data),
        RenewUserSig::NAME => decode_as::<RenewUserSig>(data),
        ChangePassword::NAME => decode_as::<ChangePassword>(data),
        SignOutEverywhere::NAME => decode_as::<SignOutEverywhere>(data),
        group::CreateGroup::NAME => decode_as::<group::CreateGroup>(data),
        group::GetGroupList::NAME => decode_as::<group::GetGroupList>(data),
        group::GetGroupProfile::NAME => decode_as::<group::GetGroupProfile>(data),
        group::DismissGroup::NAME => decode_as::<group::DismissGroup>(data),
        group::UpdateGroupProfile::NAME => decode_as::<group::UpdateGroupProfile>(data),
        group::JoinGroup::NAME => decode_as::<group::JoinGroup>(data),
        group::QuitGroup::NAME => decode_as::<group::QuitGroup>(data),
        group::SearchGroupByID::NAME => decode_as::<group::SearchGroupByID>(data),
        group::AddGroupMember::NAME => decode_as::<group::AddGroupMember>(data),
        group::DeleteGroupMember::NAME => decode_as::<group::DeleteGroupMember>(data),
        group::GetGroupMemberList::NAME => decode_as::<group::GetGroupMemberList>(data),
        group::GetGroupMemberProfile::NAME => decode_as::<group::GetGroupMemberProfile>(data),
        group::ChangeGroupOwner::NAME => decode_as::<group::ChangeGroupOwner>(data),
        group::SetGroupMemberRole::NAME => decode_as::<group::SetGroupMemberRole>(data),
        group::SetGroupMemberMuteTime::NAME => decode_as::<group::SetGroupMemberMuteTime>(data),
        group::SetGroupMemberNameCard::NAME => decode_as::<group::SetGroupMemberNameCard>(data),
        group::GetGroupApplicationList::NAME => decode_as::<group::GetGroupApplicationList>(data),
        group::HandleGroupApplication::NAME => decode_as::<group::HandleGroupApplication>(data),
        group::InitGroupAttributes::NAME => decode_as::<group::InitGroupAttributes>(data),
        group::SetGroupAttributes::NAME => decode_as::<group::SetGroupAttributes>(data),
        group::DeleteGroupAttributes::NAME => decode_as::<group::DeleteGroupAttributes>(data),
        group::GetGroupAttributes::NAME => decode_as::<group::GetGroupAttributes>(data),
        group::SetGroupCounters::NAME => decode_as::<group::SetGroupCounters>(data),
        group::IncreaseGroupCounter::NAME => decode_as::<group::IncreaseGroupCounter>(data),
        group::DecreaseGroupCounter::NAME => decode_as::<group::DecreaseGroupCounter>(data),
        group::GetGroupCounters::NAME => decode_as::<group::GetGroupCounters>(data),
        group::MarkGroupMemberList::NAME => decode_as::<group::MarkGroupMemberList>(data),
        relation::GetBlacklist::NAME => decode_as::<relation::GetBlacklist>(data),
        relation::AddToBlacklist::NAME => decode_as::<relation::AddToBlacklist>(data),
        relation::RemoveFromBlacklist::NAME => decode_as::<relation::RemoveFromBlacklist>(data),
        relation::GetFriendList::NAME => decode_as::<relation::GetFriendList>(data),
        relation::AddFriend::NAME => decode_as::<relation::AddFriend>(data),
        relation::DeleteFriend::NAME => decode_as::<relation::DeleteFriend>(data),
        relation::CheckFriend::NAME => decode_as::<relation::CheckFriend>(data),
        relation::GetFriendProfile::NAME => decode_as::<relation::GetFriendProfile>(data),
        relation::UpdateFriend::NAME => decode_as::<relation::UpdateFriend>(data),
        relation::GetFriendApplicationList::NAME => {
            decode_as::<relation::GetFriendApplicationList>(data)
        }
        relation::AcceptFriendApplication::NAME => {
            decode_as::<relation::AcceptFriendApplication>(data)
        }
        relation::RefuseFriendApplication::NAME => {
            decode_as::<relation::RefuseFriendApplication>(data)
        }
        relation::DeleteFriendApplication::NAME => {
            decode_as::<relation::DeleteFriendApplication>(data)
        }
        relation::SetFriendApplicationRead::NAME => {
            decode_as::<relation::SetFriendApplicationRead>(data)
        }
        relation::GetFriendGroupList::NAME => decode_as::<relation::GetFriendGroupList>(data),
        relation::CreateFriendGroup::NAME => decode_as::<relation::CreateFriendGroup>(data),
        relation::DeleteFriendGroup::NAME => decode_as::<relation::DeleteFriendGroup>(data),
        relation::AddToFriendGroup::NAME => decode_as::<relation::AddToFriendGroup>(data),
        relation::RemoveFromFriendGroup::NAME => decode_as::<relation::RemoveFromFriendGroup>(data),
        relation::RenameFriendGroup::NAME => decode_as::<relation::RenameFriendGroup>(data),
        status::SetSelfStatus::NAME => decode_as::<status::SetSelfStatus>(data),
        status::GetUserStatus::NAME => decode_as::<status::GetUserStatus>(data),
        status::SubscribeUserStatus::NAME => decode_as::<status::SubscribeUserStatus>(data),
        status::UnsubscribeUserStatus::NAME => decode_as::<status::UnsubscribeUserStatus>(data),
        conversation::PinConversation::NAME => decode_as::<conversation::PinConversation>(data),
        conversation::SetAllMessageRead::NAME => decode_as::<conversation::SetAllMessageRead>(data),
        conversation::ClearHistoryMessage::NAME => {
            decode_as::<conversation::ClearHistoryMessage>(data)
        }
        conversation::TranslateText::NAME => decode_as::<conversation::TranslateText>(data),
        extension::SetMessageExtensions::NAME => decode_as::<extension::SetMessageExtensions>(data),
        extension::GetMessageExtensions::NAME => decode_as::<extension::GetMessageExtensions>(data),
        extension::DeleteMessageExtensions::NAME => {
            decode_as::<extension::DeleteMessageExtensions>(data)
        }
        topic::CreateTopicInCommunity::NAME => decode_as::<topic::CreateTopicInCommunity>(data),
        topic::DeleteTopicFromCommunity::NAME => decode_as::<topic::DeleteTopicFromCommunity>(data),
        topic::UpdateTopicProfile::NAME => decode_as::<topic::UpdateTopicProfile>(data),
        topic::GetTopicList::NAME => decode_as::<topic::GetTopicList>(data),
        receipt::SendMessageReadReceipt::NAME => decode_as::<receipt::SendMessageReadReceipt>(data),
        receipt::GetMessageReadReceiptList::NAME => {
            decode_as::<receipt::GetMessageReadReceiptList>(data)
        }
        receipt::GetGroupMessageReadMemberList::NAME => {
            decode_as::<receipt::GetGroupMessageReadMemberList>(data)
        }
        conversation::SetMessageRemindType::NAME => {
            decode_as::<conversation::SetMessageRemindType>(data)
        }
        conversation::MarkConversation::NAME => decode_as::<conversation::MarkConversation>(data),
        conversation::SetConversationCustomData::NAME => {
            decode_as::<conversation::SetConversationCustomData>(data)
        }
        conversation::CreateConversationGroup::NAME => {
            decode_as::<conversation::CreateConversationGroup>(data)
        }
        conversation::DeleteConversationGroup::NAME => {
            decode_as::<conversation::DeleteConversationGroup>(data)
        }
        conversation::RenameConversationGroup::NAME => {
            decode_as::<conversation::RenameConversationGroup>(data)
        }
        conversation::AddConversationsToGroup::NAME => {
            decode_as::<conversation::AddConversationsToGroup>(data)
        }
        conversation::DeleteConversationsFromGroup::NAME => {
            decode_as::<conversation::DeleteConversationsFromGroup>(data)
        }
        group::SetGroupMemberCustomField::NAME => {
            decode_as::<group::SetGroupMemberCustomField>(data)
        }
        group::GetGroupOnlineMemberCount::NAME => {
            decode_as::<group::GetGroupOnlineMemberCount>(data)
        }
        other => Err(ErrorBody::new(code::UNKNOWN_OPERATION, format!("unknown op {other:?}"))),
    }
}

/// The `(userID, userSig)` the file service reads from an `Authorization`
/// header value, or `None` when the value is not a header value or not of
/// the form `UserSig <userID>:<userSig>`.
pub fn authorization_credentials(value: &[u8]) -> Option<(String, String)> {
    let value = HeaderValue::from_bytes(value).ok()?;
    files::user_sig_credentials(&value).map(|(id, sig)| (id.to_owned(), sig.to_owned()))
}

/// What the file service reads from a `PATCH /files/uploads/{id}`: whether
/// the path's ID is an upload ID, the `Upload-Offset` it claims and the
/// `Content-Length` it declares. A header value that HTTP would not carry
/// counts as absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadPatch {
    /// Whether the path segment has the shape of an upload ID.
    pub valid_id: bool,
    /// The parsed `Upload-Offset`.
    pub offset: Option<u64>,
    /// The parsed `Content-Length`.
    pub length: Option<u64>,
}

/// Parses an upload `PATCH`'s path ID and headers as the file service does.
pub fn upload_patch(upload_id: &str, offset: &[u8], content_length: &[u8]) -> UploadPatch {
    let mut headers = HeaderMap::new();
    for (name, value) in [(files::UPLOAD_OFFSET, offset), ("content-length", content_length)] {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    UploadPatch {
        valid_id: uploads::is_upload_id(upload_id),
        offset: files::claimed_offset(&headers),
        length: files::declared_length(&headers),
    }
}

/// What a download serves for a `Range` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeOutcome {
    /// The whole file (200).
    Full,
    /// Bytes `start..=end` (206).
    Part {
        /// First byte.
        start: u64,
        /// Last byte, inclusive.
        end: u64,
    },
    /// 416.
    Unsatisfiable,
}

/// Interprets a `Range` header value for a file of `size` bytes as a
/// download does.
pub fn range(header: Option<&str>, size: u64) -> RangeOutcome {
    match range::parse(header, size) {
        range::Ranged::Full => RangeOutcome::Full,
        range::Ranged::Part { start, end } => RangeOutcome::Part { start, end },
        range::Ranged::Unsatisfiable => RangeOutcome::Unsatisfiable,
    }
}

/// The MIME type the upload sniffer gives content starting with `head`.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    sniff::sniff(head).map(|s| s.mime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::ops::ALL_OPERATIONS;

    #[test]
    fn every_operation_is_decoded() {
        for op in ALL_OPERATIONS {
            let frame = format!(r#"{{"id":1,"op":"{op}","data":{{}}}}"#);
            if let FrameOutcome::Refused { code, .. } = decode_frame(&frame) {
                assert_ne!(code, code::UNKNOWN_OPERATION, "{op} is missing from the table");
            }
        }
        assert!(matches!(
            decode_frame(r#"{"id":2,"op":"heartbeat"}"#),
            FrameOutcome::Decoded { id: 2, op: "heartbeat" }
        ));
    }

    #[test]
    fn header_entry_points_parse_as_the_service_does() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            upload_patch(id, b" 42 ", b"7"),
            UploadPatch { valid_id: true, offset: Some(42), length: Some(7) }
        );
        assert_eq!(
            upload_patch("../x", b"-1", b"\n"),
            UploadPatch { valid_id: false, offset: None, length: None }
        );
        assert_eq!(
            authorization_credentials(b"UserSig alice:eJy*"),
            Some(("alice".into(), "eJy*".into()))
        );
        assert_eq!(range(Some("bytes=0-0"), 1), RangeOutcome::Part { start: 0, end: 0 });
        assert_eq!(sniff(b"GIF89a"), Some("image/gif"));
    }
}
