//! The left panel: layers, top first, with visibility, opacity, counts, zoom-to and order.

use egui::{Panel, RichText, Slider};

use super::AtlasApp;
use crate::model::GeometryKind;
use crate::render::to_color32;

pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let mut move_up = None;
    let mut move_down = None;
    let mut zoom_to = None;
    let count = app.layers.len();
    Panel::left("layers").resizable(true).default_size(270.0).show(ui, |ui| {
        ui.heading(lang.t("图层", "Layers"));
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for idx in (0..count).rev() {
                let e = &mut app.layers[idx];
                let name = e.layer.name(lang.english()).to_owned();
                ui.horizontal(|ui| {
                    swatch(ui, &e.layer);
                    ui.checkbox(&mut e.layer.visible, RichText::new(&name).strong());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(RichText::new(format!("{}", e.layer.features.len())).weak())
                            .on_hover_text(lang.t("要素数", "feature count"));
                    });
                });
                ui.horizontal(|ui| {
                    ui.add_space(22.0);
                    ui.add(Slider::new(&mut e.layer.style.opacity, 0.0..=1.0).show_value(false))
                        .on_hover_text(lang.t("不透明度", "Opacity"));
                    if ui
                        .small_button(lang.t("缩放至", "Zoom"))
                        .on_hover_text(format!("{} {name}", lang.t("缩放至", "Zoom to")))
                        .clicked()
                    {
                        zoom_to = e.layer.bbox;
                    }
                    if ui
                        .add_enabled(idx + 1 < count, egui::Button::new("▲").small())
                        .on_hover_text(lang.t("上移", "Move up"))
                        .clicked()
                    {
                        move_up = Some(idx);
                    }
                    if ui
                        .add_enabled(idx > 0, egui::Button::new("▼").small())
                        .on_hover_text(lang.t("下移", "Move down"))
                        .clicked()
                    {
                        move_down = Some(idx);
                    }
                });
                ui.add_space(2.0);
            }
        });
    });
    if let Some(i) = move_up {
        app.layers.swap(i, i + 1);
    }
    if let Some(i) = move_down {
        app.layers.swap(i, i - 1);
    }
    if let Some(b) = zoom_to {
        app.fit(b);
    }
}

/// A small legend swatch: fill and outline for areas, a stroke for lines, a dot for points.
fn swatch(ui: &mut egui::Ui, layer: &crate::model::Layer) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), egui::Sense::hover());
    let p = ui.painter();
    let s = &layer.style;
    let stroke = egui::Stroke::new(2.0, to_color32(s.stroke, 1.0));
    match layer.main_kind() {
        GeometryKind::Line => {
            p.line_segment([rect.left_center(), rect.right_center()], stroke);
        }
        GeometryKind::Point => {
            p.circle(rect.center(), 4.5, to_color32(s.stroke, 1.0), egui::Stroke::new(1.0, egui::Color32::WHITE));
        }
        _ => {
            let r = rect.shrink(2.0);
            p.rect_filled(r, 2.0, to_color32(s.fill, 1.0));
            p.rect_stroke(r, 2.0, stroke, egui::StrokeKind::Inside);
        }
    }
}
