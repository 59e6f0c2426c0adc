//! Whom the player trusts over https, and why it did not.
//!
//! Two ways to trust a server: its certificate chains to a CA (the system's roots, plus
//! `--ca-file` for a private CA) and names the host, as in a browser; or its public key is one
//! of the screen's pins (`#pin=sha256//…` in the server address, `--pin`), learned at pairing,
//! so an on-premises server with a self-signed certificate needs no CA installed anywhere. A
//! pinned screen checks the key and the validity dates, not the name: the pin is stronger than
//! a name, and a shop's server address is often a bare IP that changes with DHCP.
//!
//! The pins are shared with the client that uses them, so the server can rotate them over the
//! authenticated channel (the heartbeat) before it changes its key.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error as TlsError, OtherError};
use vitrin_shared::pin::{CertificateFacts, Pin};

/// The pins a pinned client accepts; shared so that a rotation applies to new connections.
#[derive(Debug, Clone, Default)]
pub struct Pins(Arc<RwLock<Vec<Pin>>>);

impl Pins {
    pub fn new(pins: Vec<Pin>) -> Pins {
        Pins(Arc::new(RwLock::new(pins)))
    }

    pub fn get(&self) -> Vec<Pin> {
        self.0.read().expect("pins lock").clone()
    }

    pub fn set(&self, pins: Vec<Pin>) {
        *self.0.write().expect("pins lock") = pins;
    }

    pub fn is_empty(&self) -> bool {
        self.0.read().expect("pins lock").is_empty()
    }
}

/// What the player trusts: pins when it has any, otherwise CAs.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Extra CA certificates (PEM) besides the system's roots.
    pub ca_file: Option<PathBuf>,
    pub pins: Pins,
}

/// The presented key is not one the screen was paired with.
#[derive(Debug)]
struct PinMismatch {
    presented: Pin,
    trusted: Vec<Pin>,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let trusted: Vec<String> = self.trusted.iter().map(Pin::to_string).collect();
        write!(
            f,
            "the server's key is {}, not the one this screen trusts ({}): someone may be \
             intercepting the connection, or the server changed its key without announcing \
             it (--tls-pin); this screen keeps playing what it has",
            self.presented,
            trusted.join(", ")
        )
    }
}

impl std::error::Error for PinMismatch {}

/// Accepts a server whose certificate carries a pinned key and is within its dates.
#[derive(Debug)]
struct PinnedKey {
    pins: Pins,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedKey {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let facts = CertificateFacts::of(end_entity)
            .map_err(|_| TlsError::InvalidCertificate(CertificateError::BadEncoding))?;
        let trusted = self.pins.get();
        if !trusted.contains(&facts.pin) {
            let mismatch = PinMismatch {
                presented: facts.pin,
                trusted,
            };
            return Err(TlsError::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(mismatch)),
            )));
        }
        let now_secs = now.as_secs() as i64;
        let unix = |t: jiff::Timestamp| UnixTime::since_unix_epoch(t.as_duration().unsigned_abs());
        if now_secs > facts.not_after.as_second() {
            return Err(TlsError::InvalidCertificate(
                CertificateError::ExpiredContext {
                    time: now,
                    not_after: unix(facts.not_after),
                },
            ));
        }
        if now_secs < facts.not_before.as_second() {
            return Err(TlsError::InvalidCertificate(
                CertificateError::NotValidYetContext {
                    time: now,
                    not_before: unix(facts.not_before),
                },
            ));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// The CA certificates of a PEM file; a file without any is an error, not an empty trust.
fn ca_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the CA file {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "the CA file {} holds no CERTIFICATE block",
            path.display()
        ));
    }
    Ok(certs)
}

impl Trust {
    /// The rustls configuration for this trust. Errors name the file that is wrong.
    pub fn client_config(&self) -> Result<rustls::ClientConfig, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?;
        let mut config = if self.pins.is_empty() {
            let mut roots = rustls::RootCertStore::empty();
            let native = rustls_native_certs::load_native_certs();
            let (added, _) = roots.add_parsable_certificates(native.certs);
            if let Some(path) = &self.ca_file {
                for cert in ca_certificates(path)? {
                    roots.add(cert).map_err(|e| {
                        format!("a certificate in {} is not a CA: {e}", path.display())
                    })?;
                }
            } else if added == 0 {
                tracing::warn!(
                    "no CA certificates found on this system (install ca-certificates); \
                     https servers need --ca-file or a pin"
                );
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(PinnedKey {
                    pins: self.pins.clone(),
                    provider,
                }))
                .with_no_client_auth()
        };
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

/// Why a connection failed, in words for the person at the screen, if TLS trust is the cause.
/// Walks the error's sources (reqwest, hyper, the I/O error tokio-rustls wraps rustls' in).
pub fn explain(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(tls) = error.downcast_ref::<TlsError>() {
            return Some(describe(tls));
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            if let Some(tls) = inner.downcast_ref::<TlsError>() {
                return Some(describe(tls));
            }
            next = Some(inner as &(dyn std::error::Error + 'static));
            continue;
        }
        next = error.source();
    }
    None
}

fn date(time: &UnixTime) -> String {
    jiff::Timestamp::from_second(time.as_secs() as i64)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| "?".into())
}

fn describe(error: &TlsError) -> String {
    use CertificateError as C;
    match error {
        TlsError::InvalidCertificate(certificate) => match certificate {
            C::Expired => "the server's certificate has expired".into(),
            C::ExpiredContext { not_after, .. } => format!(
                "the server's certificate expired on {}; renew it on the server",
                date(not_after)
            ),
            C::NotValidYet => {
                "the server's certificate is not valid yet (is this screen's clock right?)".into()
            }
            C::NotValidYetContext { not_before, .. } => format!(
                "the server's certificate is valid only from {} (is this screen's clock right?)",
                date(not_before)
            ),
            C::NotValidForName => "the server's certificate is for another host name".into(),
            C::NotValidForNameContext {
                expected,
                presented,
            } => {
                // webpki gives the names in Debug form: `DnsName("shop.example")`.
                let names: Vec<&str> = presented
                    .iter()
                    .map(|name| match name.split_once('(') {
                        Some((_, inner)) => inner.trim_end_matches(')').trim_matches('"'),
                        None => name,
                    })
                    .collect();
                format!(
                    "the server's certificate is for {}, not for {}",
                    names.join(", "),
                    expected.to_str()
                )
            }
            C::UnknownIssuer => "the server's certificate is signed by an authority this screen \
                 does not trust: give its CA with --ca-file, or the server's pin in the \
                 address (https://…#pin=sha256//…)"
                .into(),
            C::Other(OtherError(other)) if other.downcast_ref::<PinMismatch>().is_some() => {
                other.to_string()
            }
            // What `openssl req -x509` makes by default: a CA certificate serving as its own
            // server certificate. Fine to pin, not to chain to.
            C::Other(OtherError(other)) if other.to_string() == "CaUsedAsEndEntity" => {
                "the server's certificate is self-signed (a CA certificate serving as the \
                 server's): give the server's pin in the address (https://…#pin=sha256//…) or \
                 install a certificate issued for the server"
                    .into()
            }
            C::Other(OtherError(other)) => {
                format!("the server's certificate is not acceptable: {other}")
            }
            other => format!("the server's certificate is not acceptable: {other:?}"),
        },
        TlsError::InvalidMessage(_) => {
            "the server did not answer in TLS: is its address http:// rather than https://?".into()
        }
        other => format!("the TLS handshake with the server failed: {other}"),
    }
}
