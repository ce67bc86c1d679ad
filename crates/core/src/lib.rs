//! Kuiwen Atlas core (奎文规划一张图): the planning data and what can be done with it, without a GUI.
//!
//! Data flows one way: [`io`] reads the formats planners receive (GeoJSON, shapefile, GeoPackage,
//! KML, CSV, FlatGeobuf, DXF, File Geodatabase through GDAL) in any supported coordinate system
//! into [`model`] layers in WGS84, and [`analysis`] measures them (geodesic areas and lengths, the
//! 15-minute life circle, statistics by unit, overlay). Nothing here depends on egui, eframe,
//! walkers or wgpu: the command line, a server and the tests use it without a graphics stack.

pub mod analysis;
pub mod i18n;
pub mod io;
pub mod model;

pub use i18n::Bilingual;
