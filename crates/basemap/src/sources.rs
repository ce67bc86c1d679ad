//! Tile source definitions: OpenStreetMap, Tianditu, AMap, custom XYZ templates, local PMTiles
//! files and local `z/x/y` tile folders; what each must credit and whether its terms allow
//! bulk download.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use kuiwen_core::Bilingual;
use serde::{Deserialize, Serialize};
use walkers::TileId;

use super::MapProjection;

/// The User-Agent sent to tile servers: who we are and where to read about us, as the
/// OpenStreetMap tile policy asks. It is not a browser's, so Tianditu treats us as a server
/// client and expects a "server-side" (服务器端) key.
pub fn user_agent() -> String {
    format!("KuiwenAtlas/{} (desktop planning map viewer; {})", env!("CARGO_PKG_VERSION"), env!("CARGO_PKG_NAME"))
}

/// The root of the tile caches: `KUIWEN_CACHE_DIR` if set, else the user's cache folder
/// (e.g. `~/.cache/kuiwen-atlas/tiles`).
pub fn tile_cache_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("KUIWEN_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("tiles"));
    }
    directories::ProjectDirs::from("cn", "Kuiwen", "kuiwen-atlas").map(|d| d.cache_dir().join("tiles"))
}

/// The per-basemap tile cache folder in the user's cache directory
/// (e.g. `~/.cache/kuiwen-atlas/tiles/osm`).
pub fn tile_cache_dir(basemap_key: &str) -> Option<PathBuf> {
    tile_cache_root().map(|r| r.join(basemap_key))
}

/// Why a basemap choice cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum BasemapError {
    /// A template that is not an http(s) URL with `{z}`, `{x}` and `{y}` (or `{bbox}`).
    #[error("invalid tile URL template {template:?}: {why}")]
    BadTemplate {
        /// The template.
        template: String,
        /// What is wrong.
        why: TemplateProblem,
    },
    /// A name that is none of the known basemaps, templates or files.
    #[error(
        "unknown basemap {0:?}: use none, osm, tianditu-vec, tianditu-img, amap, amap-img, an http(s) XYZ template (or a WMS GetMap template with {{bbox}}), a .pmtiles file or a folder of z/x/y tiles"
    )]
    Unknown(String),
    /// A local file or folder that does not exist.
    #[error("basemap file or folder not found: {0}")]
    NotFound(PathBuf),
    /// A file type we cannot read.
    #[error("{0}: MBTiles files are not supported; convert with `pmtiles convert in.mbtiles out.pmtiles`")]
    MbTiles(PathBuf),
}

impl Bilingual for BasemapError {
    fn zh(&self) -> String {
        match self {
            BasemapError::BadTemplate { template, why } => format!("瓦片地址模板“{template}”无效：{}", why.zh()),
            BasemapError::Unknown(name) => format!(
                "未知底图“{name}”：可用 none、osm、tianditu-vec、tianditu-img、amap、amap-img、http(s) XYZ 地址模板（或带 {{bbox}} 的 WMS GetMap 模板）、.pmtiles 文件或 z/x/y 瓦片文件夹"
            ),
            BasemapError::NotFound(path) => format!("底图文件或文件夹不存在：{}", path.display()),
            BasemapError::MbTiles(path) => format!(
                "{}：不支持 MBTiles 文件，请先用 `pmtiles convert in.mbtiles out.pmtiles` 转换为 PMTiles",
                path.display()
            ),
        }
    }
}

/// What is wrong with an XYZ template (shown to the user in both languages).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateProblem {
    /// Not http:// or https://.
    Scheme,
    /// No host after the scheme.
    NoHost,
    /// `{z}`, `{x}` or `{y}` is missing (and there is no `{bbox}`).
    Missing(&'static str),
    /// A placeholder we do not know.
    UnknownPlaceholder(String),
    /// Spaces or control characters.
    Whitespace,
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateProblem::Scheme => write!(f, "only http:// and https:// URLs are allowed"),
            TemplateProblem::NoHost => write!(f, "the URL has no host"),
            TemplateProblem::Missing(p) => write!(
                f,
                "the placeholder {p} is missing (a tile URL needs {{z}}, {{x}} and {{y}}; a WMS GetMap URL needs {{bbox}} instead)"
            ),
            TemplateProblem::UnknownPlaceholder(p) => {
                write!(f, "unknown placeholder {p} (use {{z}}, {{x}}, {{y}} and optionally {{s}}, or {{bbox}} for WMS)")
            }
            TemplateProblem::Whitespace => write!(f, "URLs cannot contain spaces or control characters"),
        }
    }
}

impl Bilingual for TemplateProblem {
    fn zh(&self) -> String {
        match self {
            TemplateProblem::Scheme => "只允许 http:// 或 https:// 地址".into(),
            TemplateProblem::NoHost => "地址缺少主机名".into(),
            TemplateProblem::Missing(p) => {
                format!("缺少占位符 {p}（瓦片地址需要 {{z}} {{x}} {{y}}；WMS GetMap 地址则用 {{bbox}}）")
            }
            TemplateProblem::UnknownPlaceholder(p) => {
                format!("未知占位符 {p}（可用 {{z}} {{x}} {{y}}，可选 {{s}}；WMS 用 {{bbox}}）")
            }
            TemplateProblem::Whitespace => "地址不能包含空格或控制字符".into(),
        }
    }
}

/// A validated tile URL template: XYZ (`https://host/{z}/{x}/{y}.png`, optional `{s}` subdomains
/// a, b, c), or a WMS GetMap request with `{bbox}`, the tile's Web Mercator box (`minx,miny,maxx,maxy`
/// in metres), which is how WMTS and WMS services from their capabilities reach the tile loader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XyzTemplate(String);

impl XyzTemplate {
    /// Check and wrap a template: http or https only, a host, all three of `{z}`, `{x}`, `{y}` or
    /// else `{bbox}`, no other placeholder than `{s}`.
    pub fn parse(template: &str) -> Result<Self, BasemapError> {
        let t = template.trim();
        let bad = |why: TemplateProblem| BasemapError::BadTemplate { template: t.to_owned(), why };
        let lower = t.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("http://").or_else(|| lower.strip_prefix("https://")) else {
            return Err(bad(TemplateProblem::Scheme));
        };
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(TemplateProblem::Whitespace));
        }
        if rest.split(['/', '?', '#']).next().is_none_or(str::is_empty) {
            return Err(bad(TemplateProblem::NoHost));
        }
        if !t.contains("{bbox}") {
            for p in ["{z}", "{x}", "{y}"] {
                if !t.contains(p) {
                    return Err(bad(TemplateProblem::Missing(p)));
                }
            }
        }
        let mut rest = t;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').map(|c| open + c + 1).unwrap_or(rest.len());
            let p = &rest[open..close];
            if !["{z}", "{x}", "{y}", "{s}", "{bbox}"].contains(&p) {
                return Err(bad(TemplateProblem::UnknownPlaceholder(p.to_owned())));
            }
            rest = &rest[close..];
        }
        Ok(Self(t.to_owned()))
    }

    /// The template text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The host (and port) the tiles come from, lower case.
    pub fn host(&self) -> String {
        let lower = self.0.to_ascii_lowercase();
        let rest = lower.split_once("://").map(|(_, r)| r).unwrap_or(&lower);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        authority.rsplit('@').next().unwrap_or_default().to_owned()
    }

    /// Whether the template asks for a box (`{bbox}`, a WMS GetMap request) rather than a tile.
    pub fn is_bbox(&self) -> bool {
        self.0.contains("{bbox}")
    }

    /// The URL of one tile. `{s}` cycles through `a`, `b`, `c` by tile position; `{bbox}` is
    /// the tile's [`web_mercator_bbox`].
    pub fn url(&self, tile: TileId) -> String {
        let sub = ["a", "b", "c"][((tile.x + tile.y) % 3) as usize];
        let mut url = self
            .0
            .replace("{z}", &tile.zoom.to_string())
            .replace("{x}", &tile.x.to_string())
            .replace("{y}", &tile.y.to_string())
            .replace("{s}", sub);
        if url.contains("{bbox}") {
            let b = web_mercator_bbox(tile);
            let text = b.iter().map(|v| metres(*v)).collect::<Vec<_>>().join(",");
            url = url.replace("{bbox}", &text);
        }
        url
    }
}

/// Half the width of the Web Mercator square, metres.
const MERCATOR_HALF: f64 = 20_037_508.342_789_244;

/// The Web Mercator (EPSG:3857) box of a tile, `[minx, miny, maxx, maxy]` in metres.
pub fn web_mercator_bbox(tile: TileId) -> [f64; 4] {
    let size = 2.0 * MERCATOR_HALF / f64::from(1u32 << tile.zoom.min(30));
    let minx = -MERCATOR_HALF + f64::from(tile.x) * size;
    let maxy = MERCATOR_HALF - f64::from(tile.y) * size;
    [minx, maxy - size, minx + size, maxy]
}

/// Metres with a micrometre's precision, trailing zeros dropped ("-20037508.342789", "0").
fn metres(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_owned() } else { text.to_owned() }
}

impl XyzTemplate {}

/// A basemap choice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Basemap {
    /// A plain background: the layers alone (always works offline).
    None,
    /// OpenStreetMap's standard tiles (the default).
    #[default]
    Osm,
    /// Tianditu vector map with its label overlay (needs a key).
    TiandituVec,
    /// Tianditu imagery with its label overlay (needs a key).
    TiandituImg,
    /// AMap (Gaode) streets, in GCJ-02.
    Amap,
    /// AMap imagery, in GCJ-02.
    AmapImg,
    /// A custom XYZ server.
    Xyz(XyzTemplate),
    /// A local PMTiles file of raster tiles.
    PmTiles(PathBuf),
    /// A local folder of `z/x/y.png` (or `.jpg`) tiles.
    Folder(PathBuf),
}

impl FromStr for Basemap {
    type Err = BasemapError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "none" | "off" | "plain" => return Ok(Basemap::None),
            "osm" | "openstreetmap" => return Ok(Basemap::Osm),
            "tianditu-vec" | "tianditu" => return Ok(Basemap::TiandituVec),
            "tianditu-img" => return Ok(Basemap::TiandituImg),
            "amap" | "gaode" => return Ok(Basemap::Amap),
            "amap-img" | "gaode-img" => return Ok(Basemap::AmapImg),
            _ => {}
        }
        if t.contains("://") {
            return XyzTemplate::parse(t).map(Basemap::Xyz);
        }
        let p = Path::new(t);
        let lower = t.to_ascii_lowercase();
        if lower.ends_with(".mbtiles") {
            return Err(BasemapError::MbTiles(p.to_owned()));
        }
        if lower.ends_with(".pmtiles") {
            return if p.is_file() {
                Ok(Basemap::PmTiles(p.to_owned()))
            } else {
                Err(BasemapError::NotFound(p.to_owned()))
            };
        }
        if p.is_dir() {
            return Ok(Basemap::Folder(p.to_owned()));
        }
        if t.contains('/') || t.contains('\\') {
            return Err(BasemapError::NotFound(p.to_owned()));
        }
        Err(BasemapError::Unknown(t.to_owned()))
    }
}

/// What a basemap must credit on the map.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    /// The text shown.
    pub text: String,
    /// Where it links to (may be empty).
    pub url: String,
}

/// Why a basemap cannot be downloaded for offline use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BulkRefusal {
    /// OpenStreetMap's public tile servers: their usage policy forbids bulk downloading.
    Osm,
    /// Tianditu's terms do not allow caching its tiles in bulk.
    Tianditu,
    /// AMap's terms do not allow caching its tiles in bulk.
    Amap,
    /// Already local (PMTiles file, folder) or no basemap at all.
    NothingToDownload,
}

impl BulkRefusal {
    /// The reason, in Chinese and in English.
    pub fn reason(&self) -> (&'static str, &'static str) {
        match self {
            BulkRefusal::Osm => (
                "OpenStreetMap 公共瓦片服务器的使用政策禁止批量下载。请使用自建或单位内部的瓦片服务器（自定义 XYZ）。",
                "OpenStreetMap's tile usage policy forbids bulk downloading from its public servers. Use a self-hosted or in-house tile server (custom XYZ).",
            ),
            BulkRefusal::Tianditu => (
                "天地图的服务条款不允许批量下载瓦片。请使用自建或单位内部的瓦片服务器（自定义 XYZ）。",
                "Tianditu's terms do not allow bulk downloading of its tiles. Use a self-hosted or in-house tile server (custom XYZ).",
            ),
            BulkRefusal::Amap => (
                "高德地图的服务条款不允许批量下载瓦片。请使用自建或单位内部的瓦片服务器（自定义 XYZ）。",
                "AMap's terms do not allow bulk downloading of its tiles. Use a self-hosted or in-house tile server (custom XYZ).",
            ),
            BulkRefusal::NothingToDownload => (
                "当前底图已是本地数据或无底图，无需下载。",
                "The current basemap is already local (or none): nothing to download.",
            ),
        }
    }
}

/// The English reason (the second half of [`BulkRefusal::reason`]).
impl std::fmt::Display for BulkRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason().1)
    }
}

impl Bilingual for BulkRefusal {
    fn zh(&self) -> String {
        self.reason().0.to_owned()
    }
}

/// Whether a host is one of the public servers whose terms forbid bulk download.
fn public_host_refusal(host: &str) -> Option<BulkRefusal> {
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    if under("openstreetmap.org") || under("osm.org") || under("openstreetmap.fr") {
        Some(BulkRefusal::Osm)
    } else if under("tianditu.gov.cn") || under("tianditu.com") {
        Some(BulkRefusal::Tianditu)
    } else if under("autonavi.com") || under("amap.com") {
        Some(BulkRefusal::Amap)
    } else {
        None
    }
}

impl Basemap {
    /// The choices offered in the switcher (custom ones are added by the user).
    pub const BUILT_IN: [Basemap; 6] =
        [Basemap::None, Basemap::Osm, Basemap::TiandituVec, Basemap::TiandituImg, Basemap::Amap, Basemap::AmapImg];

    /// A short key (also the cache folder name).
    pub fn key(&self) -> String {
        match self {
            Basemap::None => "none".into(),
            Basemap::Osm => "osm".into(),
            Basemap::TiandituVec => "tianditu-vec".into(),
            Basemap::TiandituImg => "tianditu-img".into(),
            Basemap::Amap => "amap".into(),
            Basemap::AmapImg => "amap-img".into(),
            Basemap::Xyz(t) => format!("xyz-{:016x}", fnv1a(t.as_str().as_bytes())),
            Basemap::PmTiles(p) => format!("pmtiles-{:016x}", fnv1a(p.to_string_lossy().as_bytes())),
            Basemap::Folder(p) => format!("folder-{:016x}", fnv1a(p.to_string_lossy().as_bytes())),
        }
    }

    /// The form the command line and workspaces use (parses back with `FromStr`). Never holds
    /// the Tianditu key: the key lives in the user's config folder only.
    pub fn key_or_spec(&self) -> String {
        match self {
            Basemap::Xyz(t) => t.as_str().to_owned(),
            Basemap::PmTiles(p) | Basemap::Folder(p) => p.display().to_string(),
            other => other.key(),
        }
    }

    /// The name shown in the switcher.
    pub fn label(&self, english: bool) -> String {
        let (zh, en) = match self {
            Basemap::None => ("无底图（纯色背景）", "None (plain background)"),
            Basemap::Osm => ("OpenStreetMap", "OpenStreetMap"),
            Basemap::TiandituVec => ("天地图 矢量", "Tianditu streets"),
            Basemap::TiandituImg => ("天地图 影像", "Tianditu imagery"),
            Basemap::Amap => ("高德 地图（GCJ-02）", "AMap streets (GCJ-02)"),
            Basemap::AmapImg => ("高德 影像（GCJ-02）", "AMap imagery (GCJ-02)"),
            Basemap::Xyz(t) => {
                let kind = match (t.is_bbox(), english) {
                    (true, true) => "Custom WMS",
                    (true, false) => "自定义 WMS",
                    (false, true) => "Custom XYZ",
                    (false, false) => "自定义 XYZ",
                };
                return format!("{kind} {}", short(t.as_str(), 48));
            }
            Basemap::PmTiles(p) => return format!("PMTiles {}", file_name(p)),
            Basemap::Folder(p) => {
                return format!("{} {}", if english { "Tile folder" } else { "瓦片文件夹" }, file_name(p));
            }
        };
        if english { en.to_owned() } else { zh.to_owned() }
    }

    /// A short name for tight places (the switcher's closed state): a custom server by its
    /// host, a file by its name.
    pub fn short_label(&self, english: bool) -> String {
        match self {
            Basemap::Xyz(t) => format!("{} {}", if english { "XYZ" } else { "自定义" }, short(&t.host(), 22)),
            Basemap::PmTiles(p) => format!("PMTiles {}", short(&file_name(p), 22)),
            Basemap::Folder(p) => {
                format!("{} {}", if english { "Folder" } else { "文件夹" }, short(&file_name(p), 22))
            }
            other => other.label(english),
        }
    }

    /// The projection the tiles are drawn in.
    pub fn projection(&self) -> MapProjection {
        match self {
            Basemap::Amap | Basemap::AmapImg => MapProjection::Gcj02Mercator,
            _ => MapProjection::WebMercator,
        }
    }

    /// Whether the basemap needs a Tianditu key.
    pub fn needs_tianditu_key(&self) -> bool {
        matches!(self, Basemap::TiandituVec | Basemap::TiandituImg)
    }

    /// Whether the tiles come from local files (no network at all).
    pub fn is_local(&self) -> bool {
        matches!(self, Basemap::PmTiles(_) | Basemap::Folder(_))
    }

    /// What the map must credit. Local files may carry their own credit, which the tile layer
    /// reads and prefers.
    pub fn credit(&self) -> Option<Credit> {
        let c = |text: &str, url: &str| Some(Credit { text: text.to_owned(), url: url.to_owned() });
        match self {
            Basemap::None => None,
            Basemap::Osm => c("© OpenStreetMap contributors", "https://www.openstreetmap.org/copyright"),
            Basemap::TiandituVec | Basemap::TiandituImg => {
                c("© 天地图 Tianditu · 国家地理信息公共服务平台", "https://www.tianditu.gov.cn/")
            }
            Basemap::Amap | Basemap::AmapImg => c("© 高德地图 AutoNavi", "https://www.amap.com/"),
            Basemap::Xyz(t) => Some(Credit { text: format!("Tiles © {}", t.host()), url: String::new() }),
            Basemap::PmTiles(p) => Some(Credit { text: format!("PMTiles {}", file_name(p)), url: String::new() }),
            Basemap::Folder(p) => Some(Credit { text: format!("Tiles: {}", file_name(p)), url: String::new() }),
        }
    }

    /// Whether the tiles of this basemap may be downloaded in bulk for offline use: only from
    /// a custom (self-hosted) XYZ server, never from the public OSM, Tianditu or AMap servers
    /// (even when their URL is entered as a custom template).
    pub fn bulk_download(&self) -> Result<XyzTemplate, BulkRefusal> {
        match self {
            Basemap::Osm => Err(BulkRefusal::Osm),
            Basemap::TiandituVec | Basemap::TiandituImg => Err(BulkRefusal::Tianditu),
            Basemap::Amap | Basemap::AmapImg => Err(BulkRefusal::Amap),
            Basemap::None | Basemap::PmTiles(_) | Basemap::Folder(_) => Err(BulkRefusal::NothingToDownload),
            Basemap::Xyz(t) => match public_host_refusal(&t.host()) {
                Some(r) => Err(r),
                None => Ok(t.clone()),
            },
        }
    }

    /// The HTTP tile sources, bottom first (Tianditu has a label overlay). Empty for `None`
    /// and for local files.
    pub fn http_sources(&self, tianditu_key: Option<&str>) -> Vec<HttpSource> {
        let amap = |style: u8| HttpSource { urls: UrlPattern::Amap { style }, max_zoom: 18 };
        let tdt = |layer: &'static str| HttpSource {
            urls: UrlPattern::Tianditu { layer, key: tianditu_key.unwrap_or_default().to_owned() },
            max_zoom: 18,
        };
        match self {
            Basemap::None | Basemap::PmTiles(_) | Basemap::Folder(_) => vec![],
            Basemap::Osm => vec![HttpSource {
                urls: UrlPattern::Template(XyzTemplate("https://tile.openstreetmap.org/{z}/{x}/{y}.png".into())),
                max_zoom: 19,
            }],
            Basemap::TiandituVec => vec![tdt("vec"), tdt("cva")],
            Basemap::TiandituImg => vec![tdt("img"), tdt("cia")],
            Basemap::Amap => vec![amap(8)],
            Basemap::AmapImg => vec![amap(6)],
            Basemap::Xyz(t) => vec![HttpSource { urls: UrlPattern::Template(t.clone()), max_zoom: 19 }],
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

fn short(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_owned()
    } else {
        let head: String = s.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// How tile URLs are made.
#[derive(Clone, Debug)]
pub enum UrlPattern {
    /// An XYZ template.
    Template(XyzTemplate),
    /// Tianditu WMTS-as-XYZ on the Web Mercator (`_w`) matrix set.
    Tianditu {
        /// `vec`, `cva`, `img` or `cia`.
        layer: &'static str,
        /// The user's key (`tk`). Never logged, never shown.
        key: String,
    },
    /// AMap's tile servers (`style` 8 streets, 6 imagery).
    Amap {
        /// AMap style number.
        style: u8,
    },
}

/// One HTTP tile source.
#[derive(Clone, Debug)]
pub struct HttpSource {
    /// URL maker.
    pub urls: UrlPattern,
    /// Highest zoom the server has.
    pub max_zoom: u8,
}

impl HttpSource {
    /// The URL of a tile. May hold a key: never log it unredacted.
    pub fn url(&self, tile: TileId) -> String {
        match &self.urls {
            UrlPattern::Template(t) => t.url(tile),
            UrlPattern::Tianditu { layer, key } => format!(
                "https://t{}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={}&TILEROW={}&TILECOL={}&tk={key}",
                (tile.x + tile.y) % 8,
                tile.zoom,
                tile.y,
                tile.x
            ),
            UrlPattern::Amap { style } => format!(
                "https://{}0{}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style={style}&x={}&y={}&z={}",
                if *style == 6 { "webst" } else { "webrd" },
                1 + (tile.x + tile.y) % 4,
                tile.x,
                tile.y,
                tile.zoom
            ),
        }
    }

    /// Whether this source needs the Tianditu key.
    pub fn needs_key(&self) -> bool {
        matches!(self.urls, UrlPattern::Tianditu { .. })
    }

    /// Whether a key is set for it (always true for sources without keys).
    pub fn has_key(&self) -> bool {
        match &self.urls {
            UrlPattern::Tianditu { key, .. } => !key.trim().is_empty(),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_templates_and_rejects_bad_ones() {
        assert_eq!("osm".parse::<Basemap>(), Ok(Basemap::Osm));
        assert_eq!("AMAP".parse::<Basemap>(), Ok(Basemap::Amap));
        assert!(matches!("https://tiles.example.org/{z}/{x}/{y}.png".parse::<Basemap>(), Ok(Basemap::Xyz(_))));
        assert!(matches!("ftp://x/{z}/{x}/{y}".parse::<Basemap>(), Err(BasemapError::BadTemplate { .. })));
        assert!(matches!("file:///etc/{z}/{x}/{y}".parse::<Basemap>(), Err(BasemapError::BadTemplate { .. })));
        assert!(matches!("https://x/{z}/{x}.png".parse::<Basemap>(), Err(BasemapError::BadTemplate { .. })));
        assert!(matches!(
            "https://x/{z}/{x}/{y}{r}.png".parse::<Basemap>(),
            Err(BasemapError::BadTemplate { why: TemplateProblem::UnknownPlaceholder(_), .. })
        ));
        assert!(matches!(
            "https:///{z}/{x}/{y}.png".parse::<Basemap>(),
            Err(BasemapError::BadTemplate { why: TemplateProblem::NoHost, .. })
        ));
        assert!(matches!("mars".parse::<Basemap>(), Err(BasemapError::Unknown(_))));
        assert!(matches!("/nonexistent/a.pmtiles".parse::<Basemap>(), Err(BasemapError::NotFound(_))));
        assert!(matches!("/nonexistent/tiles".parse::<Basemap>(), Err(BasemapError::NotFound(_))));
        assert!(matches!("a.mbtiles".parse::<Basemap>(), Err(BasemapError::MbTiles(_))));
        let dir = std::env::temp_dir();
        assert_eq!(dir.to_string_lossy().parse::<Basemap>(), Ok(Basemap::Folder(dir.clone())));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        let has_chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let check = |e: &dyn Bilingual, facts: &[&str]| {
            let zh = e.zh();
            assert!(has_chinese(&zh), "{zh}");
            for fact in facts {
                assert!(zh.contains(fact), "{zh} lacks {fact}");
            }
            assert_eq!(e.en(), e.to_string());
            assert_eq!(e.message(true), e.to_string());
            assert_eq!(e.message(false), zh);
        };
        let e = "https://x/{z}/{x}.png".parse::<Basemap>().err().unwrap_or_else(|| panic!("parsed"));
        check(&e, &["https://x/{z}/{x}.png", "{y}", "瓦片地址模板"]);
        let e = "https://x/{z}/{x}/{y}{r}.png".parse::<Basemap>().err().unwrap_or_else(|| panic!("parsed"));
        check(&e, &["{r}", "未知占位符"]);
        check(&TemplateProblem::Scheme, &["http://", "https://"]);
        check(&TemplateProblem::NoHost, &["主机名"]);
        check(&TemplateProblem::Missing("{x}"), &["{x}", "占位符"]);
        check(&TemplateProblem::UnknownPlaceholder("{q}".into()), &["{q}", "{z}", "{s}"]);
        check(&TemplateProblem::Whitespace, &["空格"]);
        check(&BasemapError::Unknown("mars".into()), &["mars", "未知底图", "osm", ".pmtiles"]);
        let e = "/nonexistent/规划.pmtiles".parse::<Basemap>().err().unwrap_or_else(|| panic!("parsed"));
        assert_eq!(e, BasemapError::NotFound(PathBuf::from("/nonexistent/规划.pmtiles")));
        check(&e, &["/nonexistent/规划.pmtiles", "不存在"]);
        let e = "/data/a.mbtiles".parse::<Basemap>().err().unwrap_or_else(|| panic!("parsed"));
        check(&e, &["/data/a.mbtiles", "MBTiles", "pmtiles convert in.mbtiles out.pmtiles"]);
        assert!(e.to_string().starts_with("/data/a.mbtiles: MBTiles"), "{e}");
        check(&BulkRefusal::Osm, &["OpenStreetMap", "批量下载"]);
        check(&BulkRefusal::Tianditu, &["天地图"]);
        check(&BulkRefusal::Amap, &["高德"]);
        check(&BulkRefusal::NothingToDownload, &["无需下载"]);
        assert_eq!(BulkRefusal::Osm.to_string(), BulkRefusal::Osm.reason().1);
    }

    #[test]
    fn builds_urls() {
        let t = XyzTemplate::parse("http://{s}.tile.local/{z}/{x}/{y}.png").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.url(TileId { x: 1, y: 2, zoom: 3 }), "http://a.tile.local/3/1/2.png");
        let s = &Basemap::TiandituVec.http_sources(Some("KEY"))[0];
        let u = s.url(TileId { x: 5, y: 6, zoom: 7 });
        assert!(u.contains("vec_w") && u.contains("TILEMATRIX=7&TILEROW=6&TILECOL=5") && u.ends_with("tk=KEY"), "{u}");
        let a = &Basemap::AmapImg.http_sources(None)[0];
        assert!(a.url(TileId { x: 0, y: 0, zoom: 1 }).starts_with("https://webst01.is.autonavi.com"));
        let a = &Basemap::Amap.http_sources(None)[0];
        assert!(a.url(TileId { x: 1, y: 0, zoom: 1 }).starts_with("https://webrd02.is.autonavi.com"));
        assert_eq!(Basemap::Amap.projection(), MapProjection::Gcj02Mercator);
        assert_eq!(Basemap::Osm.projection(), MapProjection::WebMercator);
    }

    #[test]
    fn wms_templates_take_the_tile_box_in_web_mercator_metres() {
        // Zoom 0 is the whole square; zoom 1, x 1, y 0 its north-east quarter.
        let h = 20_037_508.342_789_244;
        assert_eq!(web_mercator_bbox(TileId { x: 0, y: 0, zoom: 0 }), [-h, -h, h, h]);
        assert_eq!(web_mercator_bbox(TileId { x: 1, y: 0, zoom: 1 }), [0.0, 0.0, h, h]);
        // Kuiwen at zoom 12: tile 3403/1598, 9783.94 m on a side.
        let b = web_mercator_bbox(TileId { x: 3403, y: 1598, zoom: 12 });
        let size = 2.0 * h / 4096.0;
        assert!((b[2] - b[0] - size).abs() < 1e-6 && (b[3] - b[1] - size).abs() < 1e-6, "{b:?}");
        assert!((b[0] - 13_257_238.185_780_969).abs() < 1e-6 && (b[3] - 4_402_772.829_226_153).abs() < 1e-6, "{b:?}");
        let wms = "http://10.0.0.5/geoserver/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kuiwen:parks&STYLES=&CRS=EPSG:3857&BBOX={bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE";
        let t = XyzTemplate::parse(wms).unwrap_or_else(|e| panic!("{e}"));
        assert!(t.is_bbox());
        assert_eq!(t.url(TileId { x: 1, y: 0, zoom: 1 }), wms.replace("{bbox}", "0,0,20037508.342789,20037508.342789"));
        assert_eq!(
            t.url(TileId { x: 0, y: 1, zoom: 1 }),
            wms.replace("{bbox}", "-20037508.342789,-20037508.342789,0,0")
        );
        let u = t.url(TileId { x: 3403, y: 1598, zoom: 12 });
        assert!(u.contains("&BBOX=13257238.185781,4392988.889606,13267022.125401,4402772.829226&"), "{u}");
        // `--basemap` takes it as it is.
        assert_eq!(wms.parse::<Basemap>(), Ok(Basemap::Xyz(t.clone())));
        assert!(Basemap::Xyz(t.clone()).label(true).starts_with("Custom WMS"));
        assert_eq!(Basemap::Xyz(t).key_or_spec(), wms);
        // Without {bbox} the three tile placeholders are still needed, and the message says so.
        let e = "https://x/{z}/{x}.png".parse::<Basemap>().err().unwrap_or_else(|| panic!("parsed"));
        assert!(e.to_string().contains("{y}") && e.to_string().contains("{bbox}"), "{e}");
        assert!(e.zh().contains("{bbox}"), "{}", e.zh());
        assert!(matches!(
            "https://x/wms?BBOX={BBOX}".parse::<Basemap>(),
            Err(BasemapError::BadTemplate { why: TemplateProblem::Missing("{z}"), .. })
        ));
    }

    #[test]
    fn bulk_download_only_from_custom_servers() {
        assert_eq!(Basemap::Osm.bulk_download(), Err(BulkRefusal::Osm));
        assert_eq!(Basemap::TiandituImg.bulk_download(), Err(BulkRefusal::Tianditu));
        assert_eq!(Basemap::Amap.bulk_download(), Err(BulkRefusal::Amap));
        assert_eq!(Basemap::None.bulk_download(), Err(BulkRefusal::NothingToDownload));
        let osm_as_custom: Basemap =
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(osm_as_custom.bulk_download(), Err(BulkRefusal::Osm));
        let own: Basemap = "http://10.1.2.3:8080/tiles/{z}/{x}/{y}.png".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(own.bulk_download().is_ok());
        let Basemap::Xyz(t) = &own else { panic!("not parsed as a custom XYZ source: {own:?}") };
        assert_eq!(t.host(), "10.1.2.3:8080");
    }

    #[test]
    fn the_spec_never_holds_the_key() {
        for b in [Basemap::TiandituVec, Basemap::TiandituImg] {
            assert!(!b.key_or_spec().contains("tk="));
            let sources = b.http_sources(Some("SECRETKEY123"));
            assert!(sources.iter().all(|s| s.url(TileId { x: 0, y: 0, zoom: 0 }).contains("SECRETKEY123")));
            assert!(!b.key_or_spec().contains("SECRETKEY123") && !b.label(true).contains("SECRETKEY123"));
        }
    }
}
