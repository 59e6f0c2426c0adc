//! The contract between the Vitrin server and player.
//!
//! Everything both sides must agree on lives here and only here: the wire types, the schedule
//! engine that decides what plays, and the calendars used to show dates. No I/O.

pub mod brand;
pub mod calendar;
pub mod clock;
pub mod content;
pub mod events;
pub mod feed;
pub mod holidays;
pub mod ids;
pub mod input;
pub mod layout;
pub mod manifest;
pub mod pin;
pub mod playlist;
pub mod schedule;
pub mod showing;
pub mod validate;

/// The version of the wire format. It grows when a change would break an older player;
/// additive changes (new optional fields) keep it.
pub const API_VERSION: u32 = 1;

pub use input::Accept;
pub use validate::{FieldError, Validate, ValidationErrors};
