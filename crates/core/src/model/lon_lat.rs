//! A WGS84 position, named where it meets other frames (the screen, projected coordinates), so
//! longitude and latitude cannot be swapped or mistaken for metres there. Inside the model and
//! the analyses, coordinates stay `[lon, lat]` arrays, the order GeoJSON and geo use.

use serde::{Deserialize, Serialize};

/// Longitude and latitude in WGS84 degrees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude, degrees east.
    pub lon_deg: f64,
    /// Latitude, degrees north.
    pub lat_deg: f64,
}

impl LonLat {
    /// A position from longitude and latitude in degrees.
    pub const fn new(lon_deg: f64, lat_deg: f64) -> Self {
        Self { lon_deg, lat_deg }
    }

    /// As `[lon, lat]`, the order of GeoJSON and of the model.
    pub const fn to_array(self) -> [f64; 2] {
        [self.lon_deg, self.lat_deg]
    }
}

impl From<[f64; 2]> for LonLat {
    fn from([lon_deg, lat_deg]: [f64; 2]) -> Self {
        Self { lon_deg, lat_deg }
    }
}

impl From<LonLat> for [f64; 2] {
    fn from(p: LonLat) -> Self {
        p.to_array()
    }
}
