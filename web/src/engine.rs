//! The browser player's engine: the native engine's loops on the browser's event loop.
//! Pairing, the manifest by conditional GET (on a push or a poll), media into the Cache
//! Storage, the schedule resolved by the shared engine from the stored manifest and the
//! clock (so it plays on with the network and the server gone), proof of play kept in
//! localStorage until the server has it, heartbeats and commands.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use futures_channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures_util::StreamExt;
use futures_util::future::{Either, select, select_all};
use jiff::Timestamp;
use vitrin_shared::clock::Clock;
use vitrin_shared::events::{
    Command, CommandAck, Heartbeat, PairingStatus, PanelReport, PowerControl, ProofOfPlayBatch,
    PushEvent,
};
use vitrin_shared::manifest::Loaded;
use vitrin_shared::schedule::Resolution;
use vitrin_shared::schedule::hours::PanelPlan;
use vitrin_shared::showing::{PlayTracker, Progress, Showing, now_showing};
use web_time::Instant;

use crate::net::{Api, ApiError};
use crate::store::{self, Identity, MediaStore};
use crate::timer::{Backoff, sleep};

/// While the push stream is down, the manifest is checked this often.
const POLL: Duration = Duration::from_secs(60);
const PLAYS_PER_BATCH: usize = 500;
/// How long the `identify` command shows the screen's name.
const IDENTIFY_FOR: Duration = Duration::from_secs(15);
/// How long the `wake` command keeps the screen on while the store is closed.
const WAKE_FOR: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// What the whole screen is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Starting, nothing to show yet.
    Waiting,
    Pairing {
        code: String,
    },
    Playing,
}

/// What the window reads each frame.
pub struct State {
    pub mode: Mode,
    pub loaded: Option<Rc<Loaded>>,
    pub showing: Option<Showing>,
    pub online: bool,
    pub progress: Progress,
    pub last_error: Option<String>,
    /// An emergency pushed ahead of the manifest that carries it, and the manifest version
    /// it arrived under (a newer manifest's own emergency layer replaces it).
    pub pushed_emergency: Option<(String, u64)>,
    pub identify: Option<(String, Instant)>,
    /// A screenshot the server asked for (the `screenshot` command), taken at the next frame.
    pub screenshot_wanted: bool,
    /// Storage used and allowed for this origin, as the browser last reported it.
    pub storage: Option<(u64, u64)>,
    /// The `wake` command keeps the screen on until then.
    pub woken_until: Option<Timestamp>,
}

pub struct Engine {
    pub state: RefCell<State>,
    api: Api,
    /// The device token's API, once paired.
    device: RefCell<Option<Api>>,
    pub media: MediaStore,
    pub clock: Clock,
    repaint: Box<dyn Fn()>,
    sync_now: UnboundedSender<()>,
    sync_wake: RefCell<Option<UnboundedReceiver<()>>>,
    /// Wakes the play loop (a new manifest, a reload command).
    play_now: UnboundedSender<()>,
    play_wake: RefCell<Option<UnboundedReceiver<()>>>,
    push_up: Cell<bool>,
    started: Instant,
    /// An admin's preview: nothing is reported (no heartbeats, no proof of play).
    preview: bool,
}

type Task = Pin<Box<dyn Future<Output = ApiError>>>;

impl Engine {
    /// A screen's engine; a preview's (`preview`) starts empty and keeps nothing.
    pub fn new(
        api: Api,
        media: MediaStore,
        clock: Clock,
        repaint: Box<dyn Fn()>,
        preview: bool,
    ) -> Rc<Engine> {
        let (sync_now, sync_wake) = unbounded();
        let (play_now, play_wake) = unbounded();
        let stored = (!preview)
            .then(store::manifest)
            .flatten()
            .and_then(|(manifest, etag)| {
                Loaded::new(manifest, etag)
                    .map_err(|e| tracing::warn!("the stored manifest is unusable: {e}"))
                    .ok()
            });
        Rc::new(Engine {
            state: RefCell::new(State {
                mode: if stored.is_some() {
                    Mode::Playing
                } else {
                    Mode::Waiting
                },
                loaded: stored.map(Rc::new),
                showing: None,
                online: false,
                progress: Progress::default(),
                last_error: None,
                pushed_emergency: None,
                identify: None,
                screenshot_wanted: false,
                storage: None,
                woken_until: None,
            }),
            api,
            device: RefCell::new(None),
            media,
            clock,
            repaint,
            sync_now,
            sync_wake: RefCell::new(Some(sync_wake)),
            play_now,
            play_wake: RefCell::new(Some(play_wake)),
            push_up: Cell::new(false),
            started: Instant::now(),
            preview,
        })
    }

    pub fn current(&self) -> Option<Rc<Loaded>> {
        self.state.borrow().loaded.clone()
    }

    /// Whether the screen should be on now (the store's hours, the `wake` command), and until
    /// when that holds. A browser cannot switch its panel: it shows black instead.
    pub fn panel_plan(&self) -> PanelPlan {
        let now = self.clock.now();
        let state = self.state.borrow();
        match &state.loaded {
            Some(loaded) => loaded.panel_plan(now, state.woken_until),
            None => PanelPlan {
                on: true,
                asleep_by_schedule: false,
                until: None,
            },
        }
    }

    fn error(&self, reason: String) {
        tracing::warn!("{reason}");
        self.state.borrow_mut().last_error = Some(reason);
    }

    fn set_online(&self, online: bool) {
        let changed = {
            let mut state = self.state.borrow_mut();
            std::mem::replace(&mut state.online, online) != online
        };
        if changed {
            (self.repaint)();
        }
    }

    /// Runs for the life of the page.
    pub async fn run(self: Rc<Engine>) {
        wasm_bindgen_futures::spawn_local(self.clone().play());
        loop {
            let identity = match store::identity() {
                Some(identity) => identity,
                None => self.pair().await,
            };
            let api = self.api.with_token(&identity.token);
            *self.device.borrow_mut() = Some(api.clone());
            self.serve(api).await;
            // The server no longer knows this screen: pair again.
            *self.device.borrow_mut() = None;
            store::forget_identity();
            self.error("the server no longer knows this screen: pairing again".into());
        }
    }

    /// Plays an admin's preview (the API path of its manifest) with their session.
    pub async fn run_preview(self: Rc<Engine>, path: String) {
        wasm_bindgen_futures::spawn_local(self.clone().play());
        let mut backoff = Backoff::default();
        loop {
            match self.load_preview(&path).await {
                Ok(()) => return,
                Err(ApiError::Unauthorized) => {
                    crate::show_problem(
                        "No preview: sign in to the admin first, then open it again.",
                    );
                    return;
                }
                Err(ApiError::NotFound) => {
                    crate::show_problem(
                        "No preview: your organization has no such screen, layout or item.",
                    );
                    return;
                }
                Err(e) => {
                    self.error(format!("cannot load the preview: {e}"));
                    backoff.sleep().await;
                }
            }
        }
    }

    async fn load_preview(&self, path: &str) -> Result<(), ApiError> {
        let manifest = self.api.preview_manifest(path).await?;
        let loaded = Loaded::new(manifest, String::new()).map_err(ApiError::Decode)?;
        let stored = self.media.stored().await;
        for m in loaded.manifest.media() {
            if !stored.contains(&m.sha256) {
                let bytes = self.api.preview_media(&m.sha256).await?;
                self.media
                    .put(&m.sha256, &bytes)
                    .await
                    .map_err(ApiError::Decode)?;
            }
        }
        {
            let mut state = self.state.borrow_mut();
            state.loaded = Some(Rc::new(loaded));
            state.mode = Mode::Playing;
            state.online = true;
        }
        let _ = self.play_now.unbounded_send(());
        (self.repaint)();
        Ok(())
    }

    /// Shows a pairing code until someone claims it; returns the stored identity.
    async fn pair(&self) -> Identity {
        let mut backoff = Backoff::default();
        loop {
            let started = match self.api.pair_start().await {
                Ok(started) => started,
                Err(e) => {
                    self.set_online(false);
                    self.error(format!("cannot get a pairing code: {e}"));
                    backoff.sleep().await;
                    continue;
                }
            };
            self.set_online(true);
            self.state.borrow_mut().mode = Mode::Pairing {
                code: started.code.clone(),
            };
            (self.repaint)();
            loop {
                match self.api.pair_status(&started.secret, 25).await {
                    Ok(PairingStatus::Waiting { .. }) => backoff.reset(),
                    Ok(PairingStatus::Paired { screen_id, token }) => {
                        let identity = Identity { screen_id, token };
                        if let Err(e) = store::save_identity(&identity) {
                            self.error(e);
                        }
                        let mut state = self.state.borrow_mut();
                        state.mode = if state.loaded.is_some() {
                            Mode::Playing
                        } else {
                            Mode::Waiting
                        };
                        drop(state);
                        (self.repaint)();
                        return identity;
                    }
                    // Expired (or lost by a restarted server): show a new code.
                    Err(ApiError::Gone | ApiError::NotFound) => break,
                    Err(e) => {
                        self.set_online(false);
                        self.error(format!("waiting for the pairing: {e}"));
                        backoff.sleep().await;
                    }
                }
            }
        }
    }

    /// Syncs, listens and reports with the device token until the server refuses it.
    async fn serve(self: &Rc<Engine>, api: Api) {
        let tasks: Vec<Task> = vec![
            Box::pin(self.clone().sync_loop(api.clone())),
            Box::pin(self.clone().push_loop(api.clone())),
            Box::pin(self.clone().heartbeat_loop(api.clone())),
            Box::pin(self.clone().upload_loop(api.clone())),
            Box::pin(self.clone().clock_loop(api)),
        ];
        let _ = select_all(tasks).await;
    }

    /// Keeps the clock on the server's, as the native player does: five questions to
    /// `GET /api/player/v1/time` now and every five minutes, the shortest round trip counts
    /// (`vitrin_shared::clock`; `performance.now()` times them). A server without the endpoint
    /// leaves the heartbeat's rougher correction in charge.
    async fn clock_loop(self: Rc<Engine>, api: Api) -> ApiError {
        loop {
            let mut samples = Vec::new();
            let mut missing = false;
            for i in 0..5 {
                if i > 0 {
                    sleep(Duration::from_millis(50)).await;
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
                    Err(ApiError::NotFound) => missing = true,
                    Err(e) => tracing::info!("cannot read the server's clock: {e}"),
                }
            }
            if missing {
                return std::future::pending().await;
            }
            let wait = match self.clock.synchronise(&samples) {
                Some(estimate) => {
                    tracing::debug!(offset = ?estimate.offset, round_trip = ?estimate.round_trip,
                        "clock set by the server's");
                    // The play loop may be sleeping towards a change by the old clock.
                    let _ = self.play_now.unbounded_send(());
                    Duration::from_secs(5 * 60)
                }
                None => Duration::from_secs(15),
            };
            sleep(wait).await;
        }
    }

    /// Fetches the manifest when told to (push, heartbeat) and every `POLL` otherwise.
    async fn sync_loop(self: Rc<Engine>, api: Api) -> ApiError {
        let mut wake = self
            .sync_wake
            .borrow_mut()
            .take()
            .expect("one sync loop at a time");
        let mut backoff = Backoff::default();
        let result = loop {
            match self.sync_once(&api).await {
                Err(ApiError::Unauthorized) => break ApiError::Unauthorized,
                Err(e) => {
                    self.set_online(false);
                    self.error(format!("sync failed, keeping the current content: {e}"));
                    backoff.sleep().await;
                    continue;
                }
                Ok(()) => {
                    backoff.reset();
                    self.set_online(true);
                }
            }
            // While the push stream is up it announces every change, so the poll only
            // runs while it is down.
            loop {
                let told = match select(wake.next(), Box::pin(sleep(POLL))).await {
                    Either::Left((told, _)) => told.is_some(),
                    Either::Right(_) => false,
                };
                // Several wake-ups at once are one sync.
                while wake.try_recv().is_ok() {}
                if told || !self.push_up.get() {
                    break;
                }
            }
        };
        *self.sync_wake.borrow_mut() = Some(wake);
        result
    }

    /// One sync: a conditional GET, the missing blobs (each verified), then the swap.
    async fn sync_once(&self, api: &Api) -> Result<(), ApiError> {
        let etag = self.current().map(|l| l.etag.clone());
        let Some((manifest, etag)) = api.manifest(etag.as_deref()).await? else {
            return Ok(());
        };
        crate::set_page_time("vitrinManifestFetchedMs");
        let loaded = Loaded::new(manifest, etag).map_err(ApiError::Decode)?;
        let media = loaded.manifest.media();
        let stored = self.media.stored().await;
        let missing: Vec<_> = media
            .iter()
            .copied()
            .filter(|m| !stored.contains(&m.sha256))
            .collect();
        self.state.borrow_mut().progress = Progress {
            files_total: missing.len(),
            bytes_total: missing.iter().map(|m| m.size).sum(),
            ..Progress::default()
        };
        let result = self.download(api, &missing).await;
        self.state.borrow_mut().progress = Progress::default();
        (self.repaint)();
        result?;
        if let Err(e) = store::save_manifest(&loaded.manifest, &loaded.etag) {
            self.error(e);
        }
        let keep: HashSet<String> = media.iter().map(|m| m.sha256.clone()).collect();
        {
            let mut state = self.state.borrow_mut();
            state.loaded = Some(Rc::new(loaded));
            if state.mode == Mode::Waiting {
                state.mode = Mode::Playing;
            }
        }
        let _ = self.play_now.unbounded_send(());
        (self.repaint)();
        self.media.keep_only(&keep).await;
        self.state.borrow_mut().storage = store::estimate().await;
        Ok(())
    }

    async fn download(
        &self,
        api: &Api,
        missing: &[&vitrin_shared::content::MediaRef],
    ) -> Result<(), ApiError> {
        for m in missing {
            let bytes = api.media(&m.sha256).await?;
            let len = bytes.len() as u64;
            self.media
                .put(&m.sha256, &bytes)
                .await
                .map_err(ApiError::Decode)?;
            let mut state = self.state.borrow_mut();
            state.progress.files_done += 1;
            state.progress.bytes_done += len;
            drop(state);
            (self.repaint)();
        }
        Ok(())
    }

    /// Holds the push stream open, reconnecting with jittered exponential backoff.
    async fn push_loop(self: Rc<Engine>, api: Api) -> ApiError {
        let mut backoff = Backoff::default();
        let mut last_id: Option<String> = None;
        loop {
            match api.events(last_id.as_deref()).await {
                Ok(mut stream) => {
                    backoff.reset();
                    self.push_up.set(true);
                    self.set_online(true);
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
            self.push_up.set(false);
            // The poll takes over until the stream is back.
            let _ = self.sync_now.unbounded_send(());
            backoff.sleep().await;
        }
    }

    async fn on_push(&self, api: &Api, event: PushEvent) {
        match event {
            PushEvent::Manifest { version } => {
                crate::set_page_time("vitrinPushedMs");
                if self.current().is_none_or(|l| l.manifest.version != version) {
                    let _ = self.sync_now.unbounded_send(());
                }
            }
            PushEvent::Emergency { text, .. } => {
                let version = self.current().map_or(0, |l| l.manifest.version);
                self.state.borrow_mut().pushed_emergency = Some((text, version));
                (self.repaint)();
                // The manifest carries the emergency rule; fetch it now.
                let _ = self.sync_now.unbounded_send(());
            }
            PushEvent::Command { id, command } => {
                let result = self.execute(command);
                let ack = CommandAck {
                    id,
                    ok: result.is_ok(),
                    error: result.err(),
                };
                if let Err(e) = api.ack(&ack).await {
                    tracing::warn!("cannot acknowledge command {}: {e}", id.0);
                }
                if command == Command::Restart {
                    // A browser player's restart is a reload of the page (the app cache
                    // serves it if the server went away meanwhile).
                    let _ = crate::window().location().reload();
                }
            }
        }
    }

    fn execute(&self, command: Command) -> Result<(), String> {
        match command {
            Command::Refresh => {
                let _ = self.sync_now.unbounded_send(());
            }
            Command::Reload => {
                let _ = self.play_now.unbounded_send(());
            }
            Command::Identify => {
                let name = self
                    .current()
                    .map_or_else(|| "Vitrin".into(), |l| l.manifest.screen.name.clone());
                self.state.borrow_mut().identify = Some((name, Instant::now() + IDENTIFY_FOR));
            }
            Command::Screenshot => self.state.borrow_mut().screenshot_wanted = true,
            Command::Restart => {}
            Command::Wake => {
                // The window draws again below; the play loop sees it within a second.
                self.state.borrow_mut().woken_until = Some(self.clock.now() + WAKE_FOR);
            }
        }
        (self.repaint)();
        Ok(())
    }

    /// Uploads a screenshot the window took.
    pub async fn upload_screenshot(&self, png: Vec<u8>) {
        let api = self.device.borrow().clone();
        if let Some(api) = api
            && let Err(e) = api.screenshot(&png).await
        {
            tracing::warn!("cannot upload the screenshot: {e}");
        }
    }

    /// Reports status every heartbeat interval; the answer corrects the clock and may tell
    /// of a manifest this player missed.
    async fn heartbeat_loop(self: Rc<Engine>, api: Api) -> ApiError {
        loop {
            let current = self.current();
            let (usage, quota) = self.state.borrow().storage.unwrap_or((0, 0));
            let beat = Heartbeat {
                player_version: env!("CARGO_PKG_VERSION").into(),
                uptime_secs: self.started.elapsed().as_secs(),
                manifest_version: current.as_ref().map(|l| l.manifest.version),
                showing: current
                    .as_ref()
                    .map(|l| now_showing(&l.schedule.resolve(self.clock.now(), &l.tz)))
                    .unwrap_or_default(),
                cache_bytes: usage,
                disk_free_bytes: quota.saturating_sub(usage),
                last_error: self.state.borrow().last_error.clone(),
                sent_at: self.clock.now(),
                platform: Some(crate::platform()),
                panel: Some({
                    let plan = self.panel_plan();
                    PanelReport {
                        on: plan.on,
                        asleep_by_schedule: plan.asleep_by_schedule,
                        control: PowerControl::BlackScreen,
                    }
                }),
            };
            match api.heartbeat(&beat).await {
                Ok(reply) => {
                    self.set_online(true);
                    if let Ok(server) = Timestamp::from_millisecond(reply.server_time) {
                        self.clock.observe_server_time(server);
                    }
                    if current
                        .as_ref()
                        .is_none_or(|l| l.manifest.version as i64 != reply.manifest_version)
                    {
                        let _ = self.sync_now.unbounded_send(());
                    }
                }
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                Err(e) => tracing::info!("heartbeat failed: {e}"),
            }
            let interval = current.map_or(60, |l| l.manifest.screen.heartbeat_secs.max(5));
            sleep(Duration::from_secs(u64::from(interval))).await;
        }
    }

    /// Sends the pending proof of play, oldest first, every few seconds.
    async fn upload_loop(self: Rc<Engine>, api: Api) -> ApiError {
        loop {
            match self.upload_once(&api).await {
                Err(ApiError::Unauthorized) => return ApiError::Unauthorized,
                Err(e) => tracing::info!("proof-of-play upload failed: {e}"),
                Ok(()) => {}
            }
            sleep(Duration::from_secs(5)).await;
        }
    }

    async fn upload_once(&self, api: &Api) -> Result<(), ApiError> {
        loop {
            let records: Vec<_> = store::pending_plays()
                .into_iter()
                .take(PLAYS_PER_BATCH)
                .collect();
            if records.is_empty() {
                return Ok(());
            }
            let count = records.len();
            match api.plays(&ProofOfPlayBatch { records }).await {
                Ok(reply) => {
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
                // The whole batch refused: sending it again would be refused again.
                Err(ApiError::Status {
                    status: 422,
                    detail,
                }) => self.error(format!(
                    "the server refused {count} proof-of-play records: {detail}"
                )),
                Err(e) => return Err(e),
            }
            if let Err(e) = store::confirm_plays(count) {
                self.error(e);
                return Ok(());
            }
        }
    }

    /// Decides what shows at every change and writes proof of play down, from the stored
    /// manifest and the clock alone.
    async fn play(self: Rc<Engine>) {
        let mut wake = self.play_wake.borrow_mut().take().expect("one play loop");
        let mut plays = PlayTracker::default();
        loop {
            let next = match self.current() {
                None => Duration::from_secs(1),
                Some(loaded) => {
                    let now = self.clock.now();
                    let resolution = loaded.schedule.resolve(now, &loaded.tz);
                    let showing = Showing::of(&resolution, loaded.manifest.version);
                    let changed = {
                        let mut state = self.state.borrow_mut();
                        let newer = state
                            .pushed_emergency
                            .as_ref()
                            .is_some_and(|(_, under)| showing.manifest_version > *under);
                        if showing.emergency.is_some() || newer {
                            state.pushed_emergency = None;
                        }
                        let changed = state.showing.as_ref() != Some(&showing);
                        state.showing = Some(showing);
                        changed
                    };
                    if changed {
                        crate::set_page_time("vitrinShowingChangedMs");
                        (self.repaint)();
                    }
                    // Nothing is seen while the screen is black: no proof of play.
                    let plan = self.panel_plan();
                    let dark = Resolution::dark(now);
                    let seen = if plan.on { &resolution } else { &dark };
                    let ended = plays.look(seen, now, &mut crate::random_id);
                    if !ended.is_empty() && !self.preview {
                        match store::record_plays(&ended) {
                            Ok(0) => {}
                            Ok(dropped) => self.error(format!(
                                "{dropped} old proof-of-play records dropped: the server was \
                                 away too long"
                            )),
                            Err(e) => self.error(e),
                        }
                    }
                    [resolution.next_redraw(), plan.until]
                        .into_iter()
                        .flatten()
                        .min()
                        .map_or(Duration::from_secs(1), |at| self.clock.real_until(at))
                        .clamp(Duration::from_millis(5), Duration::from_secs(1))
                }
            };
            if let Either::Left((Some(()), _)) = select(wake.next(), Box::pin(sleep(next))).await {
                // A reload command: draw the current view afresh.
                self.state.borrow_mut().showing = None;
            }
        }
    }
}
