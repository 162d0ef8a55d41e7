//! Politeness shared by the workers of one PostgreSQL database: each host's turn and its
//! robots.txt live in the store, and the engine gives the time.
//!
//! On SQLite, which one machine holds and one process normally writes, the fetcher's own
//! politeness is the whole of it and no request costs a database write.

use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};
use tidings_fetch::{RobotsFile, SharedPoliteness};
use tidings_store::{HostTurn, Store, StoredRobots};

/// How often a worker waiting for a host another worker is fetching from asks again.
const POLL: Duration = Duration::from_millis(25);

/// [`SharedPoliteness`] over the store, for the worker named `holder`.
#[derive(Debug)]
pub(crate) struct StorePoliteness {
    pub(crate) store: Store,
    pub(crate) holder: std::sync::Arc<str>,
}

fn later(now: Timestamp, by: Duration) -> Timestamp {
    SignedDuration::try_from(by).ok().and_then(|d| now.checked_add(d).ok()).unwrap_or(Timestamp::MAX)
}

impl SharedPoliteness for StorePoliteness {
    fn take_turn<'a>(&'a self, host: &'a str, hold: Duration) -> BoxFuture<'a, Result<Option<Duration>, String>> {
        async move {
            let now = Timestamp::now();
            match self.store.take_host_turn(host, &self.holder, now, later(now, hold)).await {
                Ok(HostTurn::Taken) => Ok(None),
                Ok(HostTurn::Busy { next_at, held }) => {
                    let wait = Duration::try_from(next_at.duration_since(now)).unwrap_or(Duration::ZERO);
                    Ok(Some(if held { wait.min(POLL) } else { wait }))
                }
                Err(e) => Err(e.to_string()),
            }
        }
        .boxed()
    }

    fn give_back<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()> {
        async move {
            let next_at = later(Timestamp::now(), delay);
            if let Err(e) = self.store.give_back_host_turn(host, &self.holder, next_at).await {
                tracing::warn!(%host, error = %e, "could not give a host's turn back; the others wait until it runs out");
            }
        }
        .boxed()
    }

    fn robots<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, Option<(RobotsFile, Duration)>> {
        async move {
            let now = Timestamp::now();
            let stored = match self.store.robots_file(origin, now).await {
                Ok(stored) => stored?,
                Err(e) => {
                    tracing::warn!(%origin, error = %e, "could not read the shared robots.txt; fetching it");
                    return None;
                }
            };
            let file = match stored.status.as_str() {
                "found" => RobotsFile::Found(stored.body),
                "missing" => RobotsFile::Missing,
                _ => RobotsFile::Unavailable(stored.body),
            };
            let ttl = Duration::try_from(stored.expires_at.duration_since(now)).unwrap_or(Duration::ZERO);
            Some((file, ttl))
        }
        .boxed()
    }

    fn keep_robots<'a>(&'a self, origin: &'a str, file: &'a RobotsFile, ttl: Duration) -> BoxFuture<'a, ()> {
        async move {
            let (status, body) = match file {
                RobotsFile::Found(body) => ("found", body.as_str()),
                RobotsFile::Missing => ("missing", ""),
                RobotsFile::Unavailable(why) => ("unavailable", why.as_str()),
            };
            let stored = StoredRobots {
                status: status.to_string(),
                body: body.to_string(),
                expires_at: later(Timestamp::now(), ttl),
            };
            if let Err(e) = self.store.keep_robots_file(origin, &stored).await {
                tracing::warn!(%origin, error = %e, "could not share robots.txt with the other workers");
            }
        }
        .boxed()
    }
}
