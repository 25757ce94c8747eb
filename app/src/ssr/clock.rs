//! The one clock every rule reads, injectable so tests move time instead of sleeping.
use chrono::{DateTime, Duration, TimeZone, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    fn now_ms(&self) -> i64 {
        self.now().timestamp_millis()
    }

    /// Moves the clock forward, where it can be moved (a test's clock); false for the
    /// wall clock, which never moves.
    fn shift(&self, _by: Duration) -> bool {
        false
    }
}

/// Wall-clock time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(start)))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn shift(&self, by: Duration) -> bool {
        self.advance(by);
        true
    }
}

/// Wall-clock time plus an offset a browser test moves forward (`TANDEM_TEST_CLOCK=shift`):
/// the server runs as usual, and the test jumps it to the moment a rule is due.
#[derive(Debug, Clone, Default)]
pub struct ShiftedClock(Arc<Mutex<Duration>>);

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn shift(&self, by: Duration) -> bool {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) += by;
        true
    }
}

/// Epoch milliseconds (the storage format) to a UTC time.
pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

pub fn opt_from_ms(ms: Option<i64>) -> Option<DateTime<Utc>> {
    ms.map(from_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_test_clock_moves() {
        assert!(!SystemClock.shift(Duration::minutes(5)));
        let shifted = ShiftedClock::default();
        let before = shifted.now();
        assert!(shifted.shift(Duration::minutes(90)));
        let moved = shifted.now() - before;
        assert!(moved >= Duration::minutes(90) && moved < Duration::minutes(91));
    }
}

/// The local date (YYYY-MM-DD, at the default offset) of an instant.
pub fn local_day(ms: i64) -> String {
    iso_date(local_date_of(ms))
}

/// A date as the text columns keep it (`YYYY-MM-DD`).
pub fn iso_date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The local calendar day (at the default offset) of an instant.
pub fn local_date_of(ms: i64) -> chrono::NaiveDate {
    crate::domain::time::local_date(from_ms(ms), crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES)
}
