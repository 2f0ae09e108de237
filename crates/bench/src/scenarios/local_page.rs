//! SDK local page: `get_message_list` pages served from the local store
//! (the cold-start store), at random points of random conversations.

use crate::report::{Goal, RunFigures};
use confab_sdk::transport::{SwitchableTransport, WsTransport};
use confab_sdk::{GetMessageListOptions, Tim, TimOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Pages per run.
    pub pages: usize,
}

/// One run against the store `cold_start::populate` filled.
pub async fn run(
    dir: &Path,
    store: &super::cold_start::Params,
    params: &Params,
) -> anyhow::Result<RunFigures> {
    let transport = Arc::new(SwitchableTransport::new(Arc::new(WsTransport)));
    transport.set_offline(true);
    let mut options = TimOptions::new(crate::process::SDK_APP_ID, "ws://127.0.0.1:9/ws", dir);
    options.transport = transport;
    let tim = Tim::create(options);
    tim.login(super::cold_start::ME, &crate::lean::user_sig(super::cold_start::ME)).await?;
    let per = (store.messages / store.conversations.max(1)).max(1);
    let mut samples: Vec<Duration> = Vec::with_capacity(params.pages);
    for _ in 0..params.pages {
        let c = rand::random_range(0..store.conversations);
        let conversation_id = format!("C2Cpeer{c}");
        // The newest page, then one page further back from its oldest.
        let t = Instant::now();
        let first = tim
            .get_message_list(GetMessageListOptions {
                conversation_id: conversation_id.clone(),
                next_req_message_id: None,
            })
            .await?;
        samples.push(t.elapsed());
        if per > 15 && !first.is_completed {
            let t = Instant::now();
            let older = tim
                .get_message_list(GetMessageListOptions {
                    conversation_id,
                    next_req_message_id: Some(first.next_req_message_id.clone()),
                })
                .await?;
            samples.push(t.elapsed());
            anyhow::ensure!(!older.message_list.is_empty(), "an older page");
        }
    }
    let p = crate::stats::percentiles(&mut samples);
    let mut figures = RunFigures::default();
    figures.add_bar("local page of 15, median", p.p50_ms, "ms", Goal::AtMost, 1.0);
    figures.add("local page of 15, p99", p.p99_ms, "ms");
    tim.destroy().await?;
    Ok(figures)
}
