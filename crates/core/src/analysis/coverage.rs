//! Coverage: for every community (or grid), which checklist items lie within its own 15 minutes.
//!
//! Each area is measured from its representative point (geo's `InteriorPoint`, always inside even
//! for a U-shaped polygon, unlike a centroid). An item is met when a facility of its category is
//! within the 15-minute distance (1000 m by default): the straight-line test, and, with a
//! network, the walking test along the streets. The 15-minute level needs every item of every
//! level (GB 50180-2018: each level also has the facilities of the levels below), so all twelve
//! items are checked at the 15-minute distance. The table exports as CSV in UTF-8 with a byte-order
//! mark, which is what makes Excel on Chinese Windows read the names correctly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::InteriorPoint;
use serde::Serialize;
use thiserror::Error;

use crate::analysis::life_circle::{CHECKLIST, ChecklistItem, FacilityIndex, NetworkContext};
use crate::model::Layer;

/// What can go wrong with coverage.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CoverageError {
    /// The CSV file could not be written.
    #[error("cannot write the coverage table to {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The radius is not a positive number of metres.
    #[error("the 15-minute distance {radius_m} m must be a positive number")]
    BadRadius {
        /// The radius given.
        radius_m: f64,
    },
}

impl crate::Bilingual for CoverageError {
    fn zh(&self) -> String {
        match self {
            CoverageError::Write { path, source } => {
                format!("无法写入覆盖统计表 {}：{}", path.display(), crate::i18n::io_error_zh(source))
            }
            CoverageError::BadRadius { radius_m } => format!("15分钟生活圈距离 {radius_m} 米无效，须为正数"),
        }
    }
}

/// Which areas are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
pub enum CoverageUnit {
    /// The 65 communities (社区).
    #[default]
    Communities,
    /// The 413 grids (二级网格).
    Grids,
}

impl CoverageUnit {
    /// The layer key of the embedded data.
    pub fn layer_key(self) -> &'static str {
        match self {
            CoverageUnit::Communities => "communities",
            CoverageUnit::Grids => "grids",
        }
    }

    /// The unit's plural name as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            CoverageUnit::Communities => ("社区", "communities"),
            CoverageUnit::Grids => ("网格", "grids"),
        }
    }
}

/// One item for one area.
#[derive(Clone, Debug, Serialize)]
pub struct ItemCoverage {
    /// The facility category.
    pub category: &'static str,
    /// Straight-line metres to the nearest one (null if the layer has none).
    pub nearest_m: Option<f64>,
    /// Within the distance in a straight line.
    pub present: bool,
    /// Within the distance along the network (null without a network).
    pub network_present: Option<bool>,
}

/// One area's coverage.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageRow {
    /// Feature index in its layer.
    pub feature: usize,
    /// Its name.
    pub name: String,
    /// Its subdistrict (街道).
    pub subdistrict: Option<String>,
    /// Its community (grids only).
    pub community: Option<String>,
    /// Households (communities).
    pub households: Option<f64>,
    /// The representative point it is measured from, `[lon, lat]`.
    pub at: [f64; 2],
    /// One entry per checklist item, checklist order.
    pub items: Vec<ItemCoverage>,
}

impl CoverageRow {
    /// Items met in a straight line.
    pub fn met(&self) -> usize {
        self.items.iter().filter(|i| i.present).count()
    }

    /// Items met along the network (None without a network).
    pub fn network_met(&self) -> Option<usize> {
        self.items.iter().map(|i| i.network_present.map(usize::from)).sum()
    }

    /// Share of the checklist met (0–1), straight line or network.
    pub fn share(&self, network: bool) -> f64 {
        let n = if network { self.network_met().unwrap_or(0) } else { self.met() };
        n as f64 / self.items.len().max(1) as f64
    }

    /// Categories missing in a straight line.
    pub fn missing(&self) -> Vec<&'static str> {
        self.items.iter().filter(|i| !i.present).map(|i| i.category).collect()
    }

    /// Categories missing along the network.
    pub fn network_missing(&self) -> Option<Vec<&'static str>> {
        self.items
            .iter()
            .map(|i| i.network_present.map(|p| (!p).then_some(i.category)))
            .collect::<Option<Vec<_>>>()
            .map(|v| v.into_iter().flatten().collect())
    }
}

/// Counts of areas with one item.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct CategoryCount {
    /// Areas with it within the distance in a straight line.
    pub straight: usize,
    /// Along the network.
    pub network: Option<usize>,
}

/// The summary over all areas.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageSummary {
    /// Number of areas.
    pub total: usize,
    /// The 15-minute distance, metres.
    pub radius_m: f64,
    /// Areas that meet the whole checklist in a straight line.
    pub meets_15min: usize,
    /// Areas that meet it along the network.
    pub network_meets_15min: Option<usize>,
    /// Areas with each item, by category.
    pub by_category: BTreeMap<&'static str, CategoryCount>,
    /// Households in areas that meet the whole checklist (straight line).
    pub households_meeting: f64,
    /// Households in all areas.
    pub households_total: f64,
}

/// The coverage of every area of a layer.
#[derive(Clone, Debug, Serialize)]
pub struct CoverageReport {
    /// Communities or grids.
    pub unit: CoverageUnit,
    /// One row per polygon feature, layer order.
    pub rows: Vec<CoverageRow>,
    /// Totals.
    pub summary: CoverageSummary,
}

/// Measure every polygon of `areas` (communities or grids) against the checklist within
/// `radius_m`, in a straight line and, given a network, along it.
pub fn compute(
    areas: &Layer,
    unit: CoverageUnit,
    facilities: &FacilityIndex,
    radius_m: f64,
    network: Option<NetworkContext<'_>>,
) -> Result<CoverageReport, CoverageError> {
    if !(radius_m.is_finite() && radius_m > 0.0) {
        return Err(CoverageError::BadRadius { radius_m });
    }
    let cats: Vec<Option<usize>> = CHECKLIST.iter().map(|i| facilities.category_index(i.category)).collect();
    let mut rows = Vec::new();
    for (fi, f) in areas.features.iter().enumerate() {
        let Some(p) = f.geometry.as_ref().and_then(|g| g.interior_point()) else { continue };
        if !matches!(f.kind(), crate::model::GeometryKind::Polygon) {
            continue;
        }
        let at = [p.x(), p.y()];
        let reach = network.and_then(|n| n.network.reach(at, radius_m).ok());
        let items = CHECKLIST
            .iter()
            .zip(&cats)
            .map(|(item, cat)| {
                let nearest = cat.and_then(|c| facilities.nearest(c, at));
                let present = nearest.is_some_and(|(_, d)| d <= radius_m);
                let network_present = match (network, &reach) {
                    (Some(n), Some(r)) => Some(
                        // A walk is never shorter than the straight line, so only facilities
                        // inside the circle can be within walking distance.
                        present
                            && cat.is_some_and(|c| {
                                facilities
                                    .within_category(c, at, radius_m)
                                    .iter()
                                    .any(|&(i, _)| n.facility_distance_m(r, i).is_some_and(|d| d <= radius_m))
                            }),
                    ),
                    (Some(_), None) => Some(false),
                    (None, _) => None,
                };
                ItemCoverage {
                    category: item.category,
                    nearest_m: nearest.map(|(_, d)| (d * 10.0).round() / 10.0),
                    present,
                    network_present,
                }
            })
            .collect();
        rows.push(CoverageRow {
            feature: fi,
            name: f.name().unwrap_or_default().to_owned(),
            subdistrict: f.prop_str("subdistrict").map(str::to_owned),
            community: f.prop_str("community").map(str::to_owned),
            households: f.prop_f64("households"),
            at,
            items,
        });
    }
    let summary = summarize(&rows, radius_m, network.is_some());
    Ok(CoverageReport { unit, rows, summary })
}

fn summarize(rows: &[CoverageRow], radius_m: f64, with_network: bool) -> CoverageSummary {
    let all = CHECKLIST.len();
    let by_category = CHECKLIST
        .iter()
        .enumerate()
        .map(|(k, item)| {
            let straight = rows.iter().filter(|r| r.items[k].present).count();
            let network =
                with_network.then(|| rows.iter().filter(|r| r.items[k].network_present == Some(true)).count());
            (item.category, CategoryCount { straight, network })
        })
        .collect();
    CoverageSummary {
        total: rows.len(),
        radius_m,
        meets_15min: rows.iter().filter(|r| r.met() == all).count(),
        network_meets_15min: with_network.then(|| rows.iter().filter(|r| r.network_met() == Some(all)).count()),
        by_category,
        households_meeting: rows.iter().filter(|r| r.met() == all).filter_map(|r| r.households).sum(),
        households_total: rows.iter().filter_map(|r| r.households).sum(),
    }
}

impl CoverageReport {
    /// One sentence per checklist item, e.g. "41 of 65 communities have a junior middle school
    /// within 1000 m", plus the whole-checklist line first.
    pub fn summary_lines(&self, english: bool) -> Vec<String> {
        let s = &self.summary;
        let (unit_zh, unit_en) = self.unit.label();
        let r = s.radius_m;
        let net = |n: Option<usize>| match n {
            Some(n) if english => format!(" (walking: {n})"),
            Some(n) => format!("（沿路网步行：{n}）"),
            None => String::new(),
        };
        let mut out = Vec::new();
        out.push(if english {
            format!(
                "{} of {} {unit_en} meet the whole 15-minute checklist within {r:.0} m{}",
                s.meets_15min,
                s.total,
                net(s.network_meets_15min)
            )
        } else {
            format!(
                "{} 个{unit_zh}中有 {} 个在 {r:.0} 米内满足十五分钟生活圈全部配套{}",
                s.total,
                s.meets_15min,
                net(s.network_meets_15min)
            )
        });
        for item in &CHECKLIST {
            let Some(c) = s.by_category.get(item.category) else { continue };
            out.push(category_sentence(item, c, s.total, r, self.unit, english));
        }
        out
    }

    /// The table as CSV text, starting with a UTF-8 byte-order mark.
    pub fn to_csv(&self, english: bool) -> String {
        let mut out = String::from('\u{feff}');
        let mut header: Vec<String> = if english {
            ["name", "subdistrict", "community", "households", "lon", "lat", "items_met", "items_total", "meets_15min"]
                .map(str::to_owned)
                .to_vec()
        } else {
            ["名称", "街道", "社区", "户数", "经度", "纬度", "满足项数", "总项数", "满足十五分钟生活圈"]
                .map(str::to_owned)
                .to_vec()
        };
        let with_network = self.summary.network_meets_15min.is_some();
        if with_network {
            header.push(if english { "network_items_met" } else { "路网满足项数" }.to_owned());
        }
        header.push(if english { "missing" } else { "缺项" }.to_owned());
        for item in &CHECKLIST {
            header.push(if english {
                format!("{}_nearest_m", item.category)
            } else {
                format!("{}最近距离(米)", item.name_zh)
            });
        }
        push_csv_row(&mut out, &header);
        for r in &self.rows {
            let yes_no = |b: bool| {
                if english {
                    if b { "yes" } else { "no" }
                } else if b {
                    "是"
                } else {
                    "否"
                }
            };
            let mut cells = vec![
                r.name.clone(),
                r.subdistrict.clone().unwrap_or_default(),
                r.community.clone().unwrap_or_default(),
                r.households.map(|h| format!("{h:.0}")).unwrap_or_default(),
                format!("{:.6}", r.at[0]),
                format!("{:.6}", r.at[1]),
                r.met().to_string(),
                r.items.len().to_string(),
                yes_no(r.met() == r.items.len()).to_owned(),
            ];
            if with_network {
                cells.push(r.network_met().map(|n| n.to_string()).unwrap_or_default());
            }
            let missing: Vec<String> =
                r.missing().iter().map(|c| crate::analysis::life_circle::category_name(c, english)).collect();
            cells.push(missing.join(if english { "; " } else { "、" }));
            for i in &r.items {
                cells.push(i.nearest_m.map(|d| format!("{d:.0}")).unwrap_or_default());
            }
            push_csv_row(&mut out, &cells);
        }
        out
    }

    /// Write [`Self::to_csv`] to a file.
    pub fn write_csv(&self, path: &Path, english: bool) -> Result<(), CoverageError> {
        std::fs::write(path, self.to_csv(english))
            .map_err(|source| CoverageError::Write { path: path.to_owned(), source })
    }
}

fn category_sentence(
    item: &ChecklistItem,
    c: &CategoryCount,
    total: usize,
    r: f64,
    unit: CoverageUnit,
    english: bool,
) -> String {
    let (unit_zh, unit_en) = unit.label();
    if english {
        let article = if item.name_en.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
        let walk = c.network.map(|n| format!(" ({n} on foot along the streets)")).unwrap_or_default();
        format!(
            "{} of {total} {unit_en} have {article} {} within {r:.0} m{walk}",
            c.straight,
            item.name_en.to_lowercase()
        )
    } else {
        let walk = c.network.map(|n| format!("（沿路网步行 {n} 个）")).unwrap_or_default();
        format!("{total} 个{unit_zh}中有 {} 个在 {r:.0} 米内有{}{walk}", c.straight, item.name_zh)
    }
}

/// Append one CSV record (RFC 4180 quoting, CRLF line end as Excel writes it).
pub fn push_csv_row(out: &mut String, cells: &[String]) {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| if c.contains([',', '"', '\n', '\r']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.clone() })
        .collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_fields_with_commas_and_quotes() {
        let mut s = String::new();
        push_csv_row(&mut s, &["a".into(), "b,c".into(), "say \"hi\"".into()]);
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\"\r\n");
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        use crate::Bilingual;
        let e = CoverageError::BadRadius { radius_m: -1000.0 };
        assert!(e.zh().contains("-1000 米") && e.zh().contains("15分钟生活圈"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let source = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let e = CoverageError::Write { path: PathBuf::from("覆盖.csv"), source };
        let why = crate::i18n::io_error_zh(&std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(e.zh(), format!("无法写入覆盖统计表 覆盖.csv：{why}"));
        assert_eq!(e.message(true), e.to_string());
    }
}
