//! Turning the screen's local (civil) times into instants, fast.
//!
//! A rule says "06:00–11:00"; whether that contains an instant depends on the timezone's
//! offset, which jiff finds in the tz database (gaps and folds resolved the "compatible" way:
//! a time skipped by DST moves forward, a repeated time means its first occurrence).
//! Looking that up for every rule on every resolve is the expensive part, so a `Clock`
//! remembers the civil range around its instant in which the offset is constant: there,
//! converting is subtracting a number, and comparing civil times is comparing instants.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use std::cmp::Ordering;

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
        Clock { tz, at, local, offset, lo, hi }
    }

    fn is_linear(&self, civil: DateTime) -> bool {
        self.lo.is_none_or(|lo| lo <= civil) && self.hi.is_none_or(|hi| civil < hi)
    }

    /// The instant a local civil time denotes in this timezone.
    pub fn instant(&self, civil: DateTime) -> Timestamp {
        let converted = if self.is_linear(civil) {
            self.offset.to_timestamp(civil)
        } else {
            self.tz.to_ambiguous_timestamp(civil).compatible()
        };
        // Only civil times near the ends of jiff's range (year ±9999) fail: treat them as
        // "never", which is what a rule that far away means for a screen.
        converted.unwrap_or(if civil.year() < 0 { Timestamp::MIN } else { Timestamp::MAX })
    }

    /// How `instant(civil)` compares with `at`, without converting when it need not.
    pub fn cmp_at(&self, civil: DateTime) -> Ordering {
        if self.is_linear(civil) && self.is_linear(self.local) {
            civil.cmp(&self.local)
        } else {
            self.instant(civil).cmp(&self.at)
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
