//! What can go wrong talking to PostGIS, in Chinese and English, with where: the server, the
//! table, the feature.

use kuiwen_core::i18n::Bilingual;

/// A PostGIS error.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    /// The connection text could not be read.
    #[error("connection text: {0}")]
    BadSpec(String),
    /// No password was given, and none is in PGPASSWORD or the password file.
    #[error("{server}: a password is needed (type it, or set PGPASSWORD or ~/.pgpass)")]
    NeedsPassword {
        /// `user@host:port/dbname`.
        server: String,
    },
    /// The server could not be reached or refused the login.
    #[error("{server}: cannot connect: {detail}")]
    Connect {
        /// `user@host:port/dbname`.
        server: String,
        /// The driver's or the server's message.
        detail: String,
    },
    /// The connection was lost while working.
    #[error("{server}: connection lost: {detail}")]
    Lost {
        /// `user@host:port/dbname`.
        server: String,
        /// The driver's message.
        detail: String,
    },
    /// The database has no PostGIS extension.
    #[error("{server}: the database has no PostGIS (CREATE EXTENSION postgis)")]
    NoPostgis {
        /// `user@host:port/dbname`.
        server: String,
    },
    /// The table is not a spatial table the database knows (not in geometry_columns).
    #[error("{table}: no such spatial table (not in geometry_columns)")]
    NoTable {
        /// `schema.table`.
        table: String,
    },
    /// The table's geometry has SRID 0 or one the server cannot transform.
    #[error(
        "{table}: the geometry column has SRID {srid}, which the server cannot transform to WGS84; set it with UpdateGeometrySRID"
    )]
    BadSrid {
        /// `schema.table`.
        table: String,
        /// The SRID.
        srid: i32,
    },
    /// A table of that name exists and overwriting was not confirmed.
    #[error("{table} already exists; confirm overwriting it (--overwrite)")]
    Exists {
        /// `schema.table`.
        table: String,
    },
    /// A geometry from the server could not be read.
    #[error("{table}, row {row}: unreadable geometry: {detail}")]
    Geometry {
        /// `schema.table`.
        table: String,
        /// 1-based row number in the result.
        row: usize,
        /// What the WKB reader said.
        detail: String,
    },
    /// A query failed on the server.
    #[error("{table}: {detail}")]
    Query {
        /// `schema.table`, or the server for catalogue queries.
        table: String,
        /// The server's message.
        detail: String,
    },
}

impl Bilingual for PgError {
    fn zh(&self) -> String {
        match self {
            PgError::BadSpec(d) => format!("数据库连接参数有误：{d}"),
            PgError::NeedsPassword { server } => {
                format!("{server}：需要密码（请输入，或设置 PGPASSWORD 环境变量或 ~/.pgpass 密码文件）")
            }
            PgError::Connect { server, detail } => format!("{server}：无法连接数据库：{detail}"),
            PgError::Lost { server, detail } => format!("{server}：数据库连接已断开：{detail}"),
            PgError::NoPostgis { server } => {
                format!("{server}：该数据库未安装 PostGIS 扩展（需执行 CREATE EXTENSION postgis）")
            }
            PgError::NoTable { table } => format!("{table}：没有这个空间表（geometry_columns 中找不到）"),
            PgError::BadSrid { table, srid } => format!(
                "{table}：几何字段的 SRID 为 {srid}，服务器无法转换到 WGS84，请用 UpdateGeometrySRID 设定正确的坐标系"
            ),
            PgError::Exists { table } => format!("{table} 已存在；确认覆盖后才会替换（--overwrite）"),
            PgError::Geometry { table, row, detail } => format!("{table} 第 {row} 行：几何无法读取：{detail}"),
            PgError::Query { table, detail } => format!("{table}：{detail}"),
        }
    }
}

impl PgError {
    /// Whether the error means the connection is gone (so a live layer reconnects), rather than
    /// a problem with the data or the request.
    pub fn is_connection(&self) -> bool {
        matches!(self, PgError::Connect { .. } | PgError::Lost { .. })
    }
}

/// The server's own message of a driver error (its `DETAIL` and `HINT` when it sent them), not
/// the driver's "db error" wrapper.
pub(crate) fn detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_owned();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!(" — {h}"));
            }
            s
        }
        None => kuiwen_core::i18n::error_chain(e),
    }
}
