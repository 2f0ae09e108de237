//! The SDK works from its local store: restart offline, serve
//! conversations and history from disk, queue sends, deliver them once
//! when the network returns — also across another restart.

use confab_sdk::SendMessageOptions;
use confab_tests::{text_of, within, TestClient, TestServer};

#[tokio::test]
async fn restarted_offline_the_sdk_serves_from_disk_and_delivers_queued_messages_once() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    for i in 0..20 {
        alice.send_text("bob", &format!("earlier {i}")).await;
    }
    bob.send_text("alice", "reply").await;
    alice.events.wait_received(1).await;
    let keep = alice.keep_dir();
    let dir = alice.data_dir().to_path_buf();
    alice.tim.destroy().await.expect("destroy");
    drop(alice);

    // Restart offline: everything comes from the local store.
    let offline = TestClient::create(&server, "alice", dir.clone(), None, true);
    let login = within("offline login", offline.tim.login("alice", &server.user_sig("alice")))
        .await
        .expect("offline login works from disk");
    assert!(login.offline);
    offline.wait_ready().await;
    let list = offline.tim.get_conversation_list(None).await.expect("list").conversation_list;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].conversation_id, "C2Cbob");
    assert_eq!(list[0].last_message.as_ref().expect("last")["payload"]["text"], "reply");
    assert_eq!(list[0].unread_count, 1);
    let history = offline.history("C2Cbob").await;
    assert_eq!(history.len(), 21);
    assert_eq!(text_of(&history[0]), "earlier 0");

    // A message written offline shows at once as unSend.
    let queued = offline.text("bob", "queued offline");
    let sending = {
        let tim = offline.tim.clone();
        let m = queued.clone();
        tokio::spawn(async move { tim.send_message(&m, SendMessageOptions::default()).await })
    };
    let shown = offline
        .events
        .wait_for("local echo", |_| {
            offline.tim.find_message(&queued.id).filter(|m| m.status == "unSend")
        })
        .await;
    assert_eq!(shown.flow, "out");
    let page = offline
        .tim
        .get_message_list(confab_sdk::GetMessageListOptions {
            conversation_id: "C2Cbob".into(),
            next_req_message_id: None,
        })
        .await
        .expect("page");
    let newest = page.message_list.last().expect("newest");
    assert_eq!(text_of(newest), "queued offline");
    assert_eq!(newest.status, "unSend");

    // The SDK is restarted before the network returns: the queue survives.
    sending.abort();
    offline.tim.destroy().await.expect("destroy offline instance");
    drop(offline);
    let second = TestClient::create(&server, "alice", dir.clone(), None, true);
    within("offline login again", second.tim.login("alice", &server.user_sig("alice")))
        .await
        .expect("offline login");
    second.wait_ready().await;
    let still = second.tim.find_message(&queued.id).expect("queued message survives a restart");
    assert_eq!(still.status, "unSend");
    let queued2 = second.text("bob", "queued after restart");
    let sending2 = {
        let tim = second.tim.clone();
        let m = queued2.clone();
        tokio::spawn(async move { tim.send_message(&m, SendMessageOptions::default()).await })
    };
    second
        .events
        .wait_for("second local echo", |_| {
            second.tim.find_message(&queued2.id).filter(|m| m.status == "unSend")
        })
        .await;

    // Network back: both go out, in order, once.
    bob.events.clear();
    second.transport.set_offline(false);
    let sent2 = within("second send completes", sending2).await.expect("task").expect("sent");
    assert_eq!(sent2.message.status, "success");
    let got = bob.events.wait_received(2).await;
    let texts: Vec<_> = got.iter().map(text_of).collect();
    assert_eq!(texts, ["queued offline", "queued after restart"]);
    second
        .events
        .wait_for("first queued message sent", |_| {
            second.tim.find_message(&queued.id).filter(|m| m.status == "success")
        })
        .await;
    let history = second.history("C2Cbob").await;
    let texts: Vec<_> = history.iter().map(text_of).collect();
    assert_eq!(texts.len(), 23);
    assert_eq!(&texts[21..], ["queued offline", "queued after restart"]);
    assert!(history.iter().all(|m| m.status == "success"));
    // Nothing was announced twice, and no own message came back as received.
    assert!(second.events.received().iter().all(|m| m.from == "bob"));
    assert_eq!(bob.history("C2Calice").await.len(), 23);
    assert_eq!(bob.events.received().len(), 2, "bob got each queued message once");
    drop(keep);
}
