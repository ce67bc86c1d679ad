//! Basemaps: the tile sources planners in China use, and the projection each needs.

pub mod health;
pub mod projection;
mod sources;

pub use projection::MapProjection;
pub use sources::{Basemap, BasemapError, XyzTemplate, tile_cache_dir, user_agent};
