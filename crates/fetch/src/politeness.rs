//! Per-host politeness: one request at a time and a minimum delay per host, and a robots.txt
//! cache per origin.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
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

#[derive(Debug, Default)]
pub(crate) struct HostState {
    last_request: Option<Instant>,
    crawl_delay: Option<Duration>,
}

/// A host's turn: held while the request runs; dropping it starts the host's delay.
pub(crate) struct Turn(OwnedMutexGuard<HostState>);

impl Drop for Turn {
    fn drop(&mut self) {
        self.0.last_request = Some(Instant::now());
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
fn host_key(url: &Url) -> String {
    url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase()
}

/// The robots.txt of `url`'s host, whatever the scheme or a trailing dot: one file per host.
fn robots_key(url: &Url) -> String {
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
    pub(crate) async fn wait_turn(&self, url: &Url, crawling: bool) -> Turn {
        let guard = self.host(url).lock_owned().await;
        let delay = guard.crawl_delay.filter(|_| crawling).map_or(self.min_delay, |d| d.max(self.min_delay));
        if let Some(last) = guard.last_request {
            let ready = last + delay;
            if ready > Instant::now() {
                tokio::time::sleep_until(ready.into()).await;
            }
        }
        Turn(guard)
    }

    /// The robots.txt rules for `url`'s origin, fetched once per origin and day with `fetch`.
    pub(crate) async fn robots<F, Fut>(&self, url: &Url, fetch: F) -> Arc<RobotsRules>
    where
        F: FnOnce(Url) -> Fut,
        Fut: Future<Output = crate::Result<Option<Bytes>>>,
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
                let mut ttl = ROBOTS_TTL;
                let rules = match fetch(robots_url).await {
                    Ok(None) => RobotsRules::AllowAll,
                    Ok(Some(body)) => match texting_robots::Robot::new(ROBOTS_AGENT, &body) {
                        Ok(robot) => {
                            if let Some(secs) = robot.delay.filter(|d| d.is_finite() && *d > 0.0) {
                                let delay = Duration::from_secs_f32(secs).min(MAX_CRAWL_DELAY);
                                self.host(url).lock().await.crawl_delay = Some(delay);
                            }
                            RobotsRules::Rules(Box::new(robot))
                        }
                        Err(_) => RobotsRules::AllowAll,
                    },
                    Err(e) => {
                        tracing::info!(%origin, error = %e, "robots.txt unavailable; not fetching pages of this site for now");
                        ttl = ROBOTS_RETRY;
                        RobotsRules::DisallowAll
                    }
                };
                (Instant::now() + ttl, Arc::new(rules))
            })
            .await;
        rules.clone()
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
            drop(gate.wait_turn(&url(&format!("http://h{i}.example/")), true).await);
        }
        let (hosts, _) = gate.remembered();
        assert!(hosts <= SWEEP_AT + 1, "{hosts} hosts remembered");
    }
}
