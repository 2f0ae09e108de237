//! Transport security: which server certificates a client trusts, the one
//! rustls configuration both of its connections use (the WebSocket and the
//! HTTP client of accounts and files), how a refused certificate is told
//! apart from a network flap, and which server URLs deserve a warning.
//!
//! Invariants:
//! - TLS is rustls with the `ring` provider, never OpenSSL. The trusted
//!   roots are the platform's (`rustls-native-certs`, which also honours
//!   `SSL_CERT_FILE`) plus, for self-hosters, a custom CA ([`CustomCa`]).
//! - A [`TlsConfig`] builds its rustls `ClientConfig` at most once, on first
//!   use (a `ws://`/`http://` server never builds one); clones share it, so
//!   one [`crate::Tim`] and the account calls made with the same value use
//!   one configuration.
//! - A TLS failure is classified ([`TlsFailure`]) into a stable Confab code
//!   (`confab_proto::code::TLS_*`), so callers and the UI say "certificate
//!   not trusted" without reading a message.

use crate::TimError;
use confab_proto::code;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::CertificateDer;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A certificate authority to trust besides the platform's roots (a
/// self-hoster's own CA): PEM, one or more `CERTIFICATE` blocks.
#[derive(Clone, PartialEq, Eq)]
pub enum CustomCa {
    /// A PEM file, read when the configuration is first built.
    PemFile(PathBuf),
    /// PEM text.
    Pem(Vec<u8>),
}

impl std::fmt::Debug for CustomCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PemFile(path) => f.debug_tuple("PemFile").field(path).finish(),
            Self::Pem(bytes) => write!(f, "Pem({} bytes)", bytes.len()),
        }
    }
}

/// Which certificates a client trusts, and the rustls configuration built
/// from that (once, on first use; shared by clones).
#[derive(Clone)]
pub struct TlsConfig {
    inner: Arc<TlsInner>,
}

struct TlsInner {
    custom_ca: Option<CustomCa>,
    built: OnceLock<Result<Arc<rustls::ClientConfig>, TimError>>,
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self::platform()
    }
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("custom_ca", &self.inner.custom_ca)
            .field("built", &self.inner.built.get().map(Result::is_ok))
            .finish()
    }
}

impl TlsConfig {
    /// Trusts the platform's roots only.
    pub fn platform() -> Self {
        Self::with_roots(None)
    }

    /// Trusts the platform's roots and `ca`.
    pub fn with_custom_ca(ca: CustomCa) -> Self {
        Self::with_roots(Some(ca))
    }

    fn with_roots(custom_ca: Option<CustomCa>) -> Self {
        Self { inner: Arc::new(TlsInner { custom_ca, built: OnceLock::new() }) }
    }

    /// The custom CA, if any.
    pub fn custom_ca(&self) -> Option<&CustomCa> {
        self.inner.custom_ca.as_ref()
    }

    /// The rustls configuration, built on the first call. Fails with
    /// [`code::TLS_CA_FILE_INVALID`] when the custom CA cannot be read or
    /// holds no usable certificate (and keeps failing the same way).
    pub fn client_config(&self) -> Result<Arc<rustls::ClientConfig>, TimError> {
        self.inner.built.get_or_init(|| build(self.inner.custom_ca.as_ref())).clone()
    }

    /// Checks the custom CA now (reads and parses it): the early error of a
    /// settings screen. Does not load the platform's roots.
    pub fn check_custom_ca(&self) -> Result<(), TimError> {
        match &self.inner.custom_ca {
            Some(ca) => custom_roots(ca).map(drop),
            None => Ok(()),
        }
    }

    /// An HTTP client builder for requests to `url`: over `https://` it
    /// uses this configuration (built now if need be), over `http://` it
    /// needs none.
    pub fn http_client(&self, url: &str) -> Result<reqwest::ClientBuilder, TimError> {
        let builder = reqwest::Client::builder();
        if !is_tls_url(url) {
            return Ok(builder);
        }
        let config = self.client_config()?;
        Ok(builder.use_preconfigured_tls(rustls::ClientConfig::clone(&config)))
    }
}

fn build(custom_ca: Option<&CustomCa>) -> Result<Arc<rustls::ClientConfig>, TimError> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::debug!(%error, "platform root certificates");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "platform root certificates loaded");
    if let Some(ca) = custom_ca {
        for certificate in custom_roots(ca)? {
            roots.add(certificate).map_err(|e| ca_invalid(ca, &e))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TimError::internal(format!("TLS configuration: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// The certificates of a custom CA; at least one.
fn custom_roots(ca: &CustomCa) -> Result<Vec<CertificateDer<'static>>, TimError> {
    let bytes = match ca {
        CustomCa::Pem(bytes) => std::borrow::Cow::Borrowed(bytes.as_slice()),
        CustomCa::PemFile(path) => {
            std::borrow::Cow::Owned(std::fs::read(path).map_err(|e| ca_invalid(ca, &e))?)
        }
    };
    let certificates = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ca_invalid(ca, &e))?;
    if certificates.is_empty() {
        return Err(ca_invalid(ca, &"no PEM CERTIFICATE block"));
    }
    Ok(certificates)
}

fn ca_invalid(ca: &CustomCa, why: &dyn std::fmt::Display) -> TimError {
    let what = match ca {
        CustomCa::PemFile(path) => format!("CA file {}", path.display()),
        CustomCa::Pem(_) => "custom CA".to_owned(),
    };
    TimError::new(code::TLS_CA_FILE_INVALID, format!("{what}: {why}"))
}

/// Why a TLS connection to the server was refused. Each kind has a stable
/// Confab code ([`TlsFailure::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsFailure {
    /// The certificate is not signed by a trusted authority (self-signed,
    /// or a private CA that is neither a platform root nor the custom CA):
    /// [`code::TLS_CERTIFICATE_UNTRUSTED`].
    Untrusted,
    /// The certificate is valid for other host names:
    /// [`code::TLS_CERTIFICATE_WRONG_HOST`].
    WrongHost,
    /// The certificate has expired or is not valid yet:
    /// [`code::TLS_CERTIFICATE_EXPIRED`].
    Expired,
    /// Any other TLS failure (a revoked or malformed certificate, no common
    /// protocol, a server that does not speak TLS):
    /// [`code::TLS_HANDSHAKE_FAILED`].
    Handshake,
}

impl TlsFailure {
    /// The Confab error code.
    pub fn code(self) -> i32 {
        match self {
            Self::Untrusted => code::TLS_CERTIFICATE_UNTRUSTED,
            Self::WrongHost => code::TLS_CERTIFICATE_WRONG_HOST,
            Self::Expired => code::TLS_CERTIFICATE_EXPIRED,
            Self::Handshake => code::TLS_HANDSHAKE_FAILED,
        }
    }

    /// What it means, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Untrusted => "the server's certificate is not trusted",
            Self::WrongHost => "the server's certificate is for another host name",
            Self::Expired => "the server's certificate has expired or is not valid yet",
            Self::Handshake => "the secure connection to the server failed",
        }
    }

    /// The TLS failure somewhere in `error`'s chain of causes (through
    /// `std::io::Error` wrappers too), if there is one.
    pub fn find_in(error: &(dyn std::error::Error + 'static)) -> Option<TlsFailure> {
        let mut current = Some(error);
        while let Some(e) = current {
            if let Some(rustls_error) = e.downcast_ref::<rustls::Error>() {
                return Some(Self::of(rustls_error));
            }
            // `io::Error::source` skips the error it wraps: look inside.
            if let Some(inner) = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
                if let Some(found) = Self::find_in(inner) {
                    return Some(found);
                }
            }
            current = e.source();
        }
        None
    }

    fn of(error: &rustls::Error) -> TlsFailure {
        use rustls::CertificateError as C;
        match error {
            rustls::Error::InvalidCertificate(certificate) => match certificate {
                C::UnknownIssuer => Self::Untrusted,
                C::NotValidForName | C::NotValidForNameContext { .. } => Self::WrongHost,
                C::Expired
                | C::ExpiredContext { .. }
                | C::NotValidYet
                | C::NotValidYetContext { .. } => Self::Expired,
                _ => Self::Handshake,
            },
            _ => Self::Handshake,
        }
    }
}

impl TimError {
    /// A refused TLS connection, with `detail` (the library's words).
    pub fn tls(failure: TlsFailure, detail: impl std::fmt::Display) -> Self {
        Self::new(failure.code(), format!("{}: {detail}", failure.describe()))
    }
}

/// A failed HTTP request to `url`: the TLS code when the certificate or the
/// handshake was refused, else 2800 `NETWORK_ERROR`.
pub fn http_error(url: &str, error: &reqwest::Error) -> TimError {
    match TlsFailure::find_in(error) {
        Some(failure) => TimError::tls(failure, format!("{url}: {error}")),
        None => TimError::network(format!("{url}: {error}")),
    }
}

/// Whether `url` is reached over TLS (`https://` or `wss://`).
pub fn is_tls_url(url: &str) -> bool {
    matches!(scheme_of(url).as_deref(), Some("https" | "wss"))
}

/// Whether `url` is plain `http://` or `ws://` to a host that is not this
/// machine: passwords, UserSigs and messages would cross the network
/// readable by anyone on the way. Loopback (`localhost`, `127.0.0.0/8`,
/// `::1`) is not warned about; neither is anything that is not such a URL.
pub fn is_plain_remote_url(url: &str) -> bool {
    if !matches!(scheme_of(url).as_deref(), Some("http" | "ws")) {
        return false;
    }
    match host_of(url) {
        Some(host) => !is_loopback_host(&host),
        None => false,
    }
}

/// The scheme of `url`, lowercase.
fn scheme_of(url: &str) -> Option<String> {
    let (scheme, _) = url.trim().split_once("://")?;
    Some(scheme.to_ascii_lowercase())
}

/// The host of `url`: without user info, port and IPv6 brackets, lowercase.
fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.trim().split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split_once(']')?.0
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_urls_by_scheme() {
        assert!(is_tls_url("https://chat.example.org"));
        assert!(is_tls_url("wss://chat.example.org/ws"));
        assert!(is_tls_url(" WSS://chat.example.org/ws"));
        assert!(!is_tls_url("http://chat.example.org"));
        assert!(!is_tls_url("ws://127.0.0.1:7788/ws"));
        assert!(!is_tls_url("chat.example.org"));
        assert!(!is_tls_url("ftp://chat.example.org"));
    }

    #[test]
    fn plain_http_is_warned_about_unless_loopback() {
        for url in [
            "http://chat.example.org",
            "ws://chat.example.org/ws",
            "HTTP://Chat.Example.org:80/",
            "http://192.168.1.20:7788",
            "http://10.0.0.1",
            "http://[2001:db8::1]:7788",
            "http://0.0.0.0:7788",
            "http://localhost.example.org",
            "http://127.0.0.1.example.org",
            "http://user@chat.example.org",
            // A loopback name in the user info does not make it local.
            "http://localhost@chat.example.org",
        ] {
            assert!(is_plain_remote_url(url), "{url} should be warned about");
        }
        for url in [
            "http://127.0.0.1:7788",
            "http://127.8.9.10",
            "ws://127.0.0.1:7788/ws",
            "http://localhost:7788/",
            "http://LOCALHOST.",
            "http://[::1]:7788",
            "ws://[::1]/ws",
            "https://chat.example.org",
            "wss://chat.example.org/ws",
            "https://192.168.1.20",
            "",
            "not a url",
            "http://",
        ] {
            assert!(!is_plain_remote_url(url), "{url} should not be warned about");
        }
    }

    #[test]
    fn failures_have_stable_codes() {
        assert_eq!(TlsFailure::Untrusted.code(), code::TLS_CERTIFICATE_UNTRUSTED);
        assert_eq!(TlsFailure::WrongHost.code(), code::TLS_CERTIFICATE_WRONG_HOST);
        assert_eq!(TlsFailure::Expired.code(), code::TLS_CERTIFICATE_EXPIRED);
        assert_eq!(TlsFailure::Handshake.code(), code::TLS_HANDSHAKE_FAILED);
        let e = TimError::tls(TlsFailure::WrongHost, "detail");
        assert_eq!(e.code, code::TLS_CERTIFICATE_WRONG_HOST);
        assert!(e.message.contains("another host name") && e.message.contains("detail"));
    }

    #[test]
    fn failures_are_found_through_io_wrappers() {
        use rustls::CertificateError;
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, unknown);
        assert_eq!(TlsFailure::find_in(&wrapped), Some(TlsFailure::Untrusted));
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert_eq!(TlsFailure::find_in(&name), Some(TlsFailure::WrongHost));
        let expired = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(TlsFailure::find_in(&expired), Some(TlsFailure::Expired));
        let other = rustls::Error::InvalidCertificate(CertificateError::Revoked);
        assert_eq!(TlsFailure::find_in(&other), Some(TlsFailure::Handshake));
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(TlsFailure::find_in(&plain), None);
    }

    #[test]
    fn a_bad_custom_ca_is_refused_with_its_code() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = TlsConfig::with_custom_ca(CustomCa::PemFile(dir.path().join("none.pem")));
        assert_eq!(missing.check_custom_ca().map_err(|e| e.code), Err(code::TLS_CA_FILE_INVALID));
        assert_eq!(
            missing.client_config().map(drop).map_err(|e| e.code),
            Err(code::TLS_CA_FILE_INVALID)
        );
        let garbage = TlsConfig::with_custom_ca(CustomCa::Pem(b"not a certificate".to_vec()));
        assert_eq!(garbage.check_custom_ca().map_err(|e| e.code), Err(code::TLS_CA_FILE_INVALID));
        let key_only = TlsConfig::with_custom_ca(CustomCa::Pem(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_vec(),
        ));
        assert_eq!(key_only.check_custom_ca().map_err(|e| e.code), Err(code::TLS_CA_FILE_INVALID));
        // Plain URLs never need the configuration.
        assert!(missing.http_client("http://127.0.0.1:9").is_ok());
        assert_eq!(
            missing.http_client("https://127.0.0.1:9").map(drop).map_err(|e| e.code),
            Err(code::TLS_CA_FILE_INVALID)
        );
    }
}
