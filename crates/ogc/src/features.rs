//! Feature services: WFS 2.0 (GetCapabilities, GetFeature as GeoJSON, paged with `count` and
//! `startIndex`) and OGC API Features (`/collections`, `/collections/{id}/items`, paged by the
//! `next` links), read by bounding box into the core's WGS84 features.
//!
//! Every page is read by the core's GeoJSON reader ([`kuiwen_core::io::parse_bytes`]), so Chinese
//! property names, the legacy `crs` member and the coordinate systems behave exactly as they do
//! for files. The axis order of EPSG:4326 is handled: CRS84 is asked for when the WFS offers it
//! (longitude first, always); otherwise EPSG:4326 is asked for, and a page whose coordinates are
//! latitude first (as the EPSG definition says, and some servers write even in GeoJSON) is turned
//! round before reading. A layer of more than [`MAX_FEATURES`] is refused with a message saying
//! to ask for a smaller area.

use std::collections::HashSet;

use kuiwen_core::Bilingual;
use kuiwen_core::io::crs::{Crs, parse_epsg_code};
use kuiwen_core::io::{Diagnostic, LoadOptions, parse_bytes};
use kuiwen_core::model::Feature;
use reqwest::Url;
use serde_json::Value;

use crate::error::{OgcError, Reason, redact};
use crate::http::{Answer, get, parse_url, query_value, with_params, without_params};
use crate::xml::{self, Element};

/// The most features loaded from one layer at once.
pub const MAX_FEATURES: usize = 200_000;
/// Features asked for per page (less when the WFS says its `CountDefault` is smaller).
pub const PAGE_SIZE: usize = 1000;
/// Pages followed at most (a server whose `next` links never end).
const MAX_PAGES: usize = 5_000;

const JSON_ACCEPT: &str = "application/geo+json, application/json;q=0.9, */*;q=0.1";
const XML_ACCEPT: &str = "application/xml, text/xml;q=0.9, */*;q=0.1";
/// The CRS84 name asked for in an OGC API or written in a bbox.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// EPSG:4326 as WFS 2.0 names it (latitude first).
pub const EPSG_4326_URN: &str = "urn:ogc:def:crs:EPSG::4326";

/// WFS query parameters the crate sets itself; dropped from a base address.
const WFS_PARAMS: &[&str] = &[
    "service",
    "request",
    "version",
    "acceptversions",
    "typename",
    "typenames",
    "outputformat",
    "count",
    "maxfeatures",
    "startindex",
    "srsname",
    "bbox",
    "sections",
    "resulttype",
];
/// OGC API query parameters the crate sets itself.
const OAPIF_PARAMS: &[&str] = &["f", "limit", "bbox", "offset", "bbox-crs", "crs"];

/// A feature service and its base address (keys such as `tk=` kept in its query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeatureService {
    /// A WFS (2.0, or 1.1 without paging): the address requests are made to, without the WFS
    /// parameters.
    Wfs {
        /// The address, e.g. `https://host/geoserver/wfs`.
        base_url: String,
    },
    /// An OGC API Features service: the landing page's address (where `/collections` is).
    OgcApi {
        /// The address, e.g. `https://host/ogcapi`.
        base_url: String,
    },
}

impl FeatureService {
    /// The service an address names: `service=WFS` or `request=GetCapabilities` in the query is
    /// a WFS; a path with `/collections` is an OGC API. Otherwise the address is fetched: a
    /// JSON landing page is an OGC API, WFS capabilities a WFS, and failing both the address is
    /// asked for WFS capabilities.
    pub fn detect(url: &str) -> Result<FeatureService, OgcError> {
        let u = parse_url(url)?;
        if let Some(s) = Self::from_url(&u) {
            return Ok(s);
        }
        match get(u.as_str(), "application/json, application/xml;q=0.9, */*;q=0.1") {
            Ok(answer) => {
                if let Some(s) = Self::from_answer(&u, &answer) {
                    return Ok(s);
                }
            }
            Err(OgcError::ServiceException { .. } | OgcError::Http { .. }) => {}
            Err(e) => return Err(e),
        }
        let base = without_params(&u, WFS_PARAMS);
        let caps = with_params(&base, &[("SERVICE", "WFS".into()), ("REQUEST", "GetCapabilities".into())]);
        match get(&caps, XML_ACCEPT) {
            Ok(a) if xml_root(&a).is_ok_and(|r| r.name == "WFS_Capabilities") => {
                Ok(FeatureService::Wfs { base_url: base.to_string() })
            }
            _ => Err(OgcError::UnknownService { url: redact(u.as_str()) }),
        }
    }

    /// The service the address itself names, without asking it.
    pub fn from_url(u: &Url) -> Option<FeatureService> {
        let service = query_value(u, "service").map(|s| s.to_ascii_uppercase());
        let request = query_value(u, "request").map(|s| s.to_ascii_lowercase());
        if service.as_deref() == Some("WFS")
            || (service.is_none() && request.as_deref() == Some("getcapabilities"))
            || request.as_deref() == Some("getfeature")
        {
            return Some(FeatureService::Wfs { base_url: without_params(u, WFS_PARAMS).to_string() });
        }
        let path = u.path();
        if let Some(at) = path.find("/collections") {
            let rest = &path[at + "/collections".len()..];
            if rest.is_empty() || rest.starts_with('/') {
                let mut base = without_params(u, OAPIF_PARAMS);
                base.set_path(path[..at].trim_end_matches('/'));
                return Some(FeatureService::OgcApi { base_url: base.to_string() });
            }
        }
        None
    }

    /// The service an answer shows: WFS capabilities, or an OGC API landing page or collections.
    pub fn from_answer(u: &Url, answer: &Answer) -> Option<FeatureService> {
        if answer.is_xml() {
            let root = xml::parse(&answer.body).ok()?;
            return (root.name == "WFS_Capabilities")
                .then(|| FeatureService::Wfs { base_url: without_params(u, WFS_PARAMS).to_string() });
        }
        if answer.is_json_object() {
            let v: Value = serde_json::from_slice(&answer.body).ok()?;
            if v.get("links").is_some_and(Value::is_array) || v.get("collections").is_some_and(Value::is_array) {
                let mut base = without_params(u, OAPIF_PARAMS);
                let path = u.path().trim_end_matches('/');
                base.set_path(path.strip_suffix("/collections").unwrap_or(path));
                return Some(FeatureService::OgcApi { base_url: base.to_string() });
            }
        }
        None
    }

    /// The base address.
    pub fn base_url(&self) -> &str {
        match self {
            FeatureService::Wfs { base_url } | FeatureService::OgcApi { base_url } => base_url,
        }
    }

    /// "WFS" or "OGC API Features".
    pub fn kind_label(&self) -> &'static str {
        match self {
            FeatureService::Wfs { .. } => "WFS",
            FeatureService::OgcApi { .. } => "OGC API Features",
        }
    }
}

/// A layer a feature service offers.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureLayerInfo {
    /// The name requests use: the WFS `typeName` (e.g. `kuiwen:parks`) or the collection id.
    pub name: String,
    /// The title (the name when the service gives none).
    pub title: String,
    /// The default coordinate system, as the service writes it.
    pub default_crs: Option<String>,
    /// The other coordinate systems offered.
    pub other_crs: Vec<String>,
    /// The extent in WGS84, `[west, south, east, north]`.
    pub wgs84_bbox: Option<[f64; 4]>,
}

/// A layer of a service, as the command line names it: `WFS:https://host/wfs?typeNames=x` or
/// `OAPIF:https://host/collections/x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureSource {
    /// The service.
    pub service: FeatureService,
    /// The layer's name (`typeNames`) or collection id.
    pub layer: String,
}

impl FeatureSource {
    /// Read a spec. `None` when the text is not a service spec at all (a file path); an error
    /// when it is one but unusable (a bad address, no layer named).
    pub fn parse(spec: &str) -> Option<Result<FeatureSource, OgcError>> {
        let t = spec.trim();
        let (kind, rest) = t.split_once(':')?;
        let kind = kind.to_ascii_uppercase();
        if kind != "WFS" && kind != "OAPIF" {
            return None;
        }
        let no_layer = || OgcError::NoLayerName { spec: redact(t) };
        Some(parse_url(rest).and_then(|u| {
            if kind == "WFS" {
                let layer = query_value(&u, "typeNames")
                    .or_else(|| query_value(&u, "typeName"))
                    .filter(|l| !l.trim().is_empty())
                    .ok_or_else(no_layer)?;
                Ok(FeatureSource {
                    service: FeatureService::Wfs { base_url: without_params(&u, WFS_PARAMS).to_string() },
                    layer: layer.trim().to_owned(),
                })
            } else {
                let path = u.path().to_owned();
                let at = path.find("/collections/").ok_or_else(no_layer)?;
                let id = path[at + "/collections/".len()..].split('/').next().unwrap_or_default();
                if id.is_empty() {
                    return Err(no_layer());
                }
                let id = percent_decode(id);
                let mut base = without_params(&u, OAPIF_PARAMS);
                base.set_path(path[..at].trim_end_matches('/'));
                Ok(FeatureSource { service: FeatureService::OgcApi { base_url: base.to_string() }, layer: id })
            }
        }))
    }

    /// The spec that names it again (`WFS:…?typeNames=…`, `OAPIF:…/collections/…`):
    /// [`FeatureSource::parse`] reads it back as the same source.
    pub fn to_spec(&self) -> String {
        match &self.service {
            FeatureService::Wfs { base_url } => {
                let sep = if base_url.contains('?') { '&' } else { '?' };
                format!("WFS:{base_url}{sep}typeNames={}", self.layer)
            }
            FeatureService::OgcApi { base_url } => {
                format!("OAPIF:{}/collections/{}", base_url.trim_end_matches('/'), self.layer)
            }
        }
    }

    /// A short name for the layer made from it: the collection id, or the WFS type name without
    /// its namespace prefix (`parks` for `kuiwen:parks`).
    pub fn layer_label(&self) -> String {
        match &self.service {
            FeatureService::Wfs { .. } => self.layer.rsplit(':').next().unwrap_or(&self.layer).to_owned(),
            FeatureService::OgcApi { .. } => self.layer.clone(),
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The layers at an address (WFS or OGC API Features, detected as [`FeatureService::detect`]
/// does).
pub fn list_layers(url: &str) -> Result<Vec<FeatureLayerInfo>, OgcError> {
    list_service_layers(&FeatureService::detect(url)?)
}

/// The layers of a service.
pub fn list_service_layers(service: &FeatureService) -> Result<Vec<FeatureLayerInfo>, OgcError> {
    match service {
        FeatureService::Wfs { base_url } => {
            Ok(wfs_capabilities(base_url)?.layers.into_iter().map(|l| l.info).collect())
        }
        FeatureService::OgcApi { base_url } => collections(base_url),
    }
}

/// How a fetch is limited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FetchOptions {
    /// Only features in this box, WGS84 `[west, south, east, north]` (the view).
    pub bbox_wgs84: Option<[f64; 4]>,
    /// More features than this is an error ([`OgcError::TooManyFeatures`]).
    pub max_features: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self { bbox_wgs84: None, max_features: MAX_FEATURES }
    }
}

/// What a fetch brought.
#[derive(Clone, Debug, Default)]
pub struct Fetched {
    /// The features, in WGS84, in the service's order.
    pub features: Vec<Feature>,
    /// Features the core's reader could not use (each said where), from every page.
    pub problems: Vec<Diagnostic>,
    /// Pages requested.
    pub pages: usize,
    /// How many features the service said match, when it said.
    pub number_matched: Option<u64>,
}

/// Fetch a layer's features (all of them, or those in `bbox_wgs84`), page after page.
/// `progress` is told the number of features read after each page.
pub fn fetch(
    service: &FeatureService,
    layer_name: &str,
    bbox_wgs84: Option<[f64; 4]>,
    progress: &dyn Fn(usize),
) -> Result<Vec<Feature>, OgcError> {
    fetch_report(service, layer_name, &FetchOptions { bbox_wgs84, max_features: MAX_FEATURES }, progress)
        .map(|f| f.features)
}

/// [`fetch`] with its limits chosen, and what else was learnt (problems, pages, matches).
pub fn fetch_report(
    service: &FeatureService,
    layer_name: &str,
    options: &FetchOptions,
    progress: &dyn Fn(usize),
) -> Result<Fetched, OgcError> {
    match service {
        FeatureService::Wfs { base_url } => fetch_wfs(base_url, layer_name, options, progress),
        FeatureService::OgcApi { base_url } => fetch_oapif(base_url, layer_name, options, progress),
    }
}

/// For the command line (`convert "OAPIF:https://host/collections/parks" out.gpkg`): `None` when
/// the text is not a service spec; else the features and a name for the layer
/// ([`FeatureSource::layer_label`]).
pub fn open_spec(spec: &str) -> Option<Result<(Vec<Feature>, String), OgcError>> {
    open_spec_with_progress(spec, &|_| {})
}

/// [`open_spec`] telling `progress` the number of features read after each page.
pub fn open_spec_with_progress(
    spec: &str,
    progress: &dyn Fn(usize),
) -> Option<Result<(Vec<Feature>, String), OgcError>> {
    let source = FeatureSource::parse(spec)?;
    Some(source.and_then(|s| fetch(&s.service, &s.layer, None, progress).map(|f| (f, s.layer_label()))))
}

// ---------------------------------------------------------------------------------------------
// WFS

/// One WFS layer and the output formats it lists itself.
struct WfsLayer {
    info: FeatureLayerInfo,
    formats: Vec<String>,
}

/// What GetCapabilities says that requests need.
struct WfsCapabilities {
    version: String,
    get_feature: Option<String>,
    formats: Vec<String>,
    paging: Option<bool>,
    count_default: Option<usize>,
    layers: Vec<WfsLayer>,
}

/// The XML root of an answer, or why it is not XML.
pub(crate) fn xml_root(answer: &Answer) -> Result<Element, OgcError> {
    let shown = redact(&answer.url);
    if !answer.is_xml() {
        return Err(OgcError::NotCapabilities { url: shown, found: answer.describe() });
    }
    xml::parse(&answer.body).map_err(|message| OgcError::BadXml { url: shown, message })
}

fn wfs_capabilities(base_url: &str) -> Result<WfsCapabilities, OgcError> {
    let base = parse_url(base_url)?;
    let url = with_params(
        &base,
        &[("SERVICE", "WFS".into()), ("REQUEST", "GetCapabilities".into()), ("ACCEPTVERSIONS", "2.0.0,1.1.0".into())],
    );
    let answer = get(&url, XML_ACCEPT)?;
    let root = xml_root(&answer)?;
    if root.name != "WFS_Capabilities" {
        return Err(OgcError::NotCapabilities {
            url: redact(&url),
            found: Reason::new(
                format!("XML (root element {}), not WFS_Capabilities", root.name),
                format!("XML（根元素 {}），不是 WFS_Capabilities", root.name),
            ),
        });
    }
    Ok(parse_wfs_capabilities(&root))
}

fn constraint(parent: &Element, name: &str) -> Option<String> {
    parent
        .children_named("Constraint")
        .find(|c| c.attr("name").is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .and_then(|c| c.child_text("DefaultValue").or_else(|| c.descendants("Value").first().map(|v| v.trimmed())))
}

fn corner(e: Option<&Element>) -> Option<[f64; 2]> {
    let t = e?.trimmed();
    let v: Vec<f64> = t.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match v.as_slice() {
        [a, b, ..] => Some([*a, *b]),
        _ => None,
    }
}

/// `ows:WGS84BoundingBox` (longitude first), as `[west, south, east, north]`.
pub(crate) fn wgs84_bbox(parent: &Element) -> Option<[f64; 4]> {
    let b = parent.child("WGS84BoundingBox")?;
    let lo = corner(b.child("LowerCorner"))?;
    let hi = corner(b.child("UpperCorner"))?;
    Some([lo[0], lo[1], hi[0], hi[1]])
}

fn parse_wfs_capabilities(root: &Element) -> WfsCapabilities {
    let version = root.attr("version").unwrap_or("2.0.0").to_owned();
    let ops = root.child("OperationsMetadata");
    let get_feature_op = ops.and_then(|o| {
        o.children_named("Operation").find(|op| op.attr("name").is_some_and(|n| n.eq_ignore_ascii_case("GetFeature")))
    });
    let get_feature = get_feature_op
        .and_then(|op| op.descendants("Get").into_iter().find_map(|g| g.attr("href").map(str::to_owned)))
        .filter(|h| !h.trim().is_empty());
    let mut formats = Vec::new();
    for scope in [ops, get_feature_op].into_iter().flatten() {
        for p in scope.children_named("Parameter") {
            if p.attr("name").is_some_and(|n| n.eq_ignore_ascii_case("outputFormat")) {
                formats.extend(p.descendants("Value").iter().map(|v| v.trimmed()).filter(|v| !v.is_empty()));
            }
        }
    }
    let constraint_of = |name: &str| {
        get_feature_op.and_then(|op| constraint(op, name)).or_else(|| ops.and_then(|o| constraint(o, name)))
    };
    let paging = constraint_of("ImplementsResultPaging").map(|v| v.eq_ignore_ascii_case("true"));
    let count_default = constraint_of("CountDefault").and_then(|v| v.parse::<usize>().ok()).filter(|&c| c > 0);
    let mut layers = Vec::new();
    if let Some(list) = root.child("FeatureTypeList") {
        for ft in list.children_named("FeatureType") {
            let Some(name) = ft.child_text("Name") else { continue };
            let title = ft.child_text("Title").unwrap_or_else(|| name.clone());
            let default_crs = ft.child_text("DefaultCRS").or_else(|| ft.child_text("DefaultSRS"));
            let other_crs = ft
                .children
                .iter()
                .filter(|c| c.name == "OtherCRS" || c.name == "OtherSRS")
                .map(Element::trimmed)
                .filter(|c| !c.is_empty())
                .collect();
            let formats = ft
                .child("OutputFormats")
                .map(|f| f.children_named("Format").map(Element::trimmed).filter(|v| !v.is_empty()).collect())
                .unwrap_or_default();
            layers.push(WfsLayer {
                info: FeatureLayerInfo { name, title, default_crs, other_crs, wgs84_bbox: wgs84_bbox(ft) },
                formats,
            });
        }
    }
    WfsCapabilities { version, get_feature, formats, paging, count_default, layers }
}

/// The GeoJSON output format to ask for, from those offered (`None`: none is GeoJSON).
fn json_format(offered: &[String]) -> Option<String> {
    if offered.is_empty() {
        return Some("application/json".to_owned());
    }
    for want in ["application/json", "application/geo+json", "json", "geojson", "application/json; subtype=geojson"] {
        if let Some(f) = offered.iter().find(|f| f.trim().eq_ignore_ascii_case(want)) {
            return Some(f.trim().to_owned());
        }
    }
    offered
        .iter()
        .find(|f| {
            let l = f.to_ascii_lowercase();
            l.contains("json") && !l.contains("jsonp") && !l.contains("javascript")
        })
        .map(|f| f.trim().to_owned())
}

fn is_crs84(name: &str) -> bool {
    let l = name.trim().to_ascii_lowercase();
    l.ends_with("crs84") || l == "crs:84" || l.ends_with(":crs:84")
}

fn epsg_code(name: &str) -> Option<u32> {
    parse_epsg_code(name)
}

/// The coordinate system a layer is asked for in.
#[derive(Clone, Debug, PartialEq)]
enum Srs {
    /// CRS84 as the server names it: longitude first, always.
    Crs84(String),
    /// EPSG:4326: latitude first by its definition; the answer's order is checked.
    Epsg4326,
    /// Neither is offered: the layer's default system (read through the core's systems).
    Native(Option<Crs>),
}

fn choose_srs(info: &FeatureLayerInfo) -> Srs {
    let all: Vec<&String> = info.default_crs.iter().chain(info.other_crs.iter()).collect();
    if let Some(c) = all.iter().find(|c| is_crs84(c)) {
        return Srs::Crs84((*c).clone());
    }
    if all.iter().any(|c| epsg_code(c) == Some(4326)) {
        return Srs::Epsg4326;
    }
    let native = info
        .default_crs
        .as_deref()
        .and_then(|d| Crs::from_epsg_urn(d).or_else(|| epsg_code(d).and_then(|code| Crs::from_epsg(code).ok())));
    Srs::Native(native)
}

/// The WFS `bbox` value: CRS84 longitude first; otherwise EPSG:4326 latitude first, as WFS 2.0
/// reads `urn:ogc:def:crs:EPSG::4326`.
fn wfs_bbox(b: [f64; 4], srs: &Srs) -> String {
    match srs {
        Srs::Crs84(name) => format!("{},{},{},{},{name}", b[0], b[1], b[2], b[3]),
        Srs::Epsg4326 | Srs::Native(_) => format!("{},{},{},{},{EPSG_4326_URN}", b[1], b[0], b[3], b[2]),
    }
}

fn find_layer<'a, T>(items: &'a [T], name: &str, name_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    if let Some(exact) = items.iter().find(|i| name_of(i) == name) {
        return Some(exact);
    }
    // `parks` for `kuiwen:parks`, when only one layer has that local name.
    let mut by_local = items.iter().filter(|i| {
        let n = name_of(i);
        n.rsplit(':').next() == Some(name) || n.eq_ignore_ascii_case(name)
    });
    match (by_local.next(), by_local.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn fetch_wfs(
    base_url: &str,
    layer_name: &str,
    options: &FetchOptions,
    progress: &dyn Fn(usize),
) -> Result<Fetched, OgcError> {
    let caps = wfs_capabilities(base_url)?;
    let Some(layer) = find_layer(&caps.layers, layer_name, |l| &l.info.name) else {
        return Err(OgcError::UnknownLayer {
            layer: layer_name.to_owned(),
            available: caps.layers.iter().map(|l| l.info.name.clone()).collect(),
        });
    };
    let name = layer.info.name.clone();
    let mut offered = layer.formats.clone();
    offered.extend(caps.formats.iter().cloned());
    let Some(format) = json_format(&offered) else {
        return Err(OgcError::NoGeoJsonOutput { layer: name, formats: offered });
    };
    let srs = choose_srs(&layer.info);
    // Requests go where the capabilities say GetFeature lives, keys of the address kept.
    let base = parse_url(base_url)?;
    let endpoint = match caps.get_feature.as_deref().and_then(|h| parse_url(h).ok()) {
        Some(mut href) => {
            let href_clean = without_params(&href, WFS_PARAMS);
            href = href_clean;
            for (k, v) in base.query_pairs() {
                if query_value(&href, &k).is_none() {
                    href.query_pairs_mut().append_pair(&k, &v);
                }
            }
            href
        }
        None => base,
    };
    let v2 = !caps.version.starts_with("1.");
    let page_size = caps.count_default.map_or(PAGE_SIZE, |c| c.min(PAGE_SIZE));
    let paged = v2 && caps.paging != Some(false);
    let mut common: Vec<(&str, String)> = vec![
        ("SERVICE", "WFS".into()),
        ("VERSION", if v2 { "2.0.0".into() } else { caps.version.clone() }),
        ("REQUEST", "GetFeature".into()),
        (if v2 { "TYPENAMES" } else { "TYPENAME" }, name.clone()),
        ("OUTPUTFORMAT", format),
    ];
    match &srs {
        Srs::Crs84(c) => common.push(("SRSNAME", c.clone())),
        Srs::Epsg4326 => common.push(("SRSNAME", EPSG_4326_URN.into())),
        Srs::Native(_) => {}
    }
    if let Some(b) = options.bbox_wgs84 {
        common.push(("BBOX", wfs_bbox(b, &srs)));
    }
    let check_axes = matches!(srs, Srs::Epsg4326);
    let hint = options.bbox_wgs84.or(layer.info.wgs84_bbox);
    let declared = match &srs {
        Srs::Native(c) => *c,
        _ => None,
    };
    let mut out = Fetched::default();
    let mut start = 0usize;
    let mut previous_first: Option<String> = None;
    loop {
        let mut params = common.clone();
        if paged {
            params.push(("COUNT", page_size.to_string()));
            params.push(("STARTINDEX", start.to_string()));
        } else {
            params.push((if v2 { "COUNT" } else { "MAXFEATURES" }, (options.max_features + 1).to_string()));
        }
        let url = with_params(&endpoint, &params);
        let answer = get(&url, JSON_ACCEPT)?;
        let page = read_page(&answer, declared, check_axes.then_some(hint), out.features.len())?;
        out.pages += 1;
        if out.number_matched.is_none() {
            out.number_matched = page.number_matched;
        }
        if let Some(m) = out.number_matched
            && m > options.max_features as u64
        {
            return Err(OgcError::TooManyFeatures { layer: name, limit: options.max_features, matched: Some(m) });
        }
        let first = page.features.first().and_then(|f| f.id.clone());
        if start > 0 && first.is_some() && first == previous_first {
            return Err(OgcError::PagingIgnored { url: redact(&url) });
        }
        previous_first = first;
        let got = page.features.len();
        out.features.extend(page.features);
        out.problems.extend(page.problems);
        if out.features.len() > options.max_features {
            return Err(OgcError::TooManyFeatures {
                layer: name,
                limit: options.max_features,
                matched: out.number_matched,
            });
        }
        progress(out.features.len());
        start += got + page.dropped;
        let done = match out.number_matched {
            _ if !paged || got + page.dropped == 0 => true,
            Some(m) => start as u64 >= m,
            None => got + page.dropped < page_size,
        };
        if done || out.pages >= MAX_PAGES {
            break;
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// OGC API Features

fn endpoint(base_url: &str, tail: &str, params: &[(&str, String)]) -> Result<String, OgcError> {
    let mut u = parse_url(base_url)?;
    let path = format!("{}{tail}", u.path().trim_end_matches('/'));
    u.set_path(&path);
    Ok(with_params(&u, params))
}

fn collections(base_url: &str) -> Result<Vec<FeatureLayerInfo>, OgcError> {
    let url = endpoint(base_url, "/collections", &[("f", "json".into())])?;
    let answer = get(&url, "application/json, */*;q=0.1")?;
    let not_collections = |answer: &Answer| OgcError::NotCapabilities { url: redact(&url), found: answer.describe() };
    if !answer.is_json_object() {
        return Err(not_collections(&answer));
    }
    let v: Value = serde_json::from_slice(&answer.body).map_err(|_| not_collections(&answer))?;
    let Some(list) = v.get("collections").and_then(Value::as_array) else {
        return Err(not_collections(&answer));
    };
    let mut out = Vec::new();
    for c in list {
        let Some(id) = c.get("id").and_then(Value::as_str) else { continue };
        if c.get("itemType").and_then(Value::as_str).is_some_and(|t| !t.eq_ignore_ascii_case("feature")) {
            continue;
        }
        let title = c.get("title").and_then(Value::as_str).filter(|t| !t.trim().is_empty()).unwrap_or(id);
        let bbox = c
            .pointer("/extent/spatial/bbox/0")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect::<Vec<f64>>())
            .and_then(|n| match n.as_slice() {
                [w, s, e, nn] => Some([*w, *s, *e, *nn]),
                [w, s, _, e, nn, _] => Some([*w, *s, *e, *nn]),
                _ => None,
            });
        let other_crs = c
            .get("crs")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).filter(|s| !is_crs84(s)).map(str::to_owned).collect())
            .unwrap_or_default();
        out.push(FeatureLayerInfo {
            name: id.to_owned(),
            title: title.to_owned(),
            default_crs: Some(CRS84.to_owned()),
            other_crs,
            wgs84_bbox: bbox,
        });
    }
    Ok(out)
}

fn fetch_oapif(
    base_url: &str,
    layer_name: &str,
    options: &FetchOptions,
    progress: &dyn Fn(usize),
) -> Result<Fetched, OgcError> {
    let mut params = vec![("f", "json".to_owned()), ("limit", PAGE_SIZE.to_string())];
    if let Some(b) = options.bbox_wgs84 {
        params.push(("bbox", format!("{},{},{},{}", b[0], b[1], b[2], b[3])));
    }
    let first = endpoint(base_url, &format!("/collections/{}/items", crate::http::encode(layer_name)), &params)?;
    let mut url = first.clone();
    let mut seen = HashSet::new();
    let mut out = Fetched::default();
    let mut previous_first: Option<String> = None;
    loop {
        seen.insert(url.clone());
        let answer = match get(&url, JSON_ACCEPT) {
            Ok(a) => a,
            Err(OgcError::Http { status: 404, .. }) if out.pages == 0 => {
                // Say which collections there are, when the service says.
                let available: Vec<String> =
                    collections(base_url).map(|c| c.into_iter().map(|l| l.name).collect()).unwrap_or_default();
                if !available.iter().any(|a| a == layer_name) {
                    return Err(OgcError::UnknownLayer { layer: layer_name.to_owned(), available });
                }
                return Err(OgcError::Http { url: redact(&url), status: 404 });
            }
            Err(e) => return Err(e),
        };
        let page = read_page(&answer, None, None, out.features.len())?;
        out.pages += 1;
        if out.number_matched.is_none() {
            out.number_matched = page.number_matched;
        }
        if let Some(m) = out.number_matched
            && m > options.max_features as u64
        {
            return Err(OgcError::TooManyFeatures {
                layer: layer_name.to_owned(),
                limit: options.max_features,
                matched: Some(m),
            });
        }
        let first_id = page.features.first().and_then(|f| f.id.clone());
        if out.pages > 1 && first_id.is_some() && first_id == previous_first {
            return Err(OgcError::PagingIgnored { url: redact(&url) });
        }
        previous_first = first_id;
        let empty = page.features.is_empty() && page.dropped == 0;
        out.features.extend(page.features);
        out.problems.extend(page.problems);
        if out.features.len() > options.max_features {
            return Err(OgcError::TooManyFeatures {
                layer: layer_name.to_owned(),
                limit: options.max_features,
                matched: out.number_matched,
            });
        }
        progress(out.features.len());
        let next = page.next.and_then(|n| Url::parse(&url).ok()?.join(&n).ok()).map(|u| u.to_string());
        match next {
            Some(n) if !empty && out.pages < MAX_PAGES => {
                if seen.contains(&n) {
                    return Err(OgcError::PagingIgnored { url: redact(&n) });
                }
                url = n;
            }
            _ => break,
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Pages

/// One page read.
struct Page {
    features: Vec<Feature>,
    /// Features on the page the reader could not use (they count for paging).
    dropped: usize,
    problems: Vec<Diagnostic>,
    number_matched: Option<u64>,
    next: Option<String>,
}

/// Read one GeoJSON page with the core's reader. `declared`: the system to read it in when it
/// has no `crs` member; `axis_hint`: check the axis order (EPSG:4326), with the area the
/// features are expected in; `offset`: features read before this page, for messages.
fn read_page(
    answer: &Answer,
    declared: Option<Crs>,
    axis_hint: Option<Option<[f64; 4]>>,
    offset: usize,
) -> Result<Page, OgcError> {
    let shown = redact(&answer.url);
    if !answer.is_json_object() {
        return Err(OgcError::NotGeoJson { url: shown, found: answer.describe() });
    }
    let mut value: Value = serde_json::from_slice(&answer.body).map_err(|e| OgcError::NotGeoJson {
        url: shown.clone(),
        found: Reason::new(format!("JSON that does not parse ({e})"), format!("无法解析的 JSON（{e}）")),
    })?;
    let number_matched = value
        .get("numberMatched")
        .and_then(Value::as_u64)
        .or_else(|| value.get("totalFeatures").and_then(Value::as_u64));
    let next = next_link(&value);
    let mut changed = false;
    if let Some(hint) = axis_hint
        && latitude_first(&value, hint)
    {
        swap_axes(&mut value);
        if let Some(o) = value.as_object_mut() {
            o.remove("crs");
        }
        changed = true;
    }
    let mut options = LoadOptions::default();
    if value.get("crs").is_none_or(Value::is_null) {
        options.declared_crs = declared;
    }
    let bytes;
    let body: &[u8] = if changed {
        bytes = serde_json::to_vec(&value).map_err(|e| OgcError::NotGeoJson {
            url: shown.clone(),
            found: Reason::new(format!("JSON that cannot be rewritten ({e})"), format!("无法改写的 JSON（{e}）")),
        })?;
        &bytes
    } else {
        &answer.body
    };
    let total = value.get("features").and_then(Value::as_array).map_or(0, Vec::len);
    let parsed = parse_bytes(body, options)
        .map_err(|e| OgcError::GeoJson { url: shown.clone(), why: Reason::new(e.to_string(), e.zh()) })?;
    let dropped = total.saturating_sub(parsed.features.len());
    let problems = parsed
        .errors
        .into_iter()
        .map(|mut d| {
            d.feature = d.feature.map(|f| f + offset);
            d.line = None;
            d.column = None;
            d
        })
        .collect::<Vec<_>>();
    if !problems.is_empty() {
        log::warn!("{} features of a page from {shown} could not be read: {}", problems.len(), problems[0]);
    }
    Ok(Page { features: parsed.features, dropped, problems, number_matched, next })
}

/// The `next` link of an OGC API page (a JSON one when several are given).
fn next_link(v: &Value) -> Option<String> {
    let links = v.get("links")?.as_array()?;
    let nexts: Vec<&Value> =
        links.iter().filter(|l| l.get("rel").and_then(Value::as_str).is_some_and(|r| r == "next")).collect();
    let json = nexts.iter().find(|l| l.get("type").and_then(Value::as_str).is_none_or(|t| t.contains("json")));
    json.or(nexts.first()).and_then(|l| l.get("href")).and_then(Value::as_str).map(str::to_owned)
}

fn geometries<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            for f in v.get("features").and_then(Value::as_array).into_iter().flatten() {
                geometries(f, out);
            }
        }
        Some("Feature") => {
            if let Some(g) = v.get("geometry").filter(|g| !g.is_null()) {
                geometries(g, out);
            }
        }
        Some("GeometryCollection") => {
            for g in v.get("geometries").and_then(Value::as_array).into_iter().flatten() {
                geometries(g, out);
            }
        }
        Some(_) => {
            if let Some(c) = v.get("coordinates") {
                out.push(c);
            }
        }
        None => {}
    }
}

fn positions(c: &Value, out: &mut Vec<(f64, f64)>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    let Some(a) = c.as_array() else { return };
    if let (Some(x), Some(y)) = (a.first().and_then(Value::as_f64), a.get(1).and_then(Value::as_f64)) {
        out.push((x, y));
        return;
    }
    for inner in a {
        positions(inner, out, limit);
    }
}

/// Whether a page's coordinates are latitude first. A first number beyond ±90 is a longitude; a
/// second one beyond ±90 means latitude first. Otherwise the expected area decides (more points
/// in it read one way than the other); failing that, longitude first (GeoJSON's own order).
fn latitude_first(v: &Value, hint: Option<[f64; 4]>) -> bool {
    let mut coords = Vec::new();
    geometries(v, &mut coords);
    let mut pts = Vec::new();
    for c in coords {
        positions(c, &mut pts, 2000);
    }
    if pts.iter().any(|(x, _)| x.abs() > 90.0) {
        return false;
    }
    if pts.iter().any(|(_, y)| y.abs() > 90.0) {
        return true;
    }
    let Some(b) = hint else { return false };
    let inside = |x: f64, y: f64| x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
    let as_is = pts.iter().filter(|(x, y)| inside(*x, *y)).count();
    let swapped = pts.iter().filter(|(x, y)| inside(*y, *x)).count();
    swapped > as_is
}

fn swap_positions(c: &mut Value) {
    let Some(a) = c.as_array_mut() else { return };
    if a.len() >= 2 && a[0].is_number() && a[1].is_number() {
        a.swap(0, 1);
        return;
    }
    for inner in a {
        swap_positions(inner);
    }
}

fn swap_axes(v: &mut Value) {
    match v.get("type").and_then(Value::as_str).map(str::to_owned).as_deref() {
        Some("FeatureCollection") => {
            if let Some(list) = v.get_mut("features").and_then(Value::as_array_mut) {
                list.iter_mut().for_each(swap_axes);
            }
        }
        Some("Feature") => {
            if let Some(g) = v.get_mut("geometry") {
                swap_axes(g);
            }
        }
        Some("GeometryCollection") => {
            if let Some(list) = v.get_mut("geometries").and_then(Value::as_array_mut) {
                list.iter_mut().for_each(swap_axes);
            }
        }
        Some(_) => {
            if let Some(c) = v.get_mut("coordinates") {
                swap_positions(c);
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_name_a_service_and_a_layer() {
        let s = FeatureSource::parse("WFS:https://h/geoserver/wfs?service=WFS&typeNames=kuiwen:parks&tk=K")
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("not parsed"));
        assert_eq!(s.service, FeatureService::Wfs { base_url: "https://h/geoserver/wfs?tk=K".into() });
        assert_eq!(s.layer, "kuiwen:parks");
        assert_eq!(s.layer_label(), "parks");
        let s = FeatureSource::parse("oapif:https://h/api/collections/%E5%85%AC%E5%9B%AD/items?f=json")
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("not parsed"));
        assert_eq!(s.service, FeatureService::OgcApi { base_url: "https://h/api".into() });
        assert_eq!(s.layer, "公园");
        assert!(FeatureSource::parse("parks.geojson").is_none());
        assert!(FeatureSource::parse("C:\\data\\parks.shp").is_none());
        assert!(matches!(FeatureSource::parse("WFS:https://h/wfs"), Some(Err(OgcError::NoLayerName { .. }))));
        assert!(matches!(FeatureSource::parse("OAPIF:https://h/api"), Some(Err(OgcError::NoLayerName { .. }))));
        assert!(matches!(FeatureSource::parse("WFS:nonsense"), Some(Err(OgcError::BadUrl { .. }))));
    }

    #[test]
    fn the_address_names_the_service() {
        let u = |s: &str| parse_url(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            FeatureService::from_url(&u("http://h/ows?service=wfs&request=GetCapabilities")),
            Some(FeatureService::Wfs { base_url: "http://h/ows".into() })
        );
        assert_eq!(
            FeatureService::from_url(&u("http://h/api/collections?f=json")),
            Some(FeatureService::OgcApi { base_url: "http://h/api".into() })
        );
        assert_eq!(
            FeatureService::from_url(&u("http://h/collections/parks/items")),
            Some(FeatureService::OgcApi { base_url: "http://h/".into() })
        );
        assert_eq!(FeatureService::from_url(&u("http://h/api")), None);
    }

    #[test]
    fn geojson_formats_are_chosen_from_what_is_offered() {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(json_format(&v(&["GML2", "application/json", "json"])).as_deref(), Some("application/json"));
        assert_eq!(json_format(&v(&["GML3", "application/geo+json"])).as_deref(), Some("application/geo+json"));
        assert_eq!(json_format(&v(&["text/xml", "JSON"])).as_deref(), Some("JSON"));
        assert_eq!(json_format(&v(&["text/javascript", "GML2"])), None);
        assert_eq!(json_format(&[]).as_deref(), Some("application/json"));
    }

    #[test]
    fn axis_order_is_told_from_the_numbers_or_the_area() {
        let page = |x: f64, y: f64| {
            serde_json::json!({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
                "geometry":{"type":"Point","coordinates":[x, y]}}]})
        };
        assert!(latitude_first(&page(36.7, 119.1), None));
        assert!(!latitude_first(&page(119.1, 36.7), None));
        // Near the equator both orders are numbers in range: the expected area decides.
        let area = Some([10.0, 1.0, 11.0, 2.0]);
        assert!(latitude_first(&page(1.5, 10.5), area));
        assert!(!latitude_first(&page(10.5, 1.5), area));
        let mut p = page(36.7, 119.1);
        swap_axes(&mut p);
        assert_eq!(p.pointer("/features/0/geometry/coordinates/0").and_then(Value::as_f64), Some(119.1));
        assert_eq!(
            wfs_bbox([119.1, 36.6, 119.2, 36.7], &Srs::Epsg4326),
            format!("36.6,119.1,36.7,119.2,{EPSG_4326_URN}")
        );
        assert_eq!(
            wfs_bbox([119.1, 36.6, 119.2, 36.7], &Srs::Crs84(CRS84.into())),
            format!("119.1,36.6,119.2,36.7,{CRS84}")
        );
    }
}
