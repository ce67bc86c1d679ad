//! The planner's toolkit without a window: geodesic measures of known distances and areas, CSV
//! export read back by the `csv` crate, GeoJSON export read back by our loader, statistics and
//! selection on a hand-made fixture.

use geo::{Geometry, LineString, polygon};
use kuiwen_atlas::analysis::measure::{
    AreaUnits, M2_PER_MU, area_m2, length_m, path_length_m, ring_area_m2, ring_perimeter_m,
};
use kuiwen_atlas::analysis::stats::{is_additive_key, numeric_stats, select_in_polygon, summarize};
use kuiwen_atlas::io::export::{UTF8_BOM, features_csv, features_geojson, property_columns};
use kuiwen_atlas::io::{LoadOptions, embedded, parse_bytes};
use kuiwen_atlas::model::{Feature, Layer, LayerOrigin, Style};
use serde_json::{Value, json};

/// 1 km east of (119.1, 36.7) on the WGS84 ellipsoid: 1000 m / (N cos φ) in degrees.
const DLON_1KM: f64 = 0.011_193_9;
/// 1 km north at 36.7°N: 1000 m / M (meridional radius of curvature) in degrees.
const DLAT_1KM: f64 = 0.009_008_5;

fn feature(id: &str, props: Value, geometry: Option<Geometry<f64>>) -> Feature {
    let Value::Object(map) = props else { panic!("properties must be an object") };
    Feature::new(Some(id.to_owned()), geometry, map)
}

// ---------------------------------------------------------------------------------------------
// Measures

#[test]
fn one_km_east_west_at_kuiwen_latitude() {
    let pts = [[119.1, 36.7], [119.1 + DLON_1KM, 36.7]];
    let d = path_length_m(&pts);
    assert!((d - 1000.0).abs() < 0.5, "east-west: {d} m");
    // The same line as a geometry, and drawn west to east or back: the same length.
    let ls: LineString<f64> = pts.iter().map(|p| (p[0], p[1])).collect();
    assert!((length_m(&ls.into()) - d).abs() < 1e-6);
    assert!((path_length_m(&[pts[1], pts[0]]) - d).abs() < 1e-6);
    // A planar reading of degrees would call this 0.0112 "units": make sure we are not near it,
    // and not near the equatorial 1246 m either.
    assert!(d > 990.0 && d < 1010.0);
}

#[test]
fn one_km_north_south_and_a_polyline_adds_its_segments() {
    let north = [[119.1, 36.7], [119.1, 36.7 + DLAT_1KM]];
    let d = path_length_m(&north);
    assert!((d - 1000.0).abs() < 1.0, "north-south: {d} m");
    // An L: 1 km east then 1 km north is 2 km along the line.
    let l = [[119.1, 36.7], [119.1 + DLON_1KM, 36.7], [119.1 + DLON_1KM, 36.7 + DLAT_1KM]];
    let total = path_length_m(&l);
    assert!((total - 2000.0).abs() < 1.5, "{total}");
    assert_eq!(path_length_m(&l[..1]), 0.0);
}

#[test]
fn one_square_km_is_100_hectares_and_1500_mu() {
    let ring = [[119.1, 36.7], [119.1 + DLON_1KM, 36.7], [119.1 + DLON_1KM, 36.7 + DLAT_1KM], [119.1, 36.7 + DLAT_1KM]];
    let a = ring_area_m2(&ring);
    // The top edge is a little shorter than the bottom one (cos φ), hence the tolerance.
    assert!((a - 1.0e6).abs() < 2_000.0, "{a} m²");
    let u = AreaUnits::from_m2(a);
    assert!((u.km2 - 1.0).abs() < 0.002);
    assert!((u.hectares - 100.0).abs() < 0.2);
    assert!((u.mu - 1500.0).abs() < 3.0, "{} 亩", u.mu);
    // Clicked clockwise: the same area, not the rest of the globe.
    let mut cw = ring;
    cw.reverse();
    assert!((ring_area_m2(&cw) - a).abs() < 1e-3 * a);
    let p = ring_perimeter_m(&ring);
    assert!((p - 4000.0).abs() < 5.0, "{p} m");
    assert_eq!(ring_area_m2(&ring[..2]), 0.0);
}

#[test]
fn the_1532_park_measures_600_mu() {
    // The embedded park is drawn to the article's 占地600亩.
    let parks = embedded::FILES
        .iter()
        .find(|f| f.file == "parks.geojson")
        .map(|f| embedded::load_one(f).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|| panic!("no parks file"));
    let park =
        parks.features.iter().find(|f| f.id.as_deref() == Some("park-1532")).unwrap_or_else(|| panic!("no park-1532"));
    let g = park.geometry.as_ref().unwrap_or_else(|| panic!("no geometry"));
    let mu = area_m2(g) / M2_PER_MU;
    assert!((mu - 600.0).abs() < 1.0, "{mu} 亩");
}

// ---------------------------------------------------------------------------------------------
// CSV and GeoJSON export

fn tricky_features() -> Vec<Feature> {
    vec![
        feature(
            "community-1",
            json!({"name": "东关街道，第一社区", "households": 6012, "note": "他说：\"好\"\n第二行", "area_km2": 1.25}),
            None,
        ),
        feature("community-2", json!({"name": "奎文区·新城", "households": 5800, "managers": 3}), None),
    ]
}

#[test]
fn csv_round_trip_keeps_chinese_text_quotes_and_newlines() {
    let features = tricky_features();
    let columns = property_columns(&features);
    // Rows in the table's order (here reversed, as after a descending sort).
    let bytes = features_csv(&features, &[1, 0], &columns).unwrap_or_else(|e| panic!("{e}"));
    assert!(bytes.starts_with(UTF8_BOM), "Excel needs the BOM to read UTF-8");

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("社区.csv");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));

    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{e}"));
    // The csv crate skips the BOM: the first header is "id", not "\u{feff}id".
    let header: Vec<String> = reader.headers().unwrap_or_else(|e| panic!("{e}")).iter().map(str::to_owned).collect();
    let mut expected_header = vec!["id".to_owned()];
    expected_header.extend(columns.iter().cloned());
    assert_eq!(header, expected_header);
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap_or_else(|e| panic!("{e}")).iter().map(str::to_owned).collect()).collect();
    assert_eq!(rows.len(), 2);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    assert_eq!(rows[0][col("id")], "community-2");
    assert_eq!(rows[0][col("name")], "奎文区·新城");
    assert_eq!(rows[0][col("note")], "", "a missing value is an empty cell");
    assert_eq!(rows[1][col("name")], "东关街道，第一社区");
    assert_eq!(rows[1][col("note")], "他说：\"好\"\n第二行");
    // Numbers stay plain numbers (no units, no thousands separators) for the spreadsheet.
    assert_eq!(rows[1][col("households")], "6012");
    assert_eq!(rows[1][col("area_km2")], "1.25");
}

#[test]
fn geojson_export_loads_back_with_our_loader() {
    let line = feature(
        "measure-1",
        json!({"name": "量算 1", "length_m": 1000.0}),
        Some(LineString::from(vec![(119.1, 36.7), (119.1 + DLON_1KM, 36.7)]).into()),
    );
    let square = feature(
        "measure-2",
        json!({"name": "量算 2", "area_mu": 1500.0}),
        Some(
            polygon![(x: 119.1, y: 36.7), (x: 119.1 + DLON_1KM, y: 36.7), (x: 119.1 + DLON_1KM, y: 36.7 + DLAT_1KM), (x: 119.1, y: 36.7 + DLAT_1KM)]
                .into(),
        ),
    );
    let text = features_geojson([&line, &square]).unwrap_or_else(|e| panic!("{e}"));
    let parsed = parse_bytes(text.as_bytes(), LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.features.len(), 2);
    assert_eq!(parsed.features[0].id.as_deref(), Some("measure-1"));
    assert_eq!(parsed.features[0].prop_str("name"), Some("量算 1"));
    let len = parsed.features[0].geometry.as_ref().map(length_m).unwrap_or_default();
    assert!((len - 1000.0).abs() < 0.5, "{len}");
    let area = parsed.features[1].geometry.as_ref().map(area_m2).unwrap_or_default();
    assert!((area - 1.0e6).abs() < 2_000.0, "{area}");
}

// ---------------------------------------------------------------------------------------------
// Statistics and selection

/// Three communities side by side, 1 km² each, two in 东关 and one in 大虞.
fn fixture_layer() -> Layer {
    let square = |i: f64| -> Geometry<f64> {
        let x = 119.1 + i * DLON_1KM;
        polygon![(x: x, y: 36.7), (x: x + DLON_1KM, y: 36.7), (x: x + DLON_1KM, y: 36.7 + DLAT_1KM), (x: x, y: 36.7 + DLAT_1KM)]
            .into()
    };
    let features = vec![
        feature(
            "c-1",
            json!({"name": "甲社区", "subdistrict": "东关街道", "households": 6000, "grid_count": 5, "service_radius_min": 10, "subdistrict_code": 370705001}),
            Some(square(0.0)),
        ),
        feature(
            "c-2",
            json!({"name": "乙社区", "subdistrict": "东关街道", "households": 5500, "grid_count": 7, "service_radius_min": 10, "subdistrict_code": 370705001}),
            Some(square(1.0)),
        ),
        feature(
            "c-3",
            json!({"name": "丙社区", "subdistrict": "大虞街道", "households": "未统计", "grid_count": 6, "service_radius_min": 10}),
            Some(square(2.0)),
        ),
    ];
    Layer::new("fixture", "测试社区", "Test communities", LayerOrigin::Generated, features, Style::default())
}

#[test]
fn statistics_of_a_fixture_layer() {
    let layer = fixture_layer();
    let s = numeric_stats(&layer.features);
    assert_eq!(s.count, 3);
    let h = s.get("households").unwrap_or_else(|| panic!("no households: {s:?}"));
    // The text value "未统计" is not a number: two values, not three.
    assert_eq!(h.count, 2);
    assert_eq!((h.sum, h.mean, h.min, h.max), (11_500.0, 5_750.0, 5_500.0, 6_000.0));
    let g = s.get("grid_count").unwrap_or_else(|| panic!("no grid_count"));
    assert_eq!((g.count, g.sum, g.mean, g.min, g.max), (3, 18.0, 6.0, 5.0, 7.0));
    // Codes are identifiers, not quantities.
    assert!(s.get("subdistrict_code").is_none());
    // A radius in minutes has a mean but no meaningful sum.
    assert!(s.get("service_radius_min").is_some());
    assert!(!is_additive_key("service_radius_min"));
    assert!(is_additive_key("households") && is_additive_key("investment_yuan"));
}

#[test]
fn selecting_by_polygon_sums_households_and_area() {
    let layer = fixture_layer();
    // A rectangle over the first two squares that grazes the third one's edge.
    let area = polygon![
        (x: 119.1 - 0.001, y: 36.69), (x: 119.1 + 2.2 * DLON_1KM, y: 36.69),
        (x: 119.1 + 2.2 * DLON_1KM, y: 36.72), (x: 119.1 - 0.001, y: 36.72)
    ];
    let hits = select_in_polygon(&layer.features, &layer.index, &area);
    assert_eq!(hits, vec![0, 1]);
    let summary = summarize(hits.iter().filter_map(|&i| layer.features.get(i)));
    assert_eq!(summary.count, 2);
    assert!((summary.area_m2 - 2.0e6).abs() < 4_000.0, "{}", summary.area_m2);
    assert_eq!(summary.length_m, 0.0);
    assert_eq!(summary.stats.get("households").map(|h| h.sum), Some(11_500.0));
    assert_eq!(summary.stats.get("grid_count").map(|h| h.sum), Some(12.0));
    // Nothing in an empty corner.
    let empty = polygon![(x: 118.0, y: 35.0), (x: 118.1, y: 35.0), (x: 118.1, y: 35.1), (x: 118.0, y: 35.1)];
    assert!(select_in_polygon(&layer.features, &layer.index, &empty).is_empty());
}

#[test]
fn statistics_of_the_embedded_grids_match_the_article() {
    // 413 grids and 1315 managers in all (the seed article's figures).
    let grids = embedded::FILES
        .iter()
        .find(|f| f.file == "grids.geojson")
        .map(|f| embedded::load_one(f).unwrap_or_else(|e| panic!("{e}")))
        .unwrap_or_else(|| panic!("no grids file"));
    let s = numeric_stats(&grids.features);
    assert_eq!(s.count, 413);
    assert_eq!(s.get("managers").map(|m| m.sum), Some(1315.0));
    assert!(s.get("managers").is_some_and(|m| m.min >= 1.0));
}
