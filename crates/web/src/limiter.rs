//! The site's one rate limiter: events counted per key (an account, an address, an email's key)
//! in a window that starts at the key's first event. Log-ins count failures with it, comments
//! count posts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// Keys past this many make the limiter forget windows that have ended.
const SWEEP_AT: usize = 100_000;

/// Events per key, in windows of a fixed length.
#[derive(Debug, Clone)]
pub(crate) struct WindowLimiter {
    counts: Arc<Mutex<HashMap<String, (u32, Timestamp)>>>,
    window: SignedDuration,
}

impl WindowLimiter {
    /// A limiter counting in windows of `window`.
    pub(crate) fn new(window: SignedDuration) -> Self {
        Self { counts: Arc::default(), window }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Timestamp)>> {
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn until(
        &self,
        map: &HashMap<String, (u32, Timestamp)>,
        keys: &[(String, u32)],
        now: Timestamp,
    ) -> Option<Timestamp> {
        keys.iter()
            .filter_map(|(k, max)| map.get(k).filter(|(n, since)| n >= max && *since + self.window > now))
            .map(|(_, since)| *since + self.window)
            .max()
    }

    fn count(&self, map: &mut HashMap<String, (u32, Timestamp)>, keys: &[(String, u32)], now: Timestamp) {
        if map.len() > SWEEP_AT {
            map.retain(|_, (_, since)| *since + self.window > now);
        }
        for (k, _) in keys {
            let entry = map.entry(k.clone()).or_insert((0, now));
            if entry.1 + self.window <= now {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// When the next event is allowed, if some key has reached its maximum (`keys` pairs each
    /// key with its maximum).
    pub(crate) fn blocked_until(&self, keys: &[(String, u32)], now: Timestamp) -> Option<Timestamp> {
        self.until(&self.lock(), keys, now)
    }

    /// Counts one event for each key.
    pub(crate) fn record(&self, keys: &[(String, u32)], now: Timestamp) {
        self.count(&mut self.lock(), keys, now);
    }

    /// Counts one event for each key if none has reached its maximum, in one step (so that
    /// many requests at once cannot all pass); else when the next is allowed.
    pub(crate) fn admit(&self, keys: &[(String, u32)], now: Timestamp) -> Result<(), Timestamp> {
        let mut map = self.lock();
        if let Some(until) = self.until(&map, keys, now) {
            return Err(until);
        }
        self.count(&mut map, keys, now);
        Ok(())
    }

    /// Forgets `key`'s events.
    pub(crate) fn forget(&self, key: &str) {
        self.lock().remove(key);
    }
}

/// "Try again in N minutes." for a wait until `until`.
pub(crate) fn try_again(until: Timestamp, now: Timestamp) -> String {
    let minutes = ((until - now).as_secs() + 59) / 60;
    format!("Try again in {minutes} minute{}.", if minutes == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_past_its_maximum_waits_for_its_window_to_end() {
        let start = Timestamp::from_second(1_800_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let limiter = WindowLimiter::new(SignedDuration::from_mins(10));
        let keys = [("ip:1".to_string(), 2), ("email:a".to_string(), 5)];
        assert_eq!(limiter.admit(&keys, start), Ok(()));
        assert_eq!(limiter.admit(&keys, start + SignedDuration::from_mins(1)), Ok(()));
        let blocked = limiter.admit(&keys, start + SignedDuration::from_mins(2));
        assert_eq!(blocked, Err(start + SignedDuration::from_mins(10)));
        assert_eq!(
            try_again(start + SignedDuration::from_mins(10), start + SignedDuration::from_mins(2)),
            "Try again in 8 minutes."
        );
        // Another address with the same email is counted on the email only.
        let other = [("ip:2".to_string(), 2), ("email:a".to_string(), 5)];
        assert_eq!(limiter.admit(&other, start + SignedDuration::from_mins(2)), Ok(()));
        assert_eq!(limiter.admit(&keys, start + SignedDuration::from_mins(10)), Ok(()), "a new window");
        limiter.forget("ip:1");
        assert_eq!(limiter.blocked_until(&keys, start + SignedDuration::from_mins(10)), None);
    }
}
