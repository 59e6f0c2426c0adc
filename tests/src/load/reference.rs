//! nginx serving the same bytes, and wrk driving both servers.

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// nginx on 127.0.0.1 serving `root` (files written there by the caller); killed on drop.
pub struct Nginx {
    child: Child,
    pub port: u16,
}

/// nginx's https listener: a port and the certificate and key (PEM files) it serves.
pub struct NginxTls<'a> {
    pub port: u16,
    pub cert: &'a Path,
    pub key: &'a Path,
}

impl Nginx {
    /// Serves `root` on `port`, and over https too when `tls` is given.
    pub fn start(
        dir: &Path,
        root: &Path,
        port: u16,
        tls: Option<NginxTls<'_>>,
    ) -> std::io::Result<Nginx> {
        // The same files over https, with the protocols and session reuse of a stock setup.
        let https = tls.map_or(String::new(), |tls| {
            format!(
                "server {{ listen 127.0.0.1:{} ssl; ssl_certificate {}; \
                 ssl_certificate_key {}; ssl_session_cache shared:SSL:1m; root {}; }}\n",
                tls.port,
                tls.cert.display(),
                tls.key.display(),
                root.display()
            )
        });
        let conf = dir.join("nginx.conf");
        // As close to a stock static-file setup as possible: sendfile on, no access log,
        // one worker per core, keep-alive as wrk uses it.
        std::fs::write(
            &conf,
            format!(
                "worker_processes auto;\n\
                 pid {dir}/nginx.pid;\n\
                 error_log {dir}/error.log warn;\n\
                 events {{ worker_connections 4096; }}\n\
                 http {{\n\
                   access_log off;\n\
                   sendfile on;\n\
                   tcp_nopush on;\n\
                   keepalive_requests 1000000;\n\
                   client_body_temp_path {dir}/body;\n\
                   proxy_temp_path {dir}/proxy;\n\
                   fastcgi_temp_path {dir}/fastcgi;\n\
                   uwsgi_temp_path {dir}/uwsgi;\n\
                   scgi_temp_path {dir}/scgi;\n\
                   types {{ application/json json; image/png png; }}\n\
                   server {{ listen 127.0.0.1:{port}; root {root}; }}\n\
                   {https}\
                 }}\n",
                dir = dir.display(),
                root = root.display(),
            ),
        )?;
        let child = run_nginx(dir, &conf, port)?;
        Ok(Nginx { child, port })
    }
}

/// nginx in the foreground with `conf` and its files under `dir`, once it answers on `port`.
pub fn run_nginx(dir: &Path, conf: &Path, port: u16) -> std::io::Result<Child> {
    let mut child = Command::new("nginx")
        .args(["-e", "stderr", "-g", "daemon off;", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(conf)
        .stdout(Stdio::null())
        .spawn()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            return Err(std::io::Error::other("nginx did not come up"));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(child)
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct WrkResult {
    pub requests_per_sec: f64,
    pub bytes_per_sec: f64,
    pub bad_responses: u64,
}

/// Runs `wrk` against `url` with extra headers and parses its summary.
pub fn wrk(
    url: &str,
    headers: &[String],
    connections: u32,
    secs: u32,
) -> std::io::Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{connections}"),
        &format!("-d{secs}s"),
        "--latency",
    ]);
    for h in headers {
        cmd.arg("-H").arg(h);
    }
    let out = cmd.arg(url).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
    };
    let requests_per_sec = field("Requests/sec:")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("wrk said: {text}")))?;
    let bytes_per_sec = field("Transfer/sec:").map_or(0.0, |v| parse_size(&v));
    let bad_responses = field("Non-2xx or 3xx responses:")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok(WrkResult {
        requests_per_sec,
        bytes_per_sec,
        bad_responses,
    })
}

/// wrk's sizes: `812.34KB`, `1.20GB` (powers of 1024).
fn parse_size(value: &str) -> f64 {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let n: f64 = number.parse().unwrap_or(0.0);
    n * match unit {
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        "GB" => 1024.0 * 1024.0 * 1024.0,
        "TB" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrk_sizes_parse() {
        assert_eq!(super::parse_size("2.00KB"), 2048.0);
        assert_eq!(super::parse_size("1.50GB"), 1.5 * 1024.0 * 1024.0 * 1024.0);
        assert_eq!(super::parse_size("12B"), 12.0);
    }
}
