//! TLS for scenario tests: a certificate authority made on the fly
//! ([`TestCa`], rcgen), server certificates it issues ([`ServerCert`]), and
//! a TLS-terminating reverse proxy ([`TlsProxy`], tokio-rustls) in front of
//! a real server — the deployment shape "confabd behind a TLS proxy".
//!
//! The same CA and certificates serve a server that speaks TLS itself:
//! [`ServerCert::write_pem`] writes the certificate chain and key files
//! its configuration names, and [`tls_options`] makes SDK options that
//! trust the CA for any `wss://` URL.

use crate::AbortOnDrop;
use confab_sdk::{CustomCa, TimOptions, TlsConfig};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A certificate authority for one test.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

/// A server certificate (with its key) issued by a [`TestCa`].
pub struct ServerCert {
    /// The certificate, PEM.
    pub cert_pem: String,
    /// Its private key, PEM (PKCS#8).
    pub key_pem: String,
    der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl TestCa {
    /// A new CA named `name` (its own key, valid for centuries).
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let key = KeyPair::generate().expect("CA key");
        let certificate = params.self_signed(&key).expect("CA certificate");
        let pem = certificate.pem();
        Self { issuer: Issuer::new(params, key), pem }
    }

    /// The CA certificate, PEM (what a client adds to its roots).
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Writes the CA certificate to `<dir>/<file>` and returns the path.
    pub fn write_pem(&self, dir: &Path, file: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(&path, &self.pem).expect("write the CA certificate");
        path
    }

    /// A server certificate for `names` (DNS names, or IP addresses such as
    /// `127.0.0.1`), valid now.
    pub fn issue(&self, names: &[&str]) -> ServerCert {
        self.issue_with(names, |_| {})
    }

    /// A server certificate for `names` that expired in 2001.
    pub fn issue_expired(&self, names: &[&str]) -> ServerCert {
        self.issue_with(names, |params| {
            params.not_before = rcgen::date_time_ymd(2000, 1, 1);
            params.not_after = rcgen::date_time_ymd(2001, 1, 1);
        })
    }

    fn issue_with(
        &self,
        names: &[&str],
        adjust: impl FnOnce(&mut CertificateParams),
    ) -> ServerCert {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("server certificate names");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "confabd test server");
        params.distinguished_name = dn;
        params.is_ca = IsCa::NoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        adjust(&mut params);
        let key = KeyPair::generate().expect("server key");
        let certificate = params.signed_by(&key, &self.issuer).expect("server certificate");
        ServerCert {
            cert_pem: certificate.pem(),
            key_pem: key.serialize_pem(),
            der: certificate.der().clone(),
            key_der: key.serialize_der(),
        }
    }
}

impl ServerCert {
    /// Writes `<dir>/server.crt` and `<dir>/server.key` (PEM) and returns
    /// their paths, for a server configured with certificate and key files.
    pub fn write_pem(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let cert = dir.join("server.crt");
        let key = dir.join("server.key");
        std::fs::write(&cert, &self.cert_pem).expect("write the server certificate");
        std::fs::write(&key, &self.key_pem).expect("write the server key");
        (cert, key)
    }

    /// A rustls server configuration presenting this certificate.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.der.clone()], key)
            .expect("server certificate and key");
        Arc::new(config)
    }
}

/// A TLS terminator on `127.0.0.1:0` forwarding every connection, as
/// plain TCP, to a server: what an nginx or Caddy in front of confabd does.
/// Connections (and the accept loop) end when it is dropped.
pub struct TlsProxy {
    addr: SocketAddr,
    _task: AbortOnDrop,
}

impl TlsProxy {
    /// Starts a proxy presenting `cert` in front of `upstream`.
    pub async fn start(upstream: SocketAddr, cert: &ServerCert) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let acceptor = tokio_rustls::TlsAcceptor::from(cert.server_config());
        let task = tokio::spawn(async move {
            // Owned by this task: aborted with it.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((client, _)) = accepted else { continue };
                        connections.spawn(forward(acceptor.clone(), client, upstream));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Self { addr, _task: AbortOnDrop(task) }
    }

    /// The proxy's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `wss://127.0.0.1:PORT/ws`.
    pub fn ws_url(&self) -> String {
        format!("wss://{}{}", self.addr, confab_proto::WS_PATH)
    }

    /// `https://127.0.0.1:PORT`.
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }
}

/// One proxied connection: the TLS handshake (a client that refuses the
/// certificate ends it here), then bytes both ways until either side ends.
async fn forward(acceptor: tokio_rustls::TlsAcceptor, client: TcpStream, upstream: SocketAddr) {
    let mut tls = match acceptor.accept(client).await {
        Ok(tls) => tls,
        Err(e) => {
            tracing::debug!(error = %e, "TLS proxy: handshake refused");
            return;
        }
    };
    let mut server = match TcpStream::connect(upstream).await {
        Ok(server) => server,
        Err(e) => {
            tracing::debug!(error = %e, "TLS proxy: upstream unreachable");
            return;
        }
    };
    if let Err(e) = tokio::io::copy_bidirectional(&mut tls, &mut server).await {
        tracing::debug!(error = %e, "TLS proxy: connection ended");
    }
}

/// SDK options for `server_url` trusting the platform's roots and `ca`.
pub fn tls_options(sdk_app_id: u64, server_url: &str, data_dir: &Path, ca: &TestCa) -> TimOptions {
    let mut options = TimOptions::new(sdk_app_id, server_url, data_dir);
    options.tls = TlsConfig::with_custom_ca(CustomCa::Pem(ca.pem().as_bytes().to_vec()));
    options
}
