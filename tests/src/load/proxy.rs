//! A TCP proxy that counts the bytes (and reads, as a stand-in for segments) in each direction,
//! and can cut every connection at once, as a dropped network would.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

#[derive(Default)]
pub struct Counters {
    pub up_bytes: AtomicU64,
    pub down_bytes: AtomicU64,
    /// Reads with data; each is at least one TCP segment on the wire.
    pub up_reads: AtomicU64,
    pub down_reads: AtomicU64,
    pub connections: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> [u64; 5] {
        [
            self.up_bytes.load(Ordering::Relaxed),
            self.down_bytes.load(Ordering::Relaxed),
            self.up_reads.load(Ordering::Relaxed),
            self.down_reads.load(Ordering::Relaxed),
            self.connections.load(Ordering::Relaxed),
        ]
    }
}

/// A running proxy; `stop` (or drop) closes the listener and every connection through it.
pub struct Proxy {
    pub addr: SocketAddr,
    pub counters: Arc<Counters>,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Proxy {
    /// Listens on `listen` (port 0 for any) and forwards every connection to `target`.
    pub async fn start(listen: SocketAddr, target: SocketAddr) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let tasks: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (shared, handles) = (counters.clone(), tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counters = shared.clone();
                counters.connections.fetch_add(1, Ordering::Relaxed);
                let task = tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(target).await else {
                        return;
                    };
                    let (cr, cw) = client.into_split();
                    let (sr, sw) = server.into_split();
                    let up = pump(cr, sw, counters.clone(), true);
                    let down = pump(sr, cw, counters, false);
                    let _ = tokio::join!(up, down);
                });
                let mut list = handles.lock().unwrap();
                list.retain(|t| !t.is_finished());
                list.push(task.abort_handle());
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
        Ok(Proxy {
            addr,
            counters,
            tasks,
        })
    }

    /// Stops listening and drops every connection (their sockets close).
    pub fn stop(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    counters: Arc<Counters>,
    up: bool,
) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let (bytes, reads) = if up {
            (&counters.up_bytes, &counters.up_reads)
        } else {
            (&counters.down_bytes, &counters.down_reads)
        };
        bytes.fetch_add(n as u64, Ordering::Relaxed);
        reads.fetch_add(1, Ordering::Relaxed);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
