//! The attribute table: a bottom panel listing any layer's features with sortable columns, a text
//! filter and numbers right-aligned with their units. A row click selects and zooms to the
//! feature; a selection on the map highlights and scrolls to its row; the rows as shown export to
//! CSV (UTF-8 with BOM, for Excel).

use std::cmp::Ordering;

use egui::{Align, Layout, Panel, RichText, Sense};
use egui_extras::{Column, TableBuilder};
use serde_json::Value;

use super::actions::Action;
use super::format::{number, property_value};
use super::info_panel::category_label;
use super::save_dialog::{self, FileKind, PendingSave};
use super::{AtlasApp, FeatureRef, Lang};
use crate::analysis::measure::{AreaUnits, area_m2};
use crate::io::export::{cell_text, features_csv, property_columns};
use crate::model::{Feature, GeometryKind};

/// Row height in points.
const ROW_HEIGHT: f32 = 22.0;

/// A column to sort by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortColumn {
    /// The feature's position in the layer.
    Index,
    /// The display name.
    Name,
    /// The computed geodesic area.
    Area,
    /// A property.
    Property(String),
}

/// The attribute table's state.
#[derive(Default)]
pub struct AttributeTable {
    /// Whether the panel is shown.
    pub open: bool,
    /// The key of the layer shown.
    pub layer: Option<String>,
    /// Text that rows must contain (in the name or any property), case-insensitive.
    pub filter: String,
    /// The sort column and direction (`true` ascending); `None` keeps the layer's order.
    pub sort: Option<(SortColumn, bool)>,
    /// Show only the features of the multi-selection.
    pub only_selection: bool,
    cache: Option<RowCache>,
    /// The map selection seen last frame (a change scrolls to its row).
    last_selection: Option<FeatureRef>,
    save: Option<PendingSave>,
}

/// What the table shows for one layer, recomputed only when its inputs change.
struct RowCache {
    key: CacheKey,
    /// Property columns in reading order (see [`column_order`]), without the name columns.
    columns: Vec<String>,
    /// Decimals per column: the most any value of the column needs (at most 3), so the numbers of
    /// a right-aligned column line up on their decimal point.
    decimals: Vec<usize>,
    /// Whether a column holds numbers (right-aligned, missing values too).
    numeric: Vec<bool>,
    /// Every property key (for CSV export).
    all_columns: Vec<String>,
    /// Geodesic area per feature, m² (`None` for a layer without polygons).
    areas: Option<Vec<f64>>,
    /// Feature indices of the rows, filtered and sorted.
    rows: Vec<usize>,
}

#[derive(Clone, PartialEq)]
struct CacheKey {
    layer: String,
    generation: u64,
    filter: String,
    sort: Option<(SortColumn, bool)>,
    english: bool,
    only: Option<Vec<usize>>,
}

impl AttributeTable {
    /// Show the table for `layer`.
    pub fn open_layer(&mut self, layer: &str) {
        self.open = true;
        if self.layer.as_deref() != Some(layer) {
            self.layer = Some(layer.to_owned());
            self.sort = None;
            self.filter.clear();
        }
    }

    /// The feature indices of the rows as shown (after filter and sort), once drawn.
    pub fn rows(&self) -> &[usize] {
        self.cache.as_ref().map_or(&[], |c| c.rows.as_slice())
    }
}

/// A readable column title for a property key (the key itself in English).
pub fn key_label(key: &str, lang: Lang) -> String {
    let zh = match key {
        "name" => "名称",
        "name_en" => "英文名",
        "category" => "类别",
        "source" => "来源",
        "accuracy" => "精度",
        "status" => "状态",
        "households" => "户数",
        "population" => "人口",
        "subdistrict" => "街道",
        "subdistrict_code" => "街道代码",
        "community" => "社区",
        "community_id" => "社区编号",
        "service_radius_min" => "服务半径",
        "grid_count" => "网格数",
        "grids" => "网格数",
        "grid_no" => "网格号",
        "managers" => "网格员",
        "grid_managers" => "网格员数",
        "communities" => "社区数",
        "level" => "层级",
        "code" => "代码",
        "managed_by" => "管理",
        "party_org_text" => "党组织",
        "area_km2" => "面积",
        "drawn_area_km2" => "图上面积",
        "planned_area_km2" => "规划面积",
        "area_mu" => "占地",
        "investment_yuan" => "总投资",
        "output_target_yuan" => "产值目标",
        "output_target_years" => "目标年限",
        "companies_intended" => "意向企业",
        "description" => "说明",
        "industries" => "产业",
        "road" => "道路",
        "road_class" => "道路等级",
        "length_m" => "长度",
        "pupils" => "学生数",
        "children" => "幼儿数",
        "beds" => "床位",
        "villages" => "村庄数",
        "area_m2" => "面积",
        "area_ha" => "面积（公顷）",
        "perimeter_m" => "周长",
        _ => key,
    };
    lang.t(zh, key).to_owned()
}

/// The property columns in the order a planner reads them: what the feature is and where
/// (category, subdistrict, …), then the figures, then other text, and last the long wording and
/// provenance (`*_text`, description, source, accuracy). The name columns have their own column.
pub fn column_order(features: &[Feature], keys: &[String]) -> Vec<String> {
    let rank = |k: &str| -> u8 {
        if matches!(k, "category" | "subdistrict" | "community" | "road" | "road_class" | "status" | "level") {
            0
        } else if k.ends_with("_text") || matches!(k, "description" | "source" | "accuracy") {
            3
        } else if features.iter().any(|f| matches!(f.properties.get(k), Some(Value::Number(_)))) {
            1
        } else {
            2
        }
    };
    let mut cols: Vec<&String> = keys.iter().filter(|k| *k != "name" && *k != "name_en").collect();
    cols.sort_by_key(|k| rank(k));
    cols.into_iter().cloned().collect()
}

/// The decimals a column's numbers need, at most 3.
fn column_decimals(features: &[Feature], key: &str) -> usize {
    features
        .iter()
        .filter_map(|f| f.prop_f64(key))
        .map(|x| number(x, 3).split_once('.').map_or(0, |(_, frac)| frac.len()))
        .max()
        .unwrap_or(0)
}

/// A number cell: money in 亿元/万元 and codes as written (by `format::property_value`), other
/// numbers with the column's decimals and the unit the key names.
fn number_cell(key: &str, value: &Value, decimals: usize, lang: Lang) -> String {
    let shown = property_value(key, value, lang);
    let Some(x) = value.as_f64() else { return shown };
    let plain = number(x, 3);
    // property_value writes "<number> <unit>" with the same number(x, 3): pad only that number.
    match shown.strip_prefix(&plain) {
        Some(unit) if decimals > 0 => format!("{}{unit}", fixed_decimals(&plain, decimals)),
        _ => shown,
    }
}

/// `text` (a formatted number) with exactly `decimals` decimals, zeros added.
fn fixed_decimals(text: &str, decimals: usize) -> String {
    let have = text.split_once('.').map_or(0, |(_, f)| f.len());
    if have >= decimals {
        return text.to_owned();
    }
    let mut s = if have == 0 { format!("{text}.") } else { text.to_owned() };
    s.extend(std::iter::repeat_n('0', decimals - have));
    s
}

fn matches_filter(f: &Feature, needle: &str) -> bool {
    f.id.as_deref().is_some_and(|id| id.to_lowercase().contains(needle))
        || f.properties.values().any(|v| cell_text(Some(v)).to_lowercase().contains(needle))
}

/// Numbers before text, missing values last whatever the direction.
fn compare_values(a: Option<&Value>, b: Option<&Value>, ascending: bool) -> Ordering {
    let rank = |v: Option<&Value>| match v {
        Some(Value::Number(_)) => 0,
        Some(Value::Null) | None => 2,
        Some(_) => 1,
    };
    match (rank(a), rank(b)) {
        (ra, rb) if ra != rb => ra.cmp(&rb),
        (2, 2) => Ordering::Equal,
        _ => {
            let o = match (a, b) {
                (Some(Value::Number(x)), Some(Value::Number(y))) => {
                    x.as_f64().unwrap_or(f64::NAN).total_cmp(&y.as_f64().unwrap_or(f64::NAN))
                }
                _ => cell_text(a).cmp(&cell_text(b)),
            };
            if ascending { o } else { o.reverse() }
        }
    }
}

fn right_aligned(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| ui.label(text)).inner
}

/// The panel: the table of the layer shown, linked to the map.
impl AttributeTable {
    /// Draw the table when open (call before the map's central panel); a clicked row comes back
    /// as an action.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.show(app, ui, &mut actions);
        actions
    }

    /// Show the panel when open. Call before the map's central panel.
    fn show(&mut self, app: &AtlasApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        self.save = save_dialog::poll_into(self.save.take(), app.lang(), actions);
        if !self.open {
            return;
        }
        let lang = app.lang();
        // Default to the selected feature's layer, else the topmost polygon layer with statistics.
        if self.layer.as_ref().is_none_or(|k| app.layer(k).is_none()) {
            self.layer = app
                .selection
                .as_ref()
                .map(|s| s.layer.clone())
                .or_else(|| app.layer("communities").map(|e| e.layer.key.clone()))
                .or_else(|| app.layers.last().map(|e| e.layer.key.clone()));
        }
        let Some(layer_key) = self.layer.clone() else { return };
        self.refresh_cache(app, &layer_key);

        let mut clicked: Option<usize> = None;
        let mut close = false;
        let mut export = false;
        let mut switch_to: Option<String> = None;
        Panel::bottom("attributes").resizable(true).default_size(280.0).min_size(120.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(lang.t("属性表", "Attribute table"));
                ui.separator();
                self.layer_chooser(app, ui, &layer_key);
                ui.separator();
                let label = ui.label(lang.t("筛选", "Filter"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.filter)
                        .hint_text(lang.t("名称或属性中的文字", "text in the name or any property"))
                        .desired_width(180.0),
                )
                .labelled_by(label.id);
                ui.checkbox(&mut self.only_selection, lang.t("仅选择集", "Selection only")).on_hover_text(
                    lang.t("只列出框选/多边形选择的要素", "List only the features of the box/polygon selection"),
                );
                let total = app.layer(&layer_key).map_or(0, |e| e.layer.features.len());
                ui.label(format!("{} / {total} {}", self.rows().len(), lang.t("行", "rows")));
                if let Some(sel) = &app.selection
                    && sel.layer != layer_key
                    && let Some(e) = app.layer(&sel.layer)
                {
                    let name = e.layer.name(lang.english()).to_owned();
                    if ui
                        .button(format!("{} {name}", lang.t("显示选中要素的图层：", "Show the selection's layer:")))
                        .clicked()
                    {
                        switch_to = Some(sel.layer.clone());
                    }
                }
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    close = ui
                        .button(lang.t("关闭", "Close"))
                        .on_hover_text(lang.t("关闭属性表", "Close the table"))
                        .clicked();
                    export = ui
                        .button(lang.t("导出 CSV", "Export CSV"))
                        .on_hover_text(lang.t(
                            "导出当前筛选和排序的行（UTF-8 带 BOM，Excel 可直接打开）",
                            "Export the rows as filtered and sorted (UTF-8 with BOM, opens in Excel)",
                        ))
                        .clicked();
                });
            });
            ui.separator();
            clicked = self.table(app, ui, &layer_key);
        });
        if let Some(i) = clicked {
            let r = FeatureRef { layer: layer_key.clone(), feature: i };
            // The click came from the table: no need to scroll to it.
            self.last_selection = Some(r.clone());
            actions.push(Action::SelectAndZoom(r));
        }
        if let Some(k) = switch_to {
            self.open_layer(&k);
        }
        if export {
            self.export_csv(app, &layer_key);
        }
        if close {
            self.open = false;
        }
    }

    fn layer_chooser(&mut self, app: &AtlasApp, ui: &mut egui::Ui, current: &str) {
        let lang = app.lang();
        let selected = app.layer(current).map(|e| e.layer.name(lang.english()).to_owned()).unwrap_or_default();
        let mut chosen = None;
        egui::ComboBox::new("table_layer", lang.t("表格图层", "Table layer"))
            .selected_text(selected)
            .width(170.0)
            .show_ui(ui, |ui| {
                for e in app.layers.iter().rev() {
                    // The count keeps the entry's label apart from the layer list's checkbox.
                    let label = format!("{} · {}", e.layer.name(lang.english()), e.layer.features.len());
                    if ui.selectable_label(e.layer.key == current, label).clicked() {
                        chosen = Some(e.layer.key.clone());
                    }
                }
            });
        if let Some(k) = chosen {
            self.open_layer(&k);
        }
    }

    /// Recompute columns, areas and row order when the layer, filter, sort or language changed.
    fn refresh_cache(&mut self, app: &AtlasApp, layer_key: &str) {
        let Some(entry) = app.layers.iter().find(|e| e.layer.key == layer_key) else { return };
        let english = app.lang().english();
        let only = self.only_selection.then(|| {
            let mut v: Vec<usize> =
                app.multi.items.iter().filter(|r| r.layer == layer_key).map(|r| r.feature).collect();
            v.sort_unstable();
            v
        });
        let key = CacheKey {
            layer: layer_key.to_owned(),
            generation: entry.generation,
            filter: self.filter.trim().to_lowercase(),
            sort: self.sort.clone(),
            english,
            only,
        };
        if self.cache.as_ref().is_some_and(|c| c.key == key) {
            return;
        }
        let features = &entry.layer.features;
        let same_layer = self.cache.as_ref().filter(|c| c.key.layer == key.layer && c.key.generation == key.generation);
        let (all_columns, areas) = match same_layer {
            Some(c) => (c.all_columns.clone(), c.areas.clone()),
            None => {
                let has_polygons = entry.layer.kind_counts().contains_key(&GeometryKind::Polygon);
                let areas =
                    has_polygons.then(|| features.iter().map(|f| f.geometry.as_ref().map_or(0.0, area_m2)).collect());
                (property_columns(features), areas)
            }
        };
        let columns = column_order(features, &all_columns);
        let decimals = columns.iter().map(|k| column_decimals(features, k)).collect();
        let numeric = columns
            .iter()
            .map(|k| features.iter().any(|f| matches!(f.properties.get(k), Some(Value::Number(_)))))
            .collect();
        let mut rows: Vec<usize> = match &key.only {
            Some(v) => v.iter().copied().filter(|&i| i < features.len()).collect(),
            None => (0..features.len()).collect(),
        };
        if !key.filter.is_empty() {
            rows.retain(|&i| features.get(i).is_some_and(|f| matches_filter(f, &key.filter)));
        }
        if let Some((col, asc)) = &key.sort {
            rows.sort_by(|&a, &b| {
                let (fa, fb) = (&features[a], &features[b]);
                let o = match col {
                    SortColumn::Index => a.cmp(&b),
                    SortColumn::Name => fa.display_name(english).cmp(&fb.display_name(english)),
                    SortColumn::Area => {
                        let ar = |i: usize| areas.as_ref().and_then(|v| v.get(i)).copied().unwrap_or(0.0);
                        ar(a).total_cmp(&ar(b))
                    }
                    SortColumn::Property(k) => {
                        return compare_values(fa.properties.get(k), fb.properties.get(k), *asc);
                    }
                };
                if *asc { o } else { o.reverse() }
            });
        }
        self.cache = Some(RowCache { key, columns, decimals, numeric, all_columns, areas, rows });
    }

    /// The table itself; returns the feature whose row was clicked.
    fn table(&mut self, app: &AtlasApp, ui: &mut egui::Ui, layer_key: &str) -> Option<usize> {
        // ---- What the table shows ----
        let lang = app.lang();
        let english = lang.english();
        let cache = self.cache.as_ref()?;
        let entry = app.layers.iter().find(|e| e.layer.key == layer_key)?;
        let features = &entry.layer.features;
        let selected = app.selection.as_ref().filter(|s| s.layer == layer_key).map(|s| s.feature);
        let multi: Vec<usize> = app.multi.items.iter().filter(|r| r.layer == layer_key).map(|r| r.feature).collect();
        // A new selection on the map scrolls its row into view.
        let scroll_to = if app.selection != self.last_selection {
            selected.and_then(|i| cache.rows.iter().position(|&r| r == i))
        } else {
            None
        };
        // ---- Sortable column headers ----
        let mut new_sort = None;
        let mut clicked = None;
        let sort = self.sort.clone();
        let header_button =
            |ui: &mut egui::Ui, text: String, col: SortColumn, hover: &str, new_sort: &mut Option<_>| {
                let arrow = match &sort {
                    Some((c, true)) if *c == col => " ▲",
                    Some((c, false)) if *c == col => " ▼",
                    _ => "",
                };
                let r = ui
                    .add(egui::Button::new(RichText::new(format!("{text}{arrow}")).strong()).frame(false))
                    .on_hover_text(hover);
                if r.clicked() {
                    // Ascending, then descending, then the layer's own order.
                    *new_sort = Some(match &sort {
                        Some((c, true)) if *c == col => Some((col, false)),
                        Some((c, false)) if *c == col => None,
                        _ => Some((col, true)),
                    });
                }
            };
        // ---- Columns ----
        let n_props = cache.columns.len();
        let mut builder = TableBuilder::new(ui)
            .id_salt(("attributes", layer_key))
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            .cell_layout(Layout::left_to_right(Align::Center))
            .min_scrolled_height(0.0)
            .column(Column::exact(48.0))
            .column(Column::initial(170.0).at_least(60.0).clip(true));
        if cache.areas.is_some() {
            builder = builder.column(Column::initial(110.0).at_least(60.0).clip(true));
        }
        builder = builder.columns(Column::initial(120.0).at_least(40.0).clip(true), n_props);
        if let Some(r) = scroll_to {
            builder = builder.scroll_to_row(r, Some(Align::Center));
        }
        // ---- Header row and body ----
        let sort_hint = lang.t("单击排序", "Click to sort");
        builder
            .header(ROW_HEIGHT, |mut header| {
                header.col(|ui| header_button(ui, "#".to_owned(), SortColumn::Index, sort_hint, &mut new_sort));
                header.col(|ui| {
                    header_button(ui, lang.t("名称", "Name").to_owned(), SortColumn::Name, sort_hint, &mut new_sort)
                });
                if cache.areas.is_some() {
                    header.col(|ui| {
                        header_button(
                            ui,
                            lang.t("面积（椭球）", "Area (geodesic)").to_owned(),
                            SortColumn::Area,
                            sort_hint,
                            &mut new_sort,
                        )
                    });
                }
                // Column titles from the layer's schema (its sidecar, or the embedded data's names).
                let schema = app.info.schema(&entry.layer);
                for k in &cache.columns {
                    let field = schema.field(k);
                    let title =
                        if field.has_alias() { field.label(lang.english()).to_owned() } else { key_label(k, lang) };
                    header.col(|ui| {
                        let hover = format!("{k} · {sort_hint}");
                        header_button(ui, title, SortColumn::Property(k.clone()), &hover, &mut new_sort)
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, cache.rows.len(), |mut row| {
                    let Some(&i) = cache.rows.get(row.index()) else { return };
                    let Some(f) = features.get(i) else { return };
                    row.set_selected(selected == Some(i));
                    row.set_overline(multi.contains(&i));
                    row.col(|ui| {
                        right_aligned(ui, RichText::new((i + 1).to_string()).weak());
                    });
                    row.col(|ui| {
                        let name = f.display_name(english).unwrap_or("—");
                        if ui.selectable_label(selected == Some(i), name).clicked() {
                            clicked = Some(i);
                        }
                    });
                    if let Some(areas) = &cache.areas {
                        row.col(|ui| {
                            let a = areas.get(i).copied().unwrap_or(0.0);
                            let u = AreaUnits::from_m2(a);
                            right_aligned(ui, format!("{} km²", fixed_decimals(&number(u.km2, 3), 3))).on_hover_text(
                                format!(
                                    "{} {}\n{} {}",
                                    number(u.hectares, 2),
                                    lang.t("公顷", "ha"),
                                    number(u.mu, 1),
                                    lang.t("亩", "mu")
                                ),
                            );
                        });
                    }
                    for (c, k) in cache.columns.iter().enumerate() {
                        row.col(|ui| match f.properties.get(k) {
                            Some(v @ Value::Number(_)) => {
                                let d = cache.decimals.get(c).copied().unwrap_or(0);
                                right_aligned(ui, number_cell(k, v, d, lang));
                            }
                            Some(Value::Null) | None => {
                                if cache.numeric.get(c).copied().unwrap_or(false) {
                                    right_aligned(ui, RichText::new("—").weak());
                                } else {
                                    ui.label(RichText::new("—").weak());
                                }
                            }
                            Some(Value::String(cat)) if k == "category" => {
                                ui.label(category_label(cat, lang.english())).on_hover_text(cat);
                            }
                            Some(v) => {
                                let text = property_value(k, v, lang);
                                let r = ui.add(egui::Label::new(&text).truncate());
                                if text.chars().count() > 12 {
                                    r.on_hover_text(text);
                                }
                            }
                        });
                    }
                    if row.response().clicked() {
                        clicked = Some(i);
                    }
                });
            });
        // ---- After drawing: remember the selection and the sort ----
        self.last_selection = app.selection.clone();
        if let Some(s) = new_sort {
            self.sort = s;
        }
        clicked
    }

    /// Save the rows as shown, with every property column, as CSV.
    fn export_csv(&mut self, app: &AtlasApp, layer_key: &str) {
        let lang = app.lang();
        let (Some(cache), Some(entry)) = (self.cache.as_ref(), app.layer(layer_key)) else { return };
        let bytes = features_csv(&entry.layer.features, &cache.rows, &cache.all_columns).map_err(|e| e.to_string());
        let name = format!("{}.csv", entry.layer.name_zh);
        self.save = Some(save_dialog::save_async(
            &app.egui_ctx,
            lang.t("导出属性表", "Export the attribute table"),
            &name,
            FileKind { name: "CSV", extensions: &["csv"] },
            move || bytes,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn number_cells_line_up_and_keep_units() {
        assert_eq!(number_cell("area_km2", &json!(1.63), 3, Lang::Zh), "1.630 km²");
        assert_eq!(number_cell("households", &json!(6640), 0, Lang::Zh), "6,640 户");
        assert_eq!(number_cell("investment_yuan", &json!(3.0e9), 3, Lang::Zh), "30 亿元");
        assert_eq!(number_cell("code", &json!(370705001), 3, Lang::Zh), "370705001");
        assert_eq!(number_cell("beds", &json!(120), 2, Lang::En), "120.00");
    }

    #[test]
    fn numbers_sort_numerically_and_missing_values_go_last() {
        let (a, b, s) = (json!(9), json!(10), json!("x"));
        assert_eq!(compare_values(Some(&a), Some(&b), true), Ordering::Less);
        assert_eq!(compare_values(Some(&a), Some(&b), false), Ordering::Greater);
        assert_eq!(compare_values(None, Some(&a), true), Ordering::Greater);
        assert_eq!(compare_values(None, Some(&a), false), Ordering::Greater);
        assert_eq!(compare_values(Some(&s), Some(&a), true), Ordering::Greater);
    }
}
