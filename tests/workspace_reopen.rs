//! Workspaces reopen as they were saved: the view (also when a big file takes seconds to load),
//! the layers' names, order and visibility (also after a reload of a file), only the embedded
//! layers the workspace lists, and `render --workspace` at the saved centre and zoom.

mod common;

use std::cell::Cell;
use std::f64::consts::PI;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{App, harness_headless, notices, temp_dir, wait_for};
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::watch::absolute;
use kuiwen_atlas::io::workspace::{LayerSource, ViewState, Workspace, WorkspaceLayer};
use kuiwen_atlas::model::{LayerOrigin, Rgba, Style};

const BIN: &str = env!("CARGO_BIN_EXE_kuiwen-atlas");

/// The centre of the synthetic city (where its buildings are densest).
const CENTRE: [f64; 2] = [119.14, 36.70];
/// The street-level zoom the big workspace is saved at.
const ZOOM: f64 = 17.0;
/// How far from the centre the ring markers are, in pixels at [`ZOOM`].
const RING_PX: f64 = 150.0;
/// Half the side of a marker square, in pixels at [`ZOOM`].
const MARKER_HALF_PX: f64 = 12.0;

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn start_with(files: Vec<PathBuf>, workspace: Option<PathBuf>) -> StartOptions {
    StartOptions { basemap: Some(Basemap::None), files, workspace, ..Default::default() }
}

/// The layer read from `path`.
fn layer_of<'a>(app: &'a AtlasApp, path: &Path) -> Option<&'a kuiwen_atlas::app::LayerEntry> {
    let want = absolute(path);
    app.layers.iter().find(|e| matches!(&e.layer.origin, LayerOrigin::File { path } if *path == want))
}

/// (key, Chinese name, visible) of every layer, bottom first.
fn listing(app: &AtlasApp) -> Vec<(String, String, bool)> {
    app.layers.iter().map(|e| (e.layer.key.clone(), e.layer.name_zh.clone(), e.layer.visible)).collect()
}

fn file_entry(path: &Path, name: &str, visible: bool, auto_reload: bool) -> WorkspaceLayer {
    WorkspaceLayer {
        source: LayerSource::File { path: path.to_path_buf() },
        name: name.to_owned(),
        crs: None,
        encoding: None,
        layer: None,
        style: Style::distinct(3),
        visible,
        auto_reload,
    }
}

fn embedded_entry(file: &str, name: &str, visible: bool) -> WorkspaceLayer {
    WorkspaceLayer {
        source: LayerSource::Embedded { file: file.to_owned() },
        ..file_entry(Path::new(""), name, visible, true)
    }
}

// ---------------------------------------------------------------------------------------------
// Web Mercator at a zoom level, to place markers a known number of pixels from the centre
// ---------------------------------------------------------------------------------------------

fn world_px(zoom: f64) -> f64 {
    256.0 * 2f64.powf(zoom)
}

fn to_px(lon_lat: [f64; 2], zoom: f64) -> [f64; 2] {
    let w = world_px(zoom);
    let lat = lon_lat[1].to_radians();
    [(lon_lat[0] + 180.0) / 360.0 * w, (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * w]
}

fn to_lon_lat(px: [f64; 2], zoom: f64) -> [f64; 2] {
    let w = world_px(zoom);
    [px[0] / w * 360.0 - 180.0, (PI * (1.0 - 2.0 * px[1] / w)).sinh().atan().to_degrees()]
}

/// Squares of `MARKER_HALF_PX` around points `offsets` pixels from the centre at [`ZOOM`].
fn markers(offsets: &[[f64; 2]]) -> String {
    let c = to_px(CENTRE, ZOOM);
    let features: Vec<String> = offsets
        .iter()
        .enumerate()
        .map(|(i, [dx, dy])| {
            let h = MARKER_HALF_PX;
            let corner = |sx: f64, sy: f64| {
                let [lon, lat] = to_lon_lat([c[0] + dx + sx * h, c[1] + dy + sy * h], ZOOM);
                format!("[{lon:.9},{lat:.9}]")
            };
            let ring = [corner(-1., 1.), corner(1., 1.), corner(1., -1.), corner(-1., -1.), corner(-1., 1.)];
            format!(
                r#"{{"type":"Feature","properties":{{"name":"标记{i}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                ring.join(",")
            )
        })
        .collect();
    format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","))
}

fn solid(rgb: [u8; 3]) -> Style {
    let c = Rgba::rgb(rgb[0], rgb[1], rgb[2]);
    Style { fill: c, stroke: c, opacity: 1.0, labels: false, ..Style::default() }
}

/// The app stepped until nothing is loading or being drawn for a few frames.
fn settle(h: &mut App) {
    let calm = Cell::new(0);
    wait_for(h, "the app to settle", |a| {
        calm.set(if a.is_settled() { calm.get() + 1 } else { 0 });
        calm.get() >= 3
    });
}

/// The big round trip: a 200,000-feature file and two small marker files, saved at zoom 17 with
/// the embedded layers hidden; reopened in the app and rendered by `render --workspace`.
#[test]
fn a_big_file_saved_at_zoom_17_reopens_at_zoom_17_in_the_app_and_in_render() {
    let began = Instant::now();
    let tmp = temp_dir();
    let dir = tmp.path();
    let city = dir.join("city.geojson");
    {
        let file = std::fs::File::create(&city).unwrap_or_else(|e| panic!("{e}"));
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        kuiwen_atlas::io::synthetic::write_city(&mut w, 200_000, 0).unwrap_or_else(|e| panic!("{e}"));
        w.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    let size_mb = std::fs::metadata(&city).map(|m| m.len()).unwrap_or(0) / 1_000_000;
    let centre = dir.join("centre.geojson");
    write(&centre, &markers(&[[0.0, 0.0]]));
    let ring = dir.join("ring.geojson");
    write(&ring, &markers(&[[RING_PX, 0.0], [-RING_PX, 0.0], [0.0, -RING_PX]]));

    // ---- Open, style, name, look at the street, save ----
    let mut h = harness_headless([1280.0, 800.0], start_with(vec![city.clone(), ring.clone(), centre.clone()], None));
    wait_for(&mut h, "the three files", |a| [&city, &ring, &centre].iter().all(|p| layer_of(a, p).is_some()));
    settle(&mut h);
    let loaded_at = began.elapsed();
    {
        let app = h.state_mut();
        // The files arrived in any order: the city at the bottom, the ring, the centre on top.
        for p in [&city, &ring, &centre] {
            let origin = LayerOrigin::File { path: absolute(p) };
            let at = app.layers.iter().position(|e| e.layer.origin == origin);
            let e = app.layers.remove(at.unwrap_or_else(|| panic!("no layer of {}", p.display())));
            app.layers.push(e);
        }
        for e in &mut app.layers {
            match &e.layer.origin {
                LayerOrigin::Embedded { .. } => e.layer.visible = false,
                LayerOrigin::File { path } if *path == absolute(&city) => {
                    e.layer.name_zh = "全区建筑（生成）".into();
                    e.layer.style = Style { labels: false, ..solid([150, 150, 150]) };
                }
                LayerOrigin::File { path } if *path == absolute(&ring) => {
                    e.layer.name_zh = "比例尺标记".into();
                    e.layer.style = solid([0, 0, 255]);
                }
                LayerOrigin::File { path } if *path == absolute(&centre) => {
                    e.layer.name_zh = "中心标记".into();
                    e.layer.style = solid([255, 0, 0]);
                }
                _ => {}
            }
        }
        app.map.center_at(CENTRE, ZOOM);
    }
    h.run_steps(3);
    let before = listing(h.state());
    let n = before.len();
    assert_eq!(
        before[n - 3..].iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
        ["全区建筑（生成）", "比例尺标记", "中心标记"]
    );
    let ws_path = dir.join("街区.kuiwen.json");
    h.state_mut().save_workspace(&ws_path);
    assert!(!h.state().notices.iter().any(|n| n.error), "{}", notices(h.state()));
    drop(h);
    let saved = Workspace::load(&ws_path).unwrap_or_else(|e| panic!("{e}"));
    let view: ViewState = saved.view.unwrap_or_else(|| panic!("no view saved"));
    assert!((view.zoom - ZOOM).abs() < 1e-9, "saved at zoom {}", view.zoom);
    assert!((view.center_lon_lat[0] - CENTRE[0]).abs() < 1e-7 && (view.center_lon_lat[1] - CENTRE[1]).abs() < 1e-7);

    // ---- Reopen in the app: the view never moves while the big file loads ----
    let reopened_at = Instant::now();
    let mut h = harness_headless([1280.0, 800.0], start_with(vec![], Some(ws_path.clone())));
    // Saved now, while the big file is (very likely) still being read: it keeps its place.
    if layer_of(h.state(), &city).is_none() {
        let early = h.state().to_workspace();
        let names: Vec<&str> = early.layers.iter().map(|l| l.name.as_str()).collect();
        let all: Vec<&str> = saved.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, all, "a workspace saved while its files load keeps them in place");
    }
    let moved = Cell::new(None);
    wait_for(&mut h, "the workspace's files", |a| {
        let z = a.zoom();
        if (z - view.zoom).abs() > 1e-9 && moved.get().is_none() {
            moved.set(Some(z));
        }
        [&city, &ring, &centre].iter().all(|p| layer_of(a, p).is_some())
    });
    let arrived_after = reopened_at.elapsed();
    settle(&mut h);
    assert_eq!(moved.get(), None, "the map left zoom {} while the files loaded", view.zoom);
    let app = h.state();
    assert!((app.zoom() - view.zoom).abs() < 1e-9, "reopened at zoom {} instead of {}", app.zoom(), view.zoom);
    let v = app.last_view().unwrap_or_else(|| panic!("not drawn"));
    let c = v.screen_to_lon_lat(v.rect.center()).to_array();
    assert!(
        (c[0] - view.center_lon_lat[0]).abs() < 1e-8 && (c[1] - view.center_lon_lat[1]).abs() < 1e-8,
        "reopened at {c:?} instead of {:?}",
        view.center_lon_lat
    );
    assert_eq!(listing(app), before, "names, order and visibility as saved");
    let city_layer = layer_of(app, &city).unwrap_or_else(|| panic!("no city"));
    assert_eq!(city_layer.layer.features.len(), 200_000);
    assert_eq!(city_layer.layer.style, Style { labels: false, ..solid([150, 150, 150]) });
    drop(h);

    // ---- render --workspace: the saved centre and zoom, after the files arrived ----
    let out = dir.join("街区.png");
    let rendered_at = Instant::now();
    let run = Command::new(BIN)
        .args(["render", "--workspace"])
        .arg(&ws_path)
        .arg("--out")
        .arg(&out)
        .args(["--basemap", "none", "--size", "800x600"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "render failed: {stderr}");
    assert!(!stderr.contains("warning"), "drawn before everything arrived: {stderr}");
    if let Ok(keep) = std::env::var("KUIWEN_TEST_IMAGES") {
        let _ = std::fs::copy(&out, Path::new(&keep).join("workspace_reopen_zoom17.png"));
    }
    let img = image::open(&out).unwrap_or_else(|e| panic!("{e}")).to_rgba8();
    assert_eq!(img.dimensions(), (800, 600));
    let at = |dx: f64, dy: f64| {
        let p = img.get_pixel((400.0 + dx) as u32, (300.0 + dy) as u32);
        [p[0], p[1], p[2]]
    };
    let is = |px: [u8; 3], want: [u8; 3]| px.iter().zip(want).all(|(a, b)| a.abs_diff(b) < 40);
    assert!(is(at(0.0, 0.0), [255, 0, 0]), "the centre marker is not at the centre: {:?}", at(0.0, 0.0));
    // 150 pixels from the centre at zoom 17 (at 16 they would be 75 away, at 18 300).
    for (dx, dy) in [(RING_PX, 0.0), (-RING_PX, 0.0), (0.0, -RING_PX)] {
        assert!(is(at(dx, dy), [0, 0, 255]), "no ring marker {dx},{dy} px from the centre: {:?}", at(dx, dy));
        assert!(!is(at(dx / 2.0, dy / 2.0), [0, 0, 255]), "a ring marker at half the distance: zoom 16?");
    }
    // Around them the city's buildings, drawn at street level (the file had arrived).
    let grey = img.pixels().filter(|p| is([p[0], p[1], p[2]], [150, 150, 150])).count();
    assert!(grey > 800 * 600 / 20, "{grey} pixels of buildings");
    eprintln!(
        "{size_mb} MB file; written and loaded {:.1} s; reopened in {:.1} s; rendered in {:.1} s; total {:.1} s",
        loaded_at.as_secs_f64(),
        arrived_after.as_secs_f64(),
        rendered_at.elapsed().as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
}

/// Names, order and visibility come back exactly, embedded layers between files included, and
/// a reload of a file keeps its saved name; saved again, the same workspace comes out.
#[test]
fn names_order_and_visibility_come_back_exactly_and_survive_a_reload() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let a = dir.join("plots.geojson");
    write(&a, common::PLOTS_V1);
    let b = dir.join("second.geojson");
    write(
        &b,
        r#"{"type":"FeatureCollection","name":"第二批","features":[{"type":"Feature","properties":{"name":"戊地块"},"geometry":{"type":"Point","coordinates":[119.15,36.71]}}]}"#,
    );
    let ws = Workspace {
        layers: vec![
            file_entry(&b, "二期地块（草案）", false, false),
            embedded_entry("roads.geojson", "道路", true),
            file_entry(&a, "一期地块（审定）", true, true),
            embedded_entry("parks.geojson", "园区（规划）", false),
        ],
        basemap: Some("none".into()),
        view: Some(ViewState { center_lon_lat: [119.11, 36.70], zoom: 15.5 }),
        ..Workspace::default()
    };
    let path = dir.join("地块.kuiwen.json");
    ws.save(&path).unwrap_or_else(|e| panic!("{e}"));

    let mut h = harness_headless([1000.0, 700.0], start_with(vec![], Some(path.clone())));
    wait_for(&mut h, "both files", |app| layer_of(app, &a).is_some() && layer_of(app, &b).is_some());
    let key = |p: &Path| absolute(p).display().to_string();
    let expected = vec![
        (key(&b), "二期地块（草案）".to_owned(), false),
        ("roads".to_owned(), "道路".to_owned(), true),
        (key(&a), "一期地块（审定）".to_owned(), true),
        ("parks".to_owned(), "园区（规划）".to_owned(), false),
    ];
    assert_eq!(listing(h.state()), expected, "exactly the listed layers, in order; no other embedded layer");
    let app = h.state();
    assert_eq!(
        layer_of(app, &a).map(|e| e.layer.name_en.as_str()),
        Some("一期地块（审定）"),
        "a given name in both languages"
    );
    assert_eq!(
        app.layer("roads").map(|e| e.layer.name_en.as_str()),
        Some("Roads"),
        "the app's own name keeps its English"
    );
    assert_eq!(layer_of(app, &b).map(|e| e.auto_reload), Some(false));
    assert!((app.zoom() - 15.5).abs() < 1e-9, "zoom {}", app.zoom());

    // The file changes: reloaded, and still named, shown and placed as the workspace says.
    write(&a, common::PLOTS_V2);
    wait_for(&mut h, "the reload", |app| layer_of(app, &a).is_some_and(|e| !e.changes.is_empty()));
    h.run_steps(2);
    assert_eq!(listing(h.state()), expected, "a reload renamed or moved a layer");

    // Saved again and reopened in a fresh app as a double-click in the file manager opens it
    // (the desktop entry runs `kuiwen-atlas %F`): the same list.
    let again = dir.join("再次 保存.kuiwen.json");
    h.state_mut().save_workspace(&again);
    let text = std::fs::read_to_string(&again).unwrap_or_default();
    assert!(text.contains("一期地块（审定）") && text.contains("园区（规划）"), "{text}");
    let mut h2 = harness_headless([1000.0, 700.0], start_with(vec![again], None));
    wait_for(&mut h2, "both files", |app| layer_of(app, &a).is_some() && layer_of(app, &b).is_some());
    assert_eq!(listing(h2.state()), expected);
}

/// A hand-written workspace that lists no layers shows the basemap alone; a workspace opened
/// after it that lists an embedded layer brings that layer back.
#[test]
fn an_empty_layer_list_shows_the_basemap_alone_and_a_later_workspace_brings_layers_back() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let empty = dir.join("空白.kuiwen.json");
    write(&empty, r#"{"version":1,"layers":[],"basemap":"none"}"#);
    let mut h = harness_headless([1000.0, 700.0], start_with(vec![], Some(empty)));
    h.run_steps(2);
    assert!(h.state().layers.is_empty(), "layers shown: {:?}", listing(h.state()));
    assert!(!h.state().notices.iter().any(|n| n.error), "{}", notices(h.state()));

    let one = dir.join("园区.kuiwen.json");
    let ws = Workspace { layers: vec![embedded_entry("parks.geojson", "产业园区", true)], ..Workspace::default() };
    ws.save(&one).unwrap_or_else(|e| panic!("{e}"));
    h.state_mut().open_workspace(&one);
    h.run_steps(2);
    assert_eq!(listing(h.state()), [("parks".to_owned(), "产业园区".to_owned(), true)]);
    let parks = h.state().layer("parks").unwrap_or_else(|| panic!("no parks"));
    assert!(!parks.layer.features.is_empty());
    assert_eq!(parks.layer.name_en, "Industrial and creative parks");
}

/// Without a saved view, the map fits the layers once the files are all in (not the first file
/// to arrive, nor the embedded data the workspace left out).
#[test]
fn without_a_saved_view_the_layers_are_fitted_once_all_are_in() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let west = dir.join("west.geojson");
    write(
        &west,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"西"},"geometry":{"type":"Point","coordinates":[119.100,36.700]}}]}"#,
    );
    let east = dir.join("east.geojson");
    write(
        &east,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"东"},"geometry":{"type":"Point","coordinates":[119.130,36.705]}}]}"#,
    );
    let ws = Workspace {
        layers: vec![file_entry(&west, "西", true, true), file_entry(&east, "东", true, true)],
        basemap: Some("none".into()),
        ..Workspace::default()
    };
    let path = dir.join("无视图.kuiwen.json");
    ws.save(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness_headless([1000.0, 700.0], start_with(vec![], Some(path)));
    wait_for(&mut h, "both files", |app| layer_of(app, &west).is_some() && layer_of(app, &east).is_some());
    settle(&mut h);
    let v = h.state().last_view().unwrap_or_else(|| panic!("not drawn"));
    for p in [[119.100, 36.700], [119.130, 36.705]] {
        assert!(v.rect.contains(v.lon_lat_to_screen(p)), "{p:?} is off the map");
    }
    // Fitted to the two points (3 km apart), not to the whole district.
    assert!(v.zoom > 13.0, "zoom {}", v.zoom);
    assert_eq!(h.state().layers.len(), 2, "{:?}", listing(h.state()));
}

/// A workspace opened while another is still reading its files replaces it: the first one's
/// files do not turn up among the second's layers when their reads finish.
#[test]
fn a_workspace_opened_while_another_loads_replaces_it() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let first_file = dir.join("first.geojson");
    write(&first_file, common::PLOTS_V1);
    let second_file = dir.join("second.geojson");
    write(&second_file, common::PLOTS_V2);
    let first = dir.join("first.kuiwen.json");
    let second = dir.join("second.kuiwen.json");
    for (ws, file, name) in [(&first, &first_file, "甲"), (&second, &second_file, "乙")] {
        let w = Workspace { layers: vec![file_entry(file, name, true, true)], ..Workspace::default() };
        w.save(ws).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut h = harness_headless([1000.0, 700.0], start_with(vec![], None));
    // Both before the next frame: whatever the first read has finished, it has not been taken in.
    h.state_mut().open_workspace(&first);
    h.state_mut().open_workspace(&second);
    wait_for(&mut h, "the second workspace's file", |app| layer_of(app, &second_file).is_some());
    settle(&mut h);
    let key = absolute(&second_file).display().to_string();
    assert_eq!(listing(h.state()), [(key, "乙".to_owned(), true)]);
    assert!(!notices(h.state()).contains("取消"), "{}", notices(h.state()));
}
