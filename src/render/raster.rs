//! Big layers drawn as raster tiles, like a basemap: a frame costs O(visible tiles), not O(features).
//!
//! A layer with [`RASTER_MIN_FEATURES`] features or more is rasterized with tiny-skia into 256-point
//! tiles per integer zoom, on background worker threads. Finished tiles become egui textures kept
//! in a memory-bounded LRU, one per layer cache (so a reload or a projection change, which rebuilds
//! the cache, starts afresh); the key also holds the style's hash and the pixel density. While the
//! exact tiles are rendering, the frame shows the nearest cached zoom scaled, then swaps them in.
//! Small layers keep the vector path, which stays crisp at any zoom.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};

use egui::{Color32, ColorImage, Painter, Rect, TextureHandle, TextureOptions, pos2};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Transform};

use super::paint::{OUTLINE_MIN_PX, SMALL_FEATURE_PX};
use super::{FeatureShape, MapView};
use crate::model::{Layer, Rgba, Style};

/// Layers with at least this many features are drawn from raster tiles.
pub const RASTER_MIN_FEATURES: usize = 20_000;
/// A tile's side in screen points at its own zoom (the web-map convention).
pub const TILE_SIZE_PT: f64 = 256.0;
/// Texture memory one layer's tiles may hold. A 1600×1000 view needs about 48 tiles (12 MiB at one
/// pixel per point); this keeps a few zoom levels of history for quick back-and-forth.
pub const TILE_BUDGET_BYTES: usize = 96 << 20;
/// Deepest tile zoom; beyond it tiles are scaled up (buildings are then hundreds of points wide).
const MAX_TILE_ZOOM: u8 = 22;
/// How many zoom levels up a missing tile looks for a stand-in to scale.
const FALLBACK_LEVELS: u8 = 5;

/// A tile of the Web Mercator pyramid (x right, y down, in the normalized 0–1 square).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileId {
    /// Zoom: the world is 2^z tiles wide.
    pub z: u8,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
}

impl TileId {
    /// The tile's box in normalized coordinates: min x, min y, max x, max y.
    pub fn bounds_norm(&self) -> [f64; 4] {
        let n = (1u64 << self.z) as f64;
        [self.x as f64 / n, self.y as f64 / n, (self.x + 1) as f64 / n, (self.y + 1) as f64 / n]
    }

    /// The tile `levels` zooms up that contains this one, and where this one sits in it (uv rect).
    pub fn ancestor(&self, levels: u8) -> Option<(TileId, Rect)> {
        if levels == 0 || levels > self.z {
            return None;
        }
        let parent = TileId { z: self.z - levels, x: self.x >> levels, y: self.y >> levels };
        let span = (1u32 << levels) as f32;
        let (u, v) = ((self.x - (parent.x << levels)) as f32 / span, (self.y - (parent.y << levels)) as f32 / span);
        Some((parent, Rect::from_min_max(pos2(u, v), pos2(u + 1.0 / span, v + 1.0 / span))))
    }

    /// The four tiles one zoom down.
    pub fn children(&self) -> [TileId; 4] {
        let (z, x, y) = (self.z + 1, self.x * 2, self.y * 2);
        [TileId { z, x, y }, TileId { z, x: x + 1, y }, TileId { z, x, y: y + 1 }, TileId { z, x: x + 1, y: y + 1 }]
    }

    /// Where the tile lands on screen.
    pub fn screen_rect(&self, view: &MapView) -> Rect {
        let b = self.bounds_norm();
        Rect::from_min_max(view.to_screen([b[0], b[1]]), view.to_screen([b[2], b[3]]))
    }
}

/// The tile zoom drawn for a view zoom: the nearest integer, so tiles are scaled by 0.71–1.41.
pub fn tile_zoom(view_zoom: f64) -> u8 {
    if view_zoom.is_finite() { view_zoom.round().clamp(0.0, MAX_TILE_ZOOM as f64) as u8 } else { 0 }
}

/// The tiles of zoom `z` that cover the view, nearest the centre first (they are rendered first).
pub fn tiles_for_view(view: &MapView, z: u8) -> Vec<TileId> {
    let n = 1u64 << z;
    let w = view.world_px();
    let (half_w, half_h) = (view.rect.width() as f64 / 2.0 / w, view.rect.height() as f64 / 2.0 / w);
    let (cx, cy) = (view.center_norm.x, view.center_norm.y);
    let to_tile = |v: f64| (v * n as f64).floor().clamp(0.0, (n - 1) as f64) as u32;
    let (x0, x1) = (to_tile(cx - half_w), to_tile(cx + half_w));
    let (y0, y1) = (to_tile(cy - half_h), to_tile(cy + half_h));
    let mut tiles: Vec<TileId> = (y0..=y1).flat_map(|y| (x0..=x1).map(move |x| TileId { z, x, y })).collect();
    let dist = |t: &TileId| {
        let b = t.bounds_norm();
        ((b[0] + b[2]) / 2.0 - cx).powi(2) + ((b[1] + b[3]) / 2.0 - cy).powi(2)
    };
    tiles.sort_by(|a, b| dist(a).total_cmp(&dist(b)));
    tiles
}

/// What identifies a rendered tile within one layer cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// Hash of the style it was drawn with.
    pub style_hash: u64,
    /// Its side in pixels (256 × pixels per point).
    pub side_px: u32,
    /// The tile.
    pub tile: TileId,
}

/// A least-recently-used store bounded by bytes. Entries used in the current frame are never
/// evicted, so a view larger than the budget still shows whole.
pub struct TileLru<K, V> {
    entries: HashMap<K, (V, usize, u64)>,
    bytes: usize,
    budget_bytes: usize,
}

impl<K: Eq + Hash + Copy, V> TileLru<K, V> {
    /// An empty store holding at most `budget_bytes` (beyond what the current frame uses).
    pub fn new(budget_bytes: usize) -> Self {
        Self { entries: HashMap::new(), bytes: 0, budget_bytes }
    }

    /// The value for `key`, marking it used at `frame`.
    pub fn get(&mut self, key: &K, frame: u64) -> Option<&V> {
        self.entries.get_mut(key).map(|e| {
            e.2 = frame;
            &e.0
        })
    }

    /// Whether `key` is present, without touching its age.
    pub fn contains(&self, key: &K) -> bool {
        self.entries.contains_key(key)
    }

    /// Store `value` of `bytes` bytes, then evict the oldest entries not used at `frame` until the
    /// store fits its budget.
    pub fn insert(&mut self, key: K, value: V, bytes: usize, frame: u64) {
        if let Some(old) = self.entries.insert(key, (value, bytes, frame)) {
            self.bytes -= old.1;
        }
        self.bytes += bytes;
        while self.bytes > self.budget_bytes {
            let Some(oldest) =
                self.entries.iter().filter(|(_, e)| e.2 < frame).min_by_key(|(_, e)| e.2).map(|(k, _)| *k)
            else {
                break;
            };
            if let Some(e) = self.entries.remove(&oldest) {
                self.bytes -= e.1;
            }
        }
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drop everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// The geometry workers draw from, shared read-only with them.
pub struct RasterSource {
    shapes: Arc<Vec<FeatureShape>>,
    /// Feature extents in normalized coordinates, for the features of one tile.
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    /// Features with a label anchor, biggest first, with their label rank (see [`label_rank`]).
    label_order: Vec<(f64, u32)>,
}

impl RasterSource {
    /// Index the shapes of one layer.
    pub fn new(shapes: Arc<Vec<FeatureShape>>) -> Self {
        let entries = shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| s.extent[0] <= s.extent[2])
            .map(|(i, s)| {
                GeomWithData::new(
                    Rectangle::from_corners([s.extent[0], s.extent[1]], [s.extent[2], s.extent[3]]),
                    i as u32,
                )
            })
            .collect();
        let mut label_order: Vec<(f64, u32)> = shapes
            .iter()
            .enumerate()
            .filter(|(_, s)| s.label_anchor.is_some())
            .map(|(i, s)| (label_rank(s), i as u32))
            .collect();
        label_order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Self { shapes, tree: RTree::bulk_load(entries), label_order }
    }

    /// Features whose normalized extent meets `bbox`.
    pub fn query(&self, bbox: [f64; 4]) -> impl Iterator<Item = usize> + '_ {
        let env = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        self.tree.locate_in_envelope_intersecting(&env).map(|e| e.data as usize)
    }

    /// Label candidates biggest first, with their rank.
    pub fn label_order(&self) -> &[(f64, u32)] {
        &self.label_order
    }
}

/// How big a feature is for labelling, in normalized units squared: its box area, or for lines a
/// ninth of the squared length (a 120-point line counts like a 40×40-point area), points always win.
/// A feature is labelled at a zoom when rank × world_px² ≥ 1600.
pub fn label_rank(s: &FeatureShape) -> f64 {
    if !s.points.is_empty() {
        return f64::INFINITY;
    }
    let (w, h) = (s.extent[2] - s.extent[0], s.extent[3] - s.extent[1]);
    let area = (w * h).max(0.0);
    if s.polygons.is_empty() { area.max(w.max(h).powi(2) / 9.0) } else { area }
}

/// The colours and widths a tile is drawn with: the layer style resolved per feature.
pub struct TileStyle {
    fill: Color32,
    stroke: Color32,
    stroke_width_pt: f32,
    point_radius_pt: f32,
    dashed: bool,
    /// Classified colour per feature (empty for a single-colour style).
    classes: Vec<Option<Rgba>>,
    opacity: f32,
    hash: u64,
}

impl TileStyle {
    /// Resolve `layer`'s style (classification colours are looked up once here, not per tile).
    pub fn new(layer: &Layer) -> Self {
        let style = &layer.style;
        let classes = match style.classification {
            crate::model::Classification::Single => Vec::new(),
            _ => layer.features.iter().map(|f| style.classification.color_for(f)).collect(),
        };
        Self {
            fill: super::to_color32(style.fill, style.opacity),
            stroke: super::to_color32(style.stroke, style.opacity),
            stroke_width_pt: style.stroke_width_pt,
            point_radius_pt: style.point_radius_pt,
            dashed: style.dashed,
            classes,
            opacity: style.opacity,
            hash: style_hash(style),
        }
    }
}

/// A hash of everything in a style that changes pixels of a tile.
pub fn style_hash(style: &Style) -> u64 {
    let mut h = DefaultHasher::new();
    style.fill.0.hash(&mut h);
    style.stroke.0.hash(&mut h);
    style.stroke_width_pt.to_bits().hash(&mut h);
    style.point_radius_pt.to_bits().hash(&mut h);
    style.opacity.to_bits().hash(&mut h);
    style.dashed.hash(&mut h);
    // The classification holds floats and strings: its debug text is a faithful, cheap fingerprint.
    format!("{:?}", style.classification).hash(&mut h);
    h.finish()
}

fn skia_color(c: Color32) -> tiny_skia::Color {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    tiny_skia::Color::from_rgba8(r, g, b, a)
}

fn paint_of(c: Color32) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(skia_color(c));
    p.anti_alias = true;
    p
}

fn stroke_of(width_px: f32, dash_px: Option<[f32; 2]>) -> tiny_skia::Stroke {
    tiny_skia::Stroke {
        width: width_px.max(0.1),
        line_cap: LineCap::Butt,
        line_join: LineJoin::Miter,
        dash: dash_px.and_then(|[on, off]| tiny_skia::StrokeDash::new(vec![on, off], 0.0)),
        ..Default::default()
    }
}

/// Paths of one colour gathered over a tile and drawn in one call: tiny-skia's cost is mostly per
/// call, so thousands of buildings filled as one path draw several times faster.
struct Batch {
    color: Color32,
    path: PathBuilder,
}

fn batch_for(batches: &mut Vec<Batch>, color: Color32) -> &mut PathBuilder {
    let k = match batches.iter().position(|b| b.color == color) {
        Some(k) => k,
        None => {
            batches.push(Batch { color, path: PathBuilder::new() });
            batches.len() - 1
        }
    };
    &mut batches[k].path
}

fn add_polyline(pb: &mut PathBuilder, pts: &[[f64; 2]], to_px: &impl Fn([f64; 2]) -> (f64, f64), close: bool) {
    for (k, p) in pts.iter().enumerate() {
        let (x, y) = to_px(*p);
        if k == 0 { pb.move_to(x as f32, y as f32) } else { pb.line_to(x as f32, y as f32) }
    }
    if close {
        pb.close();
    }
}

fn fill_batches(pixmap: &mut Pixmap, batches: Vec<Batch>) {
    for b in batches {
        if let Some(path) = b.path.finish() {
            pixmap.fill_path(&path, &paint_of(b.color), FillRule::Winding, Transform::identity(), None);
        }
    }
}

fn stroke_batches(pixmap: &mut Pixmap, batches: Vec<Batch>, stroke: &tiny_skia::Stroke) {
    for b in batches {
        if let Some(path) = b.path.finish() {
            pixmap.stroke_path(&path, &paint_of(b.color), stroke, Transform::identity(), None);
        }
    }
}

/// Small squares (features under a few points) blended straight into the pixels with their exact
/// coverage: zoomed out, a tile holds up to the whole layer as dots, and a general path fill
/// costs a microsecond each where this costs a few pixel writes.
fn blend_dots(pixmap: &mut Pixmap, dots: &[[f64; 4]], color: Color32) {
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let data = pixmap.data_mut();
    // Premultiplied source, as egui's Color32 and tiny-skia's pixels both are.
    let src = [color.r() as f32, color.g() as f32, color.b() as f32, color.a() as f32];
    for d in dots {
        let (x0, y0) = (d[0].max(0.0), d[1].max(0.0));
        let (x1, y1) = (d[2].min(w as f64), d[3].min(h as f64));
        if x0 >= x1 || y0 >= y1 {
            continue;
        }
        for py in y0.floor() as usize..(y1.ceil() as usize).min(h) {
            let cov_y = (y1.min(py as f64 + 1.0) - y0.max(py as f64)).clamp(0.0, 1.0);
            for px in x0.floor() as usize..(x1.ceil() as usize).min(w) {
                let cov = (cov_y * (x1.min(px as f64 + 1.0) - x0.max(px as f64)).clamp(0.0, 1.0)) as f32;
                let k = (py * w + px) * 4;
                let Some(dst) = data.get_mut(k..k + 4) else { continue };
                let keep = 1.0 - src[3] / 255.0 * cov;
                for c in 0..4 {
                    dst[c] = (src[c] * cov + dst[c] as f32 * keep).round().clamp(0.0, 255.0) as u8;
                }
            }
        }
    }
}

/// Draw one tile with the vector path's rules (dots for tiny features, outlines only on features
/// big enough to show them). Within the tile, all fills go first, then outlines, lines and symbols:
/// an outline is never hidden under a neighbour's fill.
pub fn render_tile(source: &RasterSource, style: &TileStyle, key: TileKey) -> Option<ColorImage> {
    // ---- The tile's frame ----
    let side = key.side_px.max(1);
    let mut pixmap = Pixmap::new(side, side)?;
    let ppp = side as f64 / TILE_SIZE_PT;
    let ppp32 = ppp as f32;
    let n = (1u64 << key.tile.z) as f64;
    // Points per normalized unit at this zoom.
    let world_pt = n * TILE_SIZE_PT;
    let (ox, oy) = (key.tile.x as f64, key.tile.y as f64);
    let to_px = |p: [f64; 2]| ((p[0] * n - ox) * TILE_SIZE_PT * ppp, (p[1] * n - oy) * TILE_SIZE_PT * ppp);
    let point_radius_pt = style.point_radius_pt * ((key.tile.z as f32 - 10.0) / 4.0).clamp(0.45, 1.0);
    // Features just outside still reach in with their strokes and symbols.
    let margin = (style.stroke_width_pt.max(point_radius_pt) as f64 + 4.0) / world_pt;
    let b = key.tile.bounds_norm();
    let mut ids: Vec<usize> = source.query([b[0] - margin, b[1] - margin, b[2] + margin, b[3] + margin]).collect();
    ids.sort_unstable();
    // ---- Batches ----
    let mut fills: Vec<Batch> = Vec::new();
    let mut outlines: Vec<Batch> = Vec::new();
    let mut dots: Vec<[f64; 4]> = Vec::new();
    let mut casings = PathBuilder::new();
    let mut lines: Vec<Batch> = Vec::new();
    let mut points: Vec<([f64; 2], Color32)> = Vec::new();
    let outline_width_px = style.stroke_width_pt * ppp32;
    let draw_outlines = outline_width_px > 0.0 && style.stroke.a() > 0;
    // ---- Each feature into its batch ----
    for i in ids {
        let Some(shape) = source.shapes.get(i) else { continue };
        let size_pt = (shape.extent[2] - shape.extent[0]).max(shape.extent[3] - shape.extent[1]) * world_pt;
        if size_pt < SMALL_FEATURE_PX && shape.points.is_empty() {
            let (cx, cy) =
                to_px([(shape.extent[0] + shape.extent[2]) / 2.0, (shape.extent[1] + shape.extent[3]) / 2.0]);
            let half = (size_pt / 2.0).max(0.6) * ppp;
            dots.push([cx - half, cy - half, cx + half, cy + half]);
            continue;
        }
        let class = style.classes.get(i).copied().flatten();
        let fill = class.map(|c| super::to_color32(c.faded(0.55), style.opacity)).unwrap_or(style.fill);
        let line_color = class
            .filter(|_| shape.polygons.is_empty())
            .map(|c| super::to_color32(c, style.opacity))
            .unwrap_or(style.stroke);
        for poly in &shape.polygons {
            if fill.a() > 0 {
                if poly.rings.len() > 1 {
                    // Holes need the even-odd rule, which a shared path cannot use: overlapping
                    // neighbours would cancel out. Such polygons are rare; draw them alone.
                    let mut pb = PathBuilder::new();
                    for ring in &poly.rings {
                        add_polyline(&mut pb, ring, &to_px, true);
                    }
                    if let Some(path) = pb.finish() {
                        pixmap.fill_path(&path, &paint_of(fill), FillRule::EvenOdd, Transform::identity(), None);
                    }
                } else if let Some(ring) = poly.rings.first() {
                    add_polyline(batch_for(&mut fills, fill), ring, &to_px, true);
                }
            }
            if size_pt >= OUTLINE_MIN_PX && draw_outlines {
                let pb = batch_for(&mut outlines, style.stroke);
                for ring in &poly.rings {
                    add_polyline(pb, ring, &to_px, true);
                }
            }
        }
        for line in &shape.lines {
            add_polyline(&mut casings, line, &to_px, false);
            add_polyline(batch_for(&mut lines, line_color), line, &to_px, false);
        }
        points.extend(shape.points.iter().map(|p| (*p, line_color)));
    }
    // ---- Draw the batches, bottom first ----
    fill_batches(&mut pixmap, fills);
    blend_dots(&mut pixmap, &dots, style.stroke);
    let dash = style.dashed.then_some([10.0 * ppp32, 6.0 * ppp32]);
    // Outlines up to two pixels wide are drawn as one-pixel hairlines: tiny-skia draws those
    // directly instead of stroking to a polygon and filling it, which halves a dense tile's time.
    let outline = if outline_width_px <= 2.0 {
        tiny_skia::Stroke { width: 0.0, ..stroke_of(outline_width_px, dash) }
    } else {
        stroke_of(outline_width_px, dash)
    };
    stroke_batches(&mut pixmap, outlines, &outline);
    if style.dashed {
        // A railway reads as a dark line with white dashes, on any basemap.
        stroke_batches(&mut pixmap, lines, &stroke_of(outline_width_px + ppp32, None));
        if let Some(path) = casings.finish() {
            let dashes = stroke_of((outline_width_px - ppp32).max(ppp32), Some([8.0 * ppp32, 8.0 * ppp32]));
            pixmap.stroke_path(&path, &paint_of(Color32::WHITE), &dashes, Transform::identity(), None);
        }
    } else {
        // A light casing under the lines keeps them visible on dark imagery.
        if let Some(path) = casings.finish() {
            let casing = stroke_of(outline_width_px + 1.5 * ppp32, None);
            pixmap.stroke_path(&path, &paint_of(Color32::from_white_alpha(150)), &casing, Transform::identity(), None);
        }
        stroke_batches(&mut pixmap, lines, &stroke_of(outline_width_px, None));
    }
    let white = paint_of(Color32::WHITE);
    let ring = stroke_of(if point_radius_pt > 2.5 { 1.2 } else { 0.6 } * ppp32, None);
    for (p, color) in points {
        let (x, y) = to_px(p);
        if let Some(circle) = PathBuilder::from_circle(x as f32, y as f32, point_radius_pt * ppp32) {
            pixmap.fill_path(&circle, &paint_of(color), FillRule::Winding, Transform::identity(), None);
            pixmap.stroke_path(&circle, &white, &ring, Transform::identity(), None);
        }
    }
    Some(ColorImage::from_rgba_premultiplied([side as usize, side as usize], pixmap.data()))
}

// ---------------------------------------------------------------------------------------------
// Worker pool: one queue for all layers, nearest tiles first.

struct Job {
    layer_id: u64,
    key: TileKey,
    source: Arc<RasterSource>,
    style: Arc<TileStyle>,
    sink: Weak<Shared>,
}

struct Pool {
    queue: Mutex<VecDeque<Job>>,
    wake: Condvar,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<&'static Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let pool: &'static Pool =
            Box::leak(Box::new(Pool { queue: Mutex::new(VecDeque::new()), wake: Condvar::new() }));
        // One core stays with the UI thread so panning stays smooth while tiles render.
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).saturating_sub(1).clamp(1, 4);
        for k in 0..workers {
            let spawned = std::thread::Builder::new().name(format!("kuiwen-tiles-{k}")).spawn(move || worker(pool));
            if let Err(e) = spawned {
                log::error!("could not start a tile worker: {e}");
            }
        }
        pool
    })
}

fn worker(pool: &'static Pool) {
    loop {
        let job = {
            let Ok(mut q) = pool.queue.lock() else { return };
            loop {
                if let Some(j) = q.pop_front() {
                    break j;
                }
                q = match pool.wake.wait(q) {
                    Ok(q) => q,
                    Err(_) => return,
                };
            }
        };
        // A layer closed or rebuilt meanwhile: nobody wants the tile.
        let Some(sink) = job.sink.upgrade() else { continue };
        let image = render_tile(&job.source, &job.style, job.key);
        if let Ok(mut done) = sink.done.lock() {
            done.push((job.key, image));
        }
        if let Ok(ctx) = sink.ctx.lock()
            && let Some(ctx) = ctx.as_ref()
        {
            ctx.request_repaint();
        }
    }
}

/// What workers hand back to one layer.
struct Shared {
    done: Mutex<Vec<(TileKey, Option<ColorImage>)>>,
    ctx: Mutex<Option<egui::Context>>,
}

struct State {
    ctx: Option<egui::Context>,
    style: Option<(Style, Arc<TileStyle>)>,
    tiles: TileLru<TileKey, TextureHandle>,
    in_flight: HashSet<TileKey>,
    frame: u64,
    /// Whether the last frame lacked tiles of its exact zoom.
    pending: bool,
}

/// The raster side of one layer cache: its source, its tiles and its requests.
pub struct LayerRaster {
    id: u64,
    source: Arc<RasterSource>,
    shared: Arc<Shared>,
    state: Mutex<State>,
}

impl std::fmt::Debug for LayerRaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LayerRaster({})", self.id)
    }
}

/// What one raster paint did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RasterStats {
    /// Tiles of the view's zoom.
    pub tiles: usize,
    /// Of those, drawn from the cache.
    pub ready: usize,
}

impl LayerRaster {
    /// A raster store over `shapes` (builds the tile index).
    pub fn new(shapes: Arc<Vec<FeatureShape>>) -> Self {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Self {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            source: Arc::new(RasterSource::new(shapes)),
            shared: Arc::new(Shared { done: Mutex::new(Vec::new()), ctx: Mutex::new(None) }),
            state: Mutex::new(State {
                ctx: None,
                style: None,
                tiles: TileLru::new(TILE_BUDGET_BYTES),
                in_flight: HashSet::new(),
                frame: 0,
                pending: false,
            }),
        }
    }

    /// The indexed geometry (labels use its size order).
    pub fn source(&self) -> &RasterSource {
        &self.source
    }

    /// Whether raster work for the last painted view is still in flight: tiles of the view's own
    /// zoom missing, rendering, or rendered but not yet uploaded. An offscreen renderer paints
    /// frames until this is false to get the complete picture.
    pub fn pending(&self) -> bool {
        let waiting = self.shared.done.lock().map(|d| !d.is_empty()).unwrap_or(false);
        waiting || self.state.lock().map(|s| s.pending).unwrap_or(false)
    }

    /// Forget every tile (for benchmarks measuring a cold fill).
    pub fn clear_tiles(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.tiles.clear();
            s.in_flight.clear();
            s.pending = false;
        }
        if let Ok(mut d) = self.shared.done.lock() {
            d.clear();
        }
        if let Ok(mut q) = pool().queue.lock() {
            q.retain(|j| j.layer_id != self.id);
        }
    }

    /// Draw the layer's tiles for `view`, asking the workers for the missing ones.
    pub fn paint(&self, painter: &Painter, view: &MapView, layer: &Layer) -> RasterStats {
        let Ok(mut guard) = self.state.lock() else { return RasterStats::default() };
        let st = &mut *guard;
        let ctx = painter.ctx();
        // Textures belong to one egui context: painted by another one, start over.
        if st.ctx.as_ref() != Some(ctx) {
            st.tiles.clear();
            st.in_flight.clear();
            st.ctx = Some(ctx.clone());
            if let Ok(mut c) = self.shared.ctx.lock() {
                *c = Some(ctx.clone());
            }
        }
        st.frame += 1;
        let frame = st.frame;
        if st.style.as_ref().is_none_or(|(s, _)| *s != layer.style) {
            st.style = Some((layer.style.clone(), Arc::new(TileStyle::new(layer))));
        }
        let Some(style) = st.style.as_ref().map(|(_, t)| t.clone()) else { return RasterStats::default() };
        // Upload what the workers finished.
        let done = self.shared.done.lock().map(|mut d| std::mem::take(&mut *d)).unwrap_or_default();
        for (key, image) in done {
            st.in_flight.remove(&key);
            if let Some(image) = image {
                let bytes = image.pixels.len() * 4;
                let name = format!("layer-tile-{}-{}/{}/{}", self.id, key.tile.z, key.tile.x, key.tile.y);
                let texture = ctx.load_texture(name, image, TextureOptions::LINEAR);
                st.tiles.insert(key, texture, bytes, frame.saturating_sub(1));
            }
        }
        let side_px = (TILE_SIZE_PT as f32 * ctx.pixels_per_point()).round().clamp(64.0, 1024.0) as u32;
        let key_of = |tile| TileKey { style_hash: style.hash, side_px, tile };
        let z = tile_zoom(view.zoom);
        let wanted = tiles_for_view(view, z);
        let mut missing = Vec::new();
        let mut stats = RasterStats { tiles: wanted.len(), ready: 0 };
        for &tile in &wanted {
            let rect = tile.screen_rect(view);
            if let Some(t) = st.tiles.get(&key_of(tile), frame) {
                painter.image(t.id(), rect, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)), Color32::WHITE);
                stats.ready += 1;
                continue;
            }
            missing.push(key_of(tile));
            // Meanwhile the nearest zoom already drawn, scaled: first coarser tiles, then finer.
            let stand_in = (1..=FALLBACK_LEVELS).find_map(|d| {
                let (up, uv) = tile.ancestor(d)?;
                st.tiles.get(&key_of(up), frame).map(|t| (t.id(), uv))
            });
            if let Some((id, uv)) = stand_in {
                painter.image(id, rect, uv, Color32::WHITE);
            } else if z < MAX_TILE_ZOOM {
                for child in tile.children() {
                    if let Some(t) = st.tiles.get(&key_of(child), frame) {
                        let r = child.screen_rect(view);
                        painter.image(t.id(), r, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)), Color32::WHITE);
                    }
                }
            }
        }
        st.pending = !missing.is_empty();
        // Replace this layer's queued jobs by the current view's, nearest first.
        if let Ok(mut q) = pool().queue.lock() {
            let wanted_now: HashSet<TileKey> = missing.iter().copied().collect();
            q.retain(|j| {
                let keep = j.layer_id != self.id || wanted_now.contains(&j.key);
                if !keep {
                    st.in_flight.remove(&j.key);
                }
                keep
            });
            let mut added = false;
            for key in missing {
                if st.in_flight.insert(key) {
                    q.push_back(Job {
                        layer_id: self.id,
                        key,
                        source: self.source.clone(),
                        style: style.clone(),
                        sink: Arc::downgrade(&self.shared),
                    });
                    added = true;
                }
            }
            if added {
                pool().wake.notify_all();
            }
        }
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basemap::MapProjection;
    use crate::model::{Feature, LayerOrigin};
    use crate::render::LayerCache;
    use egui::vec2;
    use geo::polygon;

    #[test]
    fn tile_bounds_ancestors_and_children_nest() {
        let t = TileId { z: 14, x: 13_613, y: 6_310 };
        let (parent, uv) = t.ancestor(2).unwrap_or_else(|| panic!("no ancestor"));
        assert_eq!(parent, TileId { z: 12, x: 3_403, y: 1_577 });
        // 13_613 = 4 × 3_403 + 1 and 6_310 = 4 × 1_577 + 2: second column, third row of four.
        assert_eq!(uv, Rect::from_min_max(pos2(0.25, 0.5), pos2(0.5, 0.75)));
        let pb = parent.bounds_norm();
        let b = t.bounds_norm();
        assert!(pb[0] <= b[0] && pb[1] <= b[1] && pb[2] >= b[2] && pb[3] >= b[3]);
        for c in t.children() {
            let cb = c.bounds_norm();
            assert!(cb[0] >= b[0] && cb[2] <= b[2] && (cb[2] - cb[0] - (b[2] - b[0]) / 2.0).abs() < 1e-15);
        }
        assert!(t.ancestor(15).is_none() && t.ancestor(0).is_none());
        assert_eq!(tile_zoom(13.4), 13);
        assert_eq!(tile_zoom(13.6), 14);
        assert_eq!(tile_zoom(f64::NAN), 0);
        assert_eq!(tile_zoom(40.0), MAX_TILE_ZOOM);
    }

    #[test]
    fn view_tiles_cover_the_view_and_start_at_the_centre() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(1600.0, 1000.0));
        let view = MapView::new(rect, [119.14, 36.70], 16.0, MapProjection::WebMercator);
        let tiles = tiles_for_view(&view, 16);
        // 1600×1000 points at its own zoom: 7–8 columns by 4–5 rows of 256-point tiles.
        assert!((28..=45).contains(&tiles.len()), "{}", tiles.len());
        let union = tiles.iter().fold(Rect::NOTHING, |r, t| r.union(t.screen_rect(&view)));
        assert!(union.contains_rect(rect), "{union:?}");
        assert!(tiles[0].screen_rect(&view).contains(rect.center()));
        // A coarser zoom needs fewer tiles for the same view.
        assert!(tiles_for_view(&view, 14).len() < tiles.len());
    }

    #[test]
    fn lru_stays_within_budget_but_keeps_this_frames_tiles() {
        let mut lru = TileLru::new(3 * 100);
        for k in 0..3u32 {
            lru.insert(k, k, 100, k as u64);
        }
        assert_eq!((lru.len(), lru.bytes()), (3, 300));
        // Touch 0 so 1 is the oldest.
        assert!(lru.get(&0, 3).is_some());
        lru.insert(3, 3, 100, 4);
        assert!(!lru.contains(&1) && lru.contains(&0) && lru.contains(&3));
        assert!(lru.bytes() <= 300);
        // Everything used this frame stays, even over budget.
        for k in 10..15u32 {
            lru.insert(k, k, 100, 9);
        }
        assert_eq!(lru.len(), 5);
        assert_eq!(lru.bytes(), 500);
        lru.clear();
        assert!(lru.is_empty() && lru.bytes() == 0);
    }

    fn square_layer() -> Layer {
        let features = (0..3)
            .map(|i| {
                let x = 119.13 + i as f64 * 0.002;
                let p = polygon![(x: x, y: 36.70), (x: x + 0.001, y: 36.70), (x: x + 0.001, y: 36.701), (x: x, y: 36.701), (x: x, y: 36.70)];
                Feature::new(None, Some(p.into()), crate::model::Properties::new())
            })
            .collect();
        Layer::new("t", "t", "t", LayerOrigin::Generated, features, Style::default())
    }

    #[test]
    fn a_tile_has_pixels_where_features_are_and_none_elsewhere() {
        let layer = square_layer();
        let cache = LayerCache::build(&layer, MapProjection::WebMercator, 0);
        let source = RasterSource::new(cache.shapes.clone());
        let style = TileStyle::new(&layer);
        let z = 16;
        let n = (1u64 << z) as f64;
        let c = MapProjection::WebMercator.normalized(119.1305, 36.7005);
        let tile = TileId { z, x: (c[0] * n) as u32, y: (c[1] * n) as u32 };
        let key = TileKey { style_hash: style.hash, side_px: 256, tile };
        let image = render_tile(&source, &style, key).unwrap_or_else(|| panic!("no image"));
        // The pixel under the first square's centre is painted with the fill's colour.
        let px = (((c[0] * n) - tile.x as f64) * 256.0) as usize;
        let py = (((c[1] * n) - tile.y as f64) * 256.0) as usize;
        let p = image.pixels[py * 256 + px];
        assert!(p.a() > 0, "{p:?}");
        assert!(p.b() > p.r(), "blue fill expected: {p:?}");
        let painted = image.pixels.iter().filter(|p| p.a() > 0).count();
        assert!(painted > 100, "{painted}");
        // A tile far away is empty.
        let far = TileKey { tile: TileId { z, x: tile.x + 40, y: tile.y }, ..key };
        let empty = render_tile(&source, &style, far).unwrap_or_else(|| panic!("no image"));
        assert!(empty.pixels.iter().all(|p| p.a() == 0));
    }

    #[test]
    fn a_big_layer_fills_its_view_from_the_workers_and_then_is_no_longer_pending() {
        let features: Vec<Feature> = (0..RASTER_MIN_FEATURES)
            .map(|i| {
                let (x, y) = (119.10 + (i % 150) as f64 * 0.0004, 36.68 + (i / 150) as f64 * 0.0003);
                let p = polygon![(x: x, y: y), (x: x + 0.0002, y: y), (x: x + 0.0002, y: y + 0.0002), (x: x, y: y)];
                Feature::new(None, Some(p.into()), crate::model::Properties::new())
            })
            .collect();
        let layer = Layer::new("big", "big", "big", LayerOrigin::Generated, features, Style::default());
        let cache = LayerCache::build(&layer, MapProjection::WebMercator, 0);
        assert!(cache.raster.is_some() && !cache.pending());
        let ctx = egui::Context::default();
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0));
        let input = egui::RawInput { screen_rect: Some(rect), ..Default::default() };
        let view = MapView::new(rect, [119.13, 36.70], 15.0, MapProjection::WebMercator);
        let frame = || {
            let mut stats = crate::render::PaintStats::default();
            let _ = ctx.run_ui(input.clone(), |ui| {
                let mut labels = Vec::new();
                stats =
                    crate::render::paint_layer(ui.painter(), &view, &layer, &cache, Default::default(), &mut labels);
            });
            stats
        };
        let first = frame();
        assert!(first.tiles > 0 && first.tiles_ready < first.tiles && cache.pending());
        let started = std::time::Instant::now();
        let mut last = first;
        while cache.pending() {
            assert!(started.elapsed().as_secs() < 60, "tiles never arrived");
            std::thread::sleep(std::time::Duration::from_millis(5));
            last = frame();
        }
        assert_eq!(last.tiles_ready, last.tiles);
        // Everything cached: the next frame needs no work.
        let again = frame();
        assert_eq!(again.tiles_ready, again.tiles);
        assert!(!cache.pending());
    }

    #[test]
    fn style_hash_follows_the_style() {
        let a = Style::default();
        let mut b = a.clone();
        assert_eq!(style_hash(&a), style_hash(&b));
        b.fill = Rgba::rgb(1, 2, 3);
        assert_ne!(style_hash(&a), style_hash(&b));
        let mut c = a.clone();
        c.labels = false;
        assert_eq!(style_hash(&a), style_hash(&c), "labels are not in tiles");
    }

    #[test]
    fn label_rank_orders_areas_and_puts_points_first() {
        let small =
            FeatureShape { extent: [0.0, 0.0, 1.0, 1.0], polygons: vec![Default::default()], ..Default::default() };
        let big =
            FeatureShape { extent: [0.0, 0.0, 2.0, 3.0], polygons: vec![Default::default()], ..Default::default() };
        let line = FeatureShape {
            extent: [0.0, 0.0, 6.0, 0.0],
            lines: vec![vec![[0.0, 0.0], [6.0, 0.0]]],
            ..Default::default()
        };
        let point = FeatureShape { extent: [0.0; 4], points: vec![[0.0, 0.0]], ..Default::default() };
        assert_eq!(label_rank(&big), 6.0);
        assert_eq!(label_rank(&line), 4.0, "a line counts a ninth of its squared length");
        assert!(label_rank(&point).is_infinite());
        let anchored = |s: FeatureShape| FeatureShape { label_anchor: Some([0.0, 0.0]), ..s };
        let unlabelled = FeatureShape { extent: [0.0, 0.0, 9.0, 9.0], ..Default::default() };
        let shapes = vec![anchored(small), anchored(big), anchored(line), anchored(point), unlabelled];
        let source = RasterSource::new(Arc::new(shapes));
        let order: Vec<u32> = source.label_order().iter().map(|(_, i)| *i).collect();
        assert_eq!(order, vec![3, 1, 2, 0]);
    }
}
