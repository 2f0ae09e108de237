//! Local store unit tests: migrations, cursor and idempotent apply, outbox
//! order and acknowledgement merging, history contiguity, group timeline
//! cursors and pages.

use super::*;
use crate::model::{Message, MessageFlow, MessageStatus};
use confab_proto::constants::types::MSG_AT_ALL;
use confab_proto::conversation::ConversationState;
use confab_proto::inbox::{InboxEntry, InboxEvent, TimelineCursor, TimelineEntry, TimelinePage};
use confab_proto::message::{ConversationType, MessageElement, TextPayload, WireMessage};
use confab_proto::testing::WireMessageSample;

fn wire(from: &str, to: &str, sequence: u64, random: u64) -> WireMessage {
    WireMessageSample::new(from, to)
        .id(format!("{sequence}-{random}"))
        .sequence(sequence)
        .time(1_700_000_000 + i64::try_from(sequence).expect("small"))
        .random(random)
        .text(format!("m{sequence}"))
        .nick(from.to_uppercase())
        .build()
}

fn entry(seq: u64, message: WireMessage) -> InboxEntry {
    InboxEntry { seq, event: InboxEvent::Message { message } }
}

fn local(to: &str, random: u64) -> Message {
    let mut m = crate::model::tests::sample_message();
    m.id = format!("local-{random}");
    m.conversation_id = format!("C2C{to}");
    m.to = to.into();
    m.from = "alice".into();
    m.flow = MessageFlow::Out;
    m.status = MessageStatus::UnSend;
    m.sequence = 0;
    m.random = random;
    m
}

#[test]
fn migrations_and_instance_id_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = Store::path_for(dir.path(), 1400000000, "a@b c");
    assert!(path.ends_with("1400000000/a%40b%20c.sqlite"), "{path:?}");
    let store = Store::open(&path, "a@b c").expect("open");
    let id = store.instance_id().expect("instance id");
    assert_eq!(store.cursor().expect("cursor"), None);
    let version: i64 =
        store.lock().query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version, i64::try_from(MIGRATIONS.len()).expect("small"));
    let mode: String =
        store.lock().query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    drop(store);
    let again = Store::open(&path, "a@b c").expect("reopen");
    assert_eq!(again.instance_id().expect("instance id"), id);
}

#[test]
fn file_names_are_percent_encoded() {
    assert_eq!(encode_file_name("alice"), "alice");
    assert_eq!(encode_file_name("a.b-c_d"), "a.b-c_d");
    assert_eq!(encode_file_name(".."), "%2E.");
    assert_eq!(encode_file_name("用"), "%E7%94%A8");
    assert_eq!(encode_file_name("a/b"), "a%2Fb");
}

#[test]
fn apply_is_idempotent_and_advances_the_cursor() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    let entries =
        vec![entry(1, wire("bob", "alice", 1, 11)), entry(2, wire("bob", "alice", 2, 12))];
    let applied = store.apply_entries(&entries).expect("apply");
    assert_eq!(applied.cursor, 2);
    assert_eq!(applied.received.len(), 2);
    assert_eq!(applied.received[0].flow, MessageFlow::In);
    assert_eq!(applied.received[0].conversation_id, "C2Cbob");
    assert_eq!(applied.conversations.len(), 1);
    assert_eq!(applied.conversations[0].unread_count, 2);
    assert_eq!(applied.conversations[0].last_message_summary().map(|l| l.last_sequence), Some(2));
    assert_eq!(
        applied.conversations[0].user_profile.as_ref().map(|p| p.nick.as_str()),
        Some("BOB")
    );
    assert_eq!(store.total_unread().expect("total"), 2);

    // The same entries again: nothing stored or announced twice.
    let again = store.apply_entries(&entries).expect("apply again");
    assert!(again.received.is_empty());
    assert_eq!(again.cursor, 2);
    assert_eq!(store.total_unread().expect("total"), 2);

    // A gap stops the page; the cursor stays.
    let gap = store.apply_entries(&[entry(4, wire("bob", "alice", 3, 13))]).expect("gap");
    assert!(gap.received.is_empty());
    assert_eq!(store.cursor().expect("cursor"), Some(2));

    // Read on another instance.
    let read = store
        .apply_entries(&[InboxEntry {
            seq: 3,
            event: InboxEvent::ConversationRead {
                conversation_id: "C2Cbob".into(),
                read_sequence: 2,
            },
        }])
        .expect("read");
    assert_eq!(read.conversations[0].unread_count, 0);
    assert_eq!(store.total_unread().expect("total"), 0);

    // A message I sent from another instance: announced, flow out, no unread.
    let mine = store.apply_entries(&[entry(4, wire("alice", "bob", 3, 14))]).expect("mine");
    assert_eq!(mine.received.len(), 1);
    assert_eq!(mine.received[0].flow, MessageFlow::Out);
    assert_eq!(store.total_unread().expect("total"), 0);

    // The peer read my message.
    let peer = store
        .apply_entries(&[InboxEntry {
            seq: 5,
            event: InboxEvent::PeerRead { conversation_id: "C2Cbob".into(), read_sequence: 3 },
        }])
        .expect("peer read");
    assert_eq!(peer.read_by_peer.len(), 1);
    assert!(peer.read_by_peer[0].is_peer_read);
    // checklist 1157: readReceiptInfo belongs to read receipts, not to setMessageRead.
    assert!(!peer.read_by_peer[0].read_receipt_info.is_peer_read);
    assert_eq!(store.cursor().expect("cursor"), Some(5));
}

/// `wire` with the text the sender wrote ("hi", as `local` makes it) or
/// the server's rewrite of it.
fn acked(sequence: u64, random: u64, text: &str) -> WireMessage {
    let mut m = wire("alice", "bob", sequence, random);
    m.element = MessageElement::Text(TextPayload { text: text.into() });
    m
}

#[test]
fn an_acknowledgement_with_other_text_is_a_modification_announced_once() {
    // checklist 984: MESSAGE_MODIFIED "also fires on the sender when a
    // third-party server callback changed the message's content".
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    let (kept, _) = store.enqueue_new(&local("bob", 101), None, 5_000).expect("enqueue");
    let (masked, _) = store.enqueue_new(&local("bob", 102), None, 6_000).expect("enqueue");
    let (late, _) = store.enqueue_new(&local("bob", 103), None, 7_000).expect("enqueue");

    // The send response first: the store says whether the text changed.
    let ack = store.complete_send(kept, &acked(1, 101, "hi")).expect("ack").expect("changed");
    assert!(!ack.rewritten, "the server kept the text");
    let ack = store.complete_send(masked, &acked(2, 102, "**")).expect("ack").expect("changed");
    assert!(ack.rewritten);
    assert_eq!(ack.message.payload["text"], "**");
    // Its inbox echo brings nothing new.
    let echo = store.apply_entries(&[entry(1, acked(1, 101, "hi")), entry(2, acked(2, 102, "**"))]);
    let echo = echo.expect("echo");
    assert!(echo.merged.is_empty() && echo.modified.is_empty());

    // The inbox first: merged and modified, once; the late response is no news.
    let first = store.apply_entries(&[entry(3, acked(3, 103, "**"))]).expect("inbox first");
    assert_eq!(first.merged.len(), 1);
    assert_eq!(first.modified.len(), 1);
    assert_eq!(first.modified[0].payload["text"], "**");
    assert!(store.complete_send(late, &acked(3, 103, "**")).expect("ack").is_none());
}

#[test]
fn outbox_keeps_order_and_merges_acknowledgements() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    let (k1, conv) = store.enqueue_new(&local("bob", 101), None, 5_000).expect("enqueue 1");
    let conv = conv.expect("conversation created locally");
    assert_eq!(conv.last_message_summary().map(|l| l.last_sequence), Some(0));
    let (k2, _) = store.enqueue_new(&local("bob", 102), None, 6_000).expect("enqueue 2");
    let (k3, _) = store.enqueue_new(&local("carol", 103), None, 7_000).expect("enqueue 3");
    let order: Vec<i64> = store.outbox().expect("outbox").iter().map(|i| i.key).collect();
    assert_eq!(order, vec![k1, k2, k3]);
    assert_eq!(store.outbox().expect("outbox")[0].request.message.random, 101);
    assert_eq!(store.pending_messages("C2Cbob").expect("pending").len(), 2);
    assert_eq!(
        store.find_message("local-101").expect("find").map(|m| m.status),
        Some(MessageStatus::UnSend)
    );

    // The inbox delivers my own first message before its ack: merged.
    let applied = store.apply_entries(&[entry(1, wire("alice", "bob", 1, 101))]).expect("apply");
    assert!(applied.received.is_empty());
    assert_eq!(applied.merged.len(), 1);
    assert_eq!(applied.merged[0].status, MessageStatus::Success);
    assert_eq!(applied.merged[0].id, "1-101");
    assert_eq!(store.find_message("local-101").expect("find").map(|m| m.id), Some("1-101".into()));
    let order: Vec<i64> = store.outbox().expect("outbox").iter().map(|i| i.key).collect();
    assert_eq!(order, vec![k2, k3]);
    // Its late ack changes nothing.
    assert!(store.complete_send(k1, &wire("alice", "bob", 1, 101)).expect("ack").is_none());

    // Ack first, inbox later: no announcement either.
    let ack =
        store.complete_send(k2, &wire("alice", "bob", 2, 102)).expect("ack").expect("changed");
    assert_eq!(ack.message.sequence, 2);
    let later = store.apply_entries(&[entry(2, wire("alice", "bob", 2, 102))]).expect("apply");
    assert!(later.received.is_empty() && later.merged.is_empty());

    // A rejection: fail, out of the outbox; requeue keeps the random.
    let (failed, _) = store.fail_send(k3).expect("fail").expect("changed");
    assert_eq!(failed.status, MessageStatus::Fail);
    assert!(store.outbox().expect("outbox").is_empty());
    store.requeue_failed(k3, 8_000).expect("requeue");
    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].request.message.random, 103);
}

#[test]
fn history_runs_serve_pages_locally() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    let entries: Vec<InboxEntry> =
        (10..=12).map(|s| entry(s - 9, wire("bob", "alice", s, 100 + s))).collect();
    store.apply_entries(&entries).expect("apply");
    // Three known, older ones unknown: the server must be asked.
    assert!(store.local_page("C2Cbob", None, 15).expect("page").is_none());
    // A full page inside the run is served.
    let (page, completed) = store.local_page("C2Cbob", None, 2).expect("page").expect("local");
    assert_eq!(page.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![11, 12]);
    assert!(!completed);

    // The server returns 5..=9 below 10, more exist.
    let fetched: Vec<WireMessage> = (5..=9).map(|s| wire("bob", "alice", s, 100 + s)).collect();
    let stored = store.store_fetched("C2Cbob", Some(10), &fetched, false).expect("store");
    assert_eq!(stored.len(), 5);
    let (page, completed) = store.local_page("C2Cbob", Some(12), 6).expect("page").expect("local");
    assert_eq!(page.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![6, 7, 8, 9, 10, 11]);
    assert!(!completed);
    assert!(store.local_page("C2Cbob", Some(5), 3).expect("page").is_none());

    // The rest, down to the first message.
    let fetched: Vec<WireMessage> = (1..=4).map(|s| wire("bob", "alice", s, 100 + s)).collect();
    store.store_fetched("C2Cbob", Some(5), &fetched, true).expect("store");
    let (page, completed) = store.local_page("C2Cbob", None, 15).expect("page").expect("local");
    assert_eq!(page.len(), 12);
    assert!(completed);
    let (page, completed) = store.local_page("C2Cbob", Some(3), 15).expect("page").expect("local");
    assert_eq!(page.iter().map(|m| m.sequence).collect::<Vec<_>>(), vec![1, 2]);
    assert!(completed);
    // Fetched history is not announced later by the inbox, and a message
    // fetched before its inbox entry is announced exactly once.
    let early = wire("bob", "alice", 13, 113);
    store.store_fetched("C2Cbob", None, std::slice::from_ref(&early), false).expect("store");
    let applied = store.apply_entries(&[entry(4, early)]).expect("apply");
    assert_eq!(applied.received.len(), 1);
    assert_eq!(store.total_unread().expect("total"), 4);
}

#[test]
fn deleting_clears_history_and_hides_the_conversation() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    store.apply_entries(&[entry(1, wire("bob", "alice", 1, 1))]).expect("apply");
    store.delete_conversations(&["C2Cbob".into()], true).expect("delete");
    assert!(store.conversations(None).expect("list").is_empty());
    assert!(store.find_message("1-1").expect("find").is_none());
    let (page, completed) = store.local_page("C2Cbob", None, 15).expect("page").expect("local");
    assert!(page.is_empty() && completed);
    // A new message brings it back, with nothing older.
    store.apply_entries(&[entry(2, wire("bob", "alice", 2, 2))]).expect("apply");
    let list = store.conversations(None).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].unread_count, 1);
    let (page, completed) = store.local_page("C2Cbob", None, 15).expect("page").expect("local");
    assert_eq!(page.len(), 1);
    assert!(completed);
}

#[test]
fn bootstrap_fills_conversations_and_sets_the_cursor() {
    let store = Store::open_in_memory("alice").expect("open");
    let state = ConversationState {
        conversation_id: "C2Cbob".into(),
        conversation_type: ConversationType::C2c,
        last_message: Some(wire("bob", "alice", 7, 77)),
        unread_count: 3,
        read_sequence: 4,
        peer_read_sequence: 0,
        cleared_sequence: 0,
        last_sequence: 7,
        update_time: 1_700_000_007,
    };
    let list = store.bootstrap(&[state], 42).expect("bootstrap");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].unread_count, 3);
    assert_eq!(list[0].last_message_summary().map(|l| l.message_for_show), Some("m7".to_owned()));
    assert_eq!(store.cursor().expect("cursor"), Some(42));
    // History below is unknown: ask the server.
    assert!(store.local_page("C2Cbob", None, 15).expect("page").is_none());
    // The bootstrap message does not come back as new through the inbox.
    let applied = store.apply_entries(&[entry(43, wire("bob", "alice", 7, 77))]).expect("apply");
    assert!(applied.received.is_empty());
    assert_eq!(store.total_unread().expect("total"), 3);
}

fn group_message(from: &str, group: &str, sequence: u64, random: u64) -> WireMessage {
    let m = wire(from, group, sequence, random);
    WireMessage { conversation_type: ConversationType::Group, ..m }
}

fn timeline(group: &str, head: u64, entries: Vec<(u64, InboxEvent)>) -> TimelinePage {
    TimelinePage {
        group_id: group.into(),
        entries: entries.into_iter().map(|(seq, event)| TimelineEntry { seq, event }).collect(),
        head,
    }
}

#[test]
fn group_cursors_start_empty_and_keep_the_first_position() {
    let store = Store::open_in_memory("alice").expect("open");
    assert!(store.group_cursors().expect("cursors").is_empty());
    store.follow_group("@TGS#2", 0).expect("follow");
    store.follow_group("@TGS#1", 3).expect("follow");
    store.follow_group("@TGS#1", 9).expect("follow again");
    assert_eq!(
        store.group_cursors().expect("cursors"),
        vec![
            TimelineCursor { group_id: "@TGS#1".into(), after: 3 },
            TimelineCursor { group_id: "@TGS#2".into(), after: 0 },
        ]
    );
}

#[test]
fn timeline_pages_apply_through_the_area_dispatch_and_move_only_their_cursor() {
    let store = Store::open_in_memory("alice").expect("open");
    store.follow_group("@TGS#1", 0).expect("follow");
    let first = group_message("bob", "@TGS#1", 1, 21);
    let mut edited = first.clone();
    edited.version = 1;
    edited.element = MessageElement::Text(TextPayload { text: "edited".into() });
    let page = timeline(
        "@TGS#1",
        5,
        vec![
            (1, InboxEvent::Message { message: first.clone() }),
            (2, InboxEvent::MessageModified { message: edited }),
        ],
    );
    let applied = store.apply_timeline_pages(std::slice::from_ref(&page)).expect("apply");
    assert_eq!(applied.received.len(), 1);
    assert_eq!(applied.received[0].conversation_id, "GROUP@TGS#1");
    assert_eq!(applied.received[0].conversation_type, ConversationType::Group);
    assert_eq!(applied.modified.len(), 1);
    assert_eq!(applied.conversations.len(), 1);
    assert_eq!(applied.conversations[0].conversation_id, "GROUP@TGS#1");
    assert_eq!(applied.conversations[0].unread_count, 1);
    assert!(applied.groups_behind, "the head (5) is past the cursor (2)");
    assert_eq!(
        store.group_cursors().expect("cursors"),
        vec![TimelineCursor { group_id: "@TGS#1".into(), after: 2 }]
    );
    // The inbox cursor is not the timeline's.
    assert_eq!(store.cursor().expect("cursor"), None);

    // The same page again: nothing stored or announced twice.
    let again = store.apply_timeline_pages(&[page]).expect("apply again");
    assert!(again.received.is_empty() && again.modified.is_empty());
    assert!(!again.groups_behind);

    // A gap stops the group; a group this store does not follow is ignored.
    let gap = timeline("@TGS#1", 5, vec![(4, InboxEvent::Message { message: first.clone() })]);
    let other = timeline(
        "@TGS#9",
        1,
        vec![(1, InboxEvent::Message { message: group_message("bob", "@TGS#9", 1, 22) })],
    );
    let skipped = store.apply_timeline_pages(&[gap, other]).expect("apply");
    assert!(skipped.received.is_empty() && skipped.conversations.is_empty());
    assert_eq!(store.group_cursors().expect("cursors")[0].after, 2);
    assert!(store.conversation("GROUP@TGS#9").expect("conversation").is_none());

    // Caught up: the next entry reaches the head.
    let last = timeline(
        "@TGS#1",
        3,
        vec![(3, InboxEvent::Message { message: group_message("carol", "@TGS#1", 2, 23) })],
    );
    let caught_up = store.apply_timeline_pages(&[last]).expect("apply");
    assert_eq!(caught_up.received.len(), 1);
    assert!(!caught_up.groups_behind);
    assert_eq!(store.total_unread().expect("total"), 2);

    // A group the answer's byte budget did not reach comes as an empty page
    // below its head: behind while another group moved on, and not when
    // nothing moved (no asking forever).
    store.follow_group("@TGS#2", 0).expect("follow");
    let moved = timeline(
        "@TGS#1",
        4,
        vec![(4, InboxEvent::Message { message: group_message("carol", "@TGS#1", 3, 24) })],
    );
    let unreached = timeline("@TGS#2", 7, Vec::new());
    let partial = store.apply_timeline_pages(&[moved, unreached.clone()]).expect("apply");
    assert!(partial.groups_behind, "@TGS#2 is below its head (7)");
    let stuck = store.apply_timeline_pages(&[unreached]).expect("apply");
    assert!(!stuck.groups_behind);
}

#[test]
fn mentions_and_name_cards_survive_the_local_store() {
    // Issue 12: atUserList and nameCard survive storage, whichever road a
    // message takes into the store.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = Store::path_for(dir.path(), 1400000000, "alice");
    let store = Store::open(&path, "alice").expect("open");
    store.follow_group("@TGS#1", 0).expect("follow");
    // From a group timeline.
    let mut received = group_message("bob", "@TGS#1", 1, 21);
    received.at_user_list = vec!["alice".into(), MSG_AT_ALL.into()];
    received.name_card = "Bobby".into();
    let page = timeline("@TGS#1", 1, vec![(1, InboxEvent::Message { message: received })]);
    let applied = store.apply_timeline_pages(std::slice::from_ref(&page)).expect("apply");
    assert_eq!(applied.received[0].at_user_list, ["alice", MSG_AT_ALL]);
    assert_eq!(applied.received[0].name_card, "Bobby");
    // Made here: through the outbox, into the request, and back from the
    // server's acknowledgement.
    let mut mine = local("@TGS#1", 31);
    mine.conversation_type = ConversationType::Group;
    mine.conversation_id = "GROUP@TGS#1".into();
    mine.at_user_list = vec!["bob".into()];
    let (key, _) = store.enqueue_new(&mine, None, 5_000).expect("enqueue");
    let outbox = store.outbox().expect("outbox");
    assert_eq!(outbox[0].request.message.at_user_list, ["bob"]);
    let mut acked = group_message("alice", "@TGS#1", 2, 31);
    acked.element = MessageElement::Text(TextPayload { text: "hi".into() });
    acked.at_user_list = vec!["bob".into()];
    acked.name_card = "Ally".into();
    store.complete_send(key, &acked).expect("ack").expect("changed");
    drop(store);
    // Read back after reopening the file.
    let store = Store::open(&path, "alice").expect("reopen");
    let theirs = store.find_message("1-21").expect("find").expect("stored");
    assert_eq!(
        (theirs.at_user_list, theirs.name_card),
        (vec!["alice".into(), MSG_AT_ALL.into()], "Bobby".into())
    );
    let ours = store.find_message("2-31").expect("find").expect("stored");
    assert_eq!((ours.at_user_list, ours.name_card), (vec!["bob".to_owned()], "Ally".to_owned()));
}

#[test]
fn recent_messages_are_the_newest_of_every_conversation_newest_first() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    let entries = vec![
        entry(1, wire("bob", "alice", 1, 11)),
        entry(2, wire("carol", "alice", 1, 21)),
        entry(3, wire("bob", "alice", 2, 12)),
    ];
    store.apply_entries(&entries).expect("apply");
    let ids = |list: Vec<Message>| list.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(store.recent_messages(10).expect("all")), ["2-12", "1-21", "1-11"]);
    assert_eq!(ids(store.recent_messages(2).expect("two")), ["2-12", "1-21"]);
    assert!(store.recent_messages(0).expect("none").is_empty());
}

#[test]
fn one_batch_remembers_each_sender_once_and_reads_its_messages_back_in_order() {
    let store = Store::open_in_memory("alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    // A profile event for bob sits between two of his messages with the
    // same nick: the later message still writes the nick it carries (the
    // batch's sender cache is forgotten at a profile event).
    let mut renamed = confab_proto::profile::Profile::empty(confab_proto::UserId::new("bob"));
    renamed.nick = "Robert".into();
    let entries = vec![
        entry(1, wire("bob", "alice", 1, 11)),
        entry(2, wire("carol", "alice", 1, 21)),
        InboxEntry { seq: 3, event: InboxEvent::ProfileUpdated { profile: renamed } },
        entry(4, wire("bob", "alice", 2, 12)),
        entry(5, wire("bob", "alice", 3, 13)),
    ];
    let applied = store.apply_entries(&entries).expect("apply");
    let texts: Vec<String> =
        applied.received.iter().map(|m| m.payload["text"].as_str().unwrap_or("").into()).collect();
    assert_eq!(texts, ["m1", "m1", "m2", "m3"], "every new message, in the order applied");
    let bob = store.profile("bob").expect("read").expect("bob known");
    assert_eq!(bob.nick, "BOB", "the last message's nick, as without the batch cache");
    assert_eq!(applied.conversations.len(), 2);
    let unread: u64 = applied.conversations.iter().map(|c| c.unread_count).sum();
    assert_eq!(unread, 4);
}

#[test]
fn a_batch_leaves_its_conversations_as_the_same_entries_one_by_one_do() {
    // Messages of two conversations, a read mark between them, a revoke,
    // mine and theirs: applied as one batch (conversation updates gathered
    // per run of messages) and one entry at a time, the stores agree.
    let read = |seq: u64, peer: &str, at: u64| InboxEntry {
        seq,
        event: InboxEvent::ConversationRead {
            conversation_id: format!("C2C{peer}").as_str().into(),
            read_sequence: at,
        },
    };
    let mut revoked = wire("bob", "alice", 2, 12);
    revoked.is_revoked = true;
    let entries = vec![
        entry(1, wire("bob", "alice", 1, 11)),
        entry(2, wire("bob", "alice", 2, 12)),
        entry(3, wire("carol", "alice", 1, 21)),
        read(4, "bob", 1),
        entry(5, wire("bob", "alice", 3, 13)),
        entry(6, wire("alice", "bob", 4, 14)),
        InboxEntry { seq: 7, event: InboxEvent::MessageRevoked { message: revoked } },
        entry(8, wire("carol", "alice", 2, 22)),
    ];
    let batch = Store::open_in_memory("alice").expect("open");
    batch.bootstrap(&[], 0).expect("bootstrap");
    batch.apply_entries(&entries).expect("batch");
    let single = Store::open_in_memory("alice").expect("open");
    single.bootstrap(&[], 0).expect("bootstrap");
    for e in &entries {
        single.apply_entries(std::slice::from_ref(e)).expect("one");
    }
    let view = |store: &Store| {
        store
            .conversations(None)
            .expect("list")
            .into_iter()
            .map(|c| {
                let last = c.last_message_summary().map(|l| l.last_sequence);
                (c.conversation_id.clone(), c.unread_count, last)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(view(&batch), view(&single));
    assert_eq!(batch.total_unread().expect("total"), single.total_unread().expect("total"));
    // The same history runs: the same local pages.
    for conversation in ["C2Cbob", "C2Ccarol"] {
        let page = |store: &Store| {
            store.local_page(conversation, None, 15).expect("page").map(|(page, completed)| {
                (page.iter().map(|m| m.sequence).collect::<Vec<_>>(), completed)
            })
        };
        assert_eq!(page(&batch), page(&single), "{conversation}");
    }
}

fn text_wire(from: &str, sequence: u64, text: &str) -> WireMessage {
    WireMessageSample::new(from, "alice")
        .id(format!("s{sequence}"))
        .sequence(sequence)
        .time(1_700_000_000 + i64::try_from(sequence).expect("small"))
        .random(100 + sequence)
        .text(text)
        .build()
}

fn found(store: &Store, keyword: &str) -> Vec<String> {
    let expression = search::match_expression(&[keyword.to_owned()], true).expect("a word");
    store
        .search_conversations(&expression)
        .expect("search")
        .into_iter()
        .map(|h| format!("{}:{}:{}", h.conversation_id, h.count, h.newest.id))
        .collect()
}

#[test]
fn the_search_index_follows_inserts_edits_deletes_and_a_migration_backfill() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("alice.sqlite");
    let store = Store::open(&path, "alice").expect("open");
    store.bootstrap(&[], 0).expect("bootstrap");
    store
        .apply_entries(&[
            entry(1, text_wire("bob", 1, "Meeting at noon")),
            entry(2, text_wire("bob", 2, "大家你好吗")),
            entry(3, text_wire("carol", 3, "meetings, again")),
        ])
        .expect("apply");
    assert_eq!(found(&store, "MEET"), ["C2Ccarol:1:s3", "C2Cbob:1:s1"]);
    assert_eq!(found(&store, "你好"), ["C2Cbob:1:s2"]);
    assert_eq!(found(&store, "你"), ["C2Cbob:1:s2"]);
    assert_eq!(found(&store, "好吗"), ["C2Cbob:1:s2"]);
    assert!(found(&store, "你们").is_empty());
    assert!(found(&store, "noonday").is_empty());

    // An edited text is found by its new words only.
    store
        .lock()
        .execute(
            "UPDATE messages SET element = ?1 WHERE id = 's1'",
            params![serde_json::to_string(&MessageElement::Text(TextPayload {
                text: "lunch at one".into()
            }))
            .expect("json")],
        )
        .expect("edit");
    assert_eq!(found(&store, "meet"), ["C2Ccarol:1:s3"]);
    assert_eq!(found(&store, "lunch"), ["C2Cbob:1:s1"]);

    // Deleted rows leave the index.
    store.lock().execute("DELETE FROM messages WHERE id = 's3'", []).expect("delete");
    assert!(found(&store, "meet").is_empty());

    // A store from before the index (version 16) is indexed by the migration.
    {
        let conn = store.lock();
        conn.execute_batch(
            "DROP TRIGGER message_search_insert; DROP TRIGGER message_search_update;
             DROP TRIGGER message_search_delete; DROP TABLE message_search;
             DROP TABLE IF EXISTS message_search_content;
             PRAGMA user_version = 16;",
        )
        .expect("undo 0017");
    }
    drop(store);
    let store = Store::open(&path, "alice").expect("reopen and migrate");
    assert_eq!(found(&store, "lunch"), ["C2Cbob:1:s1"]);
    assert_eq!(found(&store, "大家"), ["C2Cbob:1:s2"]);
}
