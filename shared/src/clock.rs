//! The player's idea of now. In production the device clock, corrected to the server's clock;
//! in tests a clock that starts at a given instant and runs faster, so a simulated week passes
//! in seconds.
//!
//! # Following the server's clock
//!
//! Screens of one wall switch together because every one of them computes the playlist position
//! from the same clock, so the players keep their clocks within a millisecond or two of the
//! server's, the way NTP does: a player asks the server's time (`GET /api/player/v1/time`) a few
//! times and notes its own (device) clock when each question left (`t0`) and when the answer
//! came (`t1`). Assuming the answer was read half way, the server's clock minus ours is
//! `server − (t0 + t1) / 2`, wrong by at most half the round trip; the sample with the shortest
//! round trip wins ([`Clock::synchronise`]).
//!
//! The correction is always applied, but the reading does not jump backwards visibly:
//! - the first measurement, and any correction of more than [`TRUSTED_DRIFT`] (a wrong device
//!   clock, a clock set by hand), steps the reading, either way;
//! - a later, small correction forwards steps too (the next item comes a little early);
//! - a later, small correction backwards does not step: the reading stands still until the
//!   corrected clock catches up with it (at most [`TRUSTED_DRIFT`], in practice milliseconds),
//!   so an item that is already on never comes back for a moment.
//!
//! The device clock is read once, when the clock is made; after that it advances by the
//! monotonic clock (`Instant`, `performance.now()` in a browser), so a device clock set while
//! the player runs does not move what plays; only the server's time does.
//!
//! A test clock ([`Clock::scaled`]) is wrong on purpose and never corrected. A device clock
//! that is wrong on purpose ([`Clock::system_off_by`]) is corrected like a real one.

use std::sync::Mutex;
use std::time::Duration;

use web_time::Instant;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub struct Clock {
    /// Real instant and clock reading it corresponds to.
    origin: (Instant, Timestamp),
    /// Simulated seconds per real second (1 in production).
    speed: f64,
    correction: Mutex<Correction>,
    /// A test clock (started at a chosen instant) is wrong on purpose: never corrected.
    set_by_test: bool,
}

/// What has been learnt of the server's clock.
#[derive(Default)]
struct Correction {
    /// Added to the device reading: the server's clock minus ours.
    offset: SignedDuration,
    /// The offset was measured with the round trip taken into account (not only from a
    /// heartbeat's `server_time`).
    measured: bool,
    /// The latest reading handed out; after a small correction backwards `now` stays here
    /// until the corrected clock catches up.
    floor: Option<Timestamp>,
}

/// Corrections larger than this are a wrong clock and step the reading; smaller ones are drift
/// and network delay. Also what a heartbeat's `server_time` (no round trip) must be off by to
/// be taken into account.
pub const TRUSTED_DRIFT: SignedDuration = SignedDuration::from_secs(5);

/// The server's answer to `GET /api/player/v1/time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeReply {
    /// The server's clock when it answered, in microseconds since 1970-01-01T00:00:00Z.
    pub server_time_us: i64,
}

impl TimeReply {
    pub fn server_time(&self) -> Option<Timestamp> {
        Timestamp::from_microsecond(self.server_time_us).ok()
    }
}

/// One question to the server's clock: the device clock ([`Clock::device_now`]) when it was
/// sent and when the answer came, and the server's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSample {
    pub sent: Timestamp,
    pub received: Timestamp,
    pub server: Timestamp,
}

impl TimeSample {
    pub fn round_trip(&self) -> SignedDuration {
        self.received.duration_since(self.sent)
    }

    /// The server's clock minus the device's, assuming the server read its clock half way.
    pub fn offset(&self) -> SignedDuration {
        let half_way = self.sent + self.round_trip() / 2;
        self.server.duration_since(half_way)
    }
}

/// What [`Clock::synchronise`] applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The server's clock minus the device's.
    pub offset: SignedDuration,
    /// The round trip of the sample it came from: the offset is right to half of it.
    pub round_trip: SignedDuration,
    /// How much the reading moved (positive: forwards).
    pub moved: SignedDuration,
}

impl Clock {
    pub fn system() -> Clock {
        Clock::system_off_by(SignedDuration::ZERO)
    }

    /// The device clock as if it were `off` wrong (positive: ahead): a test's stand-in for a
    /// screen whose clock was set badly. Corrected by the server like the real one.
    pub fn system_off_by(off: SignedDuration) -> Clock {
        Clock {
            set_by_test: false,
            ..Clock::scaled(Timestamp::now() + off, 1.0)
        }
    }

    /// Starts at `start` and runs `speed` times faster than real time.
    pub fn scaled(start: Timestamp, speed: f64) -> Clock {
        Clock {
            origin: (Instant::now(), start),
            speed: speed.max(f64::MIN_POSITIVE),
            correction: Mutex::default(),
            set_by_test: true,
        }
    }

    /// The device's clock, not a test clock.
    pub fn is_real_time(&self) -> bool {
        !self.set_by_test
    }

    pub fn now(&self) -> Timestamp {
        let mut correction = self.correction.lock().expect("clock lock");
        let reading = self.device_now() + correction.offset;
        match correction.floor {
            Some(floor) if reading < floor => floor,
            _ => {
                correction.floor = Some(reading);
                reading
            }
        }
    }

    /// The device clock's reading, without the server's correction.
    pub fn device_now(&self) -> Timestamp {
        let (real, reading) = self.origin;
        reading + SignedDuration::from_secs_f64(real.elapsed().as_secs_f64() * self.speed)
    }

    /// The server's clock minus the device's, as applied now.
    pub fn offset(&self) -> SignedDuration {
        self.correction.lock().expect("clock lock").offset
    }

    /// How long to sleep in real time until the clock reads `at` (zero if it already does).
    pub fn real_until(&self, at: Timestamp) -> Duration {
        let ahead = at.duration_since(self.now()).as_secs_f64();
        Duration::from_secs_f64((ahead / self.speed).max(0.0))
    }

    /// Takes a heartbeat's `server_time` into account: without a measured offset, a difference
    /// beyond normal drift becomes the offset (the device clock is wrong) and a small one is
    /// ignored. With a measured offset it only counts when the two disagree by more than
    /// normal drift (the measurement went wrong).
    pub fn observe_server_time(&self, server: Timestamp) {
        if !self.is_real_time() {
            return; // a test clock is wrong on purpose
        }
        let difference = server.duration_since(self.device_now());
        let mut correction = self.correction.lock().expect("clock lock");
        if correction.measured {
            if (difference - correction.offset).abs() > TRUSTED_DRIFT {
                correction.offset = difference;
                correction.measured = false;
                correction.floor = None;
            }
            return;
        }
        let offset = if difference.abs() > TRUSTED_DRIFT {
            difference
        } else {
            SignedDuration::ZERO
        };
        if offset != correction.offset {
            correction.offset = offset;
            correction.floor = None;
        }
    }

    /// Applies the offset of the sample with the shortest round trip (see the module's
    /// documentation for how the reading moves). `None` for a test clock or no samples.
    pub fn synchronise(&self, samples: &[TimeSample]) -> Option<Estimate> {
        if !self.is_real_time() {
            return None;
        }
        let best = samples
            .iter()
            .filter(|s| s.round_trip() >= SignedDuration::ZERO)
            .min_by_key(|s| s.round_trip())?;
        let offset = best.offset();
        let mut correction = self.correction.lock().expect("clock lock");
        let moved = offset - correction.offset;
        let step = !correction.measured || moved.abs() > TRUSTED_DRIFT;
        correction.offset = offset;
        correction.measured = true;
        if step {
            correction.floor = None;
        }
        Some(Estimate {
            offset,
            round_trip: best.round_trip(),
            moved,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_clock_runs_fast() {
        let start: Timestamp = "2026-11-22T06:00:00Z".parse().unwrap();
        let clock = Clock::scaled(start, 3600.0);
        std::thread::sleep(Duration::from_millis(50));
        let passed = clock.now().duration_since(start).as_secs_f64();
        assert!(
            passed >= 180.0,
            "50 ms at 3600× is at least 3 minutes, got {passed}"
        );
        let target = start + SignedDuration::from_hours(1);
        assert!(clock.real_until(target) <= Duration::from_secs(1));
    }

    #[test]
    fn a_wrong_device_clock_is_corrected_by_the_server() {
        let clock = Clock::system();
        let server = Timestamp::now() + SignedDuration::from_mins(10);
        clock.observe_server_time(server);
        let off = clock.now().duration_since(server).as_secs_f64().abs();
        assert!(off < 2.0, "now follows the server: {off}");
        // Back within drift: the offset goes away.
        clock.observe_server_time(Timestamp::now());
        assert!(
            clock
                .now()
                .duration_since(Timestamp::now())
                .as_secs_f64()
                .abs()
                < 2.0
        );
    }

    fn ms(n: i64) -> SignedDuration {
        SignedDuration::from_millis(n)
    }

    /// A sample of a server `server_ahead` ahead of `clock`, answered `one_way` after asking
    /// and arriving `back` later.
    fn sample(clock: &Clock, server_ahead: SignedDuration, one_way: i64, back: i64) -> TimeSample {
        let sent = clock.device_now();
        TimeSample {
            sent,
            server: sent + ms(one_way) + server_ahead,
            received: sent + ms(one_way + back),
        }
    }

    #[test]
    fn the_sample_with_the_shortest_round_trip_sets_the_offset() {
        let clock = Clock::system_off_by(SignedDuration::from_secs(3));
        let before = clock.now().duration_since(Timestamp::now());
        assert!((before - SignedDuration::from_secs(3)).abs() < ms(100));
        let truth = SignedDuration::from_secs(-3);
        let samples = [
            sample(&clock, truth, 5, 300), // slow and lopsided: 147 ms wrong
            sample(&clock, truth, 2, 2),   // exact
            sample(&clock, truth, 40, 10),
        ];
        let estimate = clock.synchronise(&samples).unwrap();
        assert_eq!(estimate.round_trip, ms(4));
        assert_eq!(estimate.offset, truth);
        let off = clock.now().duration_since(Timestamp::now());
        assert!(off.abs() < ms(50), "stepped back to the server: {off}");
        // The uncorrected reading is still the device's.
        assert!(
            (clock.device_now().duration_since(Timestamp::now()) - SignedDuration::from_secs(3))
                .abs()
                < ms(100)
        );
    }

    #[test]
    fn a_small_correction_backwards_holds_the_clock_instead_of_stepping_back() {
        let clock = Clock::system();
        clock.synchronise(&[sample(&clock, ms(0), 1, 1)]).unwrap();
        let before = clock.now();
        // The server turns out 30 ms behind: the reading stands still, never goes back.
        let estimate = clock.synchronise(&[sample(&clock, ms(-30), 1, 1)]).unwrap();
        assert_eq!(estimate.moved, ms(-30));
        let mut last = clock.now();
        assert!(last >= before);
        let started = std::time::Instant::now();
        while started.elapsed() < Duration::from_millis(60) {
            let now = clock.now();
            assert!(now >= last, "never backwards");
            last = now;
        }
        // Caught up: the corrected clock again.
        let expected = clock.device_now() + ms(-30);
        assert!(clock.now().duration_since(expected).abs() < ms(5));
        // Forwards, it steps at once.
        clock.synchronise(&[sample(&clock, ms(20), 1, 1)]).unwrap();
        let expected = clock.device_now() + ms(20);
        assert!(clock.now().duration_since(expected).abs() < ms(5));
    }

    #[test]
    fn a_test_clock_is_never_corrected_and_heartbeats_do_not_undo_a_measurement() {
        let start: Timestamp = "2026-11-22T06:00:00Z".parse().unwrap();
        let test = Clock::scaled(start, 1.0);
        assert!(
            test.synchronise(&[sample(&test, SignedDuration::from_hours(5), 1, 1)])
                .is_none()
        );
        assert_eq!(test.offset(), SignedDuration::ZERO);

        let clock = Clock::system_off_by(ms(2_000));
        clock
            .synchronise(&[sample(&clock, ms(-2_000), 1, 1)])
            .unwrap();
        // A heartbeat's millisecond time, a little late: within drift, the measurement stays.
        clock.observe_server_time(Timestamp::now() - ms(40));
        assert_eq!(clock.offset(), ms(-2_000));
        // A heartbeat that disagrees by minutes: the server's clock was set, follow it.
        clock.observe_server_time(Timestamp::now() + SignedDuration::from_mins(10));
        let off = clock.now().duration_since(Timestamp::now()) - SignedDuration::from_mins(10);
        assert!(off.abs() < SignedDuration::from_secs(1), "{off}");
    }
}
