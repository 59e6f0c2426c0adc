//! The player's idea of now. In production the device clock, corrected by the offset the
//! server reports when the device clock is known to be wrong; in tests a clock that starts at a
//! given instant and runs faster, so a simulated week passes in seconds.

use std::sync::Mutex;
use std::time::Duration;

use web_time::Instant;

use jiff::{SignedDuration, Timestamp};

pub struct Clock {
    /// Real instant and clock reading it corresponds to.
    origin: (Instant, Timestamp),
    /// Simulated seconds per real second (1 in production).
    speed: f64,
    /// Added to the reading: the server's clock minus ours, when ours is off.
    offset: Mutex<SignedDuration>,
    /// A test clock (started at a chosen instant) is wrong on purpose: never corrected.
    set_by_test: bool,
}

/// Offsets below this are normal drift and network delay, not a wrong clock.
const TRUSTED_DRIFT: SignedDuration = SignedDuration::from_secs(5);

impl Clock {
    pub fn system() -> Clock {
        Clock {
            set_by_test: false,
            ..Clock::scaled(Timestamp::now(), 1.0)
        }
    }

    /// Starts at `start` and runs `speed` times faster than real time.
    pub fn scaled(start: Timestamp, speed: f64) -> Clock {
        Clock {
            origin: (Instant::now(), start),
            speed: speed.max(f64::MIN_POSITIVE),
            offset: Mutex::new(SignedDuration::ZERO),
            set_by_test: true,
        }
    }

    /// The device's clock, not a test clock.
    pub fn is_real_time(&self) -> bool {
        !self.set_by_test
    }

    pub fn now(&self) -> Timestamp {
        let offset = *self.offset.lock().expect("clock lock");
        self.uncorrected() + offset
    }

    /// The reading without the server's correction.
    fn uncorrected(&self) -> Timestamp {
        let (real, reading) = self.origin;
        reading + SignedDuration::from_secs_f64(real.elapsed().as_secs_f64() * self.speed)
    }

    /// How long to sleep in real time until the clock reads `at` (zero if it already does).
    pub fn real_until(&self, at: Timestamp) -> Duration {
        let ahead = at.duration_since(self.now()).as_secs_f64();
        Duration::from_secs_f64((ahead / self.speed).max(0.0))
    }

    /// Takes the server's clock into account: a difference beyond normal drift becomes an
    /// offset (the device clock is wrong); a small one is ignored.
    pub fn observe_server_time(&self, server: Timestamp) {
        if !self.is_real_time() {
            return; // a test clock is wrong on purpose
        }
        let difference = server.duration_since(self.uncorrected());
        let mut offset = self.offset.lock().expect("clock lock");
        *offset = if difference.abs() > TRUSTED_DRIFT {
            difference
        } else {
            SignedDuration::ZERO
        };
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
}
