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
    /// without seven parameters, a PROJ string proj4rs cannot read): the text says which.
    #[error("{0}")]
    Definition(String),
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
        /// Human-readable description of the valid range.
        expected: &'static str,
    },
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
                Err(CrsError::OutOfRange { crs: *self, x, y, expected: "a position inside the projection's domain" })
            };
        }
        let (in_range, expected) = if self.is_projected() {
            (
                x.abs() <= WEB_MERCATOR_MAX_M + 1e-3 && y.abs() <= WEB_MERCATOR_MAX_Y_BOUND_M,
                "x within ±20037508.34 m and y within ±20048966.1 m",
            )
        } else {
            (is_valid_lon_lat_deg(x, y), "longitude within ±180° and latitude within ±90°")
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
                    return Crs::from_proj_string(s.trim()).map_err(|e| CrsError::Definition(e.to_string()));
                }
                return match parse_epsg_code(&t) {
                    Some(code) => Crs::from_epsg(code).map_err(|e| CrsError::Definition(e.to_string())),
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

// ---------------------------------------------------------------------------------------------
// GCJ-02 and BD-09
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Web Mercator
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Gauss-Krüger (transverse Mercator on CGCS2000)
// ---------------------------------------------------------------------------------------------

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
    fn ogr_source_srs(self) -> String {
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
fn transverse_mercator_forward(lon_deg: f64, lat_deg: f64, central_meridian_deg: f64, k0: f64) -> (f64, f64) {
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
fn transverse_mercator_inverse(x_m: f64, y_m: f64, central_meridian_deg: f64, k0: f64) -> (f64, f64) {
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

// ---------------------------------------------------------------------------------------------
// Projected-coordinate detection
// ---------------------------------------------------------------------------------------------

/// What a coordinate pair that is *not* valid WGS84 degrees looks like. [`guess_projected`]
/// returns it.
///
/// Every variant can explain itself ([`ProjectedGuess::advice_zh`], [`ProjectedGuess::advice_en`]).
/// All variants except [`ProjectedGuess::GaussKrugerNoZone`] can also convert further points
/// of the same file ([`ProjectedGuess::convert_to_wgs84`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ProjectedGuess {
    /// Valid degrees once the two numbers are swapped: the file has `[lat, lon]` where GeoJSON
    /// wants `[lon, lat]`.
    SwappedLonLat {
        /// Longitude after swapping, in degrees.
        lon_deg: f64,
        /// Latitude after swapping, in degrees.
        lat_deg: f64,
    },
    /// Web Mercator (EPSG:3857) metres. Weifang is about (13 258 000, 4 397 000).
    WebMercator {
        /// Longitude of the point read as Web Mercator, in degrees.
        lon_deg: f64,
        /// Latitude of the point read as Web Mercator, in degrees.
        lat_deg: f64,
    },
    /// CGCS2000 Gauss-Krüger metres with the zone number in front of the easting. For example,
    /// 40 419 575 is 3° zone 40 (central meridian 120°E), easting 419 575 m.
    GaussKrugerWithZone {
        /// Zone number taken from the easting's millions.
        zone: u32,
        /// 3° or 6° zones.
        kind: ZoneWidth,
        /// `true` when the pair was `[northing, easting]`, the surveying X/Y convention,
        /// instead of `[easting, northing]`.
        axes_swapped: bool,
        /// Longitude of the point under this reading, in degrees.
        lon_deg: f64,
        /// Latitude of the point under this reading, in degrees.
        lat_deg: f64,
    },
    /// Gauss-Krüger-like metres without a zone prefix: easting 100 000–900 000 m and northing
    /// 0–6 000 000 m. The central meridian cannot be told from the numbers.
    GaussKrugerNoZone {
        /// Easting in metres (500 000 on the central meridian).
        easting_m: f64,
        /// Northing in metres from the equator.
        northing_m: f64,
        /// `true` when the pair was `[northing, easting]` instead of `[easting, northing]`.
        axes_swapped: bool,
    },
}

/// Guesses what a coordinate pair is when it is not valid degrees, for GeoJSON validation.
///
/// Returns `None` when `(x, y)` are valid degrees (|x| ≤ 180 and |y| ≤ 90), are not finite, or
/// match no known layout. Small out-of-range pairs such as (119.1, 95.0) match no layout: they
/// are bad degrees, and Web Mercator is only considered once |x| or |y| reaches 10 km. Several readings can fit at once; for example, x = 13 257 000 is Web
/// Mercator near Weifang but also 6° Gauss-Krüger zone 13. The best one wins:
/// 1. readings that land inside China, nearest to Kuiwen first;
/// 2. Gauss-Krüger without a zone prefix (its location is unknowable);
/// 3. readings that land elsewhere on Earth.
///
/// [`projected_candidates`] returns all of them in this order.
pub fn guess_projected(x: f64, y: f64) -> Option<ProjectedGuess> {
    projected_candidates(x, y).into_iter().next()
}

/// The one system a pair of metres can only be in: a CGCS2000 Gauss-Krüger grid with the zone
/// number in the easting (8 digits starting 13–23 or 25–45), landing in China, with no other
/// reading landing in China. `None` when the numbers leave any doubt (6-digit eastings fit every
/// central meridian, and the user must say which).
pub fn assume_gauss_kruger(x: f64, y: f64) -> Option<Crs> {
    let candidates = projected_candidates(x, y);
    let in_china = |g: &ProjectedGuess| g.lon_lat_deg().is_some_and(|(lon, lat)| !out_of_china(lon, lat));
    let first = candidates.first()?;
    if candidates.iter().filter(|g| in_china(g)).count() != 1 || !in_china(first) {
        return None;
    }
    match first {
        ProjectedGuess::GaussKrugerWithZone { axes_swapped: false, .. } => {
            Crs::from_epsg(first.gauss_kruger_spec()?.epsg()?).ok()
        }
        _ => None,
    }
}

/// The systems a pair of metres may be in, with where each puts it `(crs, lon_deg, lat_deg)`,
/// nearest to Kuiwen first: the CGCS2000 Gauss-Krüger grids (3° and 6°, with and without the zone
/// prefix), UTM over China, and Web Mercator; only readings that land in China. For asking the
/// planner, with a preview, when a file does not say.
pub fn crs_candidates(x: f64, y: f64) -> Vec<(Crs, f64, f64)> {
    if !x.is_finite() || !y.is_finite() {
        return Vec::new();
    }
    let codes = (4491..=4554).chain(32643..=32653).chain([3857]);
    let mut out: Vec<(f64, (Crs, f64, f64))> = codes
        .filter_map(|code| Crs::from_epsg(code).ok())
        .filter_map(|c| {
            let (lon, lat) = c.to_wgs84(x, y);
            (is_valid_lon_lat_deg(lon, lat) && !out_of_china(lon, lat))
                .then_some((kuiwen_distance_sq(lon, lat), (c, lon, lat)))
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, c)| c).collect()
}

/// Every plausible reading of a non-degree coordinate pair, best first. See [`guess_projected`].
/// Empty when `(x, y)` are valid degrees or not finite.
pub fn projected_candidates(x: f64, y: f64) -> Vec<ProjectedGuess> {
    if !x.is_finite() || !y.is_finite() || is_valid_lon_lat_deg(x, y) {
        return Vec::new();
    }
    let mut in_china: Vec<(f64, ProjectedGuess)> = Vec::new();
    let mut no_zone: Vec<ProjectedGuess> = Vec::new();
    let mut elsewhere: Vec<ProjectedGuess> = Vec::new();
    let mut classify = |guess: ProjectedGuess| {
        if let Some((lon_deg, lat_deg)) = guess.lon_lat_deg() {
            if !is_valid_lon_lat_deg(lon_deg, lat_deg) {
                return;
            }
            if out_of_china(lon_deg, lat_deg) {
                elsewhere.push(guess);
            } else {
                in_china.push((kuiwen_distance_sq(lon_deg, lat_deg), guess));
            }
        }
    };

    if is_valid_lon_lat_deg(y, x) {
        classify(ProjectedGuess::SwappedLonLat { lon_deg: y, lat_deg: x });
    }
    let web_mercator_in_bounds = x.abs() <= WEB_MERCATOR_MAX_M + 1e-3 && y.abs() <= WEB_MERCATOR_MAX_Y_BOUND_M;
    if web_mercator_in_bounds && x.abs().max(y.abs()) >= WEB_MERCATOR_MIN_GUESS_M {
        let (lon_deg, lat_deg) = web_mercator_to_wgs84(x, y);
        classify(ProjectedGuess::WebMercator { lon_deg, lat_deg });
    }
    for (easting_m, northing_m, axes_swapped) in [(x, y, false), (y, x, true)] {
        let northing_ok = (0.0..=10_002_000.0).contains(&northing_m);
        if !northing_ok {
            continue;
        }
        if let Some((zone, local_easting_m)) = split_gauss_kruger_zone_prefix(easting_m)
            && (100_000.0..=900_000.0).contains(&local_easting_m)
        {
            for kind in [ZoneWidth::Three, ZoneWidth::Six] {
                if zone > kind.max_zone() {
                    continue;
                }
                let cm_deg = gauss_kruger_zone_central_meridian(zone, kind);
                let (lon_deg, lat_deg) = gauss_kruger_to_wgs84(local_easting_m, northing_m, cm_deg);
                classify(ProjectedGuess::GaussKrugerWithZone { zone, kind, axes_swapped, lon_deg, lat_deg });
            }
        }
        if (100_000.0..=900_000.0).contains(&easting_m) && northing_m <= 6_000_000.0 {
            no_zone.push(ProjectedGuess::GaussKrugerNoZone { easting_m, northing_m, axes_swapped });
        }
    }

    in_china.sort_by(|a, b| a.0.total_cmp(&b.0));
    in_china.into_iter().map(|(_, guess)| guess).chain(no_zone).chain(elsewhere).collect()
}

/// Squared equirectangular distance from Kuiwen, in degrees² (used only for ranking).
fn kuiwen_distance_sq(lon_deg: f64, lat_deg: f64) -> f64 {
    let dx = (lon_deg - KUIWEN_CENTER_LON_DEG) * KUIWEN_CENTER_LAT_DEG.to_radians().cos();
    let dy = lat_deg - KUIWEN_CENTER_LAT_DEG;
    dx * dx + dy * dy
}

/// Formats a position as "东经 119.10000°、北纬 36.70000°".
fn lon_lat_zh(lon_deg: f64, lat_deg: f64) -> String {
    let ew = if lon_deg < 0.0 { "西经" } else { "东经" };
    let ns = if lat_deg < 0.0 { "南纬" } else { "北纬" };
    format!("{ew} {:.5}°、{ns} {:.5}°", lon_deg.abs(), lat_deg.abs())
}

/// Formats a position as "119.10000°E, 36.70000°N".
fn lon_lat_en(lon_deg: f64, lat_deg: f64) -> String {
    let ew = if lon_deg < 0.0 { 'W' } else { 'E' };
    let ns = if lat_deg < 0.0 { 'S' } else { 'N' };
    format!("{:.5}°{ew}, {:.5}°{ns}", lon_deg.abs(), lat_deg.abs())
}

impl ProjectedGuess {
    /// Where the sample point lands under this reading, as `(lon_deg, lat_deg)`.
    /// `None` for [`ProjectedGuess::GaussKrugerNoZone`].
    pub fn lon_lat_deg(&self) -> Option<(f64, f64)> {
        match *self {
            ProjectedGuess::SwappedLonLat { lon_deg, lat_deg }
            | ProjectedGuess::WebMercator { lon_deg, lat_deg }
            | ProjectedGuess::GaussKrugerWithZone { lon_deg, lat_deg, .. } => Some((lon_deg, lat_deg)),
            ProjectedGuess::GaussKrugerNoZone { .. } => None,
        }
    }

    /// Applies the same reading to another raw `(x, y)` pair from the same file. Returns WGS84
    /// `(lon_deg, lat_deg)`, or `None` for [`ProjectedGuess::GaussKrugerNoZone`]: ask the user
    /// for the central meridian, then call [`gauss_kruger_to_wgs84`].
    pub fn convert_to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        match *self {
            ProjectedGuess::SwappedLonLat { .. } => Some((y, x)),
            ProjectedGuess::WebMercator { .. } => Some(web_mercator_to_wgs84(x, y)),
            ProjectedGuess::GaussKrugerWithZone { axes_swapped, .. } => {
                let spec = self.gauss_kruger_spec()?;
                let (easting_m, northing_m) = if axes_swapped { (y, x) } else { (x, y) };
                Some(spec.grid_to_wgs84(easting_m, northing_m))
            }
            ProjectedGuess::GaussKrugerNoZone { .. } => None,
        }
    }

    /// The Gauss-Krüger grid of a [`ProjectedGuess::GaussKrugerWithZone`] reading, with the
    /// zone prefix.
    pub fn gauss_kruger_spec(&self) -> Option<GaussKrugerSpec> {
        match *self {
            ProjectedGuess::GaussKrugerWithZone { zone, kind, .. } => {
                Some(GaussKrugerSpec { kind, zone, zone_prefix: true })
            }
            _ => None,
        }
    }

    /// EPSG code of the source CRS under this reading, when one is known: 4326 for swapped
    /// degrees, 3857 for Web Mercator, and 4491–4533 for the prefixed Chinese Gauss-Krüger
    /// zones.
    pub fn suggested_source_epsg(&self) -> Option<u32> {
        match self {
            ProjectedGuess::SwappedLonLat { .. } => Some(4326),
            ProjectedGuess::WebMercator { .. } => Some(3857),
            ProjectedGuess::GaussKrugerWithZone { .. } => self.gauss_kruger_spec().and_then(GaussKrugerSpec::epsg),
            ProjectedGuess::GaussKrugerNoZone { .. } => None,
        }
    }

    /// Chinese explanation for the user: what the numbers look like, where the point would be,
    /// and how to fix the file.
    pub fn advice_zh(&self) -> String {
        match *self {
            ProjectedGuess::SwappedLonLat { lon_deg, lat_deg } => format!(
                "经纬度顺序颠倒了：GeoJSON 要求 [经度, 纬度]，而这里看起来是 [纬度, 经度]。\
                 交换后该点位于{}。解决办法：在源数据中交换两列（x = 经度，y = 纬度）后重新导出；\
                 用 GDAL 导出时可加 -lco RFC7946=YES 以保证经度在前。",
                lon_lat_zh(lon_deg, lat_deg)
            ),
            ProjectedGuess::WebMercator { lon_deg, lat_deg } => {
                let note = if out_of_china(lon_deg, lat_deg) {
                    "（不在中国境内，可能也不是 Web 墨卡托，请向数据提供方核实坐标系）"
                } else {
                    ""
                };
                format!(
                    "这些数字像是 Web 墨卡托投影坐标（EPSG:3857，单位：米），不是经纬度。\
                     按 Web 墨卡托换算，该点位于{}{note}。GeoJSON（RFC 7946）要求 WGS84 经纬度。\
                     解决办法：在 GIS 软件中另存为 EPSG:4326（或 EPSG:4490）经纬度，例如 \
                     ogr2ogr -s_srs EPSG:3857 -t_srs EPSG:4326 out.geojson in.geojson；\
                     或在本程序中把该图层的坐标系声明为“Web 墨卡托 (EPSG:3857)”。",
                    lon_lat_zh(lon_deg, lat_deg)
                )
            }
            ProjectedGuess::GaussKrugerWithZone { zone, kind, axes_swapped, lon_deg, lat_deg } => {
                let spec = GaussKrugerSpec { kind, zone, zone_prefix: true };
                let swapped = if axes_swapped {
                    "注意：两列顺序是 [北坐标, 东坐标]（测量习惯 X = 北、Y = 东），GeoJSON 要求先东后北，\
                     转换前需要交换两列。"
                } else {
                    ""
                };
                format!(
                    "这些数字像是 CGCS2000 高斯-克吕格投影坐标：{}第 {zone} 带（中央经线 {}°），\
                     东坐标前带有带号 {zone}。{swapped}按此换算，该点约位于{}。GeoJSON 需要经纬度。\
                     解决办法：在 GIS 软件（ArcGIS、QGIS 等）中将数据从 {} 转换为 EPSG:4326 或 \
                     EPSG:4490 经纬度后再导出，例如 ogr2ogr -s_srs {} -t_srs EPSG:4326 \
                     out.geojson in.geojson；本程序也可以按此带号直接换算。",
                    kind.label_zh(),
                    spec.central_meridian_deg(),
                    lon_lat_zh(lon_deg, lat_deg),
                    spec.ogr_source_srs(),
                    spec.ogr_source_srs(),
                )
            }
            ProjectedGuess::GaussKrugerNoZone { easting_m, northing_m, axes_swapped } => {
                let swapped = if axes_swapped {
                    "两列顺序是 [北坐标, 东坐标]（测量习惯 X = 北、Y = 东），需要交换。"
                } else {
                    ""
                };
                format!(
                    "这些数字像是不带带号的高斯-克吕格投影坐标（东坐标约 {easting_m:.0} 米，\
                     北坐标约 {northing_m:.0} 米），不是经纬度。{swapped}没有带号就无法确定中央经线：\
                     奎文区位于 CGCS2000 3 度带第 40 带（中央经线 120°，不带带号为 EPSG:4549）\
                     和 6 度带第 20 带（中央经线 117°，EPSG:4509）。解决办法：向数据提供方确认坐标系，\
                     在 GIS 软件中转换为 EPSG:4326 或 EPSG:4490 经纬度后再导出，例如 \
                     ogr2ogr -s_srs EPSG:4549 -t_srs EPSG:4326 out.geojson in.geojson。"
                )
            }
        }
    }

    /// English explanation for the user: what the numbers look like, where the point would be,
    /// and how to fix the file.
    pub fn advice_en(&self) -> String {
        match *self {
            ProjectedGuess::SwappedLonLat { lon_deg, lat_deg } => format!(
                "Latitude and longitude are swapped: GeoJSON requires [longitude, latitude], but \
                 these look like [latitude, longitude]. Swapped, the point is at {}. Fix: swap the \
                 two columns in the source data (x = longitude, y = latitude) and export again; \
                 when exporting with GDAL, -lco RFC7946=YES guarantees longitude first.",
                lon_lat_en(lon_deg, lat_deg)
            ),
            ProjectedGuess::WebMercator { lon_deg, lat_deg } => {
                let note = if out_of_china(lon_deg, lat_deg) {
                    " (outside China, so this may not be Web Mercator either; check the source \
                     coordinate system with the data provider)"
                } else {
                    ""
                };
                format!(
                    "These numbers look like Web Mercator metres (EPSG:3857), not degrees. Read as \
                     Web Mercator, the point is at {}{note}. GeoJSON (RFC 7946) requires WGS84 \
                     longitude/latitude. Fix: re-export as EPSG:4326 (or EPSG:4490) lon/lat from \
                     your GIS tool, e.g. ogr2ogr -s_srs EPSG:3857 -t_srs EPSG:4326 out.geojson \
                     in.geojson, or declare this layer's CRS as Web Mercator (EPSG:3857) in the app.",
                    lon_lat_en(lon_deg, lat_deg)
                )
            }
            ProjectedGuess::GaussKrugerWithZone { zone, kind, axes_swapped, lon_deg, lat_deg } => {
                let spec = GaussKrugerSpec { kind, zone, zone_prefix: true };
                let swapped = if axes_swapped {
                    " The pair is [northing, easting] (surveying convention X = north, Y = east); \
                     GeoJSON needs easting first, so swap the columns before converting."
                } else {
                    ""
                };
                format!(
                    "These numbers look like CGCS2000 Gauss-Krüger metres: {} zone {zone} (central \
                     meridian {}°E), with the zone number {zone} prefixed to the easting.{swapped} \
                     Read that way, the point is at about {}. GeoJSON needs longitude/latitude. \
                     Fix: in your GIS tool (ArcGIS, QGIS, ...) convert from {} to EPSG:4326 or \
                     EPSG:4490 lon/lat and export again, e.g. ogr2ogr -s_srs {} -t_srs EPSG:4326 \
                     out.geojson in.geojson. The app can also convert using this zone.",
                    kind.label_en(),
                    spec.central_meridian_deg(),
                    lon_lat_en(lon_deg, lat_deg),
                    spec.ogr_source_srs(),
                    spec.ogr_source_srs(),
                )
            }
            ProjectedGuess::GaussKrugerNoZone { easting_m, northing_m, axes_swapped } => {
                let swapped = if axes_swapped {
                    " The pair is [northing, easting] (surveying convention X = north, Y = east) \
                     and must be swapped."
                } else {
                    ""
                };
                format!(
                    "These numbers look like Gauss-Krüger metres without a zone prefix (easting \
                     about {easting_m:.0} m, northing about {northing_m:.0} m), not degrees.{swapped} \
                     Without the zone number the central meridian is unknown: Kuiwen lies in CGCS2000 \
                     3-degree zone 40 (central meridian 120°E, EPSG:4549 without prefix) and 6-degree \
                     zone 20 (central meridian 117°E, EPSG:4509). Fix: confirm the CRS with the data \
                     provider and re-export as EPSG:4326 or EPSG:4490 lon/lat, e.g. ogr2ogr -s_srs \
                     EPSG:4549 -t_srs EPSG:4326 out.geojson in.geojson."
                )
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// Great-circle distance in metres on a 6 371 008.8 m sphere (haversine).
    fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
        let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
        let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * h.sqrt().asin()
    }

    fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
        assert!(
            (got.0 - want.0).abs() <= tol && (got.1 - want.1).abs() <= tol,
            "{what}: got {got:?}, want {want:?} (tolerance {tol})"
        );
    }

    /// Grid of `(lon, lat)` points from `lon0..=lon1`, `lat0..=lat1` with `step` degrees.
    fn grid(lon0: f64, lon1: f64, lat0: f64, lat1: f64, step: f64) -> Vec<(f64, f64)> {
        let nx = ((lon1 - lon0) / step).round() as usize;
        let ny = ((lat1 - lat0) / step).round() as usize;
        let mut out = Vec::with_capacity((nx + 1) * (ny + 1));
        for i in 0..=nx {
            for j in 0..=ny {
                out.push((lon0 + i as f64 * step, lat0 + j as f64 * step));
            }
        }
        out
    }

    // Test vectors from googollee/eviltransform (go/transform_test.go, javascript/test.js,
    // matlab/test/testSuite.m). The source lists (wgsLat, wgsLng, gcjLat, gcjLng); they are
    // rewritten here as ((wgs lon, lat), (gcj lon, lat)).
    const EVILTRANSFORM_WGS_GCJ: [((f64, f64), (f64, f64)); 3] = [
        // Shanghai
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
        // Shenzhen
        ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
        // Beijing
        ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
    ];

    #[test]
    fn wgs84_to_gcj02_matches_eviltransform_vectors() {
        for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
            assert_close(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-9, "wgs84_to_gcj02");
        }
    }

    #[test]
    fn gcj02_to_wgs84_matches_eviltransform_vectors() {
        // eviltransform requires < 0.5 m for its exact inverse; ours should be ~0.1 mm.
        for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
            let got = gcj02_to_wgs84(gcj.0, gcj.1);
            let d = haversine_m(got, wgs);
            assert!(d < 0.001, "gcj02_to_wgs84 {gcj:?}: {d} m from {wgs:?}");
        }
    }

    #[test]
    fn gcj02_matches_coordtransform_readme_vectors() {
        // wandergis/coordtransform README.md, all for input (116.404, 39.915), lon first.
        assert_close(wgs84_to_gcj02(116.404, 39.915), (116.41024449916938, 39.91640428150164), 1e-9, "wgs84togcj02");
        // coordtransform's gcj02towgs84 is the one-step approximation
        // (116.39775550083061, 39.91359571849836). The exact inverse differs from it by a few
        // metres, and its forward transform must reproduce the input.
        let exact = gcj02_to_wgs84(116.404, 39.915);
        let approx = (116.39775550083061, 39.91359571849836);
        let d = haversine_m(exact, approx);
        assert!(d < 5.0, "exact vs one-step inverse: {d} m");
        assert_close(wgs84_to_gcj02(exact.0, exact.1), (116.404, 39.915), 1e-9, "forward(inverse)");
    }

    #[test]
    fn bd09_matches_published_vectors() {
        // wandergis/coordtransform README.md.
        assert_close(gcj02_to_bd09(116.404, 39.915), (116.41036949371029, 39.92133699351021), 1e-9, "gcj02tobd09");
        // coordtransform uses the closed-form approximate inverse; ours is exact, so allow 1e-6°.
        assert_close(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631), 1e-6, "bd09togcj02");
        // googollee/eviltransform matlab/test/testSuite.m (tolerance 5e-5° there):
        // BD-09 (lat 39.90851, lon 116.43351) <-> GCJ-02 (lat 39.90245, lon 116.42703).
        assert_close(gcj02_to_bd09(116.42703, 39.90245), (116.43351, 39.90851), 5e-5, "gcj2bd");
        assert_close(bd09_to_gcj02(116.43351, 39.90851), (116.42703, 39.90245), 5e-5, "bd2gcj");
        // Not used: eviltransform's python/test.py and matlab/test/testSuite.m also list
        // BD-09 -> WGS84 pairs, e.g. (lat 29.199786, lon 120.019809) -> (29.196131605295484,
        // 120.00877901149691). They do not follow the public formulas: eviltransform's own
        // formulas (checked by hand) and ours land 10 m and 41 m away. They were probably taken
        // from Baidu's online service.
    }

    #[test]
    fn round_trips_over_china_are_sub_millimetre() {
        let points = grid(73.0, 135.0, 18.0, 53.0, 0.25);
        let (mut max_wgs_gcj, mut max_gcj_wgs, mut max_bd, mut max_bd_gcj) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for &(lon, lat) in &points {
            let gcj = wgs84_to_gcj02(lon, lat);
            max_wgs_gcj = max_wgs_gcj.max(haversine_m(gcj02_to_wgs84(gcj.0, gcj.1), (lon, lat)));
            let wgs = gcj02_to_wgs84(lon, lat);
            max_gcj_wgs = max_gcj_wgs.max(haversine_m(wgs84_to_gcj02(wgs.0, wgs.1), (lon, lat)));
            let bd = wgs84_to_bd09(lon, lat);
            max_bd = max_bd.max(haversine_m(bd09_to_wgs84(bd.0, bd.1), (lon, lat)));
            let bd = gcj02_to_bd09(lon, lat);
            max_bd_gcj = max_bd_gcj.max(haversine_m(bd09_to_gcj02(bd.0, bd.1), (lon, lat)));
        }
        println!(
            "China grid ({} points): max round-trip error WGS→GCJ→WGS {max_wgs_gcj:.3e} m, \
             GCJ→WGS→GCJ {max_gcj_wgs:.3e} m, WGS→BD→WGS {max_bd:.3e} m, GCJ→BD→GCJ {max_bd_gcj:.3e} m",
            points.len()
        );
        for e in [max_wgs_gcj, max_gcj_wgs, max_bd, max_bd_gcj] {
            assert!(e < 0.001, "round-trip error {e} m");
        }
    }

    #[test]
    fn weifang_offsets_and_round_trips() {
        let points = grid(118.8, 119.4, 36.4, 37.0, 0.01);
        let (mut min_off, mut max_off, mut max_err) = (f64::MAX, 0.0f64, 0.0f64);
        for &(lon, lat) in &points {
            let gcj = wgs84_to_gcj02(lon, lat);
            let off = haversine_m(gcj, (lon, lat));
            min_off = min_off.min(off);
            max_off = max_off.max(off);
            max_err = max_err.max(haversine_m(gcj02_to_wgs84(gcj.0, gcj.1), (lon, lat)));
            let bd = wgs84_to_bd09(lon, lat);
            max_err = max_err.max(haversine_m(bd09_to_wgs84(bd.0, bd.1), (lon, lat)));
        }
        let kuiwen = (KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG);
        let gcj = wgs84_to_gcj02(kuiwen.0, kuiwen.1);
        let bd = wgs84_to_bd09(kuiwen.0, kuiwen.1);
        println!(
            "Weifang: GCJ-02 offset {min_off:.1}–{max_off:.1} m (Kuiwen {:.1} m, GCJ {gcj:?}, \
             BD-09 offset {:.1} m), max round-trip error {max_err:.3e} m",
            haversine_m(gcj, kuiwen),
            haversine_m(bd, kuiwen)
        );
        assert!((400.0..=700.0).contains(&min_off) && (400.0..=700.0).contains(&max_off));
        assert!(max_err < 0.001, "round-trip error {max_err} m");
        // GCJ-02 is shifted east and (slightly) north of WGS84 here.
        assert!(gcj.0 > kuiwen.0);
    }

    #[test]
    fn identity_outside_china() {
        let outside = [
            (-0.1276, 51.5072),   // London
            (-74.006, 40.7128),   // New York
            (139.6917, 35.6895),  // Tokyo: east of 137.8347°E, so outside the rectangle
            (-104.9903, 39.7392), // Denver (eviltransform edge case)
            (153.0251, -27.4698), // Brisbane (eviltransform edge case)
        ];
        for p in outside {
            assert!(out_of_china(p.0, p.1), "{p:?}");
            for f in [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84] {
                assert_eq!(f(p.0, p.1), p);
            }
        }
        // The customary rectangle is coarse: Seoul is inside it.
        assert!(!out_of_china(126.978, 37.5665));
        assert!(!out_of_china(KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG));
        assert!(out_of_china(f64::NAN, 36.0));
        let nan = gcj02_to_wgs84(f64::NAN, 36.0);
        assert!(nan.0.is_nan());
    }

    #[test]
    fn web_mercator_check_point_and_round_trip() {
        // Computed with PROJ 9.1.1: cs2cs +proj=longlat +ellps=WGS84 +to +proj=merc
        // +a=6378137 +b=6378137 (i.e. EPSG:3857) for (119.1, 36.7).
        assert_close(
            wgs84_to_web_mercator(119.1, 36.7),
            (13_258_151.353_479, 4_397_372.744_462),
            1e-3,
            "web mercator forward",
        );
        assert_close(wgs84_to_web_mercator(0.0, 0.0), (0.0, 0.0), 1e-9, "origin");
        let (x_max, y_max) = wgs84_to_web_mercator(180.0, 90.0);
        assert!((x_max - WEB_MERCATOR_MAX_M).abs() < 1e-6);
        assert!((y_max - WEB_MERCATOR_MAX_M).abs() < 1e-3, "clamped pole y {y_max}");
        let mut max_err = 0.0f64;
        for (lon, lat) in grid(-179.0, 179.0, -85.0, 85.0, 1.0) {
            let (x, y) = wgs84_to_web_mercator(lon, lat);
            let back = web_mercator_to_wgs84(x, y);
            max_err = max_err.max(haversine_m(back, (lon, lat)));
        }
        println!("Web Mercator max round-trip error {max_err:.3e} m");
        assert!(max_err < 1e-6);
    }

    #[test]
    fn gauss_kruger_check_points_from_proj() {
        // Computed with PROJ 9.1.1: cs2cs EPSG:4490 EPSG:4528 (CGCS2000 / 3-degree GK zone 40,
        // x_0 = 40 500 000). Input (lat, lon), output (northing, easting). Rewritten here as
        // ((lon, lat), (easting, northing)).
        let zone40 = GaussKrugerSpec { kind: ZoneWidth::Three, zone: 40, zone_prefix: true };
        let cases = [
            ((119.1, 36.7), (40_419_574.913_161, 4_063_596.036_663)),
            ((120.159, 30.267), (40_515_300.094_105, 3_349_722.302_100)),
            ((121.5, 53.0), (40_600_702.677_878, 5_875_673.237_069)),
            ((118.5, 20.0), (40_343_015.539_089, 2_213_069.191_288)),
        ];
        for ((lon, lat), grid_m) in cases {
            assert_close(zone40.wgs84_to_grid(lon, lat), grid_m, 1e-3, "GK zone 40 forward");
            assert_close(zone40.grid_to_wgs84(grid_m.0, grid_m.1), (lon, lat), 1e-9, "GK zone 40 inverse");
            let (e, n) = wgs84_to_gauss_kruger(lon, lat, 120.0);
            assert_close((e + 40_000_000.0, n), grid_m, 1e-3, "wgs84_to_gauss_kruger");
        }
        // PROJ 9.1.1: +proj=tmerc +lon_0=117 +k=1 +x_0=20500000 +ellps=GRS80 (EPSG:4498, 6° zone 20).
        let zone20 = GaussKrugerSpec::from_epsg(4498).expect("EPSG:4498 is 6-degree zone 20");
        assert_eq!(zone20.central_meridian_deg(), 117.0);
        assert_close(
            zone20.wgs84_to_grid(119.1, 36.7),
            (20_687_668.424_648, 4_065_274.409_635),
            1e-3,
            "GK 6-degree zone 20",
        );
    }

    #[test]
    fn transverse_mercator_matches_eviltransform_utm_vector() {
        // googollee/eviltransform matlab/test/testSuite.m: lat 36.903784, lon -104.545898 is
        // UTM 13N (540455.18, 4084295.17), checked there to 0.1 m. UTM is transverse Mercator with
        // k0 = 0.9996 and CM -105°. The WGS84/CGCS2000 flattening difference is < 1 mm here.
        let (dx, n) = transverse_mercator_forward(-104.545898, 36.903784, -105.0, 0.9996);
        assert_close((dx + 500_000.0, n), (540_455.18, 4_084_295.17), 0.01, "UTM forward");
        let back = transverse_mercator_inverse(540_455.18 - 500_000.0, 4_084_295.17, -105.0, 0.9996);
        assert_close(back, (-104.545898, 36.903784), 1e-6, "UTM inverse");
    }

    #[test]
    fn gauss_kruger_central_meridian_is_meridian_arc() {
        // On the central meridian the northing is the meridian arc length. Check it against
        // Simpson integration of M(φ) = a(1−e²)/(1−e² sin²φ)^{3/2}, and the published GRS80
        // meridian quadrant, 10 001 965.7293 m.
        let f = 1.0 / CGCS2000_INVERSE_FLATTENING;
        let e2 = f * (2.0 - f);
        let radius = |phi: f64| CGCS2000_SEMI_MAJOR_AXIS_M * (1.0 - e2) / (1.0 - e2 * phi.sin().powi(2)).powf(1.5);
        for lat in [10.0, 36.7, 53.0, 90.0] {
            let phi1: f64 = f64::to_radians(lat);
            let n_steps = 20_000;
            let h = phi1 / n_steps as f64;
            let mut sum = radius(0.0) + radius(phi1);
            for i in 1..n_steps {
                let w = if i % 2 == 1 { 4.0 } else { 2.0 };
                sum += w * radius(i as f64 * h);
            }
            let arc_m = sum * h / 3.0;
            let (e, n) = wgs84_to_gauss_kruger(120.0, lat, 120.0);
            assert!((e - 500_000.0).abs() < 1e-6);
            assert!((n - arc_m).abs() < 1e-4, "lat {lat}: northing {n} vs arc {arc_m}");
        }
        let (_, quadrant_m) = wgs84_to_gauss_kruger(120.0, 90.0, 120.0);
        assert!((quadrant_m - 10_001_965.729_3).abs() < 1e-3, "{quadrant_m}");
        let pole = gauss_kruger_to_wgs84(500_000.0, quadrant_m, 120.0);
        assert!((pole.1 - 90.0).abs() < 1e-9, "{pole:?}");
    }

    #[test]
    fn gauss_kruger_round_trip_is_sub_millimetre() {
        let mut max_err = 0.0f64;
        for (kind, cm) in [(ZoneWidth::Three, 120.0), (ZoneWidth::Six, 117.0)] {
            let half = kind.width_deg() / 2.0;
            for (lon, lat) in grid(cm - half, cm + half, 0.0, 56.0, 0.1) {
                let (e, n) = wgs84_to_gauss_kruger(lon, lat, cm);
                let back = gauss_kruger_to_wgs84(e, n, cm);
                max_err = max_err.max(haversine_m(back, (lon, lat)));
                // And the other way, grid → geo → grid.
                let (e2, n2) = wgs84_to_gauss_kruger(back.0, back.1, cm);
                max_err = max_err.max((e2 - e).hypot(n2 - n));
            }
        }
        println!("Gauss-Krüger max round-trip error {max_err:.3e} m");
        assert!(max_err < 1e-3);
    }

    #[test]
    fn gauss_kruger_zones() {
        assert_eq!(gauss_kruger_zone_central_meridian(40, ZoneWidth::Three), 120.0);
        assert_eq!(gauss_kruger_zone_central_meridian(20, ZoneWidth::Six), 117.0);
        assert_eq!(gauss_kruger_zone_central_meridian(25, ZoneWidth::Three), 75.0);
        assert_eq!(gauss_kruger_zone_central_meridian(1, ZoneWidth::Six), 3.0);
        assert_eq!(gauss_kruger_zone_central_meridian(120, ZoneWidth::Three), 0.0);
        assert_eq!(ZoneWidth::Three.zone_for_lon_deg(KUIWEN_CENTER_LON_DEG), 40);
        assert_eq!(ZoneWidth::Six.zone_for_lon_deg(KUIWEN_CENTER_LON_DEG), 20);
        assert_eq!(ZoneWidth::Three.zone_for_lon_deg(0.5), 120);
        assert_eq!(ZoneWidth::Six.zone_for_lon_deg(-1.0), 60);
        assert_eq!(ZoneWidth::Six.zone_for_lon_deg(f64::NAN), 0);
        let (zone, local_m) = split_gauss_kruger_zone_prefix(40_419_574.9).expect("prefixed");
        assert_eq!(zone, 40);
        assert!((local_m - 419_574.9).abs() < 1e-6);
        assert_eq!(split_gauss_kruger_zone_prefix(419_574.9), None);
        for code in 4491..=4554 {
            let spec = GaussKrugerSpec::from_epsg(code).expect("CGCS2000 GK code");
            assert_eq!(spec.epsg(), Some(code));
        }
        assert_eq!(GaussKrugerSpec::from_epsg(4490), None);
        assert_eq!(
            GaussKrugerSpec::from_epsg(4528),
            Some(GaussKrugerSpec { kind: ZoneWidth::Three, zone: 40, zone_prefix: true })
        );
        let cm120 = GaussKrugerSpec::from_epsg(4549).expect("EPSG:4549");
        assert_eq!((cm120.kind, cm120.zone, cm120.zone_prefix), (ZoneWidth::Three, 40, false));
        assert_eq!(cm120.false_easting_m(), 500_000.0);
        assert_eq!(parse_epsg_code("urn:ogc:def:crs:EPSG::4528"), Some(4528));
        assert_eq!(parse_epsg_code("http://www.opengis.net/def/crs/EPSG/0/4549"), Some(4549));
        assert_eq!(parse_epsg_code("urn:ogc:def:crs:OGC:1.3:CRS84"), None);
        assert_eq!(parse_epsg_code("urn:ogc:def:crs:FOO::4326"), None);
    }

    #[test]
    fn from_str_accepts_names_and_aliases() {
        let cases: [(&str, Crs); 22] = [
            ("wgs84", Crs::Wgs84),
            ("WGS84", Crs::Wgs84),
            ("EPSG:4326", Crs::Wgs84),
            (" 4326 ", Crs::Wgs84),
            ("cgcs2000", Crs::Cgcs2000),
            ("epsg:4490", Crs::Cgcs2000),
            ("4490", Crs::Cgcs2000),
            ("gcj02", Crs::Gcj02),
            ("GCJ-02", Crs::Gcj02),
            ("AMap", Crs::Gcj02),
            ("gaode", Crs::Gcj02),
            ("高德", Crs::Gcj02),
            ("bd09", Crs::Bd09),
            ("BD-09", Crs::Bd09),
            ("Baidu", Crs::Bd09),
            ("webmercator", Crs::WebMercator),
            ("Web-Mercator", Crs::WebMercator),
            ("epsg:3857", Crs::WebMercator),
            ("3857", Crs::WebMercator),
            ("900913", Crs::WebMercator),
            ("urn:ogc:def:crs:EPSG::3857", Crs::WebMercator),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
        ];
        for (s, want) in cases {
            assert_eq!(s.parse::<Crs>(), Ok(want), "{s:?}");
        }
        for crs in Crs::ALL {
            assert_eq!(crs.name().parse::<Crs>(), Ok(crs));
            assert_eq!(crs.to_string(), crs.name());
            assert!(!crs.label_zh().is_empty() && !crs.label_en().is_empty());
        }
        assert_eq!(Crs::default(), Crs::Wgs84);
        let err = "bd09mc".parse::<Crs>().expect_err("Baidu Mercator is not BD-09 lon/lat");
        assert_eq!(err, CrsError::Unknown("bd09mc".to_owned()));
        let msg = err.to_string();
        for name in ["wgs84", "cgcs2000", "gcj02", "bd09", "webmercator", "900913", "amap"] {
            assert!(msg.contains(name), "{msg}");
        }
    }

    #[test]
    fn from_epsg_urn_recognises_legacy_geojson_names() {
        let cases = [
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Some(Crs::Wgs84)),
            ("urn:ogc:def:crs:OGC::CRS84", Some(Crs::Wgs84)),
            ("CRS:84", Some(Crs::Wgs84)),
            ("urn:ogc:def:crs:EPSG::4326", Some(Crs::Wgs84)),
            ("urn:ogc:def:crs:EPSG:6.6:4326", Some(Crs::Wgs84)),
            ("EPSG:4326", Some(Crs::Wgs84)),
            ("http://www.opengis.net/def/crs/EPSG/0/4326", Some(Crs::Wgs84)),
            ("urn:ogc:def:crs:EPSG::4490", Some(Crs::Cgcs2000)),
            ("EPSG:4490", Some(Crs::Cgcs2000)),
            ("EPSG:3857", Some(Crs::WebMercator)),
            ("urn:ogc:def:crs:EPSG::3857", Some(Crs::WebMercator)),
            ("EPSG:900913", Some(Crs::WebMercator)),
            ("EPSG:102100", Some(Crs::WebMercator)),
            ("urn:ogc:def:crs:EPSG::4528", None),
            ("urn:ogc:def:crs:EPSG::2000", None),
            ("nonsense", None),
            ("", None),
        ];
        for (s, want) in cases {
            assert_eq!(Crs::from_epsg_urn(s), want, "{s:?}");
        }
    }

    #[test]
    fn serde_names() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error as DeError, StrDeserializer};
        for (s, want) in [
            ("wgs84", Crs::Wgs84),
            ("cgcs2000", Crs::Cgcs2000),
            ("gcj02", Crs::Gcj02),
            ("bd09", Crs::Bd09),
            ("webmercator", Crs::WebMercator),
            ("gcj-02", Crs::Gcj02),
            ("web-mercator", Crs::WebMercator),
        ] {
            let de: StrDeserializer<'_, DeError> = s.into_deserializer();
            assert_eq!(Crs::deserialize(de), Ok(want), "{s}");
        }
        let de: StrDeserializer<'_, DeError> = "mars".into_deserializer();
        assert!(Crs::deserialize(de).is_err());
    }

    #[test]
    fn crs_conversions_round_trip_at_kuiwen() {
        let kuiwen = (KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG);
        for crs in Crs::ALL {
            let (x, y) = crs.from_wgs84(kuiwen.0, kuiwen.1);
            let back = crs.to_wgs84(x, y);
            assert!(haversine_m(back, kuiwen) < 0.001, "{crs}: {back:?}");
            assert_eq!(crs.try_to_wgs84(x, y), Ok(back));
        }
        let gcj = Crs::Wgs84.convert_to(Crs::Gcj02, kuiwen.0, kuiwen.1);
        let bd = Crs::Gcj02.convert_to(Crs::Bd09, gcj.0, gcj.1);
        assert_close(bd, gcj02_to_bd09(gcj.0, gcj.1), 1e-9, "gcj→bd via convert_to");
        assert_eq!(Crs::Bd09.convert_to(Crs::Bd09, 1.0, 2.0), (1.0, 2.0));
        assert_eq!(Crs::Wgs84.epsg(), Some(4326));
        assert_eq!(Crs::Gcj02.epsg(), None);
        assert!(Crs::WebMercator.is_projected() && !Crs::Cgcs2000.is_projected());
    }

    #[test]
    fn try_to_wgs84_rejects_bad_input() {
        assert!(matches!(
            Crs::Wgs84.try_to_wgs84(13_257_000.0, 4_400_000.0),
            Err(CrsError::OutOfRange { crs: Crs::Wgs84, .. })
        ));
        assert!(matches!(Crs::Gcj02.try_to_wgs84(f64::NAN, 36.0), Err(CrsError::NonFinite { .. })));
        assert!(matches!(Crs::WebMercator.try_to_wgs84(40_419_574.9, 4_063_596.0), Err(CrsError::OutOfRange { .. })));
        let msg = Crs::Wgs84.try_to_wgs84(500.0, 36.0).expect_err("out of range").to_string();
        assert!(msg.contains("wgs84") && msg.contains("±180"), "{msg}");
    }

    #[test]
    fn guess_projected_web_mercator_weifang() {
        let guess = guess_projected(13_257_000.0, 4_400_000.0);
        let Some(ProjectedGuess::WebMercator { lon_deg, lat_deg }) = guess else {
            panic!("expected Web Mercator, got {guess:?}");
        };
        assert!((lon_deg - 119.09).abs() < 0.02 && (lat_deg - 36.72).abs() < 0.02, "{lon_deg}, {lat_deg}");
        let g = guess.expect("checked above");
        assert_eq!(g.suggested_source_epsg(), Some(3857));
        assert_eq!(g.convert_to_wgs84(13_257_000.0, 4_400_000.0), Some((lon_deg, lat_deg)));
        assert!(g.advice_zh().contains("EPSG:3857") && g.advice_zh().contains("ogr2ogr"));
        assert!(g.advice_en().contains("-t_srs EPSG:4326") && g.advice_en().contains("Web Mercator"));
        // 6-degree GK zone 13 is a lower-ranked alternative reading of the same numbers.
        let all = projected_candidates(13_257_000.0, 4_400_000.0);
        assert!(all.len() >= 2, "{all:?}");
        assert!(
            all.iter().any(|c| matches!(c, ProjectedGuess::GaussKrugerWithZone { zone: 13, kind: ZoneWidth::Six, .. }))
        );
    }

    #[test]
    fn guess_projected_gauss_kruger_zone_40_with_prefix() {
        let (e, n) = (40_419_574.913_161, 4_063_596.036_663);
        let guess = guess_projected(e, n);
        let Some(ProjectedGuess::GaussKrugerWithZone {
            zone: 40,
            kind: ZoneWidth::Three,
            axes_swapped: false,
            lon_deg,
            lat_deg,
        }) = guess
        else {
            panic!("expected 3-degree zone 40, got {guess:?}");
        };
        assert_close((lon_deg, lat_deg), (119.1, 36.7), 1e-9, "zone 40 reading");
        let g = guess.expect("checked above");
        assert_eq!(g.suggested_source_epsg(), Some(4528));
        assert!(g.advice_zh().contains("EPSG:4528") && g.advice_zh().contains("第 40 带"));
        assert!(g.advice_en().contains("ogr2ogr -s_srs EPSG:4528 -t_srs EPSG:4326"));
        // Swapped axes (surveying X = northing first).
        let swapped = guess_projected(n, e);
        assert!(
            matches!(
                swapped,
                Some(ProjectedGuess::GaussKrugerWithZone { zone: 40, kind: ZoneWidth::Three, axes_swapped: true, .. })
            ),
            "{swapped:?}"
        );
        let sw = swapped.expect("checked above");
        assert_close(sw.convert_to_wgs84(n, e).expect("convertible"), (119.1, 36.7), 1e-9, "swapped");
        assert!(sw.advice_zh().contains("交换"));
        // 6-degree zone 20 with prefix.
        let six = guess_projected(20_687_668.424_648, 4_065_274.409_635);
        assert!(
            matches!(six, Some(ProjectedGuess::GaussKrugerWithZone { zone: 20, kind: ZoneWidth::Six, .. })),
            "{six:?}"
        );
    }

    #[test]
    fn guess_projected_gauss_kruger_without_prefix() {
        let guess = guess_projected(419_574.9, 4_063_596.0);
        assert_eq!(
            guess,
            Some(ProjectedGuess::GaussKrugerNoZone {
                easting_m: 419_574.9,
                northing_m: 4_063_596.0,
                axes_swapped: false
            })
        );
        let g = guess.expect("checked above");
        assert_eq!(g.convert_to_wgs84(419_574.9, 4_063_596.0), None);
        assert!(g.advice_zh().contains("EPSG:4549") && g.advice_en().contains("EPSG:4549"));
        assert!(matches!(
            guess_projected(4_063_596.0, 419_574.9),
            Some(ProjectedGuess::GaussKrugerNoZone { axes_swapped: true, .. })
        ));
    }

    #[test]
    fn guess_projected_none_for_degrees_and_swapped_degrees_detected() {
        assert_eq!(guess_projected(119.1, 36.7), None);
        assert_eq!(guess_projected(-180.0, -90.0), None);
        assert_eq!(guess_projected(f64::NAN, 1.0), None);
        assert_eq!(guess_projected(f64::INFINITY, 1e7), None);
        let swapped = guess_projected(36.7, 119.1);
        assert_eq!(swapped, Some(ProjectedGuess::SwappedLonLat { lon_deg: 119.1, lat_deg: 36.7 }));
        let g = swapped.expect("checked above");
        assert!(g.advice_zh().contains("[经度, 纬度]") && g.advice_en().contains("swapped"));
        // Numbers too large for anything known.
        assert_eq!(guess_projected(5e9, 5e9), None);
        // Small out-of-range numbers are bad degrees, not Web Mercator near (0°, 0°).
        assert_eq!(guess_projected(119.1, 95.0), None);
        assert_eq!(guess_projected(500.0, 300.0), None);
        assert_eq!(guess_projected(-200.0, 50.0), None);
        // Web Mercator far from China is still recognised (New York).
        assert!(matches!(guess_projected(-8_238_000.0, 4_970_000.0), Some(ProjectedGuess::WebMercator { .. })));
    }
}
