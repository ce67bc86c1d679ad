//! Kuiwen Atlas basemaps: the tile sources planners in China use, and the projection each needs; our own
//! tile loading for walkers (worker threads, disk cache with a size limit, precise failure
//! reports), PMTiles reading and writing, offline downloads and the Tianditu key.

pub mod disk_cache;
pub mod engine;
pub mod fetch;
pub mod health;
pub mod key;
pub mod offline;
pub mod pmtiles;
pub mod projection;
mod sources;

pub use engine::{ActiveBasemap, BasemapEnv, TileLayer, TileSources};
pub use projection::MapProjection;
pub use sources::{
    Basemap, BasemapError, BulkRefusal, Credit, HttpSource, TemplateProblem, UrlPattern, XyzTemplate, tile_cache_dir,
    tile_cache_root, user_agent, web_mercator_bbox,
};
