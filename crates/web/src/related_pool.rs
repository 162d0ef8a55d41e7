//! The articles "You may also like" chooses from, tokenised once and shared by every request.
//!
//! Building the pool reads and tokenises up to a thousand recent articles; doing that on every
//! page view would make the cost of a page grow with the archive. The pool is rebuilt at most
//! once a minute, by one request while the others wait for it, so a new article can take up to
//! a minute to be suggested.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tidings_cluster::Candidate;
use tokio::sync::Mutex;

use crate::WebError;

/// How long a built pool is used.
const FRESH_FOR: Duration = Duration::from_secs(60);
/// How far back suggestions reach.
const WINDOW_HOURS: i64 = 30 * 24;
/// Articles in the pool at most.
const SIZE: i64 = 1_000;

type Built = (Instant, Arc<Vec<Candidate>>);

/// The shared pool.
#[derive(Debug, Clone, Default)]
pub(crate) struct RelatedPool {
    built: Arc<Mutex<Option<Built>>>,
}

impl RelatedPool {
    /// The current pool, rebuilt from `store` when it is older than a minute.
    pub(crate) async fn get(&self, store: &tidings_store::Store) -> Result<Arc<Vec<Candidate>>, WebError> {
        let mut built = self.built.lock().await;
        if let Some((at, pool)) = built.as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return Ok(pool.clone());
        }
        let since = Timestamp::now() - SignedDuration::from_hours(WINDOW_HOURS);
        let briefs = store.recent_briefs(since, SIZE).await?;
        let pool: Arc<Vec<Candidate>> = Arc::new(
            briefs.iter().map(|b| Candidate::new(b.id, b.outlet_id, b.story_id, b.time, &b.title, &b.text)).collect(),
        );
        *built = Some((Instant::now(), pool.clone()));
        Ok(pool)
    }
}
