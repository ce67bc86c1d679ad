//! Gauss-Krüger: transverse Mercator on the CGCS2000 ellipsoid, as a Krüger series to order n⁶
//! (well under a millimetre inside a zone), with the 3° and 6° zone conventions and their prefixes.

use super::*;

/// Width of a Chinese Gauss-Krüger zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ZoneWidth {
    /// 3° zones. Zone n has central meridian 3n°E, n = 1..=120. Large-scale survey and planning
    /// data use them. Kuiwen is in zone 40 (CM 120°E).
    Three,
    /// 6° zones. Zone n has central meridian (6n − 3)°E, n = 1..=60. Medium-scale mapping uses
    /// them. Kuiwen is in zone 20 (CM 117°E).
    Six,
}

impl ZoneWidth {
    /// Zone width in degrees of longitude.
    pub fn width_deg(self) -> f64 {
        match self {
            ZoneWidth::Three => 3.0,
            ZoneWidth::Six => 6.0,
        }
    }

    /// Highest zone number (120 for 3° zones, 60 for 6° zones).
    pub fn max_zone(self) -> u32 {
        match self {
            ZoneWidth::Three => 120,
            ZoneWidth::Six => 60,
        }
    }

    /// Zone number containing `lon_deg` (any longitude; wrapped), or 0 if it is not finite.
    pub fn zone_for_lon_deg(self, lon_deg: f64) -> u32 {
        if !lon_deg.is_finite() {
            return 0;
        }
        let lon_0_360_deg = lon_deg.rem_euclid(360.0);
        match self {
            ZoneWidth::Three => {
                // Zone n spans 3n ± 1.5°. [0°, 1.5°) belongs to zone 120 (CM 360° = 0°).
                let zone = ((lon_0_360_deg + 1.5) / 3.0).floor() as u32;
                if zone == 0 { 120 } else { zone.min(120) }
            }
            ZoneWidth::Six => ((lon_0_360_deg / 6.0).floor() as u32 + 1).min(60),
        }
    }

    /// Chinese label: "3 度带" / "6 度带".
    pub fn label_zh(self) -> &'static str {
        match self {
            ZoneWidth::Three => "3 度带",
            ZoneWidth::Six => "6 度带",
        }
    }

    /// English label: "3-degree" / "6-degree".
    pub fn label_en(self) -> &'static str {
        match self {
            ZoneWidth::Three => "3-degree",
            ZoneWidth::Six => "6-degree",
        }
    }
}

/// Central meridian of Gauss-Krüger `zone` of the given width, in degrees within [−180, 180).
/// 3° zone n → 3n; 6° zone n → 6n − 3. Examples: 3° zone 40 → 120, 6° zone 20 → 117.
/// Zone numbers out of range are still computed by the formula and then wrapped.
pub fn gauss_kruger_zone_central_meridian(zone: u32, width: ZoneWidth) -> f64 {
    let cm_deg = match width {
        ZoneWidth::Three => 3.0 * f64::from(zone),
        ZoneWidth::Six => 6.0 * f64::from(zone) - 3.0,
    };
    wrap_lon_deg(cm_deg)
}

/// Splits a zone-prefixed easting such as 40 419 575 m into `(40, 419 575.0)`.
/// Returns `None` unless 1 000 000 ≤ easting < 121 000 000 (zone 1..=120).
pub fn split_gauss_kruger_zone_prefix(easting_m: f64) -> Option<(u32, f64)> {
    if !(1_000_000.0..121_000_000.0).contains(&easting_m) {
        return None;
    }
    let zone = (easting_m / 1_000_000.0).floor();
    Some((zone as u32, easting_m - zone * 1_000_000.0))
}

/// WGS84/CGCS2000 `(lon_deg, lat_deg)` → Gauss-Krüger `(easting_m, northing_m)` on the CGCS2000
/// ellipsoid. Scale 1 on the central meridian, false easting 500 000 m, no zone prefix, false
/// northing 0. To get the prefixed form, add `zone × 1 000 000` to the easting.
///
/// Uses the Krüger series to order n⁶ (Karney 2011), accurate to well under 1 mm within
/// several degrees of the central meridian.
pub fn wgs84_to_gauss_kruger(lon_deg: f64, lat_deg: f64, central_meridian_deg: f64) -> (f64, f64) {
    let (dx_m, northing_m) = transverse_mercator_forward(lon_deg, lat_deg, central_meridian_deg, 1.0);
    (dx_m + GAUSS_KRUGER_FALSE_EASTING_M, northing_m)
}

/// Gauss-Krüger `(easting_m, northing_m)` on the CGCS2000 ellipsoid → `(lon_deg, lat_deg)`.
/// The easting must be without the zone prefix (false easting 500 000 m); see
/// [`split_gauss_kruger_zone_prefix`]. The result is CGCS2000, which equals WGS84 at map
/// precision. This is the exact inverse of [`wgs84_to_gauss_kruger`], to well under 1 mm.
pub fn gauss_kruger_to_wgs84(easting_m: f64, northing_m: f64, central_meridian_deg: f64) -> (f64, f64) {
    transverse_mercator_inverse(easting_m - GAUSS_KRUGER_FALSE_EASTING_M, northing_m, central_meridian_deg, 1.0)
}

/// A complete Chinese CGCS2000 Gauss-Krüger grid definition: zone width, zone number, and whether
/// eastings carry the zone prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GaussKrugerSpec {
    /// 3° or 6° zones.
    pub kind: ZoneWidth,
    /// Zone number (sets the central meridian).
    pub zone: u32,
    /// `true` when eastings are written with the zone number in front (40 500 000 for the
    /// central meridian of zone 40). `false` when the false easting is the plain 500 000 m.
    pub zone_prefix: bool,
}

impl GaussKrugerSpec {
    /// Central meridian in degrees.
    pub fn central_meridian_deg(self) -> f64 {
        gauss_kruger_zone_central_meridian(self.zone, self.kind)
    }

    /// False easting in metres: `zone × 1 000 000 + 500 000` with prefix, else 500 000.
    pub fn false_easting_m(self) -> f64 {
        if self.zone_prefix {
            f64::from(self.zone) * 1_000_000.0 + GAUSS_KRUGER_FALSE_EASTING_M
        } else {
            GAUSS_KRUGER_FALSE_EASTING_M
        }
    }

    /// Looks up an EPSG CGCS2000 Gauss-Krüger code: 4491–4501 (6° zones 13–23, prefixed),
    /// 4502–4512 (6°, CM 75–135°E, no prefix), 4513–4533 (3° zones 25–45, prefixed), and
    /// 4534–4554 (3°, CM 75–135°E, no prefix). Examples: 4528 is 3° zone 40 and 4549 is
    /// CM 120°E, both for Kuiwen.
    pub fn from_epsg(code: u32) -> Option<GaussKrugerSpec> {
        let (kind, first_zone, zone_prefix, first_code) = match code {
            4491..=4501 => (ZoneWidth::Six, 13, true, 4491),
            4502..=4512 => (ZoneWidth::Six, 13, false, 4502),
            4513..=4533 => (ZoneWidth::Three, 25, true, 4513),
            4534..=4554 => (ZoneWidth::Three, 25, false, 4534),
            _ => return None,
        };
        Some(GaussKrugerSpec { kind, zone: first_zone + (code - first_code), zone_prefix })
    }

    /// EPSG code of this grid, when EPSG defines one. Only the Chinese zones are defined:
    /// 6° zones 13–23 and 3° zones 25–45.
    pub fn epsg(self) -> Option<u32> {
        let (first_zone, last_zone, first_code) = match (self.kind, self.zone_prefix) {
            (ZoneWidth::Six, true) => (13, 23, 4491),
            (ZoneWidth::Six, false) => (13, 23, 4502),
            (ZoneWidth::Three, true) => (25, 45, 4513),
            (ZoneWidth::Three, false) => (25, 45, 4534),
        };
        (first_zone..=last_zone).contains(&self.zone).then(|| first_code + (self.zone - first_zone))
    }

    /// Grid `(easting_m, northing_m)` as written in this grid (prefixed or not) →
    /// `(lon_deg, lat_deg)`.
    pub fn grid_to_wgs84(self, easting_m: f64, northing_m: f64) -> (f64, f64) {
        transverse_mercator_inverse(easting_m - self.false_easting_m(), northing_m, self.central_meridian_deg(), 1.0)
    }

    /// `(lon_deg, lat_deg)` → grid `(easting_m, northing_m)` as written in this grid.
    pub fn wgs84_to_grid(self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        let (dx_m, northing_m) = transverse_mercator_forward(lon_deg, lat_deg, self.central_meridian_deg(), 1.0);
        (dx_m + self.false_easting_m(), northing_m)
    }

    /// The `-s_srs` argument for `ogr2ogr`: `"EPSG:4528"`, or a quoted PROJ string when EPSG has
    /// no code for this grid.
    pub(super) fn ogr_source_srs(self) -> String {
        match self.epsg() {
            Some(code) => format!("EPSG:{code}"),
            None => format!(
                "\"+proj=tmerc +lat_0=0 +lon_0={} +k=1 +x_0={} +y_0=0 +ellps=GRS80 +units=m +no_defs\"",
                self.central_meridian_deg(),
                self.false_easting_m()
            ),
        }
    }
}

/// Wraps a longitude into [−180, 180).
fn wrap_lon_deg(lon_deg: f64) -> f64 {
    (lon_deg + 180.0).rem_euclid(360.0) - 180.0
}

/// Krüger-series coefficients for the CGCS2000 ellipsoid.
struct TransverseMercatorSeries {
    /// First eccentricity.
    e: f64,
    /// Rectifying radius A: a meridian quadrant is A·π/2, in metres.
    rectifying_radius_m: f64,
    /// Forward series coefficients α₁…α₆.
    alpha: [f64; 6],
    /// Inverse series coefficients β₁…β₆.
    beta: [f64; 6],
}

/// Computes the order-n⁶ Krüger series (C. F. F. Karney, "Transverse Mercator with an accuracy
/// of a few nanometers", J. Geodesy 85, 2011, eqs. 14, 35, 36) for the CGCS2000 ellipsoid.
fn transverse_mercator_series() -> TransverseMercatorSeries {
    let f = 1.0 / CGCS2000_INVERSE_FLATTENING;
    let e = (f * (2.0 - f)).sqrt();
    let n = f / (2.0 - f);
    let n2 = n * n;
    let n3 = n2 * n;
    let n4 = n3 * n;
    let n5 = n4 * n;
    let n6 = n5 * n;
    let rectifying_radius_m = CGCS2000_SEMI_MAJOR_AXIS_M / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0 + n6 / 256.0);
    let alpha = [
        n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0 - 127.0 * n5 / 288.0 + 7891.0 * n6 / 37800.0,
        13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0 + 281.0 * n5 / 630.0 - 1_983_433.0 * n6 / 1_935_360.0,
        61.0 * n3 / 240.0 - 103.0 * n4 / 140.0 + 15061.0 * n5 / 26880.0 + 167_603.0 * n6 / 181_440.0,
        49561.0 * n4 / 161_280.0 - 179.0 * n5 / 168.0 + 6_601_661.0 * n6 / 7_257_600.0,
        34729.0 * n5 / 80640.0 - 3_418_889.0 * n6 / 1_995_840.0,
        212_378_941.0 * n6 / 319_334_400.0,
    ];
    let beta = [
        n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0 - 81.0 * n5 / 512.0 + 96199.0 * n6 / 604_800.0,
        n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0 + 46.0 * n5 / 105.0 - 1_118_711.0 * n6 / 3_870_720.0,
        17.0 * n3 / 480.0 - 37.0 * n4 / 840.0 - 209.0 * n5 / 4480.0 + 5569.0 * n6 / 90720.0,
        4397.0 * n4 / 161_280.0 - 11.0 * n5 / 504.0 - 830_251.0 * n6 / 7_257_600.0,
        4583.0 * n5 / 161_280.0 - 108_847.0 * n6 / 3_991_680.0,
        20_648_693.0 * n6 / 638_668_800.0,
    ];
    TransverseMercatorSeries { e, rectifying_radius_m, alpha, beta }
}

/// Transverse Mercator forward on CGCS2000: returns `(x_m, y_m)` relative to the central
/// meridian and the equator (no false easting), with central scale `k0`.
pub(super) fn transverse_mercator_forward(
    lon_deg: f64,
    lat_deg: f64,
    central_meridian_deg: f64,
    k0: f64,
) -> (f64, f64) {
    let s = transverse_mercator_series();
    let lam = wrap_lon_deg(lon_deg - central_meridian_deg).to_radians();
    let phi = lat_deg.clamp(-90.0, 90.0).to_radians();
    let (sin_phi, cos_phi) = phi.sin_cos();
    // Tangent of the conformal latitude, τ' (Karney 2011, eqs. 7–9).
    let tau = sin_phi / cos_phi;
    let sigma = (s.e * (s.e * sin_phi).atanh()).sinh();
    let tau_p = tau * sigma.hypot(1.0) - sigma * tau.hypot(1.0);
    let cos_lam = lam.cos();
    let xi_p = tau_p.atan2(cos_lam);
    let eta_p = (lam.sin() / tau_p.hypot(cos_lam)).asinh();
    let (mut xi, mut eta) = (xi_p, eta_p);
    for (j, alpha_j) in s.alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += alpha_j * (k * xi_p).sin() * (k * eta_p).cosh();
        eta += alpha_j * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    let scale_m = k0 * s.rectifying_radius_m;
    (scale_m * eta, scale_m * xi)
}

/// Transverse Mercator inverse on CGCS2000: `(x_m, y_m)` relative to the central meridian and the
/// equator, with central scale `k0` → `(lon_deg, lat_deg)`.
pub(super) fn transverse_mercator_inverse(x_m: f64, y_m: f64, central_meridian_deg: f64, k0: f64) -> (f64, f64) {
    let s = transverse_mercator_series();
    let scale_m = k0 * s.rectifying_radius_m;
    let xi = y_m / scale_m;
    let eta = x_m / scale_m;
    let (mut xi_p, mut eta_p) = (xi, eta);
    for (j, beta_j) in s.beta.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi_p -= beta_j * (k * xi).sin() * (k * eta).cosh();
        eta_p -= beta_j * (k * xi).cos() * (k * eta).sinh();
    }
    let sinh_eta_p = eta_p.sinh();
    let cos_xi_p = xi_p.cos();
    let lam = sinh_eta_p.atan2(cos_xi_p);
    let tau_p = xi_p.sin() / sinh_eta_p.hypot(cos_xi_p);
    let lat_deg = geodetic_tau_from_conformal(tau_p, s.e).atan().to_degrees();
    let lon_deg = wrap_lon_deg(central_meridian_deg + lam.to_degrees());
    (lon_deg, lat_deg)
}

/// Solves τ'(τ) = `tau_p` for τ, the tangent of the geodetic latitude, by Newton's method
/// (Karney 2011, eqs. 19–21).
fn geodetic_tau_from_conformal(tau_p: f64, e: f64) -> f64 {
    let e2m = 1.0 - e * e;
    if !tau_p.is_finite() || tau_p.abs() > 1e12 {
        // Within 1e-10° of a pole: any estimate of the right sign is exact for atan().
        return tau_p / e2m;
    }
    let mut tau = tau_p / e2m;
    for _ in 0..10 {
        let sigma = (e * (e * tau / tau.hypot(1.0)).atanh()).sinh();
        let tau_p_est = tau * sigma.hypot(1.0) - sigma * tau.hypot(1.0);
        let dtau = (tau_p - tau_p_est) * (1.0 + e2m * tau * tau) / (e2m * tau.hypot(1.0) * tau_p_est.hypot(1.0));
        tau += dtau;
        if dtau.abs() <= 1e-15 * tau.abs().max(1.0) {
            break;
        }
    }
    tau
}
