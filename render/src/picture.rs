//! Pictures in a zone: the size to decode them to, where they go (contain or cover), and
//! decoding (EXIF orientation, downscaling) from any reader, a file on the native player or
//! bytes from the Cache Storage in the browser.

use std::io::{BufRead, Seek};

use image::{DynamicImage, ImageDecoder, ImageEncoder as _, ImageReader};
use vitrin_shared::content::{Fit, MediaRef};

use super::{Env, ImageState, Outcome};

/// The largest texture side requested (GPUs and llvmpipe accept 8192; this leaves room).
const MAX_SIDE: f32 = 4096.0;

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

/// Paints `texture` filling `rect`, its middle cropped to the rect's shape.
pub fn paint_covering(ui: &egui::Ui, rect: egui::Rect, texture: &egui::TextureHandle) {
    let (dest, uv) = placement(texture.size_vec2(), rect, Fit::Cover);
    ui.painter()
        .with_clip_rect(rect)
        .image(texture.id(), dest, uv, egui::Color32::WHITE);
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

/// Decodes the picture `name` from `reader`, turns it upright by its EXIF orientation and
/// shrinks it (never enlarges it) to fit in `max` pixels, keeping its aspect.
pub fn decode<R: BufRead + Seek>(
    reader: ImageReader<R>,
    name: &str,
    max: [u32; 2],
) -> Result<egui::ColorImage, String> {
    let fail = |e: &dyn std::fmt::Display| format!("picture {name} cannot be decoded: {e}");
    let reader = reader.with_guessed_format().map_err(|e| fail(&e))?;
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

/// A frame (a screenshot) as PNG.
pub fn encode_png(image: &egui::ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgba, w as u32, h as u32, image::ExtendedColorType::Rgba8)
        .map_err(|e| format!("cannot encode the screenshot: {e}"))?;
    Ok(png)
}
