//! The emergency overlay: a message that pre-empts everything else on screen, drawn over the
//! whole window on a red field until the emergency ends.

use super::text::{Align, Direction, Flow, TextStyle};
use super::{Env, Outcome};

pub const FIELD: egui::Color32 = egui::Color32::from_rgb(0xb3, 0x12, 0x1b);

/// Covers `rect` with the emergency field and `message` in large type (through cosmic-text:
/// an emergency is as likely to be Persian with numbers as anything else).
pub fn show(ui: &mut egui::Ui, rect: egui::Rect, message: &str, env: &mut Env) -> Outcome {
    ui.painter().rect_filled(rect, 0.0, FIELD);
    let size = (rect.height() / 9.0).min(rect.width() / 14.0).max(12.0);
    let style = TextStyle::new(size, egui::Color32::WHITE, Direction::of_text(message))
        .bold()
        .align(Align::Center);
    // The middle two thirds: the text shrinks to fit and stays clear of the edges.
    let area = egui::Rect::from_center_size(rect.center(), rect.size() * egui::vec2(0.85, 0.66));
    env.text.paint(ui, area, message, &style, Flow::Wrapped);
    Outcome::Shown
}
