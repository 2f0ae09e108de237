//! The file service's wire contract (HTTP beside the WebSocket), shared by
//! `confabd` and the SDK: routes, headers, the `Authorization` scheme, the
//! JSON bodies of uploads, the file kinds and their TIM error codes, and
//! the text helpers file URLs and names need (percent-encoding, safe local
//! file names). `docs/protocol.md` ("File service") describes the rules.

use crate::code;
use crate::message::MessageElement;
use serde::{Deserialize, Serialize};

/// Prefix of every file service route; `GET /files/{id}[/{name}]`
/// downloads a file.
pub const FILES_PATH: &str = "/files";

/// Route creating uploads (`POST`); `/files/uploads/{uploadID}` appends
/// (`PATCH`), tells the offset (`GET`) or cancels (`DELETE`).
pub const UPLOADS_PATH: &str = "/files/uploads";

/// Header carrying the offset a `PATCH` appends at (lowercase, as HTTP/2
/// and the `http` crate spell header names).
pub const UPLOAD_OFFSET: &str = "upload-offset";

/// Content type of a `PATCH` body.
pub const PATCH_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// Scheme of the `Authorization` header every route needs:
/// `UserSig <userID>:<userSig>`.
pub const AUTHORIZATION_SCHEME: &str = "UserSig";

/// The `Authorization` header value for `user_id` signed in with `user_sig`.
pub fn authorization(user_id: &str, user_sig: &str) -> String {
    format!("{AUTHORIZATION_SCHEME} {user_id}:{user_sig}")
}

/// The `<userID>` and `<userSig>` of an `Authorization: UserSig
/// <userID>:<userSig>` value; `None` for another scheme or shape.
pub fn parse_authorization(value: &str) -> Option<(&str, &str)> {
    value.strip_prefix(AUTHORIZATION_SCHEME)?.strip_prefix(' ')?.trim().rsplit_once(':')
}

/// What a file is for; decides its size limit and type check on the
/// server, the TIM error codes a failure gets, and what a file picker offers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// An image message's picture: JPEG, PNG, GIF, BMP or WEBP.
    Image,
    /// A video message's video: MP4/MOV (ISO-BMFF) or WEBM.
    Video,
    /// A sound message's audio.
    Audio,
    /// A file message's file.
    File,
    /// A merged message's `messageList` JSON: the body of a merger message
    /// too big for the 12 KB message body, fetched by
    /// `downloadMergerMessage`.
    Merger,
}

impl FileKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::File => "file",
            Self::Merger => "merger",
        }
    }

    /// TIM's "no file selected" code.
    pub fn select_first_code(self) -> i32 {
        match self {
            Self::Image => code::MESSAGE_IMAGE_SELECT_FILE_FIRST,
            _ => code::MESSAGE_FILE_SELECT_FILE_FIRST,
        }
    }

    /// TIM's "too large" code.
    pub fn size_limit_code(self) -> i32 {
        match self {
            Self::Image => code::MESSAGE_IMAGE_SIZE_LIMIT,
            Self::Video => code::MESSAGE_VIDEO_SIZE_LIMIT,
            Self::Audio => code::MESSAGE_AUDIO_SIZE_LIMIT,
            Self::File | Self::Merger => code::MESSAGE_FILE_SIZE_LIMIT,
        }
    }

    /// TIM's "upload failed" code.
    pub fn upload_fail_code(self) -> i32 {
        match self {
            Self::Video => code::MESSAGE_VIDEO_UPLOAD_FAIL,
            Self::Audio => code::MESSAGE_AUDIO_UPLOAD_FAIL,
            Self::Image | Self::File | Self::Merger => code::MESSAGE_FILE_UPLOAD_FAIL,
        }
    }

    /// The kind of an element that still needs its upload (no file ID
    /// yet); `None` for other elements and for file elements already
    /// uploaded (e.g. forwarded).
    pub fn pending_upload(element: &MessageElement) -> Option<Self> {
        match element {
            MessageElement::Image(p) if p.uuid.is_empty() => Some(Self::Image),
            MessageElement::Video(p) if p.video_uuid.is_empty() => Some(Self::Video),
            MessageElement::Sound(p) if p.uuid.is_empty() => Some(Self::Audio),
            MessageElement::File(p) if p.uuid.is_empty() => Some(Self::File),
            _ => None,
        }
    }
}

/// A stored file as the upload's last `PATCH` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// File ID: lowercase hex SHA-256 of the content.
    pub uuid: String,
    /// Download URL: `<scheme://host>/files/<uuid>`.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// Kind it was uploaded as.
    pub kind: FileKind,
    /// The name the uploader gave.
    #[serde(default)]
    pub file_name: String,
    /// Sniffed MIME type.
    #[serde(default)]
    pub content_type: String,
}

/// `POST /files/uploads` body. The fields are in the order the SDK has
/// always sent them (alphabetical).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUpload {
    /// The name shown for the file (at most 1,024 bytes, no control
    /// characters).
    #[serde(default)]
    pub file_name: String,
    /// What the file is for.
    pub kind: FileKind,
    /// Its size in bytes (more than 0, at most the kind's limit).
    pub size: u64,
}

/// `POST /files/uploads` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadCreated {
    /// The upload's ID (the `{uploadID}` of its routes).
    #[serde(rename = "uploadID")]
    pub upload_id: String,
    /// Bytes the server has (0 for a new upload).
    #[serde(default)]
    pub offset: u64,
}

/// `PATCH`/`GET /files/uploads/{id}` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadOffset {
    /// Bytes the server has.
    pub offset: u64,
    /// The stored file, once the last byte arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileInfo>,
}

/// An error answer of the file service: TIM's `{code, message}`, and for a
/// `PATCH` at the wrong offset (409) the offset the server has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileError {
    /// TIM error code.
    pub code: i32,
    /// Human-readable reason.
    #[serde(default)]
    pub message: String,
    /// With 409: where the next `PATCH` must start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// Percent-encodes one URL path segment: every byte but the unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`.
pub fn percent_encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Longest name [`safe_file_name`] returns, in characters.
pub const MAX_SAFE_FILE_NAME_CHARS: usize = 100;

/// A file name made from text someone else chose (a sender's file name,
/// what a page said): the last path component, without control characters
/// or characters Windows reserves (`<>:"|?*`), without leading dots (no
/// hidden files) or trailing dots and spaces, at most
/// [`MAX_SAFE_FILE_NAME_CHARS`] characters; never empty (`file`).
pub fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .take(MAX_SAFE_FILE_NAME_CHARS)
        .collect();
    let clean = clean.trim().trim_start_matches('.').trim_end_matches(['.', ' ']).trim();
    if clean.is_empty() {
        "file".to_owned()
    } else {
        clean.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_their_wire_names() {
        for kind in
            [FileKind::Image, FileKind::Video, FileKind::Audio, FileKind::File, FileKind::Merger]
        {
            let json = serde_json::to_string(&kind).expect("encodes");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<FileKind>(&json).expect("decodes"), kind);
        }
    }

    #[test]
    fn bodies_keep_their_wire_shape() {
        let create = CreateUpload { file_name: "a.txt".into(), kind: FileKind::File, size: 5 };
        assert_eq!(
            serde_json::to_string(&create).expect("encodes"),
            r#"{"fileName":"a.txt","kind":"file","size":5}"#
        );
        let created: UploadCreated =
            serde_json::from_str(r#"{"uploadID":"u1"}"#).expect("offset defaults to 0");
        assert_eq!(created, UploadCreated { upload_id: "u1".into(), offset: 0 });
        let at = UploadOffset { offset: 3, file: None };
        assert_eq!(serde_json::to_string(&at).expect("encodes"), r#"{"offset":3}"#);
        let conflict = FileError { code: 20001, message: "m".into(), offset: Some(4) };
        assert_eq!(
            serde_json::to_string(&conflict).expect("encodes"),
            r#"{"code":20001,"message":"m","offset":4}"#
        );
        let plain: FileError = serde_json::from_str(r#"{"code":1}"#).expect("decodes");
        assert_eq!(plain.offset, None);
    }

    #[test]
    fn authorization_round_trips() {
        let value = authorization("alice", "sig:with:colons");
        assert_eq!(value, "UserSig alice:sig:with:colons");
        // The user ID cannot hold ':', the sig may: split at the last one.
        assert_eq!(parse_authorization("UserSig a:b:c"), Some(("a:b", "c")));
        assert_eq!(parse_authorization("UserSig  alice:s "), Some(("alice", "s")));
        assert_eq!(parse_authorization("Bearer alice:s"), None);
        assert_eq!(parse_authorization("UserSigalice:s"), None);
        assert_eq!(parse_authorization("UserSig alice"), None);
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(percent_encode_segment("a b/ü.txt"), "a%20b%2F%C3%BC.txt");
        assert_eq!(percent_encode_segment("Az09-._~"), "Az09-._~");
    }

    #[test]
    fn safe_file_names_are_one_component_of_at_most_100_characters() {
        assert_eq!(safe_file_name("cover.jpg"), "cover.jpg");
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name(&"x".repeat(300)).chars().count(), MAX_SAFE_FILE_NAME_CHARS);
        assert_eq!(safe_file_name(&"é".repeat(300)).chars().count(), MAX_SAFE_FILE_NAME_CHARS);
    }
}
