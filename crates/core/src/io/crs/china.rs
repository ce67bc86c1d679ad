//! GCJ-02 (火星坐标) and BD-09 (Baidu): the published obfuscations of WGS84 that maps of mainland
//! China use, forward in closed form and inverted by iteration to about 0.1 mm.

use super::*;

/// `true` when the point is outside the customary rectangle where the GCJ-02/BD-09 offsets
/// apply: lon 72.004–137.8347°E, lat 0.8293–55.8271°N. Returns `true` for non-finite input too.
///
/// The rectangle is the one every public implementation uses. It is coarse: Korea, Mongolia
/// and western Japan fall inside it, and so get offset as well.
pub fn out_of_china(lon_deg: f64, lat_deg: f64) -> bool {
    !(CHINA_LON_MIN_DEG..=CHINA_LON_MAX_DEG).contains(&lon_deg)
        || !(CHINA_LAT_MIN_DEG..=CHINA_LAT_MAX_DEG).contains(&lat_deg)
}

/// The GCJ-02 offset `(dlon_deg, dlat_deg)` to add to a WGS84 point (no rectangle check).
///
/// Published algorithm: polynomial-plus-sine offsets in "metres" around (lon−105, lat−35),
/// turned into degrees using the meridional and prime-vertical radii of the Krasovsky ellipsoid.
fn gcj02_offset_deg(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let x = lon_deg - 105.0;
    let y = lat_deg - 35.0;
    let shared = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;

    let mut dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    dlat += shared;
    dlat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;

    let mut dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    dlon += shared;
    dlon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    dlon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    let lat_rad = lat_deg.to_radians();
    let sin_lat = lat_rad.sin();
    let w2 = 1.0 - GCJ02_KRASOVSKY_EE * sin_lat * sin_lat;
    let w = w2.sqrt();
    // Meridional radius M = a(1-e²)/W³ and prime-vertical radius N = a/W.
    let meridional_radius_m = GCJ02_KRASOVSKY_A_M * (1.0 - GCJ02_KRASOVSKY_EE) / (w2 * w);
    let prime_vertical_radius_m = GCJ02_KRASOVSKY_A_M / w;
    let dlat_deg = dlat * 180.0 / (meridional_radius_m * PI);
    let dlon_deg = dlon * 180.0 / (prime_vertical_radius_m * lat_rad.cos() * PI);
    (dlon_deg, dlat_deg)
}

/// WGS84 → GCJ-02, in degrees, lon first. Identity outside [`out_of_china`]'s rectangle.
pub fn wgs84_to_gcj02(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    if out_of_china(lon_deg, lat_deg) {
        return (lon_deg, lat_deg);
    }
    let (dlon_deg, dlat_deg) = gcj02_offset_deg(lon_deg, lat_deg);
    (lon_deg + dlon_deg, lat_deg + dlat_deg)
}

/// GCJ-02 → WGS84, in degrees, lon first: the exact inverse of [`wgs84_to_gcj02`].
///
/// Starts from the usual one-step approximation (input minus the offset at the input) and then
/// runs fixed-point iterations. Each step moves the estimate by the error of its forward
/// transform. The offset's slope is below 1 %, so each step gains two or more digits.
/// Iteration stops when the forward transform of the estimate is within 1e-9° (≈ 0.1 mm) of the
/// input, after at most 30 steps. The inner transform ignores the China rectangle, so the
/// inverse stays smooth near the rectangle's edges. Within about 1 km of an edge, the result
/// can fall just outside the rectangle, where [`wgs84_to_gcj02`] is the identity. The published
/// definition makes this unavoidable. Identity when the input is outside the rectangle.
pub fn gcj02_to_wgs84(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    if out_of_china(lon_deg, lat_deg) {
        return (lon_deg, lat_deg);
    }
    let (dlon_deg, dlat_deg) = gcj02_offset_deg(lon_deg, lat_deg);
    let mut wgs = (lon_deg - dlon_deg, lat_deg - dlat_deg);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (off_lon_deg, off_lat_deg) = gcj02_offset_deg(wgs.0, wgs.1);
        let err_lon_deg = wgs.0 + off_lon_deg - lon_deg;
        let err_lat_deg = wgs.1 + off_lat_deg - lat_deg;
        if err_lon_deg.abs() < INVERSE_TOLERANCE_DEG && err_lat_deg.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        wgs = (wgs.0 - err_lon_deg, wgs.1 - err_lat_deg);
    }
    wgs
}

/// The BD-09 forward formula without the rectangle check.
fn gcj02_to_bd09_raw(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let z = lon_deg.hypot(lat_deg) + 0.00002 * (lat_deg * BD09_X_PI).sin();
    let theta = lat_deg.atan2(lon_deg) + 0.000003 * (lon_deg * BD09_X_PI).cos();
    (z * theta.cos() + BD09_LON_SHIFT_DEG, z * theta.sin() + BD09_LAT_SHIFT_DEG)
}

/// GCJ-02 → BD-09, in degrees, lon first (the published Baidu formula with x_pi = π·3000/180).
/// Identity outside [`out_of_china`]'s rectangle.
pub fn gcj02_to_bd09(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    if out_of_china(lon_deg, lat_deg) {
        return (lon_deg, lat_deg);
    }
    gcj02_to_bd09_raw(lon_deg, lat_deg)
}

/// BD-09 → GCJ-02, in degrees, lon first: the exact inverse of [`gcj02_to_bd09`].
///
/// Starts from the well-known closed-form approximate inverse, which is off by up to a few
/// centimetres. It then refines the result by fixed-point iteration until the forward transform
/// is within 1e-9° of the input. Identity outside [`out_of_china`]'s rectangle.
pub fn bd09_to_gcj02(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    if out_of_china(lon_deg, lat_deg) {
        return (lon_deg, lat_deg);
    }
    let x = lon_deg - BD09_LON_SHIFT_DEG;
    let y = lat_deg - BD09_LAT_SHIFT_DEG;
    let z = x.hypot(y) - 0.00002 * (y * BD09_X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * BD09_X_PI).cos();
    let mut gcj = (z * theta.cos(), z * theta.sin());
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (bd_lon_deg, bd_lat_deg) = gcj02_to_bd09_raw(gcj.0, gcj.1);
        let err_lon_deg = bd_lon_deg - lon_deg;
        let err_lat_deg = bd_lat_deg - lat_deg;
        if err_lon_deg.abs() < INVERSE_TOLERANCE_DEG && err_lat_deg.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        gcj = (gcj.0 - err_lon_deg, gcj.1 - err_lat_deg);
    }
    gcj
}

/// WGS84 → BD-09, in degrees, lon first (via GCJ-02). Identity outside China.
pub fn wgs84_to_bd09(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    if out_of_china(lon_deg, lat_deg) {
        return (lon_deg, lat_deg);
    }
    let (gcj_lon_deg, gcj_lat_deg) = wgs84_to_gcj02(lon_deg, lat_deg);
    gcj02_to_bd09_raw(gcj_lon_deg, gcj_lat_deg)
}

/// BD-09 → WGS84, in degrees, lon first (via GCJ-02, both steps exact inverses).
/// Identity outside China.
pub fn bd09_to_wgs84(lon_deg: f64, lat_deg: f64) -> (f64, f64) {
    let (gcj_lon_deg, gcj_lat_deg) = bd09_to_gcj02(lon_deg, lat_deg);
    gcj02_to_wgs84(gcj_lon_deg, gcj_lat_deg)
}
