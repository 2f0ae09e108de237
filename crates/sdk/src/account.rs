//! Accounts over HTTP: registration and password login against a
//! `confabd`, each handing out a fresh UserSig for [`crate::Tim::login`].
//!
//! `http_base_url` is the server's HTTP root, e.g. `http://127.0.0.1:PORT`
//! or `https://chat.example.org`. Over `https://` the `*_with` forms trust
//! what a [`TlsConfig`] trusts (pass the one given to [`crate::TimOptions`]);
//! the plain forms trust the platform's roots. A refused certificate fails
//! with its `TLS_*` code.

use crate::tls::TlsConfig;
use crate::TimError;
use confab_proto::account::{Credentials, Grant, LOGIN_PATH, REGISTER_PATH};
use confab_proto::{ErrorBody, UserId};

/// `POST /api/register`: creates an account and returns its first grant.
pub async fn register(
    http_base_url: &str,
    user_id: &str,
    password: &str,
) -> Result<Grant, TimError> {
    register_with(&TlsConfig::platform(), http_base_url, user_id, password).await
}

/// [`register`] trusting what `tls` trusts.
pub async fn register_with(
    tls: &TlsConfig,
    http_base_url: &str,
    user_id: &str,
    password: &str,
) -> Result<Grant, TimError> {
    call(tls, http_base_url, REGISTER_PATH, user_id, password).await
}

/// `POST /api/login`: checks the password and returns a fresh grant.
pub async fn login(http_base_url: &str, user_id: &str, password: &str) -> Result<Grant, TimError> {
    login_with(&TlsConfig::platform(), http_base_url, user_id, password).await
}

/// [`login`] trusting what `tls` trusts.
pub async fn login_with(
    tls: &TlsConfig,
    http_base_url: &str,
    user_id: &str,
    password: &str,
) -> Result<Grant, TimError> {
    call(tls, http_base_url, LOGIN_PATH, user_id, password).await
}

async fn call(
    tls: &TlsConfig,
    base: &str,
    path: &str,
    user_id: &str,
    password: &str,
) -> Result<Grant, TimError> {
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let body = Credentials { user_id: UserId::new(user_id), password: password.to_owned() };
    let client = tls
        .http_client(&url)?
        .build()
        .map_err(|e| TimError::internal(format!("http client: {e}")))?;
    let response =
        client.post(&url).json(&body).send().await.map_err(|e| crate::tls::http_error(&url, &e))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| TimError::network(format!("{url}: {e}")))?;
    if status.is_success() {
        serde_json::from_slice::<Grant>(&bytes)
            .map_err(|e| TimError::internal(format!("{url}: unreadable grant: {e}")))
    } else {
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(error) => Err(error.into()),
            Err(_) => Err(TimError::network(format!("{url}: HTTP {status}"))),
        }
    }
}
