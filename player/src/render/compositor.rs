//! Damage-limited drawing on OpenGL: the player's frame is drawn in an egui context of its
//! own, and only what changed since the picture in the window's back buffer (`damage`) is
//! shaded again.
//!
//! Why not simply draw through eframe: eframe's glow integration clears the window and paints
//! every shape of every frame. On a software renderer (Mesa's llvmpipe, most kiosks without a
//! working GPU driver) shading costs by the pixel, so a 1080p board whose only motion is a
//! ticker was shaded whole 30 times a second: 0.41–0.45 core for the board's drawing, against
//! 0.13 core for its ticker's strip alone (BENCHMARKS.md).
//!
//! How it fits into eframe: eframe makes its GL context current, clears whatever framebuffer
//! is bound, asks the app for a frame, paints the app's shapes and swaps. This module draws
//! during the app's turn, straight into the window's back buffer, and leaves eframe nothing
//! to paint. Between frames it leaves a 1×1 framebuffer object bound, so eframe's clear of
//! the next frame lands there and the back buffer keeps its picture.
//!
//! Which picture a back buffer holds after a swap is up to the driver: the last frame (Mesa's
//! software path), one two or three frames old (a GPU's swap chain), or nothing defined. The
//! buffer-age extensions should say, but Mesa's llvmpipe answers "unknown" while it keeps the
//! last frame, and eframe does not hand out its surface. So the frames say it themselves:
//! each drawn frame leaves a stamp (`Stamp`) in its bottom-right pixel, a counter in the
//! lowest bits of the colour there (at most 3/255 off, invisible), and the next frame reads
//! the pixel back before drawing. The damage of every frame since the one whose stamp it finds
//! is drawn again; a stamp it does not know means the whole frame.
//!
//! Keeping a copy in a framebuffer object of our own and copying it to the window each frame
//! was measured first: llvmpipe copies through a shader, so the copy cost as much as drawing
//! the whole board. With `VITRIN_FULL_REDRAW=1` (the frame-cost benchmark's reference)
//! every frame is drawn whole, after eframe's clear, as eframe would.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use eframe::egui_glow;
use eframe::glow::{self, HasContext};
use egui::epaint::{ClippedPrimitive, ClippedShape, Primitive};
use egui::{Pos2, Rect, ViewportId};

use super::damage::{self, ChangedTextures, Damage};

/// The environment variable that turns damage-limited drawing off.
pub const FULL_REDRAW_VAR: &str = "VITRIN_FULL_REDRAW";

/// Back buffers older than this many frames are drawn whole (drivers keep two or three).
const HISTORY: usize = 4;

pub struct Compositor {
    /// The context the player draws its frames in; eframe's own context draws nothing.
    pub ctx: egui::Context,
    painter: egui_glow::Painter,
    stamp: Stamp,
    /// Where eframe's clear goes while frames are kept (`None`: they are not).
    absorber: Option<Absorber>,
    /// What the last frames showed and changed, to compare the next frame with.
    last: Option<LastFrame>,
}

/// The 1×1 framebuffer object eframe clears instead of the window.
struct Absorber {
    fbo: glow::Framebuffer,
    texture: glow::Texture,
}

struct LastFrame {
    shapes: Vec<ClippedShape>,
    pixels_per_point: f32,
    size: [u32; 2],
    clear: [f32; 4],
    /// The damage of the last frames, newest first.
    damages: VecDeque<Damage>,
}

impl Compositor {
    /// A compositor on eframe's GL context (current while eframe runs the app). Whatever asks
    /// the player's context for a repaint (a decoded picture, a video frame) wakes `window`.
    pub fn new(gl: &Arc<glow::Context>, window: &egui::Context) -> Result<Compositor, String> {
        let painter = egui_glow::Painter::new(gl.clone(), "", None, true)
            .map_err(|e| format!("the GL painter failed: {e}"))?;
        let full_redraw = std::env::var_os(FULL_REDRAW_VAR).is_some_and(|v| v != "0");
        let absorber = if full_redraw {
            None
        } else {
            unsafe { make_absorber(gl) }
                .inspect_err(|reason| tracing::warn!(%reason, "drawing every frame whole"))
                .ok()
        };
        let ctx = egui::Context::default();
        let wake = window.clone();
        ctx.set_request_repaint_callback(move |info| wake.request_repaint_after(info.delay));
        tracing::info!(
            damage_limited = absorber.is_some(),
            "window compositor ready"
        );
        Ok(Compositor {
            ctx,
            painter,
            stamp: Stamp::default(),
            absorber,
            last: None,
        })
    }

    /// Runs one pass of `draw` in the player's context and draws what it changed into the
    /// window. `draw` answers the background colour (gamma space) the frame is cleared to;
    /// `window` is eframe's context, whose input the pass sees. With `screenshot`, the frame
    /// drawn is read back and returned.
    pub fn frame(
        &mut self,
        window: &egui::Context,
        screenshot: bool,
        mut draw: impl FnMut(&mut egui::Ui) -> [f32; 4],
    ) -> Option<egui::ColorImage> {
        let mut input = window.input(|i| i.raw.clone());
        input.max_texture_side = Some(self.painter.max_texture_side());
        let mut clear = [0.0; 4];
        let output = self.ctx.run_ui(input, |ui| clear = draw(ui));
        if let Some(viewport) = output.viewport_output.get(&ViewportId::ROOT)
            && viewport.repaint_delay != Duration::MAX
        {
            window.request_repaint_after(viewport.repaint_delay);
        }
        let ppp = output.pixels_per_point;
        let mut textures = output.textures_delta;
        unsafe {
            // The window's back buffer (eframe's clear went to the absorber).
            self.painter.gl().bind_framebuffer(glow::FRAMEBUFFER, None);
        }
        let size = self.window_size();
        let mut damages = match self.last.take() {
            Some(last)
                if last.size == size && last.pixels_per_point == ppp && last.clear == clear =>
            {
                let changed = ChangedTextures::of(&textures);
                let now = damage::between(&last.shapes, &output.shapes, &changed);
                let mut damages = last.damages;
                damages.push_front(now);
                damages.truncate(HISTORY);
                damages
            }
            _ => VecDeque::from([Damage::Full]),
        };
        for (id, deltas) in textures.set.drain() {
            for delta in deltas {
                self.painter.set_texture(id, &delta);
            }
        }
        let visible = size[0] > 0 && size[1] > 0;
        let mut picture = None;
        if visible {
            let redraw = self.to_redraw(&damages, size);
            unsafe { self.paint(&redraw, &output.shapes, size, ppp, clear) };
            if screenshot {
                picture = Some(self.painter.read_screen_rgba(size));
            }
            if self.absorber.is_some() {
                unsafe { self.stamp.leave(self.painter.gl(), size) };
            }
        }
        unsafe {
            for id in textures.free.drain() {
                self.painter.free_texture(id);
            }
            if let Some(absorber) = &self.absorber {
                self.painter
                    .gl()
                    .bind_framebuffer(glow::FRAMEBUFFER, Some(absorber.fbo));
            }
        }
        if !visible {
            // Nothing drawn: no back buffer holds this frame.
            damages = VecDeque::from([Damage::Full]);
            self.stamp.left.clear();
        }
        self.last = Some(LastFrame {
            shapes: output.shapes,
            pixels_per_point: ppp,
            size,
            clear,
            damages,
        });
        picture
    }

    /// What to draw so the back buffer shows the new frame: the damage of every frame since
    /// the picture it holds (`damages`, newest first, starts with this frame's). `size` is
    /// not empty.
    fn to_redraw(&self, damages: &VecDeque<Damage>, size: [u32; 2]) -> Damage {
        if self.absorber.is_none() {
            return Damage::Full;
        }
        let age = unsafe { self.stamp.age(self.painter.gl(), size) };
        if age == 0 || age > damages.len() {
            return Damage::Full;
        }
        damages
            .iter()
            .take(age)
            .fold(Damage::Rects(Vec::new()), |all, d| all.union(d))
    }

    /// The window's size in pixels: the viewport eframe's clear just set.
    fn window_size(&self) -> [u32; 2] {
        let mut viewport = [0; 4];
        unsafe {
            self.painter
                .gl()
                .get_parameter_i32_slice(glow::VIEWPORT, &mut viewport)
        };
        [viewport[2].max(0) as u32, viewport[3].max(0) as u32]
    }

    /// Draws the `damage` part of the frame `shapes` into the bound framebuffer.
    unsafe fn paint(
        &mut self,
        damage: &Damage,
        shapes: &[ClippedShape],
        size: [u32; 2],
        ppp: f32,
        clear: [f32; 4],
    ) {
        let screen = Rect::from_min_max(Pos2::ZERO, [size[0] as f32, size[1] as f32].into());
        let (rects, shapes) = match damage {
            Damage::Full => (vec![screen], shapes.to_vec()),
            Damage::Rects(rects) if rects.is_empty() => return,
            // Only what reaches into the damage is tessellated: the still menu is not. The
            // margin covers the damage's rounding out to whole pixels.
            Damage::Rects(rects) => {
                let reaches = |b: Rect| rects.iter().any(|r| r.expand(2.0).intersects(b));
                let shapes = shapes
                    .iter()
                    .filter(|s| damage::bounds(s).is_some_and(reaches))
                    .cloned()
                    .collect();
                (rects.iter().map(|r| *r * ppp).collect(), shapes)
            }
        };
        let mut primitives = self.ctx.tessellate(shapes, ppp);
        for rect in rects {
            unsafe { self.repaint(rect.intersect(screen), size, ppp, clear, &mut primitives) };
        }
    }

    /// Clears `rect` (in pixels) to the background and paints every primitive again inside it,
    /// in order: inside the rectangle the result is the whole frame's.
    unsafe fn repaint(
        &mut self,
        rect: Rect,
        [w, h]: [u32; 2],
        ppp: f32,
        clear: [f32; 4],
        primitives: &mut [ClippedPrimitive],
    ) {
        // Whole pixels, so the clear and egui's rounded scissors meet exactly.
        let px = Rect::from_min_max(rect.min.floor(), rect.max.ceil());
        if !px.is_positive() {
            return;
        }
        let gl = self.painter.gl();
        unsafe {
            gl.viewport(0, 0, w as i32, h as i32);
            gl.enable(glow::SCISSOR_TEST);
            gl.scissor(
                px.min.x as i32,
                h as i32 - px.max.y as i32,
                px.width() as i32,
                px.height() as i32,
            );
            gl.clear_color(clear[0], clear[1], clear[2], clear[3]);
            gl.clear(glow::COLOR_BUFFER_BIT);
        }
        let inside = px / ppp;
        let mut batch = Vec::new();
        let mut taken = Vec::new();
        for (i, primitive) in primitives.iter_mut().enumerate() {
            let clip = primitive.clip_rect.intersect(inside);
            if !clip.is_positive() {
                continue;
            }
            let empty = Primitive::Mesh(Default::default());
            batch.push(ClippedPrimitive {
                clip_rect: clip,
                primitive: std::mem::replace(&mut primitive.primitive, empty),
            });
            taken.push(i);
        }
        self.painter.paint_primitives([w, h], ppp, &batch);
        for (i, painted) in taken.into_iter().zip(batch) {
            primitives[i].primitive = painted.primitive;
        }
    }

    /// Frees the GL objects (eframe's `on_exit`, while the context is still current).
    pub fn destroy(&mut self) {
        if let Some(absorber) = self.absorber.take() {
            let gl = self.painter.gl();
            unsafe {
                gl.bind_framebuffer(glow::FRAMEBUFFER, None);
                gl.delete_framebuffer(absorber.fbo);
                gl.delete_texture(absorber.texture);
            }
        }
        self.painter.destroy();
    }
}

/// The stamps the last frames left in the bottom-right pixel of the back buffer they drew.
#[derive(Default)]
struct Stamp {
    /// The last stamp's counter, 1..=31 (never 0: a zero-filled buffer must not match).
    counter: u8,
    /// The stamps left, newest first (RGB).
    left: VecDeque<[u8; 3]>,
}

impl Stamp {
    /// How many frames old the back buffer's picture is: 1 for the last frame drawn, 0 for
    /// unknown.
    unsafe fn age(&self, gl: &glow::Context, size: [u32; 2]) -> usize {
        let found = unsafe { corner(gl, size) };
        self.left
            .iter()
            .position(|stamp| *stamp == found)
            .map_or(0, |i| i + 1)
    }

    /// Marks the frame just drawn in the bound framebuffer.
    unsafe fn leave(&mut self, gl: &glow::Context, [w, h]: [u32; 2]) {
        self.counter = self.counter % 31 + 1;
        let c = self.counter;
        let [r, g, b] = unsafe { corner(gl, [w, h]) };
        let stamp = [
            (r & !1) | (c >> 4),
            (g & !3) | ((c >> 2) & 3),
            (b & !3) | (c & 3),
        ];
        unsafe {
            gl.enable(glow::SCISSOR_TEST);
            gl.scissor(w as i32 - 1, 0, 1, 1);
            let [r, g, b] = stamp.map(|v| f32::from(v) / 255.0);
            gl.clear_color(r, g, b, 1.0);
            gl.clear(glow::COLOR_BUFFER_BIT);
            gl.disable(glow::SCISSOR_TEST);
        }
        self.left.push_front(stamp);
        self.left.truncate(HISTORY);
    }
}

/// The bottom-right pixel of the bound framebuffer.
unsafe fn corner(gl: &glow::Context, [w, _]: [u32; 2]) -> [u8; 3] {
    let mut pixel = [0u8; 4];
    unsafe {
        gl.read_pixels(
            w as i32 - 1,
            0,
            1,
            1,
            glow::RGBA,
            glow::UNSIGNED_BYTE,
            glow::PixelPackData::Slice(Some(&mut pixel)),
        );
    }
    [pixel[0], pixel[1], pixel[2]]
}

unsafe fn make_absorber(gl: &glow::Context) -> Result<Absorber, String> {
    unsafe {
        let texture = gl.create_texture()?;
        gl.bind_texture(glow::TEXTURE_2D, Some(texture));
        gl.tex_image_2d(
            glow::TEXTURE_2D,
            0,
            glow::RGBA8 as i32,
            1,
            1,
            0,
            glow::RGBA,
            glow::UNSIGNED_BYTE,
            glow::PixelUnpackData::Slice(None),
        );
        gl.bind_texture(glow::TEXTURE_2D, None);
        let fbo = gl.create_framebuffer()?;
        gl.bind_framebuffer(glow::FRAMEBUFFER, Some(fbo));
        gl.framebuffer_texture_2d(
            glow::FRAMEBUFFER,
            glow::COLOR_ATTACHMENT0,
            glow::TEXTURE_2D,
            Some(texture),
            0,
        );
        let status = gl.check_framebuffer_status(glow::FRAMEBUFFER);
        gl.bind_framebuffer(glow::FRAMEBUFFER, None);
        if status != glow::FRAMEBUFFER_COMPLETE {
            gl.delete_framebuffer(fbo);
            gl.delete_texture(texture);
            return Err(format!(
                "framebuffer object incomplete (status {status:#x})"
            ));
        }
        Ok(Absorber { fbo, texture })
    }
}
