//! Customer-facing text: cosmic-text shapes, applies bidi and wraps; the result is rasterised
//! into egui textures cached by (text, size, colour, width). (to be written)

/// Shaped and rasterised text, cached.
#[derive(Default)]
pub struct TextCache {}
