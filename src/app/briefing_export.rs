//! Exporting the briefing from the app: the size, the dialog asking where, and the export job
//! on its own thread, through the same off-screen rendering as the `render` command. Built with
//! the `image-export` feature (on by default).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::RichText;
use kuiwen_core::Bilingual;

use super::actions::Action;
use super::{AtlasApp, Lang, Notice};
use crate::export::{ImageExportError, RenderRequest, Views, render, write_outputs};

/// Sizes offered for exported images (pixels at 1×).
const SIZES: [([u32; 2], &str, &str); 4] = [
    ([1920, 1080], "1920×1080（16:9 投影）", "1920×1080 (16:9 projector)"),
    ([1280, 720], "1280×720", "1280×720"),
    ([3840, 2160], "3840×2160（4K 大屏）", "3840×2160 (4K screen)"),
    ([1754, 1240], "1754×1240（A4 横向 150 dpi）", "1754×1240 (A4 landscape, 150 dpi)"),
];

/// What an export writes.
#[derive(Clone, Debug)]
pub enum ExportKind {
    /// The current view to one PNG.
    CurrentView(PathBuf),
    /// Every slide as numbered PNGs into a folder.
    AllSlides(PathBuf),
    /// A PDF of every slide.
    Pdf(PathBuf),
}

/// Messages from the export thread.
enum ExportMsg {
    Progress(usize, usize),
    Done(Result<Vec<PathBuf>, ImageExportError>),
}

/// An export running on its own thread.
pub struct ExportJob {
    rx: Receiver<ExportMsg>,
    cancel: Arc<AtomicBool>,
    progress: (usize, usize),
}

/// The export's state in the briefing window: the dialog asking where, the job running.
#[derive(Default)]
pub struct ExportUi {
    job: Option<ExportJob>,
    dialog: Option<Receiver<Option<ExportKind>>>,
}

impl ExportUi {
    /// The export part of the briefing window: size, progress, and the three exports.
    pub fn section(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, actions: &mut Vec<Action>) {
        ui.label(RichText::new(lang.t("导出图片与 PDF", "Export images and PDF")).strong());
        let mut prefs = app.persisted.present.clone();
        let current = SIZES.iter().find(|(s, _, _)| *s == prefs.export_size_px);
        let shown = current.map_or_else(
            || format!("{}×{}", prefs.export_size_px[0], prefs.export_size_px[1]),
            |(_, zh, en)| lang.t(zh, en).to_owned(),
        );
        ui.horizontal(|ui| {
            ui.label(lang.t("尺寸", "Size"));
            egui::ComboBox::from_id_salt("export_size").selected_text(shown).show_ui(ui, |ui| {
                for (size, zh, en) in SIZES {
                    ui.selectable_value(&mut prefs.export_size_px, size, lang.t(zh, en));
                }
            });
            ui.checkbox(&mut prefs.export_2x, lang.t("2 倍（打印）", "2× (print)"));
        });
        if prefs.export_size_px != app.persisted.present.export_size_px
            || prefs.export_2x != app.persisted.present.export_2x
        {
            actions.push(Action::SetPresentPrefs(Box::new(prefs)));
        }
        if let Some(job) = &self.job {
            ui.horizontal(|ui| {
                let (done, total) = job.progress;
                ui.add(
                    egui::ProgressBar::new(if total == 0 { 0.0 } else { done as f32 / total as f32 })
                        .text(format!("{} {done}/{total}", lang.t("正在导出", "Exporting")))
                        .desired_width(220.0),
                );
                if ui.button(lang.t("取消", "Cancel")).clicked() {
                    job.cancel.store(true, Ordering::Relaxed);
                }
            });
            return;
        }
        let busy = self.dialog.is_some();
        let title = app.briefing.slides.first().map(|s| s.title.clone()).unwrap_or_else(|| "奎文规划一张图".to_owned());
        ui.horizontal_wrapped(|ui| {
            ui.add_enabled_ui(!busy, |ui| {
                if ui.button(lang.t("当前视图 PNG…", "Current view PNG…")).clicked() {
                    self.dialog = Some(ask_path(ui.ctx(), ExportKindAsk::CurrentView, title.clone()));
                }
                if ui.button(lang.t("全部幻灯片 PNG…", "All slides PNG…")).clicked() {
                    self.dialog = Some(ask_path(ui.ctx(), ExportKindAsk::AllSlides, title.clone()));
                }
                if ui.button(lang.t("简报 PDF…", "Briefing PDF…")).clicked() {
                    self.dialog = Some(ask_path(ui.ctx(), ExportKindAsk::Pdf, title.clone()));
                }
            });
        });
    }
}

#[derive(Clone, Copy)]
enum ExportKindAsk {
    CurrentView,
    AllSlides,
    Pdf,
}

/// Ask where to write, with the system dialog on its own thread (rfd's async dialog); the answer
/// comes on the returned channel.
fn ask_path(ctx: &egui::Context, kind: ExportKindAsk, title: String) -> Receiver<Option<ExportKind>> {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    std::thread::spawn(move || {
        let dialog = rfd::AsyncFileDialog::new();
        let chosen = pollster::block_on(async move {
            match kind {
                ExportKindAsk::CurrentView => dialog
                    .add_filter("PNG", &["png"])
                    .set_file_name("奎文规划一张图.png")
                    .save_file()
                    .await
                    .map(|f| ExportKind::CurrentView(f.path().to_owned())),
                ExportKindAsk::AllSlides => {
                    dialog.pick_folder().await.map(|f| ExportKind::AllSlides(f.path().to_owned()))
                }
                ExportKindAsk::Pdf => dialog
                    .add_filter("PDF", &["pdf"])
                    .set_file_name(format!("{title}.pdf"))
                    .save_file()
                    .await
                    .map(|f| ExportKind::Pdf(f.path().to_owned())),
            }
        });
        let _ = tx.send(chosen);
        ctx.request_repaint();
    });
    rx
}

/// Start an export on its own thread: the app state goes over as a workspace file (layers by
/// path, styles, basemap, the briefing), rendered by the same off-screen path as `render`.
pub fn start_export(app: &mut AtlasApp, kind: ExportKind) {
    let lang = app.lang();
    let mut ws = app.to_workspace();
    // The briefing goes along even when it is the built-in one: the render shows these slides.
    ws.bookmarks = app.briefing.slides.clone();
    let tmp = std::env::temp_dir().join(format!("kuiwen-export-{}-{}.kuiwen.json", std::process::id(), app.bump()));
    if let Err(e) = ws.save(&tmp) {
        app.notices.push(Notice { text: e.message(lang.english()), error: true });
        return;
    }
    let prefs = app.persisted.present.clone();
    let views = match &kind {
        ExportKind::CurrentView(_) => {
            let title = app
                .briefing
                .slides
                .get(app.briefing.current)
                .filter(|_| app.presenting.active)
                .map(|s| s.caption(lang.english()).to_owned())
                .unwrap_or_else(|| lang.t("奎文规划一张图", "Kuiwen Atlas").to_owned());
            Views::Custom(Box::new(app.slide_from_view(&title)))
        }
        ExportKind::AllSlides(_) | ExportKind::Pdf(_) => Views::AllSlides,
    };
    let req = RenderRequest {
        workspace: Some(tmp.clone()),
        views,
        size_px: prefs.export_size_px,
        pixel_scale: if prefs.export_2x { 2.0 } else { 1.0 },
        english: lang.english(),
        present: prefs,
        // The render shares the window's tile cache (its parent folder, as `--cache-dir` takes it).
        cache_dir: app.basemap_settings.cache_root.as_ref().and_then(|r| r.parent()).map(PathBuf::from),
        config_dir: app.basemap_settings.config_dir.clone(),
        ..Default::default()
    };
    let (tx, rx) = channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let cancel2 = cancel.clone();
    let ctx = app.egui_ctx.clone();
    let pdf_title = app.briefing.slides.first().map(|s| s.caption(lang.english()).to_owned()).unwrap_or_default();
    std::thread::spawn(move || {
        let tx2 = tx.clone();
        let ctx2 = ctx.clone();
        let result = render(
            &req,
            &mut |done, total| {
                let _ = tx2.send(ExportMsg::Progress(done, total));
                ctx2.request_repaint();
            },
            &cancel2,
        )
        .and_then(|views| match &kind {
            ExportKind::CurrentView(p) | ExportKind::AllSlides(p) => write_outputs(&views, Some(p), None, &pdf_title),
            ExportKind::Pdf(p) => write_outputs(&views, None, Some(p), &pdf_title),
        });
        let _ = std::fs::remove_file(&tmp);
        let _ = tx.send(ExportMsg::Done(result));
        ctx.request_repaint();
    });
    app.ui_briefing.export.job = Some(ExportJob { rx, cancel, progress: (0, 0) });
}

/// Dialog answers and export progress, every frame (also while the window is closed).
pub(super) fn poll_export(app: &mut AtlasApp) {
    if let Some(rx) = &app.ui_briefing.export.dialog
        && let Ok(answer) = rx.try_recv()
    {
        app.ui_briefing.export.dialog = None;
        if let Some(kind) = answer {
            start_export(app, kind);
        }
    }
    let lang = app.lang();
    let mut finished = None;
    if let Some(job) = &mut app.ui_briefing.export.job {
        while let Ok(msg) = job.rx.try_recv() {
            match msg {
                ExportMsg::Progress(d, t) => job.progress = (d, t),
                ExportMsg::Done(r) => finished = Some(r),
            }
        }
    }
    if let Some(result) = finished {
        app.ui_briefing.export.job = None;
        app.notices.push(match result {
            Ok(files) => Notice {
                text: format!(
                    "{} {}",
                    lang.t("已导出", "Exported"),
                    files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
                error: false,
            },
            Err(ImageExportError::Cancelled) => {
                Notice { text: lang.t("已取消导出", "Export cancelled").to_owned(), error: false }
            }
            Err(e) => Notice {
                text: format!("{}{}", lang.t("导出失败：", "Export failed: "), e.message(lang.english())),
                error: true,
            },
        });
    }
}

impl AtlasApp {
    /// An export is running.
    pub fn export_running(&self) -> bool {
        self.ui_briefing.export.job.is_some()
    }
}
