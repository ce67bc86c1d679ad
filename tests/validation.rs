//! One fixture per validation message: `check` names what is wrong, where, and the fix.

mod common;

use std::process::Command;

fn check_text(name: &str, content: &[u8], extra: &[&str]) -> (i32, String) {
    let dir = common::temp_dir();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .arg("check")
        .args(extra)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run: {e}"));
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn feature(geometry: &str) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":null}},\n{{\"type\":\"Feature\",\"properties\":{{\"name\":\"x\"}},\"geometry\":{geometry}}}\n]}}"
    )
}

#[test]
fn each_problem_gets_its_message_with_line_and_column() {
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("not_json.geojson", "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\" \"properties\": {}}]}".into(), "not valid JSON", "line 3, column"),
        ("not_geojson.geojson", "{\"features\": []}".into(), "no \"type\"", "INVALID"),
        ("wrong_member.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":\"名称\",\"geometry\":null}]}".into(), "\"properties\" must be an object", "line 2, column 1, feature #0"),
        ("too_few.geojson", feature(r#"{"type":"LineString","coordinates":[[119.1,36.7]]}"#), "at least 2 positions", "line 3, column 1, feature #1"),
        ("unclosed.geojson", feature(r#"{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.8]]]}"#), "not closed", "feature #1"),
        ("out_of_range.geojson", feature(r#"{"type":"Point","coordinates":[119.1,95.0]}"#), "out of range", "feature #1"),
        ("web_mercator.geojson", feature(r#"{"type":"Point","coordinates":[13257000.0,4400000.0]}"#), "Web Mercator", "--crs webmercator"),
        ("gauss_kruger_plain.geojson", feature(r#"{"type":"Point","coordinates":[410000.0,4063000.0]}"#), "Gauss", "ogr2ogr"),
        ("crs_xian80.geojson", "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:2385\"}},\"features\":[]}".into(), "seven parameters", "Xian 1980"),
        ("crs_unknown.geojson", "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:9999999\"}},\"features\":[]}".into(), "cannot be used", "EPSG:9999999"),
    ];
    for (name, content, message, where_) in cases {
        let (code, out) = check_text(name, content.as_bytes(), &[]);
        assert_eq!(code, 1, "{name}: {out}");
        assert!(out.contains(message), "{name}: expected {message:?} in\n{out}");
        assert!(out.contains(where_), "{name}: expected {where_:?} in\n{out}");
    }
}

#[test]
fn tolerated_inputs_load_with_warnings() {
    // Each file, and the warning `check --json` must give for it (and nothing else it tolerates).
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bom.geojson", [b"\xEF\xBB\xBF".as_slice(), feature(r#"{"type":"Point","coordinates":[119.1,36.7]}"#).as_bytes()].concat(), "byte-order mark"),
        ("z.geojson", feature(r#"{"type":"Point","coordinates":[119.1,36.7,25.0]}"#).into_bytes(), "3D coordinates"),
        ("gc.geojson", feature(r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[119.1,36.7]}]}"#).into_bytes(), "GeometryCollection"),
        ("foreign.geojson", b"{\"type\":\"FeatureCollection\",\"generator\":\"x\",\"features\":[{\"type\":\"Feature\",\"extra\":[1],\"properties\":{},\"geometry\":null}]}".to_vec(), "foreign members \"extra\", \"generator\""),
        ("crs4490.geojson", b"{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4490\"}},\"features\":[]}".to_vec(), "read as CGCS2000"),
        ("crs3857.geojson", b"{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3857\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[13257000.0,4400000.0]}}]}".to_vec(), "EPSG:3857"),
    ];
    for (name, content, expected) in cases {
        let (code, out) = check_text(name, &content, &["--json"]);
        assert_eq!(code, 0, "{name}: {out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}: {out}"));
        let messages: Vec<&str> = v["files"][0]["warnings"]
            .as_array()
            .map(|w| w.iter().filter_map(|d| d["message"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(messages.len(), 1, "{name}: exactly one warning expected: {messages:?}");
        assert!(messages[0].contains(expected), "{name}: expected a warning containing {expected:?}, got {messages:?}");
        assert_eq!(v["files"][0]["errors"].as_array().map_or(0, Vec::len), 0, "{name}: no errors: {out}");
    }
    let (_, out) = check_text("crs3857b.geojson", b"{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3857\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[13257000.0,4400000.0]}}]}", &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    let lon = v["files"][0]["bbox"][0].as_f64().unwrap_or_default();
    assert!((lon - 119.09).abs() < 0.01, "3857 converted to lon/lat: {lon}");
}

#[test]
fn gauss_kruger_with_the_zone_in_the_easting_is_read_and_says_so() {
    // 8-digit eastings starting 40: 3-degree zone 40 (EPSG:4528), the only reading in China.
    let content = feature(r#"{"type":"Point","coordinates":[40420478.85,4064697.45]}"#);
    let (code, out) = check_text("gauss_kruger_zone.geojson", content.as_bytes(), &["--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    let (lon, lat) =
        (v["files"][0]["bbox"][0].as_f64().unwrap_or_default(), v["files"][0]["bbox"][1].as_f64().unwrap_or_default());
    assert!((lon - 119.11).abs() < 1e-7 && (lat - 36.71).abs() < 1e-7, "FACTS check point: {lon} {lat}");
    assert_eq!(v["files"][0]["crs"], "EPSG:4528");
    let warned = v["files"][0]["warnings"].as_array().is_some_and(|w| {
        w.iter()
            .any(|d| d["message"].as_str().is_some_and(|m| m.contains("8-digit eastings") && m.contains("EPSG:4528")))
    });
    assert!(warned, "the assumption is stated: {out}");
    // A `crs` member naming the zone needs no guess, and any EPSG code is understood.
    let content = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4549"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[420478.85,4064697.45]}}]}"#;
    let (code, out) = check_text("gk4549.geojson", content.as_bytes(), &["--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!((v["files"][0]["bbox"][0].as_f64().unwrap_or_default() - 119.11).abs() < 1e-7, "{out}");
}

#[test]
fn declared_gcj02_moves_points_back_to_wgs84() {
    // A point digitised on AMap at Kuiwen government (GCJ-02) lands ~500 m away in WGS84.
    let content = feature(r#"{"type":"Point","coordinates":[119.1373,36.7081]}"#);
    let (code, out) = check_text("gcj.geojson", content.as_bytes(), &["--json", "--crs", "gcj02"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}"));
    let lon = v["files"][0]["bbox"][0].as_f64().unwrap_or_default();
    let lat = v["files"][0]["bbox"][1].as_f64().unwrap_or_default();
    let shift_m = ((lon - 119.1373) * 89_000.0).hypot((lat - 36.7081) * 111_000.0);
    assert!((300.0..800.0).contains(&shift_m), "shift {shift_m} m ({lon}, {lat})");
    let (code, out) = check_text("gcj.geojson", content.as_bytes(), &["--crs", "mars"]);
    assert_eq!(code, 2, "{out}");
}
