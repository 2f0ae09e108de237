//! The TIM method contracts of the foundation: logout and destroy,
//! handlers, resend of a failed message, conversation lookups and the
//! history page contract.

use confab_proto::code;
use confab_sdk::{Event, EventName, GetMessageListOptions};
use confab_tests::{text_of, within, TestClient, TestServer};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test]
async fn logout_and_destroy_leave_other_instances_alone() {
    let server = TestServer::start_with(|c| c.max_instances_per_user = 2).await;
    let a1 = TestClient::login(&server, "alice").await;
    let a2 = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    a1.tim.logout().await.expect("logout");
    a1.events
        .wait_for("SDK_NOT_READY", |events| {
            events.iter().any(|e| matches!(e, Event::SdkNotReady)).then_some(())
        })
        .await;
    assert!(!a1.tim.is_ready());
    let err = a1.tim.get_conversation_list(None).await.expect_err("logged out");
    assert_eq!(err.code, code::SDK_IS_NOT_READY);

    // The other instance keeps sending and receiving, untouched.
    bob.send_text("alice", "still there?").await;
    a2.events.wait_received(1).await;
    a2.send_text("bob", "yes").await;
    bob.events.wait_received(1).await;
    assert_eq!(a2.events.count(|e| matches!(e, Event::KickedOut { .. } | Event::SdkNotReady)), 0);

    // A logged-out instance can log in again and catches up.
    a1.login_and_wait(&server.user_sig("alice")).await;
    let list = a1.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "yes");
    let again = a1.tim.login("alice", &server.user_sig("alice")).await.expect("repeat login");
    assert!(again.repeat_login);

    a2.tim.destroy().await.expect("destroy");
    a2.events
        .wait_for("SDK_DESTROY", |events| {
            events.iter().any(|e| matches!(e, Event::SdkDestroy)).then_some(())
        })
        .await;
    assert!(a2.events.count(|e| matches!(e, Event::SdkNotReady)) >= 1);
    bob.send_text("alice", "after destroy").await;
    a1.events.wait_received(1).await;
}

#[tokio::test]
async fn handlers_registered_with_on_run_until_off() {
    let server = TestServer::start().await;
    let bob = TestClient::login(&server, "bob").await;
    let alice = TestClient::login(&server, "alice").await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let id = bob.tim.on(EventName::MessageReceived, move |event| {
        if let Event::MessageReceived(list) = event {
            counted.fetch_add(list.len(), Ordering::SeqCst);
        }
    });
    bob.tim.set_log_level(4);
    alice.send_text("bob", "one").await;
    bob.events.wait_received(1).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(bob.tim.off(id));
    assert!(!bob.tim.off(id), "a handler is removed once");
    alice.send_text("bob", "two").await;
    bob.events.wait_received(2).await;
    assert_eq!(calls.load(Ordering::SeqCst), 1, "no calls after off");
}

#[tokio::test]
async fn a_failed_message_can_be_resent_once_the_receiver_exists() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let early = alice.text("dave", "are you there yet?");
    let err =
        alice.tim.send_message(&early, Default::default()).await.expect_err("dave is unknown");
    assert_eq!(err.code, code::USER_OR_GROUP_NOT_FOUND);
    let failed = alice.tim.find_message(&early.id).expect("kept as failed");
    assert_eq!(failed.status, "fail");

    let dave = TestClient::login(&server, "dave").await;
    let resent =
        within("resend", alice.tim.resend_message(&failed)).await.expect("resend succeeds");
    assert_eq!(resent.message.status, "success");
    let got = dave.events.wait_received(1).await;
    assert_eq!(text_of(&got[0]), "are you there yet?");
    assert_eq!(got[0].id, resent.message.id);
    // Only failed messages can be resent.
    let err = alice.tim.resend_message(&resent.message).await.expect_err("not failed");
    assert_eq!(err.code, code::MESSAGE_SEND_FAIL);
    assert_eq!(dave.history("C2Calice").await.len(), 1);
}

#[tokio::test]
async fn conversation_lookups_and_the_history_page_contract() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    for i in 0..40 {
        alice.send_text("bob", &format!("p{i:02}")).await;
    }
    alice.send_text("carol", "hi carol").await;
    bob.events.wait_received(40).await;
    carol.events.wait_received(1).await;

    // getConversationList with IDs returns only those known locally.
    let some = alice
        .tim
        .get_conversation_list(Some(vec!["C2Ccarol".into(), "C2Cnobody".into()]))
        .await
        .expect("by IDs")
        .conversation_list;
    assert_eq!(some.len(), 1);
    assert_eq!(some[0].conversation_id, "C2Ccarol");
    let err = alice.tim.get_conversation_list(Some(vec![])).await.expect_err("empty list");
    assert_eq!(err.code, code::INVALID_CONVERSATION_ID);

    // getConversationProfile: full profile of the peer; bad IDs have codes.
    let conv = alice.tim.get_conversation_profile("C2Cbob").await.expect("profile");
    assert_eq!(conv.user_profile.as_ref().map(|p| p.user_id.as_str()), Some("bob"));
    let err = alice.tim.get_conversation_profile("C2Cnobody").await.expect_err("unknown");
    assert_eq!(err.code, code::CONVERSATION_NOT_FOUND);
    let err = alice.tim.get_conversation_profile("nonsense").await.expect_err("malformed");
    assert_eq!(err.code, code::INVALID_CONVERSATION_ID);
    assert!(alice.tim.find_message("no-such-id").is_none());

    // Pages of 15, newest first; nextReqMessageID is the oldest of the page.
    for client in [&alice, &TestClient::login(&server, "bob").await] {
        let conversation = if client.user_id == "alice" { "C2Cbob" } else { "C2Calice" };
        let mut next = None;
        let mut sizes = Vec::new();
        let mut texts = Vec::new();
        loop {
            let page = client
                .tim
                .get_message_list(GetMessageListOptions {
                    conversation_id: conversation.into(),
                    next_req_message_id: next.clone(),
                })
                .await
                .expect("page");
            sizes.push(page.message_list.len());
            let mut page_texts: Vec<String> = page.message_list.iter().map(text_of).collect();
            page_texts.extend(texts);
            texts = page_texts;
            if page.is_completed {
                assert_eq!(page.next_req_message_id, "");
                break;
            }
            assert_eq!(page.next_req_message_id, page.message_list[0].id);
            next = Some(page.next_req_message_id);
        }
        assert_eq!(sizes, [15, 15, 10], "{}", client.user_id);
        let expected: Vec<String> = (0..40).map(|i| format!("p{i:02}")).collect();
        assert_eq!(texts, expected);
    }
}
