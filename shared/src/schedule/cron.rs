//! Cron lines as users write them: standard 5 fields (minute precision), or 6/7 fields with
//! seconds first and an optional year. Weekdays are 0–7 with Sunday as 0 and 7, names allowed,
//! and day-of-month OR day-of-week as in Vixie cron. `croner` implements exactly that
//! dialect, and resolves DST gaps and folds.

use croner::Cron;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::str::FromStr;

#[derive(Debug, Clone)]
pub struct CronExpr {
    cron: Cron,
}

impl CronExpr {
    /// Parses a line; the error is a sentence for the person who typed it.
    pub fn parse(line: &str) -> Result<CronExpr, String> {
        let fields = line.split_whitespace().count();
        if !line.trim_start().starts_with('@') && !(5..=7).contains(&fields) {
            return Err(format!(
                "a cron line has 5 fields (minute hour day month weekday), or 6/7 with seconds first; this one has {fields}"
            ));
        }
        Cron::from_str(line)
            .map(|cron| CronExpr { cron })
            .map_err(|e| format!("invalid cron line '{}': {e}", line.trim()))
    }

    /// The first firing strictly after `t`.
    pub fn next_after(&self, t: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        self.cron
            .find_next_occurrence(&t.to_zoned(tz.clone()), false)
            .ok()
            .map(|z| z.timestamp())
    }

    /// Whether the line fires at some moment after `t`, wherever the screen is. Lines that
    /// parse but never fire (`0 0 31 2 *`: February has no 31st; `0 0 12 1 1 * 2020`: a year
    /// gone by) are refused as new input with this; stored rules are not, so a line whose
    /// last year has passed just stops firing.
    pub fn fires_after(&self, t: Timestamp) -> bool {
        // Clocks run up to 12 hours behind UTC: a wall-clock time that has passed in UTC may
        // still lie ahead for a screen there. Searching from a day earlier covers every zone.
        let from = t - jiff::SignedDuration::from_hours(24);
        self.next_after(from, &TimeZone::UTC).is_some()
    }

    /// A plain-English explanation of the line, for the admin pages.
    pub fn describe(&self) -> String {
        self.cron.describe()
    }
}
