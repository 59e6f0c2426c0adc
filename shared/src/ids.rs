//! Typed identifiers. On the wire each is a plain JSON number (the database row id), but in Rust
//! a playlist id can never be passed where a layout id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// An organization: a franchise or a single shop.
    OrgId,
    /// A store (one address, one timezone).
    StoreId,
    /// A screen (one player).
    ScreenId,
    /// A group of screens that may span stores.
    GroupId,
    /// A content item.
    ContentId,
    /// A playlist.
    PlaylistId,
    /// A layout.
    LayoutId,
    /// A schedule rule.
    RuleId,
    /// A feed source (news, weather, currency).
    FeedId,
    /// A command sent to a screen.
    CommandId,
);
