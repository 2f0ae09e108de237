//! Merger messages over the 12 KB message body end to end: the sender
//! stores the list in the file service and sends `downloadKey` with an
//! empty list, receivers complete it with `download_merger_message`
//! (authorized by their grant, kept in the local store), forwarding lets
//! the next receiver download it too, outsiders are refused, small
//! mergers stay inline, and nested mergers keep their own key.

use confab_proto::code;
use confab_proto::constants::types;
use confab_sdk::{
    CreateMessageOptions, Event, FileSource, MergerMessagePayload, Message, Rendition,
    SendMessageOptions,
};
use confab_tests::{within, TestClient, TestServer};

/// A text of about 430 bytes: 40 of them make a body well over 12 KB.
fn long_text(i: usize) -> String {
    format!("message {i}: {}", "lorem ipsum dolor sit amet ".repeat(16))
}

/// Sends `n` long texts from `client` to `to`; returns the sent messages.
async fn send_long_texts(client: &TestClient, to: &str, n: usize) -> Vec<Message> {
    let mut sent = Vec::with_capacity(n);
    for i in 0..n {
        sent.push(client.send_text(to, &long_text(i)).await);
    }
    sent
}

fn merger_of(
    to: &str,
    list: Vec<Message>,
    title: &str,
) -> CreateMessageOptions<MergerMessagePayload> {
    let abstract_list = list.iter().take(3).map(|m| format!("{}: …", m.from)).collect();
    CreateMessageOptions::c2c(
        to.to_owned(),
        MergerMessagePayload {
            message_list: list,
            title: title.to_owned(),
            abstract_list,
            compatible_text: "Please upgrade to see merged messages".into(),
        },
    )
}

async fn send(client: &TestClient, message: &Message) -> Message {
    within("send", client.tim.send_message(message, SendMessageOptions::default()))
        .await
        .expect("sent")
        .message
}

fn list_of(message: &Message) -> Vec<serde_json::Value> {
    message.payload["messageList"].as_array().cloned().unwrap_or_default()
}

fn download_key(message: &Message) -> String {
    message.payload["downloadKey"].as_str().expect("downloadKey").to_owned()
}

/// The merged list holds `originals`, in order, with their payloads.
fn assert_holds(list: &[serde_json::Value], originals: &[Message]) {
    assert_eq!(list.len(), originals.len());
    for (item, original) in list.iter().zip(originals) {
        assert_eq!(item["ID"], original.id.as_str());
        assert_eq!(item["from"], original.from.as_str());
        assert_eq!(item["time"], original.time);
        assert_eq!(item["messageBody"][0]["type"], original.r#type.as_str());
        assert_eq!(item["messageBody"][0]["payload"], original.payload);
    }
}

fn downloads(client: &TestClient) -> usize {
    client.events.count(|e| matches!(e, Event::FileDownloadProgress { .. }))
}

#[tokio::test]
async fn big_mergers_upload_their_list_and_receivers_download_it() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let originals = send_long_texts(&alice, "bob", 40).await;
    bob.events.wait_received(40).await;

    let merger = alice
        .tim
        .create_merger_message(merger_of("bob", originals.clone(), "40 long messages"))
        .expect("a body over 12 KB is no longer refused");
    assert_eq!(list_of(&merger).len(), 40);
    assert_eq!(download_key(&merger), "");
    let sent = send(&alice, &merger).await;
    let key = download_key(&sent);
    assert_eq!(key.len(), 64, "downloadKey is a file ID: {key}");
    // The sender's copy stays complete, now and in its history.
    assert_holds(&list_of(&sent), &originals);
    let mine = alice.history("C2Cbob").await.pop().expect("alice's last message");
    assert_eq!(mine.id, sent.id);
    assert_eq!(download_key(&mine), key);
    assert_holds(&list_of(&mine), &originals);

    // The receiver gets the envelope: key, title, summary, no list.
    let got = bob.events.wait_received(41).await.remove(40);
    assert_eq!(got.r#type, types::MSG_MERGER);
    assert_eq!(got.id, sent.id);
    assert_eq!(download_key(&got), key);
    assert!(list_of(&got).is_empty());
    assert_eq!(got.payload["title"], "40 long messages");
    assert_eq!(got.payload["abstractList"][0], "alice: …");
    assert_eq!(got.payload["compatibleText"], "Please upgrade to see merged messages");

    let complete = within("download", bob.tim.download_merger_message(&got))
        .await
        .expect("bob downloads the body");
    assert_eq!(complete.id, got.id);
    assert_eq!(download_key(&complete), key, "downloadKey stays");
    assert_holds(&list_of(&complete), &originals);
    bob.events
        .wait_for("bob's download progress", |events| {
            events.iter().any(|e| matches!(e, Event::FileDownloadProgress { .. })).then_some(())
        })
        .await;
    // Kept: bob's history reads complete, a second call does not download.
    let stored = bob.history("C2Calice").await.pop().expect("bob's last message");
    assert_eq!(stored.id, got.id);
    assert_holds(&list_of(&stored), &originals);
    let before = downloads(&bob);
    let again =
        within("download again", bob.tim.download_merger_message(&got)).await.expect("cached");
    assert_eq!(again.payload, complete.payload);
    // Events arrive in order: once a later message is announced, any
    // progress of a second download would have been seen.
    alice.send_text("bob", "after").await;
    bob.events.wait_received(42).await;
    assert_eq!(downloads(&bob), before, "the second call did not download");
    // The complete message passes as is.
    let same = within("complete", bob.tim.download_merger_message(&stored)).await.expect("same");
    assert_eq!(same.payload, complete.payload);

    // Carol, no party to it, cannot fetch the body by its key.
    let err = within("carol", carol.tim.download_merger_message(&got))
        .await
        .expect_err("carol has no grant");
    assert_eq!(err.code, code::MESSAGE_MERGER_KEY_INVALID);
    assert_eq!(err.data.as_ref().and_then(|d| d["code"].as_i64()), Some(90009));

    // Bob forwards it (his complete copy) to carol: it travels as the
    // envelope, and carol may download it now.
    let forward = bob
        .tim
        .create_forward_message(CreateMessageOptions::c2c("carol".into(), complete.clone()))
        .expect("forward");
    let forwarded = send(&bob, &forward).await;
    assert_eq!(download_key(&forwarded), key);
    assert_holds(&list_of(&forwarded), &originals);
    let at_carol = carol.events.wait_received(1).await.remove(0);
    assert_eq!(download_key(&at_carol), key);
    assert!(list_of(&at_carol).is_empty());
    let carols = within("carol downloads", carol.tim.download_merger_message(&at_carol))
        .await
        .expect("carol downloads the forwarded body");
    assert_holds(&list_of(&carols), &originals);
    let carols_history = carol.history("C2Cbob").await.pop().expect("carol's last message");
    assert_holds(&list_of(&carols_history), &originals);
}

#[tokio::test]
async fn small_mergers_stay_inline_and_wrong_messages_give_tim_codes() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let dir = tempfile::tempdir().expect("tempdir");

    let a = alice.send_text("bob", "one").await;
    let b = alice.send_text("bob", "two").await;
    let small = alice
        .tim
        .create_merger_message(merger_of("bob", vec![a.clone(), b.clone()], "small"))
        .expect("merger");
    let sent = send(&alice, &small).await;
    assert_eq!(download_key(&sent), "");
    let got = bob.events.wait_received(3).await.remove(2);
    assert_eq!(download_key(&got), "");
    assert_holds(&list_of(&got), &[a.clone(), b.clone()]);
    // Nothing to download: returned as is.
    let same = within("inline", bob.tim.download_merger_message(&got)).await.expect("as is");
    assert_eq!(same, got);

    // Not a merger message: 2450.
    let err = within("text", bob.tim.download_merger_message(&a)).await.expect_err("text");
    assert_eq!(err.code, code::MESSAGE_MERGER_TYPE_INVALID);

    // A malformed key: 2451.
    let mut bad = got.clone();
    bad.payload["downloadKey"] = "../../etc/passwd".into();
    let err = within("malformed", bob.tim.download_merger_message(&bad)).await.expect_err("key");
    assert_eq!(err.code, code::MESSAGE_MERGER_KEY_INVALID);

    // A key bob may fetch that is no merger body (a file alice sent him):
    // the body does not parse, 2452.
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"not a message list").expect("write");
    let file = alice
        .tim
        .create_file_message(CreateMessageOptions::c2c("bob".into(), FileSource::new(&path)))
        .expect("file message");
    let file = send(&alice, &file).await;
    let uuid = file.payload["uuid"].as_str().expect("uuid").to_owned();
    bob.events.wait_received(4).await;
    let mut fake = got.clone();
    fake.payload["downloadKey"] = uuid.into();
    let err =
        within("not a body", bob.tim.download_merger_message(&fake)).await.expect_err("bad body");
    assert_eq!(err.code, code::MESSAGE_MERGER_DOWNLOAD_FAIL);
}

#[tokio::test]
async fn nested_mergers_keep_their_own_download_key() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;

    let originals = send_long_texts(&alice, "bob", 40).await;
    let big = alice
        .tim
        .create_merger_message(merger_of("bob", originals.clone(), "inner"))
        .expect("merger");
    let big = send(&alice, &big).await;
    let key = download_key(&big);
    let inner = bob.events.wait_received(41).await.remove(40);
    assert_eq!(download_key(&inner), key);

    // Bob merges the big merger (not downloaded) with a text of his into
    // a small merger for carol: the inner one keeps its key.
    let note = bob.send_text("carol", "see below").await;
    let outer = bob
        .tim
        .create_merger_message(merger_of("carol", vec![note.clone(), inner.clone()], "outer"))
        .expect("outer merger");
    let outer = send(&bob, &outer).await;
    assert_eq!(download_key(&outer), "", "the outer one is small");
    let at_carol = carol.events.wait_received(2).await.remove(1);
    let list = list_of(&at_carol);
    assert_eq!(list.len(), 2);
    let nested = &list[1]["messageBody"][0];
    assert_eq!(nested["type"], types::MSG_MERGER);
    assert_eq!(nested["payload"]["downloadKey"], key.as_str());

    // Carol opens the inner merger: its key was granted to her with the
    // outer message.
    let mut inner_at_carol = at_carol.clone();
    inner_at_carol.r#type = types::MSG_MERGER.into();
    inner_at_carol.payload = nested["payload"].clone();
    let opened = within("inner", carol.tim.download_merger_message(&inner_at_carol))
        .await
        .expect("carol downloads the nested body");
    assert_holds(&list_of(&opened), &originals);

    // Inside a big merger the server cannot see the inner keys in the
    // message: it learned them from the uploaded body, so carol may open
    // the inner merger and a file merged along with it.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"merged file").expect("write");
    let file = alice
        .tim
        .create_file_message(CreateMessageOptions::c2c("bob".into(), FileSource::new(&path)))
        .expect("file message");
    send(&alice, &file).await;
    let file_at_bob = bob.events.wait_received(42).await.remove(41);
    let mut list = vec![inner.clone(), file_at_bob.clone()];
    list.extend(bob.history("C2Calice").await.into_iter().take(40));
    let big_outer = bob
        .tim
        .create_merger_message(merger_of("carol", list, "big outer"))
        .expect("big outer merger");
    let big_outer = send(&bob, &big_outer).await;
    assert_eq!(download_key(&big_outer).len(), 64);
    let at_carol = carol.events.wait_received(3).await.remove(2);
    assert!(list_of(&at_carol).is_empty());
    let opened_outer = within("outer", carol.tim.download_merger_message(&at_carol))
        .await
        .expect("carol downloads the outer body");
    let list = list_of(&opened_outer);
    assert_eq!(list.len(), 42);
    let mut nested_message = at_carol.clone();
    nested_message.payload = list[0]["messageBody"][0]["payload"].clone();
    assert_eq!(download_key(&nested_message), key);
    let opened = within("nested in big", carol.tim.download_merger_message(&nested_message))
        .await
        .expect("carol downloads the nested body");
    assert_holds(&list_of(&opened), &originals);
    let mut file_message = at_carol.clone();
    file_message.r#type = types::MSG_FILE.into();
    file_message.payload = list[1]["messageBody"][0]["payload"].clone();
    let local = within("merged file", carol.tim.download_file(&file_message, Rendition::Original))
        .await
        .expect("carol downloads the merged file");
    assert_eq!(std::fs::read(local).expect("read"), b"merged file");
}
