//! Life-circle speed: coverage of 413 grids against 2000 facilities, and a 15-minute walking area
//! on a 50,000-edge street network. Inputs are synthetic and deterministic (a fixed LCG), laid over
//! Kuiwen's extent so distances and densities are realistic.
//!
//! `cargo bench --bench life_circle`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{LineString, Polygon};
use kuiwen_atlas::analysis::coverage::{self, CoverageUnit};
use kuiwen_atlas::analysis::life_circle::{
    CHECKLIST, CircleInputs, CircleParams, FacilityIndex, NetworkContext, analyze_with_reach, snap_facilities,
};
use kuiwen_atlas::analysis::network::WalkNetwork;
use kuiwen_atlas::model::{Feature, Layer, LayerOrigin, Style};
use serde_json::json;

/// Kuiwen's extent (FACTS.md §2).
const EXTENT: [f64; 4] = [119.09, 36.61, 119.30, 36.77];

/// A small deterministic generator (Knuth's MMIX LCG), so every run measures the same data.
struct Lcg(u64);

impl Lcg {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 413 grid cells (a 21 × 20 lattice over the extent, jittered, first 413 cells).
fn grids() -> Layer {
    let mut rng = Lcg(413);
    let (cols, rows) = (21usize, 20usize);
    let (dx, dy) = ((EXTENT[2] - EXTENT[0]) / cols as f64, (EXTENT[3] - EXTENT[1]) / rows as f64);
    // Shared, jittered lattice vertices so neighbouring cells tile like real grids.
    let mut v = vec![vec![[0.0; 2]; cols + 1]; rows + 1];
    for (r, row) in v.iter_mut().enumerate() {
        for (c, p) in row.iter_mut().enumerate() {
            let jitter = |rng: &mut Lcg, edge: bool| if edge { 0.0 } else { (rng.next_f64() - 0.5) * 0.3 };
            let (jx, jy) = (jitter(&mut rng, c == 0 || c == cols), jitter(&mut rng, r == 0 || r == rows));
            *p = [EXTENT[0] + (c as f64 + jx) * dx, EXTENT[1] + (r as f64 + jy) * dy];
        }
    }
    let mut features = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            if features.len() == 413 {
                break;
            }
            let ring = [v[r][c], v[r][c + 1], v[r + 1][c + 1], v[r + 1][c], v[r][c]];
            let poly = Polygon::new(LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>()), vec![]);
            let props =
                json!({"name": format!("网格{}", features.len() + 1), "community": "社区", "subdistrict": "街道"});
            features.push(Feature::new(None, Some(poly.into()), props.as_object().cloned().unwrap_or_default()));
        }
    }
    Layer::new("grids", "网格", "grids", LayerOrigin::Generated, features, Style::default())
}

/// 2000 facilities spread over the extent, the twelve checklist categories in turn.
fn facilities() -> FacilityIndex {
    let mut rng = Lcg(2000);
    let points = (0..2000).map(|i| {
        let lon = EXTENT[0] + rng.next_f64() * (EXTENT[2] - EXTENT[0]);
        let lat = EXTENT[1] + rng.next_f64() * (EXTENT[3] - EXTENT[1]);
        (CHECKLIST[i % CHECKLIST.len()].category.to_owned(), [lon, lat], Some(i))
    });
    FacilityIndex::from_points(points.collect::<Vec<_>>())
}

/// A 159 × 159 street lattice at about 60 m spacing (50,244 edges), vertices jittered by up to
/// ±10 m, centred on Kuiwen.
fn network() -> WalkNetwork {
    let n = 159usize;
    let (step_lon, step_lat) = (60.0 / 89_300.0, 60.0 / 111_000.0);
    let origin = [119.19 - step_lon * (n as f64) / 2.0, 36.69 - step_lat * (n as f64) / 2.0];
    let mut rng = Lcg(50_000);
    let mut v = vec![vec![[0.0; 2]; n]; n];
    for (r, row) in v.iter_mut().enumerate() {
        for (c, p) in row.iter_mut().enumerate() {
            let jx = (rng.next_f64() - 0.5) / 3.0;
            let jy = (rng.next_f64() - 0.5) / 3.0;
            *p = [origin[0] + (c as f64 + jx) * step_lon, origin[1] + (r as f64 + jy) * step_lat];
        }
    }
    let mut lines: Vec<Vec<[f64; 2]>> = v.clone();
    lines.extend((0..n).map(|c| v.iter().map(|row| row[c]).collect()));
    match WalkNetwork::from_lines(lines) {
        Ok(net) => net,
        Err(e) => panic!("bench network: {e}"),
    }
}

fn bench_coverage(c: &mut Criterion) {
    let grids = grids();
    let index = facilities();
    assert_eq!(grids.features.len(), 413);
    assert_eq!(index.facilities().len(), 2000);
    c.bench_function("coverage: 413 grids × 2000 facilities, straight line 1000 m", |b| {
        b.iter(|| coverage::compute(black_box(&grids), CoverageUnit::Grids, &index, 1000.0, None))
    });
    c.bench_function("facility index: build over 2000 facilities", |b| b.iter(facilities));
}

fn bench_network(c: &mut Criterion) {
    let net = network();
    assert!(net.edge_count() >= 50_000, "{}", net.edge_count());
    let start = [119.1903, 36.6897];
    c.bench_function("walk: Dijkstra 1000 m on a 50,244-edge network", |b| {
        b.iter(|| net.reach(black_box(start), 1000.0).map(|r| r.reached_nodes()))
    });
    c.bench_function("walk: 15-minute walking area (Dijkstra + hull) on a 50,244-edge network", |b| {
        b.iter(|| net.reach(black_box(start), 1000.0).ok().and_then(|r| r.area(&net, 1000.0)))
    });
    c.bench_function("walk: Dijkstra over the whole 50,244-edge network", |b| {
        b.iter(|| net.reach(black_box(start), f64::INFINITY).map(|r| r.reached_nodes()))
    });
    // A whole life circle on the 50k network with the 2000 facilities: three rings both ways.
    let index = facilities();
    let snaps = snap_facilities(&net, &index);
    let ctx = NetworkContext { network: &net, facility_snaps: &snaps };
    let inputs = CircleInputs { facilities: Some(&index), network: Some(ctx), ..Default::default() };
    let params = CircleParams::default();
    c.bench_function("life circle: three rings, checklist both ways, 50,244 edges", |b| {
        b.iter(|| {
            let reach = net.reach(black_box(start), 1000.0).ok();
            analyze_with_reach(start, &params, inputs, reach.as_ref())
        })
    });
}

criterion_group!(benches, bench_coverage, bench_network);
criterion_main!(benches);
