//! Broadcast-only group messages, merged per group: an AVChatRoom's
//! messages and the `onlineUserOnly` messages of any group.
//!
//! Such a message is stored nowhere and goes to the group's online members
//! only. Sending each one as its own frame to each member costs a queue
//! push, a wake-up and a WebSocket frame per member per message, which
//! bounds a room of 10,000 at a few hundred thousand deliveries a second.
//! Instead each group has an outbox: [`Broadcaster::send`] appends to it,
//! and one drain task per busy group takes everything pending, encodes it
//! as one [`Push::Room`](confab_proto::frame::Push::Room) frame and hands
//! that frame to every member's sessions. A quiet room sends each message
//! alone as soon as it comes (one task hop later); a busy one merges
//! whatever arrived while the last frame was going out, so the cost per
//! member is paid per frame, not per message.
//!
//! A sender's own sessions get a frame without the entries they sent (the
//! answers carry them), encoded once per sending session of the batch; a
//! frame has at most [`MAX_SENDERS_PER_FRAME`] senders, so a room where
//! many people talk at once costs a bounded number of encodings per frame,
//! not one per sender.
//!
//! Invariants: entries of one group leave in the order `send` took them;
//! at most one drain task per group runs at a time (the outbox exists
//! exactly while its task does); the lock is never held across an await or
//! a delivery.

use crate::fanout::SessionId;
use crate::sessions::{EncodedPush, SessionRegistry};
use confab_proto::inbox::TimelineEntry;
use confab_proto::GroupId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Most entries one `room` frame carries; more wait for the next frame, so
/// one frame stays well inside a client's frame limit.
pub const MAX_ENTRIES_PER_FRAME: usize = 256;

/// Most sending sessions one `room` frame carries entries of (each gets its
/// own copy of the frame without its entries); the next sender's entries
/// wait for the next frame.
pub const MAX_SENDERS_PER_FRAME: usize = 8;

/// The outboxes of the groups with broadcasts going out.
pub struct Broadcaster {
    sessions: Arc<SessionRegistry>,
    /// Pending entries and the session that sent each, by group. A group
    /// is here exactly while its drain task runs.
    outboxes: Mutex<HashMap<GroupId, Vec<(TimelineEntry, SessionId)>>>,
    /// The other nodes of a cluster, which get every entry sent here.
    cluster: std::sync::OnceLock<Arc<crate::cluster::ClusterView>>,
}

impl Broadcaster {
    /// A broadcaster delivering through `sessions`.
    pub fn new(sessions: Arc<SessionRegistry>) -> Arc<Self> {
        Arc::new(Self {
            sessions,
            outboxes: Mutex::new(HashMap::new()),
            cluster: std::sync::OnceLock::new(),
        })
    }

    /// Makes this broadcaster one node's of a cluster: entries sent here
    /// also go to the members on the other nodes.
    pub fn set_cluster(&self, view: Arc<crate::cluster::ClusterView>) {
        if self.cluster.set(view).is_err() {
            tracing::warn!("the broadcaster was already part of a cluster");
        }
    }

    fn outboxes(&self) -> MutexGuard<'_, HashMap<GroupId, Vec<(TimelineEntry, SessionId)>>> {
        // Every update is a single insert, push or take.
        self.outboxes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues `entry` (sent by session `origin`; `SessionId(0)`: by
    /// another node) for the online members of `group`, and starts the
    /// group's drain task if none runs. In a cluster, an entry sent here
    /// also goes to the other nodes. Must be called within a Tokio runtime.
    pub fn send(self: &Arc<Self>, group: &GroupId, entry: TimelineEntry, origin: SessionId) {
        if origin != SessionId(0) {
            if let Some(cluster) = self.cluster.get() {
                cluster.room_broadcast(group, &entry);
            }
        }
        let start = {
            let mut outboxes = self.outboxes();
            match outboxes.get_mut(group) {
                Some(pending) => {
                    pending.push((entry, origin));
                    false
                }
                None => {
                    outboxes.insert(group.clone(), vec![(entry, origin)]);
                    true
                }
            }
        };
        if start {
            let broadcaster = Arc::clone(self);
            let group = group.clone();
            tokio::spawn(async move { broadcaster.drain(group).await });
        }
    }

    /// Sends the group's pending entries, a frame at a time, until none is
    /// left; then the group's outbox goes.
    async fn drain(self: Arc<Self>, group: GroupId) {
        while let Some(batch) = self.take(&group) {
            self.deliver(&group, &batch);
            // Let the senders' requests (and every other task) run between
            // frames, so the next frame can merge what they bring.
            tokio::task::yield_now().await;
        }
    }

    /// The oldest pending entries of `group` that fit one frame (at most
    /// [`MAX_ENTRIES_PER_FRAME`] entries from at most
    /// [`MAX_SENDERS_PER_FRAME`] senders); `None` (and the outbox removed)
    /// when none is pending.
    fn take(&self, group: &GroupId) -> Option<Vec<(TimelineEntry, SessionId)>> {
        let mut outboxes = self.outboxes();
        let pending = outboxes.get_mut(group)?;
        if pending.is_empty() {
            outboxes.remove(group);
            return None;
        }
        let mut senders: Vec<SessionId> = Vec::with_capacity(MAX_SENDERS_PER_FRAME);
        let mut end = 0;
        for (_, origin) in pending.iter().take(MAX_ENTRIES_PER_FRAME) {
            if !senders.contains(origin) {
                if senders.len() == MAX_SENDERS_PER_FRAME {
                    break;
                }
                senders.push(*origin);
            }
            end += 1;
        }
        let rest = pending.split_off(end);
        Some(std::mem::replace(pending, rest))
    }

    /// Encodes one batch (once for everyone, once more per sending session
    /// without its own entries) and hands it to the members' sessions.
    fn deliver(&self, group: &GroupId, batch: &[(TimelineEntry, SessionId)]) {
        let everyone: Vec<&TimelineEntry> = batch.iter().map(|(entry, _)| entry).collect();
        let Some(frame) = encode(group, &everyone) else { return };
        let mut senders: Vec<SessionId> = batch.iter().map(|(_, origin)| *origin).collect();
        senders.sort_unstable();
        senders.dedup();
        let own: Vec<(SessionId, Option<EncodedPush>)> = senders
            .into_iter()
            .map(|sender| {
                let others: Vec<&TimelineEntry> = batch
                    .iter()
                    .filter(|(_, origin)| *origin != sender)
                    .map(|(entry, _)| entry)
                    .collect();
                let frame = if others.is_empty() { None } else { encode(group, &others) };
                (sender, frame)
            })
            .collect();
        self.sessions.deliver_room(group.as_str(), &frame, &own);
    }
}

/// The `room` frame of `entries`; `None` (logged) if it cannot be encoded.
fn encode(group: &GroupId, entries: &[&TimelineEntry]) -> Option<EncodedPush> {
    match confab_proto::frame::room_frame_json(group, entries) {
        Ok(text) => Some(text.into()),
        Err(e) => {
            tracing::error!(error = %e, %group, "cannot encode a room frame");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::SessionPolicy;
    use confab_proto::frame::{Push, ServerFrame};
    use confab_proto::inbox::InboxEvent;
    use confab_proto::ops::Platform;
    use confab_proto::UserId;

    fn entry(n: u64) -> TimelineEntry {
        TimelineEntry {
            seq: 0,
            event: InboxEvent::ConversationRead {
                conversation_id: "GROUPlive".into(),
                read_sequence: n,
            },
        }
    }

    /// The entries of a `room` frame, by their `read_sequence`.
    fn numbers(frame: &str) -> Vec<u64> {
        match serde_json::from_str::<ServerFrame>(frame).expect("frame") {
            ServerFrame::Push { push: Push::Room { entries, .. } } => entries
                .into_iter()
                .map(|e| match e.event {
                    InboxEvent::ConversationRead { read_sequence, .. } => read_sequence,
                    other => panic!("unexpected entry {other:?}"),
                })
                .collect(),
            other => panic!("not a room frame: {other:?}"),
        }
    }

    #[tokio::test]
    async fn merged_entries_arrive_in_order_and_never_back_at_their_sender() {
        let sessions = Arc::new(SessionRegistry::new(SessionPolicy::default()));
        let (alice, bob) = (UserId::new("alice"), UserId::new("bob"));
        let mut a = sessions.register(&alice, "a", Platform::Web);
        let mut b = sessions.register(&bob, "b", Platform::Web);
        for user in [&alice, &bob] {
            assert!(sessions.join_room(user, "live").1);
        }
        let broadcaster = Broadcaster::new(Arc::clone(&sessions));
        let group = GroupId::new("live");
        // Queued while no task can run (this test's runtime has one
        // thread): the three leave as one frame.
        broadcaster.send(&group, entry(1), a.id);
        broadcaster.send(&group, entry(2), b.id);
        broadcaster.send(&group, entry(3), a.id);
        let to_bob = b.outbound.recv().await.expect("bob's frame");
        assert_eq!(numbers(&to_bob), vec![1, 3], "bob's own entry 2 is not sent back");
        let to_alice = a.outbound.recv().await.expect("alice's frame");
        assert_eq!(numbers(&to_alice), vec![2]);
        // The outbox went with its task; a later entry starts a new one.
        tokio::task::yield_now().await;
        assert!(broadcaster.outboxes().is_empty());
        broadcaster.send(&group, entry(4), a.id);
        assert_eq!(numbers(&b.outbound.recv().await.expect("next frame")), vec![4]);
        // Alice sent the only entry of that frame: she gets nothing.
        tokio::task::yield_now().await;
        assert!(a.outbound.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_frame_carries_at_most_eight_senders() {
        let sessions = Arc::new(SessionRegistry::new(SessionPolicy::default()));
        let bob = UserId::new("bob");
        let mut b = sessions.register(&bob, "b", Platform::Web);
        assert!(sessions.join_room(&bob, "live").1);
        let broadcaster = Broadcaster::new(Arc::clone(&sessions));
        let group = GroupId::new("live");
        // Ten senders (sessions nobody reads), one entry each.
        let total = MAX_SENDERS_PER_FRAME as u64 + 2;
        for n in 1..=total {
            let sender = sessions.register(&UserId::new(format!("u{n}")), "i", Platform::Web);
            broadcaster.send(&group, entry(n), sender.id);
        }
        let first = numbers(&b.outbound.recv().await.expect("first frame"));
        let second = numbers(&b.outbound.recv().await.expect("second frame"));
        assert_eq!(first, (1..=MAX_SENDERS_PER_FRAME as u64).collect::<Vec<_>>());
        assert_eq!(second, (MAX_SENDERS_PER_FRAME as u64 + 1..=total).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_long_backlog_leaves_in_frames_of_at_most_the_cap() {
        let sessions = Arc::new(SessionRegistry::new(SessionPolicy::default()));
        let (alice, bob) = (UserId::new("alice"), UserId::new("bob"));
        let a = sessions.register(&alice, "a", Platform::Web);
        let mut b = sessions.register(&bob, "b", Platform::Web);
        assert!(sessions.join_room(&bob, "live").1);
        let broadcaster = Broadcaster::new(Arc::clone(&sessions));
        let group = GroupId::new("live");
        let total = MAX_ENTRIES_PER_FRAME as u64 + 10;
        for n in 1..=total {
            broadcaster.send(&group, entry(n), a.id);
        }
        let first = numbers(&b.outbound.recv().await.expect("first frame"));
        let second = numbers(&b.outbound.recv().await.expect("second frame"));
        assert_eq!(first.len(), MAX_ENTRIES_PER_FRAME);
        assert_eq!([first, second].concat(), (1..=total).collect::<Vec<_>>());
    }
}
