//! PostgreSQL store tests against a real server: the conformance suite
//! every backend runs, then what is PostgreSQL's own (several nodes'
//! writers on one database, a database that restarts).
//!
//! The server is the one `scripts/services.sh` starts on a private port
//! (`./scripts/test.sh` does it); its address is in
//! `CONFAB_TEST_POSTGRES_URL`. Each test works in a schema of its own,
//! dropped afterwards, so tests run in parallel on one server.

use super::*;
use crate::store::conformance::{text, user, users, Recorder, StoreFactory};
use std::sync::atomic::{AtomicU64, Ordering};

/// The test server's address, from `scripts/services.sh`.
pub(crate) fn server_url() -> String {
    std::env::var("CONFAB_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "CONFAB_TEST_POSTGRES_URL is not set: run the tests with ./scripts/test.sh, or \
             `source scripts/services.sh && confab_services_start` first"
        )
    })
}

/// A schema of its own on the test server, dropped when this is.
pub(crate) struct Schema {
    base: String,
    name: String,
}

impl Schema {
    /// Makes a fresh schema.
    pub(crate) fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "t{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let base = server_url();
        let sql = format!("CREATE SCHEMA {name}");
        off_runtime(move || {
            let mut conn = PgConn::connect(&base).expect("connect to the test server");
            conn.cx().expect("cx").batch(&sql).expect("create schema");
        });
        Self { base: server_url(), name }
    }

    /// A URL whose connections work in this schema.
    pub(crate) fn url(&self) -> String {
        format!("{} options=-csearch_path={}", self.base, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let base = self.base.clone();
        let sql = format!("DROP SCHEMA {} CASCADE", self.name);
        off_runtime(move || {
            if let Ok(mut conn) = PgConn::connect(&base) {
                if let Ok(mut cx) = conn.cx() {
                    let _ = cx.batch(&sql);
                }
            }
        });
    }
}

/// Runs blocking client work on a thread outside the test's runtime.
pub(crate) fn off_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(work).join().expect("blocking work panicked")
}

/// Opens a store on the schema.
pub(crate) fn open_on(
    schema: &Schema,
    max_batch: usize,
    fanout: Arc<dyn Fanout>,
) -> Arc<dyn Store> {
    let url = schema.url();
    let store = off_runtime(move || PgStore::open(&url, max_batch, fanout)).expect("open");
    Arc::new(store)
}

/// Opens a fresh PostgreSQL store in a schema of its own.
struct Postgres;

impl StoreFactory for Postgres {
    type Guard = Schema;

    fn open(max_batch: usize, fanout: Arc<dyn Fanout>) -> (Arc<dyn Store>, Self::Guard) {
        let schema = Schema::new();
        (open_on(&schema, max_batch, fanout), schema)
    }
}

mod conformance {
    crate::store::conformance::store_conformance_suite!(super::Postgres);
}

#[tokio::test]
async fn migrations_apply_once_and_data_survives_reopening() {
    let schema = Schema::new();
    let store = open_on(&schema, 8, Arc::new(Recorder::default()));
    users(&*store, &["alice", "bob"]).await;
    store.send_message(text("alice", "bob", 1, "hi")).await.expect("send");
    store.close().await.expect("close");
    assert!(matches!(store.inbox_head(user("bob")).await, Err(StoreError::Closed)));
    // A second node (or a restart) finds the schema made and the data there,
    // and its counters go on from the stored state.
    let store = open_on(&schema, 8, Arc::new(Recorder::default()));
    assert_eq!(store.inbox_head(user("bob")).await.expect("head"), 1);
    store.send_message(text("bob", "alice", 2, "hello")).await.expect("send");
    assert_eq!(store.inbox_head(user("bob")).await.expect("head"), 2);
    store.close().await.expect("close");
}

#[tokio::test]
async fn writers_of_several_nodes_keep_every_inbox_gap_free() {
    // Three nodes' stores on one database, each sending concurrently into
    // the same inboxes: every sequence is taken once, none is skipped.
    let schema = Schema::new();
    let nodes: Vec<Arc<dyn Store>> =
        (0..3).map(|_| open_on(&schema, 16, Arc::new(Recorder::default()))).collect();
    users(&*nodes[0], &["alice", "bob", "carol"]).await;
    let mut sends = Vec::new();
    for (n, node) in nodes.iter().enumerate() {
        for i in 0..40u64 {
            let from = ["alice", "carol", "alice"][n];
            sends.push(node.send_message(text(from, "bob", n as u64 * 1000 + i, "x")));
        }
    }
    for send in sends {
        send.await.expect("send");
    }
    let page = nodes[1].sync(user("bob"), 0, 1000, 1 << 24).await.expect("sync");
    let seqs: Vec<u64> = page.entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=120).collect::<Vec<u64>>());
    assert_eq!(page.head, 120);
    for node in nodes {
        node.close().await.expect("close");
    }
}

#[test]
fn a_url_is_shown_without_its_password() {
    use crate::config::redact_database_url as redact;
    assert_eq!(
        redact("postgres://confab:s3cret@db:5432/confab"),
        "postgres://confab:***@db:5432/confab"
    );
    assert_eq!(redact("postgres://confab@db/confab"), "postgres://confab@db/confab");
    assert_eq!(redact("host=/tmp port=5432"), "host=/tmp port=5432");
    assert_eq!(redact("host=db password=s3cret user=confab"), "host=db password=*** user=confab");
}

#[test]
fn conversation_keys_are_stored_without_nul_and_read_back_unchanged() {
    for key in ["c2c:alice\u{0}bob", "group:a\\b", "group:a\\0b", "c2c:\\\u{0}\\\\", "", "\\"] {
        let stored = db_key(key);
        assert!(!stored.contains('\u{0}'), "{stored:?}");
        assert_eq!(key_from_db(&stored), key);
    }
    // Different keys stay different.
    assert_ne!(db_key("a\u{0}b"), db_key("a\\0b"));
}

#[tokio::test]
async fn a_pipelined_write_that_fails_fails_its_batch_and_stores_nothing() {
    use crate::store::{EventRecord, MessageRow};
    let schema = Schema::new();
    let store = open_on(&schema, 8, Arc::new(Recorder::default()));
    users(&*store, &["alice", "bob"]).await;
    // An inbox entry naming a message that does not exist: the insert is
    // sent with the commit and refused there (foreign key).
    let failed = store
        .transact(|tx| tx.append_inbox(&user("alice"), EventRecord::Message(MessageRow(999_999))))
        .await;
    assert!(matches!(failed, Err(StoreError::CommitFailed(_))), "{failed:?}");
    assert_eq!(store.inbox_head(user("alice")).await.expect("head"), 0, "nothing stored");
    // The writer goes on, and its counters did not keep the lost sequence.
    store.send_message(text("bob", "alice", 1, "after")).await.expect("send");
    assert_eq!(store.inbox_head(user("alice")).await.expect("head"), 1);
    store.close().await.expect("close");
}
