//! The 查询统计 window: statistics by area units (区域统计), overlay and conflict analysis (叠加分析)
//! and nearby queries (周边查询). The panel owns its forms and results and returns [`Action`]s; the
//! app applies them after the frame. Statistics and overlays of big layers run on a helper thread
//! with the layer's features copied, so the map keeps drawing meanwhile.

use std::sync::mpsc::{Receiver, channel};
use std::time::Instant;

use egui::{Align, Color32, Layout, RichText, Sense, Stroke};
use egui_extras::{Column, TableBuilder};
use kuiwen_core::Bilingual;

use super::actions::Action;
use super::attribute_table::key_label;
use super::format::number;
use super::save_dialog;
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, FeatureRef, Lang, LayerEntry, Notice};
use crate::analysis::life_circle::{DEFAULT_RADII_M, FacilityIndex};
use crate::analysis::measure::{M2_PER_HECTARE, M2_PER_MU};
use crate::analysis::nearby::{NearbyHit, geodesic_buffer, within_distance, within_walk};
use crate::analysis::network::WalkNetwork;
use crate::analysis::overlay::{self, Intersection};
use crate::analysis::population::{DEFAULT_SPACING_M, PopulationCoverage, population_coverage};
use crate::analysis::zonal::{ZonalTable, numeric_fields, zonal_stats};
use crate::model::{Feature, GeometryKind, Layer, LayerOrigin, Rgba, Style};

/// The three tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    /// 区域统计.
    #[default]
    Zonal,
    /// 叠加分析.
    Overlay,
    /// 周边查询.
    Nearby,
    /// 生活圈人口覆盖.
    Population,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Zonal, Tab::Overlay, Tab::Nearby, Tab::Population];

    fn label(self) -> (&'static str, &'static str) {
        match self {
            Tab::Zonal => ("区域统计", "Statistics by unit"),
            Tab::Overlay => ("叠加分析", "Overlay"),
            Tab::Nearby => ("周边查询", "Nearby"),
            Tab::Population => ("生活圈覆盖", "Life-circle coverage"),
        }
    }
}

/// A finished statistics run.
pub struct ZonalResult {
    /// The table.
    pub table: ZonalTable,
    layer_key: String,
    units_key: String,
    title: (String, String),
    kind: GeometryKind,
    units: Vec<Feature>,
    elapsed_ms: f64,
}

/// A finished overlay.
pub struct OverlayResult {
    /// The pairs.
    pub intersection: Intersection,
    a_key: String,
    b_key: String,
    title: (String, String),
    elapsed_ms: f64,
}

/// A finished nearby query.
pub struct NearbyResult {
    /// The features found, nearest first.
    pub hits: Vec<NearbyHit>,
    layer_key: String,
    /// The query's outline on the map (the buffer).
    outline: Vec<Vec<[f64; 2]>>,
    /// The clicked point, when the query started from one.
    pub at: Option<[f64; 2]>,
    walking: bool,
}

/// Why an analysis failed, worded when it is shown (in the language of that moment).
type Failure = Box<dyn Bilingual + Send>;

fn failure(e: impl Bilingual + Send + 'static) -> Failure {
    Box::new(e)
}

enum JobOutput {
    /// A finished layer (difference, union) to add as it is.
    Layer(Result<Layer, Failure>),
    Zonal(Result<ZonalResult, Failure>),
    Overlay(Result<OverlayResult, Failure>),
    Population(Result<PopulationCoverage, Failure>),
}

struct Job {
    rx: Receiver<JobOutput>,
    started: Instant,
}

/// The window's state.
pub struct AnalysisPanel {
    /// Whether the window is shown.
    pub open: bool,
    /// The tab shown.
    pub tab: Tab,
    zonal_layer: String,
    zonal_units: String,
    zonal_field: Option<String>,
    /// The last statistics.
    pub zonal: Option<ZonalResult>,
    overlay_a: String,
    overlay_b: String,
    /// The last overlay.
    pub overlay: Option<OverlayResult>,
    nearby_layer: String,
    nearby_distance_m: f64,
    nearby_walking: bool,
    /// The last nearby query.
    pub nearby: Option<NearbyResult>,
    population_target_pct: f64,
    population_walking: bool,
    population_scope: Option<String>,
    /// The last population coverage.
    pub population: Option<PopulationCoverage>,
    job: Option<Job>,
}

impl Default for AnalysisPanel {
    fn default() -> Self {
        Self {
            open: false,
            tab: Tab::Zonal,
            zonal_layer: "facilities".into(),
            zonal_units: "communities".into(),
            zonal_field: None,
            zonal: None,
            overlay_a: "southern_new_town".into(),
            overlay_b: "communities".into(),
            overlay: None,
            nearby_layer: "facilities".into(),
            nearby_distance_m: 500.0,
            nearby_walking: false,
            nearby: None,
            population_target_pct: 99.0,
            population_walking: true,
            population_scope: None,
            population: None,
            job: None,
        }
    }
}

/// A layer chooser labelled by the label before it (for screen readers and UI tests).
fn layer_combo(
    ui: &mut egui::Ui,
    label: &egui::Response,
    id: &str,
    value: &mut String,
    layers: &[LayerEntry],
    lang: Lang,
    only_polygons: bool,
) {
    let english = lang.english();
    let shown =
        layers.iter().find(|e| e.layer.key == *value).map(|e| e.layer.name(english).to_owned()).unwrap_or_default();
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(180.0)
        .show_ui(ui, |ui| {
            for e in layers.iter().filter(|e| !only_polygons || e.layer.main_kind() == GeometryKind::Polygon) {
                ui.selectable_value(value, e.layer.key.clone(), e.layer.name(english));
            }
        })
        .response
        .labelled_by(label.id);
}

fn find<'a>(layers: &'a [LayerEntry], key: &str) -> Option<&'a LayerEntry> {
    layers.iter().find(|e| e.layer.key == key)
}

impl AnalysisPanel {
    /// Open on a tab (`stats`, `overlay`, `nearby`) and run its default analysis (`--query`).
    pub fn start(&mut self, tab: &str, layers: &[LayerEntry], ctx: &egui::Context) {
        self.open = true;
        match tab {
            "overlay" => {
                self.tab = Tab::Overlay;
                self.run_overlay(layers, ctx);
            }
            "nearby" => self.tab = Tab::Nearby,
            "coverage" | "population" => {
                self.tab = Tab::Population;
                self.run_population(layers, ctx);
            }
            _ => {
                self.tab = Tab::Zonal;
                self.run_zonal(layers, ctx);
            }
        }
    }

    /// Whether a statistics or overlay run is going on.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    /// Run the statistics of the chosen layer by the chosen units (on a helper thread).
    pub fn run_zonal(&mut self, layers: &[LayerEntry], ctx: &egui::Context) {
        let (Some(l), Some(u)) = (find(layers, &self.zonal_layer), find(layers, &self.zonal_units)) else { return };
        let (features, units) = (l.layer.features.clone(), u.layer.features.clone());
        let (layer_key, units_key) = (l.layer.key.clone(), u.layer.key.clone());
        let title = (
            format!("{}按{}统计", l.layer.name_zh, u.layer.name_zh),
            format!("{} by {}", l.layer.name_en, u.layer.name_en.to_lowercase()),
        );
        let units_name = u.layer.name_zh.clone();
        let field = self.zonal_field.clone();
        self.spawn(ctx, move || {
            let t0 = Instant::now();
            let table = zonal_stats(&features, &units, &units_name, field.as_deref()).map_err(failure);
            JobOutput::Zonal(table.map(|table| ZonalResult {
                table,
                layer_key,
                units_key,
                title,
                kind: crate::model::main_kind(&features),
                units,
                elapsed_ms: t0.elapsed().as_secs_f64() * 1000.0,
            }))
        });
    }

    /// Run the intersection of the two chosen polygon layers (on a helper thread).
    pub fn run_overlay(&mut self, layers: &[LayerEntry], ctx: &egui::Context) {
        let (Some(a), Some(b)) = (find(layers, &self.overlay_a), find(layers, &self.overlay_b)) else { return };
        let (fa, fb) = (a.layer.features.clone(), b.layer.features.clone());
        let (a_key, b_key) = (a.layer.key.clone(), b.layer.key.clone());
        let (a_name, b_name) = (a.layer.name_zh.clone(), b.layer.name_zh.clone());
        let title = (
            format!("{}与{}叠加", a.layer.name_zh, b.layer.name_zh),
            format!("{} × {}", a.layer.name_en, b.layer.name_en),
        );
        self.spawn(ctx, move || {
            let t0 = Instant::now();
            let r = overlay::intersect(&fa, &a_name, &fb, &b_name, true).map_err(failure);
            JobOutput::Overlay(r.map(|intersection| OverlayResult {
                intersection,
                a_key,
                b_key,
                title,
                elapsed_ms: t0.elapsed().as_secs_f64() * 1000.0,
            }))
        });
    }

    /// Compute the households' coverage by each checklist type (on a helper thread): each
    /// community's households spread over its area, walked along the roads layer.
    pub fn run_population(&mut self, layers: &[LayerEntry], ctx: &egui::Context) {
        let (Some(areas), Some(fac)) = (find(layers, "communities"), find(layers, "facilities")) else { return };
        let areas = areas.layer.features.clone();
        let index = FacilityIndex::from_layer(&fac.layer);
        let roads: Option<Layer> = find(layers, "roads").filter(|_| self.population_walking).map(|e| e.layer.clone());
        let target = self.population_target_pct;
        self.spawn(ctx, move || {
            let net = match roads.as_ref().map(|r| WalkNetwork::from_layers(&[r])).transpose() {
                Ok(n) => n,
                Err(e) => return JobOutput::Population(Err(failure(e))),
            };
            JobOutput::Population(
                population_coverage(&areas, &index, net.as_ref(), DEFAULT_RADII_M, target, DEFAULT_SPACING_M)
                    .map_err(failure),
            )
        });
    }

    /// A − B, or A ∪ B as QGIS's Union makes it, as a new layer (on a helper thread).
    pub fn run_difference_or_union(&mut self, layers: &[LayerEntry], ctx: &egui::Context, union: bool) {
        let (Some(a), Some(b)) = (find(layers, &self.overlay_a), find(layers, &self.overlay_b)) else { return };
        let (fa, fb) = (a.layer.features.clone(), b.layer.features.clone());
        let (a_name, b_name) = (a.layer.name_zh.clone(), b.layer.name_zh.clone());
        let (op_zh, op_en, op_key) = if union { ("∪", "∪", "union") } else { ("−", "−", "difference") };
        let key = format!("{op_key}:{}:{}", a.layer.key, b.layer.key);
        let name_zh = format!("{a_name} {op_zh} {b_name}");
        let name_en = format!("{} {op_en} {}", a.layer.name_en, b.layer.name_en);
        self.spawn(ctx, move || {
            let features = if union {
                overlay::union(&fa, &a_name, &fb, &b_name)
            } else {
                overlay::difference(&fa, &a_name, &fb, &b_name)
            };
            JobOutput::Layer(features.map_err(failure).map(|features| {
                let style =
                    Style { fill: Rgba::rgba(117, 107, 177, 110), stroke: Rgba::rgb(84, 39, 143), ..Style::default() };
                Layer::new(key, name_zh, name_en, LayerOrigin::Generated, features, style)
            }))
        });
    }

    fn spawn(&mut self, ctx: &egui::Context, work: impl FnOnce() -> JobOutput + Send + 'static) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(work());
            ctx.request_repaint();
        });
        self.job = Some(Job { rx, started: Instant::now() });
    }

    fn poll(&mut self, actions: &mut Vec<Action>, lang: Lang) {
        let Some(job) = &self.job else { return };
        let Ok(out) = job.rx.try_recv() else { return };
        self.job = None;
        let failed = |e: Failure| {
            let text = format!("{}{}", lang.t("分析失败：", "Analysis failed: "), e.message(lang.english()));
            Action::Notice(Notice { text, error: true })
        };
        match out {
            JobOutput::Zonal(Ok(r)) => {
                for f in &r.table.invalid {
                    actions.push(Action::Notice(Notice { text: f.message(), error: false }));
                }
                self.zonal = Some(r);
            }
            JobOutput::Overlay(Ok(r)) => {
                for f in &r.intersection.invalid {
                    actions.push(Action::Notice(Notice { text: f.message(), error: false }));
                }
                self.overlay = Some(r);
            }
            JobOutput::Population(Ok(r)) => self.population = Some(r),
            JobOutput::Layer(Ok(layer)) => actions.push(Action::AddLayer(Box::new(layer))),
            JobOutput::Zonal(Err(e))
            | JobOutput::Overlay(Err(e))
            | JobOutput::Population(Err(e))
            | JobOutput::Layer(Err(e)) => actions.push(failed(e)),
        }
    }

    /// Find the features of the chosen layer near `at` (a clicked point) or, without one, near
    /// the selected feature. The error is worded in `lang`.
    pub fn run_nearby(
        &mut self,
        layers: &[LayerEntry],
        selection: Option<&FeatureRef>,
        at: Option<[f64; 2]>,
        lang: Lang,
    ) -> Result<(), String> {
        let Some(target) = find(layers, &self.nearby_layer) else { return Ok(()) };
        let query: geo::Geometry<f64> = match (at, selection) {
            (Some(p), _) => geo::Geometry::Point(geo::Point::new(p[0], p[1])),
            (None, Some(s)) => find(layers, &s.layer)
                .and_then(|e| e.layer.features.get(s.feature))
                .and_then(|f| f.geometry.clone())
                .ok_or_else(|| lang.t("选中的要素没有几何图形", "the selected feature has no geometry").to_owned())?,
            (None, None) => {
                return Err(lang
                    .t("请先在地图上单击一点或选中一个要素", "click the map or select a feature first")
                    .to_owned());
            }
        };
        let d = self.nearby_distance_m;
        let hits = match (&query, self.nearby_walking) {
            (geo::Geometry::Point(p), true) => {
                let roads: Vec<&Layer> = layers.iter().filter(|e| e.layer.key == "roads").map(|e| &e.layer).collect();
                let net = WalkNetwork::from_layers(&roads).map_err(|e| e.message(lang.english()))?;
                within_walk(&target.layer.features, &target.layer.index, &net, *p, d)
                    .map_err(|e| e.message(lang.english()))?
            }
            _ => within_distance(&target.layer.features, &target.layer.index, &query, d)
                .map_err(|e| e.message(lang.english()))?,
        };
        // The same hit never lists itself when querying from a feature of the same layer.
        let hits = hits
            .into_iter()
            .filter(|h| {
                !(at.is_none() && selection.is_some_and(|s| s.layer == target.layer.key && s.feature == h.feature))
            })
            .collect();
        let outline = geodesic_buffer(&query, d)
            .map(|mp| mp.iter().map(|p| p.exterior().coords().map(|c| [c.x, c.y]).collect()).collect())
            .unwrap_or_default();
        self.nearby =
            Some(NearbyResult { hits, layer_key: target.layer.key.clone(), outline, at, walking: self.nearby_walking });
        Ok(())
    }

    /// The window, when open, drawn for the app. Returns what the app should do.
    pub fn panel_ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let ctx = ui.ctx().clone();
        self.ui(&ctx, &app.layers, app.selection.as_ref(), app.tool, app.lang())
    }

    /// The window, when open. Returns what the app should do.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        layers: &[LayerEntry],
        selection: Option<&FeatureRef>,
        tool: Tool,
        lang: Lang,
    ) -> Vec<Action> {
        let mut actions = Vec::new();
        self.poll(&mut actions, lang);
        if !self.open {
            return actions;
        }
        let mut open = true;
        let content = ctx.content_rect();
        egui::Window::new(lang.t("查询统计", "Query and statistics"))
            .id(egui::Id::unique("analysis_window"))
            .open(&mut open)
            .default_size([620.0, 680.0])
            .default_pos(content.right_top() + egui::vec2(-660.0, 60.0))
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    for t in Tab::ALL {
                        let (zh, en) = t.label();
                        ui.selectable_value(&mut self.tab, t, lang.t(zh, en));
                    }
                });
                ui.separator();
                match self.tab {
                    Tab::Zonal => self.zonal_ui(ui, ctx, layers, lang, &mut actions),
                    Tab::Overlay => self.overlay_ui(ui, ctx, layers, lang, &mut actions),
                    Tab::Nearby => self.nearby_ui(ui, layers, selection, tool, lang, &mut actions),
                    Tab::Population => self.population_ui(ui, ctx, layers, lang),
                }
            });
        if !open {
            self.open = false;
        }
        actions
    }

    fn busy_line(&self, ui: &mut egui::Ui, lang: Lang) {
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{} {:.1} s", lang.t("正在计算…", "Computing…"), job.started.elapsed().as_secs_f32()));
            });
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    // ---- 区域统计 -------------------------------------------------------------------------------

    fn zonal_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        layers: &[LayerEntry],
        lang: Lang,
        actions: &mut Vec<Action>,
    ) {
        // ---- Form ----
        let english = lang.english();
        egui::Grid::new("zonal_form").num_columns(2).show(ui, |ui| {
            let label = ui.label(lang.t("统计图层", "Layer"));
            let before = self.zonal_layer.clone();
            layer_combo(ui, &label, "zonal_layer", &mut self.zonal_layer, layers, lang, false);
            if self.zonal_layer != before {
                // Another layer has other fields.
                self.zonal_field = None;
            }
            ui.end_row();
            let label = ui.label(lang.t("统计单元", "Units"));
            layer_combo(ui, &label, "zonal_units", &mut self.zonal_units, layers, lang, true);
            ui.end_row();
            let label = ui.label(lang.t("数值字段", "Field"));
            let all = lang.t("全部数值字段", "All numeric fields").to_owned();
            egui::ComboBox::from_id_salt("zonal_field")
                .selected_text(self.zonal_field.as_deref().map(|f| key_label(f, lang)).unwrap_or_else(|| all.clone()))
                .width(180.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.zonal_field, None, all);
                    // Scanned only while the list is open, not every frame.
                    let fields =
                        find(layers, &self.zonal_layer).map(|e| numeric_fields(&e.layer.features)).unwrap_or_default();
                    for f in fields {
                        let label = key_label(&f, lang);
                        ui.selectable_value(&mut self.zonal_field, Some(f), label);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
        if ui.add_enabled(!self.busy(), egui::Button::new(lang.t("统计", "Compute"))).clicked() {
            self.run_zonal(layers, ctx);
        }
        self.busy_line(ui, lang);
        // ---- Result: summary ----
        let Some(r) = &self.zonal else { return };
        ui.separator();
        let (zh, en) = &r.title;
        let inside: usize = r.table.units.iter().map(|u| u.count).sum();
        ui.label(RichText::new(if english { en } else { zh }).strong());
        ui.label(
            RichText::new(if english {
                format!(
                    "{} units; {inside} features counted in a unit, {} in none; {:.0} ms",
                    r.table.units.len(),
                    r.table.outside,
                    r.elapsed_ms
                )
            } else {
                format!(
                    "{} 个单元；计入单元 {inside} 个，不在任何单元 {} 个；用时 {:.0} 毫秒",
                    r.table.units.len(),
                    r.table.outside,
                    r.elapsed_ms
                )
            })
            .weak(),
        );
        // ---- Result: actions ----
        ui.horizontal(|ui| {
            if ui
                .button(lang.t("分级设色", "Choropleth"))
                .on_hover_text(lang.t("按数量给单元着色，加入图层列表", "Colour the units by count as a new layer"))
                .clicked()
            {
                let colour_by = match &self.zonal_field {
                    Some(f) if r.table.units.iter().any(|u| u.sums.contains_key(f)) => format!("sum_{f}"),
                    _ => "count".to_owned(),
                };
                let key = format!("stats:{}:{}", r.layer_key, r.units_key);
                actions.push(Action::AddLayer(Box::new(r.table.to_layer(
                    &r.units,
                    &key,
                    &format!("统计：{zh}"),
                    &format!("Statistics: {en}"),
                    &colour_by,
                ))));
            }
            if ui.button(lang.t("导出 CSV", "Export CSV")).clicked() {
                actions.push(Action::SaveCsv {
                    name: format!("{}.csv", if english { en } else { zh }),
                    text: r.table.to_csv(r.kind, english),
                });
            }
            if ui
                .button(lang.t("加入简报", "Add to briefing"))
                .on_hover_text(lang.t("把当前视图作为一页幻灯片", "Add the current view as a slide"))
                .clicked()
            {
                let title = if english { en.clone() } else { zh.clone() };
                actions.push(Action::Notice(added_to_briefing(&title, lang)));
                actions.push(Action::AddSlide(title));
            }
        });
        let measure_header = match r.kind {
            GeometryKind::Line => Some(lang.t("长度（千米）", "Length (km)")),
            GeometryKind::Polygon => Some(lang.t("面积（公顷）", "Area (ha)")),
            _ => None,
        };
        let sum_keys: Vec<String> =
            r.table.fields.iter().filter(|k| r.table.units.iter().any(|u| u.sums.contains_key(*k))).cloned().collect();
        let mut clicked = None;
        // ---- Result: table ----
        let mut titles = vec![lang.t("单元", "Unit").to_owned(), lang.t("数量", "Count").to_owned()];
        titles.extend(measure_header.map(str::to_owned));
        titles.push(lang.t("密度（个/km²）", "Per km²").to_owned());
        titles.extend(sum_keys.iter().map(|k| format!("{}{}", key_label(k, lang), lang.t("合计", " total"))));
        results_table(ui, "zonal_table", 1, 150.0, titles.len() - 1, 90.0, 220.0)
            .header(20.0, |mut h| header_cells(&mut h, titles))
            .body(|body| {
                body.rows(18.0, r.table.units.len(), |mut row| {
                    let Some(u) = r.table.units.get(row.index()) else { return };
                    row.col(|ui| {
                        let name = r.units.get(u.unit).and_then(|f| f.display_name(english)).unwrap_or(&u.name);
                        if ui.selectable_label(false, name).clicked() {
                            clicked = Some(u.unit);
                        }
                    });
                    row.col(|ui| {
                        ui.label(u.count.to_string());
                    });
                    match r.kind {
                        GeometryKind::Line => {
                            row.col(|ui| {
                                ui.label(format!("{:.2}", u.length_m / 1000.0));
                            });
                        }
                        GeometryKind::Polygon => {
                            row.col(|ui| {
                                ui.label(format!("{:.2}", u.area_m2 / M2_PER_HECTARE));
                            });
                        }
                        _ => {}
                    }
                    row.col(|ui| {
                        ui.label(format!("{:.1}", u.density_per_km2()));
                    });
                    for k in &sum_keys {
                        row.col(|ui| {
                            ui.label(u.sums.get(k).map(|v| number(*v, 1)).unwrap_or_default());
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(u.unit);
                    }
                });
            });
        egui::CollapsingHeader::new(lang.t("条形图：数量最多的单元", "Chart: units with the most features"))
            .default_open(true)
            .show(ui, |ui| bar_chart(ui, &r.table, &r.units, english));
        if let Some(unit) = clicked {
            actions.push(Action::SelectAndZoom(FeatureRef { layer: r.units_key.clone(), feature: unit }));
        }
    }

    // ---- 叠加分析 -------------------------------------------------------------------------------

    fn overlay_ui(
        &mut self,
        ui: &mut egui::Ui,
        ctx: &egui::Context,
        layers: &[LayerEntry],
        lang: Lang,
        actions: &mut Vec<Action>,
    ) {
        // ---- Form ----
        let english = lang.english();
        egui::Grid::new("overlay_form").num_columns(2).show(ui, |ui| {
            let label = ui.label(lang.t("图层 A", "Layer A"));
            layer_combo(ui, &label, "overlay_a", &mut self.overlay_a, layers, lang, true);
            ui.end_row();
            let label = ui.label(lang.t("图层 B", "Layer B"));
            layer_combo(ui, &label, "overlay_b", &mut self.overlay_b, layers, lang, true);
            ui.end_row();
        });
        if ui
            .add_enabled(!self.busy(), egui::Button::new(lang.t("求交（冲突分析）", "Intersect (conflicts)")))
            .on_hover_text(
                lang.t(
                    "A 与 B 每一对重叠的面积及各自占比",
                    "Every overlapping pair of A and B with its area and shares",
                ),
            )
            .clicked()
        {
            self.run_overlay(layers, ctx);
        }
        ui.horizontal(|ui| {
            for (union, zh, en) in [(false, "A − B 差集", "A − B (difference)"), (true, "A ∪ B 联合", "A ∪ B (union)")]
            {
                if ui.add_enabled(!self.busy(), egui::Button::new(lang.t(zh, en))).clicked() {
                    self.run_difference_or_union(layers, ctx, union);
                }
            }
        });
        self.busy_line(ui, lang);
        // ---- Result: summary ----
        let Some(r) = &self.overlay else { return };
        ui.separator();
        let (zh, en) = &r.title;
        let total = r.intersection.total_area_m2();
        ui.label(RichText::new(if english { en } else { zh }).strong());
        ui.label(
            RichText::new(if english {
                format!(
                    "{} overlapping pairs, {:.2} ha ({:.1} mu) in all; {:.0} ms",
                    r.intersection.pairs.len(),
                    total / M2_PER_HECTARE,
                    total / M2_PER_MU,
                    r.elapsed_ms
                )
            } else {
                format!(
                    "{} 对重叠，共 {:.2} 公顷（{:.1} 亩）；用时 {:.0} 毫秒",
                    r.intersection.pairs.len(),
                    total / M2_PER_HECTARE,
                    total / M2_PER_MU,
                    r.elapsed_ms
                )
            })
            .weak(),
        );
        // ---- Result: actions ----
        ui.horizontal(|ui| {
            if ui.button(lang.t("添加为图层", "Add as layer")).clicked() {
                let style = Style {
                    fill: Rgba::rgba(214, 39, 40, 120),
                    stroke: Rgba::rgb(170, 20, 20),
                    stroke_width_pt: 1.5,
                    ..Style::default()
                };
                let key = format!("overlay:{}:{}", r.a_key, r.b_key);
                let layer = Layer::new(
                    key,
                    format!("叠加：{zh}"),
                    format!("Overlay: {en}"),
                    LayerOrigin::Generated,
                    r.intersection.to_features(),
                    style,
                );
                actions.push(Action::AddLayer(Box::new(layer)));
            }
            if ui.button(lang.t("导出 CSV", "Export CSV")).clicked() {
                actions.push(Action::SaveCsv {
                    name: format!("{}.csv", if english { en } else { zh }),
                    text: overlay_csv(&r.intersection, english),
                });
            }
            if ui.button(lang.t("加入简报", "Add to briefing")).clicked() {
                let title = if english { en.clone() } else { zh.clone() };
                actions.push(Action::Notice(added_to_briefing(&title, lang)));
                actions.push(Action::AddSlide(title));
            }
        });
        // ---- Result: table ----
        let mut clicked = None;
        let titles =
            [("A", "A"), ("B", "B"), ("面积（公顷）", "Area (ha)"), ("亩", "mu"), ("占 A", "of A"), ("占 B", "of B")];
        // Names in the interface's language, from the layers (the result keeps the Chinese ones).
        let (a_layer, b_layer) = (find(layers, &r.a_key), find(layers, &r.b_key));
        results_table(ui, "overlay_table", 2, 150.0, 4, 70.0, 300.0)
            .header(20.0, |mut h| header_cells(&mut h, titles.map(|(zh, en)| lang.t(zh, en).to_owned())))
            .body(|body| {
                body.rows(18.0, r.intersection.pairs.len(), |mut row| {
                    let Some(p) = r.intersection.pairs.get(row.index()) else { return };
                    row.col(|ui| {
                        ui.label(
                            a_layer
                                .and_then(|l| l.layer.features.get(p.a_index))
                                .and_then(|f| f.display_name(english))
                                .unwrap_or(&p.a),
                        );
                    });
                    row.col(|ui| {
                        let b =
                            b_layer.and_then(|l| l.layer.features.get(p.b_index)).and_then(|f| f.display_name(english));
                        if ui.selectable_label(false, b.unwrap_or(&p.b)).clicked() {
                            clicked = Some(p.b_index);
                        }
                    });
                    for text in [
                        format!("{:.2}", p.area_m2 / M2_PER_HECTARE),
                        format!("{:.1}", p.area_m2 / M2_PER_MU),
                        format!("{:.1}%", p.share_of_a * 100.0),
                        format!("{:.1}%", p.share_of_b * 100.0),
                    ] {
                        row.col(|ui| {
                            ui.label(text);
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(p.b_index);
                    }
                });
            });
        if let Some(b) = clicked {
            actions.push(Action::SelectAndZoom(FeatureRef { layer: r.b_key.clone(), feature: b }));
        }
    }

    // ---- 周边查询 -------------------------------------------------------------------------------

    fn nearby_ui(
        &mut self,
        ui: &mut egui::Ui,
        layers: &[LayerEntry],
        selection: Option<&FeatureRef>,
        tool: Tool,
        lang: Lang,
        actions: &mut Vec<Action>,
    ) {
        // ---- Form ----
        let english = lang.english();
        egui::Grid::new("nearby_form").num_columns(2).show(ui, |ui| {
            let label = ui.label(lang.t("查询图层", "Layer"));
            layer_combo(ui, &label, "nearby_layer", &mut self.nearby_layer, layers, lang, false);
            ui.end_row();
            let label = ui.label(lang.t("距离", "Distance"));
            ui.add(
                egui::DragValue::new(&mut self.nearby_distance_m)
                    .range(10.0..=20_000.0)
                    .speed(10.0)
                    .suffix(lang.t(" 米", " m")),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label(lang.t("度量", "Measured"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.nearby_walking, false, lang.t("直线", "Straight line"));
                ui.radio_value(&mut self.nearby_walking, true, lang.t("沿路网步行", "Walking on roads")).on_hover_text(
                    lang.t("从单击的点出发，沿道路图层步行", "From a clicked point, walking along the roads layer"),
                );
            });
            ui.end_row();
        });
        ui.horizontal(|ui| {
            let picking = tool == Tool::Nearby;
            if ui.selectable_label(picking, lang.t("在地图上单击一点", "Click a point on the map")).clicked() {
                actions.push(Action::UseTool(if picking { Tool::Select } else { Tool::Nearby }));
            }
            if ui
                .add_enabled(selection.is_some(), egui::Button::new(lang.t("以选中要素查询", "Around the selection")))
                .clicked()
                && let Err(e) = self.run_nearby(layers, selection, None, lang)
            {
                actions.push(Action::Notice(Notice { text: e, error: true }));
            }
        });
        // ---- Result: summary ----
        let Some(r) = &self.nearby else { return };
        ui.separator();
        let target = find(layers, &r.layer_key);
        let how = if r.walking { lang.t("步行", "walking") } else { lang.t("直线", "straight") };
        ui.label(
            RichText::new(if english {
                format!("{} features within {:.0} m ({how})", r.hits.len(), self.nearby_distance_m)
            } else {
                format!("{:.0} 米内（{how}）共 {} 个要素", self.nearby_distance_m, r.hits.len())
            })
            .strong(),
        );
        // ---- Result: list of hits ----
        let mut clicked = None;
        egui::ScrollArea::vertical().max_height(300.0).id_salt("nearby_list").show(ui, |ui| {
            for h in &r.hits {
                let f = target.and_then(|t| t.layer.features.get(h.feature));
                let name = f.and_then(|f| f.display_name(english)).unwrap_or("—");
                let cat = f
                    .and_then(|f| f.category())
                    .map(|c| crate::analysis::life_circle::category_name(c, english))
                    .unwrap_or_default();
                if ui
                    .selectable_label(false, format!("{name}  {cat}  {:.0} {}", h.distance_m, lang.t("米", "m")))
                    .clicked()
                {
                    clicked = Some(h.feature);
                }
            }
        });
        if !r.hits.is_empty()
            && let Some(t) = target
            && ui
                .button(lang.t("添加为图层", "Add as layer"))
                .on_hover_text(lang.t("找到的要素及其距离", "The features found, with their distances"))
                .clicked()
        {
            let features = r
                .hits
                .iter()
                .filter_map(|h| {
                    let f = t.layer.features.get(h.feature)?;
                    let mut props: serde_json::Map<String, serde_json::Value> =
                        f.properties.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    props.insert("distance_m".into(), serde_json::json!(h.distance_m.round()));
                    Some(Feature::new(f.id.clone(), f.geometry.clone(), props))
                })
                .collect();
            let d = self.nearby_distance_m;
            let style = Style {
                fill: Rgba::rgba(0, 150, 136, 90),
                stroke: Rgba::rgb(0, 121, 107),
                point_radius_pt: 6.0,
                ..Style::default()
            };
            actions.push(Action::AddLayer(Box::new(Layer::new(
                format!("nearby:{}", t.layer.key),
                format!("周边：{} {d:.0} 米内", t.layer.name_zh),
                format!("Nearby: {} within {d:.0} m", t.layer.name_en),
                LayerOrigin::Generated,
                features,
                style,
            ))));
        }
        if let Some(i) = clicked {
            actions.push(Action::SelectAndZoom(FeatureRef { layer: r.layer_key.clone(), feature: i }));
        }
    }
}

impl AnalysisPanel {
    // ---- 生活圈人口覆盖 ------------------------------------------------------------------------

    fn population_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context, layers: &[LayerEntry], lang: Lang) {
        // ---- Form ----
        let english = lang.english();
        ui.label(
            RichText::new(lang.t(
                "各类设施步行 5/10/15 分钟（300/500/1000 米）可达的住户比例：社区户数按面积均匀分布，每 50 米一点，沿道路图层步行。",
                "Share of households within a 5/10/15-minute walk (300/500/1000 m) of each facility type: each community's households spread evenly over its area, a point every 50 m, walked along the roads layer.",
            ))
            .weak(),
        );
        egui::Grid::new("population_form").num_columns(2).show(ui, |ui| {
            let label = ui.label(lang.t("目标覆盖率", "Target"));
            ui.add(egui::DragValue::new(&mut self.population_target_pct).range(0.0..=100.0).speed(0.5).suffix(" %"))
                .labelled_by(label.id)
                .on_hover_text(
                    lang.t("上海 2035 总规：社区生活圈覆盖率 99%", "Shanghai's 2035 plan: 99% of residents"),
                );
            ui.end_row();
            ui.label(lang.t("度量", "Measured"));
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.population_walking, true, lang.t("沿路网步行", "Walking on roads"));
                ui.radio_value(&mut self.population_walking, false, lang.t("直线", "Straight line"));
            });
            ui.end_row();
        });
        if ui.add_enabled(!self.busy(), egui::Button::new(lang.t("计算覆盖率", "Compute coverage"))).clicked() {
            self.run_population(layers, ctx);
        }
        self.busy_line(ui, lang);
        // ---- Result: scope ----
        let Some(r) = &self.population else { return };
        ui.separator();
        let everywhere = lang.t("全区", "District").to_owned();
        let subdistricts: Vec<String> =
            r.items.first().map(|i| i.by_subdistrict.keys().cloned().collect()).unwrap_or_default();
        ui.horizontal(|ui| {
            let label = ui.label(lang.t("范围", "Area"));
            egui::ComboBox::from_id_salt("population_scope")
                .selected_text(self.population_scope.clone().unwrap_or_else(|| everywhere.clone()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.population_scope, None, everywhere.clone());
                    for s in subdistricts {
                        ui.selectable_value(&mut self.population_scope, Some(s.clone()), s);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let below = r.below_target().len();
        ui.label(
            RichText::new(if english {
                format!(
                    "{:.0} households; {below} of {} types below the {:.0}% target at their own level ({})",
                    r.households,
                    r.items.len(),
                    r.target_pct,
                    if r.walking { "walking" } else { "straight line" }
                )
            } else {
                format!(
                    "共 {:.0} 户；{} 类设施中有 {below} 类在其层级距离内低于目标 {:.0}%（{}）",
                    r.households,
                    r.items.len(),
                    r.target_pct,
                    if r.walking { "步行" } else { "直线" }
                )
            })
            .strong(),
        );
        // ---- Result: table ----
        let scope = self.population_scope.clone();
        let target = r.target_pct;
        let titles = [
            ("设施类型", "Facility type"),
            ("要求", "Required"),
            ("5 分钟", "5 min"),
            ("10 分钟", "10 min"),
            ("15 分钟", "15 min"),
        ];
        results_table(ui, "population_table", 1, 150.0, 4, 70.0, 320.0)
            .header(20.0, |mut h| header_cells(&mut h, titles.map(|(zh, en)| lang.t(zh, en).to_owned())))
            .body(|body| {
                body.rows(18.0, r.items.len(), |mut row| {
                    let Some(item) = r.items.get(row.index()) else { return };
                    let shares = match &scope {
                        Some(s) => item.by_subdistrict.get(s).cloned().unwrap_or_default(),
                        None => item.district.clone(),
                    };
                    row.col(|ui| {
                        ui.label(if english { item.name_en } else { item.name_zh });
                    });
                    row.col(|ui| {
                        ui.label(format!("{} {}", item.level_minutes, lang.t("分钟", "min")));
                    });
                    for (k, minutes) in [5, 10, 15].iter().enumerate() {
                        let pct = shares.pct(k);
                        let own = *minutes == item.level_minutes;
                        row.col(|ui| {
                            let text = RichText::new(format!("{pct:.1}%"));
                            let text = if own && pct < target {
                                text.color(Color32::from_rgb(200, 40, 40)).strong()
                            } else if own {
                                text.color(Color32::from_rgb(30, 140, 60)).strong()
                            } else {
                                text
                            };
                            ui.label(text);
                        });
                    }
                });
            });
    }
}

/// A striped results table: `names` wide columns (names) and `rest` narrower ones, scrolling
/// past `max_height_pt`.
fn results_table<'a>(
    ui: &'a mut egui::Ui,
    id: &str,
    names: usize,
    name_width_pt: f32,
    rest: usize,
    rest_width_pt: f32,
    max_height_pt: f32,
) -> TableBuilder<'a> {
    TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .sense(Sense::click())
        .cell_layout(Layout::left_to_right(Align::Center))
        .min_scrolled_height(0.0)
        .max_scroll_height(max_height_pt)
        .columns(Column::initial(name_width_pt).clip(true), names)
        .columns(Column::initial(rest_width_pt).clip(true), rest)
}

/// The header cells, in bold.
fn header_cells(h: &mut egui_extras::TableRow<'_, '_>, titles: impl IntoIterator<Item = String>) {
    for t in titles {
        h.col(|ui| {
            ui.strong(t);
        });
    }
}

/// The overlay pairs as CSV (UTF-8 with BOM).
fn overlay_csv(r: &Intersection, english: bool) -> String {
    let mut out = String::from('\u{feff}');
    let header: Vec<String> = if english {
        ["a", "b", "area_m2", "area_ha", "area_mu", "share_of_a_pct", "share_of_b_pct"].map(str::to_owned).to_vec()
    } else {
        ["A", "B", "面积(平方米)", "面积(公顷)", "面积(亩)", "占A比例(%)", "占B比例(%)"].map(str::to_owned).to_vec()
    };
    crate::analysis::coverage::push_csv_row(&mut out, &header);
    for p in &r.pairs {
        crate::analysis::coverage::push_csv_row(
            &mut out,
            &[
                p.a.clone(),
                p.b.clone(),
                format!("{:.2}", p.area_m2),
                format!("{:.4}", p.area_m2 / M2_PER_HECTARE),
                format!("{:.3}", p.area_m2 / M2_PER_MU),
                format!("{:.2}", p.share_of_a * 100.0),
                format!("{:.2}", p.share_of_b * 100.0),
            ],
        );
    }
    out
}

/// The units with the most features, as horizontal bars (top 12).
fn bar_chart(ui: &mut egui::Ui, table: &ZonalTable, units: &[Feature], english: bool) {
    let mut rows: Vec<(&str, usize)> = table
        .units
        .iter()
        .map(|u| (units.get(u.unit).and_then(|f| f.display_name(english)).unwrap_or(&u.name), u.count))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(12);
    let Some(max) = rows.first().map(|r| r.1).filter(|m| *m > 0) else { return };
    let row_h = 14.0;
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width().min(560.0), row_h * rows.len() as f32), Sense::hover());
    let painter = ui.painter_at(rect);
    let label_w = 130.0;
    let bar_w = rect.width() - label_w - 50.0;
    let text = ui.visuals().text_color();
    for (i, (name, n)) in rows.iter().enumerate() {
        let y = rect.top() + i as f32 * row_h;
        painter.text(
            egui::pos2(rect.left() + label_w - 6.0, y + row_h / 2.0),
            egui::Align2::RIGHT_CENTER,
            *name,
            egui::FontId::proportional(11.0),
            text,
        );
        let w = bar_w * *n as f32 / max as f32;
        let bar =
            egui::Rect::from_min_size(egui::pos2(rect.left() + label_w, y + 2.0), egui::vec2(w.max(1.0), row_h - 4.0));
        painter.rect_filled(bar, 1.0, Color32::from_rgb(230, 120, 40));
        painter.text(
            egui::pos2(bar.right() + 4.0, y + row_h / 2.0),
            egui::Align2::LEFT_CENTER,
            n.to_string(),
            egui::FontId::proportional(11.0),
            text,
        );
    }
}

/// Carry out the panel's actions.
/// Before the frame: a table being saved reports where it went.
pub(super) fn logic(app: &mut AtlasApp) {
    app.analysis_save = save_dialog::poll(app.analysis_save.take(), app.lang(), &mut app.notices);
}

/// The nearby tool on the map: a click queries around the point; the query's outline and what it
/// found are drawn.
pub(super) fn on_map(app: &mut AtlasApp, map: &MapInteraction) {
    if let Some(p) = map.clicked_lon_lat() {
        app.analysis.open = true;
        app.analysis.tab = Tab::Nearby;
        let lang = app.lang();
        if let Err(e) = app.analysis.run_nearby(&app.layers, None, Some(p), lang) {
            app.notices.push(Notice { text: e, error: true });
        }
    }
    paint(app, map);
}

fn paint(app: &AtlasApp, map: &MapInteraction) {
    let Some(r) = &app.analysis.nearby else { return };
    let colour = Color32::from_rgb(0, 150, 136);
    for ring in &r.outline {
        let pts: Vec<egui::Pos2> = ring.iter().map(|p| map.view.lon_lat_to_screen(*p)).collect();
        map.painter.add(egui::Shape::closed_line(pts, Stroke::new(2.0, colour)));
    }
    if let Some(at) = r.at {
        map.painter.circle_filled(map.view.lon_lat_to_screen(at), 5.0, colour);
    }
    let Some(target) = find(&app.layers, &r.layer_key) else { return };
    for h in &r.hits {
        let Some(p) = target
            .layer
            .features
            .get(h.feature)
            .and_then(|f| f.geometry.as_ref())
            .and_then(crate::analysis::stats::representative_point)
        else {
            continue;
        };
        map.painter.circle_stroke(map.view.lon_lat_to_screen([p.x(), p.y()]), 7.0, Stroke::new(2.5, colour));
    }
}

/// The notice for a result put on a slide.
fn added_to_briefing(title: &str, lang: Lang) -> Notice {
    Notice { text: format!("{}：{title}", lang.t("已加入简报", "Added to the briefing")), error: false }
}
