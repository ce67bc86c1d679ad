//! Opening GeoJSON files on background threads, so a big file never freezes the map.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::io::crs::Crs;
use crate::io::{LoadOptions, load_path};
use crate::model::{Layer, LayerOrigin, Style};

/// Background loads in flight.
pub struct Loader {
    tx: Sender<Result<Layer, String>>,
    rx: Receiver<Result<Layer, String>>,
    in_flight: usize,
    opened: usize,
    /// Paths chosen in a file dialog that is (or was) open.
    pub dialog: Option<Receiver<Vec<PathBuf>>>,
}

impl Default for Loader {
    fn default() -> Self {
        let (tx, rx) = channel();
        Self { tx, rx, in_flight: 0, opened: 0, dialog: None }
    }
}

impl Loader {
    /// Start loading a file; the result arrives through [`Self::poll`].
    pub fn open(&mut self, path: PathBuf, crs: Option<Crs>, ctx: &egui::Context) {
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let style = Style::distinct(self.opened);
        self.opened += 1;
        self.in_flight += 1;
        std::thread::spawn(move || {
            let result = load_layer(&path, crs, style);
            // The app may have closed meanwhile; nothing to do then.
            let _ = tx.send(result);
            ctx.request_repaint();
        });
    }

    /// Finished loads since the last call.
    pub fn poll(&mut self, ctx: &egui::Context) -> Vec<Result<Layer, String>> {
        if let Some(paths) = self.dialog.as_ref().and_then(|rx| rx.try_recv().ok()) {
            self.dialog = None;
            for p in paths {
                self.open(p, None, ctx);
            }
        }
        let done: Vec<_> = self.rx.try_iter().collect();
        self.in_flight = self.in_flight.saturating_sub(done.len());
        done
    }

    /// Whether any load is running.
    pub fn busy(&self) -> bool {
        self.in_flight > 0 || self.dialog.is_some()
    }
}

/// Load one file into a layer, or a message saying what is wrong and where.
pub fn load_layer(path: &std::path::Path, crs: Option<Crs>, style: Style) -> Result<Layer, String> {
    let parsed = load_path(path, LoadOptions { declared_crs: crs })
        .map_err(|e| format!("{}: {}", path.display(), e.diagnostic()))?;
    if !parsed.ok() {
        let first = parsed.errors.iter().take(3).map(|d| d.to_string()).collect::<Vec<_>>().join("; ");
        if parsed.features.is_empty() {
            return Err(format!("{}: {} error(s): {first}", path.display(), parsed.errors.len()));
        }
        log::warn!("{}: {} feature(s) skipped: {first}", path.display(), parsed.errors.len());
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let name = parsed.name.clone().unwrap_or_else(|| stem.clone());
    Ok(Layer::new(
        path.display().to_string(),
        name.clone(),
        name,
        LayerOrigin::File { path: path.to_owned() },
        parsed.features,
        style,
    ))
}
