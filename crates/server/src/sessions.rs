//! The session registry: which sessions of which user are live, in login
//! order, with their platforms; who a new login kicks; delivery of pushes.
//!
//! TIM keeps two rules apart, and so does the registry ([`SessionPolicy`]):
//! - **multi-instance**: web pages (platform `web`) of one user are at most
//!   `max_web_instances`; one more kicks the oldest web page with
//!   `multipleAccount`;
//! - **multi-device**: terminals (every other platform: the desktop app, the
//!   CLI) follow the [`DevicePolicy`]; a login that breaks it kicks the
//!   other terminals with `multipleDevice`.
//!
//! A web page and a terminal never kick each other.
//!
//! The registry also keeps, in memory, which online users are members of
//! which groups ([`GroupIndex`]), so a group push reaches every live
//! session of every online member without reading the store: a session's
//! user's groups are loaded when it logs in ([`SessionRegistry::load_groups`]),
//! and the index follows the `groupJoined` / `groupLeft` inbox pushes it
//! delivers, in commit order. An AVChatRoom's members are its online
//! joiners and live only here ([`SessionRegistry::join_room`]).
//!
//! Invariants: a user has at most `max_web_instances` web sessions and the
//! terminals the device policy allows; at most one session per instance ID
//! (a reconnecting instance replaces its old session). Entries are removed
//! when the registry tells a session to close (kick, replace, overflow) and
//! when the session ends. The lock is never held across an await.

use crate::config::{Config, DevicePolicy};
use crate::fanout::{Delivery, Fanout, SessionId};
use confab_proto::constants::types;
use confab_proto::frame::Push;
use confab_proto::inbox::InboxEvent;
use confab_proto::ops::Platform;
use confab_proto::UserId;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::{mpsc, watch};

/// A push frame as text, encoded once per delivery and shared by every
/// session it goes to (a clone is a reference count, not a copy): a group
/// push is encoded once, not once per member.
pub type EncodedPush = axum::extract::ws::Utf8Bytes;

/// Encodes a push frame for the sessions; `None` (logged) if it cannot be.
fn encode_push(push: &Push) -> Option<EncodedPush> {
    match confab_proto::frame::push_frame_json(push) {
        Ok(text) => Some(text.into()),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode a push");
            None
        }
    }
}

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
    /// Pushes for this session, in order, as encoded frames.
    pub outbound: mpsc::Receiver<EncodedPush>,
    /// Set once the registry wants the session closed.
    pub close: watch::Receiver<Option<CloseReason>>,
}

/// Which sessions of one user may be online together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Web sessions of one user online at once (at least 1); one more kicks
    /// the oldest with `multipleAccount`.
    pub max_web_instances: usize,
    /// Which terminals may be online together; the others are kicked with
    /// `multipleDevice`.
    pub devices: DevicePolicy,
}

impl SessionPolicy {
    /// The policy `config` asks for.
    pub fn from_config(config: &Config) -> Self {
        Self { max_web_instances: config.max_instances_per_user, devices: config.device_policy }
    }

    /// Whether a terminal of platform `new` logging in kicks a live
    /// terminal of platform `old`.
    fn displaces(self, new: Platform, old: Platform) -> bool {
        match self.devices {
            DevicePolicy::Single => true,
            DevicePolicy::PerPlatform => new == old,
        }
    }
}

impl Default for SessionPolicy {
    /// TIM's defaults: one web page, one terminal.
    fn default() -> Self {
        Self { max_web_instances: 1, devices: DevicePolicy::Single }
    }
}

struct Entry {
    id: SessionId,
    instance_id: String,
    platform: Platform,
    outbound: mpsc::Sender<EncodedPush>,
    close: watch::Sender<Option<CloseReason>>,
}

impl Entry {
    fn kick(&self, user: &UserId, by: SessionId, kick_type: &'static str) {
        self.close.send_replace(Some(CloseReason::Kicked(kick_type)));
        tracing::info!(%user, kicked = %self.id, platform = %self.platform, by = %by, kick_type,
            "a new login displaced this session");
    }
}

/// Which online users are members of which groups (group IDs as strings).
#[derive(Default)]
struct GroupIndex {
    /// Online members of each group (AVChatRoom joiners included).
    members: HashMap<String, HashSet<UserId>>,
    /// The groups of each online user.
    groups: HashMap<UserId, HashSet<String>>,
    /// The AVChatRoom each online user is in (one at a time).
    rooms: HashMap<UserId, String>,
    /// Bumped by every membership change of an online user, so a login
    /// can tell whether the memberships it read went stale meanwhile.
    epochs: HashMap<UserId, u64>,
    /// Each AVChatRoom's marks (`markGroupMemberList`): mark → joiners
    /// carrying it. A joiner's marks go when they leave the room.
    marks: HashMap<String, HashMap<u64, HashSet<UserId>>>,
    /// Each AVChatRoom's bans (`deleteGroupMember` with a `duration`):
    /// user → until when (server seconds) they may not join again. Kept, like
    /// the room, in memory only.
    bans: HashMap<String, HashMap<UserId, i64>>,
}

impl GroupIndex {
    fn add(&mut self, user: &UserId, group: &str) {
        self.members.entry(group.to_owned()).or_default().insert(user.clone());
        self.groups.entry(user.clone()).or_default().insert(group.to_owned());
    }

    fn remove(&mut self, user: &UserId, group: &str) {
        if let Some(members) = self.members.get_mut(group) {
            members.remove(user);
            if members.is_empty() {
                self.members.remove(group);
            }
        }
        if let Some(groups) = self.groups.get_mut(user) {
            groups.remove(group);
        }
        if self.rooms.get(user).is_some_and(|room| room == group) {
            self.rooms.remove(user);
            self.unmark(user, group);
        }
    }

    /// Drops `user`'s marks in the room `group`.
    fn unmark(&mut self, user: &UserId, group: &str) {
        if let Some(marks) = self.marks.get_mut(group) {
            for holders in marks.values_mut() {
                holders.remove(user);
            }
            marks.retain(|_, holders| !holders.is_empty());
            if marks.is_empty() {
                self.marks.remove(group);
            }
        }
    }

    fn forget_user(&mut self, user: &UserId) {
        for group in self.groups.remove(user).unwrap_or_default() {
            if let Some(members) = self.members.get_mut(&group) {
                members.remove(user);
                if members.is_empty() {
                    self.members.remove(&group);
                }
            }
        }
        if let Some(room) = self.rooms.remove(user) {
            self.unmark(user, &room);
        }
        self.epochs.remove(user);
    }

    fn bump(&mut self, user: &UserId) {
        *self.epochs.entry(user.clone()).or_default() += 1;
    }
}

/// This process's live sessions (user, instance, platform) and each
/// online user's AVChatRoom (user, group), as [`SessionRegistry::snapshot`]
/// gives them.
pub type Snapshot = (Vec<(UserId, String, Platform)>, Vec<(UserId, String)>);

/// All live sessions of this process.
pub struct SessionRegistry {
    users: Mutex<HashMap<UserId, Vec<Entry>>>,
    /// Locked after `users` when both are needed, never before.
    index: Mutex<GroupIndex>,
    next_id: AtomicU64,
    policy: SessionPolicy,
    /// The other nodes of a cluster (set once, after the link is made).
    cluster: std::sync::OnceLock<std::sync::Arc<crate::cluster::ClusterView>>,
}

impl SessionRegistry {
    /// An empty registry enforcing `policy` (a web limit of 0 counts as 1).
    pub fn new(policy: SessionPolicy) -> Self {
        let policy = SessionPolicy { max_web_instances: policy.max_web_instances.max(1), ..policy };
        Self {
            users: Mutex::new(HashMap::new()),
            index: Mutex::new(GroupIndex::default()),
            next_id: AtomicU64::new(1),
            policy,
            cluster: std::sync::OnceLock::new(),
        }
    }

    /// Makes this registry one node's of a cluster: AVChatRoom joins and
    /// leaves are told to the other nodes, and online counts include
    /// their members.
    pub fn set_cluster(&self, view: std::sync::Arc<crate::cluster::ClusterView>) {
        if self.cluster.set(view).is_err() {
            tracing::warn!("the session registry was already part of a cluster");
        }
    }

    /// Every live session and every user's AVChatRoom, for the other nodes
    /// of a cluster.
    pub fn snapshot(&self) -> Snapshot {
        let users = self.lock();
        let sessions = users
            .iter()
            .flat_map(|(user, list)| {
                list.iter().map(move |s| (user.clone(), s.instance_id.clone(), s.platform))
            })
            .collect();
        let rooms = self.index().rooms.iter().map(|(u, g)| (u.clone(), g.clone())).collect();
        (sessions, rooms)
    }

    /// A session of `user`'s `instance` on `platform` logged in on another
    /// node, where `user` now has `remote_web` web sessions (the new one
    /// included): closes what it displaces here, as [`Self::register`]
    /// would (the same instance is replaced; terminals by the device
    /// policy; the oldest web sessions beyond the web limit).
    pub fn remote_login(
        &self,
        user: &UserId,
        instance_id: &str,
        platform: Platform,
        remote_web: usize,
    ) {
        let mut users = self.lock();
        let Some(sessions) = users.get_mut(user) else { return };
        displace(self.policy, sessions, user, SessionId(0), instance_id, platform, remote_web);
        if sessions.is_empty() {
            users.remove(user);
            self.index().forget_user(user);
        }
    }

    fn index(&self) -> MutexGuard<'_, GroupIndex> {
        // Every update leaves the maps consistent at each step.
        self.index.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many membership changes of `user` the registry has seen while
    /// online; read before reading the user's memberships from the store,
    /// handed to [`Self::load_groups`].
    pub fn membership_epoch(&self, user: &UserId) -> u64 {
        self.index().epochs.get(user).copied().unwrap_or(0)
    }

    /// Makes `groups` (read from the store after `epoch` was taken) the
    /// online user's groups; `false` when a membership change passed
    /// meanwhile (read again) or the user has no live session.
    pub fn load_groups(&self, user: &UserId, groups: &[String], epoch: u64) -> bool {
        let users = self.lock();
        if !users.contains_key(user) {
            return false;
        }
        let mut index = self.index();
        if index.epochs.get(user).copied().unwrap_or(0) != epoch {
            return false;
        }
        for group in groups {
            index.add(user, group);
        }
        true
    }

    /// Puts an online user in an AVChatRoom (its members are its online
    /// joiners); returns the room the user left for it, if any (one room
    /// at a time). `false` in the second place when the user is offline.
    pub fn join_room(&self, user: &UserId, group: &str) -> (Option<String>, bool) {
        let users = self.lock();
        if !users.contains_key(user) {
            return (None, false);
        }
        let mut index = self.index();
        let previous = index.rooms.get(user).cloned().filter(|room| room != group);
        if let Some(room) = &previous {
            index.remove(user, room);
        }
        index.add(user, group);
        index.rooms.insert(user.clone(), group.to_owned());
        if let Some(cluster) = self.cluster.get() {
            cluster.room_joined(user, group);
        }
        (previous, true)
    }

    /// Takes a user out of an AVChatRoom; `false` when not in it.
    pub fn leave_room(&self, user: &UserId, group: &str) -> bool {
        let mut index = self.index();
        if index.rooms.get(user).is_none_or(|room| room != group) {
            return false;
        }
        index.remove(user, group);
        if let Some(cluster) = self.cluster.get() {
            cluster.room_left(user, group);
        }
        true
    }

    /// Whether the user is in this AVChatRoom.
    pub fn in_room(&self, user: &UserId, group: &str) -> bool {
        self.index().rooms.get(user).is_some_and(|room| room == group)
    }

    /// Whether an online user is a member of a group (an AVChatRoom's
    /// joiner), by the in-memory index: no store read.
    pub fn online_member(&self, user: &UserId, group: &str) -> bool {
        self.index().members.get(group).is_some_and(|m| m.contains(user))
    }

    /// How many online members a group has (an AVChatRoom's joiners),
    /// without listing them.
    /// In a cluster, an AVChatRoom's joiners on every node.
    pub fn online_member_count(&self, group: &str) -> usize {
        match self.cluster.get() {
            Some(cluster) => {
                let mut members = cluster.remote_room_members(group);
                if let Some(local) = self.index().members.get(group) {
                    members.extend(local.iter().cloned());
                }
                members.len()
            }
            None => self.index().members.get(group).map_or(0, HashSet::len),
        }
    }

    /// The online members of a group (an AVChatRoom's joiners; in a
    /// cluster, on every node).
    pub fn online_members(&self, group: &str) -> Vec<UserId> {
        let mut members: Vec<UserId> = self
            .index()
            .members
            .get(group)
            .map(|m| m.iter().cloned().collect())
            .unwrap_or_default();
        if let Some(cluster) = self.cluster.get() {
            for user in cluster.remote_room_members(group) {
                if !members.contains(&user) {
                    members.push(user);
                }
            }
        }
        members
    }

    /// Adds (`enable`) or removes `mark` on the joiners of the AVChatRoom
    /// `group` among `users`; answers the joiners changed and the users not
    /// in the room, or `None` (nothing changed) when adding would give the
    /// room more than `max_marks` distinct marks.
    pub fn mark_room_members(
        &self,
        group: &str,
        users: &[UserId],
        mark: u64,
        enable: bool,
        max_marks: usize,
    ) -> Option<(Vec<UserId>, Vec<UserId>)> {
        let mut index = self.index();
        let (mut success, mut failure) = (Vec::new(), Vec::new());
        for user in users {
            if success.contains(user) || failure.contains(user) {
                continue;
            }
            if index.rooms.get(user).is_some_and(|room| room == group) {
                success.push(user.clone());
            } else {
                failure.push(user.clone());
            }
        }
        let marks = index.marks.entry(group.to_owned()).or_default();
        if enable && !success.is_empty() && !marks.contains_key(&mark) && marks.len() >= max_marks {
            return None;
        }
        if enable {
            if !success.is_empty() {
                marks.entry(mark).or_default().extend(success.iter().cloned());
            }
        } else if let Some(holders) = marks.get_mut(&mark) {
            for user in &success {
                holders.remove(user);
            }
            if holders.is_empty() {
                marks.remove(&mark);
            }
        }
        if marks.is_empty() {
            index.marks.remove(group);
        }
        Some((success, failure))
    }

    /// The joiners of the AVChatRoom `group` carrying `mark`.
    pub fn marked_members(&self, group: &str, mark: u64) -> Vec<UserId> {
        self.index()
            .marks
            .get(group)
            .and_then(|marks| marks.get(&mark))
            .map(|holders| holders.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Empties an AVChatRoom (dismissed).
    pub fn close_room(&self, group: &str) {
        let mut index = self.index();
        for user in index.members.get(group).cloned().unwrap_or_default() {
            index.remove(&user, group);
        }
        index.marks.remove(group);
        index.bans.remove(group);
    }

    /// Bans `users` from the AVChatRoom `group` until `until` (server
    /// clock, seconds): TIM's removal with a `duration`.
    pub fn ban_from_room(&self, group: &str, users: &[UserId], until: i64) {
        let mut index = self.index();
        let bans = index.bans.entry(group.to_owned()).or_default();
        for user in users {
            bans.insert(user.clone(), until);
        }
    }

    /// Until when (seconds) `user` may not join the AVChatRoom `group`, if
    /// a ban still stands at `now` (an expired one is forgotten).
    pub fn banned_until(&self, user: &UserId, group: &str, now: i64) -> Option<i64> {
        let mut index = self.index();
        let bans = index.bans.get_mut(group)?;
        let until = *bans.get(user)?;
        if until > now {
            return Some(until);
        }
        bans.remove(user);
        if bans.is_empty() {
            index.bans.remove(group);
        }
        None
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<UserId, Vec<Entry>>> {
        // The map stays consistent even if a holder panicked: every update
        // is a single push/retain.
        self.users.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a logged-in session of `platform`. A previous session of
    /// the same instance is replaced. A web session beyond the web limit
    /// kicks the oldest web sessions (`multipleAccount`); a terminal kicks
    /// the terminals the device policy does not let it share the account
    /// with (`multipleDevice`).
    pub fn register(&self, user: &UserId, instance_id: &str, platform: Platform) -> SessionLink {
        let id = SessionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let (outbound, outbound_rx) = mpsc::channel(OUTBOUND_CAPACITY);
        let (close, close_rx) = watch::channel(None);
        let mut users = self.lock();
        let sessions = users.entry(user.clone()).or_default();
        // The new session is the one web page beyond this node's.
        displace(self.policy, sessions, user, id, instance_id, platform, 1);
        sessions.push(Entry { id, instance_id: instance_id.to_owned(), platform, outbound, close });
        SessionLink { id, outbound: outbound_rx, close: close_rx }
    }

    /// Forgets a session (no-op if the registry already dropped it).
    pub fn unregister(&self, user: &UserId, id: SessionId) {
        let mut users = self.lock();
        if let Some(sessions) = users.get_mut(user) {
            sessions.retain(|s| s.id != id);
            if sessions.is_empty() {
                users.remove(user);
                self.index().forget_user(user);
            }
        }
    }

    /// The platform of each of `user`'s live sessions on this node.
    pub fn platforms(&self, user: &UserId) -> Vec<String> {
        self.lock()
            .get(user)
            .map(|sessions| sessions.iter().map(|s| s.platform.as_str().to_owned()).collect())
            .unwrap_or_default()
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
            self.index().forget_user(user);
        }
        kicked
    }

    /// Closes every live session so that each reconnects and catches up
    /// from the store (a node that may have missed other nodes' pushes);
    /// returns how many were closed.
    pub fn resync_all(&self) -> usize {
        let mut users = self.lock();
        let mut closed = 0;
        for (user, sessions) in users.drain() {
            for session in sessions {
                session.close.send_replace(Some(CloseReason::Overflow));
                closed += 1;
            }
            self.index().forget_user(&user);
        }
        closed
    }

    /// How many nodes `user` has live sessions on: this one (when the user
    /// has a session here) and the other nodes of a cluster.
    pub fn nodes_of(&self, user: &UserId) -> usize {
        let here = usize::from(self.session_count(user) > 0);
        here + self.cluster.get().map_or(0, |cluster| cluster.remote_nodes_of(user))
    }

    /// Number of live sessions of a user.
    pub fn session_count(&self, user: &UserId) -> usize {
        self.lock().get(user).map_or(0, Vec::len)
    }
}

/// Closes the sessions of `user` a new login of `instance_id` on
/// `platform` (session `by`; `SessionId(0)`: on another node) displaces:
/// a session of the same instance is replaced; a terminal kicks the
/// terminals `policy` does not let it share the account with
/// (`multipleDevice`); a web page kicks the oldest web pages while this
/// node's plus `web_elsewhere` (the new page, and in a cluster the other
/// nodes' pages) exceed the web limit (`multipleAccount`).
fn displace(
    policy: SessionPolicy,
    sessions: &mut Vec<Entry>,
    user: &UserId,
    by: SessionId,
    instance_id: &str,
    platform: Platform,
    web_elsewhere: usize,
) {
    sessions.retain(|old| {
        if old.instance_id == instance_id {
            old.close.send_replace(Some(CloseReason::Replaced));
            false
        } else {
            true
        }
    });
    if platform.is_terminal() {
        sessions.retain(|old| {
            let displaced = old.platform.is_terminal() && policy.displaces(platform, old.platform);
            if displaced {
                old.kick(user, by, types::KICKED_OUT_MULT_DEVICE);
            }
            !displaced
        });
    } else {
        let mut web = sessions.iter().filter(|s| !s.platform.is_terminal()).count();
        while web + web_elsewhere > policy.max_web_instances {
            // Sessions are kept in login order: the first web one is the oldest.
            let Some(oldest) = sessions.iter().position(|s| !s.platform.is_terminal()) else {
                break;
            };
            sessions.remove(oldest).kick(user, by, types::KICKED_OUT_MULT_ACCOUNT);
            web -= 1;
        }
    }
}

/// Sends one push to a user's sessions but `skip`; closes the ones that
/// cannot keep up. `true` when the user has no session left.
fn send_to(
    sessions: &mut Vec<Entry>,
    user: &UserId,
    push: &EncodedPush,
    skip: Option<SessionId>,
) -> bool {
    send_each(sessions, user, |id| (Some(id) != skip).then_some(push))
}

/// Sends each of a user's sessions the frame `frame_for` picks for it (none
/// for `None`); closes the ones that cannot keep up. `true` when the user
/// has no session left.
fn send_each<'a>(
    sessions: &mut Vec<Entry>,
    user: &UserId,
    frame_for: impl Fn(SessionId) -> Option<&'a EncodedPush>,
) -> bool {
    sessions.retain(|session| {
        let Some(push) = frame_for(session.id) else { return true };
        match session.outbound.try_send(push.clone()) {
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
    sessions.is_empty()
}

impl SessionRegistry {
    /// Hands a group's merged broadcast frame to every live session of its
    /// online members: `frame` to each, but a session listed in `own` gets
    /// its own frame there instead (without the entries it sent; `None`:
    /// nothing). Used by [`crate::broadcast::Broadcaster`].
    pub fn deliver_room(
        &self,
        group: &str,
        frame: &EncodedPush,
        own: &[(SessionId, Option<EncodedPush>)],
    ) {
        let mut users = self.lock();
        let mut index = self.index();
        let Some(members) = index.members.get(group) else { return };
        let frame_for = |id: SessionId| match own.iter().find(|(sender, _)| *sender == id) {
            Some((_, mine)) => mine.as_ref(),
            None => Some(frame),
        };
        let mut gone = Vec::new();
        for member in members {
            let Some(sessions) = users.get_mut(member) else { continue };
            if send_each(sessions, member, frame_for) {
                gone.push(member.clone());
            }
        }
        for member in gone {
            users.remove(&member);
            index.forget_user(&member);
        }
    }
}

impl Fanout for SessionRegistry {
    fn deliver(&self, deliveries: Vec<Delivery>) {
        // Encoded before the locks are taken, once per delivery.
        let encoded: Vec<Option<EncodedPush>> =
            deliveries.iter().map(|d| encode_push(&d.push)).collect();
        let mut users = self.lock();
        let mut index = self.index();
        for (delivery, frame) in deliveries.into_iter().zip(encoded) {
            let Some(frame) = frame else { continue };
            match &delivery.audience {
                crate::fanout::Audience::User(user) => {
                    let Some(sessions) = users.get_mut(user) else { continue };
                    // The index follows membership changes in commit order,
                    // before the pushes that come after them.
                    if let Push::Inbox(entry) = &*delivery.push {
                        match &entry.event {
                            InboxEvent::GroupJoined { group, .. } => {
                                index.add(user, group.group_id.as_str());
                                index.bump(user);
                            }
                            InboxEvent::GroupLeft { group_id, .. } => {
                                index.remove(user, group_id.as_str());
                                index.bump(user);
                            }
                            _ => {}
                        }
                    }
                    if send_to(sessions, user, &frame, delivery.skip) {
                        users.remove(user);
                        index.forget_user(user);
                    }
                }
                crate::fanout::Audience::Group(group)
                | crate::fanout::Audience::GroupExcept(group, _) => {
                    let except: &[UserId] = match &delivery.audience {
                        crate::fanout::Audience::GroupExcept(_, except) => except,
                        _ => &[],
                    };
                    let Some(members) = index.members.get(group) else { continue };
                    let mut gone = Vec::new();
                    for member in members {
                        if except.contains(member) {
                            continue;
                        }
                        let Some(sessions) = users.get_mut(member) else { continue };
                        if send_to(sessions, member, &frame, delivery.skip) {
                            gone.push(member.clone());
                        }
                    }
                    for member in gone {
                        users.remove(&member);
                        index.forget_user(&member);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn push(n: u64) -> Push {
        Push::Inbox(confab_proto::inbox::InboxEntry {
            seq: n,
            event: confab_proto::inbox::InboxEvent::ConversationRead {
                conversation_id: "C2Cb".into(),
                read_sequence: n,
            },
        })
    }

    /// `push(n)` as the frame a session is sent.
    fn frame(n: u64) -> String {
        confab_proto::frame::push_frame_json(&push(n)).expect("encode")
    }

    fn registry(max_web_instances: usize, devices: DevicePolicy) -> SessionRegistry {
        SessionRegistry::new(SessionPolicy { max_web_instances, devices })
    }

    fn kicked(link: &SessionLink) -> Option<&'static str> {
        match *link.close.borrow() {
            Some(CloseReason::Kicked(kick_type)) => Some(kick_type),
            _ => None,
        }
    }

    #[test]
    fn limit_kicks_the_oldest_and_same_instance_replaces() {
        let registry = registry(2, DevicePolicy::Single);
        let alice = UserId::new("alice");
        let a = registry.register(&alice, "i1", Platform::Web);
        let b = registry.register(&alice, "i2", Platform::Web);
        let b2 = registry.register(&alice, "i2", Platform::Web);
        assert_eq!(*b.close.borrow(), Some(CloseReason::Replaced));
        assert_eq!(*a.close.borrow(), None);
        let c = registry.register(&alice, "i3", Platform::Web);
        assert_eq!(*a.close.borrow(), Some(CloseReason::Kicked(types::KICKED_OUT_MULT_ACCOUNT)));
        assert_eq!(*b2.close.borrow(), None);
        assert_eq!(*c.close.borrow(), None);
        assert_eq!(registry.session_count(&alice), 2);
        registry.unregister(&alice, b2.id);
        registry.unregister(&alice, c.id);
        assert_eq!(registry.session_count(&alice), 0);
    }

    // checklist 39-41: by default one web instance per account; a web login
    // beyond it kicks the other web page with KICKED_OUT_MULT_ACCOUNT.
    // checklist 1091: a login on another terminal kicks with
    // KICKED_OUT_MULT_DEVICE. A web page and a terminal never kick each other.
    #[test]
    fn web_pages_and_terminals_follow_separate_rules_by_default() {
        let registry = SessionRegistry::new(SessionPolicy::default());
        let alice = UserId::new("alice");
        let desktop = registry.register(&alice, "d1", Platform::Desktop);
        let web = registry.register(&alice, "w1", Platform::Web);
        assert_eq!((kicked(&desktop), kicked(&web)), (None, None), "desktop + web together");

        let web2 = registry.register(&alice, "w2", Platform::Web);
        assert_eq!(kicked(&web), Some(types::KICKED_OUT_MULT_ACCOUNT));
        assert_eq!((kicked(&desktop), kicked(&web2)), (None, None));

        let desktop2 = registry.register(&alice, "d2", Platform::Desktop);
        assert_eq!(kicked(&desktop), Some(types::KICKED_OUT_MULT_DEVICE));
        assert_eq!((kicked(&web2), kicked(&desktop2)), (None, None));

        // Single policy: the CLI is another terminal, so it kicks the desktop.
        let cli = registry.register(&alice, "c1", Platform::Cli);
        assert_eq!(kicked(&desktop2), Some(types::KICKED_OUT_MULT_DEVICE));
        assert_eq!((kicked(&web2), kicked(&cli)), (None, None));
        assert_eq!(registry.session_count(&alice), 2);
    }

    #[test]
    fn per_platform_policy_keeps_one_terminal_of_each_platform() {
        let registry = registry(1, DevicePolicy::PerPlatform);
        let alice = UserId::new("alice");
        let desktop = registry.register(&alice, "d1", Platform::Desktop);
        let cli = registry.register(&alice, "c1", Platform::Cli);
        let web = registry.register(&alice, "w1", Platform::Web);
        assert_eq!((kicked(&desktop), kicked(&cli), kicked(&web)), (None, None, None));

        let desktop2 = registry.register(&alice, "d2", Platform::Desktop);
        assert_eq!(kicked(&desktop), Some(types::KICKED_OUT_MULT_DEVICE));
        let cli2 = registry.register(&alice, "c2", Platform::Cli);
        assert_eq!(kicked(&cli), Some(types::KICKED_OUT_MULT_DEVICE));
        assert_eq!((kicked(&desktop2), kicked(&cli2), kicked(&web)), (None, None, None));
        assert_eq!(registry.session_count(&alice), 3);
        // Another user's sessions are untouched by any of it.
        let bob = registry.register(&UserId::new("bob"), "d1", Platform::Desktop);
        assert_eq!(kicked(&bob), None);
    }

    // checklist 42, 49-50: with the web limit at N, the (N+1)th web login
    // kicks the web page that logged in first; terminals in between do not
    // count and are not candidates.
    #[test]
    fn the_web_limit_counts_and_kicks_web_pages_only() {
        let registry = registry(2, DevicePolicy::Single);
        let alice = UserId::new("alice");
        let desktop = registry.register(&alice, "d1", Platform::Desktop);
        let a1 = registry.register(&alice, "w1", Platform::Web);
        let a2 = registry.register(&alice, "w2", Platform::Web);
        let a3 = registry.register(&alice, "w3", Platform::Web);
        assert_eq!(kicked(&a1), Some(types::KICKED_OUT_MULT_ACCOUNT));
        assert_eq!((kicked(&a2), kicked(&a3), kicked(&desktop)), (None, None, None));
        // A reconnect of a live web page replaces it; it kicks nobody.
        let a3_again = registry.register(&alice, "w3", Platform::Web);
        assert_eq!(*a3.close.borrow(), Some(CloseReason::Replaced));
        assert_eq!((kicked(&a2), kicked(&a3_again)), (None, None));
        assert_eq!(registry.session_count(&alice), 3);
    }

    // The same rules across the nodes of a cluster: a login on another node
    // replaces this node's session of the same instance, kicks the terminals
    // the device policy says, and the oldest web pages here while the web
    // pages of every node exceed the limit.
    #[test]
    fn a_login_on_another_node_kicks_here_what_it_displaces() {
        let registry = registry(2, DevicePolicy::Single);
        let alice = UserId::new("alice");
        let desktop = registry.register(&alice, "d1", Platform::Desktop);
        let w1 = registry.register(&alice, "w1", Platform::Web);
        let w2 = registry.register(&alice, "w2", Platform::Web);
        // The same instance reconnected to another node.
        registry.remote_login(&alice, "w2", Platform::Web, 1);
        assert_eq!(*w2.close.borrow(), Some(CloseReason::Replaced));
        assert_eq!((kicked(&w1), kicked(&desktop)), (None, None), "2 web pages in all");
        // A third web page elsewhere: this node's oldest goes.
        let w3 = registry.register(&alice, "w3", Platform::Web);
        registry.remote_login(&alice, "w9", Platform::Web, 2);
        assert_eq!(kicked(&w1), Some(types::KICKED_OUT_MULT_ACCOUNT));
        assert_eq!(kicked(&w3), Some(types::KICKED_OUT_MULT_ACCOUNT), "4 > 2: both local go");
        // A terminal elsewhere kicks this node's terminal, not its web pages.
        registry.remote_login(&alice, "c1", Platform::Cli, 2);
        assert_eq!(kicked(&desktop), Some(types::KICKED_OUT_MULT_DEVICE));
        assert_eq!(registry.session_count(&alice), 0);
        // Another user, or a user with no session here: nothing happens.
        let bob = registry.register(&UserId::new("bob"), "d1", Platform::Desktop);
        registry.remote_login(&UserId::new("carol"), "d1", Platform::Desktop, 0);
        assert_eq!(kicked(&bob), None);
        let (live, rooms) = registry.snapshot();
        assert_eq!(live, vec![(UserId::new("bob"), "d1".to_owned(), Platform::Desktop)]);
        assert!(rooms.is_empty());
    }

    #[test]
    fn kick_all_keeps_only_the_caller() {
        let registry = registry(3, DevicePolicy::Single);
        let alice = UserId::new("alice");
        let one = registry.register(&alice, "i1", Platform::Web);
        let two = registry.register(&alice, "i2", Platform::Web);
        let three = registry.register(&alice, "i3", Platform::Web);
        let expired = types::KICKED_OUT_USERSIG_EXPIRED;
        assert_eq!(registry.kick_all(&alice, Some(two.id), expired), 2);
        assert_eq!(*one.close.borrow(), Some(CloseReason::Kicked(expired)));
        assert_eq!(*three.close.borrow(), Some(CloseReason::Kicked(expired)));
        assert_eq!(*two.close.borrow(), None);
        assert_eq!(registry.session_count(&alice), 1);
        assert_eq!(registry.kick_all(&alice, None, expired), 1);
        assert_eq!(registry.session_count(&alice), 0);
    }

    fn joined(group: &str) -> Push {
        let profile = confab_proto::group::GroupProfile {
            group_id: confab_proto::GroupId::new(group),
            ..Default::default()
        };
        Push::Inbox(confab_proto::inbox::InboxEntry {
            seq: 1,
            event: InboxEvent::GroupJoined { group: profile, after: 0, topics: Vec::new() },
        })
    }

    fn to_group(group: &str, n: u64, skip: Option<SessionId>) -> Delivery {
        Delivery {
            audience: crate::fanout::Audience::Group(group.into()),
            push: Arc::new(push(n)),
            skip,
        }
    }

    #[test]
    fn group_pushes_reach_online_members_once_per_session_but_the_sender() {
        let registry = registry(2, DevicePolicy::Single);
        let (alice, bob, carol) = (UserId::new("alice"), UserId::new("bob"), UserId::new("carol"));
        let mut a = registry.register(&alice, "a", Platform::Web);
        let mut b1 = registry.register(&bob, "b1", Platform::Web);
        let mut b2 = registry.register(&bob, "b2", Platform::Web);
        // alice's groups come from the store at login; bob joins by a push.
        let epoch = registry.membership_epoch(&alice);
        assert!(registry.load_groups(&alice, &["g".into()], epoch));
        registry.deliver(vec![Delivery::to_user(bob.clone(), Arc::new(joined("g")), None)]);
        assert!(b1.outbound.try_recv().is_ok() && b2.outbound.try_recv().is_ok());
        // A stale read (a membership change passed) is refused.
        assert!(!registry.load_groups(&bob, &[], epoch));
        // Offline users are not indexed.
        assert!(!registry.load_groups(&carol, &["g".into()], 0));
        registry.deliver(vec![to_group("g", 5, Some(a.id))]);
        assert!(a.outbound.try_recv().is_err(), "the sending session is skipped");
        assert_eq!(b1.outbound.try_recv().ok().as_deref(), Some(frame(5).as_str()));
        assert_eq!(b2.outbound.try_recv().ok().as_deref(), Some(frame(5).as_str()));
        assert!(b1.outbound.try_recv().is_err(), "once");
        // Leaving stops the pushes; so does going offline.
        let left = Push::Inbox(confab_proto::inbox::InboxEntry {
            seq: 2,
            event: InboxEvent::GroupLeft {
                group_id: confab_proto::GroupId::new("g"),
                reason: confab_proto::group::LeftReason::Quit,
            },
        });
        registry.deliver(vec![Delivery::to_user(bob.clone(), Arc::new(left), None)]);
        registry.unregister(&alice, a.id);
        registry.deliver(vec![to_group("g", 6, None)]);
        assert!(b1.outbound.try_recv().is_ok(), "the groupLeft push itself");
        assert!(b1.outbound.try_recv().is_err());
        assert!(registry.online_members("g").is_empty());
        assert_eq!(registry.online_member_count("g"), 0);
    }

    #[test]
    fn one_avchatroom_at_a_time() {
        let registry = registry(1, DevicePolicy::Single);
        let alice = UserId::new("alice");
        assert_eq!(registry.join_room(&alice, "r1"), (None, false), "offline");
        let _a = registry.register(&alice, "a", Platform::Web);
        assert_eq!(registry.join_room(&alice, "r1"), (None, true));
        assert_eq!(registry.join_room(&alice, "r2"), (Some("r1".into()), true));
        assert!(!registry.in_room(&alice, "r1") && registry.in_room(&alice, "r2"));
        assert_eq!(registry.online_members("r2"), std::slice::from_ref(&alice));
        assert_eq!(registry.online_member_count("r2"), 1);
        registry.close_room("r2");
        assert!(!registry.in_room(&alice, "r2"));
    }

    #[test]
    fn deliveries_skip_and_overflow() {
        let registry = registry(3, DevicePolicy::Single);
        let bob = UserId::new("bob");
        let mut one = registry.register(&bob, "i1", Platform::Web);
        let mut two = registry.register(&bob, "i2", Platform::Web);
        registry.deliver(vec![Delivery::to_user(bob.clone(), Arc::new(push(1)), Some(one.id))]);
        assert!(one.outbound.try_recv().is_err());
        assert_eq!(two.outbound.try_recv().ok().as_deref(), Some(frame(1).as_str()));
        let flood = (0..=OUTBOUND_CAPACITY as u64)
            .map(|n| Delivery::to_user(bob.clone(), Arc::new(push(n)), Some(two.id)))
            .collect();
        registry.deliver(flood);
        assert_eq!(*one.close.borrow(), Some(CloseReason::Overflow));
        assert_eq!(registry.session_count(&bob), 1);
    }
}
