//! The stage: draws the layers and zones of what the schedule shows, each zone with its current
//! item and the next one coming in once it is ready. The same on the native window and in the
//! browser; the host (`Host`) supplies decoded pictures and plays videos its own way.
//!
//! Zones are placed where the layout says ([`Layout::areas`]: a preset's zones or a free
//! layout's own), exactly as stored, in every language (nothing is mirrored); overlay zones are
//! drawn after the others.
//!
//! Transitions never show an empty zone: the outgoing item stays drawn until it is covered,
//! and the incoming one starts moving only once its renderer reports `Shown`.
//! - fade: the incoming item's opacity goes from 0 to 1 over the outgoing one;
//! - slide: the incoming item slides in over the outgoing one, which stays still;
//! - push: the incoming item pushes the outgoing one out; their edges touch all the way.
//!
//! Slides and pushes come in from the zone's left edge and move right. Vitrin's screens are
//! Persian first: in a right-to-left row the next item lies to the left, as the next page of
//! a Persian book does, so content moving rightwards reads as "next". Both are clipped to the
//! zone and eased out ([`ease`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use vitrin_shared::content::{ContentKind, MediaRef};
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::FeedId;
use vitrin_shared::layout::{Layout, Template};
use vitrin_shared::manifest::Manifest;
use vitrin_shared::playlist::Transition;
use vitrin_shared::schedule::Target;
use vitrin_shared::showing::{LayerView, Showing};
use web_time::Instant;

use crate::text::{Palette, TextCache};
use crate::{Env, MediaTextures, Outcome, Seams, emergency, render};

/// Animation (fades) is capped at about this frame rate.
pub const FRAME: Duration = Duration::from_millis(33);

/// What the stage needs from the program it runs in.
pub trait Host: MediaTextures {
    /// Shows video `content` (file `media`) in `rect` of the zone `key`.
    fn video(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        content: i64,
        media: &MediaRef,
        muted: bool,
    ) -> Outcome;

    /// Stops the videos for which `keep(zone key, content)` is false.
    fn keep_videos(&mut self, keep: &dyn Fn(&str, i64) -> bool);
}

/// One zone's items: the one on screen and the one fading in.
#[derive(Default)]
struct ZoneSlot {
    current: Option<Shown>,
    incoming: Option<Incoming>,
    /// Content that failed here; skipped until the manifest changes.
    failed: HashSet<i64>,
}

#[derive(Clone, Copy)]
struct Shown {
    content: i64,
    since: Instant,
}

struct Incoming {
    content: i64,
    since: Instant,
    /// When the transition began (the item reported `Shown` for the first time).
    fade_from: Option<Instant>,
    fade: Duration,
    motion: Motion,
    /// How far the transition had come when last drawn (0–1, before easing).
    progress: f32,
}

/// How an incoming item replaces the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Fade,
    Slide,
    Push,
}

/// The easing of slides and pushes: fast at first, settling gently (cubic ease-out).
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    1.0 - (1.0 - t).powi(3)
}

/// Where the incoming and the outgoing item are laid out in `zone` when a slide or push has
/// come `progress` (0–1, before easing) of the way: (incoming, outgoing). Offsets are whole
/// pixels, and under a push the outgoing item reaches one pixel under the incoming one, so no
/// seam of background shows between them.
pub fn motion_rects(zone: egui::Rect, motion: Motion, progress: f32) -> (egui::Rect, egui::Rect) {
    let w = zone.width();
    // The incoming item's left edge is `w - covered` pixels right of the zone's left edge
    // (it enters from the left, so it is placed at `covered - w`).
    let covered = (ease(progress) * w).round();
    let incoming = zone.translate(egui::vec2(covered - w, 0.0));
    let outgoing = match motion {
        Motion::Push => zone.translate(egui::vec2((covered - 1.0).max(0.0), 0.0)),
        Motion::Slide | Motion::Fade => zone,
    };
    (incoming, outgoing)
}

#[derive(Default)]
pub struct Stage {
    /// Zones by "layer/zone".
    zones: HashMap<String, ZoneSlot>,
    pub text: TextCache,
    feeds: BTreeMap<FeedId, FeedSnapshot>,
    /// The colours of the manifest's brand kit.
    palette: Palette,
    /// The manifest version the zones and feeds were checked against.
    checked_version: Option<u64>,
    /// Where the screens of the wall this screen belongs to meet, on the canvas drawn.
    seams: Seams,
    /// The host clears every frame to `palette().background` (`on_cleared_frames`).
    frames_cleared: bool,
}

/// Draws with `draw(ui, canvas)` on a screen that may be a tile of a wall: the canvas is
/// then the whole wall (the screen's size times the wall's columns and rows), placed so that
/// this tile's part of it falls on `screen`, and everything is clipped to `screen`. Every tile
/// plays the same layout at the same (server) time, so a picture spans the wall and a menu
/// flows across it. A screen of its own draws on `screen` itself.
pub fn on_wall<R>(
    ui: &mut egui::Ui,
    screen: egui::Rect,
    wall: Option<vitrin_shared::manifest::WallTile>,
    draw: impl FnOnce(&mut egui::Ui, egui::Rect) -> R,
) -> R {
    let Some(tile) = wall else {
        return draw(ui, screen);
    };
    let (x, y, w, h) = tile.canvas((screen.min.x, screen.min.y), screen.size().into());
    let canvas = egui::Rect::from_min_size(egui::pos2(x, y), egui::vec2(w, h));
    let mut wall = ui.new_child(egui::UiBuilder::new().max_rect(canvas));
    wall.set_clip_rect(screen.intersect(ui.clip_rect()));
    draw(&mut wall, canvas)
}

/// A zone's transition in progress, for diagnostics and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransitionState {
    pub from: i64,
    pub to: i64,
    pub motion: Motion,
    /// 0–1, before easing, as of the last frame drawn.
    pub progress: f32,
}

impl Stage {
    /// A stage for a window that clears every frame to `palette().background` (its clear
    /// colour): a main-layer zone showing one item then leaves out its background fill. An
    /// overlay zone, an overlay layer's zone or a zone in a transition still paints it, over
    /// what lies beneath.
    pub fn on_cleared_frames() -> Stage {
        Stage {
            frames_cleared: true,
            ..Stage::default()
        }
    }

    /// On a new manifest: forget failures (the files may be new), index the feeds, and log
    /// layout bindings that name zones their template lacks (they are ignored). Returns
    /// whether the manifest was new.
    pub fn check_manifest(&mut self, manifest: &Manifest) -> bool {
        if self.checked_version == Some(manifest.version) {
            return false;
        }
        self.checked_version = Some(manifest.version);
        for slot in self.zones.values_mut() {
            slot.failed.clear();
        }
        self.feeds = manifest.feeds.iter().map(|f| (f.feed, f.clone())).collect();
        self.palette = Palette::of(&manifest.screen.brand);
        self.text.set_typeface(manifest.screen.brand.typeface);
        for layout in &manifest.layouts {
            for binding in &layout.zones {
                if !layout.has_zone(&binding.zone) {
                    tracing::warn!(
                        "layout {:?} binds zone {:?}, which it lacks: ignored",
                        layout.name,
                        binding.zone,
                    );
                }
            }
        }
        true
    }

    /// The transition under way in zone `key` ("main/side"), if any has started.
    pub fn transition(&self, key: &str) -> Option<TransitionState> {
        let slot = self.zones.get(key)?;
        let incoming = slot.incoming.as_ref()?;
        Some(TransitionState {
            from: slot.current?.content,
            to: incoming.content,
            motion: incoming.motion,
            progress: incoming.progress,
        })
    }

    /// The colours of the last manifest checked (Vitrin's own before any): the window clears
    /// to its background, so an empty zone or a gap is never black.
    pub fn palette(&self) -> Palette {
        self.palette
    }

    /// Draws every layer of `showing` (and an emergency pushed ahead of its manifest) over
    /// `screen`; returns whether any zone shows content.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &mut self,
        ui: &mut egui::Ui,
        screen: egui::Rect,
        showing: &Showing,
        manifest: &Manifest,
        now: &jiff::Zoned,
        pushed_emergency: Option<&str>,
        host: &mut dyn Host,
    ) -> bool {
        self.check_manifest(manifest);
        // `screen` is the whole wall's canvas when this screen is a tile of one (`on_wall`).
        self.seams = Seams::of_wall(screen, manifest.screen.wall);
        let mut touched = HashSet::new();
        let mut any_shown = false;
        let layers = showing.main.iter().map(|l| ("main".to_owned(), l)).chain(
            showing
                .overlays
                .iter()
                .enumerate()
                .map(|(i, l)| (format!("overlay{i}"), l)),
        );
        for (name, layer) in layers {
            any_shown |=
                self.draw_layer(ui, screen, &name, layer, manifest, now, &mut touched, host);
        }
        // The emergency pre-empts everything: drawn last, over the whole screen.
        if let Some(layer) = &showing.emergency {
            ui.painter().rect_filled(screen, 0.0, emergency::FIELD);
            any_shown |= self.draw_layer(
                ui,
                screen,
                "emergency",
                layer,
                manifest,
                now,
                &mut touched,
                host,
            );
        } else if let Some(text) = pushed_emergency {
            let mut env = Env {
                now,
                shown_for: 0.0,
                text: &mut self.text,
                media: host,
                feeds: &self.feeds,
                brand: &manifest.screen.brand,
                palette: self.palette,
                seams: &self.seams,
                on_cleared_frame: false,
            };
            emergency::show(ui, screen, text, &mut env);
            any_shown = true;
        }
        self.zones.retain(|key, _| touched.contains(key));
        let zones = &self.zones;
        host.keep_videos(&|zone, content| {
            zones.get(zone).is_some_and(|slot| {
                slot.current.is_some_and(|c| c.content == content)
                    || slot.incoming.as_ref().is_some_and(|i| i.content == content)
            })
        });
        any_shown
    }

    /// Draws one layer's zones; returns whether any zone shows content.
    #[allow(clippy::too_many_arguments)]
    fn draw_layer(
        &mut self,
        ui: &mut egui::Ui,
        screen: egui::Rect,
        name: &str,
        layer: &LayerView,
        manifest: &Manifest,
        now: &jiff::Zoned,
        touched: &mut HashSet<String>,
        host: &mut dyn Host,
    ) -> bool {
        let layout = layout_of(manifest, layer);
        // The layout's own zones in drawing order (overlays last); a playlist fills the screen.
        let areas = match layout {
            Some(layout) => layout.areas_in_drawing_order(),
            None => Template::Fullscreen.regions(),
        };
        for zone in layer.zones.keys() {
            if !areas.iter().any(|a| &a.name == zone) {
                tracing::warn!("zone {zone:?} is not in the layout: ignored");
            }
        }
        let mut any_shown = false;
        for area in &areas {
            let Some(content) = layer.zones.get(&area.name) else {
                continue;
            };
            let rect = zone_rect(screen, area.rect);
            let key = format!("{name}/{}", area.name);
            touched.insert(key.clone());
            let entries = zone_entries(manifest, layer, &area.name);
            // Only the main layer's own zones lie straight on the frame; an overlay zone (of
            // this layout or of an overlay layer) lies over others.
            let on_frame = name == "main" && !area.overlay;
            any_shown |= self.draw_zone(
                ui, rect, &key, on_frame, *content, &entries, manifest, now, host,
            );
        }
        any_shown
    }

    /// Draws a zone: the current item, and the wanted one fading in once it is ready.
    /// `on_frame`: nothing is drawn under the zone but the cleared frame.
    #[allow(clippy::too_many_arguments)]
    fn draw_zone(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        key: &str,
        on_frame: bool,
        wanted: Option<i64>,
        entries: &[(i64, Transition)],
        manifest: &Manifest,
        now: &jiff::Zoned,
        host: &mut dyn Host,
    ) -> bool {
        let mut slot = self.zones.remove(key).unwrap_or_default();
        let target = wanted.and_then(|w| next_good(w, entries, &slot.failed));
        if target != slot.current.map(|c| c.content)
            && target != slot.incoming.as_ref().map(|i| i.content)
        {
            slot.incoming = target.map(|content| {
                let (motion, fade) = motion_of(content, entries);
                Incoming {
                    content,
                    since: Instant::now(),
                    fade_from: None,
                    fade,
                    motion,
                    progress: 0.0,
                }
            });
        }
        if target.is_none() {
            slot.incoming = None;
            slot.current = None;
        }
        // How far the incoming item has come: 0 until it is ready, 1 with nothing to replace.
        if let Some(incoming) = slot.incoming.as_mut() {
            incoming.progress = match incoming.fade_from {
                _ if slot.current.is_none() => 1.0,
                Some(from) if !incoming.fade.is_zero() => {
                    (from.elapsed().as_secs_f32() / incoming.fade.as_secs_f32()).min(1.0)
                }
                Some(_) => 1.0,
                None => 0.0,
            };
        }
        let (motion, progress) = slot
            .incoming
            .as_ref()
            .map_or((Motion::Fade, 0.0), |i| (i.motion, i.progress));
        let (incoming_rect, outgoing_rect) = motion_rects(rect, motion, progress);
        // One item alone in a zone on the frame lies straight on the cleared frame.
        let on_cleared_frame =
            self.frames_cleared && on_frame && (slot.current.is_none() || slot.incoming.is_none());
        if let Some(current) = slot.current {
            let outcome = self.draw_item(
                ui,
                outgoing_rect,
                rect,
                key,
                current.content,
                current.since,
                1.0,
                on_cleared_frame,
                manifest,
                now,
                host,
            );
            if let Outcome::Failed(reason) = outcome {
                self.fail(&mut slot, current.content, &reason);
                slot.current = None;
            }
        }
        if let Some(incoming) = slot.incoming.as_mut() {
            let (place, opacity) = match incoming.motion {
                Motion::Fade => (rect, incoming.progress),
                Motion::Slide | Motion::Push if slot.current.is_none() => (rect, 1.0),
                // Not ready yet: laid out just outside the zone, clipped away, still loading.
                Motion::Slide | Motion::Push => (incoming_rect, 1.0),
            };
            let (content, since) = (incoming.content, incoming.since);
            match self.draw_item(
                ui,
                place,
                rect,
                key,
                content,
                since,
                opacity,
                on_cleared_frame,
                manifest,
                now,
                host,
            ) {
                Outcome::Shown => {
                    let fade_from = *incoming.fade_from.get_or_insert_with(Instant::now);
                    let done = slot.current.is_none() || fade_from.elapsed() >= incoming.fade;
                    if done {
                        slot.current = Some(Shown { content, since });
                        slot.incoming = None;
                        // One more frame draws it alone at full strength.
                        ui.ctx().request_repaint();
                    } else {
                        ui.ctx().request_repaint_after(FRAME);
                    }
                }
                Outcome::NotReady => {}
                Outcome::Failed(reason) => {
                    self.fail(&mut slot, content, &reason);
                    slot.incoming = None;
                    // The next good entry is chosen on the next frame.
                    ui.ctx().request_repaint();
                }
            }
        }
        let shown = slot.current.is_some();
        self.zones.insert(key.to_owned(), slot);
        shown
    }

    fn fail(&mut self, slot: &mut ZoneSlot, content: i64, reason: &str) {
        tracing::warn!("content {content} cannot be shown, skipping it: {reason}");
        slot.failed.insert(content);
    }

    /// Dispatches one item to its renderer, laid out in `rect`, clipped to the zone `clip`, at
    /// `opacity`.
    #[allow(clippy::too_many_arguments)]
    fn draw_item(
        &mut self,
        ui: &mut egui::Ui,
        rect: egui::Rect,
        clip: egui::Rect,
        key: &str,
        content: i64,
        since: Instant,
        opacity: f32,
        on_cleared_frame: bool,
        manifest: &Manifest,
        now: &jiff::Zoned,
        host: &mut dyn Host,
    ) -> Outcome {
        let Some(item) = manifest.content.iter().find(|c| c.id.0 == content) else {
            return Outcome::Failed(format!("content {content} is not in the manifest"));
        };
        let mut inner = ui.new_child(egui::UiBuilder::new().max_rect(rect));
        inner.set_clip_rect(clip.intersect(ui.clip_rect()));
        inner.set_opacity(opacity);
        if let ContentKind::Video { media, muted } = &item.kind {
            return host.video(&mut inner, rect, key, content, media, *muted);
        }
        let mut env = Env {
            now,
            shown_for: since.elapsed().as_secs_f64(),
            text: &mut self.text,
            media: host,
            feeds: &self.feeds,
            brand: &manifest.screen.brand,
            palette: self.palette,
            seams: &self.seams,
            on_cleared_frame,
        };
        match &item.kind {
            // An emergency message keeps its red field whatever zone it lands in.
            ContentKind::Text { title, body, .. } if key.starts_with("emergency/") => {
                let message = [title.as_str(), body.as_str()]
                    .iter()
                    .filter(|t| !t.trim().is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n");
                emergency::show(&mut inner, rect, &message, &mut env)
            }
            _ => render(&mut inner, rect, item, &mut env),
        }
    }
}

/// The entries (content and transition) of the playlist a zone of `layer` plays.
fn zone_entries(manifest: &Manifest, layer: &LayerView, zone: &str) -> Vec<(i64, Transition)> {
    let playlist = match layer.layout {
        Some(id) => manifest
            .layouts
            .iter()
            .find(|l| l.id.0 == id)
            .and_then(|l| l.playlist_of(zone)),
        None => layer
            .rule
            .and_then(|rule| manifest.rules.iter().find(|r| r.id.0 == rule))
            .and_then(|r| match r.target {
                Target::Playlist(p) => Some(p),
                Target::Layout(_) => None,
            }),
    };
    playlist
        .and_then(|p| manifest.playlists.iter().find(|pl| pl.id == p))
        .map(|p| {
            p.entries
                .iter()
                .map(|e| (e.content.0, e.transition))
                .collect()
        })
        .unwrap_or_default()
}

/// `wanted`, or when it failed the next entry after it (in playlist order, wrapping) that has
/// not failed; `None` when nothing in the playlist can be shown.
fn next_good(wanted: i64, entries: &[(i64, Transition)], failed: &HashSet<i64>) -> Option<i64> {
    if !failed.contains(&wanted) {
        return Some(wanted);
    }
    let start = entries.iter().position(|(c, _)| *c == wanted)?;
    (1..entries.len())
        .map(|step| entries[(start + step) % entries.len()].0)
        .find(|c| !failed.contains(c))
}

/// A zone's place on `screen`, from its fractions of the screen.
pub fn zone_rect(screen: egui::Rect, r: vitrin_shared::layout::Rect) -> egui::Rect {
    egui::Rect::from_min_size(
        screen.min + egui::vec2(r.x * screen.width(), r.y * screen.height()),
        egui::vec2(r.w * screen.width(), r.h * screen.height()),
    )
}

/// How `content` comes in and for how long, by its playlist entry (a cut is immediate).
fn motion_of(content: i64, entries: &[(i64, Transition)]) -> (Motion, Duration) {
    let ms = |ms: u32| Duration::from_millis(u64::from(ms));
    match entries.iter().find(|(c, _)| *c == content).map(|(_, t)| *t) {
        Some(Transition::Fade { ms: m }) => (Motion::Fade, ms(m)),
        Some(Transition::Slide { ms: m }) => (Motion::Slide, ms(m)),
        Some(Transition::Push { ms: m }) => (Motion::Push, ms(m)),
        Some(Transition::Cut) | None => (Motion::Fade, Duration::ZERO),
    }
}

/// The layout a layer shows, if it shows one.
pub fn layout_of<'a>(manifest: &'a Manifest, layer: &LayerView) -> Option<&'a Layout> {
    layer
        .layout
        .and_then(|id| manifest.layouts.iter().find(|l| l.id.0 == id))
}

/// The screen's name over everything (the `identify` command), so a person can tell which
/// screen is which.
pub fn paint_identify(ui: &mut egui::Ui, screen: egui::Rect, name: &str, text: &mut TextCache) {
    let band = egui::Rect::from_center_size(screen.center(), screen.size() * egui::vec2(1.0, 0.3));
    ui.painter()
        .rect_filled(band, 0.0, egui::Color32::from_black_alpha(220));
    let style = crate::text::TextStyle::new(
        band.height() * 0.5,
        egui::Color32::WHITE,
        crate::text::Direction::of_text(name),
    )
    .align(crate::text::Align::Center);
    text.paint(
        ui,
        band.shrink(band.height() * 0.1),
        name,
        &style,
        crate::text::Flow::Line,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_item_is_skipped_to_the_next_good_one() {
        let entries = [
            (1, Transition::Cut),
            (2, Transition::Cut),
            (3, Transition::Fade { ms: 400 }),
        ];
        let failed: HashSet<i64> = [2].into();
        assert_eq!(next_good(1, &entries, &failed), Some(1));
        assert_eq!(next_good(2, &entries, &failed), Some(3));
        let all: HashSet<i64> = [1, 2, 3].into();
        assert_eq!(next_good(2, &entries, &all), None);
        assert_eq!(
            motion_of(3, &entries),
            (Motion::Fade, Duration::from_millis(400))
        );
        assert_eq!(motion_of(1, &entries).1, Duration::ZERO);
        let moving = [
            (4, Transition::Slide { ms: 500 }),
            (5, Transition::Push { ms: 300 }),
        ];
        assert_eq!(
            motion_of(4, &moving),
            (Motion::Slide, Duration::from_millis(500))
        );
        assert_eq!(
            motion_of(5, &moving),
            (Motion::Push, Duration::from_millis(300))
        );
    }

    #[test]
    fn slides_and_pushes_cover_the_zone_at_every_step() {
        let zone = egui::Rect::from_min_size(egui::pos2(100.0, 50.0), egui::vec2(640.0, 360.0));
        for motion in [Motion::Slide, Motion::Push] {
            let (incoming, outgoing) = motion_rects(zone, motion, 0.0);
            assert_eq!(
                outgoing, zone,
                "{motion:?} starts with the outgoing item in place"
            );
            assert_eq!(
                incoming.max.x, zone.min.x,
                "and the incoming one just outside"
            );
            let (incoming, _) = motion_rects(zone, motion, 1.0);
            assert_eq!(
                incoming, zone,
                "{motion:?} ends with the incoming item in place"
            );
            for step in 0..=100 {
                let p = step as f32 / 100.0;
                let (incoming, outgoing) = motion_rects(zone, motion, p);
                // Enters from the left, moving right.
                assert!(incoming.min.x <= zone.min.x && incoming.max.x >= zone.min.x);
                // Every column of the zone is covered by one of them.
                assert!(
                    outgoing.min.x <= incoming.max.x && outgoing.max.x >= zone.max.x,
                    "{motion:?} at {p}: a gap between {incoming:?} and {outgoing:?}"
                );
                assert_eq!(incoming.height(), zone.height());
            }
        }
        let (_, outgoing) = motion_rects(zone, Motion::Push, 0.5);
        assert!(
            outgoing.min.x > zone.min.x,
            "a push moves the outgoing item along"
        );
        let (_, outgoing) = motion_rects(zone, Motion::Slide, 0.5);
        assert_eq!(outgoing, zone, "a slide leaves it where it is");
    }
}
