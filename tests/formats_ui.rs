//! Dropping the files planners receive on the window: a GBK shapefile in CGCS2000 Gauss-Krüger
//! zone 40 and a GeoJSON in EPSG:4528 both become layers lying exactly on the embedded parks,
//! with their format and coordinate system shown in the layer's details.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::model::LayerOrigin;

/// A file dropped on the window, as the windowing layer hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)
}

/// Steps the app in real time until `done` holds (the loader and watcher are real threads),
/// failing with the notices after 20 s.
fn wait_until(h: &mut Harness<'static, AtlasApp>, what: &str, done: impl Fn(&AtlasApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            h.state().notices.iter().map(|n| &n.text).collect::<Vec<_>>()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn file_layers(app: &AtlasApp) -> Vec<&kuiwen_atlas::app::LayerEntry> {
    app.layers.iter().filter(|e| matches!(e.layer.origin, LayerOrigin::File { .. })).collect()
}

#[test]
fn dropped_shapefile_and_gauss_kruger_geojson_land_on_the_embedded_parks() {
    let mut h = Harness::builder().with_size([1200.0, 800.0]).build_eframe(|cc| {
        AtlasApp::new(&cc.egui_ctx, None, StartOptions { basemap: Some(Basemap::None), ..Default::default() })
    });
    h.run_ok();
    for f in ["parks_4528_gbk/parks.shp", "parks_4528.geojson"] {
        h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(fixture(f))));
    }
    wait_until(&mut h, "the dropped files to load", |a| file_layers(a).len() >= 2);
    h.run_ok();
    let app = h.state();
    assert!(app.notices.iter().all(|n| !n.error), "{:?}", app.notices.iter().map(|n| &n.text).collect::<Vec<_>>());
    let parks = app
        .layers
        .iter()
        .find(|e| e.layer.key == "parks")
        .unwrap_or_else(|| panic!("embedded parks"))
        .layer
        .bbox
        .unwrap_or_else(|| panic!("parks bbox"));
    for e in file_layers(app) {
        let b = e.layer.bbox.unwrap_or_else(|| panic!("{} has no extent", e.layer.key));
        // 1e-6° is about 0.1 m here.
        for k in 0..4 {
            assert!((b[k] - parks[k]).abs() < 1e-6, "{}: {b:?} vs parks {parks:?}", e.layer.key);
        }
        assert_eq!(e.read_crs, Some(kuiwen_atlas::io::crs::Crs::Epsg(4528)), "{}", e.layer.key);
        let names: Vec<_> = e.layer.features.iter().filter_map(|f| f.name()).collect();
        assert!(names.contains(&"齐鲁创智园") && names.contains(&"1532文化创意园"), "{names:?}");
    }
    let formats: Vec<&str> = file_layers(app).iter().map(|e| e.source.format).collect();
    assert!(formats.contains(&"ESRI Shapefile") && formats.contains(&"GeoJSON"), "{formats:?}");
    // The layer panel lists both, under the names their files give.
    assert!(h.query_all_by_label("parks").count() >= 2, "both file layers listed");
}

#[test]
fn a_shapefile_layers_details_show_format_system_and_encoding_and_change_them() {
    let shp = fixture("parks_4528_gbk/parks.shp");
    let mut h = Harness::builder().with_size([1200.0, 900.0]).build_eframe(move |cc| {
        AtlasApp::new(
            &cc.egui_ctx,
            None,
            StartOptions { basemap: Some(Basemap::None), files: vec![shp], ..Default::default() },
        )
    });
    wait_until(&mut h, "the shapefile to load", |a| !file_layers(a).is_empty());
    h.run_ok();
    // The file layer is on top of the list: its details come first.
    h.query_all_by_label("详情").next().unwrap_or_else(|| panic!("no details")).click();
    h.run_ok();
    h.get_by_label("格式： ESRI Shapefile");
    h.get_by_label_contains("(EPSG:4528)");
    h.get_by_label("属性编码： GB18030（按内容识别）");
    if let Ok(dir) = std::env::var("KUIWEN_TEST_IMAGES") {
        let img = h.render().unwrap_or_else(|e| panic!("render failed: {e}"));
        let _ = img.save(format!("{dir}/shapefile-details.png"));
    }
    // Declaring EPSG:4549 (no zone prefix) reloads the layer in that system: its 8-digit eastings
    // lie far outside it, so the last good version stays on screen and the error says why.
    let before = file_layers(h.state())[0].layer.bbox;
    h.get_by_label("坐标系").click();
    h.run_ok();
    h.get_by_label_contains("EPSG:4549").click();
    wait_until(&mut h, "the reload error", |a| file_layers(a)[0].last_error.is_some());
    let e = file_layers(h.state())[0];
    assert_eq!(e.load.declared_crs, Some(kuiwen_atlas::io::crs::Crs::Epsg(4549)));
    assert_eq!(e.layer.bbox, before, "the last good version stays");
    let err = e.last_error.clone().unwrap_or_default();
    assert!(err.contains("EPSG:4549") && err.contains("parks.shp"), "{err}");
}

#[test]
fn metres_in_an_unnamed_system_ask_with_a_preview_and_load_where_chosen() {
    let csv = fixture("facilities_4549_xy.csv");
    let mut h = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| {
        AtlasApp::new(
            &cc.egui_ctx,
            None,
            StartOptions { basemap: Some(Basemap::None), files: vec![csv], ..Default::default() },
        )
    });
    wait_until(&mut h, "the question", |a| a.crs_question.is_some());
    h.run_ok();
    h.get_by_label("选择坐标系");
    // Six-digit eastings fit every central meridian: the one that puts the data in Kuiwen comes
    // first and says so; the neighbouring zones say how far away they put it.
    let first = h.state().crs_question.as_ref().map(|q| q.candidates[0].0);
    assert_eq!(first, Some(kuiwen_atlas::io::crs::Crs::Epsg(4549)));
    h.get_by_label_contains("EPSG:4549) → 119.1").click();
    assert!(h.query_all_by_label_contains("km（西）").count() >= 1, "the other zones land west of Kuiwen");
    wait_until(&mut h, "the file to load in the chosen system", |a| !file_layers(a).is_empty());
    h.run_ok();
    assert!(h.state().crs_question.is_none(), "the window closes");
    let app = h.state();
    let e = file_layers(app)[0];
    assert_eq!(e.load.declared_crs, Some(kuiwen_atlas::io::crs::Crs::Epsg(4549)), "kept for reloads and the workspace");
    let want =
        &app.layers.iter().find(|l| l.layer.key == "facilities").unwrap_or_else(|| panic!("facilities")).layer.features;
    for (w, g) in want.iter().zip(&e.layer.features) {
        let (a, b) = (w.bbox.unwrap_or_default(), g.bbox.unwrap_or_default());
        assert!((a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6, "{:?}: {a:?} vs {b:?}", w.name());
    }
}
