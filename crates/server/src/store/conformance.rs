//! The store's contract, as one suite every backend runs: a backend's test
//! module invokes [`store_conformance_suite!`] with a [`StoreFactory`], and
//! gets one test per case here. The cases drive the services (the rules,
//! through `ctx.store.<operation>`) over the backend's primitives, and the
//! primitives and reads directly where no service uses them yet (group
//! timelines), asserting what a client of the store sees: answers, pushes
//! and later reads. Nothing here may depend on how a backend stores things.

use crate::fanout::{Audience, Delivery, Fanout, SessionId};
use crate::services::message::NewMessage;
use crate::store::{group_key, EventRecord, Store, StoreError};
use confab_proto::frame::Push;
use confab_proto::inbox::{InboxEvent, TimelinePage};
use confab_proto::message::{MessageControlInfo, MessageElement, Priority, TextPayload};
use confab_proto::profile::ProfilePatch;
use confab_proto::{ConversationId, UserId};
use std::sync::{Arc, Mutex};

/// Opens fresh, empty stores of one backend for the suite.
pub(crate) trait StoreFactory {
    /// What keeps the store's files (or database) alive while a case runs.
    type Guard: Send;

    /// A fresh, empty store committing at most `max_batch` writes at once
    /// and handing its pushes to `fanout`.
    fn open(max_batch: usize, fanout: Arc<dyn Fanout>) -> (Arc<dyn Store>, Self::Guard);
}

/// A fan-out that records what it is given.
#[derive(Default)]
pub(crate) struct Recorder(Mutex<Vec<Delivery>>);

impl Fanout for Recorder {
    fn deliver(&self, deliveries: Vec<Delivery>) {
        self.0.lock().expect("recorder lock").extend(deliveries);
    }
}

impl Recorder {
    /// Everything delivered since the last call.
    pub(crate) fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.0.lock().expect("recorder lock"))
    }
}

struct Fixture<G> {
    store: Arc<dyn Store>,
    pushes: Arc<Recorder>,
    _guard: G,
}

fn open<F: StoreFactory>(max_batch: usize) -> Fixture<F::Guard> {
    let pushes = Arc::new(Recorder::default());
    let (store, guard) = F::open(max_batch, pushes.clone());
    Fixture { store, pushes, _guard: guard }
}

/// A user ID.
pub(crate) fn user(id: &str) -> UserId {
    UserId::new(id)
}

/// A text message from `from` to `to`.
pub(crate) fn text(from: &str, to: &str, random: u64, body: &str) -> NewMessage {
    NewMessage {
        from: user(from),
        to: user(to),
        random,
        client_time: 1_700_000_000,
        element: MessageElement::Text(TextPayload { text: body.into() }),
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        at_user_list: Vec::new(),
        control: MessageControlInfo::default(),
        online_user_only: false,
        require_friendship: false,
        time: 1_700_000_000,
        origin: Some(SessionId(1)),
    }
}

/// Creates the users, each new.
pub(crate) async fn users(store: &dyn Store, ids: &[&str]) {
    for id in ids {
        assert!(store.ensure_user(user(id), 1).await.expect("ensure"));
    }
}

fn inbox_seqs(deliveries: &[Delivery], who: &str) -> Vec<u64> {
    deliveries
        .iter()
        .filter(|d| d.user().map(UserId::as_str) == Some(who))
        .filter_map(|d| match d.push.as_ref() {
            Push::Inbox(entry) => Some(entry.seq),
            _ => None,
        })
        .collect()
}

/// Conformance case (see the module docs).
pub(crate) async fn sequences_ids_and_inboxes_are_gap_free<F: StoreFactory>() {
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob", "carol"]).await;
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
    // IDs are the clients' (sender, client time, random), not row numbers.
    assert_eq!(results[0].message.id.as_str(), "alice-1700000000-1");
    assert_eq!(results[4].message.id.as_str(), "carol-1700000000-1");
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

/// Conformance case (see the module docs).
pub(crate) async fn a_repeated_random_returns_the_original_and_changes_nothing<F: StoreFactory>() {
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
    let first = f.store.send_message(text("alice", "bob", 42, "once")).await.expect("send");
    assert!(!first.duplicate);
    let again = f.store.send_message(text("alice", "bob", 42, "twice?")).await.expect("send");
    assert!(again.duplicate);
    assert_eq!(again.message, first.message);
    assert_eq!(f.store.inbox_head(user("bob")).await.expect("head"), 1);
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert_eq!(page.messages.len(), 1);
    assert_eq!(first.message.id.as_str(), "alice-1700000000-42", "the ID the client made");
    // The same random from another sender is another message.
    users(&*f.store, &["carol"]).await;
    let other = f.store.send_message(text("carol", "bob", 42, "mine")).await.expect("send");
    assert!(!other.duplicate);
    // So is the same random from alice in another second: the window in
    // which a repeated random is a resend is the ID's (one second of the
    // client's clock), not forever.
    let later = NewMessage { client_time: 1_700_000_001, ..text("alice", "bob", 42, "new") };
    let later = f.store.send_message(later).await.expect("send");
    assert!(!later.duplicate);
    assert_eq!(later.message.id.as_str(), "alice-1700000001-42");
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert_eq!(page.messages.len(), 2);
}

/// Conformance case (see the module docs).
pub(crate) async fn a_refused_write_does_not_disturb_its_batch<F: StoreFactory>() {
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob"]).await;
    let ok1 = f.store.send_message(text("alice", "bob", 1, "1"));
    let bad = f.store.send_message(text("alice", "nobody", 2, "?"));
    let ok2 = f.store.send_message(text("alice", "bob", 3, "3"));
    assert_eq!(ok1.await.expect("ok1").message.sequence, 1);
    assert!(matches!(bad.await, Err(StoreError::UserNotFound(u)) if u.as_str() == "nobody"));
    assert_eq!(ok2.await.expect("ok2").message.sequence, 2);
    assert_eq!(inbox_seqs(&f.pushes.take(), "alice"), vec![1, 2]);
}

/// Conformance case (see the module docs).
pub(crate) async fn paging_and_cleared_history<F: StoreFactory>() {
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn reading_tells_the_reader_and_the_peer<F: StoreFactory>() {
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
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
        .filter_map(|d| match (d.user(), d.push.as_ref().clone()) {
            (Some(user), Push::Inbox(e)) => Some((user.0.clone(), e.event)),
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

/// Conformance case (see the module docs).
pub(crate) async fn reading_everything_clearing_and_c2c_receipts<F: StoreFactory>() {
    use confab_proto::conversation::ReadAllScope;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol"]).await;
    let mut asked = text("alice", "bob", 1, "read me");
    asked.need_read_receipt = true;
    let asked = f.store.send_message(asked).await.expect("send").message;
    f.store.send_message(text("alice", "bob", 2, "2")).await.expect("send");
    f.store.send_message(text("carol", "bob", 3, "hi")).await.expect("send");

    // Reading every C2C conversation: both, each told to its peer.
    let read = f.store.set_all_message_read(user("bob"), ReadAllScope::C2c).await.expect("read");
    let ids: Vec<_> = read.iter().map(|r| r.conversation_id.as_str()).collect();
    assert_eq!(ids, ["C2Calice", "C2Ccarol"]);
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    assert!(list.iter().all(|c| c.unread_count == 0));
    let again = f.store.set_all_message_read(user("bob"), ReadAllScope::All).await.expect("read");
    assert!(again.is_empty(), "nothing left to read");

    // A receipt: told to the sender once, and readable by both.
    f.pushes.take();
    let receipts = f
        .store
        .send_read_receipts(user("bob"), "C2Calice".into(), vec![asked.id.0.clone()], 5)
        .await
        .expect("receipt");
    assert!(receipts[0].is_peer_read);
    let told = f.pushes.take().into_iter().any(|d| {
        d.user().map(UserId::as_str) == Some("alice")
            && matches!(d.push.as_ref(), Push::Inbox(e) if matches!(e.event, InboxEvent::ReadReceipt { .. }))
    });
    assert!(told, "alice hears bob's receipt");
    let twice = f
        .store
        .send_read_receipts(user("bob"), "C2Calice".into(), vec![asked.id.0.clone()], 6)
        .await
        .expect("again");
    assert!(twice.is_empty());
    let state = f
        .store
        .read_receipts(user("alice"), "C2Cbob".into(), vec![asked.id.0.clone()])
        .await
        .expect("state");
    assert!(state[0].is_peer_read);

    // Clearing keeps the conversation, empties it for bob only.
    let cleared =
        f.store.clear_history_message(user("bob"), "C2Calice".into()).await.expect("clear");
    assert_eq!(cleared.cleared_sequence, 2);
    let page = f.store.message_list(user("bob"), "C2Calice".into(), None, 20).await.expect("page");
    assert!(page.messages.is_empty() && page.is_completed);
    let (list, _) = f.store.conversation_list(user("bob")).await.expect("list");
    let alice = list.iter().find(|c| c.conversation_id.as_str() == "C2Calice").expect("listed");
    assert!(alice.last_message.is_none());
    let theirs =
        f.store.message_list(user("alice"), "C2Cbob".into(), None, 20).await.expect("page");
    assert_eq!(theirs.messages.len(), 2);
    assert!(matches!(
        f.store.clear_history_message(user("bob"), "C2Cdave".into()).await,
        Err(StoreError::ConversationNotFound(_))
    ));
}

/// Conformance case (see the module docs).
pub(crate) async fn online_only_messages_are_delivered_not_stored<F: StoreFactory>() {
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn blacklists_keep_their_order_tell_the_owner_and_stop_messages_both_ways<
    F: StoreFactory,
>() {
    use crate::services::relation::BlacklistChange::{Add, Remove};
    use confab_proto::inbox::InboxEvent;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol"]).await;
    let ids = |names: &[&str]| names.iter().map(|n| user(n)).collect::<Vec<_>>();
    let list = f.store.change_blacklist(user("alice"), ids(&["carol", "bob"]), Add, 5).await;
    assert_eq!(list.expect("add").user_id_list, ids(&["carol", "bob"]), "in the order added");
    // Again with one new: only that one is told.
    f.pushes.take();
    let list = f.store.change_blacklist(user("alice"), ids(&["bob"]), Add, 6).await.expect("again");
    assert_eq!(list.user_id_list, ids(&["carol", "bob"]));
    assert!(f.pushes.take().is_empty(), "no change, no event");
    let unknown = f.store.change_blacklist(user("alice"), ids(&["nobody"]), Add, 7).await;
    assert!(matches!(unknown, Err(StoreError::UserNotFound(_))));
    for (from, to) in [("bob", "alice"), ("alice", "bob")] {
        let refused = f.store.send_message(text(from, to, 1, "hi")).await.expect_err("blocked");
        assert!(matches!(refused, StoreError::Refused(ref e)
            if e.code == confab_proto::code::ERR_SVR_MSG_IN_PEER_BLACKLIST));
    }
    let list = f.store.change_blacklist(user("alice"), ids(&["carol"]), Remove, 8).await;
    assert_eq!(list.expect("remove").user_id_list, ids(&["bob"]));
    let pushes = f.pushes.take();
    assert!(matches!(&*pushes[0].push, Push::Inbox(entry)
        if entry.event == InboxEvent::BlacklistRemoved { user_id_list: ids(&["carol"]) }));
    assert_eq!(f.store.blacklist(user("alice")).await.expect("read"), ids(&["bob"]));
    assert!(f.store.blacklist(user("bob")).await.expect("read").is_empty(), "one-sided");
    f.store.send_message(text("carol", "alice", 2, "hi")).await.expect("carol is not blocked");
}

/// Conformance case (see the module docs): an administrator's add waives
/// the peer's `allowType` and nothing else, and the lists keep when each
/// entry began (the REST API's `Tag_SNS_IM_AddTime`, `AddBlackTimeStamp`).
pub(crate) async fn an_administrators_add_needs_no_consent_and_entries_keep_their_times<
    F: StoreFactory,
>() {
    use crate::services::relation::BlacklistChange::Add;
    use confab_proto::code;
    use confab_proto::constants::types;
    use confab_proto::relation::{AddFriend, AddType, ADD_FRIEND_PENDING};
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol", "dave", "erin"]).await;
    let add = |to: &str| AddFriend {
        to: user(to),
        source: "AddSource_Type_Admin".into(),
        ..AddFriend::default()
    };
    let deny = ProfilePatch {
        allow_type: Some(types::ALLOW_TYPE_DENY_ANY.into()),
        admin_forbid_type: Some(types::FORBID_TYPE_SEND_OUT.into()),
        ..ProfilePatch::default()
    };
    f.store.update_profile(user("erin"), deny.clone(), 2).await.expect("erin denies");
    f.store.update_profile(user("dave"), deny, 2).await.expect("dave may not ask");
    // bob needs to confirm (the default): a plain add waits, a waived one
    // adds both ways at once and ends the request.
    let asked = f.store.add_friend(user("alice"), add("bob"), 10).await.expect("ask");
    assert_eq!(asked.code, ADD_FRIEND_PENDING);
    let added = f.store.add_friend_without_consent(user("alice"), add("bob"), 11).await;
    assert_eq!(added.expect("forced").code, 0);
    assert!(f
        .store
        .friend_requests(user("bob"))
        .await
        .expect("requests")
        .friend_application_list
        .is_empty());
    refused_with(
        f.store.add_friend(user("alice"), add("erin"), 12).await,
        code::ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY,
    );
    refused_with(
        f.store.add_friend(user("dave"), add("carol"), 12).await,
        code::FRIEND_REQUEST_FORBIDDEN,
    );
    let single = AddFriend { add_type: AddType::Single, ..add("erin") };
    f.store.add_friend_without_consent(user("alice"), single, 13).await.expect("forced");
    f.store.add_friend_without_consent(user("dave"), add("carol"), 14).await.expect("forced");
    // What still refuses: an existing friendship and a blacklist.
    refused_with(
        f.store.add_friend_without_consent(user("alice"), add("bob"), 15).await,
        code::ALREADY_MY_FRIEND,
    );
    f.store.change_blacklist(user("carol"), vec![user("alice")], Add, 16).await.expect("block");
    refused_with(
        f.store.add_friend_without_consent(user("alice"), add("carol"), 17).await,
        code::ERR_SVR_MSG_IN_PEER_BLACKLIST,
    );
    // A changed friend keeps its time.
    f.store
        .update_friend(user("alice"), user("bob"), Some("B".into()), Vec::new(), 18)
        .await
        .expect("remark");
    let times = f.store.relation_times(user("alice")).await.expect("alice's");
    assert_eq!(times.friends, [(user("bob"), 11), (user("erin"), 13)]);
    assert!(times.blacklist.is_empty());
    let times = f.store.relation_times(user("bob")).await.expect("bob's");
    assert_eq!(times.friends, [(user("alice"), 11)]);
    assert!(f.store.relation_times(user("erin")).await.expect("erin's").friends.is_empty());
    let times = f.store.relation_times(user("carol")).await.expect("carol's");
    assert_eq!(times.blacklist, [(user("alice"), 16)]);
    assert_eq!(times.friends, [(user("dave"), 14)], "dave's add was two-way");
}

fn refused_with<T: std::fmt::Debug>(result: Result<T, StoreError>, want: i32) {
    match result {
        Err(StoreError::Refused(e)) => assert_eq!(e.code, want, "{}", e.message),
        other => panic!("expected {want}, got {other:?}"),
    }
}

fn inbox_events(deliveries: &[Delivery], who: &str) -> Vec<InboxEvent> {
    deliveries
        .iter()
        .filter(|d| d.user().map(UserId::as_str) == Some(who))
        .filter_map(|d| match d.push.as_ref() {
            Push::Inbox(entry) => Some(entry.event.clone()),
            _ => None,
        })
        .collect()
}

/// Conformance case (see the module docs): requests, acceptance, groups,
/// deletion, the blacklist's end of a friendship, and profile news to
/// friends (checklist 507, 509, 551–561, 599–605, 623–649).
pub(crate) async fn friends_requests_and_groups_follow_the_rules_and_tell_each_side<
    F: StoreFactory,
>() {
    use crate::services::relation::{BlacklistChange, GroupMembers};
    use confab_proto::code;
    use confab_proto::relation::{
        AddFriend, AddType, ApplicationType, DeleteType, ResponseAction, ADD_FRIEND_PENDING,
    };
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol"]).await;
    let ids = |names: &[&str]| names.iter().map(|n| user(n)).collect::<Vec<_>>();
    let add = |to: &str| AddFriend {
        to: user(to),
        source: "AddSource_Type_Web".into(),
        wording: "hi".into(),
        remark: "B".into(),
        group_name: "Work".into(),
        ..AddFriend::default()
    };

    // Every profile starts NeedConfirm: a request, seen from both sides.
    let asked = f.store.add_friend(user("alice"), add("bob"), 10).await.expect("ask");
    assert_eq!(asked.code, ADD_FRIEND_PENDING);
    let pushes = f.pushes.take();
    assert!(
        matches!(&inbox_events(&pushes, "bob")[..], [InboxEvent::FriendApplicationUpdated { application }]
        if application.user_id == user("alice") && application.application_type == ApplicationType::ComeIn)
    );
    assert!(
        matches!(&inbox_events(&pushes, "alice")[..], [InboxEvent::FriendApplicationUpdated { application }]
        if application.user_id == user("bob") && application.application_type == ApplicationType::SendOut)
    );
    let bobs = f.store.friend_requests(user("bob")).await.expect("read");
    assert_eq!((bobs.unread_count, bobs.unread_user_id_list.clone()), (1, ids(&["alice"])));
    assert_eq!(bobs.friend_application_list[0].wording, "hi");
    f.store.set_friend_requests_read(user("bob")).await.expect("read");
    assert_eq!(f.store.friend_requests(user("bob")).await.expect("read").unread_count, 0);

    // Accepting and adding back: both lists, with the requester's remark and group.
    let refused = f
        .store
        .accept_friend_request(user("bob"), user("carol"), ResponseAction::Agree, String::new(), 11)
        .await;
    refused_with(refused, code::FRIEND_APPLICATION_NOT_EXIST);
    f.pushes.take();
    f.store
        .accept_friend_request(
            user("bob"),
            user("alice"),
            ResponseAction::AgreeAndAdd,
            "A".into(),
            12,
        )
        .await
        .expect("accept");
    let alices = f.store.friends(user("alice"), None).await.expect("friends");
    assert_eq!(alices.len(), 1);
    assert_eq!(
        (alices[0].remark.as_str(), alices[0].group_list.clone()),
        ("B", vec!["Work".into()])
    );
    let bobs = f.store.friends(user("bob"), None).await.expect("friends");
    assert_eq!((bobs[0].user_id.clone(), bobs[0].remark.as_str()), (user("alice"), "A"));
    let pushes = f.pushes.take();
    let alice_events = inbox_events(&pushes, "alice");
    assert!(alice_events.iter().any(
        |e| matches!(e, InboxEvent::FriendUpdated { friend } if friend.user_id == user("bob"))
    ));
    assert!(alice_events.iter().any(|e| matches!(e, InboxEvent::FriendGroupUpdated { friend_group } if friend_group.name == "Work")));
    assert!(alice_events.iter().any(|e| matches!(
        e,
        InboxEvent::FriendApplicationDeleted { application_type: ApplicationType::SendOut, .. }
    )));
    assert!(f
        .store
        .friend_requests(user("alice"))
        .await
        .expect("read")
        .friend_application_list
        .is_empty());
    refused_with(f.store.add_friend(user("alice"), add("bob"), 13).await, code::ALREADY_MY_FRIEND);

    // carol allows anyone: a one-way add changes alice's list only.
    let patch =
        ProfilePatch { allow_type: Some("AllowType_Type_AllowAny".into()), ..Default::default() };
    f.store.update_profile(user("carol"), patch, 14).await.expect("allow any");
    let single = AddFriend { add_type: AddType::Single, group_name: String::new(), ..add("carol") };
    assert_eq!(f.store.add_friend(user("alice"), single, 15).await.expect("add").code, 0);
    let rel =
        f.store.friend_relations(user("carol"), ids(&["alice", "nobody"])).await.expect("rel");
    assert!(!rel[0].a_has_b && rel[0].b_has_a && !rel[1].exists);
    let patch =
        ProfilePatch { allow_type: Some("AllowType_Type_DenyAny".into()), ..Default::default() };
    f.store.update_profile(user("carol"), patch, 16).await.expect("deny any");
    refused_with(
        f.store.add_friend(user("bob"), add("carol"), 17).await,
        code::ERR_SVR_FRIENDSHIP_ALLOW_TYPE_DENY_ANY,
    );

    // A friend's new profile reaches alice; groups follow their friends.
    f.pushes.take();
    let patch = ProfilePatch { nick: Some("Bobby".into()), ..Default::default() };
    f.store.update_profile(user("bob"), patch, 18).await.expect("nick");
    assert!(
        matches!(&inbox_events(&f.pushes.take(), "alice")[..], [InboxEvent::ProfileUpdated { profile }]
        if profile.nick == "Bobby")
    );
    let made = f
        .store
        .change_friend_group(
            user("alice"),
            "Close".into(),
            ids(&["carol", "bob", "nobody"]),
            GroupMembers::Create,
        )
        .await
        .expect("create");
    assert_eq!(made.friend_group.user_id_list, ids(&["carol", "bob"]));
    assert_eq!(made.failure_user_id_list[0].code, code::NOT_MY_FRIEND);
    refused_with(
        f.store
            .change_friend_group(user("alice"), "Close".into(), vec![], GroupMembers::Create)
            .await,
        code::FRIEND_GROUP_EXISTED,
    );
    let renamed = f.store.rename_friend_group(user("alice"), "Close".into(), "Inner".into()).await;
    assert_eq!(renamed.expect("rename").user_id_list, ids(&["carol", "bob"]));
    refused_with(
        f.store.rename_friend_group(user("alice"), "Close".into(), "X".into()).await,
        code::FRIEND_GROUP_NOT_EXIST,
    );
    let groups = f.store.friend_groups(user("alice")).await.expect("groups");
    assert_eq!(groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Work", "Inner"]);

    // Deleting carol (one-way: she never had alice) takes her out of groups.
    let gone =
        f.store.delete_friends(user("alice"), ids(&["carol", "bob"]), DeleteType::Single).await;
    let gone = gone.expect("delete");
    assert_eq!(gone.success_user_id_list.len(), 2);
    let groups = f.store.friend_groups(user("alice")).await.expect("groups");
    assert!(groups.iter().all(|g| g.user_id_list.is_empty()), "{groups:?}");
    assert_eq!(f.store.friends(user("bob"), None).await.expect("bob's").len(), 1, "single delete");

    // A blacklist ends what is left (bob has alice) and blocks requests.
    f.store
        .add_friend(user("bob"), AddFriend { group_name: String::new(), ..add("alice") }, 19)
        .await
        .expect_err("bob has alice already");
    f.pushes.take();
    f.store
        .change_blacklist(user("alice"), ids(&["bob"]), BlacklistChange::Add, 20)
        .await
        .expect("block");
    assert!(f.store.friends(user("bob"), None).await.expect("bob's").is_empty());
    assert!(inbox_events(&f.pushes.take(), "bob")
        .iter()
        .any(|e| matches!(e, InboxEvent::FriendDeleted { user_id_list } if *user_id_list == ids(&["alice"]))));
    refused_with(
        f.store.add_friend(user("bob"), add("alice"), 21).await,
        code::ERR_SVR_MSG_IN_PEER_BLACKLIST,
    );
}

/// Conformance case (see the module docs): a user's conversation settings
/// are kept per user, all 64 mark bits survive, and settings back at their
/// defaults are forgotten.
pub(crate) async fn conversation_settings_are_per_user_and_keep_every_mark_bit<F: StoreFactory>() {
    use crate::services::conversation_settings::RemindTarget;
    use confab_proto::conversation::RemindType;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
    f.store.send_message(text("bob", "alice", 1, "hi")).await.expect("a conversation");
    let conv = ConversationId::from("C2Cbob");
    f.store.pin_conversation(user("alice"), conv.clone(), true, 1_000).await.expect("pin");
    let marks = f.store.mark_conversations(user("alice"), vec![conv.clone()], 1 << 63, true).await;
    assert_eq!(marks.expect("mark").success_conversation_id_list, std::slice::from_ref(&conv));
    let target = RemindTarget::Users(vec![user("bob")]);
    f.store.set_remind_type(user("alice"), target, RemindType::Discard).await.expect("remind");
    let all = f.store.conversation_settings(user("alice")).await.expect("read");
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].pin_time, all[0].mark_list.clone()), (1_000, vec![1 << 63]));
    assert_eq!(all[0].message_remind_type, RemindType::Discard);
    assert!(f.store.conversation_settings(user("bob")).await.expect("read").is_empty(), "per user");
    // Back to the defaults: nothing kept.
    f.store.pin_conversation(user("alice"), conv.clone(), false, 2_000).await.expect("unpin");
    f.store
        .mark_conversations(user("alice"), vec![conv.clone()], 1 << 63, false)
        .await
        .expect("unmark");
    let target = RemindTarget::Users(vec![user("bob")]);
    f.store
        .set_remind_type(user("alice"), target, RemindType::AcceptAndNotify)
        .await
        .expect("remind");
    assert!(f.store.conversation_settings(user("alice")).await.expect("read").is_empty());
}

/// Conformance case (see the module docs).
pub(crate) async fn accounts_and_profiles<F: StoreFactory>() {
    let f = open::<F>(8);
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
    users(&*f.store, &["bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn files_are_granted_by_upload_and_by_messages_and_never_by_naming_them<
    F: StoreFactory,
>() {
    use crate::store::FileAccess;
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob", "carol"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn an_avatar_file_is_open_to_everyone_while_it_is_an_avatar<F: StoreFactory>() {
    use crate::store::FileAccess;
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob"]).await;
    let face = "a".repeat(64);
    let theirs = "b".repeat(64);
    f.store.record_file(stored_file(&face), user("alice"), Vec::new()).await.expect("face");
    f.store.record_file(stored_file(&theirs), user("bob"), Vec::new()).await.expect("bob's");
    let avatar = |url: String| ProfilePatch { avatar: Some(url), ..ProfilePatch::default() };
    let access = |who: &'static str, id: &String| f.store.file_access(user(who), id.clone());

    // Nobody makes a file they cannot download their avatar.
    let refused =
        f.store.update_profile(user("alice"), avatar(format!("http://h/files/{theirs}")), 10).await;
    assert!(matches!(refused, Err(StoreError::FileAccessDenied(x)) if x == theirs));
    assert_eq!(access("alice", &theirs).await.expect("read"), FileAccess::Denied);
    let profiles = f.store.profiles(vec![user("alice")]).await.expect("profile");
    assert_eq!(profiles[0].avatar, "", "the refused avatar left nothing behind");

    // Alice's own upload: everyone may see it while it is her avatar, and
    // garbage collection keeps it (not bob's unnamed file).
    f.store
        .update_profile(user("alice"), avatar(format!("https://h/files/{face}/me.png")), 11)
        .await
        .expect("avatar");
    assert!(matches!(access("bob", &face).await.expect("read"), FileAccess::Granted(_)));
    let removed = f.store.collect_unnamed_files(i64::MAX).await.expect("collect");
    assert_eq!(removed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [theirs.as_str()]);

    // Another avatar (a URL elsewhere) ends it.
    f.store
        .update_profile(user("alice"), avatar("https://example.invalid/me.png".into()), 12)
        .await
        .expect("outside avatar");
    assert_eq!(access("bob", &face).await.expect("read"), FileAccess::Denied);
    let removed = f.store.collect_unnamed_files(i64::MAX).await.expect("collect");
    assert_eq!(removed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [face.as_str()]);
}

/// Conformance case (see the module docs).
pub(crate) async fn a_merger_body_grants_the_files_it_names<F: StoreFactory>() {
    use crate::store::FileAccess;
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob", "carol"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn only_the_sender_changes_the_payload_either_side_changes_cloud_custom_data<
    F: StoreFactory,
>() {
    use confab_proto::ops::ModifyMessage;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn sync_pages_are_capped_in_bytes_and_cover_the_inbox_exactly_once<
    F: StoreFactory,
>() {
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn garbage_collection_forgets_unnamed_files_past_the_grace_period_only<
    F: StoreFactory,
>() {
    use crate::store::{FileAccess, FileUsage};
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob"]).await;
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

/// Conformance case (see the module docs).
pub(crate) async fn group_timelines_keep_their_own_sequence_and_page_after_a_cursor<
    F: StoreFactory,
>() {
    let f = open::<F>(64);
    users(&*f.store, &["alice", "bob"]).await;
    let empty = f.store.timeline_page("@TGS#1".into(), 0, 100, usize::MAX).await.expect("page");
    assert_eq!((empty.entries.len(), empty.head), (0, 0), "an unknown group's page is empty");
    // A message to reshape into a group's (groups cannot be sent to yet).
    let mut message =
        f.store.send_message(text("alice", "bob", 1, "hello group")).await.expect("send").message;
    message.conversation_type = confab_proto::message::ConversationType::Group;
    message.to = "@TGS#1".into();
    let pushed = message.clone();
    let bob_head = f.store.inbox_head(user("bob")).await.expect("head");
    f.pushes.take();
    // A group message is stored once and its timeline entry refers to it;
    // other events are stored as they are. Nobody's inbox is written.
    let (first, second) = f
        .store
        .transact(move |tx| {
            let key = group_key("@TGS#1");
            message.sequence = tx.next_conversation_sequence(&key)?;
            let row = tx.next_message_row()?;
            message.id = confab_proto::MessageId(format!("alice-{}-1", row.0));
            message.random = 2;
            tx.insert_message(row, &key, &message)?;
            let first = tx.append_timeline("@TGS#1", EventRecord::Message(row))?;
            let revoked = InboxEvent::MessageRevoked { message };
            let second = tx.append_timeline("@TGS#1", EventRecord::Event(&revoked))?;
            tx.publish(Delivery {
                audience: Audience::Group("@TGS#1".into()),
                push: Arc::new(Push::Transient { message: pushed }),
                skip: None,
            });
            Ok((first, second))
        })
        .await
        .expect("append");
    assert_eq!((first, second), (1, 2));
    let other = f
        .store
        .transact(|tx| {
            let read = InboxEvent::ConversationRead {
                conversation_id: "GROUP@TGS#2".into(),
                read_sequence: 0,
            };
            tx.append_timeline("@TGS#2", EventRecord::Event(&read))
        })
        .await
        .expect("append");
    assert_eq!(other, 1, "every group counts from 1");
    let pushes = f.pushes.take();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].audience, Audience::Group("@TGS#1".into()));
    assert_eq!(f.store.inbox_head(user("bob")).await.expect("head"), bob_head);

    let all = f.store.timeline_page("@TGS#1".into(), 0, 100, usize::MAX).await.expect("page");
    assert_eq!((all.group_id.as_str(), all.head), ("@TGS#1", 2));
    assert_eq!(all.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    match &all.entries[0].event {
        InboxEvent::Message { message } => {
            assert_eq!((message.sequence, message.id.as_str()), (1, "alice-2-1"));
            assert_eq!(message.to, "@TGS#1");
        }
        other => panic!("expected the stored message, got {other:?}"),
    }
    assert!(matches!(all.entries[1].event, InboxEvent::MessageRevoked { .. }));
    let after = f.store.timeline_page("@TGS#1".into(), 1, 100, usize::MAX).await.expect("page");
    assert_eq!(after.entries.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2]);
    let limited = f.store.timeline_page("@TGS#1".into(), 0, 1, usize::MAX).await.expect("page");
    assert_eq!((limited.entries.len(), limited.head), (1, 2));
    // A byte cap still lets one entry through, so a reader always moves on.
    let capped = f.store.timeline_page("@TGS#1".into(), 0, 100, 1).await.expect("page");
    assert_eq!(capped.entries.len(), 1);

    // Several groups share one budget: all of it fits a large one; a tiny
    // one gives the first group one entry and the next its head only.
    let cursors = vec![("@TGS#1".to_owned(), 0), ("@TGS#2".to_owned(), 0)];
    let both = f.store.timeline_pages(cursors.clone(), 100, usize::MAX).await.expect("pages");
    let seqs = |p: &TimelinePage| p.entries.iter().map(|e| e.seq).collect::<Vec<_>>();
    assert_eq!(both.iter().map(seqs).collect::<Vec<_>>(), vec![vec![1, 2], vec![1]]);
    let tight = f.store.timeline_pages(cursors, 100, 1).await.expect("pages");
    assert_eq!(tight.iter().map(seqs).collect::<Vec<_>>(), vec![vec![1], vec![]]);
    assert_eq!((tight[1].group_id.as_str(), tight[1].head), ("@TGS#2", 1));
}

/// Conformance case (see the module docs): `atUserList` and `nameCard`
/// come back from every read as they were written (issue 12: "atUserList
/// and nameCard survive storage").
pub(crate) async fn mentions_and_name_cards_survive_storage<F: StoreFactory>() {
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
    // Through the message service (the handler refuses mentions on C2C;
    // the service and the store keep whatever they are given).
    let mentioned = NewMessage {
        at_user_list: vec!["bob".into(), confab_proto::constants::types::MSG_AT_ALL.into()],
        ..text("alice", "bob", 1, "@bob @all")
    };
    let sent = f.store.send_message(mentioned).await.expect("send").message;
    assert_eq!(sent.at_user_list, ["bob", confab_proto::constants::types::MSG_AT_ALL]);
    let page = f
        .store
        .message_list(user("bob"), ConversationId::c2c(&user("alice")), None, 10)
        .await
        .expect("history");
    assert_eq!(page.messages, std::slice::from_ref(&sent));
    let sync = f.store.sync(user("bob"), 0, 10, usize::MAX).await.expect("sync");
    assert!(matches!(&sync.entries[0].event, InboxEvent::Message { message } if *message == sent));

    // A group message with the sender's name card, on a group timeline.
    let mut message = sent;
    message.conversation_type = confab_proto::message::ConversationType::Group;
    message.to = "@TGS#1".into();
    message.name_card = "Ally (team lead)".into();
    let written = f
        .store
        .transact(move |tx| {
            let key = group_key("@TGS#1");
            message.sequence = tx.next_conversation_sequence(&key)?;
            message.random = 2;
            message.id = confab_proto::MessageId("alice-1700000000-2".into());
            let row = tx.next_message_row()?;
            tx.insert_message(row, &key, &message)?;
            tx.append_timeline("@TGS#1", EventRecord::Message(row))?;
            Ok(message)
        })
        .await
        .expect("append");
    let page = f.store.timeline_page("@TGS#1".into(), 0, 10, usize::MAX).await.expect("page");
    match &page.entries[0].event {
        InboxEvent::Message { message } => {
            assert_eq!(message, &written);
            assert_eq!(message.name_card, "Ally (team lead)");
            assert_eq!(message.at_user_list, ["bob", confab_proto::constants::types::MSG_AT_ALL]);
        }
        other => panic!("expected the stored message, got {other:?}"),
    }
}

/// Conformance case (see the module docs).
pub(crate) async fn session_keys_retire_sigs_one_by_one_and_all_at_once<F: StoreFactory>() {
    let f = open::<F>(8);
    f.store.register_account(user("alice"), "h1".into(), 1).await.expect("register");
    let fresh = f.store.session_standing(user("alice"), Some("s1".into())).await.expect("read");
    assert_eq!((fresh.generation, fresh.sigs_valid_from, fresh.revoked), (0, 0, false));
    f.store.revoke_user_sig(user("alice"), "s1".into(), 100, 10).await.expect("revoke");
    // A sig that expired anyway is not recorded.
    f.store.revoke_user_sig(user("alice"), "s0".into(), 5, 10).await.expect("revoke");
    let read = |serial: &str| f.store.session_standing(user("alice"), Some(serial.into()));
    assert!(read("s1").await.expect("read").revoked);
    assert!(!read("s0").await.expect("read").revoked);
    assert_eq!(f.store.bump_session_generation(user("alice"), 50).await.expect("bump"), 1);
    let bumped = read("s1").await.expect("read");
    assert_eq!((bumped.generation, bumped.sigs_valid_from, bumped.revoked), (1, 51, false));
    assert_eq!(f.store.change_password(user("alice"), "h2".into(), 60).await.expect("change"), 2);
    assert_eq!(f.store.password_hash(user("alice")).await.expect("hash").as_deref(), Some("h2"));
    assert!(matches!(
        f.store.bump_session_generation(user("ghost"), 1).await,
        Err(StoreError::UserNotFound(_))
    ));
    assert!(matches!(
        f.store.change_password(user("ghost"), "h".into(), 1).await,
        Err(StoreError::UserNotFound(_))
    ));
}

/// Conformance case (see the module docs).
pub(crate) async fn groups_keep_members_heads_and_unread_counts<F: StoreFactory>() {
    use crate::services::group::Actor;
    use confab_proto::group::{CreateGroup, GroupType, NewGroupMember};
    use confab_proto::GroupId;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol"]).await;
    let actor = |who: &str| Actor { user: user(who), now: 100 };
    let request = CreateGroup {
        name: "g".into(),
        group_type: GroupType::Public,
        member_list: ["bob", "ghost"]
            .iter()
            .map(|u| NewGroupMember { user_id: user(u), role: None, member_custom_field: vec![] })
            .collect(),
        ..Default::default()
    };
    let g = GroupId::new("g");
    let created =
        f.store.create_group(actor("alice"), g.clone(), request.clone()).await.expect("create");
    // Unknown users are not added; the creator is the owner.
    assert_eq!(created.group.member_count, 2);
    assert!(matches!(
        f.store.create_group(actor("bob"), g.clone(), request).await,
        Err(StoreError::Refused(e)) if e.code == confab_proto::code::ERR_SVR_GROUP_GROUPID_IN_USED
    ));
    let joined: Vec<String> = f
        .pushes
        .take()
        .iter()
        .filter_map(|d| match (&d.audience, &*d.push) {
            (Audience::User(u), Push::Inbox(e))
                if matches!(e.event, InboxEvent::GroupJoined { .. }) =>
            {
                Some(u.0.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(joined, ["alice", "bob"]);
    // A message is stored once: one timeline push for the group, no inbox entry.
    let mut message = text("alice", "g", 7, "hi");
    message.to = user("g");
    let wire = confab_proto::message::WireMessage {
        receiver_list: Vec::new(),
        id: confab_proto::MessageId::client_made(&user("alice"), 0, 7),
        conversation_type: confab_proto::message::ConversationType::Group,
        from: user("alice"),
        to: "g".into(),
        sequence: 0,
        time: 101,
        random: 7,
        element: message.element,
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: vec![],
        excluded_from_unread_count: false,
        excluded_from_last_message: false,
        online_user_only: false,
        is_revoked: false,
        version: 0,
    };
    let new = crate::services::group::NewGroupMessage { message: wire.clone(), origin: None };
    let sent = f.store.send_group_message(new.clone()).await.expect("send");
    assert_eq!(sent.message.sequence, 1);
    let pushes = f.pushes.take();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].audience, Audience::Group("g".into()));
    assert!(f.store.send_group_message(new).await.expect("resend").duplicate);
    // A non-member is refused before anything is written.
    let outsider = crate::services::group::NewGroupMessage {
        message: confab_proto::message::WireMessage {
            id: confab_proto::MessageId::client_made(&user("carol"), 0, 8),
            from: user("carol"),
            ..wire
        },
        origin: None,
    };
    assert!(f.store.send_group_message(outsider).await.is_err());
    // Unread: bob has one, alice (the sender) none; reading clears it.
    let bob_list = f.store.group_conversations(user("bob")).await.expect("list");
    assert_eq!((bob_list.len(), bob_list[0].unread_count), (1, 1));
    let alice_list = f.store.group_conversations(user("alice")).await.expect("list");
    assert_eq!(alice_list[0].unread_count, 0);
    f.store.set_group_read(user("bob"), g.clone()).await.expect("read");
    let bob_list = f.store.group_conversations(user("bob")).await.expect("list");
    assert_eq!(bob_list[0].unread_count, 0);
    // A member added later starts after what was there.
    let added = f.store.add_group_members(actor("alice"), g.clone(), vec![user("carol")]);
    assert_eq!(added.await.expect("add").success, [user("carol")]);
    let carol = f.store.member(g.clone(), user("carol")).await.expect("read").expect("member");
    assert_eq!(carol.join_sequence, 1);
    let page = f
        .store
        .group_messages(g.clone(), user("carol"), carol.join_sequence, None, 10)
        .await
        .expect("page");
    assert!(page.messages.iter().all(|m| m.sequence > 1));
    let timeline = f.store.timeline_page("g".into(), carol.join_timeline, 10, 1 << 20).await;
    assert_eq!(timeline.expect("timeline").entries.len(), 1, "only the join tip");
    assert_eq!(f.store.memberships(user("carol")).await.expect("read").len(), 1);
}

/// Conformance case (see the module docs).
pub(crate) async fn topics_keep_their_own_timeline_and_member_standing<F: StoreFactory>() {
    use crate::services::group::Actor;
    use confab_proto::group::{CreateGroup, GroupType, NewGroupMember};
    use confab_proto::topic::CreateTopicInCommunity;
    use confab_proto::GroupId;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob", "carol"]).await;
    let actor = |who: &str| Actor { user: user(who), now: 100 };
    let c = GroupId::new("@TGS#_c");
    let request = CreateGroup {
        name: "c".into(),
        group_type: GroupType::Community,
        is_support_topic: true,
        member_list: vec![NewGroupMember {
            user_id: user("bob"),
            role: None,
            member_custom_field: vec![],
        }],
        ..Default::default()
    };
    f.store.create_group(actor("alice"), c.clone(), request).await.expect("create");
    let make = |name: &str| CreateTopicInCommunity {
        group_id: c.clone(),
        topic_name: name.into(),
        ..Default::default()
    };
    let t1 = f.store.create_topic(actor("alice"), make("one"), "@TGS#_c@TOPIC#_1".into());
    let t1 = t1.await.expect("topic");
    let t2 = f.store.create_topic(actor("alice"), make("two"), "@TGS#_c@TOPIC#_2".into());
    let t2 = t2.await.expect("topic");
    // The same ID again is refused before anything is written.
    let again = f.store.create_topic(actor("alice"), make("x"), t1.clone()).await;
    assert!(
        matches!(again, Err(StoreError::Refused(e)) if e.code == confab_proto::code::ERR_SVR_GROUP_GROUPID_IN_USED)
    );
    let listed: Vec<String> =
        f.store.topics(c.clone()).await.expect("topics").into_iter().map(|t| t.topic_id).collect();
    assert_eq!(listed, [t1.clone(), t2.clone()], "in the order made");
    f.pushes.take();
    // A topic message: the topic's own sequence, on its own timeline,
    // pushed to the community's members.
    let wire = confab_proto::message::WireMessage {
        receiver_list: Vec::new(),
        id: confab_proto::MessageId::client_made(&user("alice"), 0, 9),
        conversation_type: confab_proto::message::ConversationType::Group,
        from: user("alice"),
        to: t1.clone(),
        sequence: 0,
        time: 101,
        random: 9,
        element: text("alice", "x", 9, "in one").element,
        priority: Priority::Normal,
        cloud_custom_data: String::new(),
        nick: String::new(),
        avatar: String::new(),
        need_read_receipt: false,
        is_support_extension: false,
        name_card: String::new(),
        at_user_list: vec![],
        excluded_from_unread_count: false,
        excluded_from_last_message: false,
        online_user_only: false,
        is_revoked: false,
        version: 0,
    };
    let new = crate::services::group::NewGroupMessage { message: wire, origin: None };
    let sent = f.store.send_group_message(new).await.expect("send");
    assert_eq!(sent.message.sequence, 1);
    let pushes = f.pushes.take();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].audience, Audience::Group(c.0.clone()));
    let one = f.store.timeline_page(t1.clone(), 0, 10, 1 << 20).await.expect("timeline");
    assert_eq!((one.entries.len(), one.head), (1, 1));
    let two = f.store.timeline_page(t2.clone(), 0, 10, 1 << 20).await.expect("timeline");
    assert_eq!(two.head, 0, "the other topic's timeline is its own");
    let (owner, topic) = f.store.topic(t1.clone()).await.expect("read").expect("topic");
    assert_eq!((owner, topic.next_message_seq), (c.clone(), 2));
    // Reading is per member and per topic.
    f.store.set_group_read(user("bob"), GroupId::new(t1.clone())).await.expect("read");
    assert_eq!(f.store.topic_member(t1.clone(), user("bob")).await.expect("read").read_sequence, 1);
    assert_eq!(f.store.topic_member(t2.clone(), user("bob")).await.expect("read").read_sequence, 0);
    // A later joiner starts where each topic stands.
    let added = f.store.add_group_members(actor("alice"), c.clone(), vec![user("carol")]);
    added.await.expect("add");
    let carol = f.store.topic_members_of(user("carol")).await.expect("read");
    let start =
        |id: &str| carol.iter().find(|(t, _)| t == id).map(|(_, r)| r.clone()).expect("record");
    assert_eq!((start(&t1).join_sequence, start(&t1).join_timeline), (1, 1));
    assert_eq!(start(&t2).join_timeline, 0);
    // Deleting a topic forgets it and its records; its timeline stays.
    let deleted = f.store.delete_topics(actor("alice"), c.clone(), Some(vec![t1.clone()])).await;
    assert_eq!(deleted.expect("delete").success_topic_list.len(), 1);
    assert!(f.store.topic(t1.clone()).await.expect("read").is_none());
    assert!(f
        .store
        .topic_members_of(user("carol"))
        .await
        .expect("read")
        .iter()
        .all(|(t, _)| *t != t1));
    assert_eq!(f.store.timeline_page(t1, 0, 10, 1 << 20).await.expect("timeline").head, 1);
}

/// Conformance case (see the module docs).
pub(crate) async fn time_windows_read_newest_first_by_time_and_revokes_may_have_no_window<
    F: StoreFactory,
>() {
    use confab_proto::code;
    let f = open::<F>(8);
    users(&*f.store, &["alice", "bob"]).await;
    // Sequences 1..=3 at times 100, 200, 300; then one imported at 150.
    for (random, time) in [(1, 100), (2, 200), (3, 300), (4, 150)] {
        let message =
            NewMessage { time, client_time: time as u64, ..text("alice", "bob", random, "m") };
        f.store.send_message(message).await.expect("send");
    }
    let read = |min_time, max_time, after, count| {
        let window = crate::store::read::TimeWindow { min_time, max_time, after, count };
        f.store.message_window(user("bob"), "C2Calice".into(), window)
    };
    let times = |messages: Vec<confab_proto::message::WireMessage>| {
        messages.iter().map(|m| (m.time, m.sequence)).collect::<Vec<_>>()
    };
    let all = read(0, i64::MAX, None, 10).await.expect("window");
    assert_eq!(times(all), [(300, 3), (200, 2), (150, 4), (100, 1)]);
    let inside = read(150, 200, None, 10).await.expect("window");
    assert_eq!(times(inside), [(200, 2), (150, 4)]);
    let first = read(0, 300, None, 2).await.expect("window");
    assert_eq!(times(first), [(300, 3), (200, 2)]);
    let next = read(0, 300, Some((200, 2)), 2).await.expect("window");
    assert_eq!(times(next), [(150, 4), (100, 1)]);
    assert!(read(0, 300, Some((100, 1)), 2).await.expect("window").is_empty());
    let none = f.store.message_window(
        user("bob"),
        "C2Ccarol".into(),
        crate::store::read::TimeWindow { min_time: 0, max_time: 300, after: None, count: 5 },
    );
    assert!(none.await.expect("window").is_empty());

    // The oldest is past a window of 10 s; without a window it goes.
    let id = "alice-100-1".to_owned();
    let late = f.store.revoke_message(user("alice"), "C2Cbob".into(), id.clone(), 400, Some(10));
    refused_with(late.await, code::MESSAGE_REVOKE_FAIL);
    let recalled = f.store.revoke_message(user("alice"), "C2Cbob".into(), id, 400, None);
    assert!(recalled.await.expect("no window").is_revoked);
}

/// Expands to one `#[tokio::test]` per conformance case, each run against
/// the stores the given [`StoreFactory`] opens.
macro_rules! store_conformance_suite {
    ($factory:ty) => {
        $crate::store::conformance::store_conformance_suite!(@cases $factory;
            sequences_ids_and_inboxes_are_gap_free,
            a_repeated_random_returns_the_original_and_changes_nothing,
            a_refused_write_does_not_disturb_its_batch,
            paging_and_cleared_history,
            reading_tells_the_reader_and_the_peer,
            reading_everything_clearing_and_c2c_receipts,
            online_only_messages_are_delivered_not_stored,
            accounts_and_profiles,
            files_are_granted_by_upload_and_by_messages_and_never_by_naming_them,
            a_merger_body_grants_the_files_it_names,
            an_avatar_file_is_open_to_everyone_while_it_is_an_avatar,
            only_the_sender_changes_the_payload_either_side_changes_cloud_custom_data,
            sync_pages_are_capped_in_bytes_and_cover_the_inbox_exactly_once,
            garbage_collection_forgets_unnamed_files_past_the_grace_period_only,
            group_timelines_keep_their_own_sequence_and_page_after_a_cursor,
            session_keys_retire_sigs_one_by_one_and_all_at_once,
            mentions_and_name_cards_survive_storage,
            groups_keep_members_heads_and_unread_counts,
            blacklists_keep_their_order_tell_the_owner_and_stop_messages_both_ways,
            friends_requests_and_groups_follow_the_rules_and_tell_each_side,
            an_administrators_add_needs_no_consent_and_entries_keep_their_times,
            conversation_settings_are_per_user_and_keep_every_mark_bit,
            topics_keep_their_own_timeline_and_member_standing,
            time_windows_read_newest_first_by_time_and_revokes_may_have_no_window,
        );
    };
    (@cases $factory:ty; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::store::conformance::$case::<$factory>().await;
            }
        )*
    };
}
pub(crate) use store_conformance_suite;
