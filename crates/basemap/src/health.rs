//! Is the basemap working? Each tile layer counts what it delivered and what failed, and why;
//! [`status`] turns that into the one thing the status bar says: "OK", "loading", "slow",
//! "HTTP 404", "key rejected", "quota", "offline"…
//!
//! The failures are classified where they happen (see [`super::fetch`]), so the status can be
//! precise instead of guessing from log lines. Secrets (`tk=` keys) never get into a message:
//! see [`redact`].

use std::time::{Duration, Instant};

use walkers::TileId;

/// A request in flight for longer than this makes the status say "slow server".
pub const SLOW_AFTER: Duration = Duration::from_secs(3);

/// Why a tile did not come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TileFailure {
    /// The source needs a key (Tianditu) and none is set. No request is made.
    MissingKey,
    /// The server refused: HTTP 401/403, Tianditu's 418, or a 200 whose body says the key is
    /// wrong (the code is then 200).
    Denied(u16),
    /// Quota or rate limit exceeded (HTTP 429, or a body that says so).
    Quota(u16),
    /// HTTP 404 from a server, or a tile a local archive does not hold.
    NotFound,
    /// HTTP 5xx.
    Server(u16),
    /// Another HTTP status.
    Http(u16),
    /// The server did not answer in time.
    Timeout,
    /// No connection: no network, wrong host, refused connection. The text never holds a URL.
    Unreachable(String),
    /// The server answered with something that is not an image.
    Garbage(String),
    /// A local file or folder could not be read.
    Local(String),
}

impl TileFailure {
    /// When to ask again for a tile that failed this way (None: not until the basemap is
    /// rebuilt, e.g. after a new key).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            TileFailure::MissingKey | TileFailure::Denied(_) | TileFailure::Local(_) => None,
            TileFailure::Quota(_) => Some(Duration::from_secs(300)),
            TileFailure::NotFound | TileFailure::Garbage(_) => Some(Duration::from_secs(300)),
            TileFailure::Server(_) | TileFailure::Http(_) => Some(Duration::from_secs(30)),
            TileFailure::Timeout | TileFailure::Unreachable(_) => Some(Duration::from_secs(10)),
        }
    }

    /// Failures that no retry or waiting will fix (a key, a quota, a file).
    pub fn is_blocking(&self) -> bool {
        matches!(self, TileFailure::MissingKey | TileFailure::Denied(_) | TileFailure::Quota(_) | TileFailure::Local(_))
    }

    /// Technical detail for a hover text (English; no secrets).
    pub fn detail(&self) -> String {
        match self {
            TileFailure::MissingKey => "no key".into(),
            TileFailure::Denied(c) => format!("HTTP {c}: access denied"),
            TileFailure::Quota(c) => format!("HTTP {c}: quota exceeded"),
            TileFailure::NotFound => "HTTP 404 / tile not in archive".into(),
            TileFailure::Server(c) | TileFailure::Http(c) => format!("HTTP {c}"),
            TileFailure::Timeout => "timed out".into(),
            TileFailure::Unreachable(m) | TileFailure::Garbage(m) | TileFailure::Local(m) => redact(m),
        }
    }

    /// The same detail in Chinese, worded like the status bar (no secrets). The texts from the
    /// system or the server that some failures carry stay as they are, in brackets.
    pub fn detail_zh(&self) -> String {
        match self {
            TileFailure::MissingKey => "未设置天地图密钥".into(),
            TileFailure::Denied(c) => format!("瓦片服务器拒绝访问（HTTP {c}）"),
            TileFailure::Quota(c) => format!("瓦片请求超出配额或频率限制（HTTP {c}）"),
            TileFailure::NotFound => "没有这张瓦片（HTTP 404，或离线底图中没有）".into(),
            TileFailure::Server(c) => format!("瓦片服务器内部错误（HTTP {c}）"),
            TileFailure::Http(c) => format!("瓦片服务器错误（HTTP {c}）"),
            TileFailure::Timeout => "瓦片服务器响应超时".into(),
            TileFailure::Unreachable(m) => format!("无法连接瓦片服务器（{}）", redact(m)),
            TileFailure::Garbage(m) => format!("瓦片服务器返回的不是图片（{}）", redact(m)),
            TileFailure::Local(m) => format!("无法读取离线底图（{}）", redact(m)),
        }
    }
}

/// Where a delivered tile came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Downloaded now.
    Network,
    /// Read from the disk cache (no request sent).
    DiskCache,
    /// Read from a local file or folder.
    Local,
}

/// What one tile layer has seen since it was built.
#[derive(Clone, Debug, Default)]
pub struct LayerHealth {
    /// Tiles downloaded.
    pub from_network: u64,
    /// Tiles served from the disk cache.
    pub from_cache: u64,
    /// Tiles read from local files.
    pub from_local: u64,
    /// Failed tiles.
    pub failures: u64,
    /// The latest failure.
    pub last_failure: Option<(Instant, TileFailure)>,
    /// The latest delivered tile.
    pub last_delivery: Option<Instant>,
    /// Requests being worked on, with their start.
    pub in_flight: Vec<(TileId, Instant)>,
    /// A failure that applies to every tile (missing key, unreadable archive).
    pub permanent: Option<TileFailure>,
}

impl LayerHealth {
    /// Count a delivered tile.
    pub fn delivered(&mut self, origin: Origin) {
        match origin {
            Origin::Network => self.from_network += 1,
            Origin::DiskCache => self.from_cache += 1,
            Origin::Local => self.from_local += 1,
        }
        self.last_delivery = Some(Instant::now());
    }

    /// Count a failed tile.
    pub fn failed(&mut self, failure: TileFailure) {
        self.failures += 1;
        self.last_failure = Some((Instant::now(), failure));
    }

    /// Tiles delivered in total.
    pub fn delivered_total(&self) -> u64 {
        self.from_network + self.from_cache + self.from_local
    }
}

/// What the status bar shows about the basemap.
#[derive(Clone, Debug, PartialEq)]
pub enum TileStatus {
    /// No basemap chosen.
    Off,
    /// Everything asked for has arrived.
    Ok {
        /// Tiles downloaded.
        network: u64,
        /// Tiles from the disk cache or local files.
        cached: u64,
    },
    /// Tiles are on their way.
    Loading(usize),
    /// Requests have been waiting longer than [`SLOW_AFTER`].
    Slow {
        /// Requests still open.
        pending: usize,
        /// The longest wait so far.
        waited: Duration,
    },
    /// Tiles fail.
    Failing {
        /// The latest failure.
        failure: TileFailure,
        /// Some tiles did arrive (a partial problem, e.g. a few 404s at the edge of coverage).
        partial: bool,
    },
}

impl TileStatus {
    /// Whether the status is a problem the user should see in warning colours.
    pub fn is_problem(&self) -> bool {
        matches!(self, TileStatus::Slow { .. } | TileStatus::Failing { .. })
    }
}

/// The status of a basemap made of several layers (Tianditu has a label overlay), given each
/// layer's health and queued request count.
pub fn status<'a>(layers: impl IntoIterator<Item = (&'a LayerHealth, usize)>) -> TileStatus {
    let now = Instant::now();
    let mut any = false;
    let mut pending = 0usize;
    let mut waited = Duration::ZERO;
    let (mut network, mut cached) = (0u64, 0u64);
    let mut failing: Option<(Instant, TileFailure, bool)> = None;
    for (h, queued) in layers {
        any = true;
        if let Some(p) = &h.permanent {
            return TileStatus::Failing { failure: p.clone(), partial: false };
        }
        pending += queued + h.in_flight.len();
        for (_, started) in &h.in_flight {
            waited = waited.max(now.saturating_duration_since(*started));
        }
        network += h.from_network;
        cached += h.from_cache + h.from_local;
        // Tiles missing at the edge of a server's or an archive's coverage are normal once
        // others have arrived: only a source that has shown nothing is reported for them.
        let normal_gap = |f: &TileFailure| *f == TileFailure::NotFound && h.delivered_total() > 0;
        if let Some((at, f)) = h.last_failure.as_ref().filter(|(_, f)| !normal_gap(f)) {
            let delivered_since = h.last_delivery.is_some_and(|d| d > *at);
            // Blocking failures stay until a tile arrives; others fade after a while.
            let fresh = f.is_blocking() || now.saturating_duration_since(*at) < Duration::from_secs(120);
            if !delivered_since && fresh {
                let partial = h.delivered_total() > 0;
                let newer = failing.as_ref().is_none_or(|(t, old, _)| {
                    (f.is_blocking() && !old.is_blocking()) || (f.is_blocking() == old.is_blocking() && at > t)
                });
                if newer {
                    failing = Some((*at, f.clone(), partial));
                }
            }
        }
    }
    if !any {
        return TileStatus::Off;
    }
    if let Some((_, failure, partial)) = failing {
        return TileStatus::Failing { failure, partial };
    }
    if pending > 0 && waited >= SLOW_AFTER {
        return TileStatus::Slow { pending, waited };
    }
    if pending > 0 { TileStatus::Loading(pending) } else { TileStatus::Ok { network, cached } }
}

/// Remove secrets (`tk=…`, `key=…`, `token=…` and `access_token=…` query values) from a
/// message before it is kept or shown.
pub fn redact(message: &str) -> String {
    kuiwen_core::i18n::redact_secrets(message)
}

/// A logger that redacts secrets from every record (tile URLs can hold keys) before handing
/// it to env_logger.
pub struct TileLogHook {
    inner: env_logger::Logger,
}

impl TileLogHook {
    /// Install as the global logger (once; later calls do nothing).
    pub fn install() {
        let inner = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).build();
        let max = inner.filter();
        if log::set_boxed_logger(Box::new(TileLogHook { inner })).is_ok() {
            log::set_max_level(max);
        }
    }
}

impl log::Log for TileLogHook {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        self.inner.enabled(metadata)
    }

    fn log(&self, record: &log::Record) {
        if self.inner.enabled(record.metadata()) {
            let text = redact(&record.args().to_string());
            self.inner.log(
                &log::Record::builder()
                    .args(format_args!("{text}"))
                    .level(record.level())
                    .target(record.target())
                    .build(),
            );
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys() {
        assert_eq!(redact("GET https://t0.x/?a=1&tk=abcDEF123&b=2 failed"), "GET https://t0.x/?a=1&tk=***&b=2 failed");
        assert_eq!(redact("https://x/?access_token=pk.abc-1_2&q"), "https://x/?access_token=***&q");
        assert_eq!(redact("no secret here"), "no secret here");
    }

    #[test]
    fn failure_details_in_chinese_keep_the_facts() {
        let cases = [
            (TileFailure::MissingKey, "天地图密钥"),
            (TileFailure::Denied(418), "HTTP 418"),
            (TileFailure::Quota(429), "HTTP 429"),
            (TileFailure::NotFound, "HTTP 404"),
            (TileFailure::Server(503), "HTTP 503"),
            (TileFailure::Http(302), "HTTP 302"),
            (TileFailure::Timeout, "超时"),
            (TileFailure::Unreachable("connection refused".into()), "connection refused"),
            (TileFailure::Garbage("not an image (text/html, 12 bytes)".into()), "text/html, 12 bytes"),
            (TileFailure::Local("/data/a.pmtiles: damaged".into()), "/data/a.pmtiles"),
        ];
        for (f, fact) in cases {
            let zh = f.detail_zh();
            assert!(zh.contains(fact) && zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{zh}");
        }
        assert!(!TileFailure::Unreachable("https://t0.x/?tk=SECRET1".into()).detail_zh().contains("SECRET1"));
    }

    #[test]
    fn status_prefers_blocking_failures_and_sees_slow_requests() {
        let mut a = LayerHealth::default();
        assert_eq!(status([(&a, 0)]), TileStatus::Ok { network: 0, cached: 0 });
        assert_eq!(status([(&a, 3)]), TileStatus::Loading(3));
        a.in_flight.push((TileId { x: 0, y: 0, zoom: 1 }, Instant::now() - Duration::from_secs(5)));
        assert!(matches!(status([(&a, 0)]), TileStatus::Slow { pending: 1, .. }));
        a.in_flight.clear();
        a.failed(TileFailure::Timeout);
        let mut b = LayerHealth::default();
        b.failed(TileFailure::Denied(403));
        assert_eq!(
            status([(&a, 0), (&b, 0)]),
            TileStatus::Failing { failure: TileFailure::Denied(403), partial: false }
        );
        // A tile arriving after a failure clears it.
        a.delivered(Origin::Network);
        assert_eq!(status([(&a, 0)]), TileStatus::Ok { network: 1, cached: 0 });
        // Missing tiles at the edge of coverage, once others arrived, are no failure…
        a.failed(TileFailure::NotFound);
        assert_eq!(status([(&a, 0)]), TileStatus::Ok { network: 1, cached: 0 });
        // …but a source that has shown nothing says so.
        let mut c = LayerHealth::default();
        c.failed(TileFailure::NotFound);
        assert_eq!(status([(&c, 0)]), TileStatus::Failing { failure: TileFailure::NotFound, partial: false });
        assert_eq!(status(std::iter::empty()), TileStatus::Off);
    }
}
