//! Coordinate systems (temporary minimal version; replaced by the full module).
use serde::{Deserialize, Serialize};
/// A coordinate system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Crs {
    /// WGS84
    #[default]
    Wgs84,
    /// CGCS2000
    Cgcs2000,
    /// GCJ-02
    Gcj02,
    /// BD-09
    Bd09,
    /// Web Mercator
    WebMercator,
}
impl Crs {
    /// to wgs84
    pub fn to_wgs84(&self, x: f64, y: f64) -> (f64, f64) {
        (x, y)
    }
    /// urn
    pub fn from_epsg_urn(_s: &str) -> Option<Crs> {
        None
    }
    /// name
    pub fn name(&self) -> &'static str {
        "wgs84"
    }
}
/// guess
pub fn guess_projected(_x: f64, _y: f64) -> Option<ProjectedGuess> {
    None
}
/// guess
#[derive(Debug)]
pub enum ProjectedGuess {
    /// wm
    WebMercator,
}
impl ProjectedGuess {
    /// advice
    pub fn advice_zh(&self) -> String {
        String::new()
    }
    /// advice
    pub fn advice_en(&self) -> String {
        String::new()
    }
}
impl std::str::FromStr for Crs {
    type Err = String;
    fn from_str(_s: &str) -> Result<Self, Self::Err> {
        Ok(Crs::Wgs84)
    }
}
/// gcj
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    (lon, lat)
}
/// gcj
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    (lon, lat)
}
