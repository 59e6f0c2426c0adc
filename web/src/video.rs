//! Video in the browser: its own `<video>` element (hardware decoding where the device has it,
//! every codec the browser plays) laid over the zone, fed from the Cache Storage through a
//! blob URL so it plays offline too. Muted autoplay always works; sound needs the kiosk's
//! autoplay policy (or a first tap), else the video plays muted rather than not at all.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use vitrin_render::Outcome;
use vitrin_shared::content::MediaRef;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlVideoElement, Url};

use crate::store::MediaStore;

pub struct DomVideo {
    element: HtmlVideoElement,
    /// The blob URL once the bytes are read (revoked on drop).
    url: Rc<RefCell<Option<String>>>,
    failed: Rc<RefCell<Option<String>>>,
}

impl DomVideo {
    pub fn open(store: &MediaStore, media: &MediaRef, muted: bool) -> DomVideo {
        let element: HtmlVideoElement = crate::document()
            .create_element("video")
            .expect("a document makes video elements")
            .unchecked_into();
        element.set_muted(true);
        element.set_autoplay(true);
        element.set_loop(true);
        let _ = element.set_attribute("playsinline", "");
        let _ = element.set_attribute("class", "vitrin-video");
        let _ = element.set_attribute("data-sha256", &media.sha256);
        let _ = crate::stage_element().append_child(&element);
        let (url, failed) = (Rc::new(RefCell::new(None)), Rc::new(RefCell::new(None)));
        let (store, sha, mime) = (store.clone(), media.sha256.clone(), media.mime.clone());
        let (slot, fail, video) = (url.clone(), failed.clone(), element.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let Some(bytes) = store.get(&sha).await else {
                *fail.borrow_mut() = Some(format!("video {sha} is not in the media cache"));
                return;
            };
            let parts = Array::of1(&Uint8Array::from(bytes.as_slice()));
            let options = BlobPropertyBag::new();
            options.set_type(&mime);
            let blob = match Blob::new_with_u8_array_sequence_and_options(&parts, &options) {
                Ok(blob) => blob,
                Err(e) => {
                    *fail.borrow_mut() = Some(crate::net::js_text(&e));
                    return;
                }
            };
            let Ok(object_url) = Url::create_object_url_with_blob(&blob) else {
                *fail.borrow_mut() = Some("cannot make a URL for the video".into());
                return;
            };
            video.set_src(&object_url);
            *slot.borrow_mut() = Some(object_url);
            video.set_muted(muted);
            if let Ok(playing) = video.play()
                && JsFuture::from(playing).await.is_err()
                && !muted
            {
                tracing::info!("the browser refused sound without a tap: playing muted");
                video.set_muted(true);
                if let Ok(playing) = video.play() {
                    let _ = JsFuture::from(playing).await;
                }
            }
        });
        DomVideo {
            element,
            url,
            failed,
        }
    }

    /// Places the video over `rect` (CSS pixels are egui points) at `opacity`.
    pub fn show(&self, rect: egui::Rect, opacity: f32) -> Outcome {
        if let Some(reason) = self.failed.borrow().clone() {
            return Outcome::Failed(reason);
        }
        if let Some(error) = self.element.error() {
            return Outcome::Failed(format!(
                "the browser cannot play this video (media error {}): {}",
                error.code(),
                error.message()
            ));
        }
        let style = self.element.style();
        for (name, value) in [
            ("left", format!("{}px", rect.min.x)),
            ("top", format!("{}px", rect.min.y)),
            ("width", format!("{}px", rect.width())),
            ("height", format!("{}px", rect.height())),
            ("opacity", format!("{opacity}")),
        ] {
            let _ = style.set_property(name, &value);
        }
        // HAVE_CURRENT_DATA: a frame to show, so the fade-in never shows an empty box.
        if self.element.ready_state() >= 2 {
            Outcome::Shown
        } else {
            Outcome::NotReady
        }
    }
}

impl Drop for DomVideo {
    fn drop(&mut self) {
        let _ = self.element.pause();
        self.element.remove();
        if let Some(url) = self.url.borrow_mut().take() {
            let _ = Url::revoke_object_url(&url);
        }
    }
}
