//! `kuiwen-atlas check`: validating files without a window.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn check(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .arg("check")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run: {e}"));
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn valid_file_reports_counts_types_bbox_and_area() {
    let path = fixture("valid_parks.geojson");
    let (code, out) = check(&["--json", path.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let f = &v["files"][0];
    assert_eq!(f["ok"], true);
    assert_eq!(f["features"], 3);
    assert_eq!(f["geometry_types"]["Polygon"], 1);
    assert_eq!(f["geometry_types"]["LineString"], 1);
    assert_eq!(f["geometry_types"]["Point"], 1);
    let bbox: Vec<f64> =
        f["bbox"].as_array().unwrap_or_else(|| panic!("no bbox")).iter().filter_map(|x| x.as_f64()).collect();
    assert_eq!(bbox, vec![119.10, 36.70, 119.12, 36.71]);
    // 0.01° × 0.01° at 36.7°N: 892.6 m × 1109.6 m ≈ 0.990 km².
    let area = f["area_m2"].as_f64().unwrap_or_default();
    assert!((area - 990_000.0).abs() < 5_000.0, "{area}");
    assert_eq!(f["errors"].as_array().map(Vec::len), Some(0));
}

#[test]
fn invalid_files_exit_1_and_name_line_column_and_feature() {
    let bad = fixture("unclosed_ring.geojson");
    let json = fixture("bad_json.geojson");
    let good = fixture("valid_parks.geojson");
    let (code, out) = check(&[
        "--json",
        bad.to_str().unwrap_or_default(),
        json.to_str().unwrap_or_default(),
        good.to_str().unwrap_or_default(),
    ]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let files = v["files"].as_array().unwrap_or_else(|| panic!("no files"));
    assert_eq!(files.len(), 3);
    let e = &files[0]["errors"][0];
    assert!(e["message"].as_str().unwrap_or_default().contains("not closed"), "{e}");
    assert_eq!(e["feature"], 1);
    assert_eq!(e["line"], 3);
    assert_eq!(files[0]["features"], 1, "the good feature still counts");
    let e = &files[1]["errors"][0];
    assert!(e["message"].as_str().unwrap_or_default().contains("not valid JSON"), "{e}");
    assert_eq!(e["line"], 3);
    assert!(e["column"].as_u64().is_some_and(|c| c > 30), "{e}");
    assert_eq!(files[2]["ok"], true);
}

#[test]
fn text_output_names_the_problem_and_where() {
    let bad = fixture("unclosed_ring.geojson");
    let (code, out) = check(&[bad.to_str().unwrap_or_default()]);
    assert_eq!(code, 1);
    assert!(out.contains("INVALID"), "{out}");
    assert!(out.contains("line 3") && out.contains("feature #1") && out.contains("not closed"), "{out}");
}

#[test]
fn projected_metres_are_recognised_and_the_fix_suggested() {
    let f = fixture("web_mercator_metres.geojson");
    let (code, out) = check(&[f.to_str().unwrap_or_default()]);
    assert_eq!(code, 1);
    assert!(out.to_lowercase().contains("mercator"), "{out}");
    let (code, out) = check(&["--crs", "webmercator", f.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("119.1"), "converted to lon/lat: {out}");
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let (code, out) = check(&["--json", "/nonexistent/nothing.geojson"]);
    assert_eq!(code, 1);
    assert!(out.contains("cannot read"), "{out}");
}
