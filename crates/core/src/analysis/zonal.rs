//! Statistics by area units (区域统计): for each 街道, 社区, 网格 or any polygon layer, how many
//! features of another layer lie in it, their length or area inside it (cut exactly at its
//! edges), and the sums and means of their numeric fields.
//!
//! A feature cut by a unit edge counts in every unit it reaches, and its numbers are shared out
//! by the part inside: by area for polygons, by length for lines, by the number of points for
//! multi-points. So a building half in one grid gives each grid half its floor area, and the
//! units' sums add up to the layer's total.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};
use thiserror::Error;

use super::coverage::push_csv_row;
use super::overlay::{OverlayError, UnitIndex};
use super::stats::{is_additive_key, is_identifier_key};
use crate::Bilingual;
use crate::i18n::io_error_zh;
use crate::model::{Classification, Feature, GeometryKind, Layer, LayerOrigin, Rgba, Style};

/// What can go wrong in statistics by units.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ZonalError {
    /// The units layer has no polygons.
    #[error(transparent)]
    Units(#[from] OverlayError),
    /// The field asked for is not a number in any feature.
    #[error("field \"{field}\" has no numbers in the layer")]
    NotNumeric {
        /// The field.
        field: String,
    },
    /// The table could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

impl Bilingual for ZonalError {
    fn zh(&self) -> String {
        match self {
            ZonalError::Units(e) => e.zh(),
            ZonalError::NotNumeric { field } => format!("字段「{field}」在统计图层中没有数值"),
            ZonalError::Write { path, source } => format!("无法写入 {path}：{}", io_error_zh(source)),
        }
    }
}

/// One unit's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitRow {
    /// The unit's position in its layer.
    #[serde(skip)]
    pub unit: usize,
    /// The unit's name (or `#N`).
    pub name: String,
    /// Features that lie (at least partly) in the unit.
    pub count: usize,
    /// Geodesic length of lines inside the unit, m.
    pub length_m: f64,
    /// Geodesic area of polygons inside the unit, m².
    pub area_m2: f64,
    /// The unit's own geodesic area, m².
    pub unit_area_m2: f64,
    /// Sums of the additive numeric fields, shared out by the part inside.
    pub sums: BTreeMap<String, f64>,
    /// Means of every numeric field, each feature weighted by the part inside.
    pub means: BTreeMap<String, f64>,
}

/// The statistics of a layer by units.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ZonalTable {
    /// One row per unit polygon, in the units layer's order.
    pub units: Vec<UnitRow>,
    /// Features in no unit.
    pub outside: usize,
    /// The numeric fields summed or averaged, in first-seen order.
    pub fields: Vec<String>,
    /// Polygons that failed validation (used anyway, with the non-zero rule).
    pub invalid: Vec<super::overlay::InvalidFeature>,
}

#[derive(Default, Clone)]
struct Acc {
    count: usize,
    length_m: f64,
    area_m2: f64,
    weight: BTreeMap<usize, f64>,
    weighted: BTreeMap<usize, f64>,
}

/// The numeric fields of `features` worth a statistic (no identifiers, codes or years).
pub fn numeric_fields(features: &[Feature]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for f in features.iter().take(10_000) {
        for (k, v) in &f.properties {
            if v.is_number() && !is_identifier_key(k) && !keys.iter().any(|x| x == k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// Statistics of `features` by the polygons of `units`. `field`: only that numeric field (all
/// numeric fields when None).
pub fn zonal_stats(
    features: &[Feature],
    units: &[Feature],
    units_name: &str,
    field: Option<&str>,
) -> Result<ZonalTable, ZonalError> {
    let index = UnitIndex::new(units, units_name)?;
    let fields: Vec<String> = match field {
        Some(f) => {
            if !features.iter().any(|x| x.prop_f64(f).is_some_and(f64::is_finite)) {
                return Err(ZonalError::NotNumeric { field: f.to_owned() });
            }
            vec![f.to_owned()]
        }
        None => numeric_fields(features),
    };
    // Each thread adds up its own share of the features; the partial tables are merged after.
    let chunk = (features.len() / (rayon::current_num_threads() * 4)).max(1024);
    let partials: Vec<(BTreeMap<usize, Acc>, usize)> = features
        .par_chunks(chunk)
        .map(|part| {
            let mut acc: BTreeMap<usize, Acc> = BTreeMap::new();
            let mut outside = 0;
            for f in part {
                let Some(g) = f.geometry.as_ref() else { continue };
                let pieces = index.pieces(g, false);
                if pieces.is_empty() {
                    outside += 1;
                    continue;
                }
                let values: Vec<(usize, f64)> = fields
                    .iter()
                    .enumerate()
                    .filter_map(|(k, key)| f.prop_f64(key).filter(|x| x.is_finite()).map(|x| (k, x)))
                    .collect();
                for p in pieces {
                    let a = acc.entry(p.unit).or_default();
                    a.count += 1;
                    a.length_m += p.length_m;
                    a.area_m2 += p.area_m2;
                    for &(k, x) in &values {
                        *a.weight.entry(k).or_insert(0.0) += p.share;
                        *a.weighted.entry(k).or_insert(0.0) += p.share * x;
                    }
                }
            }
            (acc, outside)
        })
        .collect();
    let mut total: BTreeMap<usize, Acc> = BTreeMap::new();
    let mut outside = 0;
    for (part, out) in partials {
        outside += out;
        for (u, a) in part {
            let t = total.entry(u).or_default();
            t.count += a.count;
            t.length_m += a.length_m;
            t.area_m2 += a.area_m2;
            for (k, w) in a.weight {
                *t.weight.entry(k).or_insert(0.0) += w;
            }
            for (k, s) in a.weighted {
                *t.weighted.entry(k).or_insert(0.0) += s;
            }
        }
    }
    let rows = units
        .iter()
        .enumerate()
        .filter(|(i, _)| index.polygon(*i).is_some())
        .map(|(i, u)| {
            let a = total.remove(&i).unwrap_or_default();
            let mut sums = BTreeMap::new();
            let mut means = BTreeMap::new();
            for (k, key) in fields.iter().enumerate() {
                let s = a.weighted.get(&k).copied().unwrap_or(0.0);
                let w = a.weight.get(&k).copied().unwrap_or(0.0);
                if is_additive_key(key) {
                    sums.insert(key.clone(), s);
                }
                if w > 0.0 {
                    means.insert(key.clone(), s / w);
                }
            }
            UnitRow {
                unit: i,
                name: u.name().map(str::to_owned).unwrap_or_else(|| format!("#{}", i + 1)),
                count: a.count,
                length_m: a.length_m,
                area_m2: a.area_m2,
                unit_area_m2: index.area_m2(i),
                sums,
                means,
            }
        })
        .collect();
    Ok(ZonalTable { units: rows, outside, fields, invalid: index.invalid().to_vec() })
}

impl ZonalTable {
    /// The table as CSV in UTF-8 with a byte-order mark (Excel on Chinese Windows reads it):
    /// unit, count, length or area, unit area, density per km², then the sums and means.
    pub fn to_csv(&self, kind: GeometryKind, english: bool) -> String {
        let mut header: Vec<String> =
            if english { vec!["unit".into(), "count".into()] } else { vec!["单元".into(), "数量".into()] };
        match kind {
            GeometryKind::Line => header.push(if english { "length_m" } else { "长度(米)" }.into()),
            GeometryKind::Polygon => header.push(if english { "area_m2" } else { "面积(平方米)" }.into()),
            _ => {}
        }
        header.push(if english { "unit_area_m2" } else { "单元面积(平方米)" }.into());
        header.push(if english { "count_per_km2" } else { "密度(个/平方公里)" }.into());
        let sum_keys: Vec<&String> = self.fields.iter().filter(|k| is_additive_key(k)).collect();
        for k in &sum_keys {
            header.push(if english { format!("sum_{k}") } else { format!("{k}合计") });
        }
        for k in &self.fields {
            header.push(if english { format!("mean_{k}") } else { format!("{k}平均") });
        }
        let mut out = String::from('\u{feff}');
        push_csv_row(&mut out, &header);
        for r in &self.units {
            let mut cells = vec![r.name.clone(), r.count.to_string()];
            match kind {
                GeometryKind::Line => cells.push(format!("{:.1}", r.length_m)),
                GeometryKind::Polygon => cells.push(format!("{:.1}", r.area_m2)),
                _ => {}
            }
            cells.push(format!("{:.1}", r.unit_area_m2));
            cells.push(format!("{:.2}", r.density_per_km2()));
            for k in &sum_keys {
                cells.push(r.sums.get(*k).map(|v| trim_number(*v)).unwrap_or_default());
            }
            for k in &self.fields {
                cells.push(r.means.get(k).map(|v| trim_number(*v)).unwrap_or_default());
            }
            push_csv_row(&mut out, &cells);
        }
        out
    }

    /// Write the CSV atomically.
    pub fn write_csv(&self, path: &Path, kind: GeometryKind, english: bool) -> Result<(), ZonalError> {
        crate::io::atomic::write(path, self.to_csv(kind, english).as_bytes())
            .map_err(|source| ZonalError::Write { path: path.display().to_string(), source })
    }

    /// The units as a layer coloured by `colour_by` (`count`, `density_per_km2`, `area_m2`,
    /// `length_m` or `sum_<field>`): the choropleth (分级设色) of the statistics.
    pub fn to_layer(&self, units: &[Feature], key: &str, name_zh: &str, name_en: &str, colour_by: &str) -> Layer {
        let features: Vec<Feature> = self
            .units
            .iter()
            .filter_map(|r| {
                let u = units.get(r.unit)?;
                let mut props = Map::new();
                props.insert("name".into(), json!(r.name));
                props.insert("count".into(), json!(r.count));
                props.insert("density_per_km2".into(), json!((r.density_per_km2() * 100.0).round() / 100.0));
                if r.length_m > 0.0 {
                    props.insert("length_m".into(), json!(r.length_m.round()));
                }
                if r.area_m2 > 0.0 {
                    props.insert("area_m2".into(), json!(r.area_m2.round()));
                }
                for (k, v) in &r.sums {
                    props.insert(format!("sum_{k}"), json!(*v));
                }
                for (k, v) in &r.means {
                    props.insert(format!("mean_{k}"), json!(*v));
                }
                Some(Feature::new(None, u.geometry.clone(), props))
            })
            .collect();
        let style = Style {
            fill: Rgba::rgba(240, 120, 40, 170),
            stroke: Rgba::rgb(90, 90, 90),
            stroke_width_pt: 0.8,
            classification: Classification::graduated(&features, colour_by, 5),
            ..Style::default()
        };
        Layer::new(key, name_zh, name_en, LayerOrigin::Generated, features, style)
    }

    /// The JSON the `stats` command prints.
    pub fn to_json(&self, layer: &str, by: &str) -> Value {
        json!({
            "layer": layer,
            "by": by,
            "units": self.units,
            "outside": self.outside,
            "fields": self.fields,
            "invalid": self.invalid,
        })
    }
}

impl UnitRow {
    /// Features per km² of the unit.
    pub fn density_per_km2(&self) -> f64 {
        if self.unit_area_m2 > 0.0 { self.count as f64 / (self.unit_area_m2 / 1e6) } else { 0.0 }
    }
}

/// A number without trailing noise: integers as integers, others with up to four decimals.
fn trim_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, Point, Polygon, polygon};

    fn feature(g: Geometry<f64>, props: Value) -> Feature {
        let Value::Object(m) = props else { panic!("not an object") };
        Feature::new(None, Some(g), m)
    }

    fn square(x: f64, size: f64) -> Geometry<f64> {
        let p: Polygon<f64> =
            polygon![(x: x, y: 36.0), (x: x + size, y: 36.0), (x: x + size, y: 36.0 + size), (x: x, y: 36.0 + size)];
        p.into()
    }

    #[test]
    fn cut_polygons_share_their_numbers_by_area() {
        let units = vec![
            feature(square(119.0, 0.01), json!({"name": "西"})),
            feature(square(119.01, 0.01), json!({"name": "东"})),
        ];
        // A quarter in the west unit, three quarters in the east one.
        let b = vec![
            feature(square(119.0075, 0.01), json!({"households": 100, "floors": 6, "grid_no": 7})),
            feature(Geometry::Point(Point::new(119.002, 36.002)), json!({"households": 10})),
            feature(Geometry::Point(Point::new(120.0, 36.0)), json!({"households": 1})),
        ];
        let t = zonal_stats(&b, &units, "units", None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.outside, 1);
        assert_eq!(t.fields, vec!["floors".to_owned(), "households".to_owned()]);
        let (w, e) = (&t.units[0], &t.units[1]);
        assert_eq!((w.count, e.count), (2, 1));
        let hh_w = w.sums.get("households").copied().unwrap_or(f64::NAN);
        let hh_e = e.sums.get("households").copied().unwrap_or(f64::NAN);
        assert!((hh_w - 35.0).abs() < 0.1, "{hh_w}");
        assert!((hh_e - 75.0).abs() < 0.1, "{hh_e}");
        // Floors are averaged (weighted), never shared out.
        assert_eq!(e.means.get("floors").map(|v| (v * 1e6).round() / 1e6), Some(6.0));
        let csv = t.to_csv(GeometryKind::Polygon, false);
        assert!(csv.starts_with("\u{feff}单元,数量,面积(平方米)"), "{csv}");
    }

    #[test]
    fn a_field_without_numbers_is_refused() {
        let units = vec![feature(square(119.0, 0.01), json!({"name": "西"}))];
        let b = vec![feature(Geometry::Point(Point::new(119.002, 36.002)), json!({"use": "住宅"}))];
        let err = zonal_stats(&b, &units, "units", Some("use")).err();
        assert!(err.as_ref().is_some_and(|e| e.zh().contains("「use」") && e.zh().contains("没有数值")), "{err:?}");
        assert!(err.is_some_and(|e| e.to_string() == "field \"use\" has no numbers in the layer"));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let units = vec![feature(Geometry::Point(Point::new(119.0, 36.0)), json!({"name": "点"}))];
        let e = zonal_stats(&[], &units, "网格", None).err();
        assert!(e.as_ref().is_some_and(|e| e.zh() == OverlayError::NoPolygons { layer: "网格".into() }.zh()), "{e:?}");
        assert!(e.as_ref().is_some_and(|e| e.zh().contains("「网格」") && e.zh().contains("面要素")), "{e:?}");
        assert!(e.is_some_and(|e| e.en() == e.to_string() && e.en().contains("\"网格\" has no polygons")));
        let source = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let e = ZonalError::Write { path: "统计.csv".into(), source };
        let why = io_error_zh(&std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(e.zh(), format!("无法写入 统计.csv：{why}"));
        assert_eq!(e.message(true), e.to_string());
    }
}
