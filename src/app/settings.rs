//! The settings window (设置 / Settings): the Tianditu key, custom XYZ servers, WMTS and WMS
//! services from a capabilities address (their usable layers listed, one chosen as the basemap),
//! local basemaps (PMTiles files, tile folders), the tile cache (size limit, clear) and "keep
//! this area offline" downloads. Everything slow (file dialogs, capabilities, cache sizes,
//! clearing, downloads) runs on background threads; this file only polls.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, channel};

use kuiwen_core::Bilingual;
use serde::{Deserialize, Serialize};

use super::{AtlasApp, Lang, Notice};
use crate::basemap::disk_cache::{CacheError, DEFAULT_LIMIT_MB, clear, dir_size, sweep};
use crate::basemap::key::{self, KeySource};
use crate::basemap::offline::{
    KUIWEN_EXTENT, MAX_TILES, OfflineError, OfflineJob, OfflineRequest, count_tiles, default_file_name, offline_dir,
};
use crate::basemap::{Basemap, BasemapEnv, BasemapError, XyzTemplate, tile_cache_root};
use crate::ogc::{OgcError, TileChoice, TileLayerInfo, is_capabilities_url, list_tile_layers, tile_template};

/// Custom and local basemaps remembered for the switcher.
const MAX_RECENT: usize = 6;
/// A rough tile size for estimates (raster tiles of towns average 10–30 KB).
const TYPICAL_TILE_KB: u64 = 20;

/// Basemap settings remembered between runs (never the key: that lives in its own file).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct BasemapPrefs {
    /// The tile cache size limit, MB.
    pub cache_limit_mb: u64,
    /// Custom XYZ servers and local basemaps used before, newest first.
    pub recent: Vec<Basemap>,
    /// Zoom range of the last offline download.
    pub offline_zoom: (u8, u8),
    /// Download Kuiwen's whole extent (true) or the current view (false).
    pub offline_whole_district: bool,
}

impl Default for BasemapPrefs {
    fn default() -> Self {
        Self {
            cache_limit_mb: DEFAULT_LIMIT_MB,
            recent: Vec::new(),
            offline_zoom: (12, 16),
            offline_whole_district: true,
        }
    }
}

impl BasemapPrefs {
    /// Remember a custom or local basemap for the switcher.
    pub fn remember(&mut self, basemap: &Basemap) {
        if matches!(basemap, Basemap::Xyz(_) | Basemap::PmTiles(_) | Basemap::Folder(_)) {
            self.recent.retain(|b| b != basemap);
            self.recent.insert(0, basemap.clone());
            self.recent.truncate(MAX_RECENT);
        }
    }
}

/// A message in the window: text and whether it is an error.
type Message = Option<(String, bool)>;

/// What a file dialog was opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogPurpose {
    PmTiles,
    Folder,
    OfflineOutput,
}

/// The settings window's state (not remembered).
pub struct BasemapSettings {
    /// Whether the window is open.
    pub open: bool,
    pub(super) config_dir: Option<PathBuf>,
    pub(super) cache_root: Option<PathBuf>,
    key: Option<String>,
    key_source: KeySource,
    key_input: String,
    key_message: Message,
    template_input: String,
    /// The capabilities address being read (or last read), and its layers once read.
    service_url: String,
    service_rx: Option<Receiver<Result<Vec<TileLayerInfo>, OgcError>>>,
    service_layers: Option<Result<Vec<TileLayerInfo>, OgcError>>,
    service_message: Message,
    cache_limit: Arc<AtomicU64>,
    cache_size: Option<u64>,
    cache_size_rx: Option<Receiver<u64>>,
    cache_message: Message,
    clear_rx: Option<Receiver<Result<u64, CacheError>>>,
    dialog: Option<(DialogPurpose, Receiver<Option<PathBuf>>)>,
    offline_dir: Option<PathBuf>,
    offline_out: Option<PathBuf>,
    offline_job: Option<OfflineJob>,
    offline_message: Message,
    offline_done: Option<PathBuf>,
}

impl BasemapSettings {
    /// Settings for the start options' folders (None: `KUIWEN_CACHE_DIR`, `KUIWEN_CONFIG_DIR`,
    /// `KUIWEN_DATA_DIR` or the user's folders).
    pub fn new(start: &super::StartOptions, prefs: &BasemapPrefs) -> Self {
        let cache_root = start.cache_dir.as_ref().map(|d| d.join("tiles")).or_else(tile_cache_root);
        let config_dir = start.config_dir.clone().or_else(key::config_dir);
        let offline_dir = start.data_dir.as_ref().map(|d| d.join("offline")).or_else(offline_dir);
        let (key, key_source) = key::load_default(config_dir.as_deref());
        Self {
            open: false,
            config_dir,
            cache_root,
            key,
            key_source,
            key_input: String::new(),
            key_message: None,
            template_input: String::new(),
            service_url: String::new(),
            service_rx: None,
            service_layers: None,
            service_message: None,
            cache_limit: Arc::new(AtomicU64::new(prefs.cache_limit_mb.max(1) * 1_048_576)),
            cache_size: None,
            cache_size_rx: None,
            cache_message: None,
            clear_rx: None,
            dialog: None,
            offline_dir,
            offline_out: None,
            offline_job: None,
            offline_message: None,
            offline_done: None,
        }
    }

    /// What the tile layers need.
    pub fn env(&self) -> BasemapEnv {
        BasemapEnv {
            tianditu_key: self.key.clone(),
            cache_root: self.cache_root.clone(),
            cache_limit_bytes: self.cache_limit.clone(),
        }
    }

    /// The tile cache root.
    pub fn cache_root(&self) -> Option<&PathBuf> {
        self.cache_root.as_ref()
    }

    /// Whether an offline download is running.
    pub fn downloading(&self) -> bool {
        self.offline_job.is_some()
    }

    fn refresh_cache_size(&mut self) {
        let Some(root) = self.cache_root.clone() else { return };
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(dir_size(&root));
        });
        self.cache_size_rx = Some(rx);
    }
}

/// Poll background work: dialogs, cache size, clearing, downloads.
pub(super) fn logic(app: &mut AtlasApp) {
    let lang = app.lang();
    let s = &mut app.basemap_settings;
    if let Some(size) = s.cache_size_rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
        s.cache_size = Some(size);
        s.cache_size_rx = None;
    }
    if let Some(result) = s.service_rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
        s.service_rx = None;
        if let Err(e) = &result {
            log::warn!("reading service layers failed: {e}");
        }
        s.service_layers = Some(result);
    }
    if let Some(result) = s.clear_rx.as_ref().and_then(|rx| rx.try_recv().ok()) {
        s.clear_rx = None;
        s.cache_message = Some(match result {
            Ok(bytes) => {
                (format!("{} {}", lang.t("已清空缓存，释放", "Cache cleared, freed"), size_text(bytes)), false)
            }
            Err(e) => (failed(lang, ("清空缓存失败", "Could not clear the cache"), &e), true),
        });
        s.refresh_cache_size();
    }
    let mut choose: Option<Basemap> = None;
    if let Some((purpose, rx)) = &s.dialog
        && let Ok(picked) = rx.try_recv()
    {
        let purpose = *purpose;
        s.dialog = None;
        if let Some(path) = picked {
            match purpose {
                DialogPurpose::PmTiles => choose = Some(Basemap::PmTiles(path)),
                DialogPurpose::Folder => choose = Some(Basemap::Folder(path)),
                DialogPurpose::OfflineOutput => {
                    let path = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pmtiles")) {
                        path
                    } else {
                        path.with_extension("pmtiles")
                    };
                    s.offline_out = Some(path);
                }
            }
        }
    }
    if let Some(job) = &s.offline_job
        && let Some(result) = job.poll()
    {
        s.offline_job = None;
        match result {
            Ok(summary) => {
                s.offline_message = Some((
                    format!(
                        "{} {} {}，{} {}{}",
                        lang.t("已保存", "Saved"),
                        summary.tiles,
                        lang.t("张瓦片", "tiles"),
                        lang.t("文件", "file"),
                        size_text(summary.bytes),
                        if summary.failed + summary.missing > 0 {
                            format!(
                                "；{} {}",
                                summary.failed + summary.missing,
                                lang.t("张缺失或失败", "missing or failed")
                            )
                        } else {
                            String::new()
                        }
                    ),
                    false,
                ));
                s.offline_done = Some(summary.path);
            }
            Err(OfflineError::Cancelled) => {
                s.offline_message =
                    Some((lang.t("已取消下载，未写入文件", "Download cancelled; nothing written").into(), false));
            }
            Err(e) => s.offline_message = Some((e.message(lang.english()), true)),
        }
    }
    if let Some(b) = choose {
        app.set_basemap(b);
    }
    if app.basemap_settings.offline_job.is_some() {
        app.egui_ctx.request_repaint_after(std::time::Duration::from_millis(250));
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// A size for people: KB below a megabyte, MB above.
fn size_text(bytes: u64) -> String {
    if bytes < 1_048_576 { format!("{:.0} KB", bytes as f64 / 1024.0) } else { format!("{:.1} MB", mb(bytes)) }
}

/// What failed (`(zh, en)`) and why, in the interface language: "无法保存密钥：…" /
/// "Cannot save the key: …".
fn failed(lang: Lang, what: (&str, &str), e: &dyn Bilingual) -> String {
    format!("{}{}{}", lang.t(what.0, what.1), lang.t("：", ": "), e.message(lang.english()))
}

/// The problem with a template, in the interface language (the template itself is in the
/// field next to it).
pub(super) fn template_problem_text(lang: Lang, e: &BasemapError) -> String {
    match e {
        BasemapError::BadTemplate { why, .. } => why.message(lang.english()),
        other => other.message(lang.english()),
    }
}

/// What the window asks the app to do after drawing.
enum Action {
    SaveKey,
    RemoveKey,
    UseBasemap(Basemap),
    /// Read a WMTS/WMS capabilities address on a helper thread.
    ReadService(String),
    Dialog(DialogPurpose),
    ClearCache,
    SetLimit(u64),
    StartDownload(Box<OfflineRequest>),
    CancelDownload,
}

/// The window.
pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    if !app.basemap_settings.open {
        // Measured again when the window opens next.
        app.basemap_settings.cache_size = None;
        return;
    }
    if app.basemap_settings.cache_size.is_none() && app.basemap_settings.cache_size_rx.is_none() {
        app.basemap_settings.refresh_cache_size();
    }
    let lang = app.lang();
    let ctx = ui.ctx().clone();
    let mut open = true;
    let mut actions = Vec::new();
    let view_bbox = app.map.last_view.map(|v| v.visible_bbox(0.0));
    let current = app.persisted.basemap.clone();
    let mut prefs = app.persisted.basemap_prefs.clone();
    let s = &mut app.basemap_settings;
    egui::Window::new("设置 / Settings")
        .id(egui::Id::unique("basemap_settings_window"))
        .open(&mut open)
        .default_width(540.0)
        .default_height(640.0)
        .default_pos(ctx.content_rect().center() - egui::vec2(260.0, 300.0))
        .vscroll(true)
        .show(&ctx, |ui| {
            key_section(ui, lang, s, &mut actions);
            ui.separator();
            custom_section(ui, lang, s, &mut actions);
            ui.separator();
            cache_section(ui, lang, s, &mut prefs, &mut actions);
            ui.separator();
            offline_section(ui, lang, s, &mut prefs, &current, view_bbox, &mut actions);
        });
    // Before the actions: choosing a basemap below adds to the recent list.
    app.persisted.basemap_prefs = prefs;
    if !open {
        app.basemap_settings.open = false;
    }
    for action in actions {
        apply(app, action);
    }
}

fn apply(app: &mut AtlasApp, action: Action) {
    let lang = app.lang();
    match action {
        Action::SaveKey => {
            let s = &mut app.basemap_settings;
            match key::save(s.config_dir.as_deref(), &s.key_input) {
                Ok(_) => {
                    s.key_input.clear();
                    let (k, src) = key::load_default(s.config_dir.as_deref());
                    s.key = k;
                    s.key_source = src;
                    s.key_message = Some(if src == KeySource::Env {
                        (
                            lang.t(
                                "已保存；但环境变量 TIANDITU_KEY 优先，当前仍使用它",
                                "Saved; but TIANDITU_KEY is set and still takes precedence",
                            )
                            .into(),
                            false,
                        )
                    } else {
                        (lang.t("密钥已保存", "Key saved").into(), false)
                    });
                    if app.persisted.basemap.needs_tianditu_key() {
                        app.set_basemap(app.persisted.basemap.clone());
                    }
                }
                Err(e) => s.key_message = Some((failed(lang, ("无法保存密钥", "Cannot save the key"), &e), true)),
            }
        }
        Action::RemoveKey => {
            let s = &mut app.basemap_settings;
            match key::remove(s.config_dir.as_deref()) {
                Ok(()) => {
                    let (k, src) = key::load_default(s.config_dir.as_deref());
                    s.key = k;
                    s.key_source = src;
                    s.key_message = Some((lang.t("已删除保存的密钥", "Stored key removed").into(), false));
                    if app.persisted.basemap.needs_tianditu_key() {
                        app.set_basemap(app.persisted.basemap.clone());
                    }
                }
                Err(e) => s.key_message = Some((failed(lang, ("无法删除密钥", "Cannot remove the key"), &e), true)),
            }
        }
        Action::UseBasemap(b) => app.set_basemap(b),
        Action::ReadService(url) => {
            let s = &mut app.basemap_settings;
            let (tx, rx) = channel();
            let ctx = app.egui_ctx.clone();
            let asked = url.clone();
            std::thread::spawn(move || {
                let _ = tx.send(list_tile_layers(&asked));
                ctx.request_repaint();
            });
            s.service_url = url;
            s.service_rx = Some(rx);
            s.service_layers = None;
            s.service_message = None;
        }
        Action::Dialog(purpose) => open_dialog(app, purpose),
        Action::ClearCache => {
            let s = &mut app.basemap_settings;
            if let Some(root) = s.cache_root.clone() {
                let (tx, rx) = channel();
                let ctx = app.egui_ctx.clone();
                std::thread::spawn(move || {
                    let _ = tx.send(clear(&root));
                    ctx.request_repaint();
                });
                s.clear_rx = Some(rx);
            }
        }
        Action::SetLimit(limit_mb) => {
            let s = &mut app.basemap_settings;
            s.cache_limit.store(limit_mb * 1_048_576, Ordering::Relaxed);
            // Apply a lower limit now, in the background.
            if let Some(root) = s.cache_root.clone() {
                let (tx, rx) = channel();
                std::thread::spawn(move || {
                    let _ = tx.send(sweep(&root, limit_mb * 1_048_576).unwrap_or_else(|_| dir_size(&root)));
                });
                s.cache_size_rx = Some(rx);
            }
        }
        Action::StartDownload(req) => {
            let s = &mut app.basemap_settings;
            s.offline_message = None;
            s.offline_done = None;
            s.offline_job = Some(OfflineJob::start(*req, Some(app.egui_ctx.clone())));
        }
        Action::CancelDownload => {
            if let Some(job) = &app.basemap_settings.offline_job {
                job.cancel();
            }
        }
    }
}

fn open_dialog(app: &mut AtlasApp, purpose: DialogPurpose) {
    if app.basemap_settings.dialog.is_some() {
        return;
    }
    let (tx, rx) = channel();
    let ctx = app.egui_ctx.clone();
    let suggested = app.basemap_settings.offline_out.clone();
    std::thread::spawn(move || {
        let picked = pollster::block_on(async {
            match purpose {
                DialogPurpose::PmTiles => rfd::AsyncFileDialog::new()
                    .add_filter("PMTiles", &["pmtiles"])
                    .set_title("打开 PMTiles 底图 / Open a PMTiles basemap")
                    .pick_file()
                    .await
                    .map(|f| f.path().to_owned()),
                DialogPurpose::Folder => rfd::AsyncFileDialog::new()
                    .set_title("选择瓦片文件夹（z/x/y）/ Choose a tile folder (z/x/y)")
                    .pick_folder()
                    .await
                    .map(|f| f.path().to_owned()),
                DialogPurpose::OfflineOutput => {
                    let mut d = rfd::AsyncFileDialog::new()
                        .add_filter("PMTiles", &["pmtiles"])
                        .set_title("保存离线底图 / Save the offline basemap");
                    if let Some(p) = &suggested {
                        if let Some(dir) = p.parent() {
                            d = d.set_directory(dir);
                        }
                        if let Some(name) = p.file_name() {
                            d = d.set_file_name(name.to_string_lossy());
                        }
                    }
                    d.save_file().await.map(|f| f.path().to_owned())
                }
            }
        });
        let _ = tx.send(picked);
        ctx.request_repaint();
    });
    app.basemap_settings.dialog = Some((purpose, rx));
}

fn message(ui: &mut egui::Ui, m: &Message) {
    if let Some((text, error)) = m {
        let color = if *error { egui::Color32::from_rgb(200, 40, 40) } else { egui::Color32::from_rgb(30, 130, 60) };
        ui.label(egui::RichText::new(text).color(color));
    }
}

fn key_section(ui: &mut egui::Ui, lang: Lang, s: &mut BasemapSettings, actions: &mut Vec<Action>) {
    ui.heading(lang.t("天地图密钥", "Tianditu key"));
    let state = match (s.key.is_some(), s.key_source) {
        (true, KeySource::Env) => lang.t("已设置（来自环境变量 TIANDITU_KEY）", "Set (from the TIANDITU_KEY variable)"),
        (true, _) => lang.t("已设置（保存在本机用户配置文件夹）", "Set (stored in your user config folder)"),
        (false, _) => lang.t("未设置：天地图底图无法显示", "Not set: Tianditu basemaps cannot load"),
    };
    ui.label(state);
    ui.horizontal(|ui| {
        let label = ui.label(lang.t("新密钥", "New key"));
        ui.add(
            egui::TextEdit::singleline(&mut s.key_input)
                .password(true)
                .hint_text(lang.t("粘贴“服务器端”密钥", "paste a server-side key"))
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        if ui.add_enabled(!s.key_input.trim().is_empty(), egui::Button::new(lang.t("保存密钥", "Save key"))).clicked()
        {
            actions.push(Action::SaveKey);
        }
    });
    if s.key_source == KeySource::File && ui.button(lang.t("删除已保存的密钥", "Remove the stored key")).clicked()
    {
        actions.push(Action::RemoveKey);
    }
    ui.label(
        egui::RichText::new(lang.t(
            "在 console.tianditu.gov.cn 免费申请，应用类型选“服务器端”。密钥只保存在本机用户配置文件夹，不写入工作空间、日志或导出图片。",
            "Get a free key at console.tianditu.gov.cn and choose the server-side (服务器端) type. The key is kept only in your user config folder, never in workspaces, logs or exported images.",
        ))
        .small(),
    );
    message(ui, &s.key_message);
}

fn custom_section(ui: &mut egui::Ui, lang: Lang, s: &mut BasemapSettings, actions: &mut Vec<Action>) {
    ui.heading(lang.t("自定义瓦片服务（XYZ / WMTS / WMS）", "Custom tile server (XYZ / WMTS / WMS)"));
    let label = ui.label(lang.t("瓦片地址模板", "Tile URL template"));
    ui.add(
        egui::TextEdit::singleline(&mut s.template_input)
            .hint_text("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    if is_capabilities_url(&s.template_input) {
        service_section(ui, lang, s, actions);
    } else {
        template_row(ui, lang, s, actions);
    }
    ui.add_space(4.0);
    ui.heading(lang.t("本地底图（无需网络）", "Local basemap (no network)"));
    ui.horizontal(|ui| {
        let busy = s.dialog.is_some();
        if ui.add_enabled(!busy, egui::Button::new(lang.t("打开 PMTiles 文件…", "Open a PMTiles file…"))).clicked()
        {
            actions.push(Action::Dialog(DialogPurpose::PmTiles));
        }
        if ui.add_enabled(!busy, egui::Button::new(lang.t("选择瓦片文件夹…", "Choose a tile folder…"))).clicked()
        {
            actions.push(Action::Dialog(DialogPurpose::Folder));
        }
    });
}

/// A template typed in: checked as it is typed, used with a button.
fn template_row(ui: &mut egui::Ui, lang: Lang, s: &mut BasemapSettings, actions: &mut Vec<Action>) {
    let parsed = (!s.template_input.trim().is_empty()).then(|| XyzTemplate::parse(&s.template_input));
    ui.horizontal(|ui| {
        if ui
            .add_enabled(matches!(parsed, Some(Ok(_))), egui::Button::new(lang.t("使用此地址", "Use this server")))
            .clicked()
            && let Some(Ok(t)) = &parsed
        {
            actions.push(Action::UseBasemap(Basemap::Xyz(t.clone())));
        }
        match &parsed {
            Some(Ok(_)) => {
                ui.label(
                    egui::RichText::new(lang.t("地址有效", "Valid template"))
                        .color(egui::Color32::from_rgb(30, 130, 60)),
                );
            }
            Some(Err(e)) => {
                ui.label(
                    egui::RichText::new(template_problem_text(lang, e)).color(egui::Color32::from_rgb(200, 40, 40)),
                );
            }
            None => {
                ui.label(
                    egui::RichText::new(lang.t(
                        "需包含 {z} {x} {y}（可选 {s}），或 WMS 的 {bbox}；也可粘贴 WMTS/WMS 能力文档地址",
                        "needs {z} {x} {y} (optional {s}) or a WMS {bbox}; or paste a WMTS/WMS capabilities address",
                    ))
                    .small(),
                );
            }
        }
    });
}

/// A WMTS/WMS capabilities address typed in: read it (on a helper thread), list its layers by
/// title, the ones that cannot be a Web Mercator basemap greyed with the reason on hover, and
/// choose one as the basemap.
fn service_section(ui: &mut egui::Ui, lang: Lang, s: &mut BasemapSettings, actions: &mut Vec<Action>) {
    let url = s.template_input.trim().to_owned();
    let reading = s.service_rx.is_some();
    ui.horizontal(|ui| {
        if ui.add_enabled(!reading, egui::Button::new(lang.t("读取服务图层", "Read service layers"))).clicked() {
            actions.push(Action::ReadService(url.clone()));
        }
        if reading {
            ui.spinner();
            ui.label(lang.t("正在读取服务能力文档…", "Reading the service's capabilities…"));
        } else {
            ui.label(egui::RichText::new(lang.t("WMTS/WMS 能力文档地址", "A WMTS/WMS capabilities address")).small());
        }
    });
    if lower_has_key(&url) {
        ui.label(
            egui::RichText::new(lang.t(
                "注意：此地址含密钥（tk=/key=），选用的图层地址会带上它，并随底图选择保存在工作空间和最近使用列表中。",
                "Note: this address holds a key (tk=/key=); the chosen layer's address carries it, and it is saved with the basemap choice in workspaces and the recent list.",
            ))
            .small()
            .color(egui::Color32::from_rgb(200, 90, 0)),
        );
    }
    if reading || s.service_url != url {
        return;
    }
    match &s.service_layers {
        None => {}
        Some(Err(e)) => {
            let text = failed(lang, ("无法读取服务图层", "Cannot read the service's layers"), e);
            ui.label(egui::RichText::new(text).color(egui::Color32::from_rgb(200, 40, 40)));
        }
        Some(Ok(layers)) if layers.is_empty() => {
            ui.label(lang.t("该服务没有图层", "The service has no layers"));
        }
        Some(Ok(layers)) => {
            let usable = layers.iter().filter(|l| l.usable()).count();
            ui.label(format!(
                "{} {usable} {}（{} {}）",
                lang.t("可作底图的图层", "Layers usable as a basemap:"),
                lang.t("个", ""),
                lang.t("共", "of"),
                layers.len()
            ));
            let mut chosen: Option<Result<Basemap, String>> = None;
            egui::ScrollArea::vertical().id_salt("service_layers").max_height(220.0).show(ui, |ui| {
                for layer in layers {
                    let text = if layer.title == layer.name {
                        format!("{}  ·  {}", layer.title, layer.kind_label())
                    } else {
                        format!("{}  ({})  ·  {}", layer.title, layer.name, layer.kind_label())
                    };
                    match &layer.support {
                        Ok(()) => {
                            if ui.button(text).on_hover_text(lang.t("用作底图", "Use as the basemap")).clicked() {
                                chosen = Some(layer_basemap(lang, layer));
                            }
                        }
                        Err(why) => {
                            ui.add_enabled(false, egui::Button::new(text))
                                .on_disabled_hover_text(why.message(lang.english()));
                        }
                    }
                }
            });
            match chosen {
                Some(Ok(b)) => {
                    s.service_message =
                        Some((format!("{}{}", lang.t("已使用：", "Using: "), b.label(lang.english())), false));
                    actions.push(Action::UseBasemap(b));
                }
                Some(Err(text)) => s.service_message = Some((text, true)),
                None => {}
            }
        }
    }
    message(ui, &s.service_message);
}

fn lower_has_key(url: &str) -> bool {
    let l = url.to_ascii_lowercase();
    l.contains("tk=") || l.contains("key=") || l.contains("token=")
}

/// The basemap for a service layer: its template as a custom tile source.
fn layer_basemap(lang: Lang, layer: &TileLayerInfo) -> Result<Basemap, String> {
    let template = tile_template(layer, &TileChoice::default())
        .map_err(|e| failed(lang, ("无法使用该图层", "Cannot use this layer"), &e))?;
    XyzTemplate::parse(&template).map(Basemap::Xyz).map_err(|e| {
        format!(
            "{}{}{}",
            lang.t("无法使用该图层", "Cannot use this layer"),
            lang.t("：", ": "),
            template_problem_text(lang, &e)
        )
    })
}

fn cache_section(
    ui: &mut egui::Ui,
    lang: Lang,
    s: &mut BasemapSettings,
    prefs: &mut BasemapPrefs,
    actions: &mut Vec<Action>,
) {
    ui.heading(lang.t("瓦片缓存", "Tile cache"));
    match &s.cache_root {
        Some(root) => {
            ui.label(format!("{} {}", lang.t("位置", "Folder"), root.display()));
        }
        None => {
            ui.label(lang.t("没有可用的缓存文件夹：瓦片不缓存", "No cache folder available: tiles are not cached"));
        }
    }
    ui.horizontal(|ui| {
        match s.cache_size {
            Some(b) => ui.label(format!("{} {}", lang.t("当前占用", "In use"), size_text(b))),
            None => ui.label(lang.t("正在统计占用…", "Measuring…")),
        };
        ui.separator();
        let label = ui.label(lang.t("上限", "Limit"));
        let mut limit = prefs.cache_limit_mb;
        let r =
            ui.add(egui::DragValue::new(&mut limit).range(50..=20_000).speed(10.0).suffix(" MB")).labelled_by(label.id);
        if r.changed() {
            prefs.cache_limit_mb = limit;
        }
        // Applied (and the cache swept) once the value settles, not at every drag step.
        if !r.dragged() && limit != s.limit_mb() {
            actions.push(Action::SetLimit(limit));
        }
        if ui.add_enabled(s.clear_rx.is_none(), egui::Button::new(lang.t("清空缓存", "Clear cache"))).clicked() {
            actions.push(Action::ClearCache);
        }
    });
    message(ui, &s.cache_message);
}

impl BasemapSettings {
    fn limit_mb(&self) -> u64 {
        self.cache_limit.load(Ordering::Relaxed) / 1_048_576
    }
}

#[allow(clippy::too_many_arguments)]
fn offline_section(
    ui: &mut egui::Ui,
    lang: Lang,
    s: &mut BasemapSettings,
    prefs: &mut BasemapPrefs,
    current: &Basemap,
    view_bbox: Option<[f64; 4]>,
    actions: &mut Vec<Action>,
) {
    // ---- A download running ----
    ui.heading(lang.t("保存此区域离线使用", "Keep this area offline"));
    ui.label(format!("{} {}", lang.t("底图", "Basemap"), current.label(lang.english())));
    if let Some(job) = &s.offline_job {
        let p = &job.progress;
        let done =
            p.done.load(Ordering::Relaxed) + p.missing.load(Ordering::Relaxed) + p.failed.load(Ordering::Relaxed);
        let total = p.total.load(Ordering::Relaxed);
        ui.add(egui::ProgressBar::new(p.fraction()).text(format!(
            "{done}/{total} {}  {}",
            lang.t("张", "tiles"),
            size_text(p.bytes.load(Ordering::Relaxed))
        )));
        if let Some(f) = p.last_failure() {
            let detail = if lang.english() { f.detail() } else { f.detail_zh() };
            ui.label(egui::RichText::new(format!("{}{detail}", lang.t("最近的错误：", "Latest error: "))).small());
        }
        let cancelling = job.cancelling();
        let text = if cancelling {
            lang.t("正在取消…", "Cancelling…")
        } else {
            lang.t("取消下载", "Cancel download")
        };
        if ui.add_enabled(!cancelling, egui::Button::new(text)).clicked() {
            actions.push(Action::CancelDownload);
        }
        return;
    }
    // ---- What can be downloaded ----
    let template = match current.bulk_download() {
        Ok(t) => t,
        Err(refusal) => {
            ui.label(egui::RichText::new(refusal.message(lang.english())).color(egui::Color32::from_rgb(200, 90, 0)));
            offline_result(ui, lang, s, actions);
            return;
        }
    };
    ui.horizontal(|ui| {
        ui.label(lang.t("范围", "Area"));
        ui.radio_value(&mut prefs.offline_whole_district, true, lang.t("奎文区全境", "All of Kuiwen"));
        ui.add_enabled_ui(view_bbox.is_some(), |ui| {
            ui.radio_value(&mut prefs.offline_whole_district, false, lang.t("当前视图", "Current view"));
        });
    });
    ui.horizontal(|ui| {
        let (mut lo, mut hi) = prefs.offline_zoom;
        let l = ui.label(lang.t("最小缩放", "Min zoom"));
        ui.add(egui::DragValue::new(&mut lo).range(0..=19)).labelled_by(l.id);
        let l = ui.label(lang.t("最大缩放", "Max zoom"));
        ui.add(egui::DragValue::new(&mut hi).range(0..=19)).labelled_by(l.id);
        if lo > hi {
            hi = lo;
        }
        prefs.offline_zoom = (lo, hi);
    });
    // ---- Area, zoom levels and the tile count ----
    let bbox = if prefs.offline_whole_district { KUIWEN_EXTENT } else { view_bbox.unwrap_or(KUIWEN_EXTENT) };
    let (lo, hi) = prefs.offline_zoom;
    let count = count_tiles(bbox, lo, hi);
    let too_many = count > MAX_TILES;
    let estimate = format!(
        "{} {count} {}（{} {:.0} MB）",
        lang.t("约", "About"),
        lang.t("张瓦片", "tiles"),
        lang.t("估计", "estimated"),
        (count * TYPICAL_TILE_KB) as f64 / 1024.0
    );
    if too_many {
        ui.label(
            egui::RichText::new(format!(
                "{estimate}：{} {MAX_TILES}",
                lang.t("超过单次上限", "more than the limit of")
            ))
            .color(egui::Color32::from_rgb(200, 40, 40)),
        );
    } else {
        ui.label(estimate);
    }
    // ---- Where to and start ----
    let out =
        s.offline_out.clone().or_else(|| s.offline_dir.as_ref().map(|d| d.join(default_file_name(&template, lo, hi))));
    ui.horizontal(|ui| {
        match &out {
            Some(p) => ui.label(format!("{} {}", lang.t("保存到", "Save to"), p.display())),
            None => ui.label(lang.t("请选择保存位置", "Choose where to save")),
        };
        if ui.add_enabled(s.dialog.is_none(), egui::Button::new(lang.t("另存为…", "Save as…"))).clicked() {
            if s.offline_out.is_none() {
                s.offline_out = out.clone();
            }
            actions.push(Action::Dialog(DialogPurpose::OfflineOutput));
        }
    });
    let start = ui.add_enabled(!too_many && out.is_some(), egui::Button::new(lang.t("开始下载", "Start download")));
    if start.clicked()
        && let Some(out) = out
    {
        match OfflineRequest::new(current, bbox, lo, hi, out) {
            Ok(req) => actions.push(Action::StartDownload(Box::new(req))),
            Err(e) => s.offline_message = Some((e.message(lang.english()), true)),
        }
    }
    // ---- The last result ----
    offline_result(ui, lang, s, actions);
}

fn offline_result(ui: &mut egui::Ui, lang: Lang, s: &mut BasemapSettings, actions: &mut Vec<Action>) {
    message(ui, &s.offline_message);
    if let Some(path) = &s.offline_done
        && ui.button(lang.t("使用此离线底图", "Use this offline basemap")).clicked()
    {
        actions.push(Action::UseBasemap(Basemap::PmTiles(path.clone())));
    }
}

/// A notice for the message list (used by the switcher when a recent local file is gone).
pub(super) fn missing_file_notice(lang: Lang, path: &std::path::Path) -> Notice {
    Notice {
        text: format!("{}：{}", lang.t("离线底图文件不存在", "The offline basemap file is missing"), path.display()),
        error: true,
    }
}
