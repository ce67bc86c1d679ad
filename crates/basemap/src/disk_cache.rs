//! The tile disk cache: one folder per basemap under the cache root (`tiles/<basemap>/z/x/y.tile`),
//! a size limit for the whole root enforced by deleting the oldest tiles, and "clear cache".
//!
//! Only tiles that decoded as images are written, so an error page or garbage is never cached
//! and served again. A cached tile younger than [`MAX_AGE`] is used without asking the server
//! (more than the 7 days the OpenStreetMap tile policy asks clients to keep tiles); an older
//! one is refreshed, and still used when the server cannot be reached.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::io_error_zh;
use walkers::TileId;

/// How long a cached tile is used without asking the server again.
pub const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 3600);

/// The default size limit of the whole tile cache.
pub const DEFAULT_LIMIT_MB: u64 = 500;

/// After a sweep the cache is at most this share of its limit, so sweeps are rare.
const SWEEP_TO: f64 = 0.9;

/// Why a cache operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Reading or writing the cache folder failed.
    #[error("tile cache {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Bilingual for CacheError {
    fn zh(&self) -> String {
        match self {
            CacheError::Io { path, source } => {
                format!("读写瓦片缓存 {} 失败：{}", path.display(), io_error_zh(source))
            }
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
    move |source| CacheError::Io { path: path.to_owned(), source }
}

/// The size accounting shared by the layers writing under one root.
#[derive(Debug, Default)]
struct Budget {
    /// Bytes under the root, once counted.
    size: Mutex<Option<u64>>,
    sweeping: AtomicBool,
}

/// A basemap's folder in the tile cache.
#[derive(Clone, Debug)]
pub struct DiskCache {
    root: PathBuf,
    dir: PathBuf,
    limit_bytes: Arc<AtomicU64>,
    budget: Arc<Budget>,
}

impl DiskCache {
    /// The cache of `basemap_key` under `root`, kept below `limit_bytes` (shared so that the
    /// settings can change it while tiles load).
    pub fn new(root: &Path, basemap_key: &str, limit_bytes: Arc<AtomicU64>) -> Self {
        Self { root: root.to_owned(), dir: root.join(basemap_key), limit_bytes, budget: Arc::default() }
    }

    /// Another basemap's folder under the same root, sharing the size accounting.
    pub fn sibling(&self, basemap_key: &str) -> Self {
        Self { dir: self.root.join(basemap_key), ..self.clone() }
    }

    /// This basemap's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where a tile is kept.
    pub fn path(&self, tile: TileId) -> PathBuf {
        self.dir.join(tile.zoom.to_string()).join(tile.x.to_string()).join(format!("{}.tile", tile.y))
    }

    /// A cached tile and whether it is still fresh.
    pub fn get(&self, tile: TileId) -> Option<(Vec<u8>, bool)> {
        let path = self.path(tile);
        let bytes = std::fs::read(&path).ok().filter(|b| !b.is_empty())?;
        let age = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .unwrap_or(Duration::ZERO);
        Some((bytes, age < MAX_AGE))
    }

    /// Keep a tile (written to a temporary file and renamed, so a reader never sees half a
    /// tile), then sweep if the cache has grown over its limit.
    pub fn put(&self, tile: TileId, bytes: &[u8]) -> Result<(), CacheError> {
        let path = self.path(tile);
        let Some(parent) = path.parent() else { return Ok(()) };
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        let old = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_data().ok();
            std::fs::rename(&tmp, &path)
        };
        if let Err(e) = write() {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_err(&path)(e));
        }
        self.account(bytes.len() as u64, old);
        Ok(())
    }

    fn account(&self, added: u64, removed: u64) {
        let limit = self.limit_bytes.load(Ordering::Relaxed);
        let over = {
            let Ok(mut size) = self.budget.size.lock() else { return };
            let s = match *size {
                Some(s) => s,
                None => dir_size(&self.root),
            };
            let s = (s + added).saturating_sub(removed);
            *size = Some(s);
            s > limit
        };
        if over && !self.budget.sweeping.swap(true, Ordering::AcqRel) {
            // Runs on the fetching thread, never on the UI thread.
            match sweep(&self.root, limit) {
                Ok(after) => {
                    if let Ok(mut size) = self.budget.size.lock() {
                        *size = Some(after);
                    }
                }
                Err(e) => log::warn!("{e}"),
            }
            self.budget.sweeping.store(false, Ordering::Release);
        }
    }
}

/// Every file under a folder, with size and modification time.
fn files_under(root: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)));
            }
        }
    }
    out
}

/// Bytes of all files under a folder (0 when it does not exist).
pub fn dir_size(root: &Path) -> u64 {
    files_under(root).iter().map(|f| f.1).sum()
}

/// Delete the oldest tiles under `root` until it holds at most 90 % of `limit_bytes`.
/// Returns the size afterwards.
pub fn sweep(root: &Path, limit_bytes: u64) -> Result<u64, CacheError> {
    let mut files = files_under(root);
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    if total <= limit_bytes {
        return Ok(total);
    }
    let target = (limit_bytes as f64 * SWEEP_TO) as u64;
    files.sort_by_key(|f| f.2);
    for (path, len, _) in files {
        if total <= target {
            break;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => total = total.saturating_sub(len),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => total = total.saturating_sub(len),
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
    Ok(total)
}

/// Delete the whole tile cache under `root`. Returns the bytes freed.
pub fn clear(root: &Path) -> Result<u64, CacheError> {
    let size = dir_size(root);
    match std::fs::remove_dir_all(root) {
        Ok(()) => Ok(size),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_err(root)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(x: u32) -> TileId {
        TileId { x, y: 1, zoom: 5 }
    }

    #[test]
    fn keeps_tiles_and_stays_under_its_limit() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let limit = Arc::new(AtomicU64::new(10_000));
        let cache = DiskCache::new(tmp.path(), "xyz-test", limit);
        assert!(cache.get(tile(0)).is_none());
        for x in 0..30 {
            cache.put(tile(x), &[x as u8; 1000]).unwrap_or_else(|e| panic!("{e}"));
            // Distinct modification times, so "oldest" is well defined.
            std::thread::sleep(Duration::from_millis(5));
        }
        let size = dir_size(tmp.path());
        assert!(size <= 10_000, "the cache grew to {size} bytes over its 10 000-byte limit");
        // The newest tiles survive, the oldest went.
        assert_eq!(cache.get(tile(29)).map(|(b, fresh)| (b.len(), fresh)), Some((1000, true)));
        assert!(cache.get(tile(0)).is_none());
        assert!(clear(tmp.path()).unwrap_or_else(|e| panic!("{e}")) > 0);
        assert!(cache.get(tile(29)).is_none());
        assert_eq!(clear(tmp.path()).unwrap_or_else(|e| panic!("{e}")), 0);
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let path = PathBuf::from("/cache/tiles/osm/5/1/1.tile");
        let e = io_err(&path)(std::io::Error::from(std::io::ErrorKind::StorageFull));
        let zh = e.zh();
        assert!(zh.contains("/cache/tiles/osm/5/1/1.tile") && zh.contains("瓦片缓存"), "{zh}");
        assert!(zh.contains("磁盘空间不足"), "{zh}");
        assert_eq!(e.en(), e.to_string());
        assert!(e.to_string().starts_with("tile cache /cache/tiles/osm/5/1/1.tile: "), "{e}");
    }
}
