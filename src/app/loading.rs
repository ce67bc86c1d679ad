//! Opening and reloading GeoJSON files on background threads, with progress and cancel, so a
//! big file never freezes the map.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::io::history::{History, Seen};
use crate::io::workspace::{ViewState, WorkspaceLayer};
use crate::io::{LoadError, LoadOptions, Parsed, load_path_with_progress};

/// Why a file is being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A new layer.
    Open,
    /// A new version of an open layer (by key).
    Reload {
        /// The layer key.
        key: String,
    },
}

/// A load in progress.
pub struct Job {
    /// Unique id.
    pub id: u64,
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub purpose: Purpose,
    /// Bytes read so far.
    pub bytes_read: Arc<AtomicU64>,
    /// File size when the load started.
    pub total_bytes: u64,
    cancel: Arc<AtomicBool>,
}

impl Job {
    /// Ask the load to stop.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Progress 0–1.
    pub fn fraction(&self) -> f32 {
        if self.total_bytes == 0 {
            0.0
        } else {
            (self.bytes_read.load(Ordering::Relaxed) as f64 / self.total_bytes as f64) as f32
        }
    }
}

/// A finished load.
pub struct Outcome {
    /// The load's id, as [`Loader::start`] returned it.
    pub id: u64,
    /// The file.
    pub path: PathBuf,
    /// Why it was read.
    pub purpose: Purpose,
    /// The options it was read with (declared coordinate system, encoding, layer).
    pub options: LoadOptions,
    /// What came of it.
    pub result: Result<Parsed, LoadError>,
}

/// Background loads.
pub struct Loader {
    tx: Sender<(u64, Outcome)>,
    rx: Receiver<(u64, Outcome)>,
    jobs: Vec<Job>,
    next_id: u64,
    /// Paths chosen in a file dialog that is (or was) open.
    pub dialog: Option<Receiver<Vec<PathBuf>>>,
    /// Where the user chose to save a workspace.
    pub save_dialog: Option<Receiver<PathBuf>>,
    /// Where every version of a file read is kept (成果留痕); None: not kept (tests).
    pub history: Option<History>,
    /// The workspace being opened, while its files are read.
    pub restore: Option<Restore>,
    /// Loads of a workspace that another replaced before they finished: what they read is
    /// dropped, so the layers of a workspace no longer open do not turn up in the new one.
    pub abandoned: Vec<u64>,
}

/// A workspace being opened: where each of its file layers goes and how it looks once its file
/// is read, and the view the map keeps meanwhile. Files arrive in any order and a big one takes
/// seconds; the layers take their saved names, styles and places as they come, and nothing
/// refits the map over the saved view.
#[derive(Debug, Default)]
pub struct Restore {
    /// The workspace's layers in its order, bottom first.
    pub slots: Vec<Slot>,
    /// The saved view; None: every layer is fitted once the files are in.
    pub view: Option<ViewState>,
}

/// One layer of a workspace being opened.
#[derive(Debug)]
pub enum Slot {
    /// A layer on the map already (embedded, or a result kept in the workspace), by key.
    Placed(String),
    /// A file being read by the load of this id; `saved` is the workspace's entry for it (its
    /// path resolved).
    Loading {
        /// The load's id.
        job: u64,
        /// What the workspace says of the layer.
        saved: Box<WorkspaceLayer>,
    },
    /// A file read: its layer's key.
    Arrived(String),
    /// A file that could not be read (reported as it failed).
    Failed,
}

impl Restore {
    /// The workspace entry of the load `job`, if it is one of this workspace's files still being
    /// read.
    pub fn saved(&self, job: u64) -> Option<&WorkspaceLayer> {
        self.slots.iter().find_map(|s| match s {
            Slot::Loading { job: j, saved } if *j == job => Some(&**saved),
            _ => None,
        })
    }

    /// The load `job` has finished: its layer's key, or None when it failed.
    pub fn arrived(&mut self, job: u64, key: Option<String>) {
        for s in &mut self.slots {
            if matches!(s, Slot::Loading { job: j, .. } if *j == job) {
                *s = key.clone().map_or(Slot::Failed, Slot::Arrived);
            }
        }
    }

    /// Whether every file of the workspace has been read (or failed).
    pub fn done(&self) -> bool {
        !self.slots.iter().any(|s| matches!(s, Slot::Loading { .. }))
    }

    /// The keys in the workspace's order, bottom first (each once).
    pub fn order(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.slots {
            if let Slot::Placed(k) | Slot::Arrived(k) = s
                && !out.contains(&k.as_str())
            {
                out.push(k);
            }
        }
        out
    }

    /// The ids of the loads still running.
    pub fn pending_jobs(&self) -> Vec<u64> {
        self.slots
            .iter()
            .filter_map(|s| match s {
                Slot::Loading { job, .. } => Some(*job),
                _ => None,
            })
            .collect()
    }
}

impl Default for Loader {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self {
            tx,
            rx,
            jobs: Vec::new(),
            next_id: 1,
            dialog: None,
            save_dialog: None,
            history: None,
            restore: None,
            abandoned: Vec::new(),
        }
    }
}

impl Loader {
    /// A loader that keeps every version it reads in `history` (None: keeps none).
    pub fn with_history(history: Option<History>) -> Self {
        Self { history, ..Self::default() }
    }

    /// Start reading a file; the result arrives through [`Self::poll`], with the id returned.
    pub fn start(&mut self, path: PathBuf, purpose: Purpose, options: LoadOptions, ctx: &egui::Context) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let bytes_read = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let total_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        self.jobs.push(Job {
            id,
            path: path.clone(),
            purpose: purpose.clone(),
            bytes_read: bytes_read.clone(),
            total_bytes,
            cancel: cancel.clone(),
        });
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let history = self.history.clone();
        std::thread::spawn(move || {
            // A panic in the loader must not leave the job spinning forever: it becomes an error
            // (the panic hook has logged it).
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                load_path_with_progress(&path, options.clone(), &bytes_read, &cancel)
            }))
            .unwrap_or_else(|payload| {
                Err(LoadError::Internal {
                    path: path.clone(),
                    message: super::crash::scrub(&super::crash::panic_text(payload.as_ref())),
                })
            });
            // The version read goes into the history after the layer is on its way to the map.
            // A version restored from the history is a copy of one kept already: not kept again.
            let keep = match (&history, &result) {
                (Some(h), Ok(parsed)) if parsed.ok() && !is_restored_copy(h, &path) => {
                    Some((h.clone(), parsed.features.len()))
                }
                _ => None,
            };
            let seen = if purpose == Purpose::Open { Seen::Opened } else { Seen::Reloaded };
            let kept_path = path.clone();
            // The app may have closed meanwhile; nothing to do then.
            let _ = tx.send((id, Outcome { id, path, purpose, options, result }));
            ctx.request_repaint();
            if let Some((history, features)) = keep
                && let Err(e) = history.record(&kept_path, seen, features)
            {
                log::warn!("{e}");
            }
        });
        id
    }

    /// Stop the loads of a workspace that is being replaced; what they read is dropped.
    pub fn abandon(&mut self, ids: &[u64]) {
        for j in self.jobs.iter().filter(|j| ids.contains(&j.id)) {
            j.cancel();
        }
        self.abandoned.extend_from_slice(ids);
    }

    /// Finished loads since the last call, and the files chosen in a finished dialog.
    pub fn poll(&mut self) -> (Vec<Outcome>, Vec<PathBuf>) {
        let mut chosen = Vec::new();
        if let Some(paths) = self.dialog.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.dialog = None;
            chosen = paths;
        }
        let mut done = Vec::new();
        for (id, outcome) in self.rx.try_iter() {
            self.jobs.retain(|j| j.id != id);
            done.push(outcome);
        }
        (done, chosen)
    }

    /// Loads in progress.
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// Whether a reload of this layer is already running.
    pub fn reloading(&self, key: &str) -> bool {
        self.jobs.iter().any(|j| matches!(&j.purpose, Purpose::Reload { key: k } if k == key))
    }

    /// Whether anything is running.
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty() || self.dialog.is_some() || self.save_dialog.is_some()
    }
}

/// The folder beside the history where versions are restored to be opened as layers.
pub fn restored_dir(history: &History) -> PathBuf {
    history.dir().with_file_name("restored")
}

/// Whether a file is a version the app restored from its history.
fn is_restored_copy(history: &History, path: &Path) -> bool {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    path.starts_with(restored_dir(history))
}

/// The name a file layer gets: the layer's or collection's `name`, else the file stem.
pub fn layer_name(path: &Path, parsed: &Parsed) -> String {
    if let Some(layer) = &parsed.source.layer
        && parsed.source.layers.len() > 1
    {
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        return format!("{stem} · {layer}");
    }
    parsed.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| {
        path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
    })
}
