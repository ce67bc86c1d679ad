//! Selecting many features at once and summing them up: shift-drag a rectangle on the map with
//! the Select tool, or select inside a polygon drawn with the measure tool. A window shows the
//! selection's count, total geodesic area and the sums of its numeric properties, per layer.

use egui::{Color32, Pos2, Rect, RichText, Shape, Stroke};
use serde_json::json;

use super::actions::Action;
use super::attribute_table::key_label;
use super::format::{number, property_value};
use super::measure_tool::MEASURE_LAYER;
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, FeatureRef};
use crate::analysis::measure::{AreaUnits, format_distance, ring_polygon};
use crate::analysis::stats::{SelectionSummary, is_additive_key, select_in_polygon, summarize};

const SELECT_COLOR: Color32 = Color32::from_rgb(0, 170, 220);
/// At most this many feature names are listed in the summary window.
const MAX_LISTED: usize = 40;

/// The multi-selection.
#[derive(Default)]
pub struct MultiSelection {
    /// The selected features.
    pub items: Vec<FeatureRef>,
    /// The ring that selected them (lon/lat), kept to redo the selection for another layer.
    pub area: Option<Vec<[f64; 2]>>,
    /// Select only from this layer; `None` selects from every visible layer.
    pub layer: Option<String>,
    /// Per-layer summaries of `items`, in layer order (top first).
    pub summaries: Vec<(String, SelectionSummary)>,
    /// Where a shift-drag started, on screen.
    drag_from: Option<Pos2>,
    drag_to: Option<Pos2>,
}

/// The buttons that pan the map on drag: the primary one, except while shift is held with the
/// Select tool (that drag draws the selection rectangle; the middle button still pans).
pub(super) fn pan_buttons(tool: Tool, ui: &egui::Ui) -> egui::DragPanButtons {
    if tool == Tool::Select && ui.input(|i| i.modifiers.shift) {
        egui::DragPanButtons::MIDDLE
    } else {
        egui::DragPanButtons::PRIMARY
    }
}

/// Handle shift-drag while the Select tool is active.
pub(super) fn on_map(app: &mut AtlasApp, map: &MapInteraction) {
    let r = &map.response;
    let (shift, origin, esc) =
        r.ctx.input(|i| (i.modifiers.shift, i.pointer.press_origin(), i.key_pressed(egui::Key::Escape)));
    if r.drag_started() && shift {
        app.multi.drag_from = origin.or(r.interact_pointer_pos());
    }
    if app.multi.drag_from.is_some() {
        if r.dragged() {
            app.multi.drag_to = r.interact_pointer_pos();
        }
        if esc {
            app.multi.drag_from = None;
            app.multi.drag_to = None;
        }
    }
    if r.drag_stopped()
        && let (Some(a), Some(b)) = (app.multi.drag_from.take(), app.multi.drag_to.take())
    {
        let rect = Rect::from_two_pos(a, b);
        if rect.width() > 3.0 && rect.height() > 3.0 {
            let ring = [rect.left_top(), rect.right_top(), rect.right_bottom(), rect.left_bottom()]
                .iter()
                .map(|p| map.view.screen_to_lon_lat(*p).to_array())
                .collect();
            select_in_ring(app, ring);
        }
    }
}

/// Select the features whose representative point lies inside `ring` (lon/lat, open or closed).
pub fn select_in_ring(app: &mut AtlasApp, ring: Vec<[f64; 2]>) {
    app.multi.area = Some(ring);
    reselect(app);
}

/// Redo the selection with the stored ring (after the layer choice changed).
fn reselect(app: &mut AtlasApp) {
    let Some(polygon) = app.multi.area.as_deref().and_then(ring_polygon) else {
        app.multi.items.clear();
        app.multi.summaries.clear();
        return;
    };
    let mut items = Vec::new();
    let mut summaries = Vec::new();
    for e in app.layers.iter().rev() {
        let wanted = match &app.multi.layer {
            Some(k) => e.layer.key == *k,
            None => e.layer.visible && e.layer.key != MEASURE_LAYER,
        };
        if !wanted {
            continue;
        }
        let hits = select_in_polygon(&e.layer.features, &e.layer.index, &polygon);
        if hits.is_empty() {
            continue;
        }
        summaries.push((e.layer.key.clone(), summarize(hits.iter().filter_map(|&i| e.layer.features.get(i)))));
        items.extend(hits.into_iter().map(|i| FeatureRef { layer: e.layer.key.clone(), feature: i }));
    }
    app.multi.items = items;
    app.multi.summaries = summaries;
}

/// Clear the multi-selection.
pub fn clear(app: &mut AtlasApp) {
    app.multi.items.clear();
    app.multi.summaries.clear();
    app.multi.area = None;
}

/// Paint the selection: the rectangle being dragged, the selected features and the ring.
pub(super) fn paint_overlay(app: &AtlasApp, map: &MapInteraction) {
    let painter = &map.painter;
    let view = &map.view;
    let fill = Color32::from_rgba_unmultiplied(0, 170, 220, 60);
    let stroke = Stroke::new(2.5, SELECT_COLOR);
    let mut shapes = Vec::new();
    for r in &app.multi.items {
        let Some(shape) = app.map.cache(&r.layer).and_then(|c| c.shapes.get(r.feature)) else { continue };
        for poly in &shape.polygons {
            let mut mesh = egui::epaint::Mesh::default();
            for v in &poly.vertices {
                mesh.colored_vertex(view.to_screen(*v), fill);
            }
            mesh.indices.extend_from_slice(&poly.indices);
            shapes.push(Shape::mesh(mesh));
            for ring in &poly.rings {
                shapes.push(Shape::line(ring.iter().map(|p| view.to_screen(*p)).collect(), stroke));
            }
        }
        for line in &shape.lines {
            shapes.push(Shape::line(line.iter().map(|p| view.to_screen(*p)).collect(), Stroke::new(4.0, SELECT_COLOR)));
        }
        for p in &shape.points {
            shapes.push(Shape::circle_stroke(view.to_screen(*p), 6.0, stroke));
        }
    }
    painter.extend(shapes);
    if let Some(ring) = &app.multi.area {
        let mut pts: Vec<Pos2> = ring.iter().map(|p| view.lon_lat_to_screen(*p)).collect();
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        painter.extend(Shape::dashed_line(&pts, Stroke::new(1.5, SELECT_COLOR), 6.0, 4.0));
    }
    if let (Some(a), Some(b)) = (app.multi.drag_from, app.multi.drag_to) {
        let rect = Rect::from_two_pos(a, b);
        painter.rect(rect, 0.0, Color32::from_rgba_unmultiplied(0, 170, 220, 40), stroke, egui::StrokeKind::Middle);
    }
}

/// The summary window, shown while something is selected.
pub(super) fn summary_window(app: &AtlasApp, ui: &mut egui::Ui) -> Vec<Action> {
    let mut actions = Vec::new();
    if app.multi.area.is_none() {
        return actions;
    }
    // ---- The window ----
    let lang = app.lang();
    let english = lang.english();
    let mut open = true;
    let mut zoom_to = None;
    let mut new_layer = None;
    let mut clear_it = false;
    let mut show_table = None;
    egui::Window::new(lang.t("选择集统计", "Selection summary"))
        .id(egui::Id::unique("selection_summary"))
        .open(&mut open)
        .default_width(320.0)
        .default_pos(ui.ctx().content_rect().right_top() + egui::vec2(-700.0, 80.0))
        .show(ui.ctx(), |ui| {
            let current = match &app.multi.layer {
                None => lang.t("全部可见图层", "All visible layers").to_owned(),
                Some(k) => app.layer(k).map(|e| e.layer.name(english).to_owned()).unwrap_or_else(|| k.clone()),
            };
            egui::ComboBox::new("selection_layer", lang.t("选择图层", "Select from"))
                .selected_text(current)
                .width(170.0)
                .show_ui(ui, |ui| {
                    if ui
                        .selectable_label(app.multi.layer.is_none(), lang.t("全部可见图层", "All visible layers"))
                        .clicked()
                    {
                        new_layer = Some(None);
                    }
                    for e in app.layers.iter().rev().filter(|e| e.layer.key != MEASURE_LAYER) {
                        let label = format!("{} · {}", e.layer.name(english), e.layer.features.len());
                        if ui.selectable_label(app.multi.layer.as_deref() == Some(&e.layer.key), label).clicked() {
                            new_layer = Some(Some(e.layer.key.clone()));
                        }
                    }
                });
            ui.label(
                RichText::new(format!(
                    "{} {} {}",
                    lang.t("共", "In all"),
                    app.multi.items.len(),
                    lang.t("个要素", "features")
                ))
                .strong(),
            );
            ui.label(
                RichText::new(lang.t(
                    "要素的内部点落在范围内即选中。按住 Shift 在地图上拖框重新选择。",
                    "A feature is selected when its inner point lies inside. Shift-drag on the map to select again.",
                ))
                .weak()
                .small(),
            );
            ui.separator();
            egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
                let single = app.multi.summaries.len() == 1;
                for (key, s) in &app.multi.summaries {
                    let Some(e) = app.layer(key) else { continue };
                    let title = format!("{} · {} {}", e.layer.name(english), s.count, lang.t("个", ""));
                    egui::CollapsingHeader::new(RichText::new(title.trim()).strong())
                        .id_salt(("sel", key))
                        .default_open(single || app.multi.summaries.first().is_some_and(|f| f.0 == *key))
                        .show(ui, |ui| {
                            summary_grid(ui, key, s, lang);
                            if ui.small_button(lang.t("在属性表中查看", "Show in the table")).clicked() {
                                show_table = Some(key.clone());
                            }
                            let mut listed = 0;
                            for r in app.multi.items.iter().filter(|r| r.layer == *key).take(MAX_LISTED) {
                                let name = e
                                    .layer
                                    .features
                                    .get(r.feature)
                                    .and_then(|f| f.display_name(english))
                                    .unwrap_or("—");
                                if ui.selectable_label(app.selection.as_ref() == Some(r), name).clicked() {
                                    zoom_to = Some(r.clone());
                                }
                                listed += 1;
                            }
                            if s.count > listed {
                                ui.label(
                                    RichText::new(format!("… {} {}", s.count - listed, lang.t("个未列出", "more")))
                                        .weak(),
                                );
                            }
                        });
                }
            });
            ui.separator();
            clear_it = ui.button(lang.t("清除选择", "Clear selection")).clicked();
        });
    // ---- After drawing: what was asked ----
    if let Some(r) = zoom_to {
        actions.push(Action::SelectAndZoom(r));
    }
    if let Some(l) = new_layer {
        actions.push(Action::MultiSelectLayer(l));
    }
    if let Some(k) = show_table {
        actions.push(Action::TableOfSelection(k));
    }
    if clear_it || !open {
        actions.push(Action::ClearMultiSelection);
    }
    actions
}

/// Summarize the selection of another layer (None: every visible layer).
pub(super) fn select_layer(app: &mut AtlasApp, layer: Option<String>) {
    app.multi.layer = layer;
    reselect(app);
}

/// Count, area, length and the sums and means of the numeric properties of one layer's part.
fn summary_grid(ui: &mut egui::Ui, key: &str, s: &SelectionSummary, lang: super::Lang) {
    egui::Grid::new(("sel_grid", key)).num_columns(3).striped(true).spacing([10.0, 3.0]).show(ui, |ui| {
        ui.label(RichText::new(lang.t("项目", "Item")).weak());
        ui.label(RichText::new(lang.t("合计", "Total")).weak());
        ui.label(RichText::new(lang.t("平均", "Mean")).weak());
        ui.end_row();
        ui.label(lang.t("要素数", "Features"));
        ui.label(s.count.to_string());
        ui.label("");
        ui.end_row();
        if s.area_m2 > 0.0 {
            let u = AreaUnits::from_m2(s.area_m2);
            ui.label(lang.t("面积（椭球）", "Area (geodesic)"));
            ui.label(format!(
                "{} km²\n{} {}\n{} {}",
                number(u.km2, 3),
                number(u.hectares, 1),
                lang.t("公顷", "ha"),
                number(u.mu, 0),
                lang.t("亩", "mu")
            ));
            ui.label(format!("{} km²", number(u.km2 / s.count.max(1) as f64, 3)));
            ui.end_row();
        }
        if s.length_m > 0.0 {
            ui.label(lang.t("长度（椭球）", "Length (geodesic)"));
            ui.label(format_distance(s.length_m));
            ui.label(format_distance(s.length_m / s.count.max(1) as f64));
            ui.end_row();
        }
        for n in &s.stats.numeric {
            ui.label(key_label(&n.key, lang)).on_hover_text(format!("{} · n = {}", n.key, n.count));
            ui.label(if is_additive_key(&n.key) {
                property_value(&n.key, &json!(n.sum), lang)
            } else {
                "—".to_owned()
            });
            ui.label(property_value(&n.key, &json!(n.mean), lang));
            ui.end_row();
        }
    });
}
