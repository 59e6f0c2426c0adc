//! The discreet status mark in a corner: a small dot when the server cannot be reached or is
//! not trusted (the screen keeps playing what it has) and a thin bar while new media downloads.

use vitrin_shared::showing::Progress;

/// How the screen stands with its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Online,
    /// Unreachable: an amber dot.
    Offline,
    /// Reachable but not the server this screen trusts (certificate, pin): a red dot.
    Untrusted,
}

/// Paints the mark into the bottom-left corner of `screen`; nothing when all is well.
pub fn paint(ui: &mut egui::Ui, screen: egui::Rect, connection: Connection, progress: Progress) {
    let unit = (screen.height() / 90.0).max(4.0);
    let painter = ui.painter_at(screen);
    let corner = screen.left_bottom() + egui::vec2(unit * 2.0, -unit * 2.0);
    let dot = match connection {
        Connection::Online => None,
        Connection::Offline => Some((
            egui::Color32::from_rgba_unmultiplied(0xe0, 0x8a, 0x1e, 200),
            "offline",
        )),
        Connection::Untrusted => Some((
            egui::Color32::from_rgba_unmultiplied(0xd0, 0x2b, 0x2b, 220),
            "server not trusted",
        )),
    };
    if let Some((color, label)) = dot {
        painter.circle_filled(corner, unit, color);
        let response = ui.allocate_rect(
            egui::Rect::from_center_size(corner, egui::Vec2::splat(unit * 2.0)),
            egui::Sense::hover(),
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, label));
    }
    if progress.files_total > 0 {
        let done = if progress.bytes_total > 0 {
            progress.bytes_done as f32 / progress.bytes_total as f32
        } else {
            progress.files_done as f32 / progress.files_total as f32
        };
        let width = screen.width() * 0.12;
        let track = egui::Rect::from_min_size(
            corner + egui::vec2(unit * 2.0, -unit * 0.25),
            egui::vec2(width, unit * 0.5),
        );
        painter.rect_filled(track, 0.0, egui::Color32::from_white_alpha(40));
        let bar = egui::Rect::from_min_size(
            track.min,
            egui::vec2(width * done.clamp(0.0, 1.0), track.height()),
        );
        painter.rect_filled(bar, 0.0, egui::Color32::from_white_alpha(160));
        let response = ui.allocate_rect(track, egui::Sense::hover());
        response.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::ProgressIndicator,
                true,
                format!(
                    "syncing {}/{} files",
                    progress.files_done, progress.files_total
                ),
            )
        });
    }
}
