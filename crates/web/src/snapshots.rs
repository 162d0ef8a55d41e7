//! What an article, story or search page shows every reader alike, kept for a second, so that
//! pages rendered for each reader (they hold a form token, a signed-in reader's own controls)
//! cost a render, not a render plus the reads, the "You may also like" comparison or the
//! search behind it.
//!
//! The page cache ([`crate::page_cache`]) keeps whole pages for anonymous readers; these are
//! the parts under it, for the pages it cannot keep. A part is at most [`FRESH_FOR`] older than
//! the database, as a kept page is. Two requests that miss at once both read; the later one's
//! copy is kept.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::page_cache::FRESH_FOR;

/// Parts kept at most; past it the stale ones go, then all.
const MAX_KEPT: usize = 4_000;

/// Parts of one kind of page, by key.
pub(crate) struct Snapshots<K, V> {
    kept: Mutex<HashMap<K, (Instant, Arc<V>)>>,
}

impl<K, V> std::fmt::Debug for Snapshots<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Snapshots")
    }
}

impl<K, V> Default for Snapshots<K, V> {
    fn default() -> Self {
        Self { kept: Mutex::new(HashMap::new()) }
    }
}

impl<K: Hash + Eq, V> Snapshots<K, V> {
    /// The part for `key`: the kept one while it is fresh, else what `load` reads (kept).
    pub(crate) async fn get<E, F>(&self, key: K, load: impl FnOnce() -> F) -> Result<Arc<V>, E>
    where
        F: Future<Output = Result<V, E>>,
    {
        if let Ok(kept) = self.kept.lock()
            && let Some((at, part)) = kept.get(&key)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(part.clone());
        }
        let part = Arc::new(load().await?);
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= MAX_KEPT {
                kept.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
                if kept.len() >= MAX_KEPT {
                    kept.clear();
                }
            }
            kept.insert(key, (Instant::now(), part.clone()));
        }
        Ok(part)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_part_is_read_once_a_second_and_a_failed_read_is_not_kept() {
        let parts: Snapshots<i64, String> = Snapshots::default();
        let reads = AtomicUsize::new(0);
        let load = |n: i64| {
            reads.fetch_add(1, Ordering::Relaxed);
            async move { if n < 0 { Err("gone") } else { Ok(format!("part {n}")) } }
        };
        for _ in 0..50 {
            assert_eq!(*parts.get(7, || load(7)).await.unwrap(), "part 7");
        }
        assert_eq!(reads.load(Ordering::Relaxed), 1, "a fresh part was read again");
        assert_eq!(*parts.get(8, || load(8)).await.unwrap(), "part 8", "another key shared the first's part");
        assert!(parts.get(-1, || load(-1)).await.is_err());
        assert!(parts.get(-1, || load(-1)).await.is_err());
        assert_eq!(reads.load(Ordering::Relaxed), 4, "a failed read was kept");
        tokio::time::sleep(FRESH_FOR + Duration::from_millis(50)).await;
        parts.get(7, || load(7)).await.unwrap();
        assert_eq!(reads.load(Ordering::Relaxed), 5, "a part older than a second was served");
    }
}
