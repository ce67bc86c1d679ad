//! The measure tool: clicked polylines and polygons measured geodesically, live.
//!
//! Clicks add vertices (snapped to the nearest vertex of a visible layer within
//! [`SNAP_RADIUS_PT`]); a double-click, Enter or a click on the first vertex of an area finishes;
//! Esc cancels; Backspace takes back the last vertex. A finished measurement can be kept as a
//! generated layer, exported as GeoJSON, or (for an area) used to select the features inside it.

use egui::{Color32, Key, Pos2, RichText, Shape, Stroke};
use geo::CoordsIter;
use serde_json::{Value, json};

use super::format::number;
use super::save_dialog::{self, FileKind, PendingSave};
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, Lang, LayerEntry, multi_select};
use crate::analysis::measure::{AreaUnits, path_length_m, ring_area_m2, ring_perimeter_m, ring_polygon};
use crate::io::export::{features_geojson, properties};
use crate::model::{Feature, Layer, LayerOrigin, Rgba, Style};
use crate::render::MapView;

/// How close, in screen points, the pointer must be to a vertex to snap to it.
pub const SNAP_RADIUS_PT: f32 = 8.0;
/// The key of the generated layer that collects kept measurements.
pub const MEASURE_LAYER: &str = "measurements";

const LINE_COLOR: Color32 = Color32::from_rgb(220, 20, 120);

/// What the tool measures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MeasureMode {
    /// Length of a polyline.
    #[default]
    Distance,
    /// Area and perimeter of a polygon.
    Area,
}

/// The measure tool's state.
pub struct MeasureState {
    /// Distance or area.
    pub mode: MeasureMode,
    /// The clicked vertices, lon/lat.
    pub vertices: Vec<[f64; 2]>,
    /// Whether the measurement is finished (the next click starts a new one).
    pub finished: bool,
    /// Snap clicks to vertices of visible layers.
    pub snap: bool,
    /// Where the pointer is (snapped), for the rubber band; `None` off the map.
    pointer: Option<[f64; 2]>,
    /// Whether `pointer` is a snapped vertex.
    pointer_snapped: bool,
    /// Whether the current measurement was already kept as a layer.
    kept_current: bool,
    /// Kept measurements so far (for naming them).
    kept: usize,
    save: Option<PendingSave>,
}

impl Default for MeasureState {
    fn default() -> Self {
        Self {
            mode: MeasureMode::Distance,
            vertices: Vec::new(),
            finished: false,
            snap: true,
            pointer: None,
            pointer_snapped: false,
            kept_current: false,
            kept: 0,
            save: None,
        }
    }
}

impl MeasureState {
    /// The vertices with the rubber-band point to the pointer while drawing.
    fn live_points(&self) -> Vec<[f64; 2]> {
        let mut pts = self.vertices.clone();
        if !self.finished
            && let Some(p) = self.pointer
            && !pts.is_empty()
        {
            pts.push(p);
        }
        pts
    }

    /// The geodesic length of the clicked polyline, m.
    pub fn length_m(&self) -> f64 {
        path_length_m(&self.vertices)
    }

    /// The geodesic area of the clicked polygon, m² (0 below three vertices).
    pub fn area_m2(&self) -> f64 {
        ring_area_m2(&self.vertices)
    }

    /// Start over.
    pub fn clear(&mut self) {
        self.vertices.clear();
        self.finished = false;
        self.kept_current = false;
    }

    /// Whether there is something to keep or export.
    fn valid(&self) -> bool {
        match self.mode {
            MeasureMode::Distance => self.vertices.len() >= 2,
            MeasureMode::Area => self.vertices.len() >= 3,
        }
    }

    fn finish(&mut self) {
        if !self.vertices.is_empty() {
            self.finished = true;
        }
    }

    /// The finished measurement as a feature with its figures as properties.
    fn to_feature(&self, n: usize, lang: Lang) -> Option<Feature> {
        if !self.valid() {
            return None;
        }
        let name = format!("{} {n}", lang.t("量算", "Measurement"));
        match self.mode {
            MeasureMode::Distance => {
                let geometry = geo::LineString::from(self.vertices.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
                let props = properties([
                    ("name", json!(name)),
                    ("category", json!("measurement")),
                    ("length_m", round_json(self.length_m(), 2)),
                ]);
                Some(Feature::new(Some(format!("measure-{n}")), Some(geometry.into()), props))
            }
            MeasureMode::Area => {
                let polygon = ring_polygon(&self.vertices)?;
                let a = self.area_m2();
                let u = AreaUnits::from_m2(a);
                let props = properties([
                    ("name", json!(name)),
                    ("category", json!("measurement")),
                    ("area_m2", round_json(a, 1)),
                    ("area_km2", round_json(u.km2, 6)),
                    ("area_ha", round_json(u.hectares, 4)),
                    ("area_mu", round_json(u.mu, 2)),
                    ("perimeter_m", round_json(ring_perimeter_m(&self.vertices), 2)),
                ]);
                Some(Feature::new(Some(format!("measure-{n}")), Some(polygon.into()), props))
            }
        }
    }
}

fn round_json(x: f64, decimals: i32) -> Value {
    let f = 10f64.powi(decimals);
    json!((x * f).round() / f)
}

/// A length as the two readings planners want side by side: km (3 decimals) and m (1 decimal).
pub fn length_readings(length_m: f64) -> (String, String) {
    (format!("{} km", number_fixed(length_m / 1000.0, 3)), format!("{} m", number_fixed(length_m, 1)))
}

/// An area in km², 公顷, 亩 and m².
pub fn area_readings(area_m2: f64, lang: Lang) -> [String; 4] {
    let u = AreaUnits::from_m2(area_m2);
    [
        format!("{} km²", number_fixed(u.km2, 4)),
        format!("{} {}", number_fixed(u.hectares, 2), lang.t("公顷", "ha")),
        format!("{} {}", number_fixed(u.mu, 1), lang.t("亩", "mu")),
        format!("{} m²", number_fixed(area_m2, 0)),
    ]
}

/// A number with thousands separators and exactly `decimals` decimals (readings that change
/// live must not jump in width as trailing zeros come and go).
fn number_fixed(x: f64, decimals: usize) -> String {
    let s = number(x, decimals);
    if decimals == 0 {
        return s;
    }
    let have = s.split_once('.').map_or(0, |(_, f)| f.len());
    let mut s = if have == 0 { format!("{s}.") } else { s };
    s.extend(std::iter::repeat_n('0', decimals - have));
    s
}

/// Handle map input while the measure tool is active, and show the tool's window.
pub(super) fn on_map(app: &mut AtlasApp, map: &MapInteraction) {
    app.measure.save = save_dialog::poll(app.measure.save.take(), app.lang(), &mut app.notices);
    let ctx = map.response.ctx.clone();
    let no_focus = ctx.memory(|m| m.focused().is_none());
    let (esc, enter, backspace, alt) = ctx.input(|i| {
        (i.key_pressed(Key::Escape), i.key_pressed(Key::Enter), i.key_pressed(Key::Backspace), i.modifiers.alt)
    });
    let snap_allowed = app.measure.snap && !alt;
    // Where the pointer is, snapped.
    let hover = map.response.hover_pos();
    let (pointer, snapped) = match hover {
        Some(pos) => match snap_allowed.then(|| snap_vertex(&app.layers, &map.view, pos)).flatten() {
            Some(v) => (Some(v), true),
            None => (Some(map.view.screen_to_lon_lat(pos).to_array()), false),
        },
        None => (None, false),
    };
    let m = &mut app.measure;
    m.pointer = pointer;
    m.pointer_snapped = snapped;
    if no_focus && esc {
        m.clear();
    }
    if no_focus && enter {
        m.finish();
    }
    if no_focus && backspace && !m.finished {
        m.vertices.pop();
    }
    // egui counts a quick click after a double-click as a triple-click (its check ignores where the
    // earlier click was), so fast clicking through vertices can end on either.
    if map.response.double_clicked() || map.response.triple_clicked() {
        // The first click of the pair normally placed the last vertex already (a frame earlier);
        // if both clicks arrived in one frame, place it now.
        if let Some(pos) = map.response.interact_pointer_pos()
            && !m.finished
            && m.vertices.last().is_none_or(|v| (map.view.lon_lat_to_screen(*v) - pos).length() > 3.0)
        {
            let p = snap_allowed
                .then(|| snap_vertex(&app.layers, &map.view, pos))
                .flatten()
                .unwrap_or_else(|| map.view.screen_to_lon_lat(pos).to_array());
            app.measure.vertices.push(p);
        }
        app.measure.finish();
    } else if map.response.clicked()
        && let Some(pos) = map.response.interact_pointer_pos()
    {
        if m.finished {
            m.clear();
        }
        let closes = m.mode == MeasureMode::Area
            && m.vertices.len() >= 3
            && m.vertices.first().is_some_and(|f| (map.view.lon_lat_to_screen(*f) - pos).length() <= SNAP_RADIUS_PT);
        if closes {
            m.finish();
        } else {
            let p = snap_allowed
                .then(|| snap_vertex(&app.layers, &map.view, pos))
                .flatten()
                .unwrap_or_else(|| map.view.screen_to_lon_lat(pos).to_array());
            app.measure.vertices.push(p);
        }
    }
    measure_window(app, &ctx, map.view.rect);
}

/// The nearest vertex of a visible layer within [`SNAP_RADIUS_PT`] of `pos`.
pub(crate) fn snap_vertex(layers: &[LayerEntry], view: &MapView, pos: Pos2) -> Option<[f64; 2]> {
    let ll = view.screen_to_lon_lat(pos).to_array();
    let radius_m = f64::from(SNAP_RADIUS_PT) * view.metres_per_point() * 1.5;
    // A search box only (spherical metres per degree); the distance test below is in screen points.
    let dlat = radius_m / 111_320.0;
    let dlon = radius_m / (111_320.0 * ll[1].to_radians().cos()).max(1.0);
    let bbox = [ll[0] - dlon, ll[1] - dlat, ll[0] + dlon, ll[1] + dlat];
    let mut best: Option<([f64; 2], f32)> = None;
    for e in layers.iter().filter(|e| e.layer.visible) {
        for i in e.layer.index.query_bbox(bbox) {
            let Some(g) = e.layer.features.get(i).and_then(|f| f.geometry.as_ref()) else { continue };
            for c in g.coords_iter() {
                if c.x < bbox[0] || c.x > bbox[2] || c.y < bbox[1] || c.y > bbox[3] {
                    continue;
                }
                let d = (view.lon_lat_to_screen([c.x, c.y]) - pos).length();
                if d <= SNAP_RADIUS_PT && best.is_none_or(|(_, bd)| d < bd) {
                    best = Some(([c.x, c.y], d));
                }
            }
        }
    }
    best.map(|(p, _)| p)
}

/// The window with the live reading and the tool's actions.
fn measure_window(app: &mut AtlasApp, ctx: &egui::Context, map_rect: egui::Rect) {
    // ---- The window ----
    let lang = app.lang();
    let mut keep = false;
    let mut export = false;
    let mut select_inside = false;
    let mut clear = false;
    egui::Window::new(lang.t("量算结果", "Measurement"))
        .id(egui::Id::unique("measure_window"))
        .default_pos(map_rect.right_top() + egui::vec2(-300.0, 12.0))
        .resizable(false)
        .collapsible(true)
        .show(ctx, |ui| {
            let m = &mut app.measure;
            ui.horizontal(|ui| {
                let before = m.mode;
                ui.selectable_value(&mut m.mode, MeasureMode::Distance, lang.t("距离", "Distance"));
                ui.selectable_value(&mut m.mode, MeasureMode::Area, lang.t("面积", "Area"));
                if m.mode != before {
                    m.kept_current = false;
                    if m.finished {
                        m.clear();
                    }
                }
            });
            ui.checkbox(&mut m.snap, lang.t("吸附顶点", "Snap to vertices"))
                .on_hover_text(lang.t("按住 Alt 临时关闭吸附", "Hold Alt to place a point freely"));
            ui.separator();
            let pts = m.live_points();
            egui::Grid::new("measure_readings").num_columns(2).spacing([12.0, 2.0]).show(ui, |ui| match m.mode {
                MeasureMode::Distance => {
                    let (km, metres) = length_readings(path_length_m(&pts));
                    ui.label(lang.t("长度", "Length"));
                    ui.label(RichText::new(km).strong().size(16.0));
                    ui.end_row();
                    ui.label("");
                    ui.label(metres);
                    ui.end_row();
                    ui.label(lang.t("节点", "Points"));
                    ui.label(pts.len().to_string());
                    ui.end_row();
                }
                MeasureMode::Area => {
                    let [km2, ha, mu, m2] = area_readings(ring_area_m2(&pts), lang);
                    ui.label(lang.t("面积", "Area"));
                    ui.label(RichText::new(km2).strong().size(16.0));
                    ui.end_row();
                    for r in [ha, mu, m2] {
                        ui.label("");
                        ui.label(r);
                        ui.end_row();
                    }
                    ui.label(lang.t("周长", "Perimeter"));
                    ui.label(length_readings(ring_perimeter_m(&pts)).0);
                    ui.end_row();
                }
            });
            ui.label(
                RichText::new(if m.finished {
                    lang.t("已完成。单击地图开始新的量算。", "Finished. Click the map to start a new one.")
                } else {
                    lang.t(
                        "单击添加节点，双击或回车结束，Esc 取消，退格撤销",
                        "Click to add points; double-click or Enter finishes; Esc cancels; Backspace undoes",
                    )
                })
                .weak()
                .small(),
            );
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                let can_keep = m.finished && m.valid() && !m.kept_current;
                keep = ui
                    .add_enabled(can_keep, egui::Button::new(lang.t("保留为图层", "Keep as layer")))
                    .on_hover_text(lang.t("把结果加入“量算记录”图层", "Add the result to the Kept measurements layer"))
                    .clicked();
                export = ui
                    .add_enabled(
                        m.finished && m.valid() || m.kept > 0,
                        egui::Button::new(lang.t("导出 GeoJSON", "Export GeoJSON")),
                    )
                    .clicked();
                if m.mode == MeasureMode::Area {
                    select_inside = ui
                        .add_enabled(
                            m.finished && m.valid(),
                            egui::Button::new(lang.t("选择范围内要素", "Select features inside")),
                        )
                        .clicked();
                }
                clear = ui.button(lang.t("清除", "Clear")).clicked();
            });
        });
    // ---- After drawing: what was asked ----
    if keep {
        keep_as_layer(app);
    }
    if export {
        export_geojson(app);
    }
    if select_inside {
        let ring = app.measure.vertices.clone();
        multi_select::select_in_ring(app, ring);
    }
    if clear {
        app.measure.clear();
    }
}

/// Add the finished measurement to the generated "measurements" layer (created on first use).
fn keep_as_layer(app: &mut AtlasApp) {
    let n = app.measure.kept + 1;
    let Some(feature) = app.measure.to_feature(n, app.lang()) else { return };
    app.measure.kept = n;
    app.measure.kept_current = true;
    let generation = app.bump();
    if let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == MEASURE_LAYER) {
        let mut features = e.layer.features.clone();
        features.push(feature);
        e.layer.set_features(features);
        e.layer.visible = true;
        e.generation = generation;
    } else {
        let style = Style {
            fill: Rgba::rgba(220, 20, 120, 50),
            stroke: Rgba::rgb(220, 20, 120),
            stroke_width_pt: 2.5,
            label_priority: 10.0,
            ..Style::default()
        };
        app.push_layer(Layer::new(
            MEASURE_LAYER,
            "量算记录",
            "Kept measurements",
            LayerOrigin::Generated,
            vec![feature],
            style,
        ));
    }
}

/// Save the kept measurements and the current one as a GeoJSON FeatureCollection.
fn export_geojson(app: &mut AtlasApp) {
    let lang = app.lang();
    let mut features: Vec<Feature> = app.layer(MEASURE_LAYER).map(|e| e.layer.features.clone()).unwrap_or_default();
    if app.measure.finished
        && !app.measure.kept_current
        && let Some(f) = app.measure.to_feature(app.measure.kept + 1, lang)
    {
        features.push(f);
    }
    if features.is_empty() {
        return;
    }
    let make = move || features_geojson(&features).map(String::into_bytes).map_err(|e| e.to_string());
    app.measure.save = Some(save_dialog::save_async(
        &app.egui_ctx,
        lang.t("导出量算结果", "Export measurements"),
        "measurements.geojson",
        FileKind { name: "GeoJSON", extensions: &["geojson", "json"] },
        make,
    ));
}

/// Paint the measurement: the line or polygon, its vertices, the snap target and the running total.
pub(super) fn paint_overlay(app: &AtlasApp, map: &MapInteraction) {
    if app.tool != Tool::Measure {
        return;
    }
    let m = &app.measure;
    let painter = &map.painter;
    let view = &map.view;
    let pts = m.live_points();
    let screen: Vec<Pos2> = pts.iter().map(|p| view.lon_lat_to_screen(*p)).collect();
    if m.mode == MeasureMode::Area && screen.len() >= 3 {
        painter.add(fill_mesh(&screen, Color32::from_rgba_unmultiplied(220, 20, 120, 40)));
        let mut ring = screen.clone();
        if let Some(first) = screen.first() {
            ring.push(*first);
        }
        painter.add(Shape::line(ring, Stroke::new(2.5, LINE_COLOR)));
    } else if screen.len() >= 2 {
        painter.add(Shape::line(screen.clone(), Stroke::new(4.5, Color32::from_white_alpha(200))));
        painter.add(Shape::line(screen.clone(), Stroke::new(2.5, LINE_COLOR)));
    }
    for (i, p) in screen.iter().enumerate().take(m.vertices.len()) {
        let r = if i == 0 { 5.0 } else { 4.0 };
        painter.circle(*p, r, Color32::WHITE, Stroke::new(2.0, LINE_COLOR));
    }
    if !m.finished
        && m.pointer_snapped
        && let Some(p) = m.pointer
    {
        painter.circle_stroke(
            view.lon_lat_to_screen(p),
            SNAP_RADIUS_PT,
            Stroke::new(2.0, Color32::from_rgb(0, 150, 255)),
        );
    }
    // The running total beside the last point.
    if let Some(last) = screen.last() {
        let text = match m.mode {
            MeasureMode::Distance if pts.len() >= 2 => length_readings(path_length_m(&pts)).0,
            MeasureMode::Area if pts.len() >= 3 => {
                let [km2, ha, _, _] = area_readings(ring_area_m2(&pts), app.lang());
                format!("{km2} · {ha}")
            }
            _ => return,
        };
        let font = egui::FontId::proportional(14.0);
        let galley = painter.layout_no_wrap(text, font, Color32::BLACK);
        let rect = egui::Align2::LEFT_BOTTOM.anchor_size(*last + egui::vec2(10.0, -8.0), galley.size()).expand(4.0);
        painter.rect_filled(rect, 3.0, Color32::from_white_alpha(225));
        painter.galley(rect.min + egui::vec2(4.0, 4.0), galley, Color32::BLACK);
    }
}

/// A filled polygon through screen points, concave ones included (the marks' painter's).
fn fill_mesh(pts: &[Pos2], color: Color32) -> Shape {
    crate::render::marks::fill_mesh(pts, color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_decimals_keep_their_width() {
        assert_eq!(number_fixed(1.0, 3), "1.000");
        assert_eq!(number_fixed(1234.5, 1), "1,234.5");
        assert_eq!(number_fixed(1234.0, 1), "1,234.0");
        assert_eq!(number_fixed(0.25, 0), "0");
    }

    #[test]
    fn concave_fill_covers_only_the_inside() {
        let notch =
            [Pos2::new(0.0, 0.0), Pos2::new(2.0, 0.0), Pos2::new(1.0, 0.5), Pos2::new(2.0, 2.0), Pos2::new(0.0, 2.0)];
        let Shape::Mesh(mesh) = fill_mesh(&notch, Color32::RED) else { panic!("not a mesh") };
        // The notch (area 1) stays empty: the triangles add up to 4 − 1, not the convex hull's 4.
        let v = |i: u32| mesh.vertices[i as usize].pos;
        let area: f32 = mesh
            .indices
            .chunks(3)
            .map(|t| {
                ((v(t[1]) - v(t[0])).x * (v(t[2]) - v(t[0])).y - (v(t[1]) - v(t[0])).y * (v(t[2]) - v(t[0])).x).abs()
                    / 2.0
            })
            .sum();
        assert!((area - 3.0).abs() < 1e-4, "{area}");
    }
}
