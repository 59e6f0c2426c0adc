//! `vitrin-load scale`: several server instances on one PostgreSQL database and one S3
//! bucket (moto), behind nginx as the load balancer, with thousands of simulated players
//! connected through it.
//!
//! What it shows, in order: a picture uploaded through one instance is served by every
//! instance; a publish on any one instance reaches the players of all of them (the instances
//! tell each other through PostgreSQL's LISTEN/NOTIFY); then, while every player uploads
//! proof of play, one instance is killed (SIGKILL) mid-run: its players reconnect through
//! nginx to the others (with the engine's own backoff), a publish still reaches every
//! player, and the plays stored equal the plays made — none lost, none counted twice.
//!
//! The players run in several `vitrin-load fleet` processes, a few thousand each: one
//! process may hold only so many sockets (20,000 on the machines this was measured on, a
//! hard limit an unprivileged sandbox cannot raise). A fleet reports each event as a line on
//! its stdout stamped with the wall clock, which all processes of one machine share, and
//! takes `plays on` / `plays off` on its stdin.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::{Semaphore, mpsc};
use vitrin_player::client::Api;
use vitrin_player::engine::Backoff;
use vitrin_shared::events::{ProofOfPlay, ProofOfPlayBatch, PushEvent};
use vitrin_shared::ids::{ContentId, PlaylistId};
use vitrin_tests::load::balancer::{Balancer, established_on};
use vitrin_tests::load::s3::S3;
use vitrin_tests::{Admin, ServerProcess, free_addr, noise_png};

use crate::{
    Args, Backing, WAIT, api_for, fresh_postgres_database, load, mb, setup_on, text, tokens,
};

/// Players per fleet process: their streams, fetches and uploads stay well under the
/// 20,000 descriptors a process may hold here.
const PER_FLEET: usize = 5_000;

/// Microseconds since the Unix epoch: the clock every process of the run shares.
fn wall_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

/// What a fleet reports, one line each.
#[derive(Debug)]
enum Event {
    /// A push stream opened at this wall time.
    Up(u64),
    /// A push stream ended.
    Lost,
    /// A `manifest` event with a new version arrived at this wall time.
    Heard(u64),
    /// After `plays off`, all sent: made, accepted, duplicates, failed uploads.
    Plays([usize; 4]),
}

impl Event {
    fn parse(line: &str) -> Option<Event> {
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let mut numbers = words.map(|w| w.parse::<u64>().ok());
        Some(match kind {
            "up" => Event::Up(numbers.next()??),
            "lost" => Event::Lost,
            "heard" => Event::Heard(numbers.next()??),
            "plays" => {
                let mut four = [0usize; 4];
                for slot in &mut four {
                    *slot = numbers.next()?? as usize;
                }
                Event::Plays(four)
            }
            _ => return None,
        })
    }
}

/// The fleet processes, their event lines merged into one channel.
struct Fleets {
    children: Vec<(Child, ChildStdin)>,
    /// The token files the fleets read.
    _tokens: tempfile::TempDir,
    events: mpsc::UnboundedReceiver<Event>,
    /// Push streams open now, over all fleets.
    up: usize,
    lost: usize,
}

impl Fleets {
    async fn start(balancer: SocketAddr, tokens: &[String], content: i64, every: u64) -> Fleets {
        let dir = tempfile::tempdir().unwrap();
        let (tx, events) = mpsc::unbounded_channel();
        let mut children = Vec::new();
        for (i, shard) in tokens.chunks(PER_FLEET).enumerate() {
            let file = dir.path().join(format!("tokens{i}"));
            std::fs::write(&file, shard.join("\n")).unwrap();
            let mut child = Command::new(std::env::current_exe().unwrap())
                .arg("fleet")
                .args(["--server", &format!("http://{balancer}")])
                .args(["--tokens", file.to_str().unwrap()])
                .args(["--content", &content.to_string()])
                .args(["--play-every", &every.to_string()])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("a fleet process starts");
            let stdout = child.stdout.take().unwrap();
            let stdin = child.stdin.take().unwrap();
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    match Event::parse(&line) {
                        Some(event) => {
                            let _ = tx.send(event);
                        }
                        None => eprintln!("fleet: {line}"),
                    }
                }
            });
            children.push((child, stdin));
        }
        Fleets {
            children,
            _tokens: dir,
            events,
            up: 0,
            lost: 0,
        }
    }

    async fn tell(&mut self, command: &str) {
        for (_, stdin) in &mut self.children {
            stdin
                .write_all(format!("{command}\n").as_bytes())
                .await
                .expect("the fleet is alive");
        }
    }

    /// The next event, counting streams up and lost on the way.
    async fn next(&mut self, what: &str) -> Event {
        let event = tokio::time::timeout(WAIT, self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("{what}: no news from the fleets for {WAIT:?}"))
            .expect("the fleets are running");
        match event {
            Event::Up(_) => self.up += 1,
            Event::Lost => {
                self.up -= 1;
                self.lost += 1;
            }
            _ => {}
        }
        event
    }
}

pub async fn scale(args: &Args) {
    let n: usize = args.get("players", 20_000);
    let count: usize = args.get("instances", 3);
    let publishes: u64 = args.get("publishes", 3);
    let play_every: u64 = args.get("play-every", 10);
    let outage = Duration::from_secs(args.get("outage-secs", 30));
    let admin_url: String = args.get(
        "postgres",
        std::env::var("VITRIN_TEST_POSTGRES_URL").unwrap_or_default(),
    );
    assert!(
        !admin_url.is_empty(),
        "--postgres ADMIN_URL (or VITRIN_TEST_POSTGRES_URL): scale-out needs PostgreSQL"
    );
    assert!(count >= 2, "--instances: at least 2, one of them is killed");

    let database = fresh_postgres_database(&admin_url, "vitrin_scale").await;
    let s3 = S3::start("vitrin-scale").await;
    let backing = Backing {
        database_url: Some(&database),
        s3: Some(&s3),
        bind: None,
    };
    // The first instance creates the schema, the owner and the content; the others join.
    let mut s = setup_on(text("v0"), &backing).await;
    let mut others: Vec<ServerProcess> = Vec::new();
    for i in 1..count {
        others.push(
            backing
                .start(&s.data_dir.with_file_name(format!("data{i}")))
                .await,
        );
    }
    let addrs: Vec<SocketAddr> = std::iter::once(s.server.addr)
        .chain(others.iter().map(|o| o.addr))
        .collect();
    let pids: Vec<u32> = std::iter::once(s.server.pid())
        .chain(others.iter().map(ServerProcess::pid))
        .collect();
    let nginx_dir = tempfile::tempdir().unwrap();
    let balancer =
        Balancer::start(nginx_dir.path(), free_addr().port(), &addrs).expect("nginx starts");
    let front = SocketAddr::from(([127, 0, 0, 1], balancer.port));
    println!("{count} instances on PostgreSQL and S3 (moto) behind nginx on {front}");

    // A picture uploaded through the first instance, shown beside the text: it lands in the
    // bucket, and every instance serves it.
    let png = noise_png(800, 600, 7);
    let sha = s.admin.upload("promo.png", png.clone()).await;
    let picture = s
        .admin
        .create(
            "/api/v1/content",
            serde_json::json!({"name": "Promo", "type": "image", "media": {"sha256": sha}}),
        )
        .await;
    s.layout = s
        .admin
        .fullscreen_layout("Shop", &[s.content, picture], 10_000)
        .await;
    let tokens = tokens(&s, &api_for(front), n, "db").await;
    for addr in &addrs {
        let bytes = api_for(*addr)
            .with_token(&tokens[0])
            .media(&sha, 0)
            .await
            .expect("the picture is served")
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            bytes, png,
            "instance {addr} serves the picture from the bucket"
        );
    }
    println!(
        "the bucket holds {} objects; every instance serves the picture uploaded through the first",
        s3.object_count().await
    );

    let started = Instant::now();
    let mut fleets = Fleets::start(front, &tokens, s.content, play_every).await;
    while fleets.up < n {
        fleets.next("connecting").await;
    }
    println!(
        "{n} players in {} fleet processes connected through nginx in {:.1} s",
        fleets.children.len(),
        started.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    report_instances("streams connected", &addrs, &pids, &balancer);

    // Publishes, each on another instance, heard by the players of all of them.
    let admins: Vec<Admin> = addrs
        .iter()
        .map(|a| Admin {
            client: s.admin.client.clone(),
            base: format!("http://{a}"),
        })
        .collect();
    let mut p99s = Vec::new();
    let mut heard_all = Vec::new();
    let roles = Roles::of(&pids, &balancer, &fleets);
    for publish in 1..=publishes {
        let on = (publish as usize - 1) % count;
        let (cpu, t) = (roles.seconds(), Instant::now());
        let heard = publish_and_hear(&mut fleets, &admins[on], s.content, publish, n).await;
        println!(
            "publish {publish} on instance {on}: notified {}; {}",
            summary(&heard),
            roles.since(&cpu, t.elapsed())
        );
        p99s.push(percentile_ms(&heard, 0.99));
        heard_all.extend(heard);
    }

    // Proof of play from every player; one instance is killed half-way.
    fleets.tell("plays on").await;
    tokio::time::sleep(outage / 2).await;
    let victim = others.last_mut().expect("a second instance");
    let held = established_on(victim.addr);
    let cpu = roles.seconds();
    let killed_us = wall_us();
    victim.kill();
    let killed_at = Instant::now();
    println!(
        "killed instance {} (SIGKILL) holding {held} connections",
        count - 1
    );
    // Done when every stream lost is back, at least 5 s after the kill: the losses
    // themselves arrive over the first moments.
    let lost_before = fleets.lost;
    let mut back = Vec::new();
    let mut progress = Instant::now();
    loop {
        let settled = fleets.up == n && back.len() == fleets.lost - lost_before;
        let grace = Duration::from_secs(5).saturating_sub(killed_at.elapsed());
        if settled && grace.is_zero() {
            break;
        }
        if progress.elapsed() > Duration::from_secs(10) {
            println!(
                "  {:.0} s after the kill: {} streams up, {} lost, {} back",
                killed_at.elapsed().as_secs_f64(),
                fleets.up,
                fleets.lost - lost_before,
                back.len()
            );
            progress = Instant::now();
        }
        let wait = if settled {
            grace
        } else {
            Duration::from_secs(1)
        };
        if let Ok(Event::Up(at)) = tokio::time::timeout(wait, fleets.next("reconnecting")).await {
            back.push(Duration::from_micros(at.saturating_sub(killed_us)));
        }
    }
    let lost = fleets.lost - lost_before;
    assert!(lost > 0, "the killed instance held no player's stream");
    println!(
        "while they reconnected, {}",
        roles.since(&cpu, killed_at.elapsed())
    );
    println!(
        "{lost} streams lost with the instance, all back {:.1} s after the kill; \
         reconnected after the kill {}",
        back.iter().max().copied().unwrap_or_default().as_secs_f64(),
        summary(&back)
    );
    report_instances("after the kill", &addrs, &pids, &balancer);
    let after = publishes + 1;
    let (cpu, t) = (roles.seconds(), Instant::now());
    let heard_after = publish_and_hear(&mut fleets, &admins[0], s.content, after, n).await;
    println!(
        "publish {after} after the kill: notified {}; {}",
        summary(&heard_after),
        roles.since(&cpu, t.elapsed())
    );
    tokio::time::sleep(outage.saturating_sub(killed_at.elapsed())).await;
    fleets.tell("plays off").await;
    let mut totals = [0usize; 4];
    let mut reported = 0;
    while reported < fleets.children.len() {
        if let Event::Plays(counts) = fleets.next("sending the last plays").await {
            for (total, c) in totals.iter_mut().zip(counts) {
                *total += c;
            }
            reported += 1;
        }
    }

    // Reconcile: what the players made against what the database holds.
    let [made, accepted, duplicates, failed] = totals;
    let stored = stored_plays(&database).await;
    println!(
        "plays: {made} made, {accepted} accepted, {duplicates} sent again after a lost answer \
         (duplicates), {failed} uploads failed and were retried; {stored} rows stored"
    );
    assert_eq!(stored, made, "every play made is stored once");
    // A batch stored whose answer was lost (the instance died, the answer timed out) is
    // sent again and answered as duplicates: stored once all the same.
    assert_eq!(accepted + duplicates, made, "every play answered as stored");
    println!(
        "RESULT scale instances={count} players={n}: publish -> notified on all {} \
         (median of per-publish p99 {:.1} ms); killing one: {lost} streams back within \
         {:.1} s (p99 {:.1} ms), then publish -> notified {}; plays made {made} = stored {stored}",
        summary(&heard_all),
        load::median(&p99s),
        back.iter().max().copied().unwrap_or_default().as_secs_f64(),
        percentile_ms(&back, 0.99),
        summary(&heard_after),
    );
    drop(fleets);
    drop(balancer);
    drop(others);
    s.server.kill();
    crate::drop_postgres_database(&admin_url, "vitrin_scale").await;
}

/// The run's processes by role, to tell where the CPU went while something was measured.
struct Roles(Vec<(&'static str, Vec<u32>)>);

impl Roles {
    fn of(instances: &[u32], balancer: &Balancer, fleets: &Fleets) -> Roles {
        // PostgreSQL's processes, its pools' backends among them (they stay connected).
        let postgres: Vec<u32> = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|p| p.file_name().to_string_lossy().parse::<u32>().ok())
            .filter(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .is_ok_and(|c| c.trim() == "postgres")
            })
            .collect();
        Roles(vec![
            ("instances", instances.to_vec()),
            ("postgres", postgres),
            ("nginx", balancer.pids()),
            (
                "simulated players",
                fleets.children.iter().filter_map(|(c, _)| c.id()).collect(),
            ),
        ])
    }

    /// CPU seconds of each process of each role so far (`None`: gone).
    fn seconds(&self) -> Vec<Vec<Option<f64>>> {
        self.0
            .iter()
            .map(|(_, pids)| pids.iter().map(|p| load::cpu_seconds(*p)).collect())
            .collect()
    }

    /// Cores each role used since `before` (from `seconds`), over `wall`. A process that
    /// died in between (the killed instance, its database sessions) counts nothing.
    fn since(&self, before: &[Vec<Option<f64>>], wall: Duration) -> String {
        let now = self.seconds();
        let parts: Vec<String> = self
            .0
            .iter()
            .zip(now.iter().zip(before))
            .map(|((name, _), (now, before))| {
                let used: f64 = now
                    .iter()
                    .zip(before)
                    .filter_map(|(now, before)| Some(now.as_ref()? - before.as_ref()?))
                    .sum();
                format!("{name} {:.2}", used / wall.as_secs_f64())
            })
            .collect();
        format!("cores used: {}", parts.join(", "))
    }
}

/// Changes the content through `admin`'s instance and waits until all `n` players heard it.
async fn publish_and_hear(
    fleets: &mut Fleets,
    admin: &Admin,
    content: i64,
    publish: u64,
    n: usize,
) -> Vec<Duration> {
    let sent_us = wall_us();
    admin
        .put(
            &format!("/api/v1/content/{content}"),
            text(&format!("v{publish}")),
        )
        .await;
    println!(
        "  publish {publish}: PUT answered in {:.0} ms",
        (wall_us() - sent_us) as f64 / 1000.0
    );
    let mut heard = Vec::new();
    while heard.len() < n {
        if let Event::Heard(at) = fleets.next(&format!("publish {publish}")).await {
            heard.push(Duration::from_micros(at.saturating_sub(sent_us)));
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    heard
}

/// Connections and RSS of each instance, and nginx's RSS.
fn report_instances(when: &str, addrs: &[SocketAddr], pids: &[u32], balancer: &Balancer) {
    let mut line = format!("{when}:");
    for (i, (addr, pid)) in addrs.iter().zip(pids).enumerate() {
        let rss = load::proc_status_bytes(*pid, "VmRSS");
        line.push_str(&format!(
            " instance {i} {} connections{};",
            established_on(*addr),
            rss.map_or(" (gone)".into(), |r| format!(" {:.0} MiB", mb(r)))
        ));
    }
    let nginx: u64 = balancer
        .pids()
        .iter()
        .filter_map(|p| load::proc_status_bytes(*p, "VmRSS"))
        .sum();
    println!("{line} nginx {:.0} MiB", mb(nginx));
}

async fn stored_plays(database: &str) -> usize {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(database)
        .await
        .expect("PostgreSQL");
    let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM plays")
        .fetch_one(&mut conn)
        .await
        .expect("plays counted");
    rows as usize
}

fn summary(latencies: &[Duration]) -> String {
    load::summary(&mut latencies.to_vec())
}

fn percentile_ms(latencies: &[Duration], p: f64) -> f64 {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    load::percentile(&sorted, p).as_secs_f64() * 1000.0
}

/// What one fleet process shares among its players.
struct Fleet {
    out: mpsc::UnboundedSender<String>,
    /// Players make plays while this holds; afterwards they only send what they still keep.
    playing: AtomicBool,
    made: AtomicUsize,
    accepted: AtomicUsize,
    duplicates: AtomicUsize,
    failed_uploads: AtomicUsize,
    /// Players with nothing left to send after `plays off`.
    flushed: AtomicUsize,
    connect_gate: Semaphore,
    fetch_gate: Semaphore,
}

/// `vitrin-load fleet --server URL --tokens FILE --content ID --play-every S`: the players of
/// one fleet process (see the module comment).
pub async fn fleet(args: &Args) {
    let server: String = args.get("server", String::new());
    let api = api_for(
        server
            .trim_start_matches("http://")
            .parse()
            .expect("--server"),
    );
    let tokens = std::fs::read_to_string(args.get("tokens", String::new())).expect("--tokens");
    let content: i64 = args.get("content", 0);
    let every = Duration::from_secs(args.get("play-every", 10));
    let (out, mut lines) = mpsc::unbounded_channel::<String>();
    let fleet = Arc::new(Fleet {
        out,
        playing: AtomicBool::new(false),
        made: AtomicUsize::new(0),
        accepted: AtomicUsize::new(0),
        duplicates: AtomicUsize::new(0),
        failed_uploads: AtomicUsize::new(0),
        flushed: AtomicUsize::new(0),
        connect_gate: Semaphore::new(128),
        fetch_gate: Semaphore::new(256),
    });
    let players: Vec<Api> = tokens.lines().map(|t| api.with_token(t)).collect();
    for player in &players {
        tokio::spawn(hold_stream(player.clone(), fleet.clone()));
    }
    tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = lines.recv().await {
            let _ = stdout.write_all(line.as_bytes()).await;
            let _ = stdout.flush().await;
        }
    });
    let mut commands = BufReader::new(tokio::io::stdin()).lines();
    while let Ok(Some(command)) = commands.next_line().await {
        match command.as_str() {
            "plays on" => {
                fleet.playing.store(true, SeqCst);
                for (i, player) in players.iter().enumerate() {
                    tokio::spawn(send_plays(player.clone(), i, content, fleet.clone(), every));
                }
            }
            "plays off" => {
                fleet.playing.store(false, SeqCst);
                while fleet.flushed.load(SeqCst) < players.len() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                let count = |c: &AtomicUsize| c.load(SeqCst);
                let _ = fleet.out.send(format!(
                    "plays {} {} {} {}\n",
                    count(&fleet.made),
                    count(&fleet.accepted),
                    count(&fleet.duplicates),
                    count(&fleet.failed_uploads)
                ));
            }
            other => eprintln!("fleet: unknown command {other}"),
        }
    }
}

/// One simulated player's push stream: open it through the balancer, fetch the manifest it
/// announces, and when it ends come back with the engine's backoff.
async fn hold_stream(api: Api, fleet: Arc<Fleet>) {
    let mut backoff = Backoff::new();
    let mut version: Option<u64> = None;
    let mut etag: Option<String> = None;
    loop {
        // The first connections of the run go a few at a time, as a fleet boots over
        // minutes; a player that lost its stream comes back at once, as a real one does.
        let permit = match version {
            None => Some(fleet.connect_gate.acquire().await.unwrap()),
            Some(_) => None,
        };
        let opened = match api.events(None).await {
            Ok(mut stream) => match stream.next().await {
                Ok(Some((_, PushEvent::Manifest { version }))) => Some((stream, version)),
                _ => None,
            },
            Err(_) => None,
        };
        drop(permit);
        if let Some((mut stream, current)) = opened {
            backoff.reset();
            let _ = fleet.out.send(format!("up {}\n", wall_us()));
            let mut announced = Some(current);
            loop {
                if let Some(new) = announced.take()
                    && version != Some(new)
                {
                    if version.is_some() {
                        let _ = fleet.out.send(format!("heard {}\n", wall_us()));
                    }
                    version = Some(new);
                    let _permit = fleet.fetch_gate.acquire().await.unwrap();
                    if let Ok(Some((_, fresh))) = api.manifest(etag.as_deref(), 0).await {
                        etag = Some(fresh);
                    }
                }
                match stream.next().await {
                    Ok(Some((_, PushEvent::Manifest { version }))) => announced = Some(version),
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            let _ = fleet.out.send("lost\n".to_owned());
        }
        backoff.sleep().await;
    }
}

/// One simulated player's proof of play: a record every `every` while the fleet plays, kept
/// and sent again with the next batch when an upload fails (as the engine's journal keeps
/// them), then whatever is left until the server takes it.
async fn send_plays(api: Api, player: usize, content: i64, fleet: Arc<Fleet>, every: Duration) {
    // Players send at their own moments, not all at once.
    tokio::time::sleep(every.mul_f64((player % 1000) as f64 / 1000.0)).await;
    let mut pending: Vec<ProofOfPlay> = Vec::new();
    let mut made = 0;
    loop {
        let playing = fleet.playing.load(SeqCst);
        if playing {
            let now = jiff::Timestamp::now();
            pending.push(ProofOfPlay {
                event_id: format!("scale-{made}"),
                content: ContentId(content),
                playlist: PlaylistId(1),
                layout: None,
                rule: None,
                zone: "main".into(),
                started_at: now - jiff::SignedDuration::from_secs(10),
                ended_at: now,
            });
            made += 1;
            fleet.made.fetch_add(1, SeqCst);
        }
        if !pending.is_empty() {
            let batch = ProofOfPlayBatch {
                records: pending.clone(),
            };
            match api.plays(&batch).await {
                Ok(reply) => {
                    assert!(reply.refused.is_empty(), "refused: {:?}", reply.refused);
                    fleet.accepted.fetch_add(reply.accepted, SeqCst);
                    fleet.duplicates.fetch_add(reply.duplicates, SeqCst);
                    pending.clear();
                }
                Err(_) => {
                    fleet.failed_uploads.fetch_add(1, SeqCst);
                }
            }
        }
        if !playing && pending.is_empty() {
            fleet.flushed.fetch_add(1, SeqCst);
            return;
        }
        let pause = if playing {
            every
        } else {
            Duration::from_millis(500)
        };
        tokio::time::sleep(pause).await;
    }
}
