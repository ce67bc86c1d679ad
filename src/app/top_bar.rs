//! The top bar: file menu, search, basemap switcher and language.

use egui::{Key, Panel};

use super::actions::{Action, Window};
use super::{AtlasApp, FeatureRef, Lang};

/// At most this many search results are listed.
const MAX_RESULTS: usize = 12;

/// The top bar and what it keeps: the search text.
#[derive(Default)]
pub struct TopBar {
    /// Text in the search box.
    pub search: String,
}

impl TopBar {
    /// Draw the bar; what it asks for is returned. The file dialogs it opens report to the app's
    /// loader.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        self.bar(ui, app, &mut actions);
        actions
    }

    fn bar(&mut self, ui: &mut egui::Ui, app: &AtlasApp, actions: &mut Vec<Action>) {
        let lang = app.lang();
        Panel::top("top_bar").show(ui, |ui| {
            // Wraps onto a second row in a narrow window rather than hiding controls off the edge.
            ui.horizontal_wrapped(|ui| {
                // ---- File menu ----
                ui.menu_button(lang.t("文件", "File"), |ui| {
                    if ui
                        .button(lang.t("打开数据…", "Open data…"))
                        .on_hover_text(lang.t(
                            "GeoJSON、Shapefile、GeoPackage、KML/KMZ、CSV、FlatGeobuf、DXF",
                            "GeoJSON, shapefile, GeoPackage, KML/KMZ, CSV, FlatGeobuf, DXF",
                        ))
                        .clicked()
                    {
                        ui.close();
                        actions.push(Action::OpenDialog(DialogKind::Data));
                    }
                    if ui.button(lang.t("打开文件地理数据库（.gdb）…", "Open File Geodatabase (.gdb)…")).clicked()
                    {
                        ui.close();
                        actions.push(Action::OpenDialog(DialogKind::GdbFolder));
                    }
                    if ui
                        .button(lang.t("数据库与网络服务…", "Databases and services…"))
                        .on_hover_text(lang.t(
                            "PostGIS：列出空间表，添加为实时更新的图层，或把图层发布到数据库；WFS、OGC API Features 服务图层",
                            "PostGIS: list the spatial tables, add one as a live layer, or publish a layer; WFS and OGC API Features layers",
                        ))
                        .clicked()
                    {
                        ui.close();
                        actions.push(Action::Open(Window::Database));
                    }
                    if ui.button(lang.t("打开工作空间…", "Open workspace…")).clicked() {
                        ui.close();
                        actions.push(Action::OpenDialog(DialogKind::Workspace));
                    }
                    if ui.button(lang.t("保存工作空间…", "Save workspace…")).clicked() {
                        ui.close();
                        actions.push(Action::SaveWorkspaceDialog);
                    }
                    let mut legend = app.persisted.show_legend;
                    if ui.checkbox(&mut legend, lang.t("显示图例", "Show legend")).changed() {
                        actions.push(Action::ShowLegend(legend));
                    }
                    let recent = app.persisted.recent.clone();
                    ui.menu_button(lang.t("最近打开", "Open recent"), |ui| {
                        if recent.is_empty() {
                            ui.label(lang.t("（无）", "(none)"));
                        }
                        for p in recent {
                            let label = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                            if ui.button(label).on_hover_text(p.display().to_string()).clicked() {
                                ui.close();
                                actions.push(Action::OpenPath(p));
                            }
                        }
                    });
                    ui.separator();
                    if ui
                        .button(lang.t("历史版本…", "Versions…"))
                        .on_hover_text(lang.t(
                            "打开、重载和转换过的文件的各个版本",
                            "Every version of the files opened, reloaded or converted",
                        ))
                        .clicked()
                    {
                        ui.close();
                        actions.push(Action::OpenHistory(None));
                    }
                    if ui
                        .button(lang.t("变化对比…", "Change report…"))
                        .on_hover_text(
                            lang.t("比较两个图层：新增、删除、修改", "Compare two layers: added, removed, modified"),
                        )
                        .clicked()
                    {
                        ui.close();
                        actions.push(Action::Open(Window::ChangeReport));
                    }
                    if ui
                        .button(lang.t("出图…  Ctrl+P", "Print layout…  Ctrl+P"))
                        .on_hover_text(lang.t(
                            "A4–A0 出图：PDF（矢量）、JPG/PNG（300 dpi）、SVG",
                            "A4–A0 layouts: PDF (vector), JPG/PNG (300 dpi), SVG",
                        ))
                        .clicked()
                    {
                        ui.close();
                        actions.push(Action::Open(Window::Print));
                    }
                    ui.separator();
                    if ui.button(lang.t("全图", "Fit all")).clicked() {
                        ui.close();
                        actions.push(Action::FitAll);
                    }
                });
                ui.separator();
                // ---- Briefing ----
                toggle(
                    ui,
                    app.ui_briefing.window_open,
                    lang.t("简报", "Briefing"),
                    lang.t("幻灯片、放映与导出", "Slides, presenting and export"),
                    Window::Briefing,
                    actions,
                );
                if ui
                    .button(lang.t("放映", "Present"))
                    .on_hover_text(lang.t("全屏放映简报 (F5)", "Present the briefing full screen (F5)"))
                    .clicked()
                {
                    actions.push(Action::Present(app.briefing.current));
                }
                ui.separator();
                // ---- Search ----
                ui.label(lang.t("搜索", "Search"));
                let response = ui.add(
                    egui::TextEdit::singleline(&mut self.search)
                        .hint_text(lang.t("名称（中文或英文）", "name (zh or en)"))
                        // English labels take more of the bar: the box gives up the difference.
                        .desired_width(if lang.english() { 100.0 } else { 200.0 }),
                );
                // Ctrl+P opens the print layout, as in every desktop tool.
                if ui.input(|i| i.modifiers.command && i.key_pressed(Key::P)) {
                    actions.push(Action::Open(Window::Print));
                }
                // Ctrl+F jumps to the search box, as in every desktop tool.
                if ui.input(|i| i.modifiers.command && i.key_pressed(Key::F)) {
                    response.request_focus();
                }
                let results = if self.search.trim().is_empty() { Vec::new() } else { search(app, self.search.trim()) };
                let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                if enter && let Some((r, _)) = results.first() {
                    actions.push(Action::SelectAndZoom(r.clone()));
                    self.search.clear();
                }
                if !results.is_empty() && (response.has_focus() || response.lost_focus()) {
                    let popup_id = ui.make_persistent_id("search_results");
                    egui::Area::new(popup_id)
                        .fixed_pos(response.rect.left_bottom())
                        .order(egui::Order::Foreground)
                        .show(ui.ctx(), |ui| {
                            egui::Frame::popup(ui.style()).show(ui, |ui| {
                                ui.set_min_width(320.0);
                                for (r, label) in results.iter().take(MAX_RESULTS) {
                                    if ui.selectable_label(false, label).clicked() {
                                        actions.push(Action::SelectAndZoom(r.clone()));
                                        self.search.clear();
                                    }
                                }
                            });
                        });
                } else if !self.search.trim().is_empty() && response.has_focus() {
                    ui.label(lang.t("无结果", "no match"));
                }
                ui.separator();
                // ---- Map tools and windows ----
                for tool in super::tools::Tool::ALL {
                    let (zh, en) = tool.label();
                    if ui.selectable_label(app.tool == tool, lang.t(zh, en)).clicked() {
                        actions.push(Action::UseTool(tool));
                    }
                }
                toggle(
                    ui,
                    app.table.open,
                    lang.t("表格", "Table"),
                    lang.t("打开或关闭属性表", "Show or hide the attribute table"),
                    Window::Table,
                    actions,
                );
                toggle(
                    ui,
                    app.charts.open,
                    lang.t("图表", "Charts"),
                    lang.t("打开或关闭统计与图表", "Show or hide statistics and charts"),
                    Window::Charts,
                    actions,
                );
                toggle(
                    ui,
                    app.analysis.open,
                    lang.t("查询统计", "Query"),
                    lang.t(
                        "区域统计、叠加（冲突）分析与周边查询",
                        "Statistics by unit, overlay (conflict) analysis and nearby queries",
                    ),
                    Window::Analysis,
                    actions,
                );
                toggle(
                    ui,
                    app.compare.window_open,
                    lang.t("对比", "Compare"),
                    lang.t("分屏或卷帘对比两个版本（对比分析）", "Compare versions in split views or with a swipe"),
                    Window::Compare,
                    actions,
                );
                if ui
                    .button(lang.t("全图", "Fit all"))
                    .on_hover_text(lang.t("缩放到全部可见图层", "Zoom to all visible layers"))
                    .clicked()
                {
                    actions.push(Action::FitAll);
                }
                ui.separator();
                // ---- Basemap and settings ----
                actions.extend(super::basemap_ui::switcher(app, ui));
                toggle(
                    ui,
                    app.basemap_settings.open,
                    lang.t("设置", "Settings"),
                    lang.t(
                        "天地图密钥、自定义或离线底图、瓦片缓存",
                        "Tianditu key, custom or offline basemaps, tile cache",
                    ),
                    Window::BasemapSettings,
                    actions,
                );
                // ---- Language, theme and title ----
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let other = match lang {
                        Lang::Zh => ("English", Lang::En),
                        Lang::En => ("中文", Lang::Zh),
                    };
                    if ui
                        .button(other.0)
                        .on_hover_text(lang.t("切换界面语言", "Switch the interface language"))
                        .clicked()
                    {
                        actions.push(Action::SetLang(other.1));
                    }
                    let theme =
                        if app.persisted.dark_theme { lang.t("浅色", "Light") } else { lang.t("深色", "Dark") };
                    if ui.button(theme).on_hover_text(lang.t("切换界面明暗", "Switch light/dark interface")).clicked()
                    {
                        actions.push(Action::SetDarkTheme(!app.persisted.dark_theme));
                    }
                    // The name only where it fits: in English the tools take more of a narrow window,
                    // and a title drawn over the basemap switcher helps nobody.
                    let title = egui::RichText::new(lang.t("奎文规划一张图", "Kuiwen Atlas")).strong();
                    let width = egui::WidgetText::from(title.clone())
                        .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Body)
                        .size()
                        .x;
                    if ui.available_width() > width + ui.spacing().item_spacing.x {
                        ui.label(title);
                    }
                });
            });
        });
    }
}

/// A button that opens and closes a window, shown pressed while it is open.
fn toggle(ui: &mut egui::Ui, open: bool, label: &str, hover: &str, window: Window, actions: &mut Vec<Action>) {
    if ui.selectable_label(open, label).on_hover_text(hover).clicked() {
        actions.push(Action::Toggle(window));
    }
}

/// Features whose Chinese or English name contains the query, best matches first: exact names,
/// then prefixes, then anywhere; upper layers before lower ones among equals.
pub(super) fn search(app: &AtlasApp, query: &str) -> Vec<(FeatureRef, String)> {
    let q = query.to_lowercase();
    let mut hits: Vec<(u8, usize, FeatureRef, String)> = Vec::new();
    for (rank, e) in app.layers.iter().enumerate().rev() {
        for (i, f) in e.layer.features.iter().enumerate() {
            let zh = f.name().unwrap_or_default();
            let en = f.name_en().unwrap_or_default();
            let score = [zh.to_lowercase(), en.to_lowercase()]
                .iter()
                .filter(|n| !n.is_empty())
                .filter_map(|n| {
                    if *n == q {
                        Some(0)
                    } else if n.starts_with(&q) {
                        Some(1)
                    } else if n.contains(&q) {
                        Some(2)
                    } else {
                        None
                    }
                })
                .min();
            if let Some(s) = score {
                let label = format!(
                    "{}  · {}",
                    f.display_name(app.lang().english()).unwrap_or_default(),
                    e.layer.name(app.lang().english())
                );
                hits.push((s, usize::MAX - rank, FeatureRef { layer: e.layer.key.clone(), feature: i }, label));
            }
        }
    }
    hits.sort_by_key(|h| (h.0, h.1));
    hits.into_iter().map(|(_, _, r, l)| (r, l)).collect()
}

/// What an open dialog picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// Data files of any format the app reads.
    Data,
    /// A workspace.
    Workspace,
    /// A File Geodatabase, which is a folder.
    GdbFolder,
}

/// The native file dialog, off the UI thread (rfd's async dialog driven by a helper thread).
pub(super) fn open_dialog(app: &mut AtlasApp, kind: DialogKind) {
    let (tx, rx) = std::sync::mpsc::channel();
    let ctx = app.egui_ctx.clone();
    std::thread::spawn(move || {
        let files = match kind {
            DialogKind::Workspace => pollster::block_on(
                rfd::AsyncFileDialog::new()
                    .add_filter("Kuiwen Atlas workspace", &["json"])
                    .set_title("打开工作空间 / Open workspace")
                    .pick_files(),
            ),
            DialogKind::Data => pollster::block_on(
                rfd::AsyncFileDialog::new()
                    .add_filter("所有支持的数据 / All supported data", &crate::io::formats::Format::OPEN_EXTENSIONS)
                    .add_filter("GeoJSON", &["geojson", "json"])
                    .add_filter("Shapefile", &["shp"])
                    .add_filter("GeoPackage", &["gpkg"])
                    .add_filter("KML / KMZ", &["kml", "kmz"])
                    .add_filter("CSV / TXT", &["csv", "txt"])
                    .add_filter("FlatGeobuf", &["fgb"])
                    .add_filter("DXF", &["dxf"])
                    .set_title("打开数据 / Open data")
                    .pick_files(),
            ),
            DialogKind::GdbFolder => pollster::block_on(
                rfd::AsyncFileDialog::new().set_title("打开 .gdb 文件夹 / Open a .gdb folder").pick_folder(),
            )
            .map(|f| vec![f]),
        };
        let paths: Vec<_> = files.unwrap_or_default().into_iter().map(|f| f.path().to_owned()).collect();
        let _ = tx.send(paths);
        ctx.request_repaint();
    });
    app.loader.dialog = Some(rx);
}

/// The save dialog for a workspace, off the UI thread.
pub(super) fn save_dialog(app: &mut AtlasApp) {
    app.loader.save_dialog = Some(workspace_save_dialog(&app.egui_ctx));
}

/// Ask where to save a workspace (native dialog on a helper thread); the chosen path, always
/// ending in `.kuiwen.json`, arrives on the returned channel.
pub(super) fn workspace_save_dialog(ctx: &egui::Context) -> std::sync::mpsc::Receiver<std::path::PathBuf> {
    let (tx, rx) = std::sync::mpsc::channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let file = pollster::block_on(
            rfd::AsyncFileDialog::new()
                .add_filter("Kuiwen Atlas workspace", &["json"])
                .set_file_name("规划一张图.kuiwen.json")
                .set_title("保存工作空间 / Save workspace")
                .save_file(),
        );
        if let Some(f) = file {
            let mut p = f.path().to_owned();
            if !p.to_string_lossy().ends_with(".kuiwen.json") {
                p = p.with_extension("kuiwen.json");
            }
            let _ = tx.send(p);
        }
        ctx.request_repaint();
    });
    rx
}
