//! The change report between two versions of a layer (成果对比), on versions written as GeoJSON
//! and converted by GDAL's `ogr2ogr` into a shapefile and a GeoPackage (which carry no GeoJSON
//! ids): features added, removed, moved, reshaped, renamed, reordered and with changed
//! properties, matched by id, by a key field and by geometry. Area changes are checked against
//! SpatiaLite's ellipsoidal `ST_Area(g, 1)`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use kuiwen_atlas::analysis::change::{ChangeReport, MatchedBy, compare};
use kuiwen_atlas::io::{LoadOptions, load_path};
use kuiwen_atlas::model::Feature;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_kuiwen-atlas");

/// A square plot of side `side_deg` at (x, y), as a GeoJSON ring.
fn square(x: f64, y: f64, side_deg: f64) -> Value {
    json!([[[x, y], [x + side_deg, y], [x + side_deg, y + side_deg], [x, y + side_deg], [x, y]]])
}

fn plot(id: &str, plot_no: &str, name: &str, status: &str, ring: Value) -> Value {
    json!({"type": "Feature", "id": id,
        "properties": {"plot_no": plot_no, "name": name, "status": status, "area_mu": 12},
        "geometry": {"type": "Polygon", "coordinates": ring}})
}

fn school(id: &str, plot_no: &str, lon: f64, lat: f64) -> Value {
    json!({"type": "Feature", "id": id,
        "properties": {"plot_no": plot_no, "name": "规划小学", "status": "规划", "area_mu": 30},
        "geometry": {"type": "Point", "coordinates": [lon, lat]}})
}

/// Metres to degrees of latitude (and of longitude at 36.7° N) for the fixtures.
const DEG_PER_M_LAT: f64 = 1.0 / 110_950.0;
const DEG_PER_M_LON: f64 = 1.0 / 89_170.0;

/// The old version: six plots A–F and a school.
fn old_version() -> Vec<Value> {
    let s = 0.003;
    vec![
        plot("a", "P1", "地块A", "现状", square(119.150, 36.650, s)),
        plot("b", "P2", "地块B", "规划", square(119.160, 36.650, s)),
        plot("c", "P3", "地块C", "规划", square(119.170, 36.650, s)),
        plot("d", "P4", "地块D", "规划", square(119.180, 36.650, s)),
        plot("e", "P5", "地块E", "规划", square(119.190, 36.650, s)),
        plot("f", "P6", "地块F", "规划", square(119.200, 36.650, s)),
        school("s", "S1", 119.175, 36.660),
    ]
}

/// The new version, in another order: A as it was; B's status changed; C reshaped (one side
/// pushed out by a third); D moved 300 m east; E renamed; F removed; G added; the school moved
/// 10 m north.
fn new_version() -> Vec<Value> {
    let s = 0.003;
    let reshaped =
        json!([[[119.170, 36.650], [119.174, 36.650], [119.174, 36.653], [119.170, 36.653], [119.170, 36.650]]]);
    vec![
        school("s", "S1", 119.175, 36.660 + 10.0 * DEG_PER_M_LAT),
        plot("g", "P7", "地块G", "规划", square(119.210, 36.650, s)),
        plot("e", "P5", "地块E（更名）", "规划", square(119.190, 36.650, s)),
        plot("d", "P4", "地块D", "规划", square(119.180 + 300.0 * DEG_PER_M_LON, 36.650, s)),
        plot("c", "P3", "地块C", "规划", reshaped),
        plot("b", "P2", "地块B", "已批", square(119.160, 36.650, s)),
        plot("a", "P1", "地块A", "现状", square(119.150, 36.650, s)),
    ]
}

fn write_geojson(dir: &Path, name: &str, features: Vec<Value>) -> PathBuf {
    let path = dir.join(name);
    let doc = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&path, doc.to_string()).unwrap_or_else(|e| panic!("{e}"));
    path
}

/// `ogr2ogr` converts a GeoJSON file into another format.
fn ogr2ogr(src: &Path, dst: &Path, options: &[&str]) {
    let out = Command::new("ogr2ogr").args(options).arg(dst).arg(src).output();
    let out = out.unwrap_or_else(|e| panic!("ogr2ogr (gdal-bin) is needed: {e}"));
    assert!(out.status.success(), "ogr2ogr: {}", String::from_utf8_lossy(&out.stderr));
}

fn read(path: &Path) -> Vec<Feature> {
    let parsed = load_path(path, LoadOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(parsed.ok(), "{}: {:?}", path.display(), parsed.errors);
    parsed.features
}

/// The versions: GeoJSON with ids and without; the old one without ids as a shapefile (its
/// plots only: a shapefile holds one kind of geometry) and the new one as a GeoPackage.
struct Versions {
    _dir: tempfile::TempDir,
    old_geojson: PathBuf,
    new_geojson: PathBuf,
    old_no_ids: PathBuf,
    old_shp: PathBuf,
    new_gpkg: PathBuf,
}

fn without_ids(features: Vec<Value>) -> Vec<Value> {
    features
        .into_iter()
        .map(|mut f| {
            if let Some(o) = f.as_object_mut() {
                o.remove("id");
            }
            f
        })
        .collect()
}

fn versions() -> Versions {
    let dir = common::temp_dir();
    let old_geojson = write_geojson(dir.path(), "old.geojson", old_version());
    let new_geojson = write_geojson(dir.path(), "new.geojson", new_version());
    let old_no_ids = write_geojson(dir.path(), "old_no_ids.geojson", without_ids(old_version()));
    let new_no_ids = write_geojson(dir.path(), "new_no_ids.geojson", without_ids(new_version()));
    let old_shp = dir.path().join("old.shp");
    ogr2ogr(&old_no_ids, &old_shp, &["-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-where", "plot_no <> 'S1'"]);
    let new_gpkg = dir.path().join("new.gpkg");
    ogr2ogr(&new_no_ids, &new_gpkg, &["-f", "GPKG"]);
    Versions { _dir: dir, old_geojson, new_geojson, old_no_ids, old_shp, new_gpkg }
}

fn ids(items: &[kuiwen_atlas::analysis::change::Changed]) -> Vec<String> {
    items.iter().map(|c| c.id.clone()).collect()
}

fn modified<'a>(r: &'a ChangeReport, id: &str) -> &'a kuiwen_atlas::analysis::change::Modified {
    r.modified.iter().find(|m| m.id == id).unwrap_or_else(|| panic!("{id} not modified: {r:#?}"))
}

/// SpatiaLite's ellipsoidal area of the feature with this plot number, m².
fn spatialite_area_m2(path: &Path, plot_no: &str) -> f64 {
    let layer = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let sql = format!("SELECT ST_Area(geometry, 1) AS a FROM \"{layer}\" WHERE plot_no = '{plot_no}'");
    let out = Command::new("ogr2ogr")
        .args(["-f", "CSV", "/vsistdout/"])
        .arg(path)
        .args(["-dialect", "sqlite", "-sql", &sql])
        .output()
        .unwrap_or_else(|e| panic!("ogr2ogr: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("no area in {text}"))
}

#[test]
fn matched_by_id_every_kind_of_change_is_found_and_order_alone_changes_nothing() {
    let v = versions();
    let (old, new) = (read(&v.old_geojson), read(&v.new_geojson));
    let r = compare(&old, &new, None);
    assert_eq!(ids(&r.added), ["g"]);
    assert_eq!(ids(&r.removed), ["f"]);
    assert_eq!(r.unchanged, 1, "A only moved in the list: {r:#?}");
    assert_eq!(r.modified.len(), 5, "{r:#?}");
    assert!(r.modified.iter().all(|m| m.matched_by == MatchedBy::Id));
    let b = modified(&r, "b");
    assert_eq!(b.properties.get("status"), Some(&[json!("规划"), json!("已批")]));
    assert!(!b.geometry_changed && b.properties.len() == 1);
    let e = modified(&r, "e");
    assert_eq!(e.properties.get("name"), Some(&[json!("地块E"), json!("地块E（更名）")]));
    let d = modified(&r, "d");
    assert!(d.geometry_changed && d.properties.is_empty());
    assert!((d.moved_m - 300.0).abs() < 3.0, "D moved {} m", d.moved_m);
    assert!(d.area_change_m2.abs() < 0.02 * 80_000.0, "a move keeps the area: {}", d.area_change_m2);
    let s = modified(&r, "s");
    assert!((s.moved_m - 10.0).abs() < 0.2, "the school moved {} m", s.moved_m);
    assert_eq!(s.area_change_m2, 0.0);
    // The reshaped plot grew by a third: checked against SpatiaLite on the ellipsoid.
    let c = modified(&r, "c");
    let expected = spatialite_area_m2(&v.new_geojson, "P3") - spatialite_area_m2(&v.old_geojson, "P3");
    assert!(expected > 10_000.0, "the fixture grows C: {expected}");
    assert!((c.area_change_m2 - expected).abs() < expected * 1e-3, "C: {} vs SpatiaLite {expected}", c.area_change_m2);

    // The same version in another order is unchanged.
    let mut shuffled = old.clone();
    shuffled.reverse();
    let same = compare(&old, &shuffled, None);
    assert!(same.is_empty() && same.unchanged == old.len(), "{same:#?}");
}

#[test]
fn across_formats_without_ids_the_key_field_pairs_them_and_numbers_compare_as_numbers() {
    let v = versions();
    let (old, new) = (read(&v.old_shp), read(&v.new_gpkg));
    let r = compare(&old, &new, Some("plot_no"));
    // The shapefile holds the plots only, so the school is new to it.
    assert_eq!(ids(&r.added), ["S1", "P7"]);
    assert_eq!(ids(&r.removed), ["P6"]);
    assert_eq!(r.unchanged, 1, "A: the shapefile's area_mu 12.0 equals the GeoPackage's 12: {r:#?}");
    let names: Vec<&str> = r.modified.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for id in ["P2", "P3", "P4", "P5"] {
        assert_eq!(modified(&r, id).matched_by, MatchedBy::Key, "{id}");
    }
    assert!((modified(&r, "P4").moved_m - 300.0).abs() < 3.0);
}

#[test]
fn without_ids_or_key_the_geometry_pairs_what_still_overlaps_and_a_far_move_is_removed_and_added() {
    let v = versions();
    // The GeoPackage numbers its rows (fid) in its own order; the old GeoJSON has no ids.
    let (old, new) = (read(&v.old_no_ids), read(&v.new_gpkg));
    let r = compare(&old, &new, None);
    // Named by their `name`: B, C and E kept their place or most of it, the school is 10 m away.
    for name in ["地块B", "地块C", "地块E（更名）", "规划小学"] {
        assert_eq!(modified(&r, name).matched_by, MatchedBy::Geometry, "{name}: {r:#?}");
    }
    assert!(modified(&r, "地块C").geometry_changed);
    // D moved 300 m from a 270 m plot: nothing overlaps, so it is a removal and an addition.
    let mut added = ids(&r.added);
    added.sort();
    let mut removed = ids(&r.removed);
    removed.sort();
    assert_eq!(added, ["地块D", "地块G"]);
    assert_eq!(removed, ["地块D", "地块F"]);
    assert_eq!(r.unchanged, 1);
}

#[test]
fn the_diff_command_prints_the_documented_json_and_writes_the_report_for_excel() {
    let v = versions();
    let csv = v.old_shp.with_file_name("changes.csv");
    let out = Command::new(BIN)
        .arg("diff")
        .arg(&v.old_shp)
        .arg(&v.new_gpkg)
        .args(["--key", "plot_no", "--json", "--csv"])
        .arg(&csv)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["added"], json!(["S1", "P7"]));
    assert_eq!(doc["removed"], json!(["P6"]));
    assert_eq!(doc["unchanged"], json!(1));
    let modified = doc["modified"].as_array().unwrap_or_else(|| panic!("{doc}"));
    let b = modified.iter().find(|m| m["id"] == "P2").unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(b["properties"]["status"], json!(["规划", "已批"]));
    assert_eq!(b["geometry_changed"], json!(false));
    let c = modified.iter().find(|m| m["id"] == "P3").unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(c["geometry_changed"], json!(true));
    assert!(c["area_change_m2"].as_f64().is_some_and(|a| a > 10_000.0), "{c}");
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM for Excel");
    assert!(
        text.contains("新增,S1") && text.contains("删除,P6") && text.contains("修改,P2,status,规划,已批"),
        "{text}"
    );

    // The text report, in both languages.
    let out = Command::new(BIN).arg("diff").arg(&v.old_geojson).arg(&v.new_geojson).output();
    let out = out.unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("新增 1 个，删除 1 个，修改 5 个，未变 1 个") && text.contains("1 added"), "{text}");
    // An input that is not there is named, with exit 1.
    let out = Command::new(BIN).args(["diff", "no-such.shp", "parks"]).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.shp"));
}
