//! The scenarios. Each takes the server to measure and its sizes, runs
//! once, and returns the figures of that run; `main` repeats and
//! aggregates. Adding a scenario is one more module here and one more arm
//! in `main`.

pub mod cluster;
pub mod cold_start;
pub mod connections;
pub mod durability;
pub mod friends;
pub mod groups;
pub mod history;
pub mod latency;
pub mod local_page;
pub mod logins;
pub mod rest;
pub mod search;
pub mod throughput;
pub mod upload;

use confab_proto::ops::SendMessage;

/// A plain text `sendMessage` request from the lean client.
pub fn text_send(to: &str, random: u64, text: String) -> SendMessage {
    SendMessage::c2c_text(to, random, text)
}

/// A random client message ID below 2^53.
pub fn random_id() -> u64 {
    rand::random::<u64>() & ((1 << 53) - 1) | 1
}
