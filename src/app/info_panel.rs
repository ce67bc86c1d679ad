//! The right panel: everything known about the selected feature.

use egui::{Panel, RichText};
use serde_json::Value;

use super::actions::Action;
use super::format::{number, property_value};
use super::{AtlasApp, Lang};
use crate::analysis::measure::{AreaUnits, area_m2, format_distance, length_m, perimeter_m};
use crate::model::GeometryKind;
use crate::model::provenance::{self, Accuracy};

/// Properties shown in the header rather than the table.
const HEADER_KEYS: [&str; 4] = ["name", "name_en", "category", "id"];

/// The feature details panel. It keeps nothing yet; it is a struct so what it will keep (the
/// card's collapsed sections) lives with it.
#[derive(Default)]
pub struct InfoPanel {}

impl InfoPanel {
    /// Draw the panel for the app's selection; "zoom to" and "clear" come back as actions.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        show(app, ui, &mut actions);
        actions
    }
}

fn show(app: &AtlasApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang();
    Panel::right("info").resizable(true).default_size(330.0).show(ui, |ui| {
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
        // ---- The feature's name and buttons ----
        let name = f.display_name(lang.english()).unwrap_or("—").to_owned();
        ui.label(RichText::new(&name).size(20.0).strong());
        if let (Some(en), false) = (f.name_en(), lang.english()) {
            ui.label(RichText::new(en).italics().weak());
        }
        let mut zoom = false;
        let mut clear = false;
        ui.horizontal(|ui| {
            zoom = ui.button(lang.t("缩放至", "Zoom to")).clicked();
            clear = ui.button(lang.t("取消选择", "Clear selection")).clicked();
        });
        egui::ScrollArea::vertical().show(ui, |ui| {
            // ---- Summary: layer, category, accuracy, measures ----
            egui::Grid::new("summary").num_columns(2).striped(true).spacing([12.0, 4.0]).show(ui, |ui| {
                ui.label(lang.t("图层", "Layer"));
                ui.label(entry.layer.name(lang.english()));
                ui.end_row();
                if let Some(c) = f.category() {
                    ui.label(lang.t("类别", "Category"));
                    ui.label(category_label(c, lang.english()));
                    ui.end_row();
                }
                let accuracy = Accuracy::of(f);
                if accuracy != Accuracy::Unknown {
                    ui.label(lang.t("精度", "Accuracy"));
                    ui.label(provenance::accuracy_text(f, lang.english()))
                        .on_hover_text(accuracy.meaning(lang.english()));
                    ui.end_row();
                }
                if let Some(credit) = f.properties.get("attribution").and_then(Value::as_str) {
                    ui.label(lang.t("版权", "Credit"));
                    ui.label(credit);
                    ui.end_row();
                }
                if let Some(g) = &f.geometry {
                    match f.kind() {
                        GeometryKind::Polygon | GeometryKind::Mixed => {
                            let a = AreaUnits::from_m2(area_m2(g));
                            ui.label(lang.t("面积（椭球）", "Area (geodesic)"));
                            ui.label(format!(
                                "{} km²\n{} {}\n{} {}",
                                number(a.km2, 3),
                                number(a.hectares, 1),
                                lang.t("公顷", "ha"),
                                number(a.mu, 0),
                                lang.t("亩", "mu")
                            ));
                            ui.end_row();
                            ui.label(lang.t("周长", "Perimeter"));
                            ui.label(format_distance(perimeter_m(g)));
                            ui.end_row();
                        }
                        GeometryKind::Line => {
                            ui.label(lang.t("长度（椭球）", "Length (geodesic)"));
                            ui.label(format_distance(length_m(g)));
                            ui.end_row();
                        }
                        GeometryKind::Point => {
                            if let Some(b) = f.bbox {
                                ui.label(lang.t("位置", "Location"));
                                ui.label(format!("{:.5}°E, {:.5}°N", b[0], b[1]));
                                ui.end_row();
                            }
                        }
                        GeometryKind::Empty => {}
                    }
                }
            });
            // ---- All properties ----
            ui.add_space(8.0);
            ui.label(RichText::new(lang.t("属性", "Properties")).strong());
            egui::Grid::new("props").num_columns(2).striped(true).spacing([12.0, 4.0]).min_col_width(90.0).show(
                ui,
                |ui| {
                    for (k, v) in f.properties.iter().filter(|(k, _)| !HEADER_KEYS.contains(&k.as_str())) {
                        ui.label(RichText::new(k).monospace().weak());
                        match v {
                            Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
                                ui.hyperlink(s);
                            }
                            _ => {
                                ui.add(egui::Label::new(property_value(k, v, lang)).wrap());
                            }
                        }
                        ui.end_row();
                    }
                },
            );
        });
        // ---- After drawing: what was asked ----
        if zoom {
            actions.push(Action::SelectAndZoom(sel));
        } else if clear {
            actions.push(Action::Select(None));
        }
    });
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
