//! The sign-in throttle: an attacker guessing passwords slows themselves down, never the
//! person whose account they target.
//!
//! Failures are counted per *origin* against each account: the browser's known-device
//! cookie when it has signed in to that account before, else its address. After a few
//! free failures from one origin, each further try from it waits twice as long as the
//! last (1 s, 2 s, 4 s … up to 15 minutes). Two wider limits catch guessing spread out
//! over many accounts from one address (password spraying behind one NAT) or over many
//! addresses against one account (a botnet); they hold back only unknown devices, so
//! the account's owner on their own phone or laptop still signs in.

/// Thresholds; admins do not edit them (they are the attacker's budget, not a business rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInThrottle {
    /// Failures one origin may make against one account before delays start.
    pub free_per_origin: i64,
    /// The longest delay, in seconds.
    pub max_delay_secs: i64,
    /// Failures against one account from anywhere, after which unknown devices wait.
    pub per_account: i64,
    /// Failures from one address over all accounts, after which unknown devices wait.
    pub per_address: i64,
    /// The sliding window the counts cover.
    pub window_minutes: i64,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle {
            free_per_origin: 5,
            max_delay_secs: 15 * 60,
            per_account: 100,
            per_address: 50,
            window_minutes: 15,
        }
    }
}

/// What the failure log says about this attempt, within the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureCounts {
    /// From this origin against this account, and when the latest was.
    pub from_origin: i64,
    pub origin_latest_ms: Option<i64>,
    /// Against this account from anywhere, and when the oldest of them was.
    pub against_account: i64,
    pub account_oldest_ms: Option<i64>,
    /// From this address against any account, and when the oldest was.
    pub from_address: i64,
    pub address_oldest_ms: Option<i64>,
}

impl SignInThrottle {
    pub fn window_ms(&self) -> i64 {
        self.window_minutes * 60 * 1000
    }

    /// How long after its latest failure this origin must wait before its next try.
    pub fn delay_ms(&self, failures_from_origin: i64) -> i64 {
        let over = failures_from_origin - self.free_per_origin;
        if over < 0 {
            return 0;
        }
        let secs = 1i64 << over.min(20);
        secs.min(self.max_delay_secs) * 1000
    }

    /// Seconds to wait before this attempt may be checked, or None to check it now.
    pub fn wait_secs(&self, f: &FailureCounts, known_device: bool, now_ms: i64) -> Option<u64> {
        let mut until = 0i64;
        if let Some(latest) = f.origin_latest_ms {
            until = until.max(latest + self.delay_ms(f.from_origin));
        }
        if !known_device {
            if f.against_account >= self.per_account {
                until = until.max(f.account_oldest_ms.unwrap_or(now_ms) + self.window_ms());
            }
            if f.from_address >= self.per_address {
                until = until.max(f.address_oldest_ms.unwrap_or(now_ms) + self.window_ms());
            }
        }
        (until > now_ms).then(|| ((until - now_ms + 999) / 1000).max(1) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: SignInThrottle = SignInThrottle {
        free_per_origin: 5,
        max_delay_secs: 900,
        per_account: 100,
        per_address: 50,
        window_minutes: 15,
    };

    #[test]
    fn an_origin_gets_a_few_free_tries_then_doubling_delays() {
        assert_eq!(T.delay_ms(4), 0);
        assert_eq!(T.delay_ms(5), 1000);
        assert_eq!(T.delay_ms(6), 2000);
        assert_eq!(T.delay_ms(9), 16_000);
        assert_eq!(T.delay_ms(30), 900_000);
        let f = FailureCounts {
            from_origin: 7,
            origin_latest_ms: Some(10_000),
            ..Default::default()
        };
        assert_eq!(T.wait_secs(&f, false, 10_500), Some(4));
        assert_eq!(T.wait_secs(&f, false, 14_000), None);
    }

    #[test]
    fn wide_limits_hold_back_unknown_devices_only() {
        let sprayed = FailureCounts {
            from_address: 50,
            address_oldest_ms: Some(0),
            ..Default::default()
        };
        assert_eq!(T.wait_secs(&sprayed, false, 60_000), Some(840));
        assert_eq!(T.wait_secs(&sprayed, true, 60_000), None);
        let botnet = FailureCounts {
            against_account: 100,
            account_oldest_ms: Some(0),
            ..Default::default()
        };
        assert!(T.wait_secs(&botnet, false, 1_000).is_some());
        assert_eq!(T.wait_secs(&botnet, true, 1_000), None);
        // The window passes, and so does the limit.
        assert_eq!(T.wait_secs(&botnet, false, 15 * 60 * 1000 + 1), None);
    }
}
