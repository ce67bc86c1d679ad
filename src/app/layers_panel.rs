//! The left panel: layers, top first, with visibility, opacity, counts, zoom-to and order.

use egui::{Panel, RichText, Slider};

use super::actions::{Action, LayerEdit};
use super::{AtlasApp, Lang, LayerEntry};
use crate::model::GeometryKind;
use crate::model::{Classification, Layer, LayerOrigin, Style};
use crate::render::to_color32;

/// Draw the panel. Each layer's edits (visibility, opacity, style, how its file is read) come
/// back as one [`Action::EditLayer`], before the other actions of the layer list.
/// While comparing, the ticks here are not what every view shows: say where the views' layers
/// are chosen.
fn comparing_note(app: &AtlasApp, ui: &mut egui::Ui, lang: super::Lang, actions: &mut Vec<Action>) {
    let c = &app.compare;
    if !c.active || c.spec.views.iter().all(|v| v.layers.is_none()) {
        return;
    }
    let text = lang.t("对比中：各视图的图层在“对比”窗口中选择", "Comparing: each view's layers are chosen in Compare");
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(text).small().color(ui.visuals().warn_fg_color));
        if !c.window_open && ui.small_button(lang.t("对比设置", "Compare settings")).clicked() {
            actions.push(Action::Toggle(super::actions::Window::Compare));
        }
    });
}

pub(super) fn layers_panel(app: &AtlasApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang();
    let count = app.layers.len();
    let mut edits = Vec::new();
    let mut actions = Vec::new();
    Panel::left("layers").resizable(true).default_size(270.0).show(ui, |ui| {
        ui.heading(lang.t("图层", "Layers"));
        loads_in_progress(app, ui);
        comparing_note(app, ui, lang, &mut actions);
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for idx in (0..count).rev() {
                let e = &app.layers[idx];
                let mut edit = LayerEdit::of(e);
                layer_row(ui, e, &mut edit, idx, count, lang, &mut actions);
                layer_details(ui, e, &mut edit, idx, lang, &mut actions);
                if edit != LayerEdit::of(e) {
                    edits.push(Action::EditLayer { key: e.layer.key.clone(), edit: Box::new(edit) });
                }
                ui.add_space(2.0);
            }
        });
    });
    edits.extend(actions);
    edits
}

/// A layer's two lines: visibility, name and count; opacity, zoom-to and order.
fn layer_row(
    ui: &mut egui::Ui,
    e: &LayerEntry,
    edit: &mut LayerEdit,
    idx: usize,
    count: usize,
    lang: Lang,
    actions: &mut Vec<Action>,
) {
    let name = e.layer.name(lang.english()).to_owned();
    ui.horizontal(|ui| {
        swatch(ui, &e.layer);
        let row = ui.checkbox(&mut edit.visible, RichText::new(&name).strong());
        if matches!(e.layer.origin, LayerOrigin::File { .. }) {
            row.context_menu(|ui| {
                if ui.button(lang.t("历史版本…", "Versions…")).clicked() {
                    ui.close();
                    actions.push(Action::OpenHistory(Some(e.layer.key.clone())));
                }
            });
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(RichText::new(format!("{}", e.layer.features.len())).weak())
                .on_hover_text(lang.t("要素数", "feature count"));
        });
    });
    ui.horizontal(|ui| {
        ui.add_space(22.0);
        ui.add(Slider::new(&mut edit.style.opacity, 0.0..=1.0).show_value(false))
            .on_hover_text(lang.t("不透明度", "Opacity"));
        if ui
            .small_button(lang.t("缩放至", "Zoom"))
            .on_hover_text(format!("{} {name}", lang.t("缩放至", "Zoom to")))
            .clicked()
            && let Some(b) = e.layer.bbox
        {
            actions.push(Action::Fit(b));
        }
        if ui
            .add_enabled(idx + 1 < count, egui::Button::new("▲").small())
            .on_hover_text(lang.t("上移", "Move up"))
            .clicked()
        {
            actions.push(Action::MoveLayer { from: idx, to: idx + 1 });
        }
        if ui.add_enabled(idx > 0, egui::Button::new("▼").small()).on_hover_text(lang.t("下移", "Move down")).clicked()
        {
            actions.push(Action::MoveLayer { from: idx, to: idx - 1 });
        }
    });
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

/// Progress bars with a cancel button for files being read.
fn loads_in_progress(app: &AtlasApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    for job in app.loader.jobs() {
        let name = job.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        ui.horizontal(|ui| {
            let mb = |b: u64| b as f64 / 1_048_576.0;
            let read = job.bytes_read.load(std::sync::atomic::Ordering::Relaxed);
            ui.add(egui::ProgressBar::new(job.fraction()).desired_width(170.0).text(format!(
                "{name} {:.1}/{:.1} MB",
                mb(read),
                mb(job.total_bytes)
            )));
            if ui.small_button(lang.t("取消", "Cancel")).clicked() {
                job.cancel();
            }
        });
    }
}

/// The collapsible part of a layer row: style, classification, labels, and for files the
/// coordinate system, auto-reload, errors and the change list.
fn layer_details(
    ui: &mut egui::Ui,
    e: &LayerEntry,
    edit: &mut LayerEdit,
    idx: usize,
    lang: Lang,
    actions: &mut Vec<Action>,
) {
    let has_error = e.last_error.is_some();
    let title = if has_error { lang.t("详情 ⚠", "Details ⚠") } else { lang.t("详情", "Details") };
    // Just after a reload, open the details so the change list is in view.
    // (Not for the change report's lasting highlight: the planner may close the details meanwhile.)
    let just_reloaded = e.flash.as_ref().is_some_and(|f| f.strength() > 0.97 && !f.is_lasting());
    egui::CollapsingHeader::new(title)
        .id_salt(("layer_details", idx, e.layer.key.clone()))
        .default_open(has_error)
        .open(just_reloaded.then_some(true))
        .show(ui, |ui| {
            if let Some(err) = &e.last_error {
                ui.add(egui::Label::new(RichText::new(err).color(egui::Color32::from_rgb(200, 40, 40)).small()).wrap());
            }
            style_editor(ui, &e.layer, &mut edit.style, lang);
            if e.layer.origin == LayerOrigin::Generated {
                // Results of the app (statistics, overlays, measurements): kept in the workspace,
                // written out in any format, removed when no longer wanted.
                ui.label(
                    RichText::new(lang.t("分析结果，随工作空间保存", "An analysis result, saved with the workspace"))
                        .small()
                        .weak(),
                );
                if let Some(crs) = super::source_panel::export_buttons(ui, e, idx, lang) {
                    actions.push(Action::ExportLayer(e.layer.key.clone(), crs));
                }
                if ui.small_button(lang.t("移除图层", "Remove layer")).clicked() {
                    actions.push(Action::RemoveLayer(e.layer.key.clone()));
                }
            }
            if let LayerOrigin::File { path } = &e.layer.origin {
                ui.label(RichText::new(path.display().to_string()).small().weak());
                ui.horizontal(|ui| {
                    ui.checkbox(&mut edit.auto_reload, lang.t("文件变化时自动重载", "Reload when the file changes"));
                });
                ui.horizontal(|ui| {
                    if ui.small_button(lang.t("重新载入", "Reload")).clicked() {
                        actions.push(Action::ReloadLayer(e.layer.key.clone()));
                    }
                    if ui.small_button(lang.t("移除图层", "Remove layer")).clicked() {
                        actions.push(Action::RemoveLayer(e.layer.key.clone()));
                    }
                    if ui
                        .small_button(lang.t("历史版本…", "Versions…"))
                        .on_hover_text(lang.t("这个文件保留的各个版本", "The versions kept of this file"))
                        .clicked()
                    {
                        actions.push(Action::OpenHistory(Some(e.layer.key.clone())));
                    }
                });
                if super::source_panel::source_settings(ui, e, edit, idx, lang) {
                    actions.push(Action::ReloadLayer(e.layer.key.clone()));
                }
                if let Some(crs) = super::source_panel::export_buttons(ui, e, idx, lang) {
                    actions.push(Action::ExportLayer(e.layer.key.clone(), crs));
                }
                if !e.changes.is_empty() {
                    egui::CollapsingHeader::new(format!("{} ({})", lang.t("变更记录", "Changes"), e.changes.len()))
                        .id_salt(("changes", idx, e.layer.key.clone()))
                        .default_open(true)
                        .show(ui, |ui| {
                            for c in e.changes.iter().rev().take(20) {
                                ui.label(
                                    RichText::new(format!(
                                        "{}  +{} ~{} −{}",
                                        c.at,
                                        c.added.len(),
                                        c.modified.len(),
                                        c.removed.len()
                                    ))
                                    .strong(),
                                );
                                for (sign, names, color) in [
                                    ("+", &c.added, egui::Color32::from_rgb(0, 150, 60)),
                                    ("~", &c.modified, egui::Color32::from_rgb(210, 110, 0)),
                                    ("−", &c.removed, egui::Color32::from_rgb(200, 30, 30)),
                                ] {
                                    for n in names.iter().take(30) {
                                        ui.label(RichText::new(format!("{sign} {n}")).color(color).small());
                                    }
                                }
                            }
                        });
                }
            }
        });
}

/// Colours, width, label field, and classification by a property.
fn style_editor(ui: &mut egui::Ui, layer: &Layer, style: &mut Style, lang: Lang) {
    let keys = layer.property_keys();
    ui.horizontal(|ui| {
        ui.label(lang.t("填充", "Fill"));
        let mut fill =
            egui::Color32::from_rgba_unmultiplied(style.fill.0[0], style.fill.0[1], style.fill.0[2], style.fill.0[3]);
        if ui.color_edit_button_srgba(&mut fill).changed() {
            style.fill = crate::model::Rgba(fill.to_srgba_unmultiplied());
        }
        ui.label(lang.t("边线", "Outline"));
        let mut stroke = egui::Color32::from_rgba_unmultiplied(
            style.stroke.0[0],
            style.stroke.0[1],
            style.stroke.0[2],
            style.stroke.0[3],
        );
        if ui.color_edit_button_srgba(&mut stroke).changed() {
            style.stroke = crate::model::Rgba(stroke.to_srgba_unmultiplied());
        }
        ui.add(egui::DragValue::new(&mut style.stroke_width_pt).range(0.0..=12.0).speed(0.1).suffix(" pt"));
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut style.labels, lang.t("标注", "Labels"));
        egui::ComboBox::new(("label_field", layer.key.clone()), lang.t("标注字段", "Label field"))
            .selected_text(style.label_field.clone())
            .show_ui(ui, |ui| {
                for (k, _) in &keys {
                    ui.selectable_value(&mut style.label_field, k.clone(), k);
                }
            });
    });
    let current = match &style.classification {
        Classification::Single => lang.t("单一颜色", "Single colour").to_owned(),
        Classification::Categorized { field, .. } => format!("{}: {field}", lang.t("按类别", "Categories")),
        Classification::Graduated { field, .. } => format!("{}: {field}", lang.t("分级", "Graduated")),
    };
    let mut chosen: Option<Classification> = None;
    egui::ComboBox::new(("classify", layer.key.clone()), lang.t("分类着色", "Colour by"))
        .selected_text(current)
        .width(180.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(style.classification == Classification::Single, lang.t("单一颜色", "Single colour"))
                .clicked()
            {
                chosen = Some(Classification::Single);
            }
            for (k, numeric) in &keys {
                if ui.selectable_label(false, format!("{}: {k}", lang.t("按类别", "Categories"))).clicked() {
                    chosen = Some(Classification::categorized(&layer.features, k));
                }
                if *numeric && ui.selectable_label(false, format!("{}: {k}", lang.t("分级", "Graduated"))).clicked() {
                    chosen = Some(Classification::graduated(&layer.features, k, 5));
                }
            }
        });
    if let Some(c) = chosen {
        style.classification = c;
    }
}
