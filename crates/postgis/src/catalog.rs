//! What a database holds: its spatial tables and views (from PostGIS's `geometry_columns`), each
//! with geometry type, SRID, an idea of its size, its key column and its other columns.

use postgres::Client;

use crate::conn::{TableName, quote_ident};
use crate::error::{PgError, detail};

/// Tables up to this many rows are read whole; bigger ones are read by view (the features in
/// the map's extent, simplified for its zoom), so a table of millions never sits in memory.
pub const WHOLE_TABLE_MAX_ROWS: i64 = 50_000;

/// One spatial table or view.
#[derive(Clone, Debug, PartialEq)]
pub struct TableInfo {
    /// Schema and name.
    pub table: TableName,
    /// The geometry column.
    pub geometry_column: String,
    /// PostGIS's type name (`MULTIPOLYGON`, `POINT`, `GEOMETRY`…).
    pub geometry_type: String,
    /// The column's SRID (0: not set).
    pub srid: i32,
    /// The row count: exact for small tables, the planner's estimate for big ones.
    pub rows: Option<i64>,
    /// Whether `rows` is the server's estimate rather than a count.
    pub rows_estimated: bool,
    /// Whether it is a view (views are read whole or by view like tables, but not published to).
    pub is_view: bool,
    /// The single-column primary key, used as the features' id (so a live update is matched to
    /// the feature it changes); None for views and tables without one.
    pub key_column: Option<String>,
    /// The other columns, in table order, geometry columns left out.
    pub columns: Vec<String>,
}

impl TableInfo {
    /// Whether the table is small enough to read whole.
    pub fn read_whole(&self) -> bool {
        self.rows.is_none_or(|n| n <= WHOLE_TABLE_MAX_ROWS)
    }
}

/// Every spatial table and view the user can see, by schema and name. The row count is the
/// server's estimate (`pg_class.reltuples`), counted exactly when the table is small or has never
/// been analysed, within a 2 s statement limit.
pub fn list_tables(client: &mut Client, server: &str) -> Result<Vec<TableInfo>, PgError> {
    let has_postgis = client
        .query_opt("SELECT 1 FROM pg_extension WHERE extname = 'postgis'", &[])
        .map_err(|e| query_error(server, &e))?
        .is_some();
    if !has_postgis {
        return Err(PgError::NoPostgis { server: server.to_owned() });
    }
    let rows = client
        .query(
            "SELECT g.f_table_schema::text, g.f_table_name::text, g.f_geometry_column::text, g.type::text, g.srid, \
                    c.reltuples::float8, c.relkind::text, c.oid \
             FROM geometry_columns g \
             JOIN pg_namespace n ON n.nspname = g.f_table_schema \
             JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.f_table_name \
             WHERE has_table_privilege(c.oid, 'SELECT') \
             ORDER BY 1, 2, 3",
            &[],
        )
        .map_err(|e| query_error(server, &e))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let table = TableName { schema: row.get(0), name: row.get(1) };
        let reltuples: f64 = row.get(5);
        let relkind: String = row.get(6);
        let oid: u32 = row.get(7);
        let is_view = relkind == "v" || relkind == "m";
        let geometry_column: String = row.get(2);
        let (key_column, columns) = columns(client, oid, server)?;
        let mut info = TableInfo {
            table,
            geometry_column,
            geometry_type: row.get(3),
            srid: row.get(4),
            rows: (reltuples >= 0.0).then_some(reltuples as i64),
            rows_estimated: true,
            is_view,
            key_column: if is_view { None } else { key_column },
            columns,
        };
        if info.rows.is_none_or(|n| n <= WHOLE_TABLE_MAX_ROWS * 2)
            && let Some(n) = exact_count(client, &info.table)
        {
            info.rows = Some(n);
            info.rows_estimated = false;
        }
        out.push(info);
    }
    Ok(out)
}

/// One table's entry, or [`PgError::NoTable`].
pub fn table_info(client: &mut Client, server: &str, table: &TableName) -> Result<TableInfo, PgError> {
    list_tables(client, server)?
        .into_iter()
        .find(|t| &t.table == table)
        .ok_or_else(|| PgError::NoTable { table: table.to_string() })
}

/// The single-column primary key and the non-geometry columns of a table, in order.
fn columns(client: &mut Client, oid: u32, server: &str) -> Result<(Option<String>, Vec<String>), PgError> {
    let cols = client
        .query(
            "SELECT a.attname::text, t.typname::text FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
             WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
            &[&oid],
        )
        .map_err(|e| query_error(server, &e))?;
    let columns = cols
        .iter()
        .filter(|r| !matches!(r.get::<_, String>(1).as_str(), "geometry" | "geography"))
        .map(|r| r.get::<_, String>(0))
        .collect();
    let key = client
        .query(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = $1 AND i.indisprimary",
            &[&oid],
        )
        .map_err(|e| query_error(server, &e))?;
    let key_column = (key.len() == 1).then(|| key[0].get::<_, String>(0));
    Ok((key_column, columns))
}

/// `count(*)` within 2 s, or None (a big view, a slow server): the estimate stands.
fn exact_count(client: &mut Client, table: &TableName) -> Option<i64> {
    let mut tx = client.transaction().ok()?;
    tx.batch_execute("SET LOCAL statement_timeout = '2s'").ok()?;
    let n = tx.query_one(&format!("SELECT count(*) FROM {}", table.quoted()), &[]).ok().map(|r| r.get::<_, i64>(0));
    tx.rollback().ok()?;
    n
}

pub(crate) fn query_error(table: &str, e: &postgres::Error) -> PgError {
    // A server shutting down (57P01–57P03) or a connection exception (class 08) from the
    // server, or no server message at all (a reset socket, a closed connection): the link is
    // gone, and a live layer reconnects. Anything else is about the query or the data.
    let lost = match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || code.starts_with("57P")
        }
        None => true,
    };
    if lost || e.is_closed() {
        PgError::Lost { server: table.to_owned(), detail: detail(e) }
    } else {
        PgError::Query { table: table.to_owned(), detail: detail(e) }
    }
}

/// A column name quoted for SQL (re-exported for the reader and the publisher).
pub(crate) fn col(name: &str) -> String {
    quote_ident(name)
}
