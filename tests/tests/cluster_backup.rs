//! Backup and restore of a cluster's PostgreSQL database, the procedure
//! `docs/deployment.md` describes ("Backups and restore"): two nodes on
//! one database and the shared NATS server carry a one-to-one chat
//! between alice (node 1) and bob (node 2) and a group carol makes; the
//! nodes stop, the database is dumped with `pg_dump -Fc`, dropped, and
//! restored with `pg_restore --no-owner` into a fresh database; two new
//! nodes on the restored database serve clients with empty local stores
//! every message exactly once, in order, with the same IDs and sequences,
//! and the same conversations (unread counts, last messages) and groups;
//! new messages take the next sequences and reach the other node.

use confab_proto::group::{CreateGroup, GetGroupList, GroupType};
use confab_sdk::{Conversation, Message};
use confab_tests::cluster::{
    send_group_text, shared_nats_url, start_nodes, wait_group_listed, wait_received_from,
    TestDatabase,
};
use confab_tests::{full_history, received_in, within, TestClient, TestServer};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a client shows of a message: its ID, sequence, sender and text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    id: String,
    sequence: u64,
    from: String,
    text: String,
}

/// The messages as a client shows them.
fn seen(messages: &[Message]) -> Vec<Seen> {
    messages
        .iter()
        .map(|m| Seen {
            id: m.id.clone(),
            sequence: m.sequence,
            from: m.from.clone(),
            text: m.payload["text"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Every message once, with these texts in this order, sequences increasing.
fn assert_exactly_once_in_order(messages: &[Seen], expected: &[String], whose: &str) {
    let texts: Vec<&str> = messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, expected, "{whose}: order and content");
    let ids: HashSet<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), messages.len(), "{whose}: every message once");
    assert!(
        messages.windows(2).all(|w| w[0].sequence < w[1].sequence),
        "{whose}: sequences increase"
    );
}

/// Every message of a conversation as `client` shows it, paging to the start.
async fn history(client: &TestClient, conversation: &str) -> Vec<Seen> {
    seen(&full_history(&client.tim, conversation).await)
}

/// The sequence of a conversation's last message (0: none).
fn last_sequence(conversation: &Conversation) -> u64 {
    conversation.last_message.as_ref().and_then(|m| m["lastSequence"].as_u64()).unwrap_or_default()
}

/// Waits until `client` announced its conversation `id` with `unread`
/// unread messages and the message of sequence `last` as its last one.
async fn wait_conversation_at(client: &TestClient, id: &str, unread: u64, last: u64) {
    client
        .wait_conversation(id, &format!("with {unread} unread, last sequence {last}"), |c| {
            c.unread_count == unread && last_sequence(c) == last
        })
        .await;
}

/// Runs PostgreSQL's client program `tool` (from `CONFAB_TEST_PG_BIN`)
/// as the current user, off the runtime's threads, and fails the test
/// with its error output when it fails.
async fn pg_tool(tool: &'static str, args: Vec<String>) {
    let bin = std::env::var("CONFAB_TEST_PG_BIN")
        .expect("CONFAB_TEST_PG_BIN is set (source scripts/services.sh)");
    let program = PathBuf::from(bin).join(tool);
    let shown = args.join(" ");
    let output = within(
        tool,
        tokio::task::spawn_blocking(move || {
            Command::new(&program).args(&args).stdin(Stdio::null()).output()
        }),
    )
    .await
    .expect("the tool's task")
    .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(
        output.status.success(),
        "{tool} {shown} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether connecting to `url` is refused because its database does not
/// exist (SQLSTATE 3D000).
fn database_is_gone(url: &str) -> bool {
    let url = url.to_owned();
    // The synchronous client runs a runtime of its own: on a thread of its own.
    std::thread::spawn(move || match postgres::Client::connect(&url, postgres::NoTls) {
        Ok(_) => false,
        Err(e) => e
            .as_db_error()
            .is_some_and(|db| *db.code() == postgres::error::SqlState::INVALID_CATALOG_NAME),
    })
    .join()
    .expect("connect thread")
}

/// Tables whose rows the restore must bring back, one count each.
const COUNTED_TABLES: &[&str] =
    &["users", "messages", "conversations", "inbox", "groups", "group_members", "timelines"];

/// The row count of each of [`COUNTED_TABLES`] in `db`.
fn row_counts(db: &TestDatabase) -> Vec<(&'static str, i64)> {
    COUNTED_TABLES.iter().map(|t| (*t, db.count(&format!("SELECT COUNT(*) FROM {t}")))).collect()
}

/// Stops every node gracefully.
async fn stop_all(nodes: &mut [TestServer]) {
    for node in nodes {
        node.stop().await;
    }
}

/// The path as a program argument.
fn arg(path: &Path) -> String {
    path.display().to_string()
}

#[tokio::test]
async fn a_cluster_database_dumped_and_restored_serves_every_message_once_in_order() {
    let nats = shared_nats_url();
    let files = tempfile::tempdir().expect("files dir");
    let original = TestDatabase::new();
    let mut nodes = start_nodes(2, &original.url, &nats, files.path()).await;
    // alice on node 1, bob and carol on node 2.
    let alice = TestClient::login(&nodes[0], "alice").await;
    let bob = TestClient::login(&nodes[1], "bob").await;
    let carol = TestClient::login(&nodes[1], "carol").await;

    // 30 one-to-one messages, alice and bob in turn, across the two nodes.
    let mut c2c = Vec::new();
    for i in 0..30 {
        let (from, to) = if i % 2 == 0 { (&alice, "bob") } else { (&bob, "alice") };
        let text = format!("c2c {i:02} from {}", from.user_id);
        from.send_text(to, &text).await;
        c2c.push(text);
    }
    // A group carol makes with alice and bob, and six messages in it.
    let group = within(
        "create the group",
        carol.tim.create_group(CreateGroup {
            name: "before the backup".into(),
            group_type: GroupType::Work,
            member_list: confab_tests::group_members(&["alice", "bob"]),
            ..CreateGroup::default()
        }),
    )
    .await
    .expect("create group")
    .group
    .group_id;
    let group = group.as_str().to_owned();
    let group_conversation = format!("GROUP{group}");
    for client in [&alice, &bob] {
        wait_group_listed(client, &group).await;
    }
    let mut in_group = Vec::new();
    for (i, sender) in [&alice, &bob, &carol, &alice, &carol, &bob].into_iter().enumerate() {
        let text = format!("group {i} from {}", sender.user_id);
        send_group_text(sender, &group, &text).await;
        in_group.push(text);
    }

    // Every view before the backup: both sides of the chat, every member
    // of the group, each conversation's unread count and last message.
    wait_received_from(&alice, "C2Cbob", 15).await;
    wait_received_from(&bob, "C2Calice", 15).await;
    for client in [&alice, &bob, &carol] {
        wait_received_from(client, &group_conversation, 4).await;
    }
    let c2c_before = history(&alice, "C2Cbob").await;
    assert_exactly_once_in_order(&c2c_before, &c2c, "alice before the backup");
    assert_eq!(history(&bob, "C2Calice").await, c2c_before, "bob sees what alice sees");
    let group_before = history(&carol, &group_conversation).await;
    assert_exactly_once_in_order(&group_before, &in_group, "carol before the backup");
    for client in [&alice, &bob] {
        assert_eq!(
            history(client, &group_conversation).await,
            group_before,
            "{} sees the group as carol does",
            client.user_id
        );
    }
    let c2c_last = c2c_before.last().expect("messages").sequence;
    let group_last = group_before.last().expect("messages").sequence;
    // Each side has the other's 15 unread; each member the others' 4.
    wait_conversation_at(&alice, "C2Cbob", 15, c2c_last).await;
    wait_conversation_at(&bob, "C2Calice", 15, c2c_last).await;
    for client in [&alice, &bob, &carol] {
        wait_conversation_at(client, &group_conversation, 4, group_last).await;
    }
    let counts_before = row_counts(&original);
    assert_eq!(counts_before[1], ("messages", 36), "30 one-to-one and 6 group messages");

    // Stop the nodes, dump the database, drop it.
    stop_all(&mut nodes).await;
    drop((alice, bob, carol));
    drop(nodes);
    let backup = tempfile::tempdir().expect("backup dir");
    let dump = backup.path().join("confab.dump");
    pg_tool(
        "pg_dump",
        vec!["-Fc".into(), "-f".into(), arg(&dump), "-d".into(), original.url.clone()],
    )
    .await;
    assert!(std::fs::metadata(&dump).expect("the dump").len() > 0, "pg_dump wrote the dump");
    let original_url = original.url.clone();
    drop(original);
    assert!(database_is_gone(&original_url), "the original database was dropped");

    // Restore into a fresh, empty database.
    let restored = TestDatabase::new();
    pg_tool(
        "pg_restore",
        vec![
            "--no-owner".into(),
            "--exit-on-error".into(),
            "-d".into(),
            restored.url.clone(),
            arg(&dump),
        ],
    )
    .await;
    assert_eq!(row_counts(&restored), counts_before, "every row came back");

    // Two new nodes on the restored database; clients with empty local
    // stores, so everything they show comes from the server.
    let files = tempfile::tempdir().expect("files dir after the restore");
    let nodes = start_nodes(2, &restored.url, &nats, files.path()).await;
    let alice = TestClient::login(&nodes[0], "alice").await;
    let bob = TestClient::login(&nodes[1], "bob").await;
    let carol = TestClient::login(&nodes[0], "carol").await;
    assert_eq!(history(&alice, "C2Cbob").await, c2c_before, "alice's chat after the restore");
    assert_eq!(history(&bob, "C2Calice").await, c2c_before, "bob's chat after the restore");
    for client in [&alice, &bob, &carol] {
        assert_eq!(
            history(client, &group_conversation).await,
            group_before,
            "{}'s group after the restore",
            client.user_id
        );
        let groups = within("group list", client.tim.get_group_list(GetGroupList::default()))
            .await
            .expect("getGroupList");
        assert_eq!(
            groups.iter().map(|g| g.group_id.as_str()).collect::<Vec<_>>(),
            vec![group.as_str()],
            "{} is in the group after the restore",
            client.user_id
        );
    }
    wait_conversation_at(&alice, "C2Cbob", 15, c2c_last).await;
    wait_conversation_at(&bob, "C2Calice", 15, c2c_last).await;
    for client in [&alice, &bob, &carol] {
        wait_conversation_at(client, &group_conversation, 4, group_last).await;
    }

    // New messages take the next sequences and reach the other node.
    let next = bob.send_text("alice", "after the restore").await;
    assert_eq!(next.sequence, c2c_last + 1, "the chat goes on at the next sequence");
    assert_eq!(alice.wait_received(&next).await.sequence, next.sequence, "pushed to node 1");
    let mut c2c_after = c2c_before.clone();
    c2c_after.extend(seen(&[next]));
    assert_eq!(history(&alice, "C2Cbob").await, c2c_after);
    assert_eq!(history(&bob, "C2Calice").await, c2c_after);
    wait_conversation_at(&alice, "C2Cbob", 16, c2c_last + 1).await;

    let next = send_group_text(&carol, &group, "group after the restore").await;
    assert_eq!(next.sequence, group_last + 1, "the group goes on at the next sequence");
    for client in [&alice, &bob] {
        assert_eq!(client.wait_received(&next).await.sequence, next.sequence);
        wait_conversation_at(client, &group_conversation, 5, group_last + 1).await;
    }
    let mut group_after = group_before.clone();
    group_after.extend(seen(&[next]));
    for client in [&alice, &bob, &carol] {
        assert_eq!(history(client, &group_conversation).await, group_after);
    }
    // Nothing was pushed twice after the restore.
    for client in [&alice, &bob, &carol] {
        let all = received_in(&client.events.all());
        let ids: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "{} got no duplicate", client.user_id);
    }
    assert_eq!(restored.count("SELECT COUNT(*) FROM messages"), 38);
}
