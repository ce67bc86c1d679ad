//! Workspace files: round trip, atomic save, and opening with a missing file.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::crs::Crs;
use kuiwen_atlas::io::workspace::{LayerSource, Workspace, WorkspaceLayer};
use kuiwen_atlas::model::{Classification, LayerOrigin, Style};

fn sample(dir: &std::path::Path) -> Workspace {
    Workspace {
        layers: vec![
            WorkspaceLayer {
                source: LayerSource::Embedded { file: "parks.geojson".into() },
                name: "产业园区".into(),
                crs: None,
                encoding: None,
                layer: None,
                style: Style { opacity: 0.5, ..Style::default() },
                visible: false,
                auto_reload: true,
            },
            WorkspaceLayer {
                source: LayerSource::File { path: dir.join("data").join("地块.geojson") },
                name: "地块".into(),
                crs: Some(Crs::Gcj02),
                encoding: None,
                layer: None,
                style: Style { classification: Classification::Single, ..Style::distinct(2) },
                visible: true,
                auto_reload: false,
            },
        ],
        basemap: Some("amap".into()),
        ..Workspace::default()
    }
}

#[test]
fn round_trip_stores_relative_paths() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("规划.kuiwen.json");
    let ws = sample(&dir);
    ws.save(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("\"data/地块.geojson\""), "relative path stored: {text}");
    let back = Workspace::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.layers[0], ws.layers[0]);
    assert_eq!(back.layers[1].crs, Some(Crs::Gcj02));
    assert_eq!(back.layers[1].source, LayerSource::File { path: PathBuf::from("data/地块.geojson") });
    assert_eq!(back.basemap.as_deref(), Some("amap"));
}

#[test]
fn failed_save_leaves_the_previous_workspace_intact() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("w.kuiwen.json");
    sample(&dir).save(&path).unwrap_or_else(|e| panic!("{e}"));
    let before = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    // Make the temporary file impossible to create: a folder squats on its name.
    std::fs::create_dir_all(dir.join(format!(".w.kuiwen.json.tmp-{}", std::process::id())))
        .unwrap_or_else(|e| panic!("{e}"));
    let err = Workspace::default().save(&path).err().unwrap_or_else(|| panic!("save should fail"));
    assert!(err.to_string().contains("cannot write"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap_or_default(), before, "previous workspace untouched");
    // And a write into a folder that does not exist fails cleanly too.
    assert!(kuiwen_atlas::io::atomic::write(&dir.join("no/such/folder/w.json"), b"{}").is_err());
}

#[test]
fn rejects_non_workspaces_and_newer_versions_with_clear_messages() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let p = dir.join("x.kuiwen.json");
    std::fs::write(&p, "{\"type\":\"FeatureCollection\"}").unwrap_or_else(|e| panic!("{e}"));
    let e = Workspace::load(&p).err().unwrap_or_else(|| panic!("accepted GeoJSON as a workspace"));
    assert!(e.to_string().contains("not a Kuiwen Atlas workspace"), "{e}");
    std::fs::write(&p, "{\"version\":99,\"layers\":[]}").unwrap_or_else(|e| panic!("{e}"));
    let e = Workspace::load(&p).err().unwrap_or_else(|| panic!("accepted version 99"));
    assert!(e.to_string().contains("version 99"), "{e}");
}

#[test]
fn opening_a_workspace_with_a_missing_file_opens_the_rest_and_names_it() {
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("data")).unwrap_or_else(|e| panic!("{e}"));
    let present = dir.join("data").join("present.geojson");
    std::fs::write(&present, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"在"},"geometry":{"type":"Point","coordinates":[119.1,36.7]}}]}"#)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ws = sample(&dir);
    ws.layers.push(WorkspaceLayer {
        source: LayerSource::File { path: present.clone() },
        name: "present".into(),
        crs: None,
        encoding: None,
        layer: None,
        style: Style::default(),
        visible: true,
        auto_reload: true,
    });
    ws.basemap = Some("none".into());
    let path = dir.join("w.kuiwen.json");
    ws.save(&path).unwrap_or_else(|e| panic!("{e}"));

    let p = path.clone();
    let mut h = Harness::builder().with_size([1000.0, 700.0]).build_eframe(move |cc| {
        AtlasApp::new(
            &cc.egui_ctx,
            None,
            StartOptions { basemap: Some(Basemap::None), workspace: Some(p), ..Default::default() },
        )
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !h.state().layers.iter().any(|e| matches!(e.layer.origin, LayerOrigin::File { .. }))
    {
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let app = h.state();
    assert!(app.layers.iter().any(|e| e.layer.name_zh == "present"), "the present file opened");
    assert!(
        app.notices.iter().any(|n| n.error && n.text.contains("地块.geojson")),
        "the missing file is named: {:?}",
        app.notices.iter().map(|n| &n.text).collect::<Vec<_>>()
    );
    let parks = app.layer("parks").unwrap_or_else(|| panic!("no parks"));
    assert!(!parks.layer.visible, "embedded layer visibility restored");
    assert!((parks.layer.style.opacity - 0.5).abs() < 1e-6, "embedded layer style restored");
    // Save it back and the file layer round-trips with its path.
    let ws2 = app.to_workspace();
    assert!(
        ws2.layers.iter().any(|l| matches!(&l.source, LayerSource::File { path } if path.ends_with("present.geojson")))
    );
}

#[test]
fn a_layers_epsg_system_seven_parameters_encoding_and_layer_are_kept() {
    use kuiwen_atlas::io::formats::TextEncoding;
    let tmp = common::temp_dir();
    let dir = tmp.path().to_path_buf();
    let path = dir.join("成果.kuiwen.json");
    let xian80 = Crs::with_seven_parameters(2385, [24.0, -123.0, -94.0, 0.02, -0.25, -0.13, 1.1])
        .unwrap_or_else(|e| panic!("{e}"));
    let mut ws = sample(&dir);
    ws.layers[1].crs = Some(Crs::Epsg(4528));
    ws.layers[1].encoding = Some(TextEncoding::Gbk);
    ws.layers[1].layer = Some("规划用地".into());
    ws.layers[0].crs = Some(xian80);
    ws.save(&path).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("\"EPSG:4528\"") && text.contains("\"gbk\"") && text.contains("规划用地"), "{text}");
    assert!(text.contains("+towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1"), "the parameters are in the file: {text}");
    let back = Workspace::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.layers[1].crs, Some(Crs::Epsg(4528)));
    assert_eq!(back.layers[1].encoding, Some(TextEncoding::Gbk));
    assert_eq!(back.layers[1].layer.as_deref(), Some("规划用地"));
    assert_eq!(back.layers[0].crs, Some(xian80), "the same definition comes back");
    // A workspace naming a Xian 1980 grid without parameters is refused, not silently shifted.
    let bad = text.replace("\"EPSG:4528\"", "\"EPSG:2385\"");
    std::fs::write(&path, bad).unwrap_or_else(|e| panic!("{e}"));
    let err = Workspace::load(&path).expect_err("Xian 1980 without parameters");
    assert!(err.to_string().contains("seven parameters"), "{err}");
}
