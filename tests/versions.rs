//! 留痕 and 变化报告 in the app: the change report window on two layers (totals, rows that select
//! on the map, the changes coloured on the map while it is open), the versions window listing
//! what a reload kept and opening an old version as a layer, and `convert` keeping its output as
//! a converted version.

mod common;

use std::path::Path;
use std::process::Command;

use common::{App, file_layer, harness, save_image, temp_dir, wait_for};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable};
use kuiwen_atlas::app::{AtlasApp, FeatureRef, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::history::{DEFAULT_LIMIT_BYTES, History, Seen};
use kuiwen_atlas::io::watch::absolute;
use kuiwen_atlas::io::{LoadOptions, load_path};
use kuiwen_atlas::model::{Feature, LayerOrigin};
use serde_json::{Value, json};

/// A rectangle `w` × `h` degrees with its south-west corner at (lon, lat), as a GeoJSON feature.
fn plot(id: &str, name: &str, lon: f64, lat: f64, w: f64, h: f64) -> Value {
    json!({"type": "Feature", "id": id, "properties": {"name": name, "用地性质": "R2"},
        "geometry": {"type": "Polygon", "coordinates": [[[lon, lat], [lon + w, lat], [lon + w, lat + h],
            [lon, lat + h], [lon, lat]]]}})
}

fn collection(features: Vec<Value>) -> String {
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Click the node and let a few frames pass (a comparison or a restore runs on a thread and
/// keeps a spinner turning, so the harness is stepped rather than run until it settles).
fn settle(h: &mut App) {
    h.run_steps(4);
}

fn key_of(path: &Path) -> String {
    absolute(path).display().to_string()
}

fn layer<'a>(app: &'a AtlasApp, key: &str) -> &'a kuiwen_atlas::app::LayerEntry {
    app.layer(key).unwrap_or_else(|| panic!("no layer {key}"))
}

/// The layer opened from a version restored into `restored`.
fn restored_layer<'a>(app: &'a AtlasApp, restored: &Path) -> Option<&'a kuiwen_atlas::app::LayerEntry> {
    app.layers.iter().find(|e| matches!(&e.layer.origin, LayerOrigin::File { path } if path.starts_with(restored)))
}

/// Geometry, id and properties: what makes two features the same.
fn same_features(a: &[Feature], b: &[Feature]) -> bool {
    let props = |f: &Feature| f.properties.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id == y.id && x.geometry == y.geometry && props(x) == props(y))
}

#[test]
fn the_change_report_totals_two_layers_selects_a_row_and_colours_the_changes() {
    let tmp = temp_dir();
    let (old, new) = (tmp.path().join("规划地块_2023.geojson"), tmp.path().join("规划地块_2024.geojson"));
    let s = 0.002;
    // a moved about 45 m east, b renamed, c removed, d (twice c's area) added, e unchanged.
    write(
        &old,
        &collection(vec![
            plot("a", "甲地块", 119.100, 36.70, s, s),
            plot("b", "乙地块", 119.110, 36.70, s, s),
            plot("c", "丙地块", 119.120, 36.70, s, s),
            plot("e", "戊地块", 119.130, 36.70, s, s),
        ]),
    );
    write(
        &new,
        &collection(vec![
            plot("a", "甲地块", 119.1005, 36.70, s, s),
            plot("b", "乙地块（调整）", 119.110, 36.70, s, s),
            plot("e", "戊地块", 119.130, 36.70, s, s),
            plot("d", "丁地块", 119.140, 36.70, s, 2.0 * s),
        ]),
    );
    let start =
        StartOptions { basemap: Some(Basemap::None), files: vec![old.clone(), new.clone()], ..Default::default() };
    let mut h = harness([1400.0, 900.0], start);
    let (old_key, new_key) = (key_of(&old), key_of(&new));
    wait_for(&mut h, "both files", |a| a.layer(&old_key).is_some() && a.layer(&new_key).is_some());
    settle(&mut h);

    // File → 变化对比…, then the two layers picked in the labelled lists.
    h.get_by_label("文件").click();
    settle(&mut h);
    h.get_by_label("变化对比…").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::ComboBox, "旧版本").click();
    settle(&mut h);
    h.get_by_label("规划地块_2023 · 4").click();
    settle(&mut h);
    h.get_by_role_and_label(Role::ComboBox, "新版本").click();
    settle(&mut h);
    h.get_by_label("规划地块_2024 · 4").click();
    settle(&mut h);
    wait_for(&mut h, "the report", |a| a.change_report.report().is_some());
    // The next frame colours the changes on the new layer.
    wait_for(&mut h, "the changes on the map", |a| {
        a.layer(&new_key).and_then(|e| e.flash.as_ref()).is_some_and(|f| f.is_lasting())
    });
    settle(&mut h);
    assert_eq!(h.state().change_report.old.as_deref(), Some(old_key.as_str()));
    assert_eq!(h.state().change_report.new.as_deref(), Some(new_key.as_str()));

    // ---- Totals, as shown ----
    for total in ["新增 1", "删除 1", "修改 2", "未变 1"] {
        assert!(h.query_by_label(total).is_some(), "no {total:?} in the window");
    }
    // Net area: d is twice c's area, a only moved: the change is about one plot (独立估算:
    // 0.002° of longitude at 36.7° N by 0.002° of latitude).
    let plot_m2 = (s * 111_320.0 * 36.701_f64.to_radians().cos()) * (s * 110_950.0);
    let area = h.state().change_report.area_change_m2().unwrap_or(f64::NAN);
    assert!((area - plot_m2).abs() < plot_m2 * 0.01, "area change {area} m², expected about {plot_m2}");
    let area_text = kuiwen_atlas::analysis::change::area_change_text(area, false);
    assert!(h.query_by_label(&format!("面积变化：{area_text}")).is_some(), "no area change {area_text}");
    // What changed, in the rows.
    assert!(h.query_by_label("name: 乙地块 → 乙地块（调整）").is_some(), "the rename is not listed");
    let report = h.state().change_report.report().cloned().unwrap_or_else(|| panic!("no report"));
    let moved = report.modified.iter().find(|m| m.id == "a").unwrap_or_else(|| panic!("a not modified"));
    assert!(moved.geometry_changed && (moved.moved_m - 44.7).abs() < 2.0, "a moved {} m", moved.moved_m);

    // ---- The map ----
    let flash = layer(h.state(), &new_key).flash.as_ref().unwrap_or_else(|| panic!("no highlight"));
    assert_eq!(flash.added, [3], "d is the new layer's 4th feature");
    let mut modified = flash.modified.clone();
    modified.sort();
    assert_eq!(modified, [0, 1]);
    let ghosts = flash.removed.as_ref().map(|(l, _)| l.features.iter().filter_map(|f| f.name()).collect::<Vec<_>>());
    assert_eq!(ghosts, Some(vec!["丙地块"]));

    // ---- Rows select on the map: added and modified in the new layer, removed in the old ----
    h.get_by_label("丁地块").click();
    settle(&mut h);
    assert_eq!(h.state().selection, Some(FeatureRef { layer: new_key.clone(), feature: 3 }));
    save_image(&mut h, "change_report");
    h.get_by_label("丙地块").click();
    settle(&mut h);
    assert_eq!(h.state().selection, Some(FeatureRef { layer: old_key.clone(), feature: 2 }));

    // 加入简报: a slide with the two versions side by side and the totals under its title.
    let slides_before = h.state().briefing.slides.len();
    h.get_by_label("加入简报").click();
    settle(&mut h);
    let slide = h.state().briefing.slides.last().cloned().expect("a slide");
    assert_eq!(h.state().briefing.slides.len(), slides_before + 1);
    assert_eq!(slide.title, "规划地块_2024 与 规划地块_2023 对比");
    assert!(slide.subtitle.starts_with("新增 1 个，删除 1 个，修改 2 个，未变 1 个，面积变化 +"), "{}", slide.subtitle);
    let compare = slide.compare.expect("the slide compares");
    let shows = |i: usize, key: &str| compare.views[i].layers.as_ref().is_some_and(|k| k.iter().any(|k| k == key));
    assert!(shows(0, &old_key) && !shows(0, &new_key), "the first view is the old version");
    assert!(shows(1, &new_key) && !shows(1, &old_key), "the second view is the new version");

    // Closing the window takes the colours off the map.
    h.state_mut().change_report.open = false;
    settle(&mut h);
    assert!(layer(h.state(), &new_key).flash.is_none(), "the highlight outlived the report");
}

#[test]
fn a_reload_keeps_two_versions_listed_in_the_window_and_the_old_one_opens_and_compares() {
    let tmp = temp_dir();
    let file = tmp.path().join("地块.geojson");
    write(&file, common::PLOTS_V1);
    let data = tmp.path().join("data");
    let start = StartOptions {
        basemap: Some(Basemap::None),
        files: vec![file.clone()],
        data_dir: Some(data.clone()),
        config_dir: Some(tmp.path().join("config")),
        cache_dir: Some(tmp.path().join("cache")),
        ..Default::default()
    };
    let mut h = harness([1400.0, 900.0], start);
    let history = History::new(data.join("history"), DEFAULT_LIMIT_BYTES);
    let kept = |n: usize| history.versions_of(&file).map(|v| v.len() == n).unwrap_or(false);
    wait_for(&mut h, "the first version", |a| file_layer(a).is_some() && kept(1));
    write(&file, common::PLOTS_V2);
    wait_for(&mut h, "the reload", |a| file_layer(a).is_some_and(|e| !e.changes.is_empty()));
    wait_for(&mut h, "the second version", |_| kept(2));
    let versions = history.versions_of(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((versions[0].seen, versions[1].seen), (Seen::Opened, Seen::Reloaded));
    // The reload's flash and record come from the change report's comparison.
    let record = file_layer(h.state()).and_then(|e| e.changes.last().cloned()).unwrap_or_else(|| panic!("no record"));
    assert_eq!(
        (record.added, record.modified, record.removed),
        (vec!["丁地块".to_owned()], vec!["乙地块".to_owned()], vec!["丙地块".to_owned()])
    );

    // The layer's context menu → 历史版本…: both versions, newest first.
    // A damaged index line (a crash half-way through a write) is listed as a warning, not fatal.
    let index = data.join("history").join("index.jsonl");
    let mut text = std::fs::read_to_string(&index).unwrap_or_else(|e| panic!("{e}"));
    text.push_str("{\"number\": 9, \"time_unix\n");
    write(&index, &text);
    // (The layer's details, open after the reload, have a 历史版本… button too.)
    let before = h.query_all_by_label("历史版本…").count();
    h.get_by_role_and_label(Role::CheckBox, "地块").click_secondary();
    settle(&mut h);
    let items: Vec<_> = h.query_all_by_label("历史版本…").collect();
    assert_eq!(items.len(), before + 1, "the context menu has no 历史版本…");
    items.last().unwrap_or_else(|| panic!("no menu item")).click();
    settle(&mut h);
    let (first, second) = (format!("第 {} 版", versions[0].number), format!("第 {} 版", versions[1].number));
    let listed: Vec<String> = h
        .query_all_by_role(Role::CheckBox)
        .filter_map(|n| n.accesskit_node().label())
        .filter(|l| l.starts_with("第 "))
        .collect();
    assert_eq!(listed, [second.clone(), first.clone()]);
    assert!(h.query_by_label_contains("行已损坏，已跳过").is_some(), "the damaged line is not reported");
    save_image(&mut h, "history");
    assert!(h.query_by_label("打开").is_some() && h.query_by_label(&versions[0].hash[..10]).is_some());

    // 作为图层打开 on the older one: a layer whose features are the old file's.
    h.get_all_by_label("作为图层打开").last().unwrap_or_else(|| panic!("no open button")).click();
    let restored = data.join("restored");

    wait_for(&mut h, "the old version as a layer", |a| restored_layer(a, &restored).is_some());
    let old_copy = tmp.path().join("copy-of-v1.geojson");
    write(&old_copy, common::PLOTS_V1);
    let expected = load_path(&old_copy, LoadOptions::default()).unwrap_or_else(|e| panic!("{e}")).features;
    let opened = restored_layer(h.state(), &restored).unwrap_or_else(|| panic!("gone"));
    assert!(same_features(&opened.layer.features, &expected), "the restored layer differs from version 1");
    assert!(opened.layer.name_zh.contains(&first), "named after its version: {}", opened.layer.name_zh);
    let restored_key = opened.layer.key.clone();
    // The restored copy is not a new version of anything.
    assert_eq!(history.versions().map(|(v, _)| v.len()).unwrap_or(0), 2);

    // Tick both, 比较: the old version against the layer as it is now.
    settle(&mut h);
    h.get_by_role_and_label(Role::CheckBox, &first).click();
    settle(&mut h);
    h.get_by_role_and_label(Role::CheckBox, &second).click();
    settle(&mut h);
    h.get_by_label("比较").click();
    wait_for(&mut h, "the comparison", |a| a.change_report.report().is_some());
    let app = h.state();
    assert_eq!(app.change_report.old.as_deref(), Some(restored_key.as_str()));
    assert_eq!(app.change_report.new.as_deref(), Some(key_of(&file).as_str()));
    let r = app.change_report.report().unwrap_or_else(|| panic!("no report"));
    assert_eq!((r.added.len(), r.removed.len(), r.modified.len(), r.unchanged), (1, 1, 1, 1), "{r:#?}");
}

#[test]
fn convert_keeps_its_output_as_a_converted_version_and_converts_without_a_history() {
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let tmp = temp_dir();
    let input = tmp.path().join("parks.geojson");
    write(&input, common::PLOTS_V2);
    let data = tmp.path().join("data");
    let out = tmp.path().join("parks.gpkg");
    let run = |out: &Path, data: &Path| {
        Command::new(bin)
            .arg("convert")
            .arg(&input)
            .arg(out)
            .arg("--data-dir")
            .arg(data)
            .arg("--json")
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let result = run(&out, &data);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let history = History::new(data.join("history"), DEFAULT_LIMIT_BYTES);
    let versions = history.versions_of(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(versions.len(), 1);
    assert_eq!((versions[0].seen, versions[0].features), (Seen::Converted, 3));
    let doc: Value = serde_json::from_slice(&result.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["history_version"], json!(versions[0].number));
    // The kept bytes are the written file's.
    let kept = history.read_member(&versions[0], "parks.gpkg").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept, std::fs::read(&out).unwrap_or_default());

    // A history that cannot be written (its folder is a file) does not stop the conversion.
    let not_a_folder = tmp.path().join("not-a-folder");
    write(&not_a_folder, "x");
    let out2 = tmp.path().join("parks2.geojson");
    let result = run(&out2, &not_a_folder);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(out2.is_file());
    let written = load_path(&out2, LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(written.features.len(), 3);
}
