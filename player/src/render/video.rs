//! Video: GStreamer's `playbin` decodes (any codec the installed plugins know) into an
//! `appsink` that hands over RGBA frames; the newest frame is uploaded into one egui texture.
//! Looping is a flushing seek back to the start at end of stream, so the last frame stays on
//! screen meanwhile. A file GStreamer cannot play reports `Outcome::Failed` and the zone moves
//! on; until the first frame arrives the zone keeps what it showed before.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
use gstreamer_video as gst_video;

use super::Outcome;

/// A video that has produced no frame after this long is given up (a stream that never
/// negotiates would otherwise hold its zone on the previous item for ever).
pub const FIRST_FRAME_TIMEOUT: Duration = Duration::from_secs(15);

/// One decoded picture, rows packed (no stride padding).
#[derive(Clone)]
pub struct Frame {
    pub width: usize,
    pub height: usize,
    pub rgba: Arc<Vec<u8>>,
    /// Counts frames since the video opened.
    pub number: u64,
}

/// Initialises GStreamer once per process.
fn init() -> Result<(), String> {
    static INIT: OnceLock<Result<(), String>> = OnceLock::new();
    INIT.get_or_init(|| gst::init().map_err(|e| format!("GStreamer cannot start: {e}")))
        .clone()
}

/// A playing video file.
pub struct Video {
    pipeline: gst::Element,
    newest: Arc<Mutex<Option<Frame>>>,
    texture: Option<egui::TextureHandle>,
    uploaded: u64,
    opened: Instant,
    failed: Option<String>,
}

impl Video {
    /// Starts playing `path`; `on_frame` runs on GStreamer's thread after each new frame
    /// (the window asks for a repaint there).
    pub fn open(
        path: &Path,
        muted: bool,
        on_frame: impl Fn() + Send + Sync + 'static,
    ) -> Result<Video, String> {
        init()?;
        let uri = gst::glib::filename_to_uri(path, None)
            .map_err(|e| format!("video {}: {e}", path.display()))?;
        let newest: Arc<Mutex<Option<Frame>>> = Arc::default();
        let sink = gst_app::AppSink::builder()
            .caps(
                &gst_video::VideoCapsBuilder::new()
                    .format(gst_video::VideoFormat::Rgba)
                    .build(),
            )
            // Only the newest frame matters; a slow upload drops frames rather than queueing.
            .max_buffers(2)
            .drop(true)
            .build();
        let store = newest.clone();
        let mut number = 0u64;
        sink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    let frame = frame_of(&sample, number).ok_or(gst::FlowError::Error)?;
                    number += 1;
                    *store.lock().expect("frame lock") = Some(frame);
                    on_frame();
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
        let pipeline = gst::ElementFactory::make("playbin")
            .property("uri", uri.as_str())
            .property("video-sink", &sink)
            .build()
            .map_err(|e| format!("GStreamer has no playbin: {e}"))?;
        if muted {
            // No audio device is opened at all for a muted video.
            let silent = gst::ElementFactory::make("fakesink")
                .build()
                .map_err(|e| format!("GStreamer has no fakesink: {e}"))?;
            pipeline.set_property("audio-sink", &silent);
        }
        let mut video = Video {
            pipeline,
            newest,
            texture: None,
            uploaded: u64::MAX,
            opened: Instant::now(),
            failed: None,
        };
        if let Err(e) = video.pipeline.set_state(gst::State::Playing) {
            // The bus says why; fall back to GStreamer's short answer.
            let reason = video
                .poll()
                .err()
                .unwrap_or_else(|| format!("cannot play: {e}"));
            return Err(format!("video {}: {reason}", path.display()));
        }
        Ok(video)
    }

    /// Handles what the pipeline reported: loops at end of stream, fails on an error.
    pub fn poll(&mut self) -> Result<(), String> {
        if let Some(reason) = &self.failed {
            return Err(reason.clone());
        }
        let Some(bus) = self.pipeline.bus() else {
            return Ok(());
        };
        while let Some(message) = bus.pop() {
            match message.view() {
                gst::MessageView::Eos(_) => {
                    if let Err(e) = self.pipeline.seek_simple(
                        gst::SeekFlags::FLUSH | gst::SeekFlags::KEY_UNIT,
                        gst::ClockTime::ZERO,
                    ) {
                        self.failed = Some(format!("cannot loop the video: {e}"));
                    }
                }
                gst::MessageView::Error(error) => {
                    let detail = error.debug().map(|d| format!(" ({d})")).unwrap_or_default();
                    self.failed = Some(format!("{}{detail}", error.error()));
                }
                _ => {}
            }
            if self.failed.is_some() {
                break;
            }
        }
        if self.failed.is_none()
            && self.newest_number().is_none()
            && self.opened.elapsed() > FIRST_FRAME_TIMEOUT
        {
            self.failed = Some(format!(
                "no picture after {} s",
                FIRST_FRAME_TIMEOUT.as_secs()
            ));
        }
        match &self.failed {
            Some(reason) => {
                let _ = self.pipeline.set_state(gst::State::Null);
                Err(reason.clone())
            }
            None => Ok(()),
        }
    }

    /// The newest decoded frame, if any arrived.
    pub fn newest(&self) -> Option<Frame> {
        self.newest.lock().expect("frame lock").clone()
    }

    fn newest_number(&self) -> Option<u64> {
        self.newest
            .lock()
            .expect("frame lock")
            .as_ref()
            .map(|f| f.number)
    }

    /// Paints the newest frame into `rect`, letterboxed. `NotReady` until the first frame.
    pub fn show(&mut self, ui: &mut egui::Ui, rect: egui::Rect) -> Outcome {
        if let Err(reason) = self.poll() {
            return Outcome::Failed(format!("video cannot play: {reason}"));
        }
        if let Some(frame) = self.newest().filter(|f| f.number != self.uploaded) {
            let picture =
                egui::ColorImage::from_rgba_unmultiplied([frame.width, frame.height], &frame.rgba);
            match &mut self.texture {
                Some(texture) => texture.set(picture, egui::TextureOptions::LINEAR),
                None => {
                    self.texture = Some(ui.ctx().load_texture(
                        "video",
                        picture,
                        egui::TextureOptions::LINEAR,
                    ));
                }
            }
            self.uploaded = frame.number;
        }
        let Some(texture) = &self.texture else {
            // Frames wake the UI; the timeout above needs a look now and then too.
            ui.ctx().request_repaint_after(Duration::from_millis(500));
            return Outcome::NotReady;
        };
        let (dest, uv) = super::image::placement(
            texture.size_vec2(),
            rect,
            vitrin_shared::content::Fit::Contain,
        );
        ui.painter()
            .image(texture.id(), dest, uv, egui::Color32::WHITE);
        let response = ui.allocate_rect(rect, egui::Sense::hover());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, "video"));
        Outcome::Shown
    }
}

impl Drop for Video {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// Copies a sample's RGBA rows out of GStreamer's (possibly padded) buffer.
fn frame_of(sample: &gst::Sample, number: u64) -> Option<Frame> {
    let info = gst_video::VideoInfo::from_caps(sample.caps()?).ok()?;
    let buffer = sample.buffer()?.map_readable().ok()?;
    let (width, height) = (info.width() as usize, info.height() as usize);
    let stride = usize::try_from(*info.stride().first()?).ok()?;
    let row = width * 4;
    let mut rgba = Vec::with_capacity(row * height);
    for y in 0..height {
        rgba.extend_from_slice(buffer.get(y * stride..y * stride + row)?);
    }
    Some(Frame {
        width,
        height,
        rgba: Arc::new(rgba),
        number,
    })
}
