//! The 15-minute life circle tool: map clicks, the rings overlay, and its side panel.
//!
//! A click (or a community, grid or district picked in the panel) sets the centre. The panel
//! shows, for the 5/10/15-minute rings, the facilities inside by category, the GB 50180-2018
//! checklist in a straight line and on foot along a line layer (`roads` by default), and the
//! communities, grids and households the 15-minute ring covers. Coverage mode colours every
//! community (or grid) by how much of the checklist it meets within its own 15 minutes.
//!
//! The analysis lives in `crate::analysis` and runs here synchronously: it takes milliseconds on
//! the embedded data (see `benches/life_circle.rs`), and every result is cached under a key of its
//! inputs (centre, radii, speed, layer generations), so a frame only recomputes what changed.

use egui::epaint::{Mesh, PathShape, PathStroke};
use egui::{Align2, Color32, FontId, Pos2, RichText, Shape, Stroke, vec2};
use geo::{BoundingRect, Geometry, InteriorPoint, Polygon, TriangulateEarcut};
use kuiwen_core::Bilingual;

use super::actions::Action;
use super::save_dialog::{self, FileKind, PendingSave};
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, Lang, LayerEntry};
use crate::analysis::coverage::{self, CoverageReport, CoverageUnit};
use crate::analysis::life_circle::{
    CHECKLIST, CircleInputs, CircleParams, DEFAULT_RADII_M, FacilityIndex, Level, LifeCircleReport, MAX_RADIUS_M,
    NetworkContext, RING_MINUTES, analyze_with_reach, category_name, checklist_item, snap_facilities,
};
use crate::analysis::measure::format_distance;
use crate::analysis::network::{NetworkError, Snap, WalkNetwork};
use crate::model::GeometryKind;
use crate::render::{LayerCache, MapView};

/// Ring colours, 5 minutes first: orange, green, blue (distinct for colour-blind readers too:
/// they differ in lightness as well as hue).
const RING_COLORS: [Color32; 3] =
    [Color32::from_rgb(230, 100, 0), Color32::from_rgb(0, 140, 70), Color32::from_rgb(30, 90, 210)];

/// Coverage classes, best first: (lowest share of the checklist met, colour).
const COVERAGE_CLASSES: [(f64, Color32); 5] = [
    (1.0, Color32::from_rgb(26, 150, 65)),
    (0.75, Color32::from_rgb(166, 217, 106)),
    (0.5, Color32::from_rgb(254, 224, 139)),
    (0.25, Color32::from_rgb(253, 141, 60)),
    (0.0, Color32::from_rgb(215, 25, 28)),
];

/// The layers a centre can be picked from, as (key, zh, en).
const PICK_LAYERS: [(&str, &str, &str); 4] = [
    ("communities", "社区", "Community"),
    ("grids", "二级网格", "Grid"),
    ("development_districts", "四大片区", "Development district"),
    ("subdistricts", "街道", "Subdistrict"),
];

/// The life-circle tool's state: settings, caches and a pending CSV export.
pub struct LifeCircleState {
    /// The centre (lon/lat), once placed.
    pub center: Option<[f64; 2]>,
    /// Ring radii and walking speed.
    pub params: CircleParams,
    /// Walking distances along a line layer too.
    pub use_network: bool,
    /// The key of the line layer walked on.
    pub network_layer: String,
    /// Colour communities (or grids) by the checklist.
    pub coverage: bool,
    /// Communities or grids.
    pub coverage_unit: CoverageUnit,
    /// Colour by the walking test rather than the straight line.
    pub coverage_by_walking: bool,
    /// The layer the "pick" list shows.
    pick_layer: &'static str,
    facilities: Option<(u64, FacilityIndex)>,
    network: Option<NetworkCache>,
    circle: Option<(CircleKey, CircleView)>,
    coverage_cache: Option<(CoverageKey, CoverageReport)>,
    save: Option<PendingSave>,
}

impl Default for LifeCircleState {
    fn default() -> Self {
        Self {
            center: None,
            params: CircleParams::default(),
            use_network: true,
            network_layer: "roads".to_owned(),
            coverage: false,
            coverage_unit: CoverageUnit::Communities,
            coverage_by_walking: false,
            pick_layer: PICK_LAYERS[0].0,
            facilities: None,
            network: None,
            circle: None,
            coverage_cache: None,
            save: None,
        }
    }
}

/// The walking network of one line layer, with the facilities snapped onto it.
struct NetworkCache {
    layer: String,
    generation: u64,
    facilities_generation: u64,
    result: Result<(WalkNetwork, Vec<Option<Snap>>), NetworkError>,
}

/// What a circle's result depends on.
#[derive(Clone, Debug, PartialEq)]
struct CircleKey {
    center: [f64; 2],
    params: CircleParams,
    inputs: InputsKey,
}

/// What a coverage result depends on.
#[derive(Clone, Debug, PartialEq)]
struct CoverageKey {
    unit: CoverageUnit,
    radius_m: f64,
    areas: Option<u64>,
    inputs: InputsKey,
}

/// The generations of the layers used (None when absent), and the network layer.
#[derive(Clone, Debug, PartialEq)]
struct InputsKey {
    facilities: Option<u64>,
    network: Option<(String, u64)>,
    communities: Option<u64>,
    grids: Option<u64>,
}

/// A computed circle, ready to paint.
struct CircleView {
    report: LifeCircleReport,
    /// The walking areas tessellated once (lon/lat vertices and triangles), 5 minutes first.
    walk_meshes: Vec<Option<AreaMesh>>,
    /// The street pieces walked within 15 minutes.
    walked: Vec<[[f64; 2]; 2]>,
}

/// A polygon tessellated for painting.
struct AreaMesh {
    vertices: Vec<[f64; 2]>,
    indices: Vec<u32>,
    rings: Vec<Vec<[f64; 2]>>,
}

impl AreaMesh {
    fn of(p: &Polygon<f64>) -> Self {
        let raw = p.earcut_triangles_raw();
        let ring = |ls: &geo::LineString<f64>| ls.coords().map(|c| [c.x, c.y]).collect::<Vec<_>>();
        let mut rings = vec![ring(p.exterior())];
        rings.extend(p.interiors().iter().map(ring));
        Self { vertices: raw.vertices, indices: raw.triangle_indices.into_iter().map(|i| i as u32).collect(), rings }
    }
}

fn generation(layers: &[LayerEntry], key: &str) -> Option<u64> {
    layers.iter().find(|e| e.layer.key == key).map(|e| e.generation)
}

fn entry<'a>(layers: &'a [LayerEntry], key: &str) -> Option<&'a LayerEntry> {
    layers.iter().find(|e| e.layer.key == key)
}

impl LifeCircleState {
    /// Bring the facility index and network up to date with the layers; returns the inputs key.
    fn refresh_inputs(&mut self, layers: &[LayerEntry]) -> InputsKey {
        let fac_gen = generation(layers, "facilities");
        if self.facilities.as_ref().map(|(g, _)| *g) != fac_gen {
            self.facilities = entry(layers, "facilities").map(|e| (e.generation, FacilityIndex::from_layer(&e.layer)));
        }
        let net_entry = self.use_network.then(|| entry(layers, &self.network_layer)).flatten();
        match (net_entry, &self.facilities) {
            (Some(e), Some((fg, index))) => {
                let stale = self.network.as_ref().is_none_or(|n| {
                    n.layer != e.layer.key || n.generation != e.generation || n.facilities_generation != *fg
                });
                if stale {
                    let result = WalkNetwork::from_layers(&[&e.layer]).map(|net| {
                        let snaps = snap_facilities(&net, index);
                        (net, snaps)
                    });
                    self.network = Some(NetworkCache {
                        layer: e.layer.key.clone(),
                        generation: e.generation,
                        facilities_generation: *fg,
                        result,
                    });
                }
            }
            _ => self.network = None,
        }
        InputsKey {
            facilities: fac_gen,
            network: self.network.as_ref().map(|n| (n.layer.clone(), n.generation)),
            communities: generation(layers, "communities"),
            grids: generation(layers, "grids"),
        }
    }

    fn network_context(&self) -> Option<NetworkContext<'_>> {
        match &self.network.as_ref()?.result {
            Ok((network, facility_snaps)) => Some(NetworkContext { network, facility_snaps }),
            Err(_) => None,
        }
    }

    /// Recompute what is stale: the circle at the centre, and coverage when it is shown.
    pub(super) fn refresh(&mut self, layers: &[LayerEntry]) {
        if self.params.validate().is_err() {
            return;
        }
        let inputs = self.refresh_inputs(layers);
        if let Some(center) = self.center {
            let key = CircleKey { center, params: self.params, inputs: inputs.clone() };
            if self.circle.as_ref().is_none_or(|(k, _)| *k != key) {
                let net = self.network_context();
                let reach = net.and_then(|n| n.network.reach(center, f64::INFINITY).ok());
                let circle_inputs = CircleInputs {
                    facilities: self.facilities.as_ref().map(|(_, f)| f),
                    network: net,
                    communities: entry(layers, "communities").map(|e| &e.layer),
                    grids: entry(layers, "grids").map(|e| &e.layer),
                };
                let report = analyze_with_reach(center, &self.params, circle_inputs, reach.as_ref());
                let walk_meshes = report.rings.iter().map(|r| r.network_area.as_ref().map(AreaMesh::of)).collect();
                let walked = match (net, &reach) {
                    (Some(n), Some(r)) => r.reached_segments(n.network, self.params.radius_m(Level::Min15)),
                    _ => Vec::new(),
                };
                self.circle = Some((key, CircleView { report, walk_meshes, walked }));
            }
        } else {
            self.circle = None;
        }
        if self.coverage {
            let unit = self.coverage_unit;
            let key = CoverageKey {
                unit,
                radius_m: self.params.radius_m(Level::Min15),
                areas: generation(layers, unit.layer_key()),
                inputs,
            };
            if self.coverage_cache.as_ref().is_none_or(|(k, _)| *k != key) {
                let report = match (entry(layers, unit.layer_key()), &self.facilities) {
                    (Some(e), Some((_, index))) => {
                        coverage::compute(&e.layer, unit, index, key.radius_m, self.network_context()).ok()
                    }
                    _ => None,
                };
                self.coverage_cache = report.map(|r| (key, r));
            }
        }
    }
}

/// Apply the command line's `--at` and `--coverage`: the tool becomes active, the circle is placed
/// and the view fits it.
pub(super) fn apply_start(app: &mut AtlasApp, at: Option<[f64; 2]>, coverage: bool) {
    if at.is_none() && !coverage {
        return;
    }
    app.tool = Tool::LifeCircle;
    app.life_circle.coverage = coverage;
    if let Some(c) = at {
        app.life_circle.center = Some(c);
        if !coverage {
            fit_circle(app, c);
        }
    }
}

/// Fit the view to the 15-minute ring with room around it.
fn fit_circle(app: &mut AtlasApp, center: [f64; 2]) {
    let b = circle_bbox(app.life_circle.params.radius_m(Level::Min15), center);
    app.fit(b);
}

/// The box around a 15-minute ring of this radius with room around it.
fn circle_bbox(radius_15min_m: f64, center: [f64; 2]) -> crate::model::BBox {
    let ring = crate::analysis::life_circle::geodesic_circle(center, radius_15min_m * 1.5, 32);
    ring.bounding_rect()
        .map_or([center[0], center[1], center[0], center[1]], |b| [b.min().x, b.min().y, b.max().x, b.max().y])
}

/// Handle map input while the life-circle tool is active: a click places the centre.
pub(super) fn on_map(app: &mut AtlasApp, map: &MapInteraction) {
    if let Some(ll) = map.clicked_lon_lat() {
        app.life_circle.center = Some(ll);
        app.life_circle.refresh(&app.layers);
    }
}

/// Paint the life-circle overlay (while the tool is active): coverage colours, walking areas,
/// rings with their "indicative" labels, and the centre.
pub(super) fn paint_overlay(app: &AtlasApp, map: &MapInteraction) {
    if app.tool != Tool::LifeCircle && !super::present::shows_life_circle(app) {
        return;
    }
    let st = &app.life_circle;
    let lang = app.lang();
    if st.coverage
        && let Some((_, report)) = &st.coverage_cache
    {
        if let Some(cache) = app.map.cache(report.unit.layer_key()) {
            paint_coverage(&map.painter, &map.view, cache, report, st.coverage_by_walking);
        }
        paint_coverage_legend(&map.painter, map.view.rect, report, st.coverage_by_walking, lang);
    }
    if let Some((_, view)) = &st.circle {
        paint_circle(&map.painter, &map.view, view, lang);
    }
}

fn coverage_color(share: f64) -> Color32 {
    COVERAGE_CLASSES.iter().find(|(min, _)| share >= *min - 1e-9).map_or(COVERAGE_CLASSES[4].1, |(_, c)| *c)
}

fn paint_coverage(painter: &egui::Painter, view: &MapView, cache: &LayerCache, report: &CoverageReport, walking: bool) {
    let mut mesh = Mesh::default();
    let mut outlines = Vec::new();
    let outline = Stroke::new(0.8, Color32::from_white_alpha(200));
    for row in &report.rows {
        let Some(shape) = cache.shapes.get(row.feature) else { continue };
        let fill = coverage_color(row.share(walking)).gamma_multiply(0.72);
        for poly in &shape.polygons {
            let base = mesh.vertices.len() as u32;
            for v in &poly.vertices {
                mesh.colored_vertex(view.to_screen(*v), fill);
            }
            mesh.indices.extend(poly.indices.iter().map(|i| base + i));
            for ring in &poly.rings {
                let pts: Vec<Pos2> = ring.iter().map(|p| view.to_screen(*p)).collect();
                outlines.push(Shape::Path(PathShape::closed_line(pts, PathStroke::from(outline))));
            }
        }
    }
    painter.add(Shape::mesh(mesh));
    painter.extend(outlines);
}

/// The class labels for a checklist of `total` items, best first: "12", "9–11", …
fn class_labels(total: usize) -> Vec<String> {
    let t = total as f64;
    let mut out = Vec::new();
    let mut upper = total;
    for (min, _) in COVERAGE_CLASSES {
        let lo = (min * t).ceil() as usize;
        out.push(if lo >= upper { format!("{upper}") } else { format!("{lo}–{upper}") });
        upper = lo.saturating_sub(1);
    }
    out
}

fn paint_coverage_legend(
    painter: &egui::Painter,
    rect: egui::Rect,
    report: &CoverageReport,
    walking: bool,
    lang: Lang,
) {
    let total = CHECKLIST.len();
    let (unit_zh, unit_en) = report.unit.label();
    let title = if lang.english() {
        format!(
            "Checklist items within {:.0} m ({unit_en}, {} of {total})",
            report.summary.radius_m,
            if walking { "on foot" } else { "straight line" }
        )
    } else {
        format!(
            "{unit_zh}{:.0} 米内满足配套项数（共 {total} 项，{}）",
            report.summary.radius_m,
            if walking { "沿路网步行" } else { "直线" }
        )
    };
    let font = FontId::proportional(12.0);
    let origin = rect.left_top() + vec2(10.0, 10.0);
    let counts = class_counts(report, walking);
    let labels = class_labels(total);
    let title_w = painter.layout_no_wrap(title.clone(), font.clone(), Color32::BLACK).size().x;
    let h = 20.0 + 18.0 * COVERAGE_CLASSES.len() as f32 + 4.0;
    let bg = egui::Rect::from_min_size(origin, vec2(title_w.max(170.0) + 16.0, h));
    painter.rect_filled(bg, 4.0, Color32::from_white_alpha(225));
    painter.text(origin + vec2(8.0, 5.0), Align2::LEFT_TOP, title, font.clone(), Color32::BLACK);
    for (k, (_, color)) in COVERAGE_CLASSES.iter().enumerate() {
        let y = origin.y + 24.0 + 18.0 * k as f32;
        let sw = egui::Rect::from_min_size(Pos2::new(origin.x + 8.0, y), vec2(22.0, 13.0));
        painter.rect_filled(sw, 2.0, color.gamma_multiply(0.85));
        let unit = if lang.english() { unit_en } else { unit_zh };
        let text = if lang.english() {
            format!("{} items: {} {unit}", labels[k], counts[k])
        } else {
            format!("{} 项：{} 个{unit}", labels[k], counts[k])
        };
        painter.text(Pos2::new(origin.x + 38.0, y), Align2::LEFT_TOP, text, font.clone(), Color32::BLACK);
    }
}

fn class_counts(report: &CoverageReport, walking: bool) -> [usize; 5] {
    let mut counts = [0usize; 5];
    for row in &report.rows {
        let s = row.share(walking);
        let k = COVERAGE_CLASSES.iter().position(|(min, _)| s >= *min - 1e-9).unwrap_or(4);
        counts[k] += 1;
    }
    counts
}

/// Each ring's label, at its northernmost point (its first vertex): ring index, anchor, text.
fn ring_label_texts(view: &MapView, c: &CircleView, lang: Lang) -> Vec<(usize, Pos2, String)> {
    let mut labels = Vec::new();
    for (k, ring) in c.report.rings.iter().enumerate() {
        let Some(p) = ring.circle.exterior().coords().next() else { continue };
        let text = if lang.english() {
            format!("{} min (indicative) {}", ring.minutes, format_distance(ring.radius_m))
        } else {
            format!("{}分钟（示意）{}", ring.minutes, format_distance(ring.radius_m))
        };
        labels.push((k, view.lon_lat_to_screen([p.x, p.y]), text));
    }
    labels
}

/// Where the ring labels go, the outermost first; one that would cover another is left out
/// (zoomed out, the small rings' labels would pile up on the centre).
fn ring_labels(
    painter: &egui::Painter,
    labels: Vec<(usize, Pos2, String)>,
) -> Vec<(egui::Rect, std::sync::Arc<egui::Galley>, Color32)> {
    let mut placed: Vec<(egui::Rect, std::sync::Arc<egui::Galley>, Color32)> = Vec::new();
    for (k, top, text) in labels.into_iter().rev() {
        let galley = painter.layout_no_wrap(text, FontId::proportional(12.5), RING_COLORS[k]);
        let rect = Align2::CENTER_BOTTOM.anchor_size(top - vec2(0.0, 3.0), galley.size());
        if !painter.clip_rect().intersects(rect) || placed.iter().any(|(r, _, _)| r.intersects(rect.expand(2.0))) {
            continue;
        }
        placed.push((rect, galley, RING_COLORS[k]));
    }
    placed
}

/// Where the map's own labels must not go while the life circle is drawn: its ring labels and
/// its centre mark, as they will be placed on `view` (the last frame's).
pub(super) fn label_keep_out(app: &AtlasApp, painter: &egui::Painter, view: &MapView) -> Vec<egui::Rect> {
    if app.tool != Tool::LifeCircle && !super::present::shows_life_circle(app) {
        return Vec::new();
    }
    let Some((_, c)) = &app.life_circle.circle else { return Vec::new() };
    let painter = painter.with_clip_rect(view.rect);
    let mut out: Vec<egui::Rect> = ring_labels(&painter, ring_label_texts(view, c, app.lang()))
        .into_iter()
        .map(|(r, _, _)| r.expand(2.0))
        .collect();
    out.push(egui::Rect::from_center_size(view.lon_lat_to_screen(c.report.center), vec2(24.0, 24.0)));
    out
}

fn paint_circle(painter: &egui::Painter, view: &MapView, c: &CircleView, lang: Lang) {
    let to_screen = |p: &[f64; 2]| view.lon_lat_to_screen(*p);
    // Walking areas, largest first, translucent so the map shows through.
    for (k, mesh) in c.walk_meshes.iter().enumerate().rev() {
        let Some(m) = mesh else { continue };
        let fill = RING_COLORS[k].gamma_multiply(0.16);
        let mut out = Mesh::default();
        for v in &m.vertices {
            out.colored_vertex(to_screen(v), fill);
        }
        out.indices.clone_from(&m.indices);
        painter.add(Shape::mesh(out));
        for ring in &m.rings {
            let pts: Vec<Pos2> = ring.iter().map(to_screen).collect();
            painter.add(PathShape::closed_line(pts, PathStroke::new(1.8, RING_COLORS[k])));
        }
    }
    // The streets walked within 15 minutes.
    let street = Stroke::new(2.5, RING_COLORS[2].gamma_multiply(0.8));
    for s in &c.walked {
        painter.line_segment([to_screen(&s[0]), to_screen(&s[1])], street);
    }
    // The straight-line rings: dashed, with a white casing so they read on any basemap.
    for (k, ring) in c.report.rings.iter().enumerate() {
        let mut pts: Vec<Pos2> = ring.circle.exterior().coords().map(|p| view.lon_lat_to_screen([p.x, p.y])).collect();
        let Some(&top) = pts.first() else { continue };
        painter.add(PathShape::closed_line(pts.clone(), PathStroke::new(4.0, Color32::from_white_alpha(150))));
        pts.push(top);
        painter.extend(Shape::dashed_line(&pts, Stroke::new(2.2, RING_COLORS[k]), 9.0, 5.0));
    }
    let labels = ring_label_texts(view, c, lang);
    for (rect, galley, color) in ring_labels(painter, labels) {
        painter.rect_filled(rect.expand(2.0), 3.0, Color32::from_white_alpha(215));
        painter.galley(rect.min, galley, color);
    }
    let center = view.lon_lat_to_screen(c.report.center);
    painter.circle(center, 5.0, Color32::WHITE, Stroke::new(2.0, Color32::from_rgb(200, 0, 60)));
    painter.line_segment(
        [center - vec2(9.0, 0.0), center + vec2(9.0, 0.0)],
        Stroke::new(1.5, Color32::from_rgb(200, 0, 60)),
    );
    painter.line_segment(
        [center - vec2(0.0, 9.0), center + vec2(0.0, 9.0)],
        Stroke::new(1.5, Color32::from_rgb(200, 0, 60)),
    );
}

// ------------------------------------------------------------------------------------------------
// The panel

/// The side panel of the tool.
impl LifeCircleState {
    /// Draw the panel (while the tool is active); a centre picked from a list comes back as a
    /// fit of the map.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.show_panel(app, ui, &mut actions);
        actions
    }

    fn show_panel(&mut self, app: &AtlasApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        self.save = save_dialog::poll_into(self.save.take(), app.lang(), actions);
        self.refresh(&app.layers);
        let lang = app.lang();
        // Drawn in the right dock, as a tab beside the feature details (not a column of its own).
        ui.scope(|ui| {
            ui.heading(lang.t("15分钟生活圈", "15-minute life circle"));
            ui.label(
                RichText::new(lang.t(
                    "GB 50180-2018《城市居住区规划设计标准》。在地图上单击放置圆心，或在下方选择社区、网格或片区。圆圈仅为示意，标准以步行距离为准。",
                    "GB 50180-2018 residential planning standard. Click the map to place the centre, or pick a community, grid or district below. Circles are indicative; the standard measures walking distance.",
                ))
                .weak(),
            );
            ui.separator();
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                self.centre_section(app, ui, lang, actions);
                ui.separator();
                self.settings_section(app, ui, lang);
                ui.separator();
                self.results_section(ui, lang);
                ui.separator();
                self.coverage_section(app, ui, lang);
            });
        });
    }

    fn centre_section(&mut self, app: &AtlasApp, ui: &mut egui::Ui, lang: Lang, actions: &mut Vec<Action>) {
        match self.center {
            Some(c) => ui.label(format!("{} {:.5}°E, {:.5}°N", lang.t("圆心", "Centre"), c[0], c[1])),
            None => ui.label(RichText::new(lang.t("尚未放置圆心", "No centre placed yet")).italics()),
        };
        let mut chosen: Option<[f64; 2]> = None;
        let current = PICK_LAYERS.iter().find(|(k, _, _)| *k == self.pick_layer).unwrap_or(&PICK_LAYERS[0]);
        egui::ComboBox::new("lc_pick_layer", lang.t("按类型选取圆心", "Pick the centre from"))
            .selected_text(lang.t(current.1, current.2))
            .width(150.0)
            .show_ui(ui, |ui| {
                for (key, zh, en) in PICK_LAYERS {
                    if app.layer(key).is_some() {
                        ui.selectable_value(&mut self.pick_layer, key, lang.t(zh, en));
                    }
                }
            });
        if let Some(e) = app.layer(self.pick_layer) {
            egui::ComboBox::new("lc_pick_feature", lang.t("以其内部点为圆心", "centred on its interior point"))
                .selected_text(lang.t("选择…", "choose…"))
                .width(150.0)
                .height(360.0)
                .show_ui(ui, |ui| {
                    for f in &e.layer.features {
                        let name = f.display_name(lang.english()).unwrap_or("—");
                        if ui.selectable_label(false, name).clicked() {
                            chosen = f.geometry.as_ref().and_then(representative_point);
                        }
                    }
                });
        }
        let selected_point = app
            .selection
            .as_ref()
            .and_then(|s| app.layer(&s.layer).and_then(|e| e.layer.features.get(s.feature)))
            .and_then(|f| f.geometry.as_ref())
            .and_then(representative_point);
        let button = ui
            .add_enabled(
                selected_point.is_some(),
                egui::Button::new(lang.t("以所选要素为圆心", "Centre on the selected feature")),
            )
            .on_hover_text(lang.t(
                "用“选择”工具或搜索选中一个要素，以其内部点为圆心",
                "Select a feature (Select tool or search); its interior point becomes the centre",
            ));
        if button.clicked() {
            chosen = selected_point;
        }
        if let Some(c) = chosen {
            self.center = Some(c);
            actions.push(Action::Fit(circle_bbox(self.params.radius_m(Level::Min15), c)));
        }
    }

    fn settings_section(&mut self, app: &AtlasApp, ui: &mut egui::Ui, lang: Lang) {
        ui.label(RichText::new(lang.t("半径与步速", "Radii and walking speed")).strong());
        let st = &mut *self;
        egui::Grid::new("lc_params").num_columns(3).spacing([10.0, 4.0]).show(ui, |ui| {
            for (k, minutes) in RING_MINUTES.iter().enumerate() {
                let label = ui.label(RichText::new(lang_minutes(lang, *minutes)).color(RING_COLORS[k]));
                ui.add(
                    egui::DragValue::new(&mut st.params.radii_m[k]).range(10.0..=MAX_RADIUS_M).speed(5.0).suffix(" m"),
                )
                .labelled_by(label.id);
                ui.label(format!(
                    "≈ {:.1} {}",
                    st.params.minutes_for(st.params.radii_m[k]),
                    lang.t("分钟步行", "min on foot")
                ));
                ui.end_row();
            }
            let label = ui.label(lang.t("步速", "Walking speed"));
            ui.add(
                egui::DragValue::new(&mut st.params.speed_m_per_min).range(10.0..=200.0).speed(1.0).suffix(" m/min"),
            )
            .labelled_by(label.id);
            ui.label("");
            ui.end_row();
        });
        ui.horizontal(|ui| {
            if ui
                .button(lang.t("按步速推算半径", "Radii from speed"))
                .on_hover_text(lang.t("半径 = 分钟 × 步速", "radius = minutes × speed"))
                .clicked()
            {
                st.params.radii_m = st.params.radii_from_speed();
            }
            if ui
                .button(lang.t("恢复标准值", "Standard values"))
                .on_hover_text(lang.t("300 / 500 / 1000 米，60 米/分钟", "300 / 500 / 1000 m, 60 m/min"))
                .clicked()
            {
                st.params = CircleParams { radii_m: DEFAULT_RADII_M, ..CircleParams::default() };
            }
        });
        ui.checkbox(&mut st.use_network, lang.t("沿路网计算步行距离", "Walking distance along streets"));
        if st.use_network {
            let current =
                app.layers.iter().find(|e| e.layer.key == st.network_layer).map(|e| e.layer.name(lang.english()));
            let mut chosen = None;
            egui::ComboBox::new("lc_network_layer", lang.t("路网图层", "Street layer"))
                .selected_text(current.unwrap_or(lang.t("（无）", "(none)")))
                .show_ui(ui, |ui| {
                    for e in app.layers.iter().filter(|e| e.layer.main_kind() == GeometryKind::Line) {
                        if ui.selectable_label(e.layer.key == st.network_layer, e.layer.name(lang.english())).clicked()
                        {
                            chosen = Some(e.layer.key.clone());
                        }
                    }
                });
            if let Some(k) = chosen {
                st.network_layer = k;
            }
            match &st.network {
                Some(NetworkCache { result: Ok((net, _)), .. }) => {
                    ui.label(
                        RichText::new(format!(
                            "{}{}",
                            if lang.english() {
                                format!("Network: {} nodes, {} segments. ", net.node_count(), net.edge_count())
                            } else {
                                format!("路网：{} 个节点、{} 条路段。", net.node_count(), net.edge_count())
                            },
                            lang.t(
                                "只沿该图层的道路步行，圆心和设施到最近道路的直线距离计入；小区内部道路未计入，结果偏保守。",
                                "Walks follow this layer's streets only, plus the straight walk from the centre and from each facility to its nearest street; paths inside blocks are not included, so the result is conservative."
                            )
                        ))
                        .weak(),
                    );
                }
                Some(NetworkCache { result: Err(e), .. }) => {
                    ui.colored_label(Color32::from_rgb(200, 30, 30), e.message(lang.english()));
                }
                None => {
                    ui.label(RichText::new(lang.t("未找到该线图层", "That line layer is not open")).weak());
                }
            }
        }
        if let Err(e) = st.params.validate() {
            ui.colored_label(Color32::from_rgb(200, 30, 30), e.message(lang.english()));
        }
    }

    fn results_section(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let Some((_, view)) = &self.circle else {
            ui.label(
                lang.t("放置圆心后显示各圈设施与配套清单。", "Place a centre to see the facilities and the checklist."),
            );
            return;
        };
        let r = &view.report;
        let walking = r.network_access_m.is_some();
        let en = lang.english();
        // ---- Facilities per ring ----
        ui.label(RichText::new(lang.t("各圈设施数", "Facilities per ring")).strong());
        if walking {
            ui.label(RichText::new(lang.t("每格：直线 / 沿路网步行", "each cell: straight line / on foot")).weak());
        }
        egui::Grid::new("lc_counts").num_columns(4).striped(true).spacing([10.0, 3.0]).show(ui, |ui| {
            ui.label(lang.t("类别", "Category"));
            for (k, ring) in r.rings.iter().enumerate() {
                ui.label(RichText::new(lang_minutes(lang, ring.minutes)).color(RING_COLORS[k]).strong());
            }
            ui.end_row();
            let categories: Vec<&String> =
                r.rings.last().map(|ring| ring.facilities.keys().collect()).unwrap_or_default();
            let mut ordered: Vec<&String> = CHECKLIST
                .iter()
                .filter_map(|i| categories.iter().find(|c| c.as_str() == i.category).copied())
                .collect();
            ordered.extend(categories.iter().filter(|c| checklist_item(c).is_none()).copied());
            for cat in ordered {
                ui.label(category_name(cat, en));
                for ring in &r.rings {
                    let n = ring.facilities.get(cat).copied().unwrap_or(0);
                    let cell = match ring.network_facilities.as_ref() {
                        Some(m) => format!("{n} / {}", m.get(cat).copied().unwrap_or(0)),
                        None => n.to_string(),
                    };
                    ui.label(if n == 0 { RichText::new(cell).weak() } else { RichText::new(cell) });
                }
                ui.end_row();
            }
        });
        if walking {
            ui.label(RichText::new(lang.t("步行可达面积 / 圆面积", "Walkable area / circle area")).strong());
            for (k, ring) in r.rings.iter().enumerate() {
                if let Some(a) = ring.network_area_m2 {
                    let pct = if ring.circle_area_m2 > 0.0 { 100.0 * a / ring.circle_area_m2 } else { 0.0 };
                    ui.label(
                        RichText::new(format!(
                            "{}: {:.2} / {:.2} km² ({pct:.0}%)",
                            lang_minutes(lang, ring.minutes),
                            a / 1e6,
                            ring.circle_area_m2 / 1e6
                        ))
                        .color(RING_COLORS[k]),
                    );
                }
            }
            if let Some(a) = r.network_access_m {
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        lang.t("圆心到最近道路", "Centre to nearest street"),
                        format_distance(a)
                    ))
                    .weak(),
                );
            }
        }
        // ---- Checklist ----
        ui.add_space(6.0);
        ui.label(RichText::new(lang.t("配套设施清单（GB 50180-2018）", "Facility checklist (GB 50180-2018)")).strong());
        ui.label(
            RichText::new(
                lang.t(
                    "每一级也须具备下一级的全部设施",
                    "Each level must also have every facility of the levels below",
                ),
            )
            .weak(),
        );
        for level in Level::ALL.iter().rev() {
            let (ok, all) = r.level_score(*level);
            let (zh, en_name) = level.label();
            let walk = r
                .level_network_score(*level)
                .map(|(w, _)| format!(" · {} {w}/{all}", lang.t("步行", "walking")))
                .unwrap_or_default();
            let title = format!(
                "{} · {} · {} {ok}/{all}{walk}",
                lang.t(zh, en_name),
                format_distance(self.params.radius_m(*level)),
                lang.t("直线", "straight")
            );
            egui::CollapsingHeader::new(title)
                .id_salt(("lc_level", level.minutes()))
                .default_open(*level == Level::Min15)
                .show(ui, |ui| {
                    egui::Grid::new(("lc_checklist", level.minutes()))
                        .num_columns(3)
                        .striped(true)
                        .spacing([8.0, 3.0])
                        .show(ui, |ui| {
                            ui.label(lang.t("设施", "Facility"));
                            ui.label(lang.t("直线", "Straight line"));
                            ui.label(lang.t("沿路网步行", "On foot"));
                            ui.end_row();
                            for e in r.level_entries(*level) {
                                let item = checklist_item(&e.category);
                                let name = item.map(|i| i.name(en).to_owned()).unwrap_or_else(|| e.category.clone());
                                let label = ui.label(name);
                                if let Some(i) = item {
                                    let (cz, ce) = i.concern.label();
                                    label.on_hover_text(format!(
                                        "{}：{} · {}",
                                        lang.t("标准条目", "Standard item"),
                                        lang.t(i.standard_zh, i.standard_en),
                                        lang.t(cz, ce)
                                    ));
                                }
                                ui.label(present_text(lang, Some(e.present), e.nearest_m));
                                ui.label(present_text(lang, e.network_present, e.network_nearest_m));
                                ui.end_row();
                            }
                        });
                });
        }
        // ---- Who the 15-minute ring covers ----
        ui.add_space(6.0);
        ui.label(RichText::new(lang.t("十五分钟圈覆盖", "Covered by the 15-minute ring")).strong());
        ui.label(format!(
            "{} {} · {} {} · {} {:.0} {}",
            r.communities.len(),
            lang.t("个社区", "communities"),
            r.grids.len(),
            lang.t("个网格", "grids"),
            lang.t("约", "about"),
            r.households_covered,
            lang.t("户（按面积比例）", "households (pro rata by area)")
        ));
        egui::CollapsingHeader::new(lang.t("涉及的社区", "Communities touched"))
            .id_salt("lc_touched_communities")
            .show(ui, |ui| {
                for c in &r.communities {
                    ui.label(format!(
                        "{} · {} · {:.0}% · {:.0} {}",
                        c.name,
                        c.parent.as_deref().unwrap_or("—"),
                        100.0 * c.share_inside,
                        c.households_inside.unwrap_or(0.0),
                        lang.t("户", "households")
                    ));
                }
            });
        egui::CollapsingHeader::new(lang.t("涉及的网格", "Grids touched")).id_salt("lc_touched_grids").show(ui, |ui| {
            for g in &r.grids {
                ui.label(format!("{} · {:.0}%", g.name, 100.0 * g.share_inside));
            }
        });
    }

    fn coverage_section(&mut self, app: &AtlasApp, ui: &mut egui::Ui, lang: Lang) {
        let st = &mut *self;
        ui.checkbox(&mut st.coverage, lang.t("覆盖模式：按配套清单着色", "Coverage mode: colour by the checklist"));
        if !st.coverage {
            return;
        }
        ui.horizontal(|ui| {
            ui.radio_value(&mut st.coverage_unit, CoverageUnit::Communities, lang.t("社区", "Communities"));
            ui.radio_value(&mut st.coverage_unit, CoverageUnit::Grids, lang.t("网格", "Grids"));
        });
        let has_network = st.network_context().is_some();
        ui.horizontal(|ui| {
            ui.radio_value(&mut st.coverage_by_walking, false, lang.t("直线距离", "Straight line"));
            ui.add_enabled_ui(has_network, |ui| {
                ui.radio_value(&mut st.coverage_by_walking, true, lang.t("沿路网步行", "On foot"));
            });
        });
        if !has_network {
            st.coverage_by_walking = false;
        }
        // The first frame after switching on computes it (refresh runs before the panel next frame).
        let Some((_, report)) = &st.coverage_cache else {
            ui.label(lang.t("计算中…", "Computing…"));
            ui.ctx().request_repaint();
            return;
        };
        if report.unit != st.coverage_unit {
            ui.ctx().request_repaint();
        }
        // ---- Legend ----
        let counts = class_counts(report, st.coverage_by_walking);
        let labels = class_labels(CHECKLIST.len());
        let (unit_zh, unit_en) = report.unit.label();
        for (k, (_, color)) in COVERAGE_CLASSES.iter().enumerate() {
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(vec2(22.0, 13.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, *color);
                ui.label(if lang.english() {
                    format!("{} items met: {} {unit_en}", labels[k], counts[k])
                } else {
                    format!("满足 {} 项：{} 个{unit_zh}", labels[k], counts[k])
                });
            });
        }
        // ---- Summary ----
        let lines = report.summary_lines(lang.english());
        if let Some(first) = lines.first() {
            ui.label(RichText::new(first).strong());
        }
        egui::CollapsingHeader::new(lang.t("分项统计", "By item"))
            .id_salt("lc_coverage_items")
            .default_open(true)
            .show(ui, |ui| {
                for l in lines.iter().skip(1) {
                    ui.label(l);
                }
            });
        if ui
            .button(lang.t("导出 CSV", "Export CSV"))
            .on_hover_text(lang.t("UTF-8（带 BOM），Excel 可直接打开", "UTF-8 with BOM, opens in Excel"))
            .clicked()
        {
            let report = report.clone();
            let english = lang.english();
            let name = match report.unit {
                CoverageUnit::Communities => "coverage_communities.csv",
                CoverageUnit::Grids => "coverage_grids.csv",
            };
            st.save = Some(save_dialog::save_async(
                &app.egui_ctx,
                lang.t("导出覆盖统计", "Export coverage"),
                name,
                FileKind { name: "CSV", extensions: &["csv"] },
                move || Ok(report.to_csv(english).into_bytes()),
            ));
        }
    }
}

/// A point inside a polygon (or on a line, or the point itself).
fn representative_point(g: &Geometry<f64>) -> Option<[f64; 2]> {
    g.interior_point().map(|p| [p.x(), p.y()])
}

fn lang_minutes(lang: Lang, minutes: u32) -> String {
    if lang.english() { format!("{minutes} min") } else { format!("{minutes}分钟") }
}

fn present_text(lang: Lang, present: Option<bool>, distance_m: Option<f64>) -> RichText {
    let d = distance_m.map(format_distance);
    match present {
        None => RichText::new("—").weak(),
        Some(true) => RichText::new(format!("{} {}", lang.t("有", "yes"), d.unwrap_or_default()))
            .color(Color32::from_rgb(20, 130, 50)),
        Some(false) => RichText::new(format!(
            "{} {}",
            lang.t("缺", "missing"),
            d.map(|d| format!("{} {d}", lang.t("最近", "nearest")))
                .unwrap_or_else(|| lang.t("无此设施", "none").to_owned())
        ))
        .color(Color32::from_rgb(200, 30, 30)),
    }
}
