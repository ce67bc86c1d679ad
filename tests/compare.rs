//! 对比分析: the swipe (卷帘) draws one version left of the divider and the other right of it, at
//! 1 and 2 pixels per point; linked split views (分屏) move together; a comparison is saved in a
//! workspace and reopens; `render --compare` writes the views side by side.

mod common;

use std::path::{Path, PathBuf};

use egui::{Event, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::model::compare::{Compare, CompareMode, CompareView};
use kuiwen_atlas::model::{LayerOrigin, Rgba};

/// The first version's fill: red.
const OLD_FILL: [u8; 3] = [220, 40, 40];
/// The second version's fill: blue.
const NEW_FILL: [u8; 3] = [40, 70, 220];
/// Where the test map is centred (Kuiwen District), inside both squares at zoom 12.
const CENTER: [f64; 2] = [119.2, 36.7];

/// A square well beyond the map at zoom 12, named `name`, as GeoJSON.
fn square(dir: &Path, file: &str, name: &str) -> PathBuf {
    let (w, s, e, n) = (118.8, 36.3, 119.6, 37.1);
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"name":"{name}"}},
        "geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#
    );
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// The app on `size` points at `ppp`, with the two squares loaded, styled opaque red and blue, the
/// embedded layers hidden and no basemap. Returns the keys of the old and new layers.
fn app_with_two_versions(dir: &Path, size: [f32; 2], ppp: f32) -> (common::App, String, String) {
    let files = vec![square(dir, "plan2017.geojson", "旧版"), square(dir, "plan2020.geojson", "新版")];
    let start = StartOptions { files, basemap: Some(Basemap::None), ..Default::default() };
    let mut h = Harness::builder()
        .with_size(size)
        .with_pixels_per_point(ppp)
        .wgpu()
        .build_eframe(move |cc| AtlasApp::new(&cc.egui_ctx, None, start));
    h.run();
    common::wait_for(&mut h, "both files", |a| {
        a.layers.iter().filter(|e| matches!(e.layer.origin, LayerOrigin::File { .. })).count() == 2
    });
    let app = h.state_mut();
    let mut keys = Vec::new();
    for e in &mut app.layers {
        let LayerOrigin::File { path } = &e.layer.origin else {
            e.layer.visible = false;
            continue;
        };
        let old = path.ends_with("plan2017.geojson");
        let [r, g, b] = if old { OLD_FILL } else { NEW_FILL };
        e.layer.style.fill = Rgba([r, g, b, 255]);
        e.layer.style.opacity = 1.0;
        e.layer.style.labels = false;
        keys.push((old, e.layer.key.clone()));
        e.generation += 1000;
    }
    keys.sort();
    let (new, old) = (keys[0].1.clone(), keys[1].1.clone());
    app.persisted.show_legend = false;
    app.map.center_at(CENTER, 12.0);
    app.map.pending_fit = None;
    h.run();
    (h, old, new)
}

fn swipe(old: &str, new: &str) -> Compare {
    Compare {
        mode: CompareMode::Swipe,
        views: vec![CompareView::of("2017 版", &[old]), CompareView::of("2020 版", &[new])],
        swipe_position: 0.5,
        ..Default::default()
    }
}

/// The colour at a point (in points) of an image rendered at `ppp` pixels per point.
fn colour_at(img: &image::RgbaImage, p: Pos2, ppp: f32) -> [u8; 3] {
    let px = img.get_pixel((p.x * ppp).round() as u32, (p.y * ppp).round() as u32).0;
    [px[0], px[1], px[2]]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (*x as i32 - y as i32).abs() <= 12)
}

/// Left of the divider the old version, right of it the new one; dragging the divider moves the
/// boundary between them.
fn swipe_shows_each_version_on_its_side(ppp: f32) {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1200.0, 800.0], ppp);
    h.state_mut().compare.start(swipe(&old, &new));
    h.run();
    let rect = h.state().compare.area.expect("the swipe is drawn over the map");
    let y = rect.top() + rect.height() * 0.75;
    let at = |f: f32| Pos2::new(rect.left() + rect.width() * f, y);
    let img = common::save_image(&mut h, &format!("swipe_{ppp}x"));
    assert_eq!(img.width() as f32, 1200.0 * ppp, "rendered at {ppp} pixels per point");
    for f in [0.1, 0.3, 0.45] {
        assert!(near(colour_at(&img, at(f), ppp), OLD_FILL), "at {f} of the width: {:?}", colour_at(&img, at(f), ppp));
    }
    for f in [0.55, 0.7, 0.9] {
        assert!(near(colour_at(&img, at(f), ppp), NEW_FILL), "at {f} of the width: {:?}", colour_at(&img, at(f), ppp));
    }
    // Drag the divider from the middle to 80 % of the width: 70 % now shows the old version.
    common::drag(&mut h, at(0.5), at(0.8), 6, 20);
    let position = h.state().compare.spec.swipe_position;
    assert!((position - 0.8).abs() < 0.01, "the divider is at {position}");
    let img = common::save_image(&mut h, &format!("swipe_dragged_{ppp}x"));
    assert!(near(colour_at(&img, at(0.7), ppp), OLD_FILL), "after the drag: {:?}", colour_at(&img, at(0.7), ppp));
    assert!(near(colour_at(&img, at(0.85), ppp), NEW_FILL), "after the drag: {:?}", colour_at(&img, at(0.85), ppp));
    // The keyboard moves it too: [ steps back by 5 %.
    h.key_press(egui::Key::OpenBracket);
    h.run();
    let position = h.state().compare.spec.swipe_position;
    assert!((position - 0.75).abs() < 0.01, "after [ the divider is at {position}");
    // A click on the new side picks the new version's feature, on the old side the old one's.
    common::click_at(&mut h, at(0.9));
    assert_eq!(h.state().selection.as_ref().map(|s| s.layer.clone()), Some(new.clone()));
    common::click_at(&mut h, at(0.3));
    assert_eq!(h.state().selection.as_ref().map(|s| s.layer.clone()), Some(old.clone()));
}

#[test]
fn swipe_at_one_pixel_per_point() {
    swipe_shows_each_version_on_its_side(1.0);
}

#[test]
fn swipe_at_two_pixels_per_point() {
    swipe_shows_each_version_on_its_side(2.0);
}

#[test]
fn a_horizontal_swipe_puts_the_first_version_above() {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1000.0, 700.0], 1.0);
    h.state_mut().compare.start(Compare { swipe_horizontal: true, swipe_position: 0.4, ..swipe(&old, &new) });
    h.run();
    let rect = h.state().compare.area.expect("drawn");
    let img = common::save_image(&mut h, "swipe_horizontal");
    let at = |f: f32| Pos2::new(rect.left() + rect.width() * 0.8, rect.top() + rect.height() * f);
    assert!(near(colour_at(&img, at(0.3), 1.0), OLD_FILL), "{:?}", colour_at(&img, at(0.3), 1.0));
    assert!(near(colour_at(&img, at(0.5), 1.0), NEW_FILL), "{:?}", colour_at(&img, at(0.5), 1.0));
}

/// A folder of solid green 256-pixel tiles at zoom 12 around Kuiwen: a basemap that needs no
/// network, standing in for imagery.
fn green_tiles(dir: &Path) -> PathBuf {
    let n = 4096.0_f64;
    let x0 = ((CENTER[0] + 180.0) / 360.0 * n) as u32;
    let lat = CENTER[1].to_radians();
    let y0 = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    let root = dir.join("影像瓦片");
    let tile = image::RgbaImage::from_pixel(256, 256, image::Rgba([30, 160, 60, 255]));
    for x in x0 - 4..=x0 + 4 {
        let col = root.join("12").join(x.to_string());
        std::fs::create_dir_all(&col).unwrap_or_else(|e| panic!("{e}"));
        for y in y0 - 4..=y0 + 4 {
            tile.save(col.join(format!("{y}.png"))).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    root
}

#[test]
fn a_swipe_can_put_another_basemap_on_the_second_side() {
    let dir = common::temp_dir();
    let tiles = green_tiles(dir.path());
    let (mut h, old, _) = app_with_two_versions(dir.path(), [1200.0, 800.0], 1.0);
    let imagery = CompareView {
        title: "影像".to_owned(),
        layers: Some(vec![]),
        basemap: Some(tiles.to_string_lossy().into_owned()),
    };
    let c = Compare { views: vec![CompareView::of("规划", &[&old]), imagery], ..swipe(&old, "") };
    h.state_mut().compare.start(c);
    // Tiles arrive from worker threads, each asking for a frame: step, don't wait for calm.
    h.step();
    common::wait_for(&mut h, "the second basemap's tiles", |a| {
        a.map.swipe_tiles.as_ref().is_some_and(
            |(t, _)| matches!(t.status(), kuiwen_atlas::basemap::health::TileStatus::Ok { cached, .. } if cached > 0),
        )
    });
    h.run_steps(5);
    let rect = h.state().compare.area.expect("drawn");
    let at = |f: f32| Pos2::new(rect.left() + rect.width() * f, rect.top() + rect.height() * 0.6);
    let img = common::save_image(&mut h, "swipe_basemap");
    assert!(
        near(colour_at(&img, at(0.25), 1.0), OLD_FILL),
        "the plan on the left: {:?}",
        colour_at(&img, at(0.25), 1.0)
    );
    assert!(
        near(colour_at(&img, at(0.75), 1.0), [30, 160, 60]),
        "imagery on the right: {:?}",
        colour_at(&img, at(0.75), 1.0)
    );
    // The swipe ends: the second basemap is let go.
    h.state_mut().compare.active = false;
    h.run_steps(3);
    assert!(h.state().map.swipe_tiles.is_none());
}

fn split(old: &str, new: &str, linked: bool) -> Compare {
    Compare {
        mode: CompareMode::Split,
        views: vec![CompareView::of("2017 版", &[old]), CompareView::of("2020 版", &[new])],
        linked,
        ..Default::default()
    }
}

/// The centre of the main view and of the second view, lon/lat.
fn centres(app: &AtlasApp) -> ([f64; 2], [f64; 2]) {
    let first = app.map.last_view.expect("the first view was drawn");
    let second = app.compare.extra[0].0.last_view.expect("the second view was drawn");
    (first.screen_to_lon_lat(first.rect.center()).to_array(), second.screen_to_lon_lat(second.rect.center()).to_array())
}

#[test]
fn linked_split_views_pan_together_and_show_the_cursor_cross() {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1400.0, 800.0], 1.0);
    h.state_mut().compare.start(split(&old, &new, true));
    h.run();
    let first = h.state().map.last_view.expect("drawn");
    let second = h.state().compare.extra[0].0.last_view.expect("drawn");
    // Side by side, each about half the map area, at the same place.
    assert!(first.rect.right() <= second.rect.left(), "{:?} {:?}", first.rect, second.rect);
    assert!((first.rect.width() - second.rect.width()).abs() < 2.0);
    let (a, b) = centres(h.state());
    assert!((a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6, "{a:?} {b:?}");
    // Each view draws its own version.
    let img = common::save_image(&mut h, "split_linked");
    let probe = |r: egui::Rect| r.left_top() + vec2(r.width() * 0.3, r.height() * 0.7);
    assert!(near(colour_at(&img, probe(first.rect), 1.0), OLD_FILL), "{:?}", colour_at(&img, probe(first.rect), 1.0));
    assert!(near(colour_at(&img, probe(second.rect), 1.0), NEW_FILL), "{:?}", colour_at(&img, probe(second.rect), 1.0));
    // Dragging the second view 120 points left (well inside it) moves the first view as far east.
    let before = centres(h.state()).0;
    common::drag(&mut h, second.rect.center(), second.rect.center() - vec2(120.0, 0.0), 6, 20);
    h.run();
    let (a, b) = centres(h.state());
    let moved_deg = a[0] - before[0];
    let expected_deg = 120.0 * first.metres_per_point() / (111_320.0 * CENTER[1].to_radians().cos());
    // At least the drag, and a little more: the map glides on after a quick drag (inertia).
    assert!(
        (0.95 * expected_deg..1.5 * expected_deg).contains(&moved_deg),
        "moved {moved_deg}°, dragged {expected_deg}°"
    );
    assert!((a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6, "still together: {a:?} {b:?}");
    // The pointer over the second view shows as a red cross at the same place in the first.
    let second = h.state().compare.extra[0].0.last_view.expect("drawn");
    let pointer = second.rect.center() + vec2(60.0, 40.0);
    h.event(Event::PointerMoved(pointer));
    h.run();
    let first = h.state().map.last_view.expect("drawn");
    let here = second.screen_to_lon_lat(pointer);
    let cross = first.lon_lat_to_screen(here);
    let img = common::save_image(&mut h, "split_cursor_cross");
    let c = colour_at(&img, cross + vec2(8.0, 0.0), 1.0);
    assert!(c[0] > 180 && c[1] < 80 && c[2] < 80, "no red cross at {cross:?} in the first view: {c:?}");
    assert!(!near(colour_at(&img, cross + vec2(8.0, 0.0), 1.0), OLD_FILL) || c != [220, 40, 40]);
}

#[test]
fn unlinked_views_move_alone() {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1400.0, 800.0], 1.0);
    h.state_mut().compare.start(split(&old, &new, false));
    h.run();
    let before = centres(h.state());
    let second = h.state().compare.extra[0].0.last_view.expect("drawn");
    common::drag(&mut h, second.rect.center(), second.rect.center() - vec2(200.0, 0.0), 6, 20);
    let after = centres(h.state());
    assert_eq!(after.0, before.0, "the first view stayed");
    assert!(after.1[0] - before.1[0] > 0.01, "the second moved: {before:?} → {after:?}");
}

#[test]
fn four_views_fill_a_grid_and_the_comparison_reopens_from_a_workspace() {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1280.0, 800.0], 1.0);
    let mut c = split(&old, &new, true);
    c.views.push(CompareView { title: "底图".to_owned(), layers: Some(vec![]), basemap: Some("none".to_owned()) });
    c.views.push(CompareView::default());
    h.state_mut().compare.start(c.clone());
    h.run();
    let app = h.state();
    let area = app.compare.area.expect("drawn");
    let rects: Vec<egui::Rect> = std::iter::once(app.map.last_view.expect("drawn").rect)
        .chain(app.compare.extra.iter().map(|(v, _)| v.last_view.expect("drawn").rect))
        .collect();
    assert_eq!(rects.len(), 4);
    for r in &rects {
        assert!(r.width() > area.width() / 2.0 - 5.0 && r.height() > area.height() / 2.0 - 5.0, "{r:?} of {area:?}");
    }
    assert!(rects[2].top() > rects[0].bottom() && rects[1].left() > rects[0].right(), "a 2×2 grid: {rects:?}");
    // Saved and opened in a fresh app: the same views, titles and layers.
    let path = dir.path().join("对比.kuiwen.json");
    h.state_mut().save_workspace(&path);
    let start = StartOptions { workspace: Some(path), basemap: Some(Basemap::None), ..Default::default() };
    let mut h2 = common::harness_headless([1280.0, 800.0], start);
    common::wait_for(&mut h2, "the workspace's files", |a| {
        a.layers.iter().filter(|e| matches!(e.layer.origin, LayerOrigin::File { .. })).count() == 2
    });
    let reopened = &h2.state().compare;
    assert!(reopened.active, "the comparison is on again");
    assert_eq!(reopened.spec.views.len(), 4);
    assert_eq!(reopened.spec.views[0].title, "2017 版");
    let keys = |a: &AtlasApp, i: usize| a.compare.spec.views[i].layers.clone().unwrap_or_default();
    let name_of = |a: &AtlasApp, k: &str| a.layer(k).map(|e| e.layer.name_zh.clone());
    assert_eq!(keys(h2.state(), 0).len(), 1);
    assert_eq!(name_of(h2.state(), &keys(h2.state(), 0)[0]), name_of(h.state(), &old));
    assert_eq!(reopened.spec.views[2].basemap.as_deref(), Some("none"));
}

#[test]
fn the_comparison_window_starts_a_swipe_by_its_labels() {
    let dir = common::temp_dir();
    let (mut h, _, _) = app_with_two_versions(dir.path(), [1400.0, 900.0], 1.0);
    h.get_by_label("对比").click();
    h.run();
    h.get_by_label("卷帘").click();
    h.run();
    h.get_by_label("开始对比").click();
    h.run();
    assert!(h.state().compare.swiping(), "the swipe is on");
    assert!(h.state().compare.area.is_some());
    h.get_by_label("结束对比").click();
    h.run();
    assert!(!h.state().compare.active);
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kuiwen-atlas")
}

#[test]
fn render_compare_writes_two_views_side_by_side() {
    let dir = common::temp_dir();
    let a = square(dir.path(), "plan2017.geojson", "旧版");
    let out = dir.path().join("对比.png");
    let run = |args: &[&str]| {
        std::process::Command::new(bin())
            .args(["render", "--basemap", "none", "--size", "960x540", "--timeout", "20"])
            .args(args)
            .env("KUIWEN_CACHE_DIR", dir.path().join("cache"))
            .env("KUIWEN_CONFIG_DIR", dir.path().join("config"))
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let a_text = a.to_string_lossy().into_owned();
    let done =
        run(&["--compare", "2017 版=plan2017", "--compare", "街道=街道", "--out", &out.to_string_lossy(), &a_text]);
    let log = format!("{}{}", String::from_utf8_lossy(&done.stdout), String::from_utf8_lossy(&done.stderr));
    assert!(done.status.success(), "{log}");
    let img = image::open(&out).unwrap_or_else(|e| panic!("{e}: {log}")).to_rgba8();
    assert_eq!((img.width(), img.height()), (960, 540));
    // The two halves show different layers: the square fills the left, the subdistricts the right.
    let half = img.width() / 2;
    let differing = (200..img.height())
        .step_by(5)
        .flat_map(|y| (0..half - 10).step_by(5).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y) != img.get_pixel(x + half, y))
        .count();
    assert!(differing > 1000, "the two views look alike ({differing})");
    // A layer that is not open is named, with the ones that are.
    let bad =
        run(&["--compare", "plan2017", "--compare", "nothing-like-this", "--out", &out.to_string_lossy(), &a_text]);
    let text = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(bad.status.code(), Some(1), "{text}");
    assert!(text.contains("nothing-like-this") && text.contains("subdistricts"), "{text}");
    // The same two as a swipe: written, the same size.
    let swiped = dir.path().join("卷帘.png");
    let done = run(&[
        "--compare",
        "plan2017",
        "--compare",
        "街道",
        "--swipe",
        "0.4",
        "--out",
        &swiped.to_string_lossy(),
        &a_text,
    ]);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let img = image::open(&swiped).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    assert_eq!((img.width(), img.height()), (960, 540));
    let three = run(&[
        "--compare",
        "a",
        "--compare",
        "b",
        "--compare",
        "c",
        "--swipe",
        "0.5",
        "--out",
        &swiped.to_string_lossy(),
    ]);
    assert_eq!(three.status.code(), Some(2), "a swipe compares two");
    // One view is not a comparison.
    let one = run(&["--compare", "plan2017", "--out", &out.to_string_lossy(), &a_text]);
    assert_eq!(one.status.code(), Some(2));
}

#[test]
fn a_swipe_slide_sweeps_on_the_clickers_next_then_moves_on_and_the_desk_comes_back() {
    let dir = common::temp_dir();
    let (mut h, old, new) = app_with_two_versions(dir.path(), [1200.0, 800.0], 1.0);
    let app = h.state_mut();
    let mut swipe_slide = app.slide_from_view("2017 与 2020");
    swipe_slide.compare = Some(swipe(&old, &new));
    let plain = app.slide_from_view("全区");
    app.briefing.slides = vec![swipe_slide, plain];
    // At the desk, split views are on; the briefing must not lose them.
    app.compare.start(split(&old, &new, true));
    app.start_presenting(0);
    h.run_steps(3);
    assert!(h.state().compare.swiping(), "the slide's swipe is on");
    // The clicker's next sweeps the divider across first, staying on the slide…
    h.key_press(egui::Key::PageDown);
    h.run_steps(60);
    assert_eq!(h.state().presenting_slide(), Some(0));
    let position = h.state().compare.spec.swipe_position;
    assert!(position < 0.01, "the divider swept to the start: {position}");
    // …and the next one goes on to the next slide, which compares nothing.
    h.key_press(egui::Key::PageDown);
    h.run_steps(3);
    assert_eq!(h.state().presenting_slide(), Some(1));
    assert!(!h.state().compare.active, "the plain slide shows one map");
    // Leaving the briefing gives the desk its split views back.
    h.key_press(egui::Key::Escape);
    h.run_steps(3);
    assert!(h.state().compare.splitting(), "the desk's comparison is back");
}
