//! Rendering the presenting view off screen.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::vec2;
use egui_kittest::Harness;
use image::RgbaImage;

use crate::app::{AtlasApp, StartOptions};
use crate::basemap::Basemap;
use crate::model::briefing::Slide;
use crate::model::compare::Compare;
use kuiwen_core::Bilingual;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageExportError {
    /// The size is not usable.
    #[error("image size {width}×{height} px: each side must be 16 to 8192 px")]
    BadSize {
        /// Width asked for.
        width: u32,
        /// Height asked for.
        height: u32,
    },
    /// No slide of that number.
    #[error("slide {asked} does not exist: the briefing has {count} slides")]
    NoSuchSlide {
        /// 1-based number asked for.
        asked: usize,
        /// Slides in the briefing.
        count: usize,
    },
    /// The GPU renderer failed (no adapter, lost device…).
    #[error("rendering failed: {0}")]
    Render(String),
    /// Writing a file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Encoding the PNG failed.
    #[error("cannot encode {}: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A layer named in a comparison is not open.
    #[error("no layer named {name:?} to compare; the layers are: {available}")]
    NoSuchLayer {
        /// The name given.
        name: String,
        /// The layers open, by key.
        available: String,
    },
    /// Stopped by the user.
    #[error("export cancelled")]
    Cancelled,
}

impl Bilingual for ImageExportError {
    fn zh(&self) -> String {
        match self {
            ImageExportError::BadSize { width, height } => {
                format!("图片尺寸 {width}×{height} 像素不可用：每边应为 16 至 8192 像素")
            }
            ImageExportError::NoSuchSlide { asked, count } => {
                format!("没有第 {asked} 张幻灯片：简报共 {count} 张")
            }
            ImageExportError::Render(why) => format!("渲染失败：{why}"),
            ImageExportError::Write { path, source } => {
                format!("无法写入 {}：{}", path.display(), kuiwen_core::i18n::io_error_zh(source))
            }
            ImageExportError::Encode { path, message } => format!("无法编码 {}：{message}", path.display()),
            ImageExportError::NoSuchLayer { name, available } => {
                format!("没有名为“{name}”的图层可对比；已打开的图层：{available}")
            }
            ImageExportError::Cancelled => "已取消导出".to_owned(),
        }
    }
}

/// Which views to render.
#[derive(Clone, Debug, PartialEq)]
pub enum Views {
    /// These slides of the briefing (0-based).
    Slides(Vec<usize>),
    /// Every slide.
    AllSlides,
    /// One view made for the occasion (the window's current view, or the workspace's view).
    Custom(Box<Slide>),
    /// The workspace's own view at its saved centre and zoom (or all layers fitted, when it has
    /// none or there is no workspace), titled as given.
    WorkspaceView(String),
}

/// What to render.
#[derive(Clone, Debug)]
pub struct RenderRequest {
    /// A workspace to open first (its layers, styles, basemap, view and briefing).
    pub workspace: Option<PathBuf>,
    /// GeoJSON files to add as layers.
    pub files: Vec<PathBuf>,
    /// The views.
    pub views: Views,
    /// Image size in pixels at 1× (1920×1080 by default).
    pub size_px: [u32; 2],
    /// Pixels per point: 2 doubles the pixels for print, with the same layout.
    pub pixel_scale: f32,
    /// A basemap that overrides the workspace's and the slides' (None: theirs).
    pub basemap: Option<Basemap>,
    /// English captions and labels.
    pub english: bool,
    /// Presenting settings (contrast, text size).
    pub present: crate::app::present::PresentPrefs,
    /// The tile cache folder (None: the user's).
    pub cache_dir: Option<PathBuf>,
    /// The config folder, for the Tianditu key (None: the user's).
    pub config_dir: Option<PathBuf>,
    /// How long to wait for files and basemap tiles before drawing what has arrived.
    pub settle_timeout: Duration,
    /// Show the view as a comparison: each view's layers named by key, name or file name (the
    /// names are matched once the files have loaded).
    pub compare: Option<Compare>,
}

impl Default for RenderRequest {
    fn default() -> Self {
        Self {
            workspace: None,
            files: Vec::new(),
            views: Views::WorkspaceView(String::new()),
            size_px: [1920, 1080],
            pixel_scale: 1.0,
            basemap: None,
            english: false,
            present: Default::default(),
            cache_dir: None,
            config_dir: None,
            settle_timeout: Duration::from_secs(30),
            compare: None,
        }
    }
}

/// One rendered view.
#[derive(Debug)]
pub struct RenderedView {
    /// Its slide title.
    pub title: String,
    /// The picture.
    pub image: RgbaImage,
    /// Whether everything (files, tiles) had arrived when it was drawn.
    pub complete: bool,
}

/// Render the requested views. `progress(done, total)` is called before each view; `cancel`
/// stops between views.
pub fn render(
    req: &RenderRequest,
    progress: &mut dyn FnMut(usize, usize),
    cancel: &AtomicBool,
) -> Result<Vec<RenderedView>, ImageExportError> {
    let [w, h] = req.size_px;
    if !(16..=8192).contains(&w) || !(16..=8192).contains(&h) {
        return Err(ImageExportError::BadSize { width: w, height: h });
    }
    let scale = req.pixel_scale.clamp(0.5, 4.0);
    if (w as f32 * scale) > 16384.0 || (h as f32 * scale) > 16384.0 {
        return Err(ImageExportError::BadSize { width: (w as f32 * scale) as u32, height: (h as f32 * scale) as u32 });
    }
    let start = start_options(req);
    let mut harness = build_harness(req, start, scale)?;
    // Let the workspace's files arrive before the slides are counted and shown.
    settle(&mut harness, req.settle_timeout, scale);
    let compare = match &req.compare {
        Some(c) => Some(resolve_compare(harness.state(), c)?),
        None => None,
    };
    let views: Vec<usize> = match &req.views {
        Views::Slides(v) => {
            let count = harness.state().slides().len();
            if let Some(&bad) = v.iter().find(|&&i| i >= count) {
                return Err(ImageExportError::NoSuchSlide { asked: bad + 1, count });
            }
            v.clone()
        }
        Views::AllSlides => (0..harness.state().slides().len()).collect(),
        Views::Custom(slide) => {
            harness.state_mut().presenting.show_counter = false;
            let mut slide = (**slide).clone();
            if compare.is_some() {
                slide.compare = compare.clone();
            }
            vec![push_slide(&mut harness, slide)]
        }
        Views::WorkspaceView(title) => {
            let app = harness.state();
            let title = if title.is_empty() { "奎文规划一张图".to_owned() } else { title.clone() };
            // Made now that the files are in (the first `settle`), so it lists their layers with
            // the workspace's names, styles and visibility.
            let mut slide = app.slide_from_view(&title);
            // The saved view as saved: its centre and zoom, not its extent fitted again to this
            // picture's size (which would change the zoom). The file was read by the app just
            // now; read again here only for these two numbers.
            let saved = req.workspace.as_deref().and_then(|p| crate::io::workspace::Workspace::load(p).ok());
            match saved.and_then(|w| w.view) {
                Some(v) => {
                    slide.center_lon_lat = v.center_lon_lat;
                    slide.zoom = v.zoom;
                    slide.extent = None;
                }
                // No saved view: frame every visible layer.
                None => {
                    if let Some(b) = app.all_bbox() {
                        slide.extent = Some(b);
                    }
                }
            }
            if compare.is_some() {
                slide.compare = compare.clone();
            }
            harness.state_mut().presenting.show_counter = false;
            vec![push_slide(&mut harness, slide)]
        }
    };
    let mut out = Vec::new();
    for (k, &i) in views.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(ImageExportError::Cancelled);
        }
        progress(k, views.len());
        let app = harness.state_mut();
        if app.presenting_slide().is_none() {
            app.start_presenting(i);
        } else {
            app.go_to_slide(i, false);
        }
        let complete = settle(&mut harness, req.settle_timeout, scale);
        let title = harness.state().slides().get(i).map(|s| s.caption(req.english).to_owned()).unwrap_or_default();
        let image = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| harness.render()))
            .map_err(|p| ImageExportError::Render(panic_text(&p)))?
            .map_err(ImageExportError::Render)?;
        out.push(RenderedView { title, image, complete });
    }
    progress(views.len(), views.len());
    Ok(out)
}

/// The app's start options for an export: the request's files, workspace, basemap and folders.
fn start_options(req: &RenderRequest) -> StartOptions {
    StartOptions {
        files: req.files.clone(),
        basemap: req.basemap.clone(),
        english: Some(req.english),
        workspace: req.workspace.clone(),
        cache_dir: req.cache_dir.clone(),
        config_dir: req.config_dir.clone(),
        exporting: true,
        ..Default::default()
    }
}

/// The app off screen, at the request's size, with its start options.
fn build_harness(
    req: &RenderRequest,
    start: StartOptions,
    scale: f32,
) -> Result<Harness<'static, AtlasApp>, ImageExportError> {
    let [w, h] = req.size_px;
    // The app's own panic guard turns a panic into a dialog; off screen there is nobody to click
    // it, so a failed render is reported as an error instead (the harness panics on a GPU fault).
    let present = req.present.clone();
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Harness::builder()
            // The layout is that of a w×h screen; 2× draws it with twice the pixels.
            .with_size(vec2(w as f32, h as f32))
            .with_pixels_per_point(scale)
            .with_theme(egui::Theme::Light)
            .allow_missing_glyphs()
            .with_accessibility_check(false)
            .with_render_cursor(false)
            .with_step_dt(0.1)
            .build_eframe(move |cc| {
                let mut app = AtlasApp::new(&cc.egui_ctx, None, start);
                app.persisted.present = present;
                app
            })
    }));
    built.map_err(|p| ImageExportError::Render(panic_text(&p)))
}

/// A print layout of the workspace (or the files) as the app opens it: its layers, styles,
/// marks, basemap and print set-up, the frame at its saved view (or `scale`), written to `out`.
/// `adjust` changes the set-up (the command line's options) before printing.
pub fn print_layout(
    req: &RenderRequest,
    scale: crate::app::print_panel::ScaleChoice,
    adjust: &dyn Fn(&mut crate::model::layout::PrintSettings),
    out: &Path,
) -> Result<crate::print::PrintReport, String> {
    use crate::app::print_panel::PrintSnapshot;
    let english = req.english;
    let start = start_options(req);
    let mut harness = build_harness(req, start, 1.0).map_err(|e| e.message(english))?;
    settle(&mut harness, req.settle_timeout, 1.0);
    let app = harness.state();
    let mut settings = app.print.settings.clone();
    adjust(&mut settings);
    let mut panel = crate::app::print_panel::PrintPanel::default();
    panel.scale = scale;
    panel.settings = settings.clone();
    let snapshot = PrintSnapshot::from_app(app, &settings, panel.extent(app));
    drop(harness);
    let format = crate::print::Format::from_path(out).map_err(|e| e.message(english))?;
    let job = snapshot.job(matches!(format, crate::print::Format::Pdf | crate::print::Format::Svg));
    crate::print::print_to_file(&job, snapshot.basemap(), out).map_err(|e| e.message(english))
}

/// The comparison with its layer names turned into the keys of the open layers.
fn resolve_compare(app: &AtlasApp, c: &Compare) -> Result<Compare, ImageExportError> {
    let mut c = c.clone().normalized();
    for v in &mut c.views {
        if let Some(names) = &mut v.layers {
            for n in names.iter_mut() {
                *n = app.find_layer_key(n).ok_or_else(|| ImageExportError::NoSuchLayer {
                    name: n.clone(),
                    available: app.layers.iter().map(|e| e.layer.key.as_str()).collect::<Vec<_>>().join(", "),
                })?;
            }
        }
    }
    Ok(c)
}

fn push_slide(harness: &mut Harness<'_, AtlasApp>, slide: Slide) -> usize {
    let app = harness.state_mut();
    app.briefing.slides.push(slide);
    app.briefing.slides.len() - 1
}

/// Step frames until the app has nothing in flight for a few frames running, or until `timeout`.
/// Returns whether it settled.
fn settle(harness: &mut Harness<'_, AtlasApp>, timeout: Duration, scale: f32) -> bool {
    let started = Instant::now();
    let mut calm = 0;
    // A few frames always: the map learns its size, fits the slide, asks for its tiles.
    for _ in 0..3 {
        step(harness, scale);
    }
    while started.elapsed() < timeout {
        step(harness, scale);
        if harness.state().is_settled() {
            calm += 1;
            if calm >= 3 {
                return true;
            }
        } else {
            calm = 0;
            // Tiles and files arrive on other threads: give them time without spinning a core.
            std::thread::sleep(Duration::from_millis(15));
        }
    }
    false
}

/// One frame at `scale` pixels per point (the harness gives its scale with the first frame only).
fn step(harness: &mut Harness<'_, AtlasApp>, scale: f32) {
    harness.input_mut().viewports.entry(egui::ViewportId::ROOT).or_default().native_pixels_per_point = Some(scale);
    harness.step();
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "the renderer stopped".to_owned())
}

/// `01-奎文区规划一张图.png`: numbered so a folder lists the slides in order, titled so a reader
/// finds one; characters that no file system accepts become `_`.
pub fn slide_file_name(number: usize, title: &str) -> String {
    let clean: String =
        title
            .chars()
            .map(|c| {
                if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .take(60)
            .collect();
    let clean = clean.trim().trim_matches('.');
    if clean.is_empty() { format!("{number:02}.png") } else { format!("{number:02}-{clean}.png") }
}

/// Write the rendered views: one PNG to `out` when there is one view and `out` ends in `.png`,
/// numbered PNGs into the folder `out` otherwise; and a PDF of them all to `pdf` when asked.
/// Returns the files written.
pub fn write_outputs(
    views: &[RenderedView],
    out: Option<&Path>,
    pdf: Option<&Path>,
    pdf_title: &str,
) -> Result<Vec<PathBuf>, ImageExportError> {
    let mut written = Vec::new();
    if let Some(out) = out {
        let single = views.len() == 1 && out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        if single {
            write_png(&views[0].image, out)?;
            written.push(out.to_owned());
        } else {
            std::fs::create_dir_all(out)
                .map_err(|source| ImageExportError::Write { path: out.to_path_buf(), source })?;
            for (i, v) in views.iter().enumerate() {
                let path = out.join(slide_file_name(i + 1, &v.title));
                write_png(&v.image, &path)?;
                written.push(path);
            }
        }
    }
    if let Some(pdf) = pdf {
        let pages: Vec<RgbaImage> = views.iter().map(|v| v.image.clone()).collect();
        let bytes = super::pdf::briefing_pdf(pdf_title, &pages);
        write_atomic(pdf, &bytes)?;
        written.push(pdf.to_owned());
    }
    Ok(written)
}

fn write_png(img: &RgbaImage, path: &Path) -> Result<(), ImageExportError> {
    let mut bytes = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| ImageExportError::Encode { path: path.to_path_buf(), message: e.to_string() })?;
    write_atomic(path, &bytes)
}

/// Write beside the target and rename over it ([`crate::io::atomic`]), so a failed export never
/// leaves half a file; the folder is made if missing.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ImageExportError> {
    let err = |source| ImageExportError::Write { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    crate::io::atomic::write(path, bytes).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slide_files_are_numbered_and_safe() {
        assert_eq!(slide_file_name(1, "四大开发片区"), "01-四大开发片区.png");
        assert_eq!(slide_file_name(12, "a/b:c?"), "12-a_b_c_.png");
        assert_eq!(slide_file_name(3, "  "), "03.png");
        assert_eq!(slide_file_name(4, ".."), "04.png");
    }
}
