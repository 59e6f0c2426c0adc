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

    /// A plain-English explanation of the line, for the admin pages.
    pub fn describe(&self) -> String {
        self.cron.describe()
    }
}
