//! The domain layer: what Vitrin's objects are and the rules between them. It owns the SQL,
//! the tenancy scoping (every query is the caller's organization's, and a store manager's
//! stores'), validation, the audit log and the cross-entity rules (references, ties, which
//! screens a change reaches), one module per resource. Writes go through a `Change`, one
//! transaction that also bumps the affected manifests.
//!
//! Nothing here knows HTTP: the JSON API (`api`) and the browser pages (`web`) are thin
//! adapters that parse a request, call in here and render the answer, so every rule holds
//! whoever calls.

pub mod account;
pub mod brand;
pub mod customers;
pub mod devices;
pub mod feeds;
pub mod groups;
pub mod library;
pub mod media;
pub mod menu_csv;
pub mod promo;
pub mod screens;
pub mod store_prices;
pub mod store_time;
pub mod stores;
pub mod tags;
pub mod users;

use vitrin_shared::ValidationErrors;
use vitrin_shared::input::accept_line;

/// Brings a name into its stored form (trimmed, Persian letters) and checks it: required,
/// one line of reasonable length, without control characters.
pub fn accept_name(name: &mut String, errors: &mut ValidationErrors) {
    accept_line("name", name, errors);
    if name.is_empty() {
        errors.add("name", "required", "a name is required");
    } else if name.chars().count() > 200 {
        errors.add("name", "too_long", "use at most 200 characters");
    }
}
