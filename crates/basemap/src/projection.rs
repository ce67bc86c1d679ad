//! The map projection: Web Mercator, or Web Mercator over GCJ-02 for AMap tiles.
//!
//! AMap tiles are drawn in GCJ-02, about 500 m off WGS84 around Weifang. Wrapping the projection
//! (rather than shifting the data) keeps every layer, pick and cursor read-out in WGS84: a WGS84
//! position is moved into GCJ-02 just before it becomes a pixel, and moved back when a pixel
//! becomes a position.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};
use walkers::{Pixels, Position, Projection, lon_lat};

use kuiwen_core::io::crs::{gcj02_to_wgs84, wgs84_to_gcj02};

/// Pixels of the whole world at zoom 0 (walkers lays 256-pixel tiles).
pub const WORLD_PX_AT_ZOOM0: f64 = 256.0;

/// Which coordinate frame the basemap's tiles are drawn in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MapProjection {
    /// Standard Web Mercator on WGS84 (OSM, Tianditu `_w`, most XYZ servers).
    #[default]
    WebMercator,
    /// Web Mercator on GCJ-02 coordinates (AMap/Gaode).
    Gcj02Mercator,
}

impl MapProjection {
    /// A WGS84 position in the 0–1 square of the world map (x east, y south).
    pub fn normalized(&self, lon: f64, lat: f64) -> [f64; 2] {
        let (lon, lat) = match self {
            MapProjection::WebMercator => (lon, lat),
            MapProjection::Gcj02Mercator => wgs84_to_gcj02(lon, lat),
        };
        mercator_normalized(lon, lat)
    }

    /// The inverse of [`Self::normalized`].
    pub fn unnormalized(&self, x: f64, y: f64) -> [f64; 2] {
        let [lon, lat] = mercator_unnormalized(x, y);
        match self {
            MapProjection::WebMercator => [lon, lat],
            MapProjection::Gcj02Mercator => {
                let (lon, lat) = gcj02_to_wgs84(lon, lat);
                [lon, lat]
            }
        }
    }
}

/// Web Mercator into the 0–1 square. Latitude is clamped to the Mercator limit so that a wild
/// coordinate never produces infinities.
pub fn mercator_normalized(lon: f64, lat: f64) -> [f64; 2] {
    let lat = lat.clamp(-85.051_128_78, 85.051_128_78);
    let x = (1.0 + lon.to_radians() / PI) / 2.0;
    let y = (1.0 - lat.to_radians().tan().asinh() / PI) / 2.0;
    [x, y]
}

/// The inverse of [`mercator_normalized`].
pub fn mercator_unnormalized(x: f64, y: f64) -> [f64; 2] {
    let lon = (x * 2.0 - 1.0) * PI;
    let lat = ((-y * 2.0 + 1.0) * PI).sinh().atan();
    [lon.to_degrees(), lat.to_degrees()]
}

/// Pixels of the whole world at `zoom`.
pub fn world_px(zoom: f64) -> f64 {
    WORLD_PX_AT_ZOOM0 * 2f64.powf(zoom)
}

impl Projection for MapProjection {
    fn project(&self, position: Position, zoom: f64) -> Pixels {
        let [x, y] = self.normalized(position.x(), position.y());
        let w = world_px(zoom);
        Pixels::new(x * w, y * w)
    }

    fn unproject(&self, pixels: Pixels, zoom: f64) -> Position {
        let w = world_px(zoom);
        let [lon, lat] = self.unnormalized(pixels.x() / w, pixels.y() / w);
        lon_lat(lon, lat)
    }

    fn scale_pixel_per_meter(&self, position: Position, zoom: f64) -> f64 {
        const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;
        world_px(zoom) / EARTH_CIRCUMFERENCE_M / position.y().to_radians().cos().max(1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mercator_matches_walkers() {
        let p = lon_lat(119.13, 36.71);
        for zoom in [3.0, 12.0, 17.5] {
            let ours = MapProjection::WebMercator.project(p, zoom);
            let theirs = walkers::MercatorProjection.project(p, zoom);
            assert!((ours.x() - theirs.x()).abs() < 1e-6 && (ours.y() - theirs.y()).abs() < 1e-6);
        }
    }

    #[test]
    fn round_trips_both_projections() {
        for proj in [MapProjection::WebMercator, MapProjection::Gcj02Mercator] {
            let [x, y] = proj.normalized(119.13, 36.71);
            let [lon, lat] = proj.unnormalized(x, y);
            assert!((lon - 119.13).abs() < 1e-7 && (lat - 36.71).abs() < 1e-7, "{proj:?}: {lon} {lat}");
        }
    }

    #[test]
    fn wgs84_point_lands_on_its_gcj02_pixel() {
        // A WGS84 position drawn over AMap must sit where AMap draws its GCJ-02 coordinates.
        let (wlon, wlat) = (119.1314, 36.7090);
        let (glon, glat) = wgs84_to_gcj02(wlon, wlat);
        let zoom = 16.0;
        let drawn = MapProjection::Gcj02Mercator.project(lon_lat(wlon, wlat), zoom);
        let amap_pixel = walkers::MercatorProjection.project(lon_lat(glon, glat), zoom);
        assert!((drawn.x() - amap_pixel.x()).abs() < 0.01 && (drawn.y() - amap_pixel.y()).abs() < 0.01);
        // And the shift is real: about 500 m, i.e. dozens of pixels at zoom 16.
        let plain = walkers::MercatorProjection.project(lon_lat(wlon, wlat), zoom);
        assert!((drawn.x() - plain.x()).hypot(drawn.y() - plain.y()) > 50.0);
    }
}
