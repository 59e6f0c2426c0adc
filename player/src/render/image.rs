//! Pictures: decoded and downscaled to their zone on a worker thread (a 4K JPEG takes about
//! 100 ms to decode here, far too long for a frame), EXIF orientation applied, then uploaded as
//! an egui texture. Only a few textures are kept (previous, current, next), so cycling through
//! many large pictures does not grow the memory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use image::ImageReader;
use vitrin_shared::content::MediaRef;

use super::{ImageState, MediaTextures};
pub use vitrin_render::picture::{placement, request_size, show};

/// Textures kept besides the ones drawn in the current frame.
pub const KEEP_TEXTURES: usize = 3;

/// Finds a cached blob's file by its sha256.
pub type Locate = Arc<dyn Fn(&str) -> Option<PathBuf> + Send + Sync>;

/// Decodes the picture at `path` (see `picture::decode`).
pub fn decode(path: &Path, max: [u32; 2]) -> Result<egui::ColorImage, String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let reader =
        ImageReader::open(path).map_err(|e| format!("picture {name} cannot be decoded: {e}"))?;
    vitrin_render::picture::decode(reader, &name, max)
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
