//! Text slides: a title and a body, right-aligned and right-to-left for Persian, left-aligned
//! for English. The body wraps to the zone; too much text shrinks, then ellipsizes.

use egui::{Rect, Vec2};
use vitrin_shared::content::Lang;

use super::text::{Direction, Flow, TextStyle};
use super::{Env, Outcome};

pub fn show(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    title: &str,
    body: &str,
    lang: Lang,
    env: &mut Env,
) -> Outcome {
    if title.trim().is_empty() && body.trim().is_empty() {
        return Outcome::Failed("the text slide has neither title nor body".to_owned());
    }
    let dir = Direction::from(lang);
    crate::paint_background(ui, rect, env);
    let margin = rect.width().min(rect.height()) * 0.06;
    let mut area = rect.shrink(margin);
    if !title.trim().is_empty() {
        let title_height = if body.trim().is_empty() {
            area.height()
        } else {
            area.height() * 0.28
        };
        let title_area = Rect::from_min_size(area.min, Vec2::new(area.width(), title_height));
        let style = TextStyle::new((rect.height() * 0.1).max(8.0), env.palette.accent, dir).bold();
        let painted = env.text.paint(ui, title_area, title, &style, Flow::Wrapped);
        area.min.y = painted.bottom() + margin * 0.5;
    }
    if !body.trim().is_empty() && area.height() > 1.0 {
        let style = TextStyle::new((rect.height() * 0.055).max(8.0), env.palette.text, dir);
        env.text.paint(ui, area, body, &style, Flow::Wrapped);
    }
    Outcome::Shown
}
