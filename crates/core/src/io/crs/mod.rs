//! Coordinate reference systems (CRS) and the conversions Kuiwen Atlas needs between them.
//!
//! The app keeps every geometry in **WGS84 longitude/latitude degrees** (EPSG:4326, the
//! coordinate system RFC 7946 GeoJSON requires). Data for Kuiwen District does not always arrive
//! that way, so this module holds the conversions from the systems that Chinese files and
//! basemaps actually use:
//!
//! * **WGS84** (EPSG:4326): GPS receivers, OpenStreetMap, standard GeoJSON.
//! * **CGCS2000** (EPSG:4490): China's national geodetic system. Tianditu and official survey and
//!   planning data use it. It differs from WGS84 by centimetres, which is below map precision,
//!   so this module treats it as identical to WGS84.
//! * **GCJ-02** ("Mars coordinates", 火星坐标): the obfuscated datum that maps published in
//!   mainland China must use. AMap/Gaode and Tencent tiles and APIs are GCJ-02, and so are many
//!   Chinese files. The offset from WGS84 is a few hundred metres: about 400–700 m around
//!   Weifang. The forward transform is a published closed formula. Its inverse has no closed form,
//!   so [`gcj02_to_wgs84`] solves it by iteration to about 0.1 mm.
//! * **BD-09**: Baidu's second obfuscation, applied on top of GCJ-02. Baidu files and APIs use it.
//! * **Web Mercator** (EPSG:3857): metres on a sphere. Tile maths and some GIS exports use it.
//!
//! For GeoJSON validation there is also [`guess_projected`]. When a file's numbers are not valid
//! degrees, it tells what they look like: Web Mercator metres, CGCS2000 Gauss-Krüger grid
//! coordinates (3° or 6° zones, with or without the zone-number prefix, the usual format of
//! Chinese survey and planning data), or swapped `[lat, lon]`. [`ProjectedGuess::advice_zh`] and
//! [`ProjectedGuess::advice_en`] explain the fix. The Gauss-Krüger projection itself
//! ([`gauss_kruger_to_wgs84`], [`wgs84_to_gauss_kruger`]) is implemented in full: a Krüger
//! series to order n⁶ on the CGCS2000 ellipsoid, accurate to well under a millimetre inside a
//! zone, so the app can convert such files itself.
//!
//! Conventions: longitude (or easting, x) always comes first. Angles are in degrees and
//! distances in metres. Every function is total and never panics. Non-finite input gives
//! non-finite output, or is passed through unchanged by the China-only transforms.
//!
//! The GCJ-02 and BD-09 transforms are the identity outside the customary rectangle that
//! [`out_of_china`] tests (lon 72.004–137.8347°E, lat 0.8293–55.8271°N). The rectangle is coarse.
//! It also covers Korea, Mongolia and western Japan, but Tokyo (139.7°E) is outside it.
//! Some other libraries apply the BD-09 step worldwide. Here both obfuscations share the same
//! rule, so chains such as WGS84 → BD-09 → WGS84 are consistent everywhere.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::Bilingual;

mod china;
mod gauss_kruger;
mod guess;
mod mercator;
#[cfg(test)]
mod tests;

pub use china::*;
pub use gauss_kruger::*;
pub use guess::*;
pub use mercator::*;

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by the GCJ-02 offset formula, in metres.
const GCJ02_KRASOVSKY_A_M: f64 = 6_378_245.0;
/// First eccentricity squared of the Krasovsky 1940 ellipsoid as used by GCJ-02
/// (published as 0.00669342162296594323, rounded here to the nearest `f64`).
const GCJ02_KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// BD-09's `x_pi` constant, π·3000/180.
const BD09_X_PI: f64 = PI * 3000.0 / 180.0;
/// BD-09 constant longitude shift, in degrees.
const BD09_LON_SHIFT_DEG: f64 = 0.0065;
/// BD-09 constant latitude shift, in degrees.
const BD09_LAT_SHIFT_DEG: f64 = 0.006;
/// The iterative inverses stop once the forward transform of the estimate is within this many
/// degrees of the input (1e-9° ≈ 0.1 mm).
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
/// Upper bound on iterations of the iterative inverses (they normally need 2–4).
const INVERSE_MAX_ITERATIONS: usize = 30;
/// [`guess_projected`] reads a pair as Web Mercator only when |x| or |y| is at least this many
/// metres. Smaller numbers, e.g. (119.1, 95.0), are out-of-range degrees, not a point in the
/// ocean within 10 km of (0°, 0°).
const WEB_MERCATOR_MIN_GUESS_M: f64 = 10_000.0;

/// Western edge of the customary "China" rectangle, in degrees longitude.
pub const CHINA_LON_MIN_DEG: f64 = 72.004;
/// Eastern edge of the customary "China" rectangle, in degrees longitude.
pub const CHINA_LON_MAX_DEG: f64 = 137.8347;
/// Southern edge of the customary "China" rectangle, in degrees latitude.
pub const CHINA_LAT_MIN_DEG: f64 = 0.8293;
/// Northern edge of the customary "China" rectangle, in degrees latitude.
pub const CHINA_LAT_MAX_DEG: f64 = 55.8271;

/// Sphere radius of Web Mercator (EPSG:3857), in metres (the WGS84 semi-major axis).
pub const WEB_MERCATOR_RADIUS_M: f64 = 6_378_137.0;
/// Largest Web Mercator x (and y of the square tile pyramid), π·R, in metres.
pub const WEB_MERCATOR_MAX_M: f64 = 20_037_508.342_789_244;
/// Largest |y| in EPSG:3857's published bounds, in metres. It is slightly beyond
/// [`WEB_MERCATOR_MAX_M`] because the area of use reaches ±85.06°.
pub const WEB_MERCATOR_MAX_Y_BOUND_M: f64 = 20_048_966.1;
/// Latitude at which Web Mercator y equals [`WEB_MERCATOR_MAX_M`], in degrees.
/// [`wgs84_to_web_mercator`] clamps latitudes to ±this value.
pub const WEB_MERCATOR_MAX_LAT_DEG: f64 = 85.051_128_779_806_59;

/// Semi-major axis of the CGCS2000 ellipsoid, in metres.
pub const CGCS2000_SEMI_MAJOR_AXIS_M: f64 = 6_378_137.0;
/// Inverse flattening of the CGCS2000 ellipsoid.
pub const CGCS2000_INVERSE_FLATTENING: f64 = 298.257_222_101;
/// False easting of Chinese Gauss-Krüger grids without the zone prefix, in metres.
pub const GAUSS_KRUGER_FALSE_EASTING_M: f64 = 500_000.0;

/// Approximate centre of Kuiwen District, Weifang: longitude in degrees.
pub const KUIWEN_CENTER_LON_DEG: f64 = 119.1;
/// Approximate centre of Kuiwen District, Weifang: latitude in degrees.
pub const KUIWEN_CENTER_LAT_DEG: f64 = 36.7;

/// Accepted CRS names and aliases, as listed in [`CrsError::Unknown`] messages.
pub const ACCEPTED_CRS_NAMES: &str = "wgs84 (epsg:4326, 4326, crs84), \
     cgcs2000 (epsg:4490, 4490), gcj02 (gcj-02, amap, gaode), bd09 (bd-09, baidu), \
     webmercator (web-mercator, epsg:3857, 3857, 900913), any EPSG code (e.g. EPSG:4528, 4549, 32650), \
     or a PROJ string (+proj=…)";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Errors from parsing CRS names and from checked conversions.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CrsError {
    /// The text names no coordinate reference system this module knows.
    #[error("unknown coordinate reference system {0:?}; accepted names: {names}", names = ACCEPTED_CRS_NAMES)]
    Unknown(String),
    /// An EPSG code or PROJ definition that cannot be used as it is (unknown code, another datum
    /// without seven parameters, a PROJ string proj4rs cannot read): the error says which.
    #[error("{0}")]
    Definition(super::crs_proj::ProjError),
    /// A coordinate is NaN or infinite.
    #[error("coordinate ({x}, {y}) contains NaN or infinity")]
    NonFinite {
        /// First coordinate (longitude or x).
        x: f64,
        /// Second coordinate (latitude or y).
        y: f64,
    },
    /// A coordinate lies outside the valid range of its CRS. For example, metres were passed where
    /// degrees were expected. [`guess_projected`] can tell what the numbers look like.
    #[error("coordinate ({x}, {y}) is outside the valid range of {crs}: expected {expected}")]
    OutOfRange {
        /// The CRS the coordinate was declared in.
        crs: Crs,
        /// First coordinate (longitude or x).
        x: f64,
        /// Second coordinate (latitude or y).
        y: f64,
        /// Human-readable description of the valid range (one of the `EXPECTED_*` texts).
        expected: &'static str,
    },
}

/// [`CrsError::OutOfRange`]'s `expected` for a projected system converted through proj4rs.
const EXPECTED_IN_DOMAIN: &str = "a position inside the projection's domain";
/// [`CrsError::OutOfRange`]'s `expected` for Web Mercator.
const EXPECTED_WEB_MERCATOR: &str = "x within ±20037508.34 m and y within ±20048966.1 m";
/// [`CrsError::OutOfRange`]'s `expected` for longitude/latitude.
const EXPECTED_LON_LAT: &str = "longitude within ±180° and latitude within ±90°";

/// [`ACCEPTED_CRS_NAMES`] in Chinese.
const ACCEPTED_CRS_NAMES_ZH: &str = "wgs84（epsg:4326、4326、crs84），cgcs2000（epsg:4490、4490），\
     gcj02（gcj-02、amap、gaode、高德、腾讯、火星），bd09（bd-09、baidu、百度），\
     webmercator（web-mercator、epsg:3857、3857、900913），任意 EPSG 代码（如 EPSG:4528、4549、32650），\
     或 PROJ 字符串（+proj=…）";

impl Bilingual for CrsError {
    fn zh(&self) -> String {
        match self {
            CrsError::Unknown(name) => format!("无法识别的坐标系“{name}”；可用的名称：{ACCEPTED_CRS_NAMES_ZH}"),
            CrsError::Definition(e) => e.zh(),
            CrsError::NonFinite { x, y } => format!("坐标 ({x}, {y}) 含有非数值（NaN）或无穷大"),
            CrsError::OutOfRange { crs, x, y, expected } => {
                let expected = match *expected {
                    EXPECTED_IN_DOMAIN => "应位于投影的有效范围之内".to_owned(),
                    EXPECTED_WEB_MERCATOR => "x 应在 ±20037508.34 米以内，y 应在 ±20048966.1 米以内".to_owned(),
                    EXPECTED_LON_LAT => "经度应在 ±180° 以内，纬度应在 ±90° 以内".to_owned(),
                    other => format!("应为 {other}"),
                };
                format!("坐标 ({x}, {y}) 超出 {} 的有效范围：{expected}", crs.label_zh())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Crs
// ---------------------------------------------------------------------------------------------

/// A coordinate reference system that a layer's coordinates can be declared in.
///
/// Serialised as text: the lowercase [`Crs::name`] values (`"wgs84"`, `"cgcs2000"`, `"gcj02"`,
/// `"bd09"`, `"webmercator"`), `"EPSG:4528"` for any other EPSG system, and the PROJ string of a
/// custom definition (which carries the user's seven parameters, if any). Deserialisation accepts
/// everything [`Crs::from_str`] does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326). This is the app's internal CRS.
    #[default]
    Wgs84,
    /// CGCS2000 longitude/latitude in degrees (EPSG:4490), treated as identical to WGS84.
    Cgcs2000,
    /// GCJ-02 "Mars" longitude/latitude in degrees (AMap/Gaode, Tencent).
    Gcj02,
    /// BD-09 longitude/latitude in degrees (Baidu).
    Bd09,
    /// Web Mercator x/y in metres (EPSG:3857).
    WebMercator,
    /// Any other EPSG system on a WGS84-compatible datum (the CGCS2000 Gauss-Krüger grids
    /// 4491–4554, UTM…), converted through proj4rs ([`super::crs_proj`]).
    Epsg(u32),
    /// A definition given as a PROJ string: a `.prj` without an EPSG code, or an EPSG grid with
    /// the user's seven parameters. The number indexes the process's table of definitions
    /// ([`super::crs_proj::custom_proj`]).
    Custom(u32),
}

impl From<Crs> for String {
    fn from(c: Crs) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for Crs {
    type Error = CrsError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Crs {
    /// Every supported CRS, in menu order.
    pub const ALL: [Crs; 5] = [Crs::Wgs84, Crs::Cgcs2000, Crs::Gcj02, Crs::Bd09, Crs::WebMercator];

    /// Stable machine name, also used by serde: `"wgs84"`, `"cgcs2000"`, `"gcj02"`, `"bd09"`,
    /// `"webmercator"`, `"EPSG:4528"`, or a custom definition's PROJ string.
    pub fn name(&self) -> String {
        match self {
            Crs::Wgs84 => "wgs84".into(),
            Crs::Cgcs2000 => "cgcs2000".into(),
            Crs::Gcj02 => "gcj02".into(),
            Crs::Bd09 => "bd09".into(),
            Crs::WebMercator => "webmercator".into(),
            Crs::Epsg(code) => format!("EPSG:{code}"),
            Crs::Custom(id) => super::crs_proj::custom_proj(*id).unwrap_or_default(),
        }
    }

    /// A system by EPSG code: 4326, 4490 and 3857 are the built-in ones, anything else must be
    /// defined and on a WGS84-compatible datum (Xian 1980 and Beijing 1954 need
    /// [`Crs::with_seven_parameters`]).
    pub fn from_epsg(code: u32) -> Result<Crs, super::crs_proj::ProjError> {
        match code {
            4326 => Ok(Crs::Wgs84),
            4490 => Ok(Crs::Cgcs2000),
            3857 | 900_913 | 3785 | 102_100 | 102_113 => Ok(Crs::WebMercator),
            _ => super::crs_proj::check_epsg(code).map(|()| Crs::Epsg(code)),
        }
    }

    /// An EPSG grid on another datum (Xian 1980, Beijing 1954) with the project's seven
    /// parameters.
    pub fn with_seven_parameters(
        code: u32,
        params: super::crs_proj::SevenParameters,
    ) -> Result<Crs, super::crs_proj::ProjError> {
        let proj = super::crs_proj::epsg_with_parameters(code, params)?;
        super::crs_proj::intern_custom(&proj).map(Crs::Custom)
    }

    /// A system given as a PROJ string (validated).
    pub fn from_proj_string(proj: &str) -> Result<Crs, super::crs_proj::ProjError> {
        super::crs_proj::intern_custom(proj).map(Crs::Custom)
    }

    /// Runs `f` with this thread's prepared converter for an [`Crs::Epsg`] or [`Crs::Custom`]
    /// system (`None` for the others, or a definition that cannot be used): the definition is
    /// looked up and parsed once per thread, not per coordinate.
    fn with_transformer<T>(&self, f: impl FnOnce(&super::crs_proj::Transformer) -> T) -> Option<T> {
        use std::cell::RefCell;
        thread_local! {
            // A thread meets a handful of systems: a list searched in order beats hashing a key
            // for every coordinate.
            static PREPARED: RefCell<Vec<(Crs, Option<super::crs_proj::Transformer>)>> = const { RefCell::new(Vec::new()) };
        }
        PREPARED.with(|list| {
            let mut list = list.borrow_mut();
            let at = match list.iter().position(|(c, _)| c == self) {
                Some(at) => at,
                None => {
                    let t = self.proj_text().and_then(|p| super::crs_proj::Transformer::new(&p).ok());
                    list.push((*self, t));
                    list.len() - 1
                }
            };
            list[at].1.as_ref().map(f)
        })
    }

    /// The PROJ string of an [`Crs::Epsg`] or [`Crs::Custom`] system.
    fn proj_text(&self) -> Option<String> {
        match self {
            Crs::Epsg(code) => super::crs_proj::epsg_definition(*code).ok().map(|(p, _)| p.to_owned()),
            Crs::Custom(id) => super::crs_proj::custom_proj(*id),
            _ => None,
        }
    }

    /// Chinese UI label.
    pub fn label_zh(&self) -> String {
        match self {
            Crs::Wgs84 => "WGS84".into(),
            Crs::Cgcs2000 => "CGCS2000 国家大地坐标系".into(),
            Crs::Gcj02 => "GCJ-02 火星坐标（高德/腾讯）".into(),
            Crs::Bd09 => "BD-09 百度坐标".into(),
            Crs::WebMercator => "Web 墨卡托 (EPSG:3857)".into(),
            Crs::Epsg(code) => match GaussKrugerSpec::from_epsg(*code) {
                Some(spec) => format!(
                    "CGCS2000 {}高斯-克吕格 中央经线 {}°E{} (EPSG:{code})",
                    spec.kind.label_zh(),
                    spec.central_meridian_deg(),
                    if spec.zone_prefix { format!("，第 {} 带（带号）", spec.zone) } else { String::new() }
                ),
                None => self.label_en(),
            },
            Crs::Custom(_) => format!("自定义：{}", self.name()),
        }
    }

    /// English UI label.
    pub fn label_en(&self) -> String {
        match self {
            Crs::Wgs84 => "WGS84".into(),
            Crs::Cgcs2000 => "CGCS2000 (China Geodetic Coordinate System 2000)".into(),
            Crs::Gcj02 => "GCJ-02 \"Mars\" coordinates (AMap/Gaode, Tencent)".into(),
            Crs::Bd09 => "BD-09 Baidu coordinates".into(),
            Crs::WebMercator => "Web Mercator (EPSG:3857)".into(),
            Crs::Epsg(code) => super::crs_proj::epsg_definition(*code)
                .map(|(_, name)| format!("{name} (EPSG:{code})"))
                .unwrap_or_else(|_| format!("EPSG:{code}")),
            Crs::Custom(_) => format!("custom: {}", self.name()),
        }
    }

    /// EPSG code, if the CRS has one. GCJ-02 and BD-09 are not registered with EPSG.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Wgs84 => Some(4326),
            Crs::Cgcs2000 => Some(4490),
            Crs::Gcj02 | Crs::Bd09 | Crs::Custom(_) => None,
            Crs::WebMercator => Some(3857),
            Crs::Epsg(code) => Some(*code),
        }
    }

    /// `true` when coordinates are projected metres (Web Mercator, Gauss-Krüger, UTM…). `false`
    /// when they are longitude/latitude degrees.
    pub fn is_projected(&self) -> bool {
        match self {
            Crs::WebMercator => true,
            Crs::Epsg(_) | Crs::Custom(_) => self.with_transformer(|t| !t.is_latlong()).unwrap_or(false),
            _ => false,
        }
    }

    /// Recognises the CRS names found in the legacy GeoJSON 2008 `crs` member and in similar
    /// places:
    /// `"urn:ogc:def:crs:OGC:1.3:CRS84"`, `"urn:ogc:def:crs:EPSG::4326"`, `"EPSG:4326"`,
    /// `"urn:ogc:def:crs:EPSG::4490"`, `"EPSG:3857"`, `"urn:ogc:def:crs:EPSG::3857"`,
    /// `"EPSG:900913"`, `"http://www.opengis.net/def/crs/EPSG/0/4326"`, `"CRS:84"`, and the ESRI
    /// Web Mercator codes 102100/102113. Matching ignores case.
    ///
    /// Returns `None` for anything else, including Gauss-Krüger codes. Use [`parse_epsg_code`]
    /// with [`GaussKrugerSpec::from_epsg`] for those.
    pub fn from_epsg_urn(s: &str) -> Option<Crs> {
        let t = s.trim().to_ascii_lowercase();
        if t == "crs84" || t.ends_with(":crs84") || t.ends_with("/crs84") || t == "crs:84" || t.ends_with(":crs:84") {
            return Some(Crs::Wgs84);
        }
        match parse_epsg_code(&t)? {
            4326 => Some(Crs::Wgs84),
            4490 => Some(Crs::Cgcs2000),
            3857 | 900_913 | 3785 | 102_100 | 102_113 => Some(Crs::WebMercator),
            _ => None,
        }
    }

    /// Converts a coordinate in this CRS to WGS84 `(lon_deg, lat_deg)`.
    ///
    /// For the geographic CRSs, `x` is longitude and `y` is latitude in degrees. For
    /// [`Crs::WebMercator`], `x` and `y` are metres. Input is not range-checked; see
    /// [`Crs::try_to_wgs84`].
    pub fn to_wgs84(&self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => (x, y),
            Crs::Gcj02 => gcj02_to_wgs84(x, y),
            Crs::Bd09 => bd09_to_wgs84(x, y),
            Crs::WebMercator => web_mercator_to_wgs84(x, y),
            // Outside the projection's domain: NaN, which the loaders report as out of range.
            Crs::Epsg(_) | Crs::Custom(_) => {
                self.with_transformer(|t| t.to_wgs84(x, y)).flatten().unwrap_or((f64::NAN, f64::NAN))
            }
        }
    }

    /// Converts WGS84 `(lon_deg, lat_deg)` to this CRS. The result is degrees, or metres for
    /// [`Crs::WebMercator`].
    pub fn from_wgs84(&self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => (lon_deg, lat_deg),
            Crs::Gcj02 => wgs84_to_gcj02(lon_deg, lat_deg),
            Crs::Bd09 => wgs84_to_bd09(lon_deg, lat_deg),
            Crs::WebMercator => wgs84_to_web_mercator(lon_deg, lat_deg),
            Crs::Epsg(_) | Crs::Custom(_) => {
                self.with_transformer(|t| t.from_wgs84(lon_deg, lat_deg)).flatten().unwrap_or((f64::NAN, f64::NAN))
            }
        }
    }

    /// Converts a coordinate from this CRS to `target`, going through WGS84.
    pub fn convert_to(&self, target: Crs, x: f64, y: f64) -> (f64, f64) {
        if *self == target {
            return (x, y);
        }
        let (lon_deg, lat_deg) = self.to_wgs84(x, y);
        target.from_wgs84(lon_deg, lat_deg)
    }

    /// Like [`Crs::to_wgs84`], but first checks that the input is finite and inside the CRS's
    /// valid range: ±180°/±90° for the geographic CRSs, and the EPSG:3857 bounds for Web Mercator.
    pub fn try_to_wgs84(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        if !x.is_finite() || !y.is_finite() {
            return Err(CrsError::NonFinite { x, y });
        }
        if matches!(self, Crs::Epsg(_) | Crs::Custom(_)) {
            let (lon, lat) = self.to_wgs84(x, y);
            return if is_valid_lon_lat_deg(lon, lat) {
                Ok((lon, lat))
            } else {
                Err(CrsError::OutOfRange { crs: *self, x, y, expected: EXPECTED_IN_DOMAIN })
            };
        }
        let (in_range, expected) = if self.is_projected() {
            (x.abs() <= WEB_MERCATOR_MAX_M + 1e-3 && y.abs() <= WEB_MERCATOR_MAX_Y_BOUND_M, EXPECTED_WEB_MERCATOR)
        } else {
            (is_valid_lon_lat_deg(x, y), EXPECTED_LON_LAT)
        };
        if in_range { Ok(self.to_wgs84(x, y)) } else { Err(CrsError::OutOfRange { crs: *self, x, y, expected }) }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for Crs {
    type Err = CrsError;

    /// Parses a CRS name, ignoring case and surrounding whitespace. Accepted names:
    /// `wgs84`, `epsg:4326`, `4326`, `crs84`; `cgcs2000`, `epsg:4490`, `4490`;
    /// `gcj02`, `gcj-02`, `amap`, `gaode`; `bd09`, `bd-09`, `baidu`;
    /// `webmercator`, `web-mercator`, `epsg:3857`, `3857`, `900913`. Also accepted: anything
    /// [`Crs::from_epsg_urn`] recognises, and the Chinese names 高德, 腾讯, 火星 and 百度.
    /// Baidu's Mercator metres ("bd09mc") is a different system and is rejected.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let crs = match t.as_str() {
            "wgs84" | "wgs-84" | "wgs 84" | "epsg:4326" | "4326" | "crs84" => Crs::Wgs84,
            "cgcs2000" | "cgcs-2000" | "epsg:4490" | "4490" => Crs::Cgcs2000,
            "gcj02" | "gcj-02" | "gcj" | "amap" | "gaode" | "高德" | "腾讯" | "火星" => Crs::Gcj02,
            "bd09" | "bd-09" | "bd09ll" | "baidu" | "百度" => Crs::Bd09,
            "webmercator" | "web-mercator" | "web mercator" | "pseudo-mercator" | "epsg:3857" | "3857"
            | "epsg:900913" | "900913" => Crs::WebMercator,
            _ => {
                if let Some(c) = Crs::from_epsg_urn(&t) {
                    return Ok(c);
                }
                if s.trim().starts_with('+') {
                    return Crs::from_proj_string(s.trim()).map_err(CrsError::Definition);
                }
                return match parse_epsg_code(&t) {
                    Some(code) => Crs::from_epsg(code).map_err(CrsError::Definition),
                    None => Err(CrsError::Unknown(s.to_owned())),
                };
            }
        };
        Ok(crs)
    }
}

/// Extracts the numeric EPSG (or ESRI) code from `"EPSG:4528"`, `"epsg::4528"`,
/// `"urn:ogc:def:crs:EPSG::4528"`, `"urn:ogc:def:crs:EPSG:6.6:4528"`,
/// `"http://www.opengis.net/def/crs/EPSG/0/4528"` or a bare `"4528"`.
///
/// Returns `None` when the last component is not an integer, or when a different authority is
/// named (e.g. `"urn:ogc:def:crs:OGC:1.3:CRS84"`; see [`Crs::from_epsg_urn`] for that one).
pub fn parse_epsg_code(s: &str) -> Option<u32> {
    let t = s.trim().to_ascii_lowercase();
    let parts: Vec<&str> = t.split([':', '/']).filter(|p| !p.is_empty()).collect();
    let code = parts.last()?.parse::<u32>().ok()?;
    if parts.len() > 1 && !parts.iter().any(|p| *p == "epsg" || *p == "esri") {
        return None;
    }
    Some(code)
}

/// `true` when `lon_deg` is within ±180 and `lat_deg` within ±90, both finite.
pub fn is_valid_lon_lat_deg(lon_deg: f64, lat_deg: f64) -> bool {
    (-180.0..=180.0).contains(&lon_deg) && (-90.0..=90.0).contains(&lat_deg)
}

#[cfg(test)]
mod bilingual_tests {
    use super::*;

    #[test]
    fn errors_keep_the_numbers_and_names_in_chinese() {
        let e =
            Crs::Wgs84.try_to_wgs84(40_420_478.85, 4_064_697.45).err().unwrap_or_else(|| panic!("metres as degrees"));
        assert!(e.zh().contains("(40420478.85, 4064697.45)") && e.zh().contains("经度应在 ±180° 以内"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let e = "bd09mc".parse::<Crs>().err().unwrap_or_else(|| panic!("bd09mc parsed"));
        assert!(e.zh().contains("“bd09mc”") && e.zh().contains("无法识别的坐标系"), "{}", e.zh());
        assert_eq!(e.message(true), e.to_string());
        let e = "EPSG:2385".parse::<Crs>().err().unwrap_or_else(|| panic!("Xian 1980 without parameters"));
        assert!(matches!(e, CrsError::Definition(_)) && e.zh().contains("七参数"), "{}", e.zh());
        assert!(e.en().contains("seven parameters"), "{e}");
        let e = Crs::WebMercator.try_to_wgs84(f64::NAN, 1.0).err().unwrap_or_else(|| panic!("NaN converted"));
        assert!(e.zh().contains("NaN") && e.zh().contains("坐标"), "{}", e.zh());
    }
}
