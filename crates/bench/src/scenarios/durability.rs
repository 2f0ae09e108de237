//! Crash durability: pipelined sends to a real `confabd`, `kill -9` as
//! soon as half are acknowledged, restart on the same data directory, and
//! look for every acknowledged message.

use crate::lean::Lean;
use crate::process::Confabd;
use crate::report::{Goal, RunFigures};
use confab_proto::frame::ServerFrame;
use confab_proto::ops::{GetMessageList, SendMessageResponse};
use std::collections::HashSet;
use std::path::Path;

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Messages attempted per run; the kill comes after half are acknowledged.
    pub messages: usize,
}

/// One run on a fresh data directory.
pub async fn run(binary: &Path, dir: &Path, params: &Params) -> anyhow::Result<RunFigures> {
    let server = Confabd::start(binary, dir, &[]).await?;
    // Bob must exist; his live session is not needed while alice sends.
    drop(Lean::login(server.addr, None, "dur-bob").await?);
    let (mut alice, _) = Lean::login(server.addr, None, "dur-alice").await?;
    let threshold = params.messages / 2;
    let mut acked: HashSet<String> = HashSet::new();
    let mut sent = 0usize;
    while acked.len() < threshold {
        let mut fed = false;
        while sent < params.messages && sent - acked.len() < 256 {
            alice
                .feed(&super::text_send("dur-bob", super::random_id(), format!("durable {sent}")))
                .await?;
            sent += 1;
            fed = true;
        }
        if fed {
            alice.flush().await?;
        }
        if let ServerFrame::Ok { data, .. } = alice.next().await? {
            let response: SendMessageResponse = serde_json::from_value(data)?;
            acked.insert(response.message.id.0);
        }
    }
    let in_flight = sent - acked.len();
    server.kill9().await?;
    drop(alice);

    let server = Confabd::start(binary, dir, &[]).await?;
    let (mut bob, _) = Lean::login(server.addr, None, "dur-bob").await?;
    let mut stored: HashSet<String> = HashSet::new();
    let mut before = None;
    loop {
        let page = bob
            .call(&GetMessageList {
                conversation_id: "C2Cdur-alice".into(),
                before_sequence: before,
                count: 100,
            })
            .await?;
        before = page.messages.first().map(|m| m.sequence);
        stored.extend(page.messages.into_iter().map(|m| m.id.0));
        if page.is_completed || before.is_none() {
            break;
        }
    }
    server.stop().await?;
    let found = acked.iter().filter(|id| stored.contains(*id)).count();
    let mut figures = RunFigures::default();
    figures.add("acknowledged before kill -9", acked.len() as f64, "msgs");
    figures.add("in flight at kill -9", in_flight as f64, "msgs");
    figures.add_bar(
        "acknowledged found after restart",
        100.0 * found as f64 / acked.len().max(1) as f64,
        "%",
        Goal::AtLeast,
        100.0,
    );
    Ok(figures)
}
