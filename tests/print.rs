//! Print layouts (专题制图): page sizes and the resolution recorded in the files, the scale bar's
//! truth on the ellipsoid, extractable Chinese in the PDF, SVG text, marks printed where they
//! were drawn, and the command line's errors.

mod basemap_common;
mod common;

use std::path::Path;
use std::process::{Command, Output};

use geo::{Distance, Geodesic, Point};
use kuiwen_atlas::basemap::MapProjection;
use kuiwen_atlas::io::embedded;
use kuiwen_atlas::model::Layer;
use kuiwen_atlas::model::layout::{PageSetup, PrintSettings};
use kuiwen_atlas::model::marks::Marks;
use kuiwen_atlas::print::{Extent, Format, PrintJob, print_bytes};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kuiwen-atlas")
}

fn render(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["render", "--basemap", "none", "--timeout", "20"])
        .args(args)
        .env("KUIWEN_CACHE_DIR", dir.join("cache"))
        .env("KUIWEN_CONFIG_DIR", dir.join("config"))
        .env("KUIWEN_DATA_DIR", dir.join("data"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn log(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The JFIF header's density: (unit, x, y).
fn jfif_density(bytes: &[u8]) -> (u8, u16, u16) {
    let at = bytes.windows(5).position(|w| w == b"JFIF\0").unwrap_or_else(|| panic!("no JFIF header"));
    let d = &bytes[at + 7..at + 12];
    (d[0], u16::from_be_bytes([d[1], d[2]]), u16::from_be_bytes([d[3], d[4]]))
}

/// The PNG's `pHYs` chunk: pixels per unit x and y, and the unit (1 = metre).
fn png_phys(bytes: &[u8]) -> (u32, u32, u8) {
    let at = bytes.windows(4).position(|w| w == b"pHYs").unwrap_or_else(|| panic!("no pHYs chunk"));
    let d = &bytes[at + 4..at + 13];
    (u32::from_be_bytes([d[0], d[1], d[2], d[3]]), u32::from_be_bytes([d[4], d[5], d[6], d[7]]), d[8])
}

#[test]
fn an_a3_landscape_at_300_dpi_is_4961_by_3508_with_300_dpi_in_the_file() {
    let dir = common::temp_dir();
    let jpg = dir.path().join("奎文区规划图.jpg");
    let done = render(dir.path(), &["--layout", "A3-landscape", "--dpi", "300", "--out", &jpg.to_string_lossy()]);
    assert!(done.status.success(), "{}", log(&done));
    let bytes = std::fs::read(&jpg).unwrap();
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (4961, 3508));
    assert_eq!(jfif_density(&bytes), (1, 300, 300), "JFIF density in dots per inch");
    // The same page as PNG records 300 dpi as 11 811 pixels per metre.
    let png = dir.path().join("page.png");
    let done = render(dir.path(), &["--layout", "A3", "--dpi", "300", "--out", &png.to_string_lossy()]);
    assert!(done.status.success(), "{}", log(&done));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_phys(&bytes), (11811, 11811, 1));
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (4961, 3508));
    // Not a blank page: the title's ink at the top centre, the map's colours in the frame.
    let dark = (1800..3200)
        .flat_map(|x| (80..300).map(move |y| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0[0] < 80)
        .count();
    assert!(dark > 5_000, "the title is printed ({dark} dark pixels)");
    let colored = (500..4500)
        .step_by(7)
        .flat_map(|x| (600..3000).step_by(7).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = img.get_pixel(x, y).0;
            p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0) > 60
        })
        .count();
    assert!(colored > 2_000, "the layers are printed ({colored} coloured samples)");
}

fn embedded_layers() -> Vec<Layer> {
    embedded::load_all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"))
}

fn job<'a>(settings: &'a PrintSettings, layers: &'a [Layer], marks: &'a Marks, extent: Extent) -> PrintJob<'a> {
    PrintJob {
        settings,
        layers: layers.iter().collect(),
        marks,
        extent,
        projection: MapProjection::WebMercator,
        english: false,
        sources: vec!["测试数据".to_owned()],
        today: "2026年12月2日".to_owned(),
        big_layers_as_images: false,
    }
}

/// Web Mercator's inverse, written out here rather than taken from the app.
fn norm_to_lon_lat(x: f64, y: f64) -> (f64, f64) {
    let lon = x * 360.0 - 180.0;
    let lat = (std::f64::consts::PI * (1.0 - 2.0 * y)).sinh().atan().to_degrees();
    (lon, lat)
}

#[test]
fn a_one_kilometre_scale_bar_measures_one_kilometre_on_the_ground_within_one_percent() {
    let layers = embedded_layers();
    let marks = Marks::default();
    for (page, denominator, expect_m) in [("A4-landscape", 20_000.0, 1000.0), ("A3-landscape", 12_500.0, 1000.0)] {
        let mut settings = PrintSettings { page: PageSetup::parse(page, 300).unwrap(), ..Default::default() };
        settings.layout = settings.template("简洁").unwrap();
        let extent = Extent::Scale { center_lon_lat: [119.16, 36.70], denominator };
        let j = job(&settings, &layers, &marks, extent);
        let (bytes, report) = print_bytes(&j, None, Format::Png).unwrap();
        let bar = report.info.scale_bar.unwrap_or_else(|| panic!("no scale bar"));
        assert_eq!(bar.length_m, expect_m, "{page} at 1:{denominator}: a {} m bar", bar.length_m);
        // The bar's paper length, read from the pixels: the black outline along its bottom edge,
        // from its left end until the page turns white.
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let px_per_mm = 300.0 / 25.4;
        let y = (bar.start_mm[1] as f64 * px_per_mm) as u32;
        let x0 = (bar.start_mm[0] as f64 * px_per_mm) as u32 - 3;
        let mut x = x0;
        while x < img.width() - 1 && img.get_pixel(x, y).0[0] >= 128 {
            x += 1;
        }
        let left = x;
        while x < img.width() - 1 && img.get_pixel(x, y).0[0] < 128 {
            x += 1;
        }
        let (x0, x1) = (left, x);
        let measured_mm = (x1 - x0) as f64 / px_per_mm;
        assert!(
            (measured_mm - bar.length_mm as f64).abs() < 0.5,
            "{page}: the bar is {measured_mm:.2} mm on the page, {} mm in the layout",
            bar.length_mm
        );
        // Its two ends on the ground, by the frame's projection written out here, and the
        // geodesic between them.
        let f = report.info.frame;
        let [fx, fy, fw, fh] = f.rect_mm;
        let to_norm = |mm: [f32; 2]| {
            (
                f.center_norm[0] + (mm[0] as f64 - fx as f64 - fw as f64 / 2.0) * f.norm_per_mm,
                f.center_norm[1] + (mm[1] as f64 - fy as f64 - fh as f64 / 2.0) * f.norm_per_mm,
            )
        };
        // Measured at the frame's centre line, where the printed scale is stated.
        let mid_y = fy + fh / 2.0;
        let cx = fx + fw / 2.0;
        let a = to_norm([cx - bar.length_mm / 2.0, mid_y]);
        let b = to_norm([cx + bar.length_mm / 2.0, mid_y]);
        let (a, b) = (norm_to_lon_lat(a.0, a.1), norm_to_lon_lat(b.0, b.1));
        let ground_m = Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
        let err = (ground_m - bar.length_m).abs() / bar.length_m;
        assert!(
            err < 0.01,
            "{page}: the {} m bar spans {ground_m:.1} m on the ground ({:.2} %)",
            bar.length_m,
            err * 100.0
        );
        // And the stated 1:N is the one asked for.
        assert!((report.info.scale_denominator - denominator).abs() / denominator < 0.001);
    }
}

#[test]
fn the_pdf_is_vector_with_the_font_embedded_and_its_chinese_extractable() {
    let dir = common::temp_dir();
    let pdf = dir.path().join("规划图.pdf");
    let done = render(
        dir.path(),
        &[
            "--layout",
            "A3-landscape",
            "--out",
            &pdf.to_string_lossy(),
            "--author",
            "奎文区自然资源局",
            "--title",
            "奎文区四大片区规划图",
        ],
    );
    assert!(done.status.success(), "{}", log(&done));
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils): {e}"));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    for want in [
        "奎文区四大片区规划图",
        "制图单位：奎文区自然资源局",
        "制图日期",
        "四大片区",
        "比例尺",
        "数据来源",
        "OpenStreetMap",
    ] {
        assert!(text.contains(want), "{want:?} is not in the PDF's text:\n{text}");
    }
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap_or_else(|e| panic!("pdffonts: {e}"));
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let noto = fonts.lines().find(|l| l.contains("NotoSans")).unwrap_or_else(|| panic!("no Noto Sans in\n{fonts}"));
    let cols: Vec<&str> = noto.split_whitespace().collect();
    // name, type…, encoding, emb, sub, uni: embedded, subset, with a Unicode map.
    assert_eq!(&cols[cols.len() - 5..cols.len() - 2], &["yes", "yes", "yes"], "{noto}");
    // Vector: the page is small, not a 300-dpi picture of itself.
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 3_000_000, "{size} bytes");
    // pdftoppm draws it: the page is A3 landscape.
    let png_base = dir.path().join("page");
    let drawn =
        Command::new("pdftoppm").args(["-r", "30", "-png", "-singlefile"]).arg(&pdf).arg(&png_base).output().unwrap();
    assert!(drawn.status.success(), "{}", log(&drawn));
    let img = image::open(dir.path().join("page.png")).unwrap();
    // 420 × 297 mm at 30 dpi is 496.1 × 350.8 pixels; pdftoppm rounds up.
    assert!(
        (496..=497).contains(&img.width()) && (351..=352).contains(&img.height()),
        "A3 landscape at 30 dpi: {}×{}",
        img.width(),
        img.height()
    );
}

#[test]
fn the_svg_keeps_text_as_text_on_a_page_in_millimetres() {
    let dir = common::temp_dir();
    let svg = dir.path().join("图.svg");
    let done = render(dir.path(), &["--layout", "A4-portrait", "--out", &svg.to_string_lossy(), "--template", "侧栏"]);
    assert!(done.status.success(), "{}", log(&done));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains(r#"width="210mm" height="297mm" viewBox="0 0 210 297""#), "{}", &text[..300.min(text.len())]);
    assert!(text.contains(">奎文区规划一张图</text>"));
    assert!(text.contains(">图 例</text>"));
    assert!(text.matches("<path").count() > 100, "the layers are vector paths");
}

#[test]
fn a_mark_saved_in_a_workspace_prints_where_it_was_drawn() {
    let dir = common::temp_dir();
    // Two marks in an empty workspace: a red star at the view's centre and a blue square 500 m
    // east of it (500 m at 36.7° N is 0.005 6° of longitude on the ellipsoid, computed below).
    let center = [119.16, 36.70];
    let east = {
        // Step east until the geodesic distance is 500 m.
        let mut lon = center[0];
        while Geodesic.distance(Point::new(center[0], center[1]), Point::new(lon, center[1])) < 500.0 {
            lon += 1e-6;
        }
        lon
    };
    let ws = serde_json::json!({
        "version": 1,
        "layers": [],
        "view": {"center_lon_lat": center, "zoom": 15.0},
        "marks": {"marks": [
            {"id": 1, "geometry": {"kind": "point", "lon_lat": center, "symbol": "star"}, "label": "拟建学校",
             "style": {"color": [220, 0, 0, 255], "fill": [220, 0, 0, 40], "width_mm": 0.5, "symbol_mm": 6.0, "text_pt": 10.0, "dashed": false}},
            {"id": 2, "geometry": {"kind": "point", "lon_lat": [east, center[1]], "symbol": "square"}, "label": "",
             "style": {"color": [0, 0, 220, 255], "fill": [0, 0, 220, 40], "width_mm": 0.5, "symbol_mm": 6.0, "text_pt": 10.0, "dashed": false}}
        ]}
    });
    let path = dir.path().join("标注.kuiwen.json");
    std::fs::write(&path, serde_json::to_string_pretty(&ws).unwrap()).unwrap();
    let png = dir.path().join("marks.png");
    let done = render(
        dir.path(),
        &[
            "--workspace",
            &path.to_string_lossy(),
            "--layout",
            "A4-landscape",
            "--dpi",
            "150",
            "--map-scale",
            "10000",
            "--grid",
            "none",
            "--out",
            &png.to_string_lossy(),
        ],
    );
    assert!(done.status.success(), "{}", log(&done));
    let img = image::open(&png).unwrap().to_rgb8();
    // The standard template's frame is [0.05, 0.115, 0.90, 0.79] of the page: its centre is the
    // view's centre.
    let px_per_mm = 150.0 / 25.4;
    let cx = 297.0 * 0.5 * px_per_mm;
    let cy = 210.0 * (0.115 + 0.79 / 2.0) * px_per_mm;
    let is = |x: f64, y: f64, want: [u8; 3]| {
        let p = img.get_pixel(x.round() as u32, y.round() as u32).0;
        p.iter().zip(want).all(|(a, b)| (*a as i32 - b as i32).abs() < 40)
    };
    assert!(is(cx, cy, [220, 0, 0]), "the red star at the frame's centre: {:?}", img.get_pixel(cx as u32, cy as u32));
    // 500 m at 1:10 000 is 50 mm on paper.
    let bx = cx + 50.0 * px_per_mm;
    assert!(is(bx, cy, [0, 0, 220]), "the blue square 50 mm east: {:?}", img.get_pixel(bx as u32, cy as u32));
    assert!(
        !is(cx + 25.0 * px_per_mm, cy, [0, 0, 220]) && !is(cx + 25.0 * px_per_mm, cy, [220, 0, 0]),
        "nothing between"
    );
}

#[test]
fn bad_layout_arguments_exit_2_and_say_why() {
    let dir = common::temp_dir();
    let out = dir.path().join("x.jpg");
    let o = out.to_string_lossy().into_owned();
    for (args, want) in [
        (vec!["--layout", "B5", "--out", o.as_str()], "A4, A3, A2, A1 or A0"),
        (vec!["--layout", "A0", "--dpi", "1200", "--out", o.as_str()], "lower the dpi"),
        (vec!["--layout", "A3", "--out", "map.bmp"], ".png, .jpg, .pdf or .svg"),
        (vec!["--layout", "A3", "--out", o.as_str(), "--template", "无此模板"], "标准"),
        (vec!["--layout", "A3", "--out", o.as_str(), "--grid", "hex"], "none, graticule or km"),
        (vec!["--layout", "A3"], "--out"),
    ] {
        let done = render(dir.path(), &args);
        assert_eq!(done.status.code(), Some(2), "{args:?}: {}", log(&done));
        assert!(log(&done).contains(want), "{args:?}: {}", log(&done));
    }
    assert!(!out.exists(), "nothing is written on bad arguments");
}

/// The print window, driven by its labels: open with Ctrl+P, pick a template, drag the legend on
/// the preview, export a PDF; the set-up is saved in the workspace and comes back.
#[test]
fn the_print_window_exports_and_its_layout_is_saved_in_the_workspace() {
    use egui::{Modifiers, Pos2, vec2};
    use egui_kittest::kittest::Queryable;
    use kuiwen_atlas::app::StartOptions;
    use kuiwen_atlas::basemap::Basemap;
    use kuiwen_atlas::model::layout::Element;
    let dir = common::temp_dir();
    let start = || StartOptions {
        basemap: Some(Basemap::None),
        cache_dir: Some(dir.path().join("cache")),
        config_dir: Some(dir.path().join("config")),
        ..Default::default()
    };
    let mut h = common::harness([1600.0, 1000.0], start());
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::P);
    h.run_steps(3);
    assert!(h.state().print.open, "Ctrl+P opens the print window");
    // The 侧栏 template from the template list.
    h.get_by_label("侧栏").click();
    h.run_steps(3);
    assert_eq!(h.state().print.settings.layout.name, "侧栏");
    // Wait for the preview, then drag the legend down by 40 points.
    common::wait_for(&mut h, "the preview", |a| a.print.settings.layout.rect(Element::Legend).is_some());
    let preview = h.get_by_label("出图预览").rect();
    let before = h.state().print.settings.layout.rect(Element::Legend).unwrap_or_default();
    let from = Pos2::new(
        preview.left() + (before[0] + before[2] / 2.0) * preview.width(),
        preview.top() + (before[1] + before[3] / 2.0) * preview.height(),
    );
    let to = from + vec2(0.0, 40.0);
    common::drag(&mut h, from, to, 8, 3);
    let after = h.state().print.settings.layout.rect(Element::Legend).unwrap_or_default();
    let moved = (after[1] - before[1]) * preview.height();
    assert!(
        (moved - 40.0).abs() < 4.0 && (after[0] - before[0]).abs() < 0.005,
        "the legend moved {moved} pt down: {before:?} → {after:?}"
    );
    // Export a PDF by the button.
    let pdf = dir.path().join("出图.pdf");
    h.state_mut().print.out_path = pdf.display().to_string();
    h.run_steps(2);
    h.get_by_label("导出").click();
    h.run_steps(2);
    common::wait_for(&mut h, "the export", |a| a.print.last_result.is_some());
    let (ok, text) = h.state().print.last_result.clone().unwrap_or_default();
    assert!(ok, "{text}");
    assert!(text.contains("已写出") && text.contains("1:"), "{text}");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    common::wait_for(&mut h, "the preview of the moved legend", |a| a.print.preview_ready());
    common::save_image(&mut h, "print_window");
    // Saved in the workspace, and reopened as saved.
    let ws = h.state().to_workspace();
    assert_eq!(ws.print.layout.name, "侧栏");
    assert_eq!(ws.print.layout.rect(Element::Legend), Some(after));
    let path = dir.path().join("出图.kuiwen.json");
    ws.save(&path).unwrap();
    let mut h2 = common::harness([1200.0, 800.0], StartOptions { workspace: Some(path), ..start() });
    common::wait_for(&mut h2, "the workspace", |a| a.print.settings.layout.name == "侧栏");
    assert_eq!(h2.state().print.settings.layout.rect(Element::Legend), Some(after));
}

/// The basemap under the frame comes from a real tile server on loopback, through the app's own
/// sources and disk cache; a server that fails leaves a page with the layers and a warning.
#[test]
fn the_basemap_is_printed_under_the_frame_from_a_tile_server() {
    use basemap_common::{Mode, TileServer};
    let dir = common::temp_dir();
    let server = TileServer::start(Mode::Ok, [30, 160, 200]);
    let ws = serde_json::json!({"version": 1, "layers": [], "view": {"center_lon_lat": [119.16, 36.70], "zoom": 14.0}});
    let path = dir.path().join("empty.kuiwen.json");
    std::fs::write(&path, ws.to_string()).unwrap();
    let png = dir.path().join("basemap.png");
    let run = |png: &Path| {
        Command::new(bin())
            .args([
                "render",
                "--timeout",
                "20",
                "--basemap",
                &server.template(),
                "--workspace",
                &path.to_string_lossy(),
            ])
            .args(["--layout", "A4-landscape", "--dpi", "150", "--map-scale", "10000", "--grid", "none"])
            .arg("--out")
            .arg(png)
            .env("KUIWEN_CACHE_DIR", dir.path().join("cache"))
            .env("KUIWEN_CONFIG_DIR", dir.path().join("config"))
            .env("KUIWEN_DATA_DIR", dir.path().join("data"))
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let done = run(&png);
    assert!(done.status.success(), "{}", log(&done));
    let img = image::open(&png).unwrap().to_rgb8();
    let px_per_mm = 150.0 / 25.4;
    let at = |x_mm: f64, y_mm: f64| img.get_pixel((x_mm * px_per_mm) as u32, (y_mm * px_per_mm) as u32).0;
    // Inside the frame, clear of the furniture: the tiles' colour. Outside it: white paper.
    assert_eq!(at(148.5, 100.0), [30, 160, 200], "the basemap inside the frame");
    assert_eq!(at(148.5, 15.0), [255, 255, 255], "white paper above the frame");
    let paths = server.paths();
    assert!(!paths.is_empty());
    // The window's map asked for its own zoom while loading; the print asked for z16, where a
    // tile pixel at 1:10 000 is a 1/96-inch screen pixel on paper (log2 of the world's width in
    // such pixels over 256 is 15.5 at 36.7° N), and enough of them to cover 267 × 166 mm.
    let z16 = paths.iter().filter(|p| p.trim_start_matches('/').starts_with("16/")).count();
    assert!(z16 >= 12, "{z16} tiles at z16: {paths:?}");
    // A server that answers 500: the page is written, without tiles, and says so.
    server.set_mode(Mode::ServerError);
    let _ = std::fs::remove_dir_all(dir.path().join("cache"));
    let png2 = dir.path().join("no-basemap.png");
    let done = run(&png2);
    assert!(done.status.success(), "{}", log(&done));
    assert!(log(&done).contains("basemap tiles missing"), "{}", log(&done));
    let img = image::open(&png2).unwrap().to_rgb8();
    assert_eq!(img.get_pixel((148.5 * px_per_mm) as u32, (100.0 * px_per_mm) as u32).0, [255, 255, 255]);
}
