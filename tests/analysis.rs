//! 查询统计 and overlay analysis, checked against an independent computation: GDAL's SQLite
//! dialect with SpatiaLite (GEOS for the cutting, `ST_Area(g, 1)` / `ST_Length(g, 1)` on the
//! ellipsoid) over the same embedded files. CI installs gdal-bin; without it these tests fail
//! and say so, rather than pass without checking anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Area, Geometry, LineString, Point, Polygon};
use kuiwen_atlas::analysis::nearby::{within_distance, within_walk};
use kuiwen_atlas::analysis::network::WalkNetwork;
use kuiwen_atlas::analysis::overlay::{difference, intersect, multipolygon_area_m2};
use kuiwen_atlas::analysis::zonal::zonal_stats;
use kuiwen_atlas::io::embedded;
use kuiwen_atlas::model::{Feature, Layer};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

mod common;

fn geodata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

fn embedded_layer(key: &str) -> Layer {
    let f = embedded::FILES
        .iter()
        .find(|f| f.file == format!("{key}.geojson"))
        .unwrap_or_else(|| panic!("no embedded {key}"));
    embedded::load_one(f).unwrap_or_else(|e| panic!("{key}: {e}"))
}

/// Rows of an SQL query in GDAL's SQLite dialect, run in `geodata/` against `first` (other files
/// are named as `"file.geojson".layer`), as CSV.
fn spatialite(first: &str, sql: &str) -> Vec<Vec<String>> {
    let out = Command::new("ogr2ogr")
        .current_dir(geodata())
        .args(["-f", "CSV", "/vsistdout/", first, "-dialect", "sqlite", "-sql", sql])
        .output()
        .unwrap_or_else(|e| panic!("ogr2ogr is needed for the independent computation (apt install gdal-bin): {e}"));
    assert!(out.status.success(), "ogr2ogr failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap_or_else(|e| panic!("{e}: {text}")).iter().map(str::to_owned).collect()).collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn facility_counts_per_community_equal_an_independent_point_in_polygon_count() {
    let facilities = embedded_layer("facilities");
    let communities = embedded_layer("communities");
    let table =
        zonal_stats(&facilities.features, &communities.features, "社区", None).unwrap_or_else(|e| panic!("{e}"));
    let gdal: BTreeMap<String, usize> = spatialite(
        "communities.geojson",
        // A facility on the edge between two communities counts in the first of them (in file
        // order), the rule the app states; every other one in the community that contains it.
        // (SQLite takes a bare column from the row that gives the min().)
        "SELECT cname, count(*) AS n FROM \
           (SELECT min(c.rowid) AS cid, c.name AS cname FROM communities c, \"facilities.geojson\".facilities f \
            WHERE ST_Intersects(c.geometry, f.geometry) GROUP BY f.rowid) \
         GROUP BY cname",
    )
    .into_iter()
    .map(|r| (r[0].clone(), num(&r[1]) as usize))
    .collect();
    assert_eq!(table.units.len(), 65);
    let mut compared = 0;
    for row in &table.units {
        assert_eq!(row.count, gdal.get(&row.name).copied().unwrap_or(0), "{}", row.name);
        compared += usize::from(row.count > 0);
    }
    assert!(compared > 40, "only {compared} communities have facilities: the check would be weak");
    let inside: usize = table.units.iter().map(|r| r.count).sum();
    assert_eq!(inside + table.outside, facilities.features.len());
    assert!(table.outside > 0, "the facilities outside every community are counted, not dropped");
}

fn pairs_by_name(a: &str, b: &str) -> BTreeMap<(String, String), f64> {
    let (la, lb) = (embedded_layer(a), embedded_layer(b));
    let r = intersect(&la.features, a, &lb.features, b, false).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.invalid.is_empty(), "{:?}", r.invalid);
    r.pairs.into_iter().map(|p| ((p.a, p.b), p.area_m2)).collect()
}

fn spatialite_pairs(a: &str, b: &str) -> BTreeMap<(String, String), f64> {
    spatialite(
        &format!("{a}.geojson"),
        &format!(
            "SELECT a.name AS a_name, b.name AS b_name, ST_Area(ST_Intersection(a.geometry, b.geometry), 1) AS area_m2 \
             FROM {a} a, \"{b}.geojson\".{b} b WHERE ST_Intersects(a.geometry, b.geometry)"
        ),
    )
    .into_iter()
    .map(|r| ((r[0].clone(), r[1].clone()), num(r.get(2).map_or("", |s| if s.is_empty() { "0" } else { s }))))
    // Polygons that only touch share an edge and no area.
    .filter(|(_, area)| *area > 0.01)
    .collect()
}

#[test]
fn overlay_areas_agree_with_spatialite_within_a_permille() {
    for (a, b, min_pairs) in
        [("parks", "subdistricts", 6), ("southern_new_town", "communities", 2), ("grids", "subdistricts", 413)]
    {
        let ours = pairs_by_name(a, b);
        let theirs = spatialite_pairs(a, b);
        assert!(ours.len() >= min_pairs, "{a} × {b}: {} pairs", ours.len());
        assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>(), "{a} × {b}: different pairs");
        for (k, area) in &ours {
            let other = theirs[k];
            assert!((area - other).abs() <= 1e-3 * other, "{a} × {b} {k:?}: {area} m² vs SpatiaLite's {other} m²");
        }
    }
}

#[test]
fn road_lengths_by_subdistrict_are_cut_at_the_edges_and_agree_with_spatialite() {
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["stats", "roads", "--by", "subdistricts", "--json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let gdal: BTreeMap<String, f64> = spatialite(
        "subdistricts.geojson",
        "SELECT s.name, sum(ST_Length(ST_Intersection(s.geometry, r.geometry), 1)) AS m \
         FROM subdistricts s, \"roads.geojson\".roads r WHERE ST_Intersects(s.geometry, r.geometry) GROUP BY s.name",
    )
    .into_iter()
    .map(|r| (r[0].clone(), num(&r[1])))
    .collect();
    let units = v["units"].as_array().unwrap_or_else(|| panic!("no units: {v}"));
    assert_eq!(units.len(), 8);
    for u in units {
        let name = u["name"].as_str().unwrap_or_default();
        let ours = u["length_m"].as_f64().unwrap_or(f64::NAN);
        let theirs = gdal.get(name).copied().unwrap_or(0.0);
        assert!((ours - theirs).abs() <= 1e-3 * theirs.max(1.0), "{name}: {ours} m vs SpatiaLite's {theirs} m");
    }
    // A road crossing a boundary is counted on both sides but its length only once.
    let roads = embedded_layer("roads");
    let total: f64 =
        roads.features.iter().filter_map(|f| f.geometry.as_ref()).map(kuiwen_atlas::analysis::measure::length_m).sum();
    let cut: f64 = units.iter().filter_map(|u| u["length_m"].as_f64()).sum();
    assert!(cut <= total * 1.000_001, "{cut} > {total}");
    let counted: u64 = units.iter().filter_map(|u| u["count"].as_u64()).sum();
    assert!(counted > roads.features.len() as u64 / 2, "{counted}");
}

#[test]
fn stats_prints_the_documented_json_and_writes_the_table_and_the_choropleth() {
    let dir = common::temp_dir();
    let (csv_path, out_path) = (dir.path().join("统计.csv"), dir.path().join("统计.geojson"));
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["stats", "facilities", "--by", "communities", "--field", "pupils", "--json", "--csv"])
        .arg(&csv_path)
        .arg("--out")
        .arg(&out_path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("analysis_ms="));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let first = &v["units"][0];
    for key in ["name", "count", "length_m", "area_m2", "sums"] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }
    assert_eq!(v["fields"], json!(["pupils"]));
    // The pupils of the schools in each community, summed independently.
    let facilities = embedded_layer("facilities");
    let total: f64 = facilities.features.iter().filter_map(|f| f.prop_f64("pupils")).sum();
    let summed: f64 = v["units"].as_array().into_iter().flatten().filter_map(|u| u["sums"]["pupils"].as_f64()).sum();
    assert!(summed > 0.0 && summed <= total, "{summed} of {total}");
    let csv = std::fs::read_to_string(&csv_path).unwrap_or_else(|e| panic!("{e}"));
    assert!(csv.starts_with("\u{feff}单元,数量,单元面积(平方米),密度(个/平方公里),pupils合计,pupils平均"), "{csv}");
    assert_eq!(csv.lines().count(), 66);
    let choropleth = kuiwen_atlas::io::load_path(&out_path, Default::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(choropleth.features.len(), 65);
    assert!(choropleth.features.iter().all(|f| f.prop_f64("count").is_some() && f.prop_f64("sum_pupils").is_some()));
}

#[test]
fn bad_inputs_are_named_not_crashed_on() {
    let dir = common::temp_dir();
    let bow = dir.path().join("自交地块.geojson");
    std::fs::write(
        &bow,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"自交地块"},
        "geometry":{"type":"Polygon","coordinates":[[[119.15,36.70],[119.17,36.72],[119.17,36.70],[119.15,36.72],[119.15,36.70]]]}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = |args: &[&str]| {
        let out =
            Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas")).args(args).output().unwrap_or_else(|e| panic!("{e}"));
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let bow_path = bow.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["overlay", &bow_path, "subdistricts", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("自交地块") && stderr.contains("几何无效") && stderr.contains("invalid"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(v["invalid"][0]["name"], "自交地块");
    assert!(v["total_area_m2"].as_f64().is_some_and(|a| a > 0.0), "{v}");
    // Points cannot be overlaid: the message names the layer, in both languages.
    let (code, _, stderr) = run(&["overlay", "facilities", "subdistricts"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("没有面要素") && stderr.contains("has no polygons") && stderr.contains("公共服务设施"),
        "{stderr}"
    );
    // A name that is neither a file nor an embedded layer lists the embedded ones.
    let (code, _, stderr) = run(&["stats", "no-such-layer", "--by", "grids"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("既不是文件也不是内置图层") && stderr.contains("communities"), "{stderr}");
}

#[test]
fn nearby_by_walking_is_never_shorter_than_by_straight_line() {
    let facilities = embedded_layer("facilities");
    let roads = embedded_layer("roads");
    let network = WalkNetwork::from_layers(&[&roads]).unwrap_or_else(|e| panic!("{e}"));
    // The district government (FACTS.md), a place on the street grid.
    let start = Point::new(119.1314, 36.7090);
    let straight =
        within_distance(&facilities.features, &facilities.index, &Geometry::Point(start), 1000.0).unwrap_or_default();
    let walk = within_walk(&facilities.features, &facilities.index, &network, start, 1000.0).unwrap_or_default();
    assert!(!walk.is_empty() && walk.len() <= straight.len(), "{} walking, {} straight", walk.len(), straight.len());
    for h in &walk {
        let s = straight.iter().find(|s| s.feature == h.feature).unwrap_or_else(|| panic!("{h:?} not within 1 km"));
        assert!(h.distance_m + 1e-6 >= s.distance_m, "{h:?} shorter than {s:?}");
    }
    assert!(straight.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
}

fn star(cx: f64, cy: f64, radii: &[f64]) -> Feature {
    let n = radii.len();
    let mut ring: Vec<(f64, f64)> = radii
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let t = std::f64::consts::TAU * k as f64 / n as f64;
            (cx + r * t.cos(), cy + r * t.sin())
        })
        .collect();
    ring.push(ring[0]);
    Feature::new(None, Some(Polygon::new(LineString::from(ring), vec![]).into()), Map::new())
}

fn area_of(fs: &[Feature]) -> f64 {
    fs.iter().filter_map(|f| f.geometry.as_ref()).map(kuiwen_atlas::analysis::measure::area_m2).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// A ∩ B plus A − B is A, for star-shaped polygons (concave, simple) placed anywhere
    /// relative to each other, touching edges and containment included. In longitude/latitude,
    /// where the cutting happens, exactly (to i_overlay's integer grid, 10⁻⁹). Geodesically within 10⁻⁴: a cut puts a
    /// new vertex on the straight line between two old ones, and the geodesic through the old
    /// ones bows away from that line by centimetres over a kilometre, so the pieces' area differs
    /// from the whole's by that sliver (SpatiaLite's and PostGIS's geography areas do the same).
    #[test]
    fn intersection_plus_difference_is_the_whole(
        ra in prop::collection::vec(0.002f64..0.01, 3..12),
        rb in prop::collection::vec(0.002f64..0.01, 3..12),
        dx in -0.015f64..0.015,
        dy in -0.015f64..0.015,
    ) {
        let a = vec![star(119.15, 36.70, &ra)];
        let b = vec![star(119.15 + dx, 36.70 + dy, &rb)];
        let inter = intersect(&a, "a", &b, "b", true).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let rest = difference(&a, "a", &b, "b").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let planar = |fs: &[Feature]| -> f64 { fs.iter().filter_map(|f| f.geometry.as_ref()).map(|g| g.unsigned_area()).sum() };
        let inter_planar: f64 = inter.pairs.iter().filter_map(|p| p.geometry.as_ref()).map(|g| g.unsigned_area()).sum();
        let (whole_planar, parts_planar) = (planar(&a), inter_planar + planar(&rest));
        prop_assert!((parts_planar - whole_planar).abs() <= 1e-8 * whole_planar, "planar {parts_planar} ≠ {whole_planar}");
        let whole = area_of(&a);
        let parts = inter.total_area_m2() + area_of(&rest);
        prop_assert!((parts - whole).abs() <= 1e-4 * whole, "{} + {} = {} ≠ {}", inter.total_area_m2(), area_of(&rest), parts, whole);
        let from_shapes: f64 = inter.pairs.iter().filter_map(|p| p.geometry.as_ref()).map(multipolygon_area_m2).sum();
        prop_assert!((from_shapes - inter.total_area_m2()).abs() <= 1e-6 * whole + 1e-3);
    }
}

fn facility_index() -> kuiwen_atlas::analysis::life_circle::FacilityIndex {
    kuiwen_atlas::analysis::life_circle::FacilityIndex::from_layer(&embedded_layer("facilities"))
}

#[test]
fn population_coverage_straight_line_equals_a_brute_force_count() {
    use kuiwen_atlas::analysis::population::{population_coverage, samples};
    let communities = embedded_layer("communities");
    let facilities = embedded_layer("facilities");
    let index = facility_index();
    let radii = [300.0, 500.0, 1000.0];
    let r =
        population_coverage(&communities.features, &index, None, radii, 99.0, 50.0).unwrap_or_else(|e| panic!("{e}"));
    let all: f64 = communities.features.iter().filter_map(|f| f.prop_f64("households")).sum();
    assert!((r.households - all).abs() < 1e-6 * all, "{} vs {all}", r.households);
    // Independently: every household point against every facility of the type, by Karney.
    let pts = samples(&communities.features, 50.0);
    for item in &r.items {
        let sites: Vec<Point<f64>> = facilities
            .features
            .iter()
            .filter(|f| f.category() == Some(item.category))
            .filter_map(|f| match f.geometry {
                Some(Geometry::Point(p)) => Some(p),
                _ => None,
            })
            .collect();
        // The nearest site of the type from each point; sites more than 0.02° away in either
        // direction are beyond 1000 m and skipped before measuring.
        let nearest: Vec<f64> = pts
            .iter()
            .map(|s| {
                sites
                    .iter()
                    .filter(|p| (p.x() - s.at[0]).abs() < 0.02 && (p.y() - s.at[1]).abs() < 0.02)
                    .map(|p| geo::Distance::distance(&geo::Geodesic, Point::new(s.at[0], s.at[1]), *p))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        for (k, radius) in radii.iter().enumerate() {
            let within: f64 = pts.iter().zip(&nearest).filter(|(_, d)| **d <= *radius).map(|(s, _)| s.households).sum();
            let expected = 100.0 * within / all;
            assert!(
                (item.district.pct(k) - expected).abs() < 1e-6,
                "{} {radius} m: {} vs {expected}",
                item.category,
                item.district.pct(k)
            );
        }
        let by_sub: f64 = item.by_subdistrict.values().map(|s| s.within[2]).sum();
        assert!((by_sub - item.district.within[2]).abs() < 1e-6 * all);
    }
    assert!(r.items.iter().any(|i| i.district.pct(2) > 50.0), "a check where nothing is covered would be weak");
}

#[test]
fn population_coverage_on_foot_is_never_more_than_in_a_straight_line_and_the_cli_reports_it() {
    use kuiwen_atlas::analysis::population::population_coverage;
    let communities = embedded_layer("communities");
    let roads = embedded_layer("roads");
    let net = WalkNetwork::from_layers(&[&roads]).unwrap_or_else(|e| panic!("{e}"));
    let index = facility_index();
    let radii = [300.0, 500.0, 1000.0];
    let straight =
        population_coverage(&communities.features, &index, None, radii, 99.0, 50.0).unwrap_or_else(|e| panic!("{e}"));
    let walk = population_coverage(&communities.features, &index, Some(&net), radii, 99.0, 50.0)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(walk.walking && !straight.walking);
    let mut strictly_less = 0;
    for (w, s) in walk.items.iter().zip(&straight.items) {
        for k in 0..3 {
            assert!(
                w.district.pct(k) <= s.district.pct(k) + 1e-9,
                "{} level {k}: {} > {}",
                w.category,
                w.district.pct(k),
                s.district.pct(k)
            );
            strictly_less += usize::from(w.district.pct(k) < s.district.pct(k) - 0.5);
        }
    }
    assert!(strictly_less > 0, "walking should lose some households somewhere");
    // The lattice is fine enough: halving it moves no share by a percentage point.
    let fine = population_coverage(&communities.features, &index, Some(&net), radii, 99.0, 25.0)
        .unwrap_or_else(|e| panic!("{e}"));
    for (a, b) in walk.items.iter().zip(&fine.items) {
        for k in 0..3 {
            assert!(
                (a.district.pct(k) - b.district.pct(k)).abs() < 1.0,
                "{} level {k}: {} vs {}",
                a.category,
                a.district.pct(k),
                b.district.pct(k)
            );
        }
    }
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["coverage", "--population", "--target", "90", "--json"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v["target_pct"], json!(90.0));
    assert_eq!(v["items"].as_array().map(Vec::len), Some(12));
    let kg = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| i["category"] == "kindergarten")
        .cloned()
        .unwrap_or_default();
    let ours =
        walk.items.iter().find(|i| i.category == "kindergarten").map(|i| i.district.within[0]).unwrap_or(f64::NAN);
    assert!((kg["district"]["within"][0].as_f64().unwrap_or(f64::NAN) - ours).abs() < 1e-6, "{kg}");
    assert_eq!(kg["by_subdistrict"].as_object().map(|m| m.len()), Some(8));
}

#[test]
fn json_into_a_pipe_that_closes_early_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["stats", "facilities", "--by", "grids", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // Read a few bytes, as `| head -c 100` would, and close the pipe.
    let mut first = [0u8; 100];
    let mut stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    stdout.read_exact(&mut first).unwrap_or_else(|e| panic!("{e}"));
    drop(stdout);
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
