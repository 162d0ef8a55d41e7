//! Per-host politeness: one request at a time and a minimum delay per host, and a robots.txt
//! cache per origin, in this process; [`SharedPoliteness`] extends both to other processes.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tokio::sync::{OnceCell, OwnedMutexGuard};
use url::Url;

/// The product token robots.txt rules are matched against.
const ROBOTS_AGENT: &str = "Tidings";
/// How long a robots.txt is trusted before it is fetched again.
const ROBOTS_TTL: Duration = Duration::from_secs(24 * 3600);
/// A site whose robots.txt could not be read is asked again after this long.
const ROBOTS_RETRY: Duration = Duration::from_secs(10 * 60);
/// Crawl-delay values above this are capped, so one site cannot stall a worker for hours.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);
/// The host and robots.txt maps are swept of entries nobody uses once they hold this many.
const SWEEP_AT: usize = 1024;

/// A host asking to be left alone (429 or 503 with Retry-After) is left alone this long at most,
/// so one answer cannot stop its feeds for days.
const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Default)]
pub(crate) struct HostState {
    last_request: Option<Instant>,
    crawl_delay: Option<Duration>,
    /// No request before this (the host asked us to wait).
    not_before: Option<Instant>,
}

/// A host's turn: held while the request runs; dropping it starts the host's delay.
pub(crate) struct Turn {
    guard: OwnedMutexGuard<HostState>,
    delay: Duration,
}

impl Turn {
    /// The pause the host is owed after this request.
    pub(crate) fn delay(&self) -> Duration {
        self.delay
    }

    /// The host asked to be left alone for `wait` (Retry-After on 429 or 503), at most
    /// [`MAX_BACKOFF`]: no request before then, here or (through the delay given back) elsewhere.
    pub(crate) fn back_off(&mut self, wait: Duration) {
        let wait = wait.min(MAX_BACKOFF);
        self.delay = self.delay.max(wait);
        self.guard.not_before = Some(Instant::now() + wait);
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.guard.last_request = Some(Instant::now());
    }
}

/// What robots.txt says for Tidings.
pub(crate) enum RobotsRules {
    AllowAll,
    DisallowAll,
    Rules(Box<texting_robots::Robot>),
}

impl RobotsRules {
    pub(crate) fn allows(&self, url: &str) -> bool {
        match self {
            Self::AllowAll => true,
            Self::DisallowAll => false,
            Self::Rules(r) => r.allowed(url),
        }
    }
}

/// A robots.txt as it was found, to share with other processes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsFile {
    /// The file's text.
    Found(String),
    /// There is none (4xx): everything is allowed.
    Missing,
    /// The site failed to give it (5xx or a network error): nothing is fetched for now.
    Unavailable(String),
}

/// Politeness shared with other processes that fetch from the same hosts (workers on one
/// database): whose turn a host is, when its next request may start, and its robots.txt. This
/// process's own turns and delays stay the first layer; an implementation (the engine's, over the
/// store) is the truth across processes and gives the time.
pub trait SharedPoliteness: Send + Sync + std::fmt::Debug {
    /// Takes `host`'s turn when nobody holds it and its delay has passed, holding it for `hold`
    /// at most (a process killed mid-request frees it then): `Ok(None)`. Otherwise how long to
    /// wait before asking again.
    fn take_turn<'a>(&'a self, host: &'a str, hold: Duration) -> BoxFuture<'a, Result<Option<Duration>, String>>;
    /// Gives `host`'s turn back: its next request may start `delay` from now.
    fn give_back<'a>(&'a self, host: &'a str, delay: Duration) -> BoxFuture<'a, ()>;
    /// The robots.txt of `origin` another process found, with how long it stays trusted.
    fn robots<'a>(&'a self, origin: &'a str) -> BoxFuture<'a, Option<(RobotsFile, Duration)>>;
    /// Keeps the robots.txt of `origin` for the others, trusted for `ttl`.
    fn keep_robots<'a>(&'a self, origin: &'a str, file: &'a RobotsFile, ttl: Duration) -> BoxFuture<'a, ()>;
}

type RobotsCell = Arc<OnceCell<(Instant, Arc<RobotsRules>)>>;

#[derive(Debug, Clone)]
pub(crate) struct HostGate {
    min_delay: Duration,
    hosts: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<HostState>>>>>,
    robots: Arc<Mutex<HashMap<String, RobotsCell>>>,
}

impl std::fmt::Debug for RobotsRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AllowAll => "AllowAll",
            Self::DisallowAll => "DisallowAll",
            Self::Rules(_) => "Rules",
        })
    }
}

/// One server, however it is written: `Host.` and `host`, http and https, are the same host, so
/// they share one turn and one delay.
pub(crate) fn host_key(url: &Url) -> String {
    url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase()
}

/// The robots.txt of `url`'s host, whatever the scheme or a trailing dot: one file per host.
pub(crate) fn robots_key(url: &Url) -> String {
    format!("{}:{}", host_key(url), url.port().map_or(String::new(), |p| p.to_string()))
}

impl HostGate {
    pub(crate) fn new(min_delay: Duration) -> Self {
        Self { min_delay, hosts: Arc::default(), robots: Arc::default() }
    }

    fn host(&self, url: &Url) -> Arc<tokio::sync::Mutex<HostState>> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let key = host_key(url);
        if hosts.len() >= SWEEP_AT && !hosts.contains_key(&key) {
            // A host nobody holds, with no Crawl-delay of its own and whose delay has passed, has
            // nothing worth keeping.
            let now = Instant::now();
            hosts.retain(|_, state| {
                Arc::strong_count(state) > 1
                    || state.try_lock().map_or(true, |s| {
                        s.crawl_delay.is_some() || s.last_request.is_some_and(|last| last + self.min_delay > now)
                    })
            });
        }
        hosts.entry(key).or_default().clone()
    }

    /// Hosts and robots.txt files remembered now.
    #[cfg(test)]
    pub(crate) fn remembered(&self) -> (usize, usize) {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner()).len();
        let robots = self.robots.lock().unwrap_or_else(|p| p.into_inner()).len();
        (hosts, robots)
    }

    /// Waits until this host is free and its delay has passed: robots.txt's Crawl-delay when
    /// `crawling` (pages; feeds are fetched on the subscriber's behalf, like robots.txt itself
    /// says nothing of them), else the minimum delay.
    /// `None`, at once, when the host's turn is further than `max_wait` away (it asked to be
    /// left alone): waiting would only run out of time.
    pub(crate) async fn wait_turn(&self, url: &Url, crawling: bool, max_wait: Duration) -> Option<Turn> {
        let guard = self.host(url).lock_owned().await;
        let delay = guard.crawl_delay.filter(|_| crawling).map_or(self.min_delay, |d| d.max(self.min_delay));
        let ready = guard.last_request.map(|last| last + delay).max(guard.not_before);
        if let Some(ready) = ready
            && ready > Instant::now()
        {
            if ready > Instant::now() + max_wait {
                return None;
            }
            tokio::time::sleep_until(ready.into()).await;
        }
        Some(Turn { guard, delay })
    }

    /// The robots.txt rules for `url`'s origin, asked for once per origin and day with `fetch`,
    /// which gives the file and how long to trust it.
    pub(crate) async fn robots<F, Fut>(&self, url: &Url, fetch: F) -> Arc<RobotsRules>
    where
        F: FnOnce(Url) -> Fut,
        Fut: Future<Output = (RobotsFile, Duration)>,
    {
        let origin = robots_key(url);
        let cell = {
            let mut map = self.robots.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() >= SWEEP_AT && !map.contains_key(&origin) {
                let now = Instant::now();
                map.retain(|_, cell| {
                    Arc::strong_count(cell) > 1 || cell.get().is_none_or(|(expires, _)| *expires > now)
                });
            }
            let cell = map.entry(origin.clone()).or_default();
            if cell.get().is_some_and(|(expires, _)| *expires <= Instant::now()) {
                *cell = RobotsCell::default();
            }
            cell.clone()
        };
        let (_, rules) = cell
            .get_or_init(|| async {
                let robots_url = url.join("/robots.txt").unwrap_or_else(|_| url.clone());
                let (file, ttl) = fetch(robots_url).await;
                let rules = match file {
                    RobotsFile::Missing => RobotsRules::AllowAll,
                    RobotsFile::Found(body) => match texting_robots::Robot::new(ROBOTS_AGENT, body.as_bytes()) {
                        Ok(robot) => {
                            if let Some(secs) = robot.delay.filter(|d| d.is_finite() && *d > 0.0) {
                                let delay = Duration::from_secs_f32(secs).min(MAX_CRAWL_DELAY);
                                self.host(url).lock().await.crawl_delay = Some(delay);
                            }
                            RobotsRules::Rules(Box::new(robot))
                        }
                        Err(_) => RobotsRules::AllowAll,
                    },
                    RobotsFile::Unavailable(error) => {
                        tracing::info!(%origin, %error, "robots.txt unavailable; not fetching pages of this site for now");
                        RobotsRules::DisallowAll
                    }
                };
                (Instant::now() + ttl, Arc::new(rules))
            })
            .await;
        rules.clone()
    }
}

/// How long a robots.txt found as `file` is trusted: a day, or ten minutes when the site failed
/// to give it (RFC 9309).
pub(crate) fn robots_ttl(file: &RobotsFile) -> Duration {
    match file {
        RobotsFile::Unavailable(_) => ROBOTS_RETRY,
        RobotsFile::Found(_) | RobotsFile::Missing => ROBOTS_TTL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn one_host_in_any_spelling_shares_one_turn() {
        let keys: Vec<String> = ["https://News.example/a", "http://news.example./b", "http://news.example:80/c"]
            .iter()
            .map(|u| host_key(&url(u)))
            .collect();
        assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    }

    #[tokio::test]
    async fn hosts_nobody_uses_are_forgotten() {
        let gate = HostGate::new(Duration::ZERO);
        for i in 0..3 * SWEEP_AT {
            drop(gate.wait_turn(&url(&format!("http://h{i}.example/")), true, Duration::ZERO).await);
        }
        let (hosts, _) = gate.remembered();
        assert!(hosts <= SWEEP_AT + 1, "{hosts} hosts remembered");
    }
}
