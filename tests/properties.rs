//! Property tests (proptest) for the geometry code: coordinate conversions round-trip, geodesic
//! measures do not depend on where a ring starts or which way it winds, and the spatial index
//! answers exactly what a brute-force scan answers.

use geo::{Coord, Geometry, Intersects, LineString, Point, Polygon};
use kuiwen_atlas::analysis::measure::{area_m2, distance_m, length_m, perimeter_m, ring_area_m2, ring_perimeter_m};
use kuiwen_atlas::io::crs::{
    self, Crs, GaussKrugerSpec, bd09_to_wgs84, gcj02_to_wgs84, web_mercator_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02,
    wgs84_to_web_mercator,
};
use kuiwen_atlas::model::{Feature, PickTolerance, SpatialIndex};
use proptest::prelude::*;
use serde_json::Map;

/// Degrees: 1e-8° is about a millimetre.
const MM_DEG: f64 = 1e-8;

// ---------------------------------------------------------------------------------------------
// Coordinate systems
// ---------------------------------------------------------------------------------------------

/// Points well inside the "China" rectangle, away from its edges, where the GCJ-02 inverse is
/// exact (near an edge it can step outside, where the forward transform is the identity).
fn in_china() -> impl Strategy<Value = (f64, f64)> {
    (73.0..136.5f64, 1.5..55.0f64)
}

fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
    (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
}

proptest! {
    #[test]
    fn gcj02_round_trips_to_a_millimetre((lon, lat) in in_china()) {
        let there = wgs84_to_gcj02(lon, lat);
        let back = gcj02_to_wgs84(there.0, there.1);
        prop_assert!(close(back, (lon, lat), MM_DEG), "({lon}, {lat}) → {there:?} → {back:?}");
    }

    #[test]
    fn bd09_round_trips_to_a_millimetre((lon, lat) in in_china()) {
        let there = wgs84_to_bd09(lon, lat);
        let back = bd09_to_wgs84(there.0, there.1);
        prop_assert!(close(back, (lon, lat), MM_DEG), "({lon}, {lat}) → {there:?} → {back:?}");
    }

    #[test]
    fn web_mercator_round_trips(lon in -180.0..180.0f64, lat in -85.0..85.0f64) {
        let (x, y) = wgs84_to_web_mercator(lon, lat);
        prop_assert!(x.abs() <= crs::WEB_MERCATOR_MAX_M + 1e-6 && y.abs() <= crs::WEB_MERCATOR_MAX_M + 1e-6);
        let back = web_mercator_to_wgs84(x, y);
        prop_assert!(close(back, (lon, lat), 1e-9), "({lon}, {lat}) → ({x}, {y}) → {back:?}");
    }

    #[test]
    fn every_crs_pair_round_trips_through_wgs84((lon, lat) in in_china(), a in 0..5usize, b in 0..5usize) {
        let (from, to) = (Crs::ALL[a], Crs::ALL[b]);
        let (x, y) = from.from_wgs84(lon, lat);
        let (u, v) = from.convert_to(to, x, y);
        let (x2, y2) = to.convert_to(from, u, v);
        let back = from.to_wgs84(x2, y2);
        prop_assert!(close(back, (lon, lat), MM_DEG), "{from} → {to} → {from}: ({lon}, {lat}) → {back:?}");
    }

    #[test]
    fn gauss_kruger_zones_round_trip_to_a_millimetre(code in 4491u32..=4554, dlon in -1.5..1.5f64, lat in 15.0..55.0f64) {
        let Some(spec) = GaussKrugerSpec::from_epsg(code) else {
            return Err(TestCaseError::fail(format!("EPSG:{code} not known")));
        };
        let lon = spec.central_meridian_deg() + dlon;
        let (e, n) = spec.wgs84_to_grid(lon, lat);
        let back = spec.grid_to_wgs84(e, n);
        prop_assert!(close(back, (lon, lat), MM_DEG), "EPSG:{code} ({lon}, {lat}) → ({e}, {n}) → {back:?}");
        prop_assert_eq!(spec.epsg(), Some(code));
    }

    /// Whatever numbers a file holds, the conversions answer (maybe NaN) and the checked one
    /// refuses what is out of range or not finite.
    #[test]
    fn conversions_never_panic_on_any_number(x in proptest::num::f64::ANY, y in proptest::num::f64::ANY, c in 0..5usize) {
        let crs = Crs::ALL[c];
        let _ = crs.to_wgs84(x, y);
        let _ = crs.from_wgs84(x, y);
        let _ = crs::guess_projected(x, y);
        // What converts is a real place: finite, on the globe; what does not is refused (an
        // error), never turned into NaN or a place off the Earth.
        if let Ok((lon, lat)) = crs.try_to_wgs84(x, y) {
            prop_assert!(
                x.is_finite() && y.is_finite() && (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
                "{crs:?} ({x}, {y}) -> ({lon}, {lat})"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Geodesic measures
// ---------------------------------------------------------------------------------------------

/// A simple (star-shaped) ring around a centre near Kuiwen: vertices at sorted angles and random
/// radii from 50 m to 5 km, counter-clockwise, not closed.
fn star_ring() -> impl Strategy<Value = Vec<[f64; 2]>> {
    (119.0..119.3f64, 36.6..36.8f64, prop::collection::vec((0.0..1.0f64, 0.0005..0.05f64), 3..40)).prop_map(
        |(cx, cy, mut spokes)| {
            spokes.sort_by(|a, b| a.0.total_cmp(&b.0));
            spokes.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-3);
            spokes
                .iter()
                .map(|&(t, r)| {
                    let a = t * std::f64::consts::TAU;
                    [cx + r * a.cos(), cy + r * a.sin() * 0.8]
                })
                .collect()
        },
    )
}

/// The same kind of ring anywhere on Earth, across the antimeridian too (longitudes wrapped into
/// ±180°, as files store them), up to about 50 km across.
fn world_star_ring() -> impl Strategy<Value = Vec<[f64; 2]>> {
    (-180.0..180.0f64, -75.0..75.0f64, prop::collection::vec((0.0..1.0f64, 0.001..0.4f64), 3..20)).prop_map(
        |(cx, cy, mut spokes)| {
            spokes.sort_by(|a, b| a.0.total_cmp(&b.0));
            spokes.dedup_by(|a, b| (a.0 - b.0).abs() < 1e-3);
            spokes
                .iter()
                .map(|&(t, r)| {
                    let a = t * std::f64::consts::TAU;
                    let lon = cx + r * a.cos();
                    [(lon + 180.0).rem_euclid(360.0) - 180.0, cy + r * a.sin() * 0.8]
                })
                .collect()
        },
    )
}

fn closed(ring: &[[f64; 2]]) -> LineString<f64> {
    let mut c: Vec<Coord<f64>> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    if let Some(&first) = c.first() {
        c.push(first);
    }
    LineString(c)
}

fn rotated(ring: &[[f64; 2]], k: usize) -> Vec<[f64; 2]> {
    let k = k % ring.len().max(1);
    ring[k..].iter().chain(&ring[..k]).copied().collect()
}

fn reversed(ring: &[[f64; 2]]) -> Vec<[f64; 2]> {
    ring.iter().rev().copied().collect()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-6
}

proptest! {
    #[test]
    fn area_and_perimeter_ignore_ring_start_and_winding(ring in star_ring(), k in 0..64usize) {
        prop_assume!(ring.len() >= 3);
        let base: Geometry<f64> = Polygon::new(closed(&ring), vec![]).into();
        let (a0, p0) = (area_m2(&base), perimeter_m(&base));
        prop_assert!(a0 > 0.0 && a0.is_finite(), "area {a0}");
        for variant in [rotated(&ring, k), reversed(&ring), reversed(&rotated(&ring, k))] {
            let g: Geometry<f64> = Polygon::new(closed(&variant), vec![]).into();
            prop_assert!(same(area_m2(&g), a0), "area {} vs {a0}", area_m2(&g));
            prop_assert!(same(perimeter_m(&g), p0), "perimeter {} vs {p0}", perimeter_m(&g));
            // The measure tool's open-ring forms agree with the polygon's.
            prop_assert!(same(ring_area_m2(&variant), a0));
            prop_assert!(same(ring_perimeter_m(&variant), p0));
        }
    }

    /// Anywhere on Earth, across the antimeridian included, a small ring measures small (never
    /// "the rest of the globe"), whichever way it winds.
    #[test]
    fn area_is_the_small_side_anywhere_on_earth(ring in world_star_ring(), k in 0..64usize) {
        prop_assume!(ring.len() >= 3);
        // No ring of this size encloses more than a (0.8° × 0.65°) box: under 1e10 m².
        let a0 = area_m2(&Polygon::new(closed(&ring), vec![]).into());
        prop_assert!(a0 < 1.0e10, "area {a0} m² for {ring:?}");
        for variant in [rotated(&ring, k), reversed(&ring)] {
            let a = area_m2(&Polygon::new(closed(&variant), vec![]).into());
            prop_assert!(same(a, a0), "{a} vs {a0}");
        }
    }

    #[test]
    fn a_hole_subtracts_the_same_area_whatever_its_winding(ring in star_ring(), k in 0..64usize, shrink in 0.1..0.9f64) {
        prop_assume!(ring.len() >= 3);
        // The hole: the same star shrunk towards its centroid, so it lies inside.
        let n = ring.len() as f64;
        let (cx, cy) = (ring.iter().map(|p| p[0]).sum::<f64>() / n, ring.iter().map(|p| p[1]).sum::<f64>() / n);
        let hole: Vec<[f64; 2]> = ring.iter().map(|p| [cx + (p[0] - cx) * shrink, cy + (p[1] - cy) * shrink]).collect();
        let outer_only = area_m2(&Polygon::new(closed(&ring), vec![]).into());
        let hole_only = area_m2(&Polygon::new(closed(&hole), vec![]).into());
        for h in [rotated(&hole, k), reversed(&hole)] {
            for o in [ring.clone(), reversed(&rotated(&ring, k))] {
                let a = area_m2(&Polygon::new(closed(&o), vec![closed(&h)]).into());
                prop_assert!(same(a, outer_only - hole_only), "{a} vs {} - {}", outer_only, hole_only);
            }
        }
    }

    #[test]
    fn length_is_the_same_both_ways_and_the_sum_of_its_legs(ring in star_ring()) {
        let line = LineString(ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect());
        let back = LineString(line.0.iter().rev().copied().collect());
        let (l, r) = (length_m(&line.clone().into()), length_m(&back.into()));
        prop_assert!(same(l, r), "{l} vs {r}");
        let legs: f64 = ring.windows(2).map(|w| distance_m(w[0], w[1])).sum();
        prop_assert!(same(l, legs), "{l} vs {legs}");
    }
}

// ---------------------------------------------------------------------------------------------
// Spatial index
// ---------------------------------------------------------------------------------------------

/// A feature near Kuiwen: a point, a small rectangle (polygon) or a two-point line.
fn feature() -> impl Strategy<Value = Feature> {
    (0..3u8, 119.0..119.2f64, 36.6..36.8f64, 0.0..0.02f64, 0.0..0.02f64).prop_map(|(kind, x, y, w, h)| {
        let g: Geometry<f64> = match kind {
            0 => Point::new(x, y).into(),
            1 => Polygon::new(LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]), vec![])
                .into(),
            _ => LineString::from(vec![(x, y), (x + w, y + h)]).into(),
        };
        Feature::new(None, Some(g), Map::new())
    })
}

fn boxes_meet(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

proptest! {
    #[test]
    fn box_queries_agree_with_brute_force(
        features in prop::collection::vec(feature(), 0..200),
        (x, y, w, h) in (118.98..119.22f64, 36.58..36.82f64, 0.0..0.1f64, 0.0..0.1f64),
    ) {
        let index = SpatialIndex::build(&features);
        prop_assert_eq!(index.len(), features.len());
        let q = [x, y, x + w, y + h];
        let mut got: Vec<usize> = index.query_bbox(q).collect();
        got.sort_unstable();
        let want: Vec<usize> =
            features.iter().enumerate().filter(|(_, f)| f.bbox.is_some_and(|b| boxes_meet(b, q))).map(|(i, _)| i).collect();
        prop_assert_eq!(got, want);
    }

    /// Polygons are picked when they contain the click, and the topmost (last) one wins.
    #[test]
    fn polygon_picks_agree_with_brute_force(
        features in prop::collection::vec(feature(), 1..150),
        (x, y) in (119.0..119.22f64, 36.6..36.82f64),
    ) {
        let polygons: Vec<Feature> =
            features.into_iter().filter(|f| matches!(f.geometry, Some(Geometry::Polygon(_)))).collect();
        let index = SpatialIndex::build(&polygons);
        let p = Point::new(x, y);
        let want = polygons.iter().rposition(|f| f.geometry.as_ref().is_some_and(|g| g.intersects(&p)));
        prop_assert_eq!(index.pick(&polygons, [x, y], PickTolerance { radius_m: 3.0 }), want);
    }

    /// Points are picked within the tolerance (checked against geodesic distances, with a 5 %
    /// band around the radius where the local flat-earth distance may disagree).
    #[test]
    fn point_picks_agree_with_geodesic_distance(
        spots in prop::collection::vec((119.1..119.11f64, 36.7..36.71f64), 1..100),
        (x, y) in (119.1..119.11f64, 36.7..36.71f64),
        radius_m in 5.0..300.0f64,
    ) {
        let points: Vec<Feature> =
            spots.iter().map(|&(px, py)| Feature::new(None, Some(Point::new(px, py).into()), Map::new())).collect();
        let index = SpatialIndex::build(&points);
        let d: Vec<f64> = spots.iter().map(|&(px, py)| distance_m([x, y], [px, py])).collect();
        let picked = index.pick(&points, [x, y], PickTolerance { radius_m });
        if let Some(i) = picked {
            prop_assert!(d[i] <= radius_m * 1.05, "picked #{i} at {} m with radius {radius_m} m", d[i]);
        }
        if let Some(last_inside) = d.iter().rposition(|&di| di < radius_m * 0.95) {
            prop_assert!(picked.is_some_and(|i| i >= last_inside), "missed #{last_inside} at {} m: {picked:?}", d[last_inside]);
        }
        if d.iter().all(|&di| di > radius_m * 1.05) {
            prop_assert_eq!(picked, None);
        }
    }
}
