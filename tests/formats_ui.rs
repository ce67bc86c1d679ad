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
    let deadline = Instant::now() + Duration::from_secs(20);
    while file_layers(h.state()).len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the dropped files did not load: {:?}",
            h.state().notices.iter().map(|n| &n.text).collect::<Vec<_>>()
        );
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
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
