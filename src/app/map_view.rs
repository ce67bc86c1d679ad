//! A map view: one map on screen with its own position and zoom, basemap, render caches, hover
//! and frame timings. It draws itself from borrowed layers, so two or more views can show the
//! same layers side by side (split views) without copying them. What a click means (select,
//! measure, life circle…) is the caller's: the view reports the response and the feature picked.

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Pos2, Stroke, vec2};
use walkers::{Map, MapMemory, Tiles, lon_lat};

use super::files::Flash;
use super::{FeatureRef, LayerEntry};
use crate::basemap::{ActiveBasemap, MapProjection};
use crate::model::compare::{Compare, SwipeSide};
use crate::model::{BBox, LonLat, PickTolerance};
use crate::render::legend::{legend_rows, legend_size, paint_legend};
use crate::render::{Highlight, LayerCache, MapView, PaintOptions, paint_emphasis, paint_layer, place_labels};

/// Pick tolerance for lines and points, in screen points.
const PICK_TOLERANCE_PT: f64 = 6.0;

/// Where the map opens before anything is fitted: the middle of Kuiwen District.
const DEFAULT_CENTER_LON_LAT: [f64; 2] = [119.197, 36.708];

/// The state of one map view.
pub struct MapViewState {
    /// Tells this view's overlays (credits) apart from another view's.
    pub id: egui::Id,
    /// walkers' position, zoom and drag state.
    pub memory: MapMemory,
    /// The projection of the basemap (GCJ-02 for AMap and Tencent tiles).
    pub projection: MapProjection,
    /// The basemap's tile layers (None: no basemap, the plain background).
    pub tiles: Option<ActiveBasemap>,
    /// A swipe's second basemap (imagery against the streets), drawn on the divider's second side;
    /// with the spec it was opened from.
    pub swipe_tiles: Option<(ActiveBasemap, String)>,
    /// Projected, tessellated shapes per layer key, valid for `projection`.
    caches: HashMap<String, LayerCache>,
    /// A box to fit on the next frame (once the view knows its size).
    pub pending_fit: Option<BBox>,
    /// The screen rectangle of the last frame.
    pub last_rect: Option<egui::Rect>,
    /// The view of the last painted frame (for tools and tests that need screen positions).
    pub last_view: Option<MapView>,
    /// The pointer's position on the map in the last frame.
    pub cursor_lon_lat: Option<LonLat>,
    /// The feature under the pointer.
    pub hover: Option<FeatureRef>,
    /// CPU time of the last frame (tiles, layers, labels), for the status bar read-out.
    pub last_paint_ms: f32,
}

impl Default for MapViewState {
    fn default() -> Self {
        Self::new(MapProjection::WebMercator, None)
    }
}

/// Which layers a view draws, and where.
#[derive(Clone, Copy, Debug, Default)]
pub enum LayerFilter<'a> {
    /// Those ticked in the layer panel.
    #[default]
    Panel,
    /// These, by key (a split view's own list).
    Only(&'a [String]),
    /// A swipe: each layer on its side of the divider (see [`Compare::swipe_side`]).
    Swipe(&'a Compare),
}

impl LayerFilter<'_> {
    /// Where on the map `rect` the layer is drawn; None: not at all.
    pub fn clip(&self, e: &LayerEntry, rect: egui::Rect) -> Option<egui::Rect> {
        match self {
            LayerFilter::Panel => e.layer.visible.then_some(rect),
            LayerFilter::Only(keys) => keys.contains(&e.layer.key).then_some(rect),
            LayerFilter::Swipe(c) => {
                let (first, second) = swipe_halves(c, rect);
                match c.swipe_side(&e.layer.key, e.layer.visible) {
                    SwipeSide::Both => Some(rect),
                    SwipeSide::First => Some(first),
                    SwipeSide::Second => Some(second),
                    SwipeSide::Hidden => None,
                }
            }
        }
    }

    /// Whether the layer is drawn anywhere.
    pub fn shows(&self, e: &LayerEntry) -> bool {
        self.clip(e, egui::Rect::from_min_size(Pos2::ZERO, vec2(2.0, 2.0))).is_some()
    }
}

/// The two parts of a swiped map: left and right of the divider (above and below, horizontal).
pub fn swipe_halves(c: &Compare, rect: egui::Rect) -> (egui::Rect, egui::Rect) {
    let f = c.swipe_position.clamp(0.0, 1.0);
    if c.swipe_horizontal {
        let y = rect.top() + f * rect.height();
        (
            egui::Rect::from_min_max(rect.min, egui::pos2(rect.right(), y)),
            egui::Rect::from_min_max(egui::pos2(rect.left(), y), rect.max),
        )
    } else {
        let x = rect.left() + f * rect.width();
        (
            egui::Rect::from_min_max(rect.min, egui::pos2(x, rect.bottom())),
            egui::Rect::from_min_max(egui::pos2(x, rect.top()), rect.max),
        )
    }
}

/// What a view draws in one frame, borrowed from the document and the app.
pub struct ViewInputs<'a> {
    /// The layers, bottom first (those `filter` lets through are drawn).
    pub layers: &'a [LayerEntry],
    /// Which of them are drawn, and where.
    pub filter: LayerFilter<'a>,
    /// The selected feature, drawn highlighted.
    pub selection: Option<&'a FeatureRef>,
    /// Labels and legend in English.
    pub english: bool,
    /// Text and symbol scale on the map (1 at the desk; larger when presenting).
    pub text_scale: f32,
    /// Draw the legend at the bottom left.
    pub legend: bool,
    /// The data credits line (OpenStreetMap for the outline…), shown above the basemap's.
    pub data_line: Option<String>,
    /// Pick the feature under a click (the select tool).
    pub pick_on_click: bool,
    /// The pointer buttons that drag the map.
    pub pan_buttons: egui::DragPanButtons,
    /// Double click zooms in (off while measuring, where it ends a line).
    pub double_click_zoom: bool,
    /// Where the map's labels must not go: what the tools label on top (the life circle's rings).
    pub label_keep_out: &'a [egui::Rect],
    /// The planner's marks, drawn above the layers and their labels (None: no marks here).
    pub marks: Option<&'a crate::model::marks::Marks>,
}

/// What happened in a view this frame.
pub struct ViewOutput {
    /// The map's response (clicks, drags, hover).
    pub response: egui::Response,
    /// The view as painted.
    pub view: MapView,
    /// A click with the pick on: what it hit (Some(None): empty map).
    pub clicked: Option<Option<FeatureRef>>,
}

impl MapViewState {
    /// A view with this projection and basemap, at the default place until something is fitted.
    pub fn new(projection: MapProjection, tiles: Option<ActiveBasemap>) -> Self {
        Self {
            id: egui::Id::unique("map_view"),
            memory: MapMemory::default(),
            projection,
            tiles,
            swipe_tiles: None,
            caches: HashMap::new(),
            pending_fit: None,
            last_rect: None,
            last_view: None,
            cursor_lon_lat: None,
            hover: None,
            last_paint_ms: 0.0,
        }
    }

    /// The same view with its own id, for a second view beside the first.
    pub fn with_id(mut self, id: egui::Id) -> Self {
        self.id = id;
        self
    }

    /// Fit a box on the next frame.
    pub fn fit(&mut self, bbox: BBox) {
        self.pending_fit = Some(bbox);
    }

    /// Centre on a place at a zoom level now.
    pub fn center_at(&mut self, center: impl Into<LonLat>, zoom: f64) {
        let c = center.into();
        self.memory.center_at(lon_lat(c.lon_deg, c.lat_deg));
        let _ = self.memory.set_zoom(zoom);
    }

    /// The current zoom level.
    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    /// A layer's render cache in this view (None before its first frame).
    pub fn cache(&self, layer_key: &str) -> Option<&LayerCache> {
        self.caches.get(layer_key)
    }

    /// Whether any visible layer still has parts of its cache to build.
    pub fn any_pending(&self, layers: &[LayerEntry]) -> bool {
        self.any_pending_of(layers, LayerFilter::Panel)
    }

    /// Whether any layer the filter shows still has parts of its cache to build.
    pub fn any_pending_of(&self, layers: &[LayerEntry], filter: LayerFilter) -> bool {
        crate::render::any_pending(
            layers.iter().filter(|e| filter.shows(e)).filter_map(|e| self.caches.get(&e.layer.key)),
        )
    }

    /// Bring the caches up to date: build stale ones (first frame, reloads, projection changes)
    /// and drop those of removed layers.
    pub fn refresh_caches(&mut self, layers: &[LayerEntry]) {
        self.caches.retain(|k, _| layers.iter().any(|e| &e.layer.key == k));
        for e in layers {
            let stale =
                self.caches.get(&e.layer.key).is_none_or(|c| c.is_stale(&e.layer, self.projection, e.generation));
            if stale {
                self.caches.insert(e.layer.key.clone(), LayerCache::build(&e.layer, self.projection, e.generation));
            }
        }
    }

    /// Draw the view in the whole of `ui`'s available space: basemap, layers, labels, scale bar,
    /// legend and credits.
    pub fn show(&mut self, ui: &mut egui::Ui, input: &ViewInputs) -> ViewOutput {
        let rect = ui.available_rect_before_wrap();
        self.last_rect = Some(rect);
        if let Some(b) = self.pending_fit.take() {
            self.apply_fit(ui, rect, b, input);
        }
        self.refresh_caches(input.layers);
        let projection = self.projection;
        let text_scale = input.text_scale;
        let caches = &self.caches;
        let hover = self.hover.clone();
        let mut attribution = self.tiles.as_ref().and_then(|t| t.credit.clone());
        // A swipe's second basemap is on screen too: its credit joins the first's.
        let swiping = matches!(input.filter, LayerFilter::Swipe(_));
        if let Some(second) = self.swipe_tiles.as_ref().filter(|_| swiping).and_then(|(t, _)| t.credit.clone()) {
            attribution = Some(match attribution {
                Some(first) if first.text != second.text => {
                    crate::basemap::Credit { text: format!("{}；{}", first.text, second.text), url: first.url }
                }
                Some(first) => first,
                None => second,
            });
        }
        let swipe_tiles = match input.filter {
            LayerFilter::Swipe(_) => self.swipe_tiles.as_mut().map(|(t, _)| t),
            _ => None,
        };
        let (base, mut overlays): (Option<&mut dyn Tiles>, Vec<&mut dyn Tiles>) = match self.tiles.as_mut() {
            Some(t) => {
                let mut it = t.layers.iter_mut().map(|l| l as &mut dyn Tiles);
                (it.next(), it.collect())
            }
            None => (None, Vec::new()),
        };
        let default_center = lon_lat(DEFAULT_CENTER_LON_LAT[0], DEFAULT_CENTER_LON_LAT[1]);
        let mut map = Map::new(base, &mut self.memory, default_center)
            .with_projection(&projection)
            .zoom_with_ctrl(false)
            .drag_pan_buttons(input.pan_buttons)
            .double_click_to_zoom(input.double_click_zoom);
        for o in overlays.drain(..) {
            map = map.with_layer(o, 1.0);
        }
        let paint_started = std::time::Instant::now();
        let out = map.show(ui, |ui, response, projector, _memory| {
            let center = projector.unproject(response.rect.center().to_vec2());
            let view = MapView::new(response.rect, [center.x(), center.y()], projector.zoom(), projection);
            let painter = ui.painter().with_clip_rect(response.rect);
            let dark = ui.visuals().dark_mode;
            // ---- A swipe's second basemap, over the first on its side of the divider ----
            if let (LayerFilter::Swipe(c), Some(tiles)) = (input.filter, swipe_tiles) {
                let (_, second) = swipe_halves(c, response.rect);
                paint_basemap(&painter.with_clip_rect(second), &view, tiles, paper(dark));
            }
            // ---- Layers, bottom first, with their reload flashes ----
            let mut labels = Vec::new();
            for (rank, e) in input.layers.iter().enumerate() {
                let Some(clip) = input.filter.clip(e, response.rect) else { continue };
                let Some(cache) = caches.get(&e.layer.key) else { continue };
                // A swiped layer keeps to its side of the divider, labels included.
                let painter = painter.with_clip_rect(clip);
                let mut layer_labels = Vec::new();
                let highlight = Highlight {
                    selected: input.selection.filter(|s| s.layer == e.layer.key).map(|s| s.feature),
                    hovered: hover.as_ref().filter(|s| s.layer == e.layer.key).map(|s| s.feature),
                };
                let options = PaintOptions { highlight, english: input.english, layer_rank: rank };
                paint_layer(&painter, &view, &e.layer, cache, options, &mut layer_labels);
                if let Some(flash) = &e.flash {
                    paint_flash(&painter, &view, e, cache, flash);
                }
                labels.extend(layer_labels.into_iter().filter(|l| clip.contains(l.at)));
            }
            // ---- Labels, scale bar, legend ----
            place_labels(&painter, labels, 13.0 * text_scale, attribution.is_none() || !dark, input.label_keep_out);
            // ---- The planner's marks, above the data ----
            if let Some(marks) = input.marks {
                crate::render::marks::paint_marks(&painter, &view, marks, text_scale);
            }
            scale_bar(&painter, &view, dark, text_scale);
            if input.legend {
                let shown = input.layers.iter().filter(|e| input.filter.shows(e)).map(|e| &e.layer);
                let rows = legend_rows(shown, input.english);
                let at = response.rect.left_bottom() + vec2(10.0, -50.0 * text_scale);
                paint_legend(&painter, at, &rows, 12.0 * text_scale, dark);
            }
            // ---- Picking ----
            let cursor = response.hover_pos().map(|p| view.screen_to_lon_lat(p));
            let hovered = response.hover_pos().and_then(|p| pick(input, &view, p));
            let clicked = if response.clicked() && input.pick_on_click {
                response.interact_pointer_pos().map(|p| pick(input, &view, p))
            } else {
                None
            };
            (cursor, hovered, clicked, view)
        });
        let (cursor, hovered, clicked, view) = out.inner;
        self.last_view = Some(view);
        self.last_paint_ms = paint_started.elapsed().as_secs_f32() * 1000.0;
        self.cursor_lon_lat = cursor;
        self.hover = hovered;
        if attribution.is_some() || input.data_line.is_some() {
            let (text, url) = attribution.as_ref().map_or(("", ""), |a| (a.text.as_str(), a.url.as_str()));
            attribution_overlay(
                ui,
                self.id.with("attribution"),
                out.response.rect,
                text,
                url,
                input.data_line.as_deref(),
            );
        }
        ViewOutput { response: out.response, view, clicked }
    }

    /// Centre and zoom so `bbox` fills the view. The legend sits at the bottom left over the
    /// map: fit beside it, so it covers no data at the fitted view (when the map is wide enough
    /// to spare the room).
    fn apply_fit(&mut self, ui: &egui::Ui, rect: egui::Rect, bbox: BBox, input: &ViewInputs) {
        let legend_w = if input.legend {
            let shown = input.layers.iter().filter(|e| input.filter.shows(e)).map(|e| &e.layer);
            let rows = legend_rows(shown, input.english);
            legend_size(ui.painter(), &rows, 12.0 * input.text_scale).x + 10.0
        } else {
            0.0
        };
        let inset = if rect.width() > 3.0 * legend_w { legend_w } else { 0.0 };
        let beside = egui::Rect::from_min_max(rect.min + vec2(inset, 0.0), rect.max);
        let (zoom, center) = MapView::fit(beside, bbox, 30.0, self.projection);
        // The centre of the whole map, for the box centred in the part beside the legend.
        let center = MapView::new(beside, center, zoom, self.projection).screen_to_lon_lat(rect.center());
        self.center_at(center, zoom);
    }
}

/// The plain background under the tiles: what shows offline or with no basemap.
pub fn paper(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(38, 42, 48) } else { Color32::from_rgb(242, 239, 233) }
}

/// Most tiles one basemap layer draws in a frame: a 4K screen at a fractional zoom needs about 60.
const MAX_TILES: u32 = 96;

/// Draw a basemap's raster tiles under the painter's clip (the swipe's second side): the plain
/// background first, so the first basemap does not show through where tiles are missing.
/// Tiles come from the basemap's own engine (cache, workers, timeouts), projected corner by
/// corner, so an AMap (GCJ-02) basemap lines up against a WGS84 one.
fn paint_basemap(painter: &egui::Painter, view: &MapView, tiles: &mut ActiveBasemap, paper: Color32) {
    let clip = painter.clip_rect();
    painter.rect_filled(clip, 0.0, paper);
    let projection = tiles.basemap.projection();
    let norm = |p: Pos2| {
        let ll = view.screen_to_lon_lat(p);
        projection.normalized(ll.lon_deg, ll.lat_deg)
    };
    let ([x0, y0], [x1, y1]) = (norm(clip.left_top()), norm(clip.right_bottom()));
    for layer in tiles.layers.iter_mut() {
        let size_px = walkers::Tiles::tile_size(layer).max(1) as f64;
        // A 512-pixel tile covers what four 256-pixel tiles of the next zoom do.
        let z = (view.zoom - (size_px / 256.0).log2()).round().clamp(0.0, 22.0) as u8;
        let n = 1u32 << z;
        let range = |a: f64, b: f64| {
            let lo = (a.min(b) * n as f64).floor().clamp(0.0, (n - 1) as f64) as u32;
            let hi = (a.max(b) * n as f64).floor().clamp(0.0, (n - 1) as f64) as u32;
            lo..=hi
        };
        let (xs, ys) = (range(x0, x1), range(y0, y1));
        if (xs.end() - xs.start() + 1) * (ys.end() - ys.start() + 1) > MAX_TILES {
            continue;
        }
        for y in ys {
            for x in xs.clone() {
                let Some(piece) = walkers::Tiles::at(layer, walkers::TileId { x, y, zoom: z }) else { continue };
                let walkers::Tile::Raster(texture) = &piece.tile;
                let corner = |tx: u32, ty: u32| {
                    let ll = projection.unnormalized(tx as f64 / n as f64, ty as f64 / n as f64);
                    view.lon_lat_to_screen(ll)
                };
                let rect = egui::Rect::from_two_pos(corner(x, y), corner(x + 1, y + 1));
                painter.image(texture.id(), rect, piece.uv, Color32::WHITE);
            }
        }
    }
}

/// Reload changes, fading out: added in green, modified in orange, removed as red ghosts.
fn paint_flash(painter: &egui::Painter, view: &MapView, e: &LayerEntry, cache: &LayerCache, flash: &Flash) {
    let a = flash.strength();
    let fade = |c: Color32| c.gamma_multiply(a.max(0.15));
    let point_radius_pt = e.layer.style.point_radius_pt + 2.0;
    for (idx, color) in
        [(&flash.added, Color32::from_rgb(0, 200, 80)), (&flash.modified, Color32::from_rgb(255, 140, 0))]
    {
        for &i in idx {
            if let Some(shape) = cache.shapes.get(i) {
                paint_emphasis(painter, view, shape, fade(color), 4.0, point_radius_pt);
            }
        }
    }
    if let Some((layer, built)) = &flash.removed {
        // The ghosts' shapes were built with the flash; a view in another projection (a split
        // view on AMap) builds its own.
        let other;
        let removed = if built.projection == Some(view.projection) {
            built
        } else {
            other = LayerCache::build_vector(layer, view.projection);
            &other
        };
        for shape in removed.shapes.iter() {
            paint_emphasis(painter, view, shape, fade(Color32::from_rgb(230, 30, 30)), 3.0, point_radius_pt);
        }
    }
}

/// The topmost feature drawn under the screen point `at` (on its side of a swipe).
fn pick(input: &ViewInputs, view: &MapView, at: Pos2) -> Option<FeatureRef> {
    let lon_lat = view.screen_to_lon_lat(at).to_array();
    let tolerance = PickTolerance { radius_m: PICK_TOLERANCE_PT * view.metres_per_point() };
    let drawn_here = |e: &&LayerEntry| input.filter.clip(e, view.rect).is_some_and(|r| r.contains(at));
    input.layers.iter().rev().filter(drawn_here).find_map(|e| {
        e.layer
            .index
            .pick(&e.layer.features, lon_lat, tolerance)
            .map(|i| FeatureRef { layer: e.layer.key.clone(), feature: i })
    })
}

/// A metric scale bar at the bottom left: the longest round length under 120 points.
fn scale_bar(painter: &egui::Painter, view: &MapView, dark: bool, text_scale: f32) {
    let m_per_pt = view.metres_per_point();
    if !m_per_pt.is_finite() || m_per_pt <= 0.0 {
        return;
    }
    let max_m = 120.0 * text_scale as f64 * m_per_pt;
    let steps = [1.0, 2.0, 5.0];
    let mut len_m = 1.0;
    'outer: for exp in 0..8 {
        for s in steps {
            let v = s * 10f64.powi(exp);
            if v > max_m {
                break 'outer;
            }
            len_m = v;
        }
    }
    let len_pt = (len_m / m_per_pt) as f32;
    let origin = view.rect.left_bottom() + vec2(14.0, -16.0 * text_scale);
    let (fg, bg) = if dark {
        (Color32::WHITE, Color32::from_black_alpha(160))
    } else {
        (Color32::BLACK, Color32::from_white_alpha(190))
    };
    let text = if len_m >= 1000.0 { format!("{} km", len_m / 1000.0) } else { format!("{len_m} m") };
    painter.rect_filled(
        egui::Rect::from_min_max(origin + vec2(-6.0, -10.0 - 12.0 * text_scale), origin + vec2(len_pt + 6.0, 6.0)),
        3.0,
        bg,
    );
    let stroke = Stroke::new(2.0 * text_scale.sqrt(), fg);
    painter.line_segment([origin, origin + vec2(len_pt, 0.0)], stroke);
    painter.line_segment([origin, origin + vec2(0.0, -6.0)], stroke);
    painter.line_segment([origin + vec2(len_pt, 0.0), origin + vec2(len_pt, -6.0)], stroke);
    painter.text(
        origin + vec2(len_pt / 2.0, -8.0),
        Align2::CENTER_BOTTOM,
        text,
        FontId::proportional(12.0 * text_scale),
        fg,
    );
}

/// The credits, always visible at the map's bottom-right corner: the data's (the layers shown
/// that ask for one, e.g. the OpenStreetMap-derived outline) above the basemap's.
fn attribution_overlay(ui: &mut egui::Ui, id: egui::Id, rect: egui::Rect, text: &str, url: &str, data: Option<&str>) {
    let pos: Pos2 = rect.right_bottom() - vec2(6.0, 6.0);
    egui::Area::new(id).fixed_pos(pos).pivot(Align2::RIGHT_BOTTOM).order(egui::Order::Foreground).show(
        ui.ctx(),
        |ui| {
            egui::Frame::NONE
                .fill(Color32::from_white_alpha(200))
                .inner_margin(egui::Margin::symmetric(6, 2))
                .corner_radius(3.0)
                .show(ui, |ui| {
                    // Left-aligned lines: a right-aligned layout would stretch the box to the
                    // whole width the area allows, a white bar across the map.
                    ui.vertical(|ui| {
                        ui.spacing_mut().item_spacing.y = 1.0;
                        if let Some(d) = data {
                            ui.label(egui::RichText::new(d).size(11.0).color(Color32::BLACK));
                        }
                        if url.is_empty() {
                            if !text.is_empty() {
                                ui.label(egui::RichText::new(text).size(11.0).color(Color32::BLACK));
                            }
                        } else {
                            ui.hyperlink_to(egui::RichText::new(text).size(11.0), url);
                        }
                    });
                });
        },
    );
}
