//! The image proxy's files on disk: one file per image and width, named by a hash of the
//! image's address, in a folder of the operator's choosing, kept under a size limit by removing
//! the oldest files first. The folder belongs to one process: several web nodes each keep their
//! own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

/// Where the files go and how much they may take.
#[derive(Debug, Clone)]
pub struct ImageCacheConfig {
    /// The folder (made on first use).
    pub dir: PathBuf,
    /// Bytes the files may take together; the oldest go past it.
    pub max_bytes: u64,
}

/// The files and their sizes, oldest first, read from the folder on first use.
#[derive(Debug, Default)]
struct Index {
    loaded: bool,
    total: u64,
    files: BTreeMap<(SystemTime, PathBuf), u64>,
}

/// The folder of resized images.
#[derive(Debug)]
pub(crate) struct DiskCache {
    config: ImageCacheConfig,
    index: Mutex<Index>,
}

impl DiskCache {
    pub(crate) fn new(config: ImageCacheConfig) -> Self {
        Self { config, index: Mutex::new(Index::default()) }
    }

    /// The name of an image's files: a hash of its address.
    pub(crate) fn key(address: &str) -> String {
        Sha256::digest(address.as_bytes()).iter().take(16).map(|b| format!("{b:02x}")).collect()
    }

    fn path(&self, key: &str, width: u32) -> PathBuf {
        self.config.dir.join(&key[..2]).join(format!("{key}-{width}"))
    }

    /// The file of `key` at `width`, when it is kept.
    pub(crate) async fn get(&self, key: &str, width: u32) -> Option<Vec<u8>> {
        tokio::fs::read(self.path(key, width)).await.ok()
    }

    /// Keeps `bytes` as the file of `key` at `width`, then removes the oldest files while the
    /// folder holds more than its limit.
    pub(crate) async fn put(&self, key: &str, width: u32, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key, width);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Written aside and renamed, so a reader never gets half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        let mut index = self.index.lock().await;
        if !index.loaded {
            *index = scan(&self.config.dir).await;
        } else {
            let size = bytes.len() as u64;
            index.total += size;
            index.files.insert((SystemTime::now(), path), size);
        }
        while index.total > self.config.max_bytes {
            let Some(((_, oldest), size)) = index.files.pop_first() else { break };
            index.total = index.total.saturating_sub(size);
            if let Err(e) = tokio::fs::remove_file(&oldest).await {
                tracing::warn!(path = %oldest.display(), error = %e, "could not remove a cached image");
            }
        }
        Ok(())
    }

    /// Bytes the folder's files take, as far as this process knows.
    #[cfg(test)]
    pub(crate) async fn total(&self) -> u64 {
        self.index.lock().await.total
    }
}

/// Every file under `dir`, with its time and size.
async fn scan(dir: &Path) -> Index {
    let mut index = Index { loaded: true, ..Index::default() };
    let Ok(mut shards) = tokio::fs::read_dir(dir).await else { return index };
    while let Ok(Some(shard)) = shards.next_entry().await {
        let Ok(mut files) = tokio::fs::read_dir(shard.path()).await else { continue };
        while let Ok(Some(file)) = files.next_entry().await {
            let Ok(meta) = file.metadata().await else { continue };
            if !meta.is_file() {
                continue;
            }
            let time = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            index.total += meta.len();
            index.files.insert((time, file.path()), meta.len());
        }
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_folder_stays_under_its_limit_and_the_oldest_files_go_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(ImageCacheConfig { dir: dir.path().to_path_buf(), max_bytes: 2_500 });
        for n in 0..6 {
            cache.put(&DiskCache::key(&format!("https://e.example/{n}.jpg")), 320, &[n; 1_000]).await.unwrap();
            assert!(cache.total().await <= 2_500);
        }
        assert!(cache.get(&DiskCache::key("https://e.example/0.jpg"), 320).await.is_none(), "oldest removed");
        assert_eq!(cache.get(&DiskCache::key("https://e.example/5.jpg"), 320).await, Some(vec![5; 1_000]));
        // A new process reads what the folder holds and keeps to the limit too.
        let again = DiskCache::new(ImageCacheConfig { dir: dir.path().to_path_buf(), max_bytes: 1_500 });
        again.put(&DiskCache::key("https://e.example/6.jpg"), 320, &[6; 1_000]).await.unwrap();
        assert!(again.total().await <= 1_500);
        assert_eq!(again.get(&DiskCache::key("https://e.example/6.jpg"), 320).await, Some(vec![6; 1_000]));
    }
}
