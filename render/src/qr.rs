//! QR promos: a headline, the QR code of the promo's (tracked) link, and an optional picture.
//! The code is drawn as rectangles on a white quiet zone, so it scans at any zone size.

use egui::emath::GuiRounding;
use egui::{Color32, Rect, Vec2};
use qrcode::QrCode;
use vitrin_shared::content::MediaRef;

use super::menu::paint_contained;
use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, ImageState, Outcome};

/// Light modules around the code, as the QR specification asks for.
const QUIET_ZONE: usize = 4;

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    headline: &str,
    url: &str,
    image: Option<&MediaRef>,
    env: &mut Env,
) -> Outcome {
    let code = match qr_code(url) {
        Ok(code) => code,
        Err(reason) => return Outcome::Failed(reason),
    };
    let dir = Direction::of_text(headline);
    crate::paint_background(ui, rect, env);
    let margin = rect.width().min(rect.height()) * 0.05;
    let area = rect.shrink(margin);
    let (headline_area, body) = area.split_top_bottom_at_fraction(0.25);
    let style = TextStyle::new(headline_area.height() * 0.6, env.palette.accent, dir)
        .bold()
        .align(Align::Center);
    env.text
        .paint(ui, headline_area, headline, &style, Flow::Wrapped);
    let body = body.shrink2(Vec2::new(0.0, margin * 0.5));

    // With a picture, the code takes the reading end of the body and the picture the start.
    let (code_area, picture_area) = match image {
        None => (body, None),
        Some(_) => {
            let (left, right) = body.split_left_right_at_fraction(0.5);
            match dir {
                Direction::Rtl => (left, Some(right)),
                Direction::Ltr => (right, Some(left)),
            }
        }
    };
    paint_code(ui, code_area, &code, url);
    if let (Some(media), Some(picture)) = (image, picture_area) {
        let picture = picture.shrink(margin * 0.5);
        match env
            .media
            .image(ui.ctx(), media, picture.size() * ui.pixels_per_point())
        {
            ImageState::Ready(texture) => {
                paint_contained(ui, picture, &texture, &format!("picture: {headline}"));
            }
            // The code is what matters; the picture joins when decoded.
            ImageState::Loading => {}
            ImageState::Failed(reason) => {
                tracing::warn!(%reason, "QR promo picture not shown");
            }
        }
    }
    Outcome::Shown
}

fn qr_code(url: &str) -> Result<QrCode, String> {
    QrCode::new(url.as_bytes()).map_err(|e| format!("cannot make a QR code of {url:?}: {e}"))
}

/// The QR code of `url`, as large as fits in `area` (the pairing screen's code too).
pub fn paint_link(ui: &mut egui::Ui, area: Rect, url: &str) -> Result<(), String> {
    paint_code(ui, area, &qr_code(url)?, url);
    Ok(())
}

/// Paints `code` as large as fits in `area`, centred, with whole-pixel modules where the zone
/// allows. Its accessible name is the link.
fn paint_code(ui: &mut egui::Ui, area: Rect, code: &QrCode, url: &str) {
    let modules = code.width();
    let side_modules = modules + 2 * QUIET_ZONE;
    let ppp = ui.pixels_per_point();
    let fit = area.width().min(area.height());
    // Whole device pixels per module keep the edges crisp for a camera.
    let module = ((fit * ppp / side_modules as f32).floor().max(1.0)) / ppp;
    let side = module * side_modules as f32;
    let square = Rect::from_center_size(area.center(), Vec2::splat(side));
    let square = Rect::from_min_size(square.min.round_to_pixels(ppp), square.size());
    let painter = ui.painter();
    painter.rect_filled(square, 0.0, Color32::WHITE);
    let colours = code.to_colors();
    let origin = square.min + Vec2::splat(module * QUIET_ZONE as f32);
    for y in 0..modules {
        // One rectangle per run of dark modules keeps the shape count low.
        let mut x = 0;
        while x < modules {
            if colours[y * modules + x] != qrcode::Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < modules && colours[y * modules + x] == qrcode::Color::Dark {
                x += 1;
            }
            let min = origin + Vec2::new(start as f32 * module, y as f32 * module);
            let run = Rect::from_min_size(min, Vec2::new((x - start) as f32 * module, module));
            painter.rect_filled(run, 0.0, Color32::BLACK);
        }
    }
    let label = format!("QR code: {url}");
    ui.allocate_rect(square, egui::Sense::hover())
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
}
