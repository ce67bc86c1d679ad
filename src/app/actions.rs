//! What panels ask the app to do. A panel draws from a read-only view of the app and its own
//! state, and returns actions; [`AtlasApp::apply`] carries them out after the panel is drawn, in
//! this one place, so what changes the document is easy to find.

use std::path::PathBuf;

use super::save_dialog::{self, FileKind};
use super::tools::Tool;
use super::{AtlasApp, FeatureRef, Lang, LayerEntry, Notice};
use crate::basemap::Basemap;
use crate::io::crs::Crs;
use crate::model::{BBox, Layer, Style};

/// A window or panel the planner opens and closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// The briefing (slides, presenting, export).
    Briefing,
    /// The attribute table.
    Table,
    /// Statistics and charts.
    Charts,
    /// 查询统计: statistics by unit, overlay, nearby.
    Analysis,
    /// Basemap settings.
    BasemapSettings,
    /// 变化对比: the change report.
    ChangeReport,
    /// 对比分析: split views and swipe.
    Compare,
    /// 出图: print layouts.
    Print,
    /// 连接数据库: PostGIS tables and publishing.
    Database,
}

/// What a panel asks the app to do.
#[derive(Debug)]
pub enum Action {
    /// Select a feature and zoom to it.
    SelectAndZoom(FeatureRef),
    /// Select a feature (or nothing) without moving the map.
    Select(Option<FeatureRef>),
    /// Fit a box on the map.
    Fit(BBox),
    /// Fit every visible layer.
    FitAll,
    /// Add a table of a spatial database as a live layer.
    AddDatabaseLayer(Box<kuiwen_postgis::ConnSpec>),
    /// Add a layer of a WFS or OGC API Features service, read for the map's view.
    AddServiceLayer(Box<kuiwen_ogc::FeatureSource>),
    /// Add a generated layer (replacing one with the same key) and show it.
    AddLayer(Box<Layer>),
    /// Add the current view as a slide of the briefing (with this title).
    AddSlide(String),
    /// Add a slide made elsewhere (a comparison, a change report).
    AddPreparedSlide(Box<crate::model::briefing::Slide>),
    /// Switch the map tool.
    UseTool(Tool),
    /// Tell the planner something.
    Notice(Notice),
    /// Save text (a CSV table) where the planner chooses.
    SaveCsv {
        /// Suggested file name.
        name: String,
        /// The file's contents.
        text: String,
    },
    /// Open a data file or a workspace (told apart by its name).
    OpenPath(PathBuf),
    /// Read a layer's file again.
    ReloadLayer(String),
    /// Remove a layer.
    RemoveLayer(String),
    /// Export a layer in a coordinate system.
    ExportLayer(String, Crs),
    /// Open or close a window.
    Toggle(Window),
    /// Open a window.
    Open(Window),
    /// Start presenting the briefing at this slide.
    Present(usize),
    /// Switch the basemap.
    UseBasemap(Basemap),
    /// Switch the interface language.
    SetLang(Lang),
    /// Switch between the light and the dark interface.
    SetDarkTheme(bool),
    /// Show the legend on the map.
    ShowLegend(bool),
    /// Ask for files to open (a native dialog on a helper thread).
    OpenDialog(super::top_bar::DialogKind),
    /// Ask where to save the workspace.
    SaveWorkspaceDialog,
    /// Show a slide of the briefing (flying there).
    GoToSlide(usize),
    /// Change the briefing: order, texts, view, or back to the built-in one.
    EditBriefing(super::briefing_panel::BriefingEdit),
    /// New presenting and export preferences.
    SetPresentPrefs(Box<super::present::PresentPrefs>),
    /// Summarize the box/polygon selection in one layer (None: every visible layer).
    MultiSelectLayer(Option<String>),
    /// Show the selection's rows of a layer in the attribute table.
    TableOfSelection(String),
    /// Clear the box/polygon selection.
    ClearMultiSelection,
    /// The coordinate system the planner chose for a file that did not say (None: cancelled).
    AnswerCrs(Option<Crs>),
    /// New settings for a layer from the layer list.
    EditLayer {
        /// The layer.
        key: String,
        /// What the list shows of it, edited.
        edit: Box<LayerEdit>,
    },
    /// Move a layer in the drawing order (indices bottom first).
    MoveLayer {
        /// Where it is.
        from: usize,
        /// Where it goes.
        to: usize,
    },
    /// Open (true) or collapse (false) the side panels; None leaves one as it is.
    ShowPanel {
        /// The layer panel on the left.
        layers: Option<bool>,
        /// The dock on the right (feature details, life circle).
        dock: Option<bool>,
    },
    /// Open the versions window on a layer's file (None: every file kept).
    OpenHistory(Option<String>),
    /// Open a version restored from the history as a layer, read as its layer's file is (the
    /// versions window has named it).
    OpenVersion {
        /// The restored file.
        path: PathBuf,
        /// How to read it.
        load: crate::io::LoadOptions,
    },
    /// Open the change report on two layers or versions being opened.
    CompareLayers {
        /// The old side.
        old: super::change_panel::Side,
        /// The new side.
        new: super::change_panel::Side,
    },
    /// Something done to the marks layer as a whole (show, export, import, clear).
    Marks(super::marks_tool::MarksAction),
    /// Colour a layer's changes on the map with a lasting highlight (None: remove it).
    ShowChanges {
        /// The layer.
        layer_key: String,
        /// The highlight.
        flash: Option<Box<super::files::Flash>>,
    },
}

/// What the layer list edits of a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerEdit {
    /// Drawn.
    pub visible: bool,
    /// How it is drawn.
    pub style: Style,
    /// Read again when its file changes.
    pub auto_reload: bool,
    /// How its file is read (declared coordinate system, encoding).
    pub load: crate::io::LoadOptions,
    /// A problem to show with the layer (e.g. a coordinate system typed wrong).
    pub last_error: Option<String>,
}

impl LayerEdit {
    /// The layer's current settings.
    pub fn of(e: &LayerEntry) -> Self {
        Self {
            visible: e.layer.visible,
            style: e.layer.style.clone(),
            auto_reload: e.auto_reload,
            load: e.load.clone(),
            last_error: e.last_error.clone(),
        }
    }
}

impl AtlasApp {
    /// Carry out what the panels asked for, in order.
    pub fn apply(&mut self, actions: impl IntoIterator<Item = Action>) {
        for a in actions {
            self.apply_one(a);
        }
    }

    fn apply_one(&mut self, action: Action) {
        match action {
            Action::SelectAndZoom(r) => self.select_and_zoom(r),
            Action::Select(r) => self.selection = r,
            Action::Fit(b) => self.fit(b),
            Action::AddDatabaseLayer(spec) => {
                self.add_database_layer(*spec);
            }
            Action::AddServiceLayer(source) => {
                self.add_service_layer(*source);
            }
            Action::FitAll => {
                if let Some(b) = self.all_bbox() {
                    self.fit(b);
                }
            }
            Action::AddLayer(layer) => self.add_or_replace_layer(*layer),
            Action::AddSlide(title) => {
                let slide = self.slide_from_view(&title);
                self.briefing.add_slide(slide);
            }
            Action::AddPreparedSlide(slide) => self.briefing.add_slide(*slide),
            Action::UseTool(t) => {
                // The life circle's panel is in the dock: open it if it was collapsed.
                if t == super::tools::Tool::LifeCircle {
                    self.persisted.panels.dock = true;
                }
                self.tool = t;
            }
            Action::Notice(n) => self.notices.push(n),
            Action::Marks(a) => super::marks_tool::apply(self, a),
            Action::SaveCsv { name, text } => {
                let lang = self.lang();
                self.analysis_save = Some(save_dialog::save_async(
                    &self.egui_ctx,
                    lang.t("导出统计表", "Export the table"),
                    &name,
                    FileKind { name: "CSV", extensions: &["csv"] },
                    move || Ok(text.into_bytes()),
                ));
            }
            Action::OpenPath(p) => {
                if p.to_string_lossy().ends_with(".kuiwen.json") {
                    self.open_workspace(&p);
                } else {
                    self.open_file(p, crate::io::LoadOptions::default());
                }
            }
            Action::ReloadLayer(k) => self.reload_layer(&k),
            Action::RemoveLayer(k) => self.remove_layer(&k),
            Action::ExportLayer(k, crs) => super::source_panel::export_layer(self, &k, crs),
            Action::Toggle(w) => {
                let open = self.window_open(w);
                *open = !*open;
            }
            Action::Open(w) => *self.window_open(w) = true,
            Action::Present(from) => self.start_presenting(from),
            Action::UseBasemap(b) => {
                if let Basemap::PmTiles(p) | Basemap::Folder(p) = &b
                    && !p.exists()
                {
                    self.notices.push(super::settings::missing_file_notice(self.lang(), p));
                    self.persisted.basemap_prefs.recent.retain(|r| *r != b);
                } else {
                    self.set_basemap(b);
                }
            }
            Action::SetLang(lang) => self.persisted.lang = lang,
            Action::SetDarkTheme(dark) => {
                self.persisted.dark_theme = dark;
                self.egui_ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
            }
            Action::ShowLegend(show) => self.persisted.show_legend = show,
            Action::OpenDialog(kind) => super::top_bar::open_dialog(self, kind),
            Action::SaveWorkspaceDialog => super::top_bar::save_dialog(self),
            Action::GoToSlide(i) => self.go_to_slide(i, true),
            Action::EditBriefing(edit) => self.edit_briefing(edit),
            Action::SetPresentPrefs(prefs) => self.persisted.present = *prefs,
            Action::MultiSelectLayer(layer) => super::multi_select::select_layer(self, layer),
            Action::TableOfSelection(key) => {
                self.table.open_layer(&key);
                self.table.only_selection = true;
            }
            Action::ClearMultiSelection => super::multi_select::clear(self),
            Action::AnswerCrs(choice) => self.answer_crs(choice),
            Action::EditLayer { key, edit } => {
                if let Some(e) = self.layers.iter_mut().find(|e| e.layer.key == key) {
                    let LayerEdit { visible, style, auto_reload, load, last_error } = *edit;
                    e.layer.visible = visible;
                    e.layer.style = style;
                    e.auto_reload = auto_reload;
                    e.load = load;
                    e.last_error = last_error;
                }
            }
            Action::MoveLayer { from, to } => {
                // Taken out and put in at its new place (a drag over several rows moves one layer,
                // not two).
                if from < self.layers.len() && to < self.layers.len() {
                    let e = self.layers.remove(from);
                    self.layers.insert(to, e);
                }
            }
            Action::ShowPanel { layers, dock } => {
                if let Some(v) = layers {
                    self.persisted.panels.layers = v;
                }
                if let Some(v) = dock {
                    self.persisted.panels.dock = v;
                }
            }
            Action::OpenHistory(key) => self.history_panel.show_for(key.as_deref(), &self.layers),
            Action::OpenVersion { path, load } => self.open_file(path, load),
            Action::CompareLayers { old, new } => self.change_report.compare(old, new),
            Action::ShowChanges { layer_key, flash } => {
                if let Some(e) = self.layers.iter_mut().find(|e| e.layer.key == layer_key) {
                    match flash {
                        Some(f) => e.flash = Some(*f),
                        // Only the report's own highlight goes: a reload's keeps fading.
                        None if e.flash.as_ref().is_some_and(|f| f.is_lasting()) => e.flash = None,
                        None => {}
                    }
                }
            }
        }
    }

    /// Whether a window is open, to change.
    fn window_open(&mut self, w: Window) -> &mut bool {
        match w {
            Window::Briefing => &mut self.ui_briefing.window_open,
            Window::Table => &mut self.table.open,
            Window::Charts => &mut self.charts.open,
            Window::Analysis => &mut self.analysis.open,
            Window::BasemapSettings => &mut self.basemap_settings.open,
            Window::ChangeReport => &mut self.change_report.open,
            Window::Compare => &mut self.compare.window_open,
            Window::Print => &mut self.print.open,
            Window::Database => &mut self.database.open,
        }
    }

    /// Add a generated layer on top, or put it in place of the layer with its key.
    pub fn add_or_replace_layer(&mut self, layer: Layer) {
        let generation = self.bump();
        match self.layers.iter_mut().find(|e| e.layer.key == layer.key) {
            Some(e) => {
                e.layer = layer;
                e.generation = generation;
            }
            None => self.push_layer(layer),
        }
    }
}
