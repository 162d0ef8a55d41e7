//! When to fetch a feed next: adaptive to the outlet's posting rate, bounded, with backoff on
//! errors and server hints honoured.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::EngineConfig;

/// Interval after a successful fetch: half the typical gap between the feed's recent entries
/// (so a new post waits at most half a gap), at least what the server asked us to cache for,
/// within the configured bounds.
pub(crate) fn next_interval(
    config: &EngineConfig,
    entry_times: &[Timestamp],
    fresh_for: Option<Duration>,
) -> SignedDuration {
    let mut times: Vec<Timestamp> = entry_times.to_vec();
    times.sort_unstable();
    times.dedup();
    let by_rate = if times.len() >= 2 {
        let recent = &times[times.len().saturating_sub(20)..];
        let span = recent[recent.len() - 1] - recent[0];
        span / (2 * (recent.len() as i32 - 1))
    } else {
        config.default_interval
    };
    let hinted = fresh_for.and_then(|d| SignedDuration::try_from(d).ok()).map_or(by_rate, |hint| by_rate.max(hint));
    hinted.clamp(config.min_interval, config.max_interval)
}

/// Interval after the `failures`-th failure in a row: doubling from the minimum, bounded, and
/// never sooner than a Retry-After.
pub(crate) fn backoff(config: &EngineConfig, failures: i64, retry_after: Option<Duration>) -> SignedDuration {
    let exp = failures.clamp(0, 16) as u32;
    let doubled = config.min_interval.checked_mul(2_i32.saturating_pow(exp)).unwrap_or(config.max_interval);
    let wait = retry_after.and_then(|d| SignedDuration::try_from(d).ok()).map_or(doubled, |r| doubled.max(r));
    wait.clamp(config.min_interval, config.max_interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(mins)
    }

    #[test]
    fn busy_feed_is_fetched_often_but_not_below_the_minimum() {
        let cfg = EngineConfig::default();
        let every_minute: Vec<_> = (0..30).map(at).collect();
        assert_eq!(next_interval(&cfg, &every_minute, None), cfg.min_interval);
    }

    #[test]
    fn quiet_feed_is_fetched_at_half_its_gap() {
        let cfg = EngineConfig::default();
        let every_four_hours: Vec<_> = (0..5).map(|i| at(i * 240)).collect();
        assert_eq!(next_interval(&cfg, &every_four_hours, None), SignedDuration::from_hours(2));
    }

    #[test]
    fn cache_control_lengthens_the_interval() {
        let cfg = EngineConfig::default();
        let got = next_interval(&cfg, &[], Some(Duration::from_secs(3 * 3600)));
        assert_eq!(got, SignedDuration::from_hours(3));
    }

    #[test]
    fn backoff_doubles_is_bounded_and_honours_retry_after() {
        let cfg = EngineConfig::default();
        assert_eq!(backoff(&cfg, 1, None), SignedDuration::from_mins(10));
        assert_eq!(backoff(&cfg, 2, None), SignedDuration::from_mins(20));
        assert_eq!(backoff(&cfg, 50, None), cfg.max_interval);
        assert_eq!(backoff(&cfg, 1, Some(Duration::from_secs(3600))), SignedDuration::from_hours(1));
    }
}
