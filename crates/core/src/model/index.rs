//! The spatial index of a layer (an R-tree of feature bounding boxes) and exact picking.

use geo::{Contains, Geometry, Intersects, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::{BBox, Feature};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// How close, on the ground, a click must be to a line or point to pick it.
#[derive(Clone, Copy, Debug)]
pub struct PickTolerance {
    /// Tolerance in metres (the caller turns "a few pixels" into metres at the current zoom).
    pub radius_m: f64,
}

/// Above this many features the index is built as one R-tree per core, in parallel: a city's
/// 220,000 features take 65 ms on one core. Queries then visit each tree (a few µs more).
const PARALLEL_BUILD_MIN: usize = 50_000;

/// R-trees over the features' bounding boxes, built by bulk load (one, or one per core for big
/// layers).
#[derive(Default, Clone)]
pub struct SpatialIndex {
    trees: Vec<RTree<Entry>>,
}

impl std::fmt::Debug for SpatialIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SpatialIndex({} entries)", self.len())
    }
}

impl SpatialIndex {
    /// Index the features (by their position in the slice).
    pub fn build(features: &[Feature]) -> Self {
        let tree_of = |first: usize, part: &[Feature]| {
            let entries = part
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let b = f.bbox?;
                    Some(GeomWithData::new(Rectangle::from_corners([b[0], b[1]], [b[2], b[3]]), first + i))
                })
                .collect();
            RTree::bulk_load(entries)
        };
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        if features.len() < PARALLEL_BUILD_MIN || threads == 1 {
            return Self { trees: vec![tree_of(0, features)] };
        }
        let chunk = features.len().div_ceil(threads);
        let trees = std::thread::scope(|s| {
            let handles: Vec<_> = features
                .chunks(chunk)
                .enumerate()
                .map(|(k, part)| (k, s.spawn(move || tree_of(k * chunk, part))))
                .collect();
            // A build that panicked is redone here rather than leaving features unindexed.
            handles
                .into_iter()
                .map(|(k, h)| {
                    h.join().unwrap_or_else(|_| {
                        let part = features.get(k * chunk..((k + 1) * chunk).min(features.len())).unwrap_or_default();
                        tree_of(k * chunk, part)
                    })
                })
                .collect()
        });
        Self { trees }
    }

    /// Number of indexed features.
    pub fn len(&self) -> usize {
        self.trees.iter().map(RTree::size).sum()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Indices of the features whose boxes intersect `bbox`, in no particular order.
    pub fn query_bbox(&self, bbox: BBox) -> impl Iterator<Item = usize> + '_ {
        let env = AABB::from_corners([bbox[0], bbox[1]], [bbox[2], bbox[3]]);
        self.trees.iter().flat_map(move |t| t.locate_in_envelope_intersecting(&env).map(|e| e.data))
    }

    /// The topmost feature (the last one drawn) under `lon_lat`: polygons must contain the
    /// point; lines and points must be within `tolerance` of it.
    pub fn pick(&self, features: &[Feature], lon_lat: [f64; 2], tolerance: PickTolerance) -> Option<usize> {
        let (dlon, dlat) = degrees_for_metres(tolerance.radius_m, lon_lat[1]);
        let bbox = [lon_lat[0] - dlon, lon_lat[1] - dlat, lon_lat[0] + dlon, lon_lat[1] + dlat];
        self.query_bbox(bbox)
            .filter(|&i| {
                features.get(i).and_then(|f| f.geometry.as_ref()).is_some_and(|g| hits(g, lon_lat, tolerance.radius_m))
            })
            .max()
    }
}

/// Degrees of longitude and latitude that span `metres` at latitude `lat_deg` (spherical, for
/// search boxes and tolerances only, never for measures).
pub fn degrees_for_metres(metres: f64, lat_deg: f64) -> (f64, f64) {
    const M_PER_DEG_LAT: f64 = 111_320.0;
    let m_per_deg_lon = (M_PER_DEG_LAT * lat_deg.to_radians().cos()).max(1.0);
    (metres / m_per_deg_lon, metres / M_PER_DEG_LAT)
}

/// Whether `geometry` is under the point: inside a polygon, or within `radius_m` of a line or point.
fn hits(geometry: &Geometry<f64>, lon_lat: [f64; 2], radius_m: f64) -> bool {
    let p = Point::new(lon_lat[0], lon_lat[1]);
    match geometry {
        Geometry::Polygon(poly) => poly.contains(&p) || poly.intersects(&p),
        Geometry::MultiPolygon(mp) => mp.contains(&p) || mp.intersects(&p),
        Geometry::Rect(r) => r.intersects(&p),
        Geometry::Triangle(t) => t.intersects(&p),
        Geometry::Point(q) => local_distance_m(lon_lat, [q.x(), q.y()]) <= radius_m,
        Geometry::MultiPoint(mp) => mp.iter().any(|q| local_distance_m(lon_lat, [q.x(), q.y()]) <= radius_m),
        Geometry::Line(l) => segment_distance_m(lon_lat, [l.start.x, l.start.y], [l.end.x, l.end.y]) <= radius_m,
        Geometry::LineString(ls) => line_near(ls, lon_lat, radius_m),
        Geometry::MultiLineString(mls) => mls.iter().any(|ls| line_near(ls, lon_lat, radius_m)),
        Geometry::GeometryCollection(gc) => gc.iter().any(|g| hits(g, lon_lat, radius_m)),
    }
}

fn line_near(ls: &geo::LineString<f64>, p: [f64; 2], radius_m: f64) -> bool {
    ls.lines().any(|l| segment_distance_m(p, [l.start.x, l.start.y], [l.end.x, l.end.y]) <= radius_m)
}

/// Planar distance in metres in a local equirectangular frame around `p` (good to well under a
/// percent over the few metres a pick tolerance spans).
fn local_distance_m(p: [f64; 2], q: [f64; 2]) -> f64 {
    let (kx, ky) = local_scale(p[1]);
    ((q[0] - p[0]) * kx).hypot((q[1] - p[1]) * ky)
}

fn local_scale(lat_deg: f64) -> (f64, f64) {
    (111_320.0 * lat_deg.to_radians().cos(), 110_574.0)
}

fn segment_distance_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (kx, ky) = local_scale(p[1]);
    let (ax, ay) = ((a[0] - p[0]) * kx, (a[1] - p[1]) * ky);
    let (bx, by) = ((b[0] - p[0]) * kx, (b[1] - p[1]) * ky);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    (ax + t * dx).hypot(ay + t * dy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, line_string, polygon};
    use serde_json::Map;

    fn feature(g: Geometry<f64>) -> Feature {
        Feature::new(None, Some(g), Map::new())
    }

    #[test]
    fn a_big_index_built_in_parts_finds_what_a_scan_finds() {
        let n = PARALLEL_BUILD_MIN + 1234;
        let features: Vec<Feature> = (0..n)
            .map(|i| {
                let (x, y) = (119.0 + (i % 300) as f64 * 0.001, 36.6 + (i / 300) as f64 * 0.001);
                feature(Point::new(x, y).into())
            })
            .collect();
        let index = SpatialIndex::build(&features);
        assert_eq!(index.len(), n);
        for bbox in [[119.05, 36.65, 119.06, 36.66], [118.0, 36.0, 120.0, 37.0], [119.2985, 36.7, 119.3, 36.8]] {
            let mut found: Vec<usize> = index.query_bbox(bbox).collect();
            found.sort_unstable();
            let expected: Vec<usize> = features
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    f.bbox.is_some_and(|b| b[0] >= bbox[0] && b[2] <= bbox[2] && b[1] >= bbox[1] && b[3] <= bbox[3])
                })
                .map(|(i, _)| i)
                .collect();
            assert!(!expected.is_empty(), "{bbox:?} holds no point: the check would prove nothing");
            assert_eq!(found, expected, "{bbox:?}");
        }
    }

    #[test]
    fn picks_polygon_containing_point_and_not_outside() {
        let sq: Polygon<f64> =
            polygon![(x: 119.0, y: 36.0), (x: 119.1, y: 36.0), (x: 119.1, y: 36.1), (x: 119.0, y: 36.1)];
        let fs = vec![feature(sq.into())];
        let idx = SpatialIndex::build(&fs);
        let tol = PickTolerance { radius_m: 5.0 };
        assert_eq!(idx.pick(&fs, [119.05, 36.05], tol), Some(0));
        assert_eq!(idx.pick(&fs, [119.2, 36.05], tol), None);
    }

    #[test]
    fn picks_concave_polygon_only_inside_its_notch() {
        // A U shape: the notch between the arms is outside even though the bbox covers it.
        let u: Polygon<f64> = polygon![
            (x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 2.0, y: 3.0),
            (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0)
        ];
        let fs = vec![feature(u.into())];
        let idx = SpatialIndex::build(&fs);
        let tol = PickTolerance { radius_m: 1.0 };
        assert_eq!(idx.pick(&fs, [1.5, 2.0], tol), None);
        assert_eq!(idx.pick(&fs, [0.5, 2.0], tol), Some(0));
    }

    #[test]
    fn line_pick_respects_tolerance_in_metres() {
        let l: LineString<f64> = line_string![(x: 119.0, y: 36.7), (x: 119.1, y: 36.7)];
        let fs = vec![feature(l.into())];
        let idx = SpatialIndex::build(&fs);
        // 0.0001° of latitude is about 11 m.
        assert_eq!(idx.pick(&fs, [119.05, 36.7001], PickTolerance { radius_m: 15.0 }), Some(0));
        assert_eq!(idx.pick(&fs, [119.05, 36.7001], PickTolerance { radius_m: 5.0 }), None);
    }

    #[test]
    fn topmost_of_overlapping_features_wins() {
        let a: Polygon<f64> = polygon![(x: 0.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 2.0), (x: 0.0, y: 2.0)];
        let b: Polygon<f64> = polygon![(x: 1.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 3.0), (x: 1.0, y: 3.0)];
        let fs = vec![feature(a.into()), feature(b.into())];
        let idx = SpatialIndex::build(&fs);
        let tol = PickTolerance { radius_m: 1.0 };
        assert_eq!(idx.pick(&fs, [1.5, 1.5], tol), Some(1));
        assert_eq!(idx.pick(&fs, [0.5, 0.5], tol), Some(0));
    }
}
