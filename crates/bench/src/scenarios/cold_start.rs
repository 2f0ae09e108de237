//! SDK cold start: an account's local store holding many conversations and
//! messages (filled through the same code that applies sync pages), then
//! `Tim::create` + `login` with the network off + the first
//! `get_conversation_list` answer.

use crate::report::{Goal, RunFigures};
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::message::WireMessage;
use confab_proto::testing::WireMessageSample;
use confab_sdk::transport::{SwitchableTransport, WsTransport};
use confab_sdk::{Tim, TimOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Conversations in the store.
    pub conversations: usize,
    /// Messages in the store (spread evenly over the conversations).
    pub messages: usize,
}

/// The account whose store is measured.
pub const ME: &str = "cold-me";

/// A stored message of conversation `peer`, sequence `seq`.
pub fn wire_message(n: u64, peer: &str, seq: u64, incoming: bool) -> WireMessage {
    let (from, to) = if incoming { (peer, ME) } else { (ME, peer) };
    WireMessageSample::new(from, to)
        .id(format!("{n}-1764115200-{n}"))
        .sequence(seq)
        .time(1_764_115_200 + n as i64)
        .random(n + 1)
        .text(format!("message {seq} with {peer}"))
        .nick("")
        .build()
}

/// Fills the local store under `dir` (once).
pub fn populate(dir: &Path, params: &Params) -> anyhow::Result<()> {
    let importer = confab_sdk::import::Importer::open(dir, crate::process::SDK_APP_ID, ME)?;
    let per = (params.messages / params.conversations.max(1)).max(1) as u64;
    let mut batch = Vec::with_capacity(5000);
    let mut seq_in_inbox = 0u64;
    for c in 0..params.conversations {
        let peer = format!("peer{c}");
        for s in 1..=per {
            seq_in_inbox += 1;
            let message = wire_message(seq_in_inbox, &peer, s, s % 2 == 0);
            batch.push(InboxEntry { seq: seq_in_inbox, event: InboxEvent::Message { message } });
            if batch.len() == batch.capacity() {
                importer.apply(&batch)?;
                batch.clear();
            }
        }
    }
    importer.apply(&batch)?;
    Ok(())
}

/// One run: create, log in offline, first conversation list.
pub async fn run(dir: &Path, params: &Params) -> anyhow::Result<RunFigures> {
    let transport = Arc::new(SwitchableTransport::new(Arc::new(WsTransport)));
    transport.set_offline(true);
    let start = Instant::now();
    let mut options = TimOptions::new(crate::process::SDK_APP_ID, "ws://127.0.0.1:9/ws", dir);
    options.transport = transport;
    let tim = Tim::create(options);
    tim.login(ME, &crate::lean::user_sig(ME)).await?;
    let list = tim.get_conversation_list(None).await?;
    let elapsed = start.elapsed();
    anyhow::ensure!(
        list.conversation_list.len() == params.conversations,
        "every conversation listed"
    );
    let mut figures = RunFigures::default();
    figures.add_bar(
        "create + login + first conversation list",
        elapsed.as_secs_f64() * 1000.0,
        "ms",
        Goal::AtMost,
        400.0,
    );
    tim.destroy().await?;
    Ok(figures)
}
