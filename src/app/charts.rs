//! Statistics and charts for a briefing: per-layer numeric statistics, and bar charts (egui_plot)
//! of the parks' investment and area, households per community, and grids and managers per
//! subdistrict. Clicking a bar selects its feature on the map; a chart exports to PNG.
//!
//! PNG export takes a screenshot of the window (`ctx.request_screenshot`) and crops the chart:
//! what is saved is exactly what the planner saw, with the same Chinese font, colours and labels,
//! at the screen's pixel density. Rendering the chart a second time off-screen would need its own
//! text rasteriser and would drift from the on-screen chart.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use egui::{Align, Align2, Color32, ColorImage, Layout, Rect, RichText};
use egui_plot::{AxisHints, Bar, BarChart, Corner, GridMark, Legend, Plot, PlotItem, PlotPoint, Text, VLine};
use serde_json::json;

use super::actions::Action;
use super::attribute_table::key_label;
use super::format::{number, property_value};
use super::save_dialog::{self, FileKind, PendingSave};
use super::{AtlasApp, FeatureRef, Lang};
use crate::analysis::measure::{M2_PER_HECTARE, M2_PER_MU, area_m2};
use crate::analysis::stats::{is_additive_key, numeric_stats};

/// Height of one category row in a bar chart, in points.
const ROW_PT: f32 = 24.0;

/// The charts the window offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Chart {
    /// Count, sum, mean, min and max of a layer's numeric properties (a table).
    #[default]
    LayerStats,
    /// Investment and output targets of the parks, 亿元.
    ParkInvestment,
    /// Published and drawn area of the parks, 公顷.
    ParkArea,
    /// Households per community.
    Households,
    /// Grids and grid managers per subdistrict.
    Grids,
}

impl ChartsState {
    /// The bar chart's data frame on screen in the last frame and its number of rows (row `i`,
    /// counted from the top, is centred at `top + (i + 0.4) / rows * height`).
    pub fn plot_frame(&self) -> Option<(Rect, usize)> {
        self.plot_frame
    }

    /// The chart's rectangle on screen in the last frame (what "Export PNG" crops).
    pub fn chart_rect(&self) -> Option<Rect> {
        self.chart_rect
    }

    /// The pixel size of the last exported chart image, once the screenshot came back.
    pub fn last_export_px(&self) -> Option<[usize; 2]> {
        self.last_export_px
    }
}

impl Chart {
    /// Every chart, in tab order.
    pub const ALL: [Chart; 5] =
        [Chart::LayerStats, Chart::ParkInvestment, Chart::ParkArea, Chart::Households, Chart::Grids];

    /// Tab label as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Chart::LayerStats => ("图层统计", "Layer statistics"),
            Chart::ParkInvestment => ("园区投资", "Park investment"),
            Chart::ParkArea => ("园区面积", "Park area"),
            Chart::Households => ("社区户数", "Households"),
            Chart::Grids => ("街道网格", "Grids per subdistrict"),
        }
    }

    /// The chart for a command-line name (`stats`, `investment`, `area`, `households`, `grids`).
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "stats" => Some(Chart::LayerStats),
            "investment" => Some(Chart::ParkInvestment),
            "area" => Some(Chart::ParkArea),
            "households" => Some(Chart::Households),
            "grids" => Some(Chart::Grids),
            _ => None,
        }
    }
}

/// The charts window's state.
#[derive(Default)]
pub struct ChartsState {
    /// Whether the window is shown.
    pub open: bool,
    /// The chart shown.
    pub chart: Chart,
    /// The layer of the statistics table (`None`: the attribute table's layer, else communities).
    pub stats_layer: Option<String>,
    /// Only the communities of this subdistrict in the households chart.
    pub subdistrict: Option<String>,
    /// The chart's rectangle on screen last frame (what a PNG export crops).
    chart_rect: Option<Rect>,
    /// The plot's data frame on screen last frame, and its number of category rows.
    plot_frame: Option<(Rect, usize)>,
    shot: Option<Receiver<Arc<ColorImage>>>,
    /// The pixel size of the last chart image handed to the save dialog.
    last_export_px: Option<[usize; 2]>,
    save: Option<PendingSave>,
}

/// One series of bars: a value per category (`None` where it has none).
struct Series {
    name: String,
    color: Color32,
    values: Vec<Option<f64>>,
}

/// What a bar chart shows.
struct BarData {
    /// Category names (top to bottom) and the feature each stands for.
    categories: Vec<(String, Option<FeatureRef>)>,
    series: Vec<Series>,
    /// Series side by side in a category (else they share a row: one series per colour group).
    grouped: bool,
    /// The value axis' unit, for the axis title and value labels.
    unit: String,
    /// A dashed reference line (the mean), with its label.
    reference: Option<(f64, String)>,
    /// A sentence under the chart (sources, what is missing).
    note: Option<String>,
}

const PALETTE: [Color32; 8] = [
    Color32::from_rgb(49, 130, 189),
    Color32::from_rgb(230, 85, 13),
    Color32::from_rgb(49, 163, 84),
    Color32::from_rgb(117, 107, 177),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(23, 190, 207),
];

/// Encode an egui image as PNG (opaque where the screen was).
pub fn encode_png(image: &ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_srgba_unmultiplied()).collect();
    let buf = image::RgbaImage::from_raw(w as u32, h as u32, rgba).ok_or("image size does not match its pixels")?;
    let mut out = Cursor::new(Vec::new());
    buf.write_to(&mut out, image::ImageFormat::Png).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// Draw a horizontal bar chart; returns its rectangle, the plot's data frame and the feature of a
/// clicked bar.
fn bar_chart(ui: &mut egui::Ui, title: &str, data: &BarData, lang: Lang) -> (Rect, Option<Rect>, Option<FeatureRef>) {
    // ---- Layout ----
    let n = data.categories.len();
    let top = ui.cursor().min;
    ui.label(RichText::new(title).strong().size(16.0));
    if n == 0 {
        ui.label(lang.t("没有可用的数据（缺少相应图层或属性）", "No data (the layer or its properties are missing)"));
        return (Rect::from_min_max(top, ui.cursor().min), None, None);
    }
    let groups = if data.grouped { data.series.len().max(1) } else { 1 };
    let bar_w = 0.8 / groups as f64;
    let row_pt = ROW_PT * if groups > 1 { 1.4 } else { 1.0 };
    let height = (n as f32 * row_pt + 70.0).max(220.0);
    // Category i sits at y = n - 1 - i, so the first category is at the top.
    let y_of = move |i: usize| (n - 1 - i) as f64;
    let names: Vec<String> = data.categories.iter().map(|(c, _)| c.clone()).collect();
    // Chinese names are short and wide, English ones long and narrow.
    let (max_chars, axis_width) = if lang.english() { (22, 170.0) } else { (9, 120.0) };
    let max_value = data.series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0f64, |a, &b| a.max(b));
    let unit = data.unit.clone();
    let mut hit = None;
    let mut frame = None;
    let width = ui.available_width();
    let text_color = ui.visuals().text_color();
    // ---- Bars, axis and labels ----
    egui::ScrollArea::vertical()
        .max_height((ui.available_height() - 40.0).max(200.0))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let response = Plot::new(("bar_chart", title))
                .height(height)
                .width(width - 16.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .allow_double_click_reset(false)
                .show_grid([true, false])
                .include_x(0.0)
                .include_x(max_value * if data.series.len() > 1 { 1.35 } else { 1.15 })
                .include_y(-0.6)
                .include_y(n as f64 - 0.4)
                .x_axis_label(unit.clone())
                .set_margin_fraction(egui::vec2(0.02, 0.0))
                .y_grid_spacer(move |input| {
                    let (lo, hi) = input.bounds;
                    (lo.ceil().max(0.0) as usize..=hi.floor().max(0.0) as usize)
                        .map(|v| GridMark { value: v as f64, step_size: 1.0 })
                        .collect()
                })
                .custom_y_axes(vec![
                    // Every row is named at full strength (egui_plot fades labels closer than 30 pt).
                    AxisHints::new_y()
                        .formatter(move |mark, _| {
                            let i = n as f64 - 1.0 - mark.value;
                            if i < 0.0 || i.fract() != 0.0 {
                                return String::new();
                            }
                            names.get(i as usize).map(|s| shorten(s, max_chars)).unwrap_or_default()
                        })
                        .label_spacing(8.0..=10.0)
                        .min_thickness(axis_width),
                ])
                .x_axis_formatter(|mark, _| number(mark.value, 2))
                .label_formatter(|_| None)
                .show_x(false)
                .show_y(false)
                .legend(
                    // Ungrouped (colour-coded) charts have room at the top right; grouped charts
                    // put their longest bars there.
                    Legend::default()
                        .position(if data.grouped { Corner::RightBottom } else { Corner::RightTop })
                        .follow_insertion_order(true),
                )
                .show(ui, |plot| {
                    for (s_idx, s) in data.series.iter().enumerate() {
                        // The first series on top within its row.
                        let offset =
                            if data.grouped { ((groups as f64 - 1.0) / 2.0 - s_idx as f64) * bar_w } else { 0.0 };
                        let bars: Vec<Bar> = s
                            .values
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| {
                                let v = (*v)?;
                                let name = data.categories.get(i).map(|c| c.0.clone()).unwrap_or_default();
                                Some(Bar::new(y_of(i) + offset, v).width(bar_w * 0.92).name(name).fill(s.color))
                            })
                            .collect();
                        let label_unit = unit.clone();
                        plot.bar_chart(
                            BarChart::new(s.name.clone(), bars).color(s.color).horizontal().element_formatter(
                                Box::new(move |bar, chart| {
                                    format!(
                                        "{}\n{}: {} {label_unit}",
                                        bar.name,
                                        PlotItem::name(chart),
                                        number(bar.value, 2)
                                    )
                                }),
                            ),
                        );
                        for (i, v) in s.values.iter().enumerate() {
                            if let Some(v) = v {
                                plot.text(
                                    Text::new(
                                        "",
                                        PlotPoint::new(*v + max_value * 0.01, y_of(i) + offset),
                                        RichText::new(number(*v, 2)).size(11.0),
                                    )
                                    .anchor(Align2::LEFT_CENTER)
                                    .color(text_color),
                                );
                            }
                        }
                    }
                    if let Some((x, label)) = &data.reference {
                        plot.vline(
                            VLine::new(label.clone(), *x)
                                .color(Color32::from_gray(70))
                                .style(egui_plot::LineStyle::dashed_loose()),
                        );
                    }
                });
            frame = Some(*response.transform.frame());
            if response.response.clicked()
                && let Some(pos) = response.response.interact_pointer_pos()
            {
                let p = response.transform.value_from_position(pos);
                let row = p.y.round();
                if (p.y - row).abs() <= 0.45 && row >= 0.0 && (row as usize) < n {
                    let i = n - 1 - row as usize;
                    hit = data.categories.get(i).and_then(|c| c.1.clone());
                }
            }
        });
    // ---- Note and the chart's rectangle ----
    if let Some(note) = &data.note {
        ui.label(RichText::new(note).weak().small());
    }
    let rect = Rect::from_min_max(top, egui::pos2(top.x + width, ui.cursor().min.y)).intersect(ui.clip_rect());
    (rect, frame, hit)
}

/// At most `max` characters, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

/// The features of a layer, by key, with their index.
fn features_of<'a>(app: &'a AtlasApp, key: &str) -> Vec<(usize, &'a crate::model::Feature)> {
    app.layer(key).map(|e| e.layer.features.iter().enumerate().collect()).unwrap_or_default()
}

fn park_investment(app: &AtlasApp, lang: Lang) -> BarData {
    let english = lang.english();
    let (scale, unit) = if english { (1e9, "CNY billion") } else { (1e8, "亿元") };
    let mut categories = Vec::new();
    let mut invest = Vec::new();
    let mut target = Vec::new();
    let mut without = 0;
    for (i, f) in features_of(app, "parks") {
        let inv = f.prop_f64("investment_yuan");
        let tgt = f.prop_f64("output_target_yuan").or_else(|| f.prop_f64("yihaocang_turnover_target_yuan"));
        if inv.is_none() && tgt.is_none() {
            without += 1;
            continue;
        }
        categories.push((
            f.display_name(english).unwrap_or("—").to_owned(),
            Some(FeatureRef { layer: "parks".into(), feature: i }),
        ));
        invest.push(inv.map(|x| x / scale));
        target.push(tgt.map(|x| x / scale));
    }
    BarData {
        categories,
        series: vec![
            Series { name: lang.t("总投资", "Investment").to_owned(), color: PALETTE[0], values: invest },
            Series { name: lang.t("产值/交易额目标", "Output/turnover target").to_owned(), color: PALETTE[1], values: target },
        ],
        grouped: true,
        unit: unit.to_owned(),
        reference: None,
        note: Some(format!(
            "{} {without} {}",
            lang.t("数据来自 2017 年报道（齐鲁创智园：3 年产值目标；1532 壹号仓：2018 年交易额目标）。其余", "Figures from the 2017 articles (Qilu: 3-year output target; 1532 Yihaocang: 2018 turnover target). The other"),
            lang.t("个园区未公布投资额。", "parks have no published figures.")
        )),
    }
}

fn park_area(app: &AtlasApp, lang: Lang) -> BarData {
    let english = lang.english();
    let unit = lang.t("公顷", "ha");
    let mut categories = Vec::new();
    let mut published = Vec::new();
    let mut drawn = Vec::new();
    for (i, f) in features_of(app, "parks") {
        categories.push((
            f.display_name(english).unwrap_or("—").to_owned(),
            Some(FeatureRef { layer: "parks".into(), feature: i }),
        ));
        let pub_m2 =
            f.prop_f64("planned_area_km2").map(|k| k * 1e6).or_else(|| f.prop_f64("area_mu").map(|mu| mu * M2_PER_MU));
        published.push(pub_m2.map(|m2| m2 / M2_PER_HECTARE));
        drawn.push(f.geometry.as_ref().map(|g| area_m2(g) / M2_PER_HECTARE));
    }
    BarData {
        categories,
        series: vec![
            Series { name: lang.t("公布面积", "Published area").to_owned(), color: PALETTE[2], values: published },
            Series { name: lang.t("图上面积（椭球）", "Drawn area (geodesic)").to_owned(), color: PALETTE[3], values: drawn },
        ],
        grouped: true,
        unit: unit.to_owned(),
        reference: None,
        note: Some(
            lang.t(
                "公布面积：齐鲁创智园规划 2 km²，1532 文化创意园占地 600 亩；其余园区只有示意图上面积。1 公顷 = 15 亩。",
                "Published: Qilu Chuangzhi 2 km² planned, 1532 park 600 mu; the others have only the drawn (illustrative) area. 1 ha = 15 mu.",
            )
            .to_owned(),
        ),
    }
}

fn sd_english(app: &AtlasApp, zh: &str) -> String {
    features_of(app, "subdistricts")
        .iter()
        .find(|(_, f)| f.name() == Some(zh))
        .and_then(|(_, f)| f.name_en())
        .unwrap_or(zh)
        .to_owned()
}

fn grids_per_subdistrict(app: &AtlasApp, lang: Lang) -> BarData {
    let english = lang.english();
    let mut per: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (_, f) in features_of(app, "grids") {
        let Some(sd) = f.prop_str("subdistrict") else { continue };
        let e = per.entry(sd.to_owned()).or_default();
        e.0 += 1.0;
        e.1 += f.prop_f64("managers").unwrap_or(0.0);
    }
    let mut categories = Vec::new();
    let mut grids = Vec::new();
    let mut managers = Vec::new();
    for (i, f) in features_of(app, "subdistricts") {
        let Some(name) = f.name() else { continue };
        let Some((g, m)) = per.get(name) else { continue };
        categories.push((
            f.display_name(english).unwrap_or(name).to_owned(),
            Some(FeatureRef { layer: "subdistricts".into(), feature: i }),
        ));
        grids.push(Some(*g));
        managers.push(Some(*m));
    }
    let (tg, tm): (f64, f64) = per.values().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    BarData {
        categories,
        series: vec![
            Series { name: lang.t("二级网格", "Grids").to_owned(), color: PALETTE[0], values: grids },
            Series { name: lang.t("网格员", "Grid managers").to_owned(), color: PALETTE[1], values: managers },
        ],
        grouped: true,
        unit: lang.t("个 / 名", "count").to_owned(),
        reference: None,
        note: Some(format!(
            "{} {} {}，{} {}",
            lang.t("由网格图层统计：共", "Counted from the grid layer:"),
            number(tg, 0),
            lang.t("个二级网格", "grids"),
            number(tm, 0),
            lang.t("名网格员。", "grid managers."),
        )),
    }
}

/// A right-aligned cell of a fixed width (a right-to-left layout alone would take the rest of the
/// row and push the last column to the window's edge).
fn right(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) {
    let size = egui::vec2(96.0, ui.spacing().interact_size.y);
    ui.allocate_ui_with_layout(size, Layout::right_to_left(Align::Center), |ui| {
        // Claim the whole width, so the grid sizes the column to it.
        ui.set_min_width(size.x);
        ui.label(text)
    });
}

/// The window: the bar charts and the statistics table.
impl ChartsState {
    /// Draw the window when open; a clicked bar comes back as an action.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.show(app, ui, &mut actions);
        actions
    }

    /// Show the window when open.
    fn show(&mut self, app: &AtlasApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        self.save = save_dialog::poll_into(self.save.take(), app.lang(), actions);
        self.take_screenshot(app, ui.ctx());
        if !self.open {
            return;
        }
        let lang = app.lang();
        let mut open = true;
        let mut clicked: Option<FeatureRef> = None;
        let mut export = false;
        let ctx = ui.ctx().clone();
        let content = ctx.content_rect();
        egui::Window::new(lang.t("统计图表", "Charts"))
            .id(egui::Id::unique("charts_window"))
            .open(&mut open)
            .default_size([760.0, 560.0])
            .min_height(420.0)
            .default_pos(content.center() - egui::vec2(360.0, 300.0))
            .show(&ctx, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for c in Chart::ALL {
                        let (zh, en) = c.label();
                        ui.selectable_value(&mut self.chart, c, lang.t(zh, en));
                    }
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        export = ui
                            .add_enabled(
                                self.chart != Chart::LayerStats,
                                egui::Button::new(lang.t("导出 PNG", "Export PNG")),
                            )
                            .on_hover_text(lang.t("把当前图表存为 PNG 图片", "Save the chart as a PNG image"))
                            .clicked();
                    });
                });
                ui.separator();
                match self.chart {
                    Chart::LayerStats => {
                        self.chart_rect = None;
                        self.plot_frame = None;
                        self.layer_stats(app, ui);
                    }
                    chart => {
                        if chart == Chart::Households {
                            self.subdistrict_filter(app, ui);
                        }
                        let data = match chart {
                            Chart::ParkInvestment => park_investment(app, lang),
                            Chart::ParkArea => park_area(app, lang),
                            Chart::Households => self.households(app, lang),
                            _ => grids_per_subdistrict(app, lang),
                        };
                        let (zh, en) = chart.label();
                        let title = lang.t(zh, en).to_owned();
                        let (rect, frame, hit) = bar_chart(ui, &title, &data, lang);
                        self.chart_rect = Some(rect);
                        self.plot_frame = frame.map(|f| (f, data.categories.len()));
                        clicked = hit;
                    }
                }
            });
        if let Some(r) = clicked {
            actions.push(Action::SelectAndZoom(r));
        }
        if export && self.chart_rect.is_some() {
            let (tx, rx) = channel();
            let repaint = ctx.clone();
            ctx.request_screenshot(move |image| {
                let _ = tx.send(image);
                repaint.request_repaint();
            });
            self.shot = Some(rx);
        }
        if !open {
            self.open = false;
        }
    }

    /// When the requested screenshot arrives, crop the chart and ask where to save it.
    fn take_screenshot(&mut self, app: &AtlasApp, ctx: &egui::Context) {
        let Some(rx) = &self.shot else { return };
        let Ok(image) = rx.try_recv() else { return };
        self.shot = None;
        let Some(rect) = self.chart_rect else { return };
        let cropped = image.region(&rect, Some(ctx.pixels_per_point()));
        self.last_export_px = Some(cropped.size);
        let lang = app.lang();
        let (zh, en) = self.chart.label();
        let name = format!("{}.png", lang.t(zh, en));
        self.save = Some(save_dialog::save_async(
            ctx,
            lang.t("导出图表", "Export the chart"),
            &name,
            FileKind { name: "PNG", extensions: &["png"] },
            move || encode_png(&cropped),
        ));
    }

    fn subdistrict_filter(&mut self, app: &AtlasApp, ui: &mut egui::Ui) {
        let lang = app.lang();
        let names: Vec<String> =
            features_of(app, "subdistricts").iter().filter_map(|(_, f)| f.name().map(str::to_owned)).collect();
        let current = self.subdistrict.clone().unwrap_or_else(|| lang.t("全部街道", "All subdistricts").to_owned());
        egui::ComboBox::new("chart_subdistrict", lang.t("街道", "Subdistrict")).selected_text(current).show_ui(
            ui,
            |ui| {
                if ui.selectable_label(self.subdistrict.is_none(), lang.t("全部街道", "All subdistricts")).clicked()
                {
                    self.subdistrict = None;
                }
                for n in names {
                    let on = self.subdistrict.as_deref() == Some(n.as_str());
                    if ui.selectable_label(on, &n).clicked() {
                        self.subdistrict = Some(n);
                    }
                }
            },
        );
    }

    fn households(&mut self, app: &AtlasApp, lang: Lang) -> BarData {
        let english = lang.english();
        let filter = self.subdistrict.as_deref();
        // Subdistricts in the order of their layer, communities by households within each.
        let order: Vec<String> =
            features_of(app, "subdistricts").iter().filter_map(|(_, f)| f.name().map(str::to_owned)).collect();
        let mut rows: Vec<(usize, String, String, f64)> = features_of(app, "communities")
            .into_iter()
            .filter_map(|(i, f)| {
                let sd = f.prop_str("subdistrict").unwrap_or("").to_owned();
                let h = f.prop_f64("households")?;
                Some((i, f.display_name(english).unwrap_or("—").to_owned(), sd, h))
            })
            .filter(|r| filter.is_none_or(|s| r.2 == s))
            .collect();
        let rank = |sd: &str| order.iter().position(|o| o == sd).unwrap_or(usize::MAX);
        rows.sort_by(|a, b| rank(&a.2).cmp(&rank(&b.2)).then(b.3.total_cmp(&a.3)));
        let mut groups: Vec<String> = Vec::new();
        for r in &rows {
            if !groups.contains(&r.2) {
                groups.push(r.2.clone());
            }
        }
        let series = groups
            .iter()
            .enumerate()
            .map(|(g, sd)| Series {
                name: if english { sd_english(app, sd) } else { sd.clone() },
                color: PALETTE[g % PALETTE.len()],
                values: rows.iter().map(|r| (r.2 == *sd).then_some(r.3)).collect(),
            })
            .collect();
        let total: f64 = rows.iter().map(|r| r.3).sum();
        let mean = if rows.is_empty() { 0.0 } else { total / rows.len() as f64 };
        BarData {
            categories: rows
                .iter()
                .map(|r| (r.1.clone(), Some(FeatureRef { layer: "communities".into(), feature: r.0 })))
                .collect(),
            series,
            grouped: false,
            unit: lang.t("户", "households").to_owned(),
            reference: (!rows.is_empty()).then(|| (mean, format!("{} {}", lang.t("平均", "mean"), number(mean, 0)))),
            note: Some(format!(
                "{} {} {} {} {} {}",
                rows.len(),
                lang.t("个社区，共", "communities, in all"),
                number(total, 0),
                lang.t("户；平均", "households; mean"),
                number(mean, 0),
                lang.t("户（生成数据，围绕报道的“6000户左右”）。", "(generated around the article's \"about 6000\")."),
            )),
        }
    }

    /// The statistics table of one layer: count, and count/sum/mean/min/max per numeric property.
    fn layer_stats(&mut self, app: &AtlasApp, ui: &mut egui::Ui) {
        let lang = app.lang();
        let english = lang.english();
        let key = app
            .charts
            .stats_layer
            .clone()
            .filter(|k| app.layer(k).is_some())
            .or_else(|| app.table.layer.clone().filter(|k| app.layer(k).is_some()))
            .or_else(|| app.layer("communities").map(|e| e.layer.key.clone()))
            .or_else(|| app.layers.last().map(|e| e.layer.key.clone()));
        let Some(key) = key else {
            ui.label(lang.t("没有图层", "No layers"));
            return;
        };
        let mut chosen = None;
        let current = app.layer(&key).map(|e| e.layer.name(english).to_owned()).unwrap_or_default();
        egui::ComboBox::new("stats_layer", lang.t("统计图层", "Statistics of"))
            .selected_text(current)
            .width(180.0)
            .show_ui(ui, |ui| {
                for e in app.layers.iter().rev() {
                    let label = format!("{} · {}", e.layer.name(english), e.layer.features.len());
                    if ui.selectable_label(e.layer.key == key, label).clicked() {
                        chosen = Some(e.layer.key.clone());
                    }
                }
            });
        if let Some(k) = chosen {
            self.stats_layer = Some(k);
            return;
        }
        let Some(e) = app.layer(&key) else { return };
        let stats = numeric_stats(&e.layer.features);
        let area: f64 = e.layer.features.iter().filter_map(|f| f.geometry.as_ref()).map(area_m2).sum();
        ui.label(
            RichText::new(format!("{}: {} {}", e.layer.name(english), stats.count, lang.t("个要素", "features")))
                .strong(),
        );
        if area > 0.0 {
            ui.label(format!("{} {} km²", lang.t("总面积（椭球）", "Total area (geodesic)"), number(area / 1e6, 3)));
        }
        if stats.numeric.is_empty() {
            ui.label(lang.t("此图层没有数值属性。", "This layer has no numeric properties."));
            return;
        }
        egui::ScrollArea::both().auto_shrink([false, true]).show(ui, |ui| {
            egui::Grid::new("layer_stats").num_columns(6).striped(true).spacing([18.0, 4.0]).show(ui, |ui| {
                ui.label(RichText::new(lang.t("属性", "Property")).strong());
                for h in [
                    lang.t("数量", "Count"),
                    lang.t("合计", "Sum"),
                    lang.t("平均", "Mean"),
                    lang.t("最小", "Min"),
                    lang.t("最大", "Max"),
                ] {
                    right(ui, RichText::new(h).strong());
                }
                ui.end_row();
                for n in &stats.numeric {
                    ui.label(key_label(&n.key, lang)).on_hover_text(&n.key);
                    let fmt = |x: f64| property_value(&n.key, &json!(x), lang);
                    right(ui, n.count.to_string());
                    right(ui, if is_additive_key(&n.key) { fmt(n.sum) } else { "—".to_owned() });
                    right(ui, fmt(n.mean));
                    right(ui, fmt(n.min));
                    right(ui, fmt(n.max));
                    ui.end_row();
                }
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_the_image_size_and_signature() {
        let img = ColorImage::filled([7, 3], Color32::from_rgb(10, 20, 30));
        let png = encode_png(&img).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&png[1..4], b"PNG");
        let back = image::load_from_memory(&png).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
        assert_eq!(back.dimensions(), (7, 3));
        assert_eq!(back.get_pixel(3, 1).0, [10, 20, 30, 255]);
    }

    #[test]
    fn shortens_long_names() {
        assert_eq!(shorten("山东互联网金融中心", 9), "山东互联网金融中心");
        assert_eq!(shorten("山东互联网金融中心园区", 9), "山东互联网金融中…");
    }
}
