//! State shared by the API handle and the session actor of one login: the
//! account's store, readiness, network state, the last announced unread
//! total, the current UserSig (renewals replace it), the event hub, and the
//! login's tracing span. Everything here is a short synchronous operation;
//! nothing is held across an `.await`.
//!
//! The span (`tim{user=… instance=…}`) is what tells two clients in one
//! process apart in logs: the actor task runs inside it, and every log line
//! written through [`SessionCore::log`] (the actor's, the file tasks', the
//! handle's) is written inside it.

use crate::event::{Event, EventHub, NetState};
use crate::options::Clock;
use crate::store::Store;
use crate::TimError;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

/// One login's shared state.
pub(crate) struct SessionCore {
    /// The logged-in user.
    pub(crate) user_id: String,
    /// The account's local store.
    pub(crate) store: Store,
    pub(crate) hub: Arc<EventHub>,
    pub(crate) clock: Arc<dyn Clock>,
    log_level: Arc<AtomicU8>,
    /// SDK_READY has fired for this login.
    ready: AtomicBool,
    /// A sync with the server completed during this login.
    synced: AtomicBool,
    /// The session ended (logout, kick, fatal login failure).
    terminated: AtomicBool,
    net_state: Mutex<NetState>,
    /// Why the last connection attempt was refused, when retrying alone
    /// will not fix it (a TLS failure); cleared once connected.
    net_error: Mutex<Option<TimError>>,
    total_unread: AtomicU64,
    /// Message IDs this instance is revoking or modifying right now: their
    /// inbox echo must not announce the change to this instance (it learns
    /// from its response).
    pub(crate) acting_on: Mutex<std::collections::HashSet<String>>,
    /// When `delete_message` was last accepted (SDK clock, ms), for its
    /// once-per-second limit.
    pub(crate) last_delete_ms: Mutex<Option<i64>>,
    /// The UserSig the login works with and what the server said of it.
    sig: Mutex<SigState>,
    /// The login's span: `tim` with the user and this store's instance ID.
    pub(crate) span: tracing::Span,
}

/// The login's UserSig and what is known of its lifetime.
#[derive(Clone, Debug, Default)]
pub(crate) struct SigState {
    /// The UserSig (logins, reconnects and file requests use it).
    pub(crate) user_sig: String,
    /// When the server issued it (server seconds; 0 when unknown).
    pub(crate) issued_at: i64,
    /// When it expires (server seconds; 0 when unknown).
    pub(crate) expire_at: i64,
    /// Whether the server renews it (`renewUserSig`).
    pub(crate) renewable: bool,
}

impl SigState {
    /// Whether half of the sig's life is over at server time `now_secs`
    /// (false when its lifetime is unknown).
    pub(crate) fn past_half_life(&self, now_secs: i64) -> bool {
        let life = self.expire_at.saturating_sub(self.issued_at);
        self.issued_at > 0 && life > 0 && now_secs >= self.issued_at.saturating_add(life / 2)
    }
}

impl SessionCore {
    /// The state of a new login of `user_id` on the instance
    /// `instance_id` (the store's).
    pub(crate) fn new(
        user_id: String,
        user_sig: String,
        instance_id: &str,
        store: Store,
        hub: Arc<EventHub>,
        clock: Arc<dyn Clock>,
        log_level: Arc<AtomicU8>,
    ) -> Self {
        Self {
            span: tracing::info_span!("tim", user = %user_id, instance = %instance_id),
            sig: Mutex::new(SigState { user_sig, ..SigState::default() }),
            user_id,
            store,
            hub,
            clock,
            log_level,
            ready: AtomicBool::new(false),
            synced: AtomicBool::new(false),
            terminated: AtomicBool::new(false),
            net_state: Mutex::new(NetState::Disconnected),
            net_error: Mutex::new(None),
            total_unread: AtomicU64::new(0),
            acting_on: Mutex::new(std::collections::HashSet::new()),
            last_delete_ms: Mutex::new(None),
        }
    }

    /// The current UserSig.
    pub(crate) fn user_sig(&self) -> String {
        self.sig_state().user_sig
    }

    /// The current UserSig and its lifetime.
    pub(crate) fn sig_state(&self) -> SigState {
        self.sig.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Updates the lifetime the server reported at login.
    pub(crate) fn set_sig_lifetime(&self, issued_at: i64, expire_at: i64, renewable: bool) {
        let mut sig = self.sig.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        sig.issued_at = issued_at;
        sig.expire_at = expire_at;
        sig.renewable = renewable;
    }

    /// The server stopped renewing the current sig (it was not issued for
    /// a password, or it was retired).
    pub(crate) fn set_sig_not_renewable(&self) {
        self.sig.lock().unwrap_or_else(std::sync::PoisonError::into_inner).renewable = false;
    }

    /// Takes a UserSig the server issued to this session (renewal, password
    /// change) and announces it (`onUserSigRenewed`) so the application can
    /// store it.
    pub(crate) fn adopt_sig(&self, issued: &confab_proto::ops::IssuedUserSig) {
        {
            let mut sig = self.sig.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *sig = SigState {
                user_sig: issued.user_sig.clone(),
                issued_at: issued.issued_at,
                expire_at: issued.expire_at,
                renewable: true,
            };
        }
        self.emit(Event::UserSigRenewed {
            user_id: self.user_id.clone(),
            user_sig: issued.user_sig.clone(),
            expire_at: issued.expire_at,
        });
    }

    pub(crate) fn emit(&self, event: Event) {
        self.hub.emit(event);
    }

    pub(crate) fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst) && !self.is_terminated()
    }

    /// Marks the session ready; true when it was not before (so SDK_READY
    /// must fire).
    pub(crate) fn become_ready(&self) -> bool {
        !self.ready.swap(true, Ordering::SeqCst)
    }

    pub(crate) fn is_synced(&self) -> bool {
        self.synced.load(Ordering::SeqCst)
    }

    pub(crate) fn set_synced(&self) {
        self.synced.store(true, Ordering::SeqCst);
    }

    pub(crate) fn is_terminated(&self) -> bool {
        self.terminated.load(Ordering::SeqCst)
    }

    /// Ends the session; true when it was still alive (so SDK_NOT_READY
    /// must fire).
    pub(crate) fn terminate(&self) -> bool {
        self.ready.store(false, Ordering::SeqCst);
        !self.terminated.swap(true, Ordering::SeqCst)
    }

    pub(crate) fn net_state(&self) -> NetState {
        *self.net_state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn net_error(&self) -> Option<TimError> {
        self.net_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Records why the last connection attempt failed (`None`: no reason
    /// worth telling, such as a network flap). A new reason, or another
    /// code than the last one, is reported once with an ERROR event, so
    /// retries do not repeat it.
    pub(crate) fn set_net_error(&self, error: Option<TimError>) {
        let news = {
            let mut current =
                self.net_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let news = match (&error, current.as_ref()) {
                (Some(new), Some(old)) => new.code != old.code,
                (Some(_), None) => true,
                (None, _) => false,
            };
            *current = error.clone();
            news
        };
        if let Some(error) = error.filter(|_| news) {
            self.report(error);
        }
    }

    /// Sets the network state, emitting NET_STATE_CHANGE on a transition.
    /// Connected clears the last connection error.
    pub(crate) fn set_net_state(&self, state: NetState) {
        if state == NetState::Connected {
            *self.net_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        }
        let changed = {
            let mut current =
                self.net_state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let changed = *current != state;
            *current = state;
            changed
        };
        if changed {
            self.emit(Event::NetStateChange { state });
        }
    }

    /// Recomputes the unread total and emits
    /// TOTAL_UNREAD_MESSAGE_COUNT_UPDATED when it changed.
    pub(crate) fn refresh_total_unread(&self) {
        match self.store.total_unread() {
            Ok(total) => {
                if self.total_unread.swap(total, Ordering::SeqCst) != total {
                    self.emit(Event::TotalUnreadMessageCountUpdated(total));
                }
            }
            Err(e) => self.report(TimError::from(e)),
        }
    }

    /// A background failure: logged and emitted as an ERROR event.
    pub(crate) fn report(&self, error: TimError) {
        self.log(tracing::Level::ERROR, format_args!("{error}"));
        self.emit(Event::Error { code: error.code, message: error.message });
    }

    /// Logs if TIM's log level lets `level` through (0 all … 4 none).
    /// Logs inside the login's span, so the line names its user and
    /// instance whichever task writes it.
    pub(crate) fn log(&self, level: tracing::Level, message: std::fmt::Arguments<'_>) {
        let _entered = self.span.enter();
        log_at(&self.log_level, level, message);
    }

    pub(crate) fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// Marks a message as being revoked or modified by this instance
    /// (`true` when it was not already).
    pub(crate) fn start_acting_on(&self, id: &str) -> bool {
        self.acting_on.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(id.into())
    }

    /// This instance's revoke or modify of `id` is answered.
    pub(crate) fn stop_acting_on(&self, id: &str) {
        self.acting_on.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(id);
    }

    /// The messages this instance is not changing itself right now.
    pub(crate) fn not_acting_on(
        &self,
        messages: Vec<crate::model::Message>,
    ) -> Vec<crate::model::Message> {
        let acting = self.acting_on.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        messages.into_iter().filter(|m| !acting.contains(&m.id)).collect()
    }
}

/// Logs `message` at `level` when TIM's log level (0 debug and up,
/// 1 info and up, 2 warnings and errors, 3 errors, 4 nothing) allows it.
pub(crate) fn log_at(
    tim_level: &AtomicU8,
    level: tracing::Level,
    message: std::fmt::Arguments<'_>,
) {
    let threshold = tim_level.load(Ordering::Relaxed);
    let rank = if level == tracing::Level::ERROR {
        3
    } else if level == tracing::Level::WARN {
        2
    } else if level == tracing::Level::INFO {
        1
    } else {
        0
    };
    if rank < threshold {
        return;
    }
    match rank {
        3 => tracing::error!("{message}"),
        2 => tracing::warn!("{message}"),
        1 => tracing::info!("{message}"),
        _ => tracing::debug!("{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::SystemClock;
    use std::io::Write;
    use tracing::Instrument as _;

    /// A log sink the test reads back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("sink").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
        type Writer = Captured;

        fn make_writer(&'a self) -> Self::Writer {
            self.clone()
        }
    }

    impl Captured {
        /// The captured line containing `needle`.
        fn line_with(&self, needle: &str) -> String {
            let bytes = self.0.lock().expect("sink").clone();
            let text = String::from_utf8(bytes).expect("utf-8");
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
                .to_owned()
        }
    }

    fn core(user: &str, instance: &str) -> Arc<SessionCore> {
        Arc::new(SessionCore::new(
            user.to_owned(),
            "sig".to_owned(),
            instance,
            Store::open_in_memory(user).expect("store"),
            Arc::new(EventHub::new()),
            Arc::new(SystemClock),
            Arc::new(AtomicU8::new(0)),
        ))
    }

    #[tokio::test]
    async fn two_clients_in_one_process_are_told_apart_in_logs() {
        let sink = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(sink.clone())
            .with_ansi(false)
            .without_time()
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);
        let alice = core("alice", "a1");
        let bob = core("bob", "b2");

        // The handle and the file tasks log through the core.
        alice.log(tracing::Level::WARN, format_args!("from alice's handle"));
        // The actor task runs inside its login's span.
        let actor_core = Arc::clone(&bob);
        tokio::spawn(
            async move {
                tracing::debug!("from bob's actor");
                actor_core.log(tracing::Level::INFO, format_args!("bob's actor through the core"));
            }
            .instrument(bob.span.clone()),
        )
        .await
        .expect("task");

        assert!(sink.line_with("from alice's handle").contains("tim{user=alice instance=a1}"));
        assert!(sink.line_with("from bob's actor").contains("tim{user=bob instance=b2}"));
        let nested = sink.line_with("bob's actor through the core");
        assert!(nested.contains("tim{user=bob instance=b2}"), "{nested}");
        assert!(!nested.contains("alice"), "{nested}");
    }
}
