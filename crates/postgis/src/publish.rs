//! Publishing a layer to a PostGIS table (成果共享): the whole table written in one
//! transaction, so a failure half-way leaves the database as it was, and an existing table
//! replaced only when the planner confirmed it.
//!
//! Rows go in with COPY as WGS84 EWKB, then the server transforms the column to the chosen SRID
//! (PostGIS's PROJ, the same as every other client of the database would use), builds the
//! spatial index and gathers statistics, all before the commit.

use std::io::Write;
use std::time::{Duration, Instant};

use geo::Geometry;
use geozero::{CoordDimensions, ToWkb};
use kuiwen_core::model::Feature;
use postgres::Client;
use serde_json::Value;

use crate::catalog::{col, query_error};
use crate::conn::{TableName, quote_ident};
use crate::error::PgError;
use crate::read::GDAL_FID;

/// How to publish.
#[derive(Clone, Debug, PartialEq)]
pub struct PublishOptions {
    /// The SRID of the table's geometry column (4326, 4490, 4528, 4549…).
    pub srid: i32,
    /// Replace an existing table of that name (confirmed by the planner).
    pub overwrite: bool,
}

/// What was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Published {
    /// The table.
    pub table: TableName,
    /// Rows written.
    pub rows: usize,
    /// The geometry column's type (`MultiPolygon`, `Point`, …).
    pub geometry_type: String,
    /// The column's SRID.
    pub srid: i32,
    /// Whether an existing table was replaced.
    pub replaced: bool,
    /// How long it took.
    pub elapsed: Duration,
}

/// The SQL type of a column, from the values the features hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnType {
    Bigint,
    Double,
    Boolean,
    Text,
    Jsonb,
}

impl ColumnType {
    fn sql(self) -> &'static str {
        match self {
            ColumnType::Bigint => "bigint",
            ColumnType::Double => "double precision",
            ColumnType::Boolean => "boolean",
            ColumnType::Text => "text",
            ColumnType::Jsonb => "jsonb",
        }
    }

    fn of(v: &Value) -> Option<Self> {
        match v {
            Value::Null => None,
            Value::Bool(_) => Some(ColumnType::Boolean),
            Value::Number(n) if n.is_i64() || n.is_u64() && n.as_i64().is_some() => Some(ColumnType::Bigint),
            Value::Number(_) => Some(ColumnType::Double),
            Value::String(_) => Some(ColumnType::Text),
            Value::Array(_) | Value::Object(_) => Some(ColumnType::Jsonb),
        }
    }

    /// The type that holds both: integers widen to doubles, anything else mixed becomes text.
    fn join(a: Option<Self>, b: Option<Self>) -> Option<Self> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(x), Some(y)) if x == y => Some(x),
            (Some(ColumnType::Bigint), Some(ColumnType::Double))
            | (Some(ColumnType::Double), Some(ColumnType::Bigint)) => Some(ColumnType::Double),
            _ => Some(ColumnType::Text),
        }
    }
}

/// Write `features` (WGS84) as the table `table` with geometry in `options.srid`.
pub fn publish(
    client: &mut Client,
    table: &TableName,
    features: &[Feature],
    options: &PublishOptions,
) -> Result<Published, PgError> {
    let started = Instant::now();
    let name = table.to_string();
    let err = |e: postgres::Error| query_error(&name, &e);
    // The columns, in first-seen order, with a type that holds every value.
    let mut columns: Vec<(String, Option<ColumnType>)> = Vec::new();
    for f in features {
        for (k, v) in f.properties.iter() {
            match columns.iter_mut().find(|(c, _)| c == k) {
                Some((_, t)) => *t = ColumnType::join(*t, ColumnType::of(v)),
                None => columns.push((k.clone(), ColumnType::of(v))),
            }
        }
    }
    let fid = if columns.iter().any(|(c, _)| c.eq_ignore_ascii_case(GDAL_FID)) { "kuiwen_fid" } else { GDAL_FID };
    let geom_col = if columns.iter().any(|(c, _)| c == "geom") { "kuiwen_geom" } else { "geom" };
    let (geometry_type, multi) = geometry_type(features);

    let mut tx = client.transaction().map_err(err)?;
    let exists: bool = tx.query_one("SELECT to_regclass($1) IS NOT NULL", &[&table.quoted()]).map_err(err)?.get(0);
    if exists && !options.overwrite {
        return Err(PgError::Exists { table: name });
    }
    let srid_known: bool = tx
        .query_one("SELECT EXISTS (SELECT 1 FROM spatial_ref_sys WHERE srid = $1)", &[&options.srid])
        .map_err(err)?
        .get(0);
    if !srid_known {
        return Err(PgError::BadSrid { table: name, srid: options.srid });
    }
    let mut ddl = format!("CREATE SCHEMA IF NOT EXISTS {};", quote_ident(&table.schema));
    if exists {
        ddl.push_str(&format!("DROP TABLE {};", table.quoted()));
    }
    let defs: Vec<String> =
        columns.iter().map(|(c, t)| format!("{} {}", col(c), t.unwrap_or(ColumnType::Text).sql())).collect();
    let mut all = vec![format!("{} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", col(fid))];
    all.extend(defs);
    all.push(format!("{} geometry(Geometry, 4326)", col(geom_col)));
    ddl.push_str(&format!("CREATE TABLE {} ({});", table.quoted(), all.join(", ")));
    tx.batch_execute(&ddl).map_err(err)?;

    let names: Vec<String> = columns.iter().map(|(c, _)| col(c)).chain([col(geom_col)]).collect();
    let copy = format!("COPY {} ({}) FROM STDIN", table.quoted(), names.join(", "));
    let mut writer = tx.copy_in(copy.as_str()).map_err(err)?;
    let mut line = String::new();
    for (i, f) in features.iter().enumerate() {
        line.clear();
        for (c, _) in &columns {
            match f.properties.get(c) {
                None | Some(Value::Null) => line.push_str("\\N"),
                Some(Value::String(s)) => copy_text(&mut line, s),
                Some(v) => copy_text(&mut line, &v.to_string()),
            }
            line.push('\t');
        }
        match &f.geometry {
            Some(g) => {
                let wkb = g.to_ewkb(CoordDimensions::xy(), Some(4326)).map_err(|e| PgError::Geometry {
                    table: name.clone(),
                    row: i + 1,
                    detail: e.to_string(),
                })?;
                for b in wkb {
                    line.push_str(&format!("{b:02X}"));
                }
            }
            None => line.push_str("\\N"),
        }
        line.push('\n');
        writer.write_all(line.as_bytes()).map_err(|e| PgError::Lost { server: name.clone(), detail: e.to_string() })?;
    }
    writer.finish().map_err(err)?;
    let g = col(geom_col);
    let target = if multi {
        format!("ST_Multi(ST_Transform({g}, {0}))", options.srid)
    } else {
        format!("ST_Transform({g}, {})", options.srid)
    };
    tx.batch_execute(&format!(
        "ALTER TABLE {t} ALTER COLUMN {g} TYPE geometry({geometry_type}, {srid}) USING {target};
         CREATE INDEX ON {t} USING GIST ({g});
         ANALYZE {t};",
        t = table.quoted(),
        srid = options.srid,
    ))
    .map_err(err)?;
    tx.commit().map_err(err)?;
    Ok(Published {
        table: table.clone(),
        rows: features.len(),
        geometry_type: geometry_type.to_owned(),
        srid: options.srid,
        replaced: exists,
        elapsed: started.elapsed(),
    })
}

/// The column type a layer's geometries fit, and whether singles are made multi to fit it:
/// points stay points; lines and polygons become MultiLineString and MultiPolygon (so one
/// table holds both kinds, as QGIS and ArcGIS expect a typed column); anything mixed is
/// `Geometry`.
fn geometry_type(features: &[Feature]) -> (&'static str, bool) {
    let mut kinds = features.iter().filter_map(|f| f.geometry.as_ref()).map(|g| match g {
        Geometry::Point(_) => 1,
        Geometry::MultiPoint(_) => 2,
        Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => 3,
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => 4,
        Geometry::GeometryCollection(_) => 5,
    });
    let first = kinds.next();
    if kinds.any(|k| Some(k) != first) {
        return ("Geometry", false);
    }
    match first {
        Some(1) => ("Point", false),
        Some(2) => ("MultiPoint", false),
        Some(3) => ("MultiLineString", true),
        Some(4) => ("MultiPolygon", true),
        _ => ("Geometry", false),
    }
}

/// A value in COPY's text format: backslash, tab, newline and carriage return escaped.
fn copy_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}
