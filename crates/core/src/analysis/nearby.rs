//! Nearby and buffer queries (周边查询 / 缓冲区查询): the features within a distance of a point,
//! a line or a polygon, by straight line or, for points, by walking along the streets.
//!
//! Distances to lines and polygons are measured in a local frame scaled by the ellipsoid's radii
//! of curvature at the query's latitude ([`super::network::local_scale`]): within 10 km of the
//! query this is within 0.05% of the geodesic distance (checked against Karney's in the tests),
//! and the distance from a point to a point is Karney's geodesic itself. The buffer polygon is
//! made in the same frame with geo's `Buffer` and turned back into longitude/latitude, so it is a
//! geodesic buffer to that tolerance.

use geo::{BoundingRect, Buffer, Distance, Euclidean, Geodesic, Geometry, MapCoords, MultiPolygon, Point};
use serde::Serialize;
use thiserror::Error;

use super::network::{WalkNetwork, local_scale};
use crate::model::{Feature, SpatialIndex};

/// What can go wrong with a nearby query.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum NearbyError {
    /// The distance is not a positive number of metres.
    #[error("the distance {distance_m} m must be a positive number")]
    BadDistance {
        /// The distance given.
        distance_m: f64,
    },
    /// The query geometry is empty.
    #[error("the query has no geometry")]
    NoGeometry,
    /// The walking distance needs a point to start from.
    #[error("walking distance starts from a point")]
    WalkNeedsPoint,
    /// The start is too far from any street.
    #[error("no street near the starting point")]
    NoStreet,
}

impl crate::Bilingual for NearbyError {
    fn zh(&self) -> String {
        match self {
            NearbyError::BadDistance { distance_m } => format!("距离 {distance_m} 米无效，须为正数"),
            NearbyError::NoGeometry => "查询对象没有几何图形".to_owned(),
            NearbyError::WalkNeedsPoint => "步行距离只能从一个点出发".to_owned(),
            NearbyError::NoStreet => "起点附近没有道路".to_owned(),
        }
    }
}

/// How the distance is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub enum DistanceMode {
    /// Straight line (geodesic).
    #[default]
    Straight,
    /// Walking along the street network (from a point, to point features).
    Walking,
}

/// One feature found.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct NearbyHit {
    /// The feature's position in its layer.
    pub feature: usize,
    /// Its distance from the query, m (0 when they touch or overlap).
    pub distance_m: f64,
}

/// A local metric frame centred on a point: x east, y north, metres.
#[derive(Clone, Copy, Debug)]
pub struct LocalFrame {
    origin: [f64; 2],
    kx: f64,
    ky: f64,
}

impl LocalFrame {
    /// The frame at `lon_lat`.
    pub fn at(lon_lat: [f64; 2]) -> Self {
        let (kx, ky) = local_scale(lon_lat[1]);
        Self { origin: lon_lat, kx, ky }
    }

    /// A geometry into the frame.
    pub fn to_local(&self, g: &Geometry<f64>) -> Geometry<f64> {
        g.map_coords(|c| geo::coord! { x: (c.x - self.origin[0]) * self.kx, y: (c.y - self.origin[1]) * self.ky })
    }

    /// Polygons from the frame back to lon/lat.
    pub fn to_lon_lat(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        mp.map_coords(|c| geo::coord! { x: self.origin[0] + c.x / self.kx, y: self.origin[1] + c.y / self.ky })
    }
}

fn centre_of(g: &Geometry<f64>) -> Option<[f64; 2]> {
    let r = g.bounding_rect()?;
    Some([(r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0])
}

fn check_distance(distance_m: f64) -> Result<(), NearbyError> {
    if distance_m.is_finite() && distance_m > 0.0 { Ok(()) } else { Err(NearbyError::BadDistance { distance_m }) }
}

/// The geodesic buffer of a geometry by `distance_m`, as lon/lat polygons.
pub fn geodesic_buffer(g: &Geometry<f64>, distance_m: f64) -> Result<MultiPolygon<f64>, NearbyError> {
    check_distance(distance_m)?;
    let centre = centre_of(g).ok_or(NearbyError::NoGeometry)?;
    let frame = LocalFrame::at(centre);
    Ok(frame.to_lon_lat(&frame.to_local(g).buffer(distance_m)))
}

/// The features of a layer within `distance_m` of `query` in a straight line, nearest first.
pub fn within_distance(
    features: &[Feature],
    index: &SpatialIndex,
    query: &Geometry<f64>,
    distance_m: f64,
) -> Result<Vec<NearbyHit>, NearbyError> {
    check_distance(distance_m)?;
    let r = query.bounding_rect().ok_or(NearbyError::NoGeometry)?;
    let centre = [(r.min().x + r.max().x) / 2.0, (r.min().y + r.max().y) / 2.0];
    let frame = LocalFrame::at(centre);
    let (kx, ky) = (frame.kx, frame.ky);
    // The search box: the query's box grown by the distance, with 1% to spare for the frame.
    let (dx, dy) = (distance_m * 1.01 / kx, distance_m * 1.01 / ky);
    let bbox = [r.min().x - dx, r.min().y - dy, r.max().x + dx, r.max().y + dy];
    let local_query = frame.to_local(query);
    let query_point = match query {
        Geometry::Point(p) => Some(*p),
        _ => None,
    };
    let mut hits: Vec<NearbyHit> = index
        .query_bbox(bbox)
        .filter_map(|i| {
            let g = features.get(i)?.geometry.as_ref()?;
            let d = match (query_point, g) {
                (Some(q), Geometry::Point(p)) => Geodesic.distance(q, *p),
                _ => Euclidean.distance(&local_query, &frame.to_local(g)),
            };
            (d <= distance_m).then_some(NearbyHit { feature: i, distance_m: d })
        })
        .collect();
    hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.feature.cmp(&b.feature)));
    Ok(hits)
}

/// The point features within `distance_m` walking along `network` from `start`, nearest first.
/// A walk is never shorter than the straight line, so only the features inside the circle are
/// walked to.
pub fn within_walk(
    features: &[Feature],
    index: &SpatialIndex,
    network: &WalkNetwork,
    start: Point<f64>,
    distance_m: f64,
) -> Result<Vec<NearbyHit>, NearbyError> {
    let straight = within_distance(features, index, &Geometry::Point(start), distance_m)?;
    let reach = network.reach([start.x(), start.y()], distance_m).map_err(|_| NearbyError::NoStreet)?;
    let mut hits: Vec<NearbyHit> = straight
        .into_iter()
        .filter_map(|h| {
            let Some(Geometry::Point(p)) = features.get(h.feature)?.geometry.as_ref() else { return None };
            let snap = network.snap([p.x(), p.y()])?;
            let d = reach.distance_to(network, &snap)?;
            Some(NearbyHit { feature: h.feature, distance_m: d })
        })
        .collect();
    hits.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.feature.cmp(&b.feature)));
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Destination, LineString};
    use serde_json::Map;

    fn point_feature(p: Point<f64>) -> Feature {
        Feature::new(None, Some(Geometry::Point(p)), Map::new())
    }

    #[test]
    fn distances_agree_with_karney_within_half_a_permille() {
        let q = Point::new(119.16, 36.70);
        // A line 2 km north running east–west: its distance is the geodesic to its foot.
        let north = Geodesic.destination(q, 0.0, 2000.0);
        let line = Geometry::LineString(LineString::from(vec![(119.10, north.y()), (119.22, north.y())]));
        let f = vec![Feature::new(None, Some(line), Map::new())];
        let idx = SpatialIndex::build(&f);
        let hits = within_distance(&f, &idx, &Geometry::Point(q), 2100.0).unwrap_or_default();
        assert_eq!(hits.len(), 1);
        assert!((hits[0].distance_m - 2000.0).abs() < 1.0, "{hits:?}");
        assert!(within_distance(&f, &idx, &Geometry::Point(q), 1990.0).unwrap_or_default().is_empty());
    }

    #[test]
    fn points_inside_the_distance_are_found_nearest_first() {
        let q = Point::new(119.16, 36.70);
        let f: Vec<Feature> =
            [900.0, 300.0, 1100.0].iter().map(|&d| point_feature(Geodesic.destination(q, 45.0, d))).collect();
        let idx = SpatialIndex::build(&f);
        let hits = within_distance(&f, &idx, &Geometry::Point(q), 1000.0).unwrap_or_default();
        assert_eq!(hits.iter().map(|h| h.feature).collect::<Vec<_>>(), vec![1, 0]);
    }

    #[test]
    fn the_buffer_of_a_point_has_the_circle_area() {
        let q = Geometry::Point(Point::new(119.16, 36.70));
        let b = geodesic_buffer(&q, 500.0).unwrap_or_else(|e| panic!("{e}"));
        let area = super::super::overlay::multipolygon_area_m2(&b);
        let circle = std::f64::consts::PI * 500.0 * 500.0;
        // geo's buffer approximates arcs with chords: a little under the true circle.
        assert!((area - circle).abs() / circle < 0.01, "{area} vs {circle}");
        assert!(b.unsigned_area() > 0.0);
        assert_eq!(geodesic_buffer(&q, -1.0).err(), Some(NearbyError::BadDistance { distance_m: -1.0 }));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        use crate::Bilingual;
        let e = NearbyError::BadDistance { distance_m: -5.0 };
        assert!(e.zh().contains("-5") && e.zh().contains("米") && e.zh().contains("距离"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains("-5 m") && !e.en().contains("米"), "{}", e.en());
        assert!(NearbyError::NoStreet.zh().contains("道路"));
        assert!(NearbyError::WalkNeedsPoint.message(false).contains("步行"));
        assert_eq!(NearbyError::NoGeometry.message(true), "the query has no geometry");
    }
}
