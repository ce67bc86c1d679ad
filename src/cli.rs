//! The command line: the viewer (default) and `check`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use serde::Serialize;

use crate::analysis::measure::area_m2;
use crate::io::crs::Crs;
use crate::io::{Diagnostic, LoadOptions, load_path};

/// Kuiwen Atlas (奎文规划一张图): planning layers of Kuiwen District on a map.
#[derive(Parser, Debug)]
#[command(name = "kuiwen-atlas", version, about)]
pub struct Cli {
    /// What to do; without one, the viewer opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// GeoJSON files to open as extra layers.
    pub files: Vec<PathBuf>,
    /// Basemap: none, osm, tianditu-vec, tianditu-img, amap, amap-img, an http(s) XYZ template
    /// ({z}/{x}/{y}) or a .pmtiles file.
    #[arg(long)]
    pub basemap: Option<String>,
    /// Coordinate system of the files: wgs84, cgcs2000, gcj02, bd09, webmercator.
    #[arg(long)]
    pub crs: Option<String>,
    /// Start with the English interface.
    #[arg(long)]
    pub english: bool,
    /// Open a workspace file (`.kuiwen.json`).
    #[arg(long)]
    pub workspace: Option<PathBuf>,
    /// Open the attribute table on this layer at start (a layer key, e.g. `communities`, `parks`).
    #[arg(long, value_name = "LAYER_KEY")]
    pub table: Option<String>,
    /// Open the charts window at start: stats, investment, area, households or grids.
    #[arg(long, value_name = "CHART", num_args = 0..=1, default_missing_value = "investment")]
    pub charts: Option<String>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate GeoJSON files without a window; exit 1 if any is invalid.
    Check {
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Coordinate system of the files (see the viewer's --crs).
        #[arg(long)]
        crs: Option<String>,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// The `check` report of one file (the JSON shape is part of the interface).
#[derive(Serialize, Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// Valid (no errors).
    pub ok: bool,
    /// Features loaded.
    pub features: usize,
    /// Count per geometry type.
    pub geometry_types: std::collections::BTreeMap<String, usize>,
    /// `[min_lon, min_lat, max_lon, max_lat]`, null when there is no geometry.
    pub bbox: Option<[f64; 4]>,
    /// Total geodesic area of the polygons, m².
    pub area_m2: f64,
    /// Problems that make the file invalid.
    pub errors: Vec<Diagnostic>,
    /// Things worth knowing.
    pub warnings: Vec<Diagnostic>,
}

/// Check one file.
pub fn check_file(path: &std::path::Path, crs: Option<Crs>) -> FileReport {
    match load_path(path, LoadOptions { declared_crs: crs }) {
        Ok(p) => FileReport {
            path: path.display().to_string(),
            ok: p.ok(),
            features: p.features.len(),
            geometry_types: p.geometry_types(),
            bbox: p.bbox(),
            area_m2: p.features.iter().filter_map(|f| f.geometry.as_ref()).map(area_m2).sum(),
            errors: p.errors,
            warnings: p.warnings,
        },
        Err(e) => FileReport {
            path: path.display().to_string(),
            ok: false,
            features: 0,
            geometry_types: Default::default(),
            bbox: None,
            area_m2: 0.0,
            errors: vec![e.diagnostic()],
            warnings: vec![],
        },
    }
}

/// Run `check`, print the reports, and return the process exit code.
pub fn run_check(files: &[PathBuf], json: bool, crs: Option<&str>) -> i32 {
    let crs = match crs.map(str::parse::<Crs>) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let reports: Vec<FileReport> = files.iter().map(|f| check_file(f, crs)).collect();
    if json {
        #[derive(Serialize)]
        struct Out<'a> {
            files: &'a [FileReport],
        }
        match serde_json::to_string_pretty(&Out { files: &reports }) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("cannot write JSON: {e}");
                return 2;
            }
        }
    } else {
        for r in &reports {
            print_report(r);
        }
    }
    if reports.iter().all(|r| r.ok) { 0 } else { 1 }
}

fn print_report(r: &FileReport) {
    println!("{}: {}", r.path, if r.ok { "OK" } else { "INVALID" });
    println!("  features: {}", r.features);
    if !r.geometry_types.is_empty() {
        let types: Vec<String> = r.geometry_types.iter().map(|(k, v)| format!("{k} {v}")).collect();
        println!("  geometry: {}", types.join(", "));
    }
    if let Some(b) = r.bbox {
        println!("  bbox: {:.6}, {:.6} – {:.6}, {:.6} (lon, lat)", b[0], b[1], b[2], b[3]);
    }
    if r.area_m2 > 0.0 {
        println!("  area: {:.3} km² ({:.0} m², geodesic)", r.area_m2 / 1e6, r.area_m2);
    }
    for e in &r.errors {
        println!("  error: {e}");
    }
    for w in &r.warnings {
        println!("  warning: {w}");
    }
}
