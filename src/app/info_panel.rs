//! The right panel: everything known about the selected feature. A project card at the top
//! (`card.rs`), the measures of its shape, and its other attributes, all named by the layer's
//! field schema: the embedded layers' own, or a loaded file's defaults with its sidecar
//! (`NAME.schema.json`) applied. The panel keeps each layer's schema, and reads a sidecar again
//! when its file or the layer changes.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use egui::RichText;

use super::actions::Action;
use super::format::number;
use super::{AtlasApp, Lang, Notice};
use crate::Bilingual;
use crate::analysis::measure::{AreaUnits, area_m2, format_distance, length_m, perimeter_m};
use crate::io::schema::{SchemaError, layer_schema, sidecar_path};
use crate::model::provenance::{self, Accuracy};
use crate::model::schema::LayerSchema;
use crate::model::{GeometryKind, Layer, LayerOrigin};

use super::card;

/// How often a loaded file's sidecar is looked at again for edits: a planner saves it in an
/// editor and sees the card change within a moment, without a file watcher per sidecar.
const SIDECAR_CHECK: Duration = Duration::from_secs(2);

/// The feature details panel and the field schemas of the open layers.
#[derive(Default)]
pub struct InfoPanel {
    /// Per layer key: its schema as last read.
    schemas: HashMap<String, CachedSchema>,
}

/// A layer's schema and what it was read from.
struct CachedSchema {
    /// The layer's generation when read (a reload reads the sidecar again).
    generation: u64,
    /// Where the layer came from when read.
    origin: LayerOrigin,
    /// The sidecar's modification time and size when read (None: there was none).
    stamp: Option<(SystemTime, u64)>,
    /// When the sidecar was last looked at.
    checked: Instant,
    /// Defaults with the sidecar applied.
    schema: LayerSchema,
    /// Why the sidecar could not be used.
    problem: Option<SchemaError>,
}

impl InfoPanel {
    /// Draw the panel for the app's selection; "zoom to" and "clear" come back as actions, and
    /// a sidecar that cannot be used as a notice.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.refresh(app, &mut actions);
        self.show(app, ui, &mut actions);
        actions
    }

    /// A layer's schema: as read with its sidecar, or (for a layer not seen yet) its defaults.
    pub fn schema(&self, layer: &Layer) -> std::borrow::Cow<'_, LayerSchema> {
        match self.schemas.get(&layer.key) {
            Some(c) => std::borrow::Cow::Borrowed(&c.schema),
            None => std::borrow::Cow::Owned(LayerSchema::for_origin(&layer.origin)),
        }
    }

    /// Read the schema of layers new or changed since the last frame, and of files whose sidecar
    /// was edited; forget closed layers.
    fn refresh(&mut self, app: &AtlasApp, actions: &mut Vec<Action>) {
        let now = Instant::now();
        self.schemas.retain(|k, _| app.layers.iter().any(|e| e.layer.key == *k));
        for e in &app.layers {
            let path = match &e.layer.origin {
                LayerOrigin::File { path } => Some(sidecar_path(path)),
                _ => None,
            };
            let stale = match self.schemas.get_mut(&e.layer.key) {
                None => true,
                Some(c) if c.generation != e.generation || c.origin != e.layer.origin => true,
                Some(c) => match &path {
                    Some(p) if now.duration_since(c.checked) >= SIDECAR_CHECK => {
                        c.checked = now;
                        stamp(p) != c.stamp
                    }
                    _ => false,
                },
            };
            if !stale {
                continue;
            }
            let (schema, problem) = layer_schema(&e.layer.origin);
            if let Some(p) = &problem {
                log::warn!("{}", kuiwen_core::i18n::both(p));
                actions.push(Action::Notice(Notice { text: p.message(app.lang().english()), error: true }));
            }
            let cached = CachedSchema {
                generation: e.generation,
                origin: e.layer.origin.clone(),
                stamp: path.as_deref().and_then(stamp),
                checked: now,
                schema,
                problem,
            };
            self.schemas.insert(e.layer.key.clone(), cached);
        }
    }

    fn show(&self, app: &AtlasApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let lang = app.lang();
        ui.heading(lang.t("要素信息", "Feature details"));
        ui.separator();
        // ---- Nothing selected: where the data comes from ----
        let Some(sel) = app.selection.clone() else {
            ui.label(lang.t(
                "在地图上单击一个片区、园区、网格或设施，或使用上方搜索。",
                "Click a district, park, grid or facility on the map, or use the search above.",
            ));
            ui.add_space(12.0);
            egui::ScrollArea::vertical().show(ui, |ui| data_sources(app, ui, lang));
            return;
        };
        let Some(entry) = app.layer(&sel.layer) else { return };
        let Some(f) = entry.layer.features.get(sel.feature) else { return };
        let cached = self.schemas.get(&entry.layer.key);
        let schema = self.schema(&entry.layer);
        // ---- The card's title, chips and buttons ----
        card::header(ui, lang, f, &schema);
        let mut zoom = false;
        let mut clear = false;
        ui.horizontal(|ui| {
            zoom = ui.button(lang.t("缩放至", "Zoom to")).clicked();
            clear = ui.button(lang.t("取消选择", "Clear selection")).clicked();
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            // ---- The project card: figures, wording, provenance ----
            card::body(ui, lang, f, &schema);
            // ---- Measured from the shape ----
            ui.add_space(8.0);
            measures(ui, lang, &entry.layer, f);
            // ---- The other attributes ----
            card::attributes(ui, lang, entry, f, &schema, cached.and_then(|c| c.problem.as_ref()));
        });
        // ---- After drawing: what was asked ----
        if zoom {
            actions.push(Action::SelectAndZoom(sel));
        } else if clear {
            actions.push(Action::Select(None));
        }
    }
}

/// A sidecar's modification time and size (None: no sidecar).
fn stamp(path: &std::path::Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
}

/// The layer and the geodesic measures of the feature's shape.
fn measures(ui: &mut egui::Ui, lang: Lang, layer: &Layer, f: &crate::model::Feature) {
    let w = card::label_width(ui);
    let name = |s: &str| RichText::new(s).weak();
    card::row(ui, w, name(lang.t("图层", "Layer")), RichText::new(layer.name(lang.english())));
    let Some(g) = &f.geometry else { return };
    match f.kind() {
        GeometryKind::Polygon | GeometryKind::Mixed => {
            let a = AreaUnits::from_m2(area_m2(g));
            let area = format!(
                "{} km²\n{} {}\n{} {}",
                number(a.km2, 3),
                number(a.hectares, 1),
                lang.t("公顷", "ha"),
                number(a.mu, 0),
                lang.t("亩", "mu")
            );
            card::row(ui, w, name(lang.t("面积（椭球）", "Area (geodesic)")), RichText::new(area));
            card::row(ui, w, name(lang.t("周长", "Perimeter")), RichText::new(format_distance(perimeter_m(g))));
        }
        GeometryKind::Line => {
            card::row(
                ui,
                w,
                name(lang.t("长度（椭球）", "Length (geodesic)")),
                RichText::new(format_distance(length_m(g))),
            );
        }
        GeometryKind::Point => {
            if let Some(b) = f.bbox {
                let at = format!("{:.5}°E, {:.5}°N", b[0], b[1]);
                card::row(ui, w, name(lang.t("位置", "Location")), RichText::new(at));
            }
        }
        GeometryKind::Empty => {}
    }
}

/// Readable names for the categories of the embedded data (others show as written).
pub fn category_label(c: &str, english: bool) -> String {
    let zh = match c {
        "development_district" => "开发片区",
        "new_town" => "新城",
        "park" => "产业园区",
        "subdistrict" => "街道",
        "community" => "社区",
        "grid" => "二级网格",
        "boundary" => "行政区界",
        "railway" => "铁路",
        "station" => "车站",
        "river" => "河流",
        "road" => "道路",
        "junior_middle_school" => "初中",
        "primary_school" => "小学",
        "kindergarten" => "幼儿园",
        "health_center" => "社区卫生服务中心",
        "clinic" => "门诊/卫生站",
        "nursing_home" => "养老院",
        "elderly_daycare" => "老年人日间照料中心",
        "cultural_center" => "文化活动中心",
        "sports_ground" => "运动场地",
        "market" => "菜市场/商业",
        "community_service" => "社区服务站",
        "bus_stop" => "公交站",
        other => other,
    };
    if english { c.replace('_', " ") } else { zh.to_owned() }
}

/// With nothing selected: what each layer shown is, by accuracy, and what replacing it with
/// official data takes.
fn data_sources(app: &AtlasApp, ui: &mut egui::Ui, lang: Lang) {
    let english = lang.english();
    ui.label(RichText::new(lang.t("数据来源与精度", "Where the data comes from")).strong());
    // One row per layer: the name in a fixed column (long file-layer names are cut, the full
    // name on hover), the accuracy wrapped beside it, so the panel keeps its width.
    let name_w = (ui.available_width() * 0.32).clamp(60.0, 120.0);
    for e in app.layers.iter().rev() {
        // Every frame: a layer whose first feature states no accuracy is skipped without a scan.
        if !e.layer.features.first().is_some_and(|f| f.properties.contains_key("accuracy")) {
            continue;
        }
        let summary = provenance::summarize(&e.layer, english);
        // Layers that state their accuracy (the embedded ones, official data marked so).
        let Some(worst) = summary.worst().filter(|a| *a != Accuracy::Unknown) else { continue };
        let mut text = match (worst, summary.approximate.is_empty()) {
            (Accuracy::Approximate, _) => provenance::accuracy_text_of(&summary, english),
            (_, true) => worst.label(english).to_owned(),
            (_, false) => format!(
                "{}{}{}",
                worst.label(english),
                lang.t("；其中近似：", "; approximate: "),
                provenance::accuracy_text_of(&summary, english)
            ),
        };
        for c in &e.layer.credits {
            text.push_str(&format!(" · {c}"));
        }
        ui.horizontal_top(|ui| {
            let name = e.layer.name(english);
            ui.allocate_ui_with_layout(egui::vec2(name_w, 16.0), egui::Layout::left_to_right(egui::Align::Min), |ui| {
                ui.set_min_width(name_w);
                ui.add(egui::Label::new(name).truncate()).on_hover_text(name);
            });
            ui.add(egui::Label::new(text).wrap()).on_hover_text(worst.meaning(english));
        });
    }
    ui.add_space(6.0);
    ui.add(
        egui::Label::new(
            RichText::new(lang.t(
                "近似：来自注明的公开来源（OpenStreetMap），误差在所注容差内；示意：按 2017 年《潍坊日报》报道的数字绘制，不是测绘位置。换成官方数据：用“打开数据…”打开街道、社区、网格的官方 shapefile 或 GDB（CGCS2000、EPSG:4528/4549、GBK 均可直接打开），核对后“保存工作空间”。",
                "Approximate: from a cited public source (OpenStreetMap), within the stated tolerance. Illustrative: drawn to fit the figures in 2017 Weifang Daily articles, not surveyed positions. To use official data, open the official shapefiles or GDB of the subdistricts, communities and grids with Open data… (CGCS2000, EPSG:4528/4549 and GBK open directly), check them, and save a workspace.",
            ))
            .weak(),
        )
        .wrap(),
    );
}
