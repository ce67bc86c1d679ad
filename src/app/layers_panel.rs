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
        ui.label(RichText::new(text).small().color(ui.visuals().warn_fg_color));
        if !c.window_open && ui.small_button(lang.t("对比设置", "Compare settings")).clicked() {
            actions.push(Action::Toggle(super::actions::Window::Compare));
        }
    });
}

/// The groups of the layer tree, top first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Files the planner opened.
    Files,
    /// Analysis results, measurements kept as layers, restored versions.
    Results,
    /// 设施: public service facilities.
    Facilities,
    /// 网格: subdistricts, communities, grids.
    Grids,
    /// 规划: the new town, the development districts, the parks.
    Plan,
    /// 基础: the district outline, rivers, roads, the railway.
    Base,
}

impl Group {
    /// Every group, in the order the tree shows them.
    pub const ALL: [Group; 6] =
        [Group::Files, Group::Results, Group::Facilities, Group::Grids, Group::Plan, Group::Base];

    /// The group a layer belongs to: embedded layers by what they are, files and results by origin.
    pub fn of(layer: &Layer) -> Group {
        match &layer.origin {
            LayerOrigin::File { .. } | LayerOrigin::Remote { .. } => Group::Files,
            LayerOrigin::Generated => Group::Results,
            LayerOrigin::Embedded { file } => match file.trim_end_matches(".geojson") {
                "facilities" => Group::Facilities,
                "subdistricts" | "communities" | "grids" => Group::Grids,
                "southern_new_town" | "development_districts" | "parks" => Group::Plan,
                _ => Group::Base,
            },
        }
    }

    /// The name shown, and kept in workspaces (stable, in English).
    pub fn key(self) -> &'static str {
        match self {
            Group::Files => "files",
            Group::Results => "results",
            Group::Facilities => "facilities",
            Group::Grids => "grids",
            Group::Plan => "plan",
            Group::Base => "base",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            Group::Files => lang.t("打开的文件", "Opened files"),
            Group::Results => lang.t("分析结果", "Results"),
            Group::Facilities => lang.t("设施", "Facilities"),
            Group::Grids => lang.t("网格", "Grids"),
            Group::Plan => lang.t("规划", "Plan"),
            Group::Base => lang.t("基础", "Base"),
        }
    }
}

/// The layer tree: groups that collapse and switch their layers on and off together, one line
/// per layer (drag to reorder; details and the right-click menu for the rest).
#[derive(Default)]
pub struct LayerTree {
    /// Collapsed groups, by [`Group::key`] (saved in the workspace).
    pub collapsed: std::collections::BTreeSet<String>,
    /// Layers whose details are open, by key.
    expanded: std::collections::HashSet<String>,
}

impl LayerTree {
    /// Draw the panel. Each layer's edits (visibility, opacity, style, how its file is read) come
    /// back as one [`Action::EditLayer`], before the other actions of the layer list.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let lang = app.lang();
        let mut edits = Vec::new();
        let mut actions = Vec::new();
        if !app.persisted.panels.layers {
            collapsed_strip(ui, "layers_strip", true, lang.t("图层", "Layers"), &mut actions);
            return actions;
        }
        let max_w = (ui.ctx().content_rect().width() * super::MAX_SIDE_SHARE).max(200.0);
        Panel::left("layers").resizable(true).default_size(260.0).max_size(max_w).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(lang.t("图层", "Layers"));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("«").on_hover_text(lang.t("收起图层面板", "Collapse the layer panel")).clicked()
                    {
                        actions.push(Action::ShowPanel { layers: Some(false), dock: None });
                    }
                });
            });
            loads_in_progress(app, ui);
            comparing_note(app, ui, lang, &mut actions);
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                // The marks are drawn above every layer: their row comes first.
                marks_row(ui, app, &mut actions);
                for group in Group::ALL {
                    let members: Vec<usize> =
                        (0..app.layers.len()).rev().filter(|&i| Group::of(&app.layers[i].layer) == group).collect();
                    if members.is_empty() {
                        continue;
                    }
                    self.group_ui(ui, app, group, &members, &mut edits, &mut actions);
                }
            });
        });
        edits.extend(actions);
        edits
    }

    /// A group's header (collapse, visibility of all its layers, count) and its layers.
    fn group_ui(
        &mut self,
        ui: &mut egui::Ui,
        app: &AtlasApp,
        group: Group,
        members: &[usize],
        edits: &mut Vec<Action>,
        actions: &mut Vec<Action>,
    ) {
        let lang = app.lang();
        let shown = members.iter().filter(|&&i| app.layers[i].layer.visible).count();
        let collapsed = self.collapsed.contains(group.key());
        ui.horizontal(|ui| {
            let hint = if collapsed { lang.t("展开", "Expand") } else { lang.t("折叠", "Collapse") };
            if disclosure(ui, !collapsed).on_hover_text(hint).clicked() {
                if collapsed {
                    self.collapsed.remove(group.key());
                } else {
                    self.collapsed.insert(group.key().to_owned());
                }
            }
            // Ticked when all are shown, half when some are: a click shows all, or hides all.
            let mut all = shown == members.len();
            let check = egui::Checkbox::new(&mut all, RichText::new(group.label(lang)).strong())
                .indeterminate(shown > 0 && shown < members.len());
            if ui.add(check).on_hover_text(lang.t("显示或隐藏整组", "Show or hide the whole group")).changed() {
                let visible = shown < members.len();
                for &i in members {
                    let e = &app.layers[i];
                    if e.layer.visible != visible {
                        let mut edit = LayerEdit::of(e);
                        edit.visible = visible;
                        edits.push(Action::EditLayer { key: e.layer.key.clone(), edit: Box::new(edit) });
                    }
                }
            }
            ui.label(RichText::new(format!("{shown}/{}", members.len())).weak().small())
                .on_hover_text(lang.t("显示的图层数/组内图层数", "layers shown / in the group"));
        });
        if collapsed {
            return;
        }
        for &idx in members {
            let e = &app.layers[idx];
            let mut edit = LayerEdit::of(e);
            self.layer_row(ui, e, &mut edit, idx, lang, actions);
            if self.expanded.contains(&e.layer.key) {
                ui.indent(("layer_details", &e.layer.key), |ui| {
                    layer_details(ui, e, &mut edit, idx, app.layers.len(), lang, actions);
                });
            }
            if edit != LayerEdit::of(e) {
                edits.push(Action::EditLayer { key: e.layer.key.clone(), edit: Box::new(edit) });
            }
        }
        ui.add_space(4.0);
    }

    /// A layer's one line: drag handle, symbol, visibility and name, count, details.
    fn layer_row(
        &mut self,
        ui: &mut egui::Ui,
        e: &LayerEntry,
        edit: &mut LayerEdit,
        idx: usize,
        lang: Lang,
        actions: &mut Vec<Action>,
    ) {
        let name = e.layer.name(lang.english()).to_owned();
        let key = e.layer.key.clone();
        let has_error = e.last_error.is_some();
        // Just after a reload, open the details so the change list is in view (not for the
        // change report's lasting highlight: the planner may close the details meanwhile).
        if has_error || e.flash.as_ref().is_some_and(|f| f.strength() > 0.97 && !f.is_lasting()) {
            self.expanded.insert(key.clone());
        }
        let row = ui.horizontal(|ui| {
            ui.add_space(12.0);
            ui.dnd_drag_source(egui::Id::unique(("layer_drag", &key)), idx, drag_handle)
                .response
                .on_hover_text(lang.t("拖动以调整图层顺序", "Drag to change the drawing order"));
            swatch(ui, &e.layer);
            // The name gives way to the count and 详情 at the right: a long name (English ones
            // are) is cut with "…" rather than drawn under them. The full name is its tooltip.
            let reserve_pt = if lang.english() { 78.0 } else { 62.0 };
            let check = ui
                .scope(|ui| {
                    ui.set_max_width((ui.available_width() - reserve_pt).max(40.0));
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                    ui.checkbox(&mut edit.visible, RichText::new(&name))
                })
                .inner
                .on_hover_text(&name);
            check.context_menu(|ui| {
                row_menu(ui, e, edit, idx, lang, actions);
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let open = self.expanded.contains(&key);
                let details = if has_error { lang.t("详情 ⚠", "Details ⚠") } else { lang.t("详情", "Details") };
                if ui.selectable_label(open, RichText::new(details).small()).clicked() {
                    if open {
                        self.expanded.remove(&key);
                    } else {
                        self.expanded.insert(key.clone());
                    }
                }
                ui.label(RichText::new(format!("{}", e.layer.features.len())).weak().small())
                    .on_hover_text(lang.t("要素数", "feature count"));
            });
        });
        // A dragged layer dropped on this row takes its place.
        let response = row.response;
        if response.dnd_hover_payload::<usize>().is_some_and(|from| *from != idx) {
            let y = response.rect.top();
            ui.painter().hline(response.rect.x_range(), y, egui::Stroke::new(2.0, ui.visuals().selection.bg_fill));
        }
        if let Some(from) = response.dnd_release_payload::<usize>()
            && *from != idx
        {
            actions.push(Action::MoveLayer { from: *from, to: idx });
        }
    }
}

/// The planner's marks (标注): shown or hidden, their count, and in the right-click menu the tool,
/// zoom to, GeoJSON export and import, and removing them all.
fn marks_row(ui: &mut egui::Ui, app: &AtlasApp, actions: &mut Vec<Action>) {
    use super::marks_tool::MarksAction;
    let lang = app.lang();
    let marks = &app.marks;
    let row = ui.horizontal(|ui| {
        let mut shown = !marks.hidden;
        let check = ui.checkbox(&mut shown, RichText::new(lang.t("标注", "Marks")).strong()).on_hover_text(lang.t(
            "显示或隐藏标注；右键：导出、导入、清除",
            "Show or hide the marks; right-click to export, import or clear",
        ));
        if check.changed() {
            actions.push(Action::Marks(MarksAction::SetHidden(!shown)));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button(lang.t("编辑", "Edit"))
                .on_hover_text(lang.t("打开标注工具", "Open the marks tool"))
                .clicked()
            {
                actions.push(Action::Marks(MarksAction::OpenTool));
            }
            ui.label(RichText::new(marks.len().to_string()).weak().small())
                .on_hover_text(lang.t("标注数", "mark count"));
        });
        check
    });
    row.inner.context_menu(|ui| {
        let any = !marks.marks.is_empty();
        let items = [
            (lang.t("标注工具", "Marks tool"), true, MarksAction::OpenTool),
            (lang.t("缩放至标注", "Zoom to the marks"), any, MarksAction::Fit),
            (lang.t("导出标注 GeoJSON…", "Export marks as GeoJSON…"), any, MarksAction::Export),
            (lang.t("从 GeoJSON 导入标注…", "Import marks from GeoJSON…"), true, MarksAction::Import),
            (lang.t("清除全部标注…", "Clear all marks…"), any, MarksAction::AskClear),
        ];
        for (text, enabled, action) in items {
            if ui.add_enabled(enabled, egui::Button::new(text)).clicked() {
                ui.close();
                actions.push(Action::Marks(action));
            }
        }
    });
    ui.add_space(4.0);
}

/// A group's open/closed triangle (drawn: no font has to carry one).
fn disclosure(ui: &mut egui::Ui, open: bool) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(14.0, 16.0), egui::Sense::click());
    let label = if open { "折叠 Collapse" } else { "展开 Expand" };
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
    let c = rect.center();
    let points = if open {
        vec![c + egui::vec2(-4.5, -2.5), c + egui::vec2(4.5, -2.5), c + egui::vec2(0.0, 3.5)]
    } else {
        vec![c + egui::vec2(-2.5, -4.5), c + egui::vec2(3.5, 0.0), c + egui::vec2(-2.5, 4.5)]
    };
    let color = if response.hovered() { ui.visuals().strong_text_color() } else { ui.visuals().text_color() };
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
    response
}

/// Six dots to grab a row by (drawn: no font has to carry a grip symbol).
fn drag_handle(ui: &mut egui::Ui) {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 16.0), egui::Sense::hover());
    let color = if response.hovered() { ui.visuals().strong_text_color() } else { ui.visuals().weak_text_color() };
    for row in 0..3 {
        for col in 0..2 {
            let c = rect.min + egui::vec2(3.0 + 4.0 * col as f32, 4.0 + 4.0 * row as f32);
            ui.painter().circle_filled(c, 1.1, color);
        }
    }
    ui.ctx().set_cursor_icon(if response.hovered() {
        egui::CursorIcon::Grab
    } else {
        ui.ctx().output(|o| o.cursor_icon)
    });
}

/// The right-click menu of a layer: opacity, zoom to, order, versions.
fn row_menu(
    ui: &mut egui::Ui,
    e: &LayerEntry,
    edit: &mut LayerEdit,
    idx: usize,
    lang: Lang,
    actions: &mut Vec<Action>,
) {
    opacity_zoom_order(ui, e, edit, idx, usize::MAX, lang, actions);
    if matches!(e.layer.origin, LayerOrigin::File { .. }) && ui.button(lang.t("历史版本…", "Versions…")).clicked()
    {
        ui.close();
        actions.push(Action::OpenHistory(Some(e.layer.key.clone())));
    }
}

/// Opacity, zoom to and the order buttons (in the details and the right-click menu).
fn opacity_zoom_order(
    ui: &mut egui::Ui,
    e: &LayerEntry,
    edit: &mut LayerEdit,
    idx: usize,
    count: usize,
    lang: Lang,
    actions: &mut Vec<Action>,
) {
    let name = e.layer.name(lang.english());
    ui.horizontal(|ui| {
        let label = ui.label(lang.t("不透明度", "Opacity"));
        ui.add(Slider::new(&mut edit.style.opacity, 0.0..=1.0).show_value(false)).labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        if ui
            .small_button(lang.t("缩放至", "Zoom"))
            .on_hover_text(format!("{} {name}", lang.t("缩放至", "Zoom to")))
            .clicked()
            && let Some(b) = e.layer.bbox
        {
            actions.push(Action::Fit(b));
        }
        if ui.add_enabled(idx + 1 < count, egui::Button::new(lang.t("上移", "Up")).small()).clicked() {
            actions.push(Action::MoveLayer { from: idx, to: idx + 1 });
        }
        if ui.add_enabled(idx > 0, egui::Button::new(lang.t("下移", "Down")).small()).clicked() {
            actions.push(Action::MoveLayer { from: idx, to: idx - 1 });
        }
    });
}

/// A collapsed side panel: a narrow strip with a button that opens it again.
pub(super) fn collapsed_strip(ui: &mut egui::Ui, id: &'static str, left: bool, title: &str, actions: &mut Vec<Action>) {
    let panel = if left { Panel::left(id) } else { Panel::right(id) };
    panel.resizable(false).exact_size(30.0).show(ui, |ui| {
        ui.vertical_centered(|ui| {
            // One button: the arrow and the panel's name, a character a line, so the strip says
            // what it opens.
            let arrow = if left { "»" } else { "«" };
            let name: Vec<String> = title.chars().filter(|c| !c.is_whitespace()).map(String::from).collect();
            let text = format!("{arrow}\n{}", name.join("\n"));
            if ui.button(text).on_hover_text(title).clicked() {
                actions.push(if left {
                    Action::ShowPanel { layers: Some(true), dock: None }
                } else {
                    Action::ShowPanel { layers: None, dock: Some(true) }
                });
            }
        });
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

/// A layer's details: opacity, zoom to and order, style, classification, labels, and for files
/// the coordinate system, auto-reload, errors and the change list.
fn layer_details(
    ui: &mut egui::Ui,
    e: &LayerEntry,
    edit: &mut LayerEdit,
    idx: usize,
    count: usize,
    lang: Lang,
    actions: &mut Vec<Action>,
) {
    opacity_zoom_order(ui, e, edit, idx, count, lang, actions);
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
    }
    if let LayerOrigin::Remote { source } = &e.layer.origin {
        ui.label(RichText::new(source).small().weak());
        ui.label(
            RichText::new(lang.t(
                "PostGIS 数据库表，实时更新：表有变化时自动显示新增、修改和删除的要素",
                "A PostGIS table, live: additions, changes and removals show as the table changes",
            ))
            .small()
            .weak(),
        );
        ui.horizontal(|ui| {
            if ui.small_button(lang.t("移除图层", "Remove layer")).clicked() {
                actions.push(Action::RemoveLayer(e.layer.key.clone()));
            }
        });
        if let Some(crs) = super::source_panel::export_buttons(ui, e, idx, lang) {
            actions.push(Action::ExportLayer(e.layer.key.clone(), crs));
        }
    }
    if matches!(e.layer.origin, LayerOrigin::File { .. } | LayerOrigin::Remote { .. }) && !e.changes.is_empty() {
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
