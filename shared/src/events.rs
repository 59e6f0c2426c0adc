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
    /// Turn the panel on for an hour although the store is closed (a technician, an event).
    Wake,
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
    /// What the player runs on, for the admin: "native linux x86_64", or "browser" and the
    /// browser's user agent. At most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The panel's state; absent from players that do not manage it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<PanelReport>,
}

/// Whether the panel is on, and how the player switches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PanelReport {
    pub on: bool,
    /// Off because the store is closed (as its opening hours say).
    #[serde(default)]
    pub asleep_by_schedule: bool,
    pub control: PowerControl,
}

/// How a player turns its panel off: a display power command, HDMI-CEC, or (without either)
/// a black screen, which saves nothing on most panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PowerControl {
    /// DPMS of a Wayland output (`wlr-randr --output … --off`).
    WlrRandr,
    /// DPMS of an X display (`xset dpms force off`).
    Xset,
    /// The TV itself over HDMI-CEC (`cec-ctl --standby`).
    Cec,
    /// No way to switch the panel: the player shows black.
    BlackScreen,
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

/// The server's answer to a player asking for a pairing code.
#[derive(Debug, Clone, Deserialize)]
pub struct PairingStarted {
    pub code: String,
    pub secret: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PairingStatus {
    Waiting { code: String, expires_at: i64 },
    Paired { screen_id: i64, token: String },
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeartbeatReply {
    pub manifest_version: i64,
    pub server_time: i64,
    /// The key pins the server announces (empty when it does not know its certificate).
    #[serde(default)]
    pub tls_pins: Vec<crate::pin::Pin>,
}

/// Splits a `text/event-stream` into push events, whatever the chunks it arrives in (a chunk
/// may end inside a line or inside a UTF-8 character). Keep-alive comments and events this
/// version does not know are skipped, so a newer server can add events.
#[derive(Debug, Default)]
pub struct SseDecoder {
    buffer: Vec<u8>,
}

impl SseDecoder {
    pub fn feed(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete event and its id (for `Last-Event-ID`), if one has arrived.
    pub fn next_event(&mut self) -> Option<(String, PushEvent)> {
        loop {
            let end = self.buffer.windows(2).position(|w| w == b"\n\n")?;
            let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
            let block = String::from_utf8_lossy(&block);
            let (mut id, mut data) = (String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id:") {
                    id = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if let Ok(event) = serde_json::from_str::<PushEvent>(&data) {
                return Some((id, event));
            }
        }
    }
}

#[cfg(test)]
mod sse_tests {
    use super::*;

    #[test]
    fn events_split_across_chunks_and_unknown_ones_skipped() {
        let stream = ": keep-alive\n\nid: 7\nevent: manifest\ndata: {\"event\":\"manifest\",\"version\":3}\n\n\
                      id: 8\ndata: {\"event\":\"future_thing\"}\n\n\
                      id: 9\ndata: {\"event\":\"emergency\",\"rule\":2,\"text\":\"خروج\",\"until\":null}\n\n";
        let mut decoder = SseDecoder::default();
        let mut got = Vec::new();
        // One byte at a time: every split point, including inside the Persian text.
        for byte in stream.as_bytes() {
            decoder.feed(std::slice::from_ref(byte));
            while let Some(event) = decoder.next_event() {
                got.push(event);
            }
        }
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], ("7".into(), PushEvent::Manifest { version: 3 }));
        assert_eq!(got[1].0, "9");
        assert!(matches!(&got[1].1, PushEvent::Emergency { text, .. } if text == "خروج"));
    }
}
