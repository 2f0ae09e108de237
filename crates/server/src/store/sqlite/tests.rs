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
    assert!(second.message.id.as_str().starts_with("2-"));
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
        "DROP TABLE timelines; DROP TABLE revoked_user_sigs; ALTER TABLE users DROP COLUMN session_generation;
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
