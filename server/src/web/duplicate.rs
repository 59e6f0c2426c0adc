//! "Duplicate" on a playlist, layout or content item: a copy under a free name in the user's
//! language ("<name> (copy)", then "(copy 2)" …; names are unique in a library), opened for
//! editing.

use axum::response::Response;

use super::media::free_name;
use super::page::{Page, Signed, redirect_flash};
use crate::domain::library::{self, Doc};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The name of a copy of `name` that none of `taken` has.
pub fn copy_name<'a>(page: &Page, name: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    let numbered = (2_i64..).map(|n| {
        page.tf(
            "library.copy_name_n",
            &[("name", name), ("n", &page.num(n))],
        )
    });
    free_name(
        taken,
        std::iter::once(page.tf("library.copy_name", &[("name", name)])).chain(numbered),
    )
}

/// Copies the document `id` of type `T`; redirects to `page_of(copy)` with the `flash` message.
pub async fn duplicate<T: Doc>(
    state: &AppState,
    signed: Signed,
    id: i64,
    page_of: impl Fn(&T) -> String,
    flash: &str,
) -> ApiResult<Response> {
    let Signed { principal, page } = signed;
    let original = library::get::<T>(state, &principal, id).await?;
    principal.require(principal.can_edit_content())?;
    let taken = library::list::<T>(state, &principal).await?;
    let mut body = serde_json::to_value(&original).map_err(ApiError::internal)?;
    body["name"] = copy_name(&page, original.name(), taken.iter().map(|d| d.name())).into();
    let (_, copy) = library::save::<T>(state, &principal, None, body).await?;
    Ok(redirect_flash(&page_of(&copy), true, flash, copy.name()))
}
