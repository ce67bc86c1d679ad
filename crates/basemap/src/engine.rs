//! Tile layers for walkers: our own [`walkers::Tiles`] source with worker threads, so that
//! every source (tile server, folder, PMTiles) gets timeouts, a bounded disk cache and precise
//! failure reports, and the UI thread never waits.
//!
//! The UI thread only looks up textures and queues requests in [`Tiles::at`]; worker threads
//! fetch and decode, and hand back decoded images through a channel. Newest requests go first
//! (the view the user is looking at now), and the queue is bounded: tiles the user has panned
//! away from are dropped and asked for again if they come back into view.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui::{Rect, TextureHandle, pos2};
use walkers::sources::Attribution;
use walkers::{Tile, TileId, TilePiece, Tiles};

use super::disk_cache::DiskCache;
use super::fetch::{TileSourceKind, decode, folder_zoom_range};
use super::health::{LayerHealth, Origin, TileFailure, TileStatus};
use super::pmtiles::PmTilesArchive;
use super::sources::{Basemap, Credit};

/// Requests waiting beyond this many are dropped, oldest first.
const QUEUE_CAPACITY: usize = 96;
/// Decoded tiles kept as textures per layer.
const TEXTURE_CAPACITY: usize = 400;
/// Textures uploaded per call of `at` (bounds the work of one frame).
const UPLOADS_PER_CALL: usize = 8;

/// Everything a basemap needs from the app to build its layers.
#[derive(Clone, Debug, Default)]
pub struct BasemapEnv {
    /// The Tianditu key, if any.
    pub tianditu_key: Option<String>,
    /// The root of the tile disk cache (None: no disk cache).
    pub cache_root: Option<PathBuf>,
    /// The disk cache limit in bytes, shared so that the settings can change it live.
    pub cache_limit_bytes: Arc<AtomicU64>,
}

struct Queue {
    waiting: VecDeque<TileId>,
    closed: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
    health: Mutex<LayerHealth>,
    closed: AtomicBool,
}

struct Done {
    tile: TileId,
    result: Result<egui::ColorImage, TileFailure>,
}

enum Slot {
    Pending,
    Ready { texture: TextureHandle, used: u64 },
    Failed { retry_at: Option<Instant> },
}

/// One layer of tiles (a basemap has one, Tianditu two: map and labels).
pub struct TileLayer {
    shared: Arc<Shared>,
    results: Receiver<Done>,
    slots: HashMap<TileId, Slot>,
    ctx: egui::Context,
    min_zoom: u8,
    max_zoom: u8,
    calls: u64,
}

impl TileLayer {
    /// A layer over `source`, with its worker threads started.
    pub fn new(source: TileSourceKind, min_zoom: u8, max_zoom: u8, ctx: &egui::Context) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue { waiting: VecDeque::new(), closed: false }),
            wake: Condvar::new(),
            health: Mutex::new(LayerHealth::default()),
            closed: AtomicBool::new(false),
        });
        let (tx, rx) = channel();
        let source = Arc::new(source);
        for i in 0..source.parallelism() {
            let (shared, tx, source, ctx) = (shared.clone(), tx.clone(), source.clone(), ctx.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("tiles-{i}"))
                .spawn(move || worker(&shared, &tx, &source, &ctx));
            if let Err(e) = spawned {
                log::warn!("cannot start a tile thread: {e}");
            }
        }
        Self { shared, results: rx, slots: HashMap::new(), ctx: ctx.clone(), min_zoom, max_zoom, calls: 0 }
    }

    /// A layer that never delivers, for a failure that applies to every tile (a missing key,
    /// an unreadable file): the status shows it at once, no request is made.
    pub fn failed(failure: TileFailure, ctx: &egui::Context) -> Self {
        let (_tx, rx) = channel();
        let health = LayerHealth { permanent: Some(failure), ..Default::default() };
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue { waiting: VecDeque::new(), closed: true }),
            wake: Condvar::new(),
            health: Mutex::new(health),
            closed: AtomicBool::new(true),
        });
        Self { shared, results: rx, slots: HashMap::new(), ctx: ctx.clone(), min_zoom: 0, max_zoom: 0, calls: 0 }
    }

    /// A copy of the layer's health counters.
    pub fn health(&self) -> LayerHealth {
        self.shared.health.lock().map(|h| h.clone()).unwrap_or_default()
    }

    /// Requests waiting for a worker.
    pub fn queued(&self) -> usize {
        self.shared.queue.lock().map(|q| q.waiting.len()).unwrap_or(0)
    }

    /// Take finished tiles from the workers and make textures of them.
    fn poll(&mut self) {
        for _ in 0..UPLOADS_PER_CALL {
            let Ok(done) = self.results.try_recv() else { break };
            let slot = match done.result {
                Ok(image) => {
                    let name = format!("tile-{}-{}-{}", done.tile.zoom, done.tile.x, done.tile.y);
                    Slot::Ready { texture: self.ctx.load_texture(name, image, Default::default()), used: self.calls }
                }
                Err(f) => Slot::Failed { retry_at: f.retry_after().map(|d| Instant::now() + d) },
            };
            self.slots.insert(done.tile, slot);
        }
        if self.slots.len() > TEXTURE_CAPACITY + TEXTURE_CAPACITY / 4 {
            self.evict();
        }
    }

    /// Drop the least recently drawn textures.
    fn evict(&mut self) {
        let mut ready: Vec<(u64, TileId)> = self
            .slots
            .iter()
            .filter_map(|(id, s)| match s {
                Slot::Ready { used, .. } => Some((*used, *id)),
                Slot::Failed { .. } => Some((0, *id)),
                Slot::Pending => None,
            })
            .collect();
        ready.sort_unstable_by_key(|(used, _)| *used);
        let excess = self.slots.len().saturating_sub(TEXTURE_CAPACITY);
        for (_, id) in ready.into_iter().take(excess) {
            self.slots.remove(&id);
        }
    }

    fn request(&mut self, tile: TileId) {
        let dropped = {
            let Ok(mut q) = self.shared.queue.lock() else { return };
            if q.closed {
                return;
            }
            q.waiting.push_back(tile);
            let mut dropped = Vec::new();
            while q.waiting.len() > QUEUE_CAPACITY {
                if let Some(old) = q.waiting.pop_front() {
                    dropped.push(old);
                }
            }
            dropped
        };
        self.slots.insert(tile, Slot::Pending);
        for old in dropped {
            if matches!(self.slots.get(&old), Some(Slot::Pending)) {
                self.slots.remove(&old);
            }
        }
        self.shared.wake.notify_one();
    }

    /// The loaded tile, or part of the nearest loaded tile of a lower zoom covering the same
    /// ground.
    fn best_available(&mut self, tile: TileId) -> Option<TilePiece> {
        let calls = self.calls;
        for zoom in (0..=tile.zoom).rev() {
            let (ancestor, uv) = ancestor(tile, zoom);
            if let Some(Slot::Ready { texture, used }) = self.slots.get_mut(&ancestor) {
                *used = calls;
                return Some(TilePiece::new(Tile::Raster(texture.clone()), uv));
            }
        }
        None
    }
}

/// The tile of `zoom` (≤ the tile's) that covers `tile`, and the part of it that does.
fn ancestor(tile: TileId, zoom: u8) -> (TileId, Rect) {
    let d = 1u32 << (tile.zoom - zoom).min(31);
    let parent = TileId { x: tile.x / d, y: tile.y / d, zoom };
    let s = 1.0 / d as f32;
    let (u, v) = ((tile.x % d) as f32 * s, (tile.y % d) as f32 * s);
    (parent, Rect::from_min_max(pos2(u, v), pos2(u + s, v + s)))
}

impl Tiles for TileLayer {
    fn at(&mut self, tile: TileId) -> Option<TilePiece> {
        self.calls += 1;
        self.poll();
        let n = 1u64 << tile.zoom.min(30);
        if u64::from(tile.x) >= n || u64::from(tile.y) >= n {
            return None;
        }
        let want = if tile.zoom > self.max_zoom { ancestor(tile, self.max_zoom).0 } else { tile };
        if want.zoom >= self.min_zoom {
            let ask = match self.slots.get(&want) {
                None => true,
                Some(Slot::Failed { retry_at: Some(t) }) => Instant::now() >= *t,
                _ => false,
            };
            if ask {
                self.request(want);
            }
        }
        self.best_available(tile)
    }

    fn attribution(&self) -> Attribution {
        // The map panel draws the credit itself (see `ActiveBasemap::credit`).
        Attribution { text: "", url: "", logo_light: None, logo_dark: None }
    }

    fn tile_size(&self) -> u32 {
        256
    }

    fn stats(&self) -> walkers::Stats {
        let in_flight = self.shared.health.lock().map(|h| h.in_flight.len()).unwrap_or(0);
        walkers::Stats { in_progress: self.queued() + in_flight }
    }
}

impl Drop for TileLayer {
    fn drop(&mut self) {
        // Workers finish the request in hand (bounded by the request timeout) and exit; the
        // UI does not wait for them.
        self.shared.closed.store(true, Ordering::Release);
        if let Ok(mut q) = self.shared.queue.lock() {
            q.closed = true;
            q.waiting.clear();
        }
        self.shared.wake.notify_all();
    }
}

fn worker(shared: &Shared, tx: &Sender<Done>, source: &TileSourceKind, ctx: &egui::Context) {
    loop {
        let tile = {
            let Ok(mut q) = shared.queue.lock() else { return };
            loop {
                if q.closed {
                    return;
                }
                if let Some(t) = q.waiting.pop_back() {
                    break t;
                }
                q = match shared.wake.wait_timeout(q, Duration::from_millis(500)) {
                    Ok((q, _)) => q,
                    Err(_) => return,
                };
            }
        };
        if let Ok(mut h) = shared.health.lock() {
            h.in_flight.push((tile, Instant::now()));
        }
        let result = source.fetch(tile).and_then(|f| decode(&f.bytes).map(|img| (img, f)));
        if shared.closed.load(Ordering::Acquire) {
            return;
        }
        let result = match result {
            Ok((image, fetched)) => {
                if fetched.origin == Origin::Network {
                    source.remember(tile, &fetched.bytes);
                }
                if let Ok(mut h) = shared.health.lock() {
                    match fetched.degraded {
                        // Shown, but the server is still failing: say so.
                        Some(f) => {
                            h.from_cache += 1;
                            h.failed(f);
                        }
                        None => h.delivered(fetched.origin),
                    }
                }
                Ok(image)
            }
            Err(f) => {
                if let Ok(mut h) = shared.health.lock() {
                    h.failed(f.clone());
                }
                Err(f)
            }
        };
        if let Ok(mut h) = shared.health.lock() {
            h.in_flight.retain(|(t, _)| *t != tile);
        }
        if tx.send(Done { tile, result }).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

/// Where a basemap's tiles come from, without the app's workers and textures: for anything
/// that fetches tiles itself (print layouts).
pub struct TileSources {
    /// Each layer's source and zoom range (min, max), bottom first; or why there are none.
    pub layers: Result<Vec<(TileSourceKind, u8, u8)>, TileFailure>,
    /// What the map must credit.
    pub credit: Option<Credit>,
}

impl TileSources {
    /// The sources of a basemap (None for no basemap). Opening a PMTiles file reads its header
    /// and root directory (16 KB).
    pub fn open(basemap: &Basemap, env: &BasemapEnv) -> Option<Self> {
        let mut credit = basemap.credit();
        let layers = match basemap {
            Basemap::None => return None,
            Basemap::PmTiles(path) => match PmTilesArchive::open(path) {
                Ok(archive) => {
                    if let Some(a) = archive.attribution() {
                        credit = Some(Credit { text: a, url: String::new() });
                    }
                    let h = archive.header().clone();
                    Ok(vec![(TileSourceKind::PmTiles(Arc::new(archive)), h.min_zoom, h.max_zoom)])
                }
                Err(e) => Err(TileFailure::Local(e.to_string())),
            },
            Basemap::Folder(root) => match folder_zoom_range(root) {
                Some((min, max)) => {
                    if let Some(a) = folder_attribution(root) {
                        credit = Some(Credit { text: a, url: String::new() });
                    }
                    Ok(vec![(TileSourceKind::Folder(root.clone()), min, max)])
                }
                None => Err(TileFailure::Local(format!("{}: no z/x/y tile folders found", root.display()))),
            },
            _ => {
                let key = env.tianditu_key.as_deref().filter(|k| !k.trim().is_empty());
                if basemap.needs_tianditu_key() && key.is_none() {
                    Err(TileFailure::MissingKey)
                } else {
                    let cache = env.cache_root.as_ref().map(|r| DiskCache::new(r, "", env.cache_limit_bytes.clone()));
                    Ok(basemap
                        .http_sources(key)
                        .into_iter()
                        .enumerate()
                        .map(|(i, source)| {
                            let cache = cache.as_ref().map(|c| c.sibling(&format!("{}-{i}", basemap.key())));
                            let max = source.max_zoom;
                            (TileSourceKind::Http { source, cache }, 0, max)
                        })
                        .collect())
                }
            }
        };
        Some(Self { layers, credit })
    }
}

/// The active basemap's tile layers, bottom first, and its credit.
pub struct ActiveBasemap {
    /// The layers, bottom first.
    pub layers: Vec<TileLayer>,
    /// What the map must credit.
    pub credit: Option<Credit>,
    /// The basemap.
    pub basemap: Basemap,
}

impl ActiveBasemap {
    /// Build the layers of a basemap (None for no basemap). Opening a PMTiles file reads its
    /// header and root directory (16 KB) here; all tile work happens on worker threads.
    pub fn open(basemap: &Basemap, env: &BasemapEnv, ctx: &egui::Context) -> Option<Self> {
        let sources = TileSources::open(basemap, env)?;
        let layers = match sources.layers {
            Ok(list) => list.into_iter().map(|(source, min, max)| TileLayer::new(source, min, max, ctx)).collect(),
            Err(failure) => vec![TileLayer::failed(failure, ctx)],
        };
        Some(Self { layers, credit: sources.credit, basemap: basemap.clone() })
    }

    /// The basemap status for the status bar.
    pub fn status(&self) -> TileStatus {
        let healths: Vec<(LayerHealth, usize)> = self.layers.iter().map(|l| (l.health(), l.queued())).collect();
        super::health::status(healths.iter().map(|(h, q)| (h, *q)))
    }
}

/// The credit in a tile folder's `metadata.json` (as written by gdal2tiles, mb-util), if any.
fn folder_attribution(root: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("metadata.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("attribution").and_then(|a| a.as_str()).map(str::to_owned).filter(|a| !a.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_cover_the_right_quarter() {
        let t = TileId { x: 5, y: 2, zoom: 3 };
        let (p, uv) = ancestor(t, 2);
        assert_eq!(p, TileId { x: 2, y: 1, zoom: 2 });
        assert_eq!(uv, Rect::from_min_max(pos2(0.5, 0.0), pos2(1.0, 0.5)));
        assert_eq!(ancestor(t, 3), (t, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0))));
    }

    #[test]
    fn folder_tiles_arrive_without_blocking() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("3").join("5");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        image::RgbaImage::from_pixel(256, 256, image::Rgba([10, 200, 30, 255]))
            .save(dir.join("2.png"))
            .unwrap_or_else(|e| panic!("{e}"));
        let ctx = egui::Context::default();
        let basemap = Basemap::Folder(tmp.path().to_owned());
        let Some(mut active) = ActiveBasemap::open(&basemap, &BasemapEnv::default(), &ctx) else { panic!("no layers") };
        let layer = &mut active.layers[0];
        let t = TileId { x: 5, y: 2, zoom: 3 };
        assert!(layer.at(t).is_none(), "the first call only queues");
        let deadline = Instant::now() + Duration::from_secs(10);
        while layer.at(t).is_none() {
            assert!(Instant::now() < deadline, "the tile never arrived");
            std::thread::sleep(Duration::from_millis(10));
        }
        // Zoomed in beyond the folder's zoom 3: a quarter of the zoom-3 tile.
        let piece = layer.at(TileId { x: 11, y: 5, zoom: 4 }).unwrap_or_else(|| panic!("no over-zoomed piece"));
        assert_eq!(piece.uv, Rect::from_min_max(pos2(0.5, 0.5), pos2(1.0, 1.0)));
        // A missing tile is reported as not found.
        let missing = TileId { x: 0, y: 0, zoom: 3 };
        layer.at(missing);
        while layer.health().failures == 0 {
            assert!(Instant::now() < deadline, "the missing tile was never reported");
            std::thread::sleep(Duration::from_millis(10));
            layer.at(missing);
        }
        assert_eq!(layer.health().last_failure.map(|f| f.1), Some(TileFailure::NotFound));
    }
}
