//! Basemaps from capabilities: the WMTS 1.0.0 and WMS 1.3.0/1.1.1 layers that can be drawn as Web
//! Mercator tiles, and a URL template for each that the basemap crate's tile loader fetches (with
//! its timeouts, disk cache and status messages).
//!
//! A WMTS layer is usable when one of its tile matrix sets is the standard Web Mercator pyramid:
//! its CRS is EPSG:3857 (or 900913, 3785, 102100, 102113), its tiles are 256 pixels and every
//! matrix's scale denominator is 559 082 264.0287178 / 2^z within 0.1 %, starting at the corner
//! (−20 037 508.34, 20 037 508.34). The zoom `z` of each matrix must be derivable from its
//! identifier (`5`, or `EPSG:900913:5` as GeoServer names them: a fixed prefix and the zoom).
//! Tianditu's `w` set qualifies; its `c` set is CGCS2000 in degrees and is reported unusable,
//! with the reason. A WMS layer is usable when it offers EPSG:3857 (or 900913): its template is a
//! GetMap request for a 256×256 image with a `{bbox}` placeholder, the tile's Web Mercator box.
//! Parameters of the capabilities address that are not OGC's own (Tianditu's `tk=` key, a
//! MapServer `map=`) are kept on the tile addresses.

use reqwest::Url;

use crate::error::{OgcError, Reason, redact};
use crate::features::{wgs84_bbox, xml_root};
use crate::http::{append_raw, encode, get, parse_url, raw_pairs_except};
use crate::xml::Element;

/// The scale denominator of Web Mercator zoom 0 for 256-pixel tiles (0.28 mm pixels).
pub const WEB_MERCATOR_SCALE_Z0: f64 = 559_082_264.028_717_8;
/// The same for a 96-dpi pixel (0.0254 / 96 m), as Tianditu and ArcGIS Server write them.
pub const WEB_MERCATOR_SCALE_Z0_96DPI: f64 = 591_657_527.591_555;
/// Half the width of the Web Mercator world, metres.
pub const WEB_MERCATOR_HALF: f64 = 20_037_508.342_789_244;
/// How far a scale denominator may be from the standard one.
const SCALE_TOLERANCE: f64 = 0.001;
/// EPSG codes of Web Mercator.
const WEB_MERCATOR_CODES: &[u32] = &[3857, 900_913, 3785, 102_100, 102_113];

const XML_ACCEPT: &str = "application/xml, text/xml;q=0.9, */*;q=0.1";

/// Parameters of a capabilities address that the tile requests set themselves (the rest, such
/// as `tk=`, is kept).
const TILE_PARAMS: &[&str] = &[
    "service",
    "request",
    "version",
    "acceptversions",
    "sections",
    "updatesequence",
    "acceptformats",
    "format",
    "layer",
    "layers",
    "style",
    "styles",
    "tilematrixset",
    "tilematrix",
    "tilerow",
    "tilecol",
    "crs",
    "srs",
    "bbox",
    "width",
    "height",
    "transparent",
];

/// Which kind of service a tile layer comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TileService {
    /// WMTS 1.0.0.
    Wmts,
    /// WMS, with its version (`1.3.0`, `1.1.1`).
    Wms {
        /// The version the capabilities are in.
        version: String,
    },
}

/// A standard Web Mercator pyramid found in a tile matrix set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pyramid {
    /// The identifier of zoom `z` is this prefix followed by `z` (`""`, `EPSG:900913:`).
    pub id_prefix: String,
    /// The lowest zoom the set has.
    pub min_zoom: u8,
    /// The highest zoom the set has.
    pub max_zoom: u8,
}

/// A WMTS tile matrix set a layer links to.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixSetInfo {
    /// Its identifier (`GoogleMapsCompatible`, `EPSG:900913`, `w`, `c`).
    pub identifier: String,
    /// Its `SupportedCRS`, as written.
    pub crs: String,
    /// The pyramid, or why it is not the Web Mercator one.
    pub support: Result<Pyramid, Reason>,
}

/// A tile address template of a WMTS ResourceURL.
#[derive(Clone, Debug, PartialEq)]
struct ResourceUrl {
    format: String,
    template: String,
}

/// A layer a WMTS or WMS offers.
#[derive(Clone, Debug, PartialEq)]
pub struct TileLayerInfo {
    /// WMTS or WMS.
    pub service: TileService,
    /// The identifier (WMTS) or name (WMS) requests use.
    pub name: String,
    /// The title (the name when the service gives none).
    pub title: String,
    /// The styles, the default first.
    pub styles: Vec<String>,
    /// The image formats offered.
    pub formats: Vec<String>,
    /// The extent in WGS84, `[west, south, east, north]`.
    pub wgs84_bbox: Option<[f64; 4]>,
    /// WMTS: the tile matrix sets linked, each with whether it is the Web Mercator pyramid.
    pub matrix_sets: Vec<MatrixSetInfo>,
    /// WMS: the coordinate systems offered (inherited ones included).
    pub crs: Vec<String>,
    /// Whether the layer can be a basemap, or why not.
    pub support: Result<(), Reason>,
    resources: Vec<ResourceUrl>,
    request_url: Option<String>,
    extra_query: Vec<String>,
}

impl TileLayerInfo {
    /// Whether the layer can be a basemap.
    pub fn usable(&self) -> bool {
        self.support.is_ok()
    }

    /// The first usable matrix set (WMTS).
    pub fn web_mercator_set(&self) -> Option<&MatrixSetInfo> {
        self.matrix_sets.iter().find(|s| s.support.is_ok())
    }

    /// What [`tile_template`] uses when nothing is chosen: the first Web Mercator set, the
    /// default style, PNG (else JPEG, else the first format).
    pub fn default_choice(&self) -> TileChoice {
        TileChoice::default()
    }

    /// "WMTS" or "WMS 1.3.0".
    pub fn kind_label(&self) -> String {
        match &self.service {
            TileService::Wmts => "WMTS".to_owned(),
            TileService::Wms { version } => format!("WMS {version}"),
        }
    }
}

/// Which set, style and format a template is made for (`None`: the default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TileChoice {
    /// A tile matrix set identifier (WMTS).
    pub matrix_set: Option<String>,
    /// A style.
    pub style: Option<String>,
    /// An image format (`image/png`).
    pub format: Option<String>,
}

/// Whether a text is a capabilities address (it holds `GetCapabilities`, or its path ends with
/// `WMTSCapabilities.xml`), as the settings window offers to read.
pub fn is_capabilities_url(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    let path = t.split(['?', '#']).next().unwrap_or_default();
    (t.starts_with("http://") || t.starts_with("https://"))
        && (t.contains("getcapabilities") || path.ends_with("wmtscapabilities.xml"))
}

/// The layers of a WMTS or WMS capabilities address, usable or not.
pub fn list_tile_layers(capabilities_url: &str) -> Result<Vec<TileLayerInfo>, OgcError> {
    let u = parse_url(capabilities_url)?;
    let answer = get(u.as_str(), XML_ACCEPT)?;
    let root = xml_root(&answer)?;
    tile_layers_from(&u, &root)
}

/// The layers of a capabilities document already read (`u`: where it came from).
pub(crate) fn tile_layers_from(u: &Url, root: &Element) -> Result<Vec<TileLayerInfo>, OgcError> {
    match root.name.as_str() {
        "Capabilities" => Ok(wmts_layers(u, root)),
        "WMS_Capabilities" | "WMT_MS_Capabilities" => Ok(wms_layers(u, root)),
        other => Err(OgcError::NotCapabilities {
            url: redact(u.as_str()),
            found: Reason::new(
                format!("XML (root element {other}), not WMTS or WMS capabilities"),
                format!("XML（根元素 {other}），不是 WMTS 或 WMS 能力文档"),
            ),
        }),
    }
}

fn crs_code(name: &str) -> Option<u32> {
    let t = name.trim().to_ascii_lowercase();
    t.rsplit([':', '/']).find(|p| !p.is_empty())?.parse().ok()
}

fn is_web_mercator(name: &str) -> bool {
    crs_code(name).is_some_and(|c| WEB_MERCATOR_CODES.contains(&c))
}

fn numbers(text: &str) -> Vec<f64> {
    text.split_whitespace().filter_map(|n| n.parse().ok()).collect()
}

/// The Web Mercator zoom of one tile matrix, or why it is none: 256-pixel tiles, a scale
/// denominator within 0.1 % of the pyramid's (OGC's 0.28 mm pixel, 559 082 264.03 / 2^z, or the
/// 96-dpi pixel Tianditu and ArcGIS write, 591 657 527.59 / 2^z: the same tiles), and the
/// top-left corner of the Web Mercator square (in either axis order).
fn fit_matrix(m: &Element, set: &str) -> Result<u8, Reason> {
    let mid = m.child_text("Identifier").unwrap_or_default();
    let w = m.child_text("TileWidth").and_then(|t| t.parse::<u32>().ok()).unwrap_or(256);
    let h = m.child_text("TileHeight").and_then(|t| t.parse::<u32>().ok()).unwrap_or(256);
    if w != 256 || h != 256 {
        return Err(Reason::new(
            format!("the tiles of matrix {mid} in set {set} are {w}×{h} pixels; the map uses 256-pixel tiles"),
            format!("切片方案 {set} 的层级 {mid} 瓦片为 {w}×{h} 像素；地图使用 256 像素的瓦片"),
        ));
    }
    let scale = m.child_text("ScaleDenominator").and_then(|t| t.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let fit = [WEB_MERCATOR_SCALE_Z0, WEB_MERCATOR_SCALE_Z0_96DPI].into_iter().find_map(|z0| {
        let z = (z0 / scale).log2().round();
        let expected = z0 / z.exp2();
        ((0.0..=24.0).contains(&z) && ((scale - expected) / expected).abs() <= SCALE_TOLERANCE).then_some(z as u8)
    });
    let Some(z) = fit else {
        return Err(Reason::new(
            format!(
                "matrix {mid} of set {set} has the scale 1:{scale}, which is no zoom level of the standard Web Mercator pyramid (559082264.03 / 2^z)"
            ),
            format!(
                "切片方案 {set} 的层级 {mid} 比例尺分母为 {scale}，不属于标准球面墨卡托金字塔（559082264.03 / 2^z）"
            ),
        ));
    };
    let corner = m.child_text("TopLeftCorner").map(|t| numbers(&t)).unwrap_or_default();
    let near = |v: f64, want: f64| (v - want).abs() < 1.0;
    let ok = match corner.as_slice() {
        [x, y, ..] => {
            (near(*x, -WEB_MERCATOR_HALF) && near(*y, WEB_MERCATOR_HALF))
                || (near(*x, WEB_MERCATOR_HALF) && near(*y, -WEB_MERCATOR_HALF))
        }
        _ => false,
    };
    if !ok {
        return Err(Reason::new(
            format!("matrix {mid} of set {set} does not start at the Web Mercator corner (−20037508.34, 20037508.34)"),
            format!("切片方案 {set} 的层级 {mid} 左上角不是球面墨卡托的原点（−20037508.34, 20037508.34）"),
        ));
    }
    Ok(z)
}

/// Whether a tile matrix set is the standard Web Mercator pyramid, and how its zooms are named.
fn web_mercator_pyramid(set: &Element, tianditu: bool) -> Result<Pyramid, Reason> {
    let id = set.child_text("Identifier").unwrap_or_default();
    let crs = set.child_text("SupportedCRS").unwrap_or_default();
    if !is_web_mercator(&crs) {
        let (what_en, what_zh) = match crs_code(&crs) {
            Some(4490) => (" (CGCS2000 longitude/latitude, in degrees)", "（CGCS2000 经纬度，单位为度）"),
            Some(4326) => (" (WGS 84 longitude/latitude, in degrees)", "（WGS 84 经纬度，单位为度）"),
            _ if crs.to_ascii_lowercase().contains("crs84") => {
                (" (WGS 84 longitude/latitude, in degrees)", "（WGS 84 经纬度，单位为度）")
            }
            _ => ("", ""),
        };
        let (hint_en, hint_zh) = if tianditu || (id == "c" && crs_code(&crs) == Some(4490)) {
            (
                " Use Tianditu's Web Mercator service instead (its _w address, e.g. vec_w, with the w set).",
                "请改用天地图的球面墨卡托服务（_w 地址，如 vec_w，切片方案 w）。",
            )
        } else {
            (
                " Ask for the layer in a Web Mercator (EPSG:3857 / GoogleMapsCompatible) set.",
                "请使用该图层的球面墨卡托（EPSG:3857 / GoogleMapsCompatible）切片方案。",
            )
        };
        return Err(Reason::new(
            format!(
                "tile matrix set {id} is in {crs}{what_en}, not Web Mercator (EPSG:3857), the only projection the map draws tiles in.{hint_en}"
            ),
            format!("切片方案 {id} 的坐标系是 {crs}{what_zh}，不是地图瓦片所用的球面墨卡托（EPSG:3857）。{hint_zh}"),
        ));
    }
    // Matrices that do not fit (Tianditu's published w set ends with a level-19 matrix copied from
    // its geographic set) are left out; the set is refused only when none fits.
    let mut zooms: Vec<(u8, String)> = Vec::new();
    let mut first_misfit: Option<Reason> = None;
    for m in set.children_named("TileMatrix") {
        match fit_matrix(m, &id) {
            Ok(z) => zooms.push((z, m.child_text("Identifier").unwrap_or_default())),
            Err(why) => {
                log::debug!("tile matrix set {id}: {why}");
                first_misfit.get_or_insert(why);
            }
        }
    }
    if zooms.is_empty() {
        return Err(first_misfit.unwrap_or_else(|| {
            Reason::new(format!("tile matrix set {id} has no matrices"), format!("切片方案 {id} 没有任何层级"))
        }));
    }
    let mut prefix: Option<String> = None;
    let mut consistent = true;
    for (z, mid) in &zooms {
        let zs = z.to_string();
        let p = mid.strip_suffix(&zs).map(str::to_owned);
        match (&prefix, p) {
            (_, None) => consistent = false,
            (None, Some(p)) => prefix = Some(p),
            (Some(have), Some(p)) => consistent &= *have == p,
        }
    }
    let mut seen: Vec<u8> = zooms.iter().map(|(z, _)| *z).collect();
    seen.sort_unstable();
    let duplicate = seen.windows(2).any(|w| w[0] == w[1]);
    match prefix {
        Some(id_prefix) if consistent && !duplicate => Ok(Pyramid {
            id_prefix,
            min_zoom: seen.first().copied().unwrap_or(0),
            max_zoom: seen.last().copied().unwrap_or(0),
        }),
        _ => {
            let examples: Vec<&str> = zooms.iter().take(3).map(|(_, m)| m.as_str()).collect();
            let examples = examples.join(", ");
            Err(Reason::new(
                format!(
                    "the matrix identifiers of set {id} ({examples}…) are not a fixed prefix followed by the zoom level, so tile addresses cannot be made from {{z}}"
                ),
                format!(
                    "切片方案 {id} 的层级标识（{examples}…）不是“固定前缀 + 缩放级别”的形式，无法由 {{z}} 生成瓦片地址"
                ),
            ))
        }
    }
}

fn is_tianditu(u: &Url) -> bool {
    u.host_str()
        .is_some_and(|h| h.ends_with("tianditu.gov.cn") || h.ends_with("tianditu.com") || h.ends_with("tianditu.cn"))
}

fn preferred_format(available: &[String], chosen: Option<&str>) -> Option<String> {
    if let Some(c) = chosen {
        return available.iter().find(|f| f.eq_ignore_ascii_case(c)).cloned().or_else(|| Some(c.to_owned()));
    }
    for want in ["image/png", "image/jpeg", "image/png8", "image/jpg", "tiles"] {
        if let Some(f) = available.iter().find(|f| f.eq_ignore_ascii_case(want)) {
            return Some(f.clone());
        }
    }
    available.first().cloned()
}

fn get_href(op: &Element) -> Vec<(String, Vec<String>)> {
    op.descendants("Get")
        .into_iter()
        .filter_map(|g| {
            let href = g.attr("href")?.trim().to_owned();
            let encodings = g.descendants("Value").iter().map(|v| v.trimmed().to_ascii_uppercase()).collect();
            (!href.is_empty()).then_some((href, encodings))
        })
        .collect()
}

fn wmts_layers(u: &Url, root: &Element) -> Vec<TileLayerInfo> {
    let extra_query = raw_pairs_except(u, TILE_PARAMS);
    let kvp_url = root
        .child("OperationsMetadata")
        .and_then(|o| o.children_named("Operation").find(|op| op.attr("name") == Some("GetTile")))
        .and_then(|op| {
            get_href(op).into_iter().find(|(_, enc)| enc.is_empty() || enc.iter().any(|e| e == "KVP")).map(|(h, _)| h)
        });
    let Some(contents) = root.child("Contents") else { return Vec::new() };
    let tianditu = is_tianditu(u);
    let sets: Vec<(String, String, Result<Pyramid, Reason>)> = contents
        .children_named("TileMatrixSet")
        .filter_map(|s| {
            let id = s.child_text("Identifier")?;
            Some((id, s.child_text("SupportedCRS").unwrap_or_default(), web_mercator_pyramid(s, tianditu)))
        })
        .collect();
    let mut out = Vec::new();
    for layer in contents.children_named("Layer") {
        let Some(name) = layer.child_text("Identifier") else { continue };
        let title = layer.child_text("Title").unwrap_or_else(|| name.clone());
        let mut styles: Vec<(bool, String)> = layer
            .children_named("Style")
            .filter_map(|s| {
                let id = s.child_text("Identifier")?;
                Some((s.attr("isDefault").is_some_and(|d| d.eq_ignore_ascii_case("true")), id))
            })
            .collect();
        styles.sort_by_key(|(default, _)| !*default);
        let formats: Vec<String> =
            layer.children_named("Format").map(Element::trimmed).filter(|f| !f.is_empty()).collect();
        let matrix_sets: Vec<MatrixSetInfo> = layer
            .children_named("TileMatrixSetLink")
            .filter_map(|l| l.child_text("TileMatrixSet"))
            .map(|sid| match sets.iter().find(|(id, _, _)| *id == sid) {
                Some((id, crs, support)) => {
                    MatrixSetInfo { identifier: id.clone(), crs: crs.clone(), support: support.clone() }
                }
                None => MatrixSetInfo {
                    identifier: sid.clone(),
                    crs: String::new(),
                    support: Err(Reason::new(
                        format!("tile matrix set {sid} is not defined in the capabilities"),
                        format!("能力文档中没有定义切片方案 {sid}"),
                    )),
                },
            })
            .collect();
        let resources: Vec<ResourceUrl> = layer
            .children_named("ResourceURL")
            .filter(|r| r.attr("resourceType").is_none_or(|t| t.eq_ignore_ascii_case("tile")))
            .filter_map(|r| {
                Some(ResourceUrl {
                    format: r.attr("format").unwrap_or_default().to_owned(),
                    template: r.attr("template")?.trim().to_owned(),
                })
            })
            .collect();
        let request_url = kvp_url.clone().or_else(|| {
            // No GetTile operation listed: the capabilities address itself, unless it is a file.
            let path = u.path().to_ascii_lowercase();
            (!path.ends_with(".xml")).then(|| crate::http::without_params(u, TILE_PARAMS).to_string())
        });
        let support = if resources.is_empty() && request_url.is_none() {
            Err(Reason::new("the capabilities give no address to request tiles from", "能力文档没有给出获取瓦片的地址"))
        } else if matrix_sets.iter().any(|s| s.support.is_ok()) {
            Ok(())
        } else {
            Err(matrix_sets
                .iter()
                .find_map(|s| s.support.clone().err())
                .unwrap_or_else(|| Reason::new("the layer links to no tile matrix set", "该图层没有关联任何切片方案")))
        };
        out.push(TileLayerInfo {
            service: TileService::Wmts,
            name,
            title,
            styles: styles.into_iter().map(|(_, s)| s).collect(),
            formats,
            wgs84_bbox: wgs84_bbox(layer),
            matrix_sets,
            crs: Vec::new(),
            support,
            resources,
            request_url,
            extra_query: extra_query.clone(),
        });
    }
    out
}

/// What a WMS layer inherits from its parents.
#[derive(Clone, Default)]
struct Inherited {
    crs: Vec<String>,
    styles: Vec<String>,
    bbox: Option<[f64; 4]>,
}

fn wms_bbox(layer: &Element) -> Option<[f64; 4]> {
    if let Some(b) = layer.child("EX_GeographicBoundingBox") {
        let n = |name: &str| b.child_text(name).and_then(|t| t.parse::<f64>().ok());
        return Some([
            n("westBoundLongitude")?,
            n("southBoundLatitude")?,
            n("eastBoundLongitude")?,
            n("northBoundLatitude")?,
        ]);
    }
    let b = layer.child("LatLonBoundingBox")?;
    let n = |name: &str| b.attr(name).and_then(|t| t.trim().parse::<f64>().ok());
    Some([n("minx")?, n("miny")?, n("maxx")?, n("maxy")?])
}

fn wms_walk(layer: &Element, parent: &Inherited, out: &mut Vec<(String, String, Inherited)>) {
    let mut mine = parent.clone();
    for c in layer.children.iter().filter(|c| c.name == "CRS" || c.name == "SRS") {
        for code in c.text.split_whitespace() {
            if !mine.crs.iter().any(|h| h.eq_ignore_ascii_case(code)) {
                mine.crs.push(code.to_owned());
            }
        }
    }
    for s in layer.children_named("Style") {
        if let Some(n) = s.child_text("Name")
            && !mine.styles.contains(&n)
        {
            mine.styles.push(n);
        }
    }
    if let Some(b) = wms_bbox(layer) {
        mine.bbox = Some(b);
    }
    if let Some(name) = layer.child_text("Name") {
        let title = layer.child_text("Title").unwrap_or_else(|| name.clone());
        out.push((name, title, mine.clone()));
    }
    for child in layer.children_named("Layer") {
        wms_walk(child, &mine, out);
    }
}

fn wms_layers(u: &Url, root: &Element) -> Vec<TileLayerInfo> {
    let version = root.attr("version").unwrap_or("1.3.0").to_owned();
    let extra_query = raw_pairs_except(u, TILE_PARAMS);
    let get_map = root.path(&["Capability", "Request", "GetMap"]);
    let formats: Vec<String> = get_map
        .map(|g| g.children_named("Format").map(Element::trimmed).filter(|f| !f.is_empty()).collect())
        .unwrap_or_default();
    let href = get_map
        .and_then(|g| {
            g.descendants("Get")
                .into_iter()
                .find_map(|get| get.child("OnlineResource")?.attr("href").map(str::to_owned))
        })
        .filter(|h| !h.trim().is_empty())
        .or_else(|| Some(crate::http::without_params(u, TILE_PARAMS).to_string()));
    let mut found = Vec::new();
    if let Some(top) = root.path(&["Capability", "Layer"]) {
        wms_walk(top, &Inherited::default(), &mut found);
    }
    found
        .into_iter()
        .map(|(name, title, inh)| {
            let support = if inh.crs.iter().any(|c| is_web_mercator(c)) {
                Ok(())
            } else {
                let listed: Vec<&str> = inh.crs.iter().take(6).map(String::as_str).collect();
                let listed = if listed.is_empty() { "none".to_owned() } else { listed.join(", ") };
                Err(Reason::new(
                    format!("the layer is offered only in {listed}, not in Web Mercator (EPSG:3857), the projection the map draws tiles in"),
                    format!("该图层只提供 {listed} 坐标系，没有地图瓦片所用的球面墨卡托（EPSG:3857）"),
                ))
            };
            TileLayerInfo {
                service: TileService::Wms { version: version.clone() },
                name,
                title,
                styles: inh.styles,
                formats: formats.clone(),
                wgs84_bbox: inh.bbox,
                matrix_sets: Vec::new(),
                crs: inh.crs,
                support,
                resources: Vec::new(),
                request_url: href.clone(),
                extra_query: extra_query.clone(),
            }
        })
        .collect()
}

/// The URL template of a layer, for `Basemap::Xyz` (the settings window) and `--basemap`: WMTS
/// with `{z}`, `{x}` and `{y}` (a RESTful ResourceURL when the layer has one, else a KVP GetTile
/// request), WMS with `{bbox}` (a GetMap request in EPSG:3857). An unusable layer or choice is
/// an [`OgcError::Unsupported`] with the reason.
pub fn tile_template(layer: &TileLayerInfo, choice: &TileChoice) -> Result<String, OgcError> {
    let unsupported = |why: Reason| OgcError::Unsupported { layer: layer.title.clone(), why };
    layer.support.clone().map_err(unsupported)?;
    let template = match &layer.service {
        TileService::Wmts => wmts_template(layer, choice)?,
        TileService::Wms { version } => wms_template(layer, choice, version)?,
    };
    // Keys and other parameters of the capabilities address, unless the template has them.
    let present: Vec<String> = template
        .split_once('?')
        .map(|(_, q)| q.split('&').filter_map(|p| p.split('=').next()).map(str::to_ascii_lowercase).collect())
        .unwrap_or_default();
    let extra: Vec<String> = layer
        .extra_query
        .iter()
        .filter(|p| !present.contains(&p.split('=').next().unwrap_or_default().to_ascii_lowercase()))
        .cloned()
        .collect();
    Ok(append_raw(&template, &extra))
}

fn wmts_template(layer: &TileLayerInfo, choice: &TileChoice) -> Result<String, OgcError> {
    let unsupported = |why: Reason| OgcError::Unsupported { layer: layer.title.clone(), why };
    let set = match &choice.matrix_set {
        Some(id) => layer.matrix_sets.iter().find(|s| s.identifier == *id).ok_or_else(|| {
            unsupported(Reason::new(
                format!("the layer has no tile matrix set {id}"),
                format!("该图层没有切片方案 {id}"),
            ))
        })?,
        None => layer.web_mercator_set().ok_or_else(|| {
            unsupported(Reason::new("the layer has no Web Mercator tile matrix set", "该图层没有球面墨卡托切片方案"))
        })?,
    };
    let pyramid = set.support.clone().map_err(unsupported)?;
    let style = choice.style.clone().or_else(|| layer.styles.first().cloned()).unwrap_or_else(|| "default".to_owned());
    let matrix = format!("{}{{z}}", encode(&pyramid.id_prefix));
    let rest_formats: Vec<String> = layer.resources.iter().map(|r| r.format.clone()).collect();
    let rest = preferred_format(&rest_formats, choice.format.as_deref())
        .and_then(|f| layer.resources.iter().find(|r| r.format.eq_ignore_ascii_case(&f)));
    if let Some(resource) = rest.or_else(|| if choice.format.is_none() { layer.resources.first() } else { None }) {
        return fill_resource(&resource.template, &set.identifier, &matrix, &style, &layer.name).map_err(unsupported);
    }
    let Some(base) = &layer.request_url else {
        return Err(unsupported(Reason::new(
            "the capabilities give no address to request tiles from",
            "能力文档没有给出获取瓦片的地址",
        )));
    };
    let format = preferred_format(&layer.formats, choice.format.as_deref()).unwrap_or_else(|| "image/png".to_owned());
    let pieces = vec![
        "SERVICE=WMTS".to_owned(),
        "REQUEST=GetTile".to_owned(),
        "VERSION=1.0.0".to_owned(),
        format!("LAYER={}", encode(&layer.name)),
        format!("STYLE={}", encode(&style)),
        format!("TILEMATRIXSET={}", encode(&set.identifier)),
        format!("FORMAT={}", encode(&format)),
        format!("TILEMATRIX={matrix}"),
        "TILEROW={y}".to_owned(),
        "TILECOL={x}".to_owned(),
    ];
    Ok(append_raw(base, &pieces))
}

/// Fill a ResourceURL template's placeholders (names compared without case).
fn fill_resource(template: &str, set: &str, matrix: &str, style: &str, layer: &str) -> Result<String, Reason> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &rest[open + 1..close];
        let value = match name.to_ascii_lowercase().as_str() {
            "tilematrixset" => encode(set),
            "tilematrix" => matrix.to_owned(),
            "tilerow" => "{y}".to_owned(),
            "tilecol" => "{x}".to_owned(),
            "style" => encode(style),
            "layer" => encode(layer),
            _ => {
                return Err(Reason::new(
                    format!("its tile address needs {{{name}}} (a dimension such as time), which the map cannot set"),
                    format!("其瓦片地址需要 {{{name}}}（时间等维度），地图无法设置"),
                ));
            }
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn wms_template(layer: &TileLayerInfo, choice: &TileChoice, version: &str) -> Result<String, OgcError> {
    let unsupported = |why: Reason| OgcError::Unsupported { layer: layer.title.clone(), why };
    let crs = layer
        .crs
        .iter()
        .find(|c| crs_code(c) == Some(3857))
        .or_else(|| layer.crs.iter().find(|c| is_web_mercator(c)))
        .cloned()
        .ok_or_else(|| {
            unsupported(Reason::new(
                "the layer offers no Web Mercator (EPSG:3857)",
                "该图层没有球面墨卡托（EPSG:3857）",
            ))
        })?;
    let Some(base) = &layer.request_url else {
        return Err(unsupported(Reason::new(
            "the capabilities give no GetMap address",
            "能力文档没有给出 GetMap 地址",
        )));
    };
    let format = preferred_format(&layer.formats, choice.format.as_deref()).unwrap_or_else(|| "image/png".to_owned());
    let style = choice.style.clone().unwrap_or_default();
    let srs_key = if version.starts_with("1.3") { "CRS" } else { "SRS" };
    let mut pieces = vec![
        "SERVICE=WMS".to_owned(),
        format!("VERSION={}", encode(version)),
        "REQUEST=GetMap".to_owned(),
        format!("LAYERS={}", encode(&layer.name)),
        format!("STYLES={}", encode(&style)),
        format!("{srs_key}={}", encode(&crs)),
        "BBOX={bbox}".to_owned(),
        "WIDTH=256".to_owned(),
        "HEIGHT=256".to_owned(),
        format!("FORMAT={}", encode(&format)),
    ];
    if format.to_ascii_lowercase().contains("png") {
        pieces.push("TRANSPARENT=TRUE".to_owned());
    }
    Ok(append_raw(base, &pieces))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_addresses_are_recognised() {
        assert!(is_capabilities_url("https://h/geoserver/gwc/service/wmts?REQUEST=GetCapabilities"));
        assert!(is_capabilities_url("http://h/wmts/1.0.0/WMTSCapabilities.xml"));
        assert!(is_capabilities_url("http://t0.tianditu.gov.cn/vec_w/wmts?request=GetCapabilities&service=wmts&tk=K"));
        assert!(!is_capabilities_url("https://h/{z}/{x}/{y}.png"));
        assert!(!is_capabilities_url("GetCapabilities"));
    }

    #[test]
    fn resource_templates_are_filled_without_regard_to_case() {
        let t = fill_resource(
            "http://h/gwc/rest/{layer}/{style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}?format=image/png",
            "EPSG:900913",
            "EPSG:900913:{z}",
            "default",
            "kuiwen:parks",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t, "http://h/gwc/rest/kuiwen:parks/default/EPSG:900913/EPSG:900913:{z}/{y}/{x}?format=image/png");
        assert!(fill_resource("http://h/{Time}/{TileMatrix}", "s", "{z}", "d", "l").is_err());
        assert_eq!(crs_code("urn:ogc:def:crs:EPSG:6.18:3:3857"), Some(3857));
        assert_eq!(crs_code("EPSG:900913"), Some(900_913));
        assert!(is_web_mercator("urn:ogc:def:crs:EPSG::900913") && !is_web_mercator("urn:ogc:def:crs:EPSG::4490"));
    }
}
