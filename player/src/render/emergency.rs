//! The emergency overlay: a message that pre-empts everything else on screen, drawn over the
//! whole window on a red field until the emergency ends.

use super::{Env, Outcome};

pub const FIELD: egui::Color32 = egui::Color32::from_rgb(0xb3, 0x12, 0x1b);

/// Covers `rect` with the emergency field and `message` in large type.
pub fn show(ui: &mut egui::Ui, rect: egui::Rect, message: &str, env: &mut Env) -> Outcome {
    let _ = env;
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, FIELD);
    let size = (rect.height() / 9.0).min(rect.width() / 14.0).max(12.0);
    let galley = painter.layout(
        message.to_owned(),
        egui::FontId::proportional(size),
        egui::Color32::WHITE,
        rect.width() * 0.85,
    );
    painter.galley(
        rect.center() - galley.size() / 2.0,
        galley,
        egui::Color32::WHITE,
    );
    Outcome::Shown
}
