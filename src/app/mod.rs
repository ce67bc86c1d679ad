//! The egui application: panels around a walkers map. One file per panel; this one holds the
//! state they share and the frame loop.

pub mod actions;
pub mod analysis_panel;
pub mod attribute_table;
mod basemap_ui;
#[cfg(feature = "image-export")]
mod briefing_export;
pub mod briefing_panel;
mod card;
pub mod change_panel;
pub mod charts;
pub mod compare;
pub mod crash;
pub mod database;
mod files;
pub mod fonts;
pub mod format;
pub mod history_panel;
pub mod i18n;
pub mod info_panel;
mod layers_panel;
mod life_circle_panel;
mod loading;
mod map_panel;
pub mod map_view;
pub mod marks_tool;
pub mod measure_tool;
pub mod multi_select;
pub mod present;
pub mod print_panel;
pub mod remote;
mod save_dialog;
pub mod settings;
pub mod source_panel;
mod status_bar;
pub mod tools;
pub mod top_bar;

use kuiwen_core::Bilingual;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::basemap::health::TileStatus;
use crate::basemap::{ActiveBasemap, Basemap};
use crate::io::embedded;
use crate::io::history::{self, History};
use crate::model::{BBox, Layer, bbox_union};
pub use i18n::Lang;
use loading::Loader;
use serde::{Deserialize, Serialize};

/// What the app remembers between runs (eframe storage).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// Interface language.
    pub lang: Lang,
    /// The chosen basemap.
    pub basemap: Basemap,
    /// Dark interface theme (light by default: it reads best beside printed plans).
    pub dark_theme: bool,
    /// Recently opened files and workspaces, newest first.
    pub recent: Vec<PathBuf>,
    /// Show the legend on the map.
    pub show_legend: bool,
    /// Basemap settings: cache limit, recent custom and local basemaps, offline downloads.
    pub basemap_prefs: settings::BasemapPrefs,
    /// Presenting: contrast, text size, export size.
    pub present: present::PresentPrefs,
    /// Which side panels are open (collapsed ones leave a strip at the edge).
    pub panels: PanelPrefs,
}

/// The side panels open or collapsed, remembered between runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct PanelPrefs {
    /// The layer tree on the left.
    pub layers: bool,
    /// The dock on the right: feature details, and the life circle's tab.
    pub dock: bool,
}

impl Default for PanelPrefs {
    fn default() -> Self {
        Self { layers: true, dock: true }
    }
}

/// The most of the window's width one side panel may take: with both open, the map keeps at
/// least half the window (1280×800: 282 + 358 points of panels, 640 of map).
pub const MAX_SIDE_SHARE: f32 = 0.22;

/// The dock's share: a little more than the layer tree's, for the life circle's tables.
pub const MAX_DOCK_SHARE: f32 = 0.28;

/// The tab shown in the right dock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DockTab {
    /// The selected feature's card and attributes.
    #[default]
    Info,
    /// The life circle's rings, checklist and coverage.
    LifeCircle,
}

impl Default for Persisted {
    fn default() -> Self {
        Self {
            lang: Lang::Zh,
            basemap: Basemap::Osm,
            dark_theme: false,
            recent: Vec::new(),
            show_legend: true,
            basemap_prefs: Default::default(),
            present: Default::default(),
            panels: Default::default(),
        }
    }
}

/// How the app starts (from the command line).
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    /// Extra GeoJSON files to open as layers.
    pub files: Vec<PathBuf>,
    /// A basemap that overrides the remembered one.
    pub basemap: Option<Basemap>,
    /// Declared coordinate system for the files.
    pub crs: Option<crate::io::crs::Crs>,
    /// Start in English.
    pub english: Option<bool>,
    /// A workspace to open.
    pub workspace: Option<PathBuf>,
    /// Open the attribute table on this layer key at start.
    pub table: Option<String>,
    /// Open the charts window at start on this chart (`stats`, `investment`, `area`, `households`, `grids`).
    pub charts: Option<String>,
    /// The map tool active at start.
    pub tool: Option<tools::Tool>,
    /// Place the life circle here at start (`--at LON,LAT`; activates the life-circle tool).
    pub life_circle_at: Option<[f64; 2]>,
    /// Start the life-circle tool in coverage mode (`--coverage`).
    pub coverage: bool,
    /// Open the 查询统计 window on this tab (`stats`, `overlay`, `nearby`) and run its default
    /// analysis (`--query`).
    pub query: Option<String>,
    /// When the process started (for the launch-to-first-frame figure); defaults to now.
    pub launched: Option<Instant>,
    /// Select and zoom to the first feature whose name matches (`--find NAME`).
    pub find: Option<String>,
    /// The cache folder (tiles go in its `tiles` sub-folder); None: `KUIWEN_CACHE_DIR` or the
    /// user's cache folder. Tests point it at a temporary folder.
    pub cache_dir: Option<PathBuf>,
    /// The config folder (for the Tianditu key); None: `KUIWEN_CONFIG_DIR` or the user's.
    pub config_dir: Option<PathBuf>,
    /// Start presenting at this slide (0-based) of the briefing.
    pub present_slide: Option<usize>,
    /// Render for image export: no animation, no presenter controls, no file watching.
    pub exporting: bool,
    /// The data folder for the log, the recovery file and the crash marker
    /// ([`crash::data_dir`] in the viewer); None: no log, autosave or recovery (tests).
    /// Offline basemaps are saved in its `offline` sub-folder (None: the user's data folder).
    pub data_dir: Option<PathBuf>,
}

/// A layer of the document, with how it was read and what happened to it.
pub struct LayerEntry {
    /// The data.
    pub layer: Layer,
    /// Bumped whenever the features change, to invalidate the map views' render caches.
    pub generation: u64,
    /// How its file is read: the declared coordinate system and text encoding (None: what the
    /// file says) and, for files with several, the layer.
    pub load: crate::io::LoadOptions,
    /// What the last read found: format, encoding used, the file's layers.
    pub source: crate::io::SourceInfo,
    /// The coordinate system the file was last read in.
    pub read_crs: Option<crate::io::crs::Crs>,
    /// What the last read warned of (assumed coordinate system, encoding…), with the file named.
    pub warnings: Vec<String>,
    /// Reload by itself when its file changes on disk.
    pub auto_reload: bool,
    /// The last reload problem; the layer keeps showing its last good version meanwhile.
    pub last_error: Option<String>,
    /// Changes seen on reloads, newest last.
    pub changes: Vec<files::ChangeRecord>,
    /// Features to flash on the map after a reload.
    pub flash: Option<files::Flash>,
}

impl LayerEntry {
    /// A layer as read, with nothing reloaded yet. `generation` must differ from any the layer
    /// had before, so the map views rebuild their caches.
    pub fn new(layer: Layer, generation: u64) -> Self {
        Self {
            layer,
            generation,
            load: Default::default(),
            source: Default::default(),
            read_crs: None,
            warnings: Vec::new(),
            auto_reload: true,
            last_error: None,
            changes: Vec::new(),
            flash: None,
        }
    }
}

/// A selected or hovered feature: layer key and feature index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureRef {
    /// The layer's key.
    pub layer: String,
    /// Index of the feature in the layer.
    pub feature: usize,
}

/// A message for the user (errors and notices), shown in the status bar and the message list.
#[derive(Clone, Debug)]
pub struct Notice {
    /// The text, already in the interface language where it came from us.
    pub text: String,
    /// Whether it is an error.
    pub error: bool,
}

/// The application.
pub struct AtlasApp {
    /// Remembered settings.
    pub persisted: Persisted,
    /// Layers, bottom first.
    pub layers: Vec<LayerEntry>,
    /// The selected feature.
    pub selection: Option<FeatureRef>,
    /// The top bar: menus, search, tools, basemap.
    pub top_bar: top_bar::TopBar,
    /// The feature details panel on the right.
    pub info: info_panel::InfoPanel,
    /// The active map tool.
    pub tool: tools::Tool,
    /// The layer tree (left panel).
    pub layer_tree: layers_panel::LayerTree,
    /// The tab shown in the right dock.
    pub dock_tab: DockTab,
    /// The tool when the dock was last drawn: a tool that starts brings its tab forward.
    dock_tool: tools::Tool,
    /// Messages for the user.
    pub notices: Vec<Notice>,
    /// The measure tool.
    pub measure: measure_tool::MeasureState,
    /// The planner's marks (标注): part of the document, saved in the workspace.
    pub marks: crate::model::marks::Marks,
    /// The marks tool: what it draws next, the selected mark, its dialogs.
    pub marks_tool: marks_tool::MarksTool,
    /// The attribute table (bottom panel).
    pub table: attribute_table::AttributeTable,
    /// The statistics and charts window.
    pub charts: charts::ChartsState,
    /// The rectangle/polygon multi-selection and its summary.
    pub multi: multi_select::MultiSelection,
    /// The 15-minute life circle tool.
    pub life_circle: life_circle_panel::LifeCircleState,
    /// The 查询统计 window: statistics by unit, overlay, nearby.
    pub analysis: analysis_panel::AnalysisPanel,
    /// A statistics table being saved.
    analysis_save: Option<save_dialog::PendingSave>,
    /// A layer being exported to another format or coordinate system (格式转换).
    layer_export: Option<save_dialog::PendingSave>,
    /// A file whose coordinate system the planner is asked for.
    pub crs_question: Option<source_panel::CrsQuestion>,
    /// The briefing: slides, presenting, export.
    pub briefing: present::Briefing,
    /// Presenting the briefing: full screen, flying from slide to slide.
    pub presenting: present::Presenting,
    /// Export jobs and dialogs of the briefing window.
    ui_briefing: briefing_panel::BriefingUi,
    /// A slide whose extent is fitted once the map knows its size.
    pending_slide_fit: Option<usize>,
    /// The basemap was given on the command line of a render: slides do not change it.
    basemap_fixed: bool,
    /// The main map view: position, basemap, render caches, hover.
    pub map: map_view::MapViewState,
    /// 历史版本: the versions kept of a layer's file (成果留痕).
    pub history_panel: history_panel::HistoryPanel,
    /// 变化对比: the change report between two versions or layers.
    pub change_report: change_panel::ChangePanel,
    /// 出图: the print-layout window and its set-up (saved in the workspace).
    pub print: print_panel::PrintPanel,
    /// 对比分析: split views and swipe, and their setup window.
    pub compare: compare::CompareState,
    /// 连接数据库: PostGIS connection, tables, publishing.
    pub database: database::DatabaseWindow,
    /// Layers whose data is in a database or a feature service, each with its worker.
    pub remote_layers: Vec<remote::RemoteLayer>,
    started: Instant,
    first_frame: Option<Duration>,
    loader: Loader,
    egui_ctx: egui::Context,
    basemap_settings: settings::BasemapSettings,
    next_generation: u64,
    watcher: Option<crate::io::watch::FileWatcher>,
    /// Crash safety: autosave, recovery offer, the dialog after a panic.
    session: crash::Session,
}

impl AtlasApp {
    /// Build the app: fonts, embedded layers, remembered settings, basemap, files to open.
    pub fn new(ctx: &egui::Context, storage: Option<&dyn eframe::Storage>, start: StartOptions) -> Self {
        let started = start.launched.unwrap_or_else(Instant::now);
        fonts::install(ctx);
        let mut persisted: Persisted = storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        if let Some(b) = start.basemap.clone() {
            persisted.basemap = b;
        }
        if let Some(en) = start.english {
            persisted.lang = if en { Lang::En } else { Lang::Zh };
        }
        ctx.set_theme(if persisted.dark_theme { egui::Theme::Dark } else { egui::Theme::Light });
        let mut notices = Vec::new();
        let layers = match embedded::load_all() {
            Ok(layers) => layers,
            Err((file, e)) => {
                let english = persisted.lang.english();
                notices.push(Notice { text: format!("{file}: {}", e.message(english)), error: true });
                Vec::new()
            }
        };
        let persisted_prefs = persisted.basemap_prefs.clone();
        // Every version of the files read is kept in the data folder (成果留痕).
        let history = start.data_dir.as_ref().map(|d| History::new(d.join("history"), history::DEFAULT_LIMIT_BYTES));
        let mut app = Self {
            persisted,
            layers: Vec::new(),
            selection: None,
            top_bar: Default::default(),
            info: Default::default(),
            tool: tools::Tool::Select,
            layer_tree: Default::default(),
            dock_tab: DockTab::Info,
            dock_tool: tools::Tool::Select,
            notices,
            measure: Default::default(),
            marks: Default::default(),
            marks_tool: Default::default(),
            table: Default::default(),
            charts: Default::default(),
            multi: Default::default(),
            life_circle: Default::default(),
            analysis: Default::default(),
            analysis_save: None,
            layer_export: None,
            crs_question: None,
            briefing: Default::default(),
            presenting: Default::default(),
            pending_slide_fit: None,
            ui_briefing: Default::default(),
            basemap_fixed: start.exporting && start.basemap.is_some(),
            map: Default::default(),
            history_panel: Default::default(),
            change_report: Default::default(),
            print: Default::default(),
            compare: Default::default(),
            database: Default::default(),
            remote_layers: Vec::new(),
            started,
            first_frame: None,
            loader: Loader::with_history(history),
            egui_ctx: ctx.clone(),
            basemap_settings: settings::BasemapSettings::new(&start, &persisted_prefs),
            next_generation: 1,
            watcher: None,
            session: crash::Session::start(start.data_dir.clone(), start.config_dir.as_deref()),
        };
        for layer in layers {
            app.push_layer(layer);
        }
        app.briefing = present::Briefing::builtin(&app.layers);
        app.presenting.exporting = start.exporting;
        app.map.pending_fit = app.all_bbox();
        app.set_basemap(app.persisted.basemap.clone());
        if let Some(k) = &start.table {
            app.table.open_layer(k);
        }
        if let Some(c) = &start.charts {
            app.charts.open = true;
            app.charts.chart = charts::Chart::from_key(c).unwrap_or_default();
        }
        if let Some(t) = start.tool {
            app.tool = t;
        }
        life_circle_panel::apply_start(&mut app, start.life_circle_at, start.coverage);
        if let Some(q) = start.query.as_deref() {
            app.analysis.start(q, &app.layers, ctx);
        }
        if let Some(q) = start.find.as_deref()
            && let Some((r, _)) = top_bar::search(&app, q).into_iter().next()
        {
            app.select_and_zoom(r);
        }
        if let Some(ws) = start.workspace {
            app.open_workspace(&ws);
        }
        for path in start.files {
            files::open_any(&mut app, path, crate::io::LoadOptions::with_crs(start.crs));
        }
        if let Some(i) = start.present_slide {
            app.start_presenting(i);
        }
        app
    }

    /// Add a layer on top.
    pub fn push_layer(&mut self, layer: Layer) {
        let generation = self.bump();
        self.layers.push(LayerEntry::new(layer, generation));
    }

    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    /// The interface language.
    pub fn lang(&self) -> Lang {
        self.persisted.lang
    }

    /// The box around every visible layer (or every layer when none is visible).
    pub fn all_bbox(&self) -> Option<BBox> {
        let visible = self.layers.iter().filter(|e| e.layer.visible).fold(None, |acc, e| bbox_union(acc, e.layer.bbox));
        visible.or_else(|| self.layers.iter().fold(None, |acc, e| bbox_union(acc, e.layer.bbox)))
    }

    /// Ask the map to fit a box on the next frame.
    pub fn fit(&mut self, bbox: BBox) {
        self.map.pending_fit = Some(bbox);
    }

    /// Find a layer by key.
    pub fn layer(&self, key: &str) -> Option<&LayerEntry> {
        self.layers.iter().find(|e| e.layer.key == key)
    }

    /// Select a feature and zoom to it.
    pub fn select_and_zoom(&mut self, r: FeatureRef) {
        let bbox = self.layer(&r.layer).and_then(|e| e.layer.features.get(r.feature)).and_then(|f| f.bbox);
        if let Some(b) = bbox {
            // A point or a tiny feature gets a neighbourhood around it, not zoom 19.
            let pad = 0.004;
            let b = if b[2] - b[0] < pad && b[3] - b[1] < pad {
                [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]
            } else {
                // Some surroundings, so the planner sees where the feature sits.
                let (dx, dy) = ((b[2] - b[0]) * 0.6, (b[3] - b[1]) * 0.6);
                [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
            };
            self.fit(b);
        }
        if let Some(e) = self.layers.iter_mut().find(|e| e.layer.key == r.layer) {
            e.layer.visible = true;
        }
        self.selection = Some(r);
    }

    /// Switch basemap: new tile layers (the old ones stop their downloads) and projection.
    pub fn set_basemap(&mut self, basemap: Basemap) {
        self.map.projection = basemap.projection();
        self.map.tiles = ActiveBasemap::open(&basemap, &self.basemap_settings.env(), &self.egui_ctx);
        self.persisted.basemap_prefs.remember(&basemap);
        self.persisted.basemap = basemap;
    }

    /// The credits the visible layers ask for (their features' `attribution`), each once.
    pub fn data_credits(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in self.layers.iter().filter(|e| e.layer.visible).flat_map(|e| &e.layer.credits) {
            // "© OpenStreetMap contributors" is part of "© OpenStreetMap contributors, geoBoundaries".
            if !out.iter().any(|o| o.contains(c.as_str())) {
                out.retain(|o| !c.contains(o.as_str()));
                out.push(c.clone());
            }
        }
        out
    }

    /// Where a WGS84 position was on screen in the last frame.
    pub fn screen_pos(&self, lon_lat: [f64; 2]) -> Option<egui::Pos2> {
        self.map.last_view.map(|v| v.lon_lat_to_screen(lon_lat))
    }

    /// The current zoom level.
    pub fn zoom(&self) -> f64 {
        self.map.memory.zoom()
    }

    /// Zoom the map (as the wheel would), keeping its centre.
    pub fn set_zoom(&mut self, zoom: f64) {
        let _ = self.map.memory.set_zoom(zoom);
    }

    /// The view of the last painted frame.
    pub fn last_view(&self) -> Option<crate::render::MapView> {
        self.map.last_view
    }

    /// Time from start to the first painted frame, once known.
    pub fn first_frame_after(&self) -> Option<Duration> {
        self.first_frame
    }

    /// The basemap health for the status bar.
    pub fn basemap_status(&self) -> TileStatus {
        self.map.tiles.as_ref().map(ActiveBasemap::status).unwrap_or(TileStatus::Off)
    }

    /// What the map credits for the active basemap (None without a basemap).
    pub fn basemap_credit(&self) -> Option<crate::basemap::Credit> {
        self.map.tiles.as_ref().and_then(|t| t.credit.clone())
    }
}

impl eframe::App for AtlasApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // A panic in here or in the panels is caught, logged and reported in a dialog (crash.rs).
        crash::guard(self, "logic", |app| {
            files::logic(app, ctx);
            remote::logic(app);
            settings::logic(app);
        });
        crash::guard(self, "autosave", crash::after_logic);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        crash::guard(self, "ui", |app| app.panels(ui));
        crash::show(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted);
    }

    fn on_exit(&mut self) {
        crash::clean_exit(self);
    }
}

impl AtlasApp {
    /// One frame of the interface: the panels around the map.
    fn panels(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        present::start_keys(self, &ctx);
        compare::swipe_keys(self, &ctx);
        present::presenting_keys(self, &ctx);
        present::apply_theme(self, &ctx);
        present::before_map(self, &ctx);
        if self.presenting.active {
            // Full screen for the audience: the map and its overlays, no panels.
            map_panel::show(self, ui);
            present::overlays(self, ui);
            self.note_first_frame();
            return;
        }
        // ---- Jobs that report between frames (saves, exports) ----
        analysis_panel::logic(self);
        briefing_panel::logic(self);
        marks_tool::logic(self);
        // ---- Panels around the map (each owns its state; its actions are applied after it) ----
        self.panel(ui, |app| &mut app.top_bar, top_bar::TopBar::ui);
        status_bar::show(self, ui);
        self.panel(ui, |app| &mut app.table, attribute_table::AttributeTable::ui);
        self.panel(ui, |app| &mut app.layer_tree, layers_panel::LayerTree::ui);
        self.dock(ui);
        // ---- The map, with the active tool ----
        map_panel::show(self, ui);
        // ---- Windows over the map ----
        self.panel(ui, |app| &mut app.charts, charts::ChartsState::ui);
        self.panel(ui, |app| &mut app.analysis, analysis_panel::AnalysisPanel::panel_ui);
        self.panel(ui, |app| &mut app.history_panel, history_panel::HistoryPanel::ui);
        self.panel(ui, |app| &mut app.change_report, change_panel::ChangePanel::ui);
        self.panel(ui, |app| &mut app.print, print_panel::PrintPanel::ui);
        self.panel(ui, |app| &mut app.compare, compare::CompareState::ui);
        self.panel(ui, |app| &mut app.database, database::DatabaseWindow::ui);
        settings::show(self, ui);
        marks_tool::dialogs(self, ui);
        let actions = multi_select::summary_window(self, ui);
        self.apply(actions);
        self.panel(ui, |app| &mut app.ui_briefing, briefing_panel::BriefingUi::ui);
        let actions = source_panel::crs_question(self, ui);
        self.apply(actions);
        self.note_first_frame();
        if self.loader.busy() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
    }

    /// The right dock: the feature details, and the life circle as a tab beside them while its
    /// tool is on (a tab, not another column: the map keeps its room).
    fn dock(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        if !self.persisted.panels.dock {
            let mut actions = Vec::new();
            let title = lang.t("要素信息", "Details");
            layers_panel::collapsed_strip(ui, "dock_strip", false, title, &mut actions);
            self.apply(actions);
            return;
        }
        let life = self.tool == tools::Tool::LifeCircle;
        if !life {
            self.dock_tab = DockTab::Info;
        } else if self.dock_tool != self.tool {
            // Started from the toolbar, a slide or the command line: its panel comes forward.
            self.dock_tab = DockTab::LifeCircle;
        }
        self.dock_tool = self.tool;
        let max_w = (ui.ctx().content_rect().width() * MAX_DOCK_SHARE).max(240.0);
        egui::Panel::right("dock").resizable(true).default_size(330.0).max_size(max_w).show(ui, |ui| {
            ui.horizontal(|ui| {
                if life {
                    ui.selectable_value(&mut self.dock_tab, DockTab::Info, lang.t("要素信息", "Details"));
                    ui.selectable_value(&mut self.dock_tab, DockTab::LifeCircle, lang.t("生活圈", "Life circle"));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button("»").on_hover_text(lang.t("收起右侧面板", "Collapse the right panel")).clicked()
                    {
                        self.persisted.panels.dock = false;
                    }
                });
            });
            match self.dock_tab {
                DockTab::LifeCircle if life => {
                    self.panel(ui, |app| &mut app.life_circle, life_circle_panel::LifeCircleState::ui);
                }
                _ => self.panel(ui, |app| &mut app.info, info_panel::InfoPanel::ui),
            }
        });
    }

    /// Draw a panel that owns its state: it reads the app, and what it asks for is applied after.
    fn panel<P: Default>(
        &mut self,
        ui: &mut egui::Ui,
        field: fn(&mut Self) -> &mut P,
        draw: fn(&mut P, &mut egui::Ui, &Self) -> Vec<actions::Action>,
    ) {
        let mut panel = std::mem::take(field(self));
        let actions = draw(&mut panel, ui, self);
        *field(self) = panel;
        self.apply(actions);
    }

    fn note_first_frame(&mut self) {
        if self.first_frame.is_none() {
            self.first_frame = Some(self.started.elapsed());
            // Printed on purpose (not only logged): the README's launch figure is read from it.
            if std::env::var_os("KUIWEN_REPORT_FIRST_FRAME").is_some() {
                eprintln!("first frame {} ms after launch", self.started.elapsed().as_millis());
            }
            log::info!("first frame {} ms after launch", self.started.elapsed().as_millis());
        }
    }
}
