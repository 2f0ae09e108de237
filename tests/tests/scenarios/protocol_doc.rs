//! `docs/protocol.md` holds: its numbers are the code's numbers, and the wire
//! rules it states (frames, close codes, logins, limits, paging, HTTP
//! statuses) are acted out against a real server with raw clients, as a
//! client written from the page alone would meet them (issue 12, "The
//! protocol document").

use confab_proto::frame::{close, ServerFrame};
use confab_proto::message::{
    ConversationType, MessageElement, OutgoingMessage, Priority, TextPayload, WireMessage,
};
use confab_proto::ops::{self, LoginResponse, SendMessage, ALL_OPERATIONS};
use confab_proto::{
    code, ConversationId, MessageId, UserId, MAX_FRAME_BYTES, MAX_MESSAGE_BODY_BYTES,
};
use confab_server::config::Config;
use confab_tests::{within, RawClient, TestServer, START_MS};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

// ------------------------------------------------------------ the page

/// The protocol document.
fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    std::fs::read_to_string(path).expect("docs/protocol.md")
}

/// The text under a heading (`## X` or `### X`), up to the next heading
/// of the same or a higher level.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let level = heading.split(' ').next().expect("a heading").len();
    let start = doc.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no {heading:?}"));
    let body = &doc[start + heading.len() + 2..];
    let end = body
        .match_indices("\n#")
        .find(|(i, _)| {
            let hashes = body[i + 1..].chars().take_while(|c| *c == '#').count();
            hashes <= level
        })
        .map_or(body.len(), |(i, _)| i);
    &body[..end]
}

/// The part of `text` from the line starting with `from` to the next blank
/// line after a table (a bold-titled block such as "**WireMessage**").
fn block<'a>(text: &'a str, from: &str) -> &'a str {
    let start = text.find(from).unwrap_or_else(|| panic!("no block {from:?}"));
    let rest = &text[start..];
    let table = rest.find("\n|").unwrap_or(0);
    let end = rest[table..].find("\n\n").map_or(rest.len(), |i| table + i);
    &rest[..end]
}

/// The cells of every body row of the tables in `text` (header and
/// separator rows left out).
fn rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut header_seen = false;
    for line in text.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            header_seen = false;
            continue;
        }
        if line.starts_with("|---") {
            header_seen = true;
            continue;
        }
        if header_seen {
            let cells = line.trim_matches('|').split(" | ").map(|c| c.trim().to_owned());
            rows.push(cells.collect());
        }
    }
    rows
}

/// `n` with thousands separators, as the page writes numbers.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Every top-level key of a serialized value (`json!(&value)`).
fn keys_of(json: Value) -> Vec<String> {
    json.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn the_numbers_at_a_glance_are_the_codes_numbers() {
    let defaults = Config::default();
    let server_limit = |what: &str, value: &str| (what.to_owned(), value.to_owned());
    // Numbers the server keeps private are written here as the page says
    // them; the wire tests below act each of them out.
    let expected: BTreeSet<(String, String)> = [
        server_limit(
            "largest message a client may send (`MAX_FRAME_BYTES`)",
            &format!("{} bytes", grouped(MAX_FRAME_BYTES as u64)),
        ),
        server_limit(
            "largest message body (`MAX_MESSAGE_BODY_BYTES`)",
            &format!("{} bytes", grouped(MAX_MESSAGE_BODY_BYTES as u64)),
        ),
        server_limit("`random`", &format!("1 to {}", grouped((1 << 53) - 1))),
        server_limit("`sync` entries per reply (`limit` 0, and the cap)", "1,000"),
        server_limit(
            "`sync` reply size (`max_sync_reply_bytes`, default)",
            &format!("{} bytes", grouped(defaults.max_sync_reply_bytes as u64)),
        ),
        server_limit("`getMessageList` `count` 0 means", "15"),
        server_limit("`getMessageList` `count` cap", "100"),
        server_limit(
            "`getMessageListHopping` `count` 0 means, and the cap",
            &ops::MAX_HOPPING_COUNT.to_string(),
        ),
        server_limit("`deleteMessages` IDs per request", &ops::MAX_DELETE_MESSAGES.to_string()),
        server_limit("`deleteConversation` IDs per request", "100"),
        server_limit("`getUserProfile` IDs per request", "100"),
        server_limit("`instanceID`", "1 to 128 bytes"),
        server_limit("userID", &format!("1 to {} bytes", confab_proto::account::MAX_USER_ID_BYTES)),
        server_limit(
            "password",
            &format!(
                "{} characters to {} bytes",
                confab_proto::account::MIN_PASSWORD_CHARS,
                grouped(confab_proto::account::MAX_PASSWORD_BYTES as u64)
            ),
        ),
        server_limit(
            "heartbeat interval (`heartbeat_interval_ms`, default)",
            &format!("{} ms", grouped(defaults.heartbeat_interval_ms)),
        ),
        server_limit(
            "login timeout (`login_timeout_ms`, default)",
            &format!("{} ms", grouped(defaults.login_timeout_ms)),
        ),
        server_limit(
            "requests awaiting replies per session (`max_in_flight_per_session`, default)",
            &defaults.max_in_flight_per_session.to_string(),
        ),
        server_limit(
            "pushes queued per session before close 1013",
            &grouped(confab_server::sessions::OUTBOUND_CAPACITY as u64),
        ),
        server_limit(
            "entries per `room` push",
            &confab_server::broadcast::MAX_ENTRIES_PER_FRAME.to_string(),
        ),
        server_limit(
            "sending sessions per `room` push",
            &confab_server::broadcast::MAX_SENDERS_PER_FRAME.to_string(),
        ),
        server_limit(
            "revoke window (`revoke_window_secs`, default)",
            &format!("{} s", defaults.revoke_window_secs),
        ),
        server_limit(
            "lifetime of password-issued UserSigs (`user_sig_expire_secs`, default)",
            &format!("{} s", grouped(defaults.user_sig_expire_secs.unsigned_abs())),
        ),
        server_limit(
            "send rate (`send_rate_per_sec`, default)",
            &format!("{} per second", defaults.send_rate_per_sec),
        ),
        server_limit("send burst (`send_burst`, default)", &defaults.send_burst.to_string()),
        server_limit(
            "messages per group per second (`group_send_rate_per_sec`, default)",
            &defaults.group_send_rate_per_sec.to_string(),
        ),
        server_limit("SDKAppID (`sdk_app_id`, default)", &grouped(defaults.sdk_app_id)),
        server_limit(
            "`deleteFriend` IDs per request",
            &confab_proto::relation::MAX_DELETE_FRIEND_IDS.to_string(),
        ),
        server_limit(
            "`checkFriend`, `getFriendProfile`, friend group IDs per request",
            &grouped(confab_proto::relation::MAX_FRIEND_IDS_PER_CALL as u64),
        ),
        server_limit("friends per user", &grouped(confab_proto::relation::MAX_FRIENDS)),
        server_limit(
            "friend groups per user",
            &confab_proto::relation::MAX_FRIEND_GROUPS.to_string(),
        ),
        server_limit(
            "`markConversation`, `setConversationCustomData` conversations per request",
            &confab_proto::conversation::MAX_CONVERSATIONS_PER_CALL.to_string(),
        ),
        server_limit(
            "`setMessageRemindType` C2C peers per request",
            &confab_proto::conversation::MAX_REMIND_USERS_PER_CALL.to_string(),
        ),
        server_limit(
            "conversation `customData`",
            &format!("{} bytes", confab_proto::conversation::MAX_CONVERSATION_CUSTOM_DATA_BYTES),
        ),
        server_limit(
            "conversation group name",
            &format!("{} bytes", confab_proto::conversation::MAX_CONVERSATION_GROUP_NAME_BYTES),
        ),
        server_limit(
            "conversation groups per user",
            &confab_proto::conversation::MAX_CONVERSATION_GROUPS.to_string(),
        ),
        server_limit(
            "`sendMessageReadReceipt`, `getMessageReadReceiptList` messages per request",
            &confab_proto::receipt::MAX_RECEIPT_MESSAGES.to_string(),
        ),
        server_limit(
            "`getGroupMessageReadMemberList` `count` cap",
            &confab_proto::receipt::MAX_READ_MEMBER_COUNT.to_string(),
        ),
        server_limit(
            "extension key",
            &format!("1 to {} bytes", confab_proto::extension::MAX_EXTENSION_KEY_BYTES),
        ),
        server_limit(
            "extension value",
            &format!(
                "{} bytes",
                grouped(confab_proto::extension::MAX_EXTENSION_VALUE_BYTES as u64)
            ),
        ),
        server_limit(
            "extensions per `setMessageExtensions` / `deleteMessageExtensions`",
            &confab_proto::extension::MAX_EXTENSIONS_PER_CALL.to_string(),
        ),
        server_limit(
            "extensions per message",
            &confab_proto::extension::MAX_EXTENSIONS_PER_MESSAGE.to_string(),
        ),
        server_limit(
            "`translateText` texts per request",
            &confab_proto::conversation::MAX_TRANSLATE_TEXTS.to_string(),
        ),
        server_limit(
            "`translateText` characters per request",
            &grouped(confab_proto::conversation::MAX_TRANSLATE_CHARS as u64),
        ),
        server_limit(
            "translation timeout (`translate_timeout_ms`, default)",
            &format!("{} ms", grouped(defaults.translate_timeout_ms)),
        ),
        server_limit(
            "`getUserStatus` IDs per request",
            &confab_proto::status::MAX_STATUS_QUERY_IDS.to_string(),
        ),
        server_limit(
            "`subscribeUserStatus`, `unsubscribeUserStatus` IDs per request",
            &confab_proto::status::MAX_STATUS_SUBSCRIBE_IDS.to_string(),
        ),
        server_limit(
            "status subscriptions per user",
            &confab_proto::status::MAX_STATUS_SUBSCRIPTIONS.to_string(),
        ),
        server_limit(
            "calls per user per 5 s of each status operation",
            &confab_proto::status::STATUS_RATE_CALLS.to_string(),
        ),
        server_limit(
            "custom status",
            &format!("{} bytes", confab_proto::status::MAX_CUSTOM_STATUS_BYTES),
        ),
        server_limit(
            "topics per community",
            &confab_proto::topic::MAX_TOPICS_PER_COMMUNITY.to_string(),
        ),
        server_limit(
            "`topicName`",
            &format!("1 to {} bytes", confab_proto::topic::MAX_TOPIC_NAME_BYTES),
        ),
        server_limit(
            "topic `customData`",
            &format!("{} bytes", grouped(confab_proto::topic::MAX_TOPIC_CUSTOM_DATA_BYTES as u64)),
        ),
        server_limit("topic ID", &format!("{} bytes", confab_proto::topic::MAX_TOPIC_ID_BYTES)),
        server_limit(
            "`getTopicList` calls per user per second",
            &confab_proto::topic::TOPIC_LIST_RATE_PER_SEC.to_string(),
        ),
    ]
    .into_iter()
    .collect();
    let doc = doc();
    let documented: BTreeSet<(String, String)> = rows(section(&doc, "## Numbers at a glance"))
        .into_iter()
        .map(|cells| {
            assert_eq!(cells.len(), 2, "a row of two cells: {cells:?}");
            (cells[0].clone(), cells[1].clone())
        })
        .collect();
    let stale: Vec<_> = documented.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&documented).collect();
    assert!(
        stale.is_empty() && missing.is_empty(),
        "the page differs from the code:\n  on the page only: {stale:?}\n  in the code only: {missing:?}"
    );
}

#[test]
fn every_close_code_and_operation_is_on_the_page() {
    let doc = doc();
    let close_codes: BTreeSet<String> =
        rows(section(&doc, "## Close codes")).into_iter().map(|cells| cells[0].clone()).collect();
    for code in [
        1000,
        1007,
        1009,
        1013,
        close::KICKED_OUT,
        close::LOGIN_FAILED,
        close::SHUTTING_DOWN,
        close::LOGGED_OUT,
        close::IDLE,
        close::LOGIN_TIMEOUT,
    ] {
        assert!(close_codes.contains(&code.to_string()), "close code {code} is not documented");
    }
    let operations: BTreeSet<String> = rows(section(&doc, "## Operations"))
        .into_iter()
        .map(|cells| cells[0].trim_matches('`').to_owned())
        .collect();
    let defined: BTreeSet<String> = ALL_OPERATIONS.iter().map(|op| (*op).to_owned()).collect();
    assert_eq!(operations, defined, "the operations table differs from confab_proto::ops");
}

#[test]
fn every_field_the_wire_types_carry_is_on_the_page() {
    let doc = doc();
    let documented = |text: &str, keys: Vec<String>, what: &str| {
        let missing: Vec<String> =
            keys.into_iter().filter(|k| !text.contains(&format!("`{k}`"))).collect();
        assert!(missing.is_empty(), "{what} fields missing from docs/protocol.md: {missing:?}");
    };
    let element = MessageElement::Text(TextPayload { text: "hi".into() });
    let outgoing = OutgoingMessage {
        receiver_list: Vec::new(),
        conversation_type: ConversationType::C2c,
        to: "bob".into(),
        random: 1,
        element: element.clone(),
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        at_user_list: vec!["bob".into()],
        client_time: 1,
    };
    let messages = section(&doc, "## Messages");
    documented(
        block(messages, "**OutgoingMessage**"),
        keys_of(json!(&outgoing)),
        "OutgoingMessage",
    );
    let wire = WireMessage {
        receiver_list: Vec::new(),
        id: MessageId("alice-1-1".into()),
        conversation_type: ConversationType::C2c,
        from: UserId::new("alice"),
        to: "bob".into(),
        sequence: 1,
        time: 1,
        random: 1,
        element,
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        at_user_list: vec!["bob".into()],
        name_card: "Al".into(),
        excluded_from_unread_count: false,
        excluded_from_last_message: false,
        online_user_only: false,
        is_revoked: false,
        version: 0,
    };
    documented(block(messages, "**WireMessage**"), keys_of(json!(&wire)), "WireMessage");
    let send = SendMessage::c2c_text("bob", 1, "hi");
    let mut send_keys = keys_of(json!(&send));
    send_keys.push("messageControlInfo".into());
    documented(block(messages, "### `sendMessage`"), send_keys, "sendMessage");
    let login = LoginResponse {
        user_id: UserId::new("alice"),
        inbox_seq: 0,
        server_time: 0,
        user_sig_expire_at: 0,
        heartbeat_interval_ms: 0,
        user_sig_issued_at: 0,
        user_sig_renewable: false,
    };
    documented(section(&doc, "### `login`"), keys_of(json!(&login)), "login answer");
    let conversation = confab_proto::conversation::ConversationState {
        conversation_id: "C2Cbob".into(),
        conversation_type: ConversationType::C2c,
        last_message: None,
        unread_count: 0,
        read_sequence: 0,
        peer_read_sequence: 0,
        cleared_sequence: 0,
        last_sequence: 0,
        update_time: 0,
    };
    let conversations = section(&doc, "## Conversations and profiles");
    documented(conversations, keys_of(json!(&conversation)), "ConversationState");
    let profile = confab_proto::profile::Profile::empty(UserId::new("alice"));
    documented(conversations, keys_of(json!(&profile)), "Profile");
}

// ------------------------------------------------------------ the wire

/// A request frame's JSON.
fn frame(id: u64, op: &str, data: Value) -> String {
    json!({"id": id, "op": op, "data": data}).to_string()
}

/// The error code of an error frame.
fn error_code(frame: Option<ServerFrame>) -> (Option<u64>, i32) {
    match frame {
        Some(ServerFrame::Err { id, error }) => (id, error.code),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

/// Sends every request at once (ids from `first_id`) and returns the
/// answers by id: they may come in any order.
async fn pipeline(
    raw: &mut RawClient,
    first_id: u64,
    requests: Vec<(&str, Value)>,
) -> HashMap<u64, Result<Value, i32>> {
    let count = requests.len();
    for (i, (op, data)) in requests.into_iter().enumerate() {
        raw.send_raw(&frame(first_id + i as u64, op, data)).await;
    }
    let mut answers = HashMap::new();
    while answers.len() < count {
        match raw.next_reply().await {
            Some(ServerFrame::Ok { id, data }) => answers.insert(id, Ok(data)),
            Some(ServerFrame::Err { id: Some(id), error }) => answers.insert(id, Err(error.code)),
            other => panic!("expected an answer, got {other:?}"),
        };
    }
    answers
}

/// A raw `sendMessage` request's data: a text from the caller to `to`.
fn text(to: &str, random: u64, text: &str, cloud_custom_data: &str) -> Value {
    json!({"message": {"conversationType": "C2C", "to": to, "random": random,
                       "type": "TIMTextElem", "payload": {"text": text},
                       "cloudCustomData": cloud_custom_data}})
}

#[tokio::test]
async fn binary_frames_are_answered_as_frames_that_are_not_requests() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    alice.send_binary(&[1, 2, 3]).await;
    assert_eq!(error_code(alice.next_reply().await), (None, code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    // The session goes on.
    alice.call(&ops::Heartbeat {}).await.expect("a heartbeat after the binary frame");

    // As the first frame, a binary frame fails the login: 20001, then 4002.
    let mut early = RawClient::connect(&server).await;
    early.send_binary(b"{\"id\":1,\"op\":\"login\"}").await;
    assert_eq!(error_code(early.next_reply().await), (None, code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    assert_eq!(early.close_code().await, close::LOGIN_FAILED);
}

/// A heartbeat frame padded with an unknown key to exactly `size` bytes.
fn padded_heartbeat(id: u64, size: usize) -> String {
    let empty = frame(id, "heartbeat", json!({"pad": ""}));
    let padded = frame(id, "heartbeat", json!({"pad": "p".repeat(size - empty.len())}));
    assert_eq!(padded.len(), size);
    padded
}

#[tokio::test]
async fn a_client_message_may_have_65536_bytes_and_unknown_keys_are_ignored() {
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    alice.send_raw(&padded_heartbeat(1_000, MAX_FRAME_BYTES)).await;
    match alice.next_reply().await {
        Some(ServerFrame::Ok { id, data }) => {
            assert_eq!(id, 1_000);
            assert_eq!(data["serverTime"], START_MS, "serverTime is in milliseconds");
        }
        other => panic!("a 65,536-byte heartbeat is served: {other:?}"),
    }
    alice.send_raw(&padded_heartbeat(1_001, MAX_FRAME_BYTES + 1)).await;
    assert_eq!(alice.close_code().await, 1009);
}

#[tokio::test]
async fn a_second_login_gets_2025_and_the_session_goes_on_as_the_same_user() {
    let server = TestServer::start().await;
    let mut raw = RawClient::connect(&server).await;
    let login = ops::Login {
        sdk_app_id: server.sdk_app_id(),
        user_id: "alice".into(),
        user_sig: server.user_sig("alice"),
        instance_id: "alice-1".into(),
        protocol_version: confab_proto::PROTOCOL_VERSION,
        platform: ops::Platform::Web,
    };
    let answer = raw.call(&login).await.expect("login");
    // Units: serverTime in milliseconds, the UserSig's expiry in seconds.
    assert_eq!(answer.server_time, START_MS);
    assert_eq!(answer.user_sig_expire_at, START_MS / 1000 + 86_400);

    let as_bob = ops::Login {
        user_id: "bob".into(),
        user_sig: server.user_sig("bob"),
        instance_id: "bob-1".into(),
        ..login.clone()
    };
    assert_eq!(raw.call(&as_bob).await.expect_err("a second login").code, code::REPEAT_LOGIN);
    assert_eq!(raw.call(&login).await.expect_err("even the same one").code, code::REPEAT_LOGIN);
    let me = raw
        .call(&ops::UpdateMyProfile {
            patch: confab_proto::profile::ProfilePatch {
                nick: Some("Alice".into()),
                ..Default::default()
            },
        })
        .await
        .expect("the session goes on");
    assert_eq!(me.profile.user_id.as_str(), "alice");
    // A message's time is in seconds.
    RawClient::login(&server, "bob").await;
    let sent = raw.call(&ops::SendMessage::c2c_text("bob", 1, "hi")).await.expect("sent");
    assert_eq!(sent.message.time, START_MS / 1000);
}

#[tokio::test]
async fn a_failed_login_closes_with_4002_and_a_replaced_session_with_1000() {
    let server = TestServer::start().await;
    let mut bad = RawClient::connect(&server).await;
    bad.send_raw(&frame(
        1,
        "login",
        json!({"sdkAppID": server.sdk_app_id(), "userID": "alice", "userSig": "not a sig",
               "instanceID": "i", "protocolVersion": 1}),
    ))
    .await;
    assert_eq!(error_code(bad.next_reply().await), (Some(1), code::USERSIG_INVALID));
    assert_eq!(bad.close_code().await, close::LOGIN_FAILED);

    // instanceID: 1 to 128 bytes, else 20001 (and 4002).
    for (instance, ok) in
        [("x".repeat(128), true), ("x".repeat(129), false), (String::new(), false)]
    {
        let mut client = RawClient::connect(&server).await;
        let login = ops::Login {
            sdk_app_id: server.sdk_app_id(),
            user_id: "carol".into(),
            user_sig: server.user_sig("carol"),
            instance_id: instance.clone(),
            protocol_version: confab_proto::PROTOCOL_VERSION,
            platform: ops::Platform::Web,
        };
        let answer = client.call(&login).await;
        if ok {
            answer.expect("a 128-byte instanceID");
        } else {
            assert_eq!(answer.expect_err("refused").code, code::MALFORMED_FRAME, "{instance:?}");
            assert_eq!(client.close_code().await, close::LOGIN_FAILED);
        }
    }

    // The same instance logging in again replaces its old connection,
    // which is closed with 1000 (normal), no kick.
    let mut old = RawClient::login(&server, "alice").await;
    let _new = RawClient::login(&server, "alice").await;
    assert_eq!(old.close_code().await, 1000);
}

#[tokio::test]
async fn the_body_limit_is_12288_bytes_of_encoded_payload_plus_cloud_custom_data() {
    let server = TestServer::start().await;
    RawClient::login(&server, "bob").await;
    let mut alice = RawClient::login(&server, "alice").await;
    // `{"type":"TIMTextElem","payload":{"text":""}}` is 44 bytes.
    let envelope = serde_json::to_vec(&MessageElement::Text(TextPayload { text: String::new() }))
        .expect("encode")
        .len();
    assert_eq!(envelope, 44);
    let room = MAX_MESSAGE_BODY_BYTES - envelope;
    let quote = "\"".to_owned();
    let cases = [
        // checklist 1161: "The natural reading is 12 × 1024 = 12,288 bytes
        // of serialized body, so a 13 KB text must fail."
        ("x".repeat(room), "".to_owned(), true),
        ("x".repeat(room + 1), "".to_owned(), false),
        // cloudCustomData counts, byte for byte.
        ("x".repeat(room - 100), "c".repeat(100), true),
        ("x".repeat(room - 100), "c".repeat(101), false),
        // An escaped quote costs two bytes, a two-byte character two.
        (quote.repeat(room / 2), "".to_owned(), true),
        (quote.repeat(room / 2 + 1), "".to_owned(), false),
        ("é".repeat(room / 2), "".to_owned(), true),
        ("é".repeat(room / 2), "c".to_owned(), false),
    ];
    let mut random = 0;
    for (text_body, cloud, fits) in cases {
        random += 1;
        let id = 1_000 + random;
        alice.send_raw(&frame(id, "sendMessage", text("bob", random, &text_body, &cloud))).await;
        let answer = alice.next_reply().await;
        let size = text_body.len() + cloud.len();
        match (answer, fits) {
            (Some(ServerFrame::Ok { id: got, .. }), true) => assert_eq!(got, id),
            (Some(ServerFrame::Err { error, .. }), false) => {
                assert_eq!(error.code, code::ERR_SVR_COMM_BODY_SIZE_LIMIT, "{size} bytes")
            }
            (other, fits) => panic!("{size} bytes (fits: {fits}): {other:?}"),
        }
    }
    // `random`: 1 to 2^53 − 1.
    let max = (1u64 << 53) - 1;
    for (random, ok) in [(max, true), (max + 1, false), (0, false)] {
        let answer = alice.call(&ops::SendMessage::c2c_text("bob", random, "r")).await;
        match answer {
            Ok(_) => assert!(ok, "random {random} accepted"),
            Err(e) => {
                assert!(!ok, "random {random} refused");
                assert_eq!(e.code, code::ERR_SVR_MSG_PKG_PARSE_FAILED);
            }
        }
    }
}

#[tokio::test]
async fn history_pages_end_before_before_sequence_and_may_be_larger_than_a_client_frame() {
    const SENT: u64 = 105;
    let server = TestServer::start_with(|c| c.send_rate_per_sec = 0).await;
    RawClient::login(&server, "bob").await;
    let mut alice = RawClient::login(&server, "alice").await;
    // About 1 KB each: a page of 100 is well over 64 KiB.
    let requests: Vec<(&str, Value)> = (1..=SENT)
        .map(|n| ("sendMessage", text("bob", n, &format!("{n:04}{}", "m".repeat(1_000)), "")))
        .collect();
    let answers = pipeline(&mut alice, 1_000, requests).await;
    assert!(answers.values().all(Result::is_ok), "every message is stored");

    let page = |before: Option<u64>, count: u32| ops::GetMessageList {
        conversation_id: "C2Cbob".into(),
        before_sequence: before,
        count,
    };
    let sequences = |messages: &[WireMessage]| -> Vec<u64> {
        messages.iter().map(|m| m.sequence).collect::<Vec<_>>()
    };
    // count 0 means 15: the newest 15, ascending.
    let newest = alice.call(&page(None, 0)).await.expect("a page");
    assert_eq!(sequences(&newest.messages), (SENT - 14..=SENT).collect::<Vec<_>>());
    assert!(!newest.is_completed);
    // beforeSequence is exclusive.
    let older = alice.call(&page(Some(SENT - 14), 10)).await.expect("a page");
    assert_eq!(sequences(&older.messages), (SENT - 24..SENT - 14).collect::<Vec<_>>());
    let first = alice.call(&page(Some(5), 10)).await.expect("a page");
    assert_eq!(sequences(&first.messages), vec![1, 2, 3, 4]);
    assert!(first.is_completed);
    let none = alice.call(&page(Some(1), 10)).await.expect("a page");
    assert!(none.messages.is_empty() && none.is_completed);

    // count is capped at 100, and the page's frame is bigger than a client
    // may send.
    let text_frame = alice.call_text(&page(None, 500)).await;
    assert!(text_frame.len() > MAX_FRAME_BYTES, "a {}-byte frame", text_frame.len());
    let ServerFrame::Ok { data, .. } = serde_json::from_str(&text_frame).expect("a frame") else {
        panic!("the page failed: {text_frame}")
    };
    let capped: ops::GetMessageListResponse = serde_json::from_value(data).expect("a page");
    assert_eq!(sequences(&capped.messages), (SENT - 99..=SENT).collect::<Vec<_>>());
    assert!(!capped.is_completed);

    // count is required.
    alice.send_raw(&frame(9_999, "getMessageList", json!({"conversationID": "C2Cbob"}))).await;
    assert_eq!(error_code(alice.next_reply().await), (Some(9_999), code::MALFORMED_FRAME));
}

#[tokio::test]
async fn a_sync_reply_holds_at_most_1000_entries_gap_free_after_the_cursor() {
    const ENTRIES: u64 = 1_001;
    let server = TestServer::start().await;
    let mut alice = RawClient::login(&server, "alice").await;
    // Every profile change is an inbox entry; at most 100 in flight at once.
    let mut next_id = 10_000;
    for chunk in (1..=ENTRIES).collect::<Vec<_>>().chunks(100) {
        let requests: Vec<(&str, Value)> = chunk
            .iter()
            .map(|n| ("updateMyProfile", json!({"patch": {"nick": format!("alice {n}")}})))
            .collect();
        let answers = pipeline(&mut alice, next_id, requests).await;
        assert!(answers.values().all(Result::is_ok), "every update is applied");
        next_id += 100;
    }
    let sync = |after: u64, limit: u32| ops::Sync { after, limit, groups: vec![] };
    for limit in [0, 5_000] {
        let page = alice.call(&sync(0, limit)).await.expect("sync");
        assert_eq!(page.head, ENTRIES);
        let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=1_000).collect::<Vec<_>>(), "limit {limit}");
    }
    // `after` is exclusive.
    let rest = alice.call(&sync(1_000, 0)).await.expect("sync");
    assert_eq!(rest.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![ENTRIES]);
    let done = alice.call(&sync(ENTRIES, 0)).await.expect("sync");
    assert!(done.entries.is_empty());
    assert_eq!(done.head, ENTRIES);
    // An entry is {seq, event: {kind, …}}.
    let text_frame = alice.call_text(&sync(ENTRIES - 1, 1)).await;
    let reply: Value = serde_json::from_str(&text_frame).expect("JSON");
    let entry = &reply["data"]["entries"][0];
    assert_eq!(entry["seq"], ENTRIES);
    assert_eq!(entry["event"]["kind"], "profileUpdated");
    assert_eq!(entry["event"]["profile"]["nick"], format!("alice {ENTRIES}"));
    // limit is required.
    alice.send_raw(&frame(9_999, "sync", json!({"after": 0}))).await;
    assert_eq!(error_code(alice.next_reply().await), (Some(9_999), code::MALFORMED_FRAME));
}

#[tokio::test]
async fn conversation_and_profile_requests_take_at_most_100_ids() {
    let server = TestServer::start().await;
    RawClient::login(&server, "bob").await;
    let mut alice = RawClient::login(&server, "alice").await;
    let ids = |n: usize| (0..n).map(|i| ConversationId(format!("C2Cghost{i}"))).collect::<Vec<_>>();
    let delete = |n: usize| ops::DeleteConversation {
        conversation_id_list: ids(n),
        clear_history_message: true,
    };
    let deleted = alice.call(&delete(100)).await.expect("100 IDs");
    assert_eq!(deleted.conversation_id_list.len(), 100);
    let refused = alice.call(&delete(101)).await.expect_err("101 IDs");
    assert_eq!(refused.code, code::INVALID_CONVERSATION_ID);
    let refused = alice.call(&delete(0)).await.expect_err("no ID");
    assert_eq!(refused.code, code::INVALID_CONVERSATION_ID);
    // clearHistoryMessage is required.
    alice
        .send_raw(&frame(9_999, "deleteConversation", json!({"conversationIDList": ["C2Cbob"]})))
        .await;
    assert_eq!(error_code(alice.next_reply().await), (Some(9_999), code::MALFORMED_FRAME));

    // getUserProfile looks up the first 100 IDs only.
    let mut users: Vec<UserId> = (0..100).map(|i| UserId::new(format!("ghost{i}"))).collect();
    users.push(UserId::new("bob"));
    let found = alice.call(&ops::GetUserProfile { user_id_list: users }).await.expect("profiles");
    assert!(found.profiles.is_empty(), "the 101st ID is not looked up");
    let users = vec![UserId::new("ghost"), UserId::new("bob")];
    let found = alice.call(&ops::GetUserProfile { user_id_list: users }).await.expect("profiles");
    assert_eq!(found.profiles.len(), 1, "unknown IDs are left out");
}

#[tokio::test]
async fn account_requests_answer_the_documented_statuses() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: String, json_type: bool| {
        let mut request = http.post(format!("{}{path}", server.http_url())).body(body);
        if json_type {
            request = request.header("Content-Type", "application/json");
        }
        async move {
            let response = within("account answer", request.send()).await.expect("send");
            let status = response.status();
            let body: Value = response.json().await.expect("a JSON body");
            (status, body["code"].as_i64().map_or(0, |c| c as i32))
        }
    };
    let register = confab_proto::account::REGISTER_PATH;
    let login = confab_proto::account::LOGIN_PATH;
    let creds = |user: &str, password: &str| json!({"userID": user, "password": password});
    let good = creds("dora", "long enough").to_string();
    assert_eq!(
        post(register, good.clone(), false).await,
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, code::MALFORMED_FRAME)
    );
    assert_eq!(
        post(register, "{\"userID\":".into(), true).await,
        (StatusCode::BAD_REQUEST, code::MALFORMED_FRAME)
    );
    // userID rules: 1 to 32 bytes of letters, digits, _ - . @; no reserved prefix.
    for bad in ["", "has space", &"x".repeat(33), "@TIM#me", "a/b"] {
        let body = creds(bad, "long enough").to_string();
        assert_eq!(
            post(register, body, true).await,
            (StatusCode::BAD_REQUEST, code::INVALID_USER_ID),
            "{bad:?}"
        );
    }
    let unicode = creds("用户_甲.b-c@d", "long enough").to_string();
    assert_eq!(post(register, unicode, true).await.0, StatusCode::OK);
    // Passwords: 8 characters (not bytes) to 1,024 bytes.
    for (password, ok) in [("密码密码密码密码".to_owned(), true), ("x".repeat(1_025), false)]
    {
        let body = creds(&format!("p{}", password.len()), &password).to_string();
        let (status, code) = post(register, body, true).await;
        if ok {
            assert_eq!(status, StatusCode::OK);
        } else {
            assert_eq!((status, code), (StatusCode::BAD_REQUEST, code::INVALID_PASSWORD));
        }
    }
    // A login with a userID that breaks the rules is a plain 401.
    let body = creds("has space", "long enough").to_string();
    assert_eq!(
        post(login, body, true).await,
        (StatusCode::UNAUTHORIZED, code::INVALID_CREDENTIALS)
    );
    assert_eq!(post(register, good.clone(), true).await.0, StatusCode::OK);
    assert_eq!(post(register, good, true).await, (StatusCode::CONFLICT, code::ACCOUNT_EXISTS));
}
