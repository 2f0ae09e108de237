//! SDK local search: `search_local_messages` over an account's local store
//! of many messages (filled through the same code that applies sync
//! pages, so through the index's triggers), with the network off.
//!
//! The text is made to have the shape of chat: English messages of words
//! drawn by Zipf's law from a vocabulary of made-up words (a few very
//! common, most rare), Chinese messages of two-character words drawn the
//! same way with no spaces between them, and some of both. The queries
//! cover the range: a very common word, a middling and a rare one, an
//! English prefix, two words together, a Chinese word, a single Chinese
//! character and a four-character Chinese phrase. Each is timed across
//! every conversation and inside one conversation (its first page).

use crate::report::{Goal, RunFigures};
use confab_proto::inbox::{InboxEntry, InboxEvent};
use confab_proto::testing::WireMessageSample;
use confab_sdk::transport::{SwitchableTransport, WsTransport};
use confab_sdk::{SearchLocalMessagesOptions, Tim, TimOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sizes.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Params {
    /// Conversations in the store.
    pub conversations: usize,
    /// Messages in the store (spread evenly over the conversations).
    pub messages: usize,
    /// Times each query is run per run.
    pub repeats: usize,
}

/// The account whose store is searched.
pub const ME: &str = "search-me";

/// English syllables; words are two or three of them.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "we", "za", "bri", "cho", "dan", "fel", "gor",
    "hin", "jas", "kel", "lum", "mor", "nix", "pol", "quo", "ras", "sen", "tar", "ul", "ven",
    "wix", "yor", "ba", "de", "fi", "go", "hu", "je", "ki", "ma", "no", "pe",
];

/// Common Chinese characters; words are two of them.
const HANZI: &str = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持音跑投注客";

/// A small deterministic generator (xorshift64*), so every store is the
/// same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(1).max(1)).unwrap_or(0)
    }
}

/// Ranks drawn by Zipf's law (weight 1/rank).
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Self { cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.cumulative.partition_point(|c| *c < x)
    }
}

/// English word of rank `r` (0 = most common), made of syllables.
fn english_word(r: usize) -> String {
    let n = SYLLABLES.len();
    let (a, b, c) = (r % n, (r / n) % n, r / (n * n));
    if c == 0 {
        format!("{}{}", SYLLABLES[a], SYLLABLES[(b + a + 1) % n])
    } else {
        format!("{}{}{}", SYLLABLES[a], SYLLABLES[b], SYLLABLES[c % n])
    }
}

/// Chinese word of rank `r`: two characters.
fn chinese_word(hanzi: &[char], r: usize) -> String {
    let n = hanzi.len();
    [hanzi[r % n], hanzi[(r / n + r * 7 + 1) % n]].iter().collect()
}

/// The vocabularies and the generator of message texts.
struct Corpus {
    hanzi: Vec<char>,
    english: Zipf,
    chinese: Zipf,
}

/// Distinct English words.
const ENGLISH_WORDS: usize = 20_000;
/// Distinct Chinese words.
const CHINESE_WORDS: usize = 8_000;

impl Corpus {
    fn new() -> Self {
        Self {
            hanzi: HANZI.chars().collect(),
            english: Zipf::new(ENGLISH_WORDS),
            chinese: Zipf::new(CHINESE_WORDS),
        }
    }

    fn english(&self, rng: &mut Rng) -> String {
        let words = 4 + rng.below(12);
        (0..words).map(|_| english_word(self.english.draw(rng))).collect::<Vec<_>>().join(" ")
    }

    fn chinese(&self, rng: &mut Rng) -> String {
        let words = 3 + rng.below(8);
        let mut text: String =
            (0..words).map(|_| chinese_word(&self.hanzi, self.chinese.draw(rng))).collect();
        if rng.below(3) == 0 {
            text.push('。');
        }
        text
    }

    /// A message: 55% English, 35% Chinese, 10% both.
    fn message(&self, rng: &mut Rng) -> String {
        match rng.below(20) {
            0..=10 => self.english(rng),
            11..=17 => self.chinese(rng),
            _ => format!("{} {}", self.english(rng), self.chinese(rng)),
        }
    }
}

/// Fills the local store under `dir` (once); its messages per second.
pub fn populate(dir: &Path, params: &Params) -> anyhow::Result<f64> {
    let started = Instant::now();
    let importer = confab_sdk::import::Importer::open(dir, crate::process::SDK_APP_ID, ME)?;
    let corpus = Corpus::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let per = (params.messages / params.conversations.max(1)).max(1) as u64;
    let mut batch = Vec::with_capacity(5000);
    let mut n = 0u64;
    for c in 0..params.conversations {
        let peer = format!("peer{c}");
        for s in 1..=per {
            n += 1;
            let incoming = s % 2 == 0;
            let (from, to) = if incoming { (peer.as_str(), ME) } else { (ME, peer.as_str()) };
            let message = WireMessageSample::new(from, to)
                .id(format!("{n}-1764115200-{n}"))
                .sequence(s)
                .time(1_764_115_200 + n as i64)
                .random(n + 1)
                .text(corpus.message(&mut rng))
                .nick("")
                .build();
            batch.push(InboxEntry { seq: n, event: InboxEvent::Message { message } });
            if batch.len() == batch.capacity() {
                importer.apply(&batch)?;
                batch.clear();
            }
        }
    }
    importer.apply(&batch)?;
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// Bytes of every file under `dir`.
fn bytes_under(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => bytes_under(&e.path()),
            Ok(_) => e.metadata().map_or(0, |m| m.len()),
            Err(_) => 0,
        })
        .sum()
}

/// The queries timed: a name and the keywords.
fn queries() -> Vec<(&'static str, Vec<String>)> {
    let hanzi: Vec<char> = HANZI.chars().collect();
    let common = english_word(2);
    vec![
        ("a very common word (rank 3)", vec![common]),
        ("a middling word (rank 300)", vec![english_word(299)]),
        ("a rare word (rank 15,000)", vec![english_word(14_999)]),
        ("an English prefix (3 letters)", vec![english_word(40).chars().take(3).collect()]),
        ("two words together", vec![english_word(19), english_word(49)]),
        ("a Chinese word (rank 20)", vec![chinese_word(&hanzi, 19)]),
        ("a single Chinese character", vec![hanzi[5].to_string()]),
        (
            "a Chinese phrase (4 characters)",
            vec![format!("{}{}", chinese_word(&hanzi, 0), chinese_word(&hanzi, 1))],
        ),
    ]
}

/// One run against the store [`populate`] filled (at `fill_rate`
/// messages a second). Every run reports the same figures in the same
/// order (the report lines them up by position).
pub async fn run(dir: &Path, params: &Params, fill_rate: f64) -> anyhow::Result<RunFigures> {
    let transport = Arc::new(SwitchableTransport::new(Arc::new(WsTransport)));
    transport.set_offline(true);
    let mut options = TimOptions::new(crate::process::SDK_APP_ID, "ws://127.0.0.1:9/ws", dir);
    options.transport = transport;
    let tim = Tim::create(options);
    tim.login(ME, &crate::lean::user_sig(ME)).await?;
    let mut figures = RunFigures::default();
    figures.add("store filled and indexed", fill_rate, "messages/s");
    figures.add("store on disk (messages and index)", bytes_under(dir) as f64 / 1e6, "MB");
    let mut all: Vec<Duration> = Vec::new();
    let mut worst = 0.0_f64;
    for (name, keywords) in queries() {
        let mut across = Vec::with_capacity(params.repeats);
        let mut inside = Vec::with_capacity(params.repeats);
        let mut found = 0;
        for i in 0..params.repeats {
            let t = Instant::now();
            let result = tim.search_local_messages(SearchLocalMessagesOptions {
                keyword_list: keywords.clone(),
                ..Default::default()
            })?;
            across.push(t.elapsed());
            found = result.total_count;
            let Some(item) =
                result.search_result_list.get(i % result.search_result_list.len().max(1))
            else {
                continue;
            };
            let t = Instant::now();
            let page = tim.search_local_messages(SearchLocalMessagesOptions {
                keyword_list: keywords.clone(),
                conversation_id: Some(item.conversation_id.clone()),
                ..Default::default()
            })?;
            inside.push(t.elapsed());
            anyhow::ensure!(page.total_count == item.message_count, "{name}: the same count");
        }
        let p = crate::stats::percentiles(&mut across);
        figures.add(&format!("{name}: messages found"), found as f64, "messages");
        figures.add(&format!("{name}: every conversation, median"), p.p50_ms, "ms");
        worst = worst.max(p.p50_ms);
        all.extend(across);
        // No match, no conversation to search in: 0.
        let inside_ms =
            if inside.is_empty() { 0.0 } else { crate::stats::percentiles(&mut inside).p50_ms };
        figures.add(&format!("{name}: one conversation, median"), inside_ms, "ms");
    }
    let p = crate::stats::percentiles(&mut all);
    figures.add_bar(
        "search every conversation, median of all queries",
        p.p50_ms,
        "ms",
        Goal::AtMost,
        50.0,
    );
    figures.add_bar(
        "search every conversation, slowest query's median",
        worst,
        "ms",
        Goal::AtMost,
        50.0,
    );
    figures.add("search every conversation, p99 of all queries", p.p99_ms, "ms");
    tim.destroy().await?;
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_deterministic_and_has_both_scripts() {
        let corpus = Corpus::new();
        let texts = |seed| {
            let mut rng = Rng(seed);
            (0..200).map(|_| corpus.message(&mut rng)).collect::<Vec<_>>()
        };
        let a = texts(7);
        assert_eq!(a, texts(7));
        assert!(a.iter().any(|t| t.is_ascii()));
        assert!(a.iter().any(|t| t.chars().any(|c| u32::from(c) >= 0x4E00)));
        assert_eq!(english_word(0), "kalo");
        assert_ne!(english_word(2), english_word(2 + SYLLABLES.len() * SYLLABLES.len()));
    }
}
