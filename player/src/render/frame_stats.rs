//! Opt-in frame-time statistics, for the window benchmark: with `VITRIN_FRAME_STATS=<seconds>`
//! the window logs, every that many seconds, one `frame_stats {json}` line (INFO, stderr) with
//! the number of frames drawn, the achieved rate and the p50/p95/p99/max interval between
//! frames. Off by default (nothing is recorded). It never asks for a frame itself: an idle
//! window that draws nothing reports nothing until its next frame.

use std::time::{Duration, Instant};

/// The environment variable that turns the statistics on; its value is the report period in
/// seconds (`1` or anything unparsable: 5 s).
pub const ENV: &str = "VITRIN_FRAME_STATS";

pub struct FrameStats {
    every: Duration,
    started: Instant,
    last: Option<Instant>,
    /// Intervals between frames in this period, in milliseconds.
    intervals: Vec<f64>,
}

/// One period's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    pub secs: f64,
    pub frames: usize,
    pub fps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl FrameStats {
    /// The recorder when `VITRIN_FRAME_STATS` is set, else `None`.
    pub fn from_env() -> Option<FrameStats> {
        let value = std::env::var(ENV).ok()?;
        let secs = value.trim().parse::<f64>().ok().filter(|s| *s > 1.0);
        Some(FrameStats::new(Duration::from_secs_f64(
            secs.unwrap_or(5.0),
        )))
    }

    pub fn new(every: Duration) -> FrameStats {
        FrameStats {
            every,
            started: Instant::now(),
            last: None,
            intervals: Vec::new(),
        }
    }

    /// Called once per frame; logs and starts a new period when this one is over.
    pub fn frame(&mut self) {
        if let Some(summary) = self.frame_at(Instant::now()) {
            let json = serde_json::to_string(&summary).unwrap_or_default();
            tracing::info!("frame_stats {json}");
        }
    }

    /// Records a frame drawn at `now`; returns the period's summary when it ended.
    pub fn frame_at(&mut self, now: Instant) -> Option<Summary> {
        if let Some(last) = self.last {
            self.intervals
                .push(now.saturating_duration_since(last).as_secs_f64() * 1000.0);
        } else {
            self.started = now;
        }
        self.last = Some(now);
        let secs = now.saturating_duration_since(self.started).as_secs_f64();
        if secs < self.every.as_secs_f64() || self.intervals.is_empty() {
            return None;
        }
        let summary = summarise(&mut self.intervals, secs);
        self.intervals.clear();
        self.started = now;
        Some(summary)
    }
}

/// The figures of `intervals` (milliseconds) measured over `secs`.
pub fn summarise(intervals: &mut [f64], secs: f64) -> Summary {
    intervals.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((intervals.len() as f64 * q).ceil() as usize).clamp(1, intervals.len()) - 1;
        intervals[i]
    };
    Summary {
        secs,
        frames: intervals.len(),
        fps: intervals.len() as f64 / secs.max(f64::EPSILON),
        p50_ms: at(0.50),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        max_ms: intervals.last().copied().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_reports_its_intervals() {
        let start = Instant::now();
        let mut stats = FrameStats::new(Duration::from_secs(1));
        assert_eq!(stats.frame_at(start), None);
        // 40 frames 20 ms apart, then one late frame 200 ms after: 1 s in all.
        let mut t = start;
        for _ in 0..40 {
            t += Duration::from_millis(20);
            assert_eq!(stats.frame_at(t), None);
        }
        t += Duration::from_millis(200);
        let summary = stats.frame_at(t).expect("the period is over");
        assert_eq!(summary.frames, 41);
        assert!((summary.secs - 1.0).abs() < 1e-9);
        assert!((summary.fps - 41.0).abs() < 1e-9);
        assert!((summary.p50_ms - 20.0).abs() < 1e-6);
        assert!((summary.p95_ms - 20.0).abs() < 1e-6);
        assert!((summary.p99_ms - 200.0).abs() < 1e-6);
        assert!((summary.max_ms - 200.0).abs() < 1e-6);
        // A new period starts from there.
        assert_eq!(stats.frame_at(t + Duration::from_millis(20)), None);
    }
}
