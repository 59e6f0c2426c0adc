//! Layouts: zones placed on the screen, each zone bound to a playlist.
//!
//! A layout either uses one of the preset [`Template`]s (full screen, main + ticker, …), whose
//! zones are fixed, or is [`Template::Free`]: its zones ([`Layout::regions`]) are placed freely
//! in fractions of the screen, for shelf-edge strips, ultra-wide bars, portrait menus or a menu
//! beside a hero picture. Everything that asks which zones a layout has (validation, the
//! schedule engine, the stage) asks [`Layout::areas`], which answers both cases the same way.
//!
//! Geometry rules (checked by [`Validate`], so they hold for every stored free layout):
//! - every zone lies on the screen: `x, y ≥ 0`, `x + w ≤ 1`, `y + h ≤ 1`;
//! - no zone is thinner than [`MIN_SIZE`] (2 % of the screen) in either direction;
//! - names are unique, at most [`MAX_NAME`] characters, and there are at most [`MAX_ZONES`];
//! - zones do not overlap, unless one of the two is marked `overlay`: an overlay zone (a
//!   price flash, a logo bug) may lie over other zones and is drawn after every non-overlay
//!   zone, so it is always on top. Two overlays may overlap each other too (drawn in order).
//!
//! Positions are stored on a grid of [`GRID`] (¼ % of the screen, fine enough that every
//! preset's zones lie on it exactly), by [`Accept::normalize`].
//!
//! Right-to-left: the geometry is stored as seen on screen, origin top-left, and drawn exactly
//! as stored in every language. Nothing is mirrored at render time (a shelf strip's zones are
//! where the shelf is, whatever language the content is in); the content inside a zone follows
//! its own text direction.

use std::borrow::Cow;

use crate::ids::{LayoutId, PlaylistId};
use crate::input::{Accept, check_line, normalize_line};
use crate::validate::{Validate, ValidationErrors};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The step positions are stored in: ¼ % of the screen.
pub const GRID: f32 = 1.0 / GRID_STEPS;
/// Grid steps across the whole screen.
pub const GRID_STEPS: f32 = 400.0;
/// The smallest width or height of a zone: 2 % of the screen.
pub const MIN_SIZE: f32 = 0.02;
/// At most this many zones in one layout.
pub const MAX_ZONES: usize = 12;
/// A zone's name is at most this many characters.
pub const MAX_NAME: usize = 40;
/// Slack for sums of fractions stored as `f32` (a hundredth of the grid).
const EPS: f32 = GRID / 100.0;

/// A zone's place on the screen, in fractions of the screen (0.0–1.0), origin top-left, as
/// seen on the screen in every language (see the module's notes on right-to-left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    /// The rect with every coordinate on the [`GRID`].
    pub fn snapped(self) -> Rect {
        let snap = |v: f32| {
            if v.is_finite() {
                // One division of a whole number: the nearest f32 to k/400, the same value a
                // decimal literal like 0.9375 parses to.
                (v * GRID_STEPS).round() / GRID_STEPS
            } else {
                v
            }
        };
        Rect {
            x: snap(self.x),
            y: snap(self.y),
            w: snap(self.w),
            h: snap(self.h),
        }
    }

    /// Whether the two rects share an area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        let across = (self.x + self.w).min(other.x + other.w) - self.x.max(other.x) > EPS;
        let down = (self.y + self.h).min(other.y + other.h) - self.y.max(other.y) > EPS;
        across && down
    }
}

/// One zone of a preset template.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ZoneSpec {
    pub name: &'static str,
    pub rect: Rect,
}

impl ZoneSpec {
    pub fn to_region(self) -> Region {
        Region {
            name: self.name.to_owned(),
            rect: self.rect,
            overlay: false,
        }
    }
}

/// One zone of a layout: its name, its place, and whether it may lie over other zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub name: String,
    pub rect: Rect,
    /// An overlay zone may overlap other zones; it is drawn on top of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overlay: bool,
}

/// The zone templates a layout can use. Portrait variants are for screens mounted on end;
/// `free` places its zones itself ([`Layout::regions`]).
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
    /// Zones placed freely: the layout's own `regions`.
    Free,
}

/// The shape of screen a layout is designed for. Only a hint for the editor, which draws the
/// zones to scale; a screen plays the layout stretched to whatever it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// 16:9, e.g. 1920×1080.
    Landscape,
    /// 9:16, a screen mounted on end.
    Portrait,
    /// A shelf-edge strip, 16:3 (1920×360).
    Strip,
    /// An ultra-wide bar, 32:9 (3840×1080).
    UltraWide,
}

impl Aspect {
    pub const ALL: [Aspect; 4] = [
        Aspect::Landscape,
        Aspect::Portrait,
        Aspect::Strip,
        Aspect::UltraWide,
    ];

    /// Width and height of a typical screen of this shape, in pixels.
    pub fn pixels(self) -> (u32, u32) {
        match self {
            Aspect::Landscape => (1920, 1080),
            Aspect::Portrait => (1080, 1920),
            Aspect::Strip => (1920, 360),
            Aspect::UltraWide => (3840, 1080),
        }
    }
}

const fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
    Rect { x, y, w, h }
}

const fn zone(name: &'static str, rect: Rect) -> ZoneSpec {
    ZoneSpec { name, rect }
}

impl Template {
    /// The preset templates (every one but [`Template::Free`]).
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
    /// sixteenth in portrait, where the screen is taller. `Free` has none of its own.
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
            Template::Free => &[],
        }
    }

    /// The preset's zones as regions (what the editor fills in when a preset is chosen).
    pub fn regions(self) -> Vec<Region> {
        self.zones().iter().map(|z| z.to_region()).collect()
    }

    pub fn is_portrait(self) -> bool {
        matches!(
            self,
            Template::PortraitFullscreen
                | Template::PortraitMainTicker
                | Template::PortraitMainSideTicker
        )
    }

    /// Whether the preset has a zone of this name (always false for `Free`: ask the layout,
    /// [`Layout::has_zone`]).
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
    /// The zones of a `free` layout, in drawing order (overlays are drawn last whatever their
    /// place here). Empty for a preset template, whose zones are its own; a preset sent with
    /// exactly its own zones here is stored without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
    /// The shape of screen the layout is designed for (the editor's hint); absent means
    /// portrait for the portrait presets and landscape otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect: Option<Aspect>,
    /// Which playlist each zone plays.
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

    /// The layout's zones: its own regions when it has any, else its template's.
    pub fn areas(&self) -> Cow<'_, [Region]> {
        if self.regions.is_empty() {
            Cow::Owned(self.template.regions())
        } else {
            Cow::Borrowed(&self.regions)
        }
    }

    /// The zones in drawing order: every non-overlay zone, then the overlays.
    pub fn areas_in_drawing_order(&self) -> Vec<Region> {
        let mut areas = self.areas().into_owned();
        areas.sort_by_key(|r| r.overlay);
        areas
    }

    pub fn has_zone(&self, name: &str) -> bool {
        self.areas().iter().any(|r| r.name == name)
    }

    /// Where the zone `name` is, if the layout has it.
    pub fn rect_of(&self, name: &str) -> Option<Rect> {
        self.areas().iter().find(|r| r.name == name).map(|r| r.rect)
    }

    /// The shape of screen to draw the layout on in the editor.
    pub fn aspect(&self) -> Aspect {
        self.aspect.unwrap_or(if self.template.is_portrait() {
            Aspect::Portrait
        } else {
            Aspect::Landscape
        })
    }
}

/// Reports every problem with a list of free zones under `regions.N.…`.
pub fn validate_regions(regions: &[Region], errors: &mut ValidationErrors) {
    if regions.len() > MAX_ZONES {
        errors.add(
            "regions",
            "too_many_zones",
            format!("a layout has at most {MAX_ZONES} zones"),
        );
    }
    for (i, region) in regions.iter().enumerate() {
        let field = |f: &str| format!("regions.{i}.{f}");
        let name = region.name.trim();
        if name.is_empty() {
            errors.add(field("name"), "required", "a zone needs a name");
        } else if name.chars().count() > MAX_NAME {
            errors.add(
                field("name"),
                "too_long",
                format!("a zone's name is at most {MAX_NAME} characters"),
            );
        } else if regions[..i].iter().any(|r| r.name.trim() == name) {
            errors.add(
                field("name"),
                "duplicate_zone_name",
                "another zone has this name",
            );
        }
        let r = region.rect;
        let mut placed = true;
        for (f, v) in [("x", r.x), ("y", r.y), ("w", r.w), ("h", r.h)] {
            if !v.is_finite() {
                errors.add(field(&format!("rect.{f}")), "not_a_number", "not a number");
                placed = false;
            }
        }
        if !placed {
            continue;
        }
        if r.x < -EPS {
            errors.add(
                field("rect.x"),
                "off_screen",
                "the zone starts left of the screen",
            );
            placed = false;
        }
        if r.y < -EPS {
            errors.add(
                field("rect.y"),
                "off_screen",
                "the zone starts above the screen",
            );
            placed = false;
        }
        if r.w < MIN_SIZE - EPS {
            errors.add(
                field("rect.w"),
                "too_small",
                "a zone is at least 2 % of the screen wide",
            );
            placed = false;
        } else if r.x + r.w > 1.0 + EPS {
            errors.add(
                field("rect.w"),
                "off_screen",
                "the zone reaches past the right edge of the screen",
            );
            placed = false;
        }
        if r.h < MIN_SIZE - EPS {
            errors.add(
                field("rect.h"),
                "too_small",
                "a zone is at least 2 % of the screen high",
            );
            placed = false;
        } else if r.y + r.h > 1.0 + EPS {
            errors.add(
                field("rect.h"),
                "off_screen",
                "the zone reaches past the bottom of the screen",
            );
            placed = false;
        }
        if !placed || region.overlay {
            continue;
        }
        if let Some(other) = regions[..i]
            .iter()
            .find(|o| !o.overlay && o.rect.overlaps(&r))
        {
            errors.add(
                field("rect"),
                "zones_overlap",
                format!(
                    "the zone overlaps zone '{}'; move it, or mark one of them as an overlay",
                    other.name
                ),
            );
        }
    }
}

impl Validate for Layout {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "required", "a name is required");
        }
        match self.template {
            Template::Free if self.regions.is_empty() => {
                errors.add(
                    "regions",
                    "required",
                    "a free layout needs at least one zone",
                );
            }
            Template::Free => validate_regions(&self.regions, &mut errors),
            _ if !self.regions.is_empty() && self.regions != self.template.regions() => {
                errors.add(
                    "regions",
                    "preset_zones",
                    "a preset template has its own zones; choose 'free' to place zones yourself",
                );
            }
            _ => {}
        }
        for (i, binding) in self.zones.iter().enumerate() {
            if !self.has_zone(&binding.zone) {
                errors.add(
                    format!("zones.{i}.zone"),
                    "unknown_zone",
                    format!("the layout has no zone named '{}'", binding.zone),
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
    /// Trims names, puts free zones on the grid, and drops a preset's own zones (they are
    /// the template's).
    fn normalize(&mut self) {
        normalize_line(&mut self.name);
        for region in &mut self.regions {
            normalize_line(&mut region.name);
            region.rect = region.rect.snapped();
        }
        for binding in &mut self.zones {
            normalize_line(&mut binding.zone);
        }
        if self.template != Template::Free && self.regions == self.template.regions() {
            self.regions.clear();
        }
    }

    fn check_new(&self, _now: Timestamp, errors: &mut ValidationErrors) {
        check_line("name", &self.name, errors);
        for (i, region) in self.regions.iter().enumerate() {
            check_line(&format!("regions.{i}.name"), &region.name, errors);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn region(name: &str, x: f32, y: f32, w: f32, h: f32) -> Region {
        Region {
            name: name.into(),
            rect: Rect { x, y, w, h },
            overlay: false,
        }
    }

    fn free(regions: Vec<Region>) -> Layout {
        Layout {
            id: LayoutId(1),
            name: "Shelf".into(),
            template: Template::Free,
            regions,
            aspect: Some(Aspect::Strip),
            zones: vec![],
        }
    }

    fn codes(layout: &Layout) -> Vec<(String, String)> {
        layout.validate().err().map_or_else(Vec::new, |e| {
            e.errors.into_iter().map(|e| (e.field, e.code)).collect()
        })
    }

    fn pair(field: &str, code: &str) -> (String, String) {
        (field.to_owned(), code.to_owned())
    }

    #[test]
    fn every_preset_is_valid_on_the_grid_and_fills_its_free_twin() {
        for template in Template::ALL {
            let regions = template.regions();
            let mut errors = ValidationErrors::new();
            validate_regions(&regions, &mut errors);
            assert!(errors.is_empty(), "{template:?}: {errors}");
            for r in &regions {
                assert_eq!(
                    r.rect.snapped(),
                    r.rect,
                    "{template:?} {} is off the grid",
                    r.name
                );
            }
            // A preset's zones, copied into a free layout, play the same.
            let twin = free(regions.clone());
            assert_eq!(twin.areas().as_ref(), regions.as_slice());
            let preset = Layout {
                template,
                regions: vec![],
                aspect: None,
                ..twin.clone()
            };
            assert_eq!(preset.areas().as_ref(), regions.as_slice());
            assert!(preset.has_zone(template.zones()[0].name));
        }
        assert!(Template::Free.zones().is_empty());
        assert_eq!(
            Layout {
                template: Template::PortraitMainTicker,
                aspect: None,
                ..free(vec![])
            }
            .aspect(),
            Aspect::Portrait
        );
    }

    #[test]
    fn old_documents_without_regions_still_load() {
        let layout: Layout = serde_json::from_value(serde_json::json!({
            "id": 3, "name": "Old", "template": "main_ticker",
            "zones": [{"zone": "ticker", "playlist": 2}]
        }))
        .unwrap();
        assert!(layout.regions.is_empty());
        assert_eq!(layout.rect_of("ticker").unwrap().y, 0.9);
        assert!(layout.validate().is_ok());
        // And they are written back the same way.
        let back = serde_json::to_value(&layout).unwrap();
        assert!(back.get("regions").is_none() && back.get("aspect").is_none());
    }

    #[test]
    fn shelf_strips_bars_portrait_menus_and_menu_hero_are_valid() {
        let third = 1.0 / 3.0;
        let mut shelf = free(vec![
            region("left", 0.0, 0.0, third, 1.0),
            region("middle", third, 0.0, third, 1.0),
            region("right", 2.0 * third, 0.0, third, 1.0),
        ]);
        shelf.normalize();
        assert_eq!(codes(&shelf), vec![], "{:?}", shelf.regions);
        assert_eq!(shelf.regions[1].rect.x, 0.3325, "snapped to the ¼ % grid");
        let bar = free(vec![
            region("logo", 0.0, 0.0, 0.1, 1.0),
            region("ticker", 0.1, 0.0, 0.9, 1.0),
        ]);
        let menu = free(vec![
            region("title", 0.0, 0.0, 1.0, 0.1),
            region("menu", 0.0, 0.1, 1.0, 0.75),
            region("promo", 0.0, 0.85, 1.0, 0.15),
        ]);
        let mut hero = free(vec![
            region("menu", 0.0, 0.0, 0.4, 1.0),
            region("hero", 0.4, 0.0, 0.6, 1.0),
            region("price", 0.75, 0.75, 0.2, 0.2),
        ]);
        hero.regions[2].overlay = true;
        for layout in [bar, menu, hero.clone()] {
            assert_eq!(codes(&layout), vec![]);
        }
        // The overlay is drawn last, whatever its place in the list.
        hero.regions.swap(0, 2);
        let order: Vec<_> = hero
            .areas_in_drawing_order()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(order, ["hero", "menu", "price"]);
    }

    #[test]
    fn zones_off_the_screen_tiny_or_overlapping_are_refused_field_by_field() {
        let layout = free(vec![
            region("a", -0.1, 0.0, 0.5, 0.5),
            region("b", 0.6, 0.6, 0.5, 0.3),
            region("c", 0.0, 0.6, 0.01, 0.3),
            region("d", 0.2, 0.2, 0.5, 0.3),
            region("a", 0.0, 0.95, 0.5, 0.05),
        ]);
        assert_eq!(
            codes(&layout),
            vec![
                pair("regions.0.rect.x", "off_screen"),
                pair("regions.1.rect.w", "off_screen"),
                pair("regions.2.rect.w", "too_small"),
                pair("regions.3.rect", "zones_overlap"),
                pair("regions.4.name", "duplicate_zone_name"),
            ]
        );
        let too_many = free(
            (0..13)
                .map(|i| region(&format!("z{i}"), i as f32 * 0.075, 0.0, 0.05, 1.0))
                .collect(),
        );
        assert_eq!(codes(&too_many), vec![pair("regions", "too_many_zones")]);
        assert_eq!(codes(&free(vec![])), vec![pair("regions", "required")]);
        let unnamed = free(vec![region(" ", 0.0, 0.0, 1.0, 1.0)]);
        assert_eq!(codes(&unnamed), vec![pair("regions.0.name", "required")]);
        let nan = free(vec![region("n", f32::NAN, 0.0, 1.0, 1.0)]);
        assert_eq!(codes(&nan), vec![pair("regions.0.rect.x", "not_a_number")]);
    }

    #[test]
    fn bindings_name_the_layouts_own_zones() {
        let mut layout = free(vec![region("shelf", 0.0, 0.0, 1.0, 1.0)]);
        layout.zones = vec![
            ZoneBinding {
                zone: "shelf".into(),
                playlist: PlaylistId(1),
            },
            ZoneBinding {
                zone: "main".into(),
                playlist: PlaylistId(1),
            },
        ];
        assert_eq!(codes(&layout), vec![pair("zones.1.zone", "unknown_zone")]);
    }

    #[test]
    fn a_preset_keeps_its_own_zones() {
        let mut same = Layout {
            template: Template::MainTicker,
            ..free(Template::MainTicker.regions())
        };
        same.normalize();
        assert!(
            same.regions.is_empty(),
            "its own zones are not stored twice"
        );
        let moved = Layout {
            template: Template::MainTicker,
            ..free(vec![region("main", 0.0, 0.0, 1.0, 0.5)])
        };
        assert_eq!(codes(&moved), vec![pair("regions", "preset_zones")]);
    }

    fn arb_rect() -> impl Strategy<Value = Rect> {
        (0u32..=400, 0u32..=400, 0u32..=400, 0u32..=400).prop_map(|(x, y, w, h)| Rect {
            x: x as f32 / 400.0,
            y: y as f32 / 400.0,
            w: w as f32 / 400.0,
            h: h as f32 / 400.0,
        })
    }

    proptest! {
        /// Validation agrees with the rules written in whole grid steps, where no rounding
        /// can hide anything.
        #[test]
        fn validation_follows_the_rules_on_the_grid(a in arb_rect(), b in arb_rect(), overlay: bool) {
            let steps = |r: &Rect| [r.x, r.y, r.w, r.h].map(|v| (v * 400.0).round() as i32);
            let inside = |r: &Rect| {
                let [x, y, w, h] = steps(r);
                w >= 8 && h >= 8 && x + w <= 400 && y + h <= 400
            };
            let [ax, ay, aw, ah] = steps(&a);
            let [bx, by, bw, bh] = steps(&b);
            let overlap = ax.max(bx) < (ax + aw).min(bx + bw) && ay.max(by) < (ay + ah).min(by + bh);
            let mut layout = free(vec![
                Region { name: "a".into(), rect: a, overlay: false },
                Region { name: "b".into(), rect: b, overlay },
            ]);
            layout.normalize();
            let expected = inside(&a) && inside(&b) && (overlay || !overlap);
            prop_assert_eq!(layout.validate().is_ok(), expected, "{:?}", codes(&layout));
        }

        /// Snapping lands on the grid, moves a position by at most half a step, and running
        /// it twice changes nothing more.
        #[test]
        fn snapping_is_idempotent(v in -0.5f32..1.5) {
            let r = Rect { x: v, y: v, w: v, h: v }.snapped();
            prop_assert!((r.x - v).abs() <= GRID / 2.0 + 1e-6);
            prop_assert_eq!(r.snapped(), r);
            let steps = r.x * GRID_STEPS;
            prop_assert!((steps - steps.round()).abs() < 1e-3);
        }
    }
}
