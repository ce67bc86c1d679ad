//! The briefing window: the slide list (go to, add the current view, rename, notes, reorder,
//! delete), start presenting, and export to PNG and PDF in the background.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};

use egui::RichText;

use super::{AtlasApp, Lang, Notice};
use crate::export::{ExportError, RenderRequest, Views, render, write_outputs};

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
    Done(Result<Vec<PathBuf>, ExportError>),
}

/// An export running on its own thread.
pub struct ExportJob {
    rx: Receiver<ExportMsg>,
    cancel: Arc<AtomicBool>,
    progress: (usize, usize),
}

/// Export and dialog state of the briefing window.
#[derive(Default)]
pub struct BriefingUi {
    job: Option<ExportJob>,
    dialog: Option<Receiver<Option<ExportKind>>>,
}

pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    poll_export(app);
    if !app.briefing.window_open {
        return;
    }
    let lang = app.lang();
    let mut open = app.briefing.window_open;
    egui::Window::new(lang.t("简报", "Briefing"))
        .id(egui::Id::unique("briefing_window"))
        .open(&mut open)
        .default_width(380.0)
        .default_pos(ui.ctx().content_rect().right_top() + egui::vec2(-400.0, 60.0))
        .show(ui.ctx(), |ui| window_contents(app, ui, lang));
    app.briefing.window_open = open;
}

fn window_contents(app: &mut AtlasApp, ui: &mut egui::Ui, lang: Lang) {
    ui.horizontal(|ui| {
        if ui.button(RichText::new(lang.t("从头放映 (F5)", "Present from start (F5)")).strong()).clicked() {
            app.start_presenting(0);
        }
        if ui.button(lang.t("从当前页放映", "From this slide")).clicked() {
            let i = app.briefing.current;
            app.start_presenting(i);
        }
    });
    if app.briefing.builtin {
        ui.label(
            RichText::new(lang.t(
                "内置简报：由奎文区数据生成。编辑后随工作空间保存。",
                "Built-in briefing, made from the Kuiwen data. Once edited it is saved with the workspace.",
            ))
            .weak(),
        );
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut app.briefing.new_title)
                .hint_text(lang.t("新幻灯片标题", "New slide title"))
                .desired_width(200.0),
        );
        if ui.button(lang.t("添加当前视图", "Add current view")).clicked() {
            let title = if app.briefing.new_title.trim().is_empty() {
                format!("{} {}", lang.t("视图", "View"), app.briefing.slides.len() + 1)
            } else {
                app.briefing.new_title.trim().to_owned()
            };
            let slide = app.slide_from_view(&title);
            app.briefing.add_slide(slide);
            app.briefing.new_title.clear();
        }
    });
    ui.add_space(4.0);
    let english = lang.english();
    let mut action: Option<(usize, SlideAction)> = None;
    egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
        for (i, s) in app.briefing.slides.iter().enumerate() {
            ui.horizontal(|ui| {
                let label = format!("{}. {}", i + 1, s.caption(english));
                if ui.selectable_label(i == app.briefing.current, label).clicked() {
                    action = Some((i, SlideAction::Show));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button(lang.t("删除", "Delete")).clicked() {
                        action = Some((i, SlideAction::Delete));
                    }
                    if ui.add_enabled(i + 1 < app.briefing.slides.len(), egui::Button::new("↓").small()).clicked() {
                        action = Some((i, SlideAction::Down));
                    }
                    if ui.add_enabled(i > 0, egui::Button::new("↑").small()).clicked() {
                        action = Some((i, SlideAction::Up));
                    }
                });
            });
        }
    });
    if let Some((i, a)) = action {
        apply_action(app, i, a);
    }
    if let Some(i) = Some(app.briefing.current).filter(|&i| i < app.briefing.slides.len()) {
        ui.separator();
        let mut edited = false;
        let slide = &mut app.briefing.slides[i];
        egui::Grid::new("slide_edit").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            ui.label(lang.t("标题", "Title"));
            // Editing the title edits the caption in the interface language.
            let title = match (&mut slide.title_en, english) {
                (Some(en), true) => en,
                _ => &mut slide.title,
            };
            edited |= ui.add(egui::TextEdit::singleline(title).desired_width(260.0)).changed();
            ui.end_row();
            ui.label(lang.t("副标题", "Subtitle"));
            let sub = match (&mut slide.subtitle_en, english) {
                (Some(en), true) => en,
                _ => &mut slide.subtitle,
            };
            edited |= ui.add(egui::TextEdit::singleline(sub).desired_width(260.0)).changed();
            ui.end_row();
            ui.label(lang.t("讲稿", "Notes"));
            edited |=
                ui.add(egui::TextEdit::multiline(&mut slide.notes).desired_rows(3).desired_width(260.0)).changed();
            ui.end_row();
        });
        if ui.button(lang.t("用当前视图更新此页", "Update this slide to the current view")).clicked() {
            let old = app.briefing.slides[i].clone();
            let mut fresh = app.slide_from_view(&old.title);
            fresh.title_en = old.title_en;
            fresh.subtitle = old.subtitle;
            fresh.subtitle_en = old.subtitle_en;
            fresh.notes = old.notes;
            app.briefing.slides[i] = fresh;
            edited = true;
        }
        if edited {
            app.briefing.builtin = false;
        }
    }
    if !app.briefing.builtin && ui.button(lang.t("恢复内置简报", "Restore the built-in briefing")).clicked() {
        app.briefing =
            super::present::BriefingState { window_open: true, ..super::present::BriefingState::builtin(&app.layers) };
    }
    ui.separator();
    export_section(app, ui, lang);
}

#[derive(Clone, Copy)]
enum SlideAction {
    Show,
    Up,
    Down,
    Delete,
}

fn apply_action(app: &mut AtlasApp, i: usize, a: SlideAction) {
    let slides = &mut app.briefing.slides;
    match a {
        SlideAction::Show => {
            app.go_to_slide(i, true);
            return;
        }
        SlideAction::Up if i > 0 => {
            slides.swap(i, i - 1);
            app.briefing.current = i - 1;
        }
        SlideAction::Down if i + 1 < slides.len() => {
            slides.swap(i, i + 1);
            app.briefing.current = i + 1;
        }
        SlideAction::Delete if i < slides.len() => {
            slides.remove(i);
            app.briefing.current = app.briefing.current.min(slides.len().saturating_sub(1));
        }
        _ => return,
    }
    app.briefing.builtin = false;
}

fn export_section(app: &mut AtlasApp, ui: &mut egui::Ui, lang: Lang) {
    ui.label(RichText::new(lang.t("导出图片与 PDF", "Export images and PDF")).strong());
    let prefs = &mut app.persisted.present;
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
    if let Some(job) = &app.ui_briefing.job {
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
    let busy = app.ui_briefing.dialog.is_some();
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!busy, |ui| {
            if ui.button(lang.t("当前视图 PNG…", "Current view PNG…")).clicked() {
                ask_path(app, ExportKindAsk::CurrentView);
            }
            if ui.button(lang.t("全部幻灯片 PNG…", "All slides PNG…")).clicked() {
                ask_path(app, ExportKindAsk::AllSlides);
            }
            if ui.button(lang.t("简报 PDF…", "Briefing PDF…")).clicked() {
                ask_path(app, ExportKindAsk::Pdf);
            }
        });
    });
}

#[derive(Clone, Copy)]
enum ExportKindAsk {
    CurrentView,
    AllSlides,
    Pdf,
}

/// Ask where to write, with the system dialog on its own thread (rfd's async dialog).
fn ask_path(app: &mut AtlasApp, kind: ExportKindAsk) {
    let (tx, rx) = channel();
    let ctx = app.egui_ctx.clone();
    let title = app.briefing.slides.first().map(|s| s.title.clone()).unwrap_or_else(|| "奎文规划一张图".to_owned());
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
    app.ui_briefing.dialog = Some(rx);
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
        app.notices.push(Notice { text: e.to_string(), error: true });
        return;
    }
    let prefs = app.persisted.present.clone();
    let views = match &kind {
        ExportKind::CurrentView(_) => {
            let title = app
                .briefing
                .slides
                .get(app.briefing.current)
                .filter(|_| app.briefing.presenting)
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
    app.ui_briefing.job = Some(ExportJob { rx, cancel, progress: (0, 0) });
}

/// Dialog answers and export progress, every frame (also while the window is closed).
fn poll_export(app: &mut AtlasApp) {
    if let Some(rx) = &app.ui_briefing.dialog
        && let Ok(answer) = rx.try_recv()
    {
        app.ui_briefing.dialog = None;
        if let Some(kind) = answer {
            start_export(app, kind);
        }
    }
    let lang = app.lang();
    let mut finished = None;
    if let Some(job) = &mut app.ui_briefing.job {
        while let Ok(msg) = job.rx.try_recv() {
            match msg {
                ExportMsg::Progress(d, t) => job.progress = (d, t),
                ExportMsg::Done(r) => finished = Some(r),
            }
        }
    }
    if let Some(result) = finished {
        app.ui_briefing.job = None;
        app.notices.push(match result {
            Ok(files) => Notice {
                text: format!(
                    "{} {}",
                    lang.t("已导出", "Exported"),
                    files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
                error: false,
            },
            Err(ExportError::Cancelled) => {
                Notice { text: lang.t("已取消导出", "Export cancelled").to_owned(), error: false }
            }
            Err(e) => Notice { text: format!("{}: {e}", lang.t("导出失败", "Export failed")), error: true },
        });
    }
}

impl AtlasApp {
    /// An export is running.
    pub fn export_running(&self) -> bool {
        self.ui_briefing.job.is_some()
    }
}
