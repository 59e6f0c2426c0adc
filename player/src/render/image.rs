//! Pictures: decoded and downscaled to their zone on a worker thread (a 4K JPEG takes about
//! 100 ms to decode here, far too long for a frame), EXIF orientation applied, then uploaded as
//! an egui texture. Only a few textures are kept (previous, current, next), so cycling through
//! many large pictures does not grow the memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use image::{DynamicImage, ImageDecoder, ImageReader};
use vitrin_shared::content::{Fit, MediaRef};

use super::{Env, ImageState, MediaTextures, Outcome};

/// Textures kept besides the ones drawn in the current frame.
pub const KEEP_TEXTURES: usize = 3;
/// The largest texture side requested (GPUs and llvmpipe accept 8192; this leaves room).
const MAX_SIDE: f32 = 4096.0;

/// Finds a cached blob's file by its sha256.
pub type Locate = Arc<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;

/// Shows the picture `media` in `rect`, fitted or filling as asked.
pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    media: &MediaRef,
    fit: Fit,
    env: &mut Env,
) -> Outcome {
    let pixels_per_point = ui.ctx().pixels_per_point();
    let want = request_size(media, rect.size() * pixels_per_point, fit);
    match env.media.image(ui.ctx(), media, want) {
        ImageState::Ready(texture) => {
            let (dest, uv) = placement(texture.size_vec2(), rect, fit);
            ui.painter()
                .with_clip_rect(rect)
                .image(texture.id(), dest, uv, egui::Color32::WHITE);
            // The picture's name for AccessKit (tests find it by its label).
            let response = ui.allocate_rect(rect, egui::Sense::hover());
            response.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::Role::Image,
                    true,
                    format!("image {}", media.sha256),
                )
            });
            Outcome::Shown
        }
        ImageState::Loading => Outcome::NotReady,
        ImageState::Failed(reason) => Outcome::Failed(reason),
    }
}

/// The pixel size to decode to: the zone for `Contain`; for `Cover`, large enough that the
/// picture still covers the zone after the crop (from the size the server measured, when known).
pub fn request_size(media: &MediaRef, zone_pixels: egui::Vec2, fit: Fit) -> egui::Vec2 {
    let zone = zone_pixels.max(egui::vec2(1.0, 1.0));
    let wanted = match (fit, media.width, media.height) {
        (Fit::Cover, Some(w), Some(h)) if w > 0 && h > 0 => {
            let aspect = w as f32 / h as f32;
            let zone_aspect = zone.x / zone.y;
            // Rotated by EXIF the aspect may be the other way round: cover both.
            let stretch = (aspect / zone_aspect).max(zone_aspect / aspect);
            zone * stretch
        }
        (Fit::Cover, ..) => zone * 2.0,
        (Fit::Contain, ..) => zone,
    };
    wanted.min(egui::vec2(MAX_SIDE, MAX_SIDE)).round()
}

/// Where a picture of `image` size goes in `zone`, and which part of it (uv) shows.
/// `Contain` letterboxes the whole picture in the middle; `Cover` fills the zone and crops the
/// middle of the picture.
pub fn placement(image: egui::Vec2, zone: egui::Rect, fit: Fit) -> (egui::Rect, egui::Rect) {
    let full_uv = egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0));
    if image.x <= 0.0 || image.y <= 0.0 {
        return (zone, full_uv);
    }
    let scale_x = zone.width() / image.x;
    let scale_y = zone.height() / image.y;
    match fit {
        Fit::Contain => {
            let scale = scale_x.min(scale_y);
            (
                egui::Rect::from_center_size(zone.center(), image * scale),
                full_uv,
            )
        }
        Fit::Cover => {
            let scale = scale_x.max(scale_y);
            // The fraction of the picture that fits in the zone, centred.
            let visible = egui::vec2(
                zone.width() / (image.x * scale),
                zone.height() / (image.y * scale),
            );
            let uv = egui::Rect::from_center_size(egui::pos2(0.5, 0.5), visible);
            (zone, uv)
        }
    }
}

/// Decodes the picture at `path`, turns it upright by its EXIF orientation and shrinks it (never
/// enlarges it) to fit in `max` pixels, keeping its aspect.
pub fn decode(path: &Path, max: [u32; 2]) -> Result<egui::ColorImage, String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let fail = |e: &dyn std::fmt::Display| format!("picture {name} cannot be decoded: {e}");
    let reader = ImageReader::open(path)
        .map_err(|e| fail(&e))?
        .with_guessed_format()
        .map_err(|e| fail(&e))?;
    let mut decoder = reader.into_decoder().map_err(|e| fail(&e))?;
    let orientation = decoder.orientation().map_err(|e| fail(&e))?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| fail(&e))?;
    picture.apply_orientation(orientation);
    let (max_w, max_h) = (max[0].max(1), max[1].max(1));
    if picture.width() > max_w || picture.height() > max_h {
        let shrink =
            (picture.width() as f32 / max_w as f32).max(picture.height() as f32 / max_h as f32);
        picture = if shrink >= 2.0 {
            // Area averaging in integers: for a big reduction (4K to a zone) as good as a
            // filter, several times faster, and without the filter's float buffer (for a 4K
            // source about 45 MB more at the peak).
            picture.thumbnail(max_w, max_h)
        } else {
            // Close to the target size a real filter avoids aliasing.
            picture.resize(max_w, max_h, image::imageops::FilterType::Triangle)
        };
    }
    let rgba = picture.into_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        size,
        rgba.as_raw(),
    ))
}

/// Returns the full-size decode buffers (tens of MB for a 4K picture) to the system. glibc
/// keeps freed blocks of that size in the heap otherwise, and cycling big pictures would
/// hold the memory of the largest ones for good.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap memory; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// One texture request: the blob and the pixel box it is decoded for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    sha256: String,
    max: [u32; 2],
}

enum Slot {
    Loading,
    Ready(egui::TextureHandle),
    Failed(String),
}

struct Entry {
    slot: Slot,
    /// The frame it was last asked for in.
    used: u64,
}

struct Job {
    key: Key,
    path: PathBuf,
    ctx: egui::Context,
}

/// `MediaTextures` with one decoding thread and a small least-recently-used set of textures.
pub struct ImageLoader {
    locate: Locate,
    entries: HashMap<Key, Entry>,
    frame: u64,
    jobs: Sender<Job>,
    done: Receiver<(Key, Result<egui::ColorImage, String>)>,
}

impl ImageLoader {
    pub fn new(locate: Locate) -> ImageLoader {
        let (jobs, queue) = channel::<Job>();
        let (results, done) = channel();
        // One worker: pictures decode one after the other, so memory holds at most one
        // full-size picture at a time however many are asked for.
        std::thread::Builder::new()
            .name("vitrin-image-decode".into())
            .spawn(move || {
                for job in queue {
                    let result = decode(&job.path, job.key.max);
                    if results.send((job.key, result)).is_err() {
                        return;
                    }
                    job.ctx.request_repaint();
                    give_back_memory();
                }
            })
            .expect("start the image decoding thread");
        ImageLoader {
            locate,
            entries: HashMap::new(),
            frame: 0,
            jobs,
            done,
        }
    }

    /// Marks the start of a frame: textures asked for from now on count as in use.
    pub fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// Textures currently held (for tests and the memory benchmark).
    pub fn textures(&self) -> usize {
        self.entries
            .values()
            .filter(|e| matches!(e.slot, Slot::Ready(_)))
            .count()
    }

    fn collect_finished(&mut self, ctx: &egui::Context) {
        while let Ok((key, result)) = self.done.try_recv() {
            let Some(entry) = self.entries.get_mut(&key) else {
                continue; // no longer wanted
            };
            entry.slot = match result {
                Ok(picture) => Slot::Ready(ctx.load_texture(
                    format!("image {}", key.sha256),
                    picture,
                    egui::TextureOptions::LINEAR,
                )),
                Err(reason) => {
                    tracing::warn!("{reason}");
                    Slot::Failed(reason)
                }
            };
        }
        self.evict();
    }

    /// Drops the least recently used textures beyond `KEEP_TEXTURES`, never one drawn in this
    /// frame. Failures are remembered (they cost no memory) so a bad file is not decoded again.
    fn evict(&mut self) {
        let mut ready: Vec<(u64, Key)> = self
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.slot, Slot::Ready(_)) && e.used < self.frame)
            .map(|(k, e)| (e.used, k.clone()))
            .collect();
        let in_use = self.textures() - ready.len();
        let allowed = KEEP_TEXTURES.saturating_sub(in_use);
        if ready.len() > allowed {
            ready.sort();
            for (_, key) in &ready[..ready.len() - allowed] {
                self.entries.remove(key);
            }
        }
    }
}

impl MediaTextures for ImageLoader {
    fn image(&mut self, ctx: &egui::Context, media: &MediaRef, max: egui::Vec2) -> ImageState {
        self.collect_finished(ctx);
        let key = Key {
            sha256: media.sha256.clone(),
            max: [max.x.max(1.0) as u32, max.y.max(1.0) as u32],
        };
        let frame = self.frame;
        if let Some(entry) = self.entries.get_mut(&key) {
            entry.used = frame;
            return match &entry.slot {
                Slot::Loading => ImageState::Loading,
                Slot::Ready(texture) => ImageState::Ready(texture.clone()),
                Slot::Failed(reason) => ImageState::Failed(reason.clone()),
            };
        }
        let Some(path) = (self.locate)(&media.sha256) else {
            let reason = format!("picture {} is not in the media cache", media.sha256);
            self.entries.insert(
                key,
                Entry {
                    slot: Slot::Failed(reason.clone()),
                    used: frame,
                },
            );
            return ImageState::Failed(reason);
        };
        let job = Job {
            key: key.clone(),
            path,
            ctx: ctx.clone(),
        };
        if self.jobs.send(job).is_err() {
            return ImageState::Failed("the image decoding thread stopped".into());
        }
        self.entries.insert(
            key,
            Entry {
                slot: Slot::Loading,
                used: frame,
            },
        );
        ImageState::Loading
    }
}
