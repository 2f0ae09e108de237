//! The clock seam: every timestamp the server hands out or checks (message
//! times, profile update times, UserSig validity and expiry kicks) comes from
//! a [`Clock`], so tests drive time with a [`ManualClock`] instead of waiting.
//!
//! Transport timers (heartbeat idle timeouts) use tokio time instead; they are
//! about sockets, not about the domain.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// A source of "now" and of sleeps until a point in that clock's time.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// Resolves once the clock reads `deadline_ms` or later.
    fn sleep_until_ms(&self, deadline_ms: i64) -> Pin<Box<dyn Future<Output = ()> + Send>>;

    /// Seconds since the Unix epoch (rounded down).
    fn now_secs(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// The operating system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
            // A clock before 1970 is misconfigured; report the epoch rather than fail.
            Err(_) => 0,
        }
    }

    fn sleep_until_ms(&self, deadline_ms: i64) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let wait = deadline_ms.saturating_sub(self.now_ms()).max(0);
        let wait = Duration::from_millis(u64::try_from(wait).unwrap_or(0));
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that only moves when told to; sleepers wake as soon as it is set
/// at or past their deadline.
#[derive(Debug)]
pub struct ManualClock {
    now: watch::Sender<i64>,
}

impl ManualClock {
    /// A clock reading `start_ms`.
    pub fn new(start_ms: i64) -> Self {
        let (now, _) = watch::channel(start_ms);
        Self { now }
    }

    /// Sets the time (it may move backwards).
    pub fn set_ms(&self, now_ms: i64) {
        self.now.send_replace(now_ms);
    }

    /// Moves the time forward by `delta_ms`.
    pub fn advance_ms(&self, delta_ms: i64) {
        self.now.send_modify(|now| *now = now.saturating_add(delta_ms));
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        *self.now.borrow()
    }

    fn sleep_until_ms(&self, deadline_ms: i64) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut now = self.now.subscribe();
        Box::pin(async move {
            if now.wait_for(|now| *now >= deadline_ms).await.is_err() {
                // The clock is gone, so its time never reaches the deadline.
                std::future::pending::<()>().await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_when_it_passes_their_deadline() {
        let clock = Arc::new(ManualClock::new(1_000));
        assert_eq!(clock.now_ms(), 1_000);
        assert_eq!(clock.now_secs(), 1);
        let mut sleeper = tokio::spawn(clock.sleep_until_ms(5_000));
        clock.advance_ms(3_000);
        assert!(
            tokio::time::timeout(Duration::from_millis(20), &mut sleeper).await.is_err(),
            "woke before its deadline"
        );
        clock.set_ms(5_000);
        tokio::time::timeout(Duration::from_secs(5), sleeper)
            .await
            .expect("woke")
            .expect("sleeper task");
        // A deadline already passed resolves at once.
        tokio::time::timeout(Duration::from_secs(5), clock.sleep_until_ms(10))
            .await
            .expect("past deadline");
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_ms() > 1_577_836_800_000);
    }
}
