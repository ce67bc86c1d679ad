//! Telling what projected numbers are: Web Mercator metres, a Gauss-Krüger grid (which zone), or
//! swapped latitude and longitude, with advice in Chinese and English.

use super::*;

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
