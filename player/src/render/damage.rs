//! Which parts of the screen a frame changes, found by comparing its shapes with the last
//! frame's: the compositor (`compositor`) shades only those parts again.
//!
//! A signage board is mostly still: a menu and a clock around a ticker that moves every frame.
//! On a software renderer every shaded pixel costs (Mesa's llvmpipe, about 9 ns a pixel), so
//! redrawing the whole board for every ticker step is most of the player's CPU.
//!
//! Why this is exact: the colour of a pixel depends only on the ordered list of shapes that
//! cover it (and the textures they sample). If the two frames have as many shapes and shape
//! `i` is equal in both, a pixel outside the bounds of every unequal pair is covered by the
//! same shapes in the same order, so it keeps its colour. Shapes are compared whole (`==`,
//! texts by their laid-out galleys), so nothing is guessed from what the player meant to draw.
//! What `==` cannot see is a texture whose pixels changed (a video frame, a picture decoded
//! into a texture that already had an id): the shapes that sample a changed texture are damage
//! too. Anything else (a different number of shapes, a paint callback whose drawing is
//! unknown, a rebuilt font atlas) is the whole screen.

use std::collections::HashSet;

use egui::epaint::textures::TexturesDelta;
use egui::epaint::{ClippedShape, Shape, TextureId};
use egui::{Rect, Vec2};

/// Antialiasing feathers a shape's edge about one pixel beyond its geometry; the margin
/// covers that at any scale the player runs at.
const FEATHER_MARGIN: f32 = 2.0;

/// More separate rectangles than this are drawn as their bounding rectangle: each one is a
/// pass over the frame's meshes.
const MAX_RECTS: usize = 6;

/// What has to be shaded again, in points.
#[derive(Clone, Debug, PartialEq)]
pub enum Damage {
    /// The whole screen.
    Full,
    /// Only these rectangles (none: the frame is unchanged).
    Rects(Vec<Rect>),
}

impl Damage {
    /// Both damages: what has to be drawn to bring a picture two changes old up to date.
    pub fn union(self, other: &Damage) -> Damage {
        match (self, other) {
            (Damage::Rects(mut mine), Damage::Rects(theirs)) => {
                mine.extend_from_slice(theirs);
                Damage::Rects(merged(mine))
            }
            _ => Damage::Full,
        }
    }
}

/// The textures a frame's delta changes, as far as damage is concerned.
#[derive(Debug, Default)]
pub struct ChangedTextures {
    /// Textures whose pixels changed: what samples them is damage.
    ids: HashSet<TextureId>,
    /// The font atlas was replaced as a whole: glyphs may have moved.
    font_atlas_rebuilt: bool,
}

impl ChangedTextures {
    pub fn of(delta: &TexturesDelta) -> ChangedTextures {
        let mut changed = ChangedTextures::default();
        for (id, deltas) in &delta.set {
            if *id == TextureId::default() {
                // New glyphs are added to the atlas where nothing was: the glyphs (and the
                // white texel every plain shape samples) already drawn keep their pixels.
                // Only a whole new atlas moves them.
                changed.font_atlas_rebuilt |= deltas.iter().any(|d| d.pos.is_none());
            } else {
                changed.ids.insert(*id);
            }
        }
        changed
    }
}

/// What changed from `old` to `new` (the shapes of two consecutive frames, in paint order).
pub fn between(old: &[ClippedShape], new: &[ClippedShape], textures: &ChangedTextures) -> Damage {
    if old.len() != new.len() || textures.font_atlas_rebuilt {
        return Damage::Full;
    }
    let mut rects = Vec::new();
    for (before, after) in old.iter().zip(new) {
        if has_callback(&after.shape) {
            return Damage::Full;
        }
        if before != after {
            rects.extend(bounds(before));
            rects.extend(bounds(after));
        } else if samples_any(&after.shape, &textures.ids) {
            rects.extend(bounds(after));
        }
    }
    Damage::Rects(merged(rects))
}

/// Where a shape can leave pixels: its visual bounds (plus the antialiasing feather) inside
/// its clip rectangle. `None` for a shape that draws nothing.
pub fn bounds(clipped: &ClippedShape) -> Option<Rect> {
    let visual = clipped.shape.visual_bounding_rect();
    if !visual.is_positive() {
        return None;
    }
    // The clip rectangle is in the space the transform maps to.
    let rect = (clipped.transform_after_tessellation * visual)
        .expand(FEATHER_MARGIN)
        .intersect(clipped.clip_rect);
    rect.is_positive().then_some(rect)
}

fn has_callback(shape: &Shape) -> bool {
    match shape {
        Shape::Callback(_) => true,
        Shape::Vec(shapes) => shapes.iter().any(has_callback),
        _ => false,
    }
}

fn samples_any(shape: &Shape, ids: &HashSet<TextureId>) -> bool {
    if ids.is_empty() {
        return false;
    }
    match shape {
        Shape::Vec(shapes) => shapes.iter().any(|s| samples_any(s, ids)),
        shape => ids.contains(&shape.texture_id()),
    }
}

/// Joins the rectangles that overlap or touch; too many become their bounding rectangle.
fn merged(mut rects: Vec<Rect>) -> Vec<Rect> {
    let mut joined_any = true;
    while joined_any {
        joined_any = false;
        let mut i = 0;
        while i < rects.len() {
            let mut j = i + 1;
            while j < rects.len() {
                if rects[i].expand2(Vec2::splat(1.0)).intersects(rects[j]) {
                    let other = rects.swap_remove(j);
                    rects[i] = rects[i].union(other);
                    joined_any = true;
                } else {
                    j += 1;
                }
            }
            i += 1;
        }
    }
    if rects.len() > MAX_RECTS {
        let all = rects.iter().fold(Rect::NOTHING, |all, r| all.union(*r));
        return vec![all];
    }
    rects
}

#[cfg(test)]
mod tests {
    use egui::epaint::{ImageDelta, Mesh, RectShape};
    use egui::{Color32, ColorImage, CornerRadius, TextureOptions, pos2, vec2};

    use super::*;

    const SCREEN: Rect = Rect {
        min: egui::Pos2::ZERO,
        max: egui::Pos2 {
            x: 1920.0,
            y: 1080.0,
        },
    };

    fn filled(rect: Rect, color: Color32) -> ClippedShape {
        ClippedShape {
            clip_rect: SCREEN,
            shape: Shape::rect_filled(rect, CornerRadius::ZERO, color),
            transform_after_tessellation: Default::default(),
        }
    }

    fn textured(rect: Rect, texture: TextureId) -> ClippedShape {
        let mut mesh = Mesh::with_texture(texture);
        mesh.add_rect_with_uv(
            rect,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        ClippedShape {
            clip_rect: SCREEN,
            shape: Shape::mesh(mesh),
            transform_after_tessellation: Default::default(),
        }
    }

    /// A still menu, a clock in the corner and the ticker's strip with its text at `x`.
    fn board(ticker_x: f32, clock: Color32) -> Vec<ClippedShape> {
        let strip = Rect::from_min_size(pos2(0.0, 972.0), vec2(1920.0, 108.0));
        let mut text = filled(
            Rect::from_min_size(pos2(ticker_x, 1000.0), vec2(600.0, 50.0)),
            Color32::WHITE,
        );
        text.clip_rect = strip;
        vec![
            filled(
                Rect::from_min_size(pos2(40.0, 40.0), vec2(1200.0, 800.0)),
                Color32::BROWN,
            ),
            filled(
                Rect::from_min_size(pos2(1500.0, 100.0), vec2(300.0, 120.0)),
                clock,
            ),
            filled(strip, Color32::DARK_BLUE),
            text,
        ]
    }

    fn contains(damage: &Damage, rect: Rect) -> bool {
        match damage {
            Damage::Full => true,
            Damage::Rects(rects) => rects.iter().any(|r| r.contains_rect(rect)),
        }
    }

    fn area(damage: &Damage) -> f32 {
        match damage {
            Damage::Full => SCREEN.area(),
            Damage::Rects(rects) => rects.iter().map(|r| r.area()).sum(),
        }
    }

    #[test]
    fn an_unchanged_frame_is_no_damage() {
        let frame = board(100.0, Color32::GRAY);
        let damage = between(&frame, &frame.clone(), &ChangedTextures::default());
        assert_eq!(damage, Damage::Rects(vec![]));
    }

    #[test]
    fn a_ticker_step_damages_its_text_inside_the_strip_and_nothing_else() {
        let damage = between(
            &board(100.0, Color32::GRAY),
            &board(96.0, Color32::GRAY),
            &ChangedTextures::default(),
        );
        // Where the text was and where it is now are repainted...
        assert!(contains(
            &damage,
            Rect::from_min_size(pos2(96.0, 1000.0), vec2(604.0, 50.0))
        ));
        // ...but nothing outside the ticker's strip, and far less than the screen.
        let Damage::Rects(rects) = &damage else {
            panic!("a ticker step damaged the whole screen");
        };
        assert!(rects.iter().all(|r| r.min.y >= 972.0), "{rects:?}");
        assert!(area(&damage) < SCREEN.area() * 0.05, "{rects:?}");
    }

    #[test]
    fn a_clock_tick_and_a_ticker_step_are_two_separate_rects() {
        let damage = between(
            &board(100.0, Color32::GRAY),
            &board(96.0, Color32::WHITE),
            &ChangedTextures::default(),
        );
        let clock = Rect::from_min_size(pos2(1500.0, 100.0), vec2(300.0, 120.0));
        assert!(contains(&damage, clock));
        let Damage::Rects(rects) = &damage else {
            panic!("expected rectangles, got {damage:?}");
        };
        assert_eq!(rects.len(), 2, "{rects:?}");
        // The menu between them is not drawn again.
        let menu_middle = Rect::from_center_size(pos2(640.0, 440.0), vec2(10.0, 10.0));
        assert!(
            !rects.iter().any(|r| r.intersects(menu_middle)),
            "{rects:?}"
        );
    }

    #[test]
    fn a_new_video_frame_damages_only_what_shows_that_texture() {
        let video = TextureId::Managed(7);
        let zone = Rect::from_min_size(pos2(200.0, 200.0), vec2(640.0, 360.0));
        let frame = vec![
            filled(
                Rect::from_min_size(pos2(0.0, 0.0), vec2(100.0, 100.0)),
                Color32::RED,
            ),
            textured(zone, video),
        ];
        let mut delta = TexturesDelta::default();
        let pixels = ColorImage::filled([2, 2], Color32::GREEN);
        delta.set.insert(
            video,
            [ImageDelta::full(pixels, TextureOptions::LINEAR)].into(),
        );
        let damage = between(&frame, &frame.clone(), &ChangedTextures::of(&delta));
        delta.clear();
        assert!(contains(&damage, zone));
        assert!(!contains(
            &damage,
            Rect::from_min_size(pos2(0.0, 0.0), vec2(100.0, 100.0))
        ));
    }

    #[test]
    fn new_glyphs_in_the_font_atlas_damage_nothing_a_new_atlas_everything() {
        let frame = board(100.0, Color32::GRAY);
        let glyphs = ImageDelta::partial(
            [64, 0],
            ColorImage::filled([8, 8], Color32::WHITE),
            TextureOptions::LINEAR,
        );
        let mut delta = TexturesDelta::default();
        delta.set.insert(TextureId::default(), [glyphs].into());
        let damage = between(&frame, &frame.clone(), &ChangedTextures::of(&delta));
        assert_eq!(damage, Damage::Rects(vec![]));

        let atlas = ImageDelta::full(
            ColorImage::filled([8, 8], Color32::WHITE),
            TextureOptions::LINEAR,
        );
        delta.set.insert(TextureId::default(), [atlas].into());
        let damage = between(&frame, &frame.clone(), &ChangedTextures::of(&delta));
        delta.clear();
        assert_eq!(damage, Damage::Full);
    }

    #[test]
    fn a_different_number_of_shapes_is_the_whole_screen() {
        let old = board(100.0, Color32::GRAY);
        let mut new = old.clone();
        new.push(filled(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0)),
            Color32::RED,
        ));
        assert_eq!(
            between(&old, &new, &ChangedTextures::default()),
            Damage::Full
        );
    }

    #[test]
    fn shapes_that_swap_places_in_the_paint_order_damage_both() {
        // Same shapes, other order: the overlap's colour changes, so both are damage.
        let a = filled(
            Rect::from_min_size(pos2(0.0, 0.0), vec2(100.0, 100.0)),
            Color32::RED,
        );
        let b = filled(
            Rect::from_min_size(pos2(50.0, 50.0), vec2(100.0, 100.0)),
            Color32::BLUE,
        );
        let damage = between(
            &[a.clone(), b.clone()],
            &[b, a],
            &ChangedTextures::default(),
        );
        assert!(contains(
            &damage,
            Rect::from_min_size(pos2(0.0, 0.0), vec2(150.0, 150.0))
        ));
    }

    #[test]
    fn damage_stays_inside_the_clip_rect() {
        let clip = Rect::from_min_size(pos2(0.0, 0.0), vec2(50.0, 50.0));
        let shape = |color| ClippedShape {
            clip_rect: clip,
            shape: Shape::Rect(RectShape::filled(SCREEN, CornerRadius::ZERO, color)),
            transform_after_tessellation: Default::default(),
        };
        let damage = between(
            &[shape(Color32::RED)],
            &[shape(Color32::BLUE)],
            &ChangedTextures::default(),
        );
        assert_eq!(damage, Damage::Rects(vec![clip]));
    }

    #[test]
    fn a_moved_layer_damages_where_it_is_drawn() {
        // A shape whose transform (not its geometry) moves it: the bounds follow the transform.
        let shape = |x| ClippedShape {
            clip_rect: SCREEN,
            shape: Shape::rect_filled(
                Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0)),
                CornerRadius::ZERO,
                Color32::RED,
            ),
            transform_after_tessellation: egui::emath::TSTransform::from_translation(vec2(
                x, 500.0,
            )),
        };
        let damage = between(
            &[shape(800.0)],
            &[shape(900.0)],
            &ChangedTextures::default(),
        );
        assert!(contains(
            &damage,
            Rect::from_min_size(pos2(800.0, 500.0), vec2(10.0, 10.0))
        ));
        assert!(contains(
            &damage,
            Rect::from_min_size(pos2(900.0, 500.0), vec2(10.0, 10.0))
        ));
        assert!(!contains(
            &damage,
            Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0))
        ));
    }

    #[test]
    fn the_union_of_damages_covers_both_and_full_wins() {
        let a = Rect::from_min_size(pos2(0.0, 0.0), vec2(10.0, 10.0));
        let b = Rect::from_min_size(pos2(500.0, 500.0), vec2(10.0, 10.0));
        let both = Damage::Rects(vec![a]).union(&Damage::Rects(vec![b]));
        assert!(contains(&both, a) && contains(&both, b));
        assert!(area(&both) < 1000.0, "{both:?}");
        assert_eq!(Damage::Rects(vec![a]).union(&Damage::Full), Damage::Full);
        assert_eq!(Damage::Full.union(&Damage::Rects(vec![])), Damage::Full);
    }

    #[test]
    fn many_scattered_changes_become_one_bounding_rect() {
        let spot = |i: usize, color| {
            filled(
                Rect::from_min_size(pos2(i as f32 * 100.0, 0.0), vec2(10.0, 10.0)),
                color,
            )
        };
        let old: Vec<_> = (0..10).map(|i| spot(i, Color32::RED)).collect();
        let new: Vec<_> = (0..10).map(|i| spot(i, Color32::BLUE)).collect();
        let Damage::Rects(rects) = between(&old, &new, &ChangedTextures::default()) else {
            panic!("expected rectangles");
        };
        assert_eq!(rects.len(), 1);
        assert!(rects[0].contains_rect(Rect::from_min_size(pos2(0.0, 0.0), vec2(910.0, 10.0))));
    }
}
