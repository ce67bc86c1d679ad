//! Files changed on disk while the app runs: the last good version stays, the new one is swapped
//! in when valid, and the change list says what changed. Real files, the real watcher.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;

const V1: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"甲地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.10,36.70]}},
{"type":"Feature","id":"b","properties":{"name":"乙地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.11,36.70]}},
{"type":"Feature","id":"c","properties":{"name":"丙地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.12,36.70]}}
]}"#;

// b modified (status), c removed, d added.
const V2: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"甲地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.10,36.70]}},
{"type":"Feature","id":"b","properties":{"name":"乙地块","status":"在建"},"geometry":{"type":"Point","coordinates":[119.11,36.70]}},
{"type":"Feature","id":"d","properties":{"name":"丁地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.13,36.70]}}
]}"#;

fn app_with(path: &Path) -> Harness<'static, AtlasApp> {
    let p = path.to_path_buf();
    let mut h = Harness::builder().with_size([1000.0, 700.0]).build_eframe(move |cc| {
        AtlasApp::new(
            &cc.egui_ctx,
            None,
            StartOptions { basemap: Some(Basemap::None), files: vec![p], ..Default::default() },
        )
    });
    wait_for(&mut h, "the file to load", |a| file_layer(a).is_some());
    h
}

fn file_layer(app: &AtlasApp) -> Option<&kuiwen_atlas::app::LayerEntry> {
    app.layers.iter().find(|e| matches!(e.layer.origin, kuiwen_atlas::model::LayerOrigin::File { .. }))
}

fn names(app: &AtlasApp) -> Vec<String> {
    file_layer(app)
        .map(|e| e.layer.features.iter().filter_map(|f| f.name().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Step the app in real time until `cond` holds (the watcher and loader are real threads).
fn wait_for(h: &mut Harness<'static, AtlasApp>, what: &str, cond: impl Fn(&AtlasApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        h.step();
        if cond(h.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!(
        "timed out waiting for {what}; notices: {:?}",
        h.state().notices.iter().map(|n| &n.text).collect::<Vec<_>>()
    );
}

fn tmp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("kuiwen-reload-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
    d
}

#[test]
fn valid_then_truncated_then_valid_again() {
    let dir = tmp_dir("trunc");
    let path = dir.join("地块.geojson");
    std::fs::write(&path, V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丙地块"]);

    // Half-written: the old version stays, and the error names file, line and column.
    std::fs::write(&path, &V2[..V2.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the reload error", |a| file_layer(a).is_some_and(|e| e.last_error.is_some()));
    let err = file_layer(h.state()).and_then(|e| e.last_error.clone()).unwrap_or_default();
    assert!(err.contains("地块.geojson") && err.contains("line") || err.contains("行"), "{err}");
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丙地块"], "last good version kept");

    // Valid again: swapped in, with the changes listed.
    std::fs::write(&path, V2).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the swap", |a| {
        file_layer(a).is_some_and(|e| e.last_error.is_none() && e.layer.features.len() == 3 && !e.changes.is_empty())
    });
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丁地块"]);
    let e = file_layer(h.state()).unwrap_or_else(|| panic!("layer gone"));
    let c = e.changes.last().unwrap_or_else(|| panic!("no change record"));
    assert_eq!(c.added, ["丁地块"]);
    assert_eq!(c.modified, ["乙地块"]);
    assert_eq!(c.removed, ["丙地块"]);
    let flash = e.flash.as_ref().unwrap_or_else(|| panic!("changes not highlighted"));
    assert_eq!(flash.added, [2]);
    assert_eq!(flash.modified, [1]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn save_by_rename_over_the_file_is_picked_up() {
    let dir = tmp_dir("rename");
    let path = dir.join("parcels.geojson");
    std::fs::write(&path, V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    let tmp = dir.join(".parcels.geojson.swp");
    std::fs::write(&tmp, V2).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the renamed file", |a| names(a).contains(&"丁地块".to_owned()));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn delete_then_recreate_keeps_then_swaps() {
    let dir = tmp_dir("delete");
    let path = dir.join("parcels.geojson");
    std::fs::write(&path, V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the missing-file error", |a| file_layer(a).is_some_and(|e| e.last_error.is_some()));
    assert_eq!(names(h.state()).len(), 3, "last good version kept while the file is gone");
    std::fs::write(&path, V2).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the re-created file", |a| {
        names(a).contains(&"丁地块".to_owned()) && file_layer(a).is_some_and(|e| e.last_error.is_none())
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn auto_reload_off_ignores_changes() {
    let dir = tmp_dir("off");
    let path = dir.join("parcels.geojson");
    std::fs::write(&path, V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    for e in &mut h.state_mut().layers {
        e.auto_reload = false;
    }
    std::fs::write(&path, V2).unwrap_or_else(|e| panic!("{e}"));
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丙地块"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ui_open_reload_shows_the_change_list() {
    use egui_kittest::kittest::Queryable;
    let dir = tmp_dir("ui");
    let path = dir.join("地块.geojson");
    std::fs::write(&path, V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    // The new layer is listed by its file name.
    h.get_by_label("地块");
    std::fs::write(&path, V2).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the reload", |a| file_layer(a).is_some_and(|e| !e.changes.is_empty()));
    h.step();
    h.step();
    h.get_by_label("+ 丁地块");
    h.get_by_label("~ 乙地块");
    h.get_by_label("− 丙地块");
    let _ = std::fs::remove_dir_all(dir);
}
