//! Translation for `translateText`: a client of a LibreTranslate-compatible
//! HTTP server named in the configuration (`translate_url`), which is what
//! self-hosters run. The server owns the provider so that no client needs a
//! key or a route to it.
//!
//! The request is LibreTranslate's `POST <url>/translate` with a JSON body
//! `{q: [texts], source, target, format: "text", api_key?}`; the answer is
//! `{translatedText: [texts]}` in the same order. Anything else — no
//! provider configured, a refused request, a timeout, an answer of the
//! wrong shape or length — is a [`TranslateError`], which the handler turns
//! into 2117 (`TRANSLATE_TEXT_FAIL`) with the reason in the message.

use crate::config::Config;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// Why a translation failed.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// No `translate_url` is configured.
    #[error("no translation provider is configured on this server (translate_url)")]
    NotConfigured,
    /// The provider could not be reached or did not answer in time.
    #[error("the translation provider could not be reached: {0}")]
    Unreachable(String),
    /// The provider refused the request.
    #[error("the translation provider refused the request ({status}): {reason}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The provider's `error`, or the status text.
        reason: String,
    },
    /// The provider's answer is not a translation of every text.
    #[error("the translation provider gave an unusable answer: {0}")]
    BadAnswer(String),
}

/// The configured provider.
#[derive(Debug)]
pub struct Translator {
    client: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
}

#[derive(Serialize)]
struct Request<'a> {
    q: &'a [String],
    source: &'a str,
    target: &'a str,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    api_key: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    translated_text: serde_json::Value,
}

#[derive(Deserialize)]
struct Refusal {
    error: String,
}

/// An HTTP client for an outside service (a translation provider, a
/// callback receiver): rustls with the platform's roots, and `timeout` for
/// each whole request.
pub(crate) fn https_client(timeout: Duration) -> Result<reqwest::Client, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "root certificates for an outside service");
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())
}

impl Translator {
    /// The provider of `config`; `None` when `translate_url` is unset.
    ///
    /// # Errors
    /// The HTTP client cannot be built (its TLS configuration).
    pub fn from_config(config: &Config) -> Result<Option<Arc<Self>>, TranslateError> {
        let Some(url) = &config.translate_url else { return Ok(None) };
        let client = https_client(Duration::from_millis(config.translate_timeout_ms))
            .map_err(TranslateError::Unreachable)?;
        Ok(Some(Arc::new(Self {
            client,
            endpoint: format!("{}/translate", url.trim_end_matches('/')),
            api_key: config.translate_api_key.clone(),
        })))
    }

    /// Translates `texts` from `source` (`auto`: detect) to `target`: one
    /// translation per text, in order.
    ///
    /// # Errors
    /// See [`TranslateError`].
    pub async fn translate(
        &self,
        texts: &[String],
        source: &str,
        target: &str,
    ) -> Result<Vec<String>, TranslateError> {
        let body =
            Request { q: texts, source, target, format: "text", api_key: self.api_key.as_deref() };
        let response = self
            .client
            .post(&self.endpoint)
            .json(&body)
            .send()
            .await
            .map_err(|e| TranslateError::Unreachable(e.to_string()))?;
        let status = response.status();
        let bytes =
            response.bytes().await.map_err(|e| TranslateError::Unreachable(e.to_string()))?;
        if !status.is_success() {
            let reason = serde_json::from_slice::<Refusal>(&bytes)
                .map(|r| r.error)
                .unwrap_or_else(|_| status.canonical_reason().unwrap_or("error").to_owned());
            return Err(TranslateError::Refused { status: status.as_u16(), reason });
        }
        let answer: Answer = serde_json::from_slice(&bytes)
            .map_err(|e| TranslateError::BadAnswer(format!("not a translation: {e}")))?;
        translations(answer.translated_text, texts.len())
    }
}

/// The texts of `translatedText`: an array as long as the request's (a
/// single string when one text was sent, as some providers answer).
fn translations(value: serde_json::Value, expected: usize) -> Result<Vec<String>, TranslateError> {
    let list = match value {
        serde_json::Value::String(one) if expected == 1 => vec![one],
        serde_json::Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                serde_json::Value::String(text) => Ok(text),
                other => Err(TranslateError::BadAnswer(format!("{other} is not a text"))),
            })
            .collect::<Result<Vec<_>, _>>()?,
        other => return Err(TranslateError::BadAnswer(format!("translatedText is {other}"))),
    };
    if list.len() != expected {
        return Err(TranslateError::BadAnswer(format!(
            "{} translations for {expected} texts",
            list.len()
        )));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_answer_has_one_translation_per_text() {
        assert_eq!(translations(json!(["a", "b"]), 2).expect("two"), ["a", "b"]);
        assert_eq!(translations(json!("a"), 1).expect("one string"), ["a"]);
        assert!(matches!(translations(json!(["a"]), 2), Err(TranslateError::BadAnswer(_))));
        assert!(matches!(translations(json!("a"), 2), Err(TranslateError::BadAnswer(_))));
        assert!(matches!(translations(json!([1]), 1), Err(TranslateError::BadAnswer(_))));
        assert!(matches!(translations(json!(null), 1), Err(TranslateError::BadAnswer(_))));
    }

    #[test]
    fn no_url_means_no_provider() {
        assert!(Translator::from_config(&Config::default()).expect("no client").is_none());
    }
}
