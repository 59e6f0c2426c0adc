//! Screen rotation from the screen's setting: a browser cannot turn the physical output, so
//! the stage (canvas and videos) is turned instead, and eframe lays out for the turned size.

use wasm_bindgen::JsCast;

/// Turns the stage `degrees` clockwise (0, 90, 180, 270).
pub fn rotate(degrees: u16) {
    let stage = crate::stage_element();
    let _ = stage.set_attribute("data-rotation", &degrees.to_string());
    // index.html's CSS sizes and turns the stage by its data-rotation; eframe's resize
    // observer sees the new canvas size.
    if let Some(canvas) = crate::document().get_element_by_id("vitrin") {
        let canvas: web_sys::HtmlElement = canvas.unchecked_into();
        let _ = canvas.focus();
    }
}
