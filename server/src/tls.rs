//! The server's own https (`--tls-cert`, `--tls-key`) for installs without a proxy in front:
//! rustls with the ring provider, HTTP/1.1 and HTTP/2 offered by ALPN, HSTS on every answer,
//! and the certificate read again whenever its files change, so a renewal needs no restart.

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use axum::http::{HeaderValue, header};
use hyper_util::server::graceful::GracefulShutdown;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tracing::{debug, info, warn};
use vitrin_shared::pin::{CertificateFacts, Pin};

use crate::AppState;
use crate::config::TlsFiles;
use crate::connections;

/// How often the certificate files are checked for a renewal.
pub const RELOAD_CHECK: Duration = Duration::from_secs(2);
/// A client that has not finished its handshake by then is dropped (a slow-loris guard).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// One year, the value browsers' preload lists ask for.
const HSTS: &str = "max-age=31536000";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the certificate {path}: {message}")]
    Certificate { path: String, message: String },
    #[error("cannot read the private key {path}: {message}")]
    Key { path: String, message: String },
    #[error("the key {key} does not belong to the certificate {cert}: {message}")]
    Mismatch {
        cert: String,
        key: String,
        message: String,
    },
}

/// The certificate being served and what it was read from.
struct Served {
    key: Arc<CertifiedKey>,
    pin: Pin,
    /// Modification time and length of both files when they were read.
    stamp: Option<[(SystemTime, u64); 2]>,
}

/// The served certificate, swapped in place when its files change (`ResolvesServerCert`).
pub struct Certificates {
    files: TlsFiles,
    provider: Arc<CryptoProvider>,
    served: RwLock<Served>,
    /// The stamp of the last files that failed to load, so a broken renewal is reported once.
    failed: RwLock<Option<[(SystemTime, u64); 2]>>,
}

impl std::fmt::Debug for Certificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificates")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

fn stamp(files: &TlsFiles) -> Option<[(SystemTime, u64); 2]> {
    let of = |path: &Path| {
        let meta = std::fs::metadata(path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    };
    Some([of(&files.cert)?, of(&files.key)?])
}

fn load(files: &TlsFiles, provider: &CryptoProvider) -> Result<Served, TlsError> {
    let stamp = stamp(files);
    let cert_name = files.cert.display().to_string();
    let key_name = files.key.display().to_string();
    let chain = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsError::Certificate {
            path: cert_name.clone(),
            message: e.to_string(),
        })?;
    let Some(end_entity) = chain.first() else {
        return Err(TlsError::Certificate {
            path: cert_name,
            message: "no CERTIFICATE block in the file".into(),
        });
    };
    let facts = CertificateFacts::of(end_entity).map_err(|e| TlsError::Certificate {
        path: cert_name.clone(),
        message: e.to_string(),
    })?;
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|e| TlsError::Key {
        path: key_name.clone(),
        message: e.to_string(),
    })?;
    let key = CertifiedKey::from_der(chain, key, provider).map_err(|e| TlsError::Mismatch {
        cert: cert_name,
        key: key_name,
        message: e.to_string(),
    })?;
    Ok(Served {
        key: Arc::new(key),
        pin: facts.pin,
        stamp,
    })
}

impl Certificates {
    /// Reads the certificate and key; an error here stops the server from starting.
    pub fn load(files: &TlsFiles) -> Result<Arc<Certificates>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let served = load(files, &provider)?;
        Ok(Arc::new(Certificates {
            files: files.clone(),
            provider,
            served: RwLock::new(served),
            failed: RwLock::new(None),
        }))
    }

    /// The pin of the certificate being served.
    pub fn pin(&self) -> Pin {
        self.served.read().expect("certificate lock").pin
    }

    /// Reads the files again if they changed since they were read. `Ok(true)`: a new
    /// certificate is being served. A failure keeps the old one (a renewal may be half written).
    pub fn reload_if_changed(&self) -> Result<bool, TlsError> {
        let now = stamp(&self.files);
        if now.is_none()
            || now == self.served.read().expect("certificate lock").stamp
            || now == *self.failed.read().expect("failure lock")
        {
            return Ok(false);
        }
        match load(&self.files, &self.provider) {
            Ok(served) => {
                *self.served.write().expect("certificate lock") = served;
                *self.failed.write().expect("failure lock") = None;
                Ok(true)
            }
            Err(e) => {
                *self.failed.write().expect("failure lock") = now;
                Err(e)
            }
        }
    }

    /// Checks the files every `every` for as long as the server runs.
    pub async fn watch(self: Arc<Certificates>, every: Duration) {
        loop {
            tokio::time::sleep(every).await;
            match self.reload_if_changed() {
                Ok(true) => info!(pin = %self.pin(), "TLS certificate reloaded"),
                Ok(false) => {}
                Err(e) => warn!("{e}; still serving the previous certificate"),
            }
        }
    }

    fn server_config(self: &Arc<Certificates>) -> Arc<rustls::ServerConfig> {
        let mut config = rustls::ServerConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .expect("the ring provider supports the default TLS versions")
            .with_no_client_auth()
            .with_cert_resolver(self.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

impl ResolvesServerCert for Certificates {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.served.read().expect("certificate lock").key.clone())
    }
}

/// Serves the app over TLS on an already bound listener until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    certificates: Arc<Certificates>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = tokio_rustls::TlsAcceptor::from(certificates.server_config());
    let app = crate::build_app(state).layer(SetResponseHeaderLayer::if_not_present(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    ));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    while let Some((tcp, peer)) = connections::accept(&listener, shutdown.as_mut()).await {
        let (acceptor, app) = (acceptor.clone(), app.clone());
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return debug!("TLS handshake with {peer} failed: {e}"),
                Err(_) => return debug!("TLS handshake with {peer} timed out"),
            };
            // HTTP/1 chosen by ALPN needs no sniffing for the HTTP/2 preface.
            let http1_only = tls.get_ref().1.alpn_protocol() == Some(&b"http/1.1"[..]);
            connections::serve(tls, app, peer, http1_only, watcher).await;
        });
    }
    drop(listener);
    connections::drain(graceful).await;
    Ok(())
}
