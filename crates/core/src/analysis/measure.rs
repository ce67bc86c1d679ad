//! Geodesic measures on the WGS84 ellipsoid (Karney's algorithms via `geo::Geodesic`).
//!
//! Planar measures on degrees are wrong by tens of percent at Kuiwen's latitude, so every area,
//! perimeter and length shown to a planner comes from here.

use geo::{Distance, Geodesic, GeodesicArea, Geometry, Length, Point};

/// Square metres in one 亩 (mu): 10000/15 m², the legal definition.
pub const M2_PER_MU: f64 = 10_000.0 / 15.0;
/// Square metres in one 公顷 (hectare).
pub const M2_PER_HECTARE: f64 = 10_000.0;
/// Square metres in one km².
pub const M2_PER_KM2: f64 = 1_000_000.0;

/// The geodesic area of a polygon in m², whatever the winding of its rings and wherever they
/// start.
///
/// Karney's algorithm reads a ring wound the "wrong" way as everything but its inside (the rest of
/// the globe). Files from older tools often wind that way, and a ring across the antimeridian has
/// no meaningful planar winding at all, so each ring is measured on its own as the smaller of the
/// two regions it bounds (the signed area, which Karney reduces to within ±half the Earth), and the
/// holes are subtracted. A polygon larger than half the Earth is not a planning area.
pub fn polygon_area_m2(p: &geo::Polygon<f64>) -> f64 {
    let ring = |r: &geo::LineString<f64>| geo::Polygon::new(r.clone(), vec![]).geodesic_area_signed().abs();
    let holes = total(p.interiors().iter().map(ring));
    (ring(p.exterior()) - holes).max(0.0)
}

/// The area of a small polygon in m², fast: for polygons under 0.01° (about 1 km) across, the
/// shoelace area in a local frame scaled by the ellipsoid's radii of curvature at the polygon's
/// centroid latitude (the scale's first-order change cancels about the centroid). That is the
/// area inside edges drawn straight in longitude/latitude, as the map draws them; Karney's
/// [`polygon_area_m2`] takes each edge as a geodesic, which bows away from the straight line by
/// millimetres over a few hundred metres. The two agree within 10⁻⁵ at 1 km and 10⁻⁶ for a
/// building (the tests check it). Larger polygons go to Karney's. Overlays of 200,000 buildings
/// spend most of their time in areas, and this is about twenty times quicker.
pub fn small_polygon_area_m2(p: &geo::Polygon<f64>) -> f64 {
    use geo::{Area, BoundingRect, Centroid};
    let Some(r) = p.bounding_rect() else { return 0.0 };
    if r.width() > 0.01 || r.height() > 0.01 {
        return polygon_area_m2(p);
    }
    let Some(c) = p.centroid() else { return 0.0 };
    let (kx, ky) = super::network::local_scale(c.y());
    // Rings measured on their own (as unsigned areas) like `polygon_area_m2`, whatever their winding.
    let ring = |l: &geo::LineString<f64>| geo::Polygon::new(l.clone(), vec![]).unsigned_area();
    let holes = total(p.interiors().iter().map(ring));
    ((ring(p.exterior()) - holes) * kx * ky).max(0.0)
}

/// A sum that is +0 when empty (`Iterator::sum` of floats starts at −0, which prints as "-0").
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |acc, x| acc + x)
}

/// The geodesic area of a geometry in m² (0 for points and lines).
pub fn area_m2(geometry: &Geometry<f64>) -> f64 {
    match geometry {
        Geometry::Polygon(p) => polygon_area_m2(p),
        Geometry::MultiPolygon(mp) => total(mp.iter().map(polygon_area_m2)),
        Geometry::Rect(r) => polygon_area_m2(&r.to_polygon()),
        Geometry::Triangle(t) => polygon_area_m2(&t.to_polygon()),
        Geometry::GeometryCollection(gc) => total(gc.iter().map(area_m2)),
        _ => 0.0,
    }
}

/// The geodesic perimeter of a polygonal geometry in m (outer and inner rings), 0 otherwise.
pub fn perimeter_m(geometry: &Geometry<f64>) -> f64 {
    match geometry {
        Geometry::Polygon(p) => p.geodesic_perimeter(),
        Geometry::MultiPolygon(mp) => total(mp.iter().map(|p| p.geodesic_perimeter())),
        Geometry::Rect(r) => r.to_polygon().geodesic_perimeter(),
        Geometry::Triangle(t) => t.to_polygon().geodesic_perimeter(),
        Geometry::GeometryCollection(gc) => total(gc.iter().map(perimeter_m)),
        _ => 0.0,
    }
}

/// The geodesic length of a linear geometry in m, 0 otherwise.
pub fn length_m(geometry: &Geometry<f64>) -> f64 {
    match geometry {
        Geometry::LineString(ls) => Geodesic.length(ls),
        Geometry::MultiLineString(mls) => total(mls.iter().map(|ls| Geodesic.length(ls))),
        Geometry::Line(l) => Geodesic.distance(Point::from(l.start), Point::from(l.end)),
        Geometry::GeometryCollection(gc) => total(gc.iter().map(length_m)),
        _ => 0.0,
    }
}

/// The geodesic distance between two lon/lat points in m.
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geodesic.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

/// The geodesic length in m of the polyline through `points` (lon/lat), 0 for fewer than two.
pub fn path_length_m(points: &[[f64; 2]]) -> f64 {
    total(points.windows(2).map(|w| distance_m(w[0], w[1])))
}

/// The polygon whose exterior ring runs through `points` (lon/lat, closed automatically), or
/// `None` for fewer than three points.
pub fn ring_polygon(points: &[[f64; 2]]) -> Option<geo::Polygon<f64>> {
    (points.len() >= 3).then(|| geo::Polygon::new(points.iter().map(|p| (p[0], p[1])).collect(), vec![]))
}

/// The geodesic area in m² of the polygon through `points` (closed automatically, either winding),
/// 0 for fewer than three points.
pub fn ring_area_m2(points: &[[f64; 2]]) -> f64 {
    ring_polygon(points).map_or(0.0, |p| polygon_area_m2(&p))
}

/// The geodesic perimeter in m of the closed ring through `points`, 0 for fewer than three.
pub fn ring_perimeter_m(points: &[[f64; 2]]) -> f64 {
    match points {
        [first, .., last] if points.len() >= 3 => path_length_m(points) + distance_m(*last, *first),
        _ => 0.0,
    }
}

/// An area in m² as the units Chinese planners read: km², 公顷 and 亩.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AreaUnits {
    /// Square kilometres.
    pub km2: f64,
    /// Hectares (公顷).
    pub hectares: f64,
    /// Mu (亩).
    pub mu: f64,
}

impl AreaUnits {
    /// Convert square metres.
    pub fn from_m2(area_m2: f64) -> Self {
        Self { km2: area_m2 / M2_PER_KM2, hectares: area_m2 / M2_PER_HECTARE, mu: area_m2 / M2_PER_MU }
    }
}

/// A distance for display: metres below 1 km, kilometres above.
pub fn format_distance(distance_m: f64) -> String {
    if distance_m < 1000.0 { format!("{distance_m:.0} m") } else { format!("{:.2} km", distance_m / 1000.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, line_string, polygon};

    #[test]
    fn small_polygon_areas_agree_with_karney() {
        // A building, a block, a 1 km park at Kuiwen's latitude, one far north, and a 4 km
        // district (measured by Karney's itself), each with a concave vertex.
        for (lon, lat, w, h, tolerance) in [
            (119.15, 36.70, 0.0003, 0.0002, 1e-6),
            (119.2, 36.65, 0.004, 0.006, 1e-5),
            (119.2, 36.65, 0.009, 0.009, 1e-5),
            (10.0, 78.0, 0.004, 0.002, 1e-5),
            (119.1, 36.8, 0.045, 0.04, 0.0),
        ] {
            let p: Polygon<f64> = polygon![(x: lon, y: lat), (x: lon + w, y: lat), (x: lon + w * 0.4, y: lat + h * 0.3), (x: lon + w, y: lat + h), (x: lon, y: lat + h)];
            let (fast, karney) = (small_polygon_area_m2(&p), polygon_area_m2(&p));
            assert!((fast - karney).abs() <= tolerance * karney, "{lon},{lat}: {fast} vs {karney}");
        }
    }

    #[test]
    fn one_km_east_west_at_kuiwen_latitude() {
        // 1 km east of (119.1, 36.7): Δlon = 1000 m / (N cosφ) = 1000 / 5 118 469 rad ≈ 0.0111939°.
        let ls: LineString<f64> = line_string![(x: 119.1, y: 36.7), (x: 119.1 + 0.011_193_9, y: 36.7)];
        let len = length_m(&ls.into());
        assert!((len - 1000.0).abs() < 1.0, "{len}");
    }

    #[test]
    fn area_of_a_one_km_square_is_one_km2_not_planar_degrees() {
        let (dlon, dlat) = (0.011_193_9, 0.009_008_5); // ≈1 km each way at 36.7°N
        let sq: Polygon<f64> = polygon![(x: 119.1, y: 36.7), (x: 119.1 + dlon, y: 36.7), (x: 119.1 + dlon, y: 36.7 + dlat), (x: 119.1, y: 36.7 + dlat)];
        let g: Geometry<f64> = sq.into();
        let a = area_m2(&g);
        assert!((a - 1.0e6).abs() < 2_000.0, "{a}");
        let u = AreaUnits::from_m2(a);
        assert!((u.hectares - 100.0).abs() < 0.3);
        assert!((u.mu - 1500.0).abs() < 4.0);
        let p = perimeter_m(&g);
        assert!((p - 4000.0).abs() < 5.0, "{p}");
    }

    #[test]
    fn area_ignores_winding_and_subtracts_holes() {
        let outer = LineString::from(vec![(0.0, 0.0), (0.02, 0.0), (0.02, 0.02), (0.0, 0.02), (0.0, 0.0)]);
        let hole =
            LineString::from(vec![(0.005, 0.005), (0.015, 0.005), (0.015, 0.015), (0.005, 0.015), (0.005, 0.005)]);
        let with_hole = Polygon::new(outer.clone(), vec![hole]);
        let mut reversed = outer.clone();
        reversed.0.reverse();
        let full = area_m2(&Polygon::new(outer, vec![]).into());
        assert!((area_m2(&Polygon::new(reversed, vec![]).into()) - full).abs() < 1e-6 * full);
        let a = area_m2(&with_hole.into());
        assert!((a / full - 0.75).abs() < 0.001, "{}", a / full);
    }

    #[test]
    fn a_small_polygon_across_the_antimeridian_is_small_and_empty_sums_are_plus_zero() {
        // 0.2° × 1° at 16°S straddling 180°: about 21.4 km × 110.6 km, not the rest of the Earth.
        let p: Polygon<f64> =
            polygon![(x: 179.9, y: -16.0), (x: -179.9, y: -16.0), (x: -179.9, y: -17.0), (x: 179.9, y: -17.0)];
        let a = area_m2(&p.into());
        assert!((a - 2.36e9).abs() < 0.05e9, "{a}");
        let empty: Geometry<f64> = geo::MultiPolygon::<f64>(vec![]).into();
        assert!(area_m2(&empty).is_sign_positive() && length_m(&empty).is_sign_positive());
        assert_eq!(format!("{}", path_length_m(&[])), "0");
    }

    #[test]
    fn formats_distances() {
        assert_eq!(format_distance(950.0), "950 m");
        assert_eq!(format_distance(1234.0), "1.23 km");
    }
}
