//! What a player shows, derived from a schedule `Resolution`: the view its window draws
//! (`Showing`), what its heartbeat reports (`now_showing`) and its proof of play
//! (`PlayTracker`). Pure functions of the resolution and the clock, so the native player and
//! the browser player report exactly the same.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use crate::events::{NowShowing, ProofOfPlay};
use crate::ids::{ContentId, LayoutId, PlaylistId, RuleId};
use crate::schedule::{LayerPlay, Resolution};

/// What the screen shows, as the JSON line `{"event":"showing",...}` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Showing {
    pub manifest_version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main: Option<LayerView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<LayerView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency: Option<LayerView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayerView {
    /// `None` for the default layout.
    pub rule: Option<i64>,
    pub layout: Option<i64>,
    /// Zone name → content id (`None`: nothing valid in its playlist now).
    pub zones: BTreeMap<String, Option<i64>>,
}

impl Showing {
    pub fn of(resolution: &Resolution, manifest_version: u64) -> Showing {
        let view = |layer: &LayerPlay| LayerView {
            rule: layer.selected.rule.map(|r| r.0),
            layout: layer.layout.map(|l| l.0),
            zones: layer
                .zones
                .iter()
                .map(|z| (z.zone.clone(), z.entry.map(|e| e.content.0)))
                .collect(),
        };
        Showing {
            manifest_version,
            main: resolution.main.as_ref().map(view),
            overlays: resolution.overlays.iter().map(view).collect(),
            emergency: resolution.emergency.as_ref().map(view),
        }
    }
}

/// How far the current download batch has come, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub files_total: usize,
    pub files_done: usize,
    pub bytes_total: u64,
    pub bytes_done: u64,
}

/// Every layer of a resolution: main, overlays, emergency.
pub fn layers(resolution: &Resolution) -> impl Iterator<Item = &LayerPlay> {
    resolution
        .main
        .iter()
        .chain(&resolution.overlays)
        .chain(&resolution.emergency)
}

/// The layers under the names proof of play keys zones by ("main", "overlay0", "emergency").
fn named_layers(resolution: &Resolution) -> Vec<(String, &LayerPlay)> {
    let mut out: Vec<(String, &LayerPlay)> = Vec::new();
    out.extend(resolution.main.iter().map(|l| ("main".to_owned(), l)));
    out.extend(
        resolution
            .overlays
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("overlay{i}"), l)),
    );
    out.extend(
        resolution
            .emergency
            .iter()
            .map(|l| ("emergency".to_owned(), l)),
    );
    out
}

/// What the heartbeat reports as showing: one entry per zone that shows something.
pub fn now_showing(resolution: &Resolution) -> Vec<NowShowing> {
    layers(resolution)
        .flat_map(|layer| {
            layer.zones.iter().filter_map(move |zone| {
                zone.entry.map(|entry| NowShowing {
                    zone: zone.zone.clone(),
                    layout: layer.layout,
                    playlist: zone.playlist,
                    content: entry.content,
                })
            })
        })
        .collect()
}

/// Follows what plays in each zone from look to look and turns every play that ended into a
/// proof-of-play record.
#[derive(Debug, Default)]
pub struct PlayTracker {
    playing: HashMap<String, Playing>,
    /// When the last look was taken.
    previous: Option<Timestamp>,
}

impl PlayTracker {
    /// Looks at `resolution` at `now`: closes the plays that ended (returned as records, each
    /// with 6 bytes from `random` in its id) and opens the ones that began. A play first seen
    /// now began no earlier than the previous look (or now, when the player has just started
    /// and cannot know).
    pub fn look(
        &mut self,
        resolution: &Resolution,
        now: Timestamp,
        random: &mut dyn FnMut() -> [u8; 6],
    ) -> Vec<ProofOfPlay> {
        let mut current: HashMap<String, Playing> = HashMap::new();
        for (kind, layer) in named_layers(resolution) {
            for zone in &layer.zones {
                let Some(entry) = zone.entry else { continue };
                let key = format!("{kind}/{}", zone.zone);
                let mut play = Playing {
                    content: entry.content.0,
                    playlist: zone.playlist.0,
                    layout: layer.layout.map(|l| l.0),
                    rule: layer.selected.rule.map(|r| r.0),
                    zone: zone.zone.clone(),
                    began: entry.since,
                    counted_from: entry.since.max(self.previous.unwrap_or(now)),
                };
                if let Some(before) = self.playing.get(&key).filter(|b| b.same_showing(&play)) {
                    play.counted_from = before.counted_from;
                }
                current.insert(key, play);
            }
        }
        let mut ended = Vec::new();
        for (key, before) in &self.playing {
            let next = current.get(key);
            if next.is_some_and(|p| p.same_showing(before)) {
                continue;
            }
            // Replaced in its zone: it ended when its successor began, not at this look.
            let end = next.map_or(now, |p| p.counted_from);
            ended.push(before.finished(end, random()));
        }
        self.playing = current;
        self.previous = Some(now);
        ended
    }
}

/// What plays in one zone, for proof of play.
#[derive(Debug, Clone)]
struct Playing {
    content: i64,
    playlist: i64,
    layout: Option<i64>,
    rule: Option<i64>,
    zone: String,
    /// When this showing began by the schedule.
    began: Timestamp,
    /// When this player saw it begin.
    counted_from: Timestamp,
}

impl Playing {
    fn same_showing(&self, other: &Playing) -> bool {
        (
            self.content,
            self.playlist,
            self.layout,
            self.rule,
            &self.zone,
            self.began,
        ) == (
            other.content,
            other.playlist,
            other.layout,
            other.rule,
            &other.zone,
            other.began,
        )
    }

    fn finished(&self, now: Timestamp, random: [u8; 6]) -> ProofOfPlay {
        let suffix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        ProofOfPlay {
            event_id: format!("{}-{suffix}", self.counted_from.as_millisecond()),
            content: ContentId(self.content),
            playlist: PlaylistId(self.playlist),
            layout: self.layout.map(LayoutId),
            rule: self.rule.map(RuleId),
            zone: self.zone.clone(),
            started_at: self.counted_from,
            ended_at: now.max(self.counted_from),
        }
    }
}
