//! Briefing mode: presenting with the keys a clicker sends, slide editing, workspaces keeping the
//! briefing, and images (PNG, PDF) from the one off-screen rendering path — by the `render`
//! command and by the app's own export.

mod common;

use std::process::Command;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::briefing_panel::{ExportKind, start_export};
use kuiwen_atlas::app::present::slide_target;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::{Basemap, MapProjection};
use kuiwen_atlas::render::MapView;

const BIN: &str = env!("CARGO_BIN_EXE_kuiwen-atlas");

fn harness() -> Harness<'static, AtlasApp> {
    let mut h = Harness::builder().with_size([1400.0, 900.0]).wgpu().build_eframe(|cc| {
        AtlasApp::new(&cc.egui_ctx, None, StartOptions { basemap: Some(Basemap::None), ..Default::default() })
    });
    h.run_steps(3);
    h
}

fn press(h: &mut Harness<'static, AtlasApp>, key: Key) {
    h.key_press(key);
    // Several frames: the fly between slides is animated.
    h.run_steps(20);
}

#[test]
fn f5_presents_the_briefing_and_the_clicker_keys_move_through_it() {
    let mut h = harness();
    assert!(h.query_by_label("搜索").is_some(), "the top bar is there before presenting");
    press(&mut h, Key::F5);
    assert_eq!(h.state().presenting_slide(), Some(0));
    h.get_by_label("奎文区规划一张图");
    assert!(h.query_by_label("搜索").is_none(), "panels are hidden while presenting");
    h.get_by_label("1 / 5");

    let captions = [
        (Key::ArrowRight, "四大开发片区", 1),
        (Key::PageDown, "南部新城与15分钟生活圈", 2),
        (Key::Space, "产业与文创园区", 3),
        (Key::ArrowRight, "社区网格化治理体系", 4),
        (Key::ArrowRight, "社区网格化治理体系", 4), // the last slide stays
        (Key::ArrowLeft, "产业与文创园区", 3),
        (Key::PageUp, "南部新城与15分钟生活圈", 2),
    ];
    for (key, caption, index) in captions {
        press(&mut h, key);
        h.get_by_label(caption);
        assert_eq!(h.state().presenting_slide(), Some(index), "after {key:?}");
        h.get_by_label(&format!("{} / 5", index + 1));
    }
    // The slide's figures are under the caption, and its layers are the ones shown.
    h.get_by_label_contains("30.0 km²");
    let visible: Vec<&str> =
        h.state().layers.iter().filter(|e| e.layer.visible).map(|e| e.layer.key.as_str()).collect();
    assert!(visible.contains(&"southern_new_town") && !visible.contains(&"grids"), "{visible:?}");

    // The parks slide selects the park with the largest investment: its card shows its figures.
    press(&mut h, Key::Space);
    h.get_by_label("齐鲁创智园");
    h.get_by_label_contains("总投资30亿元");

    // Projector settings: high contrast and larger text, from the keyboard.
    let text = h.state().persisted.present.text_scale;
    press(&mut h, Key::H);
    press(&mut h, Key::Plus);
    assert!(h.state().persisted.present.high_contrast);
    assert!(h.state().persisted.present.text_scale > text);
    assert!(h.state().overlay_text_scale() > 1.0, "the map's legend and labels grow while presenting");

    press(&mut h, Key::Escape);
    assert_eq!(h.state().presenting_slide(), None);
    assert_eq!(h.state().overlay_text_scale(), 1.0, "normal text size after presenting");
    assert!(h.query_by_label("产业与文创园区").is_none(), "the caption is gone");
    h.get_by_label("搜索");
}

#[test]
fn the_fly_between_slides_ends_on_the_slide_view_and_the_presenter_can_come_back() {
    let mut h = harness();
    press(&mut h, Key::F5);
    press(&mut h, Key::ArrowRight);
    let rect = h.state().last_view().map(|v| v.rect).unwrap_or_else(|| panic!("no view"));
    let slide = h.state().slides()[1].clone();
    let (zoom, center) = slide_target(&slide, rect, MapProjection::WebMercator);
    // Let the fly finish.
    h.run_steps(30);
    let v = h.state().last_view().unwrap_or_else(|| panic!("no view"));
    assert!((v.zoom - zoom).abs() < 0.01, "zoom {} vs {zoom}", v.zoom);
    let here = v.screen_to_lon_lat(v.rect.center());
    assert!(
        (here.lon_deg - center.lon_deg).abs() < 1e-5 && (here.lat_deg - center.lat_deg).abs() < 1e-5,
        "{here:?} vs {center:?}"
    );
    // Zoom in freely, then B brings the slide's view back.
    h.state_mut().set_zoom(zoom + 2.0);
    h.run_steps(2);
    press(&mut h, Key::B);
    h.run_steps(30);
    let v = h.state().last_view().unwrap_or_else(|| panic!("no view"));
    assert!((v.zoom - zoom).abs() < 0.01, "back to the slide: {} vs {zoom}", v.zoom);
    assert_eq!(h.state().presenting_slide(), Some(1));
}

#[test]
fn slides_are_added_reordered_deleted_and_kept_in_the_workspace() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let mut h = harness();
    h.get_by_label("简报").click();
    h.run_steps(3);
    let n = h.state().slides().len();
    h.get_by_label("添加当前视图").click();
    h.run_steps(3);
    assert_eq!(h.state().slides().len(), n + 1);
    let added = h.state().slides()[n].clone();
    assert_eq!(added.title, format!("视图 {}", n + 1));
    assert!(added.layers.as_ref().is_some_and(|l| l.len() == h.state().layers.len()), "layers kept on the slide");
    // Move it up one place, then delete the first slide.
    h.get_all_by_label("↑").nth(n).unwrap_or_else(|| panic!("no up button")).click();
    h.run_steps(3);
    assert_eq!(h.state().slides()[n - 1].title, added.title);
    h.get_all_by_label("删除").next().unwrap_or_else(|| panic!("no delete button")).click();
    h.run_steps(3);
    assert_eq!(h.state().slides().len(), n);
    assert_eq!(h.state().slides()[n - 2].title, added.title);

    let ws = dir.join("brief.kuiwen.json");
    h.state_mut().save_workspace(&ws);
    let saved = kuiwen_atlas::io::workspace::Workspace::load(&ws).unwrap_or_else(|e| panic!("{e}"));
    same_slides(&saved.bookmarks, h.state().slides());

    let mut h2 = harness();
    h2.state_mut().open_workspace(&ws);
    h2.run_steps(3);
    same_slides(h2.state().slides(), h.state().slides());
}

/// Equal slides, up to the last bit of a coordinate written to JSON and read back.
fn same_slides(a: &[kuiwen_atlas::model::briefing::Slide], b: &[kuiwen_atlas::model::briefing::Slide]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!((&x.title, &x.notes, &x.layers, &x.selected), (&y.title, &y.notes, &y.layers, &y.selected));
        assert!((x.center_lon_lat[0] - y.center_lon_lat[0]).abs() < 1e-9 && (x.zoom - y.zoom).abs() < 1e-9);
    }
}

fn run_render(args: &[&str]) -> std::process::Output {
    let out = Command::new(BIN).arg("render").args(args).output().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "render {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn is_district_red(p: &image::Rgba<u8>) -> bool {
    p[0] > 170 && p[1] < 70 && p[2] < 90
}

/// Where the development districts' box falls in an image of `size` showing slide 2.
fn district_box_on_image(size: [f32; 2], scale: f32, name: &str) -> egui::Rect {
    let layers = kuiwen_atlas::io::embedded::load_all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
    let refs: Vec<_> = layers.iter().collect();
    let slides = kuiwen_atlas::analysis::briefing::builtin_briefing(&refs);
    let rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(size[0] / scale, size[1] / scale));
    let (zoom, center) = slide_target(&slides[1], rect, MapProjection::WebMercator);
    let view = MapView::new(rect, center, zoom, MapProjection::WebMercator);
    let districts = layers.iter().find(|l| l.key == "development_districts").unwrap_or_else(|| panic!("no layer"));
    let f = districts.features.iter().find(|f| f.name() == Some(name)).unwrap_or_else(|| panic!("no {name}"));
    let b = f.bbox.unwrap_or_else(|| panic!("no bbox"));
    let a = view.lon_lat_to_screen([b[0], b[1]]) * scale;
    let c = view.lon_lat_to_screen([b[2], b[3]]) * scale;
    egui::Rect::from_two_pos(a, c)
}

fn red_in(img: &image::RgbaImage, r: egui::Rect) -> usize {
    let r = r.expand(3.0);
    img.enumerate_pixels()
        .filter(|(x, y, p)| r.contains(egui::pos2(*x as f32, *y as f32)) && is_district_red(p))
        .count()
}

#[test]
fn render_draws_the_slide_at_the_requested_size_with_the_layers_in_place() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let out = dir.join("slide2.png");
    run_render(&["--basemap", "none", "--slide", "2", "--size", "960x540", "--out", out.to_str().unwrap_or("")]);
    let img = image::open(&out).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    assert_eq!(img.dimensions(), (960, 540));
    let colours: std::collections::HashSet<[u8; 4]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 200, "a real picture, not a uniform image: {} colours", colours.len());

    // Each district's outline is where the slide's view puts it, and nowhere else is red.
    let mut inside = 0;
    for name in ["老市府片区", "三王一马片区", "文化南路片区", "白浪河片区"] {
        let r = district_box_on_image([960.0, 540.0], 1.0, name);
        let n = red_in(&img, r);
        assert!(n > 40, "{name}: {n} red outline pixels in {r:?}");
        inside += n;
    }
    let total = img.pixels().filter(|p| is_district_red(p)).count();
    assert!(inside * 10 >= total * 9, "red drawn outside the districts: {inside} of {total}");

    // The caption band is at the top, in its colour, with the title's white text on it.
    let band: Vec<_> = (0..960).map(|x| img.get_pixel(x, 4)).collect();
    assert!(band.iter().all(|p| p[2] > p[0] && p[0] < 60), "caption band at the top");
}

#[test]
fn render_at_2x_doubles_the_pixels_and_the_default_is_1920x1080() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let a = dir.join("default.png");
    let b = dir.join("print.png");
    run_render(&["--basemap", "none", "--out", a.to_str().unwrap_or("")]);
    run_render(&[
        "--basemap",
        "none",
        "--slide",
        "2",
        "--size",
        "800x450",
        "--scale",
        "2",
        "--out",
        b.to_str().unwrap_or(""),
    ]);
    let a = image::open(&a).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    assert_eq!(a.dimensions(), (1920, 1080));
    let b = image::open(&b).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    assert_eq!(b.dimensions(), (1600, 900));
    let r = district_box_on_image([1600.0, 900.0], 2.0, "老市府片区");
    assert!(red_in(&b, r) > 80, "the 2× image has the district where the 1× layout puts it, doubled");
}

#[test]
fn every_slide_becomes_a_numbered_png_and_a_pdf_page() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let pngs = dir.join("slides");
    let pdf = dir.join("briefing.pdf");
    let out = run_render(&[
        "--basemap",
        "none",
        "--all-slides",
        "--size",
        "640x360",
        "--out",
        pngs.to_str().unwrap_or(""),
        "--pdf",
        pdf.to_str().unwrap_or(""),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&pngs)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "01-奎文区规划一张图.png",
            "02-四大开发片区.png",
            "03-南部新城与15分钟生活圈.png",
            "04-产业与文创园区.png",
            "05-社区网格化治理体系.png"
        ],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Different slides are different maps, not only different captions: compared in the middle
    // of the picture, away from the title and the caption.
    let open = |n: &str| image::open(pngs.join(n)).unwrap_or_else(|e| panic!("{n}: {e}")).to_rgba8();
    let (first, second) = (open(&names[0]), open(&names[1]));
    assert_eq!(first.dimensions(), (640, 360));
    let (mut differing, mut total) = (0usize, 0usize);
    for y in 90..270 {
        for x in 64..576 {
            total += 1;
            let (a, b) = (first.get_pixel(x, y), second.get_pixel(x, y));
            if (0..3).any(|c| a[c].abs_diff(b[c]) > 24) {
                differing += 1;
            }
        }
    }
    assert!(differing * 20 > total, "the maps of slides 1 and 2 differ in only {differing} of {total} middle pixels");
    let doc = lopdf::Document::load(&pdf).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.get_pages().len(), 5, "one page per slide");
}

#[test]
fn render_refuses_bad_arguments_with_a_clear_message() {
    for (args, says) in [
        (vec!["--out", "/tmp/x.png", "--size", "big"], "expected WxH"),
        (vec!["--out", "/tmp/x.png", "--slide", "9", "--basemap", "none"], "slide 9 does not exist"),
        (vec!["--out", "/tmp/x.png", "--size", "10x10"], "16 to 8192"),
        (vec!["--slide", "1"], "nothing to write"),
    ] {
        let out = Command::new(BIN).arg("render").args(&args).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

fn wait_for_export(h: &mut Harness<'static, AtlasApp>) {
    let started = std::time::Instant::now();
    while h.state().export_running() {
        assert!(started.elapsed().as_secs() < 120, "export did not finish");
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.run_steps(1);
    }
}

#[test]
fn the_apps_own_export_writes_the_current_view_and_the_whole_briefing() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let mut h = harness();
    h.state_mut().persisted.present.export_size_px = [800, 450];
    // The current view is the districts slide's, and the export shows what is on screen.
    h.state_mut().go_to_slide(1, false);
    h.run_steps(4);
    let png = dir.join("view.png");
    start_export(h.state_mut(), ExportKind::CurrentView(png.clone()));
    wait_for_export(&mut h);
    let img = image::open(&png).unwrap_or_else(|e| panic!("{e}: {:?}", h.state().notices)).to_rgba8();
    assert_eq!(img.dimensions(), (800, 450));
    assert!(img.pixels().filter(|p| is_district_red(p)).count() > 100, "the districts are on the exported view");

    let pdf = dir.join("b.pdf");
    start_export(h.state_mut(), ExportKind::Pdf(pdf.clone()));
    wait_for_export(&mut h);
    let doc = lopdf::Document::load(&pdf).unwrap_or_else(|e| panic!("{e}: {:?}", h.state().notices));
    assert_eq!(doc.get_pages().len(), h.state().slides().len());
    assert!(h.state().notices.iter().any(|n| !n.error && n.text.contains("b.pdf")), "the user is told");
}

#[test]
fn render_waits_for_the_raster_tiles_of_a_big_layer() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    // Over the raster threshold: this layer is drawn from tiles rendered on worker threads.
    let city = dir.join("city.geojson");
    std::fs::write(&city, kuiwen_atlas::io::synthetic::city_bytes(30_000, 500)).unwrap_or_else(|e| panic!("{e}"));
    let (with, without) = (dir.join("with.png"), dir.join("without.png"));
    let args = ["--basemap", "none", "--size", "800x450", "--title", "城市"];
    let mut a: Vec<&str> = args.to_vec();
    a.extend(["--out", with.to_str().unwrap_or(""), city.to_str().unwrap_or("")]);
    run_render(&a);
    let mut b: Vec<&str> = args.to_vec();
    b.extend(["--out", without.to_str().unwrap_or("")]);
    run_render(&b);
    let with = image::open(&with).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    let without = image::open(&without).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    // The middle of the map, clear of the caption, legend and credits.
    let mut changed = 0;
    let mut total = 0;
    for y in 150..380 {
        for x in 250..650 {
            total += 1;
            let (p, q) = (with.get_pixel(x, y), without.get_pixel(x, y));
            if (0..3).any(|c| (p[c] as i32 - q[c] as i32).abs() > 24) {
                changed += 1;
            }
        }
    }
    // The district outline frames the view, so the dense centre is a part of it: a tenth at least
    // (without the raster tiles waited for, none would differ).
    assert!(changed * 10 > total, "the buildings are drawn: {changed} of {total} pixels differ");

    // What the render waits for: the app is not settled while the big layer's tiles render.
    let mut h = Harness::builder().with_size([1400.0, 900.0]).wgpu().build_eframe(|cc| {
        AtlasApp::new(
            &cc.egui_ctx,
            None,
            StartOptions { basemap: Some(Basemap::None), files: vec![city.clone()], ..Default::default() },
        )
    });
    let started = std::time::Instant::now();
    let embedded = kuiwen_atlas::io::embedded::FILES.len();
    while h.state().layers.len() == embedded {
        assert!(started.elapsed().as_secs() < 60, "the city did not load");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    h.step();
    assert!(!h.state().is_settled(), "tiles of the big layer are on their way");
    while !h.state().is_settled() {
        assert!(started.elapsed().as_secs() < 60, "the tiles never arrived");
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
}
