//! The life of file layers: open (dialog, drag-and-drop, command line, recent list), watch,
//! reload with the last good version kept, what changed, and workspaces.

use kuiwen_core::Bilingual;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::loading::{Outcome, Purpose, Restore, Slot, layer_name};
use super::{AtlasApp, Notice};
use crate::analysis::change::compare;
use crate::io::LoadOptions;
use crate::io::watch::{FileWatcher, absolute};
use crate::io::workspace::{LayerSource, ViewState, Workspace, WorkspaceLayer, resolve};
use crate::io::{Diagnostic, Parsed};
use crate::model::{Feature, Layer, LayerOrigin, Style};
use crate::render::LayerCache;

/// How long reload changes stay highlighted on the map.
pub const FLASH_FOR: Duration = Duration::from_secs(12);
/// How long a lasting highlight (the change report's, shown while its window is open) is set
/// to last: far beyond any session, so it never fades by itself.
const LASTING: Duration = Duration::from_secs(365 * 24 * 3600);
/// How many recent files are remembered.
const MAX_RECENT: usize = 10;

/// One reload's changes, for the per-layer change list.
#[derive(Clone, Debug)]
pub struct ChangeRecord {
    /// Local time of the reload, `HH:MM:SS`.
    pub at: String,
    /// Names of added features.
    pub added: Vec<String>,
    /// Names of modified features.
    pub modified: Vec<String>,
    /// Names of removed features.
    pub removed: Vec<String>,
}

/// Features highlighted after a reload.
pub struct Flash {
    /// Until when.
    pub until: Instant,
    /// Indices of added features in the layer.
    pub added: Vec<usize>,
    /// Indices of modified features in the layer.
    pub modified: Vec<usize>,
    /// The removed features as a layer of their own, with its render cache, drawn as ghosts.
    pub removed: Option<(Layer, LayerCache)>,
}

impl Flash {
    /// 1 just after the reload, fading to 0.
    pub fn strength(&self) -> f32 {
        let left = self.until.saturating_duration_since(Instant::now()).as_secs_f32();
        (left / FLASH_FOR.as_secs_f32()).clamp(0.0, 1.0)
    }

    /// A highlight that does not fade (its strength stays 1): the change report's colours on
    /// the map, removed when its window closes.
    pub fn lasting(added: Vec<usize>, modified: Vec<usize>, removed: Option<(Layer, LayerCache)>) -> Self {
        let now = Instant::now();
        let until = now.checked_add(LASTING).unwrap_or(now + FLASH_FOR * 100);
        Self { until, added, modified, removed }
    }

    /// Whether this is a lasting highlight, not a reload's fading one.
    pub fn is_lasting(&self) -> bool {
        self.until.saturating_duration_since(Instant::now()) > FLASH_FOR * 2
    }
}

impl std::fmt::Debug for Flash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Flash")
            .field("added", &self.added)
            .field("modified", &self.modified)
            .field("removed", &self.removed.as_ref().map_or(0, |(l, _)| l.features.len()))
            .field("lasting", &self.is_lasting())
            .finish()
    }
}

/// A file from a dialog, dropped on the window or given on the command line (a double-click in
/// the file manager): a workspace opens as one, a `.pmtiles` file becomes the basemap (it holds
/// tiles, not features), anything else loads as a layer, read with `options`.
pub(super) fn open_any(app: &mut AtlasApp, path: PathBuf, options: LoadOptions) {
    let text = path.to_string_lossy();
    if let Some(source) = remote_source(&text) {
        // A database table (`PG:… table=…`) or a service layer (`WFS:…`, `OAPIF:…`).
        match source {
            Ok(Remote::Table(spec)) if spec.table.is_some() => {
                app.add_database_layer(spec);
            }
            Ok(Remote::Table(_)) => {
                // No table: the window lists the tables of that database.
                let ctx = app.egui_ctx.clone();
                app.database.connect_to(text.into_owned(), &ctx);
            }
            Ok(Remote::Service(s)) => {
                app.add_service_layer(s);
            }
            Err(e) => app.notices.push(Notice { text: e, error: true }),
        }
    } else if is_workspace(&path) {
        app.open_workspace(&path);
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pmtiles")) {
        let text = format!("{} {}", app.lang().t("底图：", "Basemap:"), path.display());
        app.set_basemap(crate::basemap::Basemap::PmTiles(path));
        app.notices.push(Notice { text, error: false });
    } else {
        app.open_file(path, options);
    }
}

/// A source that is not a file.
enum Remote {
    Table(kuiwen_postgis::ConnSpec),
    Service(kuiwen_ogc::FeatureSource),
}

/// A database table or service layer named as the command line names them; None for a file.
fn remote_source(text: &str) -> Option<Result<Remote, String>> {
    if kuiwen_postgis::ConnSpec::is_spec(text) {
        let parsed = kuiwen_postgis::ConnSpec::parse(text, &kuiwen_postgis::PgEnv::from_process());
        return Some(parsed.map(Remote::Table).map_err(|e| kuiwen_core::i18n::both(&e)));
    }
    kuiwen_ogc::FeatureSource::parse(text).map(|r| r.map(Remote::Service).map_err(|e| kuiwen_core::i18n::both(&e)))
}

/// Per-frame work: finished loads, dialog results, dropped files, watcher events.
pub(super) fn logic(app: &mut AtlasApp, ctx: &egui::Context) {
    app.layer_export = super::save_dialog::poll(app.layer_export.take(), app.lang(), &mut app.notices);
    let (done, chosen) = app.loader.poll();
    for path in chosen {
        open_any(app, path, LoadOptions::default());
    }
    for outcome in done {
        finish(app, outcome);
    }
    if let Some(path) = app.loader.save_dialog.as_ref().and_then(|rx| rx.try_recv().ok()) {
        app.loader.save_dialog = None;
        app.save_workspace(&path);
    }
    let dropped: Vec<PathBuf> = ctx.input(|i| {
        i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect()
    });
    for path in dropped {
        open_any(app, path, LoadOptions::default());
    }
    if let Some(w) = app.watcher.as_mut() {
        let (changed, errors) = w.poll();
        for e in errors {
            app.notices.push(Notice {
                text: format!("{}: {e}", app.persisted.lang.t("文件监视出错", "File watch error")),
                error: true,
            });
        }
        for path in changed {
            let keys: Vec<(String, LoadOptions)> = app
                .layers
                .iter()
                .filter(|e| {
                    e.auto_reload && matches!(&e.layer.origin, LayerOrigin::File { path: p } if absolute(p) == path)
                })
                .map(|e| (e.layer.key.clone(), e.load.clone()))
                .collect();
            for (key, options) in keys {
                if !app.loader.reloading(&key) {
                    app.loader.start(path.clone(), Purpose::Reload { key }, options, ctx);
                }
            }
        }
    }
    // A lasting highlight does not fade: no need to repaint for it.
    let flashing = app.layers.iter().any(|e| e.flash.as_ref().is_some_and(|f| f.strength() > 0.0 && !f.is_lasting()));
    if flashing {
        ctx.request_repaint_after(Duration::from_millis(100));
    }
    for e in &mut app.layers {
        if e.flash.as_ref().is_some_and(|f| f.strength() <= 0.0) {
            e.flash = None;
        }
    }
    if app.loader.busy() {
        ctx.request_repaint_after(Duration::from_millis(100));
    }
}

/// Workspace files end in `.kuiwen.json`; anything else is opened as GeoJSON.
fn is_workspace(path: &Path) -> bool {
    path.to_string_lossy().to_lowercase().ends_with(".kuiwen.json")
}

/// "file, line 3, column 1, feature #2: message".
fn describe(path: &Path, d: &Diagnostic, english: bool) -> String {
    let loc = d.location(english);
    if loc.is_empty() {
        format!("{}: {}", path.display(), d.text(english))
    } else {
        format!("{} ({loc}): {}", path.display(), d.text(english))
    }
}

fn finish(app: &mut AtlasApp, outcome: Outcome) {
    let english = app.lang().english();
    let Outcome { id, path, purpose, options, result } = outcome;
    if let Some(i) = app.loader.abandoned.iter().position(|j| *j == id) {
        // A file of a workspace that another has replaced: not part of what is open now.
        app.loader.abandoned.swap_remove(i);
        return;
    }
    // One of the files of the workspace being opened: it takes the workspace's name, style and
    // place (cloned: `opened` changes the app the entry lives in).
    let saved = app.loader.restore.as_ref().and_then(|r| r.saved(id)).cloned();
    let mut arrived = None;
    match (purpose, result) {
        (_, Err(crate::io::LoadError::Cancelled)) => {
            app.notices.push(Notice {
                text: format!("{} {}", app.lang().t("已取消载入", "Cancelled loading"), path.display()),
                error: false,
            });
        }
        (Purpose::Open, Ok(parsed)) => arrived = opened(app, path, options, parsed, saved.as_ref()),
        (Purpose::Open, Err(crate::io::LoadError::NeedsCrs { x, y, diagnostic })) => {
            // Metres in an unknown system: ask, showing where each choice puts the data.
            app.notices.push(Notice { text: describe(&path, &diagnostic, english), error: true });
            app.crs_question = Some(super::source_panel::CrsQuestion::new(path, options, (x, y)));
        }
        (Purpose::Open, Err(e)) => {
            app.notices.push(Notice { text: describe(&path, &e.diagnostic(), english), error: true });
        }
        (Purpose::Reload { key }, Ok(parsed)) if parsed.ok() => reloaded(app, &key, parsed),
        (Purpose::Reload { key }, Ok(parsed)) => {
            let first = parsed.errors.first().map(|d| describe(&path, d, english)).unwrap_or_default();
            let more = parsed.errors.len().saturating_sub(1);
            let text = if more > 0 { format!("{first} (+{more})") } else { first };
            keep_last_good(app, &key, text);
        }
        (Purpose::Reload { key }, Err(e)) => {
            let text = describe(&path, &e.diagnostic(), english);
            keep_last_good(app, &key, text);
        }
    }
    if saved.is_some() {
        if let Some(r) = app.loader.restore.as_mut() {
            r.arrived(id, arrived);
        }
        settle_restore(app);
    }
}

/// Put the layers of the workspace being opened in its order (the files arrive in any order;
/// layers it does not list stay on top) and, once every file is in, end the opening: a workspace
/// saved without a view now fits its layers; one with a view keeps it.
fn settle_restore(app: &mut AtlasApp) {
    let Some(r) = app.loader.restore.as_ref() else { return };
    let order: Vec<String> = r.order().into_iter().map(str::to_owned).collect();
    app.layers.sort_by_key(|e| order.iter().position(|k| *k == e.layer.key).unwrap_or(usize::MAX));
    if !r.done() {
        return;
    }
    let view = r.view;
    app.loader.restore = None;
    if view.is_none()
        && let Some(b) = app.all_bbox()
    {
        app.fit(b);
    }
}

fn keep_last_good(app: &mut AtlasApp, key: &str, text: String) {
    let note = app.lang().t("仍显示上一个有效版本", "the last good version stays on screen");
    app.notices.push(Notice { text: format!("{text} — {note}"), error: true });
    if let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) {
        e.last_error = Some(text);
    }
}

/// The key of a file layer: its absolute path, with `#layer` for one layer of several.
pub fn file_layer_key(path: &Path, layer: Option<&str>) -> String {
    let abs = absolute(path).display().to_string();
    match layer {
        Some(l) => format!("{abs}#{l}"),
        None => abs,
    }
}

/// A layer as the workspace saved it: style, visibility and name. The saved name is the Chinese
/// one (`to_workspace` writes `name_zh`); when it is the app's own, the English name stays the
/// app's, and a name the planner gave serves both languages rather than a translation of the
/// name it replaced.
fn apply_saved(layer: &mut Layer, saved: &WorkspaceLayer) {
    layer.style = saved.style.clone();
    layer.visible = saved.visible;
    if !saved.name.trim().is_empty() && saved.name != layer.name_zh {
        layer.name_zh = saved.name.clone();
        layer.name_en = saved.name.clone();
    }
}

/// A file read for a new layer: the layer added (or, already open, reloaded). `saved` is the
/// workspace's entry when the file is one of the workspace being opened. Returns the layer's key.
fn opened(
    app: &mut AtlasApp,
    path: PathBuf,
    mut options: LoadOptions,
    parsed: Parsed,
    saved: Option<&WorkspaceLayer>,
) -> Option<String> {
    let english = app.lang().english();
    if !parsed.ok() && parsed.features.is_empty() {
        let text = parsed.errors.first().map(|d| describe(&path, d, english)).unwrap_or_default();
        app.notices.push(Notice { text, error: true });
        return None;
    }
    // A file of several layers opened without naming one: the first has come; open the others.
    let several = parsed.source.layers.len() > 1;
    if options.layer.is_none() && several && parsed.source.layer.is_some() {
        options.layer = parsed.source.layer.clone();
        for other in parsed.source.layers.iter().filter(|l| Some(*l) != parsed.source.layer.as_ref()) {
            app.open_file(path.clone(), LoadOptions { layer: Some(other.clone()), ..options.clone() });
        }
    }
    let key = file_layer_key(&path, options.layer.as_deref().filter(|_| several));
    if app.layers.iter().any(|e| e.layer.key == key) {
        // Opening a file that is already open reloads it instead of duplicating the layer.
        reloaded(app, &key, parsed);
        return Some(key);
    }
    let name = layer_name(&path, &parsed);
    // A version restored from the history is named after its layer and time, so it stands apart
    // from the layer it is a version of.
    let layer_of_several = parsed.source.layer.as_deref().filter(|_| several);
    let (name_zh, name_en) = super::history_panel::restored_name(app, &path, layer_of_several)
        .unwrap_or_else(|| (name.clone(), name.clone()));
    let n_files = app.layers.iter().filter(|e| matches!(e.layer.origin, LayerOrigin::File { .. })).count();
    let layer = Layer::new(
        key.clone(),
        name_zh,
        name_en,
        LayerOrigin::File { path: absolute(&path) },
        parsed.features,
        Style::distinct(n_files),
    );
    let bbox = layer.bbox;
    let count = layer.features.len();
    app.push_layer(layer);
    let mut name = String::new();
    if let Some(e) = app.layers.last_mut() {
        if let Some(saved) = saved {
            apply_saved(&mut e.layer, saved);
            e.auto_reload = saved.auto_reload;
        }
        name = e.layer.name(english).to_owned();
        e.read_crs = Some(parsed.crs);
        e.source = parsed.source.clone();
        e.load = options;
        if !parsed.warnings.is_empty() {
            e.warnings = parsed.warnings.iter().map(|d| describe(&path, d, english)).collect();
        }
        if !parsed.errors.is_empty() {
            let first = parsed.errors.first().map(|d| describe(&path, d, english)).unwrap_or_default();
            e.last_error = Some(format!(
                "{first} ({} {})",
                parsed.errors.len(),
                app.persisted.lang.t("个要素未载入", "feature(s) not loaded")
            ));
        }
    }
    // While a workspace opens, its view stands: a file that arrives (a big one after seconds,
    // when the planner may be looking at the saved view already) does not move the map. A
    // workspace without a view fits all its layers once they are in (`settle_restore`).
    if let Some(b) = bbox
        && app.loader.restore.is_none()
    {
        app.fit(b);
    }
    remember_recent(app, &path);
    watch(app, &path);
    let lang = app.lang();
    app.notices.push(Notice {
        text: format!("{} {name}: {count} {}", lang.t("已载入", "Loaded"), lang.t("个要素", "features")),
        error: false,
    });
    Some(key)
}

fn watch(app: &mut AtlasApp, path: &Path) {
    if app.watcher.is_none() {
        let ctx = app.egui_ctx.clone();
        match FileWatcher::new(move || ctx.request_repaint()) {
            Ok(w) => app.watcher = Some(w),
            Err(e) => {
                app.notices.push(Notice { text: e.message(app.lang().english()), error: true });
                return;
            }
        }
    }
    if let Some(w) = app.watcher.as_mut()
        && let Err(e) = w.watch(path)
    {
        app.notices.push(Notice { text: e.message(app.lang().english()), error: true });
    }
}

/// A result layer as a workspace source: its features as GeoJSON text, or None when that is over
/// [`crate::io::workspace::MAX_RESULT_BYTES`].
fn result_source(layer: &Layer) -> Option<LayerSource> {
    let geojson = crate::io::export::features_geojson(&layer.features).ok()?;
    (geojson.len() <= crate::io::workspace::MAX_RESULT_BYTES).then(|| LayerSource::Result {
        key: layer.key.clone(),
        name_en: layer.name_en.clone(),
        geojson,
    })
}

fn remember_recent(app: &mut AtlasApp, path: &Path) {
    let p = absolute(path);
    app.persisted.recent.retain(|r| *r != p);
    app.persisted.recent.insert(0, p);
    app.persisted.recent.truncate(MAX_RECENT);
}

fn reloaded(app: &mut AtlasApp, key: &str, parsed: Parsed) {
    let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) else { return };
    e.read_crs = Some(parsed.crs);
    e.source = parsed.source.clone();
    let verb = app.lang().t("已重新载入", "Reloaded");
    apply_new_version(app, key, parsed.features, verb);
}

/// A new version of a layer's features (a file reloaded, a database table changed): compared
/// with what is on screen, the changes flashed and listed, and a notice "`verb` name: +a ~m −r".
pub(super) fn apply_new_version(app: &mut AtlasApp, key: &str, features: Vec<Feature>, verb: &str) {
    let generation = app.bump();
    let english = app.lang().english();
    let projection = app.map.projection;
    let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) else { return };
    // The same comparison as the change report (成果对比): matched by id, then by geometry, so
    // what flashes after a reload and what the report lists agree.
    let report = compare(&e.layer.features, &features, None);
    if report.is_empty() {
        // Saved without changes (or touched, or only reordered): nothing to show, and the
        // features on screen stay as they are, but a past error is resolved.
        e.last_error = None;
        return;
    }
    let name_of = |f: Option<&Feature>, id: &str| {
        f.and_then(|f| f.display_name(english)).map_or_else(|| id.to_owned(), str::to_owned)
    };
    let added: Vec<usize> = report.added.iter().map(|a| a.index).collect();
    let modified: Vec<usize> = report.modified.iter().map(|m| m.new).collect();
    let removed: Vec<Feature> = report.removed.iter().filter_map(|r| e.layer.features.get(r.index)).cloned().collect();
    let record = ChangeRecord {
        at: clock(),
        added: report.added.iter().map(|a| name_of(features.get(a.index), &a.id)).collect(),
        modified: report.modified.iter().map(|m| name_of(features.get(m.new), &m.id)).collect(),
        removed: report.removed.iter().map(|r| name_of(e.layer.features.get(r.index), &r.id)).collect(),
    };
    let removed_layer = (!removed.is_empty()).then(|| {
        let l = Layer::new("removed", "removed", "removed", LayerOrigin::Generated, removed, e.layer.style.clone());
        // Built once for the main map's projection, not in every frame of the flash.
        let c = LayerCache::build_vector(&l, projection);
        (l, c)
    });
    e.layer.set_features(features);
    e.generation = generation;
    e.last_error = None;
    e.flash = Some(Flash { until: Instant::now() + FLASH_FOR, added, modified, removed: removed_layer });
    let summary = format!("+{} ~{} −{}", report.added.len(), report.modified.len(), report.removed.len());
    let name = e.layer.name(english).to_owned();
    e.changes.push(record);
    app.notices.push(Notice { text: format!("{verb} {name}: {summary}"), error: false });
    // A selection index may now point at another feature: drop it if it is out of range.
    if let Some(sel) = &app.selection
        && sel.layer == key
        && app.layers.iter().find(|e| e.layer.key == key).is_some_and(|e| sel.feature >= e.layer.features.len())
    {
        app.selection = None;
    }
}

/// The local wall-clock time as `HH:MM:SS` (UTC offset not known without a time-zone crate, so
/// the system's UTC time plus China's +8 h is shown: the app is used in Weifang).
fn clock() -> String {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0) + 8 * 3600;
    format!("{:02}:{:02}:{:02}", (secs / 3600) % 24, (secs / 60) % 60, secs % 60)
}

impl AtlasApp {
    /// Open a GeoJSON file as a new layer, in the background.
    pub fn open_file(&mut self, path: PathBuf, options: LoadOptions) {
        let ctx = self.egui_ctx.clone();
        self.loader.start(path, Purpose::Open, options, &ctx);
    }

    /// Reload a file layer now (e.g. after changing its declared coordinate system).
    pub fn reload_layer(&mut self, key: &str) {
        let Some(e) = self.layers.iter().find(|e| e.layer.key == key) else { return };
        let LayerOrigin::File { path } = &e.layer.origin else { return };
        let (path, options) = (path.clone(), e.load.clone());
        let ctx = self.egui_ctx.clone();
        self.loader.start(path, Purpose::Reload { key: key.to_owned() }, options, &ctx);
    }

    /// Close a layer (file layers stop being watched).
    pub fn remove_layer(&mut self, key: &str) {
        if let Some(pos) = self.layers.iter().position(|e| e.layer.key == key) {
            let e = self.layers.remove(pos);
            if let (LayerOrigin::File { path }, Some(w)) = (&e.layer.origin, self.watcher.as_mut()) {
                w.unwatch(path);
            }
            if self.selection.as_ref().is_some_and(|s| s.layer == key) {
                self.selection = None;
            }
        }
    }

    /// The current state as a workspace.
    pub fn to_workspace(&self) -> Workspace {
        let mut keyed: Vec<(Option<&str>, WorkspaceLayer)> = self
            .layers
            .iter()
            .filter_map(|e| {
                let source = match &e.layer.origin {
                    LayerOrigin::Embedded { file } => LayerSource::Embedded { file: (*file).to_owned() },
                    LayerOrigin::File { path } => LayerSource::File { path: path.clone() },
                    LayerOrigin::Remote { source } => {
                        LayerSource::Remote { source: crate::io::workspace::redact_url_secrets(source) }
                    }
                    LayerOrigin::Generated => result_source(&e.layer)?,
                };
                let saved = WorkspaceLayer {
                    source,
                    name: e.layer.name_zh.clone(),
                    crs: e.load.declared_crs,
                    encoding: e.load.encoding,
                    layer: e.load.layer.clone(),
                    style: e.layer.style.clone(),
                    visible: e.layer.visible,
                    auto_reload: e.auto_reload,
                };
                Some((Some(e.layer.key.as_str()), saved))
            })
            .collect();
        // Saved (or autosaved) while a workspace is still opening: its files not read yet keep
        // their places, after the layer the workspace lists before them.
        if let Some(r) = &self.loader.restore {
            let mut after: Option<usize> = None;
            for slot in &r.slots {
                match slot {
                    Slot::Placed(k) | Slot::Arrived(k) => {
                        if let Some(i) = keyed.iter().position(|(key, _)| *key == Some(k.as_str())) {
                            after = Some(i);
                        }
                    }
                    Slot::Loading { saved, .. } => {
                        let at = after.map_or(0, |i| i + 1);
                        keyed.insert(at, (None, (**saved).clone()));
                        after = Some(at);
                    }
                    Slot::Failed => {}
                }
            }
        }
        let layers = keyed.into_iter().map(|(_, l)| l).collect();
        let view = self.map.last_view.map(|v| {
            let c = v.screen_to_lon_lat(v.rect.center());
            ViewState { center_lon_lat: c.to_array(), zoom: v.zoom }
        });
        // The built-in briefing is made afresh from the data at every start: only a briefing the
        // planner made or edited is saved.
        let bookmarks = if self.briefing.builtin { Vec::new() } else { self.briefing.slides.clone() };
        Workspace {
            layers,
            basemap: Some(self.persisted.basemap.key_or_spec()),
            view,
            bookmarks,
            compare: self.compare.saved(),
            collapsed_groups: self.layer_tree.collapsed.iter().cloned().collect(),
            marks: self.marks.clone(),
            print: self.print.settings.clone(),
            ..Workspace::default()
        }
    }

    /// Save the workspace (atomically) and remember it.
    pub fn save_workspace(&mut self, path: &Path) {
        let lang = self.lang();
        for e in self.layers.iter().filter(|e| e.layer.origin == LayerOrigin::Generated) {
            if result_source(&e.layer).is_none() {
                self.notices.push(Notice {
                    text: format!(
                        "{}「{}」{}",
                        lang.t("结果图层", "The result layer \""),
                        e.layer.name(lang.english()),
                        lang.t(
                            "太大，未存入工作空间；请用“导出图层”存为文件后再打开",
                            "\" is too large to keep in the workspace; export it to a file and open that"
                        )
                    ),
                    error: true,
                });
            }
        }
        match self.to_workspace().save(path) {
            Ok(()) => {
                remember_recent(self, path);
                self.notices.push(Notice {
                    text: format!("{} {}", self.lang().t("已保存工作空间", "Workspace saved"), path.display()),
                    error: false,
                });
            }
            Err(e) => self.notices.push(Notice { text: e.message(self.lang().english()), error: true }),
        }
    }

    /// Open a workspace as it was saved: exactly its layers (embedded ones it leaves out are not
    /// shown), in its order, with its names, styles and visibility, and its view. Its files load
    /// in the background and take their saved place, name and look as they arrive; the saved view
    /// stays however long they take (without one, the layers are fitted once all are in). A
    /// missing file is reported by name and the rest still opens.
    pub fn open_workspace(&mut self, path: &Path) {
        // ---- Read the file ----
        let ws = match Workspace::load(path) {
            Ok(ws) => ws,
            Err(e) => {
                self.notices.push(Notice { text: e.message(self.lang().english()), error: true });
                return;
            }
        };
        // ---- A workspace still opening is replaced: its files are not wanted any more ----
        if let Some(previous) = self.loader.restore.take() {
            self.loader.abandon(&previous.pending_jobs());
        }
        // ---- Close the files of the open workspace ----
        // The workspace's files and results replace the ones open now.
        let file_keys: Vec<String> = self
            .layers
            .iter()
            .filter(|e| {
                matches!(e.layer.origin, LayerOrigin::File { .. } | LayerOrigin::Generated | LayerOrigin::Remote { .. })
            })
            .map(|e| e.layer.key.clone())
            .collect();
        for k in file_keys {
            self.remove_layer(&k);
        }
        // ---- Embedded layers: exactly those listed ----
        // The list is what the workspace shows: an embedded layer it leaves out is not shown (the
        // app writes every layer it has, so this only drops what a planner left out on purpose),
        // and one that an earlier workspace left out comes back when this one lists it.
        let english = self.lang().english();
        let listed: Vec<&str> = ws
            .layers
            .iter()
            .filter_map(|wl| match &wl.source {
                LayerSource::Embedded { file } => Some(file.as_str()),
                _ => None,
            })
            .collect();
        let unlisted: Vec<String> = self
            .layers
            .iter()
            .filter(|e| matches!(e.layer.origin, LayerOrigin::Embedded { file } if !listed.contains(&file)))
            .map(|e| e.layer.key.clone())
            .collect();
        for k in unlisted {
            self.remove_layer(&k);
        }
        // ---- Every layer in the workspace's order; files read in the background ----
        let mut slots = Vec::new();
        let mut missing = Vec::new();
        for wl in &ws.layers {
            match &wl.source {
                LayerSource::Embedded { file } => {
                    let is_it = |o: &LayerOrigin| matches!(o, LayerOrigin::Embedded { file: f } if f == file);
                    if !self.layers.iter().any(|e| is_it(&e.layer.origin)) {
                        match crate::io::embedded::FILES.iter().find(|f| f.file == file) {
                            Some(f) => match crate::io::embedded::load_one(f) {
                                Ok(layer) => self.push_layer(layer),
                                Err(e) => missing.push(format!("{file} ({})", e.message(english))),
                            },
                            // Written by another build of the app, or edited by hand.
                            None => missing.push(format!("{} {file}", self.lang().t("内置图层", "embedded layer"))),
                        }
                    }
                    if let Some(e) = self.layers.iter_mut().find(|e| is_it(&e.layer.origin)) {
                        apply_saved(&mut e.layer, wl);
                        slots.push(Slot::Placed(e.layer.key.clone()));
                    }
                }
                LayerSource::File { path: stored } => {
                    let full = resolve(stored, path);
                    if full.is_file() {
                        let options =
                            LoadOptions { declared_crs: wl.crs, encoding: wl.encoding, layer: wl.layer.clone() };
                        let ctx = self.egui_ctx.clone();
                        let job = self.loader.start(full.clone(), Purpose::Open, options, &ctx);
                        let saved = WorkspaceLayer { source: LayerSource::File { path: full }, ..wl.clone() };
                        slots.push(Slot::Loading { job, saved: Box::new(saved) });
                    } else {
                        missing.push(full.display().to_string());
                    }
                }
                LayerSource::Result { key, name_en, geojson } => {
                    match crate::io::geojson::parse_bytes(geojson.as_bytes(), LoadOptions::default()) {
                        Ok(parsed) => {
                            let mut layer = Layer::new(
                                key,
                                &wl.name,
                                name_en,
                                LayerOrigin::Generated,
                                parsed.features,
                                wl.style.clone(),
                            );
                            layer.visible = wl.visible;
                            self.push_layer(layer);
                            slots.push(Slot::Placed(key.clone()));
                        }
                        Err(e) => missing.push(format!("{} ({e})", wl.name)),
                    }
                }
                LayerSource::Remote { source } => {
                    // Connected in the background; a database password comes from PGPASSWORD or
                    // the password file (a workspace never holds one). Its features come later.
                    let added = match remote_source(source) {
                        Some(Ok(Remote::Table(spec))) => Ok(self.add_database_layer(spec)),
                        Some(Ok(Remote::Service(s))) => Ok(self.add_service_layer(s)),
                        Some(Err(e)) => Err(e),
                        None => Err(self.lang().t("无法识别的数据源", "not a source the app knows").to_owned()),
                    };
                    match added {
                        Ok(Some(key)) => {
                            if let Some(e) = self.layers.iter_mut().find(|e| e.layer.key == key) {
                                apply_saved(&mut e.layer, wl);
                            }
                            slots.push(Slot::Placed(key));
                        }
                        Ok(None) => {}
                        Err(e) => missing.push(format!("{} ({e})", wl.name)),
                    }
                }
            }
        }
        let plan = Restore { slots, view: ws.view };
        let order = plan.order();
        self.layers.sort_by_key(|e| order.iter().position(|k| *k == e.layer.key).unwrap_or(usize::MAX));
        // ---- Basemap, slides and view ----
        // Keys in custom tile URLs are saved as `***`: put the user's own back (from the recent
        // list), for the workspace's basemap and its slides' alike.
        let known = self.persisted.basemap_prefs.recent.iter().chain([&self.persisted.basemap]);
        let urls: Vec<String> = known.map(crate::basemap::Basemap::key_or_spec).collect();
        let restore = |b: &str| {
            crate::io::workspace::restore_url_secrets(b, urls.iter().map(String::as_str))
                .unwrap_or_else(|| b.to_owned())
        };
        let spec = ws.basemap.as_deref().map(restore);
        let mut slides = ws.bookmarks;
        for s in &mut slides {
            s.basemap = s.basemap.as_deref().map(restore);
        }
        let compare = ws.compare.map(|mut c| {
            for v in &mut c.views {
                v.basemap = v.basemap.as_deref().map(restore);
            }
            c
        });
        // A render given its own basemap (`render --basemap`) keeps it: it overrides the
        // workspace's as it does the slides'.
        if let Some(b) = spec.as_deref().and_then(|b| b.parse::<crate::basemap::Basemap>().ok())
            && !self.basemap_fixed
        {
            self.set_basemap(b);
        }
        match ws.view {
            Some(v) => {
                self.map.memory.center_at(walkers::lon_lat(v.center_lon_lat[0], v.center_lon_lat[1]));
                let _ = self.map.memory.set_zoom(v.zoom);
                self.map.pending_fit = None;
            }
            // No saved view: the layers there now, and all of them again once the files are in.
            None => self.map.pending_fit = self.all_bbox(),
        }
        if !plan.done() {
            self.loader.restore = Some(plan);
        }
        match compare {
            Some(c) => self.compare.start(c),
            None => self.compare.active = false,
        }
        self.layer_tree.collapsed = ws.collapsed_groups.iter().cloned().collect();
        // The workspace's marks replace the ones drawn now (a drawing in progress is dropped).
        self.marks = ws.marks;
        self.print.settings = ws.print;
        self.marks_tool.reset();
        if !slides.is_empty() {
            self.briefing.slides = slides;
            self.briefing.builtin = false;
            self.briefing.current = 0;
        }
        // ---- Report ----
        remember_recent(self, path);
        let lang = self.lang();
        if missing.is_empty() {
            self.notices.push(Notice {
                text: format!("{} {}", lang.t("已打开工作空间", "Workspace opened"), path.display()),
                error: false,
            });
        } else {
            self.notices.push(Notice {
                text: format!(
                    "{}: {}",
                    lang.t("工作空间中的文件不存在，其余已打开", "Files of the workspace are missing; the rest opened"),
                    missing.join(", ")
                ),
                error: true,
            });
        }
    }
}
