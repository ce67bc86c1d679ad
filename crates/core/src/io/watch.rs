//! Watching loaded files for changes on disk (notify, debounced).
//!
//! The folder of each file is watched rather than the file itself: editors that save by writing
//! a temporary file and renaming it over the original, or by deleting and re-creating it,
//! replace the inode, and a watch on the old inode would go silent.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::i18n::{Bilingual, io_error_zh};

/// How long the watcher waits for a burst of events to settle (a large file written in pieces,
/// or a save that is a delete plus a create).
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// Why watching failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WatchError {
    /// The watcher itself could not be started (no file named yet).
    #[error("cannot start watching files for changes: {0}")]
    Start(notify::Error),
    /// The operating system refused the watch.
    #[error("cannot watch {}: {source}", path.display())]
    Notify {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: notify::Error,
    },
    /// The file has no folder (a bare root).
    #[error("cannot watch {}: it has no parent folder", .0.display())]
    NoParent(PathBuf),
}

/// The Chinese for a watcher error: the system's refusals that a planner can act on in Chinese,
/// anything else as notify says it.
fn notify_error_zh(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => io_error_zh(io),
        notify::ErrorKind::PathNotFound => "文件夹不存在".to_owned(),
        notify::ErrorKind::MaxFilesWatch => "已达到系统允许同时监视的文件数上限".to_owned(),
        _ => e.to_string(),
    }
}

impl Bilingual for WatchError {
    fn zh(&self) -> String {
        match self {
            WatchError::Start(source) => format!("无法启动文件变化监视：{}", notify_error_zh(source)),
            WatchError::Notify { path, source } => {
                format!("无法监视文件夹 {} 的变化：{}", path.display(), notify_error_zh(source))
            }
            WatchError::NoParent(path) => format!("无法监视 {}：它没有上级文件夹", path.display()),
        }
    }
}

/// Watches files and reports the ones that changed.
pub struct FileWatcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    rx: Receiver<DebounceEventResult>,
    /// Watched files (absolute).
    files: HashSet<PathBuf>,
    /// How many watched files live in each watched folder.
    folders: HashMap<PathBuf, usize>,
}

impl FileWatcher {
    /// A watcher with nothing watched yet. `wake` is called from the watcher thread whenever
    /// events arrive (the app passes a repaint request: an idle window runs no frames otherwise).
    pub fn new(wake: impl Fn() + Send + 'static) -> Result<Self, WatchError> {
        let (tx, rx) = channel();
        let debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            // The app may be gone; nothing to do then.
            let _ = tx.send(r);
            wake();
        })
        .map_err(WatchError::Start)?;
        Ok(Self { debouncer, rx, files: HashSet::new(), folders: HashMap::new() })
    }

    /// Start watching a file (idempotent).
    pub fn watch(&mut self, file: &Path) -> Result<(), WatchError> {
        let file = absolute(file);
        if self.files.contains(&file) {
            return Ok(());
        }
        let folder = file.parent().map(Path::to_path_buf).ok_or_else(|| WatchError::NoParent(file.clone()))?;
        if !self.folders.contains_key(&folder) {
            self.debouncer
                .watch(&folder, RecursiveMode::NonRecursive)
                .map_err(|source| WatchError::Notify { path: folder.clone(), source })?;
        }
        *self.folders.entry(folder).or_insert(0) += 1;
        self.files.insert(file);
        Ok(())
    }

    /// Stop watching a file.
    pub fn unwatch(&mut self, file: &Path) {
        let file = absolute(file);
        if !self.files.remove(&file) {
            return;
        }
        if let Some(folder) = file.parent().map(Path::to_path_buf)
            && let Some(n) = self.folders.get_mut(&folder)
        {
            *n -= 1;
            if *n == 0 {
                self.folders.remove(&folder);
                // The folder may already be gone; then there is nothing left to unwatch.
                let _ = self.debouncer.unwatch(&folder);
            }
        }
    }

    /// Files that changed since the last call (each once), and watcher errors as text.
    pub fn poll(&mut self) -> (Vec<PathBuf>, Vec<String>) {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut errors = Vec::new();
        for result in self.rx.try_iter() {
            match result {
                Ok(events) => {
                    // Reads (our own reload opening the file) are not changes: reacting to
                    // them would reload forever.
                    for e in events.iter().filter(|e| !e.kind.is_access() && !e.kind.is_other()) {
                        for p in &e.paths {
                            let p = self.watched_file_of(&absolute(p));
                            if let Some(p) = p
                                && !changed.contains(&p)
                            {
                                changed.push(p);
                            }
                        }
                    }
                }
                Err(errs) => errors.extend(errs.into_iter().map(|e| e.to_string())),
            }
        }
        (changed, errors)
    }

    /// The watched file a changed path belongs to: itself, or for a shapefile's sidecar
    /// (`.dbf`, `.shx`, `.prj`, `.cpg`) the `.shp` beside it, since a shapefile is several files
    /// and an edit may touch only its table.
    fn watched_file_of(&self, p: &Path) -> Option<PathBuf> {
        if self.files.contains(p) {
            return Some(p.to_path_buf());
        }
        let ext = p.extension()?.to_string_lossy().to_ascii_lowercase();
        if !["dbf", "shx", "prj", "cpg"].contains(&ext.as_str()) {
            return None;
        }
        ["shp", "SHP"].iter().map(|e| p.with_extension(e)).find(|shp| self.files.contains(shp))
    }

    /// Wait up to `timeout` for changes (for tests and the command line).
    pub fn wait(&mut self, timeout: Duration) -> Vec<PathBuf> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let (changed, _) = self.poll();
            if !changed.is_empty() || std::time::Instant::now() >= deadline {
                return changed;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// An absolute form of a path without touching the disk beyond the current directory (the file
/// may not exist at this moment: it may be mid-rename).
pub fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    // Resolve the folder through symlinks (e.g. /tmp on some systems) so events and watches agree.
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)).unwrap_or(abs),
        _ => abs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_folder_in_both_languages() {
        let folder = PathBuf::from("/srv/规划/控规");
        let e = WatchError::Notify {
            path: folder.clone(),
            source: notify::Error::io(std::io::Error::from(std::io::ErrorKind::PermissionDenied)),
        };
        assert!(e.zh().contains("/srv/规划/控规") && e.zh().contains("没有权限"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains("/srv/规划/控规"), "{e}");
        let e = WatchError::NoParent(PathBuf::from("/"));
        assert!(e.zh().contains("无法监视 /") && e.zh().contains("上级文件夹"), "{}", e.zh());
        assert_eq!(e.message(true), e.to_string());
        let e = WatchError::Start(notify::Error::new(notify::ErrorKind::MaxFilesWatch));
        assert!(e.zh().contains("上限"), "{}", e.zh());
    }
}
