//! Timers on the browser's event loop (there is no tokio here): sleeping, deadlines, aborts.

use std::future::Future;
use std::time::Duration;

use futures_util::future::{Either, select};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

/// Resolves after `duration` (the browser may delay it in a hidden tab).
pub async fn sleep(duration: Duration) {
    let ms = duration.as_millis().min(i32::MAX as u128) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = crate::window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// `future`'s output, or `None` if it takes longer than `ms`.
pub async fn within<F: Future + Unpin>(future: F, ms: u32) -> Option<F::Output> {
    let deadline = Box::pin(sleep(Duration::from_millis(u64::from(ms))));
    match select(future, deadline).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}

/// Aborts `controller` after `ms` unless dropped first.
pub struct AbortTimer {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

pub fn abort_after(controller: &AbortController, ms: u32) -> AbortTimer {
    let controller = controller.clone();
    let callback = Closure::<dyn FnMut()>::new(move || controller.abort());
    let handle = crate::window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            callback.as_ref().unchecked_ref(),
            ms.min(i32::MAX as u32) as i32,
        )
        .unwrap_or(0);
    AbortTimer {
        handle,
        _callback: callback,
    }
}

impl Drop for AbortTimer {
    fn drop(&mut self) {
        crate::window().clear_timeout_with_handle(self.handle);
    }
}

/// Jittered exponential backoff (half to all of the step, capped at 30 s), so a fleet of
/// screens that lost the server together does not come back in lockstep.
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            next: Duration::from_millis(500),
        }
    }
}

impl Backoff {
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }

    pub async fn sleep(&mut self) {
        let mut byte = [0u8; 1];
        let _ = getrandom::fill(&mut byte);
        sleep(self.next.mul_f64(0.5 + f64::from(byte[0]) / 510.0)).await;
        self.next = (self.next * 2).min(Duration::from_secs(30));
    }
}
