//! Reading a spatial table into features: whole, or the rows in a view's extent simplified for
//! its zoom on the server, transformed to WGS84 there (PostGIS's PROJ), with attributes in
//! column order and the primary key as the feature id.

use geozero::ToGeo;
use kuiwen_core::model::{BBox, Feature, Properties};
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use serde_json::Value;

use crate::catalog::{TableInfo, col, query_error};
use crate::error::PgError;

/// At most this many features are read for one view. A view holding more (a city's buildings seen
/// whole) is not read at all and the read says so: an arbitrary part of them would look like
/// the whole, and reading them all would take seconds and memory a street view never needs.
/// The layer shows again once the planner zooms in, as a scale-dependent layer would.
pub const VIEW_MAX_FEATURES: i64 = 200_000;

/// GDAL's name for the id column it adds; as in GDAL, it is the feature id, not an attribute.
pub const GDAL_FID: &str = "ogc_fid";

/// Which rows to read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scope {
    /// Every row.
    Whole,
    /// The rows whose box meets `bbox` (WGS84 degrees), each geometry simplified on the server
    /// with `tolerance_deg` (0: not simplified).
    View {
        /// `[west, south, east, north]`.
        bbox: BBox,
        /// Simplification tolerance in degrees (about half a screen pixel).
        tolerance_deg: f64,
    },
}

/// The features read, and whether a view held too many to read.
#[derive(Debug, Default)]
pub struct TableRead {
    /// In WGS84.
    pub features: Vec<Feature>,
    /// Whether the view held more than [`VIEW_MAX_FEATURES`] rows, so none were read.
    pub truncated: bool,
}

/// Read a table. Rows stream from the server one at a time, so the memory is the features'.
pub fn read(client: &mut Client, info: &TableInfo, scope: Scope) -> Result<TableRead, PgError> {
    let table = info.table.to_string();
    if info.srid <= 0 {
        return Err(PgError::BadSrid { table, srid: info.srid });
    }
    if matches!(scope, Scope::View { .. }) && view_rows(client, info, scope)? > VIEW_MAX_FEATURES {
        return Ok(TableRead { features: Vec::new(), truncated: true });
    }
    let (sql, params) = select(info, scope);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
        params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
    let mut rows = client.query_raw(sql.as_str(), params).map_err(|e| srid_or_query(info, &e))?;
    let names: Vec<&String> = info.columns.iter().filter(|c| !is_hidden_key(info, c)).collect();
    let mut out = TableRead::default();
    while let Some(row) = rows.next().map_err(|e| srid_or_query(info, &e))? {
        let n = out.features.len() + 1;
        let wkb: Option<Vec<u8>> = row.get(0);
        let geometry = match wkb {
            Some(bytes) => Some(geozero::wkb::Wkb(bytes).to_geo().map_err(|e| PgError::Geometry {
                table: table.clone(),
                row: n,
                detail: e.to_string(),
            })?),
            None => None,
        };
        let id: Option<String> = row.get(1);
        let values: Option<String> = row.get(2);
        let values: Vec<Value> = match values {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| PgError::Query { table: table.clone(), detail: format!("row {n}: attributes: {e}") })?,
            None => Vec::new(),
        };
        let pairs: Vec<(&str, Value)> = names.iter().map(|s| s.as_str()).zip(values).collect();
        out.features.push(Feature::new(id, geometry, Properties::from_pairs(pairs)));
    }
    Ok(out)
}

/// The rows in a view, counted up to one more than [`VIEW_MAX_FEATURES`] (the index answers it
/// without reading the geometries).
pub(crate) fn view_rows(client: &mut Client, info: &TableInfo, scope: Scope) -> Result<i64, PgError> {
    let (filter, params) = filter(info, scope);
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} t {filter} LIMIT {}) s",
        info.table.quoted(),
        VIEW_MAX_FEATURES + 1
    );
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
        params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
    let row = client.query_one(sql.as_str(), &params).map_err(|e| srid_or_query(info, &e))?;
    Ok(row.get(0))
}

/// A cheap sign of change: the row count and a sum of row hashes over the same rows [`read`]
/// would read. Two equal fingerprints mean, short of a hash collision, the same rows.
pub fn fingerprint(client: &mut Client, info: &TableInfo, scope: Scope) -> Result<(i64, i64), PgError> {
    let (filter, params) = filter(info, scope);
    let sql = format!(
        "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0)::bigint FROM {} t {filter}",
        info.table.quoted()
    );
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
        params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
    let row = client.query_one(sql.as_str(), &params).map_err(|e| srid_or_query(info, &e))?;
    Ok((row.get(0), row.get(1)))
}

fn is_hidden_key(info: &TableInfo, column: &str) -> bool {
    info.key_column.as_deref() == Some(column) && column.eq_ignore_ascii_case(GDAL_FID)
}

/// The SELECT for a scope, and its parameters.
fn select(info: &TableInfo, scope: Scope) -> (String, Vec<f64>) {
    let g = format!("t.{}", col(&info.geometry_column));
    let mut geom = if info.srid == 4326 { g.clone() } else { format!("ST_Transform({g}, 4326)") };
    if let Scope::View { tolerance_deg, .. } = scope
        && tolerance_deg > 0.0
    {
        geom = format!("ST_SimplifyPreserveTopology({geom}, {tolerance_deg:e})");
    }
    let id = match &info.key_column {
        Some(k) => format!("t.{}::text", col(k)),
        None => "NULL::text".into(),
    };
    let cols: Vec<String> =
        info.columns.iter().filter(|c| !is_hidden_key(info, c)).map(|c| format!("to_json(t.{})", col(c))).collect();
    // An array, not json_build_array: that stops at 100 arguments, a planning table may not.
    let values = if cols.is_empty() {
        "'[]'::text".to_owned()
    } else {
        format!("array_to_json(ARRAY[{}])::text", cols.join(", "))
    };
    let (filter, params) = filter(info, scope);
    let order = match (&info.key_column, scope) {
        (Some(k), Scope::Whole) => format!(" ORDER BY t.{}", col(k)),
        _ => String::new(),
    };
    let sql = format!(
        "SELECT ST_AsBinary(ST_Force2D({geom})), {id}, {values} FROM {} t {filter}{order}",
        info.table.quoted()
    );
    (sql, params)
}

/// The WHERE clause of a view: the table's index finds the rows whose box meets the view's box,
/// transformed into the table's SRID (densified first, so the curved edges of a lon/lat box in a
/// projected system are covered).
fn filter(info: &TableInfo, scope: Scope) -> (String, Vec<f64>) {
    match scope {
        Scope::Whole => (String::new(), Vec::new()),
        Scope::View { bbox, .. } => {
            let g = format!("t.{}", col(&info.geometry_column));
            let envelope = "ST_MakeEnvelope($1, $2, $3, $4, 4326)";
            let area = if info.srid == 4326 {
                envelope.to_owned()
            } else {
                let step = ((bbox[2] - bbox[0]).max(bbox[3] - bbox[1]) / 16.0).max(1e-9);
                format!("ST_Transform(ST_Segmentize({envelope}, {step:e}), {})", info.srid)
            };
            (format!("WHERE {g} && {area}"), bbox.to_vec())
        }
    }
}

fn srid_or_query(info: &TableInfo, e: &postgres::Error) -> PgError {
    let detail = crate::error::detail(e);
    if detail.contains("spatial_ref_sys") || detail.contains("transform") && detail.contains("SRID") {
        PgError::BadSrid { table: info.table.to_string(), srid: info.srid }
    } else {
        query_error(&info.table.to_string(), e)
    }
}
