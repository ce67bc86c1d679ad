//! Web Mercator (EPSG:3857): metres on a sphere, for tile maths and some GIS exports.

use super::*;

/// Web Mercator (EPSG:3857) metres → WGS84 `(lon_deg, lat_deg)`. The sphere radius is
/// 6378137 m. Longitude is not wrapped, so x beyond ±[`WEB_MERCATOR_MAX_M`] gives |lon| > 180.
pub fn web_mercator_to_wgs84(x_m: f64, y_m: f64) -> (f64, f64) {
    let lon_deg = (x_m / WEB_MERCATOR_RADIUS_M).to_degrees();
    let lat_deg = (y_m / WEB_MERCATOR_RADIUS_M).sinh().atan().to_degrees();
    (lon_deg, lat_deg)
}

/// WGS84 `(lon_deg, lat_deg)` → Web Mercator (EPSG:3857) `(x_m, y_m)`. The sphere radius is
/// 6378137 m. Latitude is clamped to ±[`WEB_MERCATOR_MAX_LAT_DEG`], so the poles map to the
/// edge of the tile pyramid instead of infinity.
pub fn wgs84_to_web_mercator(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let lat_rad = lat_deg.clamp(-WEB_MERCATOR_MAX_LAT_DEG, WEB_MERCATOR_MAX_LAT_DEG).to_radians();
    let x_m = WEB_MERCATOR_RADIUS_M * lon_deg.to_radians();
    let y_m = WEB_MERCATOR_RADIUS_M * lat_rad.tan().asinh();
    (x_m, y_m)
}
