//! The pairing screen: the code a person types into the admin, big, and a QR code that opens
//! the server's pairing page with the code filled in (`<server>/pair?code=CODE`).

use super::Outcome;

/// The address the QR code leads to.
pub fn pairing_url(server: &str, code: &str) -> String {
    format!("{}/pair?code={code}", server.trim_end_matches('/'))
}

/// Paints `data` as a QR code as large as fits in `rect`, centred, on a white quiet zone
/// (scanners need one). Returns the square it took.
pub fn paint_qr(
    painter: &egui::Painter,
    rect: egui::Rect,
    data: &str,
) -> Result<egui::Rect, String> {
    let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M)
        .map_err(|e| format!("cannot make a QR code of {data:?}: {e}"))?;
    let modules = code.width();
    let colors = code.to_colors();
    // Four modules of quiet zone on each side, as the standard asks.
    let cells = (modules + 8) as f32;
    let side = rect.width().min(rect.height());
    // Whole pixels per module keep the edges sharp.
    let pixels_per_point = painter.ctx().pixels_per_point();
    let module_px = ((side * pixels_per_point) / cells).floor().max(1.0);
    let module = module_px / pixels_per_point;
    let square = egui::Rect::from_center_size(rect.center(), egui::Vec2::splat(module * cells));
    painter.rect_filled(square, 0.0, egui::Color32::WHITE);
    let origin = square.min + egui::Vec2::splat(module * 4.0);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = ((i % modules) as f32, (i / modules) as f32);
            let min = origin + egui::vec2(x * module, y * module);
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::Vec2::splat(module)),
                0.0,
                egui::Color32::BLACK,
            );
        }
    }
    Ok(square)
}

/// Draws the pairing screen over the whole `rect`.
pub fn show(ui: &mut egui::Ui, rect: egui::Rect, server: &str, code: &str) -> Outcome {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, super::app::BACKGROUND);
    let ink = egui::Color32::from_rgb(0xf4, 0xf1, 0xea);
    let unit = rect.height().min(rect.width()) / 12.0;
    // Left half (or top, on a tall screen): the code; the other half: the QR code.
    let wide = rect.width() >= rect.height();
    let (text_area, qr_area) = if wide {
        let split = rect.left() + rect.width() * 0.55;
        (
            egui::Rect::from_min_max(rect.min, egui::pos2(split, rect.bottom())),
            egui::Rect::from_min_max(egui::pos2(split, rect.top()), rect.max),
        )
    } else {
        let split = rect.top() + rect.height() * 0.45;
        (
            egui::Rect::from_min_max(rect.min, egui::pos2(rect.right(), split)),
            egui::Rect::from_min_max(egui::pos2(rect.left(), split), rect.max),
        )
    };
    let center = text_area.center();
    painter.text(
        center - egui::vec2(0.0, unit * 1.6),
        egui::Align2::CENTER_CENTER,
        "Pair this screen",
        egui::FontId::proportional(unit * 0.7),
        ink,
    );
    painter.text(
        center,
        egui::Align2::CENTER_CENTER,
        code,
        egui::FontId::monospace(unit * 1.8),
        egui::Color32::WHITE,
    );
    let url = pairing_url(server, code);
    painter.text(
        center + egui::vec2(0.0, unit * 1.6),
        egui::Align2::CENTER_CENTER,
        &url,
        egui::FontId::proportional(unit * 0.4),
        ink,
    );
    if let Err(reason) = paint_qr(&painter, qr_area.shrink(unit), &url) {
        return Outcome::Failed(reason);
    }
    let response = ui.allocate_rect(rect, egui::Sense::hover());
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Label, true, format!("pairing code {code}"))
    });
    Outcome::Shown
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
