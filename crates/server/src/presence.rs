//! User status (TIM 用户状态) on this server: which instances of each user
//! are logged in, which users each user follows, the last status each user
//! was announced with, and the per-user call rate of the status operations.
//! Kept in memory: a restarted server starts with nobody logged in and no
//! subscriptions (clients reconnect and subscribe again).
//!
//! A user's status is computed, never stored: online (1) with a live
//! session in the [`SessionRegistry`], offline (2) with none but an
//! instance logged in and not out, not logged in (3) otherwise. The
//! gateway calls [`session_started`] and [`session_ended`]; each pushes a
//! `userStatus` to the user's subscribers when the status changed since it
//! was last announced (under one lock, so two racing sessions cannot
//! announce out of order). A custom status (`setSelfStatus`) is stored, and
//! announced to the subscribers and the user's own sessions.

use crate::cluster::ClusterView;
use crate::fanout::{Delivery, Fanout as _};
use crate::sessions::SessionRegistry;
use crate::store::Store;
use confab_proto::frame::Push;
use confab_proto::ops::Platform;
use confab_proto::status::{
    UserStatus, MAX_STATUS_SUBSCRIPTIONS, STATUS_RATE_CALLS, STATUS_RATE_WINDOW_MS,
    USER_STATUS_OFFLINE, USER_STATUS_ONLINE, USER_STATUS_UNLOGINED,
};
use confab_proto::UserId;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// Presence of this server's users (see the module docs): the roster,
/// and what announcing needs (the sessions to count and push to, the store
/// holding custom statuses).
pub struct Presence {
    roster: Roster,
    sessions: Arc<SessionRegistry>,
    store: Arc<dyn Store>,
    /// The other nodes of a cluster.
    cluster: Option<Arc<ClusterView>>,
}

/// The in-memory part of presence: logins, announcements, subscriptions,
/// call rates.
#[derive(Default)]
pub struct Roster {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Instances logged in and not logged out, by user.
    logged_in: HashMap<UserId, HashSet<String>>,
    /// The status each user was last announced with (absent: 3).
    announced: HashMap<UserId, u8>,
    /// Who follows each user.
    watchers: HashMap<UserId, HashSet<UserId>>,
    /// Whom each user follows, earliest first.
    watching: HashMap<UserId, VecDeque<UserId>>,
    /// When each user's rate-limited status calls were made (ms), per
    /// operation.
    calls: HashMap<(UserId, &'static str), VecDeque<i64>>,
}

impl Roster {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update leaves the maps consistent at each step.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `user`'s status type now (`cluster`: counting other nodes too).
    pub fn status_type(
        &self,
        sessions: &SessionRegistry,
        cluster: Option<&ClusterView>,
        user: &UserId,
    ) -> u8 {
        let state = self.lock();
        status_of(&state, sessions, cluster, user)
    }

    /// Instances logged in here and not logged out, for the other nodes.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub fn logged_in(&self) -> Vec<(UserId, String)> {
        self.lock()
            .logged_in
            .iter()
            .flat_map(|(user, set)| set.iter().map(move |i| (user.clone(), i.clone())))
            .collect()
    }

    /// Notes an instance logged in (or out; `None`: neither, something
    /// changed on another node) and returns the new status and who follows
    /// `user` when the status changed since it was announced.
    pub(crate) fn note(
        &self,
        sessions: &SessionRegistry,
        cluster: Option<&ClusterView>,
        user: &UserId,
        instance: Option<&str>,
        logged_in: bool,
    ) -> Option<(u8, Vec<UserId>)> {
        let mut state = self.lock();
        match instance {
            Some(instance) if logged_in => {
                state.logged_in.entry(user.clone()).or_default().insert(instance.to_owned());
            }
            Some(instance) => {
                if let Some(set) = state.logged_in.get_mut(user) {
                    set.remove(instance);
                    if set.is_empty() {
                        state.logged_in.remove(user);
                    }
                }
            }
            None => {}
        }
        let now = status_of(&state, sessions, cluster, user);
        let before = state.announced.get(user).copied().unwrap_or(USER_STATUS_UNLOGINED);
        if now == before {
            return None;
        }
        if now == USER_STATUS_UNLOGINED {
            state.announced.remove(user);
        } else {
            state.announced.insert(user.clone(), now);
        }
        let watchers = state.watchers.get(user).map(|w| w.iter().cloned().collect());
        Some((now, watchers.unwrap_or_default()))
    }

    /// Who follows `user`.
    pub fn watchers(&self, user: &UserId) -> Vec<UserId> {
        self.lock().watchers.get(user).map(|w| w.iter().cloned().collect()).unwrap_or_default()
    }

    /// `subscriber` follows `targets` (already followed ones move to the
    /// end); past [`MAX_STATUS_SUBSCRIPTIONS`] the earliest are dropped.
    pub fn subscribe(&self, subscriber: &UserId, targets: &[UserId]) {
        let mut state = self.lock();
        let State { watchers, watching, .. } = &mut *state;
        let list = watching.entry(subscriber.clone()).or_default();
        for target in targets {
            list.retain(|t| t != target);
            list.push_back(target.clone());
            watchers.entry(target.clone()).or_default().insert(subscriber.clone());
        }
        while list.len() > MAX_STATUS_SUBSCRIPTIONS {
            if let Some(evicted) = list.pop_front() {
                unwatch(watchers, &evicted, subscriber);
            }
        }
    }

    /// `subscriber` stops following `targets` (`None`: everyone).
    pub fn unsubscribe(&self, subscriber: &UserId, targets: Option<&[UserId]>) {
        let mut state = self.lock();
        let State { watchers, watching, .. } = &mut *state;
        let Some(list) = watching.get_mut(subscriber) else { return };
        let gone: Vec<UserId> = match targets {
            None => list.drain(..).collect(),
            Some(targets) => {
                list.retain(|t| !targets.contains(t));
                targets.to_vec()
            }
        };
        if list.is_empty() {
            watching.remove(subscriber);
        }
        for target in &gone {
            unwatch(watchers, target, subscriber);
        }
    }

    /// Whom `subscriber` follows, earliest first.
    #[cfg(test)]
    pub fn watching(&self, subscriber: &UserId) -> Vec<UserId> {
        self.lock()
            .watching
            .get(subscriber)
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Counts one call of the rate-limited operation `op` by `user` at
    /// `now_ms`; `false` (and not counted) when [`STATUS_RATE_CALLS`] of
    /// them were made in the last [`STATUS_RATE_WINDOW_MS`] (each
    /// operation has its own count, as the seed's "各 20 次" says).
    pub fn allow_call(&self, user: &UserId, op: &'static str, now_ms: i64) -> bool {
        let mut state = self.lock();
        let calls = state.calls.entry((user.clone(), op)).or_default();
        while calls.front().is_some_and(|&t| t <= now_ms - STATUS_RATE_WINDOW_MS) {
            calls.pop_front();
        }
        if calls.len() >= STATUS_RATE_CALLS {
            return false;
        }
        calls.push_back(now_ms);
        true
    }
}

fn status_of(
    state: &State,
    sessions: &SessionRegistry,
    cluster: Option<&ClusterView>,
    user: &UserId,
) -> u8 {
    let (remote_online, remote_logged_in) =
        cluster.map_or((false, false), |c| c.remote_status(user));
    if sessions.session_count(user) > 0 || remote_online {
        USER_STATUS_ONLINE
    } else if state.logged_in.contains_key(user) || remote_logged_in {
        USER_STATUS_OFFLINE
    } else {
        USER_STATUS_UNLOGINED
    }
}

fn unwatch(watchers: &mut HashMap<UserId, HashSet<UserId>>, target: &UserId, who: &UserId) {
    if let Some(set) = watchers.get_mut(target) {
        set.remove(who);
        if set.is_empty() {
            watchers.remove(target);
        }
    }
}

impl Presence {
    /// Presence over `sessions`, with custom statuses in `store` (and, in a
    /// cluster, the other nodes' sessions in `cluster`).
    pub fn new(
        sessions: Arc<SessionRegistry>,
        store: Arc<dyn Store>,
        cluster: Option<Arc<ClusterView>>,
    ) -> Self {
        Self { roster: Roster::default(), sessions, store, cluster }
    }

    /// The logins, subscriptions and call rates.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// `user`'s status type now.
    pub fn status_type(&self, user: &UserId) -> u8 {
        self.roster.status_type(&self.sessions, self.cluster.as_deref(), user)
    }

    /// Pushes `user`'s status to `to`.
    async fn tell(&self, user: &UserId, status_type: u8, to: Vec<UserId>) {
        if to.is_empty() {
            return;
        }
        let custom_status = match self.store.custom_statuses(vec![user.clone()]).await {
            Ok(found) => found.into_iter().next().and_then(|(_, s)| s).unwrap_or_default(),
            Err(e) => {
                tracing::warn!(%user, error = %e, "custom status unreadable; announced without it");
                String::new()
            }
        };
        let status = UserStatus { user_id: user.clone(), status_type, custom_status };
        let push = Arc::new(Push::UserStatus { user_status_list: vec![status] });
        self.sessions.deliver(
            to.into_iter().map(|w| Delivery::to_user(w, Arc::clone(&push), None)).collect(),
        );
    }

    /// A session of `user`'s `instance` on `platform` logged in: the
    /// user's subscribers (and the other nodes) hear when the user came
    /// online.
    pub async fn session_started(&self, user: &UserId, instance: &str, platform: Platform) {
        if let Some(cluster) = &self.cluster {
            cluster.login(user, instance, platform);
        }
        let cluster = self.cluster.as_deref();
        if let Some((status, watchers)) =
            self.roster.note(&self.sessions, cluster, user, Some(instance), true)
        {
            self.tell(user, status, watchers).await;
        }
    }

    /// Something about `user` changed on another node: this node's
    /// subscribers hear when the user's status changed.
    pub async fn remote_changed(&self, user: &UserId) {
        let cluster = self.cluster.as_deref();
        if let Some((status, watchers)) =
            self.roster.note(&self.sessions, cluster, user, None, true)
        {
            self.tell(user, status, watchers).await;
        }
    }

    /// A session of `user`'s `instance` ended (`logged_out`: by a logout
    /// or a kick, not a lost connection): the user's subscribers hear when
    /// the user went offline or logged out.
    pub async fn session_ended(&self, user: &UserId, instance: &str, logged_out: bool) {
        if let Some(cluster) = &self.cluster {
            cluster.ended(user, instance, logged_out, self.sessions.session_count(user) == 0);
        }
        // A lost connection leaves the instance logged in; only the session
        // count changed.
        let cluster = self.cluster.as_deref();
        let noted = self.roster.note(&self.sessions, cluster, user, Some(instance), !logged_out);
        if let Some((status, watchers)) = noted {
            self.tell(user, status, watchers).await;
        }
    }

    /// `user` set their custom status: their subscribers and their own
    /// sessions hear it; the status type now.
    pub async fn custom_status_set(&self, user: &UserId) -> u8 {
        if let Some(cluster) = &self.cluster {
            cluster.status_set(user);
        }
        self.custom_status_told(user).await
    }

    /// `user`'s custom status changed (here or on another node): this
    /// node's subscribers and the user's sessions here hear it; the status
    /// type now.
    pub async fn custom_status_told(&self, user: &UserId) -> u8 {
        let status = self.status_type(user);
        let mut to = self.roster.watchers(user);
        to.push(user.clone());
        self.tell(user, status, to).await;
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessions::SessionPolicy;
    use confab_proto::ops::Platform;

    #[test]
    fn statuses_follow_sessions_and_logins() {
        let sessions = SessionRegistry::new(SessionPolicy::default());
        let presence = Roster::default();
        let alice = UserId::new("alice");
        assert_eq!(presence.status_type(&sessions, None, &alice), USER_STATUS_UNLOGINED);
        presence.subscribe(&UserId::new("bob"), std::slice::from_ref(&alice));
        let link = sessions.register(&alice, "i1", Platform::Desktop);
        assert_eq!(
            presence.note(&sessions, None, &alice, Some("i1"), true),
            Some((USER_STATUS_ONLINE, vec![UserId::new("bob")]))
        );
        assert_eq!(
            presence.note(&sessions, None, &alice, Some("i1"), true),
            None,
            "no change, no news"
        );
        sessions.unregister(&alice, link.id);
        // A lost connection: offline, the instance still logged in.
        assert_eq!(
            presence.note(&sessions, None, &alice, Some("i1"), true).map(|n| n.0),
            Some(USER_STATUS_OFFLINE)
        );
        // Its logout: not logged in.
        assert_eq!(
            presence.note(&sessions, None, &alice, Some("i1"), false).map(|n| n.0),
            Some(USER_STATUS_UNLOGINED)
        );
    }

    #[test]
    fn subscriptions_are_capped_earliest_first_and_calls_are_rate_limited() {
        let presence = Roster::default();
        let me = UserId::new("me");
        let users: Vec<UserId> =
            (0..MAX_STATUS_SUBSCRIPTIONS + 2).map(|i| UserId::new(format!("u{i}"))).collect();
        presence.subscribe(&me, &users);
        let watching = presence.watching(&me);
        assert_eq!(watching.len(), MAX_STATUS_SUBSCRIPTIONS);
        assert_eq!(watching[0], users[2], "the two earliest were dropped");
        assert!(presence.watchers(&users[0]).is_empty());
        assert_eq!(presence.watchers(&users[2]), std::slice::from_ref(&me));
        presence.unsubscribe(&me, Some(&users[2..3]));
        assert!(presence.watchers(&users[2]).is_empty());
        presence.unsubscribe(&me, None);
        assert!(presence.watching(&me).is_empty() && presence.watchers(&users[3]).is_empty());
        for i in 0..STATUS_RATE_CALLS as i64 {
            assert!(presence.allow_call(&me, "getUserStatus", 1_000 + i));
        }
        assert!(!presence.allow_call(&me, "getUserStatus", 2_000), "21st call in 5 s");
        assert!(
            presence.allow_call(&me, "subscribeUserStatus", 2_000),
            "another operation's count"
        );
        assert!(
            presence.allow_call(&me, "getUserStatus", 1_000 + STATUS_RATE_WINDOW_MS),
            "the first left the window"
        );
    }
}
