//! What travels from the server to a screen over the push channel, and back as telemetry.

use crate::ids::{CommandId, ContentId, LayoutId, PlaylistId, RuleId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A remote command for a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Fetch the manifest now.
    Refresh,
    /// Reload content from disk and redraw.
    Reload,
    /// Upload a screenshot.
    Screenshot,
    /// Restart the player process.
    Restart,
    /// Show the screen's name big for a while, to find it in a store.
    Identify,
}

/// One Server-Sent Event. The SSE `event:` field is the tag, `data:` the JSON of the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PushEvent {
    /// The screen's manifest changed; fetch it.
    Manifest {
        version: u64,
    },
    Command {
        id: CommandId,
        command: Command,
    },
    /// An emergency message: shown at once, ahead of the manifest that also carries it.
    Emergency {
        rule: RuleId,
        text: String,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
        until: Option<Timestamp>,
    },
}

impl PushEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            PushEvent::Manifest { .. } => "manifest",
            PushEvent::Command { .. } => "command",
            PushEvent::Emergency { .. } => "emergency",
        }
    }
}

/// The player's answer to a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommandAck {
    pub id: CommandId,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a screen shows in one zone, as reported in heartbeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NowShowing {
    pub zone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutId>,
    pub playlist: PlaylistId,
    pub content: ContentId,
}

/// A screen's periodic status report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heartbeat {
    pub player_version: String,
    pub uptime_secs: u64,
    pub manifest_version: Option<u64>,
    pub showing: Vec<NowShowing>,
    pub cache_bytes: u64,
    pub disk_free_bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub sent_at: Timestamp,
}

/// One thing that was on screen, from start to end. `event_id` is made by the player and is
/// unique per screen, so a batch sent twice is counted once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofOfPlay {
    pub event_id: String,
    pub content: ContentId,
    pub playlist: PlaylistId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleId>,
    pub zone: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ended_at: Timestamp,
}

/// The server's answer to a [`ProofOfPlayBatch`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaysReply {
    /// Records stored now.
    pub accepted: usize,
    /// Records already stored by an earlier upload of the same events.
    pub duplicates: usize,
    /// Records that can never be stored (sending them again would not help), with why. Absent
    /// from older servers, which refuse a whole batch instead.
    #[serde(default)]
    pub refused: Vec<RefusedPlay>,
}

/// One record of a batch the server will never store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedPlay {
    /// Position in the batch.
    pub index: usize,
    pub event_id: String,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Proof-of-play records sent together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofOfPlayBatch {
    pub records: Vec<ProofOfPlay>,
}
