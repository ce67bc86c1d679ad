//! Print layouts (专题制图): a map page at A4–A0, 150–600 dpi, as PNG, JPEG, PDF or SVG.
//!
//! One description of the page ([`plan::PagePlan`], millimetres from the top left) is made by
//! [`compose`] from the layers, marks and the layout's template, then written by one of three
//! writers: [`raster`] (tiny-skia, for PNG and JPEG with the resolution recorded), [`pdf`]
//! (krilla: vectors, the font embedded) and [`svg`]. Line widths and text are sized in
//! millimetres and points, so a 300-dpi A1 is as legible as the screen, not a screenshot scaled
//! up. Nothing here needs a GPU or a window: the command line and the print window share it,
//! and it runs on a worker thread.

pub mod basemap;
pub mod compose;
pub mod pdf;
pub mod plan;
pub mod raster;
pub mod svg;
pub mod text;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use compose::{Extent, Frame, PrintInfo, PrintJob, ScaleBar};
pub use text::PrintFont;

use crate::basemap::{Basemap, BasemapEnv};
use crate::model::Layer;
use kuiwen_core::Bilingual;

/// Why a print failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The file name's extension names no format this app writes.
    #[error("{}: write .png, .jpg, .pdf or .svg", path.display())]
    Format {
        /// The file.
        path: PathBuf,
    },
    /// The page is too many pixels to allocate.
    #[error("a page of {width}×{height} pixels cannot be allocated; lower the dpi")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The page set-up is not usable.
    #[error(transparent)]
    Layout(#[from] crate::model::layout::LayoutError),
    /// The PDF could not be made.
    #[error("cannot make the PDF: {0}")]
    Pdf(String),
    /// Encoding the image failed.
    #[error("cannot encode {}: {message}", path.display())]
    Encode {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Writing the file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Bilingual for PrintError {
    fn zh(&self) -> String {
        match self {
            PrintError::Format { path } => format!("{}：请写为 .png、.jpg、.pdf 或 .svg", path.display()),
            PrintError::TooLarge { width, height } => {
                format!("无法分配 {width}×{height} 像素的页面；请降低分辨率")
            }
            PrintError::Layout(e) => e.zh(),
            PrintError::Pdf(why) => format!("无法生成 PDF：{why}"),
            PrintError::Encode { path, message } => format!("无法编码 {}：{message}", path.display()),
            PrintError::Write { path, source } => {
                format!("无法写入 {}：{}", path.display(), kuiwen_core::i18n::io_error_zh(source))
            }
        }
    }
}

/// The formats written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// PNG, lossless, the resolution in `pHYs`.
    Png,
    /// JPEG, the resolution in the JFIF header (what the delivery rules ask for).
    Jpeg,
    /// Vector PDF with the font embedded.
    Pdf,
    /// SVG with text as text.
    Svg,
}

impl Format {
    /// The format a file name asks for.
    pub fn from_path(path: &Path) -> Result<Self, PrintError> {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        match ext.as_str() {
            "png" => Ok(Format::Png),
            "jpg" | "jpeg" => Ok(Format::Jpeg),
            "pdf" => Ok(Format::Pdf),
            "svg" => Ok(Format::Svg),
            _ => Err(PrintError::Format { path: path.to_owned() }),
        }
    }
}

/// What a print did.
#[derive(Debug)]
pub struct PrintReport {
    /// The layout's measures (frame, scale, scale bar).
    pub info: PrintInfo,
    /// The page in pixels at its resolution.
    pub size_px: [u32; 2],
    /// Bytes written.
    pub bytes: usize,
    /// Time to fetch the basemap, lay out, draw and encode.
    pub basemap_time: Duration,
    /// Time to lay out the page.
    pub layout_time: Duration,
    /// Time to draw and encode.
    pub write_time: Duration,
    /// Basemap tiles that did not come, and why (the first failure).
    pub basemap_missing: Option<(usize, usize, String)>,
}

/// The basemap of a print: what to fetch and with which settings.
pub struct PrintBasemap<'a> {
    /// The basemap.
    pub basemap: &'a Basemap,
    /// Keys and cache.
    pub env: &'a BasemapEnv,
}

/// A page laid out, with its basemap, ready to write.
pub struct Prepared {
    /// The page.
    pub plan: plan::PagePlan,
    /// The layout's measures.
    pub info: PrintInfo,
    /// Time to fetch the basemap.
    pub basemap_time: Duration,
    /// Time to lay out.
    pub layout_time: Duration,
    /// Basemap tiles missing: (missing, asked, first failure).
    pub basemap_missing: Option<(usize, usize, String)>,
}

/// Fetch the basemap and lay out the page.
pub fn prepare(
    job: &PrintJob<'_>,
    basemap: Option<PrintBasemap<'_>>,
    font: &PrintFont,
) -> Result<Prepared, PrintError> {
    job.settings.page.check()?;
    let k = job.settings.page.content_scale() as f32;
    let px_per_mm = job.settings.page.px_per_mm() as f32;
    let started = Instant::now();
    let frame = compose::frame_for(job);
    let mut missing = None;
    let mut base_images = Vec::new();
    if let Some(b) = basemap {
        let outcome = basemap::basemap_images(b.basemap, b.env, &frame, k);
        if outcome.missing > 0 || (outcome.images.is_empty() && outcome.failure.is_some()) {
            missing = Some((outcome.missing, outcome.asked, outcome.failure.clone().unwrap_or_default()));
        }
        base_images = outcome.images;
    }
    let basemap_time = started.elapsed();
    let started = Instant::now();
    let big = |frame: &Frame, layers: &[&Layer]| big_layers_image(frame, layers, font, px_per_mm, k);
    let (mut plan, info) = compose::compose(job, font, None, &big);
    // The basemap goes under everything in the frame: just after the clip to it.
    if let Some(at) = plan.items.iter().position(|i| matches!(i, plan::Item::Clip(Some(_)))) {
        for (n, img) in base_images.into_iter().enumerate() {
            plan.items.insert(at + 1 + n, plan::Item::Image(img));
        }
    }
    Ok(Prepared { plan, info, basemap_time, layout_time: started.elapsed(), basemap_missing: missing })
}

/// Lay out and draw a page into straight RGBA pixels (the print window's preview).
pub fn preview_rgba(job: &PrintJob<'_>, basemap: Option<PrintBasemap<'_>>) -> Result<([u32; 2], Vec<u8>), PrintError> {
    let font = PrintFont::bundled();
    let prepared = prepare(job, basemap, &font)?;
    let size_px = job.settings.page.size_px();
    let pixmap = raster::rasterize(&prepared.plan, &font, size_px, job.settings.page.px_per_mm() as f32)?;
    Ok((size_px, raster::to_rgba(&pixmap)))
}

/// Lay out, draw and encode a page into bytes of `format`.
pub fn print_bytes(
    job: &PrintJob<'_>,
    basemap: Option<PrintBasemap<'_>>,
    format: Format,
) -> Result<(Vec<u8>, PrintReport), PrintError> {
    let font = PrintFont::bundled();
    let page = job.settings.page;
    let prepared = prepare(job, basemap, &font)?;
    let started = Instant::now();
    let size_px = page.size_px();
    let plan = &prepared.plan;
    let bytes = match format {
        Format::Png | Format::Jpeg => {
            let pixmap = raster::rasterize(plan, &font, size_px, page.px_per_mm() as f32)?;
            let encoded = if format == Format::Png {
                raster::png_bytes(&pixmap, page.dpi)
            } else {
                raster::jpeg_bytes(&pixmap, page.dpi)
            };
            encoded.map_err(|message| PrintError::Encode { path: PathBuf::new(), message })?
        }
        Format::Pdf => pdf::pdf_bytes(plan, &font)?,
        Format::Svg => svg::svg_text(plan).into_bytes(),
    };
    let report = PrintReport {
        info: prepared.info,
        size_px,
        bytes: bytes.len(),
        basemap_time: prepared.basemap_time,
        layout_time: prepared.layout_time,
        write_time: started.elapsed(),
        basemap_missing: prepared.basemap_missing,
    };
    Ok((bytes, report))
}

/// Print into a file (written atomically: a half-written page never replaces a good one).
pub fn print_to_file(
    job: &PrintJob<'_>,
    basemap: Option<PrintBasemap<'_>>,
    path: &Path,
) -> Result<PrintReport, PrintError> {
    let format = Format::from_path(path)?;
    let (bytes, report) = print_bytes(job, basemap, format).map_err(|e| match e {
        PrintError::Encode { message, .. } => PrintError::Encode { path: path.to_owned(), message },
        other => other,
    })?;
    crate::io::atomic::write(path, &bytes).map_err(|source| PrintError::Write { path: path.to_owned(), source })?;
    Ok(report)
}

/// Very big layers drawn as one image over the frame at the page's resolution (for PDF and SVG).
fn big_layers_image(
    frame: &Frame,
    layers: &[&Layer],
    font: &PrintFont,
    px_per_mm: f32,
    k: f32,
) -> Option<plan::ImageItem> {
    let [x, y, w, h] = frame.rect_mm;
    let size = [(w * px_per_mm).ceil() as u32, (h * px_per_mm).ceil() as u32];
    let mut sub = plan::PagePlan { size_mm: [w, h], items: Vec::new(), title: String::new() };
    let bbox = frame.bbox();
    for l in layers {
        compose::draw_layer(&mut sub, frame, l, k, bbox);
    }
    let mut pixmap = tiny_skia::Pixmap::new(size[0].max(1), size[1].max(1))?;
    raster::draw_items(&mut pixmap, &sub, font, px_per_mm, [x, y]);
    Some(plan::ImageItem { size_px: size, rgba: Arc::new(raster::to_rgba(&pixmap)), rect_mm: [x, y, w, h] })
}
