//! Getting the bytes of one tile, on a worker thread: from a tile server (through the disk
//! cache, with timeouts), a local folder or a PMTiles archive. Every failure is classified
//! ([`TileFailure`]) so the status bar can say exactly what is wrong.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use kuiwen_core::Bilingual;
use walkers::TileId;

use super::disk_cache::DiskCache;
use super::health::{Origin, TileFailure, redact};
use super::pmtiles::PmTilesArchive;
use super::sources::{HttpSource, user_agent};

/// Longest wait for a tile, connection included: a server slower than this is reported as
/// timing out, and the tile is asked for again later.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// Longest wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
/// Tile bodies larger than this are refused.
const MAX_BODY_BYTES: u64 = 16 << 20;

/// Tile bytes and where they came from.
#[derive(Debug)]
pub struct Fetched {
    /// The encoded image.
    pub bytes: Vec<u8>,
    /// Where it came from.
    pub origin: Origin,
    /// A failure that happened on the way (a stale cached copy served because the server
    /// failed).
    pub degraded: Option<TileFailure>,
}

/// Why no tile can be downloaded at all: the HTTP client could not be made.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// Building the client failed (TLS certificates, proxy settings). The cause, in one line,
    /// never holds a URL.
    #[error("cannot create the HTTP client: {0}")]
    Build(String),
}

impl Bilingual for ClientError {
    fn zh(&self) -> String {
        match self {
            ClientError::Build(cause) => format!("无法初始化网络连接（HTTP 客户端）：{cause}"),
        }
    }
}

/// The HTTP client shared by all tile fetching: our User-Agent, timeouts, the system proxy.
/// Built on first use, on a worker thread (building it loads TLS roots).
pub fn http_client() -> Result<reqwest::blocking::Client, ClientError> {
    static CLIENT: OnceLock<Result<reqwest::blocking::Client, ClientError>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::blocking::Client::builder()
                .user_agent(user_agent())
                .timeout(REQUEST_TIMEOUT)
                .connect_timeout(CONNECT_TIMEOUT)
                .build()
                .map_err(|e| ClientError::Build(error_chain(&e)))
        })
        .clone()
}

/// An error and its causes in one line, without URLs (they can hold keys).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    redact(&kuiwen_core::i18n::error_chain(e))
}

fn classify_reqwest(e: reqwest::Error) -> TileFailure {
    if e.is_timeout() {
        return TileFailure::Timeout;
    }
    let e = e.without_url();
    TileFailure::Unreachable(error_chain(&e))
}

/// Whether bytes look like an image format we can decode.
pub fn looks_like_image(bytes: &[u8]) -> bool {
    matches!(image::guess_format(bytes), Ok(image::ImageFormat::Png | image::ImageFormat::Jpeg))
}

/// What an HTTP answer means when it is not a usable tile.
pub fn classify_answer(status: u16, body: &[u8], content_type: &str) -> TileFailure {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]).to_lowercase();
    let says_quota =
        ["quota", "exceeded", "limit", "超限", "超出", "限额", "上限", "次数"].iter().any(|w| text.contains(w));
    let says_key = ["key", "token", "tk", "权限", "密钥", "授权", "非法", "unauthorized", "forbidden"]
        .iter()
        .any(|w| text.contains(w));
    match status {
        429 => TileFailure::Quota(429),
        401 | 403 | 418 if says_quota => TileFailure::Quota(status),
        401 | 403 | 418 => TileFailure::Denied(status),
        404 | 410 => TileFailure::NotFound,
        500..=599 => TileFailure::Server(status),
        200..=299 if body.is_empty() => TileFailure::Garbage("empty answer".into()),
        200..=299 if says_quota => TileFailure::Quota(status),
        200..=299 if says_key && !looks_like_image(body) => TileFailure::Denied(status),
        200..=299 => {
            let kind = if content_type.is_empty() { "unknown type".to_owned() } else { content_type.to_owned() };
            TileFailure::Garbage(format!("not an image ({kind}, {} bytes)", body.len()))
        }
        _ => TileFailure::Http(status),
    }
}

/// GET one tile. Only an image answer is a success.
pub fn http_get(client: &reqwest::blocking::Client, url: &str) -> Result<Vec<u8>, TileFailure> {
    let resp = client.get(url).send().map_err(classify_reqwest)?;
    let status = resp.status().as_u16();
    let content_type =
        resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let mut body = Vec::new();
    if let Err(e) = resp.take(MAX_BODY_BYTES).read_to_end(&mut body) {
        return Err(if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out") {
            TileFailure::Timeout
        } else {
            TileFailure::Unreachable(error_chain(&e))
        });
    }
    if (200..300).contains(&status) && looks_like_image(&body) {
        Ok(body)
    } else {
        Err(classify_answer(status, &body, &content_type))
    }
}

/// Where one tile layer's tiles come from.
#[derive(Clone, Debug)]
pub enum TileSourceKind {
    /// A tile server, through the disk cache when there is one.
    Http {
        /// URLs and zoom range.
        source: HttpSource,
        /// The disk cache.
        cache: Option<DiskCache>,
    },
    /// A folder of `z/x/y.png|jpg|jpeg`.
    Folder(PathBuf),
    /// A PMTiles archive.
    PmTiles(Arc<PmTilesArchive>),
}

impl TileSourceKind {
    /// Fetch one tile (blocking: call on a worker thread).
    pub fn fetch(&self, tile: TileId) -> Result<Fetched, TileFailure> {
        match self {
            TileSourceKind::Http { source, cache } => {
                if !source.has_key() {
                    return Err(TileFailure::MissingKey);
                }
                let cached = cache.as_ref().and_then(|c| c.get(tile));
                if let Some((bytes, true)) = &cached {
                    return Ok(Fetched { bytes: bytes.clone(), origin: Origin::DiskCache, degraded: None });
                }
                let client = http_client().map_err(|e| TileFailure::Unreachable(e.to_string()))?;
                match http_get(&client, &source.url(tile)) {
                    Ok(bytes) => Ok(Fetched { bytes, origin: Origin::Network, degraded: None }),
                    // A stale copy beats nothing when the server is unreachable or slow.
                    Err(f @ (TileFailure::Timeout | TileFailure::Unreachable(_) | TileFailure::Server(_))) => {
                        match cached {
                            Some((bytes, _)) => Ok(Fetched { bytes, origin: Origin::DiskCache, degraded: Some(f) }),
                            None => Err(f),
                        }
                    }
                    Err(f) => Err(f),
                }
            }
            TileSourceKind::Folder(root) => folder_tile(root, tile),
            TileSourceKind::PmTiles(archive) => match archive.tile(tile) {
                Ok(Some(bytes)) => Ok(Fetched { bytes, origin: Origin::Local, degraded: None }),
                Ok(None) => Err(TileFailure::NotFound),
                Err(e) => Err(TileFailure::Local(e.to_string())),
            },
        }
    }

    /// Keep a freshly downloaded tile in the disk cache.
    pub fn remember(&self, tile: TileId, bytes: &[u8]) {
        if let TileSourceKind::Http { cache: Some(cache), .. } = self
            && let Err(e) = cache.put(tile, bytes)
        {
            log::warn!("{e}");
        }
    }

    /// How many requests may run at once. Two for OpenStreetMap's public servers, whose
    /// policy asks for restraint; four elsewhere; two for local files (disk-bound).
    pub fn parallelism(&self) -> usize {
        match self {
            TileSourceKind::Http { source, .. } => {
                let osm = matches!(
                    &source.urls,
                    super::sources::UrlPattern::Template(t) if t.host().ends_with("openstreetmap.org")
                );
                if osm { 2 } else { 4 }
            }
            _ => 2,
        }
    }
}

fn folder_tile(root: &Path, tile: TileId) -> Result<Fetched, TileFailure> {
    let base = root.join(tile.zoom.to_string()).join(tile.x.to_string());
    for ext in ["png", "jpg", "jpeg"] {
        let path = base.join(format!("{}.{ext}", tile.y));
        match std::fs::read(&path) {
            Ok(bytes) => return Ok(Fetched { bytes, origin: Origin::Local, degraded: None }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(TileFailure::Local(format!("{}: {e}", path.display()))),
        }
    }
    Err(TileFailure::NotFound)
}

/// The zoom levels present in a tile folder (numeric sub-folders), as `(min, max)`.
pub fn folder_zoom_range(root: &Path) -> Option<(u8, u8)> {
    let zooms: Vec<u8> = std::fs::read_dir(root)
        .ok()?
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u8>().ok()))
        .filter(|z| *z <= 24)
        .collect();
    Some((*zooms.iter().min()?, *zooms.iter().max()?))
}

/// Decode tile bytes into an image for egui (on the worker thread, never the UI thread).
pub fn decode(bytes: &[u8]) -> Result<egui::ColorImage, TileFailure> {
    let img =
        image::load_from_memory(bytes).map_err(|e| TileFailure::Garbage(format!("cannot decode the image: {e}")))?;
    let rgba = img.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    if size[0] == 0 || size[1] == 0 || size[0] > 4096 || size[1] > 4096 {
        return Err(TileFailure::Garbage(format!("unusable tile size {}×{}", size[0], size[1])));
    }
    Ok(egui::ColorImage::from_rgba_unmultiplied(size, rgba.as_flat_samples().as_slice()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_errors_speak_chinese_and_english() {
        let e = ClientError::Build("no TLS root certificates".into());
        let zh = e.zh();
        assert!(zh.contains("no TLS root certificates") && zh.contains("网络连接"), "{zh}");
        assert_eq!(e.en(), e.to_string());
        assert_eq!(e.to_string(), "cannot create the HTTP client: no TLS root certificates");
    }

    #[test]
    fn classifies_answers() {
        assert_eq!(classify_answer(403, b"", ""), TileFailure::Denied(403));
        assert_eq!(
            classify_answer(
                418,
                b"{\"msg\":\"\xe6\x9d\x83\xe9\x99\x90\xe7\xb1\xbb\xe5\x9e\x8b\xe9\x94\x99\xe8\xaf\xaf\"}",
                ""
            ),
            TileFailure::Denied(418)
        );
        assert_eq!(
            classify_answer(403, "该key的访问量已超出当日限额".as_bytes(), "text/plain"),
            TileFailure::Quota(403)
        );
        assert_eq!(classify_answer(429, b"", ""), TileFailure::Quota(429));
        assert_eq!(classify_answer(404, b"", ""), TileFailure::NotFound);
        assert_eq!(classify_answer(503, b"", ""), TileFailure::Server(503));
        assert_eq!(
            classify_answer(200, b"<ServiceException>invalid tk</ServiceException>", "text/xml"),
            TileFailure::Denied(200)
        );
        assert!(matches!(classify_answer(200, b"garbage!!", "image/png"), TileFailure::Garbage(_)));
        assert!(matches!(classify_answer(200, b"", "image/png"), TileFailure::Garbage(_)));
    }
}
