//! A message's identity and what a send does while disconnected: the ID
//! the client made at creation is the message's ID everywhere (the sender's
//! result, the receiver, history on a new device, a resend after a lost
//! acknowledgement), and a send while disconnected is `unSend` at once and
//! settles by the documented rule (docs/protocol.md, "Message IDs";
//! `Tim::send_message`).

use confab_proto::code;
use confab_sdk::{Event, NetState, SendMessageOptions};
use confab_tests::{text_of, within, TestClient, TestServer};

/// Waits until `client` knows it is disconnected.
async fn wait_disconnected(client: &TestClient) {
    client
        .events
        .wait_for("disconnected", |_| (client.tim.net_state() != NetState::Connected).then_some(()))
        .await;
}

// checklist 1147: a message created by create*Message has "a local `ID`"
// — and, as in TIM, where IDs are made on the client, it keeps that ID.
#[tokio::test]
async fn a_message_keeps_the_id_it_was_created_with_everywhere() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;

    let created = alice.text("bob", "one ID");
    assert!(created.id.starts_with("alice-"), "made on the client: {}", created.id);
    assert_eq!(created.id, format!("alice-{}-{}", created.time, created.random));
    let sent = alice
        .tim
        .send_message(&created, SendMessageOptions::default())
        .await
        .expect("sent")
        .message;
    assert_eq!(sent.id, created.id, "the send result");
    assert_eq!(sent.status, "success");
    let got = bob.events.wait_received(1).await;
    assert_eq!(got[0].id, created.id, "the receiver");
    assert_eq!(alice.tim.find_message(&created.id).expect("found").status, "success");
    assert_eq!(bob.history("C2Calice").await[0].id, created.id, "the receiver's history");

    // Another device of alice's, with an empty local store.
    alice.tim.destroy().await.expect("destroy");
    let other_device = TestClient::login(&server, "alice").await;
    let history = other_device.history("C2Cbob").await;
    assert_eq!(history[0].id, created.id, "history on a new device");

    // Operations by that ID work on every side.
    other_device.tim.revoke_message(&history[0]).await.expect("revoke by the client-made ID");
    bob.events
        .wait_for("revoked at bob", |events| {
            events
                .iter()
                .any(|e| matches!(e, Event::MessageRevoked(l) if l.iter().any(|m| m.id == created.id)))
                .then_some(())
        })
        .await;
}

// A resend of the same message after its acknowledgement was lost is the
// same message: one copy at bob, one ID.
#[tokio::test]
async fn a_resend_after_a_lost_acknowledgement_is_the_same_message() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let message = alice.text("bob", "said once");
    alice.transport.cut_after_send("sendMessage");
    let sent = within(
        "send across a lost acknowledgement",
        alice.tim.send_message(&message, SendMessageOptions::default()),
    )
    .await
    .expect("sent after reconnecting")
    .message;
    assert_eq!(sent.id, message.id);
    let got = bob.events.wait_received(1).await;
    assert_eq!(got[0].id, message.id);
    let history = bob.history("C2Calice").await;
    assert_eq!(history.len(), 1, "stored once");
    assert_eq!(bob.events.received().len(), 1, "received once");
}

// checklist 1150: "After sendMessage, status is 'success' or 'fail'"; the
// Confab rule while disconnected (issue 12): `unSend` at once, then the
// send settles when the message went out — or, when the caller asked not
// to wait, it is kept as `fail` and the send fails at once with 2800.
#[tokio::test]
async fn a_send_while_disconnected_is_unsend_at_once_and_settles_by_the_rule() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    alice.transport.set_offline(true);
    wait_disconnected(&alice).await;

    // Asked not to wait: kept as `fail`, answered at once with 2800.
    let impatient = alice.text("bob", "now or never");
    let options = SendMessageOptions { fail_when_offline: true, ..Default::default() };
    let error =
        within("an offline send that does not wait", alice.tim.send_message(&impatient, options))
            .await
            .expect_err("not connected");
    assert_eq!(error.code, code::NETWORK_ERROR);
    let kept = alice.tim.find_message(&impatient.id).expect("kept to resend");
    assert_eq!(kept.status, "fail");
    alice
        .events
        .wait_for("told it failed", |events| {
            events
                .iter()
                .any(|e| {
                    matches!(
                        e,
                        Event::MessageStatusChanged(l)
                            if l.iter().any(|m| m.id == impatient.id && m.status == "fail")
                    )
                })
                .then_some(())
        })
        .await;
    // While still offline, asking again without waiting fails the same way.
    let again = alice.tim.send_message(&impatient, options).await.expect_err("still offline");
    assert_eq!(again.code, code::NETWORK_ERROR);

    // The default: pending, `unSend` at once, resolved when it went out.
    let patient = alice.text("bob", "whenever you can");
    let pending = {
        let tim = alice.tim.clone();
        let m = patient.clone();
        tokio::spawn(async move { tim.send_message(&m, SendMessageOptions::default()).await })
    };
    alice
        .events
        .wait_for("unSend at once", |_| {
            alice.tim.find_message(&patient.id).filter(|m| m.status == "unSend")
        })
        .await;
    assert!(!pending.is_finished(), "the send waits for the network");

    alice.transport.set_offline(false);
    let sent = within("sent when back online", pending).await.expect("task").expect("sent").message;
    assert_eq!((sent.id.as_str(), sent.status.as_str()), (patient.id.as_str(), "success"));
    // The failed one goes when resent, with its ID.
    let resent = alice.tim.resend_message(&kept).await.expect("resent").message;
    assert_eq!(resent.id, impatient.id);
    let got = bob.events.wait_received(2).await;
    let texts: Vec<_> = got.iter().map(text_of).collect();
    assert_eq!(texts, ["whenever you can", "now or never"]);
    assert_eq!(got[1].id, impatient.id);
}
