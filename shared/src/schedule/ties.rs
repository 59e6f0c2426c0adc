//! Ties: two rules of the same layer, at the same priority, active at the same time on a screen
//! both reach. The engine then picks the lower rule id, a winner nobody chose, so a rule that
//! would tie with another is refused when it is saved (by the server, whoever saves it) and
//! highlighted where ties already exist (the "what plays when" picture).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{RuleKind, Schedule, ScheduleRule, Scope, StoreTime};
use crate::ValidationErrors;
use crate::ids::RuleId;

/// The layer a rule competes in; overlays stack, so they never tie.
pub fn competes(kind: &RuleKind) -> Option<u8> {
    match kind {
        RuleKind::Normal => Some(0),
        RuleKind::Interrupt { .. } => Some(1),
        RuleKind::Emergency => Some(2),
        RuleKind::Overlay => None,
    }
}

/// When `rule` is active between `start` and `end` (in the screen's zone `tz`, with its
/// store's hours and dayparts) if it were the only rule: the engine, asked about a schedule of
/// that rule alone, so occurrences are never computed in a second way.
pub fn occurrences(
    rule: &ScheduleRule,
    start: Timestamp,
    end: Timestamp,
    tz: &TimeZone,
    store: &StoreTime,
) -> Result<Vec<(Timestamp, Timestamp)>, ValidationErrors> {
    // Which layout or playlist it shows does not change when it is active.
    let alone = Schedule::for_store(std::slice::from_ref(rule), &[], &[], None, store)?;
    let mut stretches: Vec<(Timestamp, Timestamp)> = Vec::new();
    for span in alone.timeline(start, end, tz) {
        let layers = &span.layers;
        if layers.main.is_none() && layers.overlays.is_empty() && layers.emergency.is_none() {
            continue;
        }
        match stretches.last_mut() {
            Some(last) if last.1 == span.start => last.1 = span.end,
            _ => stretches.push((span.start, span.end)),
        }
    }
    Ok(stretches)
}

/// Whether two scopes can reach a common screen, as far as the scopes alone tell: a
/// franchise-wide rule reaches every store; otherwise they must name something in common.
pub fn scopes_meet(a: &Scope, b: &Scope) -> bool {
    fn common<T: PartialEq>(x: &[T], y: &[T]) -> bool {
        x.iter().any(|i| y.contains(i))
    }
    a.all
        || b.all
        || common(&a.stores, &b.stores)
        || common(&a.groups, &b.groups)
        || common(&a.screens, &b.screens)
        || common(&a.tags, &b.tags)
        // A store's rule and a group's rule may meet on a screen of both: assume they do.
        || (!a.stores.is_empty() && !b.groups.is_empty())
        || (!a.groups.is_empty() && !b.stores.is_empty())
}

/// Where `rule` would tie with another rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub other: RuleId,
    pub other_name: String,
    pub priority: i32,
    /// The first stretch both are active in, in the zone the check ran in.
    pub from: Timestamp,
    pub until: Timestamp,
}

/// The first tie of `rule` with one of `others` between `start` and `end` in zone `tz` for a
/// store with `store`'s hours and dayparts; `None` when it wins or loses clearly everywhere. Interrupts of equal priority take turns (their
/// spots are staggered), so they never tie.
pub fn first_tie(
    rule: &ScheduleRule,
    others: &[ScheduleRule],
    start: Timestamp,
    end: Timestamp,
    tz: &TimeZone,
    store: &StoreTime,
) -> Option<Tie> {
    let layer = competes(&rule.kind)?;
    if matches!(rule.kind, RuleKind::Interrupt { .. }) {
        return None;
    }
    let mine = occurrences(rule, start, end, tz, store).ok()?;
    for other in others {
        if other.id == rule.id
            || other.priority != rule.priority
            || competes(&other.kind) != Some(layer)
            || !scopes_meet(&rule.scope, &other.scope)
        {
            continue;
        }
        let Ok(theirs) = occurrences(other, start, end, tz, store) else {
            continue;
        };
        for &(a, b) in &mine {
            for &(c, d) in &theirs {
                let (from, until) = (a.max(c), b.min(d));
                if from < until {
                    return Some(Tie {
                        other: other.id,
                        other_name: other.name.clone(),
                        priority: rule.priority,
                        from,
                        until,
                    });
                }
            }
        }
    }
    None
}
