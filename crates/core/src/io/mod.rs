//! Reading data in: GeoJSON parsing and validation, the other formats planners receive
//! (shapefile, GeoPackage, KML, CSV, FlatGeobuf, DXF, File Geodatabase through GDAL), coordinate
//! systems, the embedded dataset; and writing layers back out.

pub mod atomic;
pub mod crs;
pub mod crs_proj;
pub mod embedded;
pub mod export;
mod fast;
pub mod formats;
pub mod geojson;
pub mod history;
mod scan;
pub mod schema;
pub mod synthetic;
pub mod watch;
pub mod workspace;

pub use geojson::{
    Diagnostic, LoadError, LoadOptions, Parsed, SourceInfo, load_path, load_path_with_progress, parse_bytes,
};
