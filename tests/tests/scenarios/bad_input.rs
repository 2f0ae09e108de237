//! Bad input never hurts anyone else: oversized bodies, garbage frames,
//! unknown operations, calls before ready, impossible receivers.

use confab_proto::frame::ServerFrame;
use confab_proto::message::{ConversationType, TextPayload};
use confab_proto::{code, ops};
use confab_sdk::{CreateMessageOptions, Tim, TimOptions};
use confab_tests::{RawClient, TestClient, TestServer};

fn error_code(frame: Option<ServerFrame>) -> (Option<u64>, i32) {
    match frame {
        Some(ServerFrame::Err { id, error }) => (id, error.code),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_80002_by_sdk_and_server() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let big = "x".repeat(13 * 1024);

    let err = match alice.tim.create_text_message(CreateMessageOptions::c2c(
        "bob".into(),
        TextPayload { text: big.clone() },
    )) {
        Err(e) => e,
        Ok(m) => alice.tim.send_message(&m, Default::default()).await.expect_err("13 KB body"),
    };
    assert_eq!(err.code, code::ERR_SVR_COMM_BODY_SIZE_LIMIT);

    // The server enforces it too, for clients that skip the check.
    let mut raw = RawClient::login(&server, "carol").await;
    let send = ops::SendMessage::c2c_text("bob", 12345, big);
    assert_eq!(
        raw.call(&send).await.expect_err("server refuses").code,
        code::ERR_SVR_COMM_BODY_SIZE_LIMIT
    );

    // Nothing was stored; chat goes on.
    alice.send_text("bob", "small").await;
    let got = bob.events.wait_received(1).await;
    assert_eq!(got.len(), 1);
}

#[tokio::test]
async fn garbage_frames_and_unknown_operations_get_errors_and_the_server_stays_up() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    // Before login: anything but login is refused and the connection closed.
    let mut early = RawClient::connect(&server).await;
    early.send_raw(r#"{"id":1,"op":"heartbeat","data":{}}"#).await;
    assert_eq!(error_code(early.next_reply().await), (Some(1), code::USER_NOT_LOGGED_IN));
    assert!(early.next_reply().await.is_none(), "closed after a refused first frame");

    let mut raw = RawClient::login(&server, "mallory").await;
    raw.send_raw("this is not json").await;
    assert_eq!(error_code(raw.next_reply().await), (None, code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    raw.send_raw(r#"{"op":"heartbeat"}"#).await;
    assert_eq!(error_code(raw.next_reply().await), (None, code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    raw.send_raw(r#"{"id":5,"op":"launchRockets","data":{}}"#).await;
    assert_eq!(error_code(raw.next_reply().await), (Some(5), code::CANNOT_FIND_PROTOCOL));
    raw.send_raw(r#"{"id":6,"op":"sendMessage","data":{"message":42}}"#).await;
    assert_eq!(error_code(raw.next_reply().await), (Some(6), code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    raw.send_raw(r#"[1,2,3]"#).await;
    assert_eq!(error_code(raw.next_reply().await), (None, code::ERR_SVR_MSG_PKG_PARSE_FAILED));
    // The same session still works.
    raw.call(&ops::Heartbeat {}).await.expect("heartbeat after garbage");

    // A frame over the size limit closes only that connection.
    let mut huge = RawClient::login(&server, "mallory2").await;
    huge.send_raw(&"y".repeat(confab_proto::MAX_FRAME_BYTES + 1)).await;
    assert!(huge.next_reply().await.is_none(), "oversized frame closes the connection");

    // Impossible receivers.
    let to_self = alice.text("alice", "me");
    let err = alice.tim.send_message(&to_self, Default::default()).await.expect_err("to self");
    assert_eq!(err.code, code::CANNOT_MESSAGE_SELF);
    let to_nobody = alice.text("nobody-here", "hello?");
    let err =
        alice.tim.send_message(&to_nobody, Default::default()).await.expect_err("unknown user");
    assert_eq!(err.code, code::USER_OR_GROUP_NOT_FOUND);
    let failed = alice.tim.find_message(&to_nobody.id).expect("the failed message is kept");
    assert_eq!(failed.status, "fail");
    let system = alice.tim.create_text_message(CreateMessageOptions {
        conversation_type: ConversationType::System,
        ..CreateMessageOptions::c2c("x".into(), TextPayload { text: "x".into() })
    });
    let err = match system {
        Err(e) => e,
        Ok(m) => {
            alice.tim.send_message(&m, Default::default()).await.expect_err("system conversation")
        }
    };
    assert_eq!(err.code, code::MESSAGE_SEND_INVALID_CONVERSATION_TYPE);

    // Everyone else is unaffected.
    alice.send_text("bob", "still here").await;
    assert_eq!(bob.events.wait_received(1).await.len(), 1);
}

#[tokio::test]
async fn calls_before_sdk_ready_fail_with_2999() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let tim = Tim::create(TimOptions::new(server.sdk_app_id(), server.ws_url(), dir.path()));
    let err = tim.get_conversation_list(None).await.expect_err("not logged in");
    assert_eq!(err.code, code::SDK_IS_NOT_READY);
    let err = tim.set_message_read("C2Cbob").await.expect_err("not logged in");
    assert_eq!(err.code, code::SDK_IS_NOT_READY);
    let err = match tim.create_text_message(CreateMessageOptions::c2c(
        "bob".into(),
        TextPayload { text: "x".into() },
    )) {
        Err(e) => e,
        Ok(m) => tim.send_message(&m, Default::default()).await.expect_err("not ready"),
    };
    assert_eq!(err.code, code::SDK_IS_NOT_READY);
    assert_eq!(tim.get_total_unread_message_count(), 0);
}

#[tokio::test]
async fn a_resent_random_returns_the_original_message() {
    let server = TestServer::start().await;
    let bob = TestClient::login(&server, "bob").await;
    let mut raw = RawClient::login(&server, "alice").await;
    let send = ops::SendMessage::c2c_text("bob", 777, "once");
    let first = raw.call(&send).await.expect("first send");
    let again = raw.call(&send).await.expect("second send");
    assert!(!first.duplicate);
    assert!(again.duplicate);
    assert_eq!(first.message, again.message);
    bob.events.wait_received(1).await;
    assert_eq!(bob.history("C2Calice").await.len(), 1);
}
