//! The change report between two versions of a layer (成果对比): which features were added,
//! removed and modified, which properties changed from what to what, and how the geometry moved
//! or changed shape, with the area change.
//!
//! Features are paired in this order, each step taking only what the steps before left:
//! 1. **identical** features (same geometry and properties, whatever their order or row number)
//!    are unchanged;
//! 2. by the **key field** the planner names (a plot number, 地块编号), when given;
//! 3. by the feature **id** (GeoJSON `id`, GeoPackage fid, KML id), unless the ids of a version
//!    are only its row numbers (1, 2, 3… in file order, as a GeoPackage written by a conversion
//!    numbers them), which say nothing about which feature is which;
//! 4. by **geometry**: the same shape, or the most overlapping polygon (at least half of the
//!    union shared), the nearest point within [`POINT_MATCH_M`], the line whose box overlaps most.
//!
//! What is left in the new version was added; what is left in the old one was removed. Numbers
//! are compared as numbers (a shapefile's `2.0` equals GeoJSON's `2`), and polygons whatever the
//! direction and first vertex of their rings (a shapefile turns them clockwise).

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, VecDeque};

use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Centroid, Coord, Geometry, LineString, MapCoords, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde::Serialize;
use serde_json::Value;

use super::measure::{M2_PER_MU, area_m2, distance_m};
use super::overlay::{as_multipolygon, multipolygon_area_m2};
use crate::model::{Feature, GeometryKind};

/// Two points closer than this (metres) are the same point moved.
pub const POINT_MATCH_M: f64 = 25.0;

/// Two polygons sharing at least this part of their union are the same polygon reshaped.
pub const POLYGON_MATCH_SHARE: f64 = 0.5;

/// How a modified feature was paired with its old version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// The key field the planner named.
    Key,
    /// The feature id.
    Id,
    /// The geometry (same shape, overlap or nearness).
    Geometry,
}

/// A feature only in one version.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Changed {
    /// Its name in the report: the key field's value, else the id, else `name`, else `#N`.
    pub id: String,
    /// Its index in its version (old for removed, new for added).
    #[serde(skip)]
    pub index: usize,
}

/// A feature in both versions, changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Modified {
    /// Its name in the report (as for [`Changed`], from the new version).
    pub id: String,
    /// Index in the old version.
    #[serde(skip)]
    pub old: usize,
    /// Index in the new version.
    #[serde(skip)]
    pub new: usize,
    /// How the two were paired.
    pub matched_by: MatchedBy,
    /// Changed properties: key → [old, new] (null where absent).
    pub properties: BTreeMap<String, [Value; 2]>,
    /// The geometry differs.
    pub geometry_changed: bool,
    /// How far the centre moved, metres (0 when the geometry is the same).
    pub moved_m: f64,
    /// New area minus old area, m² (0 for points and lines).
    pub area_change_m2: f64,
}

/// The differences between two versions of a layer.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ChangeReport {
    /// Features only in the new version.
    pub added: Vec<Changed>,
    /// Features only in the old version.
    pub removed: Vec<Changed>,
    /// Features in both, changed.
    pub modified: Vec<Modified>,
    /// Features in both, identical.
    pub unchanged: usize,
}

impl ChangeReport {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }

    /// Total area change of the modified, added and removed polygons, m².
    pub fn area_change_m2(&self, old: &[Feature], new: &[Feature]) -> f64 {
        let area = |f: &Feature| f.geometry.as_ref().map_or(0.0, polygon_area_m2);
        self.modified.iter().map(|m| m.area_change_m2).sum::<f64>()
            + self.added.iter().filter_map(|a| new.get(a.index)).map(area).sum::<f64>()
            - self.removed.iter().filter_map(|r| old.get(r.index)).map(area).sum::<f64>()
    }

    /// One line per change, as a planner reads it, in Chinese or English.
    pub fn summary(&self, english: bool) -> String {
        if english {
            format!(
                "{} added, {} removed, {} modified, {} unchanged",
                self.added.len(),
                self.removed.len(),
                self.modified.len(),
                self.unchanged
            )
        } else {
            format!(
                "新增 {} 个，删除 {} 个，修改 {} 个，未变 {} 个",
                self.added.len(),
                self.removed.len(),
                self.modified.len(),
                self.unchanged
            )
        }
    }
}

impl ChangeReport {
    /// The report as CSV for Excel (UTF-8 with BOM, CRLF): one row per added or removed feature
    /// and one per changed property of a modified one (a geometry change is a row of its own).
    pub fn to_csv(&self, english: bool) -> String {
        let t = |zh: &str, en: &str| if english { en.to_owned() } else { zh.to_owned() };
        let mut out = String::from("\u{feff}");
        let header = [
            t("变更", "Change"),
            t("要素", "Feature"),
            t("属性", "Property"),
            t("原值", "Old"),
            t("新值", "New"),
            t("中心移动（米）", "Moved (m)"),
            t("面积变化（平方米）", "Area change (m²)"),
            t("面积变化（亩）", "Area change (mu)"),
        ];
        super::coverage::push_csv_row(&mut out, &header);
        let cell = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for a in &self.added {
            super::coverage::push_csv_row(&mut out, &[t("新增", "added"), a.id.clone()]);
        }
        for r in &self.removed {
            super::coverage::push_csv_row(&mut out, &[t("删除", "removed"), r.id.clone()]);
        }
        for m in &self.modified {
            for (k, [old, new]) in &m.properties {
                let row = [t("修改", "modified"), m.id.clone(), k.clone(), cell(old), cell(new)];
                super::coverage::push_csv_row(&mut out, &row);
            }
            if m.geometry_changed {
                let row = [
                    t("修改", "modified"),
                    m.id.clone(),
                    t("几何", "geometry"),
                    String::new(),
                    String::new(),
                    format!("{:.1}", m.moved_m),
                    format!("{:.1}", m.area_change_m2),
                    format!("{:.2}", m.area_change_m2 / M2_PER_MU),
                ];
                super::coverage::push_csv_row(&mut out, &row);
            }
        }
        out
    }
}

/// Compare two versions of a layer. `key` names the field that identifies a feature (a plot
/// number), if the data has one.
pub fn compare(old: &[Feature], new: &[Feature], key: Option<&str>) -> ChangeReport {
    let use_ids = !ids_are_row_numbers(old) && !ids_are_row_numbers(new);
    let name_old = |i: usize| report_name(&old[i], i, key, use_ids);
    let name_new = |j: usize| report_name(&new[j], j, key, use_ids);
    let mut old_left: Vec<bool> = vec![true; old.len()];
    let mut new_left: Vec<bool> = vec![true; new.len()];
    let mut report = ChangeReport::default();
    // 1. Identical features, in any order.
    let mut by_content: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, f) in old.iter().enumerate() {
        by_content.entry(content_key(f)).or_default().push_back(i);
    }
    for (j, f) in new.iter().enumerate() {
        if let Some(i) = by_content.get_mut(&content_key(f)).and_then(VecDeque::pop_front) {
            old_left[i] = false;
            new_left[j] = false;
            report.unchanged += 1;
        }
    }
    let mut pairs: Vec<(usize, usize, MatchedBy)> = Vec::new();
    // 2. The key field, then 3. the id.
    if let Some(k) = key {
        pair_by(old, new, &mut old_left, &mut new_left, |f| f.properties.get(k).and_then(value_text), MatchedBy::Key)
            .into_iter()
            .for_each(|p| pairs.push(p));
    }
    if use_ids {
        pairs.extend(pair_by(
            old,
            new,
            &mut old_left,
            &mut new_left,
            |f| f.id.clone().filter(|s| !s.is_empty()),
            MatchedBy::Id,
        ));
    }
    // 4. Geometry.
    pairs.extend(pair_by_geometry(old, new, &mut old_left, &mut new_left));
    pairs.sort_by_key(|p| p.1);
    for (i, j, how) in pairs {
        let properties = property_changes(&old[i], &new[j]);
        let (geometry_changed, moved_m, area_change_m2) = geometry_change(&old[i], &new[j]);
        if properties.is_empty() && !geometry_changed {
            // Paired by key or id, and the same but for the id or the row.
            report.unchanged += 1;
            continue;
        }
        report.modified.push(Modified {
            id: name_new(j),
            old: i,
            new: j,
            matched_by: how,
            properties,
            geometry_changed,
            moved_m,
            area_change_m2,
        });
    }
    report.added = (0..new.len()).filter(|&j| new_left[j]).map(|j| Changed { id: name_new(j), index: j }).collect();
    report.removed = (0..old.len()).filter(|&i| old_left[i]).map(|i| Changed { id: name_old(i), index: i }).collect();
    report
}

/// Geometry and properties, ids left out: what makes two features the same.
fn content_key(f: &Feature) -> String {
    let props: Vec<String> = f.properties.iter().map(|(k, v)| format!("{k}={}", normal_value(v))).collect();
    format!("{}|{}", f.geometry.as_ref().map(geometry_text).unwrap_or_default(), props.join("\u{1f}"))
}

/// Coordinates are compared on a grid of this many degrees (about 0.1 mm): the same data
/// projected on another machine (Windows' and glibc's sin/cos differ in the last bit) or passed
/// through another format differs there, and is not a modification. A value within 1e-15 of a
/// grid line's midpoint could still round both ways; no surveyed coordinate is that precise.
pub const SAME_COORDINATE_DEG: f64 = 1e-9;

/// A geometry as compared: coordinates on the [`SAME_COORDINATE_DEG`] grid, polygon rings
/// turned counter-clockwise (holes clockwise) and started at their lowest vertex, so a
/// shapefile's clockwise copy of a polygon is the same polygon.
fn geometry_text(g: &Geometry<f64>) -> String {
    let g = g.map_coords(|c| Coord {
        x: (c.x / SAME_COORDINATE_DEG).round() * SAME_COORDINATE_DEG,
        y: (c.y / SAME_COORDINATE_DEG).round() * SAME_COORDINATE_DEG,
    });
    fn ring(ls: &LineString<f64>) -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = ls.0.iter().map(|c| (c.x, c.y)).collect();
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if let Some(start) = (0..pts.len()).min_by(|&a, &b| pts[a].partial_cmp(&pts[b]).unwrap_or(Ordering::Equal)) {
            pts.rotate_left(start);
        }
        pts
    }
    fn polygon(p: &Polygon<f64>) -> String {
        let p = p.orient(Direction::Default);
        let mut rings = vec![ring(p.exterior())];
        rings.extend(p.interiors().iter().map(ring));
        format!("{rings:?}")
    }
    match &g {
        Geometry::Polygon(p) => polygon(p),
        Geometry::MultiPolygon(mp) => mp.0.iter().map(polygon).collect::<Vec<_>>().join(";"),
        other => format!("{other:?}"),
    }
}

/// Ids 1, 2, 3… (or 0, 1, 2…) in file order are row numbers, not names.
fn ids_are_row_numbers(features: &[Feature]) -> bool {
    let numbered = |base: usize| {
        features.iter().enumerate().all(|(i, f)| f.id.as_deref() == Some((i + base).to_string().as_str()))
    };
    !features.is_empty() && (numbered(0) || numbered(1))
}

/// A value as compared: numbers as f64 text (so 2 and 2.0 agree), the rest as JSON.
fn normal_value(v: &Value) -> String {
    match v {
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |x| format!("{x}")),
        other => other.to_string(),
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    normal_value(a) == normal_value(b)
}

/// A key value as text (numbers as numbers, so 7 and 7.0 match).
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_owned()),
        other => Some(normal_value(other)),
    }
}

/// Pair the features left on both sides whose `key` agrees, in file order where several share it.
fn pair_by(
    old: &[Feature],
    new: &[Feature],
    old_left: &mut [bool],
    new_left: &mut [bool],
    key: impl Fn(&Feature) -> Option<String>,
    how: MatchedBy,
) -> Vec<(usize, usize, MatchedBy)> {
    let mut by_key: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, f) in old.iter().enumerate().filter(|(i, _)| old_left[*i]) {
        if let Some(k) = key(f) {
            by_key.entry(k).or_default().push_back(i);
        }
    }
    let mut out = Vec::new();
    for (j, f) in new.iter().enumerate() {
        if !new_left[j] {
            continue;
        }
        if let Some(i) = key(f).and_then(|k| by_key.get_mut(&k).and_then(VecDeque::pop_front)) {
            old_left[i] = false;
            new_left[j] = false;
            out.push((i, j, how));
        }
    }
    out
}

/// Pair what is left by geometry: the same shape first, then the best-scoring candidates, each
/// feature once.
fn pair_by_geometry(
    old: &[Feature],
    new: &[Feature],
    old_left: &mut [bool],
    new_left: &mut [bool],
) -> Vec<(usize, usize, MatchedBy)> {
    let mut out =
        pair_by(old, new, old_left, new_left, |f| f.geometry.as_ref().map(geometry_text), MatchedBy::Geometry);
    // Candidates: the pairs left whose boxes meet (points: within the match distance), scored 0–1.
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = old
        .iter()
        .enumerate()
        .filter(|(i, _)| old_left[*i])
        .filter_map(|(i, f)| f.bbox.map(|b| GeomWithData::new(Rectangle::from_corners(grow(b, 0), grow(b, 1)), i)))
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (j, nf) in new.iter().enumerate().filter(|(j, _)| new_left[*j]) {
        let Some(b) = nf.bbox else { continue };
        for hit in tree.locate_in_envelope_intersecting(&AABB::from_corners(grow(b, 0), grow(b, 1))) {
            if let Some(score) = similarity(&old[hit.data], nf) {
                candidates.push((score, hit.data, j));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
    for (_, i, j) in candidates {
        if old_left[i] && new_left[j] {
            old_left[i] = false;
            new_left[j] = false;
            out.push((i, j, MatchedBy::Geometry));
        }
    }
    out
}

/// How alike two geometries are (None: not the same feature): polygons by shared area over the
/// union, points by nearness, lines by overlap of their boxes.
fn similarity(a: &Feature, b: &Feature) -> Option<f64> {
    let (ga, gb) = (a.geometry.as_ref()?, b.geometry.as_ref()?);
    if a.kind() != b.kind() {
        return None;
    }
    let (ba, bb) = (a.bbox?, b.bbox?);
    match a.kind() {
        GeometryKind::Point => {
            let d = distance_m([ba[0], ba[1]], [bb[0], bb[1]]);
            (d <= POINT_MATCH_M).then(|| 1.0 - d / POINT_MATCH_M)
        }
        _ if !boxes_touch(ba, bb) => None,
        GeometryKind::Polygon => {
            let (pa, pb) = (as_multipolygon(ga)?, as_multipolygon(gb)?);
            let shared = multipolygon_area_m2(&pa.intersection(&pb));
            let union = multipolygon_area_m2(&pa.union(&pb));
            let share = if union > 0.0 { shared / union } else { 0.0 };
            (share >= POLYGON_MATCH_SHARE).then_some(share)
        }
        _ => {
            let share = box_overlap(ba, bb);
            (share >= POLYGON_MATCH_SHARE).then_some(share)
        }
    }
}

/// A corner of a box grown by half the point match distance (in degrees, generously: 1° of
/// latitude is 111 km, of longitude at Kuiwen's 36.7° N about 89 km), so points that may match
/// meet in the index.
fn grow(b: [f64; 4], corner: usize) -> [f64; 2] {
    let pad = POINT_MATCH_M / 80_000.0;
    if corner == 0 { [b[0] - pad, b[1] - pad] } else { [b[2] + pad, b[3] + pad] }
}

fn boxes_touch(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Shared part of two boxes over their union (in degrees², enough to rank nearby lines).
fn box_overlap(a: [f64; 4], b: [f64; 4]) -> f64 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let shared = w * h;
    let area = |r: [f64; 4]| (r[2] - r[0]).max(1e-12) * (r[3] - r[1]).max(1e-12);
    let union = area(a) + area(b) - shared;
    if union > 0.0 { shared / union } else { 0.0 }
}

/// Properties whose values differ, with both values (null where one side has none).
fn property_changes(old: &Feature, new: &Feature) -> BTreeMap<String, [Value; 2]> {
    let mut out = BTreeMap::new();
    for (k, v) in old.properties.iter() {
        match new.properties.get(k) {
            Some(n) if values_equal(v, n) => {}
            Some(n) => {
                out.insert(k.clone(), [v.clone(), n.clone()]);
            }
            None => {
                out.insert(k.clone(), [v.clone(), Value::Null]);
            }
        }
    }
    for (k, n) in new.properties.iter() {
        if old.properties.get(k).is_none() {
            out.insert(k.clone(), [Value::Null, n.clone()]);
        }
    }
    out
}

fn polygon_area_m2(g: &Geometry<f64>) -> f64 {
    if matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) { area_m2(g) } else { 0.0 }
}

/// Whether the geometry changed, how far its centre moved (m), and the area change (m²).
fn geometry_change(old: &Feature, new: &Feature) -> (bool, f64, f64) {
    match (&old.geometry, &new.geometry) {
        (Some(a), Some(b)) if a == b || geometry_text(a) == geometry_text(b) => (false, 0.0, 0.0),
        (Some(a), Some(b)) => {
            let moved_m = match (a.centroid(), b.centroid()) {
                (Some(ca), Some(cb)) => distance_m([ca.x(), ca.y()], [cb.x(), cb.y()]),
                _ => 0.0,
            };
            (true, moved_m, polygon_area_m2(b) - polygon_area_m2(a))
        }
        (None, None) => (false, 0.0, 0.0),
        (a, b) => (true, 0.0, b.as_ref().map_or(0.0, polygon_area_m2) - a.as_ref().map_or(0.0, polygon_area_m2)),
    }
}

/// The name a feature has in the report: the key field's value, else its id (when ids are more
/// than row numbers), else its name, else its row.
fn report_name(f: &Feature, index: usize, key: Option<&str>, use_ids: bool) -> String {
    key.and_then(|k| f.properties.get(k).and_then(value_text))
        .or_else(|| f.id.clone().filter(|s| use_ids && !s.is_empty()))
        .or_else(|| f.name().map(str::to_owned))
        .unwrap_or_else(|| format!("#{}", index + 1))
}

/// An area change in m² and 亩, signed, for reports.
pub fn area_change_text(area_change_m2: f64, english: bool) -> String {
    let mu = area_change_m2 / M2_PER_MU;
    if english {
        format!("{area_change_m2:+.0} m² ({mu:+.1} mu)")
    } else {
        format!("{area_change_m2:+.0} 平方米（{mu:+.1} 亩）")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn parcel(dx_deg: f64) -> Feature {
        let (x, y) = (119.1 + dx_deg, 36.7);
        let shape = polygon![(x: x, y: y), (x: x + 0.001, y: y), (x: x + 0.001, y: y + 0.001), (x: x, y: y + 0.001)];
        Feature::new(Some("A-01".into()), Some(Geometry::Polygon(shape)), serde_json::Map::new())
    }

    #[test]
    fn the_last_bits_of_a_double_are_not_a_modification_but_a_centimetre_is() {
        let old = [parcel(0.0)];
        // What the Windows build writes for the same shapefile: 1–2 ulp off.
        let noise = compare(&old, &[parcel(7.1e-15)], None);
        assert!(noise.is_empty(), "{:?}", noise.modified.first().map(|m| m.moved_m));
        // 1e-7 degrees is about 9 mm here: a real, if tiny, edit.
        let edit = compare(&old, &[parcel(1e-7)], None);
        assert_eq!(edit.modified.len(), 1);
        assert!((edit.modified[0].moved_m - 0.0089).abs() < 0.001, "{}", edit.modified[0].moved_m);
    }
}
