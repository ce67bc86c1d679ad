//! The command line: the viewer (default), `check` and `convert`, `stats` and `overlay`, and the life-circle commands
//! `circle` and `coverage`.

mod analysis;
mod arg_error;
mod convert;
mod history;
#[cfg(feature = "image-export")]
mod render;
mod services;
pub use analysis::{DiffArgs, OverlayArgs, OverlayOp, StatsArgs, read_input, run_diff, run_overlay, run_stats};
pub use arg_error::ArgError;
pub use convert::{parse_crs_arg, run_convert};
pub use history::{HistoryArgs, run_history};
#[cfg(feature = "image-export")]
pub use render::{RenderArgs, parse_size, run_render};
pub use services::{ServicesArgs, run_services};

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
    /// Files to open: layers in any format the app reads, a workspace (`.kuiwen.json`), a
    /// `.pmtiles` basemap, or a PostGIS table as a live layer ("PG:host=… dbname=… table=…"). The desktop entry passes the files double-clicked in the file manager.
    pub files: Vec<PathBuf>,
    /// Basemap: none, osm, tianditu-vec, tianditu-img, amap, amap-img, an http(s) XYZ template
    /// ({z}/{x}/{y}, optional {s}), a .pmtiles file or a folder of z/x/y.png tiles. Tianditu
    /// needs a key: TIANDITU_KEY or the settings window.
    #[arg(long)]
    pub basemap: Option<String>,
    /// Coordinate system of the files: wgs84, cgcs2000, gcj02, bd09, webmercator, any EPSG code
    /// (EPSG:4528, 4549, 32650…) or a PROJ string. Without it, what each file says.
    #[arg(long)]
    pub crs: Option<String>,
    /// Start with the English interface.
    #[arg(long)]
    pub english: bool,
    /// Select and zoom to the first feature whose Chinese or English name contains this text.
    #[arg(long)]
    pub find: Option<String>,
    /// Start presenting the briefing full screen at this slide (from 1).
    #[arg(long, value_name = "N")]
    pub present: Option<usize>,
    /// Open a workspace file (`.kuiwen.json`).
    #[arg(long)]
    pub workspace: Option<PathBuf>,
    /// Open the attribute table on this layer at start (a layer key, e.g. `communities`, `parks`).
    #[arg(long, value_name = "LAYER_KEY")]
    pub table: Option<String>,
    /// Open the charts window at start: stats, investment, area, households or grids.
    #[arg(long, value_name = "CHART", num_args = 0..=1, default_missing_value = "investment")]
    pub charts: Option<String>,
    /// Start with a map tool active: select, life-circle or measure.
    #[arg(long, value_name = "TOOL")]
    pub tool: Option<String>,
    /// Place the life circle at LON,LAT at start (implies --tool life-circle).
    #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Start the life-circle tool in coverage mode (communities coloured by the checklist).
    #[arg(long)]
    pub coverage: bool,
    /// Open the 查询统计 window at start and run its default analysis: stats (facilities by
    /// community) or overlay (the southern new town × communities).
    #[arg(long, value_name = "TAB")]
    pub query: Option<String>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render the map as the viewer presents it (caption, legend, scale bar, north arrow,
    /// credits) to PNG, and the briefing to PDF, without a window.
    #[cfg(feature = "image-export")]
    Render(RenderArgs),
    /// Download the tiles of an area from your own XYZ tile server into a PMTiles file, to use
    /// with no network (`--basemap FILE.pmtiles`). OpenStreetMap's, Tianditu's and AMap's public
    /// servers are refused: their terms forbid bulk downloading.
    Tiles {
        /// The tile server: an http(s) XYZ template with {z}, {x} and {y} (optional {s}).
        #[arg(long, value_name = "TEMPLATE")]
        from: String,
        /// The PMTiles file to write.
        #[arg(long, value_name = "FILE.pmtiles")]
        out: PathBuf,
        /// Zoom range, MIN-MAX.
        #[arg(long, value_name = "MIN-MAX", default_value = "12-16")]
        zoom: String,
        /// The area, W,S,E,N in WGS84 degrees [default: Kuiwen's whole extent 119.085,36.605,119.305,36.81].
        #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
        bbox: Option<String>,
        /// Only count the tiles.
        #[arg(long)]
        dry_run: bool,
    },
    /// Time loading and indexing a file of any format (read, parse into WGS84 geometry, R-tree),
    /// as the viewer does it, and print the figures. For benchmarks against other tools.
    LoadBench {
        /// The file.
        file: PathBuf,
    },
    /// Validate files (GeoJSON, shapefile, GeoPackage, KML/KMZ, CSV, FlatGeobuf, DXF, File
    /// Geodatabase through GDAL) without a window; exit 1 if any is invalid. Every layer of a
    /// multi-layer file is checked unless --layer names one.
    Check {
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// How the files are read (coordinate system, encoding, layer).
        #[command(flatten)]
        input: InputArgs,
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Convert a layer to GeoJSON (RFC 7946), GeoPackage or shapefile, by OUT's extension, and
    /// between coordinate systems (格式转换 / 坐标转换).
    Convert(convert::ConvertArgs),
    /// Statistics of a layer by area units (区域统计): per 街道, 社区, 网格 or any polygon layer, the
    /// count, the length or area inside (cut at unit edges) and the sums and means of numeric
    /// fields.
    Stats(analysis::StatsArgs),
    /// Overlay of two polygon layers (叠加 / 冲突分析): each overlapping pair with its geodesic
    /// area and its share of each; or the difference or union as polygons.
    Overlay(analysis::OverlayArgs),
    /// Compare two versions of a layer (成果对比): features added, removed and modified, which
    /// properties changed from what to what, and how the geometry moved, with the area change.
    Diff(analysis::DiffArgs),
    /// The versions the app has kept of a file (成果留痕), and one written back out with
    /// --restore N --to DIR.
    History(history::HistoryArgs),
    /// The layers of a WFS, OGC API Features, WMTS or WMS address (OGC 服务): name, title, type,
    /// coordinate system or tile matrix set and extent; for tile layers, the template --basemap
    /// takes (or why the layer cannot be a basemap).
    Services(services::ServicesArgs),
    /// The 15-minute life circle at a point (embedded data): the 5/10/15-minute rings with
    /// facilities per category, straight and along the streets, and the GB 50180-2018 checklist.
    Circle {
        /// The centre, LON,LAT in WGS84 decimal degrees (e.g. 119.1314,36.7090).
        #[arg(long, value_name = "LON,LAT", allow_hyphen_values = true)]
        at: String,
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Radii of the 5-, 10- and 15-minute rings in metres [default: 300,500,1000].
        #[arg(long, value_name = "M,M,M")]
        radii: Option<String>,
        /// Walking speed in metres per minute [default: 60].
        #[arg(long, value_name = "M_PER_MIN")]
        speed: Option<f64>,
        /// Straight-line rings only (skip walking distances along roads.geojson).
        #[arg(long)]
        no_network: bool,
    },
    /// Coverage of every community (or grid): which checklist items lie within its own 15 minutes.
    Coverage {
        /// Print one JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Also write the table as CSV (UTF-8 with BOM, for Excel).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Measure the 413 grids instead of the 65 communities.
        #[arg(long)]
        grids: bool,
        /// The 15-minute distance in metres [default: 1000].
        #[arg(long, value_name = "M")]
        radius: Option<f64>,
        /// Straight line only (skip walking distances along roads.geojson).
        #[arg(long)]
        no_network: bool,
        /// English column names in the CSV (Chinese by default).
        #[arg(long)]
        english: bool,
        /// Population coverage instead (生活圈人口覆盖率): for each checklist facility type, the
        /// share of households (each community's, spread over its area) within a 5/10/15-minute
        /// walk, for the district and per 街道.
        #[arg(long)]
        population: bool,
        /// The target share for --population, per cent [default: 99, Shanghai's 2035 aim].
        #[arg(long, value_name = "PCT")]
        target: Option<f64>,
    },
}

/// How input files are read, for `check` and `convert`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct InputArgs {
    /// Coordinate system of the files: wgs84, cgcs2000, gcj02, bd09, webmercator, any EPSG code
    /// (EPSG:4528…), or a PROJ string. Without it, what each file says (.prj, crs member,
    /// GeoPackage table), else detected from the numbers.
    #[arg(long, visible_alias = "from-crs")]
    pub crs: Option<String>,
    /// Seven parameters (七参数) for a Xian 1980 or Beijing 1954 grid given with --crs:
    /// dx,dy,dz (m), rx,ry,rz (arc-seconds), scale (ppm).
    #[arg(long, value_name = "DX,DY,DZ,RX,RY,RZ,PPM", allow_hyphen_values = true)]
    pub towgs84: Option<String>,
    /// Text encoding of the attributes (shapefile, CSV, DXF): UTF-8, GBK, GB18030, BIG5, 1252.
    /// Without it, the .cpg or DBF header, else detected.
    #[arg(long)]
    pub encoding: Option<String>,
    /// The layer of a file with several (GeoPackage table, File Geodatabase feature class, DXF
    /// layer).
    #[arg(long)]
    pub layer: Option<String>,
}

impl InputArgs {
    /// The load options these arguments give, or the message for a bad argument.
    pub fn options(&self) -> Result<LoadOptions, ArgError> {
        let declared_crs = self.crs.as_deref().map(|c| parse_crs_arg(c, self.towgs84.as_deref())).transpose()?;
        if self.towgs84.is_some() && self.crs.is_none() {
            return Err(ArgError::SevenParametersWithoutCrs);
        }
        let encoding = self
            .encoding
            .as_deref()
            .map(str::parse::<crate::io::formats::TextEncoding>)
            .transpose()
            .map_err(ArgError::Encoding)?;
        Ok(LoadOptions { declared_crs, encoding, layer: self.layer.clone() })
    }
}

/// The `check` report of one file (the JSON shape is part of the interface).
#[derive(Serialize, Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The layer, for files that hold several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// The format read ("GeoJSON", "ESRI Shapefile"…).
    pub format: String,
    /// The coordinate system the file was read in ("wgs84", "EPSG:4528", a PROJ string…).
    pub crs: Option<String>,
    /// The text encoding used, and what said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
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

/// Check one file (one layer of it: the one the options name, else the first).
pub fn check_file(path: &std::path::Path, crs: Option<Crs>) -> FileReport {
    check_with(path, &LoadOptions::with_crs(crs))
}

/// Check one file with the given options.
pub fn check_with(path: &std::path::Path, options: &LoadOptions) -> FileReport {
    match load_path(path, options.clone()) {
        Ok(mut p) => {
            let report = file_report(path, &mut p);
            // Freeing a big layer's million small allocations takes a tenth of a second: a
            // helper thread does it while the next file is read, or the process simply ends.
            std::thread::spawn(move || drop(p));
            report
        }
        Err(e) => FileReport {
            path: path.display().to_string(),
            layer: options.layer.clone(),
            format: crate::io::formats::Format::detect(path).map(|f| f.name().to_owned()).unwrap_or_default(),
            crs: None,
            encoding: None,
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

/// The report of a file that was read.
fn file_report(path: &std::path::Path, p: &mut crate::io::Parsed) -> FileReport {
    FileReport {
        path: path.display().to_string(),
        layer: p.source.layer.clone(),
        format: p.source.format.to_owned(),
        crs: Some(p.crs.name()),
        encoding: p.source.encoding.map(|(e, from)| format!("{e} ({})", from.describe().1)),
        ok: p.ok(),
        features: p.features.len(),
        geometry_types: p.geometry_types(),
        bbox: p.bbox(),
        // Geodesic areas on every core: the sum of a big layer is most of `check`'s work.
        area_m2: crate::io::formats::par_map(p.features.iter().collect(), |_, f| {
            f.geometry.as_ref().map_or(0.0, area_m2)
        })
        .into_iter()
        .sum(),
        errors: std::mem::take(&mut p.errors),
        warnings: std::mem::take(&mut p.warnings),
    }
}

/// Run `check`, print the reports, and return the process exit code.
pub fn run_check(files: &[PathBuf], json: bool, input: &InputArgs) -> i32 {
    let options = match input.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut reports: Vec<FileReport> = Vec::new();
    for f in files {
        // Every layer of a multi-layer file, unless one is named.
        let layers = match (&options.layer, crate::io::formats::list_layers(f)) {
            (None, Ok(layers)) if layers.len() > 1 => layers,
            _ => Vec::new(),
        };
        if layers.is_empty() {
            reports.push(check_with(f, &options));
        }
        for layer in layers {
            reports.push(check_with(f, &LoadOptions { layer: Some(layer), ..options.clone() }));
        }
    }
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
    match &r.layer {
        Some(l) => println!("{} (layer {l}): {}", r.path, if r.ok { "OK" } else { "INVALID" }),
        None => println!("{}: {}", r.path, if r.ok { "OK" } else { "INVALID" }),
    }
    if !r.format.is_empty() {
        println!("  format: {}", r.format);
    }
    if let Some(c) = &r.crs {
        println!("  coordinate system: {c}");
    }
    if let Some(e) = &r.encoding {
        println!("  encoding: {e}");
    }
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

// ------------------------------------------------------------------------------------------------
// The life circle: `circle` and `coverage`, and the viewer's `--tool`/`--at`.

/// The map tool named on the command line (`select`, `life-circle`, `measure`).
pub fn parse_tool(name: &str) -> Result<crate::app::tools::Tool, ArgError> {
    use crate::app::tools::Tool;
    match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "select" => Ok(Tool::Select),
        "life-circle" | "lifecircle" | "circle" => Ok(Tool::LifeCircle),
        "measure" => Ok(Tool::Measure),
        "nearby" => Ok(Tool::Nearby),
        other => Err(ArgError::UnknownTool(other.to_owned())),
    }
}

/// The embedded layers the life-circle commands measure against.
struct LifeCircleData {
    layers: Vec<crate::model::Layer>,
    facilities: crate::analysis::life_circle::FacilityIndex,
    network: Option<(crate::analysis::network::WalkNetwork, Vec<Option<crate::analysis::network::Snap>>)>,
}

impl LifeCircleData {
    fn load(with_network: bool) -> Result<Self, String> {
        use crate::analysis::life_circle::{FacilityIndex, snap_facilities};
        use crate::analysis::network::WalkNetwork;
        let layers = crate::io::embedded::load_all().map_err(|(file, e)| format!("embedded {file}: {e}"))?;
        let get = |key: &str| layers.iter().find(|l| l.key == key);
        let facilities = get("facilities").map(FacilityIndex::from_layer).ok_or("no embedded facilities layer")?;
        let network = match (with_network, get("roads")) {
            (true, Some(roads)) => {
                let net = WalkNetwork::from_layers(&[roads]).map_err(|e| format!("roads.geojson: {e}"))?;
                let snaps = snap_facilities(&net, &facilities);
                Some((net, snaps))
            }
            _ => None,
        };
        Ok(Self { layers, facilities, network })
    }

    fn layer(&self, key: &str) -> Option<&crate::model::Layer> {
        self.layers.iter().find(|l| l.key == key)
    }

    fn network(&self) -> Option<crate::analysis::life_circle::NetworkContext<'_>> {
        self.network
            .as_ref()
            .map(|(network, facility_snaps)| crate::analysis::life_circle::NetworkContext { network, facility_snaps })
    }
}

/// Print a value as pretty JSON on stdout. A reader that stops early (`… | head`) closes the pipe:
/// that ends the output quietly instead of panicking, as `println!` would.
pub(crate) fn print_json<T: Serialize>(value: &T) -> i32 {
    use std::io::Write;
    let text = match serde_json::to_string_pretty(value) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot write JSON: {e}");
            return 2;
        }
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("cannot write to standard output: {e}");
            1
        }
    }
}

/// Run `circle`: print the rings and checklist at `at`; returns the exit code (2 for bad input).
pub fn run_circle(at: &str, json: bool, radii: Option<&str>, speed: Option<f64>, no_network: bool) -> i32 {
    use crate::analysis::life_circle::{CircleInputs, CircleParams, analyze, parse_lon_lat};
    let center = match parse_lon_lat(at) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kuiwen-atlas circle: --at: {e}");
            return 2;
        }
    };
    let mut params = CircleParams::default();
    if let Some(text) = radii {
        let parsed: Result<Vec<f64>, _> = text.split(',').map(|v| v.trim().parse::<f64>()).collect();
        match parsed.as_deref() {
            Ok([a, b, c]) => params.radii_m = [*a, *b, *c],
            _ => {
                eprintln!("kuiwen-atlas circle: --radii: “{text}” is not three distances in metres, e.g. 300,500,1000");
                return 2;
            }
        }
    }
    if let Some(s) = speed {
        params.speed_m_per_min = s;
    }
    if let Err(e) = params.validate() {
        eprintln!("kuiwen-atlas circle: {e}");
        return 2;
    }
    let data = match LifeCircleData::load(!no_network) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("kuiwen-atlas circle: {e}");
            return 1;
        }
    };
    let inputs = CircleInputs {
        facilities: Some(&data.facilities),
        network: data.network(),
        communities: data.layer("communities"),
        grids: data.layer("grids"),
    };
    let report = match analyze(center, &params, inputs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kuiwen-atlas circle: {e}");
            return 2;
        }
    };
    if json {
        return print_json(&report);
    }
    print_circle(&report, &params);
    0
}

fn print_circle(
    r: &crate::analysis::life_circle::LifeCircleReport,
    params: &crate::analysis::life_circle::CircleParams,
) {
    use crate::analysis::life_circle::{Level, category_name};
    use crate::analysis::measure::format_distance;
    let with_network = r.network_access_m.is_some();
    println!("生活圈 life circle at {:.6}, {:.6} (lon, lat)", r.center[0], r.center[1]);
    println!("  rings are straight-line circles, indicative only (示意); the standard measures walking distance");
    if let Some(a) = r.network_access_m {
        println!(
            "  walking: along roads.geojson at {:.0} m/min, {a:.0} m from the centre to the nearest street",
            r.speed_m_per_min
        );
    }
    for ring in &r.rings {
        print!(
            "{} min, {:.0} m (≈ {:.1} min on foot):",
            ring.minutes,
            ring.radius_m,
            params.minutes_for(ring.radius_m)
        );
        if let (Some(a), true) = (ring.network_area_m2, ring.circle_area_m2 > 0.0) {
            print!(" walking area {:.2} km² = {:.0}% of the circle", a / 1e6, 100.0 * a / ring.circle_area_m2);
        }
        println!();
        for (cat, n) in &ring.facilities {
            let walk = ring.network_facilities.as_ref().and_then(|m| m.get(cat)).copied();
            if *n == 0 && walk.unwrap_or(0) == 0 {
                continue;
            }
            match walk {
                Some(w) => println!("    {cat:<22} {n:>3} straight {w:>3} walking   {}", category_name(cat, false)),
                None => println!("    {cat:<22} {n:>3}   {}", category_name(cat, false)),
            }
        }
    }
    println!("GB 50180-2018 checklist (each level includes the items of the levels below):");
    for level in Level::ALL.iter().rev() {
        let (ok, all) = r.level_score(*level);
        let walk = r.level_network_score(*level).map(|(w, _)| format!(", {w} of {all} walking")).unwrap_or_default();
        let (zh, en) = level.label();
        println!(
            "  {} min, {:.0} m — {en} {zh}: {ok} of {all} present{walk}",
            level.minutes(),
            params.radius_m(*level)
        );
        for e in r.level_entries(*level) {
            let mark = if e.present { "[x]" } else { "[ ]" };
            let nearest = e.nearest_m.map(format_distance).unwrap_or_else(|| "none in the data".to_owned());
            let walk = if with_network {
                let w = e.network_nearest_m.map(format_distance).unwrap_or_else(|| "unreachable".to_owned());
                let m = if e.network_present == Some(true) { "[x]" } else { "[ ]" };
                format!("   walking {m} {w}")
            } else {
                String::new()
            };
            println!(
                "    {mark} {:<22} nearest {nearest:>9}{walk}   {}",
                e.category,
                category_name(&e.category, false)
            );
        }
    }
    println!(
        "15-minute ring touches {} communities and {} grids; households covered (pro rata by area): {:.0}",
        r.communities.len(),
        r.grids.len(),
        r.households_covered
    );
    for c in &r.communities {
        println!(
            "    {} ({}) {:.0}% inside, {:.0} of {:.0} households",
            c.name,
            c.parent.as_deref().unwrap_or("—"),
            100.0 * c.share_inside,
            c.households_inside.unwrap_or(0.0),
            c.households.unwrap_or(0.0)
        );
    }
}

/// One area in the `coverage --json` output.
#[derive(Serialize, Debug)]
pub struct CoverageJsonRow {
    /// Its name.
    pub name: String,
    /// Its subdistrict.
    pub subdistrict: Option<String>,
    /// Its community (grids only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    /// Households (communities).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub households: Option<f64>,
    /// Every checklist item within the 15-minute distance in a straight line.
    pub meets_15min: bool,
    /// Categories missing in a straight line.
    pub missing: Vec<&'static str>,
    /// Items met in a straight line.
    pub items_met: usize,
    /// Every item within walking distance along the streets (null with --no-network).
    pub network_meets_15min: Option<bool>,
    /// Categories missing along the streets.
    pub network_missing: Option<Vec<&'static str>>,
    /// The representative point measured from.
    pub at: [f64; 2],
}

/// Run `coverage`: print (and optionally save) the coverage of every community or grid.
pub fn run_coverage(
    json: bool,
    csv: Option<&std::path::Path>,
    grids: bool,
    radius_m: Option<f64>,
    no_network: bool,
    english_csv: bool,
) -> i32 {
    use crate::analysis::coverage::{CoverageUnit, compute};
    let unit = if grids { CoverageUnit::Grids } else { CoverageUnit::Communities };
    let radius_m = radius_m.unwrap_or(crate::analysis::life_circle::DEFAULT_RADII_M[2]);
    let data = match LifeCircleData::load(!no_network) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("kuiwen-atlas coverage: {e}");
            return 1;
        }
    };
    let Some(areas) = data.layer(unit.layer_key()) else {
        eprintln!("kuiwen-atlas coverage: no embedded {} layer", unit.layer_key());
        return 1;
    };
    let report = match compute(areas, unit, &data.facilities, radius_m, data.network()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kuiwen-atlas coverage: {}", kuiwen_core::i18n::both(&e));
            return 2;
        }
    };
    if let Some(path) = csv
        && let Err(e) = report.write_csv(path, english_csv)
    {
        eprintln!("kuiwen-atlas coverage: {}", kuiwen_core::i18n::both(&e));
        return 1;
    }
    if json {
        let rows: Vec<CoverageJsonRow> = report
            .rows
            .iter()
            .map(|r| CoverageJsonRow {
                name: r.name.clone(),
                subdistrict: r.subdistrict.clone(),
                community: if grids { r.community.clone() } else { None },
                households: r.households,
                meets_15min: r.missing().is_empty(),
                missing: r.missing(),
                items_met: r.met(),
                network_meets_15min: r.network_missing().map(|m| m.is_empty()),
                network_missing: r.network_missing(),
                at: r.at,
            })
            .collect();
        let mut summary = serde_json::to_value(&report.summary).unwrap_or_default();
        if let Some(obj) = summary.as_object_mut() {
            obj.insert("lines".to_owned(), serde_json::json!(report.summary_lines(true)));
            obj.insert("lines_zh".to_owned(), serde_json::json!(report.summary_lines(false)));
        }
        let key = if grids { "grids" } else { "communities" };
        return print_json(&serde_json::json!({ key: rows, "summary": summary }));
    }
    let (_, unit_en) = unit.label();
    println!("Coverage of the {} {unit_en} within {radius_m:.0} m (from each one's interior point)", report.rows.len());
    for r in &report.rows {
        let walk = r.network_met().map(|n| format!(", {n} walking")).unwrap_or_default();
        let missing = r.missing();
        println!(
            "  {:<14} {:<10} {:>2}/{} straight{walk}{}",
            r.name,
            r.subdistrict.as_deref().unwrap_or("—"),
            r.met(),
            r.items.len(),
            if missing.is_empty() { String::new() } else { format!("  missing: {}", missing.join(", ")) }
        );
    }
    for line in report.summary_lines(true) {
        println!("{line}");
    }
    if let Some(path) = csv {
        println!("CSV written to {} (UTF-8 with BOM)", path.display());
    }
    0
}

/// `coverage --population`: the share of households within each walk of each facility type.
pub fn run_population(json: bool, radius_m: Option<f64>, no_network: bool, target_pct: Option<f64>) -> i32 {
    use crate::analysis::life_circle::DEFAULT_RADII_M;
    use crate::analysis::population::{DEFAULT_SPACING_M, population_coverage};
    let data = match LifeCircleData::load(!no_network) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("kuiwen-atlas coverage: {e}");
            return 1;
        }
    };
    let Some(areas) = data.layer("communities") else {
        eprintln!("kuiwen-atlas coverage: no embedded communities layer");
        return 1;
    };
    let mut radii = DEFAULT_RADII_M;
    if let Some(r) = radius_m {
        radii[2] = r;
    }
    let target = target_pct.unwrap_or(99.0);
    let network = data.network().map(|n| n.network);
    let report = match population_coverage(&areas.features, &data.facilities, network, radii, target, DEFAULT_SPACING_M)
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kuiwen-atlas coverage: {}", kuiwen_core::i18n::both(&e));
            return 2;
        }
    };
    if json {
        return print_json(&report);
    }
    let how = if report.walking { "walking along roads.geojson" } else { "straight line" };
    println!(
        "Households within reach of each facility type ({:.0} households, {how}; target {target:.0}%)",
        report.households
    );
    println!("  {:<28} {:>7} {:>7} {:>7}  level", "type", "5 min", "10 min", "15 min");
    for i in &report.items {
        let flag = if i.own_level_pct() < target { "  below target" } else { "" };
        println!(
            "  {:<28} {:>6.1}% {:>6.1}% {:>6.1}%  {} min{flag}",
            format!("{} {}", i.name_zh, i.name_en),
            i.district.pct(0),
            i.district.pct(1),
            i.district.pct(2),
            i.level_minutes
        );
    }
    0
}

/// Run `load-bench`: read, parse and index like the viewer, print the times, exit 1 on error.
pub fn run_load_bench(file: &std::path::Path) -> i32 {
    let t0 = std::time::Instant::now();
    let parsed = match load_path(file, LoadOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {}", file.display(), e.diagnostic());
            return 1;
        }
    };
    let t_parse = t0.elapsed();
    let n = parsed.features.len();
    let layer = crate::model::Layer::new(
        "bench",
        "bench",
        "bench",
        crate::model::LayerOrigin::Generated,
        parsed.features,
        crate::model::Style::default(),
    );
    let t_all = t0.elapsed();
    println!(
        "{}: {n} features, {} errors; read+parse {:.3} s, index {:.3} s, total {:.3} s",
        file.display(),
        parsed.errors.len(),
        t_parse.as_secs_f64(),
        (t_all - t_parse).as_secs_f64(),
        t_all.as_secs_f64()
    );
    // The process ends here and the system takes its memory back at once; freeing 1.1 million
    // allocations one by one would add about 0.1 s to a figure meant to measure loading.
    std::mem::forget(layer);
    if parsed.errors.is_empty() { 0 } else { 1 }
}

/// `tiles`: download an area's tiles into a PMTiles file, with progress on stderr. Returns the
/// exit code (0 done, 1 refused or failed, 2 bad arguments).
pub fn run_tiles(from: &str, out: &std::path::Path, zoom: &str, bbox: Option<&str>, dry_run: bool) -> i32 {
    use crate::basemap::Basemap;
    use crate::basemap::offline::{KUIWEN_EXTENT, OfflineRequest, Progress, run};
    use std::sync::atomic::{AtomicBool, Ordering};

    let basemap = match from.parse::<Basemap>() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("kuiwen-atlas tiles: --from: {e}");
            return 2;
        }
    };
    let zooms =
        zoom.split_once('-').and_then(|(a, b)| Some((a.trim().parse::<u8>().ok()?, b.trim().parse::<u8>().ok()?)));
    let Some((min_zoom, max_zoom)) = zooms.or_else(|| zoom.trim().parse::<u8>().ok().map(|z| (z, z))) else {
        eprintln!("kuiwen-atlas tiles: --zoom: expected MIN-MAX, e.g. 12-16");
        return 2;
    };
    let area = match bbox {
        None => KUIWEN_EXTENT,
        Some(b) => {
            let v: Vec<f64> = b.split(',').filter_map(|x| x.trim().parse().ok()).collect();
            match v.as_slice() {
                [w, s, e, n] if w < e && s < n => [*w, *s, *e, *n],
                _ => {
                    eprintln!("kuiwen-atlas tiles: --bbox: expected W,S,E,N in degrees, west < east, south < north");
                    return 2;
                }
            }
        }
    };
    let req = match OfflineRequest::new(&basemap, area, min_zoom, max_zoom, out.to_owned()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kuiwen-atlas tiles: {e}");
            return 1;
        }
    };
    println!("{} tiles, zoom {min_zoom}-{max_zoom}, from {}", req.count(), req.template.host());
    if dry_run {
        return 0;
    }
    let progress = Progress::default();
    let cancel = AtomicBool::new(false);
    let last = std::sync::Mutex::new(std::time::Instant::now());
    let report = || {
        if let Ok(mut t) = last.lock()
            && t.elapsed() >= std::time::Duration::from_secs(1)
        {
            *t = std::time::Instant::now();
            eprintln!(
                "{:.0}% ({} of {} tiles)",
                progress.fraction() * 100.0,
                progress.done.load(Ordering::Relaxed),
                progress.total.load(Ordering::Relaxed)
            );
        }
    };
    match run(&req, &progress, &cancel, &report) {
        Ok(summary) => {
            println!(
                "wrote {} tiles ({} bytes) to {}; {} missing, {} failed",
                summary.tiles,
                summary.bytes,
                summary.path.display(),
                summary.missing,
                summary.failed
            );
            0
        }
        Err(e) => {
            eprintln!("kuiwen-atlas tiles: {e}");
            1
        }
    }
}
