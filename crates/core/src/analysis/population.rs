//! Population coverage of the 15-minute life circle (生活圈人口覆盖率): for each facility type of
//! the GB 50180-2018 checklist, the share of households within a 5-, 10- and 15-minute walk, for
//! the district and per 街道, against a target the planner sets (Shanghai's 2035 master plan aims
//! at 99% for its community life circles).
//!
//! Where the households are: each community's `households` spread evenly over its area, as points
//! on a lattice every [`DEFAULT_SPACING_M`] metres inside it (a community too small for the
//! lattice keeps its households at its interior point). The distance from each point to the
//! nearest facility of a type is walked along the street network (one walk from all the type's
//! facilities at once, [`WalkNetwork::reach_many`]), or measured in a straight line without one.

use std::collections::BTreeMap;

use geo::{BoundingRect, Contains, InteriorPoint, Point};
use serde::Serialize;
use thiserror::Error;

use super::life_circle::{CHECKLIST, FacilityIndex, Level};
use super::network::{WalkNetwork, local_scale};
use crate::model::{Feature, GeometryKind};

/// The lattice spacing, metres: 50 m is a block's depth, fine enough that the shares move by
/// well under a percentage point when it is halved (see the tests).
pub const DEFAULT_SPACING_M: f64 = 50.0;

/// What can go wrong.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum PopulationError {
    /// No area has households.
    #[error("no polygons with households")]
    NoHouseholds,
    /// The target is not a percentage.
    #[error("the target {target_pct}% must be between 0 and 100")]
    BadTarget {
        /// The target given.
        target_pct: f64,
    },
}

impl crate::Bilingual for PopulationError {
    fn zh(&self) -> String {
        match self {
            PopulationError::NoHouseholds => "没有带户数（households）的面要素".to_owned(),
            PopulationError::BadTarget { target_pct } => format!("目标覆盖率 {target_pct}% 无效，须在 0–100 之间"),
        }
    }
}

/// Households at a place.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Where (lon/lat).
    pub at: [f64; 2],
    /// How many households stand for it.
    pub households: f64,
    /// Its 街道 (the area's `subdistrict`, else its name).
    pub subdistrict: String,
}

/// Spread the `households` of each polygon over it as lattice points `spacing_m` apart.
pub fn samples(areas: &[Feature], spacing_m: f64) -> Vec<Sample> {
    let mut out = Vec::new();
    for f in areas {
        let (Some(g), Some(h)) = (f.geometry.as_ref(), f.prop_f64("households")) else { continue };
        if f.kind() != GeometryKind::Polygon || !(h.is_finite() && h > 0.0) {
            continue;
        }
        let Some(r) = g.bounding_rect() else { continue };
        let subdistrict = f.prop_str("subdistrict").or(f.name()).unwrap_or("—").to_owned();
        let (kx, ky) = local_scale((r.min().y + r.max().y) / 2.0);
        let (dx, dy) = (spacing_m / kx, spacing_m / ky);
        let mut points = Vec::new();
        // Cell centres, so a lattice never sits on the polygon's edge.
        let mut y = r.min().y + dy / 2.0;
        while y < r.max().y {
            let mut x = r.min().x + dx / 2.0;
            while x < r.max().x {
                if g.contains(&Point::new(x, y)) {
                    points.push([x, y]);
                }
                x += dx;
            }
            y += dy;
        }
        if points.is_empty()
            && let Some(p) = g.interior_point()
        {
            points.push([p.x(), p.y()]);
        }
        let each = h / points.len().max(1) as f64;
        out.extend(points.into_iter().map(|at| Sample { at, households: each, subdistrict: subdistrict.clone() }));
    }
    out
}

/// Households within each of the three walks, and in all.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Shares {
    /// Households in all.
    pub households: f64,
    /// Households within the 5-, 10- and 15-minute distances.
    pub within: [f64; 3],
}

impl Shares {
    /// The share (0–100%) within level `i` (0: 5 minutes, 1: 10, 2: 15).
    pub fn pct(&self, i: usize) -> f64 {
        if self.households > 0.0 { 100.0 * self.within.get(i).copied().unwrap_or(0.0) / self.households } else { 0.0 }
    }
}

/// One facility type's coverage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ItemCoverage {
    /// The category key (`kindergarten`…).
    pub category: &'static str,
    /// Its Chinese name.
    pub name_zh: &'static str,
    /// Its English name.
    pub name_en: &'static str,
    /// The level of GB 50180-2018 that asks for it (5, 10 or 15 minutes).
    pub level_minutes: u32,
    /// For the whole district.
    pub district: Shares,
    /// Per 街道, by name.
    pub by_subdistrict: BTreeMap<String, Shares>,
}

impl ItemCoverage {
    /// The share within its own level's distance (the figure compared with the target).
    pub fn own_level_pct(&self) -> f64 {
        self.district.pct(level_index(self.level_minutes))
    }
}

fn level_index(minutes: u32) -> usize {
    match minutes {
        5 => 0,
        10 => 1,
        _ => 2,
    }
}

/// The coverage of every checklist item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PopulationCoverage {
    /// The 5-, 10- and 15-minute distances, metres.
    pub radii_m: [f64; 3],
    /// The target share, per cent.
    pub target_pct: f64,
    /// Walked along the streets (else straight line).
    pub walking: bool,
    /// Lattice spacing, metres.
    pub spacing_m: f64,
    /// Households in all.
    pub households: f64,
    /// One row per checklist item, in checklist order.
    pub items: Vec<ItemCoverage>,
}

impl PopulationCoverage {
    /// The items whose share within their own level's distance is below the target.
    pub fn below_target(&self) -> Vec<&ItemCoverage> {
        self.items.iter().filter(|i| i.own_level_pct() < self.target_pct).collect()
    }
}

/// The coverage of households (`areas` with `households`) by each checklist facility type.
pub fn population_coverage(
    areas: &[Feature],
    facilities: &FacilityIndex,
    network: Option<&WalkNetwork>,
    radii_m: [f64; 3],
    target_pct: f64,
    spacing_m: f64,
) -> Result<PopulationCoverage, PopulationError> {
    if !(0.0..=100.0).contains(&target_pct) {
        return Err(PopulationError::BadTarget { target_pct });
    }
    let samples = samples(areas, spacing_m);
    if samples.is_empty() {
        return Err(PopulationError::NoHouseholds);
    }
    let snaps: Vec<_> = network.map(|n| samples.iter().map(|s| n.snap(s.at)).collect()).unwrap_or_default();
    let max_m = radii_m.iter().copied().fold(0.0, f64::max);
    let mut items = Vec::new();
    for item in &CHECKLIST {
        let cat = facilities.category_index(item.category);
        // The distance from every sample to the nearest facility of this type (None: farther
        // than the 15-minute distance, or no such facility).
        let distances: Vec<Option<f64>> = match (network, cat) {
            (_, None) => vec![None; samples.len()],
            (Some(net), Some(c)) => {
                let starts: Vec<_> = facilities
                    .facilities()
                    .iter()
                    .filter(|f| f.category == c)
                    .filter_map(|f| net.snap(f.lon_lat))
                    .collect();
                match net.reach_many(&starts, max_m) {
                    Ok(reach) => snaps.iter().map(|s| s.as_ref().and_then(|s| reach.distance_to(net, s))).collect(),
                    Err(_) => vec![None; samples.len()],
                }
            }
            (None, Some(c)) => samples.iter().map(|s| facilities.nearest(c, s.at).map(|(_, d)| d)).collect(),
        };
        let mut district = Shares::default();
        let mut by_subdistrict: BTreeMap<String, Shares> = BTreeMap::new();
        for (s, d) in samples.iter().zip(&distances) {
            let sub = by_subdistrict.entry(s.subdistrict.clone()).or_default();
            district.households += s.households;
            sub.households += s.households;
            for (k, r) in radii_m.iter().enumerate() {
                if d.is_some_and(|d| d <= *r) {
                    district.within[k] += s.households;
                    sub.within[k] += s.households;
                }
            }
        }
        items.push(ItemCoverage {
            category: item.category,
            name_zh: item.name_zh,
            name_en: item.name_en,
            level_minutes: match item.level {
                Level::Min5 => 5,
                Level::Min10 => 10,
                Level::Min15 => 15,
            },
            district,
            by_subdistrict,
        });
    }
    let households = samples.iter().map(|s| s.households).sum();
    Ok(PopulationCoverage { radii_m, target_pct, walking: network.is_some(), spacing_m, households, items })
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, polygon};
    use serde_json::{Map, json};

    #[test]
    fn households_are_spread_over_the_area_and_add_up() {
        let sq: Geometry<f64> =
            polygon![(x: 119.15, y: 36.70), (x: 119.16, y: 36.70), (x: 119.16, y: 36.71), (x: 119.15, y: 36.71)].into();
        let mut props = Map::new();
        props.insert("households".into(), json!(1000));
        props.insert("subdistrict".into(), json!("东关街道"));
        let s = samples(&[Feature::new(None, Some(sq), props)], 100.0);
        // About 890 m × 1110 m: 9 × 11 cells.
        assert!((90..=110).contains(&s.len()), "{}", s.len());
        let total: f64 = s.iter().map(|x| x.households).sum();
        assert!((total - 1000.0).abs() < 1e-6);
        assert!(s.iter().all(|x| x.subdistrict == "东关街道"));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        use crate::Bilingual;
        let e = PopulationError::BadTarget { target_pct: 120.0 };
        assert!(e.zh().contains("120%") && e.zh().contains("目标覆盖率") && e.zh().contains("0–100"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert_eq!(e.en(), "the target 120% must be between 0 and 100");
        assert!(
            PopulationError::NoHouseholds.zh().contains("户数")
                && PopulationError::NoHouseholds.zh().contains("households")
        );
    }
}
