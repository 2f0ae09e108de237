//! Store tests against a real SQLite file in a temporary directory.

use super::*;
use crate::fanout::SessionId;
use crate::store::NewMessage;
use confab_proto::frame::Push;
use confab_proto::inbox::InboxEvent;
use confab_proto::message::{MessageControlInfo, MessageElement, Priority, TextPayload};

#[derive(Default)]
struct Recorder(Mutex<Vec<Delivery>>);

impl Fanout for Recorder {
    fn deliver(&self, deliveries: Vec<Delivery>) {
        self.0.lock().expect("recorder lock").extend(deliveries);
    }
}

impl Recorder {
    fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.0.lock().expect("recorder lock"))
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: SqliteStore,
    pushes: Arc<Recorder>,
}

fn open(max_batch: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested").join("confab.db");
    let pushes = Arc::new(Recorder::default());
    let store = SqliteStore::open(&path, max_batch, pushes.clone()).expect("open");
    Fixture { _dir: dir, path, store, pushes }
}

fn user(id: &str) -> UserId {
    UserId::new(id)
}

fn text(from: &str, to: &str, random: u64, body: &str) -> NewMessage {
    NewMessage {
        from: user(from),
        to: user(to),
        random,
        element: MessageElement::Text(TextPayload { text: body.into() }),
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        need_read_receipt: false,
        control: MessageControlInfo::default(),
        online_user_only: false,
        time: 1_700_000_000,
        origin: Some(SessionId(1)),
    }
}

async fn users(store: &SqliteStore, ids: &[&str]) {
    for id in ids {
        assert!(store.ensure_user(user(id), 1).await.expect("ensure"));
    }
}

fn inbox_seqs(deliveries: &[Delivery], who: &str) -> Vec<u64> {
    deliveries
        .iter()
        .filter(|d| d.user.as_str() == who)
        .filter_map(|d| match d.push.as_ref() {
            Push::Inbox(entry) => Some(entry.seq),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn migrations_apply_to_a_fresh_file_and_data_survives_reopening() {
    let Fixture { _dir, path, store, .. } = open(8);
    users(&store, &["alice", "bob"]).await;
    store.send_message(text("alice", "bob", 1, "hi")).await.expect("send");
    store.close().await.expect("close");
    assert!(matches!(store.inbox_head(user("bob")).await, Err(StoreError::Closed)));

    let version: u32 = Connection::open(&path)
        .expect("raw open")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);

    let again = SqliteStore::open(&path, 8, Arc::new(Recorder::default())).expect("reopen");
    assert!(!again.ensure_user(user("alice"), 2).await.expect("ensure"));
    assert_eq!(again.inbox_head(user("bob")).await.expect("head"), 1);
    // Counters continue from the stored state after a restart.
    let second = again.send_message(text("bob", "alice", 1, "yo")).await.expect("send");
    assert_eq!(second.message.sequence, 2);
    assert!(second.message.id.as_str().starts_with("2-"));
    assert_eq!(again.inbox_head(user("alice")).await.expect("head"), 2);
    again.close().await.expect("close");
}

#[tokio::test]
async fn sequences_ids_and_inboxes_are_gap_free() {
    let f = open(64);
    users(&f.store, &["alice", "bob", "carol"]).await;
    let mut sent = Vec::new();
    for n in 1..=3 {
        sent.push(f.store.send_message(text("alice", "bob", n, "a→b")));
    }
    sent.push(f.store.send_message(text("bob", "alice", 1, "b→a")));
    sent.push(f.store.send_message(text("carol", "alice", 1, "c→a")));
    let mut results = Vec::new();
    for pending in sent {
        results.push(pending.await.expect("send"));
    }
    let seqs: Vec<u64> = results.iter().map(|r| r.message.sequence).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 1]);
    assert_eq!(results[0].message.id.as_str(), "1-1700000000-1");
    assert_eq!(results[4].message.id.as_str(), "5-1700000000-1");
    let pushes = f.pushes.take();
    assert_eq!(inbox_seqs(&pushes, "alice"), vec![1, 2, 3, 4, 5]);
    assert_eq!(inbox_seqs(&pushes, "bob"), vec![1, 2, 3, 4]);
    let sync = f.store.sync(user("alice"), 2, 2, usize::MAX).await.expect("sync");
    assert_eq!(sync.head, 5);
    assert_eq!(sync.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![3, 4]);

    let (list, head) = f.store.conversation_list(user("bob")).await.expect("list");
    assert_eq!(head, 4);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].conversation_id.as_str(), "C2Calice");
    assert_eq!(list[0].unread_count, 3, "bob has not read alice's three");
    assert_eq!(list[0].last_sequence, 4);
    assert_eq!(list[0].last_message.as_ref().map(|m| m.random), Some(1));
    let (alice_list, _) = f.store.conversation_list(user("alice")).await.expect("list");
    let with_bob = alice_list.iter().find(|c| c.conversation_id.as_str() == "C2Cbob").expect("bob");
    assert_eq!(with_bob.unread_count, 1);
}

#[tokio::test]
async fn a_repeated_random_returns_the_original_and_changes_nothing() {
    let f = open(8);
    users(&f.store, &["alice", "bob"]).await;
    let first = f.store.send_message(text("alice", "bob", 42, "once")).await.expect("send");
    assert!(!first.duplicate);
    let again = f.store.send_message(text("alice", "bob", 42, "twice?")).await.expect("send");
    assert!(again.duplicate);
    assert_eq!(again.message, first.message);
    assert_eq!(f.store.inbox_head(user("bob")).await.expect("head"), 1);
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert_eq!(page.messages.len(), 1);
    // The same random from another sender is another message.
    users(&f.store, &["carol"]).await;
    let other = f.store.send_message(text("carol", "bob", 42, "mine")).await.expect("send");
    assert!(!other.duplicate);
}

#[tokio::test]
async fn a_refused_write_does_not_disturb_its_batch() {
    let f = open(64);
    users(&f.store, &["alice", "bob"]).await;
    let ok1 = f.store.send_message(text("alice", "bob", 1, "1"));
    let bad = f.store.send_message(text("alice", "nobody", 2, "?"));
    let ok2 = f.store.send_message(text("alice", "bob", 3, "3"));
    assert_eq!(ok1.await.expect("ok1").message.sequence, 1);
    assert!(matches!(bad.await, Err(StoreError::UserNotFound(u)) if u.as_str() == "nobody"));
    assert_eq!(ok2.await.expect("ok2").message.sequence, 2);
    assert_eq!(inbox_seqs(&f.pushes.take(), "alice"), vec![1, 2]);
}

#[tokio::test]
async fn paging_and_cleared_history() {
    let f = open(8);
    users(&f.store, &["alice", "bob"]).await;
    for n in 1..=5 {
        f.store.send_message(text("alice", "bob", n, "m")).await.expect("send");
    }
    let newest = f.store.message_list(user("bob"), "C2Calice".into(), None, 2).await.expect("page");
    assert_eq!(newest.messages.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![4, 5]);
    assert!(!newest.is_completed);
    let oldest =
        f.store.message_list(user("bob"), "C2Calice".into(), Some(3), 5).await.expect("page");
    assert_eq!(oldest.messages.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![1, 2]);
    assert!(oldest.is_completed);
    let none = f.store.message_list(user("bob"), "C2Ccarol".into(), None, 5).await.expect("page");
    assert!(none.messages.is_empty() && none.is_completed);

    f.store.delete_conversations(user("bob"), vec!["C2Calice".into()], true).await.expect("delete");
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert!(list.is_empty());
    let cleared =
        f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert!(cleared.messages.is_empty() && cleared.is_completed);
    // Alice's view is untouched.
    let alice = f.store.message_list(user("alice"), "C2Cbob".into(), None, 20).await.expect("page");
    assert_eq!(alice.messages.len(), 5);

    f.store.send_message(text("alice", "bob", 6, "again")).await.expect("send");
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert_eq!(list.len(), 1, "a new message brings the conversation back");
    assert_eq!(list[0].cleared_sequence, 5);
    assert_eq!(list[0].unread_count, 1);
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert_eq!(page.messages.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![6]);

    // Deleting without clearing keeps the history.
    f.store
        .delete_conversations(user("bob"), vec!["C2Calice".into(), "C2Cnobody".into()], false)
        .await
        .expect("delete");
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert_eq!(page.messages.len(), 1);
}

#[tokio::test]
async fn reading_tells_the_reader_and_the_peer() {
    let f = open(8);
    users(&f.store, &["alice", "bob"]).await;
    f.store.send_message(text("alice", "bob", 1, "1")).await.expect("send");
    let mut quiet = text("alice", "bob", 2, "2");
    quiet.control = MessageControlInfo {
        excluded_from_unread_count: true,
        excluded_from_last_message: true,
        ..Default::default()
    };
    f.store.send_message(quiet).await.expect("send");
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert_eq!(list[0].unread_count, 1);
    assert_eq!(list[0].last_message.as_ref().map(|m| m.sequence), Some(1));
    assert_eq!(list[0].last_sequence, 2);
    f.pushes.take();

    let read = f.store.set_message_read(user("bob"), "C2Calice".into()).await.expect("read");
    assert_eq!(read.read_sequence, 2);
    let pushes = f.pushes.take();
    let events: Vec<(String, InboxEvent)> = pushes
        .into_iter()
        .filter_map(|d| match d.push.as_ref().clone() {
            Push::Inbox(e) => Some((d.user.0, e.event)),
            _ => None,
        })
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "bob".into(),
                InboxEvent::ConversationRead {
                    conversation_id: "C2Calice".into(),
                    read_sequence: 2
                }
            ),
            (
                "alice".into(),
                InboxEvent::PeerRead { conversation_id: "C2Cbob".into(), read_sequence: 2 }
            ),
        ]
    );
    let (alice, _) = f.store.conversation_list(user("alice")).await.expect("list");
    assert_eq!(alice[0].peer_read_sequence, 2);
    let (bob, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert_eq!((bob[0].unread_count, bob[0].read_sequence), (0, 2));
    // Reading again changes nothing and tells nobody.
    f.store.set_message_read(user("bob"), "C2Calice".into()).await.expect("read");
    assert!(f.pushes.take().is_empty());
    assert!(matches!(
        f.store.set_message_read(user("bob"), "C2Ccarol".into()).await,
        Err(StoreError::ConversationNotFound(_))
    ));
}

#[tokio::test]
async fn online_only_messages_are_delivered_not_stored() {
    let f = open(8);
    users(&f.store, &["alice", "bob"]).await;
    let mut m = text("alice", "bob", 9, "typing");
    m.online_user_only = true;
    let sent = f.store.send_message(m).await.expect("send");
    assert_eq!(sent.message.sequence, 0);
    assert!(sent.message.online_user_only);
    let pushes = f.pushes.take();
    assert_eq!(pushes.len(), 2);
    assert!(pushes.iter().all(|d| matches!(*d.push, Push::Transient { .. })));
    assert_eq!(pushes[1].skip, Some(SessionId(1)));
    assert_eq!(f.store.inbox_head(user("bob")).await.expect("head"), 0);
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert!(list.is_empty());
}

#[tokio::test]
async fn accounts_and_profiles() {
    let f = open(8);
    f.store.register_account(user("alice"), "hash".into(), 5).await.expect("register");
    assert!(matches!(
        f.store.register_account(user("alice"), "h2".into(), 6).await,
        Err(StoreError::AccountExists(_))
    ));
    assert_eq!(f.store.password_hash(user("alice")).await.expect("hash").as_deref(), Some("hash"));
    assert_eq!(f.store.password_hash(user("ghost")).await.expect("hash"), None);
    let patch = ProfilePatch { nick: Some("Alice".into()), ..Default::default() };
    let profile = f.store.update_profile(user("alice"), patch, 77).await.expect("update");
    assert_eq!((profile.nick.as_str(), profile.last_updated_number), ("Alice", 77));
    let found = f
        .store
        .profiles(vec![user("ghost"), user("alice"), user("alice")])
        .await
        .expect("profiles");
    assert_eq!(found, vec![profile.clone()]);
    assert_eq!(f.store.inbox_head(user("alice")).await.expect("head"), 1);
    // The sender's nick is stamped on messages.
    users(&f.store, &["bob"]).await;
    let sent = f.store.send_message(text("alice", "bob", 1, "hi")).await.expect("send");
    assert_eq!(sent.message.nick, "Alice");
}

// ------------------------------------------------------------ file service

fn file_message(from: &str, to: &str, random: u64, id: &str) -> NewMessage {
    use confab_proto::message::FilePayload;
    NewMessage {
        element: MessageElement::File(FilePayload {
            uuid: id.into(),
            file_name: "a.txt".into(),
            ..Default::default()
        }),
        ..text(from, to, random, "")
    }
}

fn stored_file(id: &str) -> crate::store::StoredFile {
    crate::store::StoredFile {
        id: id.into(),
        size: 3,
        kind: "file".into(),
        content_type: "application/octet-stream".into(),
        created_at: 1,
    }
}

#[tokio::test]
async fn files_are_granted_by_upload_and_by_messages_and_never_by_naming_them() {
    use crate::store::FileAccess;
    let f = open(64);
    users(&f.store, &["alice", "bob", "carol"]).await;
    let id = "a".repeat(64);
    assert_eq!(
        f.store.file_access(user("alice"), id.clone()).await.expect("read"),
        FileAccess::Unknown
    );
    f.store.record_file(stored_file(&id), user("alice"), Vec::new()).await.expect("record");
    assert!(matches!(
        f.store.file_access(user("alice"), id.clone()).await.expect("read"),
        FileAccess::Granted(file) if file == stored_file(&id)
    ));
    assert_eq!(
        f.store.file_access(user("bob"), id.clone()).await.expect("read"),
        FileAccess::Denied
    );

    // In one batch: carol names alice's file (refused before writing), the
    // others go through untouched.
    let ok1 = f.store.send_message(text("alice", "bob", 1, "1"));
    let stolen = f.store.send_message(file_message("carol", "bob", 2, &id));
    let shared = f.store.send_message(file_message("alice", "bob", 3, &id));
    assert_eq!(ok1.await.expect("ok1").message.sequence, 1);
    assert!(matches!(stolen.await, Err(StoreError::FileAccessDenied(x)) if x == id));
    assert_eq!(shared.await.expect("shared").message.sequence, 2);
    assert!(matches!(
        f.store.file_access(user("bob"), id.clone()).await.expect("read"),
        FileAccess::Granted(_)
    ));
    assert_eq!(
        f.store.file_access(user("carol"), id.clone()).await.expect("read"),
        FileAccess::Denied
    );
    let carol_view =
        f.store.message_list(user("bob"), "C2Ccarol".into(), None, 10).await.expect("page");
    assert!(carol_view.messages.is_empty(), "the refused message left nothing behind");

    // Bob now holds a grant, so he may forward it; onlineUserOnly delivers it too.
    let mut forward = file_message("bob", "carol", 4, &id);
    forward.online_user_only = true;
    f.store.send_message(forward).await.expect("forward");
    assert!(matches!(
        f.store.file_access(user("carol"), id.clone()).await.expect("read"),
        FileAccess::Granted(_)
    ));
    // A file that does not exist cannot be named either.
    let ghost = f.store.send_message(file_message("alice", "bob", 5, &"b".repeat(64))).await;
    assert!(matches!(ghost, Err(StoreError::FileAccessDenied(_))));
}

#[tokio::test]
async fn a_merger_body_grants_the_files_it_names() {
    use crate::store::FileAccess;
    let f = open(64);
    users(&f.store, &["alice", "bob", "carol"]).await;
    let image = "a".repeat(64);
    let inner = "b".repeat(64);
    let outer = "c".repeat(64);
    let theirs = "d".repeat(64);
    f.store.record_file(stored_file(&image), user("alice"), Vec::new()).await.expect("image");
    f.store.record_file(stored_file(&theirs), user("carol"), Vec::new()).await.expect("carol's");
    // Alice may not name in a body a file she cannot download herself.
    let refused =
        f.store.record_file(stored_file(&inner), user("alice"), vec![theirs.clone()]).await;
    assert!(matches!(refused, Err(StoreError::FileAccessDenied(x)) if x == theirs));
    assert_eq!(
        f.store.file_access(user("alice"), inner.clone()).await.expect("read"),
        FileAccess::Unknown,
        "a refused body is not recorded"
    );
    // A body naming the image, inside a body naming that body.
    f.store.record_file(stored_file(&inner), user("alice"), vec![image.clone()]).await.expect("in");
    f.store
        .record_file(stored_file(&outer), user("alice"), vec![inner.clone(), outer.clone()])
        .await
        .expect("outer");
    f.store.send_message(file_message("alice", "bob", 1, &outer)).await.expect("sent");
    for id in [&outer, &inner, &image] {
        assert!(
            matches!(
                f.store.file_access(user("bob"), id.clone()).await.expect("read"),
                FileAccess::Granted(_)
            ),
            "bob may open {id}"
        );
    }
    assert_eq!(
        f.store.file_access(user("bob"), theirs.clone()).await.expect("read"),
        FileAccess::Denied
    );
}

#[tokio::test]
async fn only_the_sender_changes_the_payload_either_side_changes_cloud_custom_data() {
    use confab_proto::ops::ModifyMessage;
    let f = open(8);
    users(&f.store, &["alice", "bob"]).await;
    let sent = f.store.send_message(text("alice", "bob", 1, "hi")).await.expect("send").message;
    let edit = |by_version: u32, body: &str, data: &str| ModifyMessage {
        conversation_id: ConversationId::from("C2Calice"),
        message_id: sent.id.as_str().to_owned(),
        version: by_version,
        element: MessageElement::Text(TextPayload { text: body.into() }),
        cloud_custom_data: data.into(),
    };
    // Bob rewrites alice's text: refused, nothing changes.
    let refused = f.store.modify_message(user("bob"), edit(0, "I owe bob $100", ""), false).await;
    match refused {
        Err(StoreError::Refused(e)) => {
            assert_eq!(e.code, confab_proto::code::MODIFY_PERMISSION_DENIED)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let page = f
        .store
        .message_list(user("alice"), ConversationId::from("C2Cbob"), None, 10)
        .await
        .expect("history");
    assert_eq!(page.messages[0].element, sent.element);
    assert_eq!(page.messages[0].version, 0);
    // Bob adds a reaction (cloudCustomData only): allowed.
    let reacted =
        f.store.modify_message(user("bob"), edit(0, "hi", "👍"), false).await.expect("reaction");
    assert_eq!((reacted.cloud_custom_data.as_str(), reacted.version), ("👍", 1));
    assert_eq!(reacted.element, sent.element);
    // The sender changes the text.
    let mut own = edit(1, "hello", "👍");
    own.conversation_id = ConversationId::from("C2Cbob");
    let fixed = f.store.modify_message(user("alice"), own, false).await.expect("sender edits");
    assert_eq!(fixed.version, 2);
    // The permissive setting restores TIM's rule.
    let permissive =
        f.store.modify_message(user("bob"), edit(2, "bob's words", ""), true).await.expect("open");
    assert_eq!(
        permissive.element,
        MessageElement::Text(TextPayload { text: "bob's words".into() })
    );
}

#[tokio::test]
async fn sync_pages_are_capped_in_bytes_and_cover_the_inbox_exactly_once() {
    let f = open(64);
    users(&f.store, &["alice", "bob"]).await;
    let body = "x".repeat(10 * 1024);
    for n in 1..=40 {
        f.store.send_message(text("alice", "bob", n, &body)).await.expect("send");
    }
    let cap = 64 * 1024;
    let mut after = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = f.store.sync(user("bob"), after, 1000, cap).await.expect("sync");
        assert!(!page.entries.is_empty(), "every page moves on");
        let frame = confab_proto::frame::ServerFrame::ok(u64::MAX, &page).expect("frame");
        let bytes = serde_json::to_string(&frame).expect("encode").len();
        assert!(bytes <= cap, "a sync frame of {bytes} bytes exceeds the cap of {cap}");
        seen.extend(page.entries.iter().map(|e| e.seq));
        after = page.entries.last().map(|e| e.seq).expect("entries");
        pages += 1;
        if after >= page.head {
            break;
        }
    }
    assert_eq!(seen, (1..=40).collect::<Vec<u64>>());
    assert!(pages >= 7, "40 × 10 KB in 64 KiB pages takes several pages, took {pages}");
    // Without a byte cap one page holds everything.
    let all = f.store.sync(user("bob"), 0, 1000, usize::MAX).await.expect("sync");
    assert_eq!(all.entries.len(), 40);
}

#[tokio::test]
async fn garbage_collection_forgets_unnamed_files_past_the_grace_period_only() {
    use crate::store::{FileAccess, FileUsage};
    let f = open(64);
    users(&f.store, &["alice", "bob"]).await;
    let [named, orphan, young, body, in_body] = ["a", "b", "c", "d", "e"].map(|c| c.repeat(64));
    let at = |id: &str, secs: i64| crate::store::StoredFile { created_at: secs, ..stored_file(id) };
    for id in [&named, &orphan, &in_body] {
        f.store.record_file(at(id, 100), user("alice"), Vec::new()).await.expect("record");
    }
    f.store.record_file(at(&body, 100), user("alice"), vec![in_body.clone()]).await.expect("body");
    f.store.record_file(at(&young, 900), user("bob"), Vec::new()).await.expect("young");
    f.store.send_message(file_message("alice", "bob", 1, &named)).await.expect("named");
    f.store.send_message(file_message("alice", "bob", 2, &body)).await.expect("body named");
    assert_eq!(
        f.store.file_usage(user("alice")).await.expect("usage"),
        FileUsage { user_bytes: 12, total_bytes: 15 }
    );

    // Cutoff 500: `orphan` (uploaded at 100, named by nothing) goes; the
    // named file, the named merger body and what it names, and the young
    // upload stay.
    let removed = f.store.collect_unnamed_files(500).await.expect("collect");
    assert_eq!(removed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![orphan.as_str()]);
    assert_eq!(
        f.store.file_access(user("alice"), orphan.clone()).await.expect("read"),
        FileAccess::Unknown
    );
    for id in [&named, &body, &in_body] {
        assert!(matches!(
            f.store.file_access(user("bob"), id.clone()).await.expect("read"),
            FileAccess::Granted(_)
        ));
    }
    assert_eq!(f.store.file_usage(user("alice")).await.expect("usage").user_bytes, 9);
    // Uploading a collected-looking content again restarts its grace period.
    f.store.record_file(at(&young, 2_000), user("bob"), Vec::new()).await.expect("again");
    assert!(f.store.collect_unnamed_files(1_500).await.expect("collect").is_empty());
    let removed = f.store.collect_unnamed_files(2_001).await.expect("collect");
    assert_eq!(removed.len(), 1);
    assert_eq!(
        f.store.file_usage(user("bob")).await.expect("usage"),
        FileUsage { user_bytes: 0, total_bytes: 9 }
    );
}

#[tokio::test]
async fn migration_5_finds_the_files_that_earlier_messages_name() {
    use confab_proto::message::{ImageInfo, ImagePayload};
    let Fixture { _dir, path, store, .. } = open(8);
    users(&store, &["alice", "bob"]).await;
    let [by_uuid, by_url, unnamed] = ["a", "b", "c"].map(|c| c.repeat(64));
    for id in [&by_uuid, &by_url, &unnamed] {
        store.record_file(stored_file(id), user("alice"), Vec::new()).await.expect("record");
    }
    store.send_message(file_message("alice", "bob", 1, &by_uuid)).await.expect("by uuid");
    let image = NewMessage {
        element: MessageElement::Image(ImagePayload {
            uuid: String::new(),
            image_format: 3,
            image_info_array: vec![ImageInfo {
                kind: 0,
                width: 1,
                height: 1,
                size: 3,
                url: format!("http://127.0.0.1:7788/files/{by_url}/photo.png"),
            }],
        }),
        ..text("alice", "bob", 2, "")
    };
    store.send_message(image).await.expect("by url");
    store.close().await.expect("close");
    // Back to the schema before migration 5, as an older confabd left it
    // (migration 6, session keys, undone first).
    let raw = Connection::open(&path).expect("raw open");
    raw.execute_batch(
        "DROP TABLE revoked_user_sigs; ALTER TABLE users DROP COLUMN session_generation;
         ALTER TABLE users DROP COLUMN sigs_valid_from;
         DROP TABLE message_files; DROP TABLE file_uploaders;
         ALTER TABLE files DROP COLUMN last_upload_at; PRAGMA user_version = 4;",
    )
    .expect("downgrade");
    drop(raw);

    let again = SqliteStore::open(&path, 8, Arc::new(Recorder::default())).expect("migrate");
    let removed = again.collect_unnamed_files(i64::MAX).await.expect("collect");
    assert_eq!(removed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), vec![unnamed.as_str()]);
    again.close().await.expect("close");
}
