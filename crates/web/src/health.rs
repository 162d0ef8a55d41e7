//! What the site knows of the fetching worker running beside it, for `/healthz`.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};

/// A watch on the fetching worker of this process: it beats while it works, and says why when
/// it stops.
#[derive(Debug, Clone)]
pub struct WorkerWatch {
    state: Arc<Mutex<WatchState>>,
    stall_after: SignedDuration,
}

#[derive(Debug)]
struct WatchState {
    last_beat: Timestamp,
    stopped: Option<String>,
}

impl WorkerWatch {
    /// A watch started at `now` that calls the worker stalled when it has not beaten for
    /// `stall_after`.
    pub fn new(now: Timestamp, stall_after: SignedDuration) -> Self {
        Self { state: Arc::new(Mutex::new(WatchState { last_beat: now, stopped: None })), stall_after }
    }

    /// The worker is alive at `now`.
    pub fn beat(&self, now: Timestamp) {
        self.lock().last_beat = now;
    }

    /// The worker has stopped, for `why`.
    pub fn stopped(&self, why: String) {
        self.lock().stopped = Some(why);
    }

    /// `Err` with the problem in words when the worker is dead or stalled at `now`.
    pub fn check(&self, now: Timestamp) -> Result<(), String> {
        let state = self.lock();
        if let Some(why) = &state.stopped {
            return Err(format!("the fetching worker has stopped: {why}"));
        }
        let quiet = now - state.last_beat;
        if quiet > self.stall_after {
            return Err(format!("the fetching worker has not made progress for {} seconds", quiet.as_secs()));
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WatchState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_or_silent_worker_is_reported() {
        let start = Timestamp::UNIX_EPOCH;
        let watch = WorkerWatch::new(start, SignedDuration::from_mins(5));
        assert!(watch.check(start + SignedDuration::from_mins(4)).is_ok());
        let silent = watch.check(start + SignedDuration::from_mins(6)).unwrap_err();
        assert!(silent.contains("not made progress"), "{silent}");
        watch.beat(start + SignedDuration::from_mins(6));
        assert!(watch.check(start + SignedDuration::from_mins(7)).is_ok());
        watch.stopped("it panicked".to_string());
        assert!(watch.check(start + SignedDuration::from_mins(7)).unwrap_err().contains("it panicked"));
    }
}
