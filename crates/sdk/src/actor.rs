//! The session actor: the one task that owns the connection of a login.
//!
//! It connects through the configured transport, logs in, bootstraps a
//! fresh store (`getConversationList`, each group conversation followed
//! from its last sequence, then `getGroupList` for their profiles) and
//! syncs the inbox until the head,
//! holding pushes that arrive meanwhile and then applying them by the
//! cursor rule (`seq <= cursor` ignored, `cursor + 1` applied, beyond that
//! a resync). Group timelines follow the same rule, each against its own
//! cursor; a (re)connect first syncs the inbox alone up to its head (it
//! brings the groups joined and left meanwhile) and only then sends the
//! group cursors, so it never asks for a group it already left (docs/
//! protocol.md, "Group timelines"). After the first complete sync of a
//! login it fires SDK_READY,
//! then sends the outbox in order. It heartbeats, times requests out, and
//! reconnects with exponential backoff and jitter until the login ends
//! (logout, kick, or a fatal login error).
//!
//! UserSig renewal: after login and at every heartbeat it compares the
//! server's time (the SDK clock plus the offset measured at login) with the
//! sig's lifetime; once half of it is over it asks `renewUserSig` (for sigs
//! the server issued for a password) and adopts the answer for reconnects
//! and file requests. A reconnect refused because the sig expired or was
//! retired ends the login with KICKED_OUT `userSigExpired`.
//!
//! API calls talk to it through [`Command`]s and await oneshot replies; the
//! actor never waits for an API caller.

use crate::event::{Event, NetState};
use crate::model::{message_from_wire, LoginResult, Message};
use crate::options::TimOptions;
use crate::session::SessionCore;
use crate::store::{Acknowledged, Applied};
use crate::transport::{Connection, TransportError};
use crate::TimError;
use confab_proto::frame::{close, Push, RequestFrame};
use confab_proto::group::{GetGroupList, GetGroupListResponse};
use confab_proto::inbox::{InboxEntry, InboxEvent, TimelineEntry, TimelinePage};
use confab_proto::message::ConversationType;
use confab_proto::ops::{
    GetConversationList, GetConversationListResponse, Heartbeat, IssuedUserSig, Login,
    LoginResponse, Logout, Operation, RenewUserSig, SendMessageResponse, Sync, SyncResponse,
};
use confab_proto::relation::{
    BlacklistResponse, FriendApplicationListResponse, FriendGroupListResponse, FriendListResponse,
    GetBlacklist, GetFriendApplicationList, GetFriendGroupList, GetFriendList,
};
use confab_proto::topic::{GetTopicList, TopicListResponse};
use confab_proto::{code, UserId, PROTOCOL_VERSION};
use futures_util::{SinkExt, StreamExt};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// Inbox entries asked for per `sync` request (the server may return fewer
/// to keep the reply under its byte cap; the sync then asks again).
const SYNC_PAGE: u32 = 500;

/// Outbox sends awaiting replies at once: well under the server's request
/// cap per session (`max_in_flight_per_session`, 128 by default), leaving
/// room for API calls; the next ones go out as replies arrive.
const OUTBOX_WINDOW: usize = 32;

/// A request from the API to the actor.
pub(crate) enum Command {
    /// Send an operation and reply with its response data.
    Request {
        op: &'static str,
        data: serde_json::Value,
        reply: oneshot::Sender<Result<serde_json::Value, TimError>>,
    },
    /// A message was put into the outbox (or is already there); reply when
    /// it is acknowledged or rejected.
    Enqueued { key: i64, reply: oneshot::Sender<Result<Message, TimError>> },
    /// Log out and stop.
    Logout { reply: oneshot::Sender<()> },
}

/// What a pending request is for.
enum Pending {
    Login,
    Bootstrap,
    /// A `sync`; `groups`: it carried the group cursors.
    Sync {
        groups: bool,
    },
    /// `getGroupList`, to drop groups the server refused cursors of.
    ReconcileGroups,
    /// `getTopicList` of a community whose topics this store does not
    /// know yet (`rest`: the others to ask about after it).
    ReconcileTopics {
        group: String,
        rest: Vec<String>,
    },
    /// One whole relation list read by a store that has not read them yet
    /// (a fresh store's bootstrap, or a store from before the friend
    /// lists); `groups`: the group list is to be fetched after them.
    ReadRelations {
        step: RelationStep,
        groups: bool,
    },
    Heartbeat,
    Renew,
    Logout(oneshot::Sender<()>),
    Send(i64),
    Api(oneshot::Sender<Result<serde_json::Value, TimError>>),
}

/// The relation lists a store reads whole once, in this order.
#[derive(Clone, Copy)]
enum RelationStep {
    Blacklist,
    Friends,
    FriendGroups,
    Applications,
}

/// How a connection ended.
enum End {
    /// The login is over (logout, kick, fatal login error); events emitted.
    Stop,
    /// The connection is gone; reconnect.
    Lost { logged_in: bool, reason: String },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    LoggingIn,
    Syncing,
    Live,
}

/// Per-connection state.
struct Link {
    conn: Connection,
    next_id: u64,
    pending: HashMap<u64, (Pending, Instant)>,
    phase: Phase,
    logged_in: bool,
    held: Vec<InboxEntry>,
    /// Timeline pushes held while syncing, by group.
    held_timeline: Vec<(String, TimelineEntry)>,
    /// The inbox reached its head on this connection: syncs carry the
    /// group cursors from now on.
    inbox_synced: bool,
    /// Consecutive refusals of the group cursors (10007 / 10010).
    group_refusals: u8,
    in_flight: HashSet<i64>,
    /// Highest outbox position sent on this connection.
    sent_position: i64,
    heartbeat: Option<tokio::time::Interval>,
}

impl Link {
    fn next_deadline(&self) -> Option<Instant> {
        self.pending.values().map(|(_, d)| *d).min()
    }
}

/// The actor of one login.
pub(crate) struct Actor {
    options: TimOptions,
    core: Arc<SessionCore>,
    /// Server clock minus SDK clock (ms), measured at the last login.
    server_offset_ms: i64,
    commands: mpsc::UnboundedReceiver<Command>,
    login_reply: Option<oneshot::Sender<Result<LoginResult, TimError>>>,
    waiters: HashMap<i64, Vec<oneshot::Sender<Result<Message, TimError>>>>,
    /// Why sends that nobody waited for yet were refused, by store key: a
    /// caller whose wait is registered after the refusal (the two race)
    /// gets the server's code, not a generic one. Taken by that caller.
    refusals: HashMap<i64, TimError>,
    cursor: u64,
    /// A group was joined since the last sync with group cursors: its
    /// timeline may hold entries already.
    joined_since_sync: bool,
}

fn err_lost(reason: impl Into<String>) -> End {
    End::Lost { logged_in: false, reason: reason.into() }
}

async fn tick(heartbeat: &mut Option<tokio::time::Interval>) {
    match heartbeat {
        Some(interval) => {
            interval.tick().await;
        }
        None => futures_util::future::pending::<()>().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => futures_util::future::pending::<()>().await,
    }
}

impl Actor {
    pub(crate) fn new(
        options: TimOptions,
        core: Arc<SessionCore>,
        commands: mpsc::UnboundedReceiver<Command>,
        login_reply: oneshot::Sender<Result<LoginResult, TimError>>,
    ) -> Self {
        Self {
            options,
            server_offset_ms: 0,
            core,
            commands,
            login_reply: Some(login_reply),
            waiters: HashMap::new(),
            refusals: HashMap::new(),
            cursor: 0,
            joined_since_sync: false,
        }
    }

    fn log(&self, level: tracing::Level, message: std::fmt::Arguments<'_>) {
        self.core.log(level, message);
    }

    /// Runs until the login ends.
    pub(crate) async fn run(mut self) {
        let mut attempt: u32 = 0;
        loop {
            self.core.set_net_state(NetState::Connecting);
            let connecting =
                self.options.transport.connect(&self.options.server_url, &self.options.tls);
            // A refused TLS connection is reported (and fails a first login
            // with its own code), not retried as if the network flapped.
            let mut refused = None;
            let end = match tokio::time::timeout(self.options.request_timeout, connecting).await {
                Ok(Ok(conn)) => self.run_connection(conn).await,
                Ok(Err(e)) => {
                    refused = e.tls_error();
                    err_lost(e.to_string())
                }
                Err(_) => err_lost("connecting timed out"),
            };
            let (logged_in, reason) = match end {
                End::Stop => return,
                End::Lost { logged_in, reason } => (logged_in, reason),
            };
            self.log(tracing::Level::INFO, format_args!("connection lost: {reason}"));
            self.core.set_net_error(refused.clone());
            self.core.set_net_state(NetState::Disconnected);
            if logged_in {
                attempt = 0;
            }
            if let Some(reply) = self.login_reply.take() {
                if !self.start_offline(reply, &reason, refused) {
                    return;
                }
            }
            let random: f64 = rand::random();
            let delay = self.options.reconnect.delay(attempt, random);
            attempt = attempt.saturating_add(1);
            if !self.wait_offline(delay).await {
                return;
            }
        }
    }

    /// The first connection failed: start from the local store when it has
    /// synced before, else fail the login (with `refused`, the TLS error,
    /// when there is one). Returns whether to keep going.
    fn start_offline(
        &mut self,
        reply: oneshot::Sender<Result<LoginResult, TimError>>,
        reason: &str,
        refused: Option<TimError>,
    ) -> bool {
        let cursor = match self.core.store.cursor() {
            Ok(c) => c,
            Err(e) => {
                self.core.terminate();
                self.send_login_reply(reply, Err(TimError::from(e)));
                return false;
            }
        };
        let Some(cursor) = cursor else {
            self.core.terminate();
            let error = refused
                .unwrap_or_else(|| TimError::network(format!("cannot reach the server: {reason}")));
            self.send_login_reply(reply, Err(error));
            return false;
        };
        self.cursor = cursor;
        match self.core.store.conversations(None) {
            Ok(list) if !list.is_empty() => self.core.emit(Event::ConversationListUpdated(list)),
            Ok(_) => {}
            Err(e) => self.core.report(e.into()),
        }
        self.core.refresh_total_unread();
        if self.core.become_ready() {
            self.core.emit(Event::SdkReady);
        }
        self.send_login_reply(reply, Ok(LoginResult { offline: true, ..LoginResult::default() }));
        true
    }

    fn send_login_reply(
        &self,
        reply: oneshot::Sender<Result<LoginResult, TimError>>,
        result: Result<LoginResult, TimError>,
    ) {
        deliver(reply, result);
    }

    /// Waits out a reconnect delay while serving commands. Returns false
    /// when the login ended meanwhile.
    async fn wait_offline(&mut self, delay: Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        let restored = self.options.transport.network_restored();
        tokio::pin!(restored);
        loop {
            tokio::select! {
                _ = &mut sleep => return true,
                _ = &mut restored => return true,
                command = self.commands.recv() => match command {
                    None => return false,
                    Some(Command::Logout { reply }) => {
                        self.core.terminate();
                        deliver(reply, ());
                        return false;
                    }
                    Some(Command::Request { reply, .. }) => {
                        let error = TimError::network("not connected to the server");
                        deliver(reply, Err(error));
                    }
                    Some(Command::Enqueued { key, reply }) => self.add_waiter(key, reply),
                },
            }
        }
    }

    /// Registers a send waiter, answering at once when the message already
    /// left the outbox.
    fn add_waiter(&mut self, key: i64, reply: oneshot::Sender<Result<Message, TimError>>) {
        use crate::model::MessageStatus;
        match self.core.store.message_by_key(key) {
            Ok(Some(m)) if m.status == MessageStatus::Success => {
                deliver(reply, Ok(m));
            }
            Ok(Some(m)) if m.status == MessageStatus::Fail => {
                let error = self.refusals.remove(&key).unwrap_or_else(|| {
                    TimError::new(code::MESSAGE_SEND_FAIL, "the message was rejected")
                });
                deliver(reply, Err(error));
            }
            Ok(Some(_)) => self.waiters.entry(key).or_default().push(reply),
            Ok(None) => {
                let error = TimError::new(
                    code::MESSAGE_SEND_NEED_MESSAGE_INSTANCE,
                    "the message is not in the local store",
                );
                deliver(reply, Err(error));
            }
            Err(e) => {
                deliver(reply, Err(e.into()));
            }
        }
    }

    fn resolve_waiters(&mut self, key: i64, result: &Result<Message, TimError>) {
        match (self.waiters.remove(&key), result) {
            (Some(waiters), _) => {
                for waiter in waiters {
                    deliver(waiter, result.clone());
                }
            }
            // Nobody waits yet: the caller's wait may still be on its way.
            (None, Err(error)) => {
                if self.refusals.len() >= MAX_KEPT_REFUSALS {
                    self.refusals.clear();
                }
                self.refusals.insert(key, error.clone());
            }
            (None, Ok(_)) => {}
        }
    }

    // ----- one connection ------------------------------------------------

    async fn run_connection(&mut self, conn: Connection) -> End {
        let mut link = Link {
            conn,
            next_id: 1,
            pending: HashMap::new(),
            phase: Phase::LoggingIn,
            logged_in: false,
            held: Vec::new(),
            held_timeline: Vec::new(),
            inbox_synced: false,
            group_refusals: 0,
            in_flight: HashSet::new(),
            sent_position: 0,
            heartbeat: None,
        };
        let instance_id = match self.core.store.instance_id() {
            Ok(id) => id,
            Err(e) => {
                self.core.report(e.into());
                return err_lost("local store unavailable");
            }
        };
        let login = Login {
            sdk_app_id: self.options.sdk_app_id,
            user_id: UserId::new(self.core.user_id.clone()),
            user_sig: self.core.user_sig(),
            instance_id,
            protocol_version: PROTOCOL_VERSION,
            platform: self.options.platform,
        };
        if let Err(end) = self.send_op(&mut link, &login, Pending::Login).await {
            return end;
        }
        let end = self.drive(&mut link).await;
        // Whatever was waiting on this connection gets its answer now.
        for (_, (pending, _)) in link.pending.drain() {
            match pending {
                Pending::Api(reply) => {
                    deliver(reply, Err(TimError::network("the connection was lost")));
                }
                Pending::Logout(reply) => {
                    deliver(reply, ());
                }
                _ => {}
            }
        }
        end
    }

    async fn drive(&mut self, link: &mut Link) -> End {
        loop {
            let deadline = link.next_deadline();
            tokio::select! {
                frame = link.conn.stream.next() => {
                    let step = match frame {
                        Some(Ok(text)) => self.on_frame(link, &text).await,
                        Some(Err(TransportError::Closed { code, reason })) => {
                            Err(self.on_close(link, code, reason))
                        }
                        Some(Err(e)) => Err(End::Lost { logged_in: link.logged_in, reason: e.to_string() }),
                        None => Err(End::Lost { logged_in: link.logged_in, reason: "connection ended".into() }),
                    };
                    if let Err(end) = step {
                        return end;
                    }
                }
                command = self.commands.recv() => {
                    let step = match command {
                        None => Err(End::Stop),
                        Some(command) => self.on_command(link, command).await,
                    };
                    if let Err(end) = step {
                        return end;
                    }
                }
                _ = tick(&mut link.heartbeat) => {
                    if let Err(end) = self.send_op(link, &Heartbeat {}, Pending::Heartbeat).await {
                        return end;
                    }
                    if let Err(end) = self.renew_if_due(link).await {
                        return end;
                    }
                }
                _ = sleep_until(deadline) => {
                    if let Err(end) = self.on_deadline(link) {
                        return end;
                    }
                }
            }
        }
    }

    async fn send_op<O: Operation>(
        &mut self,
        link: &mut Link,
        request: &O,
        pending: Pending,
    ) -> Result<(), End> {
        let data = match serde_json::to_value(request) {
            Ok(d) => d,
            Err(e) => {
                self.core.report(e.into());
                return Err(End::Lost { logged_in: link.logged_in, reason: "encoding".into() });
            }
        };
        self.send_raw(link, O::NAME, data, pending).await
    }

    async fn send_raw(
        &mut self,
        link: &mut Link,
        op: &str,
        data: serde_json::Value,
        pending: Pending,
    ) -> Result<(), End> {
        let id = link.next_id;
        link.next_id += 1;
        let frame = RequestFrame { id, op: op.to_owned(), data };
        let text = match serde_json::to_string(&frame) {
            Ok(t) => t,
            Err(e) => {
                self.core.report(e.into());
                return Err(End::Lost { logged_in: link.logged_in, reason: "encoding".into() });
            }
        };
        let deadline = Instant::now() + self.options.request_timeout;
        link.pending.insert(id, (pending, deadline));
        match link.conn.sink.send(text).await {
            Ok(()) => Ok(()),
            Err(e) => Err(End::Lost { logged_in: link.logged_in, reason: e.to_string() }),
        }
    }

    fn on_deadline(&mut self, link: &mut Link) -> Result<(), End> {
        let now = Instant::now();
        let expired: Vec<u64> =
            link.pending.iter().filter(|(_, (_, d))| *d <= now).map(|(id, _)| *id).collect();
        for id in expired {
            let Some((pending, _)) = link.pending.remove(&id) else { continue };
            match pending {
                Pending::Api(reply) => {
                    deliver(reply, Err(TimError::timeout()));
                }
                Pending::Logout(reply) => {
                    self.core.terminate();
                    deliver(reply, ());
                    return Err(End::Stop);
                }
                _ => {
                    return Err(End::Lost {
                        logged_in: link.logged_in,
                        reason: "the server stopped answering".into(),
                    })
                }
            }
        }
        Ok(())
    }

    fn on_close(&mut self, link: &Link, code: u16, reason: String) -> End {
        match code {
            close::KICKED_OUT => {
                self.kicked(confab_proto::constants::types::KICKED_OUT_MULT_ACCOUNT);
                End::Stop
            }
            close::LOGGED_OUT => {
                // After our own logout request the handle announces it.
                let requested = link.pending.values().any(|(p, _)| matches!(p, Pending::Logout(_)));
                if self.core.terminate() && !requested {
                    self.core.set_net_state(NetState::Disconnected);
                    self.core.emit(Event::SdkNotReady);
                }
                End::Stop
            }
            _ => {
                End::Lost { logged_in: link.logged_in, reason: format!("closed {code}: {reason}") }
            }
        }
    }

    /// The internal logout flow of a kick, then KICKED_OUT.
    fn kicked(&mut self, kick_type: &str) {
        if self.core.terminate() {
            self.core.set_net_state(NetState::Disconnected);
            self.core.emit(Event::SdkNotReady);
            self.core.emit(Event::KickedOut { kick_type: kick_type.to_owned() });
        }
    }

    async fn on_command(&mut self, link: &mut Link, command: Command) -> Result<(), End> {
        match command {
            Command::Request { op, data, reply } => {
                if !link.logged_in {
                    let error = TimError::network("not connected to the server");
                    deliver(reply, Err(error));
                    return Ok(());
                }
                self.send_raw(link, op, data, Pending::Api(reply)).await
            }
            Command::Enqueued { key, reply } => {
                self.add_waiter(key, reply);
                if link.phase == Phase::Live {
                    self.flush_outbox(link).await?;
                }
                Ok(())
            }
            Command::Logout { reply } => {
                if link.logged_in {
                    self.send_op(link, &Logout {}, Pending::Logout(reply)).await
                } else {
                    self.core.terminate();
                    deliver(reply, ());
                    Err(End::Stop)
                }
            }
        }
    }

    async fn on_frame(&mut self, link: &mut Link, text: &str) -> Result<(), End> {
        // The payload stays text until the pending request (or the push) it
        // belongs to says what it is: a `sync` answer of a megabyte goes
        // straight into its type, never through a `Value` tree.
        let frame: RawFrame<'_> = match serde_json::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                self.log(tracing::Level::WARN, format_args!("unreadable frame: {e}"));
                return Ok(());
            }
        };
        match (frame.t.as_ref(), frame.id) {
            ("ok", Some(id)) => match link.pending.remove(&id) {
                Some((Pending::Sync { groups }, _)) => {
                    let data = frame.data.map_or("null", RawValue::get);
                    let response =
                        serde_json::from_str::<SyncResponse>(data).map_err(|e| End::Lost {
                            logged_in: link.logged_in,
                            reason: format!("bad response: {e}"),
                        })?;
                    self.on_sync(link, groups, Ok(response)).await
                }
                Some((pending, _)) => {
                    let data = match frame.data.map(|raw| serde_json::from_str(raw.get())) {
                        Some(Ok(value)) => value,
                        None => serde_json::Value::Null,
                        Some(Err(e)) => {
                            self.log(tracing::Level::WARN, format_args!("unreadable answer: {e}"));
                            return Ok(());
                        }
                    };
                    self.on_response(link, pending, Ok(data)).await
                }
                None => Ok(()),
            },
            ("err", id) => {
                let Some(error) = frame.error else {
                    self.log(
                        tracing::Level::WARN,
                        format_args!("an error frame without its error"),
                    );
                    return Ok(());
                };
                match id.and_then(|id| link.pending.remove(&id)) {
                    Some((pending, _)) => self.on_response(link, pending, Err(error.into())).await,
                    None if id.is_none() => {
                        self.log(tracing::Level::WARN, format_args!("server error: {error}"));
                        Ok(())
                    }
                    None => Ok(()),
                }
            }
            ("push", _) => {
                let push = frame.push.map(|raw| serde_json::from_str::<Push>(raw.get()));
                match push {
                    Some(Ok(push)) => self.on_push(link, push).await,
                    Some(Err(e)) => {
                        self.log(tracing::Level::WARN, format_args!("unreadable push: {e}"));
                        Ok(())
                    }
                    None => {
                        self.log(
                            tracing::Level::WARN,
                            format_args!("a push frame without its push"),
                        );
                        Ok(())
                    }
                }
            }
            ("ok", None) => {
                self.log(tracing::Level::WARN, format_args!("an answer without its request ID"));
                Ok(())
            }
            (t, _) => {
                self.log(tracing::Level::WARN, format_args!("unknown frame type {t:?}"));
                Ok(())
            }
        }
    }

    async fn on_response(
        &mut self,
        link: &mut Link,
        pending: Pending,
        result: Result<serde_json::Value, TimError>,
    ) -> Result<(), End> {
        match pending {
            Pending::Api(reply) => {
                deliver(reply, result);
                Ok(())
            }
            Pending::Heartbeat => Ok(()),
            Pending::Renew => {
                self.on_renewed(result);
                Ok(())
            }
            Pending::Logout(reply) => {
                self.core.terminate();
                deliver(reply, ());
                Err(End::Stop)
            }
            Pending::Login => self.on_login(link, result).await,
            Pending::Bootstrap => {
                let response: GetConversationListResponse = decode(link, result)?;
                let replaced = self
                    .core
                    .store
                    .replace_conversation_settings(&response.settings)
                    .and_then(|()| {
                        self.core.store.replace_conversation_groups(&response.conversation_groups)
                    });
                if let Err(e) = replaced {
                    self.core.report(e.into());
                    return Err(End::Lost { logged_in: true, reason: "local store".into() });
                }
                match self.core.store.bootstrap(&response.conversations, response.inbox_seq) {
                    Ok(list) => {
                        self.cursor = response.inbox_seq;
                        if !list.is_empty() {
                            self.core.emit(Event::ConversationListUpdated(list));
                        }
                        self.core.refresh_total_unread();
                    }
                    Err(e) => {
                        self.core.report(e.into());
                        return Err(End::Lost { logged_in: true, reason: "local store".into() });
                    }
                }
                // The blacklist as it is now (later changes come by the
                // inbox); then the profiles of the groups joined before this
                // store began (and the group list), before the sync.
                let groups = response
                    .conversations
                    .iter()
                    .any(|c| c.conversation_type == ConversationType::Group);
                let step = RelationStep::Blacklist;
                self.send_op(link, &GetBlacklist {}, Pending::ReadRelations { step, groups }).await
            }
            Pending::ReadRelations { step, groups } => {
                self.on_relation_list(link, step, groups, result).await
            }
            Pending::Sync { groups } => {
                let response = result.and_then(|data| {
                    serde_json::from_value::<SyncResponse>(data)
                        .map_err(|e| TimError::new(code::INTERNAL, format!("bad response: {e}")))
                });
                self.on_sync(link, groups, response).await
            }
            Pending::ReconcileGroups => {
                let response: GetGroupListResponse = decode(link, result)?;
                match self.core.store.replace_groups(&response.group_list) {
                    Ok(changed) => {
                        if changed {
                            self.emit_group_list();
                        }
                    }
                    Err(e) => {
                        self.core.report(e.into());
                        return Err(End::Lost { logged_in: true, reason: "local store".into() });
                    }
                }
                let unknown = self.core.store.communities_without_topic_list().map_err(|e| {
                    self.core.report(e.into());
                    End::Lost { logged_in: true, reason: "local store".into() }
                })?;
                self.reconcile_topics(link, unknown).await
            }
            Pending::ReconcileTopics { group, rest } => {
                match result {
                    Ok(value) => {
                        let response: TopicListResponse = decode(link, Ok(value))?;
                        let stored = self.core.store.store_topics(
                            &group,
                            &response.success_topic_list,
                            true,
                            true,
                        );
                        if let Err(e) = stored {
                            self.core.report(e.into());
                            return Err(End::Lost {
                                logged_in: true,
                                reason: "local store".into(),
                            });
                        }
                    }
                    // Over the rate, or the community is gone: the next
                    // connection asks again.
                    Err(e) => {
                        self.log(tracing::Level::INFO, format_args!("topics of {group}: {e}"))
                    }
                }
                self.reconcile_topics(link, rest).await
            }
            Pending::Send(key) => {
                link.in_flight.remove(&key);
                match result {
                    // The server did not run it (its cap of requests in
                    // flight was reached): it stays queued and goes again.
                    Err(e) if e.code == code::TOO_MANY_REQUESTS_IN_FLIGHT => {
                        self.log(tracing::Level::DEBUG, format_args!("send deferred: {e}"));
                        link.sent_position = 0;
                    }
                    // The server cannot reach its database (a cluster's
                    // PostgreSQL restarting): nothing was stored. The message
                    // stays queued and the connection is dropped, so the
                    // reconnect backoff paces the retries, as when offline.
                    Err(e) if e.code == code::STORE_UNAVAILABLE => {
                        self.log(tracing::Level::WARN, format_args!("send deferred: {e}"));
                        link.sent_position = 0;
                        return Err(End::Lost {
                            logged_in: true,
                            reason: "the server's database is unavailable".into(),
                        });
                    }
                    result => self.on_send_result(key, result),
                }
                if link.phase == Phase::Live {
                    self.flush_outbox(link).await
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Asks for the topics of the first community in `groups` (then the
    /// others, one after another: `getTopicList` is rate-limited), then
    /// syncs.
    async fn reconcile_topics(
        &mut self,
        link: &mut Link,
        mut groups: Vec<String>,
    ) -> Result<(), End> {
        if groups.is_empty() {
            return self.send_sync(link).await;
        }
        let group = groups.remove(0);
        let request = GetTopicList {
            group_id: confab_proto::GroupId::new(group.clone()),
            topic_id_list: None,
        };
        self.send_op(link, &request, Pending::ReconcileTopics { group, rest: groups }).await
    }

    /// A `sync` answer (or its refusal): applies it, and asks again while
    /// the inbox or a group is behind.
    async fn on_sync(
        &mut self,
        link: &mut Link,
        with_groups: bool,
        result: Result<SyncResponse, TimError>,
    ) -> Result<(), End> {
        let response = match result {
            Err(e)
                if with_groups
                    && (e.code == code::ERR_SVR_GROUP_PERMISSION_DENY
                        || e.code == code::ERR_SVR_GROUP_NOT_FOUND) =>
            {
                return self.on_groups_refused(link, &e).await;
            }
            Err(e) => {
                return Err(End::Lost {
                    logged_in: link.logged_in,
                    reason: format!("request failed: {e}"),
                })
            }
            Ok(response) => response,
        };
        let before = self.cursor;
        self.apply(&response.entries)?;
        let groups_behind = self.apply_timelines(&response.groups)?;
        if with_groups {
            link.group_refusals = 0;
        }
        if self.cursor < response.head && self.cursor > before {
            return self.send_sync(link).await;
        }
        if !link.inbox_synced {
            link.inbox_synced = true;
            // Now the group cursors, if there are any (an account
            // in no group is done: no extra round trip).
            let follows = match self.core.store.group_cursors() {
                Ok(cursors) => !cursors.is_empty(),
                Err(e) => {
                    self.core.report(e.into());
                    return Err(End::Lost { logged_in: true, reason: "local store".into() });
                }
            };
            if follows || self.joined_since_sync {
                return self.send_sync(link).await;
            }
            return self.sync_done(link).await;
        }
        if groups_behind || self.joined_since_sync {
            self.send_sync(link).await
        } else {
            self.sync_done(link).await
        }
    }

    async fn on_login(
        &mut self,
        link: &mut Link,
        result: Result<serde_json::Value, TimError>,
    ) -> Result<(), End> {
        let response = match result {
            Ok(data) => match serde_json::from_value::<LoginResponse>(data) {
                Ok(r) => r,
                Err(e) => return Err(err_lost(format!("bad login response: {e}"))),
            },
            Err(error) if error.code == code::INTERNAL || error.code == code::STORE_UNAVAILABLE => {
                return Err(err_lost(format!("login failed: {error}")));
            }
            Err(error)
                if self.login_reply.is_none() && error.code == code::ACCOUNT_A2KEY_EXPIRED =>
            {
                // A reconnect with a sig that expired (renewal failed) or
                // was retired (signed out everywhere, password changed):
                // TIM's "get a new UserSig".
                self.log(tracing::Level::WARN, format_args!("UserSig refused: {error}"));
                self.kicked(confab_proto::constants::types::KICKED_OUT_USERSIG_EXPIRED);
                return Err(End::Stop);
            }
            Err(error) => {
                // Refused credentials: the login is over.
                let was_alive = self.core.terminate();
                self.core.set_net_state(NetState::Disconnected);
                if let Some(reply) = self.login_reply.take() {
                    self.send_login_reply(reply, Err(error));
                } else if was_alive {
                    self.core.report(error);
                    self.core.emit(Event::SdkNotReady);
                }
                return Err(End::Stop);
            }
        };
        link.logged_in = true;
        self.server_offset_ms = response.server_time.saturating_sub(self.core.now_millis());
        self.core.set_sig_lifetime(
            response.user_sig_issued_at,
            response.user_sig_expire_at,
            response.user_sig_renewable,
        );
        self.renew_if_due(link).await?;
        let period = Duration::from_millis(response.heartbeat_interval_ms.max(1000));
        let mut interval = tokio::time::interval_at(Instant::now() + period, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        link.heartbeat = Some(interval);
        if let Some(reply) = self.login_reply.take() {
            self.send_login_reply(reply, Ok(LoginResult::default()));
        }
        link.phase = Phase::Syncing;
        match self.core.store.cursor() {
            Ok(Some(cursor)) => {
                self.cursor = cursor;
                match self.core.store.relations_read() {
                    Ok(true) => self.send_sync(link).await,
                    // A store from before the friend lists reads them once;
                    // the sync then replays what changed since its cursor.
                    Ok(false) => {
                        let pending =
                            Pending::ReadRelations { step: RelationStep::Blacklist, groups: false };
                        self.send_op(link, &GetBlacklist {}, pending).await
                    }
                    Err(e) => {
                        self.core.report(e.into());
                        Err(End::Lost { logged_in: true, reason: "local store".into() })
                    }
                }
            }
            Ok(None) => self.send_op(link, &GetConversationList {}, Pending::Bootstrap).await,
            Err(e) => {
                self.core.report(e.into());
                Err(End::Lost { logged_in: true, reason: "local store".into() })
            }
        }
    }

    /// Asks for a fresh UserSig when half of the current one's life is over
    /// (by the server's clock as estimated from the SDK clock) and none is
    /// being asked for already.
    async fn renew_if_due(&mut self, link: &mut Link) -> Result<(), End> {
        let sig = self.core.sig_state();
        let in_flight = link.pending.values().any(|(p, _)| matches!(p, Pending::Renew));
        let server_now_secs =
            self.core.now_millis().saturating_add(self.server_offset_ms).div_euclid(1000);
        if !sig.renewable || in_flight || !sig.past_half_life(server_now_secs) {
            return Ok(());
        }
        self.log(tracing::Level::INFO, format_args!("renewing the UserSig"));
        self.send_op(link, &RenewUserSig {}, Pending::Renew).await
    }

    fn on_renewed(&mut self, result: Result<serde_json::Value, TimError>) {
        let issued = result.and_then(|data| {
            serde_json::from_value::<IssuedUserSig>(data)
                .map_err(|e| TimError::internal(format!("bad renewUserSig response: {e}")))
        });
        match issued {
            Ok(issued) => self.core.adopt_sig(&issued),
            Err(error)
                if error.code == code::USERSIG_NOT_RENEWABLE
                    || error.code == code::ACCOUNT_A2KEY_EXPIRED =>
            {
                // Not renewable by the server: it kicks the session with
                // `userSigExpired` when the sig expires.
                self.log(tracing::Level::WARN, format_args!("UserSig not renewed: {error}"));
                self.core.set_sig_not_renewable();
            }
            // Network trouble: the next heartbeat tries again.
            Err(error) => {
                self.log(tracing::Level::WARN, format_args!("UserSig renewal failed: {error}"));
            }
        }
    }

    /// Asks for what follows the cursors: the inbox alone until it reached
    /// its head on this connection, then the inbox and every followed group
    /// timeline.
    async fn send_sync(&mut self, link: &mut Link) -> Result<(), End> {
        link.phase = Phase::Syncing;
        let groups = if link.inbox_synced {
            match self.core.store.group_cursors() {
                Ok(groups) => groups,
                Err(e) => {
                    self.core.report(e.into());
                    return Err(End::Lost { logged_in: true, reason: "local store".into() });
                }
            }
        } else {
            Vec::new()
        };
        let with_groups = !groups.is_empty();
        if link.inbox_synced {
            self.joined_since_sync = false;
        }
        let request = Sync { after: self.cursor, limit: SYNC_PAGE, groups };
        self.send_op(link, &request, Pending::Sync { groups: with_groups }).await
    }

    /// The server refused a group cursor (the group is gone, or this user
    /// is no longer a member). First the inbox is synced again (it brings
    /// the `groupLeft` that was missed, e.g. one appended between the inbox
    /// sync and this one); refused again, the group list is taken from the
    /// server and groups not on it are dropped; refused a third time, the
    /// connection is given up and made again.
    async fn on_groups_refused(&mut self, link: &mut Link, error: &TimError) -> Result<(), End> {
        link.group_refusals += 1;
        self.log(tracing::Level::INFO, format_args!("group cursors refused: {error}"));
        match link.group_refusals {
            1 => {
                link.inbox_synced = false;
                self.send_sync(link).await
            }
            2 => self.send_op(link, &GetGroupList::default(), Pending::ReconcileGroups).await,
            _ => Err(End::Lost { logged_in: true, reason: format!("group sync refused: {error}") }),
        }
    }

    /// The sync reached the head: apply held pushes by the cursor rule,
    /// then go live (READY once per login, connected, outbox).
    async fn sync_done(&mut self, link: &mut Link) -> Result<(), End> {
        let mut held = std::mem::take(&mut link.held);
        held.sort_by_key(|e| e.seq);
        held.retain(|e| e.seq > self.cursor);
        let mut run = Vec::new();
        let mut expected = self.cursor + 1;
        let mut gap = false;
        for entry in held {
            if entry.seq < expected {
                continue;
            }
            if entry.seq > expected {
                gap = true;
                break;
            }
            expected += 1;
            run.push(entry);
        }
        if !run.is_empty() {
            self.apply(&run)?;
        }
        gap |= self.apply_held_timeline(link)?;
        if gap || self.joined_since_sync {
            return self.send_sync(link).await;
        }
        link.phase = Phase::Live;
        self.core.set_synced();
        // Connected before READY: a caller woken by SDK_READY may send an
        // onlineUserOnly message at once, which needs the connection.
        self.core.set_net_state(NetState::Connected);
        if self.core.become_ready() {
            self.core.emit(Event::SdkReady);
        }
        self.flush_outbox(link).await
    }

    /// Applies inbox entries and emits what they changed.
    fn apply(&mut self, entries: &[InboxEntry]) -> Result<(), End> {
        if entries.is_empty() {
            return Ok(());
        }
        match self.core.store.apply_entries(entries) {
            Ok(applied) => {
                self.cursor = applied.cursor;
                self.joined_since_sync |= applied.joined;
                self.emit_applied(applied);
                Ok(())
            }
            Err(e) => {
                self.core.report(e.into());
                Err(End::Lost { logged_in: true, reason: "local store".into() })
            }
        }
    }

    /// Applies the group timeline pages of a sync answer and emits what
    /// they changed; true when a group is still behind its head.
    fn apply_timelines(&mut self, pages: &[TimelinePage]) -> Result<bool, End> {
        if pages.is_empty() {
            return Ok(false);
        }
        match self.core.store.apply_timeline_pages(pages) {
            Ok(applied) => {
                let behind = applied.groups_behind;
                // A topic made: its timeline is followed from its start.
                self.joined_since_sync |= applied.joined;
                self.emit_applied(applied);
                Ok(behind)
            }
            Err(e) => {
                self.core.report(e.into());
                Err(End::Lost { logged_in: true, reason: "local store".into() })
            }
        }
    }

    /// Applies the timeline pushes held while syncing (each group by its
    /// cursor); true when one showed a gap (sync again).
    fn apply_held_timeline(&mut self, link: &mut Link) -> Result<bool, End> {
        let held = std::mem::take(&mut link.held_timeline);
        if held.is_empty() {
            return Ok(false);
        }
        let mut pages: Vec<TimelinePage> = Vec::new();
        for (group_id, entry) in held {
            match pages.iter_mut().find(|p| p.group_id == group_id) {
                Some(page) => page.entries.push(entry),
                None => pages.push(TimelinePage { group_id, entries: vec![entry], head: 0 }),
            }
        }
        for page in &mut pages {
            page.entries.sort_by_key(|e| e.seq);
            page.head = page.entries.last().map_or(0, |e| e.seq);
        }
        self.apply_timelines(&pages)?;
        for page in &pages {
            match self.core.store.group_cursor(&page.group_id) {
                Ok(Some(cursor)) if cursor < page.head => return Ok(true),
                Ok(_) => {}
                Err(e) => {
                    self.core.report(e.into());
                    return Err(End::Lost { logged_in: true, reason: "local store".into() });
                }
            }
        }
        Ok(false)
    }

    /// A live timeline push: applied when it follows its group's cursor,
    /// ignored when already applied or the group is not followed, and a
    /// sync when it reveals a gap. Entries with `seq` 0 (AVChatRoom and
    /// `onlineUserOnly` messages) are on no timeline: announced only.
    async fn on_timeline_push(
        &mut self,
        link: &mut Link,
        group_id: String,
        entry: TimelineEntry,
    ) -> Result<(), End> {
        if entry.seq == 0 {
            self.on_broadcast(&group_id, vec![entry]);
            return Ok(());
        }
        if link.phase != Phase::Live {
            link.held_timeline.push((group_id, entry));
            return Ok(());
        }
        let cursor = match self.core.store.group_cursor(&group_id) {
            Ok(cursor) => cursor,
            Err(e) => {
                self.core.report(e.into());
                return Err(End::Lost { logged_in: true, reason: "local store".into() });
            }
        };
        match cursor {
            None => Ok(()),
            Some(cursor) if entry.seq <= cursor => Ok(()),
            Some(cursor) if entry.seq == cursor + 1 => {
                let head = entry.seq;
                let page = TimelinePage { group_id, entries: vec![entry], head };
                self.apply_timelines(std::slice::from_ref(&page))?;
                if self.joined_since_sync {
                    // A topic made: fetch what its timeline holds already.
                    self.send_sync(link).await
                } else {
                    Ok(())
                }
            }
            Some(_) => {
                link.held_timeline.push((group_id, entry));
                self.send_sync(link).await
            }
        }
    }

    /// Entries on no timeline (`seq` 0) of a group the user is in: an
    /// AVChatRoom's events, and broadcast-only messages (one
    /// MESSAGE_RECEIVED for all the messages of a `room` push). Nothing for
    /// a group the user is not (or no longer) in.
    fn on_broadcast(&self, group_id: &str, entries: Vec<TimelineEntry>) {
        if self.core.store.group(group_id).ok().flatten().is_none() {
            return;
        }
        let mut messages = Vec::new();
        for entry in entries {
            match entry.event {
                InboxEvent::Message { message } => {
                    messages.push(message_from_wire(&message, &self.core.user_id));
                }
                InboxEvent::GroupAttributesUpdated { group_id, group_attributes } => {
                    self.core.emit(Event::GroupAttributesUpdated {
                        group_id: group_id.0,
                        group_attributes,
                    });
                }
                InboxEvent::GroupCounterUpdated { group_id, key, value } => {
                    self.core.emit(Event::GroupCounterUpdated { group_id: group_id.0, key, value });
                }
                _ => {}
            }
        }
        if !messages.is_empty() {
            self.core.emit(Event::MessageReceived(messages));
        }
    }

    /// GROUP_LIST_UPDATED with the stored list.
    fn emit_group_list(&self) {
        match self.core.store.groups() {
            Ok(list) => self.core.emit(Event::GroupListUpdated(list)),
            Err(e) => self.core.report(e.into()),
        }
    }

    /// Keeps one whole relation list and asks for the next (then the group
    /// list or the sync).
    async fn on_relation_list(
        &mut self,
        link: &mut Link,
        step: RelationStep,
        groups: bool,
        result: Result<serde_json::Value, TimError>,
    ) -> Result<(), End> {
        let store = &self.core.store;
        let kept = match step {
            RelationStep::Blacklist => {
                let response: BlacklistResponse = decode(link, result)?;
                store.replace_blacklist(&response.user_id_list).map(|changed| {
                    changed.map(Event::BlacklistUpdated).into_iter().collect::<Vec<_>>()
                })
            }
            RelationStep::Friends => {
                let response: FriendListResponse = decode(link, result)?;
                store.replace_friends(&response.friend_list).and_then(|changed| {
                    Ok(if changed {
                        vec![Event::FriendListUpdated(store.friends()?)]
                    } else {
                        vec![]
                    })
                })
            }
            RelationStep::FriendGroups => {
                let response: FriendGroupListResponse = decode(link, result)?;
                store.replace_friend_groups(&response.friend_group_list).and_then(|changed| {
                    Ok(if changed {
                        vec![
                            Event::FriendGroupListUpdated(store.friend_groups()?),
                            Event::FriendListUpdated(store.friends()?),
                        ]
                    } else {
                        vec![]
                    })
                })
            }
            RelationStep::Applications => {
                let response: FriendApplicationListResponse = decode(link, result)?;
                store.replace_friend_applications(&response).and_then(|changed| {
                    Ok(if changed {
                        vec![Event::FriendApplicationListUpdated(store.friend_applications()?)]
                    } else {
                        vec![]
                    })
                })
            }
        };
        match kept {
            Ok(events) => {
                for event in events {
                    self.core.emit(event);
                }
            }
            Err(e) => {
                self.core.report(e.into());
                return Err(End::Lost { logged_in: true, reason: "local store".into() });
            }
        }
        let next = |step| Pending::ReadRelations { step, groups };
        match step {
            RelationStep::Blacklist => {
                self.send_op(link, &GetFriendList {}, next(RelationStep::Friends)).await
            }
            RelationStep::Friends => {
                self.send_op(link, &GetFriendGroupList {}, next(RelationStep::FriendGroups)).await
            }
            RelationStep::FriendGroups => {
                let pending = next(RelationStep::Applications);
                self.send_op(link, &GetFriendApplicationList {}, pending).await
            }
            RelationStep::Applications if groups => {
                self.send_op(link, &GetGroupList::default(), Pending::ReconcileGroups).await
            }
            RelationStep::Applications => self.send_sync(link).await,
        }
    }

    /// TOPIC_UPDATED for each topic whose conversation or profile changed.
    fn emit_topics(&self, conversations: &[crate::model::Conversation], profiles: &[String]) {
        let mut topics = match self.core.store.topics_of_conversations(conversations) {
            Ok(topics) => topics,
            Err(e) => return self.core.report(e.into()),
        };
        for id in profiles {
            if topics.iter().any(|(_, t)| &t.topic_id == id) {
                continue;
            }
            match self.core.store.topic(id) {
                Ok(Some(found)) => topics.push(found),
                Ok(None) => {}
                Err(e) => return self.core.report(e.into()),
            }
        }
        for (group_id, topic) in topics {
            self.core.emit(Event::TopicUpdated { group_id, topic: Box::new(topic) });
        }
    }

    fn emit_applied(&mut self, applied: Applied) {
        let Applied {
            received,
            merged,
            read_by_peer,
            conversations,
            profiles,
            revoked,
            modified,
            groups,
            passed_events,
            topics_updated,
            blacklist,
            friends,
            friend_applications,
            friend_groups,
            conversation_groups,
            in_group,
            ..
        } = applied;
        for m in &merged {
            if let Some(key) = self.core.store.key_of(&m.id).ok().flatten() {
                self.resolve_waiters(key, &Ok(m.clone()));
            }
        }
        if !merged.is_empty() {
            self.core.emit(Event::MessageStatusChanged(merged));
        }
        // A conversation set to Discard announces nothing (its history
        // still has the messages).
        // A topic's own setting is ignored while its community is set to
        // Discard (checklist 421).
        let received = match self.core.store.discarded_conversations() {
            Ok(discarded) if !discarded.is_empty() => received
                .into_iter()
                .filter(|m| {
                    let community = confab_proto::topic::community_of(&m.to)
                        .filter(|_| crate::store::topics::is_topic_conversation(&m.conversation_id))
                        .map(|g| format!("{}{g}", confab_proto::constants::types::CONV_GROUP));
                    !discarded.contains(&m.conversation_id)
                        && !community.is_some_and(|c| discarded.contains(&c))
                })
                .collect(),
            _ => received,
        };
        if !received.is_empty() {
            self.core.emit(Event::MessageReceived(received));
        }
        if !read_by_peer.is_empty() {
            self.core.emit(Event::MessageReadByPeer(read_by_peer));
        }
        // Changes this instance is making itself are announced by their
        // responses, not by their inbox echo.
        let revoked = self.core.not_acting_on(revoked);
        if !revoked.is_empty() {
            self.core.emit(Event::MessageRevoked(revoked));
        }
        let modified = self.core.not_acting_on(modified);
        if !modified.is_empty() {
            self.core.emit(Event::MessageModified(modified));
        }
        // A topic's conversation shows as its Topic (TOPIC_UPDATED), not in
        // the conversation list.
        let (topic_conversations, conversations): (Vec<_>, Vec<_>) = conversations
            .into_iter()
            .partition(|c| crate::store::topics::is_topic_conversation(&c.conversation_id));
        if !conversations.is_empty() {
            self.core.emit(Event::ConversationListUpdated(conversations));
        }
        self.core.refresh_total_unread();
        if !profiles.is_empty() {
            self.core.emit(Event::ProfileUpdated(profiles));
        }
        if let Some(groups) = groups {
            self.core.emit(Event::GroupListUpdated(groups));
        }
        for event in passed_events {
            self.core.emit(event);
        }
        self.emit_topics(&topic_conversations, &topics_updated);
        if let Some(list) = blacklist {
            self.core.emit(Event::BlacklistUpdated(list));
        }
        if let Some(list) = friend_groups {
            self.core.emit(Event::FriendGroupListUpdated(list));
        }
        if let Some(names) = conversation_groups {
            self.core.emit(Event::ConversationGroupListUpdated(names));
        }
        for (group_name, conversation_list) in in_group {
            self.core.emit(Event::ConversationInGroupUpdated { group_name, conversation_list });
        }
        if let Some(list) = friends {
            self.core.emit(Event::FriendListUpdated(list));
        }
        if let Some(list) = friend_applications {
            self.core.emit(Event::FriendApplicationListUpdated(list));
        }
    }

    async fn on_push(&mut self, link: &mut Link, push: Push) -> Result<(), End> {
        match push {
            Push::Inbox(entry) => {
                if link.phase != Phase::Live {
                    link.held.push(entry);
                    return Ok(());
                }
                if entry.seq <= self.cursor {
                    Ok(())
                } else if entry.seq == self.cursor + 1 {
                    self.apply(std::slice::from_ref(&entry))?;
                    if self.joined_since_sync {
                        // A group joined: fetch what its timeline holds.
                        self.send_sync(link).await
                    } else {
                        Ok(())
                    }
                } else {
                    link.held.push(entry);
                    self.send_sync(link).await
                }
            }
            Push::Transient { message } => {
                let message = message_from_wire(&message, &self.core.user_id);
                self.core.emit(Event::MessageReceived(vec![message]));
                Ok(())
            }
            Push::Timeline { group_id, entry } => {
                self.on_timeline_push(link, group_id.0, entry).await
            }
            Push::Room { group_id, entries } => {
                self.on_broadcast(group_id.as_str(), entries);
                Ok(())
            }
            Push::UserStatus { user_status_list } => {
                self.core.emit(Event::UserStatusUpdated(user_status_list));
                Ok(())
            }
            Push::KickedOut { kick_type, message } => {
                self.log(tracing::Level::WARN, format_args!("kicked out: {message}"));
                self.kicked(&kick_type);
                Err(End::Stop)
            }
        }
    }

    /// Sends the outbox rows not yet sent on this connection, in order, up
    /// to [`OUTBOX_WINDOW`] awaiting replies.
    async fn flush_outbox(&mut self, link: &mut Link) -> Result<(), End> {
        if link.in_flight.len() >= OUTBOX_WINDOW {
            return Ok(());
        }
        let room = OUTBOX_WINDOW + link.in_flight.len();
        let items = match self.core.store.outbox_after(link.sent_position, room) {
            Ok(items) => items,
            Err(e) => {
                self.core.report(e.into());
                return Ok(());
            }
        };
        for item in items {
            if link.in_flight.len() >= OUTBOX_WINDOW {
                break;
            }
            link.sent_position = link.sent_position.max(item.position);
            if link.in_flight.contains(&item.key) {
                continue;
            }
            link.in_flight.insert(item.key);
            self.send_op(link, &item.request, Pending::Send(item.key)).await?;
        }
        Ok(())
    }

    fn on_send_result(&mut self, key: i64, result: Result<serde_json::Value, TimError>) {
        let outcome = match result {
            Ok(data) => match serde_json::from_value::<SendMessageResponse>(data) {
                Ok(response) => match self.core.store.complete_send(key, &response.message) {
                    Ok(Some(Acknowledged { message, conversation, rewritten })) => {
                        self.core.emit(Event::MessageStatusChanged(vec![message.clone()]));
                        // TIM tells the sender when the server changed
                        // what it sent (checklist 984).
                        if rewritten {
                            self.core.emit(Event::MessageModified(vec![message.clone()]));
                        }
                        if let Some(c) = conversation {
                            self.core.emit(Event::ConversationListUpdated(vec![c]));
                        }
                        Ok(message)
                    }
                    // Already acknowledged through the inbox.
                    Ok(None) => match self.core.store.message_by_key(key) {
                        Ok(Some(m)) => Ok(m),
                        Ok(None) => return,
                        Err(e) => Err(TimError::from(e)),
                    },
                    Err(e) => Err(TimError::from(e)),
                },
                Err(e) => Err(TimError::from(e)),
            },
            // A server-side hiccup: the message stays queued for the next
            // connection.
            Err(error) if error.code == code::INTERNAL => {
                self.log(tracing::Level::WARN, format_args!("send deferred: {error}"));
                return;
            }
            Err(error) => {
                match self.core.store.fail_send(key) {
                    Ok(Some((message, conversation))) => {
                        self.core.emit(Event::MessageStatusChanged(vec![message]));
                        if let Some(c) = conversation {
                            self.core.emit(Event::ConversationListUpdated(vec![c]));
                        }
                    }
                    Ok(None) => {}
                    Err(e) => self.core.report(e.into()),
                }
                Err(error)
            }
        };
        if let Err(e) = &outcome {
            if e.code == code::UNCAUGHT_ERROR {
                self.core.report(e.clone());
            }
        }
        self.resolve_waiters(key, &outcome);
    }
}

/// Refusals kept for callers not waiting yet ([`Actor::refusals`]); more
/// are forgotten at once (their callers then hear the generic 2100).
const MAX_KEPT_REFUSALS: usize = 256;

/// Answers a caller that may have stopped waiting (a dropped future is
/// not an error: the work it asked for stands).
fn deliver<T>(reply: oneshot::Sender<T>, value: T) {
    if reply.send(value).is_err() {
        tracing::trace!("the caller stopped waiting");
    }
}

/// A server frame as read, its payload (`data` of an answer, `push` of a
/// push) left as text for the reader that knows its type.
#[derive(serde::Deserialize)]
struct RawFrame<'a> {
    /// `ok`, `err` or `push`.
    #[serde(borrow)]
    t: std::borrow::Cow<'a, str>,
    /// The request answered (`null` for an error about no request).
    #[serde(default)]
    id: Option<u64>,
    /// An answer's data.
    #[serde(borrow, default)]
    data: Option<&'a RawValue>,
    /// An error's code and message.
    #[serde(default)]
    error: Option<confab_proto::ErrorBody>,
    /// A push.
    #[serde(borrow, default)]
    push: Option<&'a RawValue>,
}

fn decode<T: serde::de::DeserializeOwned>(
    link: &Link,
    result: Result<serde_json::Value, TimError>,
) -> Result<T, End> {
    let data = result.map_err(|e| End::Lost {
        logged_in: link.logged_in,
        reason: format!("request failed: {e}"),
    })?;
    serde_json::from_value(data)
        .map_err(|e| End::Lost { logged_in: link.logged_in, reason: format!("bad response: {e}") })
}

#[cfg(test)]
mod tests {
    use crate::event::Event;
    use crate::options::TimOptions;
    use crate::store::Store;
    use crate::transport::memory::{pair, ServerSide};
    use crate::Tim;
    use confab_proto::frame::{RequestFrame, ServerFrame};
    use confab_proto::inbox::{InboxEvent, TimelineCursor, TimelineEntry, TimelinePage};
    use confab_proto::ops::{GetConversationListResponse, LoginResponse, Sync, SyncResponse};
    use confab_proto::testing::WireMessageSample;
    use confab_proto::UserId;
    use std::sync::Arc;
    use tokio::sync::mpsc;

    /// Answers one client like a server with one group timeline: every
    /// `sync` request is handed to the test, and answered with the page.
    /// Every operation's name goes to `ops`.
    async fn serve(
        mut server: ServerSide,
        page: TimelinePage,
        syncs: mpsc::UnboundedSender<Sync>,
        ops: mpsc::UnboundedSender<String>,
    ) {
        while let Some(text) = server.incoming.recv().await {
            let request: RequestFrame = serde_json::from_str(&text).expect("request frame");
            let _ = ops.send(request.op.clone());
            let frame = match request.op.as_str() {
                "login" => ServerFrame::ok(
                    request.id,
                    &LoginResponse {
                        user_id: UserId::new("alice"),
                        inbox_seq: 0,
                        server_time: 1_764_115_200,
                        user_sig_expire_at: 0,
                        heartbeat_interval_ms: 3_600_000,
                        user_sig_issued_at: 0,
                        user_sig_renewable: false,
                    },
                ),
                "getConversationList" => ServerFrame::ok(
                    request.id,
                    &GetConversationListResponse {
                        conversations: Vec::new(),
                        inbox_seq: 0,
                        settings: Vec::new(),
                        conversation_groups: Vec::new(),
                    },
                ),
                "sync" => {
                    let sync: Sync = serde_json::from_value(request.data).expect("sync request");
                    let groups =
                        if sync.groups.is_empty() { Vec::new() } else { vec![page.clone()] };
                    syncs.send(sync).expect("test listening");
                    ServerFrame::ok(
                        request.id,
                        &SyncResponse { entries: Vec::new(), head: 0, groups },
                    )
                }
                _ => ServerFrame::ok(request.id, &serde_json::json!({})),
            };
            let frame = serde_json::to_string(&frame.expect("frame")).expect("serialize");
            if server.outgoing.send(Ok(frame)).is_err() {
                return;
            }
        }
    }

    #[tokio::test]
    async fn sync_sends_the_group_cursors_once_the_inbox_is_at_its_head_and_applies_the_pages() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (transport, mut listener) = pair();
        let mut options = TimOptions::new(1400000000, "ws://memory", dir.path());
        options.transport = Arc::new(transport);
        // A group followed from before.
        let path = Store::path_for(dir.path(), 1400000000, "alice");
        Store::open(&path, "alice").expect("store").follow_group("@TGS#1", 0).expect("follow");

        let page = TimelinePage {
            group_id: "@TGS#1".into(),
            entries: vec![TimelineEntry {
                seq: 1,
                event: InboxEvent::Message {
                    message: WireMessageSample::new("bob", "alice")
                        .group("@TGS#1")
                        .sequence(1)
                        .build(),
                },
            }],
            head: 1,
        };
        let (syncs, mut synced) = mpsc::unbounded_channel();
        let tim = Tim::create(options);
        let mut events = tim.subscribe();
        let server = tokio::spawn(async move {
            let side = listener.accepted.recv().await.expect("a connection");
            serve(side, page, syncs, mpsc::unbounded_channel().0).await;
        });
        tim.login("alice", "sig").await.expect("login");

        // The inbox first, alone (it may say a group was left meanwhile),
        // then the group cursors.
        let first = synced.recv().await.expect("a sync");
        assert!(first.groups.is_empty(), "the first sync is the inbox's: {first:?}");
        let sync = synced.recv().await.expect("a second sync");
        assert_eq!(sync.groups, vec![TimelineCursor { group_id: "@TGS#1".into(), after: 0 }]);
        let received = loop {
            match events.recv().await.expect("events") {
                Event::MessageReceived(list) => break list,
                _ => continue,
            }
        };
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].conversation_id, "GROUP@TGS#1");
        // The cursor moved with the page: the next sync asks after 1.
        let store = Store::open(&path, "alice").expect("store");
        assert_eq!(
            store.group_cursors().expect("cursors"),
            vec![TimelineCursor { group_id: "@TGS#1".into(), after: 1 }]
        );
        tim.destroy().await.expect("destroy");
        server.abort();
    }

    /// The operations a login sends until its first sync, on a store in
    /// `dir`.
    async fn ops_until_sync(dir: &std::path::Path) -> Vec<String> {
        let (transport, mut listener) = pair();
        let mut options = TimOptions::new(1400000000, "ws://memory", dir);
        options.transport = Arc::new(transport);
        let page = TimelinePage { group_id: "@TGS#1".into(), entries: Vec::new(), head: 0 };
        let (syncs, mut synced) = mpsc::unbounded_channel();
        let (ops, mut seen) = mpsc::unbounded_channel();
        let tim = Tim::create(options);
        let server = tokio::spawn(async move {
            let side = listener.accepted.recv().await.expect("a connection");
            serve(side, page, syncs, ops).await;
        });
        tim.login("alice", "sig").await.expect("login");
        synced.recv().await.expect("a sync");
        tim.destroy().await.expect("destroy");
        server.abort();
        let mut names = Vec::new();
        while let Ok(op) = seen.try_recv() {
            names.push(op);
        }
        names.truncate(names.iter().position(|op| op == "sync").map_or(names.len(), |i| i + 1));
        names
    }

    /// A fresh store reads the relation lists once; a later login syncs
    /// without reading them again (an account with thousands of friends
    /// reloads none); a store from before the friend lists reads them at
    /// its next login.
    #[tokio::test]
    async fn relation_lists_are_read_once_per_store_not_at_every_login() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lists =
            ["getBlacklist", "getFriendList", "getFriendGroupList", "getFriendApplicationList"];
        let first = ops_until_sync(dir.path()).await;
        let want: Vec<&str> =
            ["login", "getConversationList"].into_iter().chain(lists).chain(["sync"]).collect();
        assert_eq!(first, want);
        let again = ops_until_sync(dir.path()).await;
        assert_eq!(again, ["login", "sync"], "a reconnect reads no list");
        // A store from before version 10 has no `relations_read`.
        let path = Store::path_for(dir.path(), 1400000000, "alice");
        rusqlite::Connection::open(&path)
            .expect("open")
            .execute("DELETE FROM meta WHERE key = 'relations_read'", [])
            .expect("forget");
        let upgraded = ops_until_sync(dir.path()).await;
        let want: Vec<&str> = ["login"].into_iter().chain(lists).chain(["sync"]).collect();
        assert_eq!(upgraded, want);
    }
}
