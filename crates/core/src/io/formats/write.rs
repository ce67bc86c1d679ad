//! Writing a layer back out (格式转换 / 坐标转换): RFC 7946 GeoJSON, GeoPackage, or ESRI
//! Shapefile with `.prj` and `.cpg`, in WGS84 or any system the institute asks for (EPSG:4528…),
//! with text in UTF-8 or GBK. Chinese text, numbers, nulls and feature order survive a round
//! trip; what a format cannot hold (shapefile field names over 10 bytes, text over 254 bytes, one
//! geometry type per file) is reported, never silently changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{Geometry, MapCoords};
use serde_json::Value;

use super::encoding::TextEncoding;
use crate::i18n::{Bilingual, io_error_zh};
use crate::io::crs::Crs;
use crate::model::Feature;

/// Errors while writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output's extension names no format the app writes.
    #[error("cannot write {}: the output must end in .geojson, .json, .gpkg or .shp", .0.display())]
    UnknownFormat(PathBuf),
    /// The file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The data does not fit the format, and why.
    #[error("cannot write {}: {why}", path.display())]
    DoesNotFit {
        /// The file.
        path: PathBuf,
        /// Why (English).
        why: String,
        /// Why (Chinese).
        why_zh: String,
    },
    /// A coordinate cannot be expressed in the target system.
    #[error("cannot write {}: coordinate ({lon}, {lat}) has no position in {crs}", path.display())]
    Transform {
        /// The file.
        path: PathBuf,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// The target system (its English label).
        crs: String,
        /// The target system (its Chinese label).
        crs_zh: String,
    },
    /// The GeoPackage could not be written.
    #[error("cannot write the GeoPackage {}: {source}", path.display())]
    Sql {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
}

impl Bilingual for WriteError {
    fn zh(&self) -> String {
        match self {
            WriteError::UnknownFormat(p) => {
                format!("无法写入 {}：输出文件的扩展名须为 .geojson、.json、.gpkg 或 .shp", p.display())
            }
            WriteError::Io { path, source } => format!("无法写入 {}：{}", path.display(), io_error_zh(source)),
            WriteError::DoesNotFit { path, why_zh, .. } => format!("无法写入 {}：{why_zh}", path.display()),
            WriteError::Transform { path, lon, lat, crs_zh, .. } => {
                format!("无法写入 {}：坐标 ({lon}, {lat}) 在 {crs_zh} 中没有对应位置", path.display())
            }
            WriteError::Sql { path, source } => format!("无法写入 GeoPackage {}：{source}", path.display()),
        }
    }
}

/// How to write.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// The target coordinate system (default WGS84).
    pub to_crs: Crs,
    /// The text encoding for shapefile attributes (default UTF-8).
    pub encoding: TextEncoding,
    /// The layer (table) name in a GeoPackage.
    pub layer_name: String,
}

impl Default for WriteOptions {
    fn default() -> Self {
        Self { to_crs: Crs::Wgs84, encoding: TextEncoding::Utf8, layer_name: "layer".to_owned() }
    }
}

/// What was written, and what the format changed.
#[derive(Clone, Debug, Default)]
pub struct WriteReport {
    /// The files written.
    pub files: Vec<String>,
    /// Features written.
    pub features: usize,
    /// What the format changed (renamed fields, cut text), in English and Chinese.
    pub notes: Vec<(String, String)>,
}

/// Writes features (WGS84) to `path`, in the format its extension names.
pub fn write(path: &Path, features: &[Feature], options: &WriteOptions) -> Result<WriteReport, WriteError> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => write_geojson(path, features, options),
        "gpkg" => write_gpkg(path, features, options),
        "shp" => write_shapefile(path, features, options),
        _ => Err(WriteError::UnknownFormat(path.to_path_buf())),
    }
}

/// Converts a WGS84 geometry to the target system.
fn project(g: &Geometry<f64>, crs: Crs, path: &Path) -> Result<Geometry<f64>, WriteError> {
    if matches!(crs, Crs::Wgs84 | Crs::Cgcs2000) {
        return Ok(g.clone());
    }
    g.try_map_coords(|c| {
        let (x, y) = crs.from_wgs84(c.x, c.y);
        if x.is_finite() && y.is_finite() { Ok(geo::Coord { x, y }) } else { Err((c.x, c.y)) }
    })
    .map_err(|(lon, lat)| WriteError::Transform {
        path: path.to_path_buf(),
        lon,
        lat,
        crs: crs.label_en(),
        crs_zh: crs.label_zh(),
    })
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_path_buf(), source }
}

/// Writes a file whole ([`crate::io::atomic`]), so a reader (or the app's own watcher) never
/// sees half of it and a failed write leaves the old file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    crate::io::atomic::write(path, bytes).map_err(io_err(path))
}

fn write_geojson(path: &Path, features: &[Feature], options: &WriteOptions) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    let mut out = String::from("{\"type\":\"FeatureCollection\",");
    if options.to_crs != Crs::Wgs84 {
        // Not RFC 7946 any more: say so in the file, as GDAL does, so every reader knows.
        let name = match options.to_crs.epsg() {
            Some(code) => format!("urn:ogc:def:crs:EPSG::{code}"),
            None => options.to_crs.name(),
        };
        out.push_str(&format!("\"crs\":{{\"type\":\"name\",\"properties\":{{\"name\":{}}}}},", Value::String(name)));
        report.notes.push((
            format!(
                "coordinates are in {}, with a legacy \"crs\" member: not RFC 7946 (which is WGS84 only)",
                options.to_crs.label_en()
            ),
            format!("坐标为 {}，带旧式 \"crs\" 成员：不符合 RFC 7946（仅限 WGS84）", options.to_crs.label_zh()),
        ));
    }
    out.push_str("\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        let g = f.geometry.as_ref().map(|g| project(g, options.to_crs, path)).transpose()?;
        let gj = geojson::Feature {
            bbox: None,
            geometry: g.as_ref().map(|g| geojson::Geometry::new(geojson::GeometryValue::from(g))),
            id: f.id.clone().map(geojson::feature::Id::String),
            properties: Some(f.properties.to_map()),
            foreign_members: None,
        };
        out.push_str(
            &serde_json::to_string(&gj)
                .map_err(|e| WriteError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?,
        );
    }
    out.push_str("\n]}\n");
    write_atomically(path, out.as_bytes())?;
    report.files.push(path.display().to_string());
    report.features = features.len();
    Ok(report)
}

/// The kind of a column, inferred from every value in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Integer,
    Real,
    Text,
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Kind::Integer,
        Value::Number(_) => Kind::Real,
        _ => Kind::Text,
    }
}

fn merge(a: Kind, b: Kind) -> Kind {
    match (a, b) {
        (Kind::Null, k) | (k, Kind::Null) => k,
        (x, y) if x == y => x,
        (Kind::Integer, Kind::Real) | (Kind::Real, Kind::Integer) => Kind::Real,
        _ => Kind::Text,
    }
}

/// The columns of the features, in order of first appearance, with their kinds.
fn columns(features: &[Feature]) -> Vec<(String, Kind)> {
    let mut order: Vec<String> = Vec::new();
    let mut kinds: BTreeMap<String, Kind> = BTreeMap::new();
    for f in features {
        for (k, v) in f.properties.iter() {
            match kinds.get_mut(k) {
                Some(kind) => *kind = merge(*kind, kind_of(v)),
                None => {
                    order.push(k.clone());
                    kinds.insert(k.clone(), kind_of(v));
                }
            }
        }
    }
    order
        .into_iter()
        .map(|k| {
            let kind = kinds.get(&k).copied().unwrap_or(Kind::Text);
            (k, kind)
        })
        .collect()
}

/// A value as text for a text column.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn wkt_of(crs: Crs) -> Option<String> {
    let code = crs.epsg()?;
    u16::try_from(code).ok().and_then(crs_definitions::from_code).map(|d| d.wkt.to_owned())
}

fn write_gpkg(path: &Path, features: &[Feature], options: &WriteOptions) -> Result<WriteReport, WriteError> {
    use geozero::{CoordDimensions, ToWkb};
    let sql = |source| WriteError::Sql { path: path.to_path_buf(), source };
    let tmp = path.with_extension("gpkg.part");
    let _ = std::fs::remove_file(&tmp);
    let mut conn = rusqlite::Connection::open(&tmp).map_err(sql)?;
    let srs_id: i64 = match options.to_crs {
        Crs::Wgs84 => 4326,
        c => c.epsg().map_or(100_000, i64::from),
    };
    let (org, org_id) = match options.to_crs.epsg() {
        Some(code) => ("EPSG", i64::from(code)),
        None => ("NONE", srs_id),
    };
    let definition = wkt_of(options.to_crs).unwrap_or_else(|| "undefined".to_owned());
    let cols = columns(features);
    let table = &options.layer_name;
    let q = super::gpkg::quote;
    let tx = conn.transaction().map_err(sql)?;
    tx.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL), ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL);",
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT OR REPLACE INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
        rusqlite::params![options.to_crs.label_en(), srs_id, org, org_id, definition],
    )
    .map_err(sql)?;
    // Column names: SQLite's are case-insensitive, and `fid` and `geom` are taken.
    let mut notes = Vec::new();
    let mut sql_names: Vec<String> = Vec::with_capacity(cols.len());
    for (key, _) in &cols {
        let base = if key.trim().is_empty() { "field".to_owned() } else { key.clone() };
        let taken = |n: &str, used: &[String]| {
            ["fid", "geom"].iter().any(|r| r.eq_ignore_ascii_case(n)) || used.iter().any(|u| u.eq_ignore_ascii_case(n))
        };
        let mut name = base.clone();
        let mut k = 1;
        while taken(&name, &sql_names) {
            name = format!("{base}_{k}");
            k += 1;
        }
        if name != *key {
            notes.push((
                format!("field {key:?} is named {name:?} (GeoPackage column names differ regardless of case, and fid and geom are taken)"),
                format!("字段 {key:?} 改名为 {name:?}（GeoPackage 列名不区分大小写，且 fid、geom 已占用）"),
            ));
        }
        sql_names.push(name);
    }
    let mut create = format!("CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY", q(table));
    for ((_, kind), name) in cols.iter().zip(&sql_names) {
        let ty = match kind {
            Kind::Bool => "BOOLEAN",
            Kind::Integer => "INTEGER",
            Kind::Real => "REAL",
            Kind::Null | Kind::Text => "TEXT",
        };
        create.push_str(&format!(", {} {ty}", q(name)));
    }
    create.push(')');
    tx.execute(&create, []).map_err(sql)?;
    let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    {
        let placeholders: Vec<String> = (0..cols.len() + 1).map(|i| format!("?{}", i + 1)).collect();
        let names: Vec<String> = std::iter::once("geom".to_owned()).chain(sql_names.iter().map(|n| q(n))).collect();
        let mut stmt = tx
            .prepare(&format!("INSERT INTO {} ({}) VALUES ({})", q(table), names.join(", "), placeholders.join(", ")))
            .map_err(sql)?;
        for f in features {
            let blob = match &f.geometry {
                Some(g) => {
                    let g = project(g, options.to_crs, path)?;
                    if let Some(r) = geo::BoundingRect::bounding_rect(&g) {
                        bbox = [
                            bbox[0].min(r.min().x),
                            bbox[1].min(r.min().y),
                            bbox[2].max(r.max().x),
                            bbox[3].max(r.max().y),
                        ];
                    }
                    let wkb = g.to_wkb(CoordDimensions::xy()).map_err(|e| WriteError::DoesNotFit {
                        path: path.to_path_buf(),
                        why: e.to_string(),
                        why_zh: format!("几何无法编码为 WKB：{e}"),
                    })?;
                    // GeoPackage header: magic, version 0, flags (little-endian, no envelope), srs id.
                    let mut b = Vec::with_capacity(8 + wkb.len());
                    b.extend_from_slice(b"GP");
                    b.push(0);
                    b.push(0b0000_0001);
                    b.extend_from_slice(&(srs_id as i32).to_le_bytes());
                    b.extend_from_slice(&wkb);
                    Some(b)
                }
                None => None,
            };
            let mut values: Vec<rusqlite::types::Value> =
                vec![blob.map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Blob)];
            for (name, kind) in &cols {
                let v = f.properties.get(name).unwrap_or(&Value::Null);
                values.push(match (kind, v) {
                    (_, Value::Null) => rusqlite::types::Value::Null,
                    (Kind::Bool, Value::Bool(b)) => rusqlite::types::Value::Integer(i64::from(*b)),
                    (Kind::Integer, Value::Number(n)) => {
                        n.as_i64().map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Integer)
                    }
                    (Kind::Real, Value::Number(n)) => {
                        n.as_f64().map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Real)
                    }
                    (_, other) => text_of(other).map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text),
                });
            }
            stmt.execute(rusqlite::params_from_iter(values)).map_err(sql)?;
        }
    }
    let has_bbox = bbox[0].is_finite();
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            table,
            has_bbox.then_some(bbox[0]),
            has_bbox.then_some(bbox[1]),
            has_bbox.then_some(bbox[2]),
            has_bbox.then_some(bbox[3]),
            srs_id
        ],
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'GEOMETRY', ?2, 0, 0)",
        rusqlite::params![table, srs_id],
    )
    .map_err(sql)?;
    tx.commit().map_err(sql)?;
    drop(conn);
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    Ok(WriteReport { files: vec![path.display().to_string()], features: features.len(), notes })
}

/// The shapefile geometry type family of a geometry.
fn shape_family(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "point",
        Geometry::MultiPoint(_) => "multipoint",
        Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => "line",
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "polygon",
        Geometry::GeometryCollection(_) => "collection",
    }
}

/// A DBF column to write.
struct DbfField {
    key: String,
    name: Vec<u8>,
    kind: Kind,
    /// 'C', 'N' or 'L'.
    ty: u8,
    len: u8,
    decimals: u8,
}

/// Cuts text to at most `max` bytes in `enc`, on a character boundary.
fn cut_to_bytes(s: &str, enc: TextEncoding, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for ch in s.chars() {
        let mut buf = [0u8; 4];
        let b = enc.encode(ch.encode_utf8(&mut buf));
        if out.len() + b.len() > max {
            break;
        }
        out.extend_from_slice(&b);
    }
    out
}

fn write_shapefile(path: &Path, features: &[Feature], options: &WriteOptions) -> Result<WriteReport, WriteError> {
    let shown = path.to_path_buf();
    let mut report = WriteReport::default();
    let families: BTreeMap<&str, usize> =
        features.iter().filter_map(|f| f.geometry.as_ref()).fold(BTreeMap::new(), |mut m, g| {
            *m.entry(shape_family(g)).or_insert(0) += 1;
            m
        });
    if families.len() > 1 || families.contains_key("collection") {
        let list = families.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", ");
        return Err(WriteError::DoesNotFit {
            path: shown,
            why: format!(
                "a shapefile holds one geometry type, the layer has {list}: write a GeoPackage (.gpkg) instead"
            ),
            why_zh: format!("shapefile 只能存一种几何类型，而图层有 {list}：请改写为 GeoPackage（.gpkg）"),
        });
    }
    let enc = options.encoding;
    // Fields: names cut to 10 bytes in the file's encoding and made unique.
    let mut fields: Vec<DbfField> = Vec::new();
    for (key, kind) in columns(features) {
        let mut name = cut_to_bytes(&key, enc, 10);
        let mut n = 1;
        while fields.iter().any(|f| f.name.eq_ignore_ascii_case(&name)) {
            let suffix = format!("_{n}");
            let mut base = cut_to_bytes(&key, enc, 10 - suffix.len());
            base.extend_from_slice(suffix.as_bytes());
            name = base;
            n += 1;
        }
        let shown_name = enc.decode(&name).0;
        if shown_name != key {
            report.notes.push((
                format!("field {key:?} is named {shown_name:?} (shapefile field names hold 10 bytes)"),
                format!("字段 {key:?} 改名为 {shown_name:?}（shapefile 字段名最多 10 字节）"),
            ));
        }
        let (ty, len, decimals) = match kind {
            Kind::Bool => (b'L', 1, 0),
            Kind::Integer => {
                let width = features
                    .iter()
                    .filter_map(|f| f.properties.get(&key))
                    .filter(|v| !v.is_null())
                    .map(|v| v.to_string().len())
                    .max()
                    .unwrap_or(1);
                (b'N', width.clamp(1, 20) as u8, 0)
            }
            Kind::Real => (b'N', 24, 15),
            Kind::Null | Kind::Text => {
                let longest = features
                    .iter()
                    .filter_map(|f| f.properties.get(&key).and_then(text_of))
                    .map(|s| enc.encode(&s).len())
                    .max()
                    .unwrap_or(1);
                if longest > 254 {
                    report.notes.push((
                        format!("field {key:?}: text longer than 254 bytes is cut (the shapefile limit)"),
                        format!("字段 {key:?}：超过 254 字节的文本被截断（shapefile 的上限）"),
                    ));
                }
                (b'C', longest.clamp(1, 254) as u8, 0)
            }
        };
        fields.push(DbfField { key, name, kind, ty, len, decimals });
    }

    // Geometry: one shape type per file, so the shapes are gathered by type.
    let mut polygons = Vec::new();
    let mut lines = Vec::new();
    let mut points = Vec::new();
    let mut multipoints = Vec::new();
    let nulls = features.iter().filter(|f| f.geometry.is_none()).count();
    if nulls > 0 {
        return Err(WriteError::DoesNotFit {
            path: shown,
            why: format!(
                "{nulls} features have no geometry, which this shapefile writer cannot store: write a GeoPackage (.gpkg) instead"
            ),
            why_zh: format!("有 {nulls} 个要素没有几何，本程序写 shapefile 时无法保存：请改写为 GeoPackage（.gpkg）"),
        });
    }
    for g in features.iter().filter_map(|f| f.geometry.as_ref()) {
        let g = match project(g, options.to_crs, path)? {
            Geometry::Rect(r) => Geometry::Polygon(r.to_polygon()),
            Geometry::Triangle(t) => Geometry::Polygon(t.to_polygon()),
            other => other,
        };
        match shapefile::Shape::try_from(g) {
            Ok(shapefile::Shape::Polygon(p)) => polygons.push(p),
            Ok(shapefile::Shape::Polyline(l)) => lines.push(l),
            Ok(shapefile::Shape::Point(p)) => points.push(p),
            Ok(shapefile::Shape::Multipoint(m)) => multipoints.push(m),
            Ok(_) => {}
            Err(e) => {
                return Err(WriteError::DoesNotFit {
                    path: shown.clone(),
                    why: e.to_owned(),
                    why_zh: format!("几何无法转为 shapefile 图形：{e}"),
                });
            }
        }
    }
    let shx_path = path.with_extension("shx");
    let tmp_shp = path.with_extension("shp.part");
    let tmp_shx = path.with_extension("shx.part");
    {
        let shp = std::io::BufWriter::new(std::fs::File::create(&tmp_shp).map_err(io_err(path))?);
        let shx = std::io::BufWriter::new(std::fs::File::create(&tmp_shx).map_err(io_err(path))?);
        let mut writer = shapefile::ShapeWriter::with_shx(shp, shx);
        let fit = |e: shapefile::Error| WriteError::DoesNotFit {
            path: shown.clone(),
            why: e.to_string(),
            why_zh: format!("shapefile 写入出错：{e}"),
        };
        for p in &polygons {
            writer.write_shape(p).map_err(fit)?;
        }
        for l in &lines {
            writer.write_shape(l).map_err(fit)?;
        }
        for p in &points {
            writer.write_shape(p).map_err(fit)?;
        }
        for m in &multipoints {
            writer.write_shape(m).map_err(fit)?;
        }
        writer.finalize().map_err(fit)?;
    }
    let dbf = dbf_bytes(features, &fields, enc);
    write_atomically(&path.with_extension("dbf"), &dbf)?;
    write_atomically(&path.with_extension("cpg"), enc.name().as_bytes())?;
    match wkt_of(options.to_crs) {
        Some(wkt) => write_atomically(&path.with_extension("prj"), wkt.as_bytes())?,
        None => report.notes.push((
            format!("no .prj written: {} has no EPSG definition to write", options.to_crs.label_en()),
            format!("未写 .prj：{} 没有可写出的 EPSG 定义", options.to_crs.label_zh()),
        )),
    }
    std::fs::rename(&tmp_shx, &shx_path).map_err(io_err(path))?;
    std::fs::rename(&tmp_shp, path).map_err(io_err(path))?;
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let p = path.with_extension(ext);
        if p.is_file() {
            report.files.push(p.display().to_string());
        }
    }
    report.features = features.len();
    Ok(report)
}

/// A dBase III table: header, field descriptors, records, end mark. Written here rather than by
/// the dbase crate because that writes field names as UTF-8 whatever the table's encoding, and a
/// GBK shapefile needs GBK names for ArcGIS to read them.
fn dbf_bytes(features: &[Feature], fields: &[DbfField], enc: TextEncoding) -> Vec<u8> {
    let record_len: usize = 1 + fields.iter().map(|f| usize::from(f.len)).sum::<usize>();
    let header_len = 32 + 32 * fields.len() + 1;
    let mut out = Vec::with_capacity(header_len + record_len * features.len() + 1);
    out.push(0x03);
    // Last update: 2000-01-01 keeps the output reproducible (readers ignore the date).
    out.extend_from_slice(&[100, 1, 1]);
    out.extend_from_slice(&(features.len() as u32).to_le_bytes());
    out.extend_from_slice(&(header_len as u16).to_le_bytes());
    out.extend_from_slice(&(record_len.min(u16::MAX as usize) as u16).to_le_bytes());
    out.extend_from_slice(&[0u8; 17]);
    out.push(enc.ldid());
    out.extend_from_slice(&[0u8; 2]);
    for f in fields {
        let mut name = [0u8; 11];
        name[..f.name.len().min(10)].copy_from_slice(&f.name[..f.name.len().min(10)]);
        out.extend_from_slice(&name);
        out.push(f.ty);
        out.extend_from_slice(&[0u8; 4]);
        out.push(f.len);
        out.push(f.decimals);
        out.extend_from_slice(&[0u8; 14]);
    }
    out.push(0x0D);
    for feat in features {
        out.push(b' ');
        for f in fields {
            let width = usize::from(f.len);
            let v = feat.properties.get(&f.key).unwrap_or(&Value::Null);
            let cell: Vec<u8> = match (f.ty, v) {
                (b'L', Value::Bool(b)) => vec![if *b { b'T' } else { b'F' }],
                (b'L', _) => vec![b'?'],
                (_, Value::Null) => vec![b' '; width],
                (b'N', Value::Number(n)) => {
                    let text = if f.kind == Kind::Integer {
                        n.to_string()
                    } else {
                        let x = n.as_f64().unwrap_or(0.0);
                        // Fewer decimals where the whole part needs the room.
                        (0..=usize::from(f.decimals))
                            .rev()
                            .map(|d| format!("{x:.d$}"))
                            .find(|t| t.len() <= width)
                            .unwrap_or_else(|| format!("{x:e}"))
                    };
                    let mut t = format!("{text:>width$}").into_bytes();
                    t.truncate(width);
                    t
                }
                (_, other) => {
                    let mut t = cut_to_bytes(&text_of(other).unwrap_or_default(), enc, width);
                    t.resize(width, b' ');
                    t
                }
            };
            out.extend_from_slice(&cell);
        }
    }
    out.push(0x1A);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_in_both_languages() {
        let dir = std::env::temp_dir().join(format!("kuiwen-write-errors-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let point = |g: Option<Geometry<f64>>| Feature::new(None, g, serde_json::Map::new());
        let txt = dir.join("控规地块.txt");
        let e = write(&txt, &[], &WriteOptions::default()).err().unwrap_or_else(|| panic!("a .txt written"));
        let shown = txt.display().to_string();
        assert!(e.zh().contains(&shown) && e.zh().contains("无法写入") && e.zh().contains(".gpkg"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains(&shown), "{e}");

        let shp = dir.join("地块.shp");
        let features = [point(Some(Geometry::Point(geo::Point::new(119.1, 36.7)))), point(None), point(None)];
        let e = write(&shp, &features, &WriteOptions::default()).err().unwrap_or_else(|| panic!("null geometry"));
        let zh = e.zh();
        assert!(zh.contains(&shp.display().to_string()) && zh.contains("有 2 个要素没有几何"), "{zh}");
        assert_eq!(e.message(true), e.to_string());

        let e = WriteError::Transform {
            path: PathBuf::from("out.shp"),
            lon: 200.5,
            lat: 36.7,
            crs: Crs::Epsg(4528).label_en(),
            crs_zh: Crs::Epsg(4528).label_zh(),
        };
        assert!(e.zh().contains("out.shp") && e.zh().contains("(200.5, 36.7)") && e.zh().contains("EPSG:4528"));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn geopackage_columns_that_clash_are_renamed_and_reported() {
        let dir = std::env::temp_dir().join(format!("kuiwen-write-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("clash.gpkg");
        let props: serde_json::Map<String, Value> = [
            ("Name", Value::from("甲")),
            ("name", Value::from("乙")),
            ("geom", Value::from(1)),
            ("", Value::from(2.5)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let f = Feature::new(None, Some(Geometry::Point(geo::Point::new(119.1, 36.7))), props);
        let report = write(&path, &[f], &WriteOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.notes.len(), 3, "{:?}", report.notes);
        let back = crate::io::load_path(&path, crate::io::LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let p = &back.features[0].properties;
        let values: Vec<String> = p.values().map(ToString::to_string).collect();
        assert_eq!(p.len(), 4, "{values:?}");
        for v in ["\"甲\"", "\"乙\"", "1", "2.5"] {
            assert!(values.iter().any(|x| x == v), "{v} in {values:?}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
