//! The profanity filter: a word list compiled once at startup into an
//! Aho–Corasick automaton, applied to the text of text messages on send and
//! on modify (other element types, and `cloudCustomData`, are not looked
//! at). Matching is case-insensitive for every script that has case: the
//! words and the text are compared in their lowercase forms, and a match is
//! mapped back to the characters of the original text, so masking replaces
//! exactly the matched characters with `*`.
//!
//! A message sent with `messageControlInfo.excludedFromContentModeration`
//! skips the filter only when the server allows it
//! (`allow_moderation_exclusion`); otherwise the flag is ignored.

use crate::config::{Config, ModerationMode};
use aho_corasick::AhoCorasick;
use confab_proto::message::MessageElement;
use confab_proto::{code, ErrorBody};
use std::path::Path;

/// Why a word list cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// The words file could not be read.
    #[error("cannot read moderation words file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The automaton could not be built (too large).
    #[error("cannot build the moderation word matcher: {0}")]
    Build(#[from] aho_corasick::BuildError),
}

/// The compiled filter; `None` inside when no words are configured.
#[derive(Debug)]
pub struct Moderator {
    matcher: Option<AhoCorasick>,
    mode: ModerationMode,
}

impl Moderator {
    /// A filter that lets everything through.
    pub fn off() -> Self {
        Self { matcher: None, mode: ModerationMode::Block }
    }

    /// Compiles `words` (empty ones ignored).
    pub fn new<S: AsRef<str>>(words: &[S], mode: ModerationMode) -> Result<Self, ModerationError> {
        let lowered: Vec<String> =
            words.iter().map(|w| lowercase(w.as_ref().trim())).filter(|w| !w.is_empty()).collect();
        if lowered.is_empty() {
            return Ok(Self { matcher: None, mode });
        }
        Ok(Self { matcher: Some(AhoCorasick::new(&lowered)?), mode })
    }

    /// The filter of a configuration: `moderation_words` plus the lines of
    /// `moderation_words_file`. Blocks on file I/O.
    pub fn from_config(config: &Config) -> Result<Self, ModerationError> {
        let mut words = config.moderation_words.clone();
        if let Some(path) = &config.moderation_words_file {
            words.extend(read_words(path)?);
        }
        Self::new(&words, config.moderation_mode)
    }

    /// Whether any word is configured.
    pub fn is_active(&self) -> bool {
        self.matcher.is_some()
    }

    /// Applies the filter to an element: block mode refuses a text with a
    /// match (80001), mask mode rewrites the matched characters to `*`.
    pub fn apply(&self, element: &mut MessageElement) -> Result<(), ErrorBody> {
        let (Some(matcher), MessageElement::Text(text)) = (&self.matcher, element) else {
            return Ok(());
        };
        match self.mode {
            ModerationMode::Block => {
                if matcher.is_match(&lowercase(&text.text)) {
                    return Err(ErrorBody::new(
                        code::ERR_SVR_COMM_SENSITIVE_TEXT,
                        "the text contains a word that is not allowed",
                    ));
                }
            }
            ModerationMode::Mask => {
                if let Some(masked) = mask(matcher, &text.text) {
                    text.text = masked;
                }
            }
        }
        Ok(())
    }
}

fn read_words(path: &Path) -> Result<Vec<String>, ModerationError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| ModerationError::Read { path: path.display().to_string(), source })?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

fn lowercase(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// `text` with every character covered by a match replaced by `*`, or
/// `None` when nothing matches.
fn mask(matcher: &AhoCorasick, text: &str) -> Option<String> {
    // The lowercase text, and for each of its bytes the index of the
    // original character it came from (lowercasing may change lengths).
    let mut lowered = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        for l in c.to_lowercase() {
            lowered.push(l);
            origin.extend(std::iter::repeat_n(index, l.len_utf8()));
        }
    }
    let mut hit = vec![false; text.chars().count()];
    let mut any = false;
    for m in matcher.find_overlapping_iter(&lowered) {
        if m.is_empty() {
            continue;
        }
        any = true;
        for flag in &mut hit[origin[m.start()]..=origin[m.end() - 1]] {
            *flag = true;
        }
    }
    any.then(|| text.chars().zip(hit).map(|(c, h)| if h { '*' } else { c }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use confab_proto::message::{CustomPayload, TextPayload};

    fn text(s: &str) -> MessageElement {
        MessageElement::Text(TextPayload { text: s.into() })
    }

    fn masked(m: &Moderator, s: &str) -> String {
        let mut e = text(s);
        m.apply(&mut e).expect("mask mode never refuses");
        match e {
            MessageElement::Text(t) => t.text,
            _ => unreachable!("still a text"),
        }
    }

    #[test]
    fn block_mode_refuses_case_insensitively_and_ignores_other_types() {
        let m = Moderator::new(&["darn", "Heck"], ModerationMode::Block).expect("build");
        assert!(m.is_active());
        let code_of = |s: &str| m.apply(&mut text(s)).err().map(|e| e.code);
        assert_eq!(code_of("well DARN it"), Some(code::ERR_SVR_COMM_SENSITIVE_TEXT));
        assert_eq!(code_of("what the hEcK"), Some(code::ERR_SVR_COMM_SENSITIVE_TEXT));
        assert_eq!(code_of("all fine"), None);
        let mut custom =
            MessageElement::Custom(CustomPayload { data: "darn".into(), ..Default::default() });
        assert!(m.apply(&mut custom).is_ok());
        assert!(!Moderator::off().is_active());
        assert!(!Moderator::new(&["", "  "], ModerationMode::Block).expect("build").is_active());
    }

    #[test]
    fn mask_mode_replaces_exactly_the_matched_characters() {
        let m = Moderator::new(&["darn", "ab", "bc", "ÄRGER", "坏蛋"], ModerationMode::Mask)
            .expect("build");
        assert_eq!(masked(&m, "oh Darn!"), "oh ****!");
        // Overlapping matches are all masked.
        assert_eq!(masked(&m, "xabcx"), "x***x");
        // Non-ASCII case folding and multi-byte characters.
        assert_eq!(masked(&m, "so ärger"), "so *****");
        assert_eq!(masked(&m, "你是坏蛋吗"), "你是**吗");
        // 'İ' lowercases to two characters; positions still map back.
        assert_eq!(masked(&m, "İ darn İ"), "İ **** İ");
        assert_eq!(masked(&m, "clean"), "clean");
    }

    #[test]
    fn a_long_list_is_matched_correctly() {
        let words: Vec<String> = (0..10_000).map(|i| format!("bad{i:05}word")).collect();
        let block = Moderator::new(&words, ModerationMode::Block).expect("build");
        let mask_mode = Moderator::new(&words, ModerationMode::Mask).expect("build");
        for i in [0, 1, 4_999, 9_999] {
            let sentence = format!("say BAD{i:05}WORD now");
            assert_eq!(
                block.apply(&mut text(&sentence)).err().map(|e| e.code),
                Some(code::ERR_SVR_COMM_SENSITIVE_TEXT),
                "{sentence}"
            );
            assert_eq!(masked(&mask_mode, &sentence), format!("say {} now", "*".repeat(12)));
        }
        assert!(block.apply(&mut text("bad10000word bad0000word")).is_ok());
    }

    #[test]
    fn words_file_lines_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("words.txt");
        std::fs::write(&path, "# comment\n\nfoo\n  bar  \n").expect("write");
        let config = Config {
            moderation_words: vec!["baz".into()],
            moderation_words_file: Some(path),
            moderation_mode: ModerationMode::Mask,
            ..Config::default()
        };
        let m = Moderator::from_config(&config).expect("load");
        assert_eq!(masked(&m, "foo bar baz # comment"), "*** *** *** # comment");
        let missing =
            Config { moderation_words_file: Some(dir.path().join("nope")), ..Config::default() };
        assert!(Moderator::from_config(&missing).is_err());
    }
}
