//! What the nodes of a cluster tell each other of their sessions, and how
//! a node takes it in: the other nodes' sessions, logins and AVChatRoom
//! members, consulted by the session registry (kicks, online counts, the
//! send rate), presence (statuses) and the broadcaster.
//!
//! Without the `cluster` feature nothing makes a view, so most of this is
//! unused there.
#![cfg_attr(not(feature = "cluster"), allow(dead_code))]

use crate::sessions::SessionRegistry;
use confab_proto::inbox::TimelineEntry;
use confab_proto::ops::Platform;
use confab_proto::{GroupId, UserId};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How often a node tells the others it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(2);

/// How long a node may stay silent before the others forget its sessions
/// (a node killed without a goodbye).
pub const NODE_TIMEOUT: Duration = Duration::from_secs(10);

/// One node's news for the others.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct NodeMessage {
    pub(super) node: String,
    #[serde(flatten)]
    pub(super) event: NodeEvent,
}

/// What a node tells the others of its sessions.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(super) enum NodeEvent {
    /// A session of `user`'s `instance` logged in here.
    Login { user: UserId, instance: String, platform: Platform },
    /// A session ended here: by a logout or kick (`logged_out`) or a lost
    /// connection; `gone`: the user has no session left here (and so is in
    /// no AVChatRoom here).
    Ended { user: UserId, instance: String, logged_out: bool, gone: bool },
    /// `user` set a custom status (stored; each node tells its own
    /// subscribers).
    StatusSet { user: UserId },
    /// `user` joined the AVChatRoom `group` here (leaving any other).
    RoomJoined { user: UserId, group: String },
    /// `user` left the AVChatRoom `group` here.
    RoomLeft { user: UserId, group: String },
    /// Everything this node has: sessions, logged-in instances, rooms.
    State {
        sessions: Vec<(UserId, String, Platform)>,
        logged_in: Vec<(UserId, String)>,
        rooms: Vec<(UserId, String)>,
    },
    /// A node (re)joined: every node answers with its `State`.
    Hello,
    /// Still here.
    Heartbeat,
    /// Shutting down: forget this node's sessions.
    Bye,
}

/// A room broadcast (AVChatRoom or `onlineUserOnly` messages) for the
/// other nodes' members.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RoomMessage {
    pub(super) node: String,
    pub(super) group: GroupId,
    pub(super) entries: Vec<TimelineEntry>,
}

/// What one other node has.
#[derive(Debug)]
struct NodeView {
    last_heard: Instant,
    sessions: HashMap<UserId, Vec<(String, Platform)>>,
    logged_in: HashMap<UserId, HashSet<String>>,
    rooms: HashMap<UserId, String>,
}

impl NodeView {
    fn new() -> Self {
        Self {
            last_heard: Instant::now(),
            sessions: HashMap::new(),
            logged_in: HashMap::new(),
            rooms: HashMap::new(),
        }
    }

    fn users(&self) -> HashSet<UserId> {
        self.sessions
            .keys()
            .chain(self.logged_in.keys())
            .chain(self.rooms.keys())
            .cloned()
            .collect()
    }
}

/// The other nodes' sessions, logins and room members, as they told them,
/// and the way to tell them this node's.
pub struct ClusterView {
    node: String,
    /// `confab.<SDKAppID>`.
    prefix: String,
    nodes: Mutex<HashMap<String, NodeView>>,
    outgoing: mpsc::UnboundedSender<(String, Vec<u8>)>,
}

impl ClusterView {
    /// The view of node `node` of application `sdk_app_id`'s cluster, which
    /// publishes through `outgoing` (subject, payload).
    pub(super) fn new(
        node: &str,
        sdk_app_id: u64,
        outgoing: mpsc::UnboundedSender<(String, Vec<u8>)>,
    ) -> Self {
        Self {
            node: node.to_owned(),
            prefix: format!("confab.{sdk_app_id}"),
            nodes: Mutex::new(HashMap::new()),
            outgoing,
        }
    }

    /// This node's name.
    pub(super) fn node(&self) -> &str {
        &self.node
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, NodeView>> {
        // Every update leaves the views consistent at each step.
        self.nodes.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn subject(&self, name: &str) -> String {
        format!("{}.{name}", self.prefix)
    }

    pub(super) fn publish(&self, event: &NodeEvent) {
        #[derive(Serialize)]
        struct Out<'a> {
            node: &'a str,
            #[serde(flatten)]
            event: &'a NodeEvent,
        }
        self.send("nodes", &Out { node: &self.node, event });
    }

    fn send(&self, subject: &str, value: &impl Serialize) {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                if self.outgoing.send((self.subject(subject), bytes)).is_err() {
                    tracing::debug!("the cluster link is closed");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot encode a message for other nodes"),
        }
    }

    /// A session of `user`'s `instance` on `platform` logged in here.
    pub fn login(&self, user: &UserId, instance: &str, platform: Platform) {
        self.publish(&NodeEvent::Login {
            user: user.clone(),
            instance: instance.to_owned(),
            platform,
        });
    }

    /// A session of `user`'s `instance` ended here.
    pub fn ended(&self, user: &UserId, instance: &str, logged_out: bool, gone: bool) {
        self.publish(&NodeEvent::Ended {
            user: user.clone(),
            instance: instance.to_owned(),
            logged_out,
            gone,
        });
    }

    /// `user` set a custom status here.
    pub fn status_set(&self, user: &UserId) {
        self.publish(&NodeEvent::StatusSet { user: user.clone() });
    }

    /// `user` joined the AVChatRoom `group` here.
    pub fn room_joined(&self, user: &UserId, group: &str) {
        self.publish(&NodeEvent::RoomJoined { user: user.clone(), group: group.to_owned() });
    }

    /// `user` left the AVChatRoom `group` here.
    pub fn room_left(&self, user: &UserId, group: &str) {
        self.publish(&NodeEvent::RoomLeft { user: user.clone(), group: group.to_owned() });
    }

    /// A broadcast entry for the other nodes' members of `group`.
    pub fn room_broadcast(&self, group: &GroupId, entry: &TimelineEntry) {
        self.send(
            "room",
            &RoomMessage {
                node: self.node.clone(),
                group: group.clone(),
                entries: vec![entry.clone()],
            },
        );
    }

    /// Whether `user` has a session on another node, and whether an
    /// instance of theirs is logged in (not out) on another node.
    pub fn remote_status(&self, user: &UserId) -> (bool, bool) {
        let nodes = self.lock();
        let online = nodes.values().any(|n| n.sessions.get(user).is_some_and(|s| !s.is_empty()));
        let logged_in = nodes.values().any(|n| n.logged_in.contains_key(user));
        (online, logged_in)
    }

    /// How many other nodes `user` has sessions on.
    pub fn remote_nodes_of(&self, user: &UserId) -> usize {
        self.lock().values().filter(|n| n.sessions.get(user).is_some_and(|s| !s.is_empty())).count()
    }

    /// Web sessions of `user` on other nodes.
    pub fn remote_web_sessions(&self, user: &UserId) -> usize {
        self.lock()
            .values()
            .filter_map(|n| n.sessions.get(user))
            .flatten()
            .filter(|(_, platform)| !platform.is_terminal())
            .count()
    }

    /// Members of the AVChatRoom `group` on other nodes.
    pub fn remote_room_members(&self, group: &str) -> HashSet<UserId> {
        self.lock()
            .values()
            .flat_map(|n| n.rooms.iter().filter(|(_, room)| *room == group).map(|(u, _)| u.clone()))
            .collect()
    }

    /// This node's sessions, logins and rooms, as a `State` event.
    pub(super) fn snapshot(
        &self,
        sessions: &SessionRegistry,
        presence: &crate::presence::Presence,
    ) -> NodeEvent {
        let (live, rooms) = sessions.snapshot();
        NodeEvent::State { sessions: live, logged_in: presence.roster().logged_in(), rooms }
    }

    /// Takes one node's news in: kicks what a login elsewhere displaces,
    /// and has presence announce the users whose status may have changed.
    pub(super) async fn apply(
        &self,
        message: NodeMessage,
        sessions: &SessionRegistry,
        presence: &crate::presence::Presence,
    ) {
        let NodeMessage { node, event } = message;
        let mut changed: Vec<UserId> = Vec::new();
        let mut reply_state = false;
        let mut status_set = None;
        {
            let mut nodes = self.lock();
            let view = nodes.entry(node.clone()).or_insert_with(NodeView::new);
            view.last_heard = Instant::now();
            match event {
                NodeEvent::Login { user, instance, platform } => {
                    let list = view.sessions.entry(user.clone()).or_default();
                    list.retain(|(i, _)| *i != instance);
                    list.push((instance.clone(), platform));
                    view.logged_in.entry(user.clone()).or_default().insert(instance.clone());
                    drop(nodes);
                    let remote_web = self.remote_web_sessions(&user);
                    sessions.remote_login(&user, &instance, platform, remote_web);
                    changed.push(user);
                }
                NodeEvent::Ended { user, instance, logged_out, gone } => {
                    if let Some(list) = view.sessions.get_mut(&user) {
                        list.retain(|(i, _)| *i != instance);
                        if list.is_empty() {
                            view.sessions.remove(&user);
                        }
                    }
                    if logged_out {
                        if let Some(set) = view.logged_in.get_mut(&user) {
                            set.remove(&instance);
                            if set.is_empty() {
                                view.logged_in.remove(&user);
                            }
                        }
                    }
                    if gone {
                        view.rooms.remove(&user);
                    }
                    changed.push(user);
                }
                NodeEvent::StatusSet { user } => status_set = Some(user),
                NodeEvent::RoomJoined { user, group } => {
                    view.rooms.insert(user, group);
                }
                NodeEvent::RoomLeft { user, group } => {
                    if view.rooms.get(&user).is_some_and(|room| *room == group) {
                        view.rooms.remove(&user);
                    }
                }
                NodeEvent::State { sessions: live, logged_in, rooms } => {
                    let before = view.users();
                    let mut fresh = NodeView::new();
                    for (user, instance, platform) in live {
                        fresh.sessions.entry(user).or_default().push((instance, platform));
                    }
                    for (user, instance) in logged_in {
                        fresh.logged_in.entry(user).or_default().insert(instance);
                    }
                    fresh.rooms = rooms.into_iter().collect();
                    changed = before.union(&fresh.users()).cloned().collect();
                    *view = fresh;
                }
                NodeEvent::Hello => reply_state = true,
                NodeEvent::Heartbeat => {}
                NodeEvent::Bye => {
                    if let Some(gone) = nodes.remove(&node) {
                        changed = gone.users().into_iter().collect();
                    }
                }
            }
        }
        if reply_state {
            self.publish(&self.snapshot(sessions, presence));
        }
        if let Some(user) = status_set {
            presence.custom_status_told(&user).await;
        }
        for user in changed {
            presence.remote_changed(&user).await;
        }
    }

    /// Forgets the nodes silent for longer than [`NODE_TIMEOUT`]; the users
    /// they had.
    pub(super) fn forget_silent(&self) -> Vec<UserId> {
        let mut nodes = self.lock();
        let silent: Vec<String> = nodes
            .iter()
            .filter(|(_, view)| view.last_heard.elapsed() > NODE_TIMEOUT)
            .map(|(name, _)| name.clone())
            .collect();
        let mut users = HashSet::new();
        for name in silent {
            tracing::warn!(node = %name, "a node went silent; its sessions are forgotten");
            if let Some(view) = nodes.remove(&name) {
                users.extend(view.users());
            }
        }
        users.into_iter().collect()
    }
}
