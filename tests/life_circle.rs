//! The life circle, the walking network and coverage: hand-made fixtures with hand-computed
//! answers, the embedded data checked against brute force, and the `circle`/`coverage` commands.

use geo::{Destination, Distance, Geodesic, Geometry, Intersects, Point, Polygon, polygon};
use kuiwen_atlas::analysis::coverage::{self, CoverageUnit};
use kuiwen_atlas::analysis::life_circle::{
    CHECKLIST, CircleInputs, CircleParams, FacilityIndex, Level, NetworkContext, RING_VERTICES, analyze,
    geodesic_circle, snap_facilities,
};
use kuiwen_atlas::analysis::measure::polygon_area_m2;
use kuiwen_atlas::analysis::network::{FRONTAGE_M, WalkNetwork};
use kuiwen_atlas::io::embedded::load_all;
use kuiwen_atlas::model::{Feature, Layer, LayerOrigin, Style};
use serde_json::{Map, Value, json};

const O: [f64; 2] = [119.15, 36.70];

/// The point `distance_m` from `from` on `bearing` (geodesic direct problem).
fn go(from: [f64; 2], bearing: f64, distance_m: f64) -> [f64; 2] {
    let p = Geodesic.destination(Point::new(from[0], from[1]), bearing, distance_m);
    [p.x(), p.y()]
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geodesic.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

fn feature(g: Geometry<f64>, props: Value) -> Feature {
    let props: Map<String, Value> = props.as_object().cloned().unwrap_or_default();
    Feature::new(None, Some(g), props)
}

fn point_feature(at: [f64; 2], category: &str) -> Feature {
    feature(Point::new(at[0], at[1]).into(), json!({ "category": category, "name": category }))
}

fn layer(key: &str, features: Vec<Feature>) -> Layer {
    Layer::new(key, key, key, LayerOrigin::Generated, features, Style::default())
}

fn embedded(key: &str) -> Layer {
    load_all()
        .unwrap_or_else(|(f, e)| panic!("{f}: {e}"))
        .into_iter()
        .find(|l| l.key == key)
        .unwrap_or_else(|| panic!("no embedded layer {key}"))
}

// ------------------------------------------------------------------------------------------------
// Rings

#[test]
fn a_1000_m_ring_has_every_vertex_1000_m_from_the_centre() {
    let ring = geodesic_circle([119.1314, 36.7090], 1000.0, RING_VERTICES);
    let coords: Vec<_> = ring.exterior().coords().collect();
    assert_eq!(coords.len(), RING_VERTICES + 1, "closed ring");
    assert_eq!(coords.first(), coords.last());
    for c in &coords {
        let d = dist([119.1314, 36.7090], [c.x, c.y]);
        assert!((d - 1000.0).abs() <= 1.0, "vertex at {d} m");
    }
    // The area of a regular 128-gon of circumradius r is n r² sin(2π/n) / 2 = 3.140331 km².
    let expected = 128.0 * 1.0e6 * (2.0 * std::f64::consts::PI / 128.0).sin() / 2.0;
    let a = polygon_area_m2(&ring);
    assert!((a - expected).abs() < 1e-3 * expected, "{a} vs {expected}");
    // Counter-clockwise (exterior rings of RFC 7946), so the signed planar area is positive.
    use geo::Area;
    assert!(ring.signed_area() > 0.0);
}

// ------------------------------------------------------------------------------------------------
// Counts and checklist on a hand-made fixture

fn fixture_facilities() -> Layer {
    layer(
        "facilities",
        vec![
            point_feature(go(O, 10.0, 200.0), "kindergarten"),
            point_feature(go(O, 100.0, 400.0), "kindergarten"),
            point_feature(go(O, 200.0, 450.0), "primary_school"),
            point_feature(go(O, 300.0, 900.0), "junior_middle_school"),
            point_feature(go(O, 45.0, 1500.0), "junior_middle_school"),
            point_feature(go(O, 135.0, 1200.0), "health_center"),
            point_feature(go(O, 270.0, 100.0), "bus_stop"),
            point_feature(go(O, 0.0, 350.0), "clinic"),
            point_feature(go(O, 0.0, 250.0), "library"),
        ],
    )
}

#[test]
fn rings_count_facilities_by_category() {
    let facilities = FacilityIndex::from_layer(&fixture_facilities());
    let inputs = CircleInputs { facilities: Some(&facilities), ..Default::default() };
    let r = analyze(O, &CircleParams::default(), inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.rings.len(), 3);
    let count = |ring: usize, cat: &str| r.rings[ring].facilities.get(cat).copied();
    // 5 minutes (300 m): the kindergarten at 200 m, the bus stop at 100 m, the library at 250 m.
    assert_eq!((r.rings[0].minutes, r.rings[0].radius_m), (5, 300.0));
    assert_eq!(count(0, "kindergarten"), Some(1));
    assert_eq!(count(0, "bus_stop"), Some(1));
    assert_eq!(count(0, "clinic"), Some(0));
    assert_eq!(count(0, "library"), Some(1), "categories outside the checklist are counted too");
    // 10 minutes (500 m): + the kindergarten at 400, the primary school at 450, the clinic at 350.
    assert_eq!(count(1, "kindergarten"), Some(2));
    assert_eq!(count(1, "primary_school"), Some(1));
    assert_eq!(count(1, "clinic"), Some(1));
    assert_eq!(count(1, "junior_middle_school"), Some(0));
    // 15 minutes (1000 m): + the junior middle school at 900 (not the one at 1500), no health centre.
    assert_eq!(count(2, "junior_middle_school"), Some(1));
    assert_eq!(count(2, "health_center"), Some(0));
    assert_eq!(count(2, "nursing_home"), Some(0), "every checklist category is listed, zero or not");
    let total: usize = r.rings[2].facilities.values().sum();
    assert_eq!(total, 7);
    assert!(r.rings.iter().all(|ring| ring.network_facilities.is_none()));
}

#[test]
fn checklist_levels_nest_and_give_the_nearest_missing_distance() {
    let facilities = FacilityIndex::from_layer(&fixture_facilities());
    let inputs = CircleInputs { facilities: Some(&facilities), ..Default::default() };
    let r = analyze(O, &CircleParams::default(), inputs).unwrap_or_else(|e| panic!("{e}"));
    let entry = |level: u32, cat: &str| {
        r.checklist
            .iter()
            .find(|e| e.level == level && e.category == cat)
            .unwrap_or_else(|| panic!("no {level}-minute {cat}"))
    };
    // Level sizes: 15 min needs all 12 items, 10 min the 10- and 5-minute items, 5 min its own.
    assert_eq!(r.level_entries(Level::Min15).count(), 12);
    assert_eq!(r.level_entries(Level::Min10).count(), 7);
    assert_eq!(r.level_entries(Level::Min5).count(), 4);
    // 15 minutes, 1000 m.
    let jms = entry(15, "junior_middle_school");
    assert!(jms.present);
    assert!((jms.nearest_m.unwrap_or(0.0) - 900.0).abs() < 0.1);
    let hc = entry(15, "health_center");
    assert!(!hc.present);
    assert!((hc.nearest_m.unwrap_or(0.0) - 1200.0).abs() < 0.1, "{:?}", hc.nearest_m);
    let nh = entry(15, "nursing_home");
    assert!(!nh.present && nh.nearest_m.is_none(), "none anywhere");
    assert!(entry(15, "kindergarten").present, "the 15-minute level includes the 5-minute items");
    // 10 minutes, 500 m.
    assert!(entry(10, "primary_school").present);
    assert!(entry(10, "clinic").present);
    assert!(!entry(10, "market").present);
    assert!(r.checklist.iter().all(|e| !(e.level == 10 && e.category == "junior_middle_school")));
    // 5 minutes, 300 m: the clinic at 350 m is missing, 350 m away.
    let clinic = entry(5, "clinic");
    assert!(!clinic.present);
    assert!((clinic.nearest_m.unwrap_or(0.0) - 350.0).abs() < 0.1);
    assert!(entry(5, "kindergarten").present);
    assert_eq!(r.level_score(Level::Min15), (5, 12));
    assert_eq!(r.level_score(Level::Min10), (4, 7));
    assert_eq!(r.level_score(Level::Min5), (1, 4));
    assert!(r.level_network_score(Level::Min15).is_none());
}

#[test]
fn households_are_counted_in_proportion_to_the_area_inside() {
    // West and east halves of a 3 km × 3 km square centred on O, and a community far away.
    let (n, s) = (go(O, 0.0, 1500.0)[1], go(O, 180.0, 1500.0)[1]);
    let (w, e) = (go(O, 270.0, 1500.0)[0], go(O, 90.0, 1500.0)[0]);
    let rect =
        |x0: f64, x1: f64| -> Polygon<f64> { polygon![(x: x0, y: s), (x: x1, y: s), (x: x1, y: n), (x: x0, y: n)] };
    let communities = layer(
        "communities",
        vec![
            feature(rect(w, O[0]).into(), json!({"name": "西社区", "subdistrict": "甲街道", "households": 4500})),
            feature(rect(O[0], e).into(), json!({"name": "东社区", "subdistrict": "甲街道", "households": 3000})),
            feature(rect(e + 0.05, e + 0.06).into(), json!({"name": "远社区", "households": 6000})),
        ],
    );
    let inputs = CircleInputs { communities: Some(&communities), grids: Some(&communities), ..Default::default() };
    let r = analyze(O, &CircleParams::default(), inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.communities.len(), 2, "{:?}", r.communities);
    // Half of the 1000 m ring (3.14033 km² / 2) over 4.5 km²: 0.34893 of each half-square.
    let share = 3.140_331 / 2.0 / 4.5;
    for c in &r.communities {
        assert!((c.share_inside - share).abs() < 0.002, "{}: {}", c.name, c.share_inside);
        assert_eq!(c.parent.as_deref(), Some("甲街道"));
    }
    let expected = 7500.0 * share;
    assert!((r.households_covered - expected).abs() < 7500.0 * 0.002, "{} vs {expected}", r.households_covered);
    assert_eq!(r.grids.len(), 2);
}

// ------------------------------------------------------------------------------------------------
// Walking network on a small hand-made graph
//
//   D ─────500───── C
//   │               │
//  500             500        (north up; metres)
//   │               │
//   A ──250─┬─250── B ────700──── E
//           │ 100 access walk
//           S (start)

struct Graph {
    net: WalkNetwork,
    a: [f64; 2],
    b: [f64; 2],
    c: [f64; 2],
    d: [f64; 2],
    e: [f64; 2],
}

fn graph() -> Graph {
    let a = O;
    let b = go(a, 90.0, 500.0);
    let c = go(b, 0.0, 500.0);
    let d = go(a, 0.0, 500.0);
    let e = go(b, 90.0, 700.0);
    // Three streets; they meet at shared vertices (A, B, C), as in roads.geojson.
    let lines = vec![vec![d, a, b, e], vec![b, c], vec![d, c]];
    let net = WalkNetwork::from_lines(lines).unwrap_or_else(|e| panic!("{e}"));
    Graph { net, a, b, c, d, e }
}

fn node(g: &Graph, p: [f64; 2]) -> usize {
    g.net.nodes().iter().position(|n| *n == p).unwrap_or_else(|| panic!("no node at {p:?}"))
}

#[test]
fn the_graph_joins_streets_at_shared_vertices() {
    let g = graph();
    assert_eq!(g.net.node_count(), 5);
    assert_eq!(g.net.edge_count(), 5);
    let total: f64 = g.net.edges().iter().map(|e| e.length_m).sum();
    assert!((total - 2700.0).abs() < 0.5, "{total}");
}

#[test]
fn dijkstra_from_a_node_gives_hand_computed_distances() {
    let g = graph();
    let r = g.net.reach(g.a, f64::INFINITY).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.origin.access_m < 0.01);
    for (p, want) in [(g.a, 0.0), (g.b, 500.0), (g.d, 500.0), (g.c, 1000.0), (g.e, 1200.0)] {
        let got = r.node_distance_m(node(&g, p));
        assert!((got - want).abs() < 0.5, "{p:?}: {got} vs {want}");
    }
    // With an 800 m budget C and E are out of reach.
    let r = g.net.reach(g.a, 800.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.reached_nodes(), 3);
    assert!(r.node_distance_m(node(&g, g.c)).is_infinite());
    // The walked streets: A–B, A–D whole, then 300 m up B–C, along D–C and towards E = 1900 m.
    let walked: f64 = r.reached_segments(&g.net, 800.0).iter().map(|s| dist(s[0], s[1])).sum();
    assert!((walked - 1900.0).abs() < 1.0, "{walked}");
    let area = r.area(&g.net, 800.0).unwrap_or_else(|| panic!("no area"));
    let inside = |p: [f64; 2]| area.intersects(&Point::new(p[0], p[1]));
    assert!(inside(g.a) && inside(g.b) && inside(g.d), "reached corners lie in the area");
    assert!(!inside(g.c), "C is 1000 m away, beyond the 800 m walk");
    assert!(!inside(g.e));
    // It reaches 300 m along B–E and no further; with the street's frontage its east end is
    // 300 + 50 m east of B.
    let east = area.exterior().coords().map(|c| c.x).fold(f64::MIN, f64::max);
    let want = go(g.b, 90.0, 300.0 + FRONTAGE_M)[0];
    assert!((east - want).abs() * 89_000.0 < 1.0, "east end {east} vs {want}");
}

#[test]
fn a_start_off_the_street_snaps_and_counts_its_access_walk() {
    let g = graph();
    let start = go(go(g.a, 90.0, 250.0), 180.0, 100.0);
    let r = g.net.reach(start, f64::INFINITY).unwrap_or_else(|e| panic!("{e}"));
    assert!((r.origin.access_m - 100.0).abs() < 0.5, "{}", r.origin.access_m);
    assert!((r.origin.t - 0.5).abs() < 0.01, "{}", r.origin.t);
    for (p, want) in [(g.a, 350.0), (g.b, 350.0), (g.c, 850.0), (g.d, 850.0), (g.e, 1050.0)] {
        let got = r.node_distance_m(node(&g, p));
        assert!((got - want).abs() < 0.5, "{p:?}: {got} vs {want}");
    }
    // A facility 30 m east of the middle of B–C: 350 + 250 + 30 = 630 m on foot, though only 448 m
    // away in a straight line.
    let f = go(go(g.b, 0.0, 250.0), 90.0, 30.0);
    let snap = g.net.snap(f).unwrap_or_else(|| panic!("no snap"));
    let walk = r.distance_to(&g.net, &snap).unwrap_or_else(|| panic!("not reached"));
    assert!((walk - 630.0).abs() < 1.0, "{walk}");
    assert!((dist(start, f) - 448.2).abs() < 1.0, "{}", dist(start, f));
    // A facility 20 m north of A–B, 400 m from A: straight along the same street, 100 + 150 + 20.
    let same = g.net.snap(go(go(g.a, 90.0, 400.0), 0.0, 20.0)).unwrap_or_else(|| panic!("no snap"));
    let walk = r.distance_to(&g.net, &same).unwrap_or_else(|| panic!("not reached"));
    assert!((walk - 270.0).abs() < 1.0, "{walk}");
    // 400 m: 100 m to the street, then all of A–B (250 m each way) and 50 m past A and B on
    // each of the three other streets there: 500 + 3 × 50 = 650 m of street.
    let r400 = g.net.reach(start, 400.0).unwrap_or_else(|e| panic!("{e}"));
    let walked: f64 = r400.reached_segments(&g.net, 400.0).iter().map(|s| dist(s[0], s[1])).sum();
    assert!((walked - 650.0).abs() < 1.0, "{walked}");
    // 300 m: 200 m each way along A–B only.
    let walked: f64 = r400.reached_segments(&g.net, 300.0).iter().map(|s| dist(s[0], s[1])).sum();
    assert!((walked - 400.0).abs() < 1.0, "{walked}");
    // A budget shorter than the access walk reaches nothing.
    let none = g.net.reach(start, 80.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(none.reached_nodes(), 0);
    assert!(none.area(&g.net, 80.0).is_none());
    assert!(g.net.reach(start, f64::NAN).is_err());
    assert!(g.net.reach([f64::NAN, 36.7], 100.0).is_err());
}

#[test]
fn the_checklist_is_computed_both_ways() {
    let g = graph();
    let start = go(go(g.a, 90.0, 250.0), 180.0, 100.0);
    // A primary school 448 m away in a straight line but 630 m on foot; a kindergarten on the
    // same street 270 m on foot.
    let fac = layer(
        "facilities",
        vec![
            point_feature(go(go(g.b, 0.0, 250.0), 90.0, 30.0), "primary_school"),
            point_feature(go(go(g.a, 90.0, 400.0), 0.0, 20.0), "kindergarten"),
        ],
    );
    let index = FacilityIndex::from_layer(&fac);
    let snaps = snap_facilities(&g.net, &index);
    let inputs = CircleInputs {
        facilities: Some(&index),
        network: Some(NetworkContext { network: &g.net, facility_snaps: &snaps }),
        ..Default::default()
    };
    let r = analyze(start, &CircleParams::default(), inputs).unwrap_or_else(|e| panic!("{e}"));
    let entry = |level: u32, cat: &str| {
        r.checklist.iter().find(|e| e.level == level && e.category == cat).unwrap_or_else(|| panic!("{cat}"))
    };
    let ps = entry(10, "primary_school");
    assert!(ps.present, "448 m < 500 m in a straight line");
    assert_eq!(ps.network_present, Some(false), "630 m > 500 m on foot");
    assert!((ps.network_nearest_m.unwrap_or(0.0) - 630.0).abs() < 1.0);
    assert_eq!(entry(15, "primary_school").network_present, Some(true));
    assert_eq!(entry(5, "kindergarten").network_present, Some(true));
    assert_eq!(r.rings[1].facilities.get("primary_school"), Some(&1));
    assert_eq!(r.rings[1].network_facilities.as_ref().and_then(|m| m.get("primary_school")), Some(&0));
    assert_eq!(r.rings[2].network_facilities.as_ref().and_then(|m| m.get("primary_school")), Some(&1));
    assert!((r.network_access_m.unwrap_or(0.0) - 100.0).abs() < 0.5);
    // The walking area is smaller than the circle (the pedshed ratio is below 1).
    let (circle, walk) = (r.rings[2].circle_area_m2, r.rings[2].network_area_m2.unwrap_or(f64::MAX));
    assert!(walk > 0.0 && walk < circle, "{walk} vs {circle}");
}

// ------------------------------------------------------------------------------------------------
// The embedded data

#[test]
fn the_embedded_streets_form_one_walkable_network() {
    let roads = embedded("roads");
    let net = WalkNetwork::from_layers(&[&roads]).unwrap_or_else(|e| panic!("{e}"));
    assert!(net.node_count() > 3500, "{}", net.node_count());
    let r = net.reach([119.1314, 36.7090], f64::INFINITY).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.reached_nodes(), net.node_count(), "every vertex is reachable from the Kuiwen government");
}

#[test]
fn embedded_coverage_matches_brute_force_geodesic_distances() {
    let communities = embedded("communities");
    let facilities = embedded("facilities");
    let index = FacilityIndex::from_layer(&facilities);
    let report = coverage::compute(&communities, CoverageUnit::Communities, &index, 1000.0, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.rows.len(), 65);
    assert_eq!(report.summary.total, 65);
    let points: Vec<(&str, [f64; 2])> = facilities
        .features
        .iter()
        .filter_map(|f| match &f.geometry {
            Some(Geometry::Point(p)) => Some((f.category()?, [p.x(), p.y()])),
            _ => None,
        })
        .collect();
    assert_eq!(points.len(), 667);
    let mut meets = 0;
    for row in &report.rows {
        for (item, got) in CHECKLIST.iter().zip(&row.items) {
            let nearest = points
                .iter()
                .filter(|(c, _)| *c == item.category)
                .map(|(_, p)| dist(row.at, *p))
                .fold(f64::INFINITY, f64::min);
            let want = (nearest * 10.0).round() / 10.0;
            assert_eq!(got.nearest_m, Some(want), "{} {}", row.name, item.category);
            assert_eq!(got.present, nearest <= 1000.0, "{} {}", row.name, item.category);
        }
        meets += usize::from(row.missing().is_empty());
    }
    assert_eq!(report.summary.meets_15min, meets);
    let jms = report.summary.by_category["junior_middle_school"].straight;
    assert!(jms > 10 && jms < 65, "{jms}");
    // The sparse south: not every community meets the whole checklist, and some do.
    assert!(meets > 0 && meets < 65, "{meets}");
    let line = &report.summary_lines(true)[1];
    assert_eq!(line, &format!("{jms} of 65 communities have a junior middle school within 1000 m"));
    assert!(report.summary_lines(false)[1].starts_with(&format!("65 个社区中有 {jms} 个在 1000 米内有初级中学")));
}

#[test]
fn embedded_network_coverage_is_never_better_than_straight_line() {
    let grids = embedded("grids");
    let roads = embedded("roads");
    let index = FacilityIndex::from_layer(&embedded("facilities"));
    let net = WalkNetwork::from_layers(&[&roads]).unwrap_or_else(|e| panic!("{e}"));
    let snaps = snap_facilities(&net, &index);
    let ctx = NetworkContext { network: &net, facility_snaps: &snaps };
    let report =
        coverage::compute(&grids, CoverageUnit::Grids, &index, 1000.0, Some(ctx)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.rows.len(), 413);
    let s = &report.summary;
    let net_meets = s.network_meets_15min.unwrap_or(usize::MAX);
    assert!(net_meets <= s.meets_15min, "{net_meets} vs {}", s.meets_15min);
    let mut strictly_fewer = false;
    for (cat, c) in &s.by_category {
        let n = c.network.unwrap_or(usize::MAX);
        assert!(n <= c.straight, "{cat}: {n} vs {}", c.straight);
        strictly_fewer |= n < c.straight;
    }
    assert!(strictly_fewer, "walking along streets loses some facilities somewhere");
    assert!(report.rows.iter().all(|r| r.community.is_some() && r.subdistrict.is_some()));
}

#[test]
fn a_ring_over_the_whole_district_covers_every_household() {
    let communities = embedded("communities");
    let total: f64 = communities.features.iter().filter_map(|f| f.prop_f64("households")).sum();
    assert!(total > 300_000.0, "{total}");
    let params = CircleParams { radii_m: [300.0, 500.0, 20_000.0], ..Default::default() };
    let inputs = CircleInputs { communities: Some(&communities), ..Default::default() };
    let r = analyze([119.16, 36.70], &params, inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.communities.len(), 65);
    assert!((r.households_covered - total).abs() < total * 1e-3, "{} vs {total}", r.households_covered);
}

#[test]
fn coverage_csv_starts_with_a_bom_and_has_one_line_per_community() {
    let communities = embedded("communities");
    let index = FacilityIndex::from_layer(&embedded("facilities"));
    let report = coverage::compute(&communities, CoverageUnit::Communities, &index, 1000.0, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let csv = report.to_csv(false);
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]));
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 66);
    assert!(lines[0].contains("名称,街道,社区,户数"));
    assert!(lines[0].contains("初级中学最近距离(米)"));
    let first = &report.rows[0];
    assert!(lines[1].starts_with(&format!("{},{}", first.name, first.subdistrict.clone().unwrap_or_default())));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("覆盖.csv");
    report.write_csv(&path, true).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&bytes).contains("name,subdistrict,community,households"));
    assert!(report.write_csv(&dir.path().join("no/such/dir.csv"), true).is_err());
}

// ------------------------------------------------------------------------------------------------
// The command line

fn run(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn circle_command_prints_rings_and_checklist_as_json() {
    let (code, out, err) = run(&["circle", "--at", "119.1314,36.7090", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["center"], json!([119.1314, 36.709]));
    let rings = v["rings"].as_array().unwrap_or_else(|| panic!("no rings"));
    assert_eq!(rings.len(), 3);
    assert_eq!(rings[0]["minutes"], json!(5));
    assert_eq!(rings[2]["radius_m"], json!(1000.0));
    let straight: u64 =
        rings[2]["facilities"].as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
    let walk: u64 =
        rings[2]["network_facilities"].as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0);
    assert!(straight > 10, "the old centre is dense: {straight}");
    assert!(walk <= straight && walk > 0, "{walk} vs {straight}");
    let checklist = v["checklist"].as_array().unwrap_or_else(|| panic!("no checklist"));
    assert_eq!(checklist.len(), 12 + 7 + 4);
    for e in checklist {
        for key in ["level", "category", "present", "nearest_m"] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
    }
    // Compare with the library on the same data.
    let index = FacilityIndex::from_layer(&embedded("facilities"));
    let lib = analyze(
        [119.1314, 36.709],
        &CircleParams::default(),
        CircleInputs { facilities: Some(&index), ..Default::default() },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(straight as usize, lib.rings[2].facilities.values().sum::<usize>());
}

#[test]
fn circle_command_prints_text() {
    let (code, out, err) = run(&["circle", "--at", "119.1314, 36.7090"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("15 min"), "{out}");
    assert!(out.contains("junior_middle_school"), "{out}");
    assert!(out.contains("示意"), "{out}");
}

#[test]
fn circle_command_rejects_bad_positions_with_exit_code_2() {
    for bad in ["abc", "119.13", "36.7,119.13", "119.1,36.7,5", "NaN,36"] {
        let (code, out, err) = run(&["circle", "--at", bad]);
        assert_eq!(code, 2, "{bad}: {out} {err}");
        assert!(err.contains("LON,LAT") || err.contains("longitude"), "{bad}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let (code, _, err) = run(&["circle", "--at", "119.13,36.7", "--radii", "300,0,1000"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn coverage_command_prints_every_community_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let csv = dir.path().join("coverage.csv");
    let csv_arg = csv.to_string_lossy().into_owned();
    let (code, out, err) = run(&["coverage", "--json", "--csv", &csv_arg]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let rows = v["communities"].as_array().unwrap_or_else(|| panic!("no communities"));
    assert_eq!(rows.len(), 65);
    for r in rows {
        for key in ["name", "subdistrict", "meets_15min", "missing"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        assert_eq!(r["meets_15min"].as_bool(), Some(r["missing"].as_array().is_some_and(|m| m.is_empty())));
    }
    assert_eq!(v["summary"]["total"], json!(65));
    let meets = rows.iter().filter(|r| r["meets_15min"] == json!(true)).count();
    assert_eq!(v["summary"]["meets_15min"], json!(meets));
    let bytes = std::fs::read(&csv).unwrap_or_else(|e| panic!("{e}"));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert_eq!(String::from_utf8_lossy(&bytes).trim_end().lines().count(), 66);

    let (code, out, err) = run(&["coverage", "--grids"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("of 413 grids"), "{out}");
}
