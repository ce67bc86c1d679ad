//! Reading data in: GeoJSON parsing and validation, coordinate systems, the embedded dataset.

pub mod crs;
pub mod embedded;
pub mod geojson;
mod scan;

pub use geojson::{Diagnostic, LoadError, LoadOptions, Parsed, load_path, parse_bytes};
