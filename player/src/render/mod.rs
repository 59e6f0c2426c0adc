//! The player window: an eframe app (`app`) that draws each zone of the layout the engine chose,
//! with one renderer per content kind. Customer-facing text goes through `text` (cosmic-text:
//! shaping, bidi, wrapping) into cached textures; egui's own text is only for diagnostics.
//!
//! The contract between the app and the renderers: a renderer gets the zone's `Ui` and rect,
//! its content and an `Env`, paints, and says whether it could (`Outcome`). The app keeps the
//! previous item on screen while the next one is `NotReady` (no black frame) and skips an item
//! that `Failed` to the next good one, logging why.

use std::collections::BTreeMap;

use vitrin_shared::content::MediaRef;
use vitrin_shared::feed::FeedSnapshot;
use vitrin_shared::ids::FeedId;

// Window, kiosk and media (the app's side).
pub mod app;
pub mod emergency;
/// Opt-in frame-time statistics (`VITRIN_FRAME_STATS`) for the window benchmark.
pub mod frame_stats;
pub mod image;
pub mod kiosk;
pub mod pairing;
/// The offline and sync-progress mark (added with the window).
pub mod status;
pub mod video;
// Text and the content renderers.
pub mod clock;
pub mod currency;
pub mod menu;
pub mod qr;
pub mod slide;
pub mod text;
pub mod ticker;
pub mod weather;

/// What every renderer gets besides its own content.
pub struct Env<'a> {
    /// Screen-local time now, in the screen's IANA zone.
    pub now: &'a jiff::Zoned,
    /// Seconds since this item started showing (tickers and fades move by elapsed time).
    pub shown_for: f64,
    pub text: &'a mut text::TextCache,
    pub media: &'a mut dyn MediaTextures,
    /// The manifest's feed snapshots.
    pub feeds: &'a BTreeMap<FeedId, FeedSnapshot>,
}

impl<'a> Env<'a> {
    /// The manifest's snapshot of `feed`, or why there is none (a renderer reports that as
    /// `Outcome::Failed`). Added by the renderers' side; additive.
    pub fn feed(&self, feed: FeedId) -> Result<&'a FeedSnapshot, String> {
        self.feeds
            .get(&feed)
            .ok_or_else(|| format!("feed {feed} has no snapshot in the manifest"))
    }
}

/// Decoded media as textures. The app implements it with decoding off the UI thread.
pub trait MediaTextures {
    /// The image `media`, downscaled to fit in `max` pixels, EXIF orientation applied.
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: egui::Vec2) -> ImageState;
}

pub enum ImageState {
    Ready(egui::TextureHandle),
    /// Still decoding; the implementation requests a repaint when it is done.
    Loading,
    /// Missing from the cache or not decodable.
    Failed(String),
}

/// What a renderer reports after painting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Shown,
    /// Not ready to be shown yet (e.g. a texture still decoding): keep the previous frame.
    NotReady,
    /// Cannot be shown (undecodable, feed missing...): the app moves on and logs the reason.
    Failed(String),
}
