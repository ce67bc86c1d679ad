//! `stats` (区域统计) and `overlay` (叠加 / 冲突分析) without a window. Their inputs are files of any
//! format the viewer reads, or embedded layers by key (`facilities`, `communities`, `grids`…) or
//! Chinese name (`社区`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use kuiwen_core::Bilingual;
use kuiwen_core::i18n::both;

use super::{ArgError, InputArgs};
use crate::analysis::change;
use crate::analysis::overlay::{self, Intersection};
use crate::analysis::zonal;
use crate::io::embedded;
use crate::io::formats::write::{WriteOptions, write};
use crate::io::{Diagnostic, LoadError, load_path};
use crate::model::Feature;

/// Arguments of `stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// The layer to count and sum: a file, or an embedded layer (facilities, roads, parks…).
    pub layer: String,
    /// The area units: a polygon file, or an embedded layer (subdistricts, communities, grids).
    #[arg(long, value_name = "UNITS")]
    pub by: String,
    /// Only this numeric field (all numeric fields by default).
    #[arg(long)]
    pub field: Option<String>,
    /// Print one JSON document: {"units":[{"name","count","length_m","area_m2","sums","means"}]}.
    #[arg(long)]
    pub json: bool,
    /// Also write the table as CSV (UTF-8 with BOM, for Excel).
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Also write the units with their statistics (the choropleth) as GeoJSON, GeoPackage or
    /// shapefile, by the extension.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How files are read (coordinate system, encoding, layer).
    #[command(flatten)]
    pub input: InputArgs,
}

/// Which overlay.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OverlayOp {
    /// A ∩ B: every overlapping pair, with the overlap's area and shares (冲突分析).
    #[default]
    Intersection,
    /// A − B: A's polygons without what B covers.
    Difference,
    /// A ∪ B: the overlaps, A − B and B − A as one layer.
    Union,
}

/// Arguments of `overlay`.
#[derive(clap::Args, Debug)]
pub struct OverlayArgs {
    /// Layer A: a polygon file or an embedded layer.
    pub a: String,
    /// Layer B: a polygon file or an embedded layer.
    pub b: String,
    /// The operation.
    #[arg(long, value_enum, default_value_t)]
    pub op: OverlayOp,
    /// Print one JSON document: {"pairs":[{"a","b","area_m2","share_of_a","share_of_b"}]}.
    #[arg(long)]
    pub json: bool,
    /// Write the result polygons (GeoJSON, GeoPackage or shapefile, by the extension).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// How files are read (coordinate system, encoding, layer).
    #[command(flatten)]
    pub input: InputArgs,
}

/// Arguments of `diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old version: a file in any format the app opens, or an embedded layer.
    pub old: String,
    /// The new version.
    pub new: String,
    /// The field that identifies a feature (a plot number, 地块编号); matched before the id and
    /// the geometry.
    #[arg(long, value_name = "FIELD")]
    pub key: Option<String>,
    /// Print one JSON document: {"added":[…],"removed":[…],"modified":[{"id","properties":{"KEY":[old,new]},
    /// "geometry_changed","area_change_m2"}],"unchanged":N}.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as CSV (UTF-8 with BOM, for Excel).
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// How files are read (coordinate system, encoding, layer).
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `diff`; the exit code: 0 compared (changed or not), 1 an input or output failed.
pub fn run_diff(args: &DiffArgs) -> i32 {
    let (old, new) = match read_two("diff", &args.old, &args.new, &args.input) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let report = change::compare(&old.features, &new.features, args.key.as_deref());
    if let Some(path) = &args.csv
        && let Err(e) = crate::io::atomic::write(path, report.to_csv(false).as_bytes())
    {
        let zh = kuiwen_core::i18n::io_error_zh(&e);
        eprintln!("kuiwen-atlas diff: 无法写入 {}：{zh} / cannot write {}: {e}", path.display(), path.display());
        return 1;
    }
    let total_area_m2 = report.area_change_m2(&old.features, &new.features);
    if args.json {
        let names = |v: &[change::Changed]| v.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        return super::print_json(&serde_json::json!({
            "old": old.name,
            "new": new.name,
            "added": names(&report.added),
            "removed": names(&report.removed),
            "modified": report.modified,
            "unchanged": report.unchanged,
            "area_change_m2": total_area_m2,
        }));
    }
    println!("{} → {}", old.name, new.name);
    println!("{} / {}", report.summary(false), report.summary(true));
    for a in &report.added {
        println!("  + {}", a.id);
    }
    for r in &report.removed {
        println!("  − {}", r.id);
    }
    for m in &report.modified {
        println!("  ~ {}", m.id);
        let show = |v: &serde_json::Value| match v {
            serde_json::Value::Null => "—".to_owned(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for (k, [o, n]) in &m.properties {
            println!("      {k}: {} → {}", show(o), show(n));
        }
        if m.geometry_changed {
            println!(
                "      几何 / geometry: 移动 moved {:.1} m, {} / {}",
                m.moved_m,
                change::area_change_text(m.area_change_m2, false),
                change::area_change_text(m.area_change_m2, true)
            );
        }
    }
    println!(
        "面积合计变化 / total area change: {} / {}",
        change::area_change_text(total_area_m2, false),
        change::area_change_text(total_area_m2, true)
    );
    0
}

/// A layer read for an analysis: its name and features.
pub struct Input {
    /// The name to show (the embedded layer's Chinese name or the file's path).
    pub name: String,
    /// The features, WGS84.
    pub features: Vec<Feature>,
}

/// Why an input of `stats` or `overlay` could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The reading options are wrong (coordinate system, encoding).
    #[error("{0}")]
    Arg(#[from] ArgError),
    /// The file was read and has errors.
    #[error("{spec}: the file has errors:\n  {}", errors.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("\n  "))]
    FileErrors {
        /// The input as given.
        spec: String,
        /// The first errors (at most ten).
        errors: Vec<Diagnostic>,
    },
    /// The file could not be read.
    #[error("{spec}: {source}")]
    Load {
        /// The input as given.
        spec: String,
        /// Why.
        source: LoadError,
    },
    /// Neither a file nor the key or name of an embedded layer.
    #[error("{spec}: neither a file nor an embedded layer (embedded: {})", embedded.join(", "))]
    Unknown {
        /// The input as given.
        spec: String,
        /// The keys of the embedded layers.
        embedded: Vec<String>,
    },
}

impl Bilingual for InputError {
    fn zh(&self) -> String {
        match self {
            InputError::Arg(e) => e.zh(),
            InputError::FileErrors { spec, errors } => {
                format!("{spec}：文件有错误：\n  {}", errors.iter().map(|d| d.zh()).collect::<Vec<_>>().join("\n  "))
            }
            InputError::Load { spec, source } => format!("{spec}：{}", source.zh()),
            InputError::Unknown { spec, embedded } => {
                format!("{spec}：既不是文件也不是内置图层（内置图层：{}）", embedded.join("、"))
            }
        }
    }
}

/// Read a file, or an embedded layer by key or name.
pub fn read_input(spec: &str, input: &InputArgs) -> Result<Input, InputError> {
    let path = Path::new(spec);
    if path.exists() {
        let options = input.options()?;
        return match load_path(path, options) {
            Ok(p) if p.ok() => Ok(Input { name: spec.to_owned(), features: p.features }),
            Ok(p) => {
                Err(InputError::FileErrors { spec: spec.to_owned(), errors: p.errors.into_iter().take(10).collect() })
            }
            Err(source) => Err(InputError::Load { spec: spec.to_owned(), source }),
        };
    }
    let key = spec.trim_end_matches(".geojson");
    let Some(file) = embedded::FILES.iter().find(|f| {
        f.file.trim_end_matches(".geojson") == key || f.name_zh == spec || f.name_en.eq_ignore_ascii_case(spec)
    }) else {
        let embedded = embedded::FILES.iter().map(|f| f.file.trim_end_matches(".geojson").to_owned()).collect();
        return Err(InputError::Unknown { spec: spec.to_owned(), embedded });
    };
    embedded::load_one(file)
        .map(|l| Input { name: file.name_zh.to_owned(), features: l.features })
        .map_err(|source| InputError::Load { spec: spec.to_owned(), source })
}

/// Read the two inputs of a command; the error names the command, in both languages.
fn read_two(command: &str, a: &str, b: &str, input: &InputArgs) -> Result<(Input, Input), String> {
    let read = |spec| read_input(spec, input).map_err(|e| format!("kuiwen-atlas {command}: {}", both(&e)));
    Ok((read(a)?, read(b)?))
}

fn report_time(read_ms: f64, analysis_ms: f64) {
    eprintln!(
        "用时 / time: 读取 read {read_ms:.0} ms, 分析 analysis {analysis_ms:.0} ms (analysis_ms={analysis_ms:.1})"
    );
}

fn write_result(path: &Path, features: &[Feature], layer_name: &str) -> Result<(), String> {
    let options = WriteOptions { layer_name: layer_name.to_owned(), ..WriteOptions::default() };
    write(path, features, &options).map(|_| ()).map_err(|e| format!("{e}\n{}", kuiwen_core::Bilingual::zh(&e)))
}

/// Runs `stats`; the exit code: 0 done, 1 an input or output failed, 2 bad arguments.
pub fn run_stats(args: &StatsArgs) -> i32 {
    let t0 = Instant::now();
    let (layer, units) = match read_two("stats", &args.layer, &args.by, &args.input) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let read_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let t1 = Instant::now();
    let table = match zonal::zonal_stats(&layer.features, &units.features, &units.name, args.field.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kuiwen-atlas stats: {}", kuiwen_core::i18n::both(&e));
            return 2;
        }
    };
    report_time(read_ms, t1.elapsed().as_secs_f64() * 1000.0);
    let kind = crate::model::main_kind(&layer.features);
    if let Some(path) = &args.csv
        && let Err(e) = table.write_csv(path, kind, false)
    {
        eprintln!("kuiwen-atlas stats: {}", kuiwen_core::i18n::both(&e));
        return 1;
    }
    if let Some(path) = &args.out {
        let colour_by = if args.field.as_ref().is_some_and(|f| table.units.iter().any(|u| u.sums.contains_key(f))) {
            format!("sum_{}", args.field.as_deref().unwrap_or_default())
        } else {
            "count".to_owned()
        };
        let result = table.to_layer(&units.features, "stats", "区域统计", "Statistics by unit", &colour_by);
        if let Err(e) = write_result(path, &result.features, "stats") {
            eprintln!("kuiwen-atlas stats: {e}");
            return 1;
        }
    }
    for f in &table.invalid {
        eprintln!("{}", f.message());
    }
    if args.json {
        return super::print_json(&table.to_json(&layer.name, &units.name));
    }
    println!("{} 按 {} 统计 / {} by {}", layer.name, units.name, layer.name, units.name);
    for r in &table.units {
        let measure = match kind {
            crate::model::GeometryKind::Line => format!("  {:>10.0} m", r.length_m),
            crate::model::GeometryKind::Polygon => format!("  {:>12.0} m²", r.area_m2),
            _ => String::new(),
        };
        let sums: Vec<String> = r.sums.iter().map(|(k, v)| format!("{k}={v:.1}")).collect();
        println!("  {:<16} {:>6}{measure}  {}", r.name, r.count, sums.join("  "));
    }
    println!("不在任何单元内 / in no unit: {}", table.outside);
    0
}

/// Runs `overlay`; the exit code: 0 done, 1 an input or output failed, 2 not polygons.
pub fn run_overlay(args: &OverlayArgs) -> i32 {
    let t0 = Instant::now();
    let (a, b) = match read_two("overlay", &args.a, &args.b, &args.input) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let read_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let t1 = Instant::now();
    let keep = args.out.is_some();
    let result: Result<(Option<Intersection>, Vec<Feature>), overlay::OverlayError> = match args.op {
        OverlayOp::Intersection => overlay::intersect(&a.features, &a.name, &b.features, &b.name, keep).map(|r| {
            let f = if keep { r.to_features() } else { Vec::new() };
            (Some(r), f)
        }),
        OverlayOp::Difference => overlay::difference(&a.features, &a.name, &b.features, &b.name).map(|f| (None, f)),
        OverlayOp::Union => overlay::union(&a.features, &a.name, &b.features, &b.name).map(|f| (None, f)),
    };
    let (inter, features) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kuiwen-atlas overlay: {}", kuiwen_core::i18n::both(&e));
            return 2;
        }
    };
    report_time(read_ms, t1.elapsed().as_secs_f64() * 1000.0);
    if let Some(path) = &args.out
        && let Err(e) = write_result(path, &features, "overlay")
    {
        eprintln!("kuiwen-atlas overlay: {e}");
        return 1;
    }
    let Some(inter) = inter else {
        let area: f64 =
            features.iter().filter_map(|f| f.geometry.as_ref()).map(crate::analysis::measure::area_m2).sum();
        if args.json {
            return super::print_json(&serde_json::json!({ "features": features.len(), "area_m2": area }));
        }
        println!("{} 个面，共 {:.0} 平方米 / {} polygons, {area:.0} m² in all", features.len(), area, features.len());
        return 0;
    };
    for f in &inter.invalid {
        eprintln!("{}", f.message());
    }
    if args.json {
        return super::print_json(&serde_json::json!({
            "a": a.name,
            "b": b.name,
            "pairs": inter.pairs,
            "total_area_m2": inter.total_area_m2(),
            "invalid": inter.invalid,
        }));
    }
    println!("{} ∩ {}: {} 对重叠 / overlapping pairs", a.name, b.name, inter.pairs.len());
    for p in &inter.pairs {
        println!(
            "  {} × {}: {:.0} m² ({:.2} 公顷, {:.2} 亩), {:.1}% / {:.1}%",
            p.a,
            p.b,
            p.area_m2,
            p.area_m2 / crate::analysis::measure::M2_PER_HECTARE,
            p.area_m2 / crate::analysis::measure::M2_PER_MU,
            p.share_of_a * 100.0,
            p.share_of_b * 100.0
        );
    }
    println!("合计 / total: {:.0} m²", inter.total_area_m2());
    0
}
