//! Lock-out of a login name after repeated failed logins, so passwords cannot be guessed
//! online. Kept in memory: with several server processes each counts on its own.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired ones are swept, bounding memory under a flood of names.
const SWEEP_ABOVE: usize = 10_000;

/// Counts failed logins per login name within a window.
#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// Allows `max_failures` failed attempts per `window`.
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginThrottle {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `login` may try again, or None when it may try now.
    pub fn locked_for(&self, login: &str) -> Option<u64> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (count, since) = failures.get(login)?;
        let elapsed = since.elapsed();
        (*count >= self.max_failures && elapsed < self.window)
            .then(|| (self.window - elapsed).as_secs().max(1))
    }

    /// Records a failed attempt.
    pub fn record_failure(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > SWEEP_ABOVE {
            let window = self.window;
            failures.retain(|_, (_, since)| since.elapsed() < window);
        }
        let entry = failures
            .entry(login.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    /// Forgets the failures of `login` after a successful login.
    pub fn record_success(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(login);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_success_resets() {
        let throttle = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            throttle.record_failure("a");
        }
        assert_eq!(throttle.locked_for("a"), None);
        throttle.record_failure("a");
        assert!(throttle.locked_for("a").is_some());
        assert_eq!(throttle.locked_for("b"), None);
        throttle.record_success("a");
        assert_eq!(throttle.locked_for("a"), None);
    }
}
