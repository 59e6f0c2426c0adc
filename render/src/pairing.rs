//! The pairing screen: the code a person types into the admin, big, and a QR code that opens
//! the server's pairing page with the code filled in (`<server>/pair?code=CODE`).

use vitrin_shared::pin::Pin;

use super::Outcome;
use super::text::{Align, Direction, Flow, Palette, TextCache, TextStyle};

/// The address the QR code leads to.
pub fn pairing_url(server: &str, code: &str) -> String {
    format!("{}/pair?code={code}", server.trim_end_matches('/'))
}

/// Draws the pairing screen over the whole `rect`: the instructions in Persian and English
/// and the code (through cosmic-text, like every text a customer sees), and the QR code.
pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    server: &str,
    code: &str,
    pins: &[Pin],
    text: &mut TextCache,
) -> Outcome {
    // Before pairing there is no brand kit: Vitrin's own colours.
    let palette = Palette::default();
    ui.painter().rect_filled(rect, 0.0, palette.background);
    let unit = rect.height().min(rect.width()) / 12.0;
    // The start half (or top, on a tall screen): the code; the other half: the QR code.
    let wide = rect.width() >= rect.height();
    let (text_area, qr_area) = if wide {
        let (left, right) = rect.split_left_right_at_fraction(0.55);
        (left, right)
    } else {
        rect.split_top_bottom_at_fraction(0.45)
    };
    let line = |row: f32, height: f32| {
        egui::Rect::from_center_size(
            text_area.center() + egui::vec2(0.0, row * unit),
            egui::vec2(text_area.width() * 0.9, height * unit),
        )
    };
    let centred = |size: f32, color: egui::Color32, dir: Direction| {
        TextStyle::new(size * unit, color, dir).align(Align::Center)
    };
    text.paint(
        ui,
        line(-2.6, 1.0),
        "این نمایشگر را با این کد جفت کنید",
        &centred(0.6, palette.text, Direction::Rtl),
        Flow::Line,
    );
    text.paint(
        ui,
        line(-1.6, 0.8),
        "Pair this screen with this code",
        &centred(0.45, palette.muted, Direction::Ltr),
        Flow::Line,
    );
    text.paint(
        ui,
        line(0.2, 2.4),
        code,
        &centred(1.8, egui::Color32::WHITE, Direction::Ltr).bold(),
        Flow::Line,
    );
    let url = pairing_url(server, code);
    text.paint(
        ui,
        line(2.0, 0.7),
        &url,
        &centred(0.4, palette.muted, Direction::Ltr),
        Flow::Line,
    );
    // The key this screen trusts, to compare with the one the admin's screens page shows.
    if let Some(pin) = pins.first() {
        text.paint(
            ui,
            line(2.8, 0.6),
            &format!("server key {}…", pin.short()),
            &centred(0.32, palette.muted, Direction::Ltr),
            Flow::Line,
        );
    }
    if let Err(reason) = super::qr::paint_link(ui, qr_area.shrink(unit), &url) {
        return Outcome::Failed(reason);
    }
    let response = ui.allocate_rect(rect, egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Label, true, format!("pairing code {code}"))
    });
    Outcome::Shown
}

/// Instead of the code: the server is not trusted, and why (in Persian and English; the
/// reason itself is technical and stays English).
pub fn untrusted(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    server: &str,
    reason: &str,
    text: &mut TextCache,
) {
    // Before pairing there is no brand kit: Vitrin's own colours.
    let palette = Palette::default();
    ui.painter().rect_filled(rect, 0.0, palette.background);
    let unit = rect.height().min(rect.width()) / 12.0;
    let line = |row: f32, height: f32| {
        egui::Rect::from_center_size(
            rect.center() + egui::vec2(0.0, row * unit),
            egui::vec2(rect.width() * 0.86, height * unit),
        )
    };
    let centred = |size: f32, color: egui::Color32, dir: Direction| {
        TextStyle::new(size * unit, color, dir).align(Align::Center)
    };
    text.paint(
        ui,
        line(-3.0, 1.0),
        "به سرور اعتماد نمی‌شود؛ جفت‌سازی متوقف است",
        &centred(0.6, palette.text, Direction::Rtl),
        Flow::Line,
    );
    text.paint(
        ui,
        line(-2.0, 0.8),
        "The server is not trusted; pairing is stopped",
        &centred(0.45, palette.text, Direction::Ltr),
        Flow::Line,
    );
    text.paint(
        ui,
        line(0.6, 3.6),
        reason,
        &centred(0.36, palette.muted, Direction::Ltr),
        Flow::Wrapped,
    );
    text.paint(
        ui,
        line(3.4, 0.7),
        server,
        &centred(0.36, palette.muted, Direction::Ltr),
        Flow::Line,
    );
    let response = ui.allocate_rect(rect, egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Label,
            true,
            format!("server not trusted: {reason}"),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_leads_to_the_pairing_page() {
        assert_eq!(
            pairing_url("http://10.0.0.5:8080/", "K7QP2M"),
            "http://10.0.0.5:8080/pair?code=K7QP2M"
        );
    }
}
