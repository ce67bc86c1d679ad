//! Reading data in: GeoJSON parsing and validation, coordinate systems, the embedded dataset.

pub mod crs;
pub mod embedded;
pub mod export;
mod fast;
pub mod geojson;
mod scan;
pub mod synthetic;
pub mod watch;
pub mod workspace;

pub use geojson::{Diagnostic, LoadError, LoadOptions, Parsed, load_path, load_path_with_progress, parse_bytes};
