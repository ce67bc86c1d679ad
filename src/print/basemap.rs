//! The basemap under a printed map: the tiles covering the map frame, fetched through the app's
//! own sources (tile folders, PMTiles, servers through the disk cache) and stitched into one
//! image per tile layer.
//!
//! The tile zoom is the one at which a tile pixel is as big on paper as a screen pixel (1/96
//! inch, grown with the paper like the rest of the map), so the basemap's labels read at the
//! size their makers drew them, not shrunk to a quarter at 300 dpi.

use std::sync::{Arc, Mutex};

use walkers::TileId;

use super::compose::{Frame, MM_PER_SCREEN_PT};
use super::plan::ImageItem;
use crate::basemap::{Basemap, BasemapEnv, TileSources};

/// Most tiles one print fetches per tile layer; beyond it the zoom is lowered.
pub const MAX_TILES: usize = 1024;

/// What came of fetching the basemap.
#[derive(Debug, Default)]
pub struct BasemapOutcome {
    /// One image per tile layer, bottom first.
    pub images: Vec<ImageItem>,
    /// Tiles asked for and tiles that did not come.
    pub asked: usize,
    /// Tiles missing (not on the server or in the folder, or failed).
    pub missing: usize,
    /// The tile zoom used.
    pub zoom: u8,
    /// The first failure, to report.
    pub failure: Option<String>,
    /// The credit the basemap asks for.
    pub credit: Option<String>,
}

/// Fetch and stitch the basemap for a frame. `content_scale` is the page's
/// (`PageSetup::content_scale`).
pub fn basemap_images(basemap: &Basemap, env: &BasemapEnv, frame: &Frame, content_scale: f32) -> BasemapOutcome {
    let mut out = BasemapOutcome::default();
    let Some(sources) = TileSources::open(basemap, env) else { return out };
    out.credit = sources.credit.map(|c| c.text);
    let layers = match sources.layers {
        Ok(l) => l,
        Err(f) => {
            out.failure = Some(f.detail_zh());
            return out;
        }
    };
    let [x, y, w, h] = frame.rect_mm;
    let a = frame.mm_to_norm([x, y]);
    let b = frame.mm_to_norm([x + w, y + h]);
    let world_mm = 1.0 / frame.norm_per_mm;
    let world_px = world_mm / (MM_PER_SCREEN_PT * content_scale) as f64;
    let ideal = (world_px / 256.0).log2().round();
    for (source, min_zoom, max_zoom) in layers {
        let mut z = (ideal.max(0.0) as u8).clamp(min_zoom, max_zoom.max(min_zoom));
        let range = |z: u8| {
            let n = (1u64 << z) as f64;
            let x0 = (a[0] * n).floor().max(0.0) as u32;
            let y0 = (a[1] * n).floor().max(0.0) as u32;
            let x1 = ((b[0] * n).ceil() as u32).min(n as u32).max(x0 + 1);
            let y1 = ((b[1] * n).ceil() as u32).min(n as u32).max(y0 + 1);
            (x0, y0, x1, y1)
        };
        while z > min_zoom && {
            let (x0, y0, x1, y1) = range(z);
            ((x1 - x0) * (y1 - y0)) as usize > MAX_TILES
        } {
            z -= 1;
        }
        out.zoom = z;
        let (x0, y0, x1, y1) = range(z);
        let tiles: Vec<TileId> =
            (y0..y1).flat_map(|ty| (x0..x1).map(move |tx| TileId { x: tx, y: ty, zoom: z })).collect();
        out.asked += tiles.len();
        let (cols, rows) = (x1 - x0, y1 - y0);
        let mut mosaic = image::RgbaImage::new(cols * 256, rows * 256);
        let queue = Mutex::new(tiles);
        let done = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..source.parallelism().max(2) {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().ok().and_then(|mut q| q.pop());
                        let Some(tile) = next else { break };
                        let result = source.fetch(tile).map_err(|f| f.detail_zh()).and_then(|fetched| {
                            source.remember(tile, &fetched.bytes);
                            image::load_from_memory(&fetched.bytes).map(|i| i.to_rgba8()).map_err(|e| e.to_string())
                        });
                        if let Ok(mut d) = done.lock() {
                            d.push((tile, result));
                        }
                    }
                });
            }
        });
        for (tile, result) in done.into_inner().unwrap_or_default() {
            match result {
                Ok(img) => {
                    let img = if img.dimensions() == (256, 256) {
                        img
                    } else {
                        image::imageops::resize(&img, 256, 256, image::imageops::FilterType::Triangle)
                    };
                    image::imageops::replace(
                        &mut mosaic,
                        &img,
                        ((tile.x - x0) * 256) as i64,
                        ((tile.y - y0) * 256) as i64,
                    );
                }
                Err(e) => {
                    out.missing += 1;
                    out.failure.get_or_insert(e);
                }
            }
        }
        let n = (1u64 << z) as f64;
        let top_left = frame.norm_to_mm([x0 as f64 / n, y0 as f64 / n]);
        let bottom_right = frame.norm_to_mm([x1 as f64 / n, y1 as f64 / n]);
        out.images.push(ImageItem {
            size_px: [mosaic.width(), mosaic.height()],
            rgba: Arc::new(mosaic.into_raw()),
            rect_mm: [top_left[0], top_left[1], bottom_right[0] - top_left[0], bottom_right[1] - top_left[1]],
        });
    }
    out
}
