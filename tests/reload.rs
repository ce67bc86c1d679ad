//! Files changed on disk while the app runs: the last good version stays, the new one is swapped
//! in when valid, and the change list says what changed. Real files, the real watcher.

use std::path::Path;
use std::time::Duration;

mod common;

use common::{App, file_layer, harness_headless, names, temp_dir, wait_for};
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;

fn app_with(path: &Path) -> App {
    let start = StartOptions { basemap: Some(Basemap::None), files: vec![path.to_path_buf()], ..Default::default() };
    let mut h = harness_headless([1000.0, 700.0], start);
    wait_for(&mut h, "the file to load", |a| file_layer(a).is_some());
    h
}

#[test]
fn valid_then_truncated_then_valid_again() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let path = dir.join("地块.geojson");
    std::fs::write(&path, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丙地块"]);

    // Half-written: the old version stays, and the error names file, line and column.
    std::fs::write(&path, &common::PLOTS_V2[..common::PLOTS_V2.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the reload error", |a| file_layer(a).is_some_and(|e| e.last_error.is_some()));
    let err = file_layer(h.state()).and_then(|e| e.last_error.clone()).unwrap_or_default();
    // The file, and where in it: the truncation is on the last line, at a column past its start.
    let lines = common::PLOTS_V2[..common::PLOTS_V2.len() / 2].lines().count();
    assert!(err.contains("地块.geojson"), "the file is named: {err}");
    let at_en = format!("line {lines}, column ");
    let at_zh = format!("第 {lines} 行");
    assert!(
        err.contains(&at_en) || (err.contains(&at_zh) && err.contains(" 列")),
        "line {lines} and a column are named: {err}"
    );
    assert_eq!(names(h.state()), ["甲地块", "乙地块", "丙地块"], "last good version kept");

    // Valid again: swapped in, with the changes listed.
    std::fs::write(&path, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
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
}

#[test]
fn save_by_rename_over_the_file_is_picked_up() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let path = dir.join("parcels.geojson");
    std::fs::write(&path, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    let tmp = dir.join(".parcels.geojson.swp");
    std::fs::write(&tmp, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
    std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the renamed file", |a| names(a).contains(&"丁地块".to_owned()));
}

#[test]
fn delete_then_recreate_keeps_then_swaps() {
    let tmp = temp_dir();
    let dir = tmp.path();
    let path = dir.join("parcels.geojson");
    std::fs::write(&path, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the missing-file error", |a| file_layer(a).is_some_and(|e| e.last_error.is_some()));
    assert_eq!(names(h.state()).len(), 3, "last good version kept while the file is gone");
    std::fs::write(&path, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the re-created file", |a| {
        names(a).contains(&"丁地块".to_owned()) && file_layer(a).is_some_and(|e| e.last_error.is_none())
    });
}

#[test]
fn auto_reload_off_ignores_changes() {
    let tmp = temp_dir();
    let (off, on) = (tmp.path().join("parcels.geojson"), tmp.path().join("watched.geojson"));
    std::fs::write(&off, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&on, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    let files = vec![off.clone(), on.clone()];
    let mut h =
        harness_headless([1000.0, 700.0], StartOptions { basemap: Some(Basemap::None), files, ..Default::default() });
    let layer_names = |a: &AtlasApp, file: &str| -> Vec<String> {
        a.layers
            .iter()
            .find(|e| e.layer.key.ends_with(file))
            .map(|e| e.layer.features.iter().filter_map(|f| f.name().map(str::to_owned)).collect())
            .unwrap_or_default()
    };
    wait_for(&mut h, "both files to load", |a| {
        layer_names(a, "parcels.geojson").len() == 3 && layer_names(a, "watched.geojson").len() == 3
    });
    for e in &mut h.state_mut().layers {
        e.auto_reload = !e.layer.key.ends_with("parcels.geojson");
    }
    std::fs::write(&off, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&on, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
    // Positive control: the watched file, written after the other, is reloaded; by then the
    // watcher has reported both changes.
    wait_for(&mut h, "the watched file's reload", |a| layer_names(a, "watched.geojson").contains(&"丁地块".to_owned()));
    for _ in 0..10 {
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    assert_eq!(layer_names(h.state(), "parcels.geojson"), ["甲地块", "乙地块", "丙地块"]);
}

#[test]
fn ui_open_reload_shows_the_change_list() {
    use egui_kittest::kittest::Queryable;
    let tmp = temp_dir();
    let dir = tmp.path();
    let path = dir.join("地块.geojson");
    std::fs::write(&path, common::PLOTS_V1).unwrap_or_else(|e| panic!("{e}"));
    let mut h = app_with(&path);
    // The new layer is listed by its file name.
    h.get_by_label("地块");
    std::fs::write(&path, common::PLOTS_V2).unwrap_or_else(|e| panic!("{e}"));
    wait_for(&mut h, "the reload", |a| file_layer(a).is_some_and(|e| !e.changes.is_empty()));
    h.step();
    h.step();
    h.get_by_label("+ 丁地块");
    h.get_by_label("~ 乙地块");
    h.get_by_label("− 丙地块");
}
