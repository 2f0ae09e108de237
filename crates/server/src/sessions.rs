//! The session registry: which sessions of which user are live, in login
//! order, and delivery of pushes to them.
//!
//! Invariants: a user has at most `max_instances` sessions; at most one per
//! instance ID (a reconnecting instance replaces its old session). Entries
//! are removed when the registry tells a session to close (kick, replace,
//! overflow) and when the session ends. The lock is never held across an
//! await.

use crate::fanout::{Delivery, Fanout, SessionId};
use confab_proto::constants::types;
use confab_proto::frame::Push;
use confab_proto::UserId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{mpsc, watch};

/// Pushes a session may have queued before it counts as too slow and is closed.
pub const OUTBOUND_CAPACITY: usize = 1024;

/// Why the registry wants a session closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The same instance logged in again; close without a kick.
    Replaced,
    /// Kicked; the session sends `kickedOut` with this `TIM.TYPES.KICKED_OUT_*` type.
    Kicked(&'static str),
    /// It did not take its pushes fast enough; it must reconnect and sync.
    Overflow,
}

/// What a newly registered session gets: its ID, its push queue and the
/// channel on which it is told to close.
#[derive(Debug)]
pub struct SessionLink {
    /// The session's ID.
    pub id: SessionId,
    /// Pushes for this session, in order.
    pub outbound: mpsc::Receiver<Arc<Push>>,
    /// Set once the registry wants the session closed.
    pub close: watch::Receiver<Option<CloseReason>>,
}

struct Entry {
    id: SessionId,
    instance_id: String,
    outbound: mpsc::Sender<Arc<Push>>,
    close: watch::Sender<Option<CloseReason>>,
}

/// All live sessions of this process.
pub struct SessionRegistry {
    users: Mutex<HashMap<UserId, Vec<Entry>>>,
    next_id: AtomicU64,
    max_instances: usize,
}

impl SessionRegistry {
    /// An empty registry allowing `max_instances` sessions per user (at least 1).
    pub fn new(max_instances: usize) -> Self {
        Self {
            users: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            max_instances: max_instances.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<UserId, Vec<Entry>>> {
        // The map stays consistent even if a holder panicked: every update
        // is a single push/retain.
        self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a logged-in session. A previous session of the same
    /// instance is replaced; if the user would exceed the instance limit,
    /// the oldest sessions are kicked (`multipleAccount`).
    pub fn register(&self, user: &UserId, instance_id: &str) -> SessionLink {
        let id = SessionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let (outbound, outbound_rx) = mpsc::channel(OUTBOUND_CAPACITY);
        let (close, close_rx) = watch::channel(None);
        let mut users = self.lock();
        let sessions = users.entry(user.clone()).or_default();
        sessions.retain(|old| {
            if old.instance_id == instance_id {
                old.close.send_replace(Some(CloseReason::Replaced));
                false
            } else {
                true
            }
        });
        while sessions.len() >= self.max_instances {
            // Sessions are kept in login order: the first is the oldest.
            let oldest = sessions.remove(0);
            oldest.close.send_replace(Some(CloseReason::Kicked(types::KICKED_OUT_MULT_ACCOUNT)));
            tracing::info!(%user, kicked = %oldest.id, by = %id, "instance limit reached");
        }
        sessions.push(Entry { id, instance_id: instance_id.to_owned(), outbound, close });
        SessionLink { id, outbound: outbound_rx, close: close_rx }
    }

    /// Forgets a session (no-op if the registry already dropped it).
    pub fn unregister(&self, user: &UserId, id: SessionId) {
        let mut users = self.lock();
        if let Some(sessions) = users.get_mut(user) {
            sessions.retain(|s| s.id != id);
            if sessions.is_empty() {
                users.remove(user);
            }
        }
    }

    /// Kicks every session of `user` except `keep` (signing out of all
    /// devices, a password change); returns how many were kicked.
    pub fn kick_all(
        &self,
        user: &UserId,
        keep: Option<SessionId>,
        kick_type: &'static str,
    ) -> usize {
        let mut users = self.lock();
        let Some(sessions) = users.get_mut(user) else { return 0 };
        let before = sessions.len();
        sessions.retain(|session| {
            if Some(session.id) == keep {
                return true;
            }
            session.close.send_replace(Some(CloseReason::Kicked(kick_type)));
            false
        });
        let kicked = before - sessions.len();
        if sessions.is_empty() {
            users.remove(user);
        }
        kicked
    }

    /// Number of live sessions of a user.
    pub fn session_count(&self, user: &UserId) -> usize {
        self.lock().get(user).map_or(0, Vec::len)
    }
}

impl Fanout for SessionRegistry {
    fn deliver(&self, deliveries: Vec<Delivery>) {
        let mut users = self.lock();
        for delivery in deliveries {
            let Some(user) = delivery.user() else {
                // No group exists yet, so no session is a member of one.
                tracing::debug!(audience = %delivery.audience, "no live members to push to");
                continue;
            };
            let Some(sessions) = users.get_mut(user) else { continue };
            sessions.retain(|session| {
                if Some(session.id) == delivery.skip {
                    return true;
                }
                match session.outbound.try_send(Arc::clone(&delivery.push)) {
                    Ok(()) => true,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        tracing::warn!(user = %user, session = %session.id,
                            "push queue full; closing the session so it resyncs");
                        session.close.send_replace(Some(CloseReason::Overflow));
                        false
                    }
                    // The session is ending and will unregister itself.
                    Err(mpsc::error::TrySendError::Closed(_)) => true,
                }
            });
            if sessions.is_empty() {
                users.remove(user);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(n: u64) -> Push {
        Push::Inbox(confab_proto::inbox::InboxEntry {
            seq: n,
            event: confab_proto::inbox::InboxEvent::ConversationRead {
                conversation_id: "C2Cb".into(),
                read_sequence: n,
            },
        })
    }

    #[test]
    fn limit_kicks_the_oldest_and_same_instance_replaces() {
        let registry = SessionRegistry::new(2);
        let alice = UserId::new("alice");
        let a = registry.register(&alice, "i1");
        let b = registry.register(&alice, "i2");
        let b2 = registry.register(&alice, "i2");
        assert_eq!(*b.close.borrow(), Some(CloseReason::Replaced));
        assert_eq!(*a.close.borrow(), None);
        let c = registry.register(&alice, "i3");
        assert_eq!(*a.close.borrow(), Some(CloseReason::Kicked(types::KICKED_OUT_MULT_ACCOUNT)));
        assert_eq!(*b2.close.borrow(), None);
        assert_eq!(*c.close.borrow(), None);
        assert_eq!(registry.session_count(&alice), 2);
        registry.unregister(&alice, b2.id);
        registry.unregister(&alice, c.id);
        assert_eq!(registry.session_count(&alice), 0);
    }

    #[test]
    fn kick_all_keeps_only_the_caller() {
        let registry = SessionRegistry::new(3);
        let alice = UserId::new("alice");
        let one = registry.register(&alice, "i1");
        let two = registry.register(&alice, "i2");
        let three = registry.register(&alice, "i3");
        let expired = types::KICKED_OUT_USERSIG_EXPIRED;
        assert_eq!(registry.kick_all(&alice, Some(two.id), expired), 2);
        assert_eq!(*one.close.borrow(), Some(CloseReason::Kicked(expired)));
        assert_eq!(*three.close.borrow(), Some(CloseReason::Kicked(expired)));
        assert_eq!(*two.close.borrow(), None);
        assert_eq!(registry.session_count(&alice), 1);
        assert_eq!(registry.kick_all(&alice, None, expired), 1);
        assert_eq!(registry.session_count(&alice), 0);
    }

    #[test]
    fn deliveries_skip_and_overflow() {
        let registry = SessionRegistry::new(3);
        let bob = UserId::new("bob");
        let mut one = registry.register(&bob, "i1");
        let mut two = registry.register(&bob, "i2");
        registry.deliver(vec![Delivery::to_user(bob.clone(), Arc::new(push(1)), Some(one.id))]);
        assert!(one.outbound.try_recv().is_err());
        assert_eq!(two.outbound.try_recv().ok().as_deref(), Some(&push(1)));
        let flood = (0..=OUTBOUND_CAPACITY as u64)
            .map(|n| Delivery::to_user(bob.clone(), Arc::new(push(n)), Some(two.id)))
            .collect();
        registry.deliver(flood);
        assert_eq!(*one.close.borrow(), Some(CloseReason::Overflow));
        assert_eq!(registry.session_count(&bob), 1);
    }
}
