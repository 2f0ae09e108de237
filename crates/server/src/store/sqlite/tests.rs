//! SQLite store tests against a real file in a temporary directory: the
//! conformance suite every backend runs, then what is SQLite's own
//! (migrations, reopening a file, counters reloaded from it).

use super::*;
use crate::store::conformance::{text, user, users, Recorder, StoreFactory};
use crate::store::StoredFile;
use confab_proto::message::MessageElement;
use rusqlite::Connection;

/// Opens a fresh SQLite store in a temporary directory.
struct Sqlite;

impl StoreFactory for Sqlite {
    type Guard = tempfile::TempDir;

    fn open(max_batch: usize, fanout: Arc<dyn Fanout>) -> (Arc<dyn Store>, Self::Guard) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("confab.db");
        let store = SqliteStore::open(&path, max_batch, fanout).expect("open");
        (Arc::new(store), dir)
    }
}

mod conformance {
    crate::store::conformance::store_conformance_suite!(super::Sqlite);
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    store: Arc<dyn Store>,
}

fn open(max_batch: usize) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested").join("confab.db");
    let store = SqliteStore::open(&path, max_batch, Arc::new(Recorder::default())).expect("open");
    Fixture { _dir: dir, path, store: Arc::new(store) }
}

fn reopen(path: &Path) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(path, 8, Arc::new(Recorder::default())).expect("reopen"))
}

fn file_message(
    from: &str,
    to: &str,
    random: u64,
    id: &str,
) -> crate::services::message::NewMessage {
    use confab_proto::message::FilePayload;
    crate::services::message::NewMessage {
        element: MessageElement::File(FilePayload {
            uuid: id.into(),
            file_name: "a.txt".into(),
            ..Default::default()
        }),
        ..text(from, to, random, "")
    }
}

fn stored_file(id: &str) -> StoredFile {
    StoredFile {
        id: id.into(),
        size: 3,
        kind: "file".into(),
        content_type: "application/octet-stream".into(),
        created_at: 1,
    }
}

#[tokio::test]
async fn migrations_apply_to_a_fresh_file_and_data_survives_reopening() {
    let Fixture { _dir, path, store, .. } = open(8);
    users(&*store, &["alice", "bob"]).await;
    store.send_message(text("alice", "bob", 1, "hi")).await.expect("send");
    store.close().await.expect("close");
    assert!(matches!(store.inbox_head(user("bob")).await, Err(StoreError::Closed)));

    let version: u32 = Connection::open(&path)
        .expect("raw open")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);

    let again = reopen(&path);
    assert!(!again.ensure_user(user("alice"), 2).await.expect("ensure"));
    assert_eq!(again.inbox_head(user("bob")).await.expect("head"), 1);
    // Counters continue from the stored state after a restart.
    let second = again.send_message(text("bob", "alice", 1, "yo")).await.expect("send");
    assert_eq!(second.message.sequence, 2);
    assert_eq!(second.message.id.as_str(), "bob-1700000000-1");
    assert_eq!(again.inbox_head(user("alice")).await.expect("head"), 2);
    again.close().await.expect("close");
}

#[tokio::test]
async fn migration_5_finds_the_files_that_earlier_messages_name() {
    use confab_proto::message::{ImageInfo, ImagePayload};
    let Fixture { _dir, path, store, .. } = open(8);
    users(&*store, &["alice", "bob"]).await;
    let [by_uuid, by_url, unnamed] = ["a", "b", "c"].map(|c| c.repeat(64));
    for id in [&by_uuid, &by_url, &unnamed] {
        store.record_file(stored_file(id), user("alice"), Vec::new()).await.expect("record");
    }
    store.send_message(file_message("alice", "bob", 1, &by_uuid)).await.expect("by uuid");
    let image = crate::services::message::NewMessage {
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
    // (migrations 7, group timelines, and 6, session keys, undone first).
    let raw = Connection::open(&path).expect("raw open");
    raw.execute_batch(
        "DROP TABLE avatar_files; DROP TABLE topic_members; DROP TABLE topics;
         DROP TABLE message_extension_heads; DROP TABLE message_extensions; DROP TABLE read_receipts; DROP TABLE conversation_group_members; DROP TABLE conversation_groups;
         DROP TABLE conversation_settings; DROP TABLE custom_status; DROP TABLE friend_group_members; DROP TABLE friend_groups; DROP TABLE friend_requests;
         DROP TABLE friends; DROP TABLE blacklist; DROP TABLE group_counters; DROP TABLE group_attributes;
         DROP TABLE group_applications; DROP TABLE group_members; DROP TABLE groups;
         DROP TABLE timelines; DROP TABLE revoked_user_sigs; ALTER TABLE users DROP COLUMN session_generation;
         ALTER TABLE users DROP COLUMN sigs_valid_from;
         DROP TABLE message_files; DROP TABLE file_uploaders;
         ALTER TABLE files DROP COLUMN last_upload_at; PRAGMA user_version = 4;",
    )
    .expect("downgrade");
    drop(raw);

    let again = reopen(&path);
    let removed = again.collect_unnamed_files(i64::MAX).await.expect("collect");
    assert_eq!(removed.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), vec![unnamed.as_str()]);
    again.close().await.expect("close");
}

/// Migration 8 (client-made message IDs) on a database an older confabd
/// left: earlier messages keep their IDs (`<row>-<time>-<random>`) and stay
/// addressable by them, every reference to them survives the table's
/// rebuild, and a repeated `random` in another second is a new message.
#[tokio::test]
async fn migration_8_keeps_earlier_message_ids_and_references() {
    let Fixture { _dir, path, store, .. } = open(8);
    users(&*store, &["alice", "bob"]).await;
    for random in [1, 2] {
        store.send_message(text("alice", "bob", random, "before")).await.expect("send");
    }
    store.close().await.expect("close");
    // Back to version 7: the old table, and IDs as an older confabd made them.
    let raw = Connection::open(&path).expect("raw open");
    raw.execute_batch(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE old (
             id INTEGER PRIMARY KEY, conv_key TEXT NOT NULL, sequence INTEGER NOT NULL,
             sender TEXT NOT NULL REFERENCES users (user_id), random INTEGER NOT NULL,
             time INTEGER NOT NULL, message TEXT NOT NULL,
             UNIQUE (sender, random), UNIQUE (conv_key, sequence));
         INSERT INTO old SELECT id, conv_key, sequence, sender, random, time,
             json_set(message, '$.ID', id || '-' || time || '-' || random) FROM messages;
         DROP TABLE avatar_files;
         DROP TABLE topic_members;
         DROP TABLE topics;
         DROP TABLE message_extension_heads;
         DROP TABLE message_extensions;
         DROP TABLE read_receipts;
         DROP TABLE messages;
         ALTER TABLE old RENAME TO messages;
         CREATE INDEX messages_by_time ON messages (conv_key, time, sequence);
         DROP TABLE conversation_group_members;
         DROP TABLE conversation_groups;
         DROP TABLE conversation_settings;
         DROP TABLE custom_status;
         DROP TABLE friend_group_members;
         DROP TABLE friend_groups;
         DROP TABLE friend_requests;
         DROP TABLE friends;
         DROP TABLE blacklist;
         DROP TABLE group_counters;
         DROP TABLE group_attributes;
         DROP TABLE group_applications;
         DROP TABLE group_members;
         DROP TABLE groups;
         PRAGMA user_version = 7;",
    )
    .expect("downgrade");
    drop(raw);

    let again = reopen(&path);
    let old_id = "1-1700000000-1";
    let revoked = again
        .revoke_message(user("alice"), "C2Cbob".into(), old_id.into(), 1_700_000_001, Some(120))
        .await
        .expect("an earlier message is found by its earlier ID");
    assert_eq!(revoked.id.as_str(), old_id);
    let page = again.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    let ids: Vec<_> = page.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [old_id, "2-1700000000-2"]);
    let (list, _) = again.conversation_list(user("bob")).await.expect("list");
    assert_eq!(list[0].last_message.as_ref().map(|m| m.id.as_str()), Some("2-1700000000-2"));
    // The same random again, in another second, is a new message now.
    let later = crate::services::message::NewMessage {
        client_time: 1_700_000_005,
        ..text("alice", "bob", 1, "after")
    };
    let later = again.send_message(later).await.expect("send");
    assert!(!later.duplicate);
    assert_eq!(later.message.id.as_str(), "alice-1700000005-1");
    again.close().await.expect("close");
    let raw = Connection::open(&path).expect("raw open");
    let dangling: i64 = raw
        .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(dangling, 0);
}
