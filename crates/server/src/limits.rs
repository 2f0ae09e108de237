//! Per-user send rate: a token bucket per user on the server clock.
//!
//! Each user's bucket holds up to `send_burst` sends and refills at
//! `send_rate_per_sec`; a send takes one, and a send finding the bucket empty
//! is refused with 2996 `OVER_FREQUENCY_LIMIT` (nothing is stored, so the
//! client may send it again later). Amounts are kept in thousandths of a send
//! so refills need no floating point. Buckets that are full again carry no
//! information and are dropped when the table grows, so its size follows the
//! number of users sending right now, not of all users.

use crate::config::Config;
use confab_proto::{code, ErrorBody, UserId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Thousandths of a send in one send.
const UNIT: u64 = 1000;

/// Buckets kept before full ones are pruned.
const PRUNE_ABOVE: usize = 4096;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Allowance left, in thousandths of a send.
    level: u64,
    /// Server time of `level`, ms.
    at_ms: i64,
}

/// The send rate limiter of one server.
#[derive(Debug)]
pub(crate) struct SendRate {
    /// Refill, in thousandths of a send per millisecond (= sends per second).
    per_ms: u64,
    /// Bucket size in thousandths of a send.
    capacity: u64,
    buckets: Mutex<HashMap<UserId, Bucket>>,
}

impl SendRate {
    /// The limiter `config` asks for (`send_rate_per_sec` 0: no limit).
    pub fn from_config(config: &Config) -> Self {
        Self {
            per_ms: u64::from(config.send_rate_per_sec),
            capacity: u64::from(config.send_burst).saturating_mul(UNIT),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn level_at(&self, bucket: Bucket, now_ms: i64) -> u64 {
        let elapsed = u64::try_from(now_ms.saturating_sub(bucket.at_ms)).unwrap_or(0);
        bucket.level.saturating_add(elapsed.saturating_mul(self.per_ms)).min(self.capacity)
    }

    /// Takes one send of `user`'s allowance at `now_ms`, or refuses with
    /// 2996 when there is none left.
    pub fn check(&self, user: &UserId, now_ms: i64) -> Result<(), ErrorBody> {
        if self.per_ms == 0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE && !buckets.contains_key(user) {
            buckets.retain(|_, b| self.level_at(*b, now_ms) < self.capacity);
        }
        let full = Bucket { level: self.capacity, at_ms: now_ms };
        let bucket = buckets.entry(user.clone()).or_insert(full);
        let level = self.level_at(*bucket, now_ms);
        if level < UNIT {
            let wait_ms = (UNIT - level).div_ceil(self.per_ms);
            return Err(ErrorBody::new(
                code::OVER_FREQUENCY_LIMIT,
                format!(
                    "sending too fast: at most {} messages per second; retry in {wait_ms} ms",
                    self.per_ms
                ),
            ));
        }
        *bucket = Bucket { level: level - UNIT, at_ms: now_ms.max(bucket.at_ms) };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: u32, burst: u32) -> SendRate {
        SendRate::from_config(&Config {
            send_rate_per_sec: rate,
            send_burst: burst,
            ..Config::default()
        })
    }

    #[test]
    fn a_burst_then_the_rate_then_refusals_with_2996() {
        let rate = limiter(2, 3);
        let alice = UserId::new("alice");
        for _ in 0..3 {
            rate.check(&alice, 0).expect("within the burst");
        }
        let refused = rate.check(&alice, 0).expect_err("over the burst");
        assert_eq!(refused.code, code::OVER_FREQUENCY_LIMIT);
        // Another user has their own bucket.
        rate.check(&UserId::new("bob"), 0).expect("bob's own allowance");
        // Two per second: one more after 500 ms, not before.
        assert!(rate.check(&alice, 499).is_err());
        rate.check(&alice, 500).expect("refilled one");
        assert!(rate.check(&alice, 500).is_err());
        // A long pause refills to the burst, not beyond.
        for _ in 0..3 {
            rate.check(&alice, 1_000_000).expect("full again");
        }
        assert!(rate.check(&alice, 1_000_000).is_err());
        // A clock moving backwards refills nothing.
        assert!(rate.check(&alice, 0).is_err());
    }

    #[test]
    fn zero_rate_means_no_limit_and_full_buckets_are_pruned() {
        let open = limiter(0, 0);
        for _ in 0..10_000 {
            open.check(&UserId::new("alice"), 0).expect("no limit");
        }
        let rate = limiter(1, 1);
        for i in 0..(PRUNE_ABOVE + 10) {
            rate.check(&UserId::new(format!("u{i}")), 0).expect("first send");
        }
        // An hour later every bucket is full again and pruned on growth.
        rate.check(&UserId::new("late"), 3_600_000).expect("send");
        assert!(rate.buckets.lock().expect("lock").len() <= 2);
    }
}
