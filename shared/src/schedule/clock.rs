//! Turning the screen's local (civil) times into instants, fast.
//!
//! A rule says "06:00–11:00"; whether that contains an instant depends on the timezone's
//! offset, which jiff finds in the tz database. Around DST changes a window covers every
//! moment the wall clock shows a time inside it: a start or end skipped by a gap becomes the
//! instant the clock jumps; a window starts at the first of two repeated times and ends at
//! the second. So 02:30–03:30 on a spring-forward night plays 03:00–03:30, and 01:00–02:30
//! on a fall-back night plays two and a half hours.
//! Looking that up for every rule on every resolve is the expensive part, so a `Clock`
//! remembers the civil range around its instant in which the offset is constant: there,
//! converting is subtracting a number, and comparing civil times is comparing instants.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use std::cmp::Ordering;

/// Which end of a window a civil time is; it decides how gaps and folds resolve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    Start,
    End,
}

/// Wider than any offset change, so civil times near a transition never take the fast path.
const MARGIN: SignedDuration = SignedDuration::from_hours(24);

pub(crate) struct Clock<'a> {
    pub tz: &'a TimeZone,
    pub at: Timestamp,
    /// `at` in local civil time.
    pub local: DateTime,
    offset: Offset,
    /// Civil times in `[lo, hi)` map to instants by subtracting `offset`.
    lo: Option<DateTime>,
    hi: Option<DateTime>,
    /// Whether `local` itself lies in `[lo, hi)`, so civil comparisons with it are exact.
    local_is_linear: bool,
}

impl<'a> Clock<'a> {
    pub fn new(tz: &'a TimeZone, at: Timestamp) -> Clock<'a> {
        let offset = tz.to_offset(at);
        let local = offset.to_datetime(at);
        // A transition exactly at `at` belongs to the past: look from just after it.
        let previous = tz.preceding(at + SignedDuration::from_secs(1)).next();
        let next = tz.following(at).next();
        let lo = previous.map(|t| offset.to_datetime(t.timestamp()).saturating_add(MARGIN));
        let hi = next.map(|t| offset.to_datetime(t.timestamp()).saturating_sub(MARGIN));
        let local_is_linear = lo.is_none_or(|lo| lo <= local) && hi.is_none_or(|hi| local < hi);
        Clock {
            tz,
            at,
            local,
            offset,
            lo,
            hi,
            local_is_linear,
        }
    }

    fn is_linear(&self, civil: DateTime) -> bool {
        self.lo.is_none_or(|lo| lo <= civil) && self.hi.is_none_or(|hi| civil < hi)
    }

    /// The instant a local civil time denotes in this timezone, as the given window edge.
    pub fn instant(&self, civil: DateTime, edge: Edge) -> Timestamp {
        let converted = if self.is_linear(civil) {
            self.offset.to_timestamp(civil)
        } else {
            let ambiguous = self.tz.to_ambiguous_timestamp(civil);
            match (ambiguous.offset(), edge) {
                (AmbiguousOffset::Unambiguous { offset }, _) => offset.to_timestamp(civil),
                // The clock jumps over `civil`: the window edge is the jump itself.
                (AmbiguousOffset::Gap { after, .. }, _) => {
                    after.to_timestamp(civil).and_then(|before_jump| {
                        self.tz
                            .following(before_jump)
                            .next()
                            .map(|t| t.timestamp())
                            .ok_or_else(|| {
                                jiff::Error::from_args(format_args!("no transition after a gap"))
                            })
                    })
                }
                (AmbiguousOffset::Fold { before, .. }, Edge::Start) => before.to_timestamp(civil),
                (AmbiguousOffset::Fold { after, .. }, Edge::End) => after.to_timestamp(civil),
            }
        };
        // Only civil times near the ends of jiff's range (year ±9999) fail: treat them as
        // "never", which is what a rule that far away means for a screen.
        converted.unwrap_or(if civil.year() < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        })
    }

    /// How `instant(civil)` compares with `at`, without converting when it need not.
    pub fn cmp_at(&self, civil: DateTime, edge: Edge) -> Ordering {
        if self.local_is_linear && self.is_linear(civil) {
            civil.cmp(&self.local)
        } else {
            self.instant(civil, edge).cmp(&self.at)
        }
    }

    /// The local civil time of another instant.
    pub fn civil(&self, t: Timestamp) -> DateTime {
        self.tz.to_datetime(t)
    }
}

/// The start of the local clock hour that contains `t` (`xx:00` local; `xx:30` UTC in Tehran).
pub(crate) fn hour_start(tz: &TimeZone, t: Timestamp) -> Timestamp {
    const HOUR_MS: i64 = 3_600_000;
    let offset_ms = i64::from(tz.to_offset(t).seconds()) * 1000;
    let into_hour = (t.as_millisecond() + offset_ms).rem_euclid(HOUR_MS);
    Timestamp::from_millisecond(t.as_millisecond() - into_hour).unwrap_or(t)
}
