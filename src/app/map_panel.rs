//! The map: walkers tiles underneath, our layers painted on top, picking, scale bar and credits.

use egui::{Align2, CentralPanel, Color32, FontId, Pos2, Stroke, vec2};
use walkers::{Map, Tiles, lon_lat};

use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, FeatureRef, life_circle_panel, measure_tool, multi_select};
use crate::model::PickTolerance;
use crate::render::legend::{legend_rows, legend_size, paint_legend};
use crate::render::{Highlight, LayerCache, MapView, PaintOptions, paint_emphasis, paint_layer, place_labels};

/// Pick tolerance for lines and points, in screen points.
const PICK_TOLERANCE_PT: f64 = 6.0;

pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    // The plain background under the tiles: what shows offline or with no basemap.
    let text_scale = app.overlay_text_scale();
    let paper = if ui.visuals().dark_mode { Color32::from_rgb(38, 42, 48) } else { Color32::from_rgb(242, 239, 233) };
    CentralPanel::default().frame(egui::Frame::NONE.fill(paper)).show(ui, |ui| {
        let rect = ui.available_rect_before_wrap();
        app.last_map_rect = Some(rect);
        if let Some(b) = app.pending_fit.take() {
            // The legend sits at the bottom left over the map: fit beside it, so it covers no
            // data at the fitted view (when the map is wide enough to spare the room).
            let legend_w = if app.persisted.show_legend || app.briefing.presenting {
                let rows = legend_rows(app.layers.iter().map(|e| &e.layer), app.lang().english());
                legend_size(ui.painter(), &rows, 12.0 * text_scale).x + 10.0
            } else {
                0.0
            };
            let inset = if rect.width() > 3.0 * legend_w { legend_w } else { 0.0 };
            let beside = egui::Rect::from_min_max(rect.min + egui::vec2(inset, 0.0), rect.max);
            let (zoom, center) = MapView::fit(beside, b, 30.0, app.projection);
            // The centre of the whole map, for the box centred in the part beside the legend.
            let center = MapView::new(beside, center, zoom, app.projection).screen_to_lon_lat(rect.center());
            app.map_memory.center_at(lon_lat(center[0], center[1]));
            let _ = app.map_memory.set_zoom(zoom);
        }
        // Refresh stale render caches (first frame, reloads, projection changes).
        let projection = app.projection;
        for e in &mut app.layers {
            if e.cache.is_stale(&e.layer, projection, e.generation) {
                e.cache = LayerCache::build(&e.layer, projection, e.generation);
            }
        }
        let lang = app.lang();
        let english = lang.english();
        let selection = app.selection.clone();
        let tool = app.tool;
        // A briefing always shows its legend.
        let show_legend = app.persisted.show_legend || app.briefing.presenting;
        let hover = app.hover.clone();
        let layers = &app.layers;
        let basemap_status = app.tiles.as_ref().map(|t| t.status());
        let attribution = app.tiles.as_ref().and_then(|t| t.credit.clone());
        // A briefing carries the data credit in its own line (present.rs).
        let data_credits = if app.briefing.presenting { Vec::new() } else { app.data_credits() };
        let (base, mut overlays): (Option<&mut dyn Tiles>, Vec<&mut dyn Tiles>) = match app.tiles.as_mut() {
            Some(t) => {
                let mut it = t.layers.iter_mut().map(|l| l as &mut dyn Tiles);
                (it.next(), it.collect())
            }
            None => (None, Vec::new()),
        };
        let default_center = lon_lat(119.197, 36.708);
        let pan_buttons = multi_select::pan_buttons(tool, ui);
        let mut map = Map::new(base, &mut app.map_memory, default_center)
            .with_projection(&projection)
            .zoom_with_ctrl(false)
            .drag_pan_buttons(pan_buttons)
            .double_click_to_zoom(tool != Tool::Measure);
        for o in overlays.drain(..) {
            map = map.with_layer(o, 1.0);
        }
        let paint_started = std::time::Instant::now();
        let out = map.show(ui, |ui, response, projector, _memory| {
            let center = projector.unproject(response.rect.center().to_vec2());
            let view = MapView::new(response.rect, [center.x(), center.y()], projector.zoom(), projection);
            let painter = ui.painter().with_clip_rect(response.rect);
            let mut labels = Vec::new();
            for (rank, e) in layers.iter().enumerate().filter(|(_, e)| e.layer.visible) {
                let highlight = Highlight {
                    selected: selection.as_ref().filter(|s| s.layer == e.layer.key).map(|s| s.feature),
                    hovered: hover.as_ref().filter(|s| s.layer == e.layer.key).map(|s| s.feature),
                };
                paint_layer(
                    &painter,
                    &view,
                    &e.layer,
                    &e.cache,
                    PaintOptions { highlight, english, layer_rank: rank },
                    &mut labels,
                );
                if let Some(flash) = &e.flash {
                    paint_flash(&painter, &view, e, flash);
                }
            }
            place_labels(&painter, labels, 13.0 * text_scale, attribution.is_none() || !ui.visuals().dark_mode);
            scale_bar(&painter, &view, ui.visuals().dark_mode, text_scale);
            if show_legend {
                let rows = legend_rows(layers.iter().map(|e| &e.layer), english);
                paint_legend(
                    &painter,
                    response.rect.left_bottom() + egui::vec2(10.0, -50.0 * text_scale),
                    &rows,
                    12.0 * text_scale,
                    ui.visuals().dark_mode,
                );
            }
            let pointer = response.hover_pos();
            let cursor = pointer.map(|p| view.screen_to_lon_lat(p));
            let picked_hover = cursor.and_then(|ll| pick(layers, &view, ll));
            let clicked = if response.clicked() && tool == Tool::Select {
                response.interact_pointer_pos().map(|p| pick(layers, &view, view.screen_to_lon_lat(p)))
            } else {
                None
            };
            (cursor, picked_hover, clicked, view)
        });
        let (cursor, picked_hover, clicked, view) = out.inner;
        app.last_view = Some(view);
        app.last_paint_ms = paint_started.elapsed().as_secs_f32() * 1000.0;
        app.cursor_lon_lat = cursor;
        app.hover = picked_hover;
        if let Some(hit) = clicked {
            app.selection = hit;
        }
        // Tools get the map's response after it is drawn, and paint on top of the layers.
        let interaction =
            MapInteraction { response: out.response.clone(), view, painter: ui.painter_at(out.response.rect) };
        match app.tool {
            Tool::Select => multi_select::on_map(app, &interaction),
            Tool::LifeCircle => life_circle_panel::on_map(app, &interaction),
            Tool::Measure => measure_tool::on_map(app, &interaction),
            Tool::Nearby => super::analysis_panel::on_map(app, &interaction),
        }
        life_circle_panel::paint_overlay(app, &interaction);
        measure_tool::paint_overlay(app, &interaction);
        multi_select::paint_overlay(app, &interaction);
        let data_line = (!data_credits.is_empty())
            .then(|| format!("{}{}", lang.t("数据 ", "Data "), data_credits.join(lang.t("；", "; "))));
        if attribution.is_some() || data_line.is_some() {
            let (text, url) = attribution.as_ref().map_or(("", ""), |a| (a.text.as_str(), a.url.as_str()));
            attribution_overlay(ui, out.response.rect, text, url, data_line.as_deref());
        }
        if let Some(status) = basemap_status
            && super::basemap_ui::problem_overlay(ui, out.response.rect, lang, &status, &app.persisted.basemap)
        {
            app.basemap_settings.open = true;
        }
    });
}

/// Reload changes, fading out: added in green, modified in orange, removed as red ghosts.
fn paint_flash(painter: &egui::Painter, view: &MapView, e: &super::LayerEntry, flash: &super::files::Flash) {
    let a = flash.strength();
    let fade = |c: Color32| c.gamma_multiply(a.max(0.15));
    for (idx, color) in
        [(&flash.added, Color32::from_rgb(0, 200, 80)), (&flash.modified, Color32::from_rgb(255, 140, 0))]
    {
        for &i in idx {
            if let Some(shape) = e.cache.shapes.get(i) {
                paint_emphasis(painter, view, shape, fade(color), 4.0, e.layer.style.point_radius_pt + 2.0);
            }
        }
    }
    if let Some((layer, _)) = &flash.removed {
        let cache = LayerCache::build_vector(layer, view.projection);
        for shape in cache.shapes.iter() {
            paint_emphasis(
                painter,
                view,
                shape,
                fade(Color32::from_rgb(230, 30, 30)),
                3.0,
                e.layer.style.point_radius_pt + 2.0,
            );
        }
    }
}

/// The topmost visible feature under `lon_lat`.
fn pick(layers: &[super::LayerEntry], view: &MapView, lon_lat: [f64; 2]) -> Option<FeatureRef> {
    let tolerance = PickTolerance { radius_m: PICK_TOLERANCE_PT * view.metres_per_point() };
    layers.iter().rev().filter(|e| e.layer.visible).find_map(|e| {
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
fn attribution_overlay(ui: &mut egui::Ui, rect: egui::Rect, text: &str, url: &str, data: Option<&str>) {
    let pos: Pos2 = rect.right_bottom() - vec2(6.0, 6.0);
    egui::Area::new(egui::Id::unique("attribution"))
        .fixed_pos(pos)
        .pivot(Align2::RIGHT_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::NONE
                .fill(Color32::from_white_alpha(200))
                .inner_margin(egui::Margin::symmetric(6, 2))
                .corner_radius(3.0)
                .show(ui, |ui| {
                    ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
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
        });
}
