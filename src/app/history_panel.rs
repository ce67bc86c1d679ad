//! 历史版本: the versions the app has kept of a layer's file, or of every file (成果留痕). Each can
//! be opened as a layer or written out where the planner chooses, and any two compared in the
//! change report. Restoring and the folder dialog run on helper threads: a big version or a slow
//! disk never freezes the map.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use egui::{Color32, RichText};
use kuiwen_core::Bilingual;

use super::actions::Action;
use super::change_panel::Side;
use super::loading::restored_dir;
use super::{AtlasApp, Lang, Notice};
use crate::io::LoadOptions;
use crate::io::history::{DamagedLine, History, HistoryError, Seen, Version};
use crate::io::watch::absolute;
use crate::model::LayerOrigin;

/// How often the open window reads the history again: the loader adds versions on its threads.
const REFRESH: Duration = Duration::from_secs(1);

/// The versions window.
#[derive(Default)]
pub struct HistoryPanel {
    /// Whether the window is shown.
    pub open: bool,
    /// The file whose versions are listed (None: every file).
    pub file: Option<PathBuf>,
    /// The layer the window was opened from: its names and how its file is read.
    pub layer: Option<String>,
    /// Versions ticked for comparison, by number.
    pub checked: Vec<u64>,
    listing: Option<Listing>,
    jobs: Vec<Receiver<Done>>,
    /// Names for restored versions being opened as layers, by file.
    names: HashMap<PathBuf, RestoredName>,
}

/// What the window shows, read from the history.
struct Listing {
    read_at: Instant,
    /// Newest first.
    versions: Vec<Version>,
    damaged: Vec<DamagedLine>,
    /// The history could not be read at all: (中文, English).
    error: Option<(String, String)>,
}

/// The names a restored version's layer gets.
#[derive(Clone, Debug)]
struct RestoredName {
    zh: String,
    en: String,
    /// The layer of a file of several it names (None: the file, whichever layers it has).
    layer: Option<String>,
}

/// A restored version to open as a layer.
#[derive(Clone, Debug)]
struct ToOpen {
    path: PathBuf,
    load: LoadOptions,
    name: RestoredName,
}

/// What a helper thread reports.
enum Done {
    Open(ToOpen),
    Compare { opens: Vec<ToOpen>, old: Side, new: Side },
    Saved(Vec<PathBuf>),
    Failed(String),
    Cancelled,
}

impl HistoryPanel {
    /// Open the window on a layer's file (None: every file the history holds).
    pub fn show_for(&mut self, layer: Option<&str>, app_layers: &[super::LayerEntry]) {
        let file =
            layer.and_then(|k| app_layers.iter().find(|e| e.layer.key == k)).and_then(|e| match &e.layer.origin {
                LayerOrigin::File { path } => Some(path.clone()),
                _ => None,
            });
        self.layer = layer.filter(|_| file.is_some()).map(str::to_owned);
        self.file = file;
        self.checked.clear();
        self.listing = None;
        self.open = true;
    }

    /// Draw the window; what it asks for is returned.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let lang = app.lang();
        let mut actions = Vec::new();
        self.poll_jobs(lang, &mut actions);
        if !self.open {
            return actions;
        }
        let history = app.history().cloned();
        if let Some(h) = &history
            && self.listing.as_ref().is_none_or(|l| l.read_at.elapsed() >= REFRESH)
        {
            self.listing = Some(self.read(h));
        }
        if !self.jobs.is_empty() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        let mut open = true;
        egui::Window::new(lang.t("历史版本", "Versions"))
            .id(egui::Id::unique("history_window"))
            .open(&mut open)
            .default_size([760.0, 300.0])
            .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-380.0, 80.0))
            .show(ui.ctx(), |ui| match &history {
                None => {
                    ui.label(lang.t(
                        "本次运行没有数据文件夹，不保留文件的历史版本。",
                        "This run has no data folder, so no versions of files are kept.",
                    ));
                }
                Some(h) => self.contents(ui, app, h),
            });
        self.open &= open;
        actions
    }

    fn contents(&mut self, ui: &mut egui::Ui, app: &AtlasApp, history: &History) {
        let lang = app.lang();
        let english = lang.english();
        let what = match &self.file {
            Some(f) => format!("{} {}", lang.t("文件：", "File:"), f.display()),
            None => lang.t("全部文件", "All files").to_owned(),
        };
        ui.label(RichText::new(what).strong());
        let Some(listing) = &self.listing else { return };
        if let Some((zh, en)) = &listing.error {
            ui.colored_label(Color32::from_rgb(200, 40, 40), if english { en } else { zh });
        }
        for d in &listing.damaged {
            // Reported, never fatal: the rest of the history is still listed.
            let text = if english {
                format!("⚠ Line {} of the history index is damaged and skipped ({})", d.line, d.message)
            } else {
                format!("⚠ 历史索引第 {} 行已损坏，已跳过（{}）", d.line, d.message)
            };
            ui.colored_label(Color32::from_rgb(200, 110, 0), text);
        }
        let versions = listing.versions.clone();
        if versions.is_empty() {
            ui.label(lang.t("还没有保留的版本", "No versions kept yet"));
            return;
        }
        ui.horizontal(|ui| {
            let ready = self.checked.len() == 2;
            let hint = lang.t("勾选两个版本后比较", "Tick two versions to compare them");
            if ui.add_enabled(ready, egui::Button::new(lang.t("比较", "Compare"))).on_hover_text(hint).clicked() {
                let mut picked: Vec<&Version> = versions.iter().filter(|v| self.checked.contains(&v.number)).collect();
                picked.sort_by_key(|v| v.number);
                if let [old, new] = picked[..] {
                    self.start_compare(app, history, old, new, ui.ctx());
                }
            }
            if !self.jobs.is_empty() {
                ui.spinner();
            }
            ui.label(RichText::new(hint).weak().small());
        });
        ui.separator();
        let all_files = self.file.is_none();
        egui::ScrollArea::vertical().auto_shrink([false, true]).show(ui, |ui| {
            egui::Grid::new("history_versions").striped(true).num_columns(8).show(ui, |ui| {
                ui.label("");
                ui.strong(lang.t("时间（北京时间）", "Time (Beijing)"));
                ui.strong(lang.t("来源", "How"));
                if all_files {
                    ui.strong(lang.t("文件", "File"));
                }
                ui.strong(lang.t("大小", "Size"));
                ui.strong(lang.t("要素数", "Features"));
                ui.strong(lang.t("哈希", "Hash"));
                ui.label("");
                ui.end_row();
                for v in &versions {
                    let mut ticked = self.checked.contains(&v.number);
                    let label = if english { format!("Version {}", v.number) } else { format!("第 {} 版", v.number) };
                    if ui.checkbox(&mut ticked, label).changed() {
                        self.checked.retain(|n| *n != v.number);
                        if ticked {
                            self.checked.push(v.number);
                            // Two at a time: the newest tick replaces the oldest.
                            while self.checked.len() > 2 {
                                self.checked.remove(0);
                            }
                        }
                    }
                    ui.label(local_time_text(v.time_unix_s));
                    ui.label(seen_text(v.seen, lang));
                    if all_files {
                        let name = v.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        ui.label(name).on_hover_text(v.source.display().to_string());
                    }
                    ui.label(size_text(v.size_bytes()));
                    ui.label(v.features.to_string());
                    ui.label(RichText::new(v.hash.get(..10).unwrap_or(&v.hash)).monospace())
                        .on_hover_text(v.hash.as_str());
                    ui.horizontal(|ui| {
                        if ui.small_button(lang.t("作为图层打开", "Open as layer")).clicked() {
                            self.start_open(app, history, v, ui.ctx());
                        }
                        if ui
                            .small_button(lang.t("另存为…", "Save as…"))
                            .on_hover_text(lang.t(
                                "把这一版的文件写到选定的文件夹（不覆盖已有文件）",
                                "Write this version's files into a folder you pick (no file is overwritten)",
                            ))
                            .clicked()
                        {
                            self.start_save(history, v, english, ui.ctx());
                        }
                    });
                    ui.end_row();
                }
            });
        });
    }

    /// The versions listed: of the window's file, or all; newest first.
    fn read(&self, history: &History) -> Listing {
        let (mut versions, damaged, error) = match history.versions() {
            Ok((v, d)) => (v, d, None),
            Err(e) => (Vec::new(), Vec::new(), Some((e.zh(), e.en()))),
        };
        if let Some(f) = &self.file {
            versions.retain(|v| same_file(&v.source, f));
        }
        versions.sort_by_key(|v| std::cmp::Reverse(v.number));
        Listing { read_at: Instant::now(), versions, damaged, error }
    }

    /// What a version is opened as: its names and how it is read (as its layer's file is).
    fn to_open(&self, app: &AtlasApp, v: &Version) -> (RestoredName, LoadOptions) {
        let layer = self.layer_of(app, v);
        let time = local_time_text(v.time_unix_s);
        let stem = v.source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let (zh, en) =
            layer.map_or_else(|| (stem.clone(), stem.clone()), |e| (e.layer.name_zh.clone(), e.layer.name_en.clone()));
        let load = layer.map(|e| e.load.clone()).unwrap_or_default();
        let name = RestoredName {
            zh: format!("{zh}（{time}，第 {} 版）", v.number),
            en: format!("{en} ({time}, version {})", v.number),
            layer: load.layer.clone(),
        };
        (name, load)
    }

    /// The open layer a version is of: the window's layer when it is of that file, else the
    /// first layer of the file.
    fn layer_of<'a>(&self, app: &'a AtlasApp, v: &Version) -> Option<&'a super::LayerEntry> {
        let of_file = |e: &&super::LayerEntry| matches!(&e.layer.origin, LayerOrigin::File { path } if same_file(path, &v.source));
        self.layer.as_deref().and_then(|k| app.layer(k)).filter(of_file).or_else(|| app.layers.iter().find(of_file))
    }

    fn start_open(&mut self, app: &AtlasApp, history: &History, v: &Version, ctx: &egui::Context) {
        let (name, load) = self.to_open(app, v);
        let (history, v, english) = (history.clone(), v.clone(), app.lang().english());
        self.spawn(ctx, move || match restore_for_opening(&history, &v) {
            Ok(path) => Done::Open(ToOpen { path, load, name }),
            Err(e) => Done::Failed(e.message(english)),
        });
    }

    fn start_save(&mut self, history: &History, v: &Version, english: bool, ctx: &egui::Context) {
        let (history, v) = (history.clone(), v.clone());
        self.spawn(ctx, move || {
            let title = "把这一版另存到文件夹 / Save this version into a folder";
            let Some(dir) = pollster::block_on(rfd::AsyncFileDialog::new().set_title(title).pick_folder()) else {
                return Done::Cancelled;
            };
            // History::restore never overwrites: a file of the same name there stops it.
            match history.restore(&v, dir.path()) {
                Ok(paths) => Done::Saved(paths),
                Err(e) => Done::Failed(e.message(english)),
            }
        });
    }

    /// Compare two versions: a version that is what its layer shows now is that layer; any
    /// other is restored and opened as a layer of its own, so the report's rows can select on
    /// the map.
    fn start_compare(&mut self, app: &AtlasApp, history: &History, old: &Version, new: &Version, ctx: &egui::Context) {
        let newest_of = |v: &Version| {
            self.listing
                .as_ref()
                .is_some_and(|l| !l.versions.iter().any(|o| o.number > v.number && same_file(&o.source, &v.source)))
        };
        let current = |v: &Version| {
            self.layer_of(app, v).filter(|e| newest_of(v) && e.last_error.is_none()).map(|e| e.layer.key.clone())
        };
        let sides: Vec<(Version, Option<String>, RestoredName, LoadOptions)> = [old, new]
            .into_iter()
            .map(|v| {
                let (name, load) = self.to_open(app, v);
                (v.clone(), current(v), name, load)
            })
            .collect();
        let (history, english) = (history.clone(), app.lang().english());
        self.spawn(ctx, move || {
            let mut opens = Vec::new();
            let mut out = Vec::new();
            for (v, current, name, load) in sides {
                match current {
                    Some(key) => out.push(Side::Layer(key)),
                    None => match restore_for_opening(&history, &v) {
                        Ok(path) => {
                            out.push(Side::File { path: path.clone(), layer: load.layer.clone() });
                            opens.push(ToOpen { path, load, name });
                        }
                        Err(e) => return Done::Failed(e.message(english)),
                    },
                }
            }
            match <[Side; 2]>::try_from(out) {
                Ok([old, new]) => Done::Compare { opens, old, new },
                Err(_) => Done::Cancelled,
            }
        });
    }

    fn spawn(&mut self, ctx: &egui::Context, job: impl FnOnce() -> Done + Send + 'static) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(job());
            ctx.request_repaint();
        });
        self.jobs.push(rx);
    }

    /// Finished jobs become actions: layers to open, a comparison, notices.
    fn poll_jobs(&mut self, lang: Lang, actions: &mut Vec<Action>) {
        let mut done = Vec::new();
        self.jobs.retain(|rx| match rx.try_recv() {
            Ok(d) => {
                done.push(d);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => false,
        });
        for d in done {
            match d {
                Done::Open(o) => actions.push(self.open_action(o)),
                Done::Compare { opens, old, new } => {
                    for o in opens {
                        let a = self.open_action(o);
                        actions.push(a);
                    }
                    actions.push(Action::CompareLayers { old, new });
                }
                Done::Saved(paths) => {
                    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                    actions.push(Action::Notice(Notice {
                        text: format!("{} {}", lang.t("已写出历史版本：", "Version written:"), list.join(", ")),
                        error: false,
                    }));
                }
                Done::Failed(text) => actions.push(Action::Notice(Notice { text, error: true })),
                Done::Cancelled => {}
            }
        }
    }

    fn open_action(&mut self, o: ToOpen) -> Action {
        self.names.insert(absolute(&o.path), o.name.clone());
        Action::OpenVersion { path: o.path, load: o.load }
    }
}

impl AtlasApp {
    /// Where the versions of the files read are kept (None: not kept, as in tests without a
    /// data folder).
    pub fn history(&self) -> Option<&History> {
        self.loader.history.as_ref()
    }
}

/// The names of a restored version's layer, if `path` is one being opened (`layer`: the layer
/// read from a file of several).
pub(super) fn restored_name(app: &AtlasApp, path: &Path, layer: Option<&str>) -> Option<(String, String)> {
    let n = app.history_panel.names.get(&absolute(path))?;
    match (&n.layer, layer) {
        (None, Some(l)) => Some((format!("{} · {l}", n.zh), format!("{} · {l}", n.en))),
        _ => Some((n.zh.clone(), n.en.clone())),
    }
}

/// Restore a version into `restored/<hash>/` beside the history, to open it. An earlier restore
/// of the same version is used again when its files are still the same; one changed since is
/// left alone and the version goes into a new folder.
fn restore_for_opening(history: &History, v: &Version) -> Result<PathBuf, HistoryError> {
    let base = restored_dir(history);
    let short = v.hash.get(..16).unwrap_or(&v.hash).to_owned();
    // A folder version (File Geodatabase) is restored as a folder of its own name.
    let file_name = v.source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let is_folder = !v.members.iter().any(|m| m.name == file_name);
    for attempt in 0..100 {
        let dir = if attempt == 0 { base.join(&short) } else { base.join(format!("{short}-{attempt}")) };
        let files_dir = if is_folder { dir.join(&file_name) } else { dir.clone() };
        let open_path = if is_folder {
            files_dir.clone()
        } else {
            let first = v.members.first().map(|m| m.name.as_str()).unwrap_or_default();
            files_dir.join(first)
        };
        if !dir.exists() {
            history.restore(v, &files_dir)?;
            return Ok(open_path);
        }
        let unchanged = v.members.iter().all(|m| {
            let on_disk = std::fs::read(files_dir.join(&m.name)).ok();
            on_disk.is_some() && history.read_member(v, &m.name).ok() == on_disk
        });
        if unchanged {
            return Ok(open_path);
        }
    }
    Err(HistoryError::WouldOverwrite { path: base.join(short) })
}

/// Whether two paths name the same file (the layer's path is resolved through symlinks, the
/// history's is only made absolute).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b || absolute(a) == absolute(b)
}

/// A time as planners in Weifang read it: `2025-03-01 14:05:09`, Beijing time (the app knows no
/// time zones; it is used in Kuiwen).
pub fn local_time_text(unix_s: u64) -> String {
    super::crash::utc_text(unix_s + 8 * 3600).trim_end_matches('Z').to_owned()
}

fn seen_text(seen: Seen, lang: Lang) -> &'static str {
    match seen {
        Seen::Opened => lang.t("打开", "opened"),
        Seen::Reloaded => lang.t("重新载入", "reloaded"),
        Seen::Converted => lang.t("格式转换", "converted"),
    }
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1 << 20 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_beijing_time_and_sizes_readable() {
        // 2024-01-01 00:00:00 UTC is 08:00 in Beijing.
        assert_eq!(local_time_text(1_704_067_200), "2024-01-01 08:00:00");
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(2048), "2.0 KB");
        assert_eq!(size_text(3 << 20), "3.0 MB");
    }
}
