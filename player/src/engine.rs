//! The headless player: pairing, sync, local scheduling, proof of play, heartbeats, commands.
//!
//! Every decision of what to show is made here, from the manifest on disk and the clock, so the
//! screen keeps following its schedule for as long as the server is away. The network only
//! ever replaces the manifest, and only with one whose every blob is already verified on disk.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use tokio::sync::{Notify, watch};
use vitrin_shared::events::{
    Command, CommandAck, Heartbeat, PanelReport, ProofOfPlayBatch, PushEvent,
};
pub use vitrin_shared::manifest::Loaded;
use vitrin_shared::manifest::Manifest;
use vitrin_shared::schedule::Resolution;
pub use vitrin_shared::schedule::hours::PanelPlan;
pub use vitrin_shared::showing::{LayerView, Progress, Showing};
use vitrin_shared::showing::{PlayTracker, layers, now_showing};

use crate::cache::{BlobCache, CacheError};
use crate::client::{Api, ApiError, PairingStatus};
use crate::clock::Clock;
use crate::identity::{Identity, write_atomically};
use crate::journal::Journal;
use crate::power::{Controls, PowerSwitch};
use crate::{Event, ServerUrl};

/// Whom to trust, from the settings and the stored identity. A screen paired over https
/// stays on https whatever the configured address says (it emits `RefusedDowngrade`), and
/// keeps the pins it was paired with (or rotated to) over the configured ones.
fn trust_for(settings: &mut Settings, out: &Output) -> crate::tls::Trust {
    let stored = Identity::load(&settings.data_dir);
    if let Some(identity) = &stored
        && !settings.server.is_https()
        && let Ok(paired) = identity.server.parse::<ServerUrl>()
        && paired.is_https()
    {
        out.emit(&Event::RefusedDowngrade {
            configured: settings.server.to_string(),
            kept: identity.server.clone(),
        });
        settings.server = paired;
    }
    let pins = match stored {
        Some(identity)
            if identity.server == settings.server.to_string() && !identity.pins.is_empty() =>
        {
            identity.pins
        }
        _ => settings.server.pins.clone(),
    };
    crate::tls::Trust {
        ca_file: settings.ca_file.clone(),
        pins: crate::tls::Pins::new(pins),
    }
}

/// How far ahead of now the player orders its downloads by need (`--lookahead-hours`). The
/// manifest carries every rule, so nothing it needs later is missing either way.
pub const LOOKAHEAD: SignedDuration = SignedDuration::from_hours(48);
/// Blobs downloaded at the same time.
const DOWNLOADS: usize = 3;
/// While the push stream is down, the manifest is checked this often.
const POLL: Duration = Duration::from_secs(60);
const MAX_BACKOFF: Duration = Duration::from_secs(30);
const PLAYS_PER_BATCH: usize = 500;
/// The proof-of-play journal may use this much disk before it summarises old records.
const JOURNAL_BYTES: u64 = 16 * 1024 * 1024;
/// How long the `wake` command keeps the panel on while the store is closed.
pub const WAKE_FOR: SignedDuration = SignedDuration::from_hours(1);
/// Questions to the server's clock per synchronisation; the one with the shortest round trip
/// counts (the first one often pays for a new connection).
const CLOCK_SAMPLES: usize = 5;
/// Pause between two of them.
const CLOCK_SAMPLE_GAP: Duration = Duration::from_millis(50);
/// How often the clock is set again: a device clock drifts by well under a millisecond a minute.
const CLOCK_SYNC_EVERY: Duration = Duration::from_secs(5 * 60);
/// After a failed synchronisation (the server away), the next try.
const CLOCK_RETRY: Duration = Duration::from_secs(15);

pub struct Settings {
    /// The server, with the pins to trust before pairing (`#pin=`, `--pin`).
    pub server: ServerUrl,
    /// CA certificates to trust besides the system's (`--ca-file`).
    pub ca_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// Bytes the media cache may use.
    pub disk_budget: u64,
    /// The window in which downloads are ordered by when they are needed.
    pub lookahead: SignedDuration,
}

/// Takes a screenshot of what is on screen (PNG bytes); the window provides it.
pub type ScreenshotHook = Box<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync>;

/// Why the engine stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    /// The `restart` command: the service manager starts the player again.
    Restart,
}

/// Where events go: one JSON line each on stdout (for people, scripts and the load
/// generator), or a channel (for tests that run the engine in-process).
#[derive(Clone, Default)]
pub struct Output {
    channel: Option<tokio::sync::mpsc::UnboundedSender<Event>>,
    /// Print the JSON line even though a channel takes the event too (the window).
    print: bool,
    lines: Arc<Mutex<()>>,
}

impl Output {
    pub fn channel() -> (Output, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let output = Output {
            channel: Some(tx),
            print: false,
            lines: Arc::default(),
        };
        (output, rx)
    }

    /// Both: the JSON lines on stdout (scripts and tests keep reading them) and a channel
    /// (the window draws from it).
    pub fn tee() -> (Output, tokio::sync::mpsc::UnboundedReceiver<Event>) {
        let (mut output, rx) = Output::channel();
        output.print = true;
        (output, rx)
    }

    pub fn emit(&self, event: &Event) {
        if let Some(tx) = &self.channel {
            let _ = tx.send(event.clone());
        }
        if self.channel.is_none() || self.print {
            let _guard = self.lines.lock().expect("output lock");
            println!("{event}");
        }
    }
}

/// The player's state shared by its tasks.
pub struct Engine {
    settings: Settings,
    clock: Arc<Clock>,
    api: Api,
    cache: Arc<BlobCache>,
    journal: Arc<Mutex<Journal>>,
    out: Output,
    loaded: watch::Sender<Option<Arc<Loaded>>>,
    sync_now: Arc<Notify>,
    /// Redraw now (the `reload` command).
    redraw: Notify,
    /// The push stream is connected.
    push_up: std::sync::atomic::AtomicBool,
    started: Instant,
    last_error: Mutex<Option<String>>,
    /// Why the server is not trusted, while it is not (the window shows it).
    untrusted: Mutex<Option<String>>,
    exit: Mutex<Option<Exit>>,
    stop: Notify,
    progress: Mutex<Progress>,
    screenshot: Mutex<Option<ScreenshotHook>>,
    panel: Mutex<Panel>,
    /// Look at the schedule again now (the `wake` command), without redrawing.
    replan: Notify,
    /// Send a heartbeat now (the panel was switched).
    beat_now: Notify,
}

/// The panel: how it is switched, and what was last asked of it.
#[derive(Default)]
struct Panel {
    switch: PowerSwitch,
    /// The `wake` command keeps the panel on until then.
    woken_until: Option<Timestamp>,
    /// The state last switched to; `None` until the first manifest is played, which then
    /// sets the panel whatever state it was left in.
    applied: Option<PanelPlan>,
}

impl Engine {
    pub fn open(mut settings: Settings, clock: Clock, out: Output) -> Result<Arc<Engine>, String> {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", settings.data_dir.display()))?;
        let trust = trust_for(&mut settings, &out);
        let (cache, check) =
            BlobCache::open(&settings.data_dir.join("cache"), settings.disk_budget)
                .map_err(|e| format!("cannot open the media cache: {e}"))?;
        if check.removed_corrupt > 0 {
            out.emit(&Event::Error {
                reason: format!(
                    "{} corrupt cached file(s) dropped; they will be fetched again",
                    check.removed_corrupt
                ),
            });
        }
        let journal = Journal::open(&settings.data_dir.join("plays"), JOURNAL_BYTES)
            .map_err(|e| format!("cannot open the proof-of-play journal: {e}"))?;
        let engine = Engine {
            api: Api::new(&settings.server, &trust)?,
            clock: Arc::new(clock),
            cache: Arc::new(cache),
            journal: Arc::new(Mutex::new(journal)),
            out,
            loaded: watch::channel(None).0,
            sync_now: Arc::new(Notify::new()),
            redraw: Notify::new(),
            push_up: std::sync::atomic::AtomicBool::new(false),
            started: Instant::now(),
            last_error: Mutex::new(None),
            untrusted: Mutex::new(None),
            exit: Mutex::new(None),
            stop: Notify::new(),
            progress: Mutex::default(),
            screenshot: Mutex::new(None),
            panel: Mutex::default(),
            replan: Notify::new(),
            beat_now: Notify::new(),
            settings,
        };
        engine.load_saved();
        Ok(Arc::new(engine))
    }

    fn manifest_path(&self) -> PathBuf {
        self.settings.data_dir.join("manifest.json")
    }

    /// The manifest saved by the last successful sync, if its blobs are all still here.
    fn load_saved(&self) {
        let Ok(bytes) = std::fs::read(self.manifest_path()) else {
            return;
        };
        #[derive(serde::Deserialize)]
        struct Saved {
            etag: String,
            manifest: Manifest,
        }
        let loaded = serde_json::from_slice::<Saved>(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|saved| Loaded::new(saved.manifest, saved.etag));
        match loaded {
            Ok(loaded)
                if loaded
                    .manifest
                    .media()
                    .iter()
                    .all(|m| self.cache.contains(&m.sha256)) =>
            {
                self.loaded.send_replace(Some(Arc::new(loaded)));
            }
            Ok(_) => tracing::warn!("the saved manifest lacks media; waiting for the server"),
            Err(e) => tracing::warn!("ignoring the saved manifest: {e}"),
        }
    }

    /// Reports a failed exchange with the server: an untrusted server is said as such (on
    /// the screen and as its own event), anything else is an error with its context.
    fn failed(&self, context: &str, e: &ApiError) {
        let ApiError::Untrusted(reason) = e else {
            return self.error(format!("{context}: {e}"));
        };
        tracing::warn!("{context}: {reason}");
        *self.untrusted.lock().expect("trust lock") = Some(reason.clone());
        *self.last_error.lock().expect("error lock") = Some(reason.clone());
        self.out.emit(&Event::Untrusted {
            server: self.settings.server.to_string(),
            reason: reason.clone(),
        });
    }

    /// The server answered as the one this screen trusts.
    fn trusted(&self) {
        *self.untrusted.lock().expect("trust lock") = None;
    }

    /// The server keys this screen checks (empty: it trusts CAs).
    pub fn pins(&self) -> Vec<vitrin_shared::pin::Pin> {
        self.api.pins().get()
    }

    /// Why the server is not trusted, while it is not.
    pub fn untrusted(&self) -> Option<String> {
        self.untrusted.lock().expect("trust lock").clone()
    }

    fn error(&self, reason: impl Into<String>) {
        let reason = reason.into();
        tracing::warn!("{reason}");
        self.out.emit(&Event::Error {
            reason: reason.clone(),
        });
        *self.last_error.lock().expect("error lock") = Some(reason);
    }

    /// Lets the `screenshot` command capture the screen (the window sets this).
    pub fn set_screenshot_hook(&self, hook: ScreenshotHook) {
        *self.screenshot.lock().expect("hook lock") = Some(hook);
    }

    /// Switches the panel with `controls` from now on (the kiosk window sets this; headless,
    /// nothing is switched). Failures are errors of the engine, said once per switch.
    pub fn use_power_controls(self: &Arc<Engine>, controls: Controls) {
        let engine = Arc::downgrade(self);
        let switch = PowerSwitch::start(controls, move |reason| {
            if let Some(engine) = engine.upgrade() {
                engine.error(reason);
            }
        });
        self.panel.lock().expect("panel lock").switch = switch;
    }

    /// Whether the panel should be on at `now` (the store's hours, the `wake` command), and
    /// until when that holds.
    pub fn panel_plan(&self, now: Timestamp) -> PanelPlan {
        let woken_until = self.panel.lock().expect("panel lock").woken_until;
        match self.current() {
            Some(loaded) => loaded.panel_plan(now, woken_until),
            None => PanelPlan {
                on: true,
                asleep_by_schedule: false,
                until: None,
            },
        }
    }

    /// What the heartbeat says of the panel.
    fn panel_report(&self, now: Timestamp) -> PanelReport {
        let plan = self.panel_plan(now);
        let panel = self.panel.lock().expect("panel lock");
        // What was switched to, while the play loop has not caught up with the plan.
        let state = panel.applied.unwrap_or(plan);
        PanelReport {
            on: state.on,
            asleep_by_schedule: state.asleep_by_schedule,
            control: panel.switch.control(),
        }
    }

    /// Switches the panel when `plan` wants it in another state than it is.
    fn follow_panel(&self, plan: PanelPlan, now: Timestamp) {
        let report = {
            let mut panel = self.panel.lock().expect("panel lock");
            if panel.applied.is_some_and(|a| a.on == plan.on) {
                return;
            }
            panel.applied = Some(plan);
            panel.switch.set(plan.on);
            PanelReport {
                on: plan.on,
                asleep_by_schedule: plan.asleep_by_schedule,
                control: panel.switch.control(),
            }
        };
        tracing::info!(on = plan.on, until = ?plan.until, "panel");
        self.out.emit(&Event::Panel { at: now, report });
        // The dashboard should know at once that the screen sleeps by schedule.
        self.beat_now.notify_one();
    }

    /// How long in real time until the player's clock reads `at`.
    pub fn real_until(&self, at: Timestamp) -> Duration {
        self.clock.real_until(at)
    }

    /// The download batch in progress (all zero when nothing is downloading).
    pub fn progress(&self) -> Progress {
        *self.progress.lock().expect("progress lock")
    }

    /// Proof-of-play records not yet accepted by the server.
    pub fn pending_plays(&self) -> usize {
        self.journal.lock().expect("journal lock").len_pending()
    }

    pub fn current(&self) -> Option<Arc<Loaded>> {
        self.loaded.borrow().clone()
    }

    /// The verified file of a cached blob (the window decodes media from it).
    pub fn media_path(&self, sha: &str) -> Option<PathBuf> {
        self.cache.path(sha)
    }

    /// The player's clock: the device clock corrected by the server's time.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The device clock, without the server's correction.
    pub fn device_now(&self) -> Timestamp {
        self.clock.device_now()
    }

    /// Whether the push stream to the server is connected (the window's offline mark).
    pub fn online(&self) -> bool {
        self.push_up.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Runs until a `restart` command; pairs first when there is no (valid) identity.
    pub async fn run(self: Arc<Engine>) -> Exit {
        // Schedule what is on disk at once, whatever the network does.
        let player = tokio::spawn(self.clone().play());
        loop {
            let identity = match Identity::load(&self.settings.data_dir) {
                Some(id) if id.server == self.settings.server.to_string() => id,
                _ => self.pair().await,
            };
            let serving = self.clone().serve(identity);
            tokio::select! {
                unauthorized = serving => {
                    let _ = unauthorized;
                    self.out.emit(&Event::Unpaired {
                        reason: "the server no longer knows this screen".into(),
                    });
                    if let Err(e) = Identity::forget(&self.settings.data_dir) {
                        self.error(format!("cannot forget the device token: {e}"));
                    }
                }
                () = self.stop.notified() => {
                    player.abort();
                    return self.exit.lock().expect("exit lock").take().unwrap_or(Exit::Restart);
                }
            }
        }
    }

    /// Shows a pairing code until someone claims it; returns the stored identity.
    async fn pair(&self) -> Identity {
        let mut backoff = Backoff::new();
        loop {
            let started = match self.api.pair_start().await {
                Ok(started) => started,
                Err(e) => {
                    self.failed("cannot get a pairing code", &e);
                    backoff.sleep().await;
                    continue;
                }
            };
            self.trusted();
            self.out.emit(&Event::PairingCode {
                code: started.code.clone(),
                expires_at: started.expires_at,
            });
            loop {
                match self.api.pair_status(&started.secret, 25).await {
                    Ok(PairingStatus::Waiting { .. }) => backoff.reset(),
                    Ok(PairingStatus::Paired { screen_id, token }) => {
                        let identity = Identity {
                            server: self.settings.server.to_string(),
                            screen_id,
                            token,
                            pins: self.api.pins().get(),
                        };
                        if let Err(e) = identity.save(&self.settings.data_dir) {
                            self.error(format!("cannot store the device token: {e}"));
                        }
                        self.out.emit(&Event::Paired { screen_id });
                        return identity;
                    }
                    // Expired (or lost by a restarted server): show a new code.
                    Err(ApiError::Gone | ApiError::NotFound) => break,
                    Err(e) => {
                        self.failed("waiting for the pairing", &e);
                        backoff.sleep().await;
                    }
                }
            }
        }
    }

    /// Syncs, listens and reports with `identity` until the server refuses its token.
    async fn serve(self: Arc<Engine>, identity: Identity) -> ApiError {
        let api = self.api.with_token(&identity.token);
        let tasks = [
            tokio::spawn(self.clone().sync_loop(api.clone())),
            tokio::spawn(self.clone().push_loop(api.clone())),
            tokio::spawn(self.clone().heartbeat_loop(api.clone())),
            tokio::spawn(self.clone().upload_loop(api.clone())),
            tokio::spawn(self.clone().clock_loop(api)),
        ];
        let (first, _, rest) = futures_util::future::select_all(tasks).await;
        for task in rest {
            task.abort();
        }
        first.unwrap_or(ApiError::Unauthorized)
    }

    /// Fetches the manifest when told to (push) and every `POLL` otherwise.
    async fn sync_loop(self: Arc<Engine>, api: Api) -> ApiError {
        loop {
            match self.sync_once(&api).await {
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                Err(e) => {
                    self.failed("sync failed, keeping the current content", &e);
                    // A passing failure (a busy server, a dropped connection) is retried
                    // soon, whether or not the push stream is up. An untrusted server needs
                    // a person: it is tried again at the push stream's slower pace.
                    if !matches!(e, ApiError::Untrusted(_)) {
                        self.retry_soon();
                    }
                }
                Ok(()) => self.trusted(),
            }
            // While the push stream is up it announces every change (and a reconnect starts
            // with the current version), so the poll only runs while it is down.
            loop {
                let told = tokio::time::timeout(POLL, self.sync_now.notified()).await;
                if told.is_ok() || !self.push_up.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
            }
        }
    }

    /// One sync: a conditional GET, the missing blobs, then the swap.
    pub async fn sync_once(&self, api: &Api) -> Result<(), ApiError> {
        let etag = self.current().map(|l| l.etag.clone());
        let Some((manifest, etag)) = api.manifest(etag.as_deref(), 0).await? else {
            return Ok(());
        };
        let loaded = Loaded::new(manifest, etag).map_err(ApiError::Decode)?;
        let needed = self.in_order_of_need(&loaded);
        let mut keep: HashSet<String> = needed.iter().map(|(sha, _)| sha.clone()).collect();
        if let Some(current) = self.current() {
            keep.extend(current.manifest.media().iter().map(|m| m.sha256.clone()));
        }
        let missing: Vec<(String, u64)> = needed
            .into_iter()
            .filter(|(sha, _)| !self.cache.contains(sha))
            .collect();
        *self.progress.lock().expect("progress lock") = Progress {
            files_total: missing.len(),
            bytes_total: missing.iter().map(|(_, size)| size).sum(),
            ..Progress::default()
        };
        let results: Vec<Result<(), String>> = futures_util::stream::iter(missing.clone())
            .map(|(sha, size)| {
                let keep = &keep;
                async move { self.download(api, &sha, size, keep).await }
            })
            .buffered(DOWNLOADS)
            .collect()
            .await;
        *self.progress.lock().expect("progress lock") = Progress::default();
        let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
        if !failures.is_empty() {
            // Not all of it is here: keep playing what we have, try again soon.
            for failure in &failures {
                self.error(failure.clone());
            }
            self.retry_soon();
            return Ok(());
        }
        self.save(&loaded);
        let version = loaded.manifest.version;
        self.loaded.send_replace(Some(Arc::new(loaded)));
        self.out.emit(&Event::ManifestApplied {
            version,
            downloaded: missing.len(),
        });
        Ok(())
    }

    /// The poll timer would retry within a minute; a failed download deserves sooner.
    fn retry_soon(&self) {
        let notify = self.sync_now.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            notify.notify_one();
        });
    }

    /// The manifest's blobs, those needed soonest first (what plays now, then over the next
    /// look-ahead window), then the rest.
    fn in_order_of_need(&self, loaded: &Loaded) -> Vec<(String, u64)> {
        let now = self.clock.now();
        let mut order: Vec<i64> = Vec::new();
        let horizon = now + self.settings.lookahead;
        for span in loaded.schedule.timeline(now, horizon, &loaded.tz) {
            let resolution = loaded.schedule.resolve(span.start, &loaded.tz);
            for layer in layers(&resolution) {
                for zone in &layer.zones {
                    if let Some(playlist) = loaded
                        .manifest
                        .playlists
                        .iter()
                        .find(|p| p.id == zone.playlist)
                    {
                        order.extend(playlist.entries.iter().map(|e| e.content.0));
                    }
                }
            }
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let by_content = order
            .iter()
            .filter_map(|id| loaded.manifest.content.iter().find(|c| c.id.0 == *id));
        for item in by_content.chain(&loaded.manifest.content) {
            for media in item.media() {
                if seen.insert(media.sha256.clone()) {
                    out.push((media.sha256.clone(), media.size));
                }
            }
        }
        out
    }

    /// Downloads one blob into the cache, resuming a partial download.
    async fn download(
        &self,
        api: &Api,
        sha: &str,
        size: u64,
        keep: &HashSet<String>,
    ) -> Result<(), String> {
        match self.cache.make_room(size, keep) {
            Ok(evicted) if !evicted.is_empty() => {
                tracing::info!(count = evicted.len(), "evicted unused media");
            }
            Ok(_) => {}
            Err(e) => return Err(format!("no room for {sha}: {e}")),
        }
        let have = self.cache.partial_len(sha);
        let reason = |e: &dyn std::fmt::Display| format!("downloading {sha}: {e}");
        if size == 0 || have < size {
            let response = api.media(sha, have).await.map_err(|e| reason(&e))?;
            let resumed = response.status() == reqwest::StatusCode::PARTIAL_CONTENT;
            if !resumed {
                self.cache.discard_partial(sha).map_err(|e| reason(&e))?;
            }
            let mut partial = self.cache.open_partial(sha).map_err(|e| reason(&e))?;
            let mut body = response.bytes_stream();
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| reason(&e))?;
                partial.write_all(&chunk).map_err(|e| reason(&e))?;
                self.progress.lock().expect("progress lock").bytes_done += chunk.len() as u64;
            }
        }
        match self.cache.commit(sha, (size > 0).then_some(size)) {
            Ok(_) => {
                self.progress.lock().expect("progress lock").files_done += 1;
                Ok(())
            }
            Err(e @ CacheError::Corrupt { .. }) => Err(format!(
                "{sha} arrived corrupt (sha256 mismatch), discarded: {e}"
            )),
            Err(e) => Err(reason(&e)),
        }
    }

    fn save(&self, loaded: &Loaded) {
        #[derive(Serialize)]
        struct Saved<'a> {
            etag: &'a str,
            manifest: &'a Manifest,
        }
        let bytes = serde_json::to_vec(&Saved {
            etag: &loaded.etag,
            manifest: &loaded.manifest,
        })
        .expect("manifests serialize");
        if let Err(e) = write_atomically(&self.manifest_path(), &bytes, false) {
            self.error(format!("cannot save the manifest (disk full?): {e}"));
        }
    }

    /// Holds the push stream open, reconnecting with jittered exponential backoff.
    async fn push_loop(self: Arc<Engine>, api: Api) -> ApiError {
        let mut backoff = Backoff::new();
        let mut last_id: Option<String> = None;
        loop {
            match api.events(last_id.as_deref()).await {
                Ok(mut stream) => {
                    backoff.reset();
                    self.push_up
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                    loop {
                        match stream.next().await {
                            Ok(Some((id, event))) => {
                                last_id = Some(id);
                                self.on_push(&api, event).await;
                            }
                            Ok(None) => break,
                            Err(e) => {
                                tracing::info!("push stream lost: {e}");
                                break;
                            }
                        }
                    }
                }
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                Err(e) => tracing::info!("cannot open the push stream: {e}"),
            }
            self.push_up
                .store(false, std::sync::atomic::Ordering::Relaxed);
            // The poll takes over until the stream is back.
            self.sync_now.notify_one();
            backoff.sleep().await;
        }
    }

    async fn on_push(&self, api: &Api, event: PushEvent) {
        match event {
            PushEvent::Manifest { version } => {
                if self.current().is_none_or(|l| l.manifest.version != version) {
                    self.sync_now.notify_one();
                }
            }
            PushEvent::Emergency { rule, text, .. } => {
                self.out.emit(&Event::Emergency { rule: rule.0, text });
                // The manifest carries the emergency rule; fetch it now.
                self.sync_now.notify_one();
            }
            PushEvent::Command { id, command } => {
                let result = self.execute(api, command);
                self.out.emit(&Event::Command {
                    command,
                    ok: result.is_ok(),
                });
                let ack = CommandAck {
                    id,
                    ok: result.is_ok(),
                    error: result.err(),
                };
                if let Err(e) = api.ack(&ack).await {
                    tracing::warn!("cannot acknowledge command {}: {e}", id.0);
                }
            }
        }
    }

    fn execute(&self, api: &Api, command: Command) -> Result<(), String> {
        match command {
            Command::Refresh => self.sync_now.notify_one(),
            Command::Reload => self.redraw.notify_one(),
            Command::Identify => {
                let name = self.current().map(|l| l.manifest.screen.name.clone());
                self.out.emit(&Event::Identify { name });
            }
            Command::Screenshot => {
                let shot = match &*self.screenshot.lock().expect("hook lock") {
                    Some(hook) => hook()?,
                    None => return Err("no window to take a screenshot of (headless)".into()),
                };
                let api = api.clone();
                // Uploading may take a while; the acknowledgement need not wait for it.
                tokio::spawn(async move {
                    if let Err(e) = api.screenshot(shot).await {
                        tracing::warn!("cannot upload the screenshot: {e}");
                    }
                });
            }
            Command::Restart => {
                *self.exit.lock().expect("exit lock") = Some(Exit::Restart);
                self.stop.notify_one();
            }
            Command::Wake => {
                let until = self.clock.now() + WAKE_FOR;
                self.panel.lock().expect("panel lock").woken_until = Some(until);
                self.replan.notify_one();
            }
        }
        Ok(())
    }

    /// Reports status every heartbeat interval; the answer corrects the clock and may tell of
    /// a manifest this player missed.
    async fn heartbeat_loop(self: Arc<Engine>, api: Api) -> ApiError {
        loop {
            let current = self.current();
            let now = self.clock.now();
            let beat = Heartbeat {
                player_version: env!("CARGO_PKG_VERSION").into(),
                uptime_secs: self.started.elapsed().as_secs(),
                manifest_version: current.as_ref().map(|l| l.manifest.version),
                showing: current
                    .as_ref()
                    .map(|l| now_showing(&l.schedule.resolve(self.clock.now(), &l.tz)))
                    .unwrap_or_default(),
                cache_bytes: self.cache.usage(),
                disk_free_bytes: self.cache.free_disk().unwrap_or(0),
                last_error: self.last_error.lock().expect("error lock").clone(),
                sent_at: self.clock.now(),
                platform: Some(format!(
                    "native {} {}",
                    std::env::consts::OS,
                    std::env::consts::ARCH
                )),
                panel: Some(self.panel_report(now)),
            };
            match api.heartbeat(&beat).await {
                Ok(reply) => {
                    self.trusted();
                    if let Ok(server) = Timestamp::from_millisecond(reply.server_time) {
                        self.clock.observe_server_time(server);
                    }
                    self.rotate_pins(&api, reply.tls_pins);
                    if current
                        .as_ref()
                        .is_none_or(|l| l.manifest.version as i64 != reply.manifest_version)
                    {
                        self.sync_now.notify_one();
                    }
                }
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                // Only a trust failure is news here: any other failure of the server shows
                // in the sync, which says what the screen keeps playing.
                Err(e @ ApiError::Untrusted(_)) => self.failed("heartbeat failed", &e),
                Err(e) => tracing::info!("heartbeat failed: {e}"),
            }
            let interval = current.map_or(60, |l| l.manifest.screen.heartbeat_secs.max(5));
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(u64::from(interval))) => {}
                () = self.beat_now.notified() => {}
            }
        }
    }

    /// Keeps the clock on the server's: a few questions now and every `CLOCK_SYNC_EVERY`
    /// (see `vitrin_shared::clock`). A server without the time endpoint (older) leaves the
    /// heartbeat's rougher correction in charge. Never ends with `Unauthorized`: the time
    /// needs no token.
    async fn clock_loop(self: Arc<Engine>, api: Api) -> ApiError {
        if !self.clock.is_real_time() {
            return std::future::pending().await; // a test clock is wrong on purpose
        }
        loop {
            let wait = match self.sync_clock(&api).await {
                Ok(()) => CLOCK_SYNC_EVERY,
                Err(ApiError::NotFound) => {
                    tracing::info!("the server has no time endpoint: the heartbeat sets the clock");
                    return std::future::pending().await;
                }
                Err(e) => {
                    tracing::info!("cannot read the server's clock: {e}");
                    CLOCK_RETRY
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Asks the server's clock `CLOCK_SAMPLES` times and sets ours by the best answer.
    async fn sync_clock(&self, api: &Api) -> Result<(), ApiError> {
        let mut samples = Vec::with_capacity(CLOCK_SAMPLES);
        let mut last_error = None;
        for i in 0..CLOCK_SAMPLES {
            if i > 0 {
                tokio::time::sleep(CLOCK_SAMPLE_GAP).await;
            }
            let sent = self.clock.device_now();
            match api.time().await {
                Ok(reply) => {
                    let received = self.clock.device_now();
                    if let Some(server) = reply.server_time() {
                        samples.push(vitrin_shared::clock::TimeSample {
                            sent,
                            received,
                            server,
                        });
                    }
                }
                Err(e @ ApiError::NotFound) => return Err(e),
                Err(e) => last_error = Some(e),
            }
        }
        let Some(estimate) = self.clock.synchronise(&samples) else {
            return Err(last_error.unwrap_or(ApiError::Decode("no usable time sample".into())));
        };
        tracing::debug!(
            offset = ?estimate.offset,
            round_trip = ?estimate.round_trip,
            moved = ?estimate.moved,
            "clock set by the server's"
        );
        self.out.emit(&Event::ClockSynced {
            offset_ms: estimate.offset.as_secs_f64() * 1000.0,
            round_trip_ms: estimate.round_trip.as_secs_f64() * 1000.0,
        });
        // The play loop may be sleeping towards a change by the old clock.
        self.replan.notify_one();
        Ok(())
    }

    /// Takes the pins the server announced over this (pinned, authenticated) connection, so
    /// that a key change it prepared does not cut the screen off. Only a pinned screen does:
    /// one that trusts CAs keeps trusting CAs.
    fn rotate_pins(&self, api: &Api, announced: Vec<vitrin_shared::pin::Pin>) {
        let current = api.pins().get();
        if current.is_empty() || announced.is_empty() || announced == current {
            return;
        }
        api.pins().set(announced.clone());
        match Identity::load(&self.settings.data_dir) {
            Some(mut identity) => {
                identity.pins = announced.clone();
                if let Err(e) = identity.save(&self.settings.data_dir) {
                    self.error(format!("cannot store the server's new pins: {e}"));
                }
            }
            None => self.error("the server's new pins are in use but not stored: no identity"),
        }
        self.out.emit(&Event::PinsRotated { pins: announced });
    }

    /// Sends the journal's pending proof of play, oldest first.
    async fn upload_loop(self: Arc<Engine>, api: Api) -> ApiError {
        loop {
            match self.upload_once(&api).await {
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                Err(e) => tracing::info!("proof-of-play upload failed: {e}"),
                Ok(_) => {}
            }
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
    }

    /// Uploads everything pending; returns how many records the server newly accepted.
    pub async fn upload_once(&self, api: &Api) -> Result<usize, ApiError> {
        let mut accepted = 0;
        loop {
            let records = self
                .journal
                .lock()
                .expect("journal lock")
                .pending(PLAYS_PER_BATCH);
            if records.is_empty() {
                return Ok(accepted);
            }
            let count = records.len();
            match api.plays(&ProofOfPlayBatch { records }).await {
                Ok(reply) => {
                    accepted += reply.accepted;
                    // Refused records would be refused again and again: dropped, and said so.
                    if let Some(first) = reply.refused.first() {
                        self.error(format!(
                            "the server refused {} of {count} proof-of-play records \
                             (first: {} {}: {})",
                            reply.refused.len(),
                            first.event_id,
                            first.code,
                            first.message
                        ));
                    }
                }
                // The whole batch refused (an older server checks batches whole): sending it
                // again would be refused again and block every later record, so it is dropped.
                Err(ApiError::Status {
                    status: 422,
                    detail,
                }) => {
                    self.error(format!(
                        "the server refused {count} proof-of-play records: {detail}"
                    ));
                }
                Err(e) => return Err(e),
            }
            if let Err(e) = self.journal.lock().expect("journal lock").confirm(count) {
                self.error(format!("cannot update the proof-of-play journal: {e}"));
                return Ok(accepted);
            }
        }
    }

    /// Decides what shows, at every change, and writes it down.
    async fn play(self: Arc<Engine>) {
        let mut changes = self.loaded.subscribe();
        let mut last: Option<Showing> = None;
        let mut plays = PlayTracker::default();
        loop {
            let Some(loaded) = self.current() else {
                if changes.changed().await.is_err() {
                    return;
                }
                continue;
            };
            let now = self.clock.now();
            let resolution = loaded.schedule.resolve(now, &loaded.tz);
            let showing = Showing::of(&resolution, loaded.manifest.version);
            if last.as_ref() != Some(&showing) {
                self.out.emit(&Event::Showing {
                    at: now,
                    view: showing.clone(),
                });
                last = Some(showing);
            }
            let woken_until = self.panel.lock().expect("panel lock").woken_until;
            let plan = loaded.panel_plan(now, woken_until);
            self.follow_panel(plan, now);
            // Nothing is seen while the panel is off: no proof of play.
            let dark = Resolution::dark(now);
            let seen = if plan.on { &resolution } else { &dark };
            for record in plays.look(seen, now, &mut random_id) {
                if let Err(e) = self.journal.lock().expect("journal lock").record(&record) {
                    self.error(format!("cannot record proof of play (disk full?): {e}"));
                }
            }
            let next = [resolution.next_redraw(), plan.until]
                .into_iter()
                .flatten()
                .min()
                .map_or(Duration::from_secs(1), |at| self.clock.real_until(at))
                .clamp(Duration::from_millis(5), Duration::from_secs(1));
            tokio::select! {
                () = tokio::time::sleep(next) => {}
                _ = changes.changed() => {}
                () = self.redraw.notified() => last = None,
                () = self.replan.notified() => {}
            }
        }
    }
}

/// The panel's plan for the screen of `loaded`.
/// Random bytes for a proof-of-play record's id.
fn random_id() -> [u8; 6] {
    let mut random = [0u8; 6];
    getrandom::fill(&mut random).expect("the OS random source is available");
    random
}

/// Exponential backoff with full jitter, capped at `MAX_BACKOFF`. Public so the load
/// generator's simulated players come back after an outage as real ones do.
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new()
    }
}

impl Backoff {
    pub fn new() -> Backoff {
        Backoff {
            next: Duration::from_millis(500),
        }
    }

    pub fn reset(&mut self) {
        self.next = Duration::from_millis(500);
    }

    pub async fn sleep(&mut self) {
        let mut byte = [0u8; 1];
        getrandom::fill(&mut byte).expect("the OS random source is available");
        // Between half and all of the step, so a fleet that lost the server together does
        // not come back in lockstep.
        let jittered = self.next.mul_f64(0.5 + f64::from(byte[0]) / 510.0);
        tokio::time::sleep(jittered).await;
        self.next = (self.next * 2).min(MAX_BACKOFF);
    }
}
