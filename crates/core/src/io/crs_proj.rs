//! Any coordinate system a planner meets, by EPSG code, `.prj` WKT or PROJ string, through the
//! pure-Rust projection library proj4rs and its EPSG definitions.
//!
//! [`super::crs::Crs`] names the five systems the app always knew (WGS84, CGCS2000, GCJ-02,
//! BD-09, Web Mercator). Everything else goes through here: the CGCS2000 Gauss-Krüger grids
//! (EPSG:4491–4554), UTM, and Xian 1980 / Beijing 1954 grids once the user gives the local
//! seven parameters (七参数). Results were checked against PROJ 9 (`cs2cs`) to a millimetre and
//! against the app's own Krüger-series Gauss-Krüger code to a micrometre (see the tests).
//!
//! **Datums.** A system whose ellipsoid is not WGS84 or GRS80 (CGCS2000) needs a datum shift.
//! EPSG's definitions carry none for Xian 1980, and a single nationwide one for Beijing 1954 that
//! is off by metres to tens of metres locally. Neither is applied silently: such a system is
//! refused with [`ProjError::NeedsSevenParameters`] until the user gives the project's own
//! seven parameters, which then travel with the layer (in the workspace) and are named in every
//! result.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use proj4rs::Proj;

use crate::i18n::Bilingual;

/// Errors from looking up or using a coordinate system definition.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProjError {
    /// No EPSG definition with this code is known.
    #[error("EPSG:{0} is not a coordinate system this app knows (no EPSG definition)")]
    UnknownEpsg(u32),
    /// The definition could not be parsed by proj4rs.
    #[error("cannot use the coordinate system definition {definition:?}: {reason}")]
    BadDefinition {
        /// The PROJ string or WKT.
        definition: String,
        /// Why.
        reason: String,
    },
    /// The system's datum differs from WGS84/CGCS2000 and no local parameters were given.
    #[error(
        "{name} is on the {datum} datum: converting it to CGCS2000/WGS84 needs the project's seven parameters (七参数), which no nationwide default gives to map accuracy. Give them with --towgs84 dx,dy,dz,rx,ry,rz,ppm (metres, arc-seconds, parts per million) or in the layer's coordinate system settings"
    )]
    NeedsSevenParameters {
        /// The system's name.
        name: String,
        /// The datum or ellipsoid (English).
        datum: String,
        /// The datum or ellipsoid (Chinese).
        datum_zh: String,
    },
    /// The `.prj` WKT could not be read.
    #[error("cannot read the projection file (.prj): {reason}; the WKT names {name:?}")]
    BadWkt {
        /// The name in the WKT (PROJCS or GEOGCS).
        name: String,
        /// Why.
        reason: String,
    },
    /// A coordinate could not be transformed (outside the projection's domain).
    #[error("coordinate ({x}, {y}) cannot be transformed from {name}")]
    Transform {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The system.
        name: String,
    },
}

impl Bilingual for ProjError {
    fn zh(&self) -> String {
        match self {
            ProjError::UnknownEpsg(code) => format!("EPSG:{code} 不是本程序已知的坐标系（没有该 EPSG 定义）"),
            ProjError::BadDefinition { definition, reason } => format!("无法使用坐标系定义“{definition}”：{reason}"),
            ProjError::NeedsSevenParameters { name, datum_zh, .. } => format!(
                "{name} 基于{datum_zh}：转换到 CGCS2000/WGS84 需要本项目的七参数，全国统一的参数达不到制图精度。请用 --towgs84 dx,dy,dz,rx,ry,rz,ppm（米、角秒、百万分之一）或在图层的坐标系设置中填写"
            ),
            ProjError::BadWkt { name, reason } => {
                format!("无法读取投影文件（.prj）：{reason}；其中的坐标系名称为“{name}”")
            }
            ProjError::Transform { x, y, name } => format!("坐标 ({x}, {y}) 无法从 {name} 转换"),
        }
    }
}

/// Seven-parameter (Helmert, position-vector convention as in PROJ's `+towgs84`) datum shift to
/// WGS84: translations in metres, rotations in arc-seconds, scale in parts per million.
pub type SevenParameters = [f64; 7];

/// The WGS84 (= CGCS2000 at map precision) geographic system in proj4rs' terms.
const WGS84_PROJ: &str = "+proj=longlat +datum=WGS84 +no_defs";

/// The process-wide table of definitions given as PROJ strings (from `.prj` files without an
/// EPSG code, and grids with the user's seven parameters). [`super::crs::Crs::Custom`] holds an
/// index into it, so the `Crs` stays a small `Copy` value.
fn custom_table() -> &'static RwLock<Vec<String>> {
    static TABLE: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    TABLE.get_or_init(|| RwLock::new(Vec::new()))
}

/// Validates a PROJ string and returns its index in the table (the same string gives the same
/// index).
pub fn intern_custom(proj: &str) -> Result<u32, ProjError> {
    let proj = normalize_proj(proj);
    let parsed = Proj::from_proj_string(&proj)
        .map_err(|e| ProjError::BadDefinition { definition: proj.clone(), reason: e.to_string() })?;
    check_datum(&proj, &parsed, &proj)?;
    let table = custom_table();
    if let Ok(t) = table.read()
        && let Some(i) = t.iter().position(|p| *p == proj)
    {
        return Ok(i as u32);
    }
    let mut t = table.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(i) = t.iter().position(|p| *p == proj) {
        return Ok(i as u32);
    }
    t.push(proj);
    Ok((t.len() - 1) as u32)
}

/// The PROJ string of a custom definition.
pub fn custom_proj(id: u32) -> Option<String> {
    custom_table().read().ok().and_then(|t| t.get(id as usize).cloned())
}

/// Collapses whitespace so that equal definitions intern to one entry.
fn normalize_proj(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The EPSG definition of `code`: `(PROJ string, name)`.
pub fn epsg_definition(code: u32) -> Result<(&'static str, String), ProjError> {
    let def = u16::try_from(code).ok().and_then(crs_definitions::from_code).ok_or(ProjError::UnknownEpsg(code))?;
    Ok((def.proj4, wkt_name(def.wkt).unwrap_or_else(|| format!("EPSG:{code}"))))
}

/// Whether EPSG `code` needs the user's seven parameters before it can be used.
pub fn epsg_needs_parameters(code: u32) -> Result<bool, ProjError> {
    let (proj, name) = epsg_definition(code)?;
    match check_datum(proj, &parse(proj)?, &name) {
        Ok(()) => Ok(false),
        Err(ProjError::NeedsSevenParameters { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Checks that an EPSG code can be used as it is (known, and on a WGS84-compatible datum).
pub fn check_epsg(code: u32) -> Result<(), ProjError> {
    let (proj, name) = epsg_definition(code)?;
    check_datum(proj, &parse(proj)?, &name)
}

/// An EPSG grid with the user's seven parameters, as a PROJ string (EPSG's own datum shift, if
/// any, replaced).
pub fn epsg_with_parameters(code: u32, params: SevenParameters) -> Result<String, ProjError> {
    let (proj, _) = epsg_definition(code)?;
    let kept: Vec<&str> =
        proj.split_whitespace().filter(|t| !t.starts_with("+towgs84=") && !t.starts_with("+datum=")).collect();
    let p = params.map(|v| format!("{v}"));
    Ok(format!("{} +towgs84={}", kept.join(" "), p.join(",")))
}

/// The first quoted name of a WKT text (`PROJCS["name",…` or `GEOGCS["name",…`).
pub fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_owned())
}

fn parse(proj: &str) -> Result<Proj, ProjError> {
    Proj::from_proj_string(proj)
        .map_err(|e| ProjError::BadDefinition { definition: proj.to_owned(), reason: e.to_string() })
}

/// Refuses a definition whose ellipsoid is not WGS84/GRS80 unless it carries an explicit
/// `+towgs84` that is not one of EPSG's nationwide defaults for Chinese datums.
fn check_datum(proj_text: &str, proj: &Proj, name: &str) -> Result<(), ProjError> {
    let (a_m, _) = proj.ellipse_parameters();
    if (a_m - 6_378_137.0).abs() < 0.5 {
        return Ok(());
    }
    // EPSG's Beijing 1954 definitions carry one nationwide shift; it is not the user's choice.
    const NATIONWIDE_BEIJING_1954: &str = "+towgs84=15.8,-154.4,-82.3,0,0,0,0";
    let has_shift = proj_text.split_whitespace().any(|t| t.starts_with("+towgs84=") && t != NATIONWIDE_BEIJING_1954);
    if has_shift {
        return Ok(());
    }
    let (datum, datum_zh) = if (a_m - 6_378_140.0).abs() < 0.5 {
        ("西安 1980 (Xian 1980, IAG 1975 ellipsoid)".to_owned(), "西安 1980 坐标系（IAG 1975 椭球）".to_owned())
    } else if (a_m - 6_378_245.0).abs() < 0.5 {
        ("北京 1954 (Beijing 1954, Krasovsky ellipsoid)".to_owned(), "北京 1954 坐标系（克拉索夫斯基椭球）".to_owned())
    } else {
        (format!("a non-WGS84 ellipsoid (a = {a_m} m)"), format!("非 WGS84 椭球（长半轴 a = {a_m} 米）"))
    };
    Err(ProjError::NeedsSevenParameters { name: name.to_owned(), datum, datum_zh })
}

/// Reads a `.prj` (or any WKT): an `AUTHORITY["EPSG",…]` of the whole system gives the code;
/// otherwise a known name (ESRI writes `CGCS2000_3_Degree_GK_Zone_40`); otherwise the WKT is
/// turned into a PROJ string by proj4wkt.
pub fn read_wkt(wkt: &str) -> Result<WktCrs, ProjError> {
    let wkt = wkt.trim().trim_start_matches('\u{feff}');
    let name = wkt_name(wkt).unwrap_or_default();
    if let Some(code) = trailing_authority_code(wkt) {
        return Ok(WktCrs::Epsg(code));
    }
    if let Some(code) = epsg_by_name(&name) {
        return Ok(WktCrs::Epsg(code));
    }
    let proj = proj4wkt::wkt_to_projstring(wkt)
        .map_err(|e| ProjError::BadWkt { name: name.clone(), reason: e.to_string() })?;
    Ok(WktCrs::Proj { proj, name })
}

/// What a WKT names.
#[derive(Clone, Debug, PartialEq)]
pub enum WktCrs {
    /// An EPSG code.
    Epsg(u32),
    /// A PROJ string made from the WKT, and the WKT's name.
    Proj {
        /// The PROJ string.
        proj: String,
        /// The name.
        name: String,
    },
}

/// The EPSG code in the last `AUTHORITY["EPSG","…"]` of a WKT, when it belongs to the whole
/// system (it is the last element before the closing bracket).
fn trailing_authority_code(wkt: &str) -> Option<u32> {
    let t = wkt.trim_end().strip_suffix(']')?.trim_end();
    let t = t.strip_suffix(']')?;
    let start = t.rfind("AUTHORITY[")?;
    let inner = &t[start + "AUTHORITY[".len()..];
    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('"'));
    if !parts.next()?.eq_ignore_ascii_case("EPSG") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// Simplifies a CRS name for matching: lowercase letters and digits only, with the spellings of
/// ESRI and EPSG brought together.
fn name_key(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace("gauss_kruger", "gk").replace("gauss-kruger", "gk");
    let lower = lower.replace("gauss kruger", "gk").replace("degree", "deg");
    lower.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The EPSG code of a system known by name: the CGCS2000 Gauss-Krüger grids as ESRI and EPSG
/// spell them, and the common geographic and UTM names.
fn epsg_by_name(name: &str) -> Option<u32> {
    let key = name_key(name);
    if key.is_empty() {
        return None;
    }
    static INDEX: OnceLock<HashMap<String, u32>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        // The Chinese grids, the UTM zones over China, and the geographic systems.
        let codes = (4490..=4554).chain(32643..=32653).chain([4326, 3857, 4610, 4214]);
        for code in codes {
            if let Ok((_, n)) = epsg_definition(code) {
                m.insert(name_key(&n), code);
            }
        }
        // ESRI's spellings of the CGCS2000 grids.
        for zone in 25..=45u32 {
            m.insert(name_key(&format!("CGCS2000_3_Degree_GK_Zone_{zone}")), 4513 + zone - 25);
            m.insert(name_key(&format!("CGCS2000_3_Degree_GK_CM_{}E", zone * 3)), 4534 + zone - 25);
        }
        for zone in 13..=23u32 {
            m.insert(name_key(&format!("CGCS2000_GK_Zone_{zone}")), 4491 + zone - 13);
            m.insert(name_key(&format!("CGCS2000_GK_CM_{}E", zone * 6 - 3)), 4502 + zone - 13);
        }
        m.insert(name_key("GCS_China_Geodetic_Coordinate_System_2000"), 4490);
        m.insert(name_key("China Geodetic Coordinate System 2000"), 4490);
        m.insert(name_key("GCS_WGS_1984"), 4326);
        m.insert(name_key("WGS_1984_Web_Mercator_Auxiliary_Sphere"), 3857);
        m
    });
    index.get(&key).copied()
}

/// A parsed definition, ready to convert many coordinates. proj4rs' `Proj` is not shared across
/// threads: [`super::crs::Crs`] keeps one per thread and system.
pub struct Transformer {
    src: Proj,
    wgs: Proj,
}

impl Transformer {
    /// Parses the definition.
    pub fn new(proj: &str) -> Result<Self, ProjError> {
        Ok(Self { src: parse(proj)?, wgs: parse(WGS84_PROJ)? })
    }

    /// WGS84 degrees → `(x, y)` in the system, `None` outside the projection's domain.
    pub fn from_wgs84(&self, lon_deg: f64, lat_deg: f64) -> Option<(f64, f64)> {
        let mut p = (lon_deg.to_radians(), lat_deg.to_radians(), 0.0);
        proj4rs::transform::transform(&self.wgs, &self.src, &mut p).ok()?;
        let out = if self.src.is_latlong() { (p.0.to_degrees(), p.1.to_degrees()) } else { (p.0, p.1) };
        (out.0.is_finite() && out.1.is_finite()).then_some(out)
    }

    /// Whether the system is geographic (degrees).
    pub fn is_latlong(&self) -> bool {
        self.src.is_latlong()
    }

    /// `(x, y)` → WGS84 degrees, `None` outside the projection's domain.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let mut p = if self.src.is_latlong() { (x.to_radians(), y.to_radians(), 0.0) } else { (x, y, 0.0) };
        proj4rs::transform::transform(&self.src, &self.wgs, &mut p).ok()?;
        let out = (p.0.to_degrees(), p.1.to_degrees());
        (out.0.is_finite() && out.1.is_finite()).then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_wgs84(proj: &str, lon: f64, lat: f64) -> Option<(f64, f64)> {
        Transformer::new(proj).ok()?.from_wgs84(lon, lat)
    }

    fn to_wgs84(proj: &str, x: f64, y: f64) -> Option<(f64, f64)> {
        Transformer::new(proj).ok()?.to_wgs84(x, y)
    }

    #[test]
    fn gauss_kruger_zone_40_matches_the_published_check_point() {
        // FACTS: 119.11 E, 36.71 N → x = 40 420 478.85 (4528) or 420 478.85 (4549), y = 4 064 697.45.
        let (p4528, _) = epsg_definition(4528).expect("4528");
        let (x, y) = from_wgs84(p4528, 119.11, 36.71).expect("forward");
        assert!((x - 40_420_478.85).abs() < 0.01 && (y - 4_064_697.45).abs() < 0.01, "{x} {y}");
        let (p4549, _) = epsg_definition(4549).expect("4549");
        let (x, y) = from_wgs84(p4549, 119.11, 36.71).expect("forward");
        assert!((x - 420_478.85).abs() < 0.01 && (y - 4_064_697.45).abs() < 0.01, "{x} {y}");
        let (lon, lat) = to_wgs84(p4549, x, y).expect("inverse");
        assert!((lon - 119.11).abs() < 1e-9 && (lat - 36.71).abs() < 1e-9, "{lon} {lat}");
    }

    #[test]
    fn proj4rs_agrees_with_the_kruger_series_to_a_micrometre_over_kuiwen() {
        for code in [4528u32, 4549, 4513, 4534, 4491, 4502] {
            let spec = super::super::crs::GaussKrugerSpec::from_epsg(code).expect("a GK code");
            let (proj, _) = epsg_definition(code).expect("defined");
            let cm = spec.central_meridian_deg();
            for (dlon, lat) in [(-1.0, 36.6), (-0.9, 36.8), (0.5, 30.0), (1.4, 45.0)] {
                let (x, y) = from_wgs84(proj, cm + dlon, lat).expect("forward");
                let (xk, yk) = spec.wgs84_to_grid(cm + dlon, lat);
                assert!((x - xk).abs() < 1e-6 && (y - yk).abs() < 1e-6, "{code}: {x} {y} vs {xk} {yk}");
            }
        }
    }

    #[test]
    fn utm_zone_50_matches_proj() {
        // echo "36.71 119.11" | cs2cs -f %.4f EPSG:4326 EPSG:32650 (PROJ 9.1.1): 688462.3429 4064777.4190
        let (proj, name) = epsg_definition(32650).expect("UTM 50N");
        assert!(name.contains("UTM zone 50N"), "{name}");
        let (x, y) = from_wgs84(proj, 119.11, 36.71).expect("forward");
        let (lon, lat) = to_wgs84(proj, x, y).expect("inverse");
        assert!((lon - 119.11).abs() < 1e-9 && (lat - 36.71).abs() < 1e-9);
        assert!((x - 688_462.342_9).abs() < 0.001 && (y - 4_064_777.419_0).abs() < 0.001, "{x} {y}");
    }

    #[test]
    fn xian_80_and_beijing_54_need_the_users_parameters() {
        for code in [2385u32, 2437, 2327] {
            let err = check_epsg(code).expect_err("needs parameters");
            assert!(matches!(err, ProjError::NeedsSevenParameters { .. }), "{code}: {err}");
            assert!(err.to_string().contains("seven parameters") && err.zh().contains("七参数"));
            assert_eq!(err.en(), err.to_string());
        }
        let err = check_epsg(2385).expect_err("Xian 1980");
        assert!(
            err.zh().contains("西安 1980 坐标系") && err.zh().contains("Xian 1980 / 3-degree Gauss-Kruger CM 120E"),
            "{}",
            err.zh()
        );
        let err = epsg_definition(99_999).expect_err("no such code");
        assert!(err.zh().contains("EPSG:99999") && err.zh().contains("坐标系"), "{}", err.zh());
        assert_eq!(err.en(), err.to_string());
        let err = intern_custom("+proj=tmerc +a=6378388 +rf=297 +lon_0=120").expect_err("another ellipsoid");
        assert!(err.zh().contains("长半轴 a = 6378388 米"), "{}", err.zh());
        assert!(check_epsg(4528).is_ok() && check_epsg(32650).is_ok());
        let params = [24.0, -123.0, -94.0, 0.02, -0.25, -0.13, 1.1];
        let proj = epsg_with_parameters(2437, params).expect("with parameters");
        assert!(proj.contains("+towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1"), "{proj}");
        assert!(!proj.contains("15.8,-154.4"), "EPSG's nationwide shift is replaced: {proj}");
        let id = intern_custom(&proj).expect("valid");
        assert_eq!(intern_custom(&proj), Ok(id), "the same definition interns once");
        // With a real shift the result moves away from the unshifted grid by the translation.
        let (lon, lat) = to_wgs84(&proj, 420_000.0, 4_064_000.0).expect("inverse");
        assert!((119.0..119.2).contains(&lon) && (36.6..36.8).contains(&lat), "{lon} {lat}");
    }

    #[test]
    fn prj_files_by_authority_by_esri_name_and_by_parameters() {
        let (_, _) = epsg_definition(4528).expect("4528");
        let with_authority = crs_definitions::EPSG_4528.wkt;
        assert_eq!(read_wkt(with_authority), Ok(WktCrs::Epsg(4528)));
        let esri = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_40",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        assert_eq!(read_wkt(esri), Ok(WktCrs::Epsg(4528)));
        let esri_cm = esri.replace("CGCS2000_3_Degree_GK_Zone_40", "CGCS2000_3_Degree_GK_CM_120E");
        assert_eq!(read_wkt(&esri_cm), Ok(WktCrs::Epsg(4549)));
        let unnamed = esri.replace("CGCS2000_3_Degree_GK_Zone_40", "Kuiwen local grid");
        match read_wkt(&unnamed) {
            Ok(WktCrs::Proj { proj, name }) => {
                assert_eq!(name, "Kuiwen local grid");
                let (x, y) = from_wgs84(&proj, 119.11, 36.71).expect("forward");
                assert!((x - 40_420_478.85).abs() < 0.01 && (y - 4_064_697.45).abs() < 0.01, "{proj}: {x} {y}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_wkt("PROJCS[\"broken\""), Err(ProjError::BadWkt { .. })));
    }
}
