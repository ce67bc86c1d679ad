//! The file formats planning data arrives in, beyond GeoJSON: ESRI Shapefile, GeoPackage,
//! KML/KMZ, CSV, FlatGeobuf and DXF, read in pure Rust; File Geodatabase (and anything else GDAL
//! reads) through GDAL's `ogr2ogr` when it is installed. Every reader gives the same [`Parsed`]
//! as the GeoJSON loader: WGS84 features, errors and warnings in Chinese and English, the
//! coordinate system used, and where the file's text encoding and layer came from.
//!
//! The coordinate system of a file is, in this order: the one the user declared; the file's own
//! (`.prj`, `gpkg_spatial_ref_sys`, KML's WGS84); an unmistakable Gauss-Krüger grid told by its
//! 8-digit eastings (loaded with a warning saying so); WGS84 when the numbers are degrees.
//! Anything else is an error saying what the numbers look like and how to declare them.

pub mod csv;
pub mod dxf;
pub mod encoding;
pub mod fgb;
pub mod gdal;
pub mod gpkg;
pub mod kml;
pub mod shp;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use geo::{Geometry, MapCoords};

use super::crs::{Crs, assume_gauss_kruger, guess_projected, is_valid_lon_lat_deg};
use super::crs_proj::ProjError;
use super::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};
pub use encoding::{EncodingSource, TextEncoding};

/// A format the app opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// GeoJSON (`.geojson`, `.json`).
    GeoJson,
    /// ESRI Shapefile (`.shp` with `.shx`, `.dbf`, `.prj`, `.cpg`).
    Shapefile,
    /// OGC GeoPackage (`.gpkg`), one file holding one or more layers.
    GeoPackage,
    /// KML (`.kml`), Google Earth and field tools; always WGS84 (or GCJ-02 from Chinese apps).
    Kml,
    /// KMZ (`.kmz`), a zipped KML.
    Kmz,
    /// CSV or TXT with coordinate or WKT columns.
    Csv,
    /// FlatGeobuf (`.fgb`).
    FlatGeobuf,
    /// AutoCAD DXF (`.dxf`).
    Dxf,
    /// ESRI File Geodatabase (a `.gdb` folder), read through GDAL's `ogr2ogr`.
    FileGdb,
    /// A format only GDAL reads (MapInfo `.tab`/`.mif`, GML, GPX…), through `ogr2ogr`.
    Gdal,
}

impl Format {
    /// The format's name as planners know it.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Shapefile => "ESRI Shapefile",
            Format::GeoPackage => "GeoPackage",
            Format::Kml => "KML",
            Format::Kmz => "KMZ",
            Format::Csv => "CSV",
            Format::FlatGeobuf => "FlatGeobuf",
            Format::Dxf => "DXF",
            Format::FileGdb => "File Geodatabase",
            Format::Gdal => "GDAL",
        }
    }

    /// The extensions of the files the open dialog offers, without dots.
    pub const OPEN_EXTENSIONS: [&'static str; 14] =
        ["geojson", "json", "shp", "gpkg", "kml", "kmz", "csv", "txt", "fgb", "dxf", "gdb", "gdbtable", "tab", "mif"];

    /// Tells the format of a path from its extension, and failing that from its first bytes.
    pub fn detect(path: &Path) -> Result<Format, LoadError> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let shown = path.display().to_string();
        let format = match ext.as_str() {
            "geojson" | "json" | "geojsonl" => Format::GeoJson,
            "shp" => Format::Shapefile,
            "gpkg" => Format::GeoPackage,
            "kml" => Format::Kml,
            "kmz" => Format::Kmz,
            "csv" | "txt" | "tsv" => Format::Csv,
            "fgb" => Format::FlatGeobuf,
            "dxf" => Format::Dxf,
            "gdb" => Format::FileGdb,
            "gdbtable" | "gdbtablx" => Format::FileGdb,
            "tab" | "mif" | "gml" | "gpx" | "sqlite" => Format::Gdal,
            "dbf" | "shx" | "prj" | "cpg" => {
                return Err(unsupported(
                    &shown,
                    "this is one part of a shapefile: open the .shp file beside it",
                    "这是 shapefile 的一个组成文件：请打开同名的 .shp 文件",
                ));
            }
            "dwg" => {
                return Err(unsupported(
                    &shown,
                    "DWG is AutoCAD's closed drawing format: save it as DXF in AutoCAD (or ODA File Converter) and open the .dxf",
                    "DWG 是 AutoCAD 的专有格式：请在 AutoCAD（或 ODA File Converter）中另存为 DXF 后打开 .dxf",
                ));
            }
            "mdb" | "accdb" => {
                return Err(unsupported(
                    &shown,
                    "a Personal Geodatabase (.mdb) needs Microsoft Access drivers: export it from ArcGIS as File Geodatabase or shapefile",
                    "个人地理数据库（.mdb）需要 Microsoft Access 驱动：请在 ArcGIS 中导出为文件地理数据库或 shapefile",
                ));
            }
            "xls" | "xlsx" | "et" => {
                return Err(unsupported(
                    &shown,
                    "a spreadsheet: save it as CSV (UTF-8 or GBK) with longitude/latitude, X/Y or WKT columns, then open the .csv",
                    "这是电子表格：请另存为 CSV（UTF-8 或 GBK），带经纬度、X/Y 或 WKT 列，再打开 .csv",
                ));
            }
            "zip" | "rar" | "7z" => {
                return Err(unsupported(
                    &shown,
                    "a compressed archive: unpack it first, then open the .shp, .gdb or other file inside",
                    "这是压缩包：请先解压，再打开其中的 .shp、.gdb 等文件",
                ));
            }
            _ => {
                if path.is_dir() {
                    if path.join("gdb").is_file() || path.join("a00000001.gdbtable").is_file() {
                        return Ok(Format::FileGdb);
                    }
                    return Err(unsupported(
                        &shown,
                        "a folder: open a file inside it (a .gdb folder opens as a File Geodatabase)",
                        "这是文件夹：请打开其中的文件（.gdb 文件夹可作为文件地理数据库打开）",
                    ));
                }
                return sniff(path);
            }
        };
        if format == Format::FileGdb && !path.is_dir() {
            // A table file inside the .gdb folder: open the folder.
            return Ok(Format::FileGdb);
        }
        Ok(format)
    }

    /// Whether a file of this format can hold several layers.
    pub fn has_layers(self) -> bool {
        matches!(self, Format::GeoPackage | Format::FileGdb | Format::Dxf | Format::Gdal)
    }
}

/// Tells a format from the first bytes of a file with an unknown extension.
fn sniff(path: &Path) -> Result<Format, LoadError> {
    use std::io::Read;
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    let head = &head[..n];
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with(b"SQLite format 3\0") {
        Ok(Format::GeoPackage)
    } else if head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        Ok(Format::Shapefile)
    } else if head.starts_with(b"fgb") {
        Ok(Format::FlatGeobuf)
    } else if head.starts_with(b"PK\x03\x04") {
        Ok(Format::Kmz)
    } else if trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.is_empty() {
        Ok(Format::GeoJson)
    } else if trimmed.starts_with("<?xml") || trimmed.starts_with("<kml") {
        Ok(Format::Kml)
    } else if trimmed.starts_with("0\r\nSECTION") || trimmed.starts_with("0\nSECTION") || trimmed.starts_with("999") {
        Ok(Format::Dxf)
    } else {
        // Unknown text or bytes: the GeoJSON loader's messages say what is wrong with it.
        Ok(Format::GeoJson)
    }
}

fn unsupported(path: &str, en: &str, zh: &str) -> LoadError {
    LoadError::Invalid(Diagnostic::new(format!("{path}: {en}"), format!("{path}：{zh}")))
}

/// Progress and cancel for a reader.
pub struct Progress<'a> {
    /// Bytes (or an estimate of them) read so far.
    pub bytes_read: &'a AtomicU64,
    /// Set when the user cancels.
    pub cancel: &'a AtomicBool,
    /// The size of the input, for estimates.
    pub total_bytes: u64,
    /// Items read so far by all the threads reading parts of the file.
    items_done: std::sync::atomic::AtomicUsize,
}

impl<'a> Progress<'a> {
    /// Progress reported through `bytes_read`, for an input of `total_bytes`.
    pub fn new(bytes_read: &'a AtomicU64, cancel: &'a AtomicBool, total_bytes: u64) -> Self {
        Self { bytes_read, cancel, total_bytes, items_done: Default::default() }
    }

    /// Records that one thread read `n` more of the `total` items; `Err(Cancelled)` when the
    /// user cancelled. For readers whose parts run on several threads at once.
    pub fn advance(&self, n: usize, total: usize) -> Result<(), LoadError> {
        let done = self.items_done.fetch_add(n, Ordering::Relaxed) + n;
        if self.cancel.load(Ordering::Relaxed) {
            return Err(LoadError::Cancelled);
        }
        let est = self.total_bytes as f64 * done as f64 / total.max(1) as f64;
        self.bytes_read.store(est as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Records that `done` of `count` items are read; `Err(Cancelled)` when the user cancelled.
    pub fn step(&self, done: usize, count: usize) -> Result<(), LoadError> {
        if done.is_multiple_of(1024) {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(LoadError::Cancelled);
            }
            if count > 0 {
                let est = (self.total_bytes as f64 * done as f64 / count as f64) as u64;
                self.bytes_read.store(est, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Marks the input as read.
    pub fn finish(&self) {
        self.bytes_read.store(self.total_bytes, Ordering::Relaxed);
    }
}

/// Reads a file of any supported format (not GeoJSON, which the caller reads itself).
pub fn read(path: &Path, format: Format, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    // The readers are other people's code on the planner's files: a panic in one is a bug, and is
    // reported as such for this file, never a crash of `check` or of the app.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_format(path, format, options, progress)))
        .unwrap_or_else(|payload| {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a reader stopped unexpectedly".to_owned());
            Err(LoadError::Internal { path: path.to_path_buf(), message })
        })
}

fn read_format(
    path: &Path,
    format: Format,
    options: &LoadOptions,
    progress: &Progress<'_>,
) -> Result<Parsed, LoadError> {
    let mut parsed = match format {
        Format::GeoJson => unreachable_geojson(path)?,
        Format::Shapefile => shp::read(path, options, progress)?,
        Format::GeoPackage => gpkg::read(path, options, progress)?,
        Format::Kml | Format::Kmz => kml::read(path, format, options, progress)?,
        Format::Csv => csv::read(path, options, progress)?,
        Format::FlatGeobuf => fgb::read(path, options, progress)?,
        Format::Dxf => dxf::read(path, options, progress)?,
        Format::FileGdb | Format::Gdal => gdal::read(path, format, options, progress)?,
    };
    parsed.source.format = format.name();
    progress.finish();
    Ok(parsed)
}

fn unreachable_geojson(path: &Path) -> Result<Parsed, LoadError> {
    Err(LoadError::Internal { path: path.to_path_buf(), message: "GeoJSON is read by the GeoJSON loader".to_owned() })
}

/// The layers of a file (one, unnamed, for single-layer formats).
pub fn list_layers(path: &Path) -> Result<Vec<String>, LoadError> {
    match Format::detect(path)? {
        Format::GeoPackage => gpkg::list_layers(path),
        Format::FileGdb | Format::Gdal => gdal::list_layers(path),
        Format::Dxf => dxf::list_layers(path),
        _ => Ok(Vec::new()),
    }
}

/// A sidecar of a file with another extension, found whatever the case of its extension
/// (`parks.DBF` beside `parks.shp`).
pub fn sidecar(path: &Path, ext: &str) -> Option<PathBuf> {
    for candidate in [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()] {
        let p = path.with_extension(&candidate);
        if p.is_file() {
            return Some(p);
        }
    }
    let stem = path.file_stem()?.to_string_lossy().to_lowercase();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
        p.file_stem().is_some_and(|s| s.to_string_lossy().to_lowercase() == stem)
            && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
    })
}

/// What a file says about its own coordinate system.
#[derive(Clone, Debug)]
pub enum FileCrs {
    /// Nothing.
    Unstated,
    /// A system (with what stated it, for messages).
    Stated(Crs, String),
    /// A system the app cannot use as it is (why).
    Unusable(ProjError),
}

impl FileCrs {
    /// From a `.prj` or other WKT text.
    pub fn from_wkt(wkt: &str, what: &str) -> FileCrs {
        match super::crs_proj::read_wkt(wkt) {
            Ok(super::crs_proj::WktCrs::Epsg(code)) => match Crs::from_epsg(code) {
                Ok(c) => FileCrs::Stated(c, what.to_owned()),
                Err(e) => FileCrs::Unusable(e),
            },
            Ok(super::crs_proj::WktCrs::Proj { proj, .. }) => match Crs::from_proj_string(&proj) {
                Ok(c) => FileCrs::Stated(c, what.to_owned()),
                Err(e) => FileCrs::Unusable(e),
            },
            Err(e) => FileCrs::Unusable(e),
        }
    }
}

/// Decides the coordinate system to read a file in (see the module comment), with a warning for
/// what was assumed or overridden. `sample` is a raw coordinate from the file.
pub fn resolve_crs(
    declared: Option<Crs>,
    stated: FileCrs,
    sample: Option<(f64, f64)>,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Crs, LoadError> {
    if let Some(d) = declared {
        if let FileCrs::Stated(s, what) = &stated
            && *s != d
        {
            warnings.push(Diagnostic::new(
                format!(
                    "the file's own coordinate system ({}, from {what}) is overridden by the declared {}",
                    s.label_en(),
                    d.label_en()
                ),
                format!("文件自带的坐标系（{}，来自{what}）被用户指定的 {} 覆盖", s.label_zh(), d.label_zh()),
            ));
        }
        return Ok(d);
    }
    match stated {
        FileCrs::Stated(c, _) => Ok(c),
        FileCrs::Unusable(e) => Err(LoadError::Invalid(Diagnostic::new(e.to_string(), crate::Bilingual::zh(&e)))),
        FileCrs::Unstated => {
            let Some((x, y)) = sample else { return Ok(Crs::Wgs84) };
            if is_valid_lon_lat_deg(x, y) {
                return Ok(Crs::Wgs84);
            }
            if let Some(c) = assume_gauss_kruger(x, y) {
                warnings.push(Diagnostic::new(
                    format!(
                        "no coordinate system stated: the 8-digit eastings name the zone, read as {}",
                        c.label_en()
                    ),
                    format!("文件未说明坐标系：8 位横坐标含带号，已按 {} 读取", c.label_zh()),
                ));
                return Ok(c);
            }
            let (en, zh) = match guess_projected(x, y) {
                Some(g) => (g.advice_en(), g.advice_zh()),
                None => ("the numbers are not longitude/latitude".to_owned(), "数值不是经纬度".to_owned()),
            };
            Err(LoadError::NeedsCrs {
                x,
                y,
                diagnostic: Box::new(Diagnostic::new(
                    format!(
                        "no coordinate system stated and coordinate ({x}, {y}) is not longitude/latitude: {en} Declare it (e.g. --crs EPSG:4549, or choose it when the app asks)"
                    ),
                    format!(
                        "文件未说明坐标系，坐标 ({x}, {y}) 不是经纬度：{zh} 请指定坐标系（例如 --crs EPSG:4549，或在程序询问时选择）"
                    ),
                )),
            })
        }
    }
}

/// Converts a geometry to WGS84; `Err((x, y))` names the first coordinate that cannot be.
pub fn to_wgs84(g: Geometry<f64>, crs: Crs) -> Result<Geometry<f64>, (f64, f64)> {
    if matches!(crs, Crs::Wgs84 | Crs::Cgcs2000) {
        // Still check the range: a file's own "WGS84" can hold metres.
        use geo::CoordsIter;
        let bad = g.coords_iter().find(|c| !is_valid_lon_lat_deg(c.x, c.y)).map(|c| (c.x, c.y));
        return match bad {
            Some(b) => Err(b),
            None => Ok(g),
        };
    }
    g.try_map_coords(|c| {
        let (lon, lat) = crs.to_wgs84(c.x, c.y);
        if is_valid_lon_lat_deg(lon, lat) { Ok(geo::Coord { x: lon, y: lat }) } else { Err((c.x, c.y)) }
    })
}

/// Records that feature `feature`'s geometry cannot be used (it loads without one), keeping at
/// most 100 such messages.
pub fn unusable_geometry(problems: &mut Vec<Diagnostic>, feature: usize, why: &dyn std::fmt::Display) {
    if problems.len() < 100 {
        let mut d = Diagnostic::new(
            format!("the geometry cannot be used: {why} (loaded without geometry)"),
            format!("几何无法使用：{why}（已按无几何载入）"),
        );
        d.feature = Some(feature);
        problems.push(d);
    }
}

/// What one thread read of a file: its features in order, and the problems it met (feature
/// numbers counted from the start of the part).
#[derive(Default)]
pub struct Part {
    /// The features.
    pub raw: Vec<RawFeature>,
    /// Problems with single features (loaded without geometry, for example).
    pub problems: Vec<Diagnostic>,
}

/// Reads `0..len` (records, or row ids) in one contiguous range per core at once, each thread
/// opening the file for itself, and joins the parts in order with the feature numbers of their
/// problems made absolute. Small inputs are read on the calling thread.
pub fn read_in_parts(
    len: usize,
    read: impl Fn(std::ops::Range<usize>) -> Result<Part, LoadError> + Sync,
) -> Result<Part, LoadError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let threads = if len < 4096 { 1 } else { threads };
    let chunk = len.div_ceil(threads).max(1);
    let read = &read;
    let parts: Vec<Result<Part, LoadError>> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..threads).map(|t| s.spawn(move || read((t * chunk).min(len)..((t + 1) * chunk).min(len)))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut all = Part::default();
    for part in parts {
        let part = part?;
        let offset = all.raw.len();
        all.problems.extend(part.problems.into_iter().map(|mut d| {
            d.feature = d.feature.map(|f| f + offset);
            d
        }));
        all.raw.extend(part.raw);
    }
    all.problems.truncate(100);
    Ok(all)
}

/// Runs `f(index, item)` over the items on every core, and returns the results in order.
pub fn par_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(usize, T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    if threads == 1 || items.len() < 2048 {
        return items.into_iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut parts: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .enumerate()
            .map(|(p, part)| {
                s.spawn(move || part.into_iter().enumerate().map(|(i, t)| f(p * chunk + i, t)).collect::<Vec<U>>())
            })
            .collect();
        // A panic in a worker is a bug: pass it on rather than lose features silently.
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// The first coordinate of a geometry.
pub fn first_coord(g: &Geometry<f64>) -> Option<(f64, f64)> {
    use geo::CoordsIter;
    g.coords_iter().next().map(|c| (c.x, c.y))
}

/// Single-part multi-geometries become simple ones, as other GIS tools show them.
pub fn simplify_parts(g: Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::MultiPolygon(mut mp) if mp.0.len() == 1 => Geometry::Polygon(mp.0.remove(0)),
        Geometry::MultiLineString(mut ml) if ml.0.len() == 1 => Geometry::LineString(ml.0.remove(0)),
        Geometry::MultiPoint(mut mp) if mp.0.len() == 1 => Geometry::Point(mp.0.remove(0)),
        other => other,
    }
}

/// A feature as a reader finds it: id, geometry in the file's own system, properties.
pub type RawFeature = (Option<String>, Option<Geometry<f64>>, crate::model::Properties);

/// Builds features from raw geometries in the file's system: decides the system, converts each
/// geometry, and records a problem per feature that cannot be converted.
pub fn assemble(
    raw: Vec<RawFeature>,
    declared: Option<Crs>,
    stated: FileCrs,
    mut warnings: Vec<Diagnostic>,
) -> Result<Parsed, LoadError> {
    let sample = raw.iter().find_map(|(_, g, _)| g.as_ref().and_then(first_coord));
    let crs = resolve_crs(declared, stated, sample, &mut warnings)?;
    // Conversion, bounding boxes and compact properties on every core.
    let converted = par_map(raw, |i, (id, g, props)| match g.map(|g| to_wgs84(g, crs)) {
        None => Ok(crate::model::Feature::new(id, None, props)),
        Some(Ok(g)) => Ok(crate::model::Feature::new(id, Some(g), props)),
        Some(Err(xy)) => Err((i, xy)),
    });
    let mut errors = Vec::new();
    let mut features = Vec::with_capacity(converted.len());
    for c in converted {
        match c {
            Ok(f) => features.push(f),
            Err((i, (x, y))) if errors.len() < 100 => {
                let mut d = Diagnostic::new(
                    format!("coordinate ({x}, {y}) is outside the range of {}", crs.label_en()),
                    format!("坐标 ({x}, {y}) 超出 {} 的范围", crs.label_zh()),
                );
                d.feature = Some(i);
                errors.push(d);
            }
            Err(_) => {}
        }
    }
    Ok(Parsed { features, errors, warnings, crs, ..Parsed::default() })
}
