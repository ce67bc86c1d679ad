//! PostGIS layers for Kuiwen Atlas: a district's shared data where the team keeps it.
//!
//! - [`conn`]: the connection text (`PG:host=… dbname=… table=…`), libpq's defaults and
//!   password file, and connecting;
//! - [`catalog`]: the spatial tables and views, with type, SRID and size;
//! - [`read`]: a table read whole or by view, transformed to WGS84 on the server;
//! - [`publish`]: a layer written to a table in one transaction (成果共享);
//! - [`live`]: a worker that follows a table's changes and survives a lost connection.
//!
//! No GUI: the command line uses it as the app does.

pub mod catalog;
pub mod conn;
pub mod error;
pub mod live;
pub mod publish;
pub mod read;
#[cfg(feature = "testing")]
pub mod testing;

pub use catalog::{TableInfo, WHOLE_TABLE_MAX_ROWS, list_tables, table_info};
pub use conn::{ConnSpec, PgEnv, TableName};
pub use error::PgError;
pub use live::{Event, LiveOptions, LiveTable, install_notify_trigger};
pub use publish::{PublishOptions, Published, publish};
pub use read::{Scope, TableRead, read};

/// Read a whole table from a connection text (`PG:… table=…`), for the command line's
/// `convert`: the table's entry and its features. A table too big to read whole is read whole
/// anyway here (a conversion wants every row), streaming.
pub fn read_spec(text: &str) -> Result<(TableInfo, Vec<kuiwen_core::model::Feature>), PgError> {
    let spec = ConnSpec::parse(text, &PgEnv::from_process())?;
    let Some(table) = spec.table.clone() else {
        return Err(PgError::BadSpec("no table given (table=schema.name)".into()));
    };
    let mut client = spec.connect()?;
    let info = table_info(&mut client, &spec.server(), &table)?;
    let got = read(&mut client, &info, Scope::Whole)?;
    Ok((info, got.features))
}
