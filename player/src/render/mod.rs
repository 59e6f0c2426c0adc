//! The player window: an eframe app (`app`) that draws what the engine chose through the
//! shared renderers and stage of `vitrin-render` (re-exported here), with the native side of
//! media: pictures decoded on a worker thread (`image`), GStreamer video (`video`), and the
//! kiosk's screen handling (`kiosk`).

pub use vitrin_render::*;

// Window, kiosk and media (the native side).
pub mod app;
/// Damage-limited drawing on OpenGL: what changed between frames, and drawing only that.
pub mod compositor;
pub mod damage;
/// Opt-in frame-time statistics (`VITRIN_FRAME_STATS`) for the window benchmark.
pub mod frame_stats;
pub mod image;
pub mod kiosk;
pub mod video;
