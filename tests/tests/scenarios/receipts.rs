//! Read receipts through the SDK against a real server: a C2C receiver
//! reports reading a message that asked for receipts and the sender hears
//! it (MESSAGE_READ_RECEIPT_RECEIVED, `readReceiptInfo.isPeerRead`) without
//! the top-level `isPeerRead` or anyone's unread count changing; in a group
//! the counts follow each reader, the members who joined later are not
//! counted, and the readers and non-readers are listed page by page; bad
//! input gets its code.

use confab_proto::code;
use confab_proto::group::GroupType;
use confab_sdk::{Event, Message, ReadMemberListOptions, ReadReceipt};
use confab_tests::{code_of, within, TestClient, TestServer};

/// Sends a text (to a group with `group`), asking for read receipts when
/// `receipts`.
async fn send(client: &TestClient, to: &str, group: bool, text: &str, receipts: bool) -> Message {
    let mut options = confab_tests::text_options(to, group, text);
    options.need_read_receipt = receipts;
    client.send_with(options).await
}

/// Waits until `client` heard MESSAGE_READ_RECEIPT_RECEIVED for `id` with
/// a state satisfying `check`; that state.
async fn wait_receipt(
    client: &TestClient,
    id: &str,
    what: &str,
    check: impl Fn(&ReadReceipt) -> bool,
) -> ReadReceipt {
    client
        .events
        .wait_for(&format!("receipt {what} at {}", client.user_id), |events| {
            events.iter().rev().find_map(|e| match e {
                Event::MessageReadReceiptReceived(list) => {
                    list.iter().find(|r| r.message_id == id && check(r)).cloned()
                }
                _ => None,
            })
        })
        .await
}

// checklist 91 (needReadReceipt), 325-331 (sendMessageReadReceipt), 333-339
// (getMessageReadReceiptList), 995-1000 (MESSAGE_READ_RECEIPT_RECEIVED).
#[tokio::test]
async fn a_c2c_receipt_reaches_the_sender_and_changes_no_unread_count() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let asked = send(&alice, "bob", false, "did you read this?", true).await;
    let plain = send(&alice, "bob", false, "no receipt wanted", false).await;
    let at_bob = bob.wait_received(&asked).await;
    let plain_at_bob = bob.wait_received(&plain).await;
    assert!(at_bob.need_read_receipt);
    let unread_before = bob.tim.get_total_unread_message_count();

    // bob reports both: only the one that asked for it is told to alice.
    within("receipt", bob.tim.send_message_read_receipt(&[at_bob.clone(), plain_at_bob.clone()]))
        .await
        .expect("receipt");
    let receipt = wait_receipt(&alice, &asked.id, "peer read", |r| r.is_peer_read).await;
    assert_eq!(receipt.user_id, "bob");
    assert_eq!(bob.tim.get_total_unread_message_count(), unread_before, "unread unchanged");
    let stored = alice.tim.find_message(&asked.id).expect("alice has it");
    assert!(stored.read_receipt_info.is_peer_read);
    assert!(!stored.is_peer_read, "the top-level isPeerRead is setMessageRead's");

    // The list: as the server has it, for the sender and for the reader.
    let listed = alice
        .tim
        .get_message_read_receipt_list(&[stored.clone(), plain.clone()])
        .await
        .expect("list");
    assert!(listed[0].read_receipt_info.is_peer_read);
    assert!(!listed[1].read_receipt_info.is_peer_read);
    let at_bob_listed =
        bob.tim.get_message_read_receipt_list(std::slice::from_ref(&at_bob)).await.expect("list");
    assert!(at_bob_listed[0].read_receipt_info.is_peer_read);

    // Reporting again tells nobody again; carol's message is not in bob's
    // conversation with alice.
    bob.tim.send_message_read_receipt(std::slice::from_ref(&at_bob)).await.expect("again");
    let told = |events: &[Event]| {
        events.iter().filter(|e| matches!(e, Event::MessageReadReceiptReceived(_))).count()
    };
    let from_carol = send(&carol, "bob", false, "hi bob", true).await;
    let from_carol = bob.wait_received(&from_carol).await;
    bob.tim.send_message_read_receipt(std::slice::from_ref(&from_carol)).await.expect("carol's");
    wait_receipt(&carol, &from_carol.id, "carol's", |r| r.is_peer_read).await;
    assert_eq!(told(&alice.events.all()), 1, "alice was told once");
    let mut wrong = from_carol.clone();
    wrong.conversation_id = "C2Calice".into();
    assert_eq!(
        code_of(bob.tim.send_message_read_receipt(&[wrong]).await),
        code::ERR_SVR_MSG_NOT_FOUND
    );

    // Bad lists.
    assert_eq!(
        code_of(bob.tim.send_message_read_receipt(&[]).await),
        code::READ_RECEIPT_MESSAGE_LIST_EMPTY
    );
    let many = vec![at_bob.clone(); 31];
    assert_eq!(
        code_of(bob.tim.send_message_read_receipt(&many).await),
        code::ERR_SVR_MSG_PKG_PARSE_FAILED
    );
    assert_eq!(
        code_of(bob.tim.send_message_read_receipt(&[at_bob, from_carol]).await),
        code::ERR_SVR_MSG_PKG_PARSE_FAILED,
        "one conversation per call"
    );
}

// checklist 325-331, 333-339, 341-348 (getGroupMessageReadMemberList).
#[tokio::test]
async fn group_receipts_count_the_members_who_could_read_and_list_them() {
    let server = TestServer::start().await;
    let alice = TestClient::login(&server, "alice").await;
    let bob = TestClient::login(&server, "bob").await;
    let carol = TestClient::login(&server, "carol").await;
    let dave = TestClient::login(&server, "dave").await;
    let erin = TestClient::login(&server, "erin").await;
    let group = within(
        "create",
        alice.tim.create_group(confab_tests::new_group(GroupType::Work, &["bob", "carol", "dave"])),
    )
    .await
    .expect("group")
    .group
    .group_id
    .0;
    let asked = send(&alice, &group, true, "standup at 10", true).await;
    let plain = send(&alice, &group, true, "no receipts", false).await;
    // erin joins after the message: she is not among its possible readers.
    alice
        .tim
        .add_group_member(confab_proto::group::AddGroupMember {
            group_id: group.as_str().into(),
            user_id_list: vec!["erin".into()],
        })
        .await
        .expect("add erin");

    let at_bob = bob.wait_received(&asked).await;
    bob.tim.send_message_read_receipt(&[at_bob]).await.expect("bob read");
    let one = wait_receipt(&alice, &asked.id, "bob", |r| r.read_count == 1).await;
    assert_eq!((one.group_id.as_str(), one.unread_count), (group.as_str(), 2));
    let at_carol = carol.wait_received(&asked).await;
    carol.tim.send_message_read_receipt(&[at_carol]).await.expect("carol read");
    let two = wait_receipt(&alice, &asked.id, "carol", |r| r.read_count == 2).await;
    assert_eq!(two.unread_count, 1, "only dave has not read it");
    let stored = alice.tim.find_message(&asked.id).expect("stored");
    assert_eq!(
        (stored.read_receipt_info.read_count, stored.read_receipt_info.unread_count),
        (2, 1)
    );

    // Anyone in the group reads the counts.
    let at_dave = dave.wait_received(&asked).await;
    let counts =
        dave.tim.get_message_read_receipt_list(std::slice::from_ref(&at_dave)).await.expect("list");
    assert_eq!(counts[0].read_receipt_info.read_count, 2);

    // Readers page by page, then the one who has not read it.
    let page = |cursor: &str, filter: u8, count: u32| ReadMemberListOptions {
        message: stored.clone(),
        cursor: cursor.into(),
        filter,
        count,
    };
    let first = alice.tim.get_group_message_read_member_list(page("", 0, 1)).await.expect("p1");
    assert_eq!(first.read_user_id_list, ["bob".into()]);
    assert!(!first.is_completed);
    let second =
        alice.tim.get_group_message_read_member_list(page(&first.cursor, 0, 1)).await.expect("p2");
    assert_eq!(second.read_user_id_list, ["carol".into()]);
    assert!(second.is_completed);
    assert_eq!(second.cursor, "");
    let unread = alice.tim.get_group_message_read_member_list(page("", 1, 100)).await.expect("un");
    assert_eq!(unread.unread_user_id_list, ["dave".into()]);
    assert!(unread.is_completed);

    // Refusals.
    assert_eq!(
        code_of(alice.tim.get_group_message_read_member_list(page("", 0, 101)).await),
        code::ERR_SVR_MSG_PKG_PARSE_FAILED
    );
    assert_eq!(
        code_of(alice.tim.get_group_message_read_member_list(page("", 2, 10)).await),
        code::ERR_SVR_MSG_PKG_PARSE_FAILED
    );
    let no_receipts = ReadMemberListOptions { message: plain.clone(), ..page("", 0, 10) };
    assert_eq!(
        code_of(alice.tim.get_group_message_read_member_list(no_receipts).await),
        code::GROUP_MESSAGE_READ_RECEIPT_NOT_FOUND
    );
    let outsider = TestClient::login(&server, "frank").await;
    assert_eq!(
        code_of(outsider.tim.get_group_message_read_member_list(page("", 0, 10)).await),
        code::ERR_SVR_GROUP_PERMISSION_DENY
    );
    drop(erin);
}
