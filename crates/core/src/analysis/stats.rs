//! Statistics over features: count, sum, mean, min and max of every numeric property, and the
//! summary of a selection (count, geodesic area and length, sums). Also selection by polygon.
//!
//! Identifier-like numbers (`code`, `*_code`, `*_id`, `*_no`, `year`, `*_year`) are left out: a
//! sum or mean of statistical codes or years is meaningless, and a planner reading "sum of codes"
//! in a briefing would rightly stop trusting the rest of the table.

use geo::{BoundingRect, Contains, Geometry, InteriorPoint, Point, Polygon};
use serde_json::Value;

use super::measure::{area_m2, length_m};
use crate::model::{Feature, SpatialIndex};

/// Count, sum, mean, min and max of one numeric property.
#[derive(Clone, Debug, PartialEq)]
pub struct NumericStats {
    /// The property key (its suffix names the unit, e.g. `_km2`, `_yuan`).
    pub key: String,
    /// Features where the property is a number.
    pub count: usize,
    /// Sum of the values.
    pub sum: f64,
    /// Mean of the values (`sum / count`).
    pub mean: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

/// Statistics of a set of features.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerStats {
    /// Number of features.
    pub count: usize,
    /// One entry per numeric property, in the order the keys first appear.
    pub numeric: Vec<NumericStats>,
}

impl LayerStats {
    /// The statistics of one property, if it is numeric somewhere.
    pub fn get(&self, key: &str) -> Option<&NumericStats> {
        self.numeric.iter().find(|s| s.key == key)
    }
}

/// Whether a numeric property is an identifier or a date rather than a quantity (left out of
/// statistics).
pub fn is_identifier_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "id"
        || k == "code"
        || k == "year"
        || k.ends_with("_id")
        || k.ends_with("_code")
        || k.ends_with("_no")
        || k.ends_with("_year")
}

/// Whether the values of a property add up to something meaningful. Amounts (`households`,
/// `_yuan`, `_km2`, `managers`) do; intensive quantities (a service radius in `_min`, a share in
/// `_pct`, a duration in `_years`) do not, so a table shows no sum for them.
pub fn is_additive_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    !(k.ends_with("_min")
        || k.ends_with("_pct")
        || k.ends_with("_years")
        || k.contains("_per_")
        || k.contains("radius"))
}

/// Statistics of every numeric (non-identifier) property over `features`.
pub fn numeric_stats<'a>(features: impl IntoIterator<Item = &'a Feature>) -> LayerStats {
    let mut out = LayerStats::default();
    for f in features {
        out.count += 1;
        for (key, value) in &f.properties {
            let Some(x) = value.as_f64().filter(|x| x.is_finite()) else { continue };
            if matches!(value, Value::Bool(_)) || is_identifier_key(key) {
                continue;
            }
            match out.numeric.iter_mut().find(|s| s.key == *key) {
                Some(s) => {
                    s.count += 1;
                    s.sum += x;
                    s.min = s.min.min(x);
                    s.max = s.max.max(x);
                }
                None => out.numeric.push(NumericStats { key: key.clone(), count: 1, sum: x, mean: x, min: x, max: x }),
            }
        }
    }
    for s in &mut out.numeric {
        s.mean = s.sum / s.count as f64;
    }
    out
}

/// What a selection adds up to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SelectionSummary {
    /// Number of features.
    pub count: usize,
    /// Total geodesic area of the polygons, m².
    pub area_m2: f64,
    /// Total geodesic length of the lines, m.
    pub length_m: f64,
    /// Statistics of the numeric properties (the sums are the selection's totals).
    pub stats: LayerStats,
}

/// Summarise a selection: count, total geodesic area and length, numeric statistics.
pub fn summarize<'a>(features: impl IntoIterator<Item = &'a Feature> + Clone) -> SelectionSummary {
    let stats = numeric_stats(features.clone());
    let mut area = 0.0;
    let mut length = 0.0;
    for g in features.into_iter().filter_map(|f| f.geometry.as_ref()) {
        area += area_m2(g);
        length += length_m(g);
    }
    SelectionSummary { count: stats.count, area_m2: area, length_m: length, stats }
}

/// The point that stands for a feature when selecting by area: a point inside a polygon (not its
/// centroid, which can fall outside a concave shape), a point on a line, the point itself.
pub fn representative_point(geometry: &Geometry<f64>) -> Option<Point<f64>> {
    geometry.interior_point()
}

/// Indices of the features whose representative point lies inside `area`.
///
/// "Inside by its representative point" rather than "touches": communities tile subdistricts,
/// and a rectangle that grazes a neighbour's edge must not count the neighbour's households.
pub fn select_in_polygon(features: &[Feature], index: &SpatialIndex, area: &Polygon<f64>) -> Vec<usize> {
    let Some(r) = area.bounding_rect() else { return Vec::new() };
    let mut hits: Vec<usize> = index
        .query_bbox([r.min().x, r.min().y, r.max().x, r.max().y])
        .filter(|&i| {
            features
                .get(i)
                .and_then(|f| f.geometry.as_ref())
                .and_then(representative_point)
                .is_some_and(|p| area.contains(&p))
        })
        .collect();
    hits.sort_unstable();
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use serde_json::json;

    fn f(props: Value, geometry: Option<Geometry<f64>>) -> Feature {
        let Value::Object(map) = props else { panic!("not an object") };
        Feature::new(None, geometry, map)
    }

    #[test]
    fn skips_identifiers_and_text() {
        let fs = vec![
            f(json!({"code": "3707", "grid_no": 1, "households": 10, "founded_year": 1917, "name": "a"}), None),
            f(json!({"code": 3707, "grid_no": 2, "households": 30, "flag": true}), None),
        ];
        let s = numeric_stats(&fs);
        assert_eq!(s.count, 2);
        assert_eq!(s.numeric.len(), 1, "{s:?}");
        let h = s.get("households").unwrap_or_else(|| panic!("no households"));
        assert_eq!((h.count, h.sum, h.mean, h.min, h.max), (2, 40.0, 20.0, 10.0, 30.0));
    }

    #[test]
    fn selects_by_interior_point() {
        let sq = |x: f64| -> Geometry<f64> {
            polygon![(x: x, y: 0.0), (x: x + 1.0, y: 0.0), (x: x + 1.0, y: 1.0), (x: x, y: 1.0)].into()
        };
        let fs = vec![f(json!({}), Some(sq(0.0))), f(json!({}), Some(sq(1.0))), f(json!({}), Some(sq(5.0)))];
        let idx = SpatialIndex::build(&fs);
        // Covers the first square and grazes the second one.
        let sel = polygon![(x: -0.1, y: -0.1), (x: 1.2, y: -0.1), (x: 1.2, y: 1.1), (x: -0.1, y: 1.1)];
        assert_eq!(select_in_polygon(&fs, &idx, &sel), vec![0]);
    }
}
