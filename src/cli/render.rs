//! `kuiwen-atlas render`: the map and the briefing as PNG and PDF, without a window (the
//! `image-export` feature).

use std::path::PathBuf;

use super::ArgError;

/// `WxH` (or `W×H`) in pixels.
pub fn parse_size(text: &str) -> Result<[u32; 2], ArgError> {
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(|| ArgError::SizeFormat { text: text.to_owned() })?;
    let num = |s: &str| {
        s.trim().parse::<u32>().map_err(|_| ArgError::SizeNumber { text: text.to_owned(), part: s.to_owned() })
    };
    Ok([num(w)?, num(h)?])
}

/// The arguments of `render`.
#[derive(clap::Args, Debug, Clone)]
pub struct RenderArgs {
    /// The PNG to write; with --all-slides or several slides, a folder for numbered PNGs.
    #[arg(long, value_name = "FILE.png|DIR")]
    pub out: Option<PathBuf>,
    /// Image size in pixels, WxH.
    #[arg(long, value_name = "WxH", default_value = "1920x1080")]
    pub size: String,
    /// Pixels per point: 2 doubles the pixels for print with the same layout.
    #[arg(long, default_value_t = 1.0)]
    pub scale: f32,
    /// A workspace to open (layers, styles, basemap, view and its briefing).
    #[arg(long, value_name = "FILE")]
    pub workspace: Option<PathBuf>,
    /// The slide to render, from 1 [default: the workspace's view, or all layers].
    #[arg(long, value_name = "N")]
    pub slide: Option<usize>,
    /// Render every slide of the briefing.
    #[arg(long)]
    pub all_slides: bool,
    /// Also write a PDF, one page per rendered view.
    #[arg(long, value_name = "FILE.pdf")]
    pub pdf: Option<PathBuf>,
    /// The basemap (as the viewer's --basemap); overrides the workspace's and the slides'.
    #[arg(long)]
    pub basemap: Option<String>,
    /// The caption when rendering a view that is not a slide.
    #[arg(long)]
    pub title: Option<String>,
    /// English captions and labels.
    #[arg(long)]
    pub english: bool,
    /// High-contrast overlays.
    #[arg(long)]
    pub high_contrast: bool,
    /// Text size of the overlays, 1.0 = 100 % [default: 1.4].
    #[arg(long)]
    pub text_scale: Option<f32>,
    /// Seconds to wait for files and basemap tiles before drawing what has arrived.
    #[arg(long = "timeout", value_name = "SECONDS", default_value_t = 30)]
    pub timeout_s: u64,
    /// Compare views side by side (2 to 4, each once): `[TITLE=]LAYER[,LAYER…]`, layers named by
    /// key, name or file name; `-` for the layers as the workspace shows them.
    #[arg(long, value_name = "[TITLE=]LAYERS")]
    pub compare: Vec<String>,
    /// With two --compare views: a swipe instead of split views, its divider at this fraction of
    /// the width (0 to 1).
    #[arg(long, value_name = "0..1")]
    pub swipe: Option<f32>,
    /// A print layout instead of a screen view: `A3-landscape`, `A1-portrait`, `A4`… (A4 to A0),
    /// written to --out as .pdf (vector), .jpg, .png (with the dpi recorded) or .svg.
    #[arg(long, value_name = "PAPER[-landscape|-portrait]")]
    pub layout: Option<String>,
    /// Resolution of the print layout's images (150, 300 or 600 are usual).
    #[arg(long, default_value_t = 300)]
    pub dpi: u32,
    /// The print layout's template: the workspace's own or a built-in one (标准, 侧栏, 简洁).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// Print at exactly 1:N around the view's centre [default: the view fitted, at a round scale].
    #[arg(long, value_name = "N")]
    pub map_scale: Option<u32>,
    /// The print layout's grid: none, graticule (经纬网) or km (公里网, CGCS2000 GK zone 40).
    #[arg(long, value_name = "none|graticule|km")]
    pub grid: Option<String>,
    /// The print layout's subtitle.
    #[arg(long)]
    pub subtitle: Option<String>,
    /// 制图单位: who made the map.
    #[arg(long)]
    pub author: Option<String>,
    /// 制图日期 [default: today].
    #[arg(long)]
    pub date: Option<String>,
    /// GeoJSON files to add as layers.
    pub files: Vec<PathBuf>,
}

/// The comparison asked for with `--compare` and `--swipe`.
pub fn parse_compare(views: &[String], swipe: Option<f32>) -> Result<Option<crate::model::compare::Compare>, String> {
    use crate::model::compare::{Compare, CompareMode, CompareView, MAX_VIEWS};
    if views.is_empty() {
        return match swipe {
            Some(_) => Err("--swipe needs two --compare views".to_owned()),
            None => Ok(None),
        };
    }
    if !(2..=MAX_VIEWS).contains(&views.len()) {
        return Err(format!("--compare: give 2 to {MAX_VIEWS} views, not {}", views.len()));
    }
    let mut out = Vec::new();
    for text in views {
        let (title, layers) = match text.split_once('=') {
            Some((t, l)) => (t.trim().to_owned(), l),
            None => (String::new(), text.as_str()),
        };
        let layers = layers.trim();
        let names: Vec<String> = layers.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
        let layers = match layers {
            "-" => None,
            _ if names.is_empty() => return Err(format!("--compare {text:?}: name the view's layers")),
            _ => Some(names),
        };
        out.push(CompareView { title, layers, basemap: None });
    }
    let mode = match swipe {
        None => CompareMode::Split,
        Some(_) if out.len() != 2 => return Err("--swipe compares exactly two views".to_owned()),
        Some(f) if !(0.0..=1.0).contains(&f) => return Err(format!("--swipe {f}: use 0 to 1")),
        Some(_) => CompareMode::Swipe,
    };
    Ok(Some(Compare { mode, views: out, swipe_position: swipe.unwrap_or(0.5), ..Default::default() }))
}

/// `kuiwen-atlas render`: exit 0 when written, 1 on a failure, 2 on bad arguments.
pub fn run_render(a: RenderArgs) -> i32 {
    use crate::export::{RenderRequest, Views, render, write_outputs};
    let fail = |code: i32, msg: String| {
        eprintln!("kuiwen-atlas render: {msg}");
        code
    };
    if a.layout.is_some() {
        return run_print(a);
    }
    if a.out.is_none() && a.pdf.is_none() {
        return fail(2, "nothing to write: give --out FILE.png (or a folder) and/or --pdf FILE.pdf".to_owned());
    }
    let size_px = match parse_size(&a.size) {
        Ok(s) => s,
        Err(e) => return fail(2, e.to_string()),
    };
    if !(a.scale.is_finite() && (0.5..=4.0).contains(&a.scale)) {
        return fail(2, format!("--scale {}: use 0.5 to 4", a.scale));
    }
    let basemap = match a.basemap.as_deref().map(str::parse::<crate::basemap::Basemap>).transpose() {
        Ok(b) => b,
        Err(e) => return fail(2, format!("--basemap: {e}")),
    };
    let views = match (a.slide, a.all_slides) {
        (Some(_), true) => return fail(2, "give --slide N or --all-slides, not both".to_owned()),
        (Some(0), _) => return fail(2, "slides are numbered from 1".to_owned()),
        (Some(n), false) => Views::Slides(vec![n - 1]),
        (None, true) => Views::AllSlides,
        (None, false) => Views::WorkspaceView(a.title.clone().unwrap_or_default()),
    };
    let compare = match parse_compare(&a.compare, a.swipe) {
        Ok(c) => c,
        Err(e) => return fail(2, e),
    };
    if compare.is_some() && !matches!(views, Views::WorkspaceView(_)) {
        return fail(2, "--compare makes one view: leave out --slide and --all-slides".to_owned());
    }
    let mut present = crate::app::present::PresentPrefs { high_contrast: a.high_contrast, ..Default::default() };
    if let Some(t) = a.text_scale {
        present.text_scale = t.clamp(0.8, 3.0);
    }
    let req = RenderRequest {
        workspace: a.workspace.clone(),
        files: a.files.clone(),
        views,
        size_px,
        pixel_scale: a.scale,
        basemap,
        english: a.english,
        present,
        settle_timeout: std::time::Duration::from_secs(a.timeout_s.max(1)),
        compare,
        ..Default::default()
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let rendered = match render(
        &req,
        &mut |done, total| {
            if done < total {
                eprintln!("rendering {}/{total}", done + 1);
            }
        },
        &cancel,
    ) {
        Ok(r) => r,
        Err(e) => return fail(1, e.to_string()),
    };
    for v in rendered.iter().filter(|v| !v.complete) {
        eprintln!(
            "warning: {:?} was drawn before everything arrived (basemap tiles or files still loading after {} s)",
            v.title, a.timeout_s
        );
    }
    let pdf_title = a.title.clone().unwrap_or_else(|| "奎文规划一张图".to_owned());
    match write_outputs(&rendered, a.out.as_deref(), a.pdf.as_deref(), &pdf_title) {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            0
        }
        Err(e) => fail(1, e.to_string()),
    }
}

/// `render --layout`: a print layout. Exit 0 when written, 1 on a failure, 2 on bad arguments.
fn run_print(a: RenderArgs) -> i32 {
    use crate::app::print_panel::ScaleChoice;
    use crate::model::layout::{Grid, PageSetup};
    let fail = |code: i32, msg: String| {
        eprintln!("kuiwen-atlas render: {msg}");
        code
    };
    let Some(out) = a.out.clone() else {
        return fail(2, "--layout needs --out FILE.pdf|.jpg|.png|.svg".to_owned());
    };
    if let Err(e) = crate::print::Format::from_path(&out) {
        return fail(2, e.to_string());
    }
    let page = match PageSetup::parse(a.layout.as_deref().unwrap_or_default(), a.dpi) {
        Ok(p) => p,
        Err(e) => return fail(2, e.to_string()),
    };
    let grid = match a.grid.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("none" | "无") => Some(Grid::None),
        Some("graticule" | "经纬网") => Some(Grid::Graticule),
        Some("km" | "kilometre" | "kilometer" | "公里网") => Some(Grid::Kilometre),
        Some(other) => return fail(2, format!("--grid {other:?}: use none, graticule or km")),
    };
    let scale = match a.map_scale {
        Some(n) if n < 100 => {
            return fail(2, format!("--map-scale {n}: give the scale's denominator, e.g. 25000 for 1:25 000"));
        }
        Some(n) => ScaleChoice::Fixed(n),
        // The workspace's saved view, as the window shows it; without one, every visible layer.
        None => match a.workspace.as_deref().and_then(|p| crate::io::workspace::Workspace::load(p).ok()) {
            Some(w) if w.view.is_some() => ScaleChoice::FitView,
            _ => ScaleChoice::FitAll,
        },
    };
    let basemap = match a.basemap.as_deref().map(str::parse::<crate::basemap::Basemap>).transpose() {
        Ok(b) => b,
        Err(e) => return fail(2, format!("--basemap: {e}")),
    };
    let template = a.template.clone();
    let unknown_template = std::cell::Cell::new(None::<String>);
    let adjust = |s: &mut crate::model::layout::PrintSettings| {
        s.page = page;
        if let Some(name) = &template {
            match s.template(name) {
                Some(t) => s.layout = t,
                None => {
                    let names: Vec<String> = s
                        .templates
                        .iter()
                        .map(|t| t.name.clone())
                        .chain(crate::model::layout::Template::built_in().into_iter().map(|t| t.name))
                        .collect();
                    unknown_template
                        .set(Some(format!("no template {name:?}; the templates are: {}", names.join(", "))));
                }
            }
        }
        if let Some(g) = grid {
            s.grid = g;
        }
        for (field, value) in [
            (&mut s.title, &a.title),
            (&mut s.subtitle, &a.subtitle),
            (&mut s.author, &a.author),
            (&mut s.date, &a.date),
        ] {
            if let Some(v) = value {
                v.clone_into(field);
            }
        }
    };
    let req = crate::export::RenderRequest {
        workspace: a.workspace.clone(),
        files: a.files.clone(),
        basemap,
        english: a.english,
        settle_timeout: std::time::Duration::from_secs(a.timeout_s.max(1)),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let result = crate::export::print_layout(&req, scale, &adjust, &out);
    if let Some(msg) = unknown_template.take() {
        let _ = std::fs::remove_file(&out);
        return fail(2, msg);
    }
    match result {
        Ok(r) => {
            let [w, h] = r.size_px;
            eprintln!(
                "{} {}×{} px at {} dpi, 1:{}, {:.1} MB in {:.2} s (basemap {:.2} s, layout {:.2} s, drawing and writing {:.2} s)",
                page.name(),
                w,
                h,
                page.dpi,
                crate::print::compose::group_thousands(r.info.scale_denominator.round() as u64),
                r.bytes as f64 / 1_048_576.0,
                started.elapsed().as_secs_f64(),
                r.basemap_time.as_secs_f64(),
                r.layout_time.as_secs_f64(),
                r.write_time.as_secs_f64(),
            );
            if let Some((missing, asked, why)) = r.basemap_missing {
                eprintln!("warning: {missing} of {asked} basemap tiles missing: {why}");
            }
            println!("{}", out.display());
            0
        }
        Err(e) => fail(1, e),
    }
}
