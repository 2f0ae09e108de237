//! Construction options of a [`crate::Tim`] instance: where the server and
//! the local store are, what kind of client it is, which transport to use
//! and which certificates it trusts, reconnect and timeout policy, and the
//! clock seam.

use crate::tls::TlsConfig;
use crate::transport::{Transport, WsTransport};
use confab_proto::ops::Platform;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Options of [`crate::Tim::create`] (TIM's `TIM.create({SDKAppID})`, plus
/// what a native client needs to know).
#[derive(Clone)]
pub struct TimOptions {
    /// The application ID (TIM `SDKAppID`).
    pub sdk_app_id: u64,
    /// WebSocket URL of the server, e.g. `ws://127.0.0.1:PORT/ws`, or
    /// `wss://chat.example.org/ws` over TLS (the file service then is
    /// `https://` on the same host).
    pub server_url: String,
    /// Directory of the local stores: one SQLite file per account under
    /// `<data_dir>/<sdkAppID>/`.
    pub data_dir: PathBuf,
    /// What kind of client this instance is, sent at every login (default
    /// [`Platform::Web`], as TIM's Web SDK). The server limits web pages of
    /// one account by number (the oldest is kicked with `multipleAccount`)
    /// and lets terminals (the desktop app, the CLI) follow its device
    /// policy (kicked with `multipleDevice`); a web page and a terminal are
    /// online together.
    pub platform: Platform,
    /// How connections are made (default [`WsTransport`]).
    pub transport: Arc<dyn Transport>,
    /// The certificates a `wss://`/`https://` server may present (default:
    /// the platform's roots; [`TlsConfig::with_custom_ca`] adds a
    /// self-hoster's CA). One configuration serves the WebSocket and the
    /// file service's HTTP client.
    pub tls: TlsConfig,
    /// Reconnect backoff.
    pub reconnect: ReconnectPolicy,
    /// How long a request may wait for its response before it fails with
    /// 2801 `NETWORK_TIMEOUT` (default 15 s).
    pub request_timeout: Duration,
    /// Wall clock used for local timestamps (default [`SystemClock`]).
    pub clock: Arc<dyn Clock>,
    /// Names this instance among others of the same server, SDKAppID and
    /// data directory: a native app with several accounts signed in at
    /// once has one instance per account (`None`, the default, is TIM's one
    /// instance per SDKAppID, see [`crate::Tim::create`]).
    pub instance: Option<String>,
}

impl TimOptions {
    /// Options with the defaults: a web instance, WebSocket transport
    /// trusting the platform's roots, 500 ms to 30 s
    /// backoff with jitter, 15 s request timeout, the system clock.
    pub fn new(
        sdk_app_id: u64,
        server_url: impl Into<String>,
        data_dir: impl Into<PathBuf>,
    ) -> Self {
        Self {
            sdk_app_id,
            server_url: server_url.into(),
            data_dir: data_dir.into(),
            platform: Platform::Web,
            transport: Arc::new(WsTransport),
            tls: TlsConfig::platform(),
            reconnect: ReconnectPolicy::default(),
            request_timeout: Duration::from_secs(15),
            clock: Arc::new(SystemClock),
            instance: None,
        }
    }
}

impl std::fmt::Debug for TimOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimOptions")
            .field("sdk_app_id", &self.sdk_app_id)
            .field("server_url", &self.server_url)
            .field("data_dir", &self.data_dir)
            .field("platform", &self.platform)
            .field("tls", &self.tls)
            .field("reconnect", &self.reconnect)
            .field("request_timeout", &self.request_timeout)
            .field("instance", &self.instance)
            .finish_non_exhaustive()
    }
}

/// Exponential reconnect backoff with jitter: attempt `n` (from 0) waits
/// `min(max, initial * 2^n)`, shortened by a random fraction up to `jitter`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReconnectPolicy {
    /// Delay before the first retry (default 500 ms).
    pub initial: Duration,
    /// Longest delay (default 30 s).
    pub max: Duration,
    /// Fraction (0.0 to 1.0) of each delay that is randomized away
    /// (default 0.5).
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self { initial: Duration::from_millis(500), max: Duration::from_secs(30), jitter: 0.5 }
    }
}

impl ReconnectPolicy {
    /// The delay before retry number `attempt` (0-based), given a random
    /// value in `[0, 1)`.
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(20));
        let base = self.initial.saturating_mul(factor).min(self.max);
        let jitter = self.jitter.clamp(0.0, 1.0) * random.clamp(0.0, 1.0);
        base.mul_f64(1.0 - jitter)
    }
}

/// The clock seam: local timestamps (unsent messages, conversation order)
/// come from here, never from `SystemTime` directly.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The system wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap_and_jitter_shortens() {
        let p = ReconnectPolicy::default();
        assert_eq!(p.delay(0, 0.0), Duration::from_millis(500));
        assert_eq!(p.delay(1, 0.0), Duration::from_secs(1));
        assert_eq!(p.delay(10, 0.0), Duration::from_secs(30));
        assert_eq!(p.delay(100, 0.0), Duration::from_secs(30));
        assert_eq!(p.delay(0, 1.0), Duration::from_millis(250));
    }
}
