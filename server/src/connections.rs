//! What the plain and the TLS listener share: accepting connections until shutdown, serving
//! one connection with hyper, and letting open connections drain at the end.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt as _;
use tracing::{debug, warn};

/// At shutdown, requests in flight get this long; push streams never end on their own.
pub const DRAIN: Duration = Duration::from_secs(5);

/// The next connection, or `None` once `shutdown` completes.
pub async fn accept(
    listener: &TcpListener,
    mut shutdown: Pin<&mut impl Future<Output = ()>>,
) -> Option<(TcpStream, SocketAddr)> {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => return Some(accepted),
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            () = &mut shutdown => return None,
        }
    }
}

/// Serves `app` on one connection from `peer` until it closes or the shutdown `watcher`
/// ends it. `http1_only` skips hyper's sniffing for the HTTP/2 preface, which would double
/// the connection's read buffer for its whole life.
pub async fn serve(
    io: impl AsyncRead + AsyncWrite + Unpin + Send + 'static,
    app: Router,
    peer: SocketAddr,
    http1_only: bool,
    watcher: Watcher,
) {
    let http = auto::Builder::new(TokioExecutor::new());
    let http = if http1_only { http.http1_only() } else { http };
    let app = app.map_request(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let connection = http
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(app))
        .into_owned();
    if let Err(e) = watcher.watch(connection).await {
        debug!("connection with {peer} ended: {e}");
    }
}

/// Waits up to `DRAIN` for open connections to finish, then lets them be closed.
pub async fn drain(graceful: GracefulShutdown) {
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        debug!("connections still open after {DRAIN:?} are closed");
    }
}
