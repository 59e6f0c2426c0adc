//! Schedule rules and the engine that evaluates them.

mod clock;
pub mod cron;
pub mod engine;
pub mod hours;
pub mod rule;
pub mod ties;

pub use cron::CronExpr;
pub use engine::{
    LayerKind, LayerPlay, Layers, Resolution, Schedule, Selected, StoreTime, TimelineSpan, ZonePlay,
};
pub use rule::{DateRange, RuleKind, ScheduleRule, Scope, Target, Weekdays, When, Window};
pub use ties::{Tie, first_tie};
