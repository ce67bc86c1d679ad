//! 变化对比: the change report between two layers — two versions from the history, or any two
//! layers open (成果对比). Totals, a table whose rows select on the map, the changes coloured on
//! the map while the window is open (added green, modified orange, removed red), and CSV for
//! Excel. The comparison runs on a helper thread: pairing polygons by overlap takes a while on
//! big layers.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};
use serde_json::Value;

use super::actions::Action;
use super::files::Flash;
use super::{AtlasApp, FeatureRef, Lang, LayerEntry};
use crate::analysis::change::{ChangeReport, area_change_text, compare};
use crate::analysis::measure::area_m2;
use crate::io::watch::absolute;
use crate::model::{Feature, GeometryKind, Layer, LayerOrigin};
use crate::render::LayerCache;

const ADDED: Color32 = Color32::from_rgb(0, 150, 60);
const MODIFIED: Color32 = Color32::from_rgb(210, 110, 0);
const REMOVED: Color32 = Color32::from_rgb(200, 30, 30);
const ROW_HEIGHT: f32 = 22.0;

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Side {
    /// A layer open now, by key.
    Layer(String),
    /// The layer read from a file being opened (a version restored from the history); `layer`
    /// names it in a file of several.
    File {
        /// The file.
        path: PathBuf,
        /// The layer in a file of several.
        layer: Option<String>,
    },
}

/// What a report was computed from: it is computed again when any of it changes.
#[derive(Clone, Debug, PartialEq)]
struct Inputs {
    old: String,
    new: String,
    old_generation: u64,
    new_generation: u64,
    key: Option<String>,
}

/// A finished comparison.
struct Computed {
    inputs: Inputs,
    /// Tells the highlight on the map apart from an older one.
    stamp: u64,
    report: ChangeReport,
    area_change_m2: f64,
}

/// A row of the table: a change, by its place in the report.
#[derive(Clone, Copy, Debug)]
enum Row {
    Added(usize),
    Removed(usize),
    Modified(usize),
}

/// The change report window.
#[derive(Default)]
pub struct ChangePanel {
    /// Whether the window is shown.
    pub open: bool,
    /// The old layer's key.
    pub old: Option<String>,
    /// The new layer's key.
    pub new: Option<String>,
    /// The field that identifies a feature (a plot number); None: by id, then by position.
    pub key_field: Option<String>,
    /// Sides being opened, taken as old and new once their layers are there.
    pending: Option<(Side, Side)>,
    job: Option<(Inputs, Receiver<Computed>)>,
    computed: Option<Computed>,
    next_stamp: u64,
    /// The layer given the report's highlight, and the report's stamp.
    shown: Option<(String, u64)>,
}

impl ChangePanel {
    /// Open the window on two sides (their layers may still be loading).
    pub fn compare(&mut self, old: Side, new: Side) {
        self.pending = Some((old, new));
        self.open = true;
    }

    /// The report shown, once computed.
    pub fn report(&self) -> Option<&ChangeReport> {
        self.computed.as_ref().map(|c| &c.report)
    }

    /// The total area change of the report shown, m².
    pub fn area_change_m2(&self) -> Option<f64> {
        self.computed.as_ref().map(|c| c.area_change_m2)
    }

    /// Draw the window; what it asks for is returned.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.take_pending(app);
        if !self.open {
            self.clear_highlight(&mut actions);
            return actions;
        }
        let inputs = self.inputs(app);
        self.run(app, inputs.as_ref(), ui.ctx());
        self.highlight(app, inputs.as_ref(), &mut actions);
        let lang = app.lang();
        let mut open = true;
        egui::Window::new(lang.t("变化对比", "Change report"))
            .id(egui::Id::unique("change_report_window"))
            .open(&mut open)
            .default_size([860.0, 300.0])
            // Low over the map: a row's feature is zoomed to at the map's centre, above it.
            .default_pos(ui.ctx().content_rect().center_bottom() - egui::vec2(430.0, 400.0))
            .show(ui.ctx(), |ui| self.contents(ui, app, inputs.as_ref(), &mut actions));
        if !open {
            self.open = false;
            self.clear_highlight(&mut actions);
        }
        actions
    }

    /// Sides being opened become the layers to compare once both are there.
    fn take_pending(&mut self, app: &AtlasApp) {
        let Some((old, new)) = &self.pending else { return };
        if let (Some(o), Some(n)) = (resolve(app, old), resolve(app, new)) {
            self.old = Some(o);
            self.new = Some(n);
            self.pending = None;
        }
    }

    fn inputs(&self, app: &AtlasApp) -> Option<Inputs> {
        let (old, new) = (app.layer(self.old.as_deref()?)?, app.layer(self.new.as_deref()?)?);
        (old.layer.key != new.layer.key).then(|| Inputs {
            old: old.layer.key.clone(),
            new: new.layer.key.clone(),
            old_generation: old.generation,
            new_generation: new.generation,
            key: self.key_field.clone(),
        })
    }

    /// Start the comparison when what it is of changed; take its result when done.
    fn run(&mut self, app: &AtlasApp, inputs: Option<&Inputs>, ctx: &egui::Context) {
        if let Some((_, rx)) = &self.job {
            match rx.try_recv() {
                Ok(c) => {
                    self.computed = Some(c);
                    self.job = None;
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.job = None,
            }
        }
        let Some(inputs) = inputs else { return };
        let current = self.computed.as_ref().is_some_and(|c| c.inputs == *inputs);
        let running = self.job.as_ref().is_some_and(|(i, _)| i == inputs);
        if current || running {
            return;
        }
        let (Some(old), Some(new)) = (app.layer(&inputs.old), app.layer(&inputs.new)) else { return };
        let (old, new) = (old.layer.features.clone(), new.layer.features.clone());
        self.next_stamp += 1;
        let (stamp, job_inputs) = (self.next_stamp, inputs.clone());
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let report = compare(&old, &new, job_inputs.key.as_deref());
            let area_change_m2 = report.area_change_m2(&old, &new);
            let _ = tx.send(Computed { inputs: job_inputs, stamp, report, area_change_m2 });
            ctx.request_repaint();
        });
        self.job = Some((inputs.clone(), rx));
    }

    /// Colour the changes on the new layer while the window is open (a lasting highlight, set
    /// again whenever the report is computed again).
    fn highlight(&mut self, app: &AtlasApp, inputs: Option<&Inputs>, actions: &mut Vec<Action>) {
        let Some(c) = self.computed.as_ref().filter(|c| Some(&c.inputs) == inputs) else {
            if inputs.is_none() {
                self.clear_highlight(actions);
            }
            return;
        };
        if self.shown.as_ref().is_some_and(|(k, s)| *k == c.inputs.new && *s == c.stamp) {
            return;
        }
        let (Some(old), Some(new)) = (app.layer(&c.inputs.old), app.layer(&c.inputs.new)) else { return };
        let removed: Vec<Feature> =
            c.report.removed.iter().filter_map(|r| old.layer.features.get(r.index)).cloned().collect();
        let ghosts = (!removed.is_empty()).then(|| {
            let l =
                Layer::new("removed", "removed", "removed", LayerOrigin::Generated, removed, old.layer.style.clone());
            // Built once for the main map's projection: the report stays open for many frames.
            let c = LayerCache::build_vector(&l, app.map.projection);
            (l, c)
        });
        let flash = Flash::lasting(
            c.report.added.iter().map(|a| a.index).collect(),
            c.report.modified.iter().map(|m| m.new).collect(),
            ghosts,
        );
        let (key, stamp) = (new.layer.key.clone(), c.stamp);
        if self.shown.as_ref().is_some_and(|(k, _)| *k != key) {
            self.clear_highlight(actions);
        }
        actions.push(Action::ShowChanges { layer_key: key.clone(), flash: Some(Box::new(flash)) });
        self.shown = Some((key, stamp));
    }

    fn clear_highlight(&mut self, actions: &mut Vec<Action>) {
        if let Some((layer_key, _)) = self.shown.take() {
            actions.push(Action::ShowChanges { layer_key, flash: None });
        }
    }

    fn contents(&mut self, ui: &mut egui::Ui, app: &AtlasApp, inputs: Option<&Inputs>, actions: &mut Vec<Action>) {
        let lang = app.lang();
        let english = lang.english();
        // ---- What is compared ----
        egui::Grid::new("change_inputs").num_columns(2).show(ui, |ui| {
            layer_combo(ui, app, "change_old", lang.t("旧版本", "Old"), &mut self.old);
            ui.end_row();
            layer_combo(ui, app, "change_new", lang.t("新版本", "New"), &mut self.new);
            ui.end_row();
            self.key_combo(ui, app, lang);
            ui.end_row();
        });
        if self.pending.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.t("正在打开要比较的版本…", "Opening the versions to compare…"));
            });
        }
        let Some(inputs) = inputs else {
            let text = if self.old.is_some() && self.old == self.new {
                lang.t("请选择两个不同的图层", "Pick two different layers")
            } else {
                lang.t("请选择旧版本和新版本", "Pick the old and the new version")
            };
            ui.label(text);
            return;
        };
        if self.job.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.t("正在比较…", "Comparing…"));
            });
        }
        let Some(c) = &self.computed else { return };
        let (Some(old), Some(new)) = (app.layer(&inputs.old), app.layer(&inputs.new)) else { return };
        // ---- Totals ----
        ui.separator();
        let r = &c.report;
        ui.horizontal_wrapped(|ui| {
            let count = |zh: &str, en: &str, n: usize| if english { format!("{en} {n}") } else { format!("{zh} {n}") };
            ui.label(RichText::new(count("新增", "Added", r.added.len())).color(ADDED).strong());
            ui.label(RichText::new(count("删除", "Removed", r.removed.len())).color(REMOVED).strong());
            ui.label(RichText::new(count("修改", "Modified", r.modified.len())).color(MODIFIED).strong());
            ui.label(RichText::new(count("未变", "Unchanged", r.unchanged)).strong());
            ui.separator();
            ui.label(format!(
                "{}{}",
                lang.t("面积变化：", "Area change: "),
                area_change_text(c.area_change_m2, english)
            ));
        });
        ui.horizontal(|ui| {
            if ui.button(lang.t("导出 CSV", "Export CSV")).clicked() {
                // to_csv starts with the BOM Excel needs to read UTF-8.
                actions.push(Action::SaveCsv {
                    name: lang.t("变化对比.csv", "change-report.csv").to_owned(),
                    text: r.to_csv(english),
                });
            }
            if ui
                .button(lang.t("加入简报", "Add to briefing"))
                .on_hover_text(lang.t(
                    "两个版本左右分屏、联动，标题下写明增删改与面积变化",
                    "The two versions in linked split views, with the totals under the title",
                ))
                .clicked()
            {
                actions.push(Action::AddPreparedSlide(Box::new(report_slide(app, old, new, r, c.area_change_m2))));
            }
            ui.label(
                RichText::new(lang.t(
                    "地图上：新增为绿色，修改为橙色，删除为红色",
                    "On the map: added green, modified orange, removed red",
                ))
                .weak()
                .small(),
            );
        });
        ui.separator();
        // ---- The changes ----
        let rows: Vec<Row> = (0..r.added.len())
            .map(Row::Added)
            .chain((0..r.modified.len()).map(Row::Modified))
            .chain((0..r.removed.len()).map(Row::Removed))
            .collect();
        if rows.is_empty() {
            ui.label(lang.t("两个版本相同", "The two versions are the same"));
            return;
        }
        TableBuilder::new(ui)
            .id_salt("change_rows")
            .striped(true)
            .resizable(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .min_scrolled_height(0.0)
            .column(Column::exact(48.0))
            .column(Column::initial(160.0).at_least(60.0).clip(true))
            .column(Column::initial(80.0).at_least(40.0).clip(true))
            .column(Column::initial(280.0).at_least(80.0).clip(true))
            .column(Column::initial(70.0).at_least(40.0))
            .column(Column::remainder().at_least(80.0))
            .header(ROW_HEIGHT, |mut h| {
                for title in [
                    lang.t("变更", "Change"),
                    lang.t("要素", "Feature"),
                    lang.t("编号", "Id"),
                    lang.t("变化内容", "What changed"),
                    lang.t("移动（米）", "Moved (m)"),
                    lang.t("面积变化", "Area change"),
                ] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                    let line = describe(rows[row.index()], r, old, new, lang);
                    row.col(|ui| {
                        ui.label(RichText::new(line.kind).color(line.color));
                    });
                    row.col(|ui| {
                        let selected = app.selection.as_ref() == Some(&line.target);
                        if ui.selectable_label(selected, &line.name).clicked() {
                            actions.push(Action::SelectAndZoom(line.target.clone()));
                        }
                    });
                    row.col(|ui| {
                        ui.label(&line.id);
                    });
                    row.col(|ui| {
                        ui.label(&line.what).on_hover_text(&line.what);
                    });
                    row.col(|ui| {
                        ui.label(line.moved.map(|m| format!("{m:.1}")).unwrap_or_default());
                    });
                    row.col(|ui| {
                        ui.label(line.area.map(|a| area_change_text(a, english)).unwrap_or_default());
                    });
                });
            });
    }

    /// 匹配字段: by id and position, or by a property both layers may have.
    fn key_combo(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang) {
        let label = ui.label(lang.t("匹配字段", "Match by"));
        let by_id = lang.t("按编号和位置", "By id and position");
        let shown = self.key_field.clone().unwrap_or_else(|| by_id.to_owned());
        egui::ComboBox::from_id_salt("change_key")
            .selected_text(shown)
            .width(200.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.key_field, None, by_id);
                let mut keys: Vec<String> = Vec::new();
                for k in [&self.old, &self.new].into_iter().flatten() {
                    for (name, _) in app.layer(k).map(|e| e.layer.property_keys()).unwrap_or_default() {
                        if !keys.contains(&name) {
                            keys.push(name);
                        }
                    }
                }
                for k in keys {
                    ui.selectable_value(&mut self.key_field, Some(k.clone()), k);
                }
            })
            .response
            .labelled_by(label.id);
    }
}

/// A layer picker labelled for screen readers (and tests).
fn layer_combo(ui: &mut egui::Ui, app: &AtlasApp, id: &str, label: &str, value: &mut Option<String>) {
    let english = app.lang().english();
    let label = ui.label(label);
    let shown =
        value.as_deref().and_then(|k| app.layer(k)).map(|e| e.layer.name(english).to_owned()).unwrap_or_default();
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            for e in app.layers.iter().rev() {
                let label = format!("{} · {}", e.layer.name(english), e.layer.features.len());
                ui.selectable_value(value, Some(e.layer.key.clone()), label);
            }
        })
        .response
        .labelled_by(label.id);
}

/// The layer a side is, once it is open.
fn resolve(app: &AtlasApp, side: &Side) -> Option<String> {
    match side {
        Side::Layer(k) => app.layer(k).map(|e| e.layer.key.clone()),
        Side::File { path, layer } => {
            let path = absolute(path);
            app.layers
                .iter()
                .find(|e| {
                    matches!(&e.layer.origin, LayerOrigin::File { path: p } if absolute(p) == path)
                        && (layer.is_none() || e.load.layer == *layer)
                })
                .map(|e| e.layer.key.clone())
        }
    }
}

/// A row as shown.
struct Line {
    kind: &'static str,
    color: Color32,
    name: String,
    id: String,
    what: String,
    moved: Option<f64>,
    area: Option<f64>,
    target: FeatureRef,
}

fn describe(row: Row, r: &ChangeReport, old: &LayerEntry, new: &LayerEntry, lang: Lang) -> Line {
    let english = lang.english();
    let name = |f: Option<&Feature>, id: &str| {
        f.and_then(|f| f.display_name(english)).map_or_else(|| id.to_owned(), str::to_owned)
    };
    let target = |e: &LayerEntry, i: usize| FeatureRef { layer: e.layer.key.clone(), feature: i };
    let polygon_area = |f: Option<&Feature>| {
        f.filter(|f| f.kind() == GeometryKind::Polygon).and_then(|f| f.geometry.as_ref()).map(area_m2)
    };
    match row {
        Row::Added(k) => {
            let a = &r.added[k];
            let f = new.layer.features.get(a.index);
            Line {
                kind: lang.t("新增", "added"),
                color: ADDED,
                name: name(f, &a.id),
                id: a.id.clone(),
                what: String::new(),
                moved: None,
                area: polygon_area(f),
                target: target(new, a.index),
            }
        }
        Row::Removed(k) => {
            let d = &r.removed[k];
            let f = old.layer.features.get(d.index);
            Line {
                kind: lang.t("删除", "removed"),
                color: REMOVED,
                name: name(f, &d.id),
                id: d.id.clone(),
                what: String::new(),
                moved: None,
                area: polygon_area(f).map(|a| -a),
                target: target(old, d.index),
            }
        }
        Row::Modified(k) => {
            let m = &r.modified[k];
            let f = new.layer.features.get(m.new);
            let mut what: Vec<String> =
                m.properties.iter().map(|(k, [o, n])| format!("{k}: {} → {}", cell(o), cell(n))).collect();
            if m.geometry_changed {
                what.push(lang.t("几何形状或位置已变", "geometry changed").to_owned());
            }
            let is_polygon = f.is_some_and(|f| f.kind() == GeometryKind::Polygon);
            Line {
                kind: lang.t("修改", "modified"),
                color: MODIFIED,
                name: name(f, &m.id),
                id: m.id.clone(),
                what: what.join(lang.t("；", "; ")),
                moved: m.geometry_changed.then_some(m.moved_m),
                area: (m.geometry_changed && is_polygon).then_some(m.area_change_m2),
                target: target(new, m.new),
            }
        }
    }
}

/// A property value as a planner reads it (absent: —).
fn cell(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A slide of the report: the old and new layers side by side in linked split views, titled by
/// them, with the totals and the area change as its line of figures.
fn report_slide(
    app: &AtlasApp,
    old: &LayerEntry,
    new: &LayerEntry,
    r: &ChangeReport,
    area_change_m2: f64,
) -> crate::model::briefing::Slide {
    use crate::model::compare::{Compare, CompareView};
    let (old_zh, new_zh) = (old.layer.name(false), new.layer.name(false));
    let (old_en, new_en) = (old.layer.name(true), new.layer.name(true));
    let mut slide = app.slide_from_view(&format!("{new_zh} 与 {old_zh} 对比"));
    slide.title_en = Some(format!("{new_en} against {old_en}"));
    let counts = |english: bool| {
        let (sep, area_label) = if english { (", ", "area change ") } else { ("，", "面积变化 ") };
        format!("{}{sep}{area_label}{}", r.summary(english), area_change_text(area_change_m2, english))
    };
    slide.subtitle = counts(false);
    slide.subtitle_en = Some(counts(true));
    // Each view: what the panel shows for context (the outline, roads…) and one version.
    let view = |title: &str, version: &LayerEntry| {
        let keys = app.layers.iter().filter(|e| {
            let other = e.layer.key == old.layer.key || e.layer.key == new.layer.key;
            (e.layer.visible && !other) || e.layer.key == version.layer.key
        });
        CompareView {
            title: title.to_owned(),
            layers: Some(keys.map(|e| e.layer.key.clone()).collect()),
            basemap: None,
        }
    };
    slide.compare = Some(Compare { views: vec![view(old_zh, old), view(new_zh, new)], ..Default::default() });
    slide
}
