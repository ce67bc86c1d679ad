//! Tile source definitions: OpenStreetMap, Tianditu, AMap, custom XYZ templates, local PMTiles.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use walkers::TileId;
use walkers::sources::{Attribution, TileSource};

use super::MapProjection;

/// The User-Agent sent to tile servers: who we are and where to read about us, as the
/// OpenStreetMap tile policy asks.
pub fn user_agent() -> String {
    format!("KuiwenAtlas/{} (desktop planning map viewer; {})", env!("CARGO_PKG_VERSION"), env!("CARGO_PKG_NAME"))
}

/// The per-basemap tile cache folder in the user's cache directory
/// (e.g. `~/.cache/kuiwen-atlas/tiles/osm`).
pub fn tile_cache_dir(basemap_key: &str) -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "Kuiwen", "kuiwen-atlas")
        .map(|d| d.cache_dir().join("tiles").join(basemap_key))
}

/// Why a basemap choice cannot be used.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum BasemapError {
    /// A template that is not an http(s) URL with `{z}`, `{x}` and `{y}`.
    #[error("invalid tile URL template {template:?}: {why}")]
    BadTemplate {
        /// The template.
        template: String,
        /// What is wrong.
        why: String,
    },
    /// A name that is none of the known basemaps, templates or files.
    #[error(
        "unknown basemap {0:?}: use none, osm, tianditu-vec, tianditu-img, amap, amap-img, an http(s) XYZ template or a .pmtiles file"
    )]
    Unknown(String),
    /// A local file or folder that does not exist.
    #[error("basemap file not found: {0}")]
    NotFound(String),
}

/// A validated XYZ URL template (`https://host/{z}/{x}/{y}.png`, optional `{s}` subdomains).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XyzTemplate(String);

impl XyzTemplate {
    /// Check and wrap a template: http or https only, with all three of `{z}`, `{x}`, `{y}`.
    pub fn parse(template: &str) -> Result<Self, BasemapError> {
        let bad = |why: &str| BasemapError::BadTemplate { template: template.to_owned(), why: why.to_owned() };
        let t = template.trim();
        let lower = t.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(bad("only http:// and https:// URLs are allowed"));
        }
        for p in ["{z}", "{x}", "{y}"] {
            if !t.contains(p) {
                return Err(bad(&format!("the placeholder {p} is missing")));
            }
        }
        if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("URLs cannot contain spaces or control characters"));
        }
        Ok(Self(t.to_owned()))
    }

    /// The template text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of one tile. `{s}` cycles through `a`, `b`, `c` by tile position.
    pub fn url(&self, tile: TileId) -> String {
        let sub = ["a", "b", "c"][((tile.x + tile.y) % 3) as usize];
        self.0
            .replace("{z}", &tile.zoom.to_string())
            .replace("{x}", &tile.x.to_string())
            .replace("{y}", &tile.y.to_string())
            .replace("{s}", sub)
    }
}

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
        if t.to_ascii_lowercase().ends_with(".pmtiles") {
            let p = Path::new(t);
            return if p.is_file() {
                Ok(Basemap::PmTiles(p.to_owned()))
            } else {
                Err(BasemapError::NotFound(t.to_owned()))
            };
        }
        Err(BasemapError::Unknown(t.to_owned()))
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
        }
    }

    /// The form the command line and workspaces use (parses back with `FromStr`).
    pub fn key_or_spec(&self) -> String {
        match self {
            Basemap::Xyz(t) => t.as_str().to_owned(),
            Basemap::PmTiles(p) => p.display().to_string(),
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
            Basemap::Xyz(t) => return format!("{} {}", if english { "Custom XYZ" } else { "自定义 XYZ" }, t.as_str()),
            Basemap::PmTiles(p) => return format!("PMTiles {}", p.display()),
        };
        if english { en.to_owned() } else { zh.to_owned() }
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

    /// The HTTP tile sources, bottom first (Tianditu has a label overlay). Empty for `None`
    /// and for local files.
    pub fn http_sources(&self, tianditu_key: Option<&str>) -> Vec<HttpSource> {
        let amap = |style: u8, attribution: &'static str| HttpSource {
            urls: UrlPattern::Amap { style },
            attribution: Attribution {
                text: attribution,
                url: "https://www.amap.com/",
                logo_light: None,
                logo_dark: None,
            },
            max_zoom: 18,
        };
        let tdt = |layer: &'static str| HttpSource {
            urls: UrlPattern::Tianditu { layer, key: tianditu_key.unwrap_or_default().to_owned() },
            attribution: Attribution {
                text: "天地图 Tianditu © 国家地理信息公共服务平台 GS(2024)0568号",
                url: "https://www.tianditu.gov.cn/",
                logo_light: None,
                logo_dark: None,
            },
            max_zoom: 18,
        };
        match self {
            Basemap::None | Basemap::PmTiles(_) => vec![],
            Basemap::Osm => vec![HttpSource {
                urls: UrlPattern::Template(XyzTemplate("https://tile.openstreetmap.org/{z}/{x}/{y}.png".into())),
                attribution: Attribution {
                    text: "© OpenStreetMap contributors",
                    url: "https://www.openstreetmap.org/copyright",
                    logo_light: None,
                    logo_dark: None,
                },
                max_zoom: 19,
            }],
            Basemap::TiandituVec => vec![tdt("vec"), tdt("cva")],
            Basemap::TiandituImg => vec![tdt("img"), tdt("cia")],
            Basemap::Amap => vec![amap(8, "© 高德地图 AutoNavi GS(2023)551号")],
            Basemap::AmapImg => vec![amap(6, "© 高德地图 AutoNavi GS(2023)551号")],
            Basemap::Xyz(t) => vec![HttpSource {
                urls: UrlPattern::Template(t.clone()),
                attribution: Attribution { text: "Custom tile server", url: "", logo_light: None, logo_dark: None },
                max_zoom: 19,
            }],
        }
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
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
        /// The user's key (`tk`). Never logged.
        key: String,
    },
    /// AMap's tile servers (`style` 8 streets, 6 imagery).
    Amap {
        /// AMap style number.
        style: u8,
    },
}

/// One HTTP tile source for walkers.
#[derive(Clone)]
pub struct HttpSource {
    /// URL maker.
    pub urls: UrlPattern,
    /// What the map must credit.
    pub attribution: Attribution,
    /// Highest zoom the server has.
    pub max_zoom: u8,
}

impl HttpSource {
    /// The URL of a tile.
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
                "https://webrd0{}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style={style}&x={}&y={}&z={}",
                1 + (tile.x + tile.y) % 4,
                tile.x,
                tile.y,
                tile.zoom
            )
            .replace("webrd0", if *style == 6 { "webst0" } else { "webrd0" }),
        }
    }
}

impl TileSource for HttpSource {
    fn tile_url(&self, tile_id: TileId) -> String {
        self.url(tile_id)
    }

    fn attribution(&self) -> Attribution {
        self.attribution.clone()
    }

    fn max_zoom(&self) -> u8 {
        self.max_zoom
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
        assert!(matches!("mars".parse::<Basemap>(), Err(BasemapError::Unknown(_))));
        assert!(matches!("/nonexistent/a.pmtiles".parse::<Basemap>(), Err(BasemapError::NotFound(_))));
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
        assert_eq!(Basemap::Amap.projection(), MapProjection::Gcj02Mercator);
        assert_eq!(Basemap::Osm.projection(), MapProjection::WebMercator);
    }
}
