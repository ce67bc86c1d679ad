//! "Keep this area offline": download the tiles of an area and a zoom range from a server whose
//! terms allow it (a custom or self-hosted XYZ server, never OpenStreetMap's, Tianditu's or
//! AMap's public servers) into one PMTiles file, which then works as a basemap with no network.
//!
//! Tiles go first into a staging folder next to the output (so a second attempt resumes
//! where the first stopped), then into the archive in Hilbert order. Cancel leaves nothing
//! behind. The download runs on its own threads; the UI polls [`OfflineJob`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::io_error_zh;
use walkers::TileId;

use super::fetch::{ClientError, http_client, http_get};
use super::health::TileFailure;
use super::pmtiles::{PmTilesError, PmTilesMeta, write_archive};
use super::projection::mercator_normalized;
use super::sources::{Basemap, BulkRefusal, XyzTemplate};

/// Kuiwen District's whole administrative extent, `[west, south, east, north]` (WGS84).
pub const KUIWEN_EXTENT: [f64; 4] = [119.085, 36.605, 119.305, 36.81];
/// The most tiles one download may hold (about 1–2 GB of imagery).
pub const MAX_TILES: u64 = 100_000;
/// Parallel downloads.
const PARALLEL: usize = 4;
/// Give up when this many tiles failed and none arrived.
const GIVE_UP_AFTER: u64 = 24;

/// Why an offline download did not produce a file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OfflineError {
    /// The source's terms forbid bulk download (or it is already local).
    #[error("{0}")]
    Refused(BulkRefusal),
    /// Too many tiles.
    #[error("{count} tiles is more than the {max} one download may hold: choose a smaller area or fewer zoom levels")]
    TooMany {
        /// Tiles asked for.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// A zoom range that makes no sense.
    #[error("invalid zoom range {0}–{1} (0–19, minimum ≤ maximum)")]
    BadZoom(u8, u8),
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The server fails (no tile arrived, or it refuses us).
    #[error("the tile server fails: {}", .0.detail())]
    ServerFailing(TileFailure),
    /// Not a single tile was available.
    #[error("the server has no tiles for this area and zoom range")]
    NothingDownloaded,
    /// No HTTP client: nothing can be downloaded from any server.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// Writing the archive failed.
    #[error(transparent)]
    Write(#[from] PmTilesError),
    /// The staging folder could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

impl Bilingual for OfflineError {
    fn zh(&self) -> String {
        match self {
            OfflineError::Refused(r) => r.zh(),
            OfflineError::TooMany { count, max } => {
                format!("共 {count} 张瓦片，超过单次下载上限 {max} 张：请缩小范围或减少缩放级别")
            }
            OfflineError::BadZoom(lo, hi) => {
                format!("缩放级别范围 {lo}–{hi} 无效（应在 0–19 之间，且最小级别不大于最大级别）")
            }
            OfflineError::Cancelled => "已取消下载".into(),
            OfflineError::ServerFailing(f) => format!("瓦片服务器出错，已停止下载：{}", f.detail_zh()),
            OfflineError::NothingDownloaded => "服务器没有此区域和缩放级别的瓦片".into(),
            OfflineError::Client(e) => e.zh(),
            OfflineError::Write(e) => e.zh(),
            OfflineError::Io { path, source } => format!("无法写入 {}：{}", path.display(), io_error_zh(source)),
        }
    }
}

/// The tile columns and rows of a box at one zoom: `(x_min, x_max, y_min, y_max)`, inclusive.
pub fn tile_range(bbox: [f64; 4], zoom: u8) -> (u32, u32, u32, u32) {
    let n = f64::from(1u32 << zoom.min(30));
    let [x0, y0] = mercator_normalized(bbox[0], bbox[3]);
    let [x1, y1] = mercator_normalized(bbox[2], bbox[1]);
    let max = (n as u32).saturating_sub(1);
    let idx = |v: f64| ((v * n).floor().max(0.0) as u32).min(max);
    (idx(x0), idx(x1), idx(y0), idx(y1))
}

/// How many tiles a box holds over a zoom range.
pub fn count_tiles(bbox: [f64; 4], min_zoom: u8, max_zoom: u8) -> u64 {
    (min_zoom..=max_zoom)
        .map(|z| {
            let (x0, x1, y0, y1) = tile_range(bbox, z);
            u64::from(x1 - x0 + 1) * u64::from(y1 - y0 + 1)
        })
        .sum()
}

/// Every tile of a box over a zoom range.
pub fn tiles_in(bbox: [f64; 4], min_zoom: u8, max_zoom: u8) -> Vec<TileId> {
    let mut out = Vec::new();
    for zoom in min_zoom..=max_zoom {
        let (x0, x1, y0, y1) = tile_range(bbox, zoom);
        for x in x0..=x1 {
            for y in y0..=y1 {
                out.push(TileId { x, y, zoom });
            }
        }
    }
    out
}

/// The folder for downloaded offline basemaps: `KUIWEN_DATA_DIR/offline` if set, else the
/// user's data folder (e.g. `~/.local/share/kuiwen-atlas/offline`).
pub fn offline_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KUIWEN_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("offline"));
    }
    directories::ProjectDirs::from("cn", "Kuiwen", "kuiwen-atlas").map(|d| d.data_dir().join("offline"))
}

/// A file name for a download: host and zoom range.
pub fn default_file_name(template: &XyzTemplate, min_zoom: u8, max_zoom: u8) -> String {
    let host: String =
        template.host().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("{host}-z{min_zoom}-{max_zoom}.pmtiles")
}

/// A download to make.
#[derive(Clone, Debug)]
pub struct OfflineRequest {
    /// The server.
    pub template: XyzTemplate,
    /// `[west, south, east, north]`.
    pub bbox: [f64; 4],
    /// Lowest zoom.
    pub min_zoom: u8,
    /// Highest zoom.
    pub max_zoom: u8,
    /// The PMTiles file to write.
    pub out: PathBuf,
    /// The credit to store in the file (shown when it is used as a basemap).
    pub attribution: String,
}

impl OfflineRequest {
    /// Check a download of `basemap`: its terms, the zoom range and the tile count.
    pub fn new(
        basemap: &Basemap,
        bbox: [f64; 4],
        min_zoom: u8,
        max_zoom: u8,
        out: PathBuf,
    ) -> Result<Self, OfflineError> {
        let template = basemap.bulk_download().map_err(OfflineError::Refused)?;
        if min_zoom > max_zoom || max_zoom > 19 {
            return Err(OfflineError::BadZoom(min_zoom, max_zoom));
        }
        let count = count_tiles(bbox, min_zoom, max_zoom);
        if count > MAX_TILES {
            return Err(OfflineError::TooMany { count, max: MAX_TILES });
        }
        let attribution = format!("Tiles © {}", template.host());
        Ok(Self { template, bbox, min_zoom, max_zoom, out, attribution })
    }

    /// Tiles in the request.
    pub fn count(&self) -> u64 {
        count_tiles(self.bbox, self.min_zoom, self.max_zoom)
    }
}

/// How far a download is (updated by the download threads).
#[derive(Debug, Default)]
pub struct Progress {
    /// Tiles in the request.
    pub total: AtomicU64,
    /// Tiles downloaded (or found in the staging folder).
    pub done: AtomicU64,
    /// Tiles the server does not have (404).
    pub missing: AtomicU64,
    /// Tiles that failed.
    pub failed: AtomicU64,
    /// Bytes downloaded.
    pub bytes: AtomicU64,
    last_failure: Mutex<Option<TileFailure>>,
}

impl Progress {
    /// Share of the tiles handled, 0–1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        let handled = self.done.load(Ordering::Relaxed)
            + self.missing.load(Ordering::Relaxed)
            + self.failed.load(Ordering::Relaxed);
        (handled as f64 / total as f64).min(1.0) as f32
    }

    /// The latest failure.
    pub fn last_failure(&self) -> Option<TileFailure> {
        self.last_failure.lock().ok().and_then(|f| f.clone())
    }
}

/// What a finished download produced.
#[derive(Clone, Debug, PartialEq)]
pub struct OfflineSummary {
    /// The PMTiles file.
    pub path: PathBuf,
    /// Tiles in it.
    pub tiles: usize,
    /// Tiles the server did not have.
    pub missing: u64,
    /// Tiles that failed (left out).
    pub failed: u64,
    /// Size of the file.
    pub bytes: u64,
}

fn staging_dir(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".parts");
    out.with_file_name(name)
}

fn staged(dir: &Path, t: TileId) -> PathBuf {
    dir.join(t.zoom.to_string()).join(t.x.to_string()).join(t.y.to_string())
}

/// Run a download to the end (blocking: the command line calls this; the UI uses
/// [`OfflineJob`]).
pub fn run(
    req: &OfflineRequest,
    progress: &Progress,
    cancel: &AtomicBool,
    on_tile: &(dyn Fn() + Sync),
) -> Result<OfflineSummary, OfflineError> {
    let tiles = tiles_in(req.bbox, req.min_zoom, req.max_zoom);
    progress.total.store(tiles.len() as u64, Ordering::Relaxed);
    let dir = staging_dir(&req.out);
    if let Some(parent) = req.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| OfflineError::Io { path: parent.to_owned(), source })?;
    }
    let client = http_client()?;
    let next = AtomicUsize::new(0);
    let abort: Mutex<Option<OfflineError>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| {
                while !stop.load(Ordering::Relaxed) && !cancel.load(Ordering::Relaxed) {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&t) = tiles.get(i) else { break };
                    let path = staged(&dir, t);
                    if path.is_file() {
                        progress.done.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let url = req.template.url(t);
                    let mut result = http_get(&client, &url);
                    if matches!(
                        result,
                        Err(TileFailure::Timeout | TileFailure::Server(_) | TileFailure::Unreachable(_))
                    ) && !cancel.load(Ordering::Relaxed)
                    {
                        result = http_get(&client, &url);
                    }
                    match result {
                        Ok(bytes) => {
                            let write = path
                                .parent()
                                .map(std::fs::create_dir_all)
                                .unwrap_or(Ok(()))
                                .and_then(|()| std::fs::write(&path, &bytes));
                            if let Err(source) = write {
                                if let Ok(mut a) = abort.lock() {
                                    a.get_or_insert(OfflineError::Io { path: path.clone(), source });
                                }
                                stop.store(true, Ordering::Relaxed);
                                break;
                            }
                            progress.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                            progress.done.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(TileFailure::NotFound) => {
                            progress.missing.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(f) => {
                            let failed = progress.failed.fetch_add(1, Ordering::Relaxed) + 1;
                            if let Ok(mut last) = progress.last_failure.lock() {
                                *last = Some(f.clone());
                            }
                            let hopeless = failed >= GIVE_UP_AFTER && progress.done.load(Ordering::Relaxed) == 0;
                            if f.is_blocking() || hopeless {
                                if let Ok(mut a) = abort.lock() {
                                    a.get_or_insert(OfflineError::ServerFailing(f));
                                }
                                stop.store(true, Ordering::Relaxed);
                            }
                        }
                    }
                    on_tile();
                }
            });
        }
    });
    let cleanup = || {
        let _ = std::fs::remove_dir_all(&dir);
    };
    if cancel.load(Ordering::Relaxed) {
        cleanup();
        return Err(OfflineError::Cancelled);
    }
    if let Some(e) = abort.lock().ok().and_then(|mut a| a.take()) {
        cleanup();
        return Err(e);
    }
    if progress.done.load(Ordering::Relaxed) == 0 {
        cleanup();
        return Err(OfflineError::NothingDownloaded);
    }
    let meta = PmTilesMeta {
        name: format!("{} z{}–{}", req.template.host(), req.min_zoom, req.max_zoom),
        attribution: req.attribution.clone(),
        bounds: req.bbox,
    };
    let written = write_archive(&req.out, &tiles, &meta, |t| std::fs::read(staged(&dir, t)).ok());
    cleanup();
    let written = written?;
    let bytes = std::fs::metadata(&req.out).map(|m| m.len()).unwrap_or(0);
    Ok(OfflineSummary {
        path: req.out.clone(),
        tiles: written,
        missing: progress.missing.load(Ordering::Relaxed),
        failed: progress.failed.load(Ordering::Relaxed),
        bytes,
    })
}

/// A download running on a background thread.
pub struct OfflineJob {
    /// How far it is.
    pub progress: Arc<Progress>,
    /// What it writes.
    pub request: OfflineRequest,
    cancel: Arc<AtomicBool>,
    result: Receiver<Result<OfflineSummary, OfflineError>>,
}

impl OfflineJob {
    /// Start a download; `ctx` is asked to repaint as tiles arrive.
    pub fn start(request: OfflineRequest, ctx: Option<egui::Context>) -> Self {
        let progress = Arc::new(Progress::default());
        progress.total.store(request.count(), Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = channel();
        let (p, c, r) = (progress.clone(), cancel.clone(), request.clone());
        std::thread::spawn(move || {
            let repaint = || {
                if let Some(ctx) = &ctx {
                    ctx.request_repaint();
                }
            };
            let result = run(&r, &p, &c, &repaint);
            let _ = tx.send(result);
            repaint();
        });
        Self { progress, request, cancel, result: rx }
    }

    /// Ask the download to stop; it cleans up and reports [`OfflineError::Cancelled`].
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Whether cancel was asked.
    pub fn cancelling(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The result, once finished.
    pub fn poll(&self) -> Option<Result<OfflineSummary, OfflineError>> {
        self.result.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tiles_of_kuiwen() {
        // Zoom 10: Kuiwen fits in one or two tiles each way.
        let (x0, x1, y0, y1) = tile_range(KUIWEN_EXTENT, 10);
        assert!(x1 - x0 <= 1 && y1 - y0 <= 1, "{x0} {x1} {y0} {y1}");
        assert_eq!(tiles_in(KUIWEN_EXTENT, 10, 14).len() as u64, count_tiles(KUIWEN_EXTENT, 10, 14));
        // Each zoom level has roughly four times the tiles of the one above.
        let z16 = count_tiles(KUIWEN_EXTENT, 16, 16);
        let z17 = count_tiles(KUIWEN_EXTENT, 17, 17);
        assert!((3.5..4.6).contains(&(z17 as f64 / z16 as f64)), "{z16} {z17}");
        assert_eq!(count_tiles([0.0, 0.0, 0.0, 0.0], 3, 3), 1);
    }

    #[test]
    fn refuses_public_servers_and_huge_requests() {
        let out = PathBuf::from("x.pmtiles");
        assert!(matches!(
            OfflineRequest::new(&Basemap::Osm, KUIWEN_EXTENT, 10, 12, out.clone()),
            Err(OfflineError::Refused(BulkRefusal::Osm))
        ));
        let own: Basemap = "http://127.0.0.1:9/{z}/{x}/{y}.png".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            OfflineRequest::new(&own, KUIWEN_EXTENT, 10, 19, out.clone()),
            Err(OfflineError::TooMany { .. })
        ));
        assert!(matches!(
            OfflineRequest::new(&own, KUIWEN_EXTENT, 12, 10, out.clone()),
            Err(OfflineError::BadZoom(12, 10))
        ));
        assert!(OfflineRequest::new(&own, KUIWEN_EXTENT, 10, 14, out).is_ok());
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let has_chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let cases: Vec<(OfflineError, &[&str])> = vec![
            (OfflineError::Refused(BulkRefusal::Tianditu), &["天地图", "批量下载"]),
            (OfflineError::TooMany { count: 123_456, max: MAX_TILES }, &["123456", "100000", "缩小范围"]),
            (OfflineError::BadZoom(12, 10), &["12–10", "0–19"]),
            (OfflineError::Cancelled, &["取消"]),
            (OfflineError::ServerFailing(TileFailure::Denied(403)), &["HTTP 403", "拒绝访问"]),
            (
                OfflineError::ServerFailing(TileFailure::Unreachable("connection refused".into())),
                &["connection refused", "无法连接"],
            ),
            (OfflineError::NothingDownloaded, &["没有此区域"]),
            (OfflineError::Client(ClientError::Build("no TLS roots".into())), &["no TLS roots"]),
            (OfflineError::Write(PmTilesError::NotPmTiles(PathBuf::from("/o/x.pmtiles"))), &["/o/x.pmtiles"]),
            (
                OfflineError::Io {
                    path: PathBuf::from("/o/x.pmtiles.parts/12/3/4"),
                    source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
                },
                &["/o/x.pmtiles.parts/12/3/4", "没有权限"],
            ),
        ];
        for (e, facts) in cases {
            let zh = e.zh();
            assert!(has_chinese(&zh), "{zh}");
            for fact in facts {
                assert!(zh.contains(fact), "{zh} lacks {fact}");
            }
            assert_eq!(e.en(), e.to_string());
        }
        assert_eq!(OfflineError::Refused(BulkRefusal::Osm).to_string(), BulkRefusal::Osm.reason().1);
        assert!(OfflineError::BadZoom(12, 10).to_string().contains("12–10"));
    }
}
