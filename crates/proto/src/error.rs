//! Errors on the wire: `{code, message}` with TIM's numeric codes.
//!
//! [`code`] holds every code of tim-js-sdk 2.27 by its TIM name (from
//! `shared/reference/error-codes.tsv`), plus the server-side sign-in codes of
//! Tencent's public error table that the TSV lacks, plus Confab's own codes
//! for things TIM has no code for (accounts, the frame layer). Nothing ever
//! matches on `message`; it is for people.

use serde::{Deserialize, Serialize};

/// The error half of every response: TIM's numeric code and a readable text.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message} (code {code})")]
pub struct ErrorBody {
    /// TIM numeric error code.
    pub code: i32,
    /// Human-readable explanation; never matched on.
    pub message: String,
    /// Details some errors carry (TIM `imError.data`), e.g. the latest
    /// version of a message after a modify conflict (2480:
    /// `{"message": …}`). Absent for most errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "Record<string, any>"))]
    pub data: Option<serde_json::Value>,
}

impl ErrorBody {
    /// Builds an error body.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    /// The same error carrying `data`.
    pub fn with_data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// TIM numeric error codes by name.
pub mod code {
    /// TIM `HELLO_ANSWER_KICKED_OUT`.
    pub const HELLO_ANSWER_KICKED_OUT: i32 = 1002;
    /// TIM `NO_ACCOUNT_TYPE`.
    pub const NO_ACCOUNT_TYPE: i32 = 2001;
    /// TIM `NO_IDENTIFIER`.
    pub const NO_IDENTIFIER: i32 = 2002;
    /// TIM `NO_USERSIG`.
    pub const NO_USERSIG: i32 = 2003;
    /// TIM `NO_TINYID`.
    pub const NO_TINYID: i32 = 2022;
    /// TIM `NO_A2KEY`.
    pub const NO_A2KEY: i32 = 2023;
    /// TIM `USER_NOT_LOGGED_IN`.
    pub const USER_NOT_LOGGED_IN: i32 = 2024;
    /// TIM `REPEAT_LOGIN`.
    pub const REPEAT_LOGIN: i32 = 2025;
    /// TIM `COS_UNDETECTED`.
    pub const COS_UNDETECTED: i32 = 2040;
    /// TIM `COS_GET_SIG_FAIL`.
    pub const COS_GET_SIG_FAIL: i32 = 2041;
    /// TIM `MESSAGE_SEND_FAIL`.
    pub const MESSAGE_SEND_FAIL: i32 = 2100;
    /// TIM `MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM`.
    pub const MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM: i32 = 2101;
    /// TIM `MESSAGE_SEND_NEED_MESSAGE_INSTANCE`.
    pub const MESSAGE_SEND_NEED_MESSAGE_INSTANCE: i32 = 2105;
    /// TIM `MESSAGE_SEND_INVALID_CONVERSATION_TYPE`.
    pub const MESSAGE_SEND_INVALID_CONVERSATION_TYPE: i32 = 2106;
    /// TIM `MESSAGE_FILE_IS_EMPTY`.
    pub const MESSAGE_FILE_IS_EMPTY: i32 = 2108;
    /// TIM `MESSAGE_ONPROGRESS_FUNCTION_ERROR`.
    pub const MESSAGE_ONPROGRESS_FUNCTION_ERROR: i32 = 2109;
    /// TIM `MESSAGE_REVOKE_FAIL`.
    pub const MESSAGE_REVOKE_FAIL: i32 = 2110;
    /// TIM `MESSAGE_DELETE_FAIL`.
    pub const MESSAGE_DELETE_FAIL: i32 = 2111;
    /// TIM `MESSAGE_UNREAD_ALL_FAIL`.
    pub const MESSAGE_UNREAD_ALL_FAIL: i32 = 2112;
    /// TIM `READ_RECEIPT_MESSAGE_LIST_EMPTY`.
    pub const READ_RECEIPT_MESSAGE_LIST_EMPTY: i32 = 2114;
    /// TIM `MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL`.
    pub const MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL: i32 = 2115;
    /// TIM `CANNOT_DELETE_GROUP_SYSTEM_NOTICE`.
    pub const CANNOT_DELETE_GROUP_SYSTEM_NOTICE: i32 = 2116;
    /// TIM `TRANSLATE_TEXT_FAIL`.
    pub const TRANSLATE_TEXT_FAIL: i32 = 2117;
    /// TIM `MESSAGE_IMAGE_SELECT_FILE_FIRST`.
    pub const MESSAGE_IMAGE_SELECT_FILE_FIRST: i32 = 2251;
    /// TIM `MESSAGE_IMAGE_TYPES_LIMIT`.
    pub const MESSAGE_IMAGE_TYPES_LIMIT: i32 = 2252;
    /// TIM `MESSAGE_IMAGE_SIZE_LIMIT`.
    pub const MESSAGE_IMAGE_SIZE_LIMIT: i32 = 2253;
    /// TIM `MESSAGE_AUDIO_UPLOAD_FAIL`.
    pub const MESSAGE_AUDIO_UPLOAD_FAIL: i32 = 2300;
    /// TIM `MESSAGE_AUDIO_SIZE_LIMIT`.
    pub const MESSAGE_AUDIO_SIZE_LIMIT: i32 = 2301;
    /// TIM `MESSAGE_VIDEO_UPLOAD_FAIL`.
    pub const MESSAGE_VIDEO_UPLOAD_FAIL: i32 = 2350;
    /// TIM `MESSAGE_VIDEO_SIZE_LIMIT`.
    pub const MESSAGE_VIDEO_SIZE_LIMIT: i32 = 2351;
    /// TIM `MESSAGE_VIDEO_TYPES_LIMIT`.
    pub const MESSAGE_VIDEO_TYPES_LIMIT: i32 = 2352;
    /// TIM `MESSAGE_FILE_UPLOAD_FAIL`.
    pub const MESSAGE_FILE_UPLOAD_FAIL: i32 = 2400;
    /// TIM `MESSAGE_FILE_SELECT_FILE_FIRST`.
    pub const MESSAGE_FILE_SELECT_FILE_FIRST: i32 = 2401;
    /// TIM `MESSAGE_FILE_SIZE_LIMIT`.
    pub const MESSAGE_FILE_SIZE_LIMIT: i32 = 2402;
    /// TIM `MESSAGE_FILE_URL_IS_EMPTY`.
    pub const MESSAGE_FILE_URL_IS_EMPTY: i32 = 2403;
    /// TIM `MESSAGE_MERGER_TYPE_INVALID`.
    pub const MESSAGE_MERGER_TYPE_INVALID: i32 = 2450;
    /// TIM `MESSAGE_MERGER_KEY_INVALID`.
    pub const MESSAGE_MERGER_KEY_INVALID: i32 = 2451;
    /// TIM `MESSAGE_MERGER_DOWNLOAD_FAIL`.
    pub const MESSAGE_MERGER_DOWNLOAD_FAIL: i32 = 2452;
    /// TIM `MESSAGE_FORWARD_TYPE_INVALID`.
    pub const MESSAGE_FORWARD_TYPE_INVALID: i32 = 2453;
    /// TIM `MESSAGE_MODIFY_CONFLICT`.
    pub const MESSAGE_MODIFY_CONFLICT: i32 = 2480;
    /// TIM `MESSAGE_MODIFY_DISABLED_IN_AVCHATROOM`.
    pub const MESSAGE_MODIFY_DISABLED_IN_AVCHATROOM: i32 = 2481;
    /// TIM `CONVERSATION_NOT_FOUND`.
    pub const CONVERSATION_NOT_FOUND: i32 = 2500;
    /// TIM `USER_OR_GROUP_NOT_FOUND`.
    pub const USER_OR_GROUP_NOT_FOUND: i32 = 2501;
    /// TIM `CONVERSATION_UN_RECORDED_TYPE`.
    pub const CONVERSATION_UN_RECORDED_TYPE: i32 = 2502;
    /// TIM `INVALID_CONVERSATION_ID`.
    pub const INVALID_CONVERSATION_ID: i32 = 2503;
    /// TIM `ILLEGAL_GROUP_TYPE`.
    pub const ILLEGAL_GROUP_TYPE: i32 = 2600;
    /// TIM `CANNOT_JOIN_WORK`.
    pub const CANNOT_JOIN_WORK: i32 = 2601;
    /// TIM `ILLEGAL_GROUP_ID`.
    pub const ILLEGAL_GROUP_ID: i32 = 2602;
    /// TIM `CANNOT_FIND_GROUP`.
    pub const CANNOT_FIND_GROUP: i32 = 2603;
    /// TIM `CANNOT_CHANGE_OWNER_IN_AVCHATROOM`.
    pub const CANNOT_CHANGE_OWNER_IN_AVCHATROOM: i32 = 2620;
    /// TIM `CANNOT_CHANGE_OWNER_TO_SELF`.
    pub const CANNOT_CHANGE_OWNER_TO_SELF: i32 = 2621;
    /// TIM `CANNOT_DISMISS_WORK`.
    pub const CANNOT_DISMISS_WORK: i32 = 2622;
    /// TIM `MEMBER_NOT_IN_GROUP`.
    pub const MEMBER_NOT_IN_GROUP: i32 = 2623;
    /// TIM `JOIN_GROUP_FAIL`.
    pub const JOIN_GROUP_FAIL: i32 = 2660;
    /// TIM `CANNOT_ADD_MEMBER_IN_AVCHATROOM`.
    pub const CANNOT_ADD_MEMBER_IN_AVCHATROOM: i32 = 2661;
    /// TIM `CANNOT_JOIN_NON_AVCHATROOM_WITHOUT_LOGIN`.
    pub const CANNOT_JOIN_NON_AVCHATROOM_WITHOUT_LOGIN: i32 = 2662;
    /// TIM `NOT_OWNER`.
    pub const NOT_OWNER: i32 = 2681;
    /// TIM `CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM`.
    pub const CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM: i32 = 2682;
    /// TIM `INVALID_MEMBER_ROLE`.
    pub const INVALID_MEMBER_ROLE: i32 = 2683;
    /// TIM `CANNOT_SET_SELF_MEMBER_ROLE`.
    pub const CANNOT_SET_SELF_MEMBER_ROLE: i32 = 2684;
    /// TIM `CANNOT_MUTE_SELF`.
    pub const CANNOT_MUTE_SELF: i32 = 2685;
    /// TIM `BAN_DURATION_INVALID`.
    pub const BAN_DURATION_INVALID: i32 = 2686;
    /// TIM `NOT_MY_FRIEND`.
    pub const NOT_MY_FRIEND: i32 = 2700;
    /// TIM `ALREADY_MY_FRIEND`.
    pub const ALREADY_MY_FRIEND: i32 = 2701;
    /// TIM `FRIEND_GROUP_EXISTED`.
    pub const FRIEND_GROUP_EXISTED: i32 = 2710;
    /// TIM `FRIEND_GROUP_NOT_EXIST`.
    pub const FRIEND_GROUP_NOT_EXIST: i32 = 2711;
    /// TIM `FRIEND_APPLICATION_NOT_EXIST`.
    pub const FRIEND_APPLICATION_NOT_EXIST: i32 = 2716;
    /// TIM `UPDATE_PROFILE_INVALID_PARAM`.
    pub const UPDATE_PROFILE_INVALID_PARAM: i32 = 2721;
    /// TIM `UPDATE_PROFILE_NO_KEY`.
    pub const UPDATE_PROFILE_NO_KEY: i32 = 2722;
    /// TIM `CANNOT_ADD_SELF_TO_BLACKLIST`.
    pub const CANNOT_ADD_SELF_TO_BLACKLIST: i32 = 2742;
    /// TIM `NETWORK_ERROR`.
    pub const NETWORK_ERROR: i32 = 2800;
    /// TIM `NETWORK_TIMEOUT`.
    pub const NETWORK_TIMEOUT: i32 = 2801;
    /// TIM `NO_NETWORK`.
    pub const NO_NETWORK: i32 = 2805;
    /// TIM `UNCAUGHT_ERROR`.
    pub const UNCAUGHT_ERROR: i32 = 2903;
    /// TIM `INVALID_OPERATION`.
    pub const INVALID_OPERATION: i32 = 2905;
    /// TIM `INVALID_TRTC_CMD`.
    pub const INVALID_TRTC_CMD: i32 = 2995;
    /// TIM `OVER_FREQUENCY_LIMIT`.
    pub const OVER_FREQUENCY_LIMIT: i32 = 2996;
    /// TIM `CANNOT_FIND_PROTOCOL`.
    pub const CANNOT_FIND_PROTOCOL: i32 = 2997;
    /// TIM `CANNOT_FIND_MODULE`.
    pub const CANNOT_FIND_MODULE: i32 = 2998;
    /// TIM `SDK_IS_NOT_READY`.
    pub const SDK_IS_NOT_READY: i32 = 2999;
    /// TIM `LOGIN_FAILED`.
    pub const LOGIN_FAILED: i32 = 3001;
    /// TIM `KICKED_OUT_MULT_DEVICE`.
    pub const KICKED_OUT_MULT_DEVICE: i32 = 3002;
    /// TIM `KICKED_OUT_MULT_ACCOUNT`.
    pub const KICKED_OUT_MULT_ACCOUNT: i32 = 3003;
    /// TIM `KICKED_OUT_USERSIG_EXPIRED`.
    pub const KICKED_OUT_USERSIG_EXPIRED: i32 = 3004;
    /// TIM `LOGGED_OUT`.
    pub const LOGGED_OUT: i32 = 3005;
    /// TIM `KICKED_OUT_REST_API`.
    pub const KICKED_OUT_REST_API: i32 = 3006;
    /// TIM `ILLEGAL_TOPIC_ID`.
    pub const ILLEGAL_TOPIC_ID: i32 = 3021;
    /// TIM `CANNOT_USE_COMMERCIAL_ABILITY`.
    pub const CANNOT_USE_COMMERCIAL_ABILITY: i32 = 3122;
    /// TIM `PROFANITY_FOUND`.
    pub const PROFANITY_FOUND: i32 = 3123;
    /// TIM `ERR_SVR_GROUP_INVALID_PARAMETERS`.
    pub const ERR_SVR_GROUP_INVALID_PARAMETERS: i32 = 10004;
    /// TIM's message extension conflict: the key was written meanwhile
    /// (reported per key inside a successful answer).
    pub const MESSAGE_EXTENSION_CONFLICT: i32 = 23001;
    /// TIM's "no read receipt information for this group message" (the
    /// seed's 10062).
    pub const GROUP_MESSAGE_READ_RECEIPT_NOT_FOUND: i32 = 10062;
    /// TIM `ERR_SVR_GROUP_PERMISSION_DENY`.
    pub const ERR_SVR_GROUP_PERMISSION_DENY: i32 = 10007;
    /// TIM `ERR_SVR_GROUP_NOT_FOUND`.
    pub const ERR_SVR_GROUP_NOT_FOUND: i32 = 10010;
    /// TIM `ERR_SVR_GROUP_INVALID_GROUPID`.
    pub const ERR_SVR_GROUP_INVALID_GROUPID: i32 = 10015;
    /// TIM `ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY`.
    pub const ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY: i32 = 10016;
    /// TIM `ERR_SVR_GROUP_SHUTUP_DENY`.
    pub const ERR_SVR_GROUP_SHUTUP_DENY: i32 = 10017;
    /// TIM `ERR_SVR_MSG_PKG_PARSE_FAILED`.
    pub const ERR_SVR_MSG_PKG_PARSE_FAILED: i32 = 20001;
    /// TIM `MESSAGE_A2KEY_EXPIRED`.
    pub const MESSAGE_A2KEY_EXPIRED: i32 = 20002;
    /// TIM `ERR_SVR_MSG_INVALID_ID`.
    pub const ERR_SVR_MSG_INVALID_ID: i32 = 20003;
    /// TIM `ERR_SVR_MSG_PUSH_DENY`.
    pub const ERR_SVR_MSG_PUSH_DENY: i32 = 20006;
    /// TIM `ERR_SVR_MSG_IN_PEER_BLACKLIST`.
    pub const ERR_SVR_MSG_IN_PEER_BLACKLIST: i32 = 20007;
    /// TIM `ERR_SVR_MSG_BOTH_NOT_FRIEND`.
    pub const ERR_SVR_MSG_BOTH_NOT_FRIEND: i32 = 20009;
    /// TIM `ERR_SVR_MSG_NOT_PEER_FRIEND`.
    pub const ERR_SVR_MSG_NOT_PEER_FRIEND: i32 = 20010;
    /// TIM `ERR_SVR_MSG_NOT_SELF_FRIEND`.
    pub const ERR_SVR_MSG_NOT_SELF_FRIEND: i32 = 20011;
    /// TIM `ERR_SVR_MSG_SHUTUP_DENY`.
    pub const ERR_SVR_MSG_SHUTUP_DENY: i32 = 20012;
    /// TIM `OPEN_SERVICE_OVERLOAD_ERROR`.
    pub const OPEN_SERVICE_OVERLOAD_ERROR: i32 = 60022;
    /// TIM `ACCOUNT_A2KEY_EXPIRED`.
    pub const ACCOUNT_A2KEY_EXPIRED: i32 = 70001;
    /// TIM `ERR_SVR_COMM_SENSITIVE_TEXT`.
    pub const ERR_SVR_COMM_SENSITIVE_TEXT: i32 = 80001;
    /// TIM `ERR_SVR_COMM_BODY_SIZE_LIMIT`.
    pub const ERR_SVR_COMM_BODY_SIZE_LIMIT: i32 = 80002;

    /// Tencent server code: the UserSig could not be decoded or its
    /// signature does not verify.
    pub const USERSIG_INVALID: i32 = 70003;
    /// Tencent server code: the UserSig was issued for another userID.
    pub const USERSIG_IDENTIFIER_MISMATCH: i32 = 70013;
    /// Tencent server code: the UserSig was issued for another SDKAppID.
    pub const USERSIG_SDKAPPID_MISMATCH: i32 = 70014;

    /// Confab: the frame is not valid JSON or misses `id`/`op`.
    pub const MALFORMED_FRAME: i32 = ERR_SVR_MSG_PKG_PARSE_FAILED;
    /// Confab: the request's `op` is not known to this server.
    pub const UNKNOWN_OPERATION: i32 = CANNOT_FIND_PROTOCOL;
    /// Confab: the request needs a logged-in session (first frame must be
    /// `login`).
    pub const NOT_LOGGED_IN: i32 = USER_NOT_LOGGED_IN;
    /// Confab: the client speaks a protocol version the server does not.
    pub const PROTOCOL_VERSION_UNSUPPORTED: i32 = 90001;
    /// Confab: the userID is not registered on this server.
    pub const ACCOUNT_NOT_FOUND: i32 = 90002;
    /// Confab: registration of an account whose userID is taken.
    pub const ACCOUNT_EXISTS: i32 = 90003;
    /// Confab: the server does not accept registrations.
    pub const REGISTRATION_CLOSED: i32 = 90004;
    /// Confab: wrong userID or password.
    pub const INVALID_CREDENTIALS: i32 = 90005;
    /// Confab: the userID breaks the rules (length, characters).
    pub const INVALID_USER_ID: i32 = 90006;
    /// Confab: the password breaks the rules (length).
    pub const INVALID_PASSWORD: i32 = 90007;
    /// Confab: sending a one-to-one message to oneself.
    pub const CANNOT_MESSAGE_SELF: i32 = 90008;
    /// Confab: a native feature (file picker, clipboard, opening files)
    /// that this app host does not have (the web host).
    pub const UNSUPPORTED_ON_HOST: i32 = 90011;
    /// Confab: a command named a local file this app host does not let it
    /// use (the web host sends only files staged through it).
    pub const PATH_NOT_ALLOWED: i32 = 90012;
    /// Tencent server code: the message to modify (or revoke) does not
    /// exist, is not in the caller's conversations, or was never stored
    /// (`onlineUserOnly`).
    pub const ERR_SVR_MSG_NOT_FOUND: i32 = 20026;
    /// Tencent server code: an owner may not quit this group (only a Work
    /// group's owner may, leaving it ownerless).
    pub const ERR_SVR_GROUP_SUPER_NOT_ALLOW_QUIT: i32 = 10009;
    /// Tencent server code: the group is full (`maxMemberCount`).
    pub const ERR_SVR_GROUP_FULL_MEMBER_COUNT: i32 = 10014;
    /// Tencent server code: the group ID asked for at creation is taken.
    pub const ERR_SVR_GROUP_GROUPID_IN_USED: i32 = 10021;
    /// Tencent server code: the user is a member of the group already.
    pub const ERR_SVR_GROUP_ALLREADY_MEMBER: i32 = 10013;
    /// Tencent server code: the join request (or invitation) was handled
    /// already, or there is none pending.
    pub const ERR_SVR_GROUP_REQ_ALLREADY_BEEN_PROCESSED: i32 = 10024;
    /// Tencent server code: a group attribute write conflicted with another
    /// (refresh with `getGroupAttributes`). Confab serializes writes and
    /// never returns it; clients may still meet it from TIM.
    pub const ERR_SVR_GROUP_ATTRIBUTE_WRITE_CONFLICT: i32 = 10056;
    /// Confab: the caller may not access this file of the file service
    /// (not uploaded by them and named by no message they can see), or it
    /// does not exist; also a message naming such a file is refused with it.
    pub const FILE_ACCESS_DENIED: i32 = 90009;
    /// Confab: no unfinished upload of the file service has this uploadID
    /// (never created, finished, cancelled or expired).
    pub const UPLOAD_NOT_FOUND: i32 = 90010;
    /// Confab: the session already has as many requests awaiting their
    /// replies as the server allows (`max_in_flight_per_session`); this one
    /// was not run. Retry once replies arrive; the session stays usable.
    pub const TOO_MANY_REQUESTS_IN_FLIGHT: i32 = 90020;
    /// Confab: the upload would take the user's stored files past their
    /// upload quota (`upload_quota_bytes_per_user`).
    pub const UPLOAD_QUOTA_EXCEEDED: i32 = 90021;
    /// Confab: the upload would take the server's file store past its disk
    /// budget (`file_storage_budget_bytes`).
    pub const STORAGE_FULL: i32 = 90022;
    /// Tencent server code (关系链 30001): a relation-chain request's field
    /// breaks its rule (a limit, a `source` format, an unconfigured custom
    /// field, a list's length).
    pub const ERR_SVR_FRIENDSHIP_INVALID_PARAMETERS: i32 = 30001;
    /// Tencent server code (关系链 30010): the caller's friend list is full
    /// ([`crate::relation::MAX_FRIENDS`]).
    pub const ERR_SVR_FRIENDSHIP_COUNT_LIMIT: i32 = 30010;
    /// Tencent server code (30014): the other user's friend list is full.
    pub const ERR_SVR_FRIENDSHIP_PEER_COUNT_LIMIT: i32 = 30014;
    /// Tencent server code (30516): the user takes no friend requests
    /// (`allowType` `AllowType_Type_DenyAny`).
    pub const ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY: i32 = 30516;
    /// Confab: the caller has [`crate::relation::MAX_FRIEND_GROUPS`] friend
    /// groups already.
    pub const FRIEND_GROUP_LIMIT: i32 = 90013;
    /// Confab: the caller has [`crate::conversation::MAX_CONVERSATION_GROUPS`]
    /// conversation groups already.
    pub const CONVERSATION_GROUP_LIMIT: i32 = 90016;
    /// Confab: a conversation group of that name exists already.
    pub const CONVERSATION_GROUP_EXISTS: i32 = 90017;
    /// Confab: the caller has no conversation group of that name.
    pub const CONVERSATION_GROUP_NOT_FOUND: i32 = 90018;
    /// Confab: `addFriend` of oneself.
    pub const CANNOT_ADD_SELF_AS_FRIEND: i32 = 90014;
    /// Confab: the caller's profile says `AdminForbid_Type_SendOut`: they
    /// may not send friend requests.
    pub const FRIEND_REQUEST_FORBIDDEN: i32 = 90015;
    /// `modifyMessage` of another user's `payload` (only the sender changes
    /// the content; either participant may change `cloudCustomData`):
    /// TIM's permission-denied code, 10007 `ERR_SVR_GROUP_PERMISSION_DENY`
    /// ("operation permission insufficient"), which TIM has for groups only.
    pub const MODIFY_PERMISSION_DENIED: i32 = ERR_SVR_GROUP_PERMISSION_DENY;

    // Transport security (90100–90104): client-side codes, never sent by
    // a server. The SDK gives them to a connection or HTTP request that TLS
    // refused, so a UI can say why instead of "network error"; the SDK
    // keeps reconnecting, but reports the failure (an `error` event).
    /// Confab: the server's TLS certificate is not signed by a trusted
    /// authority (self-signed, or a private CA that is neither a platform
    /// root nor the configured custom CA).
    pub const TLS_CERTIFICATE_UNTRUSTED: i32 = 90100;
    /// Confab: the server's TLS certificate is valid for other host names
    /// than the one in the server URL.
    pub const TLS_CERTIFICATE_WRONG_HOST: i32 = 90101;
    /// Confab: the server's TLS certificate has expired or is not valid yet.
    pub const TLS_CERTIFICATE_EXPIRED: i32 = 90102;
    /// Confab: any other TLS failure (a revoked or malformed certificate, no
    /// common protocol version, a server that does not speak TLS).
    pub const TLS_HANDSHAKE_FAILED: i32 = 90103;
    /// Confab: the custom CA (a PEM file given for a self-hosted server)
    /// cannot be read or holds no certificate.
    pub const TLS_CA_FILE_INVALID: i32 = 90104;
    /// Confab: an account request (`/api/register`, `/api/login`) carried
    /// an `Origin` header, i.e. came from a web page; confabd serves no page,
    /// so every origin is foreign (cross-site request forgery).
    pub const ORIGIN_NOT_ALLOWED: i32 = 90023;
    /// Confab: `renewUserSig` from a session that logged in with a UserSig
    /// minted elsewhere (an application backend's): only UserSigs the
    /// server issued for a password are renewed by the server.
    pub const USERSIG_NOT_RENEWABLE: i32 = 90030;
    /// Confab: an internal server failure (storage); the request may be retried.
    pub const INTERNAL: i32 = 90500;
    /// Confab: the server's database cannot be reached (a clustered
    /// server's PostgreSQL is restarting or down); nothing of the request
    /// was stored. Retry shortly; other requests fail the same way until the
    /// database is back.
    pub const STORE_UNAVAILABLE: i32 = 90501;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code defined here that TIM's reference lacks is in the table
    /// "Error codes beyond TIM's reference" of `docs/protocol.md`.
    #[test]
    fn codes_beyond_the_reference_are_documented() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let reference =
            std::fs::read_to_string(format!("{root}/../shared/reference/error-codes.tsv"))
                .expect("shared/reference/error-codes.tsv beside the repo");
        let known: std::collections::HashSet<&str> =
            reference.lines().skip(1).filter_map(|l| l.split('\t').next()).collect();
        let doc = std::fs::read_to_string(format!("{root}/docs/protocol.md")).expect("protocol.md");
        let mut missing = Vec::new();
        for line in include_str!("error.rs").lines() {
            let Some(rest) = line.trim().strip_prefix("pub const ") else { continue };
            let Some((name, value)) = rest.split_once(": i32 = ") else { continue };
            let value = value.trim_end_matches(';');
            if !value.chars().all(|c| c.is_ascii_digit()) || known.contains(value) {
                continue;
            }
            if !doc.contains(&format!("| {value} | `{name}` |")) {
                missing.push(format!("{value} {name}"));
            }
        }
        assert!(missing.is_empty(), "codes missing from docs/protocol.md: {missing:?}");
    }

    #[test]
    fn codes_match_the_reference() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/reference/error-codes.tsv");
        let text = std::fs::read_to_string(path)
            .expect("shared/reference/error-codes.tsv beside the repo");
        let known: std::collections::HashMap<&str, i32> = [
            ("HELLO_ANSWER_KICKED_OUT", code::HELLO_ANSWER_KICKED_OUT),
            ("NO_ACCOUNT_TYPE", code::NO_ACCOUNT_TYPE),
            ("NO_IDENTIFIER", code::NO_IDENTIFIER),
            ("NO_USERSIG", code::NO_USERSIG),
            ("NO_TINYID", code::NO_TINYID),
            ("NO_A2KEY", code::NO_A2KEY),
            ("USER_NOT_LOGGED_IN", code::USER_NOT_LOGGED_IN),
            ("REPEAT_LOGIN", code::REPEAT_LOGIN),
            ("COS_UNDETECTED", code::COS_UNDETECTED),
            ("COS_GET_SIG_FAIL", code::COS_GET_SIG_FAIL),
            ("MESSAGE_SEND_FAIL", code::MESSAGE_SEND_FAIL),
            ("MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM", code::MESSAGE_SEND_FAIL_NOT_IN_AVCHATROOM),
            ("MESSAGE_SEND_NEED_MESSAGE_INSTANCE", code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE),
            (
                "MESSAGE_SEND_INVALID_CONVERSATION_TYPE",
                code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE,
            ),
            ("MESSAGE_FILE_IS_EMPTY", code::MESSAGE_FILE_IS_EMPTY),
            ("MESSAGE_ONPROGRESS_FUNCTION_ERROR", code::MESSAGE_ONPROGRESS_FUNCTION_ERROR),
            ("MESSAGE_REVOKE_FAIL", code::MESSAGE_REVOKE_FAIL),
            ("MESSAGE_DELETE_FAIL", code::MESSAGE_DELETE_FAIL),
            ("MESSAGE_UNREAD_ALL_FAIL", code::MESSAGE_UNREAD_ALL_FAIL),
            ("READ_RECEIPT_MESSAGE_LIST_EMPTY", code::READ_RECEIPT_MESSAGE_LIST_EMPTY),
            ("MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL", code::MESSAGE_SEND_GROUP_WITH_TOPIC_FAIL),
            ("CANNOT_DELETE_GROUP_SYSTEM_NOTICE", code::CANNOT_DELETE_GROUP_SYSTEM_NOTICE),
            ("TRANSLATE_TEXT_FAIL", code::TRANSLATE_TEXT_FAIL),
            ("MESSAGE_IMAGE_SELECT_FILE_FIRST", code::MESSAGE_IMAGE_SELECT_FILE_FIRST),
            ("MESSAGE_IMAGE_TYPES_LIMIT", code::MESSAGE_IMAGE_TYPES_LIMIT),
            ("MESSAGE_IMAGE_SIZE_LIMIT", code::MESSAGE_IMAGE_SIZE_LIMIT),
            ("MESSAGE_AUDIO_UPLOAD_FAIL", code::MESSAGE_AUDIO_UPLOAD_FAIL),
            ("MESSAGE_AUDIO_SIZE_LIMIT", code::MESSAGE_AUDIO_SIZE_LIMIT),
            ("MESSAGE_VIDEO_UPLOAD_FAIL", code::MESSAGE_VIDEO_UPLOAD_FAIL),
            ("MESSAGE_VIDEO_SIZE_LIMIT", code::MESSAGE_VIDEO_SIZE_LIMIT),
            ("MESSAGE_VIDEO_TYPES_LIMIT", code::MESSAGE_VIDEO_TYPES_LIMIT),
            ("MESSAGE_FILE_UPLOAD_FAIL", code::MESSAGE_FILE_UPLOAD_FAIL),
            ("MESSAGE_FILE_SELECT_FILE_FIRST", code::MESSAGE_FILE_SELECT_FILE_FIRST),
            ("MESSAGE_FILE_SIZE_LIMIT", code::MESSAGE_FILE_SIZE_LIMIT),
            ("MESSAGE_FILE_URL_IS_EMPTY", code::MESSAGE_FILE_URL_IS_EMPTY),
            ("MESSAGE_MERGER_TYPE_INVALID", code::MESSAGE_MERGER_TYPE_INVALID),
            ("MESSAGE_MERGER_KEY_INVALID", code::MESSAGE_MERGER_KEY_INVALID),
            ("MESSAGE_MERGER_DOWNLOAD_FAIL", code::MESSAGE_MERGER_DOWNLOAD_FAIL),
            ("MESSAGE_FORWARD_TYPE_INVALID", code::MESSAGE_FORWARD_TYPE_INVALID),
            ("MESSAGE_MODIFY_CONFLICT", code::MESSAGE_MODIFY_CONFLICT),
            ("MESSAGE_MODIFY_DISABLED_IN_AVCHATROOM", code::MESSAGE_MODIFY_DISABLED_IN_AVCHATROOM),
            ("CONVERSATION_NOT_FOUND", code::CONVERSATION_NOT_FOUND),
            ("USER_OR_GROUP_NOT_FOUND", code::USER_OR_GROUP_NOT_FOUND),
            ("CONVERSATION_UN_RECORDED_TYPE", code::CONVERSATION_UN_RECORDED_TYPE),
            ("INVALID_CONVERSATION_ID", code::INVALID_CONVERSATION_ID),
            ("ILLEGAL_GROUP_TYPE", code::ILLEGAL_GROUP_TYPE),
            ("CANNOT_JOIN_WORK", code::CANNOT_JOIN_WORK),
            ("ILLEGAL_GROUP_ID", code::ILLEGAL_GROUP_ID),
            ("CANNOT_FIND_GROUP", code::CANNOT_FIND_GROUP),
            ("CANNOT_CHANGE_OWNER_IN_AVCHATROOM", code::CANNOT_CHANGE_OWNER_IN_AVCHATROOM),
            ("CANNOT_CHANGE_OWNER_TO_SELF", code::CANNOT_CHANGE_OWNER_TO_SELF),
            ("CANNOT_DISMISS_WORK", code::CANNOT_DISMISS_WORK),
            ("MEMBER_NOT_IN_GROUP", code::MEMBER_NOT_IN_GROUP),
            ("JOIN_GROUP_FAIL", code::JOIN_GROUP_FAIL),
            ("CANNOT_ADD_MEMBER_IN_AVCHATROOM", code::CANNOT_ADD_MEMBER_IN_AVCHATROOM),
            (
                "CANNOT_JOIN_NON_AVCHATROOM_WITHOUT_LOGIN",
                code::CANNOT_JOIN_NON_AVCHATROOM_WITHOUT_LOGIN,
            ),
            ("NOT_OWNER", code::NOT_OWNER),
            (
                "CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM",
                code::CANNOT_SET_MEMBER_ROLE_IN_WORK_AND_AVCHATROOM,
            ),
            ("INVALID_MEMBER_ROLE", code::INVALID_MEMBER_ROLE),
            ("CANNOT_SET_SELF_MEMBER_ROLE", code::CANNOT_SET_SELF_MEMBER_ROLE),
            ("CANNOT_MUTE_SELF", code::CANNOT_MUTE_SELF),
            ("BAN_DURATION_INVALID", code::BAN_DURATION_INVALID),
            ("NOT_MY_FRIEND", code::NOT_MY_FRIEND),
            ("ALREADY_MY_FRIEND", code::ALREADY_MY_FRIEND),
            ("FRIEND_GROUP_EXISTED", code::FRIEND_GROUP_EXISTED),
            ("FRIEND_GROUP_NOT_EXIST", code::FRIEND_GROUP_NOT_EXIST),
            ("FRIEND_APPLICATION_NOT_EXIST", code::FRIEND_APPLICATION_NOT_EXIST),
            ("UPDATE_PROFILE_INVALID_PARAM", code::UPDATE_PROFILE_INVALID_PARAM),
            ("UPDATE_PROFILE_NO_KEY", code::UPDATE_PROFILE_NO_KEY),
            ("CANNOT_ADD_SELF_TO_BLACKLIST", code::CANNOT_ADD_SELF_TO_BLACKLIST),
            ("NETWORK_ERROR", code::NETWORK_ERROR),
            ("NETWORK_TIMEOUT", code::NETWORK_TIMEOUT),
            ("NO_NETWORK", code::NO_NETWORK),
            ("UNCAUGHT_ERROR", code::UNCAUGHT_ERROR),
            ("INVALID_OPERATION", code::INVALID_OPERATION),
            ("INVALID_TRTC_CMD", code::INVALID_TRTC_CMD),
            ("OVER_FREQUENCY_LIMIT", code::OVER_FREQUENCY_LIMIT),
            ("CANNOT_FIND_PROTOCOL", code::CANNOT_FIND_PROTOCOL),
            ("CANNOT_FIND_MODULE", code::CANNOT_FIND_MODULE),
            ("SDK_IS_NOT_READY", code::SDK_IS_NOT_READY),
            ("LOGIN_FAILED", code::LOGIN_FAILED),
            ("KICKED_OUT_MULT_DEVICE", code::KICKED_OUT_MULT_DEVICE),
            ("KICKED_OUT_MULT_ACCOUNT", code::KICKED_OUT_MULT_ACCOUNT),
            ("KICKED_OUT_USERSIG_EXPIRED", code::KICKED_OUT_USERSIG_EXPIRED),
            ("LOGGED_OUT", code::LOGGED_OUT),
            ("KICKED_OUT_REST_API", code::KICKED_OUT_REST_API),
            ("ILLEGAL_TOPIC_ID", code::ILLEGAL_TOPIC_ID),
            ("CANNOT_USE_COMMERCIAL_ABILITY", code::CANNOT_USE_COMMERCIAL_ABILITY),
            ("PROFANITY_FOUND", code::PROFANITY_FOUND),
            ("ERR_SVR_GROUP_INVALID_PARAMETERS", code::ERR_SVR_GROUP_INVALID_PARAMETERS),
            ("ERR_SVR_GROUP_PERMISSION_DENY", code::ERR_SVR_GROUP_PERMISSION_DENY),
            ("ERR_SVR_GROUP_NOT_FOUND", code::ERR_SVR_GROUP_NOT_FOUND),
            ("ERR_SVR_GROUP_INVALID_GROUPID", code::ERR_SVR_GROUP_INVALID_GROUPID),
            ("ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY", code::ERR_SVR_GROUP_REJECT_FROM_THIRDPARTY),
            ("ERR_SVR_GROUP_SHUTUP_DENY", code::ERR_SVR_GROUP_SHUTUP_DENY),
            ("ERR_SVR_MSG_PKG_PARSE_FAILED", code::ERR_SVR_MSG_PKG_PARSE_FAILED),
            ("MESSAGE_A2KEY_EXPIRED", code::MESSAGE_A2KEY_EXPIRED),
            ("ERR_SVR_MSG_INVALID_ID", code::ERR_SVR_MSG_INVALID_ID),
            ("ERR_SVR_MSG_PUSH_DENY", code::ERR_SVR_MSG_PUSH_DENY),
            ("ERR_SVR_MSG_IN_PEER_BLACKLIST", code::ERR_SVR_MSG_IN_PEER_BLACKLIST),
            ("ERR_SVR_MSG_BOTH_NOT_FRIEND", code::ERR_SVR_MSG_BOTH_NOT_FRIEND),
            ("ERR_SVR_MSG_NOT_PEER_FRIEND", code::ERR_SVR_MSG_NOT_PEER_FRIEND),
            ("ERR_SVR_MSG_NOT_SELF_FRIEND", code::ERR_SVR_MSG_NOT_SELF_FRIEND),
            ("ERR_SVR_MSG_SHUTUP_DENY", code::ERR_SVR_MSG_SHUTUP_DENY),
            ("OPEN_SERVICE_OVERLOAD_ERROR", code::OPEN_SERVICE_OVERLOAD_ERROR),
            ("ACCOUNT_A2KEY_EXPIRED", code::ACCOUNT_A2KEY_EXPIRED),
            ("ERR_SVR_COMM_SENSITIVE_TEXT", code::ERR_SVR_COMM_SENSITIVE_TEXT),
            ("ERR_SVR_COMM_BODY_SIZE_LIMIT", code::ERR_SVR_COMM_BODY_SIZE_LIMIT),
        ]
        .into_iter()
        .collect();
        let mut rows = 0;
        for line in text.lines().skip(1) {
            let (number, name) = line.split_once('\t').expect("code<TAB>name");
            assert_eq!(
                known.get(name),
                Some(&number.parse::<i32>().expect("numeric code")),
                "{name}"
            );
            rows += 1;
        }
        assert_eq!(rows, known.len());
    }

    #[test]
    fn error_body_round_trips() {
        let e = ErrorBody::new(code::ERR_SVR_COMM_BODY_SIZE_LIMIT, "too big");
        let json = serde_json::to_string(&e).expect("serialize");
        assert_eq!(json, r#"{"code":80002,"message":"too big"}"#);
        assert_eq!(serde_json::from_str::<ErrorBody>(&json).expect("parse"), e);
        let conflict = ErrorBody::new(code::MESSAGE_MODIFY_CONFLICT, "conflict")
            .with_data(serde_json::json!({"message": {"ID": "1-2-3"}}));
        let json = serde_json::to_string(&conflict).expect("serialize");
        assert_eq!(json, r#"{"code":2480,"message":"conflict","data":{"message":{"ID":"1-2-3"}}}"#);
        assert_eq!(serde_json::from_str::<ErrorBody>(&json).expect("parse"), conflict);
    }
}
