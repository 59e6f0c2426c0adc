//! Layouts: a template of zones, each zone bound to a playlist.

use crate::ids::{LayoutId, PlaylistId};
use crate::input::{Accept, check_line, normalize_line};
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A zone's place on the screen, in fractions of the screen (0.0–1.0), origin top-left.
/// Right-to-left layouts mirror `x` at render time; the template stays the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One zone of a template.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneSpec {
    pub name: &'static str,
    pub rect: Rect,
}

/// The zone templates a layout can use. Portrait variants are for screens mounted on end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Template {
    Fullscreen,
    MainTicker,
    MainSideTicker,
    PortraitFullscreen,
    PortraitMainTicker,
    PortraitMainSideTicker,
    /// Only a ticker bar at the bottom: for overlays on top of another layout.
    TickerBar,
}

const fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
    Rect { x, y, w, h }
}

const fn zone(name: &'static str, rect: Rect) -> ZoneSpec {
    ZoneSpec { name, rect }
}

impl Template {
    pub const ALL: [Template; 7] = [
        Template::Fullscreen,
        Template::MainTicker,
        Template::MainSideTicker,
        Template::PortraitFullscreen,
        Template::PortraitMainTicker,
        Template::PortraitMainSideTicker,
        Template::TickerBar,
    ];

    /// The zones of this template. The ticker is a tenth of the height in landscape and a
    /// sixteenth in portrait, where the screen is taller.
    pub fn zones(self) -> &'static [ZoneSpec] {
        const FULL: [ZoneSpec; 1] = [zone("main", rect(0.0, 0.0, 1.0, 1.0))];
        const MAIN_TICKER: [ZoneSpec; 2] = [
            zone("main", rect(0.0, 0.0, 1.0, 0.9)),
            zone("ticker", rect(0.0, 0.9, 1.0, 0.1)),
        ];
        const MAIN_SIDE_TICKER: [ZoneSpec; 3] = [
            zone("main", rect(0.0, 0.0, 0.7, 0.9)),
            zone("side", rect(0.7, 0.0, 0.3, 0.9)),
            zone("ticker", rect(0.0, 0.9, 1.0, 0.1)),
        ];
        const PORTRAIT_MAIN_TICKER: [ZoneSpec; 2] = [
            zone("main", rect(0.0, 0.0, 1.0, 0.9375)),
            zone("ticker", rect(0.0, 0.9375, 1.0, 0.0625)),
        ];
        const PORTRAIT_MAIN_SIDE_TICKER: [ZoneSpec; 3] = [
            zone("main", rect(0.0, 0.0, 1.0, 0.6)),
            zone("side", rect(0.0, 0.6, 1.0, 0.3375)),
            zone("ticker", rect(0.0, 0.9375, 1.0, 0.0625)),
        ];
        const TICKER_BAR: [ZoneSpec; 1] = [zone("ticker", rect(0.0, 0.9, 1.0, 0.1))];
        match self {
            Template::Fullscreen | Template::PortraitFullscreen => &FULL,
            Template::MainTicker => &MAIN_TICKER,
            Template::MainSideTicker => &MAIN_SIDE_TICKER,
            Template::PortraitMainTicker => &PORTRAIT_MAIN_TICKER,
            Template::PortraitMainSideTicker => &PORTRAIT_MAIN_SIDE_TICKER,
            Template::TickerBar => &TICKER_BAR,
        }
    }

    pub fn is_portrait(self) -> bool {
        matches!(
            self,
            Template::PortraitFullscreen
                | Template::PortraitMainTicker
                | Template::PortraitMainSideTicker
        )
    }

    pub fn has_zone(self, name: &str) -> bool {
        self.zones().iter().any(|z| z.name == name)
    }
}

/// A zone of a layout and the playlist it plays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneBinding {
    pub zone: String,
    pub playlist: PlaylistId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Layout {
    pub id: LayoutId,
    pub name: String,
    pub template: Template,
    pub zones: Vec<ZoneBinding>,
}

impl Layout {
    /// The playlist bound to a zone, if any.
    pub fn playlist_of(&self, zone: &str) -> Option<PlaylistId> {
        self.zones
            .iter()
            .find(|b| b.zone == zone)
            .map(|b| b.playlist)
    }
}

impl Validate for Layout {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        for (i, binding) in self.zones.iter().enumerate() {
            if !self.template.has_zone(&binding.zone) {
                errors.add(
                    format!("zones.{i}.zone"),
                    "unknown_zone",
                    format!("the template has no zone named '{}'", binding.zone),
                );
            }
            if self.zones[..i].iter().any(|b| b.zone == binding.zone) {
                errors.add(
                    format!("zones.{i}.zone"),
                    "duplicate",
                    "each zone can be bound only once",
                );
            }
        }
        errors.into_result()
    }
}

impl Accept for Layout {
    fn normalize(&mut self) {
        normalize_line(&mut self.name);
    }

    fn check_new(&self, _now: Timestamp, errors: &mut ValidationErrors) {
        check_line("name", &self.name, errors);
    }
}
