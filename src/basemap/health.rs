//! Is the basemap working? Tile failures are reported by walkers only through its log, so a
//! logger hook counts them, and a wrapper around the tile source counts tiles that arrived.
//! From the two, the status bar can say "offline", "HTTP 403 (bad key?)" or "loading".

use std::sync::Mutex;
use std::time::{Duration, Instant};

use walkers::sources::Attribution;
use walkers::{TileId, TilePiece, Tiles};

/// What the status bar shows about the basemap.
#[derive(Clone, Debug, PartialEq)]
pub enum TileStatus {
    /// No basemap chosen.
    Off,
    /// Nothing requested yet, or everything requested has arrived.
    Ok,
    /// Tiles are downloading.
    Loading(usize),
    /// Tiles fail and none arrive: no network or no server.
    Offline(String),
    /// The server answers with HTTP errors.
    HttpError(u16, String),
}

#[derive(Default)]
struct Health {
    failures: u64,
    last_failure: Option<(Instant, String)>,
    arrivals: u64,
    last_arrival: Option<Instant>,
}

static HEALTH: Mutex<Health> = Mutex::new(Health { failures: 0, last_failure: None, arrivals: 0, last_arrival: None });

/// Record a tile failure (called from the logger hook; the text never holds the key: see
/// [`redact`]).
pub fn record_failure(message: &str) {
    if let Ok(mut h) = HEALTH.lock() {
        h.failures += 1;
        h.last_failure = Some((Instant::now(), redact(message)));
    }
}

fn record_arrival() {
    if let Ok(mut h) = HEALTH.lock() {
        h.arrivals += 1;
        h.last_arrival = Some(Instant::now());
    }
}

/// Forget everything (when the basemap changes).
pub fn reset() {
    if let Ok(mut h) = HEALTH.lock() {
        *h = Health::default();
    }
}

/// Remove secrets (`tk=…` keys) from a message before it is kept or shown.
pub fn redact(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(pos) = rest.find("tk=") {
        out.push_str(&rest[..pos + 3]);
        out.push_str("***");
        let after = &rest[pos + 3..];
        let end = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The HTTP status in a walkers/reqwest failure message, if any ("HTTP status client error (404 Not Found)").
fn http_status(message: &str) -> Option<u16> {
    let i = message.find("error (")?;
    message[i + 7..].split_whitespace().next()?.trim_end_matches(')').parse().ok()
}

/// The status now, given how many tiles are in flight.
pub fn status(in_progress: usize) -> TileStatus {
    let Ok(h) = HEALTH.lock() else { return TileStatus::Ok };
    let recent = Duration::from_secs(30);
    if let Some((at, msg)) = &h.last_failure {
        let arrived_since = h.last_arrival.is_some_and(|a| a > *at);
        if !arrived_since && at.elapsed() < recent * 20 {
            if let Some(code) = http_status(msg) {
                return TileStatus::HttpError(code, msg.clone());
            }
            if h.arrivals == 0 || at.elapsed() < recent {
                return TileStatus::Offline(msg.clone());
            }
        }
    }
    if in_progress > 0 { TileStatus::Loading(in_progress) } else { TileStatus::Ok }
}

/// Counts of (arrived, failed) tiles since the last reset.
pub fn counts() -> (u64, u64) {
    HEALTH.lock().map(|h| (h.arrivals, h.failures)).unwrap_or((0, 0))
}

/// A logger that hands walkers' tile-fetch warnings to [`record_failure`] and passes every record
/// on to env_logger.
pub struct TileLogHook {
    inner: env_logger::Logger,
}

impl TileLogHook {
    /// Install as the global logger (once; later calls do nothing).
    pub fn install() {
        let inner = env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).build();
        let max = inner.filter().max(log::LevelFilter::Warn);
        if log::set_boxed_logger(Box::new(TileLogHook { inner })).is_ok() {
            log::set_max_level(max);
        }
    }
}

impl log::Log for TileLogHook {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target().starts_with("walkers") || self.inner.enabled(metadata)
    }

    fn log(&self, record: &log::Record) {
        if record.level() <= log::Level::Warn && record.target().starts_with("walkers::io") {
            record_failure(&record.args().to_string());
        }
        if self.inner.enabled(record.metadata()) {
            // Keys must never reach logs: redact walkers' messages, which can hold tile URLs.
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

/// A tile source wrapper that notices tiles arriving (a piece at the exact zoom asked, not one
/// borrowed from a lower zoom).
pub struct WatchedTiles<T: Tiles>(pub T);

impl<T: Tiles> Tiles for WatchedTiles<T> {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let piece = self.0.at(tile_id)?;
        let full = piece.uv.min.x == 0.0 && piece.uv.min.y == 0.0 && piece.uv.max.x == 1.0 && piece.uv.max.y == 1.0;
        if full {
            record_arrival();
        }
        Some(piece)
    }

    fn attribution(&self) -> Attribution {
        self.0.attribution()
    }

    fn tile_size(&self) -> u32 {
        self.0.tile_size()
    }

    fn stats(&self) -> walkers::Stats {
        self.0.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys() {
        assert_eq!(redact("GET https://t0.x/?a=1&tk=abcDEF123&b=2 failed"), "GET https://t0.x/?a=1&tk=***&b=2 failed");
        assert_eq!(redact("no key here"), "no key here");
    }

    #[test]
    fn reads_http_status() {
        assert_eq!(http_status("Fetch(\"HTTP status client error (403 Forbidden) for url (…)\")"), Some(403));
        assert_eq!(http_status("error sending request for url"), None);
    }
}
