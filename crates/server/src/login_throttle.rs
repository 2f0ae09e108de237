//! Password login back-off, per account and per client address.
//!
//! Every failed password login counts against the userID it named (whether
//! or not the account exists, so the answers cannot tell accounts apart) and
//! against the client's address (for IPv6, its /64). Within an allowance
//! failures cost nothing; past it each failure makes the next attempt wait,
//! from one second and doubling up to a cap, and an attempt during the wait
//! is refused (2996 `OVER_FREQUENCY_LIMIT`) before any hashing. A
//! successful login clears its account's count but not the address's (a
//! guesser must not reset its budget by logging into its own account).
//! Counts are forgotten after [`FORGET_AFTER_MS`] without failures. Times are
//! the server clock's milliseconds.
//!
//! Memory: each map holds at most [`MAX_RECORDS`] entries; past that,
//! forgotten entries are dropped first, then the longest quiet ones.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

/// Failures of one key and when it may try again.
#[derive(Clone, Copy, Debug)]
struct Record {
    failures: u32,
    last_failure_ms: i64,
    blocked_until_ms: i64,
}

/// How a key is throttled.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Policy {
    /// Failures that cost no wait.
    pub free_failures: u32,
    /// The wait after the first failure past the allowance.
    pub first_wait_ms: i64,
    /// The longest wait.
    pub max_wait_ms: i64,
}

impl Policy {
    /// The wait imposed after `failures` failures in a row.
    fn wait_after(&self, failures: u32) -> i64 {
        if failures < self.free_failures {
            return 0;
        }
        let doublings = (failures - self.free_failures).min(32);
        self.first_wait_ms.saturating_mul(1_i64 << doublings).min(self.max_wait_ms)
    }
}

/// Per account: five free failures, then 1 s, 2 s, 4 s … up to 15 minutes.
pub(crate) const ACCOUNT_POLICY: Policy =
    Policy { free_failures: 5, first_wait_ms: 1_000, max_wait_ms: 15 * 60_000 };

/// Per client address: twenty free failures (several people may share an
/// address), then 1 s, 2 s, 4 s … up to 15 minutes.
pub(crate) const ADDRESS_POLICY: Policy =
    Policy { free_failures: 20, first_wait_ms: 1_000, max_wait_ms: 15 * 60_000 };

/// A key with no failure for this long starts afresh.
pub(crate) const FORGET_AFTER_MS: i64 = 60 * 60_000;

/// Most keys each map remembers.
pub(crate) const MAX_RECORDS: usize = 100_000;

/// Failure records of one kind of key.
#[derive(Debug)]
struct Counter<K> {
    policy: Policy,
    records: HashMap<K, Record>,
}

impl<K: Hash + Eq + Clone> Counter<K> {
    fn new(policy: Policy) -> Self {
        Self { policy, records: HashMap::new() }
    }

    /// The record of `key` as of `now_ms` (none once forgotten).
    fn live(&self, key: &K, now_ms: i64) -> Option<Record> {
        self.records
            .get(key)
            .copied()
            .filter(|r| now_ms.saturating_sub(r.last_failure_ms) < FORGET_AFTER_MS)
    }

    /// How long `key` must still wait, if at all.
    fn wait(&self, key: &K, now_ms: i64) -> Option<i64> {
        self.live(key, now_ms)
            .map(|r| r.blocked_until_ms.saturating_sub(now_ms))
            .filter(|wait| *wait > 0)
    }

    fn fail(&mut self, key: &K, now_ms: i64) {
        let failures = self.live(key, now_ms).map_or(0, |r| r.failures).saturating_add(1);
        let record = Record {
            failures,
            last_failure_ms: now_ms,
            blocked_until_ms: now_ms.saturating_add(self.policy.wait_after(failures)),
        };
        if !self.records.contains_key(key) && self.records.len() >= MAX_RECORDS {
            self.make_room(now_ms);
        }
        self.records.insert(key.clone(), record);
    }

    fn clear(&mut self, key: &K) {
        self.records.remove(key);
    }

    /// Drops forgotten records, then, if still full, the quietest tenth.
    fn make_room(&mut self, now_ms: i64) {
        self.records.retain(|_, r| now_ms.saturating_sub(r.last_failure_ms) < FORGET_AFTER_MS);
        if self.records.len() < MAX_RECORDS {
            return;
        }
        let mut by_age: Vec<(i64, K)> =
            self.records.iter().map(|(k, r)| (r.last_failure_ms, k.clone())).collect();
        by_age.sort_unstable_by_key(|(last, _)| *last);
        for (_, key) in by_age.into_iter().take(MAX_RECORDS / 10) {
            self.records.remove(&key);
        }
    }
}

/// A refused attempt: how long until the next one may be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryAfter {
    /// Milliseconds of the server clock to wait.
    pub ms: i64,
}

/// The login back-off of one server.
#[derive(Debug)]
pub(crate) struct LoginThrottle {
    state: Mutex<(Counter<String>, Counter<IpAddr>)>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(ACCOUNT_POLICY, ADDRESS_POLICY)
    }
}

/// The key of a client address: IPv4 as is (IPv4-mapped IPv6 too), IPv6
/// by its /64, the smallest block one client usually holds.
fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
    }
}

impl LoginThrottle {
    /// A throttle with these policies.
    pub fn new(account: Policy, address: Policy) -> Self {
        Self { state: Mutex::new((Counter::new(account), Counter::new(address))) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Counter<String>, Counter<IpAddr>)> {
        // The maps stay consistent whatever panicked while holding them.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a login for `account` from `address` may be tried now.
    pub fn check(&self, account: &str, address: IpAddr, now_ms: i64) -> Result<(), RetryAfter> {
        let state = self.lock();
        let wait = state
            .0
            .wait(&account.to_owned(), now_ms)
            .into_iter()
            .chain(state.1.wait(&address_key(address), now_ms))
            .max();
        match wait {
            Some(ms) => Err(RetryAfter { ms }),
            None => Ok(()),
        }
    }

    /// Counts a failed login (wrong password or no such account).
    pub fn failed(&self, account: &str, address: IpAddr, now_ms: i64) {
        let mut state = self.lock();
        state.0.fail(&account.to_owned(), now_ms);
        state.1.fail(&address_key(address), now_ms);
    }

    /// Clears the account's failures after a successful login.
    pub fn succeeded(&self, account: &str) {
        self.lock().0.clear(&account.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

    #[test]
    fn waits_double_from_the_allowance_up_to_the_cap() {
        let policy = ACCOUNT_POLICY;
        assert_eq!(policy.wait_after(4), 0);
        assert_eq!(policy.wait_after(5), 1_000);
        assert_eq!(policy.wait_after(6), 2_000);
        assert_eq!(policy.wait_after(10), 32_000);
        assert_eq!(policy.wait_after(40), 15 * 60_000);
        assert_eq!(policy.wait_after(u32::MAX), 15 * 60_000);
    }

    #[test]
    fn accounts_and_addresses_back_off_separately_and_are_forgotten() {
        let throttle = LoginThrottle::default();
        let other = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));
        for _ in 0..5 {
            assert_eq!(throttle.check("alice", HOME, 0), Ok(()));
            throttle.failed("alice", HOME, 0);
        }
        assert_eq!(throttle.check("alice", other, 0), Err(RetryAfter { ms: 1_000 }));
        assert_eq!(throttle.check("bob", HOME, 0), Ok(()), "the address has allowance left");
        assert_eq!(throttle.check("alice", HOME, 1_000), Ok(()));
        throttle.succeeded("alice");
        throttle.failed("alice", HOME, 1_000);
        assert_eq!(throttle.check("alice", HOME, 1_000), Ok(()), "success cleared the count");
        // The address: 14 more failures on other names reach its allowance.
        for i in 0..14 {
            throttle.failed(&format!("u{i}"), HOME, 2_000);
        }
        assert_eq!(throttle.check("carol", HOME, 2_000), Err(RetryAfter { ms: 1_000 }));
        assert_eq!(throttle.check("carol", other, 2_000), Ok(()));
        assert_eq!(throttle.check("carol", HOME, 2_000 + FORGET_AFTER_MS), Ok(()));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a: IpAddr = "2001:db8:1:2:3:4:5:6".parse().expect("v6");
        let b: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("v6");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("v6");
        assert_eq!(address_key(a), address_key(b));
        assert_ne!(address_key(a), address_key(c));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().expect("mapped");
        assert_eq!(address_key(mapped), HOME);
    }

    #[test]
    fn the_maps_stay_bounded() {
        let mut counter = Counter::<u32>::new(ACCOUNT_POLICY);
        let total = u32::try_from(MAX_RECORDS).expect("fits") + 10;
        for key in 0..total {
            counter.fail(&key, i64::from(key));
        }
        assert!(counter.records.len() <= MAX_RECORDS);
        assert!(counter.records.contains_key(&(total - 1)), "the newest stays");
    }
}
