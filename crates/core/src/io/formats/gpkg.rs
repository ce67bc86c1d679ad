//! OGC GeoPackage: an SQLite file (rusqlite with SQLite bundled) of feature tables, geometry as
//! GeoPackage WKB blobs (decoded by geozero), and coordinate systems in `gpkg_spatial_ref_sys`.

use std::path::Path;

use geozero::ToGeo;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::encoding::{EncodingSource, TextEncoding};
use super::{FileCrs, Progress, assemble, simplify_parts};
use crate::io::crs::Crs;
use crate::io::geojson::{Diagnostic, LoadError, LoadOptions, Parsed};

/// A feature table of a GeoPackage.
#[derive(Clone, Debug)]
struct LayerDef {
    table: String,
    geometry_column: String,
    srs_id: i64,
}

fn sql_error(path: &Path, e: &rusqlite::Error) -> LoadError {
    let shown = path.display().to_string();
    LoadError::Invalid(Diagnostic::new(
        format!("{shown}: not a readable GeoPackage: {e}"),
        format!("{shown}：无法作为 GeoPackage 读取：{e}"),
    ))
}

fn open(path: &Path) -> Result<Connection, LoadError> {
    // Read-only, and no writes to a file another program (QGIS, ArcGIS) may have open.
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| sql_error(path, &e))
}

fn layer_defs(conn: &Connection, path: &Path) -> Result<Vec<LayerDef>, LoadError> {
    let mut stmt = conn
        .prepare(
            "SELECT g.table_name, g.column_name, g.srs_id FROM gpkg_geometry_columns g \
             LEFT JOIN gpkg_contents c ON c.table_name = g.table_name ORDER BY c.rowid, g.table_name",
        )
        .map_err(|e| sql_error(path, &e))?;
    let rows = stmt
        .query_map([], |r| Ok(LayerDef { table: r.get(0)?, geometry_column: r.get(1)?, srs_id: r.get(2)? }))
        .map_err(|e| sql_error(path, &e))?;
    rows.collect::<Result<Vec<_>, _>>().map_err(|e| sql_error(path, &e))
}

/// The feature layers of a GeoPackage, in the file's order.
pub fn list_layers(path: &Path) -> Result<Vec<String>, LoadError> {
    let conn = open(path)?;
    Ok(layer_defs(&conn, path)?.into_iter().map(|l| l.table).collect())
}

/// What `gpkg_spatial_ref_sys` says of a system.
fn stated_crs(conn: &Connection, srs_id: i64) -> FileCrs {
    let row = conn.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    );
    match row {
        Ok((org, code, _)) if org.eq_ignore_ascii_case("EPSG") => match Crs::from_epsg(code as u32) {
            Ok(c) => FileCrs::Stated(c, "gpkg_spatial_ref_sys".to_owned()),
            Err(e) => FileCrs::Unusable(e),
        },
        Ok((_, _, definition)) if !definition.trim().is_empty() && definition != "undefined" => {
            FileCrs::from_wkt(&definition, "gpkg_spatial_ref_sys")
        }
        // srs_id 0 and -1 are "undefined geographic/cartesian" in the standard.
        _ => FileCrs::Unstated,
    }
}

/// Reads one layer of a GeoPackage (the one named in the options, else the first).
pub fn read(path: &Path, options: &LoadOptions, progress: &Progress<'_>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let conn = open(path)?;
    let layers = layer_defs(&conn, path)?;
    let names: Vec<String> = layers.iter().map(|l| l.table.clone()).collect();
    let layer = match &options.layer {
        Some(name) => layers.iter().find(|l| l.table == *name).ok_or_else(|| {
            LoadError::Invalid(Diagnostic::new(
                format!("{shown}: no layer {name:?}; the layers are: {}", names.join(", ")),
                format!("{shown}：没有图层 {name:?}；现有图层：{}", names.join("、")),
            ))
        })?,
        None => layers.first().ok_or_else(|| {
            LoadError::Invalid(Diagnostic::new(
                format!("{shown}: the GeoPackage has no feature layers (only tables or tiles)"),
                format!("{shown}：该 GeoPackage 中没有矢量图层（只有表格或瓦片）"),
            ))
        })?,
    };
    let (min_rowid, max_rowid, count): (i64, i64, i64) = conn
        .query_row(
            &format!("SELECT ifnull(min(rowid), 0), ifnull(max(rowid), -1), count(*) FROM {}", quote(&layer.table)),
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| sql_error(path, &e))?;
    let fid = primary_key(&conn, &layer.table);
    // Each core reads its own range of rows through its own connection, decoding geometry as it
    // goes; the ranges are by row id, in the table's order.
    let span = (max_rowid - min_rowid + 1).max(0) as usize;
    let reader = RowReader { path, layer, fid: fid.as_deref(), total: count.max(0) as usize, progress };
    let all = super::read_in_parts(span, |r| reader.read(min_rowid + r.start as i64, min_rowid + r.end as i64))?;
    let (raw, warnings) = (all.raw, all.problems);
    let stated = stated_crs(&conn, layer.srs_id);
    let mut parsed = assemble(raw, options.declared_crs, stated, warnings)?;
    parsed.name = Some(layer.table.clone());
    parsed.source.layer = Some(layer.table.clone());
    parsed.source.layers = names;
    parsed.source.encoding = Some((TextEncoding::Utf8, EncodingSource::Format));
    Ok(parsed)
}

/// Reads a range of a feature table's rows.
struct RowReader<'a> {
    path: &'a Path,
    layer: &'a LayerDef,
    fid: Option<&'a str>,
    total: usize,
    progress: &'a Progress<'a>,
}

impl RowReader<'_> {
    /// The rows with `from <= rowid < to`, with the warnings for geometry that cannot be decoded.
    fn read(&self, from: i64, to: i64) -> Result<super::Part, LoadError> {
        let path = self.path;
        let conn = open(path)?;
        let mut stmt = conn
            .prepare(&format!(
                "SELECT * FROM {} WHERE rowid >= ?1 AND rowid < ?2 ORDER BY rowid",
                quote(&self.layer.table)
            ))
            .map_err(|e| sql_error(path, &e))?;
        let columns: Vec<String> = stmt.column_names().iter().map(|c| (*c).to_owned()).collect();
        let geom_index = columns.iter().position(|c| c.eq_ignore_ascii_case(&self.layer.geometry_column));
        let fid_index = self.fid.and_then(|pk| columns.iter().position(|c| c == pk));
        let mut rows = stmt.query([from, to]).map_err(|e| sql_error(path, &e))?;
        let mut raw = Vec::new();
        let mut warnings = Vec::new();
        while let Some(row) = rows.next().map_err(|e| sql_error(path, &e))? {
            let i = raw.len();
            if i % 1024 == 1023 {
                self.progress.advance(1024, self.total)?;
            }
            let mut props: Vec<(&str, Value)> = Vec::with_capacity(columns.len());
            let mut geometry = None;
            let mut id = None;
            for (c, name) in columns.iter().enumerate() {
                let value = row.get_ref(c).map_err(|e| sql_error(path, &e))?;
                if Some(c) == geom_index {
                    if let ValueRef::Blob(blob) = value {
                        match geozero::wkb::GpkgWkb(blob).to_geo() {
                            Ok(g) => geometry = Some(simplify_parts(g)),
                            Err(e) => super::unusable_geometry(&mut warnings, i, &e),
                        }
                    }
                    continue;
                }
                if Some(c) == fid_index {
                    if let ValueRef::Integer(n) = value {
                        id = Some(n.to_string());
                    }
                    continue;
                }
                props.push((name.as_str(), sql_value(value)));
            }
            raw.push((id, geometry, crate::model::Properties::from_pairs(props)));
        }
        Ok(super::Part { raw, problems: warnings })
    }
}

/// The integer primary key column of a table (the feature id), if any.
fn primary_key(conn: &Connection, table: &str) -> Option<String> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({})", quote(table))).ok()?;
    let mut rows = stmt.query([]).ok()?;
    while let Ok(Some(r)) = rows.next() {
        let pk: i64 = r.get(5).ok()?;
        if pk == 1 {
            return r.get(1).ok();
        }
    }
    None
}

/// An SQL identifier in double quotes.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::String(format!("<{} bytes>", b.len())),
    }
}
