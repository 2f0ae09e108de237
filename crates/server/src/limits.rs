//! Send rates: a token bucket per user (`send_rate_per_sec`, `send_burst`)
//! and one per group (`group_send_rate_per_sec`, all members together, with
//! TIM's message priorities), on the server clock.
//!
//! Each user's bucket holds up to `send_burst` sends and refills at
//! `send_rate_per_sec`; a send takes one, and a send finding the bucket empty
//! is refused with 2996 `OVER_FREQUENCY_LIMIT` (nothing is stored, so the
//! client may send it again later). Amounts are kept in thousandths of a send
//! so refills need no floating point. Buckets that are full again carry no
//! information and are dropped when the table grows, so its size follows the
//! number of users sending right now, not of all users.
//!
//! In a cluster a user's allowance is shared by the nodes the user has
//! sessions on: each of `n` such nodes refills at `1/n` of the rate and
//! holds `1/n` of the burst, so the user's sends across the cluster stay
//! within the configured rate. A group's allowance is counted per node.
//!
//! A group's bucket holds one second's allowance. Over the group's rate,
//! TIM's server delivers higher priorities first; here lower priorities are
//! refused first: `Lowest` needs more than half the bucket left, `Low` more
//! than a quarter, `Normal` one send, and `High` always goes (taking what is
//! left).

use crate::config::Config;
use confab_proto::message::Priority;
use confab_proto::{code, ErrorBody, UserId};
use std::collections::HashMap;
use std::hash::Hash;
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

/// Token buckets by key (a user, a group).
#[derive(Debug)]
struct Buckets<K> {
    /// Refill, in thousandths of a send per millisecond (= sends per second).
    per_ms: u64,
    /// Bucket size in thousandths of a send.
    capacity: u64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    fn new(rate_per_sec: u32, burst: u32) -> Self {
        Self {
            per_ms: u64::from(rate_per_sec),
            capacity: u64::from(burst).saturating_mul(UNIT),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn level_at(&self, bucket: Bucket, now_ms: i64, share: u64) -> u64 {
        let elapsed = u64::try_from(now_ms.saturating_sub(bucket.at_ms)).unwrap_or(0);
        let (per_ms, capacity) = self.shared(share);
        bucket.level.saturating_add(elapsed.saturating_mul(per_ms)).min(capacity)
    }

    /// The refill and size of one of `share` buckets that split the
    /// allowance (at least one send each).
    fn shared(&self, share: u64) -> (u64, u64) {
        let share = share.max(1);
        ((self.per_ms / share).max(1), (self.capacity / share).max(UNIT))
    }

    /// Takes one send from `key`'s bucket when more than `reserve` is left
    /// beyond it (with `always`, takes what is left, down to nothing, and
    /// never refuses); else the milliseconds until it would be taken. The
    /// bucket is one of `share` that split the allowance (1: all of it).
    fn take(
        &self,
        key: &K,
        now_ms: i64,
        reserve: u64,
        always: bool,
        share: u64,
    ) -> Result<(), u64> {
        if self.per_ms == 0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE && !buckets.contains_key(key) {
            buckets.retain(|_, b| self.level_at(*b, now_ms, 1) < self.capacity);
        }
        let (per_ms, capacity) = self.shared(share);
        let full = Bucket { level: capacity, at_ms: now_ms };
        let bucket = buckets.entry(key.clone()).or_insert(full);
        let level = self.level_at(*bucket, now_ms, share);
        let needed = UNIT.saturating_add(reserve);
        if level < needed && !always {
            return Err((needed - level).div_ceil(per_ms));
        }
        *bucket = Bucket { level: level.saturating_sub(UNIT), at_ms: now_ms.max(bucket.at_ms) };
        Ok(())
    }
}

/// The per-user send rate limiter of one server.
#[derive(Debug)]
pub(crate) struct SendRate(Buckets<UserId>);

impl SendRate {
    /// The limiter `config` asks for (`send_rate_per_sec` 0: no limit).
    pub fn from_config(config: &Config) -> Self {
        Self(Buckets::new(config.send_rate_per_sec, config.send_burst))
    }

    /// Takes one send of `user`'s allowance at `now_ms`, or refuses with
    /// 2996 when there is none left. `nodes`: how many nodes of a cluster
    /// the user has sessions on (this one included; 1 alone), which split
    /// the allowance.
    pub fn check(&self, user: &UserId, now_ms: i64, nodes: usize) -> Result<(), ErrorBody> {
        let share = u64::try_from(nodes).unwrap_or(u64::MAX);
        self.0.take(user, now_ms, 0, false, share).map_err(|wait_ms| {
            ErrorBody::new(
                code::OVER_FREQUENCY_LIMIT,
                format!(
                    "sending too fast: at most {} messages per second; retry in {wait_ms} ms",
                    self.0.per_ms
                ),
            )
        })
    }
}

/// The per-group send rate limiter of one server.
#[derive(Debug)]
pub(crate) struct GroupSendRate(Buckets<String>);

impl GroupSendRate {
    /// The limiter `config` asks for (`group_send_rate_per_sec` 0: no
    /// limit).
    pub fn from_config(config: &Config) -> Self {
        let rate = config.group_send_rate_per_sec;
        Self(Buckets::new(rate, rate))
    }

    /// Takes one send of `group`'s allowance for a message of `priority`,
    /// or refuses with 2996 (lower priorities first, see the module docs).
    pub fn check(&self, group: &str, priority: Priority, now_ms: i64) -> Result<(), ErrorBody> {
        let capacity = self.0.capacity;
        let (reserve, always) = match priority {
            Priority::High => (0, true),
            Priority::Normal => (0, false),
            Priority::Low => (capacity / 4, false),
            Priority::Lowest => (capacity / 2, false),
        };
        self.0.take(&group.to_owned(), now_ms, reserve, always, 1).map_err(|wait_ms| {
            ErrorBody::new(
                code::OVER_FREQUENCY_LIMIT,
                format!(
                    "the group is over its rate of {} messages per second for {priority:?} messages; retry in {wait_ms} ms",
                    self.0.per_ms
                ),
            )
        })
    }
}

/// A per-user limit on how often one operation may be called (its calls
/// per second, in a bucket of one second's calls).
#[derive(Debug)]
pub(crate) struct CallRate {
    buckets: Buckets<UserId>,
    operation: &'static str,
}

impl CallRate {
    /// `operation` at most `per_sec` times a second per user (0: no limit).
    pub fn new(operation: &'static str, per_sec: u32) -> Self {
        Self { buckets: Buckets::new(per_sec, per_sec), operation }
    }

    /// Takes one call of `user`'s allowance, or refuses with 2996.
    pub fn check(&self, user: &UserId, now_ms: i64) -> Result<(), ErrorBody> {
        self.buckets.take(user, now_ms, 0, false, 1).map_err(|wait_ms| {
            ErrorBody::new(
                code::OVER_FREQUENCY_LIMIT,
                format!(
                    "{} is called at most {} times a second; retry in {wait_ms} ms",
                    self.operation, self.buckets.per_ms
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // checklist 951: getTopicList, 10 calls a second by default.
    #[test]
    fn call_rates_refuse_beyond_their_calls_per_second() {
        let rate = CallRate::new("getTopicList", 10);
        let alice = UserId::new("alice");
        for _ in 0..10 {
            rate.check(&alice, 1_000).expect("within the rate");
        }
        assert_eq!(rate.check(&alice, 1_000).unwrap_err().code, code::OVER_FREQUENCY_LIMIT);
        rate.check(&UserId::new("bob"), 1_000).expect("bob has his own");
        rate.check(&alice, 1_100).expect("a tenth of a second gives one call back");
    }

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
            rate.check(&alice, 0, 1).expect("within the burst");
        }
        let refused = rate.check(&alice, 0, 1).expect_err("over the burst");
        assert_eq!(refused.code, code::OVER_FREQUENCY_LIMIT);
        // Another user has their own bucket.
        rate.check(&UserId::new("bob"), 0, 1).expect("bob's own allowance");
        // Two per second: one more after 500 ms, not before.
        assert!(rate.check(&alice, 499, 1).is_err());
        rate.check(&alice, 500, 1).expect("refilled one");
        assert!(rate.check(&alice, 500, 1).is_err());
        // A long pause refills to the burst, not beyond.
        for _ in 0..3 {
            rate.check(&alice, 1_000_000, 1).expect("full again");
        }
        assert!(rate.check(&alice, 1_000_000, 1).is_err());
        // A clock moving backwards refills nothing.
        assert!(rate.check(&alice, 0, 1).is_err());
    }

    // In a cluster, a user with sessions on two nodes has half the burst and
    // half the rate on each, so both together stay within the allowance.
    #[test]
    fn nodes_a_user_is_on_split_the_allowance() {
        let rate = limiter(2, 4);
        let alice = UserId::new("alice");
        for _ in 0..2 {
            rate.check(&alice, 0, 2).expect("half the burst");
        }
        assert!(rate.check(&alice, 0, 2).is_err(), "the other half is the other node's");
        // One send per second on this node: not after 500 ms, after 1,000.
        assert!(rate.check(&alice, 500, 2).is_err());
        rate.check(&alice, 1_000, 2).expect("half the rate");
    }

    #[test]
    fn a_busy_group_refuses_lower_priorities_first_and_high_always_goes() {
        let rate = GroupSendRate::from_config(&Config {
            group_send_rate_per_sec: 40,
            ..Config::default()
        });
        // 40 a second: once 20 are used, half is left and Lowest stops first.
        for _ in 0..20 {
            rate.check("g", Priority::Lowest, 0).expect("plenty left");
        }
        assert_eq!(
            rate.check("g", Priority::Lowest, 0).expect_err("half used").code,
            code::OVER_FREQUENCY_LIMIT
        );
        // Low goes on until a quarter is left, then Normal until none.
        for _ in 0..10 {
            rate.check("g", Priority::Low, 0).expect("more than a quarter left");
        }
        assert!(rate.check("g", Priority::Low, 0).is_err());
        for _ in 0..10 {
            rate.check("g", Priority::Normal, 0).expect("some left");
        }
        assert!(rate.check("g", Priority::Normal, 0).is_err());
        // High always goes, even on an empty bucket.
        for _ in 0..5 {
            rate.check("g", Priority::High, 0).expect("high priority");
        }
        // Another group has its own allowance; a second later this one has
        // a second's worth again.
        rate.check("h", Priority::Lowest, 0).expect("another group");
        rate.check("g", Priority::Normal, 1_000).expect("refilled");
        let off =
            GroupSendRate::from_config(&Config { group_send_rate_per_sec: 0, ..Config::default() });
        for _ in 0..1_000 {
            off.check("g", Priority::Lowest, 0).expect("no limit");
        }
    }

    #[test]
    fn zero_rate_means_no_limit_and_full_buckets_are_pruned() {
        let open = limiter(0, 0);
        for _ in 0..10_000 {
            open.check(&UserId::new("alice"), 0, 1).expect("no limit");
        }
        let rate = limiter(1, 1);
        for i in 0..(PRUNE_ABOVE + 10) {
            rate.check(&UserId::new(format!("u{i}")), 0, 1).expect("first send");
        }
        // An hour later every bucket is full again and pruned on growth.
        rate.check(&UserId::new("late"), 3_600_000, 1).expect("send");
        assert!(rate.0.buckets.lock().expect("lock").len() <= 2);
    }
}
