//! nginx as the load balancer in front of several server instances, proxying with the very
//! `location` block of the site file Vitrin ships (`server/dist/nginx/vitrin.conf`).

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command};

const SITE: &str = include_str!("../../../server/dist/nginx/vitrin.conf");

/// nginx on 127.0.0.1:`port` balancing over the instances; killed on drop.
pub struct Balancer {
    child: Child,
    pub port: u16,
}

/// The shipped site file's `location / { … }` block: how the server is proxied (push
/// streams unbuffered, long timeouts, HTTP/1.1 keep-alive upstream).
fn shipped_location() -> &'static str {
    let start = SITE.find("    location / {").expect("a location block");
    let end = start + SITE[start..].find("\n    }\n").expect("its end") + "\n    }\n".len();
    &SITE[start..end]
}

impl Balancer {
    /// `least_conn`, as the shipped file advises for several instances: push streams last
    /// for days, so counting open connections spreads them where round robin would not. An
    /// instance that refuses a connection is skipped for `fail_timeout` and the request goes
    /// to the next one (nginx's `proxy_next_upstream error`, its default).
    pub fn start(dir: &Path, port: u16, instances: &[SocketAddr]) -> std::io::Result<Balancer> {
        let servers: String = instances
            .iter()
            .map(|a| format!("    server {a} max_fails=1 fail_timeout=10s;\n"))
            .collect();
        for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            std::fs::create_dir_all(dir.join(temp))?;
        }
        // As root nginx's workers run as nobody and must write their temp files.
        Command::new("chmod")
            .args(["-R", "a+rwx"])
            .arg(dir)
            .status()?;
        let conf = dir.join("nginx.conf");
        // Each proxied stream holds two descriptors in a worker (player and instance), and a
        // process may have 20,000 here: four workers, and `reuseport` so the kernel spreads
        // the players evenly over them.
        std::fs::write(
            &conf,
            format!(
                "worker_processes 4;\n\
                 pid {d}/nginx.pid;\n\
                 error_log {d}/error.log error;\n\
                 events {{ worker_connections 19000; }}\n\
                 http {{\n\
                   access_log off;\n\
                   client_body_temp_path {d}/body;\n\
                   proxy_temp_path {d}/proxy;\n\
                   fastcgi_temp_path {d}/fastcgi;\n\
                   uwsgi_temp_path {d}/uwsgi;\n\
                   scgi_temp_path {d}/scgi;\n\
                   upstream vitrin {{\n    least_conn;\n{servers}    keepalive 32;\n}}\n\
                   server {{\n    listen 127.0.0.1:{port} reuseport backlog=4096;\n{location}}}\n\
                 }}\n",
                d = dir.display(),
                location = shipped_location(),
            ),
        )?;
        let child = super::reference::run_nginx(dir, &conf, port)?;
        Ok(Balancer { child, port })
    }

    /// nginx's master and workers, for their RSS.
    pub fn pids(&self) -> Vec<u32> {
        let master = self.child.id();
        let mut pids = vec![master];
        for proc in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = proc.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(proc.path().join("stat")).unwrap_or_default();
            // The parent pid is the 4th field, after the parenthesised command name.
            let ppid = stat
                .rsplit_once(") ")
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(master) {
                pids.push(pid);
            }
        }
        pids
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        // SIGTERM: the master stops its workers before it exits (SIGKILL would leave them).
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// Established TCP connections whose local end is `addr`'s port: the connections a server
/// instance holds open (the push streams, in a run where players only hold streams).
pub fn established_on(addr: SocketAddr) -> usize {
    let port = format!(":{:04X}", addr.port());
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .map(|table| {
            table
                .lines()
                .skip(1)
                .filter(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    f.len() > 3 && f[1].ends_with(&port) && f[3] == "01"
                })
                .count()
        })
        .sum()
}
